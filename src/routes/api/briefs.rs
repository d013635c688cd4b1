//! `/api/v1/briefs…`: the saved client briefs as JSON, for signed-in users only (the
//! session cookie the pages use), with the pages' read rule: every signed-in user reads
//! every brief. Anonymous callers get 401 with the API's error shape.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use sqlx::SqlitePool;
use utoipa::ToSchema;

use super::{ApiError, ApiResult, ErrorBody};
use crate::auth::CurrentUser;
use crate::db;
use crate::db::briefs::{Brief, DealOutcome, Revision, RevisionSummary};
use crate::error::AppError;
use crate::routes::recommendation::RecommendationsBody;

/// Briefs on one page when `limit` is not given, and the most a page holds.
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;

/// Who owns a brief. Accounts' emails are shown to admins only, as on the pages.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerItem {
    pub name: String,
    /// Only in answers to admins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// What the client chose, as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeItem {
    /// `won` (we build it), `lost` (someone else does, or nobody) or `open` (not decided).
    pub result: String,
    /// The chosen framework's slug as it was when recorded; null when none was chosen.
    pub chosen: Option<String>,
    /// `YYYY-MM-DD`; null while open.
    pub decided_on: Option<String>,
    pub note: String,
    pub recorded_at: String,
}

/// A revision in a list: when and on what it was pinned, without the answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionSummaryItem {
    /// 1, 2, … in the order they were pinned.
    pub number: i64,
    /// The knowledge base's version the answer was ranked on.
    pub knowledge_version: i64,
    pub created_at: String,
    /// The canonical query string it answers (the recommendation parameters).
    pub query: String,
    /// The page showing this revision.
    pub link: String,
}

/// A revision with the answer it pinned.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionItem {
    #[serde(flatten)]
    pub revision: RevisionSummaryItem,
    /// The recommendation exactly as it was given, ranked on `knowledge_version`.
    pub result: RecommendationsBody,
}

/// What every answer about a brief says of it, whatever it says of its revisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct BriefFacts {
    pub id: i64,
    pub client: String,
    pub project: String,
    pub notes: String,
    pub owner: OwnerItem,
    pub archived: bool,
    pub outcome: Option<OutcomeItem>,
    pub created_at: String,
    pub updated_at: String,
}

/// A brief in a list; its revisions without their answers (`GET /api/v1/briefs/{id}` has
/// them).
#[derive(Debug, Serialize, ToSchema)]
pub struct BriefSummaryItem {
    #[serde(flatten)]
    pub brief: BriefFacts,
    /// Oldest first.
    pub revisions: Vec<RevisionSummaryItem>,
}

/// A brief with every revision and the answer each pinned.
#[derive(Debug, Serialize, ToSchema)]
pub struct BriefItem {
    #[serde(flatten)]
    pub brief: BriefFacts,
    /// Oldest first.
    pub revisions: Vec<RevisionItem>,
}

/// One page of briefs, most recently changed first.
#[derive(Debug, Serialize, ToSchema)]
pub struct BriefList {
    pub briefs: Vec<BriefSummaryItem>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

impl From<DealOutcome> for OutcomeItem {
    fn from(o: DealOutcome) -> Self {
        Self {
            result: o.result.as_str().to_owned(),
            chosen: o.chosen,
            decided_on: o.decided_on,
            note: o.note,
            recorded_at: o.recorded_at,
        }
    }
}

fn revision_link(brief_id: i64, number: i64) -> String {
    format!("/briefs/{brief_id}?revision={number}")
}

/// The brief as every answer describes it; owners' emails for admins only.
fn facts(brief: Brief, reader: &CurrentUser) -> BriefFacts {
    BriefFacts {
        owner: OwnerItem {
            name: brief.owner_name,
            email: reader
                .role()
                .is_admin()
                .then(|| brief.owner_email.as_str().to_owned()),
        },
        id: brief.id,
        archived: brief.archived_at.is_some(),
        outcome: brief.outcome.map(OutcomeItem::from),
        client: brief.client,
        project: brief.project,
        notes: brief.notes,
        created_at: brief.created_at,
        updated_at: brief.updated_at,
    }
}

fn summary_item(
    brief: Brief,
    revisions: Vec<RevisionSummary>,
    reader: &CurrentUser,
) -> BriefSummaryItem {
    BriefSummaryItem {
        revisions: revisions
            .into_iter()
            .map(|r| RevisionSummaryItem {
                link: revision_link(brief.id, r.number),
                number: r.number,
                knowledge_version: r.knowledge_version,
                created_at: r.created_at,
                query: r.query,
            })
            .collect(),
        brief: facts(brief, reader),
    }
}

fn detail_item(
    brief: Brief,
    revisions: Vec<Revision>,
    reader: &CurrentUser,
) -> Result<BriefItem, ApiError> {
    let revisions = revisions
        .into_iter()
        .map(|r| {
            Ok(RevisionItem {
                result: serde_json::from_str(&r.result).map_err(AppError::from)?,
                revision: RevisionSummaryItem {
                    link: revision_link(brief.id, r.number),
                    number: r.number,
                    knowledge_version: r.knowledge_version,
                    created_at: r.created_at,
                    query: r.query,
                },
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(BriefItem {
        revisions,
        brief: facts(brief, reader),
    })
}

/// The signed-in reader, or the 401 every brief answer gives anonymous callers.
fn reader(user: Option<CurrentUser>) -> Result<CurrentUser, ApiError> {
    user.ok_or(ApiError(AppError::Unauthorized(
        "sign in first: briefs are for signed-in users (send the session cookie of /login)",
    )))
}

/// A cursor as this API writes it: the last brief's change time and id.
fn cursor_of(item: &BriefSummaryItem) -> String {
    format!("{}_{}", item.brief.updated_at, item.brief.id)
}

/// A cursor this API wrote, or a 400 naming it.
fn parse_cursor(text: &str) -> Result<(String, i64), ApiError> {
    let refused = || AppError::bad_request("cursor", "is not a cursor this API gave");
    let (at, id) = text.rsplit_once('_').ok_or_else(refused)?;
    chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%SZ").map_err(|_| refused())?;
    let id = id.parse().map_err(|_| refused())?;
    Ok((at.to_owned(), id))
}

/// `limit` and `cursor` from a query string; any other parameter, or a bad value, is a 400
/// naming it.
fn page_params(query_string: &str) -> Result<(i64, Option<(String, i64)>), ApiError> {
    let mut limit = DEFAULT_LIMIT;
    let mut cursor = None;
    for (key, value) in form_urlencoded::parse(query_string.as_bytes()) {
        match key.as_ref() {
            "limit" => {
                limit = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        AppError::bad_request(
                            "limit",
                            format!("must be a whole number from 1 to {MAX_LIMIT}"),
                        )
                    })?;
            }
            "cursor" if !value.trim().is_empty() => cursor = Some(parse_cursor(value.trim())?),
            "cursor" => {}
            other => {
                return Err(AppError::bad_request(other, "is not a parameter of this list").into());
            }
        }
    }
    Ok((limit, cursor))
}

#[utoipa::path(
    get,
    path = "/api/v1/briefs",
    tag = "briefs",
    params(
        ("limit" = Option<i64>, Query, description = "Briefs per page, 1 to 100; 20 when not given", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses(
        (status = 200, description = "Every brief, archived ones too, most recently changed first", body = BriefList),
        (status = 400, description = "`limit` or `cursor` is not valid; `field` names it", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("session" = []))
)]
pub async fn index(
    pool: web::Data<SqlitePool>,
    user: Option<CurrentUser>,
    request: HttpRequest,
) -> ApiResult {
    let user = reader(user)?;
    let (limit, cursor) = page_params(request.query_string())?;
    // One more than asked says whether there is a next page.
    let mut briefs = db::briefs::page_after(
        &pool,
        cursor.as_ref().map(|(at, id)| (at.as_str(), *id)),
        limit + 1,
    )
    .await?;
    let more = briefs.len() as i64 > limit;
    briefs.truncate(limit as usize);
    let ids: Vec<i64> = briefs.iter().map(|b| b.id).collect();
    let mut revisions = db::briefs::revisions_of(&pool, &ids).await?;
    let items: Vec<BriefSummaryItem> = briefs
        .into_iter()
        .map(|brief| {
            let revisions = revisions.remove(&brief.id).unwrap_or_default();
            summary_item(brief, revisions, &user)
        })
        .collect();
    let next_cursor = items.last().filter(|_| more).map(cursor_of);
    Ok(HttpResponse::Ok().json(BriefList {
        briefs: items,
        next_cursor,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/briefs/{id}",
    tag = "briefs",
    params(("id" = i64, Path, description = "The brief's id")),
    responses(
        (status = 200, description = "The brief with every revision and its pinned answer", body = BriefItem),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such brief", body = ErrorBody),
    ),
    security(("session" = []))
)]
pub async fn show(
    pool: web::Data<SqlitePool>,
    user: Option<CurrentUser>,
    id: web::Path<String>,
) -> ApiResult {
    let user = reader(user)?;
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    let brief = db::briefs::find(&pool, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let revisions = db::briefs::full_revisions(&pool, id).await?;
    Ok(HttpResponse::Ok().json(detail_item(brief, revisions, &user)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_anything_else_is_refused_naming_it() {
        assert_eq!(
            parse_cursor("2026-11-30T09:36:00Z_12").unwrap(),
            ("2026-11-30T09:36:00Z".to_owned(), 12)
        );
        for bad in ["", "12", "yesterday_3", "2026-11-30T09:36:00Z_x"] {
            let refused = parse_cursor(bad).unwrap_err();
            assert_eq!(
                refused.0.to_string(),
                "cursor: is not a cursor this API gave"
            );
        }
    }

    #[test]
    fn a_page_takes_a_limit_from_1_to_100_and_nothing_else() {
        assert_eq!(page_params("").unwrap(), (DEFAULT_LIMIT, None));
        assert_eq!(page_params("limit=5&cursor=").unwrap(), (5, None));
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=ten", "limit"),
            ("cursor=nope", "cursor"),
            ("page=2", "page"),
        ] {
            let refused = page_params(query).unwrap_err();
            assert!(refused.0.to_string().starts_with(field), "{query}");
        }
    }
}
