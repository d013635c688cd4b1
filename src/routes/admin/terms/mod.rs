//! `/admin/{languages|features|industries|use-cases|requirements|trends}…`: the vocabulary
//! the frameworks are described with. One set of handlers serves every kind, through the
//! editing flow every entry shares (`super::editing`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

mod form;

use super::changes::hold::{self, Held, Review, Saving};
use super::editing::{
    self, CsrfForm, DeletePage, Entity, SavedQuery, VersionForm, author, author_saying,
};
use super::impact::{ask_why, unexplained, why_needed};
use super::listing::{BY_NAME_OR_SLUG, Filter, ListQuery, Listing};
use crate::auth::CurrentUser;
use crate::db::change_requests::Subject;
use crate::db::editing::{Outcome, Stored};
use crate::db::terms::{self, State, Term, TermKind};
use crate::domain::RequirementGroup;
use crate::error::{AppError, Result};
use crate::impact::Edit;
use crate::knowledge::document::Document;
use crate::snapshot::KnowledgeCache;
use form::{Forms, TermForm, moves_rankings, problems};

const PAGE_SIZE: usize = 20;

/// The address segment of each kind, and how the pages name it.
const KINDS: [(TermKind, &str, &str, &str); 6] = [
    (TermKind::Language, "languages", "language", "Languages"),
    (TermKind::Feature, "features", "feature", "Features"),
    (TermKind::Industry, "industries", "industry", "Industries"),
    (TermKind::UseCase, "use-cases", "use case", "Use cases"),
    (
        TermKind::Requirement,
        "requirements",
        "requirement",
        "Requirements",
    ),
    (TermKind::Trend, "trends", "trend", "Trends"),
];

/// The kind an address segment names (`use-cases`).
pub fn kind_named(segment: &str) -> Option<TermKind> {
    KINDS
        .iter()
        .find(|(_, path, ..)| *path == segment)
        .map(|(kind, ..)| *kind)
}

/// The kind in the address; any other segment is a page that does not exist.
fn kind_of(segment: &str) -> Result<TermKind> {
    kind_named(segment).ok_or_else(AppError::not_found)
}

/// A kind's pages, as the shared editing pages name them.
pub fn entity(kind: TermKind) -> Entity {
    let (_, path, singular, plural_title) = KINDS
        .into_iter()
        .find(|(k, ..)| *k == kind)
        .expect("every kind is listed");
    Entity {
        base: format!("/admin/{path}"),
        singular,
        plural_title,
    }
}

#[derive(Template)]
#[template(path = "admin/terms/index.html")]
pub struct IndexPage {
    pub kind: TermKind,
    /// Each entry with what the list shows beside its name (see [`detail`]).
    pub listing: Listing<(Term, String)>,
}

/// What the list shows beside a name: the industry of a use case, the group of a requirement.
fn detail(kind: TermKind, term: &Term, vocabulary: &Document) -> String {
    match kind {
        TermKind::UseCase => vocabulary
            .industries
            .iter()
            .find(|i| i.slug == term.industry)
            .map_or(term.industry.clone(), |i| i.name.clone()),
        TermKind::Requirement => RequirementGroup::parse(&term.group)
            .map_or(term.group.clone(), |g| g.label().to_owned()),
        _ => String::new(),
    }
}

/// The list's filter: use cases by industry, requirements by group; other kinds have none.
fn within(kind: TermKind, vocabulary: &Document, given: Option<&str>) -> Result<Option<Filter>> {
    let (label, options) = match kind {
        TermKind::UseCase => (
            "Industry",
            vocabulary
                .industries
                .iter()
                .map(|i| (i.slug.clone(), i.name.clone()))
                .collect(),
        ),
        TermKind::Requirement => (
            "Group",
            RequirementGroup::ALL
                .iter()
                .map(|g| (g.as_str().to_owned(), g.label().to_owned()))
                .collect(),
        ),
        _ => return Ok(None),
    };
    Filter::parse("within", label, "All", options, given).map(Some)
}

pub async fn index(
    pool: web::Data<SqlitePool>,
    kind: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse> {
    let kind = kind_of(&kind)?;
    let sort = query.sort_order(BY_NAME_OR_SLUG)?;
    let vocabulary = crate::db::knowledge::load_vocabulary(&pool).await?;
    let filter = within(kind, &vocabulary, query.within.as_deref())?;
    let chosen = filter.as_ref().map_or("", |f| f.chosen.as_str());
    let q = query.search().to_lowercase();
    let mut terms: Vec<Term> = terms::list(&pool, kind)
        .await?
        .into_iter()
        .filter(|t| chosen.is_empty() || t.industry == chosen || t.group == chosen)
        .filter(|t| {
            q.is_empty()
                || t.name.to_lowercase().contains(&q)
                || t.slug.contains(&q)
                || t.description.to_lowercase().contains(&q)
        })
        .collect();
    if sort.value == "name" {
        terms.sort_by_key(|t| t.name.to_lowercase());
    }
    let rows = terms
        .into_iter()
        .map(|t| {
            let d = detail(kind, &t, &vocabulary);
            (t, d)
        })
        .collect();
    let listing = Listing::new(
        entity(kind),
        &query,
        filter,
        (sort, BY_NAME_OR_SLUG),
        rows,
        PAGE_SIZE,
    );
    crate::routes::html(StatusCode::OK, &IndexPage { kind, listing })
}

pub async fn new(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    review: web::Data<Review>,
    kind: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse> {
    let kind = kind_of(&kind)?;
    let forms = Forms::load(&pool, kind, &user).await?.reviewed(&review);
    if let Some(id) = query.change_request {
        let subject = Subject::Term(kind);
        let continued = hold::continuing::<Term>(&pool, &user, id, subject, (None, None)).await?;
        let mut page = forms.page(continued.proposed.clone(), None, 0);
        continued.set_frame(&mut page.frame);
        return crate::routes::html(StatusCode::OK, &page);
    }
    let term = Term {
        group: RequirementGroup::Capability.as_str().into(),
        ..Term::default()
    };
    let page = forms.page(term, None, 0);
    crate::routes::html(StatusCode::OK, &page)
}

pub async fn edit(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    review: web::Data<Review>,
    path: web::Path<(String, String)>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    let stored = terms::load(&pool, kind, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let forms = Forms::load(&pool, kind, &user).await?.reviewed(&review);
    if let Some(id) = query.change_request {
        let entry = (Some(slug.as_str()), Some(&stored));
        let subject = Subject::Term(kind);
        let continued = hold::continuing(&pool, &user, id, subject, entry).await?;
        let mut page = forms.page(continued.proposed.clone(), Some(&slug), 0);
        page.frame.name = stored.record.name;
        continued.set_frame(&mut page.frame);
        return crate::routes::html(StatusCode::OK, &page);
    }
    let mut page = forms.page(stored.record, Some(&slug), stored.version);
    page.frame.notice = query.saved.as_ref().map(|_| "Saved.".to_owned());
    page.frame.open_requests =
        crate::db::change_requests::open_on(&pool, Subject::Term(kind), &slug).await?;
    crate::routes::html(StatusCode::OK, &page)
}

/// What the form's submission is for: saving, or only seeing what saving would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Save,
    PreviewImpact,
}

/// Saves the form over `original` (or as a new entry), or with [`Intent::PreviewImpact`]
/// shows what saving would do. For the kinds the ranking reads, a save that makes a
/// reference question stop passing needs the field `reason`, which becomes the revision's
/// note (as does one given unasked).
async fn submit(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    (user, review): (&CurrentUser, &Review),
    (kind, original): (TermKind, Option<&str>),
    form: TermForm,
    intent: Intent,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    if intent == Intent::PreviewImpact && !moves_rankings(kind) {
        return Err(AppError::not_found());
    }
    let (version, continuing) = (form.version, form.change_request);
    let reason = form.reason.trim().to_owned();
    let term = form.into_term(kind);
    let vocabulary = crate::db::knowledge::load_document(pool).await?;
    let mut errors = problems(kind, &term, original, &vocabulary);
    errors.extend(hold::reason_problem(&reason));
    let forms = Forms::of(&vocabulary, kind, user).reviewed(review);
    let page_of = |term: Term| {
        let mut page = forms.page(term, original, version);
        page.frame.reason = reason.clone();
        page.frame.change_request = continuing;
        page
    };
    if !errors.is_empty() {
        let mut page = page_of(term);
        page.frame.errors = errors;
        return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let edits = [Edit::Term {
        kind,
        original: original.map(str::to_owned),
        state: Some(State::from(term.clone())),
    }];
    if intent == Intent::PreviewImpact {
        let impact = super::impact::preview(pool, cache, &edits).await?;
        let mut page = page_of(term);
        page.frame.impact = Some(impact);
        return crate::routes::html(StatusCode::OK, &page);
    }
    if moves_rankings(kind)
        && let Some(impact) = unexplained(pool, cache, &edits, &reason).await?
    {
        let mut page = page_of(term);
        ask_why(&mut page.frame, impact);
        return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let change = (kind, original, version, continuing);
    let saving = publish_or_request(pool, (user, review), change, Some(&term), &reason).await?;
    let outcome = match saving {
        Saving::Outcome(outcome) => outcome,
        Saving::Requested(id) => return Ok(hold::requested(id)),
    };
    let slug = term.slug.clone();
    editing::answer_save(outcome, &entity(kind), term, &slug, "yes", page_of)
}

/// Publishes an editor's save (`Some(term)`) or delete (`None`) of the entry of `kind` at
/// `original` (`None`: a new one), made from `version`, at once — or, when review is
/// required (or the form continues one of the editor's change requests), holds it as a
/// change request. The one place the vocabulary pages decide which; `reason` goes into the
/// audit revision, or the request.
async fn publish_or_request(
    pool: &SqlitePool,
    (user, review): (&CurrentUser, &Review),
    (kind, original, version, continuing): (TermKind, Option<&str>, i64, Option<i64>),
    term: Option<&Term>,
    reason: &str,
) -> Result<Saving<Term>> {
    if review.required || continuing.is_some() {
        let current = match original {
            Some(slug) => terms::load(pool, kind, slug).await?,
            None => None,
        };
        // A delete that could not be published is not worth a reviewer's time.
        if let (None, Some(slug)) = (term, original) {
            let dependents = terms::dependents(pool, kind, slug).await?;
            if let Some(blocker) = terms::blocking_reason(kind, &dependents) {
                return Ok(Saving::Outcome(Outcome::Blocked(blocker)));
            }
        }
        let change = Held {
            subject: Subject::Term(kind),
            original,
            version,
            current,
            proposed: term.map(|t| (t, t.slug.as_str())),
            reason,
            continuing,
        };
        return hold::hold(pool, user, change).await;
    }
    let author = author_saying(user, reason);
    let outcome = match (term, original) {
        (Some(term), _) => terms::save(pool, kind, original, version, term, &author).await?,
        (None, Some(slug)) => terms::delete(pool, kind, slug, version, &author).await?,
        (None, None) => return Err(AppError::not_found()),
    };
    Ok(Saving::Outcome(outcome))
}

pub async fn create(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    kind: web::Path<String>,
    form: web::Form<TermForm>,
) -> Result<HttpResponse> {
    let entry = (kind_of(&kind)?, None);
    let who = (&user, &**review);
    submit(&pool, &cache, who, entry, form.into_inner(), Intent::Save).await
}

pub async fn update(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    path: web::Path<(String, String)>,
    form: web::Form<TermForm>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let entry = (kind_of(&kind)?, Some(slug.as_str()));
    let who = (&user, &**review);
    submit(&pool, &cache, who, entry, form.into_inner(), Intent::Save).await
}

/// `POST /admin/{kind}/{slug}/impact`: the form again with what saving it would do; only
/// for the kinds the ranking reads.
pub async fn impact(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    path: web::Path<(String, String)>,
    form: web::Form<TermForm>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let entry = (kind_of(&kind)?, Some(slug.as_str()));
    let (who, intent) = ((&user, &**review), Intent::PreviewImpact);
    submit(&pool, &cache, who, entry, form.into_inner(), intent).await
}

/// `POST /admin/{kind}/new/impact`: what creating the entry would do.
pub async fn impact_of_new(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    kind: web::Path<String>,
    form: web::Form<TermForm>,
) -> Result<HttpResponse> {
    let entry = (kind_of(&kind)?, None);
    let (who, intent) = ((&user, &**review), Intent::PreviewImpact);
    submit(&pool, &cache, who, entry, form.into_inner(), intent).await
}

/// The entry's delete, as an edit to preview; `None` for the kinds the ranking does not read.
fn deletion(kind: TermKind, slug: &str) -> Option<[Edit; 1]> {
    moves_rankings(kind).then(|| {
        [Edit::Term {
            kind,
            original: Some(slug.to_owned()),
            state: None,
        }]
    })
}

async fn delete_page(
    pool: &SqlitePool,
    (user, review): (&CurrentUser, &Review),
    kind: TermKind,
    slug: &str,
) -> Result<DeletePage> {
    let stored = terms::load(pool, kind, slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let dependents = terms::dependents(pool, kind, slug).await?;
    let entity = entity(kind);
    let mut consequences = Vec::new();
    if !dependents.frameworks.is_empty() {
        consequences.push(format!(
            "It is linked to {} framework(s), whose links to it go too: {}.",
            dependents.frameworks.len(),
            dependents.frameworks.join(", ")
        ));
    }
    if !dependents.use_cases.is_empty() {
        consequences.push(format!(
            "Use cases in it: {}.",
            dependents.use_cases.join(", ")
        ));
    }
    let blocked = terms::blocking_reason(kind, &dependents).map(|b| editing::why_blocked(&b));
    let lead = match (consequences.is_empty(), blocked.is_some()) {
        (true, _) => format!("No framework refers to this {}.", entity.singular),
        (false, true) => format!("What depends on this {}:", entity.singular),
        (false, false) => format!("Deleting removes the {} and, with it:", entity.singular),
    };
    Ok(DeletePage {
        blocked,
        review_required: review.required,
        change_request: None,
        entity,
        lead,
        consequences,
        slug: stored.record.slug,
        name: stored.record.name,
        version: stored.version,
        csrf_token: user.csrf_token().to_owned(),
        impact: None,
        reason: String::new(),
        reason_error: None,
    })
}

/// The confirmation shows what deleting would do, for the kinds the ranking reads.
pub async fn confirm_delete(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    path: web::Path<(String, String)>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    let mut page = delete_page(&pool, (&user, &review), kind, &slug).await?;
    if let Some(id) = query.change_request {
        let request = (id, Subject::Term(kind), slug.as_str());
        hold::continue_delete(&pool, &user, request, &mut page).await?;
    }
    // A delete that cannot happen yet has no impact to show.
    if let Some(edits) = deletion(kind, &slug).filter(|_| page.blocked.is_none()) {
        page.impact = Some(super::impact::preview(&pool, &cache, &edits).await?);
    }
    crate::routes::html(StatusCode::OK, &page)
}

pub async fn delete(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    path: web::Path<(String, String)>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    let (editor, reason) = ((&user, &**review), form.reason.trim());
    if let Some(problem) = hold::reason_problem(reason) {
        return Err(AppError::BadRequest(problem));
    }
    if let Some(edits) = deletion(kind, &slug)
        && let Some(impact) = unexplained(&pool, &cache, &edits, reason).await?
    {
        let mut page = delete_page(&pool, editor, kind, &slug).await?;
        page.change_request = form.change_request;
        page.reason_error = Some(why_needed(&impact));
        page.impact = Some(impact);
        return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let change = (kind, Some(slug.as_str()), form.version, form.change_request);
    let saving = publish_or_request(&pool, editor, change, None, reason).await?;
    let outcome = match saving {
        Saving::Outcome(outcome) => outcome,
        Saving::Requested(id) => return Ok(hold::requested(id)),
    };
    // Read again whatever refused it: the dependents matter as much as the entry.
    editing::answer_delete(outcome, &entity(kind), &slug, async |_| {
        delete_page(&pool, editor, kind, &slug).await
    })
    .await
}

pub async fn history(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    review: web::Data<Review>,
    path: web::Path<(String, String)>,
    query: web::Query<editing::HistoryQuery>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    let revisions = terms::history(&pool, kind, &slug, query.page()?).await?;
    let current = terms::load(&pool, kind, &slug).await?;
    let name = current.map(|s| s.record.name);
    let reader = (&user, review.required);
    let shown = (revisions, &*query);
    editing::show_history::<State>(entity(kind), slug, name, shown, reader)
}

pub async fn restore(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    review: web::Data<Review>,
    path: web::Path<(String, String, i64)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let (kind, slug, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    if review.required {
        let state = crate::db::editing::restored_state(&pool, kind.audit_name(), &slug, id).await?;
        let mut state = State::parse(state.as_deref()).ok_or_else(AppError::not_found)?;
        let current = terms::load(&pool, kind, &slug).await?.map(|c| Stored {
            record: State::from(c.record),
            version: c.version,
        });
        // The links a deletion took come back with the entry, as on a direct restore; any
        // other revision restores the entry's fields alone.
        if current.is_some() {
            state.links = None;
        }
        let restored = (&state, state.term.slug.as_str());
        let what = (Subject::Term(kind), &entity(kind));
        return hold::hold_restore(&pool, &user, what, (&slug, id), current, restored).await;
    }
    let outcome = terms::restore(&pool, kind, &slug, id, &author(&user)).await?;
    editing::answer_restore(outcome, &entity(kind), &slug)
}
