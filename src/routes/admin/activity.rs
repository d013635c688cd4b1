//! `/admin/activity`: every change, filterable by editor and kind of entry.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::auth::CurrentUser;
use crate::db::activity::{self, Change};
use crate::error::{AppError, Result};

const PAGE_SIZE: i64 = 50;
/// Pages beyond this are not offered: 5 million changes back, and `page × PAGE_SIZE` stays
/// far from overflowing whatever number a link carries.
const LAST_PAGE: u64 = 100_000;

/// The kinds of entry the audit log records, as the schema's CHECK lists them.
pub const ENTITIES: [(&str, &str); 12] = [
    ("framework", "Frameworks"),
    ("language", "Languages"),
    ("feature", "Features"),
    ("industry", "Industries"),
    ("use_case", "Use cases"),
    ("requirement", "Requirements"),
    ("trend", "Trends"),
    ("user", "Accounts"),
    ("change_request", "Change requests"),
    ("reference_question", "Reference questions"),
    ("flag", "Flags"),
    ("radar_edition", "Radar editions"),
];

#[derive(Debug, Default, Deserialize)]
pub struct ActivityQuery {
    pub editor: Option<String>,
    pub entity: Option<String>,
    pub page: Option<u64>,
}

#[derive(Template)]
#[template(path = "admin/activity.html")]
pub struct ActivityPage {
    pub changes: Vec<Change>,
    pub actors: Vec<String>,
    pub entities: &'static [(&'static str, &'static str)],
    pub editor: String,
    pub entity: String,
    pub page: i64,
    pub has_next: bool,
    /// Only admins see the emails of accounts that changed.
    pub show_emails: bool,
}

impl ActivityPage {
    fn page_href(&self, page: i64) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.editor.is_empty() {
            query.append_pair("editor", &self.editor);
        }
        if !self.entity.is_empty() {
            query.append_pair("entity", &self.entity);
        }
        query.append_pair("page", &page.to_string());
        format!("/admin/activity?{}", query.finish())
    }
}

pub async fn index(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    query: web::Query<ActivityQuery>,
) -> Result<HttpResponse> {
    let editor = query.editor.as_deref().unwrap_or("").trim().to_owned();
    let entity = query.entity.as_deref().unwrap_or("").trim().to_owned();
    if !entity.is_empty() && !ENTITIES.iter().any(|(e, _)| *e == entity) {
        return Err(AppError::bad_request(
            "entity",
            format!("\"{entity}\" is not a kind of entry"),
        ));
    }
    let page = query.page.unwrap_or(1).clamp(1, LAST_PAGE) as i64;
    let mut changes = activity::changes(
        &pool,
        Some(editor.as_str()).filter(|e| !e.is_empty()),
        Some(entity.as_str()).filter(|e| !e.is_empty()),
        PAGE_SIZE + 1,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    let has_next = changes.len() as i64 > PAGE_SIZE;
    changes.truncate(PAGE_SIZE as usize);
    let page = ActivityPage {
        changes,
        actors: activity::actors(&pool).await?,
        entities: &ENTITIES,
        editor,
        entity,
        page,
        has_next,
        show_emails: user.role().is_admin(),
    };
    crate::routes::html(StatusCode::OK, &page)
}
