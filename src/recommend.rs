//! The ranking engine: a pure function from a client's project (the query) and the knowledge
//! base to ranked, explained results. No I/O, so every rule is unit-tested here.
//!
//! The formula is written down, with a worked example, in `docs/scoring.md`; keep the two in
//! step. In short: every criterion the query brings (industry fit, each must-have, each
//! nice-to-have, the team's languages, search relevance, radar maturity) rates a framework
//! 0–5 and carries a weight; the score is the weighted share of the maximum, 0–100, and the
//! points of the criteria add up to it exactly.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Ring, Score};

/// A must-have is met when the framework is at least "strong" (4 of 5) at it: merely
/// adequate support is what a nice-to-have is for.
pub const MUST_HAVE_MINIMUM: u8 = 4;

/// When the top two scores are this close (points out of 100), the result is a close call.
pub const CLOSE_CALL_MARGIN: f64 = 3.0;

/// How much each kind of criterion counts against the others. See docs/scoring.md.
pub mod weight {
    /// The client's industry: the broadest signal of fit.
    pub const INDUSTRY: u32 = 3;
    /// Each must-have requirement (beyond passing the minimum, its strength still counts).
    pub const NEED: u32 = 2;
    /// Each nice-to-have requirement.
    pub const WANT: u32 = 1;
    /// The languages the client's team already knows.
    pub const LANGUAGE: u32 = 2;
    /// How well the framework matches the free-text search.
    pub const SEARCH: u32 = 1;
    /// The radar ring: present in every query, so an empty query still ranks sensibly.
    pub const MATURITY: u32 = 1;
}

/// Languages close enough that a team fluent in one is productive in the other soon.
const RELATED_LANGUAGES: &[(&str, &str)] = &[("javascript", "typescript"), ("java", "kotlin")];

/// What the salesperson asked for; slugs are already known to exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub industry: Option<String>,
    pub need: Vec<String>,
    pub want: Vec<String>,
    pub lang: Vec<String>,
    /// Whether a free-text search was given; candidates then carry their search rank.
    pub searching: bool,
}

/// A rating with the note that justifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub score: Score,
    pub note: String,
}

/// A use case a framework is linked to, with the industry it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseCaseRef {
    pub slug: String,
    pub name: String,
    pub industry: String,
}

/// One framework as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub slug: String,
    pub name: String,
    pub language: String,
    pub ring: Ring,
    /// Requirement slug → strength and note.
    pub strengths: HashMap<String, Evidence>,
    /// Industry slug → fit and note.
    pub fits: HashMap<String, Evidence>,
    pub use_cases: Vec<UseCaseRef>,
    /// SQLite's bm25 for the search (lower is better); `None` when it does not match.
    pub search_rank: Option<f64>,
}

/// Display names for the slugs a query can mention.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub requirements: HashMap<String, String>,
    pub industries: HashMap<String, String>,
    pub languages: HashMap<String, String>,
}

impl Names {
    fn of<'a>(map: &'a HashMap<String, String>, slug: &'a str) -> &'a str {
        map.get(slug).map_or(slug, String::as_str)
    }
}

/// What a criterion measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionKind {
    Industry,
    MustHave,
    NiceToHave,
    Language,
    Search,
    Maturity,
}

impl CriterionKind {
    pub fn label(self) -> &'static str {
        match self {
            CriterionKind::Industry => "Industry fit",
            CriterionKind::MustHave => "Must have",
            CriterionKind::NiceToHave => "Nice to have",
            CriterionKind::Language => "Team languages",
            CriterionKind::Search => "Search match",
            CriterionKind::Maturity => "Maturity",
        }
    }
}

/// One line of a result's breakdown: what was measured, the 0–5 rating, its weight, the
/// points it contributed to the 0–100 score, and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Criterion {
    pub kind: CriterionKind,
    /// The requirement, industry or language slug measured; empty for search and maturity.
    pub subject: String,
    pub label: String,
    pub rating: u8,
    pub weight: u32,
    pub points: f64,
    pub max_points: f64,
    pub note: String,
}

/// A framework that passed every must-have, with its score and why.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Ranked {
    pub rank: usize,
    pub slug: String,
    pub name: String,
    /// 0–100, rounded to one decimal.
    pub score: f64,
    pub criteria: Vec<Criterion>,
    /// Use cases in the chosen industry (all of them when no industry was chosen).
    pub use_cases: Vec<String>,
    #[serde(skip)]
    raw: u32,
    #[serde(skip)]
    ring: Ring,
}

/// Why a framework was left out.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Exclusion {
    /// A must-have below the minimum.
    MustHave {
        requirement: String,
        label: String,
        strength: u8,
        minimum: u8,
        note: String,
    },
    /// The free-text search does not match it.
    NoSearchMatch,
}

impl Exclusion {
    /// One sentence a salesperson can read out.
    pub fn describe(&self) -> String {
        match self {
            Exclusion::MustHave {
                label,
                strength,
                minimum,
                ..
            } => format!("{label}: {strength} of 5, below the must-have minimum of {minimum}"),
            Exclusion::NoSearchMatch => "does not match the search".to_owned(),
        }
    }
}

/// A framework left out, with every reason.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Excluded {
    pub slug: String,
    pub name: String,
    pub reasons: Vec<Exclusion>,
}

/// The top two are within [`CLOSE_CALL_MARGIN`] points of each other.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CloseCall {
    pub first: String,
    pub second: String,
    pub margin: f64,
}

/// The ranked, explained answer to a query.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Recommendation {
    pub results: Vec<Ranked>,
    pub excluded: Vec<Excluded>,
    pub close_call: Option<CloseCall>,
}

impl Recommendation {
    /// The must-have that left out the most frameworks, with how many: the first thing to
    /// relax when nothing (or too little) matches.
    pub fn most_excluding_need(&self) -> Option<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for reason in self.excluded.iter().flat_map(|e| &e.reasons) {
            if let Exclusion::MustHave { label, .. } = reason {
                match counts.iter_mut().find(|(l, _)| l == label) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((label.clone(), 1)),
                }
            }
        }
        // Stable sort keeps the query's order among equal counts.
        counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        counts.into_iter().next()
    }
}

/// The rating of a radar ring as a maturity criterion.
fn maturity(ring: Ring) -> u8 {
    match ring {
        Ring::Adopt => 5,
        Ring::Trial => 4,
        Ring::Assess => 2,
        Ring::Hold => 0,
    }
}

fn language_rating<'a>(framework_language: &str, team: &'a [String]) -> (u8, Option<&'a str>) {
    if let Some(known) = team.iter().find(|l| *l == framework_language) {
        return (5, Some(known.as_str()));
    }
    let related = team.iter().find(|l| {
        RELATED_LANGUAGES.iter().any(|(a, b)| {
            (*a == framework_language && *b == l.as_str())
                || (*b == framework_language && *a == l.as_str())
        })
    });
    match related {
        Some(known) => (3, Some(known.as_str())),
        None => (0, None),
    }
}

/// Search relevance as 1–5: the best match gets 5, others in proportion to their bm25
/// (bm25 is negative, more negative is better), never below 1 because they do match.
fn search_rating(rank: f64, best: f64) -> u8 {
    if best >= 0.0 || rank >= 0.0 {
        return 5;
    }
    let share = (rank / best).clamp(0.0, 1.0);
    ((share * 5.0).round() as u8).clamp(1, 5)
}

const NO_EVIDENCE: &str = "No evidence recorded yet.";

fn evidence<'a>(map: &'a HashMap<String, Evidence>, slug: &str) -> (u8, &'a str) {
    map.get(slug)
        .map_or((0, NO_EVIDENCE), |e| (e.score.value(), e.note.as_str()))
}

/// Removes repeats and lets a must-have win over the same nice-to-have, keeping the order.
fn normalise(query: &Query) -> (Vec<&str>, Vec<&str>, Vec<String>) {
    let mut seen = BTreeSet::new();
    let need: Vec<&str> = query
        .need
        .iter()
        .map(String::as_str)
        .filter(|s| seen.insert(*s))
        .collect();
    let want: Vec<&str> = query
        .want
        .iter()
        .map(String::as_str)
        .filter(|s| seen.insert(*s))
        .collect();
    let mut lang: Vec<String> = query.lang.clone();
    lang.sort();
    lang.dedup();
    (need, want, lang)
}

/// Ranks every candidate for the query.
pub fn recommend(query: &Query, candidates: &[Candidate], names: &Names) -> Recommendation {
    let (need, want, lang) = normalise(query);
    let best_search = candidates
        .iter()
        .filter_map(|c| c.search_rank)
        .fold(f64::INFINITY, f64::min);

    let total_weight = query.industry.as_ref().map_or(0, |_| weight::INDUSTRY)
        + weight::NEED * need.len() as u32
        + weight::WANT * want.len() as u32
        + if lang.is_empty() { 0 } else { weight::LANGUAGE }
        + if query.searching { weight::SEARCH } else { 0 }
        + weight::MATURITY;
    let max_raw = 5 * total_weight;

    let mut results = Vec::new();
    let mut excluded = Vec::new();
    for candidate in candidates {
        let mut reasons = Vec::new();
        if query.searching && candidate.search_rank.is_none() {
            reasons.push(Exclusion::NoSearchMatch);
        }
        for slug in &need {
            let (strength, note) = evidence(&candidate.strengths, slug);
            if strength < MUST_HAVE_MINIMUM {
                reasons.push(Exclusion::MustHave {
                    requirement: (*slug).to_owned(),
                    label: Names::of(&names.requirements, slug).to_owned(),
                    strength,
                    minimum: MUST_HAVE_MINIMUM,
                    note: note.to_owned(),
                });
            }
        }
        if !reasons.is_empty() {
            excluded.push(Excluded {
                slug: candidate.slug.clone(),
                name: candidate.name.clone(),
                reasons,
            });
            continue;
        }

        let mut criteria = Vec::new();
        let mut add = |kind, subject: &str, label: String, rating: u8, weight: u32, note: &str| {
            criteria.push(Criterion {
                kind,
                subject: subject.to_owned(),
                label,
                rating,
                weight,
                points: points(u32::from(rating) * weight, max_raw),
                max_points: points(5 * weight, max_raw),
                note: note.to_owned(),
            });
        };
        if let Some(industry) = &query.industry {
            let (fit, note) = evidence(&candidate.fits, industry);
            let label = Names::of(&names.industries, industry).to_owned();
            add(
                CriterionKind::Industry,
                industry,
                label,
                fit,
                weight::INDUSTRY,
                note,
            );
        }
        for (slugs, kind, w) in [
            (&need, CriterionKind::MustHave, weight::NEED),
            (&want, CriterionKind::NiceToHave, weight::WANT),
        ] {
            for slug in slugs {
                let (strength, note) = evidence(&candidate.strengths, slug);
                let label = Names::of(&names.requirements, slug).to_owned();
                add(kind, slug, label, strength, w, note);
            }
        }
        if !lang.is_empty() {
            let (rating, known) = language_rating(&candidate.language, &lang);
            let written_in = Names::of(&names.languages, &candidate.language);
            let note = match known {
                Some(l) if l == candidate.language => {
                    format!("Written in {written_in}, which the team knows.")
                }
                Some(l) => format!(
                    "Written in {written_in}; the team's {} carries over well.",
                    Names::of(&names.languages, l)
                ),
                None => format!("Written in {written_in}, which the team does not list."),
            };
            add(
                CriterionKind::Language,
                &candidate.language,
                written_in.to_owned(),
                rating,
                weight::LANGUAGE,
                &note,
            );
        }
        if let Some(rank) = candidate.search_rank.filter(|_| query.searching) {
            let rating = search_rating(rank, best_search);
            let note = if rating == 5 {
                "Best match for the search."
            } else {
                "Matches the search, less closely than the best."
            };
            add(
                CriterionKind::Search,
                "",
                "Search match".to_owned(),
                rating,
                weight::SEARCH,
                note,
            );
        }
        let ring = candidate.ring;
        add(
            CriterionKind::Maturity,
            ring.as_str(),
            format!("Radar: {}", ring.label()),
            maturity(ring),
            weight::MATURITY,
            ring.advice(),
        );

        let raw = criteria
            .iter()
            .map(|c| u32::from(c.rating) * c.weight)
            .sum::<u32>();
        let use_cases = candidate
            .use_cases
            .iter()
            .filter(|u| query.industry.as_ref().is_none_or(|i| *i == u.industry))
            .map(|u| u.name.clone())
            .collect();
        results.push(Ranked {
            rank: 0,
            slug: candidate.slug.clone(),
            name: candidate.name.clone(),
            score: points(raw, max_raw),
            criteria,
            use_cases,
            raw,
            ring,
        });
    }

    results.sort_by(order);
    for (i, r) in results.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    excluded.sort_by(|a, b| by_name(&a.name, &a.slug, &b.name, &b.slug));
    let close_call = match results.as_slice() {
        [first, second, ..] if first.score - second.score <= CLOSE_CALL_MARGIN => Some(CloseCall {
            first: first.name.clone(),
            second: second.name.clone(),
            margin: round1(first.score - second.score),
        }),
        _ => None,
    };
    Recommendation {
        results,
        excluded,
        close_call,
    }
}

/// Points out of 100 for a raw weighted sum, to one decimal.
fn points(raw: u32, max_raw: u32) -> f64 {
    round1(100.0 * f64::from(raw) / f64::from(max_raw))
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Higher score first (compared on the exact integer sum, not the rounded figure), then the
/// more mature ring, then by name, then slug: the same input always gives the same order.
fn order(a: &Ranked, b: &Ranked) -> Ordering {
    b.raw
        .cmp(&a.raw)
        .then(a.ring.cmp(&b.ring))
        .then_with(|| by_name(&a.name, &a.slug, &b.name, &b.slug))
}

fn by_name(a_name: &str, a_slug: &str, b_name: &str, b_slug: &str) -> Ordering {
    a_name
        .to_lowercase()
        .cmp(&b_name.to_lowercase())
        .then_with(|| a_slug.cmp(b_slug))
}

pub mod params;

#[cfg(test)]
mod tests;
