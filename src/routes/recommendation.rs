//! The recommendation as the query page, its exports and the JSON API share it: a query
//! string parsed and ranked ([`answer`]), and the JSON body that `/api/v1/recommendations`
//! and `/export.json` send ([`RecommendationsBody`]).
//!
//! The body has types of its own, converted from the ranking engine's: the engine's structs
//! may be renamed or reshaped freely, and only a change here changes the API (and the
//! OpenAPI document, which names these types).

use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use utoipa::ToSchema;

use crate::db;
use crate::db::recommend::Knowledge;
use crate::domain::FieldError;
use crate::error::{AppError, Result};
use crate::recommend::params::{self, Params};
use crate::recommend::{self, Limits};
use crate::search::fts_query;

/// What a query string amounts to.
pub enum Outcome {
    /// Some parameters could not be used; each is named.
    Invalid(Vec<FieldError>),
    /// Valid, but not in canonical form: answer with a redirect to this query string.
    Redirect(String),
    /// Nothing asked yet.
    Empty,
    Answer(Params, Box<recommend::Recommendation>),
}

/// Parses a query string and, when it is valid and canonical, ranks the knowledge base for
/// it, explaining as many results as `limits` asks. The page, its exports and the JSON API
/// all answer through here, so they agree.
pub async fn answer(
    pool: &SqlitePool,
    query_string: &str,
    knowledge: &Knowledge,
    limits: Limits,
) -> Result<Outcome> {
    let params = match params::parse(query_string, &knowledge.names) {
        Ok(params) => params,
        Err(errors) => return Ok(Outcome::Invalid(errors)),
    };
    if params.needs_redirect {
        return Ok(Outcome::Redirect(params.to_query_string()));
    }
    if params.is_empty() {
        return Ok(Outcome::Empty);
    }
    let recommendation = rank(pool, &params, knowledge, limits).await?;
    Ok(Outcome::Answer(params, Box::new(recommendation)))
}

/// Ranks every framework for valid parameters, on the in-memory knowledge; only the free-text
/// search asks SQLite (its full-text index).
pub async fn rank(
    pool: &SqlitePool,
    params: &Params,
    knowledge: &Knowledge,
    limits: Limits,
) -> Result<recommend::Recommendation> {
    let mut query = params.to_query();
    let catalogue = &knowledge.catalogue;
    // Text with no searchable word ("?!") searches for nothing rather than excluding all.
    let search = match fts_query(&params.q) {
        Some(fts) => catalogue.search_ranks(&db::recommend::search_ranks(pool, &fts).await?),
        None => {
            query.searching = false;
            Vec::new()
        }
    };
    Ok(recommend::rank(
        &query,
        catalogue,
        &search,
        &knowledge.names,
        limits,
    ))
}

/// The answer for a program rather than a person (the JSON API, the exports): the query as
/// it is, canonical or not, and empty meaning "rank everything"; a bad parameter is a 400
/// naming the first one.
pub async fn answer_as_asked(
    pool: &SqlitePool,
    query_string: &str,
    knowledge: &Knowledge,
) -> Result<(Params, recommend::Recommendation)> {
    let params = params::parse(query_string, &knowledge.names).map_err(first_error)?;
    let recommendation = rank(pool, &params, knowledge, Limits::ALL).await?;
    Ok((params, recommendation))
}

/// The first bad parameter as a 400 naming it.
fn first_error(errors: Vec<FieldError>) -> AppError {
    match errors.into_iter().next() {
        Some(e) => AppError::bad_request(e.field, e.message),
        None => AppError::bad_request("query", "was not understood"),
    }
}

// The JSON body. Its doc comments are the OpenAPI document's descriptions, and its type names
// the document's schema names: both are part of the API. `Ranked`, `Criterion`, `Excluded`,
// `Exclusion` and `CloseCall` repeat the engine's fields (and doc lines) on purpose: they are
// the API's copy, so that the engine can change while the API keeps its contract.

/// The query as understood, in canonical form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueryEcho {
    pub industry: Option<String>,
    pub need: Vec<String>,
    pub want: Vec<String>,
    pub lang: Vec<String>,
    /// The use cases the project is (the `use` parameter).
    #[serde(rename = "use", default)]
    pub use_cases: Vec<String>,
    pub q: String,
    /// The page that shows this result: `/?{link}`.
    pub link: String,
}

impl From<&QueryEcho> for Params {
    /// The parameters a stored answer was asked with, slugs as they were then (some may have
    /// left the knowledge base since).
    fn from(echo: &QueryEcho) -> Self {
        Params {
            industry: echo.industry.clone(),
            need: echo.need.clone(),
            want: echo.want.clone(),
            lang: echo.lang.clone(),
            use_cases: echo.use_cases.clone(),
            q: echo.q.clone(),
            ..Params::default()
        }
    }
}

/// A ranked, explained recommendation; see docs/scoring.md for the formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecommendationsBody {
    pub query: QueryEcho,
    pub results: Vec<Ranked>,
    pub excluded: Vec<Excluded>,
    pub close_call: Option<CloseCall>,
}

impl RecommendationsBody {
    /// The body for `recommendation`, the answer to `params`.
    pub fn new(params: &Params, recommendation: recommend::Recommendation) -> Self {
        Self {
            query: QueryEcho {
                industry: params.industry.clone(),
                need: params.need.clone(),
                want: params.want.clone(),
                lang: params.lang.clone(),
                use_cases: params.use_cases.clone(),
                q: params.q.clone(),
                link: format!("/?{}", params.to_query_string()),
            },
            results: recommendation
                .results
                .into_iter()
                .map(Ranked::from)
                .collect(),
            excluded: recommendation
                .excluded
                .into_iter()
                .map(Excluded::from)
                .collect(),
            close_call: recommendation.close_call.map(CloseCall::from),
        }
    }
}

/// A framework that passed every must-have, with its score and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Ranked {
    pub rank: usize,
    pub slug: String,
    pub name: String,
    /// 0–100, rounded to one decimal.
    pub score: f64,
    pub criteria: Vec<Criterion>,
    /// Use cases in the chosen industry (all of them when no industry was chosen).
    pub use_cases: Vec<String>,
}

impl From<recommend::Ranked> for Ranked {
    fn from(r: recommend::Ranked) -> Self {
        Self {
            rank: r.rank,
            slug: r.slug.to_string(),
            name: r.name,
            score: r.score,
            criteria: r.criteria.into_iter().map(Criterion::from).collect(),
            use_cases: r.use_cases,
        }
    }
}

/// One line of a result's breakdown: what was measured, the 0–5 rating, its weight, the
/// points it contributed to the 0–100 score, and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    pub kind: CriterionKind,
    /// The requirement, industry, language or use-case slug measured (the ring for
    /// maturity); empty for search.
    pub subject: String,
    pub label: String,
    pub rating: u8,
    pub weight: u32,
    pub points: f64,
    pub max_points: f64,
    pub note: String,
    /// Addresses of the sources the evidence cites; empty when none is recorded.
    pub sources: Vec<String>,
}

impl From<recommend::Criterion> for Criterion {
    fn from(c: recommend::Criterion) -> Self {
        Self {
            kind: c.kind.into(),
            subject: c.subject,
            label: c.label,
            rating: c.rating.value(),
            weight: c.weight,
            points: c.points,
            max_points: c.max_points,
            note: c.note,
            sources: c.sources,
        }
    }
}

/// What a criterion measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionKind {
    Industry,
    MustHave,
    NiceToHave,
    Language,
    UseCase,
    Search,
    Maturity,
}

impl CriterionKind {
    /// The heading pages give the criterion, as the engine names it.
    pub fn label(self) -> &'static str {
        recommend::CriterionKind::from(self).label()
    }
}

impl From<CriterionKind> for recommend::CriterionKind {
    fn from(kind: CriterionKind) -> Self {
        match kind {
            CriterionKind::Industry => Self::Industry,
            CriterionKind::MustHave => Self::MustHave,
            CriterionKind::NiceToHave => Self::NiceToHave,
            CriterionKind::Language => Self::Language,
            CriterionKind::UseCase => Self::UseCase,
            CriterionKind::Search => Self::Search,
            CriterionKind::Maturity => Self::Maturity,
        }
    }
}

impl From<recommend::CriterionKind> for CriterionKind {
    fn from(kind: recommend::CriterionKind) -> Self {
        match kind {
            recommend::CriterionKind::Industry => Self::Industry,
            recommend::CriterionKind::MustHave => Self::MustHave,
            recommend::CriterionKind::NiceToHave => Self::NiceToHave,
            recommend::CriterionKind::Language => Self::Language,
            recommend::CriterionKind::UseCase => Self::UseCase,
            recommend::CriterionKind::Search => Self::Search,
            recommend::CriterionKind::Maturity => Self::Maturity,
        }
    }
}

/// A framework left out, with every reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Excluded {
    pub slug: String,
    pub name: String,
    pub reasons: Vec<Exclusion>,
}

impl From<recommend::Excluded> for Excluded {
    fn from(e: recommend::Excluded) -> Self {
        Self {
            slug: e.slug.to_string(),
            name: e.name,
            reasons: e.reasons.into_iter().map(Exclusion::from).collect(),
        }
    }
}

/// Why a framework was left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Exclusion {
    /// A must-have below the minimum.
    MustHave {
        requirement: String,
        label: String,
        strength: u8,
        minimum: u8,
        note: String,
        /// Addresses of the sources the strength cites.
        sources: Vec<String>,
    },
    /// The free-text search does not match it.
    NoSearchMatch,
}

impl Exclusion {
    /// One sentence a salesperson can read out, worded as the engine words it.
    pub fn describe(&self) -> String {
        recommend::Exclusion::from(self.clone()).describe()
    }
}

impl From<Exclusion> for recommend::Exclusion {
    fn from(exclusion: Exclusion) -> Self {
        match exclusion {
            Exclusion::MustHave {
                requirement,
                label,
                strength,
                minimum,
                note,
                sources,
            } => Self::MustHave {
                requirement,
                label,
                strength,
                minimum,
                note,
                sources,
            },
            Exclusion::NoSearchMatch => Self::NoSearchMatch,
        }
    }
}

impl From<recommend::Exclusion> for Exclusion {
    fn from(exclusion: recommend::Exclusion) -> Self {
        match exclusion {
            recommend::Exclusion::MustHave {
                requirement,
                label,
                strength,
                minimum,
                note,
                sources,
            } => Self::MustHave {
                requirement,
                label,
                strength,
                minimum,
                note,
                sources,
            },
            recommend::Exclusion::NoSearchMatch => Self::NoSearchMatch,
        }
    }
}

// The margin is the engine's `recommend::CLOSE_CALL_MARGIN`; the description names it as the
// engine's own type once did, so the OpenAPI document reads as before.
/// The top two are within [`CLOSE_CALL_MARGIN`] points of each other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[allow(rustdoc::broken_intra_doc_links)]
pub struct CloseCall {
    pub first: String,
    pub second: String,
    pub margin: f64,
}

impl From<recommend::CloseCall> for CloseCall {
    fn from(c: recommend::CloseCall) -> Self {
        Self {
            first: c.first,
            second: c.second,
            margin: c.margin,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::{Value, json};

    use super::*;
    use crate::domain::{Ring, Score, Slug};
    use crate::recommend::{Candidate, Catalogue, Evidence, Names};

    fn candidate(slug: &str, security: i64) -> Candidate {
        let evidence = |score| Evidence {
            score: Score::new(score).unwrap(),
            note: format!("{slug} rates {score}"),
            sources: Vec::new(),
        };
        let parse = |text| Slug::parse(text).unwrap();
        Candidate {
            slug: parse(slug),
            name: slug.to_uppercase(),
            languages: vec![parse("python")],
            ring: Ring::Adopt,
            strengths: HashMap::from([(parse("security"), evidence(security))]),
            fits: HashMap::from([(parse("healthcare"), evidence(4))]),
            use_cases: Vec::new(),
            search_rank: None,
        }
    }

    /// Two frameworks that pass (a close call) and one that a must-have leaves out.
    fn body() -> Value {
        let catalogue = Catalogue::new(vec![
            candidate("django", 5),
            candidate("flask", 5),
            candidate("bottle", 2),
        ]);
        let params = Params {
            industry: Some("healthcare".to_owned()),
            need: vec!["security".to_owned()],
            lang: vec!["python".to_owned()],
            ..Params::default()
        };
        let recommendation = recommend::rank(
            &params.to_query(),
            &catalogue,
            &[],
            &Names::default(),
            Limits::ALL,
        );
        serde_json::to_value(RecommendationsBody::new(&params, recommendation)).unwrap()
    }

    fn keys(value: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = value
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn the_api_body_keeps_its_field_names() {
        let body = body();
        assert_eq!(keys(&body), ["close_call", "excluded", "query", "results"]);
        assert_eq!(
            keys(&body["query"]),
            ["industry", "lang", "link", "need", "q", "use", "want"]
        );
        let result = &body["results"][0];
        assert_eq!(
            keys(result),
            ["criteria", "name", "rank", "score", "slug", "use_cases"]
        );
        assert_eq!(
            keys(&result["criteria"][0]),
            [
                "kind",
                "label",
                "max_points",
                "note",
                "points",
                "rating",
                "sources",
                "subject",
                "weight"
            ]
        );
        let excluded = &body["excluded"][0];
        assert_eq!(keys(excluded), ["name", "reasons", "slug"]);
        assert_eq!(
            keys(&excluded["reasons"][0]),
            [
                "label",
                "minimum",
                "note",
                "reason",
                "requirement",
                "sources",
                "strength"
            ]
        );
        assert_eq!(keys(&body["close_call"]), ["first", "margin", "second"]);
    }

    #[test]
    fn the_api_body_keeps_its_spelling_of_kinds_and_reasons() {
        let body = body();
        let kinds: Vec<&Value> = body["results"][0]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["kind"])
            .collect();
        assert_eq!(
            kinds,
            [
                &json!("industry"),
                &json!("must-have"),
                &json!("language"),
                &json!("maturity")
            ]
        );
        assert_eq!(body["excluded"][0]["reasons"][0]["reason"], "must-have");
        assert_eq!(
            serde_json::to_value(Exclusion::NoSearchMatch).unwrap(),
            json!({"reason": "no-search-match"})
        );
        let every_kind = [
            recommend::CriterionKind::Industry,
            recommend::CriterionKind::MustHave,
            recommend::CriterionKind::NiceToHave,
            recommend::CriterionKind::Language,
            recommend::CriterionKind::UseCase,
            recommend::CriterionKind::Search,
            recommend::CriterionKind::Maturity,
        ]
        .map(|kind| serde_json::to_value(CriterionKind::from(kind)).unwrap());
        assert_eq!(
            every_kind,
            [
                "industry",
                "must-have",
                "nice-to-have",
                "language",
                "use-case",
                "search",
                "maturity"
            ]
            .map(Value::from)
        );
    }
}
