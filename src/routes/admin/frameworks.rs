//! `/admin/frameworks…`: list, create, edit (facts and every link in one save), mark
//! reviewed, delete with confirmation, history with field-level diffs and restore.

use std::collections::BTreeMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use super::Paged;
use crate::auth::CurrentUser;
use crate::db::editing::{self, Author, Saved, Stored};
use crate::db::{self, frameworks::Filter};
use crate::domain::{Kind, RequirementGroup, Ring, Score};
use crate::error::{AppError, Result};
use crate::knowledge::document::{Document, FitRecord, FrameworkRecord, StrengthRecord};
use crate::knowledge::validate::{KnownSlugs, problems_of_record};
use crate::markdown::to_safe_html;
use actix_web::error::PayloadError;

const PAGE_SIZE: usize = 10;

fn author(user: &CurrentUser) -> Author {
    Author {
        user_id: user.0.user.id,
        name: user.name().to_owned(),
    }
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

// ---------------------------------------------------------------------------------- list

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub ring: Option<String>,
    /// `name` (default) or `reviewed` (longest unreviewed first).
    pub sort: Option<String>,
    pub page: Option<usize>,
    pub done: Option<String>,
    pub name: Option<String>,
}

pub struct ListRow {
    pub slug: String,
    pub name: String,
    pub language: String,
    pub ring: String,
    pub last_reviewed: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/frameworks/index.html")]
pub struct IndexPage {
    pub q: String,
    pub ring: String,
    pub sort: String,
    pub rings: &'static [Ring],
    pub rows: Vec<ListRow>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub notice: Option<String>,
}

impl IndexPage {
    /// The list's address for another page, keeping the filters.
    fn page_href(&self, page: usize) -> String {
        let filters = [("q", self.q.as_str()), ("ring", self.ring.as_str())];
        super::list_href("/admin/frameworks", &filters, &self.sort, page)
    }
}

pub async fn index(
    pool: web::Data<SqlitePool>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse> {
    let q = query.q.as_deref().unwrap_or("").trim().to_owned();
    let ring = query.ring.as_deref().unwrap_or("").trim().to_owned();
    let mut filter = Filter::default();
    if !ring.is_empty() {
        let parsed = Ring::parse(&ring).map_err(|e| AppError::bad_request("ring", e.0))?;
        filter.ring = Some(parsed);
    }
    let mut list = match crate::search::fts_query(&q) {
        Some(fts) => db::frameworks::search(&pool, &fts, &filter).await?,
        None => db::frameworks::list(&pool, &filter).await?,
    };
    let sort = match query.sort.as_deref() {
        None | Some("") | Some("name") => "name",
        Some("reviewed") => {
            // Never reviewed first, then the oldest review; the stable sort keeps names in order.
            list.sort_by(|a, b| a.last_reviewed.cmp(&b.last_reviewed));
            "reviewed"
        }
        Some(other) => {
            return Err(AppError::bad_request(
                "sort",
                format!("\"{other}\" is not a sort order; expected name or reviewed"),
            ));
        }
    };
    if sort == "name" && !q.is_empty() {
        list.sort_by_key(|f| f.name.to_lowercase());
    }
    let Paged {
        page,
        pages,
        total,
        rows,
    } = super::paginate(list, query.page, PAGE_SIZE);
    let rows = rows
        .into_iter()
        .map(|f| ListRow {
            slug: f.slug.to_string(),
            name: f.name,
            language: f.language_name,
            ring: f.ring.to_string(),
            last_reviewed: f.last_reviewed,
        })
        .collect();
    let notice = super::deleted_notice(query.done.as_deref(), query.name.as_deref());
    let page = IndexPage {
        q,
        ring,
        sort: sort.to_owned(),
        rings: Ring::ALL,
        rows,
        total,
        page,
        pages,
        notice,
    };
    crate::routes::html(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------- form

/// The raw fields of a submitted form, which has one field per requirement and industry.
struct Submitted(Vec<(String, String)>);

impl Submitted {
    fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    fn one(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A whole number from a form field; blank is `None`, anything else unreadable is an error.
fn number(errors: &mut Vec<(String, String)>, key: String, text: &str, what: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push((key, format!("must be {what}, got \"{text}\"")));
            None
        }
    }
}

/// How the form names one kind of rated link, and how errors name it.
struct RatedLink {
    /// The form's field prefix: `req.{slug}.strength`, `req.{slug}.note`.
    form_prefix: &'static str,
    /// The record's list and rating, for error keys: `requirements[{slug}].strength`.
    list: &'static str,
    rating: &'static str,
}

impl RatedLink {
    const REQUIREMENT: RatedLink = RatedLink {
        form_prefix: "req",
        list: "requirements",
        rating: "strength",
    };
    const INDUSTRY: RatedLink = RatedLink {
        form_prefix: "ind",
        list: "industries",
        rating: "fit",
    };
}

/// Each slug's 0–5 rating and note from the form, as (slug, rating, note); a missing or
/// malformed rating becomes an error named after the record's field.
fn rated_links<'a>(
    form: &Submitted,
    errors: &mut Vec<(String, String)>,
    slugs: impl Iterator<Item = &'a str>,
    link: RatedLink,
) -> Vec<(String, i64, String)> {
    let mut links = Vec::new();
    for slug in slugs {
        let key = format!("{}[{slug}].{}", link.list, link.rating);
        let value = form.one(&format!("{}.{slug}.{}", link.form_prefix, link.rating));
        match number(errors, key.clone(), value, "a whole number from 0 to 5") {
            Some(rating) => {
                let note = form.one(&format!("{}.{slug}.note", link.form_prefix));
                links.push((slug.to_owned(), rating, note.trim().to_owned()));
            }
            None if value.trim().is_empty() => {
                errors.push((key, format!("choose a {} from 0 to 5", link.rating)));
            }
            None => {}
        }
    }
    links
}

/// Reads a framework from the form; values that are not even numbers become field errors.
fn record_from(
    form: &Submitted,
    vocabulary: &Document,
    last_reviewed: Option<String>,
) -> (FrameworkRecord, Vec<(String, String)>) {
    let mut errors = Vec::new();
    let first_release = number(
        &mut errors,
        "first_release".into(),
        form.one("first_release"),
        "a year such as 2014",
    );
    let requirements = rated_links(
        form,
        &mut errors,
        vocabulary.requirements.iter().map(|r| r.slug.as_str()),
        RatedLink::REQUIREMENT,
    )
    .into_iter()
    .map(|(requirement, strength, note)| StrengthRecord {
        requirement,
        strength,
        note,
    })
    .collect();
    let industries = rated_links(
        form,
        &mut errors,
        vocabulary.industries.iter().map(|i| i.slug.as_str()),
        RatedLink::INDUSTRY,
    )
    .into_iter()
    .map(|(industry, fit, note)| FitRecord {
        industry,
        fit,
        note,
    })
    .collect();
    let record = FrameworkRecord {
        slug: form.one("slug").trim().to_owned(),
        name: form.one("name").trim().to_owned(),
        language: form.one("language").to_owned(),
        kind: form.one("kind").to_owned(),
        license: form.one("license").trim().to_owned(),
        first_release,
        website: form.one("website").trim().to_owned(),
        ring: form.one("ring").to_owned(),
        summary: form.one("summary").trim().to_owned(),
        description: form
            .one("description")
            .replace("\r\n", "\n")
            .trim()
            .to_owned(),
        last_reviewed,
        requirements,
        industries,
        features: form.all("feature"),
        use_cases: form.all("use_case"),
        trends: form.all("trend"),
    };
    (record, errors)
}

/// The validator's problems for one framework, keyed like the form's fields
/// (`name`, `requirements[security].note`).
fn problems(record: &FrameworkRecord, vocabulary: &Document) -> Vec<(String, String)> {
    let doc = Document {
        frameworks: vec![record.clone()],
        ..Document::default()
    };
    let prefix = format!("frameworks[{}]", record.slug);
    problems_of_record(&doc, &KnownSlugs::of(&[vocabulary]), &prefix)
}

pub struct ScoreRow {
    pub slug: String,
    pub name: String,
    pub group: &'static str,
    pub value: Option<i64>,
    pub note: String,
    pub error: Option<String>,
}

pub struct Choice {
    pub slug: String,
    pub name: String,
    pub detail: String,
    pub checked: bool,
}

/// A field whose saved value differs from what the editor submitted.
pub struct ConflictRow {
    pub field: String,
    pub theirs: String,
    pub yours: String,
}

#[derive(Template)]
#[template(path = "admin/frameworks/form.html")]
pub struct FormPage {
    pub is_new: bool,
    /// The slug in the URL (before any rename).
    pub original: String,
    pub version: i64,
    pub csrf_token: String,
    pub record: FrameworkRecord,
    pub languages: Vec<(String, String)>,
    pub kinds: &'static [Kind],
    pub rings: &'static [Ring],
    pub strengths: Vec<ScoreRow>,
    pub fits: Vec<ScoreRow>,
    pub features: Vec<Choice>,
    pub use_cases: Vec<Choice>,
    pub trends: Vec<Choice>,
    pub errors: Vec<(String, String)>,
    pub preview_html: Option<String>,
    pub conflict: Vec<ConflictRow>,
    pub notice: Option<String>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn action(&self) -> String {
        if self.is_new {
            "/admin/frameworks/new".into()
        } else {
            format!("/admin/frameworks/{}/edit", self.original)
        }
    }
}

fn form_page(
    vocabulary: &Document,
    record: FrameworkRecord,
    original: Option<&str>,
    version: i64,
    user: &CurrentUser,
    errors: Vec<(String, String)>,
) -> FormPage {
    let error = |key: String| {
        errors
            .iter()
            .find(|(f, _)| *f == key)
            .map(|(_, m)| m.clone())
    };
    let group_label = |g: &str| RequirementGroup::parse(g).map_or("Other", RequirementGroup::label);
    let strengths = vocabulary
        .requirements
        .iter()
        .map(|r| {
            let link = record.requirements.iter().find(|l| l.requirement == r.slug);
            ScoreRow {
                slug: r.slug.clone(),
                name: r.name.clone(),
                group: group_label(&r.group),
                value: link.map(|l| l.strength),
                note: link.map(|l| l.note.clone()).unwrap_or_default(),
                error: error(format!("requirements[{}].strength", r.slug))
                    .or_else(|| error(format!("requirements[{}].note", r.slug))),
            }
        })
        .collect();
    let fits = vocabulary
        .industries
        .iter()
        .map(|i| {
            let link = record.industries.iter().find(|l| l.industry == i.slug);
            ScoreRow {
                slug: i.slug.clone(),
                name: i.name.clone(),
                group: "",
                value: link.map(|l| l.fit),
                note: link.map(|l| l.note.clone()).unwrap_or_default(),
                error: error(format!("industries[{}].fit", i.slug))
                    .or_else(|| error(format!("industries[{}].note", i.slug))),
            }
        })
        .collect();
    let choices = |all: Vec<(String, String, String)>, chosen: &[String]| {
        all.into_iter()
            .map(|(slug, name, detail)| Choice {
                checked: chosen.contains(&slug),
                slug,
                name,
                detail,
            })
            .collect()
    };
    let industry_name = |slug: &str| {
        vocabulary
            .industries
            .iter()
            .find(|i| i.slug == slug)
            .map_or(slug.to_owned(), |i| i.name.clone())
    };
    FormPage {
        is_new: original.is_none(),
        original: original.unwrap_or_default().to_owned(),
        version,
        csrf_token: user.csrf_token().to_owned(),
        languages: vocabulary
            .languages
            .iter()
            .map(|l| (l.slug.clone(), l.name.clone()))
            .collect(),
        kinds: Kind::ALL,
        rings: Ring::ALL,
        strengths,
        fits,
        features: choices(
            vocabulary
                .features
                .iter()
                .map(|f| (f.slug.clone(), f.name.clone(), String::new()))
                .collect(),
            &record.features,
        ),
        use_cases: choices(
            vocabulary
                .use_cases
                .iter()
                .map(|u| (u.slug.clone(), u.name.clone(), industry_name(&u.industry)))
                .collect(),
            &record.use_cases,
        ),
        trends: choices(
            vocabulary
                .trends
                .iter()
                .map(|t| (t.slug.clone(), t.name.clone(), String::new()))
                .collect(),
            &record.trends,
        ),
        record,
        errors,
        preview_html: None,
        conflict: Vec::new(),
        notice: None,
    }
}

#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

pub async fn edit(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    slug: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse> {
    let stored = editing::load(&pool, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let vocabulary = editing::vocabulary(&pool).await?;
    let mut page = form_page(
        &vocabulary,
        stored.record,
        Some(&slug),
        stored.version,
        &user,
        Vec::new(),
    );
    page.notice = match query.saved.as_deref() {
        Some("reviewed") => Some("Marked as reviewed today and saved.".into()),
        Some(_) => Some("Saved. The recommendation uses the new figures from now on.".into()),
        None => None,
    };
    crate::routes::html(StatusCode::OK, &page)
}

pub async fn new(pool: web::Data<SqlitePool>, user: CurrentUser) -> Result<HttpResponse> {
    let vocabulary = editing::vocabulary(&pool).await?;
    let record = FrameworkRecord {
        slug: String::new(),
        name: String::new(),
        language: String::new(),
        kind: Kind::Micro.as_str().into(),
        license: String::new(),
        first_release: None,
        website: String::new(),
        ring: Ring::Assess.as_str().into(),
        summary: String::new(),
        description: String::new(),
        last_reviewed: None,
        requirements: Vec::new(),
        industries: Vec::new(),
        features: Vec::new(),
        use_cases: Vec::new(),
        trends: Vec::new(),
    };
    let page = form_page(&vocabulary, record, None, 0, &user, Vec::new());
    crate::routes::html(StatusCode::OK, &page)
}

/// Flattens a record into field → text, so two versions can be compared field by field.
pub fn fields_of(record: &FrameworkRecord) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert("slug".into(), record.slug.clone());
    out.insert("name".into(), record.name.clone());
    out.insert("language".into(), record.language.clone());
    out.insert("kind".into(), record.kind.clone());
    out.insert("ring".into(), record.ring.clone());
    out.insert("license".into(), record.license.clone());
    out.insert(
        "first release".into(),
        record
            .first_release
            .map(|y| y.to_string())
            .unwrap_or_default(),
    );
    out.insert("website".into(), record.website.clone());
    out.insert("summary".into(), record.summary.clone());
    out.insert("description".into(), record.description.clone());
    out.insert(
        "last reviewed".into(),
        record.last_reviewed.clone().unwrap_or_default(),
    );
    for r in &record.requirements {
        out.insert(
            format!("requirement {}", r.requirement),
            format!("{} — {}", r.strength, r.note),
        );
    }
    for i in &record.industries {
        out.insert(
            format!("industry {}", i.industry),
            format!("{} — {}", i.fit, i.note),
        );
    }
    out.insert("features".into(), record.features.join(", "));
    out.insert("use cases".into(), record.use_cases.join(", "));
    out.insert("trends".into(), record.trends.join(", "));
    out
}

/// The fields that differ between two versions, as (field, first, second).
pub fn differences(a: &FrameworkRecord, b: &FrameworkRecord) -> Vec<ConflictRow> {
    let (a, b) = (fields_of(a), fields_of(b));
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| ConflictRow {
            field: k.clone(),
            theirs: a.get(k).cloned().unwrap_or_default(),
            yours: b.get(k).cloned().unwrap_or_default(),
        })
        .collect()
}

fn sorted(mut record: FrameworkRecord) -> FrameworkRecord {
    let mut doc = Document {
        frameworks: vec![record],
        ..Document::default()
    };
    doc.sort();
    record = doc.frameworks.remove(0);
    record
}

async fn submit(
    pool: &SqlitePool,
    user: &CurrentUser,
    original: Option<&str>,
    body: &[u8],
) -> Result<HttpResponse> {
    let form = Submitted::parse(body);
    user.check_csrf(form.one("csrf_token"))?;
    let action = form.one("action");
    let vocabulary = editing::vocabulary(pool).await?;
    let stored_review = match original {
        Some(slug) => editing::load(pool, slug)
            .await?
            .and_then(|s| s.record.last_reviewed),
        None => None,
    };
    let last_reviewed = if action == "review" {
        Some(today())
    } else {
        stored_review
    };
    let (record, mut errors) = record_from(&form, &vocabulary, last_reviewed);
    let record = sorted(record);
    let version: i64 = form.one("version").parse().unwrap_or(-1);
    errors.extend(problems(&record, &vocabulary));

    if action == "preview" || !errors.is_empty() {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let preview = to_safe_html(&record.description);
        let mut page = form_page(&vocabulary, record, original, version, user, errors);
        page.preview_html = (action == "preview").then_some(preview);
        return crate::routes::html(status, &page);
    }

    match editing::save(pool, original, version, &record, &author(user)).await? {
        Saved::Done { .. } => {
            let done = if action == "review" {
                "reviewed"
            } else {
                "yes"
            };
            Ok(see_other(format!(
                "/admin/frameworks/{}/edit?saved={done}",
                record.slug
            )))
        }
        Saved::Conflict { current } => {
            let Stored {
                record: theirs,
                version,
            } = *current;
            let conflict = differences(&theirs, &record);
            // The form keeps what this editor submitted, now based on the other editor's
            // version, so merging and saving again is one step.
            let mut page = form_page(&vocabulary, record, original, version, user, Vec::new());
            page.conflict = conflict;
            crate::routes::html(StatusCode::CONFLICT, &page)
        }
        Saved::SlugTaken => {
            let errors = vec![(
                "slug".to_owned(),
                "another framework already uses this slug".to_owned(),
            )];
            let page = form_page(&vocabulary, record, original, version, user, errors);
            crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Saved::Gone => Err(AppError::not_found()),
    }
}

/// The form's body as read within the size limit; over it, the site's 413 page.
fn form_body(body: std::result::Result<web::Bytes, actix_web::Error>) -> Result<web::Bytes> {
    body.map_err(|error| match error.as_error::<PayloadError>() {
        Some(payload) => crate::request_body::refusal(payload),
        None => AppError::bad_request("form", error.to_string()),
    })
}

pub async fn update(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    slug: web::Path<String>,
    body: std::result::Result<web::Bytes, actix_web::Error>,
) -> Result<HttpResponse> {
    submit(&pool, &user, Some(&slug), &form_body(body)?).await
}

pub async fn create(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    body: std::result::Result<web::Bytes, actix_web::Error>,
) -> Result<HttpResponse> {
    submit(&pool, &user, None, &form_body(body)?).await
}

// ---------------------------------------------------------------------------------- delete

#[derive(Template)]
#[template(path = "admin/frameworks/delete.html")]
pub struct DeletePage {
    pub record: FrameworkRecord,
    pub version: i64,
    pub csrf_token: String,
}

pub async fn confirm_delete(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    slug: web::Path<String>,
) -> Result<HttpResponse> {
    let stored = editing::load(&pool, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let page = DeletePage {
        record: stored.record,
        version: stored.version,
        csrf_token: user.csrf_token().to_owned(),
    };
    crate::routes::html(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    pub version: i64,
    pub csrf_token: String,
}

pub async fn delete(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    slug: web::Path<String>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    match editing::delete(&pool, &slug, form.version, &author(&user)).await? {
        Saved::Done { .. } => {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("done", "deleted")
                .append_pair("name", &slug)
                .finish();
            Ok(see_other(format!("/admin/frameworks?{query}")))
        }
        Saved::Conflict { current } => {
            let page = DeletePage {
                record: current.record,
                version: current.version,
                csrf_token: user.csrf_token().to_owned(),
            };
            crate::routes::html(StatusCode::CONFLICT, &page)
        }
        Saved::Gone | Saved::SlugTaken => Err(AppError::not_found()),
    }
}

// ---------------------------------------------------------------------------------- history

pub struct RevisionView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: Vec<ConflictRow>,
    pub restorable: bool,
}

#[derive(Template)]
#[template(path = "admin/frameworks/history.html")]
pub struct HistoryPage {
    /// Where the entry's pages live, `/admin/frameworks` or `/admin/{kind}`.
    pub base: String,
    /// What the entry is, in words: "framework", "requirement", …
    pub kind_label: &'static str,
    pub slug: String,
    pub name: String,
    pub exists: bool,
    pub revisions: Vec<RevisionView>,
    pub csrf_token: String,
}

fn parse_state(json: Option<&str>) -> Option<FrameworkRecord> {
    json.and_then(|j| serde_json::from_str(j).ok())
}

pub async fn history(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    slug: web::Path<String>,
) -> Result<HttpResponse> {
    let revisions = editing::revisions(&pool, editing::FRAMEWORK, &slug).await?;
    if revisions.is_empty() {
        return Err(AppError::not_found());
    }
    let current = editing::load(&pool, &slug).await?;
    let empty = FrameworkRecord {
        slug: String::new(),
        name: String::new(),
        language: String::new(),
        kind: String::new(),
        license: String::new(),
        first_release: None,
        website: String::new(),
        ring: String::new(),
        summary: String::new(),
        description: String::new(),
        last_reviewed: None,
        requirements: Vec::new(),
        industries: Vec::new(),
        features: Vec::new(),
        use_cases: Vec::new(),
        trends: Vec::new(),
    };
    let mut views: Vec<RevisionView> = revisions
        .iter()
        .map(|r| {
            let before = parse_state(r.before.as_deref()).unwrap_or_else(|| empty.clone());
            let after = parse_state(r.after.as_deref()).unwrap_or_else(|| empty.clone());
            RevisionView {
                id: r.id,
                at: r.at.clone(),
                actor: r.actor.clone(),
                action: r.action.clone(),
                changes: differences(&before, &after),
                restorable: r.after.is_some() || r.before.is_some(),
            }
        })
        .collect();
    views.reverse();
    let name = current
        .as_ref()
        .map(|s| s.record.name.clone())
        .or_else(|| {
            revisions
                .iter()
                .rev()
                .find_map(|r| parse_state(r.before.as_deref().or(r.after.as_deref())))
                .map(|r| r.name)
        })
        .unwrap_or_else(|| slug.to_string());
    let page = HistoryPage {
        base: "/admin/frameworks".into(),
        kind_label: "framework",
        slug: slug.into_inner(),
        name,
        exists: current.is_some(),
        revisions: views,
        csrf_token: user.csrf_token().to_owned(),
    };
    crate::routes::html(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    pub csrf_token: String,
}

pub async fn restore(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    path: web::Path<(String, i64)>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let (slug, id) = path.into_inner();
    match editing::restore(&pool, &slug, id, &author(&user)).await? {
        Some(_) => Ok(see_other(format!("/admin/frameworks/{slug}/history"))),
        None => Err(AppError::not_found()),
    }
}

/// A score for the segmented control: which values to offer.
pub const SCORE_VALUES: [i64; 6] = [0, 1, 2, 3, 4, 5];

/// The words of a score, for the segmented control's titles.
pub fn score_label(value: &i64) -> &'static str {
    Score::new(*value).map_or("", Score::label)
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::*;

    static VOCABULARY: LazyLock<Document> = LazyLock::new(|| {
        crate::knowledge::validate::parse(crate::knowledge::seed::SEED_JSON).unwrap()
    });

    /// The names the edit form really sends, so values land in the fields that are read.
    fn field_names() -> Vec<String> {
        let mut names: Vec<String> = [
            "slug",
            "name",
            "language",
            "kind",
            "license",
            "first_release",
            "website",
            "ring",
            "summary",
            "description",
            "feature",
            "use_case",
            "trend",
            "version",
            "action",
        ]
        .map(String::from)
        .to_vec();
        for r in &VOCABULARY.requirements {
            names.push(format!("req.{}.strength", r.slug));
            names.push(format!("req.{}.note", r.slug));
        }
        for i in &VOCABULARY.industries {
            names.push(format!("ind.{}.fit", i.slug));
            names.push(format!("ind.{}.note", i.slug));
        }
        names
    }

    fn check(body: &[u8]) -> Result<(), TestCaseError> {
        let form = Submitted::parse(body);
        let (record, mut errors) = record_from(&form, &VOCABULARY, None);
        errors.extend(problems(&record, &VOCABULARY));
        for (field, message) in &errors {
            prop_assert!(
                !field.is_empty() && !message.is_empty(),
                "{field}: {message}"
            );
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn any_bytes_as_a_form_become_a_record_or_errors_naming_fields(
            body in proptest::collection::vec(any::<u8>(), 0..2000),
        ) {
            check(&body)?;
        }

        #[test]
        fn the_forms_own_fields_with_any_values_are_read_without_panicking(
            values in proptest::collection::vec((any::<prop::sample::Index>(), ".{0,40}"), 0..80),
        ) {
            let names = field_names();
            let mut body = form_urlencoded::Serializer::new(String::new());
            for (which, value) in &values {
                body.append_pair(&names[which.index(names.len())], value);
            }
            check(body.finish().as_bytes())?;
        }
    }
}
