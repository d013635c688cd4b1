//! `GET /admin/changes/preview?query=…`: the recommendation as it would be with the reader's
//! own open change requests published, beside the published one. The requests are applied to
//! the live knowledge in memory (`impact::apply`); nothing is written, and nobody else sees
//! them: sales staff and the ranking read only published knowledge.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::auth::CurrentUser;
use crate::db::change_requests;
use crate::domain::FieldError;
use crate::error::Result;
use crate::impact::{self, Edit};
use crate::recommend::{Limits, Recommendation};
use crate::routes::recommendation::rank;
use crate::routes::results::ResultsView;
use crate::snapshot::KnowledgeCache;

/// How many results each side shows: the preview is about the top of the list.
const SHOWN: Limits = Limits {
    results: 5,
    excluded: 10,
};

#[derive(Debug, Default, Deserialize)]
pub struct PreviewQuery {
    /// A query string, or the recommendation page's whole address.
    #[serde(default)]
    pub query: String,
}

/// One of the reader's open requests, as the page names it.
pub struct Included {
    pub id: i64,
    pub title: String,
}

/// The published answer's place for a framework, beside the previewed one.
pub struct Published {
    pub rank: usize,
    pub name: String,
    pub score: f64,
}

#[derive(Template)]
#[template(path = "admin/changes/preview.html")]
pub struct PreviewPage {
    pub included: Vec<Included>,
    pub query: String,
    pub error: Option<FieldError>,
    /// The canonical query string, once the query was understood.
    pub asked: Option<String>,
    pub published: Vec<Published>,
    pub published_total: usize,
    pub pending: Option<ResultsView>,
}

pub async fn preview(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse> {
    let knowledge = cache.current(&pool).await?;
    let open = change_requests::open_by(&pool, user.0.user.id).await?;
    let included = open
        .iter()
        .map(|r| Included {
            id: r.id,
            title: super::title(r),
        })
        .collect();
    let edits: Vec<Edit> = open.iter().map(|r| r.pending_edit().into()).collect();
    let mut page = PreviewPage {
        included,
        query: query.query.clone(),
        error: None,
        asked: None,
        published: Vec::new(),
        published_total: 0,
        pending: None,
    };
    if query.query.trim().is_empty() {
        return crate::routes::html(StatusCode::OK, &page);
    }
    let after = impact::apply(&knowledge, &edits);
    // Asked of the knowledge with the changes: a request may add the very term asked for.
    let params = match crate::reference::parse_pasted(&query.query, &after.names) {
        Ok(params) => params,
        Err(problem) => {
            page.error = Some(problem);
            return crate::routes::html(StatusCode::BAD_REQUEST, &page);
        }
    };
    let with_changes = rank(&pool, &params, &after, SHOWN).await?;
    page.pending = Some(ResultsView::of_engine(&with_changes));
    // The published knowledge may not know a term a request adds: then nothing is published
    // for this question yet.
    if let Ok(published) =
        crate::recommend::params::parse(&params.to_query_string(), &knowledge.names)
    {
        let now = rank(&pool, &published, &knowledge, SHOWN).await?;
        page.published_total = now.total_results;
        page.published = top(&now);
    }
    page.asked = Some(params.to_query_string());
    crate::routes::html(StatusCode::OK, &page)
}

fn top(answer: &Recommendation) -> Vec<Published> {
    answer
        .results
        .iter()
        .map(|r| Published {
            rank: r.rank,
            name: r.name.clone(),
            score: r.score,
        })
        .collect()
}
