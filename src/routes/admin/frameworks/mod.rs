//! `/admin/frameworks…`: list, create, edit (facts and every link in one save), mark
//! reviewed, delete with confirmation, history with field-level diffs and restore. The flow
//! is the one every entry shares (`super::editing`); the form's fields are read in `form`
//! and laid out in `page`.

mod form;
mod page;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use super::changes::hold::{self, Held, Review, Saving};
use super::editing::{
    self, CsrfForm, DeletePage, Entity, Frame, SavedQuery, VersionForm, author, author_saying,
};
use super::impact::{ask_why, unexplained, unexplained_knowing, why_needed};
use super::listing::{self, ListQuery, Listing, SortOrder};
use crate::auth::CurrentUser;
use crate::db;
use crate::db::change_requests::Subject;
use crate::db::editing::{Outcome, Stored};
use crate::db::flags::OpenTally;
use crate::db::frameworks::{Filter, RatingReview};
use crate::db::recommend::Knowledge;
use crate::domain::{FieldError, Kind, Ring, Slug};
use crate::error::{AppError, Result};
use crate::impact::Edit;
use crate::knowledge::document::FrameworkRecord;
use crate::markdown::to_safe_html;
use crate::memo::Memo;
use crate::snapshot::KnowledgeCache;
use crate::writers::on_writers_thread;
pub use form::rating_field;
use form::{Submitted, record_from};
use page::FormPage;

const PAGE_SIZE: usize = 10;

/// Frameworks, as the shared editing pages name them.
pub fn entity() -> Entity {
    Entity {
        base: "/admin/frameworks".into(),
        singular: "framework",
        plural_title: "Frameworks",
    }
}

// ---------------------------------------------------------------------------------- list

pub struct ListRow {
    pub slug: Slug,
    pub name: String,
    pub language: String,
    pub ring: Ring,
    pub last_reviewed: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/frameworks/index.html")]
pub struct IndexPage {
    pub listing: Listing<ListRow>,
    /// The open flags from sales (`db::flags`).
    pub open_flags: Arc<OpenTally>,
}

impl IndexPage {
    fn open_flags_of(&self, slug: &Slug) -> i64 {
        self.open_flags.on(slug.as_str())
    }
}

const SORT_ORDERS: &[SortOrder] = &[
    SortOrder {
        value: "name",
        label: "Name",
    },
    SortOrder {
        value: "reviewed",
        label: "Longest unreviewed first",
    },
];

pub async fn index(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    tally: web::Data<Memo<OpenTally>>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse> {
    let sort = query.sort_order(SORT_ORDERS)?;
    let rings = Ring::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect();
    let ring = listing::Filter::parse(
        "ring",
        "Radar ring",
        "Any ring",
        rings,
        query.ring.as_deref(),
    )?;
    let filter = Filter {
        // The filter took only values from the list above, so a chosen one parses.
        ring: Ring::parse(&ring.chosen).ok(),
        ..Filter::default()
    };
    let q = query.search();
    let mut list = match crate::search::fts_query(&q) {
        Some(fts) => db::frameworks::search(&pool, &fts, &filter).await?,
        None => db::frameworks::list(&pool, &filter).await?,
    };
    if sort.value == "reviewed" {
        // Never reviewed first, then the oldest review; the stable sort keeps names in order.
        list.sort_by(|a, b| a.last_reviewed.cmp(&b.last_reviewed));
    } else if !q.is_empty() {
        list.sort_by_key(|f| f.name.to_lowercase());
    }
    let rows = list
        .into_iter()
        .map(|f| ListRow {
            slug: f.slug,
            name: f.name,
            language: f.language_name,
            ring: f.ring,
            last_reviewed: f.last_reviewed,
        })
        .collect();
    let listing = Listing::new(
        entity(),
        &query,
        Some(ring),
        (sort, SORT_ORDERS),
        rows,
        PAGE_SIZE,
    );
    let open_flags = super::open_flags(&pool, &cache, &tally).await?;
    crate::routes::html(
        StatusCode::OK,
        &IndexPage {
            listing,
            open_flags,
        },
    )
}

// ---------------------------------------------------------------------------------- edit

/// What the form shows besides the record: the vocabulary it is rated against and who last
/// changed each stored rating.
struct FormContext {
    /// The knowledge the vocabulary comes from, current as to the terms and the framework
    /// the form edits when it was read ([`KnowledgeCache::current_as_to`]).
    knowledge: Arc<Knowledge>,
    reviews: Vec<RatingReview>,
    review_required: bool,
}

impl FormContext {
    /// The context without the ratings' reviews, which only a page shows: a save that
    /// succeeds answers with a redirect and never reads them. The knowledge is current as to
    /// the terms and the frameworks `checked` (by slug): a save checks its own framework with
    /// it, a form to fill in needs only the terms.
    async fn load(
        (pool, cache): (&SqlitePool, &KnowledgeCache),
        checked: &[&str],
        review: &Review,
    ) -> Result<Self> {
        Ok(Self {
            knowledge: cache.current_as_to(pool, checked).await?,
            reviews: Vec::new(),
            review_required: review.required,
        })
    }

    /// The context with who last changed each stored rating of `original`, for a page.
    async fn with_reviews(mut self, pool: &SqlitePool, original: Option<&str>) -> Result<Self> {
        if let Some(slug) = original {
            self.reviews = db::frameworks::rating_reviews(pool, slug).await?;
        }
        Ok(self)
    }
}

fn form_page(
    context: &FormContext,
    record: FrameworkRecord,
    original: Option<&str>,
    version: i64,
    user: &CurrentUser,
    errors: Vec<FieldError>,
) -> FormPage {
    let mut frame = Frame::new(entity(), original, version, user);
    frame.errors = errors;
    frame.review_required = context.review_required;
    FormPage::new(
        frame,
        &context.knowledge.vocabulary,
        record,
        &context.reviews,
    )
}

pub async fn new(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse> {
    let context = FormContext::load((&pool, &cache), &[], &review).await?;
    if let Some(id) = query.change_request {
        let continued =
            hold::continuing::<FrameworkRecord>(&pool, &user, id, Subject::Framework, (None, None))
                .await?;
        let record = continued.proposed.clone();
        let mut page = form_page(&context, record, None, 0, &user, Vec::new());
        continued.set_frame(&mut page.frame);
        return crate::routes::html(StatusCode::OK, &page);
    }
    let record = FrameworkRecord {
        kind: Kind::Micro.as_str().into(),
        ring: Ring::Assess.as_str().into(),
        ..FrameworkRecord::default()
    };
    let page = form_page(&context, record, None, 0, &user, Vec::new());
    crate::routes::html(StatusCode::OK, &page)
}

pub async fn edit(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    slug: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse> {
    let stored = db::editing::load(&pool, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let context = FormContext::load((&pool, &cache), &[], &review)
        .await?
        .with_reviews(&pool, Some(&slug))
        .await?;
    if let Some(id) = query.change_request {
        let entry = (Some(slug.as_str()), Some(&stored));
        let continued = hold::continuing(&pool, &user, id, Subject::Framework, entry).await?;
        let record = continued.proposed.clone();
        let mut page = form_page(&context, record, Some(&slug), 0, &user, Vec::new());
        page.frame.name = stored.record.name;
        continued.set_frame(&mut page.frame);
        return crate::routes::html(StatusCode::OK, &page);
    }
    let mut page = form_page(
        &context,
        stored.record,
        Some(&slug),
        stored.version,
        &user,
        Vec::new(),
    );
    page.frame.open_requests =
        db::change_requests::open_on(&pool, Subject::Framework, &slug).await?;
    page.frame.notice = match query.saved.as_deref() {
        Some("reviewed") => Some("Marked as reviewed today and saved.".into()),
        Some(_) => Some("Saved. The recommendation uses the new figures from now on.".into()),
        None => None,
    };
    crate::routes::html(StatusCode::OK, &page)
}

/// What the form's submission is for: saving, or only seeing what saving would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Save,
    PreviewImpact,
}

/// Saves the form over `original` (or as a new framework). `action` is `save`, `review`
/// (save and mark reviewed today) or `preview` (show the description rendered, save nothing);
/// with [`Intent::PreviewImpact`] nothing is saved and the form comes back with the impact.
/// A save that makes a reference question stop passing needs the field `reason`, which
/// becomes the revision's note (as does one given unasked), or the change request's reason
/// when review is required.
async fn submit(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    (user, review): (&CurrentUser, &Review),
    original: Option<&str>,
    form: Submitted,
    intent: Intent,
) -> Result<HttpResponse> {
    user.check_csrf(form.one("csrf_token"))?;
    let action = form.one("action");
    let reason = form.one("reason").trim();
    let continuing = form.one("change_request").parse().ok();
    let checked: Vec<&str> = original.into_iter().collect();
    let context = FormContext::load((pool, cache), &checked, review).await?;
    let vocabulary = &context.knowledge.vocabulary;
    let last_reviewed = if action == "review" && intent == Intent::Save {
        Some(crate::domain::today())
    } else {
        match original {
            Some(slug) => db::editing::last_reviewed(pool, slug).await?,
            None => None,
        }
    };
    let (record, mut errors) = record_from(&form, vocabulary, last_reviewed);
    errors.extend(hold::reason_problem(reason));
    // A version that is not a number cannot match any stored one: the save is a conflict.
    let version: i64 = form.one("version").parse().unwrap_or(-1);
    let page_of = |context: &FormContext, record: FrameworkRecord, errors: Vec<FieldError>| {
        let mut page = form_page(context, record, original, version, user, errors);
        page.frame.reason = reason.to_owned();
        page.frame.change_request = continuing;
        page
    };

    let previewing = intent == Intent::Save && action == "preview";
    if previewing || !errors.is_empty() {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let preview = previewing.then(|| to_safe_html(&record.description));
        let context = context.with_reviews(pool, original).await?;
        let mut page = page_of(&context, record, errors);
        page.preview_html = preview;
        return crate::routes::html(status, &page);
    }
    let edits = [Edit::Framework {
        original: original.map(str::to_owned),
        record: Some(record.clone()),
    }];
    if intent == Intent::PreviewImpact {
        let impact = super::impact::preview(pool, cache, &edits).await?;
        let context = context.with_reviews(pool, original).await?;
        let mut page = page_of(&context, record, Vec::new());
        page.frame.impact = Some(impact);
        return crate::routes::html(StatusCode::OK, &page);
    }
    // The form's knowledge was read current as to this framework a moment ago: the check
    // needs no second look at the log of changes.
    let known = original.map(|slug| (slug, &context.knowledge));
    if let Some(impact) = unexplained_knowing(pool, cache, known, &edits, reason).await? {
        let context = context.with_reviews(pool, original).await?;
        let mut page = page_of(&context, record, Vec::new());
        ask_why(&mut page.frame, impact);
        return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }

    let change = (original, version, continuing);
    let saving = publish_or_request(pool, (user, review), change, Some(&record), reason).await?;
    let outcome = match saving {
        Saving::Outcome(outcome) => outcome,
        Saving::Requested(id) => return Ok(hold::requested(id)),
    };
    let done = if action == "review" {
        "reviewed"
    } else {
        "yes"
    };
    let slug = record.slug.clone();
    let context = match outcome {
        Outcome::Done => context,
        _ => context.with_reviews(pool, original).await?,
    };
    editing::answer_save(outcome, &entity(), record, &slug, done, |record| {
        page_of(&context, record, Vec::new())
    })
}

/// Publishes an editor's save (`Some(record)`) or delete (`None`) of the framework at
/// `original` (`None`: a new one), made from `version`, at once — or, when review is
/// required (or the form continues one of the editor's change requests), holds it as a
/// change request. The one place the framework pages decide which; `reason` goes into the
/// audit revision, or the request.
async fn publish_or_request(
    pool: &SqlitePool,
    (user, review): (&CurrentUser, &Review),
    (original, version, continuing): (Option<&str>, i64, Option<i64>),
    record: Option<&FrameworkRecord>,
    reason: &str,
) -> Result<Saving<FrameworkRecord>> {
    if review.required || continuing.is_some() {
        let current = match original {
            Some(slug) => db::editing::load(pool, slug).await?,
            None => None,
        };
        let change = Held {
            subject: Subject::Framework,
            original,
            version,
            current,
            proposed: record.map(|r| (r, r.slug.as_str())),
            reason,
            continuing,
        };
        return hold::hold(pool, user, change).await;
    }
    let author = author_saying(user, reason);
    let outcome = match (record, original) {
        (Some(record), _) => db::editing::save(pool, original, version, record, &author).await?,
        (None, Some(slug)) => db::editing::delete(pool, slug, version, &author).await?,
        (None, None) => return Err(AppError::not_found()),
    };
    Ok(Saving::Outcome(outcome))
}

pub async fn update(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    slug: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let form = Submitted(form.into_inner());
    let (pool, cache, review) = (pool.into_inner(), cache.into_inner(), review.into_inner());
    let slug = slug.into_inner();
    on_writers_thread(async move {
        let who = (&user, &*review);
        submit(&pool, &cache, who, Some(&slug), form, Intent::Save).await
    })
    .await
}

pub async fn create(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let form = Submitted(form.into_inner());
    let (pool, cache, review) = (pool.into_inner(), cache.into_inner(), review.into_inner());
    on_writers_thread(async move {
        submit(&pool, &cache, (&user, &review), None, form, Intent::Save).await
    })
    .await
}

/// `POST /admin/frameworks/{slug}/impact`: the form again with what saving it would do.
pub async fn impact(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    slug: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let form = Submitted(form.into_inner());
    let who = (&user, &**review);
    submit(&pool, &cache, who, Some(&slug), form, Intent::PreviewImpact).await
}

/// `POST /admin/frameworks/new/impact`: what creating the framework would do.
pub async fn impact_of_new(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let form = Submitted(form.into_inner());
    let who = (&user, &**review);
    submit(&pool, &cache, who, None, form, Intent::PreviewImpact).await
}

// ---------------------------------------------------------------------------------- delete

fn delete_page(stored: Stored<FrameworkRecord>, user: &CurrentUser, review: &Review) -> DeletePage {
    let record = stored.record;
    DeletePage {
        entity: entity(),
        consequences: vec![
            format!(
                "{} requirement strengths with their notes",
                record.requirements.len()
            ),
            format!("{} industry fits with their notes", record.industries.len()),
            format!(
                "{} features, {} use cases and {} trends it is linked to",
                record.features.len(),
                record.use_cases.len(),
                record.trends.len()
            ),
        ],
        lead: "Deleting removes the framework from the catalogue and from every \
               recommendation, together with:"
            .into(),
        blocked: None,
        review_required: review.required,
        change_request: None,
        slug: record.slug,
        name: record.name,
        version: stored.version,
        csrf_token: user.csrf_token().to_owned(),
        impact: None,
        reason: String::new(),
        reason_error: None,
    }
}

/// The framework's delete, as an edit to preview.
fn deletion(slug: &str) -> [Edit; 1] {
    [Edit::Framework {
        original: Some(slug.to_owned()),
        record: None,
    }]
}

/// The confirmation shows what deleting would do before anything is deleted.
pub async fn confirm_delete(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    slug: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse> {
    let stored = db::editing::load(&pool, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let mut page = delete_page(stored, &user, &review);
    if let Some(id) = query.change_request {
        let request = (id, Subject::Framework, slug.as_str());
        hold::continue_delete(&pool, &user, request, &mut page).await?;
    }
    page.impact = Some(super::impact::preview(&pool, &cache, &deletion(&slug)).await?);
    crate::routes::html(StatusCode::OK, &page)
}

pub async fn delete(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    review: web::Data<Review>,
    slug: web::Path<String>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let reason = form.reason.trim();
    if let Some(problem) = hold::reason_problem(reason) {
        return Err(AppError::BadRequest(problem));
    }
    if let Some(impact) = unexplained(&pool, &cache, &deletion(&slug), reason).await? {
        let stored = db::editing::load(&pool, &slug)
            .await?
            .ok_or_else(AppError::not_found)?;
        let mut page = delete_page(stored, &user, &review);
        page.change_request = form.change_request;
        page.reason_error = Some(why_needed(&impact));
        page.impact = Some(impact);
        return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let change = (Some(slug.as_str()), form.version, form.change_request);
    let saving = publish_or_request(&pool, (&user, &review), change, None, reason).await?;
    let outcome = match saving {
        Saving::Outcome(outcome) => outcome,
        Saving::Requested(id) => return Ok(hold::requested(id)),
    };
    // A framework's delete is only ever refused by a conflict, which brings the current state.
    editing::answer_delete(outcome, &entity(), &slug, async |current| {
        current
            .map(|stored| delete_page(stored, &user, &review))
            .ok_or_else(AppError::not_found)
    })
    .await
}

// ---------------------------------------------------------------------------------- history

pub async fn history(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    review: web::Data<Review>,
    slug: web::Path<String>,
    query: web::Query<editing::HistoryQuery>,
) -> Result<HttpResponse> {
    let (before, limit) = query.page()?;
    let revisions =
        db::editing::history_page(&pool, db::editing::FRAMEWORK, &slug, before, limit).await?;
    let current = db::editing::load(&pool, &slug).await?;
    let name = current.map(|s| s.record.name);
    let reader = (&user, review.required);
    let shown = (revisions, &*query);
    editing::show_history::<FrameworkRecord>(entity(), slug.into_inner(), name, shown, reader)
}

/// Brings back revision `id`: at once, or — when review is required — as a change request
/// proposing the state it brings back, so that a restore cannot publish what nobody reviewed.
pub async fn restore(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    review: web::Data<Review>,
    path: web::Path<(String, i64)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let (slug, id) = path.into_inner();
    if review.required {
        let state = db::editing::restored_state(&pool, db::editing::FRAMEWORK, &slug, id).await?;
        let mut record: FrameworkRecord = state
            .and_then(|json| serde_json::from_str(&json).ok())
            .ok_or_else(AppError::not_found)?;
        record.upgrade();
        let current = db::editing::load(&pool, &slug).await?;
        let restored = (&record, record.slug.as_str());
        let what = (Subject::Framework, &entity());
        return hold::hold_restore(&pool, &user, what, (&slug, id), current, restored).await;
    }
    let outcome = db::editing::restore(&pool, &slug, id, &author(&user)).await?;
    editing::answer_restore(outcome, &entity(), &slug)
}
