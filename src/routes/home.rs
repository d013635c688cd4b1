//! `/`: the front door. Shows what the knowledge base holds and where to start.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::db::{self, catalogue::Industry};
use crate::error::Result;

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub framework_count: usize,
    pub language_count: usize,
    pub industries: Vec<Industry>,
}

#[get("/")]
pub async fn index(pool: web::Data<SqlitePool>) -> Result<HttpResponse> {
    let frameworks = db::frameworks::list(&pool, &db::frameworks::Filter::default()).await?;
    let languages = db::catalogue::languages(&pool).await?;
    let page = HomePage {
        framework_count: frameworks.len(),
        language_count: languages.iter().filter(|l| l.frameworks > 0).count(),
        industries: db::catalogue::industries(&pool).await?,
    };
    super::html(StatusCode::OK, &page)
}
