//! `/briefs…`: saved client briefs. A brief is a query saved for a client's project, with
//! the answer pinned as it was given (a revision); re-running it adds a revision and never
//! rewrites one. Every signed-in user reads every brief; a viewer changes only their own,
//! editors and admins any. The scope is guarded as a whole in `startup.rs` (anonymous
//! visitors are sent to sign in); the rights to change a brief are checked here.

pub mod form;
pub mod outcomes;
pub mod saving;

use std::collections::HashSet;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::auth::CurrentUser;
use crate::changes::{self, ChangeReport};
use crate::client::Network;
use crate::db;
use crate::db::briefs::{
    After, Brief, Filter, ListedBrief, Pin, Pinned, Revision, RevisionSummary, Sort,
};
use crate::db::editing::{Outcome, Stored};
use crate::db::recommend::Knowledge;
use crate::domain::{DealResult, FieldError};
use crate::error::{AppError, Result};
use crate::memo::Memo;
use crate::recommend::Limits;
use crate::recommend::params::{self, Params};
use crate::routes::admin::editing::{Change, CsrfForm, changes, see_other};
use crate::routes::prepared::{Reading, Shows};
use crate::routes::query::{SHOWN, summary};
use crate::routes::recommendation::{RecommendationsBody, Sensitivity, StabilityInterval, rank};
use crate::routes::results::ResultsView;
use crate::snapshot::KnowledgeCache;
use form::{OutcomeEntry, OutcomeForm};

/// Briefs on one page of a list.
const PAGE_SIZE: i64 = 20;

/// The client field suggests the clients of this many most recently changed briefs.
const CLIENTS_SUGGESTED: i64 = 500;

/// How often a save ranks again when the knowledge changed under it before giving up.
const PIN_ATTEMPTS: usize = 3;

/// The brief id in an address; anything but a number is a page that does not exist.
pub fn brief_id(segment: &str) -> Result<i64> {
    segment.parse().map_err(|_| AppError::not_found())
}

/// The brief `id`, or a 404.
async fn load(pool: &SqlitePool, id: &str) -> Result<Brief> {
    db::briefs::find(pool, brief_id(id)?)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Whether `user` may change `brief`: its owner, and every editor and admin.
pub fn may_change(user: &CurrentUser, brief: &Brief) -> bool {
    user.role().can_edit() || brief.owner_id == user.0.user.id
}

/// The brief `id` for `user` to change, or a 404 when there is none and a 403 when they may
/// only read it.
async fn load_to_change(pool: &SqlitePool, user: &CurrentUser, id: &str) -> Result<Brief> {
    let brief = load(pool, id).await?;
    if may_change(user, &brief) {
        Ok(brief)
    } else {
        Err(AppError::Forbidden(
            "Only the brief's owner, editors and admins change a brief. You can read it, and save a brief of your own from the same query.",
        ))
    }
}

/// Ranks `query_string` on the knowledge as it is now and hands the answer to `store`;
/// when the knowledge changes before `store` writes, ranks again. A query that no longer
/// parses (a requirement was deleted since) comes back as its errors.
async fn pin(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    query_string: &str,
    store: impl AsyncFn(&Pin) -> std::result::Result<Pinned, sqlx::Error>,
) -> Result<std::result::Result<Pinned, Vec<FieldError>>> {
    for _ in 0..PIN_ATTEMPTS {
        let knowledge = cache.current(pool).await?;
        let params = match params::parse(query_string, &knowledge.names) {
            Ok(params) => params,
            Err(errors) => return Ok(Err(errors)),
        };
        let recommendation = rank(pool, &params, &knowledge, Limits::ALL).await?;
        let body = RecommendationsBody::new(&params, recommendation);
        let pin = Pin {
            query: params.to_query_string(),
            knowledge_version: knowledge.version,
            result: serde_json::to_string(&body)?,
        };
        match store(&pin).await? {
            Pinned::KnowledgeMoved => continue,
            done => return Ok(Ok(done)),
        }
    }
    Err(AppError::Conflict(
        "The knowledge base kept changing while this was being saved. Try again in a moment."
            .to_owned(),
    ))
}

// ---- the lists ----

/// The lists' query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub owner: Option<String>,
    pub client: Option<String>,
    pub sort: Option<String>,
    pub archived: Option<String>,
    /// Where the page starts: `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// The ways a list can be sorted, as the form offers them.
pub const SORTS: [(Sort, &str); 3] = [
    (Sort::Updated, "Recently changed"),
    (Sort::Oldest, "Least recently changed"),
    (Sort::Created, "Recently created"),
];

impl ListQuery {
    fn sort(&self) -> Result<Sort> {
        match self.sort.as_deref().unwrap_or("") {
            "" => Ok(Sort::Updated),
            given => SORTS
                .iter()
                .find(|(sort, _)| sort.as_str() == given)
                .map(|(sort, _)| *sort)
                .ok_or_else(|| {
                    AppError::bad_request(
                        "sort",
                        format!(
                            "\"{given}\" is not a sort order; expected updated, oldest or created"
                        ),
                    )
                }),
        }
    }

    fn owner(&self) -> Result<Option<i64>> {
        match self.owner.as_deref().map(str::trim).unwrap_or("") {
            "" => Ok(None),
            given => given.parse().map(Some).map_err(|_| {
                AppError::bad_request("owner", format!("\"{given}\" is not an account"))
            }),
        }
    }

    /// The page's start, as the last page's "Next" link gave it: `{key}~{id}`.
    fn cursor(&self) -> Result<Option<After>> {
        let given = self.cursor.as_deref().unwrap_or("");
        if given.is_empty() {
            return Ok(None);
        }
        let bad = || {
            AppError::bad_request(
                "cursor",
                format!("\"{given}\" is not where a page of briefs starts"),
            )
        };
        let (at, id) = given.split_once('~').ok_or_else(bad)?;
        chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%SZ").map_err(|_| bad())?;
        let id = id.parse().map_err(|_| bad())?;
        Ok(Some(After {
            at: at.to_owned(),
            id,
        }))
    }

    fn archived(&self) -> Result<bool> {
        match self.archived.as_deref().unwrap_or("") {
            "" | "0" => Ok(false),
            "1" => Ok(true),
            given => Err(AppError::bad_request(
                "archived",
                format!("\"{given}\" is not 1 (show archived briefs too) or 0"),
            )),
        }
    }
}

/// "All briefs" or "My briefs": one page of them with the search, filters and sort.
#[derive(Template)]
#[template(path = "briefs/index.html")]
pub struct IndexPage {
    pub mine: bool,
    pub q: String,
    /// Everyone who owns a brief (the owner filter; not on "My briefs") and the recent
    /// clients the client field suggests.
    pub offered: Arc<db::briefs::ListFilters>,
    pub owner: Option<i64>,
    pub client: String,
    pub sort: Sort,
    pub archived: bool,
    pub rows: Vec<ListedBrief>,
    /// Whether this is a later page than the first.
    pub later: bool,
    /// Where the next page starts; `None` on the last.
    pub next_cursor: Option<String>,
}

impl IndexPage {
    fn base(&self) -> &'static str {
        if self.mine { "/briefs/mine" } else { "/briefs" }
    }

    fn title(&self) -> &'static str {
        if self.mine { "My briefs" } else { "All briefs" }
    }

    fn filtered(&self) -> bool {
        !self.q.is_empty() || self.owner.is_some() || !self.client.is_empty() || self.archived
    }

    fn chosen_owner(&self, id: &i64) -> bool {
        self.owner == Some(*id)
    }

    /// This list's address, keeping the search, filters and sort, from `cursor` (the first
    /// page when `None`).
    fn page_href(&self, cursor: Option<&str>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            query.append_pair("q", &self.q);
        }
        if let Some(owner) = self.owner.filter(|_| !self.mine) {
            query.append_pair("owner", &owner.to_string());
        }
        if !self.client.is_empty() {
            query.append_pair("client", &self.client);
        }
        query.append_pair("sort", self.sort.as_str());
        if self.archived {
            query.append_pair("archived", "1");
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", cursor);
        }
        format!("{}?{}", self.base(), query.finish())
    }

    /// "most recently changed first", as the sort reads.
    fn sort_label(&self) -> &'static str {
        match self.sort {
            Sort::Updated => "most recently changed first",
            Sort::Oldest => "least recently changed first",
            Sort::Created => "most recently created first",
        }
    }

    fn first_href(&self) -> String {
        self.page_href(None)
    }

    fn next_href(&self) -> Option<String> {
        self.next_cursor.as_deref().map(|c| self.page_href(Some(c)))
    }
}

/// Where a briefs list reads from: the database, its change counters and the filters kept
/// while they stand.
struct ListSources<'a> {
    pool: &'a SqlitePool,
    cache: &'a KnowledgeCache,
    filters: &'a Memo<db::briefs::ListFilters>,
}

async fn list(
    sources: ListSources<'_>,
    query: &ListQuery,
    mine: Option<&CurrentUser>,
) -> Result<HttpResponse> {
    let pool = sources.pool;
    let filter = Filter {
        search: query.q.as_deref().unwrap_or("").trim().to_owned(),
        owner: match mine {
            Some(user) => Some(user.0.user.id),
            None => query.owner()?,
        },
        client: query
            .client
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        archived: query.archived()?,
        sort: query.sort()?,
    };
    let after = query.cursor()?;
    // One more than a page says whether there is a next one, without counting them all.
    let mut rows = db::briefs::list(pool, &filter, after.as_ref(), PAGE_SIZE + 1).await?;
    let next_cursor = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        let last = rows.last().expect("a full page").after(filter.sort);
        format!("{}~{}", last.at, last.id)
    });
    // Years of owners and clients cost more to read than the page of briefs itself; they
    // are read again only after a committed write (briefs and users move the counter).
    let versions = sources.cache.versions(pool).await?;
    let offered = sources
        .filters
        .get_or_load(versions, db::briefs::list_filters(pool, CLIENTS_SUGGESTED))
        .await?;
    let page = IndexPage {
        mine: mine.is_some(),
        q: filter.search,
        offered,
        owner: filter.owner,
        client: filter.client.unwrap_or_default(),
        sort: filter.sort,
        archived: filter.archived,
        rows,
        later: after.is_some(),
        next_cursor,
    };
    crate::routes::html(StatusCode::OK, &page)
}

/// `GET /briefs`: every brief.
pub async fn index(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    filters: web::Data<Memo<db::briefs::ListFilters>>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse> {
    let sources = ListSources {
        pool: &pool,
        cache: &cache,
        filters: &filters,
    };
    list(sources, &query, None).await
}

/// `GET /briefs/mine`: the signed-in user's briefs.
pub async fn mine(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    filters: web::Data<Memo<db::briefs::ListFilters>>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse> {
    let sources = ListSources {
        pool: &pool,
        cache: &cache,
        filters: &filters,
    };
    list(sources, &query, Some(&user)).await
}

// ---- one brief ----

/// The outcome form as shown: the values, the version it was loaded at, and what went
/// wrong with the last submission.
pub struct OutcomeFormView {
    pub result: String,
    pub chosen: String,
    pub decided_on: String,
    pub note: String,
    pub version: i64,
    pub errors: Vec<FieldError>,
    /// The fields someone else recorded differently, when this save came too late.
    pub conflict: Vec<Change>,
}

impl OutcomeFormView {
    /// The form filled with what is recorded (empty when nothing is).
    fn of(brief: &Brief) -> Self {
        let outcome = brief.outcome.as_ref();
        Self {
            result: outcome.map_or("", |o| o.result.as_str()).to_owned(),
            chosen: outcome.and_then(|o| o.chosen.clone()).unwrap_or_default(),
            decided_on: outcome
                .and_then(|o| o.decided_on.clone())
                .unwrap_or_default(),
            note: outcome.map(|o| o.note.clone()).unwrap_or_default(),
            version: brief.version,
            errors: Vec::new(),
            conflict: Vec::new(),
        }
    }

    /// The form as it was submitted.
    fn submitted(form: &OutcomeForm) -> Self {
        Self {
            result: form.result.trim().to_owned(),
            chosen: form.chosen.trim().to_owned(),
            decided_on: form.decided_on.trim().to_owned(),
            note: form.note.clone(),
            version: form.version.unwrap_or(0),
            errors: Vec::new(),
            conflict: Vec::new(),
        }
    }

    fn error_for(&self, field: &str) -> Option<&str> {
        FieldError::message_for(&self.errors, field)
    }

    fn as_entry(&self, names: &dyn Fn(&str) -> String) -> OutcomeEntry {
        OutcomeEntry {
            result: DealResult::parse(&self.result)
                .map_or_else(|_| self.result.clone(), |r| r.label().to_owned()),
            chosen: names(&self.chosen),
            decided_on: self.decided_on.clone(),
            note: self.note.trim().to_owned(),
        }
    }
}

/// A brief with one of its revisions: the pinned answer drawn as the query page draws a
/// fresh one, the revisions, and the forms that change it (for those who may).
#[derive(Template)]
#[template(path = "briefs/show.html")]
pub struct ShowPage {
    pub brief: Brief,
    /// The revision shown.
    pub revision: Revision,
    /// The latest revision's number.
    pub latest: i64,
    pub revisions: Vec<RevisionSummary>,
    /// The revision's query in words.
    pub summary: Vec<(&'static str, String)>,
    /// The query page asking the same today.
    pub query_link: String,
    pub answer: ResultsView,
    /// How firm the pinned first place was (templates/firmness.html), as pinned.
    pub sensitivity: Option<Sensitivity>,
    pub stability: Vec<StabilityInterval>,
    pub runner_up: String,
    pub may_change: bool,
    pub csrf_token: String,
    /// The knowledge version now, beside the one the revision was pinned on.
    pub knowledge_now: i64,
    /// The absolute link to this revision, for the printed summary.
    pub share_url: String,
    pub outcome_form: OutcomeFormView,
    /// The frameworks a client may have chosen, (slug, name) by name.
    pub frameworks: Vec<(String, String)>,
    /// The recorded choice's name.
    pub chosen_name: Option<String>,
    /// On the latest revision, when the knowledge moved since it was pinned: what became of
    /// the answer on today's knowledge, and the recorded edits behind it.
    pub changed: Option<ChangeReport>,
    /// When the query cannot be asked of today's knowledge (a term it names was deleted): why.
    pub unaskable: Option<String>,
    /// Editors and admins follow each change to its audit entry.
    pub can_see_history: bool,
}

impl ShowPage {
    fn is_latest(&self) -> bool {
        self.revision.number == self.latest
    }

    /// This page's address for revision `number`.
    fn revision_href(&self, number: &i64) -> String {
        if *number == self.latest {
            format!("/briefs/{}", self.brief.id)
        } else {
            format!("/briefs/{}?revision={number}", self.brief.id)
        }
    }

    /// A download of the revision shown (`export.csv`, `export.json`).
    fn export_href(&self, file: &str) -> String {
        if self.is_latest() {
            format!("/briefs/{}/{file}", self.brief.id)
        } else {
            format!(
                "/briefs/{}/{file}?revision={}",
                self.brief.id, self.revision.number
            )
        }
    }
}

/// `?revision=N` on a brief's page and downloads.
#[derive(Debug, Default, Deserialize)]
pub struct RevisionQuery {
    pub revision: Option<String>,
}

impl RevisionQuery {
    fn number(&self) -> Result<Option<i64>> {
        match self.revision.as_deref().map(str::trim).unwrap_or("") {
            "" => Ok(None),
            given => given.parse().map(Some).map_err(|_| {
                AppError::bad_request("revision", format!("\"{given}\" is not a revision number"))
            }),
        }
    }
}

/// The revision asked for (the latest when none), or a 404.
async fn revision_of(pool: &SqlitePool, brief: &Brief, number: Option<i64>) -> Result<Revision> {
    db::briefs::revision(pool, brief.id, number)
        .await?
        .ok_or_else(AppError::not_found)
}

/// What a brief's page is built from, besides the brief: the handler's shared state and
/// request.
struct Shown<'a> {
    pool: &'a SqlitePool,
    /// The knowledge as it is now, read once for the whole request.
    knowledge: &'a Knowledge,
    network: &'a Network,
    request: &'a HttpRequest,
    user: &'a CurrentUser,
}

impl Shown<'_> {
    /// The page of `brief` at revision `number` (the latest when `None`); `outcome_form` is
    /// the outcome form as it should be shown again after a failed submission (the recorded
    /// outcome otherwise).
    async fn page(
        &self,
        brief: Brief,
        number: Option<i64>,
        outcome_form: Option<OutcomeFormView>,
    ) -> Result<ShowPage> {
        let revision = revision_of(self.pool, &brief, number).await?;
        let stored: RecommendationsBody = serde_json::from_str(&revision.result)?;
        let revisions = db::briefs::revisions(self.pool, brief.id).await?;
        let latest = revisions.last().map_or(revision.number, |r| r.number);
        let knowledge = self.knowledge;
        let frameworks: Vec<(String, String)> = knowledge
            .catalogue
            .by_name()
            .into_iter()
            .map(|f| (f.slug.to_string(), f.name.clone()))
            .collect();
        let chosen_name = brief
            .outcome
            .as_ref()
            .and_then(|o| o.chosen.as_deref())
            .map(|slug| framework_name(slug, &frameworks, &stored));
        let (changed, unaskable) =
            if revision.number == latest && knowledge.version != revision.knowledge_version {
                self.changed_since(&revision, &stored).await?
            } else {
                (None, None)
            };
        let base = self.network.base_url(self.request);
        let share_url = if revision.number == latest {
            format!("{base}/briefs/{}", brief.id)
        } else {
            format!("{base}/briefs/{}?revision={}", brief.id, revision.number)
        };
        Ok(ShowPage {
            summary: summary(&Params::from(&stored.query), &knowledge.names),
            query_link: stored.query.link.clone(),
            answer: ResultsView::of_body(&stored, SHOWN),
            sensitivity: stored.sensitivity.clone(),
            stability: stored.stability.clone(),
            runner_up: stored.runner_up().to_owned(),
            may_change: may_change(self.user, &brief),
            csrf_token: self.user.csrf_token().to_owned(),
            knowledge_now: knowledge.version,
            share_url,
            outcome_form: outcome_form.unwrap_or_else(|| OutcomeFormView::of(&brief)),
            frameworks,
            chosen_name,
            changed,
            unaskable,
            can_see_history: self.user.role().can_edit(),
            brief,
            revision,
            latest,
            revisions,
        })
    }

    /// The pinned answer against the same query asked of today's knowledge, with the audited
    /// edits since the pin that explain the difference; or, when the query names something
    /// deleted since, why it cannot be asked again.
    async fn changed_since(
        &self,
        revision: &Revision,
        pinned: &RecommendationsBody,
    ) -> Result<(Option<ChangeReport>, Option<String>)> {
        let params = match params::parse(&revision.query, &self.knowledge.names) {
            Ok(params) => params,
            Err(errors) => return Ok((None, Some(joined(&errors)))),
        };
        let today = rank(self.pool, &params, self.knowledge, Limits::ALL).await?;
        let today = RecommendationsBody::new(&params, today);
        let scope = changes::scope(pinned, &today);
        let trail = db::changes::since(
            self.pool,
            revision.audit_mark,
            &scope,
            db::changes::ENTRY_LIMIT,
        )
        .await?;
        Ok((Some(changes::since(pinned, &today, &trail)), None))
    }
}

/// A query's problems in one line.
fn joined(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A framework's name: as the knowledge base has it now, else as the pinned answer had it,
/// else its slug.
fn framework_name(
    slug: &str,
    frameworks: &[(String, String)],
    stored: &RecommendationsBody,
) -> String {
    frameworks
        .iter()
        .find(|(s, _)| s == slug)
        .map(|(_, name)| name.clone())
        .or_else(|| {
            let ranked = stored.results.iter().map(|r| (&r.slug, &r.name));
            let excluded = stored.excluded.iter().map(|e| (&e.slug, &e.name));
            ranked
                .chain(excluded)
                .find(|(s, _)| *s == slug)
                .map(|(_, name)| name.clone())
        })
        .unwrap_or_else(|| slug.to_owned())
}

/// `GET /briefs/{id}`: the brief with its latest revision, or `?revision=N`. Prepared once
/// per reader and version of what it shows (`routes::prepared`): the reader is signed in
/// (the `CurrentUser` guard runs first), and their page is theirs alone, with their rights
/// to change the brief and their forms' token.
pub async fn show(
    reading: Reading,
    user: CurrentUser,
    id: web::Path<String>,
    query: web::Query<RevisionQuery>,
) -> Result<HttpResponse> {
    let reader = format!("reader {} {:?}", user.0.user.id, user.role());
    reading
        .page(Shows::More, &reader, async || {
            let pool = reading.pool.get_ref();
            let brief = load(pool, &id).await?;
            let knowledge = reading.knowledge.current(pool).await?;
            let shown = Shown {
                pool,
                knowledge: &knowledge,
                network: &reading.network,
                request: &reading.request,
                user: &user,
            };
            let page = shown.page(brief, query.number()?, None).await?;
            Ok((StatusCode::OK, page))
        })
        .await
}

/// `POST /briefs/{id}/rerun`: ranks the brief's latest query on today's knowledge and pins
/// the answer as the next revision.
pub async fn rerun(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let brief = load_to_change(&pool, &user, &id).await?;
    let latest = revision_of(&pool, &brief, None).await?;
    let author = user.0.user.id;
    let pinned = pin(&pool, &cache, &latest.query, async |pin: &Pin| {
        db::briefs::add_revision(&pool, brief.id, pin, author).await
    })
    .await?;
    match pinned {
        Ok(Pinned::Done { brief_id, .. }) => Ok(see_other(format!("/briefs/{brief_id}"))),
        Ok(Pinned::Gone | Pinned::KnowledgeMoved) => Err(AppError::not_found()),
        Err(errors) => Err(AppError::Conflict(format!(
            "This brief's query can no longer be asked as it was: {}. Its revisions are kept as they are; save a new brief from the query page with the query as it can be asked today.",
            joined(&errors)
        ))),
    }
}

/// The archive form: `archived` is 1 to archive, 0 to bring back.
#[derive(Debug, Deserialize)]
pub struct ArchiveForm {
    pub archived: String,
    pub csrf_token: String,
}

/// `POST /briefs/{id}/archive`: archives the brief (hidden from the lists unless asked for)
/// or brings it back.
pub async fn archive(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ArchiveForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let brief = load_to_change(&pool, &user, &id).await?;
    let archived = match form.archived.as_str() {
        "1" => true,
        "0" => false,
        other => {
            return Err(AppError::bad_request(
                "archived",
                format!("\"{other}\" is not 1 (archive) or 0 (bring back)"),
            ));
        }
    };
    if !db::briefs::set_archived(&pool, brief.id, archived, user.0.user.id).await? {
        return Err(AppError::not_found());
    }
    Ok(see_other(format!("/briefs/{}", brief.id)))
}

/// `POST /briefs/{id}/outcome`: records what the client chose. A bad value comes back as
/// the brief's page with the message at the field (422); a save after someone else's, as
/// the page with both (409).
pub async fn outcome(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    network: web::Data<Network>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<OutcomeForm>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let brief = load_to_change(&pool, &user, &id).await?;
    let knowledge = cache.current(&pool).await?;
    let shown = Shown {
        pool: &pool,
        knowledge: &knowledge,
        network: &network,
        request: &request,
        user: &user,
    };
    let frameworks = knowledge.catalogue.by_name();
    let slugs: HashSet<&str> = frameworks.iter().map(|f| f.slug.as_str()).collect();
    let today = chrono::Utc::now().date_naive();
    let draft = match form.parse(&slugs, today) {
        Ok(draft) => draft,
        Err(errors) => {
            let mut again = OutcomeFormView::submitted(&form);
            again.version = form.version.unwrap_or(brief.version);
            again.errors = errors;
            let page = shown.page(brief, None, Some(again)).await?;
            return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let id = brief.id;
    // Without a version, the outcome is recorded over the brief as it is now.
    let version = form.version.unwrap_or(brief.version);
    match db::briefs::record_outcome(&pool, id, version, &draft, user.0.user.id).await? {
        Outcome::Done => Ok(see_other(format!("/briefs/{id}"))),
        Outcome::Conflict(current) => {
            let Stored {
                record: theirs,
                version,
            } = *current;
            let names = |slug: &str| {
                frameworks
                    .iter()
                    .find(|f| f.slug.as_str() == slug)
                    .map_or_else(|| slug.to_owned(), |f| f.name.clone())
            };
            let mut again = OutcomeFormView::submitted(&form);
            again.conflict = changes(
                &OutcomeFormView::of(&theirs).as_entry(&names),
                &again.as_entry(&names),
            );
            again.version = version;
            let page = shown.page(theirs, None, Some(again)).await?;
            crate::routes::html(StatusCode::CONFLICT, &page)
        }
        Outcome::Gone | Outcome::SlugTaken | Outcome::Blocked(_) => Err(AppError::not_found()),
    }
}

/// The brief and the revision a download asks for (the latest when none), or a 404.
async fn exported(pool: &SqlitePool, id: &str, query: &RevisionQuery) -> Result<(Brief, Revision)> {
    let brief = load(pool, id).await?;
    let revision = revision_of(pool, &brief, query.number()?).await?;
    Ok((brief, revision))
}

/// `GET /briefs/{id}/export.csv`: the pinned answer (latest, or `?revision=N`) as the
/// query page's CSV, from what was stored, never ranked again.
pub async fn export_csv(
    pool: web::Data<SqlitePool>,
    id: web::Path<String>,
    query: web::Query<RevisionQuery>,
) -> Result<HttpResponse> {
    let (brief, revision) = exported(&pool, &id, &query).await?;
    let stored: RecommendationsBody = serde_json::from_str(&revision.result)?;
    let name = format!(
        "stackatlas-brief-{}-revision-{}.csv",
        brief.id, revision.number
    );
    crate::routes::export::csv_download(&stored, &name)
}

/// `GET /briefs/{id}/export.json`: the pinned answer exactly as it was stored.
pub async fn export_json(
    pool: web::Data<SqlitePool>,
    id: web::Path<String>,
    query: web::Query<RevisionQuery>,
) -> Result<HttpResponse> {
    let (brief, revision) = exported(&pool, &id, &query).await?;
    let name = format!(
        "stackatlas-brief-{}-revision-{}.json",
        brief.id, revision.number
    );
    crate::routes::export::json_download(revision.result, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> ListQuery {
        let text = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        web::Query::<ListQuery>::from_query(&text)
            .unwrap()
            .into_inner()
    }

    #[test]
    fn a_list_reads_its_sort_owner_and_archived_or_names_what_is_wrong() {
        let given = query(&[("sort", "created"), ("owner", "3"), ("archived", "1")]);
        assert_eq!(given.sort().unwrap(), Sort::Created);
        assert_eq!(given.owner().unwrap(), Some(3));
        assert!(given.archived().unwrap());
        let none = query(&[]);
        assert_eq!(none.sort().unwrap(), Sort::Updated);
        assert_eq!(none.owner().unwrap(), None);
        assert!(!none.archived().unwrap());
        for (key, value) in [("sort", "name"), ("owner", "me"), ("archived", "yes")] {
            let refused = query(&[(key, value)]);
            let error = match key {
                "sort" => refused.sort().err(),
                "owner" => refused.owner().err(),
                _ => refused.archived().err(),
            };
            assert!(error.unwrap().to_string().starts_with(key), "{key}={value}");
        }
    }
}
