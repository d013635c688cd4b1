//! `/industries` and `/industries/{slug}`: which frameworks fit an industry best, and why.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::db::{
    self,
    catalogue::{Attachment, Industry, Term},
};
use crate::domain::{Ring, Score, Slug};
use crate::error::{AppError, Result};
use crate::routes::prepared::{Reading, Shows};
use crate::routes::preview::Preview;

#[derive(Template)]
#[template(path = "industries/index.html")]
pub struct IndexPage {
    pub industries: Vec<Industry>,
}

/// `GET /industries`, prepared once per knowledge version (`routes::prepared`).
pub async fn index(reading: Reading) -> Result<HttpResponse> {
    reading
        .page(Shows::Knowledge, "", async || {
            let industries = db::catalogue::industries(reading.pool.get_ref()).await?;
            Ok((StatusCode::OK, IndexPage { industries }))
        })
        .await
}

pub struct FitRow {
    pub slug: Slug,
    pub name: String,
    pub language: String,
    pub ring: Ring,
    pub score: Score,
    pub note: String,
    /// The addresses the fit cites.
    pub sources: Vec<String>,
}

pub struct FrameworkLink {
    pub slug: Slug,
    pub name: String,
}

impl FrameworkLink {
    /// Links to the frameworks attached to `owner` (a use case, a trend), in the list's order.
    pub fn attached_to(attachments: &[Attachment], owner: &Slug) -> Vec<Self> {
        db::catalogue::attached_to(attachments, owner)
            .map(|a| Self {
                slug: a.framework_slug.clone(),
                name: a.framework_name.clone(),
            })
            .collect()
    }
}

/// A use case or a trend, with links to its frameworks.
pub struct TermCard {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub frameworks: Vec<FrameworkLink>,
}

impl TermCard {
    /// A card for each term, with the frameworks `attachments` attach to it.
    pub fn list(terms: Vec<Term>, attachments: &[Attachment]) -> Vec<Self> {
        terms
            .into_iter()
            .map(|t| Self {
                frameworks: FrameworkLink::attached_to(attachments, &t.slug),
                slug: t.slug,
                name: t.name,
                description: t.description,
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "industries/show.html")]
pub struct ShowPage {
    pub industry: Industry,
    /// Fit 4–5: the frameworks to suggest.
    pub best: Vec<FitRow>,
    /// Fit 0–3, still shown so the reader sees the whole picture.
    pub others: Vec<FitRow>,
    pub use_cases: Vec<TermCard>,
    pub preview: Preview,
}

/// Fits from this score up are presented as the industry's best choices.
const STRONG_FIT: u8 = 4;

/// `GET /industries/{slug}`, prepared once per knowledge version (`routes::prepared`).
pub async fn show(reading: Reading, slug: web::Path<String>) -> Result<HttpResponse> {
    reading
        .page(Shows::Knowledge, "", async || {
            industry(&reading.pool, &reading.origin(), &slug).await
        })
        .await
}

async fn industry(pool: &SqlitePool, origin: &str, slug: &str) -> Result<(StatusCode, ShowPage)> {
    let industry = db::catalogue::industry(pool, slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let (best, others): (Vec<FitRow>, Vec<FitRow>) = db::catalogue::industry_fits(pool, slug)
        .await?
        .into_iter()
        .map(|f| FitRow {
            slug: f.framework_slug,
            name: f.framework_name,
            language: f.language_name,
            ring: f.ring,
            score: f.fit,
            note: f.note,
            sources: f.sources.0,
        })
        .partition(|row| row.score.value() >= STRONG_FIT);
    let attachments = db::catalogue::industry_use_case_frameworks(pool, slug).await?;
    let use_cases = TermCard::list(
        db::catalogue::industry_use_cases(pool, slug).await?,
        &attachments,
    );
    // "Best fits: Django (5), Spring Boot (5), Laravel (4). Hospitals, clinics and …"
    let fits: Vec<String> = best
        .iter()
        .take(4)
        .map(|f| format!("{} ({})", f.name, f.score))
        .collect();
    let summary = if fits.is_empty() {
        industry.description.clone()
    } else {
        format!("Best fits: {}. {}", fits.join(", "), industry.description)
    };
    let preview = Preview::new(
        &format!("Backend frameworks for {}", industry.name),
        &summary,
        format!("{origin}/industries/{}", industry.slug),
    );
    let page = ShowPage {
        industry,
        best,
        others,
        use_cases,
        preview,
    };
    Ok((StatusCode::OK, page))
}
