//! `/export.csv` and `/export.json`: the query page's recommendation as a download, every
//! result included, for a spreadsheet or another program.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use sqlx::SqlitePool;

use crate::error::Result;
use crate::recommend::params::Params;
use crate::recommend::{self, Recommendation};
use crate::routes::recommendation::{RecommendationsBody, answer_as_asked};
use crate::snapshot::KnowledgeCache;

/// The answer for an export: errors become a 400 naming the first bad parameter.
async fn exported(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    request: &HttpRequest,
) -> Result<(Params, Recommendation)> {
    let knowledge = cache.current(pool).await?;
    answer_as_asked(pool, request.query_string(), &knowledge).await
}

fn attachment(filename: &str) -> ContentDisposition {
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(filename.to_owned())],
    }
}

/// The ranked results as CSV: one row per criterion of each result, then the exclusions, then
/// how firm the first place is (rank `firmness`: the smallest change that puts the runner-up
/// first; rank `stability`: one row per weight), so a spreadsheet can pivot on any column.
pub async fn csv(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let (_, recommendation) = exported(&pool, &cache, &request).await?;
    let body = to_csv(&recommendation)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment("stackatlas-recommendation.csv"))
        .body(body))
}

fn to_csv(recommendation: &Recommendation) -> std::result::Result<Vec<u8>, csv::Error> {
    let mut out = crate::spreadsheet::Writer::from_writer(Vec::new());
    out.write_record([
        "rank",
        "framework",
        "slug",
        "score",
        "criterion",
        "subject",
        "rating",
        "weight",
        "points",
        "evidence",
        "sources",
    ])?;
    for r in &recommendation.results {
        for c in &r.criteria {
            out.write_record([
                r.rank.to_string(),
                r.name.clone(),
                r.slug.to_string(),
                format!("{:.1}", r.score),
                c.kind.label().to_owned(),
                c.label.clone(),
                c.rating.to_string(),
                c.weight.to_string(),
                format!("{:.1}", c.points),
                c.note.clone(),
                c.sources.join(" "),
            ])?;
        }
    }
    for e in &recommendation.excluded {
        for reason in &e.reasons {
            out.write_record([
                "excluded".to_owned(),
                e.name.clone(),
                e.slug.to_string(),
                String::new(),
                "Excluded".to_owned(),
                reason.describe(),
                String::new(),
                String::new(),
                String::new(),
                match reason {
                    recommend::Exclusion::MustHave { note, .. } => note.clone(),
                    recommend::Exclusion::NoSearchMatch => String::new(),
                },
                match reason {
                    recommend::Exclusion::MustHave { sources, .. } => sources.join(" "),
                    recommend::Exclusion::NoSearchMatch => String::new(),
                },
            ])?;
        }
    }
    firmness_rows(&mut out, recommendation)?;
    out.into_inner()
}

/// The firmness rows, when at least two frameworks fit.
fn firmness_rows<W: std::io::Write>(
    out: &mut crate::spreadsheet::Writer<W>,
    recommendation: &Recommendation,
) -> std::result::Result<(), csv::Error> {
    let [winner, runner_up, ..] = recommendation.results.as_slice() else {
        return Ok(());
    };
    let firmness = &recommendation.firmness;
    let (subject, evidence) = match &firmness.sensitivity {
        Some(s) => {
            let mut evidence = format!("{}.", s.describe());
            if let Some(rating) = s.rating() {
                for fragility in &s.fragility {
                    evidence.push_str(" Fragile advice: ");
                    evidence.push_str(&fragility.describe(rating));
                }
            }
            (s.change.label().to_owned(), evidence)
        }
        None => (
            String::new(),
            format!("No single change puts {} first.", runner_up.name),
        ),
    };
    out.write_record([
        "firmness".to_owned(),
        runner_up.name.clone(),
        runner_up.slug.to_string(),
        String::new(),
        "Smallest change".to_owned(),
        subject,
        String::new(),
        String::new(),
        String::new(),
        evidence,
        String::new(),
    ])?;
    for interval in &firmness.stability {
        out.write_record([
            "stability".to_owned(),
            winner.name.clone(),
            winner.slug.to_string(),
            String::new(),
            interval.kind.label().to_owned(),
            String::new(),
            String::new(),
            interval.weight.to_string(),
            String::new(),
            interval.describe(&winner.name),
            String::new(),
        ])?;
    }
    Ok(())
}

/// The same answer as `/api/v1/recommendations`, as a download.
pub async fn json(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let (params, recommendation) = exported(&pool, &cache, &request).await?;
    let body = RecommendationsBody::new(&params, recommendation);
    Ok(HttpResponse::Ok()
        .insert_header(attachment("stackatlas-recommendation.json"))
        .json(body))
}
