//! Reference questions: knowledge tests editors keep. Each is a query and what its answer
//! must show ("Django is in the top 3", "Ktor ranks above Node.js", "Flask is excluded",
//! "Firebase is the top pick"), with a rationale and a source. [`judge`] decides one against
//! an answer (pure); [`evaluate_all`] asks every stored question of some knowledge — the live
//! one for the editors' page and `stackatlas check`, an edited copy for the impact preview.

use serde::Serialize;
use sqlx::SqlitePool;

use crate::db::briefs::LatestPin;
use crate::db::recommend::Explained;
use crate::db::recommend::Knowledge;
use crate::db::reference::{self, Question};
use crate::domain::{FieldError, Slug};
use crate::error::Result;
use crate::knowledge::checks::{Finding, Severity, Subject};
use crate::recommend::params::{self, Params};
use crate::recommend::{Limits, Names, Recommendation};
use crate::routes::recommendation::rank_explaining;

#[cfg(test)]
mod tests;

/// `seed/reference-questions.json`: the questions a new installation starts with, from the
/// article's pairings and the knowledge issue's tests.
pub const SEED_JSON: &str = include_str!("../seed/reference-questions.json");

/// The note the seed's questions record in their history.
pub const SEED_NOTE: &str = "Reference question from the seed: the article's pairings and the knowledge tests, so a change that breaks one is seen before it is saved.";

/// The expectations a question can have, as stored and as the form offers them.
pub const EXPECTATIONS: [(&str, &str); 4] = [
    ("in-top", "is among the first N results"),
    ("above", "ranks above another framework"),
    ("excluded", "is excluded"),
    ("top-pick", "is the top pick"),
];

/// What a question expects of its framework, read from the stored row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation<'a> {
    /// Among the first `n` results.
    InTop(usize),
    /// Ranked above `other`; a ranked framework is above an excluded one.
    Above(&'a str),
    /// Left out by a must-have (or the search).
    Excluded,
    /// The first result.
    TopPick,
}

impl<'a> Expectation<'a> {
    /// The expectation of a stored question; `None` only for a row the schema would refuse.
    pub fn of(question: &'a Question) -> Option<Self> {
        match question.expectation.as_str() {
            "in-top" => Some(Self::InTop(usize::try_from(question.top_n?).ok()?)),
            "above" => question.other.as_deref().map(Self::Above),
            "excluded" => Some(Self::Excluded),
            "top-pick" => Some(Self::TopPick),
            _ => None,
        }
    }
}

/// What a question expects, in words, naming frameworks by slug: "django is in the top 3".
pub fn expectation_text(question: &Question) -> String {
    expectation_words(question, &question.framework, question.other.as_deref())
}

/// What a question expects, naming the frameworks as `verdict` saw them: "Django ranks above
/// Flask" (a framework missing from the knowledge keeps its slug).
pub fn expectation_named(question: &Question, verdict: &Verdict) -> String {
    let name = |seen: &Option<Seen>| seen.as_ref().map(|s| s.name.clone());
    let framework = name(&verdict.framework).unwrap_or_else(|| question.framework.clone());
    let other = name(&verdict.other).or_else(|| question.other.clone());
    expectation_words(question, &framework, other.as_deref())
}

fn expectation_words(question: &Question, framework: &str, other: Option<&str>) -> String {
    match Expectation::of(question) {
        Some(Expectation::InTop(n)) => format!("{framework} is in the top {n}"),
        Some(Expectation::Above(slug)) => {
            format!("{framework} ranks above {}", other.unwrap_or(slug))
        }
        Some(Expectation::Excluded) => format!("{framework} is excluded"),
        Some(Expectation::TopPick) => format!("{framework} is the top pick"),
        None => format!("{framework}: {}", question.expectation),
    }
}

/// A framework's place in one answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Place {
    Ranked {
        rank: usize,
        score: f64,
    },
    /// Left out, with the reasons in words.
    Excluded {
        reasons: String,
    },
    /// Not in the knowledge base (deleted or renamed since the question was written).
    Missing,
}

/// Where a framework stood in an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Seen {
    pub slug: String,
    /// Its name, or the slug when it is not in the knowledge base.
    pub name: String,
    #[serde(flatten)]
    pub place: Place,
}

impl Seen {
    fn in_answer(slug: &str, answer: &Recommendation) -> Self {
        if let Some(r) = answer.results.iter().find(|r| r.slug.as_str() == slug) {
            return Self {
                slug: slug.to_owned(),
                name: r.name.clone(),
                place: Place::Ranked {
                    rank: r.rank,
                    score: r.score,
                },
            };
        }
        if let Some(e) = answer.excluded.iter().find(|e| e.slug.as_str() == slug) {
            let reasons: Vec<String> = e.reasons.iter().map(|r| r.describe()).collect();
            return Self {
                slug: slug.to_owned(),
                name: e.name.clone(),
                place: Place::Excluded {
                    reasons: reasons.join("; "),
                },
            };
        }
        Self {
            slug: slug.to_owned(),
            name: slug.to_owned(),
            place: Place::Missing,
        }
    }

    /// The rank, when ranked.
    pub fn rank(&self) -> Option<usize> {
        match self.place {
            Place::Ranked { rank, .. } => Some(rank),
            _ => None,
        }
    }

    /// "#2 with 84.0", "excluded (Security: 3 of 5, …)", "not in the knowledge base".
    pub fn describe(&self) -> String {
        match &self.place {
            Place::Ranked { rank, score } => format!("#{rank} with {score:.1}"),
            Place::Excluded { reasons } => format!("excluded ({reasons})"),
            Place::Missing => "not in the knowledge base".to_owned(),
        }
    }
}

/// A result of an answer, as a top pick or one of a top three.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Pick {
    pub slug: String,
    pub name: String,
    pub score: f64,
}

impl Pick {
    /// The first `n` results of `answer`.
    pub fn first(answer: &Recommendation, n: usize) -> Vec<Pick> {
        (answer.results.iter().take(n))
            .map(|r| Pick {
                slug: r.slug.to_string(),
                name: r.name.clone(),
                score: r.score,
            })
            .collect()
    }
}

/// A question decided against an answer: whether it passed and what was seen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub passed: bool,
    /// Where the question's framework stood; `None` when the question could not be asked.
    pub framework: Option<Seen>,
    /// Where the other framework of an "above" question stood.
    pub other: Option<Seen>,
    /// The answer's first result, when anything passed.
    pub top_pick: Option<Pick>,
    /// Why the question could not be asked: its query names something no longer there.
    pub unanswerable: Option<String>,
}

impl Verdict {
    /// A failed verdict for a question whose query cannot be asked of the knowledge.
    pub fn unanswerable(why: String) -> Self {
        Self {
            passed: false,
            framework: None,
            other: None,
            top_pick: None,
            unanswerable: Some(why),
        }
    }

    /// What was seen, in a line: "Django #2 with 84.0; top pick Laravel (86.0)".
    pub fn seen(&self) -> String {
        if let Some(why) = &self.unanswerable {
            return format!("cannot be asked: {why}");
        }
        let mut parts: Vec<String> = [&self.framework, &self.other]
            .into_iter()
            .flatten()
            .map(|s| format!("{} {}", s.name, s.describe()))
            .collect();
        parts.push(match &self.top_pick {
            Some(p) => format!("top pick {} ({:.1})", p.name, p.score),
            None => "nothing fits".to_owned(),
        });
        parts.join("; ")
    }

    /// "passes" or "fails", for sentences and CSS classes alike.
    pub fn word(&self) -> &'static str {
        if self.passed { "passes" } else { "fails" }
    }
}

/// Decides `question` against `answer`, which must explain every result and exclusion
/// ([`Limits::ALL`]): a framework missing from it is taken to be missing from the knowledge.
pub fn judge(question: &Question, answer: &Recommendation) -> Verdict {
    let framework = Seen::in_answer(&question.framework, answer);
    let expectation = Expectation::of(question);
    let other = match expectation {
        Some(Expectation::Above(other)) => Some(Seen::in_answer(other, answer)),
        _ => None,
    };
    let rank = framework.rank();
    let passed = match expectation {
        Some(Expectation::InTop(n)) => rank.is_some_and(|r| r <= n),
        Some(Expectation::TopPick) => rank == Some(1),
        Some(Expectation::Excluded) => matches!(framework.place, Place::Excluded { .. }),
        Some(Expectation::Above(_)) => {
            let other = other.as_ref().expect("an above question sees its other");
            // A framework gone from the knowledge cannot be ranked below: the question says
            // nothing any more, which must show, not pass quietly.
            match (rank, &other.place) {
                (Some(r), Place::Ranked { rank: o, .. }) => r < *o,
                (Some(_), Place::Excluded { .. }) => true,
                _ => false,
            }
        }
        None => false,
    };
    Verdict {
        passed,
        framework: Some(framework),
        other,
        top_pick: Pick::first(answer, 1).pop(),
        unanswerable: None,
    }
}

/// The query string's parameters against `names`; an error names the first bad parameter.
pub fn parse_query(query: &str, names: &Names) -> Result<Params, FieldError> {
    params::parse(query, names).map_err(|errors| {
        let first = errors.into_iter().next();
        first.map_or_else(
            || FieldError::new("query", "was not understood"),
            |e| FieldError::new("query", format!("{}: {}", e.field, e.message)),
        )
    })
}

/// A query as an editor gives it, pasted whole from the address bar (it may keep its `?` or
/// the page's path) or typed: its parameters, or the problem at the field `query`. A query
/// asking nothing is a problem too.
pub fn parse_pasted(text: &str, names: &Names) -> Result<Params, FieldError> {
    let text = text.trim();
    let query = text.rsplit_once('?').map_or(text, |(_, q)| q);
    let params = parse_query(query, names)?;
    if params.is_empty() {
        return Err(FieldError::new(
            "query",
            "asks nothing: give at least one parameter",
        ));
    }
    Ok(params)
}

/// The answer `knowledge` gives to `query` with every result and exclusion explained, or
/// why it cannot be asked. The free text is searched in the live full-text index, whatever
/// knowledge is given: see `impact`.
pub async fn answer(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    query: &str,
) -> Result<std::result::Result<Recommendation, String>> {
    answer_explaining(pool, knowledge, query, Explained::All).await
}

/// [`answer`], reading the notes of what `explained` picks only.
async fn answer_explaining(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    query: &str,
    explained: Explained<'_>,
) -> Result<std::result::Result<Recommendation, String>> {
    let params = match parse_query(query, &knowledge.names) {
        Ok(params) => params,
        Err(problem) => return Ok(Err(problem.message)),
    };
    let answer = rank_explaining(pool, &params, knowledge, Limits::ALL, explained).await?;
    Ok(Ok(answer))
}

/// Asks `question` of `knowledge`.
pub async fn evaluate(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    question: &Question,
) -> Result<Verdict> {
    Ok(match answer(pool, knowledge, &question.query).await? {
        Ok(answer) => judge(question, &answer),
        Err(why) => Verdict::unanswerable(why),
    })
}

/// Whether `question` passes on `knowledge`: [`evaluate`]'s verdict without the notes behind
/// the ratings, which a verdict does not look at (it judges ranks and exclusions alone), so
/// nothing but a free-text search asks SQLite.
pub async fn passes(pool: &SqlitePool, knowledge: &Knowledge, question: &Question) -> Result<bool> {
    let answer = answer_explaining(pool, knowledge, &question.query, Explained::NOTHING).await?;
    Ok(answer.is_ok_and(|answer| judge(question, &answer).passed))
}

/// Asks each of `questions` of `knowledge`, in order.
pub async fn evaluate_each(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    questions: &[Question],
) -> Result<Vec<Verdict>> {
    let mut verdicts = Vec::with_capacity(questions.len());
    for question in questions {
        verdicts.push(evaluate(pool, knowledge, question).await?);
    }
    Ok(verdicts)
}

/// Every stored reference question, by name, with its verdict on `knowledge`.
pub async fn evaluate_all(
    pool: &SqlitePool,
    knowledge: &Knowledge,
) -> Result<Vec<(Question, Verdict)>> {
    let questions = reference::all(pool).await?;
    let verdicts = evaluate_each(pool, knowledge, &questions).await?;
    Ok(questions.into_iter().zip(verdicts).collect())
}

/// How many results a brief pins and should not see change silently.
pub const BRIEF_TOP: usize = 3;

/// The first [`BRIEF_TOP`] results of a brief's pinned answer (`RecommendationsBody` JSON);
/// empty when it pinned nothing or cannot be read.
pub fn pinned_top(result: &str) -> Vec<Pick> {
    #[derive(serde::Deserialize)]
    struct Body {
        results: Vec<Pick>,
    }
    serde_json::from_str::<Body>(result)
        .map(|b| b.results.into_iter().take(BRIEF_TOP).collect())
        .unwrap_or_default()
}

/// Whether two top-three lists name the same frameworks in the same order (scores may move).
pub fn same_order(a: &[Pick], b: &[Pick]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.slug == y.slug)
}

/// The first [`BRIEF_TOP`] results `knowledge` gives to `query`, or why it cannot be asked.
pub async fn top_three(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    query: &str,
) -> Result<std::result::Result<Vec<Pick>, String>> {
    Ok(answer(pool, knowledge, query)
        .await?
        .map(|answer| Pick::first(&answer, BRIEF_TOP)))
}

/// A saved brief whose top three today is not the one it pinned: a question without an
/// expectation, whose answer should not change silently.
#[derive(Debug, Clone)]
pub struct Drift {
    pub brief: LatestPin,
    pub pinned: Vec<Pick>,
    /// Today's top three, or why its query cannot be asked any more.
    pub now: std::result::Result<Vec<Pick>, String>,
}

/// Of the [`WEIGHED`](crate::db::briefs::WEIGHED) most recently changed current briefs,
/// those whose latest revision's top three differs from what `knowledge` answers today, most
/// recently changed first. Each distinct question is asked once.
pub async fn drifted_briefs(pool: &SqlitePool, knowledge: &Knowledge) -> Result<Vec<Drift>> {
    let mut drifted = Vec::new();
    let mut answers = std::collections::HashMap::new();
    for brief in crate::db::briefs::latest_pins(pool, crate::db::briefs::WEIGHED).await? {
        let pinned = pinned_top(&brief.result);
        if !answers.contains_key(&brief.query) {
            let now = top_three(pool, knowledge, &brief.query).await?;
            answers.insert(brief.query.clone(), now);
        }
        let now = answers[&brief.query].clone();
        if now.as_ref().is_ok_and(|now| same_order(now, &pinned)) {
            continue;
        }
        drifted.push(Drift { brief, pinned, now });
    }
    Ok(drifted)
}

/// What is wrong with `question` as an editor wrote it, by form field, given the
/// knowledge's names and frameworks; on success its query is made canonical in place.
pub fn problems(question: &mut Question, knowledge: &Knowledge) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Err(e) = Slug::parse(&question.slug) {
        errors.push(FieldError::new("slug", e.0));
    }
    let length = |field: &str, text: &str, min: usize, max: usize| {
        let chars = text.chars().count();
        (chars < min || chars > max).then(|| {
            let message = if min > 0 && chars == 0 {
                "is required".to_owned()
            } else {
                format!("must be at most {max} characters")
            };
            FieldError::new(field, message)
        })
    };
    errors.extend(length("name", &question.name, 1, 200));
    errors.extend(length("rationale", &question.rationale, 0, 4000));
    errors.extend(length("source", &question.source, 0, 2000));
    if question.query.trim().is_empty() {
        errors.push(FieldError::new(
            "query",
            "is required: the query string of the question, as the query page's address has it",
        ));
    } else {
        match parse_pasted(&question.query, &knowledge.names) {
            Ok(params) => question.query = params.to_query_string(),
            Err(problem) => errors.push(problem),
        }
    }
    let known = |slug: &str| {
        knowledge
            .catalogue
            .candidates()
            .iter()
            .any(|c| c.slug.as_str() == slug)
    };
    if !known(&question.framework) {
        errors.push(FieldError::new("framework", "choose a framework"));
    }
    match question.expectation.as_str() {
        "in-top" => {
            question.other = None;
            if !question.top_n.is_some_and(|n| (1..=50).contains(&n)) {
                errors.push(FieldError::new("top_n", "give a whole number from 1 to 50"));
            }
        }
        "above" => {
            question.top_n = None;
            match question.other.as_deref() {
                Some(other) if other == question.framework => errors.push(FieldError::new(
                    "other",
                    "choose a framework other than the first",
                )),
                Some(other) if known(other) => {}
                _ => errors.push(FieldError::new(
                    "other",
                    "choose the framework it must rank above",
                )),
            }
        }
        "excluded" | "top-pick" => {
            question.top_n = None;
            question.other = None;
        }
        _ => errors.push(FieldError::new(
            "expectation",
            "choose what the answer must show",
        )),
    }
    errors
}

/// A finding for each failing question, for `stackatlas check`: an error when the seed
/// brought the question (CI fails on it), a warning when an editor wrote it (their test,
/// their call), in the order given.
pub fn findings(judged: &[(Question, Verdict)]) -> Vec<Finding> {
    judged
        .iter()
        .filter(|(_, verdict)| !verdict.passed)
        .map(|(question, verdict)| Finding {
            severity: if question.seeded {
                Severity::Error
            } else {
                Severity::Warning
            },
            code: "reference-question-fails",
            location: format!("reference_questions[{}]", question.slug),
            message: format!(
                "“{}” expects that {}, but for {} it sees {}. Fix the knowledge (with a source) \
                 or, if the expectation no longer holds, change the question and say why.",
                question.name,
                expectation_named(question, verdict),
                question.query,
                verdict.seen()
            ),
            subject: Subject::ReferenceQuestion(question.slug.clone()),
        })
        .collect()
}

/// The seed's questions, as shipped.
pub fn seed_questions() -> Vec<Question> {
    serde_json::from_str(SEED_JSON).expect("seed/reference-questions.json is valid")
}

/// Stores the seed's questions when none was ever saved and the knowledge can ask them all
/// (every query parses and every framework exists): a knowledge base of other frameworks,
/// imported in their place, gets no questions about frameworks it lacks. `knowledge` is the
/// knowledge as loaded (the server's own: a second copy read here for the first start after
/// an import stayed in the allocator, 27 MiB at 10,000 frameworks). `actor` is who the
/// history names, as for the seed's knowledge. Returns how many.
pub async fn seed(pool: &SqlitePool, knowledge: &Knowledge, actor: &str) -> Result<usize> {
    // Every start comes here: after the first, nothing is read but this.
    if reference::ever_saved(pool).await? {
        return Ok(0);
    }
    let mut questions = seed_questions();
    let fits = questions
        .iter_mut()
        .all(|q| problems(q, knowledge).is_empty());
    if !fits {
        return Ok(0);
    }
    Ok(reference::seed(pool, &questions, actor, SEED_NOTE).await?)
}
