//! `/admin/reference-questions…`: the knowledge tests, like any entry — a list (search,
//! filter by passing, failing or seeded, pages) showing each question's verdict on the live
//! knowledge with the ranks seen, the form, delete with its confirmation, history and
//! restore, through the editing flow every entry shares (`super::editing`). Below the list,
//! the saved briefs whose top three today is not the one they pinned.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use super::editing::{
    self, CsrfForm, DeletePage, Entity, Entry, FieldName, Fields, Frame, Revisioned, SavedQuery,
    VersionForm, author, author_saying,
};
use super::listing::{Filter, ListQuery, Listing, SortOrder};
use crate::auth::CurrentUser;
use crate::db::recommend::Knowledge;
use crate::db::reference::{self, Question};
use crate::error::{AppError, Result};
use crate::reference::{
    Drift, EXPECTATIONS, Verdict, evaluate, evaluate_all, expectation_named, expectation_text,
};
use crate::snapshot::KnowledgeCache;

const PAGE_SIZE: usize = 20;

fn entity() -> Entity {
    Entity {
        base: "/admin/reference-questions".into(),
        singular: "reference question",
        plural_title: "Reference questions",
    }
}

const SORT_ORDERS: &[SortOrder] = &[
    SortOrder {
        value: "name",
        label: "Name",
    },
    SortOrder {
        value: "failing",
        label: "Failing first",
    },
];

/// One question as the list shows it.
pub struct Row {
    pub question: Question,
    pub expects: String,
    pub verdict: Verdict,
}

#[derive(Template)]
#[template(path = "admin/reference/index.html")]
pub struct IndexPage {
    pub listing: Listing<Row>,
    /// How many questions pass and fail, over all of them (not only this page).
    pub passing: usize,
    pub failing: usize,
    pub drifted: Vec<Drift>,
}

/// The list's filter: by verdict, or the seed's questions.
fn status_filter(given: Option<&str>) -> Result<Filter> {
    let options = [
        ("pass", "Passing"),
        ("fail", "Failing"),
        ("seeded", "From the seed"),
    ]
    .map(|(value, label)| (value.to_owned(), label.to_owned()))
    .to_vec();
    Filter::parse("within", "Show", "All", options, given)
}

pub async fn index(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse> {
    let sort = query.sort_order(SORT_ORDERS)?;
    let filter = status_filter(query.within.as_deref())?;
    let knowledge = cache.current(&pool).await?;
    let judged = evaluate_all(&pool, &knowledge).await?;
    let passing = judged.iter().filter(|(_, v)| v.passed).count();
    let failing = judged.len() - passing;
    let q = query.search().to_lowercase();
    let mut rows: Vec<Row> = judged
        .into_iter()
        .filter(|(question, verdict)| match filter.chosen.as_str() {
            "pass" => verdict.passed,
            "fail" => !verdict.passed,
            "seeded" => question.seeded,
            _ => true,
        })
        .filter(|(question, _)| {
            let searched = [
                &question.name,
                &question.slug,
                &question.query,
                &question.framework,
                &question.rationale,
            ];
            q.is_empty() || searched.iter().any(|t| t.to_lowercase().contains(&q))
        })
        .map(|(question, verdict)| Row {
            expects: expectation_named(&question, &verdict),
            question,
            verdict,
        })
        .collect();
    if sort.value == "failing" {
        // Stable: failing first, each part still by name.
        rows.sort_by_key(|r| r.verdict.passed);
    }
    let drifted = crate::reference::drifted_briefs(&pool, &knowledge).await?;
    let listing = Listing::new(
        entity(),
        &query,
        Some(filter),
        (sort, SORT_ORDERS),
        rows,
        PAGE_SIZE,
    );
    let page = IndexPage {
        listing,
        passing,
        failing,
        drifted,
    };
    crate::routes::html(StatusCode::OK, &page)
}

/// The question form as submitted.
#[derive(Debug, Default, Deserialize)]
pub struct QuestionForm {
    pub slug: String,
    pub name: String,
    pub query: String,
    pub expectation: String,
    pub framework: String,
    #[serde(default)]
    pub other: String,
    #[serde(default)]
    pub top_n: String,
    #[serde(default)]
    pub rationale: String,
    #[serde(default)]
    pub source: String,
    pub version: i64,
    pub csrf_token: String,
}

impl QuestionForm {
    /// The question the form describes, trimmed; a `top_n` that is no number is kept as
    /// none, which the checks name.
    fn into_question(self) -> Question {
        let text = |s: String| s.replace("\r\n", "\n").trim().to_owned();
        let other = self.other.trim();
        Question {
            slug: self.slug.trim().to_owned(),
            name: self.name.trim().to_owned(),
            query: self.query.trim().to_owned(),
            expectation: self.expectation.trim().to_owned(),
            framework: self.framework.trim().to_owned(),
            other: (!other.is_empty()).then(|| other.to_owned()),
            top_n: self.top_n.trim().parse().ok(),
            rationale: text(self.rationale),
            source: text(self.source),
            seeded: false,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/reference/form.html")]
pub struct FormPage {
    pub frame: Frame,
    pub question: Question,
    /// Every framework, as (slug, name), by name.
    pub frameworks: Vec<(String, String)>,
    pub expectations: &'static [(&'static str, &'static str)],
    /// How the stored question fares on the live knowledge; `None` on the new-question form.
    pub verdict: Option<Verdict>,
}

impl FormPage {
    fn new(
        knowledge: &Knowledge,
        question: Question,
        original: Option<&str>,
        version: i64,
        user: &CurrentUser,
    ) -> Self {
        let mut frame = Frame::new(entity(), original, version, user);
        frame.name = question.name.clone();
        let frameworks = (knowledge.catalogue.by_name().into_iter())
            .map(|c| (c.slug.to_string(), c.name.clone()))
            .collect();
        Self {
            frame,
            question,
            frameworks,
            expectations: &EXPECTATIONS,
            verdict: None,
        }
    }

    /// `top_n` as the field shows it.
    pub fn top_n(&self) -> String {
        self.question.top_n.map_or(String::new(), |n| n.to_string())
    }

    pub fn other(&self) -> &str {
        self.question.other.as_deref().unwrap_or("")
    }
}

impl editing::FormPage for FormPage {
    fn frame_mut(&mut self) -> &mut Frame {
        &mut self.frame
    }
}

impl Entry for Question {
    /// The fields in the form's order.
    fn fields(&self) -> Fields {
        let top_n = self.top_n.map_or(String::new(), |n| n.to_string());
        let other = self.other.clone().unwrap_or_default();
        [
            ("slug", &self.slug),
            ("name", &self.name),
            ("query", &self.query),
            ("expectation", &self.expectation),
            ("framework", &self.framework),
            ("other", &other),
            ("top_n", &top_n),
            ("rationale", &self.rationale),
            ("source", &self.source),
        ]
        .into_iter()
        .enumerate()
        .map(|(rank, (name, value))| (FieldName::new(rank as u8, name), value.clone()))
        .collect()
    }
}

impl Revisioned for Question {
    fn name(self) -> String {
        self.name
    }
}

pub async fn new(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
) -> Result<HttpResponse> {
    let knowledge = cache.current(&pool).await?;
    let question = Question {
        expectation: "in-top".into(),
        top_n: Some(3),
        ..Question::default()
    };
    let page = FormPage::new(&knowledge, question, None, 0, &user);
    crate::routes::html(StatusCode::OK, &page)
}

pub async fn edit(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    slug: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse> {
    let stored = reference::load(&pool, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let knowledge = cache.current(&pool).await?;
    let verdict = evaluate(&pool, &knowledge, &stored.record).await?;
    let mut page = FormPage::new(
        &knowledge,
        stored.record,
        Some(&slug),
        stored.version,
        &user,
    );
    page.verdict = Some(verdict);
    page.frame.notice = query.saved.as_ref().map(|_| "Saved.".to_owned());
    crate::routes::html(StatusCode::OK, &page)
}

async fn submit(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    user: &CurrentUser,
    original: Option<&str>,
    form: QuestionForm,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let version = form.version;
    let knowledge = cache.current(pool).await?;
    let mut question = form.into_question();
    let errors = crate::reference::problems(&mut question, &knowledge);
    if !errors.is_empty() {
        let mut page = FormPage::new(&knowledge, question, original, version, user);
        page.frame.errors = errors;
        return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let outcome = reference::save(pool, original, version, &question, &author(user)).await?;
    let slug = question.slug.clone();
    editing::answer_save(outcome, &entity(), question, &slug, "yes", |question| {
        FormPage::new(&knowledge, question, original, version, user)
    })
}

pub async fn create(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    form: web::Form<QuestionForm>,
) -> Result<HttpResponse> {
    submit(&pool, &cache, &user, None, form.into_inner()).await
}

pub async fn update(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    slug: web::Path<String>,
    form: web::Form<QuestionForm>,
) -> Result<HttpResponse> {
    submit(&pool, &cache, &user, Some(&slug), form.into_inner()).await
}

fn delete_page(stored: crate::db::editing::Stored<Question>, user: &CurrentUser) -> DeletePage {
    let question = stored.record;
    let mut consequences = vec![format!(
        "The test “{}” stops being asked, on this page and by `stackatlas check`.",
        expectation_text(&question)
    )];
    if question.seeded {
        consequences.push(
            "It came with the seed; deleting it does not bring it back on the next start."
                .to_owned(),
        );
    }
    DeletePage {
        entity: entity(),
        lead: "Deleting removes the reference question:".into(),
        consequences,
        blocked: None,
        // Reference questions test the knowledge; they are not knowledge sales read, so
        // changing them never waits for review.
        review_required: false,
        change_request: None,
        slug: question.slug,
        name: question.name,
        version: stored.version,
        csrf_token: user.csrf_token().to_owned(),
        impact: None,
        reason: String::new(),
        reason_error: None,
    }
}

pub async fn confirm_delete(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    slug: web::Path<String>,
) -> Result<HttpResponse> {
    let stored = reference::load(&pool, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    crate::routes::html(StatusCode::OK, &delete_page(stored, &user))
}

pub async fn delete(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    slug: web::Path<String>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let author = author_saying(&user, &form.reason);
    let outcome = reference::delete(&pool, &slug, form.version, &author).await?;
    editing::answer_delete(outcome, &entity(), &slug, async |current| {
        current
            .map(|stored| delete_page(stored, &user))
            .ok_or_else(AppError::not_found)
    })
    .await
}

pub async fn history(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    slug: web::Path<String>,
    query: web::Query<editing::HistoryQuery>,
) -> Result<HttpResponse> {
    let revisions = reference::history(&pool, &slug, query.page()?).await?;
    let name = reference::load(&pool, &slug).await?.map(|s| s.record.name);
    // Reference questions are not knowledge sales read: their restores never wait for review.
    let reader = (&user, false);
    let shown = (revisions, &*query);
    editing::show_history::<Question>(entity(), slug.into_inner(), name, shown, reader)
}

pub async fn restore(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    path: web::Path<(String, i64)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let (slug, id) = path.into_inner();
    let outcome = reference::restore(&pool, &slug, id, &author(&user)).await?;
    editing::answer_restore(outcome, &entity(), &slug)
}
