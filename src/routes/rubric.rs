//! `/how-we-rate`: what every 0–5 rating means, requirement by requirement and industry by
//! industry, so a salesperson can say why a framework got its number.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::db;
use crate::domain::{RequirementGroup, Score};
use crate::error::Result;
use crate::recommend::MUST_HAVE_MINIMUM;

/// One requirement or industry with its rubric and how many frameworks reach 4 or more.
pub struct Rated {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Six texts, index = rating; empty when none is written yet.
    pub rubric: Vec<String>,
    /// Frameworks rated 4 or 5.
    pub strong: i64,
}

impl Rated {
    /// The levels from 5 down to 0, the order a reader asks "what earns a 5?".
    pub fn levels(&self) -> Vec<(Score, &str)> {
        Score::scale()
            .rev()
            .filter_map(|score| {
                let text = self.rubric.get(usize::from(score.value()))?;
                Some((score, text.as_str()))
            })
            .collect()
    }
}

pub struct Group {
    pub label: &'static str,
    pub slug: &'static str,
    pub requirements: Vec<Rated>,
}

#[derive(Template)]
#[template(path = "how_we_rate.html")]
pub struct HowWeRatePage {
    pub groups: Vec<Group>,
    pub industries: Vec<Rated>,
    pub frameworks: i64,
    pub must_have_minimum: u8,
}

pub async fn show(pool: web::Data<SqlitePool>) -> Result<HttpResponse> {
    let passes: HashMap<String, i64> = db::catalogue::must_have_passes(&pool)
        .await?
        .into_iter()
        .collect();
    let requirements = db::catalogue::requirements(pool.get_ref()).await?;
    let groups = RequirementGroup::ALL
        .iter()
        .map(|group| Group {
            label: group.label(),
            slug: group.as_str(),
            requirements: requirements
                .iter()
                .filter(|r| r.req_group == *group)
                .map(|r| Rated {
                    slug: r.slug.to_string(),
                    name: r.name.clone(),
                    description: r.description.clone(),
                    rubric: r.rubric.0.clone(),
                    strong: passes.get(r.slug.as_str()).copied().unwrap_or(0),
                })
                .collect(),
        })
        .filter(|g| !g.requirements.is_empty())
        .collect();
    let industries = db::catalogue::industries(pool.get_ref())
        .await?
        .into_iter()
        .map(|i| Rated {
            slug: i.slug.to_string(),
            name: i.name,
            description: i.description,
            rubric: i.rubric.0,
            strong: i.strong_fits,
        })
        .collect();
    let page = HowWeRatePage {
        groups,
        industries,
        frameworks: db::catalogue::framework_count(&pool).await?,
        must_have_minimum: MUST_HAVE_MINIMUM,
    };
    super::html(StatusCode::OK, &page)
}
