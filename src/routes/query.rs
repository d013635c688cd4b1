//! `/`: the query page. A salesperson describes the client's project in a GET form whose
//! whole state lives in the URL, and gets a ranked, explained recommendation below it.
//! `/export.csv` and `/export.json` (in `export`) hand the same result on.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::client::Network;
use crate::db::recommend::{Explained, Knowledge};
use crate::domain::FieldError;
use crate::error::Result;
use crate::page_cache::PageCache;
use crate::recommend::params::{self, Params};
use crate::recommend::{Limits, Names, Recommendation};
use crate::routes::described::{self, Described};
use crate::routes::preview::{self, Preview};
use crate::routes::query_form::PreparedForms;
use crate::routes::recommendation::{Outcome, Sensitivity, StabilityInterval, answer, firmness};
use crate::routes::representation::{Representation, revalidate};
use crate::routes::results::{EXPLAIN, ResultsView};
use crate::snapshot::KnowledgeCache;
use crate::suggest;

/// The page shows the best 25 results in full: more than a person compares, and it keeps the
/// page small (and its cost flat) however large the knowledge base grows. Likewise the first
/// 50 exclusions. The exports carry every result.
pub const SHOWN: Limits = Limits {
    results: 25,
    excluded: 50,
};

/// How many of the best results the page explains in full: the first screen shows the
/// first of them, and a salesperson weighs the top few against each other. The others, and
/// the exclusions, are one line each with their explanation one click away (`explain=`),
/// which keeps a new question's page small and cheap to prepare.
pub const EXPLAINED: usize = 3;

/// A way out when must-haves leave too little: the most excluding one, and the link that
/// asks for it as nice-to-have instead.
pub struct Relaxation {
    pub requirement: String,
    pub excluded: usize,
    pub href: String,
}

pub struct Answered {
    /// The totals, the best results and exclusions in full, and the close call.
    pub view: ResultsView,
    /// What would put the runner-up first, and how far each weight may move (firmness.html).
    pub sensitivity: Option<Sensitivity>,
    pub stability: Vec<StabilityInterval>,
    pub relaxation: Option<Relaxation>,
    /// The query in words, for the printed summary.
    pub summary: Vec<(&'static str, String)>,
}

impl Answered {
    /// The second result's name; empty when fewer than two fit.
    fn runner_up(&self) -> &str {
        self.view.results.get(1).map_or("", |r| r.name.as_str())
    }
}

#[derive(Template)]
#[template(path = "query.html")]
pub struct QueryPage {
    /// The query form, as `query_form` renders or fills it in.
    pub form: String,
    pub answer: Option<Answered>,
    /// The canonical query string of this result, without `?`.
    pub query_string: String,
    /// The absolute link to this result, for the printed summary.
    pub share_url: String,
    /// Today's date, YYYY-MM-DD, printed on the summary as people write it.
    pub today: String,
    pub framework_count: usize,
    /// What the page's link shows where it is pasted.
    pub preview: Preview,
    /// The client's words, read into suggestions, when the query has a description.
    pub described: Option<Described>,
    /// The description box's text: what was described, or nothing.
    pub describe_text: String,
    /// Why the description could not be read (too long, given twice), shown at its box.
    pub describe_error: Option<String>,
    /// The current query as (parameter, value) pairs, which the description form carries so
    /// that its suggestions merge with the filters already chosen.
    pub current: Vec<(String, String)>,
    /// The longest description read, for the box and its hint.
    pub describe_max: usize,
}

impl QueryPage {
    /// The query as the hidden fields of the "Save as brief" form.
    fn brief_fields(&self) -> Vec<(String, String)> {
        crate::routes::briefs::form::hidden_fields(&self.query_string)
    }

    /// Signing in, then back to this result to save it.
    fn sign_in_to_save(&self) -> String {
        let here = with_query("/", &self.query_string);
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &here)
            .finish();
        format!("/login?{query}")
    }
}

fn requirement_name(names: &Names, slug: &str) -> String {
    names
        .requirements
        .get(slug)
        .cloned()
        .unwrap_or_else(|| slug.to_owned())
}

/// The query in words, one line per kind of parameter: what the printed summary and a
/// brief's header say was asked.
pub fn summary(params: &Params, names: &Names) -> Vec<(&'static str, String)> {
    let list = |slugs: &[String], map: &std::collections::HashMap<String, String>| {
        slugs
            .iter()
            .map(|s| map.get(s).cloned().unwrap_or_else(|| s.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut summary = Vec::new();
    if let Some(industry) = &params.industry {
        summary.push((
            "Industry",
            list(std::slice::from_ref(industry), &names.industries),
        ));
    }
    for (label, slugs, map) in [
        ("Must have", &params.need, &names.requirements),
        ("Nice to have", &params.want, &names.requirements),
        ("Team knows", &params.lang, &names.languages),
        ("Use cases", &params.use_cases, &names.use_cases),
    ] {
        if !slugs.is_empty() {
            summary.push((label, list(slugs, map)));
        }
    }
    if !params.q.is_empty() {
        summary.push(("Search", params.q.clone()));
    }
    summary
}

fn answered(params: &Params, recommendation: Recommendation, names: &Names) -> Answered {
    let relaxation = recommendation
        .most_excluding_need()
        .filter(|_| recommendation.total_results < 3)
        .and_then(|(label, excluded)| {
            let slug = params
                .need
                .iter()
                .find(|s| requirement_name(names, s) == label)?;
            let mut relaxed = params.clone();
            relaxed.need.retain(|s| s != slug);
            relaxed.want.push(slug.clone());
            Some(Relaxation {
                requirement: label,
                excluded,
                href: format!("/?{}", relaxed.to_query_string()),
            })
        });
    let (sensitivity, stability) = firmness(params, &recommendation);
    Answered {
        view: ResultsView::of_ranked(recommendation),
        sensitivity,
        stability,
        relaxation,
        summary: summary(params, names),
    }
}

/// The page around `form` (the query form as the request left it: on errors, the submitted
/// values are kept where they are valid) and `answer`, if any.
fn page(
    knowledge: &Knowledge,
    params: &Params,
    form: String,
    answer: Option<Answered>,
    share_url: String,
    today: String,
    preview: Preview,
) -> QueryPage {
    QueryPage {
        form,
        answer,
        query_string: params.to_query_string(),
        share_url,
        today,
        framework_count: knowledge.catalogue.len(),
        preview,
        described: None,
        describe_text: String::new(),
        describe_error: None,
        current: form_urlencoded::parse(params.to_query_string().as_bytes())
            .into_owned()
            .collect(),
        describe_max: suggest::MAX_TEXT_CHARS,
    }
}

/// A result's link preview: "Django, Laravel, Spring Boot for a healthcare app", then "Top
/// pick Django (86/100) for Healthcare · must have Security · 18 fit, 7 excluded".
fn result_preview(params: &Params, answer: &Answered, names: &Names, share_url: String) -> Preview {
    let industry = params
        .industry
        .as_ref()
        .and_then(|slug| names.industries.get(slug));
    let top: Vec<&str> = answer
        .view
        .results
        .iter()
        .take(3)
        .map(|r| r.name.as_str())
        .collect();
    let picks = if top.is_empty() {
        "No framework meets every must-have".to_owned()
    } else {
        top.join(", ")
    };
    let title = match industry {
        Some(name) => format!("{picks} for {}", preview::an_app_in(name)),
        None if top.is_empty() => picks,
        None => format!("{picks}: a backend recommendation"),
    };
    let mut parts = Vec::new();
    let lead = match answer.view.results.first() {
        Some(first) => format!("Top pick {} ({:.0}/100)", first.name, first.score),
        None => "No framework meets every must-have".to_owned(),
    };
    parts.push(match industry {
        Some(name) => format!("{lead} for {name}"),
        None => lead,
    });
    for (label, value) in &answer.summary {
        match *label {
            "Industry" => {}
            "Search" => parts.push(format!("search “{value}”")),
            _ => parts.push(format!("{} {value}", label.to_lowercase())),
        }
    }
    parts.push(format!(
        "{} fit, {} excluded",
        answer.view.total_results, answer.view.total_excluded
    ));
    Preview::new(&title, &parts.join(" · "), share_url)
}

/// The query page's preview before anything is asked.
fn form_preview(origin: &str) -> Preview {
    Preview::new(
        "Recommend a backend",
        "Describe a client's project — industry, must-haves, nice-to-haves, the team's \
         languages — and get a ranked recommendation of backend frameworks that explains \
         every point of its score.",
        format!("{origin}/"),
    )
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

fn with_query(path: &str, query_string: &str) -> String {
    if query_string.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query_string}")
    }
}

/// The result or exclusion `explain` asks for in full, when it names one the page shows.
fn explained<'a>(given: &'a [String], view: &ResultsView) -> Result<Option<&'a str>, FieldError> {
    match given {
        [] => Ok(None),
        [slug] if view.shows(slug) => Ok(Some(slug.as_str())),
        [slug] => Err(FieldError::new(
            EXPLAIN,
            format!(
                "“{slug}” is not among the results or exclusions shown for this query: explain one of them"
            ),
        )),
        _ => Err(FieldError::new(
            EXPLAIN,
            "ask for one explanation at a time",
        )),
    }
}

pub async fn index(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    pages: web::Data<PageCache>,
    forms: web::Data<PreparedForms>,
    network: web::Data<Network>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let knowledge = cache.current(&pool).await?;
    let origin = network.base_url(&request);
    let today = crate::domain::today();
    // Everything the page shows besides the knowledge: the layout names who is signed in
    // (with their sign-out form's token), the summary prints the date and the link, and the
    // link preview gives the link too (so it is cached with the page, for this origin).
    let key = format!(
        "{origin}\n{today}\n{:?}\n{}",
        crate::auth::signed_in(),
        request.query_string()
    );
    if let Some(answer) = pages.get(knowledge.version, &key) {
        return Ok(answer.respond(&request, revalidate()));
    }
    let names = &knowledge.names;
    // The client's words, if any, are read apart from the query they are suggested for.
    let split = described::split(request.query_string());
    let describing = !split.describe.is_empty();
    let query_string = if describing {
        split.rest.as_str()
    } else {
        request.query_string()
    };
    // The result to explain in full is asked apart from the query it belongs to.
    let (explain, without_explain) = super::take_param(query_string, EXPLAIN);
    let query_string = if explain.is_empty() {
        query_string
    } else {
        without_explain.as_str()
    };
    let description = match describing.then(|| described::description(&split.describe)) {
        None => None,
        Some(Ok(text)) => Some(text),
        Some(Err(problem)) => {
            // Too long or given twice: said at the box, which keeps what fits, over the
            // filters as they were.
            let kept = params::parse_lenient(query_string, names);
            let mut page = unanswered(&knowledge, &forms, &kept, Vec::new(), today, &origin)?;
            page.describe_error = Some(problem.message);
            page.describe_text = split.describe[0]
                .chars()
                .take(suggest::MAX_TEXT_CHARS)
                .collect();
            return render(
                &pages,
                &knowledge,
                key,
                StatusCode::BAD_REQUEST,
                &page,
                &request,
            );
        }
    };
    // Only the first results, and the one `explain` asks for, show the notes behind them.
    let with_notes = Explained::FirstAnd {
        first: EXPLAINED,
        asked: match explain.as_slice() {
            [slug] => Some(slug.as_str()),
            _ => None,
        },
    };
    let (status, mut page) = match answer(&pool, query_string, &knowledge, SHOWN, with_notes)
        .await?
    {
        Outcome::Redirect(canonical) => {
            let mut canonical = form_urlencoded::Serializer::new(canonical);
            for slug in &explain {
                canonical.append_pair(EXPLAIN, slug);
            }
            let canonical = canonical.finish();
            let canonical = match description {
                Some(text) => described::with_description(&canonical, text),
                None => canonical,
            };
            return Ok(see_other(&with_query("/", &canonical)));
        }
        Outcome::Invalid(errors) => {
            // Keep what was valid so the salesperson only fixes the named fields.
            let kept = params::parse_lenient(query_string, names);
            let page = unanswered(&knowledge, &forms, &kept, errors, today, &origin)?;
            (StatusCode::BAD_REQUEST, page)
        }
        Outcome::Empty => {
            // Nothing asked, so nothing to explain.
            let (status, errors) = if explain.is_empty() {
                (StatusCode::OK, Vec::new())
            } else {
                let error = FieldError::new(EXPLAIN, "there is no result to explain: ask first");
                (StatusCode::BAD_REQUEST, vec![error])
            };
            let page = unanswered(
                &knowledge,
                &forms,
                &Params::default(),
                errors,
                today,
                &origin,
            )?;
            (status, page)
        }
        Outcome::Answer(params, recommendation) => {
            let share_url = format!("{origin}/?{}", params.to_query_string());
            let mut answered = answered(&params, *recommendation, names);
            match explained(&explain, &answered.view) {
                Ok(slug) => answered
                    .view
                    .fold(EXPLAINED, &params.to_query_string(), slug),
                Err(error) => {
                    let page =
                        unanswered(&knowledge, &forms, &params, vec![error], today, &origin)?;
                    return render(
                        &pages,
                        &knowledge,
                        key,
                        StatusCode::BAD_REQUEST,
                        &page,
                        &request,
                    );
                }
            }
            let preview = result_preview(&params, &answered, names, share_url.clone());
            let page = page(
                &knowledge,
                &params,
                forms.html(&knowledge, &params, Vec::new())?,
                Some(answered),
                share_url,
                today,
                preview,
            );
            (StatusCode::OK, page)
        }
    };
    if let Some(text) = description {
        let current = params::parse_lenient(query_string, names);
        let industry_name = |slug: &str| {
            names
                .industries
                .get(slug)
                .cloned()
                .unwrap_or_else(|| slug.to_owned())
        };
        page.described = Some(Described::read(
            &knowledge.lexicon,
            text,
            &current,
            industry_name,
        ));
        page.describe_text = text.to_owned();
    }
    render(&pages, &knowledge, key, status, &page, &request)
}

/// The form with no answer below it, as `params` left it, and `errors` named at their fields.
fn unanswered(
    knowledge: &Knowledge,
    forms: &PreparedForms,
    params: &Params,
    errors: Vec<FieldError>,
    today: String,
    origin: &str,
) -> Result<QueryPage> {
    let preview = form_preview(origin);
    Ok(page(
        knowledge,
        params,
        forms.html(knowledge, params, errors)?,
        None,
        String::new(),
        today,
        preview,
    ))
}

/// Renders the page, keeping it for the next request with the same key.
fn render(
    pages: &PageCache,
    knowledge: &Knowledge,
    key: String,
    status: StatusCode,
    page: &QueryPage,
    request: &HttpRequest,
) -> Result<HttpResponse> {
    let rendered = Representation::new(status, "text/html; charset=utf-8", page.render()?);
    Ok(pages
        .keep(knowledge.version, key, rendered)
        .respond(request, revalidate()))
}
