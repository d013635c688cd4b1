//! `/admin/{languages|features|industries|use-cases|requirements|trends}…`: the vocabulary
//! the frameworks are described with. One set of handlers serves every kind.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use super::Paged;
use super::frameworks::{ConflictRow, HistoryPage, RevisionView};
use crate::auth::CurrentUser;
use crate::db::editing::Author;
use crate::db::terms::{self, Dependents, Outcome, State, Term, TermKind};
use crate::domain::RequirementGroup;
use crate::error::{AppError, Result};
use crate::knowledge::document::{Document, RequirementRecord, TermRecord, UseCaseRecord};
use crate::knowledge::validate::{KnownSlugs, problems_of_record};

const PAGE_SIZE: usize = 20;

fn kind_of(segment: &str) -> Result<TermKind> {
    TermKind::from_path(segment).ok_or_else(AppError::not_found)
}

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

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    /// Use cases: only those of this industry. Requirements: only those of this group.
    pub within: Option<String>,
    pub page: Option<usize>,
    pub sort: Option<String>,
    pub done: Option<String>,
    pub name: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/terms/index.html")]
pub struct IndexPage {
    pub kind: TermKind,
    pub q: String,
    pub within: String,
    /// The values `within` can take for this kind, with their labels; empty when it has none.
    pub within_options: Vec<(String, String)>,
    pub sort: String,
    pub rows: Vec<(Term, String)>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub notice: Option<String>,
}

impl IndexPage {
    fn page_href(&self, page: usize) -> String {
        let path = format!("/admin/{}", self.kind.path());
        let filters = [("q", self.q.as_str()), ("within", self.within.as_str())];
        super::list_href(&path, &filters, &self.sort, page)
    }
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

pub async fn index(
    pool: web::Data<SqlitePool>,
    kind: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse> {
    let kind = kind_of(&kind)?;
    let q = query.q.as_deref().unwrap_or("").trim().to_lowercase();
    let sort = match query.sort.as_deref() {
        None | Some("") | Some("name") => "name",
        Some("slug") => "slug",
        Some(other) => {
            return Err(AppError::bad_request(
                "sort",
                format!("\"{other}\" is not a sort order; expected name or slug"),
            ));
        }
    };
    let vocabulary = crate::db::knowledge::load_vocabulary(&pool).await?;
    let within_options: Vec<(String, String)> = match kind {
        TermKind::UseCase => vocabulary
            .industries
            .iter()
            .map(|i| (i.slug.clone(), i.name.clone()))
            .collect(),
        TermKind::Requirement => RequirementGroup::ALL
            .iter()
            .map(|g| (g.as_str().to_owned(), g.label().to_owned()))
            .collect(),
        _ => Vec::new(),
    };
    let within = query.within.as_deref().unwrap_or("").trim().to_owned();
    if !within.is_empty() && !within_options.iter().any(|(v, _)| *v == within) {
        return Err(AppError::bad_request(
            "within",
            format!("\"{within}\" is not an industry or group of these entries"),
        ));
    }
    let mut terms: Vec<Term> = terms::list(&pool, kind)
        .await?
        .into_iter()
        .filter(|t| within.is_empty() || t.industry == within || t.group == within)
        .filter(|t| {
            q.is_empty()
                || t.name.to_lowercase().contains(&q)
                || t.slug.contains(&q)
                || t.description.to_lowercase().contains(&q)
        })
        .collect();
    if sort == "name" {
        terms.sort_by_key(|t| t.name.to_lowercase());
    }
    let Paged {
        page,
        pages,
        total,
        rows,
    } = super::paginate(terms, query.page, PAGE_SIZE);
    let rows = rows
        .into_iter()
        .map(|t| {
            let d = detail(kind, &t, &vocabulary);
            (t, d)
        })
        .collect();
    let notice = super::deleted_notice(query.done.as_deref(), query.name.as_deref());
    let page = IndexPage {
        kind,
        q,
        within,
        within_options,
        sort: sort.to_owned(),
        rows,
        total,
        page,
        pages,
        notice,
    };
    crate::routes::html(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "admin/terms/form.html")]
pub struct FormPage {
    pub kind: TermKind,
    pub is_new: bool,
    pub original: String,
    pub version: i64,
    pub csrf_token: String,
    pub term: Term,
    pub industries: Vec<(String, String)>,
    pub groups: &'static [RequirementGroup],
    pub errors: Vec<(String, String)>,
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
            format!("/admin/{}/new", self.kind.path())
        } else {
            format!("/admin/{}/{}/edit", self.kind.path(), self.original)
        }
    }
}

async fn form_page(
    pool: &SqlitePool,
    user: &CurrentUser,
    kind: TermKind,
    term: Term,
    original: Option<&str>,
    version: i64,
    errors: Vec<(String, String)>,
) -> Result<FormPage> {
    let industries = terms::list(pool, TermKind::Industry)
        .await?
        .into_iter()
        .map(|i| (i.slug, i.name))
        .collect();
    Ok(FormPage {
        kind,
        is_new: original.is_none(),
        original: original.unwrap_or_default().to_owned(),
        version,
        csrf_token: user.csrf_token().to_owned(),
        term,
        industries,
        groups: RequirementGroup::ALL,
        errors,
        conflict: Vec::new(),
        notice: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

pub async fn new(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    kind: web::Path<String>,
) -> Result<HttpResponse> {
    let kind = kind_of(&kind)?;
    let term = Term {
        group: RequirementGroup::Capability.as_str().into(),
        ..Term::default()
    };
    let page = form_page(&pool, &user, kind, term, None, 0, Vec::new()).await?;
    crate::routes::html(StatusCode::OK, &page)
}

pub async fn edit(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    let stored = terms::load(&pool, kind, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let mut page = form_page(
        &pool,
        &user,
        kind,
        stored.term,
        Some(&slug),
        stored.version,
        Vec::new(),
    )
    .await?;
    page.notice = query.saved.as_ref().map(|_| "Saved.".to_owned());
    crate::routes::html(StatusCode::OK, &page)
}

#[derive(Debug, Default, Deserialize)]
pub struct TermForm {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub group: String,
    pub version: i64,
    pub csrf_token: String,
}

/// The validator's problems for one entry, keyed by the form's field names.
fn problems(kind: TermKind, term: &Term, vocabulary: &Document) -> Vec<(String, String)> {
    let record = TermRecord {
        slug: term.slug.clone(),
        name: term.name.clone(),
        description: term.description.clone(),
    };
    let mut doc = Document::default();
    match kind {
        TermKind::Language => doc.languages.push(record),
        TermKind::Feature => doc.features.push(record),
        TermKind::Industry => doc.industries.push(record),
        TermKind::Trend => doc.trends.push(record),
        TermKind::UseCase => doc.use_cases.push(UseCaseRecord {
            slug: record.slug,
            name: record.name,
            description: record.description,
            industry: term.industry.clone(),
        }),
        TermKind::Requirement => doc.requirements.push(RequirementRecord {
            slug: record.slug,
            name: record.name,
            description: record.description,
            group: term.group.clone(),
        }),
    }
    let prefix = format!("{}[{}]", kind.path().replace('-', "_"), term.slug);
    problems_of_record(&doc, &KnownSlugs::of(&[vocabulary]), &prefix)
}

async fn submit(
    pool: &SqlitePool,
    user: &CurrentUser,
    kind: TermKind,
    original: Option<&str>,
    form: TermForm,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let term = Term {
        slug: form.slug.trim().to_owned(),
        name: form.name.trim().to_owned(),
        description: form.description.replace("\r\n", "\n").trim().to_owned(),
        industry: if kind == TermKind::UseCase {
            form.industry
        } else {
            String::new()
        },
        group: if kind == TermKind::Requirement {
            form.group
        } else {
            String::new()
        },
    };
    let vocabulary = crate::db::knowledge::load_document(pool).await?;
    let errors = problems(kind, &term, &vocabulary);
    if !errors.is_empty() {
        let page = form_page(pool, user, kind, term, original, form.version, errors).await?;
        return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    match terms::save(pool, kind, original, form.version, &term, &author(user)).await? {
        Outcome::Done => Ok(see_other(format!(
            "/admin/{}/{}/edit?saved=yes",
            kind.path(),
            term.slug
        ))),
        Outcome::Conflict(current) => {
            let conflict = differences(&current.term, &term);
            let mut page = form_page(
                pool,
                user,
                kind,
                term,
                original,
                current.version,
                Vec::new(),
            )
            .await?;
            page.conflict = conflict;
            crate::routes::html(StatusCode::CONFLICT, &page)
        }
        Outcome::SlugTaken => {
            let errors = vec![(
                "slug".to_owned(),
                format!("another {} already uses this slug", kind.singular()),
            )];
            let page = form_page(pool, user, kind, term, original, form.version, errors).await?;
            crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Outcome::Gone | Outcome::Blocked(_) => Err(AppError::not_found()),
    }
}

pub async fn create(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    kind: web::Path<String>,
    form: web::Form<TermForm>,
) -> Result<HttpResponse> {
    let kind = kind_of(&kind)?;
    submit(&pool, &user, kind, None, form.into_inner()).await
}

pub async fn update(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    form: web::Form<TermForm>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    submit(&pool, &user, kind, Some(&slug), form.into_inner()).await
}

/// Field-by-field differences between two versions of an entry.
fn differences(a: &Term, b: &Term) -> Vec<ConflictRow> {
    [
        ("slug", &a.slug, &b.slug),
        ("name", &a.name, &b.name),
        ("description", &a.description, &b.description),
        ("industry", &a.industry, &b.industry),
        ("group", &a.group, &b.group),
    ]
    .into_iter()
    .filter(|(_, x, y)| x != y)
    .map(|(field, x, y)| ConflictRow {
        field: field.to_owned(),
        theirs: x.clone(),
        yours: y.clone(),
    })
    .collect()
}

/// The framework links a revision took or brought back, one row per framework: a delete
/// shows each link going, the restore of a delete each link that came back.
fn link_differences(before: &State, after: &State) -> Vec<ConflictRow> {
    let summaries = |state: &State| -> BTreeMap<String, String> {
        state
            .links
            .iter()
            .flatten()
            .map(|l| (l.framework.clone(), l.summary()))
            .collect()
    };
    let (before, after) = (summaries(before), summaries(after));
    let frameworks: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    frameworks
        .into_iter()
        .filter(|f| before.get(*f) != after.get(*f))
        .map(|f| ConflictRow {
            field: format!("link: {f}"),
            theirs: before.get(f).cloned().unwrap_or_default(),
            yours: after.get(f).cloned().unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/terms/delete.html")]
pub struct DeletePage {
    pub kind: TermKind,
    pub term: Term,
    pub version: i64,
    pub csrf_token: String,
    pub dependents: Dependents,
    pub blocked: Option<String>,
}

async fn delete_page(
    pool: &SqlitePool,
    user: &CurrentUser,
    kind: TermKind,
    slug: &str,
) -> Result<DeletePage> {
    let stored = terms::load(pool, kind, slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let dependents = terms::dependents(pool, kind, slug).await?;
    Ok(DeletePage {
        kind,
        blocked: terms::blocking_reason(kind, &dependents),
        term: stored.term,
        version: stored.version,
        csrf_token: user.csrf_token().to_owned(),
        dependents,
    })
}

pub async fn confirm_delete(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let page = delete_page(&pool, &user, kind_of(&kind)?, &slug).await?;
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
    path: web::Path<(String, String)>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    match terms::delete(&pool, kind, &slug, form.version, &author(&user)).await? {
        Outcome::Done => {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("done", "deleted")
                .append_pair("name", &slug)
                .finish();
            Ok(see_other(format!("/admin/{}?{query}", kind.path())))
        }
        Outcome::Conflict(_) | Outcome::Blocked(_) => {
            let page = delete_page(&pool, &user, kind, &slug).await?;
            crate::routes::html(StatusCode::CONFLICT, &page)
        }
        Outcome::Gone | Outcome::SlugTaken => Err(AppError::not_found()),
    }
}

pub async fn history(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    let revisions = terms::history(&pool, kind, &slug).await?;
    if revisions.is_empty() {
        return Err(AppError::not_found());
    }
    let current = terms::load(&pool, kind, &slug).await?;
    let mut views: Vec<RevisionView> = revisions
        .iter()
        .map(|r| {
            let before = State::parse(r.before.as_deref()).unwrap_or_default();
            let after = State::parse(r.after.as_deref()).unwrap_or_default();
            let mut changes = differences(&before.term, &after.term);
            changes.extend(link_differences(&before, &after));
            RevisionView {
                id: r.id,
                at: r.at.clone(),
                actor: r.actor.clone(),
                action: r.action.clone(),
                changes,
                restorable: r.after.is_some() || r.before.is_some(),
            }
        })
        .collect();
    views.reverse();
    let name = current
        .as_ref()
        .map(|s| s.term.name.clone())
        .unwrap_or_else(|| slug.clone());
    let page = HistoryPage {
        base: format!("/admin/{}", kind.path()),
        kind_label: kind.singular(),
        slug,
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
    path: web::Path<(String, String, i64)>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let (kind, slug, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    match terms::restore(&pool, kind, &slug, id, &author(&user)).await? {
        Outcome::Done => Ok(see_other(format!("/admin/{}/{slug}/history", kind.path()))),
        Outcome::Blocked(reason) => Err(AppError::Conflict(format!(
            "Nothing was restored: {reason}."
        ))),
        Outcome::Gone | Outcome::Conflict(_) | Outcome::SlugTaken => Err(AppError::not_found()),
    }
}
