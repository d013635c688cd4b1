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
use crate::db::recommend::{Explained, Knowledge};
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
/// it, keeping as many results as `limits` asks and reading the notes of those `explained`
/// picks. The page, its exports and the JSON API all rank through [`rank_explaining`], so
/// they agree.
pub async fn answer(
    pool: &SqlitePool,
    query_string: &str,
    knowledge: &Knowledge,
    limits: Limits,
    explained: Explained<'_>,
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
    let recommendation = rank_explaining(pool, &params, knowledge, limits, explained).await?;
    Ok(Outcome::Answer(params, Box::new(recommendation)))
}

/// Ranks every framework for valid parameters, on the in-memory knowledge, with the notes
/// behind every rating it keeps.
pub async fn rank(
    pool: &SqlitePool,
    params: &Params,
    knowledge: &Knowledge,
    limits: Limits,
) -> Result<recommend::Recommendation> {
    rank_explaining(pool, params, knowledge, limits, Explained::All).await
}

/// Ranks every framework for valid parameters, on the in-memory knowledge, reading the notes
/// of the results and exclusions `explained` picks; only the free-text search and those
/// notes ask SQLite.
pub async fn rank_explaining(
    pool: &SqlitePool,
    params: &Params,
    knowledge: &Knowledge,
    limits: Limits,
    explained: Explained<'_>,
) -> Result<recommend::Recommendation> {
    let (query, search) = prepare(pool, params, knowledge).await?;
    let catalogue = &knowledge.catalogue;
    // The firmness dates reviews against today: whether an overdue rating makes it fragile.
    let today = chrono::Utc::now().date_naive();
    let mut recommendation =
        recommend::rank(&query, catalogue, &search, &knowledge.names, limits, today);
    // The knowledge in memory holds scores, not the notes behind them: read those for the
    // results explained.
    db::recommend::fill_evidence(pool, knowledge, &mut recommendation, explained).await?;
    Ok(recommendation)
}

/// The engine's query for valid parameters, with each candidate's search rank by position
/// (empty when the query does not search): only the free-text search asks SQLite.
pub async fn prepare(
    pool: &SqlitePool,
    params: &Params,
    knowledge: &Knowledge,
) -> Result<(recommend::Query, Vec<Option<f64>>)> {
    let mut query = params.to_query();
    // Text with no searchable word ("?!") searches for nothing rather than excluding all.
    let search = match fts_query(&params.q) {
        Some(fts) => knowledge
            .catalogue
            .search_ranks(&db::recommend::search_ranks(pool, &fts).await?),
        None => {
            query.searching = false;
            Vec::new()
        }
    };
    Ok((query, search))
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
pub fn first_error(errors: Vec<FieldError>) -> AppError {
    match errors.into_iter().next() {
        Some(e) => AppError::bad_request(e.field, e.message),
        None => AppError::bad_request("query", "was not understood"),
    }
}

// The JSON body. Its doc comments are the OpenAPI document's descriptions, and its type names
// the document's schema names: both are part of the API. `Ranked`, `Criterion`, `Excluded`,
// `Exclusion` and `CloseCall` repeat the engine's fields (and doc lines) on purpose: they are
// the API's copy, so that the engine can change while the API keeps its contract.

/// `From` both ways between an API enum and the engine's enum of the same name and shape
/// (`recommend::$name`), each variant (with its fields) listed once: the API keeps types of
/// its own, and a variant or field the two do not share fails to compile.
macro_rules! mirror_enum {
    ($name:ident { $($variant:ident $({ $($field:ident),* $(,)? })?),* $(,)? }) => {
        impl From<$name> for recommend::$name {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant $({ $($field),* })? => Self::$variant $({ $($field),* })?,)*
                }
            }
        }

        impl From<recommend::$name> for $name {
            fn from(value: recommend::$name) -> Self {
                match value {
                    $(recommend::$name::$variant $({ $($field),* })? => Self::$variant $({ $($field),* })?,)*
                }
            }
        }
    };
}

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
    /// The smallest single change that makes the runner-up first, or null when there is no
    /// runner-up or no single change does.
    #[serde(default)]
    pub sensitivity: Option<Sensitivity>,
    /// For each kind of criterion the query brings, the values of its weight over which the
    /// first result stays first; empty with fewer than two results.
    #[serde(default)]
    pub stability: Vec<StabilityInterval>,
}

impl RecommendationsBody {
    /// The body for `recommendation`, the answer to `params`.
    pub fn new(params: &Params, recommendation: recommend::Recommendation) -> Self {
        let (sensitivity, stability) = firmness(params, &recommendation);
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
            sensitivity,
            stability,
        }
    }

    /// The runner-up's name, empty when fewer than two frameworks passed: what the firmness
    /// macro (templates/firmness.html) says no single change puts first.
    pub fn runner_up(&self) -> &str {
        self.results.get(1).map_or("", |r| r.name.as_str())
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

mirror_enum!(CriterionKind {
    Industry,
    MustHave,
    NiceToHave,
    Language,
    UseCase,
    Search,
    Maturity,
});

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

mirror_enum!(Exclusion {
    MustHave {
        requirement,
        label,
        strength,
        minimum,
        note,
        sources,
    },
    NoSearchMatch,
});

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

// The firmness of the first place (docs/scoring.md, "How firm is the winner"): the API's copy
// of `recommend::sensitivity`'s types, with the engine's sentences written out so that a
// stored brief shows them as they were.

/// The firmness of `recommendation`'s first place (the answer to `params`) as the API and the
/// pages show it: the smallest change that puts the runner-up first, and each weight's
/// stability interval.
pub fn firmness(
    params: &Params,
    recommendation: &recommend::Recommendation,
) -> (Option<Sensitivity>, Vec<StabilityInterval>) {
    let winner = recommendation
        .results
        .first()
        .map_or("", |r| r.name.as_str());
    let firmness = &recommendation.firmness;
    (
        firmness
            .sensitivity
            .as_ref()
            .map(|s| Sensitivity::new(params, s)),
        firmness
            .stability
            .iter()
            .map(|i| StabilityInterval::new(winner, i))
            .collect(),
    )
}

/// The smallest single change that puts the runner-up first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Sensitivity {
    /// The first result's slug and name.
    pub winner: String,
    pub winner_name: String,
    /// The second result's slug and name.
    pub runner_up: String,
    pub runner_up_name: String,
    pub change: Change,
    /// The change in a sentence: "Laravel would be first if Django's Security fell from 5 to 4".
    pub description: String,
    /// Where to look: the rating's row on its framework's page, or the changed query's result.
    pub link: String,
    /// The rating that would flip the winner is doubtful (overdue for review): check it before
    /// leaning on the advice.
    pub fragile: bool,
    /// Why the advice is fragile; empty when it is not.
    pub fragile_reasons: Vec<FragileReason>,
}

impl Sensitivity {
    fn new(params: &Params, s: &recommend::sensitivity::Sensitivity) -> Self {
        use recommend::sensitivity::Change as Engine;
        let description = s.describe();
        let fragile_reasons = match s.rating() {
            Some(rating) => s
                .fragility
                .iter()
                .map(|f| FragileReason::new(f, rating))
                .collect(),
            None => Vec::new(),
        };
        let mut changed = params.clone();
        let drop = |list: &mut Vec<String>, slug: &str| list.retain(|s| s != slug);
        let change = match &s.change {
            Engine::Rating(r) => Change::Rating {
                framework: r.framework.slug.to_string(),
                framework_name: r.framework.name.clone(),
                criterion: r.kind.into(),
                subject: r.subject.clone(),
                label: r.label.clone(),
                from: r.from,
                to: r.to,
                excludes: r.excludes,
                reviewed: r.reviewed.map(|day| day.format("%Y-%m-%d").to_string()),
            },
            Engine::WantDropped { requirement, label } => {
                drop(&mut changed.want, requirement);
                Change::WantDropped {
                    requirement: requirement.clone(),
                    label: label.clone(),
                }
            }
            Engine::UseCaseDropped { use_case, label } => {
                drop(&mut changed.use_cases, use_case);
                Change::UseCaseDropped {
                    use_case: use_case.clone(),
                    label: label.clone(),
                }
            }
            Engine::WantBecomesNeed { requirement, label } => {
                drop(&mut changed.want, requirement);
                changed.need.push(requirement.clone());
                Change::WantBecomesNeed {
                    requirement: requirement.clone(),
                    label: label.clone(),
                }
            }
            Engine::NeedDropped { requirement, label } => {
                drop(&mut changed.need, requirement);
                drop(&mut changed.want, requirement);
                Change::NeedDropped {
                    requirement: requirement.clone(),
                    label: label.clone(),
                }
            }
            Engine::IndustryRemoved { industry, label } => {
                changed.industry = None;
                Change::IndustryRemoved {
                    industry: industry.clone(),
                    label: label.clone(),
                }
            }
        };
        let link = match &change {
            Change::Rating {
                framework,
                criterion,
                subject,
                ..
            } => {
                let row = match criterion {
                    CriterionKind::Industry => "industry",
                    _ => "requirement",
                };
                format!("/frameworks/{framework}#{row}-{subject}")
            }
            _ => format!("/?{}", changed.to_query_string()),
        };
        Self {
            winner: s.winner.slug.to_string(),
            winner_name: s.winner.name.clone(),
            runner_up: s.runner_up.slug.to_string(),
            runner_up_name: s.runner_up.name.clone(),
            change,
            description,
            link,
            fragile: !fragile_reasons.is_empty(),
            fragile_reasons,
        }
    }

    /// What [`Sensitivity::link`] leads to, as its link text.
    pub fn link_text(&self) -> String {
        match &self.change {
            Change::Rating {
                framework_name,
                label,
                criterion: CriterionKind::Industry,
                ..
            } => format!("{framework_name}'s fit for {label}"),
            Change::Rating {
                framework_name,
                label,
                ..
            } => format!("{framework_name}'s {label} rating"),
            _ => format!("The ranking with {} first", self.runner_up_name),
        }
    }
}

/// One change to the knowledge or to the query, by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// One framework's rating moves by one point.
    Rating {
        framework: String,
        framework_name: String,
        /// `industry` (a fit), `must-have` or `nice-to-have` (a strength).
        criterion: CriterionKind,
        /// The industry or requirement slug.
        subject: String,
        label: String,
        from: u8,
        to: u8,
        /// The rating falls below the must-have minimum, which leaves the framework out.
        excludes: bool,
        /// When the rating was last reviewed (YYYY-MM-DD): its own date, else its
        /// framework's; null when neither is recorded.
        reviewed: Option<String>,
    },
    /// A nice-to-have is no longer asked for.
    WantDropped { requirement: String, label: String },
    /// A use case is no longer asked for.
    UseCaseDropped { use_case: String, label: String },
    /// A nice-to-have becomes a must-have.
    WantBecomesNeed { requirement: String, label: String },
    /// A must-have is no longer asked for.
    NeedDropped { requirement: String, label: String },
    /// No industry is chosen.
    IndustryRemoved { industry: String, label: String },
}

impl Change {
    /// The name of what changes: the rating's criterion, or the requirement, use case or
    /// industry the query would change.
    pub fn label(&self) -> &str {
        match self {
            Change::Rating { label, .. }
            | Change::WantDropped { label, .. }
            | Change::UseCaseDropped { label, .. }
            | Change::WantBecomesNeed { label, .. }
            | Change::NeedDropped { label, .. }
            | Change::IndustryRemoved { label, .. } => label,
        }
    }
}

/// Why the rating that would flip the winner is doubtful.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum FragileReason {
    /// Not reviewed for more than 180 days, or never.
    ReviewOverdue {
        /// The day it was last reviewed (YYYY-MM-DD), null when never.
        reviewed: Option<String>,
        /// Days since then, null when never.
        days: Option<i64>,
        /// The reason in a sentence.
        message: String,
    },
}

impl FragileReason {
    fn new(
        fragility: &recommend::sensitivity::Fragility,
        rating: &recommend::sensitivity::RatingChange,
    ) -> Self {
        let message = fragility.describe(rating);
        match *fragility {
            recommend::sensitivity::Fragility::ReviewOverdue { reviewed, days } => {
                Self::ReviewOverdue {
                    reviewed: reviewed.map(|day| day.format("%Y-%m-%d").to_string()),
                    days,
                    message,
                }
            }
        }
    }

    /// The reason in a sentence.
    pub fn message(&self) -> &str {
        match self {
            Self::ReviewOverdue { message, .. } => message,
        }
    }
}

/// The values of one kind of criterion's weight over which the first result stays first,
/// every other weight as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StabilityInterval {
    pub kind: CriterionKind,
    pub label: String,
    /// The weight the ranking uses: always inside the interval.
    pub weight: u32,
    /// Never below 0.
    pub lower: Bound,
    /// Null when every larger weight keeps the first result first.
    pub upper: Option<Bound>,
    /// The interval in a sentence: "Django stays first from 1.5 to 7".
    pub description: String,
}

impl StabilityInterval {
    fn new(winner: &str, interval: &recommend::sensitivity::StabilityInterval) -> Self {
        Self {
            kind: interval.kind.into(),
            label: interval.kind.label().to_owned(),
            weight: interval.weight,
            description: interval.describe(winner),
            lower: interval.lower.into(),
            upper: interval.upper.map(Bound::from),
        }
    }
}

/// One end of an interval, an exact fraction: `numerator / denominator` (lowest terms), with
/// `value` the nearest number, and whether the end itself belongs to the interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bound {
    pub numerator: u64,
    pub denominator: u64,
    pub value: f64,
    pub inclusive: bool,
}

impl From<recommend::sensitivity::Bound> for Bound {
    fn from(b: recommend::sensitivity::Bound) -> Self {
        Self {
            numerator: b.value.numerator(),
            denominator: b.value.denominator(),
            value: b.value.to_f64(),
            inclusive: b.inclusive,
        }
    }
}

/// What the tests of the body and of its drawing (`routes::results`) rank: Python
/// frameworks rated only on security, for a healthcare query that needs it.
#[cfg(test)]
pub(crate) mod fixture {
    use super::*;
    use crate::domain::{Ring, Score, Slug};
    use crate::recommend::{Candidate, Catalogue, Evidence, Names, Ratings, Recommendation};

    /// `industry=healthcare&need=security&lang=python`.
    pub fn params() -> Params {
        Params {
            industry: Some("healthcare".to_owned()),
            need: vec!["security".to_owned()],
            lang: vec!["python".to_owned()],
            ..Params::default()
        }
    }

    /// [`params`] ranked over frameworks `(slug, security)`, each fitting healthcare 4,
    /// never reviewed, on 30 Nov 2026.
    pub fn rank(frameworks: &[(&str, i64)], limits: Limits) -> Recommendation {
        let catalogue = Catalogue::new(
            frameworks
                .iter()
                .map(|(slug, security)| candidate(slug, *security))
                .collect(),
        );
        recommend::rank(
            &params().to_query(),
            &catalogue,
            &[],
            &Names::default(),
            limits,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        )
    }

    fn candidate(slug: &str, security: i64) -> Candidate {
        let evidence = |score| {
            Evidence::noted(
                Score::new(score).unwrap(),
                None,
                format!("{slug} rates {score}"),
                vec![format!("https://{slug}.example.com")],
            )
        };
        let parse = |text| Slug::parse(text).unwrap();
        Candidate {
            slug: parse(slug),
            name: slug.to_uppercase(),
            languages: vec![parse("python")],
            ring: Ring::Adopt,
            strengths: Ratings::from([(parse("security"), evidence(security))]),
            fits: Ratings::from([(parse("healthcare"), evidence(4))]),
            use_cases: Vec::new(),
            search_rank: None,
            last_reviewed: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::fixture::{params, rank};
    use super::*;

    /// Two frameworks that pass (a close call) and one that a must-have leaves out.
    fn body() -> Value {
        let recommendation = rank(&[("django", 5), ("flask", 5), ("bottle", 2)], Limits::ALL);
        serde_json::to_value(RecommendationsBody::new(&params(), recommendation)).unwrap()
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
        assert_eq!(
            keys(&body),
            [
                "close_call",
                "excluded",
                "query",
                "results",
                "sensitivity",
                "stability"
            ]
        );
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
        let sensitivity = &body["sensitivity"];
        assert_eq!(
            keys(sensitivity),
            [
                "change",
                "description",
                "fragile",
                "fragile_reasons",
                "link",
                "runner_up",
                "runner_up_name",
                "winner",
                "winner_name"
            ]
        );
        assert_eq!(
            keys(&sensitivity["change"]),
            [
                "criterion",
                "excludes",
                "framework",
                "framework_name",
                "from",
                "kind",
                "label",
                "reviewed",
                "subject",
                "to"
            ]
        );
        let interval = &body["stability"][0];
        assert_eq!(
            keys(interval),
            ["description", "kind", "label", "lower", "upper", "weight"]
        );
        assert_eq!(
            keys(&interval["lower"]),
            ["denominator", "inclusive", "numerator", "value"]
        );
    }

    #[test]
    fn the_firmness_reads_the_engines_answer_and_links_to_the_rating() {
        // Django and Flask tie; Django is first by name, so its security falling a point
        // (weight 2, less than the industry's 3) puts Flask first.
        let body: RecommendationsBody = serde_json::from_value(body()).unwrap();
        let sensitivity = body.sensitivity.as_ref().unwrap();
        assert_eq!(
            sensitivity.change,
            Change::Rating {
                framework: "django".into(),
                framework_name: "DJANGO".into(),
                criterion: CriterionKind::MustHave,
                subject: "security".into(),
                label: "security".into(),
                from: 5,
                to: 4,
                excludes: false,
                reviewed: None,
            }
        );
        assert_eq!(
            sensitivity.description,
            "FLASK would be first if DJANGO's security fell from 5 to 4"
        );
        assert_eq!(sensitivity.link, "/frameworks/django#requirement-security");
        assert_eq!(sensitivity.link_text(), "DJANGO's security rating");
        // Never reviewed: the advice is fragile.
        assert!(sensitivity.fragile);
        assert_eq!(
            sensitivity.fragile_reasons,
            [FragileReason::ReviewOverdue {
                reviewed: None,
                days: None,
                message: "DJANGO's security rating has never been reviewed.".into()
            }]
        );
        assert_eq!(body.runner_up(), "FLASK");
        let kinds: Vec<CriterionKind> = body.stability.iter().map(|i| i.kind).collect();
        assert_eq!(
            kinds,
            [
                CriterionKind::Industry,
                CriterionKind::MustHave,
                CriterionKind::Language,
                CriterionKind::Maturity
            ]
        );
        // Equal in everything: any weight keeps Django first.
        assert!(body.stability.iter().all(|i| i.upper.is_none()
            && i.lower.numerator == 0
            && i.lower.inclusive
            && i.description == "DJANGO stays first at any weight"));
    }

    #[test]
    fn a_body_stored_before_the_firmness_still_reads() {
        let mut stored = body();
        let object = stored.as_object_mut().unwrap();
        object.remove("sensitivity");
        object.remove("stability");
        let body: RecommendationsBody = serde_json::from_value(stored).unwrap();
        assert_eq!(body.sensitivity, None);
        assert!(body.stability.is_empty());
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
