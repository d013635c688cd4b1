//! `/admin/flags`: the editors' queue of flags from sales — the open ones oldest first, with
//! how many each framework has — and `POST /admin/flags/{id}/resolve`, which closes a flag
//! by naming the revision that fixed it or by answering why it stands. The flagger reads the
//! answer on `/flags/mine`.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use super::editing::{author, see_other};
use crate::auth::CurrentUser;
use crate::db;
use crate::db::flags::{FixingRevision, OpenTally, Resolution, Resolved};
use crate::domain::{FieldError, FlagStatus};
use crate::error::{AppError, Result};
use crate::memo::Memo;
use crate::routes::flags::FlagView;
use crate::snapshot::KnowledgeCache;

/// Flags to a page of the queue.
const PAGE_SIZE: usize = 20;
/// How many of a framework's latest revisions the resolve form offers as the fix.
const REVISIONS_OFFERED: i64 = 12;
/// Longest answer to a flag (the schema's limit).
pub const MAX_ANSWER_CHARS: usize = 4_000;

/// The queue's query string.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    /// Only this framework's flags (its slug).
    pub framework: Option<String>,
    /// `open` (the default) or `resolved`.
    pub status: Option<String>,
    pub page: Option<usize>,
    /// The flag just resolved, to say so.
    pub resolved: Option<i64>,
}

/// A revision the resolve form offers as the fix: its id and a line saying what it was.
pub struct RevisionOption {
    pub id: i64,
    pub label: String,
}

impl RevisionOption {
    fn of(revision: &FixingRevision) -> Self {
        let mut label = format!(
            "Revision {} · {} by {}, {}",
            revision.id,
            revision.action,
            revision.actor,
            crate::routes::dates::readable_time(&revision.at)
        );
        let note = revision.note.trim();
        if !note.is_empty() {
            let short: String = note.chars().take(60).collect();
            label.push_str(&format!(" — {short}"));
            if note.chars().count() > 60 {
                label.push('…');
            }
        }
        Self {
            id: revision.id,
            label,
        }
    }
}

/// The resolve form as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub fixed_by: String,
    #[serde(default)]
    pub answer: String,
    pub version: i64,
    #[serde(default)]
    pub csrf_token: String,
}

impl ResolveForm {
    /// The resolution, or each field's problem. `revisions` are the ids of the framework's
    /// revisions a fix may name.
    pub fn parse(&self, revisions: &[i64]) -> Result<Resolution, Vec<FieldError>> {
        let mut errors = Vec::new();
        // Browsers send a text area's line breaks as CRLF; one kind is kept.
        let answer = self.answer.replace("\r\n", "\n").trim().to_owned();
        let chars = answer.chars().count();
        if chars > MAX_ANSWER_CHARS {
            errors.push(FieldError::new(
                "answer",
                format!("must be at most {MAX_ANSWER_CHARS} characters (it has {chars})"),
            ));
        }
        let resolution = match FlagStatus::parse(self.status.trim()) {
            Ok(FlagStatus::Fixed) => {
                let given = self.fixed_by.trim();
                match given.parse::<i64>() {
                    Ok(id) if revisions.contains(&id) => Some(Resolution::Fixed {
                        revision: id,
                        answer: answer.clone(),
                    }),
                    _ if given.is_empty() => {
                        errors.push(FieldError::new(
                            "fixed_by",
                            "choose the revision that fixed it",
                        ));
                        None
                    }
                    _ => {
                        errors.push(FieldError::new(
                            "fixed_by",
                            format!("“{given}” is not a revision of this framework"),
                        ));
                        None
                    }
                }
            }
            Ok(FlagStatus::Stands) if answer.is_empty() => {
                errors.push(FieldError::new(
                    "answer",
                    "say why it stands: the flagger reads this answer",
                ));
                None
            }
            Ok(FlagStatus::Stands) => Some(Resolution::Stands {
                answer: answer.clone(),
            }),
            Ok(FlagStatus::Open) | Err(_) => {
                errors.push(FieldError::new(
                    "status",
                    "choose fixed (name the revision) or stands (say why)",
                ));
                None
            }
        };
        match resolution {
            Some(resolution) if errors.is_empty() => Ok(resolution),
            _ => Err(errors),
        }
    }
}

/// An open flag in the queue with its resolve form: the revisions it offers, and what was
/// sent and what was wrong when the form comes back.
pub struct QueueItem {
    pub view: FlagView,
    pub revisions: Vec<RevisionOption>,
    pub form: ResolveForm,
    pub errors: Vec<FieldError>,
}

impl QueueItem {
    fn error_for(&self, field: &str) -> Option<&str> {
        FieldError::message_for(&self.errors, field)
    }
}

/// The revisions the resolve form offers as a fix of a flag on the framework `slug`.
async fn revisions_offered(pool: &SqlitePool, slug: &str) -> Result<Vec<RevisionOption>> {
    Ok(db::flags::fixing_revisions(pool, slug, REVISIONS_OFFERED)
        .await?
        .iter()
        .map(RevisionOption::of)
        .collect())
}

async fn queue_item(
    pool: &SqlitePool,
    view: FlagView,
    form: Option<ResolveForm>,
    errors: Vec<FieldError>,
) -> Result<QueueItem> {
    let revisions = revisions_offered(pool, &view.flag.framework_slug).await?;
    Ok(QueueItem::new(view, revisions, form, errors))
}

impl QueueItem {
    fn new(
        view: FlagView,
        revisions: Vec<RevisionOption>,
        form: Option<ResolveForm>,
        errors: Vec<FieldError>,
    ) -> Self {
        let flag = &view.flag;
        let form = form.unwrap_or_else(|| ResolveForm {
            version: flag.version,
            ..ResolveForm::default()
        });
        Self {
            view,
            revisions,
            form,
            errors,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/flags/index.html")]
pub struct IndexPage {
    /// The open flags, per framework most flagged first.
    pub tally: Arc<OpenTally>,
    /// Every framework, (slug, name), for the filter.
    pub frameworks: Vec<(String, String)>,
    /// The framework chosen, empty for all.
    pub framework: String,
    pub resolved: bool,
    pub items: Vec<QueueItem>,
    /// How many flags match, on every page.
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    /// The flag just resolved.
    pub just_resolved: Option<i64>,
    pub csrf_token: String,
}

impl IndexPage {
    /// The queue's address with this filter, at `page`.
    fn page_href(&self, page: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.framework.is_empty() {
            query.append_pair("framework", &self.framework);
        }
        if self.resolved {
            query.append_pair("status", "resolved");
        }
        query.append_pair("page", &page.to_string());
        format!("/admin/flags?{}", query.finish())
    }

    fn framework_href(&self, slug: &str) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("framework", slug);
        format!("/admin/flags?{}", query.finish())
    }
}

/// `GET /admin/flags[?framework=&status=open|resolved&page=]`: the queue.
pub async fn index(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    tally: web::Data<Memo<OpenTally>>,
    user: CurrentUser,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse> {
    let resolved = match query.status.as_deref().map(str::trim) {
        None | Some("" | "open") => false,
        Some("resolved") => true,
        Some(other) => {
            return Err(AppError::bad_request(
                "status",
                format!("“{other}” is not a status of the queue; expected open or resolved"),
            ));
        }
    };
    let knowledge = cache.current(&pool).await?;
    let frameworks: Vec<(String, String)> = knowledge
        .catalogue
        .by_name()
        .into_iter()
        .map(|c| (c.slug.to_string(), c.name.clone()))
        .collect();
    let tally = super::open_flags(&pool, &cache, &tally).await?;
    let framework = query.framework.as_deref().unwrap_or("").trim().to_owned();
    // A deleted framework's flags keep its slug, so it may be chosen while it has some.
    let known = frameworks.iter().any(|(slug, _)| *slug == framework) || tally.on(&framework) > 0;
    if !framework.is_empty() && !known {
        return Err(AppError::bad_request(
            "framework",
            format!("there is no framework “{framework}” with flags"),
        ));
    }
    let can_edit = user.role().can_edit();
    let chosen = Some(framework.as_str()).filter(|f| !f.is_empty());
    // The open flags are counted already, in all and per framework; only the resolved ones
    // are counted here.
    let total = if resolved {
        db::flags::resolved_count(&pool, chosen).await?
    } else {
        chosen.map_or_else(|| tally.total(), |framework| tally.on(framework))
    } as usize;
    let (page, pages) = super::listing::page_of(query.page, total, PAGE_SIZE);
    let at = (PAGE_SIZE as i64, ((page - 1) * PAGE_SIZE) as i64);
    let flags = db::flags::queue(&pool, resolved, chosen, at).await?;
    let slugs: Vec<&str> = flags.iter().map(|f| f.framework_slug.as_str()).collect();
    let offered = db::flags::fixing_revisions_of(&pool, &slugs, REVISIONS_OFFERED).await?;
    let items = flags
        .into_iter()
        .map(|flag| {
            let revisions = offered
                .get(&flag.framework_slug)
                .map(|r| r.iter().map(RevisionOption::of).collect())
                .unwrap_or_default();
            let view = FlagView::new(flag, &knowledge.names, can_edit);
            QueueItem::new(view, revisions, None, Vec::new())
        })
        .collect();
    let page = IndexPage {
        tally,
        frameworks,
        framework,
        resolved,
        items,
        total,
        page,
        pages,
        just_resolved: query.resolved,
        csrf_token: user.csrf_token().to_owned(),
    };
    crate::routes::html(StatusCode::OK, &page)
}

/// One flag's resolve form again: with the messages at its fields (422), or, when someone
/// resolved it meanwhile, as it stands now (409).
#[derive(Template)]
#[template(path = "admin/flags/resolve.html")]
pub struct ResolvePage {
    pub item: QueueItem,
    pub conflict: bool,
    pub csrf_token: String,
}

/// `POST /admin/flags/{id}/resolve`: resolves the flag, audited, and goes back to the
/// queue saying so.
pub async fn resolve(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ResolveForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    let flag = db::flags::find(&pool, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let knowledge = cache.current(&pool).await?;
    let can_edit = user.role().can_edit();
    let revisions: Vec<i64> = db::flags::fixing_revisions(&pool, &flag.framework_slug, i64::MAX)
        .await?
        .iter()
        .map(|r| r.id)
        .collect();
    let form = form.into_inner();
    let resolution = match form.parse(&revisions) {
        Ok(resolution) => resolution,
        Err(errors) => {
            let view = FlagView::new(flag, &knowledge.names, can_edit);
            let page = ResolvePage {
                item: queue_item(&pool, view, Some(form), errors).await?,
                conflict: false,
                csrf_token: user.csrf_token().to_owned(),
            };
            return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    match db::flags::resolve(&pool, id, form.version, &resolution, &author(&user)).await? {
        Resolved::Done => Ok(see_other(format!("/admin/flags?resolved={id}"))),
        Resolved::Conflict(current) => {
            let view = FlagView::new(*current, &knowledge.names, can_edit);
            let page = ResolvePage {
                item: queue_item(&pool, view, None, Vec::new()).await?,
                conflict: true,
                csrf_token: user.csrf_token().to_owned(),
            };
            crate::routes::html(StatusCode::CONFLICT, &page)
        }
        Resolved::Gone => Err(AppError::not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(status: &str, fixed_by: &str, answer: &str) -> ResolveForm {
        ResolveForm {
            status: status.into(),
            fixed_by: fixed_by.into(),
            answer: answer.into(),
            version: 1,
            csrf_token: String::new(),
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_fix_names_one_of_the_frameworks_revisions_and_may_add_a_word() {
        assert_eq!(
            form("fixed", "7", " Raised to 4.\r\nThanks! ").parse(&[3, 7]),
            Ok(Resolution::Fixed {
                revision: 7,
                answer: "Raised to 4.\nThanks!".into(),
            })
        );
        assert_eq!(
            fields(form("fixed", "", "").parse(&[7]).unwrap_err()),
            ["fixed_by"]
        );
        assert_eq!(
            fields(form("fixed", "8", "").parse(&[7]).unwrap_err()),
            ["fixed_by"]
        );
        assert_eq!(
            fields(form("fixed", "x", "").parse(&[7]).unwrap_err()),
            ["fixed_by"]
        );
    }

    #[test]
    fn a_flag_that_stands_says_why_and_no_other_status_resolves() {
        assert_eq!(
            form("stands", "", "The benchmark is current.").parse(&[]),
            Ok(Resolution::Stands {
                answer: "The benchmark is current.".into(),
            })
        );
        assert_eq!(
            fields(form("stands", "", "  ").parse(&[]).unwrap_err()),
            ["answer"]
        );
        assert_eq!(
            fields(form("open", "", "x").parse(&[]).unwrap_err()),
            ["status"]
        );
        assert_eq!(fields(form("", "", "").parse(&[]).unwrap_err()), ["status"]);
        let long = form("stands", "", &"x".repeat(MAX_ANSWER_CHARS + 1));
        assert_eq!(fields(long.parse(&[]).unwrap_err()), ["answer"]);
    }
}
