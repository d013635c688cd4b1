//! `/admin/changes…`: change requests, the review before publishing that
//! `STACKATLAS_REVIEW_REQUIRED` turns on. The queue says what waits for whom; a request's
//! page shows its diff, reason, author, base version, status and every transition with its
//! comment, and carries the decisions. Nobody decides their own request; only its author
//! changes or withdraws it. Holding a save as a request is in [`hold`], which the editing
//! pages call.

pub mod hold;
pub mod pending;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use super::editing::{self, Change, Entity, Revisioned, author, see_other};
use crate::auth::CurrentUser;
use crate::db::change_requests::{
    self, CHANGE_REQUEST, ChangeRequest, Decision, Inapplicable, Listed, Status, Subject,
    Transition,
};
use crate::db::terms::State;
use crate::domain::FieldError;
use crate::error::{AppError, Result};
use crate::knowledge::document::FrameworkRecord;
use hold::{Review, href};

/// How many decided requests the queue shows.
const RECENTLY_DECIDED: i64 = 20;

/// The longest comment a decision takes (the schema's limit).
const MAX_COMMENT: usize = 4000;

/// The editing pages of what a request changes.
fn entity_of(subject: Subject) -> Entity {
    match subject {
        Subject::Framework => super::frameworks::entity(),
        Subject::Term(kind) => super::terms::entity(kind),
    }
}

/// A field of the request's JSON (`name`, `slug`) from the proposal, else from the base.
fn field_of(request: &ChangeRequest, field: &str) -> Option<String> {
    [&request.proposed, &request.base]
        .into_iter()
        .flatten()
        .filter_map(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .find_map(|value| value.get(field)?.as_str().map(str::to_owned))
}

/// "Change to", "New", "Delete": what a request does, for headings and lists.
fn action_words(action: &str) -> &'static str {
    match action {
        "create" => "New",
        "delete" => "Delete",
        _ => "Change to",
    }
}

/// One request as the queue lists it.
pub struct Row {
    pub id: i64,
    /// "Change to framework “Django”".
    pub title: String,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
    pub status: Status,
    pub reviewer: Option<String>,
    pub decided_at: Option<String>,
    pub stale: bool,
    /// The request's version, for its author's withdraw button.
    pub version: i64,
}

impl Row {
    fn of(request: Listed, stale: bool) -> Self {
        let name = request.name.as_deref().unwrap_or(&request.entity_slug);
        Self {
            id: request.id,
            title: titled(request.subject(), &request.action, name),
            status: request.status(),
            author: request.author,
            created_at: request.created_at,
            updated_at: request.updated_at,
            reviewer: request.reviewer,
            decided_at: request.decided_at,
            stale,
            version: request.version,
        }
    }
}

/// "Change to framework “Django”".
pub(super) fn title(request: &ChangeRequest) -> String {
    let name = field_of(request, "name").unwrap_or_else(|| request.entity_slug.clone());
    titled(request.subject(), &request.action, &name)
}

fn titled(subject: Subject, action: &str, name: &str) -> String {
    let singular = entity_of(subject).singular;
    format!("{} {singular} “{name}”", action_words(action))
}

/// What waits for whom.
#[derive(Template)]
#[template(path = "admin/changes/index.html")]
pub struct IndexPage {
    /// Others' pending requests: yours to decide.
    pub for_you: Vec<Row>,
    /// Your pending requests: waiting for someone else.
    pub yours: Vec<Row>,
    /// Your requests returned with a comment: waiting for you to change them.
    pub returned_to_you: Vec<Row>,
    /// Others' returned requests: waiting for their authors.
    pub returned_to_others: Vec<Row>,
    pub decided: Vec<Row>,
    pub review_required: bool,
    pub csrf_token: String,
}

pub async fn index(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    review: web::Data<Review>,
) -> Result<HttpResponse> {
    let me = user.0.user.id;
    let mut page = IndexPage {
        for_you: Vec::new(),
        yours: Vec::new(),
        returned_to_you: Vec::new(),
        returned_to_others: Vec::new(),
        decided: Vec::new(),
        review_required: review.required,
        csrf_token: user.csrf_token().to_owned(),
    };
    let requests = change_requests::listed(&pool, RECENTLY_DECIDED).await?;
    let current = change_requests::are_listed_current(&pool, &requests).await?;
    for (request, current) in requests.into_iter().zip(current) {
        let mine = request.author_id == me;
        let status = request.status();
        let stale = status.is_open() && !current;
        let list = match (status, mine) {
            (Status::Pending, false) => &mut page.for_you,
            (Status::Pending, true) => &mut page.yours,
            (Status::Returned, true) => &mut page.returned_to_you,
            (Status::Returned, false) => &mut page.returned_to_others,
            _ => &mut page.decided,
        };
        list.push(Row::of(request, stale));
    }
    // The oldest waits longest: first in every open list. Decided ones, newest decision first.
    for list in [
        &mut page.for_you,
        &mut page.yours,
        &mut page.returned_to_you,
        &mut page.returned_to_others,
    ] {
        list.reverse();
    }
    page.decided
        .sort_by(|a, b| b.decided_at.cmp(&a.decided_at).then(b.id.cmp(&a.id)));
    crate::routes::html(StatusCode::OK, &page)
}

/// One transition of a request, from its audit revisions.
pub struct Step {
    pub id: i64,
    pub at: String,
    pub actor: String,
    /// "submitted", "approved"…
    pub what: &'static str,
    /// The reason on a submit, the comment on a decision (Markdown rendered safe), or empty.
    pub note_html: String,
}

fn step_words(action: &str) -> &'static str {
    match action {
        "submit" => "submitted it",
        "approve" => "approved it",
        "return" => "returned it",
        "reject" => "rejected it",
        "withdraw" => "withdrew it",
        _ => "changed it",
    }
}

/// A change request with its diff, its course and what the reader may do with it.
#[derive(Template)]
#[template(path = "admin/changes/show.html")]
pub struct ShowPage {
    pub request: ChangeRequest,
    pub title: String,
    pub entity: Entity,
    pub status: Status,
    /// The fields the request changes, base against proposal.
    pub changes: Vec<Change>,
    pub reason_html: String,
    /// The entry is still at the request's base version (a new entry's slug still free).
    pub current: bool,
    pub is_author: bool,
    /// The reader may approve, return or reject it: it is pending and not theirs.
    pub may_decide: bool,
    /// The author's form to change (rebase, answer a return) the request, when open.
    pub update_href: Option<String>,
    /// The published revision in the entry's history, once approved.
    pub published_href: Option<String>,
    pub steps: Vec<Step>,
    pub csrf_token: String,
    /// A refused decision's action and its comment as submitted, kept for its form.
    pub comment: Option<(&'static str, String)>,
    pub errors: Vec<FieldError>,
    /// What just happened, shown at the top.
    pub notice: Option<String>,
    /// Why the last decision was refused (409), shown at the top.
    pub refusal: Option<String>,
    /// What publishing it would do to the reference questions and saved briefs, while it
    /// is open; worked out on the live knowledge when the page is asked for.
    pub impact: Option<crate::impact::Impact>,
}

impl ShowPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        FieldError::message_for(&self.errors, field)
    }

    /// The comment to show in the form of `action`: the one just refused, if it was its.
    pub fn comment_for(&self, action: &str) -> &str {
        match &self.comment {
            Some((asked, comment)) if *asked == action => comment,
            _ => "",
        }
    }
}

/// The fields `request` changes: its base against its proposal, read as the entry's type.
fn diff(request: &ChangeRequest) -> Vec<Change> {
    fn between<T: Revisioned>(base: Option<&str>, proposed: Option<&str>) -> Vec<Change> {
        let read = |json: Option<&str>| {
            json.and_then(|j| serde_json::from_str::<T>(j).ok())
                .unwrap_or_default()
        };
        editing::changes(&read(base), &read(proposed))
    }
    let (base, proposed) = (request.base.as_deref(), request.proposed.as_deref());
    match request.subject() {
        Subject::Framework => between::<FrameworkRecord>(base, proposed),
        Subject::Term(_) => between::<State>(base, proposed),
    }
}

async fn show_page(
    pool: &SqlitePool,
    user: &CurrentUser,
    request: ChangeRequest,
) -> Result<ShowPage> {
    let subject = request.subject();
    let entity = entity_of(subject);
    let status = request.status();
    let is_author = request.author_id == user.0.user.id;
    let current = change_requests::is_current(pool, &request).await?;
    let update_href = (is_author && status.is_open()).then(|| {
        let form = match (request.original(), request.action.as_str()) {
            (Some(slug), "delete") => format!("{}/{slug}/delete", entity.base),
            (Some(slug), _) => format!("{}/{slug}/edit", entity.base),
            (None, _) => format!("{}/new", entity.base),
        };
        format!("{form}?change_request={}", request.id)
    });
    let published_href = request.published_as.map(|revision| {
        let slug = match request.action.as_str() {
            "delete" => request.entity_slug.clone(),
            _ => field_of(&request, "slug").unwrap_or_else(|| request.entity_slug.clone()),
        };
        format!("{}/{slug}/history#revision-{revision}", entity.base)
    });
    let steps = crate::db::editing::revisions(pool, CHANGE_REQUEST, &request.id.to_string())
        .await?
        .into_iter()
        .map(|r| Step {
            id: r.id,
            at: r.at,
            actor: r.actor,
            what: step_words(&r.action),
            note_html: crate::markdown::to_safe_html(&r.note),
        })
        .collect();
    Ok(ShowPage {
        title: title(&request),
        changes: diff(&request),
        reason_html: crate::markdown::to_safe_html(&request.reason),
        may_decide: status == Status::Pending && !is_author,
        entity,
        status,
        current,
        is_author,
        update_href,
        published_href,
        steps,
        csrf_token: user.csrf_token().to_owned(),
        comment: None,
        errors: Vec::new(),
        notice: None,
        refusal: None,
        impact: None,
        request,
    })
}

async fn load(pool: &SqlitePool, id: i64) -> Result<ChangeRequest> {
    change_requests::get(pool, id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// `?submitted=yes` after an editor's save became this request; `?done=approve` after a
/// decision.
#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    pub submitted: Option<String>,
    pub done: Option<String>,
}

pub async fn show(
    pool: web::Data<SqlitePool>,
    cache: web::Data<crate::snapshot::KnowledgeCache>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse> {
    let request = load(&pool, *id).await?;
    let edit = request.pending_edit().into();
    let open = request.status().is_open();
    let mut page = show_page(&pool, &user, request).await?;
    if open {
        let edits = [edit];
        page.impact = Some(super::impact::preview(&pool, &cache, &edits).await?);
    }
    page.notice = match (query.submitted.as_deref(), query.done.as_deref()) {
        (Some(_), _) => Some(
            "Your change waits for review: nothing is published until another editor or an \
             admin approves it."
                .to_owned(),
        ),
        (_, Some("approve")) => Some("Approved and published.".to_owned()),
        (_, Some("return")) => Some("Returned to its author with your comment.".to_owned()),
        (_, Some("reject")) => Some("Rejected.".to_owned()),
        (_, Some("withdraw")) => Some("Withdrawn.".to_owned()),
        _ => None,
    };
    crate::routes::html(StatusCode::OK, &page)
}

/// A decision's form: the comment, the request's version the reader saw, the token.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub comment: String,
    pub version: i64,
    pub csrf_token: String,
}

/// What the reader asks to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Approve,
    Decide(Decision),
}

impl Asked {
    fn action(self) -> &'static str {
        match self {
            Asked::Approve => "approve",
            Asked::Decide(decision) => decision.action(),
        }
    }
}

/// Who may ask what of `request`: its author alone withdraws it; anyone else decides it,
/// and only while it waits for review. `Err` says why not (403).
fn may(user: &CurrentUser, request: &ChangeRequest, asked: Asked) -> Result<(), &'static str> {
    let is_author = request.author_id == user.0.user.id;
    match asked {
        Asked::Decide(Decision::Withdraw) if !is_author => {
            Err("Only the author of a change request can withdraw it.")
        }
        Asked::Decide(Decision::Withdraw) => Ok(()),
        _ if is_author => Err(
            "Nobody reviews their own change request: another editor or an admin approves, \
             returns or rejects it.",
        ),
        _ => Ok(()),
    }
}

/// The comment's problem, if any: a return or a rejection says why; none is too long.
fn comment_problem(asked: Asked, comment: &str) -> Option<FieldError> {
    let needs_comment = matches!(asked, Asked::Decide(Decision::Return | Decision::Reject));
    if needs_comment && comment.trim().is_empty() {
        let message = "say what should change, or why it should not be published";
        return Some(FieldError::new("comment", message));
    }
    (comment.chars().count() > MAX_COMMENT).then(|| {
        FieldError::new(
            "comment",
            format!("at most {MAX_COMMENT} characters, please"),
        )
    })
}

/// Why an approval could not publish, in words.
fn why_inapplicable(why: &Inapplicable, singular: &str) -> String {
    match why {
        Inapplicable::Stale => format!(
            "The {singular} changed since this request was made, so approving it would undo \
             that change. Its author must update the request onto the present version first."
        ),
        Inapplicable::SlugTaken => {
            format!("Another {singular} now uses the slug this request proposes.")
        }
        Inapplicable::Blocked(blocker) => format!(
            "This {singular} cannot be deleted yet: {}.",
            editing::why_blocked(blocker)
        ),
    }
}

async fn decide(
    pool: &SqlitePool,
    user: &CurrentUser,
    id: i64,
    form: DecisionForm,
    asked: Asked,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let request = load(pool, id).await?;
    may(user, &request, asked).map_err(AppError::Forbidden)?;
    let comment = form.comment.trim();
    if let Some(mut problem) = comment_problem(asked, comment) {
        // Each decision has its own form and comment field: the message goes to the one used.
        problem.field = format!("comment-{}", asked.action());
        let mut page = show_page(pool, user, request).await?;
        page.comment = Some((asked.action(), form.comment));
        page.errors = vec![problem];
        return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let actor = author(user);
    let singular = entity_of(request.subject()).singular;
    let transition = match asked {
        Asked::Approve => change_requests::approve(pool, id, form.version, &actor, comment).await?,
        // A reviewer decides a request that waits for review; a returned one waits for its
        // author (who may still withdraw it).
        Asked::Decide(decision)
            if decision != Decision::Withdraw && request.status() != Status::Pending =>
        {
            Transition::Conflict(Box::new(request))
        }
        Asked::Decide(decision) => {
            change_requests::decide(pool, id, form.version, decision, &actor, comment).await?
        }
    };
    let refusal = match transition {
        Transition::Done => {
            return Ok(see_other(format!("{}?done={}", href(id), asked.action())));
        }
        Transition::Gone => return Err(AppError::not_found()),
        Transition::Conflict(_) => "Someone acted on this request while you were reading it, \
                                    so nothing was done. Here it is as it stands now."
            .to_owned(),
        Transition::NotApplicable(why) => why_inapplicable(&why, singular),
    };
    let mut page = show_page(pool, user, load(pool, id).await?).await?;
    page.comment = Some((asked.action(), form.comment));
    page.refusal = Some(refusal);
    crate::routes::html(StatusCode::CONFLICT, &page)
}

pub async fn approve(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse> {
    decide(&pool, &user, *id, form.into_inner(), Asked::Approve).await
}

pub async fn return_to_author(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse> {
    let asked = Asked::Decide(Decision::Return);
    decide(&pool, &user, *id, form.into_inner(), asked).await
}

pub async fn reject(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse> {
    let asked = Asked::Decide(Decision::Reject);
    decide(&pool, &user, *id, form.into_inner(), asked).await
}

pub async fn withdraw(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse> {
    let asked = Asked::Decide(Decision::Withdraw);
    decide(&pool, &user, *id, form.into_inner(), asked).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_or_a_rejection_must_say_why_and_an_approval_need_not() {
        let ret = Asked::Decide(Decision::Return);
        let reject = Asked::Decide(Decision::Reject);
        for asked in [ret, reject] {
            let problem = comment_problem(asked, "  ").expect("a comment is needed");
            assert_eq!(problem.field, "comment");
            assert!(comment_problem(asked, "Cite the benchmark.").is_none());
        }
        assert!(comment_problem(Asked::Approve, "").is_none());
        let long = "x".repeat(MAX_COMMENT + 1);
        assert!(comment_problem(Asked::Approve, &long).is_some());
    }

    #[test]
    fn a_request_is_titled_by_what_it_does_to_which_entry() {
        let request = ChangeRequest {
            base: Some(r#"{"slug":"iot","name":"Internet of things"}"#.into()),
            ..ChangeRequest::sketch("use_case", "iot", "delete", 2)
        };
        assert_eq!(title(&request), "Delete use case “Internet of things”");
    }
}
