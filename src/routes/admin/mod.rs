//! `/admin…`: the editors' pages. The whole scope is guarded in `startup.rs` (editors and
//! admins only); pages for admins alone check again here.

pub mod activity;
pub mod editing;
pub mod frameworks;
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

/// One page of an editors' list: the page asked for (kept to those that exist), how many
/// there are, and that page's rows.
pub struct Paged<T> {
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    pub rows: Vec<T>,
}

pub fn paginate<T>(items: Vec<T>, requested: Option<usize>, page_size: usize) -> Paged<T> {
    let total = items.len();
    let pages = total.div_ceil(page_size).max(1);
    let page = requested.unwrap_or(1).clamp(1, pages);
    let rows = items
        .into_iter()
        .skip((page - 1) * page_size)
        .take(page_size)
        .collect();
    Paged {
        page,
        pages,
        total,
        rows,
    }
}

/// A list's address for another page, keeping its filters (those set) and its sort.
pub fn list_href(path: &str, filters: &[(&str, &str)], sort: &str, page: usize) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in filters.iter().filter(|(_, value)| !value.is_empty()) {
        query.append_pair(key, value);
    }
    query.append_pair("sort", sort);
    query.append_pair("page", &page.to_string());
    format!("{path}?{}", query.finish())
}

/// The notice a list shows after an entry was deleted (`?done=deleted&name=…`).
pub fn deleted_notice(done: Option<&str>, name: Option<&str>) -> Option<String> {
    match (done, name) {
        (Some("deleted"), Some(name)) => Some(format!(
            "Deleted {name}. Its history keeps every revision; restore it from there if needed."
        )),
        _ => None,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_past_the_end_shows_the_last_and_an_empty_list_has_one_page() {
        let paged = paginate((1..=25).collect(), Some(9), 10);
        assert_eq!((paged.page, paged.pages, paged.total), (3, 3, 25));
        assert_eq!(paged.rows, vec![21, 22, 23, 24, 25]);
        let empty = paginate(Vec::<u8>::new(), Some(0), 10);
        assert_eq!((empty.page, empty.pages, empty.total), (1, 1, 0));
    }

    #[test]
    fn a_page_link_keeps_only_the_filters_that_are_set() {
        assert_eq!(
            list_href(
                "/admin/frameworks",
                &[("q", "web & api"), ("ring", "")],
                "name",
                2
            ),
            "/admin/frameworks?q=web+%26+api&sort=name&page=2"
        );
    }
}
