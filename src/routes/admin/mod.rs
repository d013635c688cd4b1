//! `/admin…`: the editors' pages. The whole scope is guarded in `startup.rs` (editors and
//! admins only); pages for admins alone check again here.

pub mod activity;
pub mod frameworks;
pub mod terms;
pub mod users;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::auth::CurrentUser;
use crate::db::activity::{Change, DueForReview, due_for_review, recent_changes};
use crate::error::Result;

/// Entries not reviewed for this long are listed on the admin home.
pub const REVIEW_AFTER_MONTHS: i64 = 6;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(home)
        .service(preview)
        .service(activity::index)
        .service(frameworks::index)
        .service(frameworks::new)
        .service(frameworks::create)
        .service(frameworks::edit)
        .service(frameworks::update)
        .service(frameworks::confirm_delete)
        .service(frameworks::delete)
        .service(frameworks::history)
        .service(frameworks::restore)
        .service(users::index)
        .service(users::create)
        .service(users::update_role)
        .service(users::update_access)
        // The vocabulary's routes take the kind from the path, so they come last: the fixed
        // paths above win.
        .service(terms::index)
        .service(terms::new)
        .service(terms::create)
        .service(terms::edit)
        .service(terms::update)
        .service(terms::confirm_delete)
        .service(terms::delete)
        .service(terms::history)
        .service(terms::restore);
}

#[derive(Debug, serde::Deserialize)]
pub struct PreviewForm {
    pub markdown: String,
    pub csrf_token: String,
}

/// Renders Markdown as the public pages will show it (sanitised), for the editors' live
/// preview.
#[actix_web::post("/preview")]
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
}

#[get("")]
pub async fn home(pool: web::Data<SqlitePool>, user: CurrentUser) -> Result<HttpResponse> {
    let page = HomePage {
        user_name: user.name().to_owned(),
        is_admin: user.role().is_admin(),
        due: due_for_review(&pool, REVIEW_AFTER_MONTHS).await?,
        changes: recent_changes(&pool, 20).await?,
        review_after_months: REVIEW_AFTER_MONTHS,
    };
    super::html(StatusCode::OK, &page)
}
