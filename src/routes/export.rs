//! `/export.csv` and `/export.json`: the query page's recommendation as a download, every
//! result included, for a spreadsheet or another program. A brief's pinned result downloads
//! through the same writers ([`csv_download`], [`json_download`]), from the body it stored.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use sqlx::SqlitePool;

use crate::error::Result;
use crate::routes::recommendation::{RecommendationsBody, answer_as_asked};
use crate::routes::results::ReasonView;
use crate::snapshot::KnowledgeCache;

/// The answer for an export, as the API's body: errors become a 400 naming the first bad
/// parameter.
async fn exported(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    request: &HttpRequest,
) -> Result<RecommendationsBody> {
    let knowledge = cache.current(pool).await?;
    let (params, recommendation) =
        answer_as_asked(pool, request.query_string(), &knowledge).await?;
    Ok(RecommendationsBody::new(&params, recommendation))
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
    let body = exported(&pool, &cache, &request).await?;
    csv_download(&body, "stackatlas-recommendation.csv")
}

/// `body` as a CSV download named `filename`.
pub fn csv_download(body: &RecommendationsBody, filename: &str) -> Result<HttpResponse> {
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment(filename))
        .body(to_csv(body)?))
}

fn to_csv(body: &RecommendationsBody) -> std::result::Result<Vec<u8>, csv::Error> {
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
    for r in &body.results {
        for c in &r.criteria {
            out.write_record([
                r.rank.to_string(),
                r.name.clone(),
                r.slug.clone(),
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
    for e in &body.excluded {
        for reason in &e.reasons {
            // The sentence, note and sources as the pages draw them.
            let ReasonView {
                reason,
                note,
                sources,
                ..
            } = ReasonView::from(reason);
            out.write_record([
                "excluded".to_owned(),
                e.name.clone(),
                e.slug.clone(),
                String::new(),
                "Excluded".to_owned(),
                reason,
                String::new(),
                String::new(),
                String::new(),
                note,
                sources.join(" "),
            ])?;
        }
    }
    firmness_rows(&mut out, body)?;
    out.into_inner()
}

/// The firmness rows, when at least two frameworks fit.
fn firmness_rows<W: std::io::Write>(
    out: &mut crate::spreadsheet::Writer<W>,
    body: &RecommendationsBody,
) -> std::result::Result<(), csv::Error> {
    let [winner, runner_up, ..] = body.results.as_slice() else {
        return Ok(());
    };
    let (subject, evidence) = match &body.sensitivity {
        Some(s) => {
            let mut evidence = format!("{}.", s.description);
            for reason in &s.fragile_reasons {
                evidence.push_str(" Fragile advice: ");
                evidence.push_str(reason.message());
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
        runner_up.slug.clone(),
        String::new(),
        "Smallest change".to_owned(),
        subject,
        String::new(),
        String::new(),
        String::new(),
        evidence,
        String::new(),
    ])?;
    for interval in &body.stability {
        out.write_record([
            "stability".to_owned(),
            winner.name.clone(),
            winner.slug.clone(),
            String::new(),
            interval.label.clone(),
            String::new(),
            String::new(),
            interval.weight.to_string(),
            String::new(),
            interval.description.clone(),
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
    let body = exported(&pool, &cache, &request).await?;
    json_download(
        serde_json::to_string(&body)?,
        "stackatlas-recommendation.json",
    )
}

/// A body already written as JSON (a brief keeps the text it stored), as a download named
/// `filename`.
pub fn json_download(json: String, filename: &str) -> Result<HttpResponse> {
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(attachment(filename))
        .body(json))
}
