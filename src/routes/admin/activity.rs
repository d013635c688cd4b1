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
    /// Where the page starts: the entries older than this one (`next_cursor` of the page
    /// before).
    pub cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/activity.html")]
pub struct ActivityPage {
    pub changes: Vec<Change>,
    pub actors: Vec<String>,
    pub entities: &'static [(&'static str, &'static str)],
    pub editor: String,
    pub entity: String,
    /// Whether this is a later page than the newest.
    pub later: bool,
    /// Where the next (older) page starts; `None` on the last.
    pub next_cursor: Option<i64>,
    /// Only admins see the emails of accounts that changed.
    pub show_emails: bool,
}

impl ActivityPage {
    /// The feed with the same filters, from `cursor` (the newest when `None`).
    fn page_href(&self, cursor: Option<i64>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.editor.is_empty() {
            query.append_pair("editor", &self.editor);
        }
        if !self.entity.is_empty() {
            query.append_pair("entity", &self.entity);
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", &cursor.to_string());
        }
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
    let before = match query.cursor.as_deref().map(str::trim).unwrap_or("") {
        "" => None,
        given => Some(given.parse::<i64>().map_err(|_| {
            AppError::bad_request("cursor", format!("\"{given}\" is not where a page starts"))
        })?),
    };
    let mut changes = activity::changes(
        &pool,
        Some(editor.as_str()).filter(|e| !e.is_empty()),
        Some(entity.as_str()).filter(|e| !e.is_empty()),
        before,
        PAGE_SIZE + 1,
    )
    .await?;
    let next_cursor = (changes.len() as i64 > PAGE_SIZE).then(|| {
        changes.truncate(PAGE_SIZE as usize);
        changes.last().expect("a full page").id
    });
    let page = ActivityPage {
        changes,
        actors: activity::actors(&pool).await?,
        entities: &ENTITIES,
        editor,
        entity,
        later: before.is_some(),
        next_cursor,
        show_emails: user.role().is_admin(),
    };
    crate::routes::html(StatusCode::OK, &page)
}
