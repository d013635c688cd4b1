//! `/admin/{languages|features|industries|use-cases|requirements|trends}…`: the vocabulary
//! the frameworks are described with. One set of handlers serves every kind, through the
//! editing flow every entry shares (`super::editing`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use super::Paged;
use super::editing::{
    self, CsrfForm, DeletePage, Entity, Entry, FieldName, Fields, Frame, HistoryPage, SavedQuery,
    VersionForm, author,
};
use crate::auth::CurrentUser;
use crate::db::terms::{self, State, Term, TermKind};
use crate::domain::{FieldError, RequirementGroup};
use crate::error::{AppError, Result};
use crate::knowledge::document::{Document, RequirementRecord, TermRecord, UseCaseRecord};
use crate::knowledge::validate::{KnownSlugs, problems_of_record};

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
    pub entity: Entity,
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
        let filters = [("q", self.q.as_str()), ("within", self.within.as_str())];
        super::list_href(&self.entity.base, &filters, &self.sort, page)
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
        entity: entity(kind),
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
    pub frame: Frame,
    pub kind: TermKind,
    pub term: Term,
    /// The industries a use case can belong to, as (slug, name).
    pub industries: Vec<(String, String)>,
    pub groups: &'static [RequirementGroup],
}

impl editing::FormPage for FormPage {
    fn frame_mut(&mut self) -> &mut Frame {
        &mut self.frame
    }
}

/// Builds the form pages of one kind; it holds the industries a use case's form offers.
struct Forms<'a> {
    kind: TermKind,
    industries: Vec<(String, String)>,
    user: &'a CurrentUser,
}

impl<'a> Forms<'a> {
    async fn new(pool: &SqlitePool, kind: TermKind, user: &'a CurrentUser) -> Result<Self> {
        let industries = terms::list(pool, TermKind::Industry)
            .await?
            .into_iter()
            .map(|i| (i.slug, i.name))
            .collect();
        Ok(Self {
            kind,
            industries,
            user,
        })
    }

    fn page(&self, term: Term, original: Option<&str>, version: i64) -> FormPage {
        let mut frame = Frame::new(entity(self.kind), original, version, self.user);
        frame.name = term.name.clone();
        FormPage {
            frame,
            kind: self.kind,
            term,
            industries: self.industries.clone(),
            groups: RequirementGroup::ALL,
        }
    }
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
    let page = Forms::new(&pool, kind, &user).await?.page(term, None, 0);
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
    let forms = Forms::new(&pool, kind, &user).await?;
    let mut page = forms.page(stored.record, Some(&slug), stored.version);
    page.frame.notice = query.saved.as_ref().map(|_| "Saved.".to_owned());
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
fn problems(kind: TermKind, term: &Term, vocabulary: &Document) -> Vec<FieldError> {
    let record = TermRecord {
        slug: term.slug.clone(),
        name: term.name.clone(),
        description: term.description.clone(),
    };
    let mut doc = Document::default();
    let list = match kind {
        TermKind::Language => {
            doc.languages.push(record);
            "languages"
        }
        TermKind::Feature => {
            doc.features.push(record);
            "features"
        }
        TermKind::Industry => {
            doc.industries.push(record);
            "industries"
        }
        TermKind::Trend => {
            doc.trends.push(record);
            "trends"
        }
        TermKind::UseCase => {
            doc.use_cases.push(UseCaseRecord {
                slug: record.slug,
                name: record.name,
                description: record.description,
                industry: term.industry.clone(),
            });
            "use_cases"
        }
        TermKind::Requirement => {
            doc.requirements.push(RequirementRecord {
                slug: record.slug,
                name: record.name,
                description: record.description,
                group: term.group.clone(),
            });
            "requirements"
        }
    };
    let prefix = format!("{list}[{}]", term.slug);
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
    let forms = Forms::new(pool, kind, user).await?;
    if !errors.is_empty() {
        let mut page = forms.page(term, original, form.version);
        page.frame.errors = errors;
        return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let outcome = terms::save(pool, kind, original, form.version, &term, &author(user)).await?;
    let slug = term.slug.clone();
    editing::answer_save(outcome, &entity(kind), term, &slug, "yes", |term| {
        forms.page(term, original, form.version)
    })
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

impl Entry for Term {
    /// The fields in the form's order.
    fn fields(&self) -> Fields {
        [
            ("slug", &self.slug),
            ("name", &self.name),
            ("description", &self.description),
            ("industry", &self.industry),
            ("group", &self.group),
        ]
        .into_iter()
        .enumerate()
        .map(|(rank, (name, value))| (FieldName::new(rank as u8, name), value.clone()))
        .collect()
    }
}

impl Entry for State {
    /// The entry's fields, then one per framework link a delete took or a restore brought
    /// back, in framework order.
    fn fields(&self) -> Fields {
        let mut fields = self.term.fields();
        fields.extend(self.links.iter().flatten().map(|l| {
            (
                FieldName::new(u8::MAX, format!("link: {}", l.framework)),
                l.summary(),
            )
        }));
        fields
    }
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
    let lead = if consequences.is_empty() {
        format!("No framework refers to this {}.", entity.singular)
    } else {
        format!("Deleting removes the {} and, with it:", entity.singular)
    };
    Ok(DeletePage {
        blocked: terms::blocking_reason(kind, &dependents),
        entity,
        lead,
        consequences,
        slug: stored.record.slug,
        name: stored.record.name,
        version: stored.version,
        csrf_token: user.csrf_token().to_owned(),
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

pub async fn delete(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    let outcome = terms::delete(&pool, kind, &slug, form.version, &author(&user)).await?;
    editing::answer_delete(outcome, &entity(kind), &slug, async || {
        delete_page(&pool, &user, kind, &slug).await
    })
    .await
}

pub async fn history(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let kind = kind_of(&kind)?;
    let revisions = terms::history(&pool, kind, &slug).await?;
    let current = terms::load(&pool, kind, &slug).await?;
    let page = HistoryPage::new(
        entity(kind),
        slug,
        current.map(|s| s.record.name),
        &revisions,
        State::parse,
        |state| state.term.name,
        &user,
    )?;
    crate::routes::html(StatusCode::OK, &page)
}

pub async fn restore(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    path: web::Path<(String, String, i64)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let (kind, slug, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let outcome = terms::restore(&pool, kind, &slug, id, &author(&user)).await?;
    editing::answer_restore(outcome, &entity(kind), &slug)
}
