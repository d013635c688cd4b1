//! `/admin…`: the editors' pages. The whole scope is guarded in `startup.rs` (editors and
//! admins only); pages for admins alone check again here.

pub mod activity;
pub mod editing;
pub mod frameworks;
pub mod health;
pub mod impact;
pub mod listing;
pub mod reference;
pub mod terms;
pub mod users;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::auth::CurrentUser;
use crate::db::activity::{Change, DueForReview, due_for_review, recent_changes};
use crate::error::Result;

/// Entries not reviewed for this long are listed on the admin home.
pub const REVIEW_AFTER_MONTHS: i64 = 6;

#[derive(Debug, serde::Deserialize)]
pub struct PreviewForm {
    pub markdown: String,
    pub csrf_token: String,
}

/// Renders Markdown as the public pages will show it (sanitised), for the editors' live
/// preview.
pub async fn preview(user: CurrentUser, form: web::Form<PreviewForm>) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(crate::markdown::to_safe_html(&form.markdown)))
}

#[derive(Template)]
#[template(path = "admin/home.html")]
pub struct HomePage {
    pub user_name: String,
    pub is_admin: bool,
    pub due: Vec<DueForReview>,
    pub changes: Vec<Change>,
    pub review_after_months: i64,
    /// Only admins see the emails of accounts that changed.
    pub show_emails: bool,
}

pub async fn home(pool: web::Data<SqlitePool>, user: CurrentUser) -> Result<HttpResponse> {
    let page = HomePage {
        user_name: user.name().to_owned(),
        is_admin: user.role().is_admin(),
        due: due_for_review(&pool, REVIEW_AFTER_MONTHS).await?,
        changes: recent_changes(&pool, 20).await?,
        review_after_months: REVIEW_AFTER_MONTHS,
        show_emails: user.role().is_admin(),
    };
    super::html(StatusCode::OK, &page)
}
