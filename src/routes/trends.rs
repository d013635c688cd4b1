//! `/trends`: where the backend world is heading, and where each framework stands on the radar.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use super::industries::{FrameworkLink, TermCard};
use crate::db;
use crate::domain::{Kind, Ring};
use crate::error::Result;
use crate::radar::{Blip, Radar, layout};

/// One ring of the radar: its frameworks, split by kind (the radar's quadrants).
pub struct RingRow {
    pub ring: Ring,
    pub cells: Vec<Vec<FrameworkLink>>,
}

#[derive(Template)]
#[template(path = "trends.html")]
pub struct TrendsPage {
    pub radar: Radar,
    pub trends: Vec<TermCard>,
    pub kinds: &'static [Kind],
    pub rings: Vec<RingRow>,
}

pub async fn index(pool: web::Data<SqlitePool>) -> Result<HttpResponse> {
    let attachments = db::catalogue::trend_frameworks(&pool).await?;
    let trends = TermCard::list(db::catalogue::trends(&pool).await?, &attachments);
    let frameworks = db::frameworks::list(&pool, &db::frameworks::Filter::default()).await?;
    let rings = Ring::ALL
        .iter()
        .map(|ring| RingRow {
            ring: *ring,
            cells: Kind::ALL
                .iter()
                .map(|kind| {
                    frameworks
                        .iter()
                        .filter(|f| f.ring == *ring && f.kind == *kind)
                        .map(|f| FrameworkLink {
                            slug: f.slug.clone(),
                            name: f.name.clone(),
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let blips: Vec<Blip> = frameworks
        .iter()
        .map(|f| Blip {
            slug: f.slug.to_string(),
            name: f.name.clone(),
            ring: f.ring,
            kind: f.kind,
        })
        .collect();
    let page = TrendsPage {
        radar: layout(&blips),
        trends,
        kinds: Kind::ALL,
        rings,
    };
    super::html(StatusCode::OK, &page)
}
