//! The ranking engine: a pure function from a client's project (the query) and the knowledge
//! base to ranked, explained results. No I/O, so every rule is unit-tested here.
//!
//! The formula is written down, with a worked example, in `docs/scoring.md`; keep the two in
//! step. In short: every criterion the query brings (industry fit, each must-have, each
//! nice-to-have, the team's languages, search relevance, radar maturity) rates a framework
//! 0–5 and carries a weight; the score is the weighted share of the maximum, 0–100, and the
//! points of the criteria add up to it exactly.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::{Ring, Score, Slug};

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
    /// Each use case the project is: a framework built for it (linked to it) earns it.
    pub const USE_CASE: u32 = 1;
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
    /// Use-case slugs the project is.
    pub use_cases: Vec<String>,
    /// Whether a free-text search was given; candidates then carry their search rank.
    pub searching: bool,
}

/// A rating, with the note that justifies it and the addresses it cites when they are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub score: Score,
    /// The day the rating last changed or was confirmed; `None` when never recorded.
    pub reviewed: Option<NaiveDate>,
    /// `None` in the knowledge as loaded, which holds scores only (notes are read for the
    /// results explained, `db::recommend::fill_evidence`): so a rating takes 16 bytes where a
    /// note and a list kept empty took 64, at 10,000 frameworks 31 MB of 560,000 ratings.
    pub notes: Option<Arc<Notes>>,
}

impl Evidence {
    /// A rating with its note and sources.
    pub fn noted(
        score: Score,
        reviewed: Option<NaiveDate>,
        note: String,
        sources: Vec<String>,
    ) -> Self {
        Self {
            score,
            reviewed,
            notes: Some(Arc::new(Notes { note, sources })),
        }
    }

    /// The note, or nothing when it is not known here.
    pub fn note(&self) -> &str {
        self.notes.as_deref().map_or("", |n| n.note.as_str())
    }

    /// The sources the note cites, or none when they are not known here.
    pub fn sources(&self) -> &[String] {
        self.notes.as_deref().map_or(&[], |n| n.sources.as_slice())
    }
}

/// The note behind a rating and the sources it cites.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notes {
    pub note: String,
    pub sources: Vec<String>,
}

/// A framework's ratings of one kind, by subject (a requirement's or an industry's slug).
///
/// A list in slug order rather than a hash map: a framework rates a few dozen subjects, found
/// by a binary search as fast as by hashing, and the list holds them without a map's spare
/// room (at 10,000 frameworks, 18 MB where maps took 32).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ratings(Vec<(Slug, Evidence)>);

impl Ratings {
    fn position(&self, subject: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(s, _)| s.as_str().cmp(subject))
    }

    /// The rating of `subject`, if one is recorded.
    pub fn get(&self, subject: &str) -> Option<&Evidence> {
        self.position(subject).ok().map(|at| &self.0[at].1)
    }

    /// The rating of `subject` to change in place, if one is recorded.
    pub fn get_mut(&mut self, subject: &str) -> Option<&mut Evidence> {
        self.position(subject).ok().map(|at| &mut self.0[at].1)
    }

    /// Records `evidence` for `subject`, giving back the rating it replaces.
    pub fn insert(&mut self, subject: Slug, evidence: Evidence) -> Option<Evidence> {
        match self.position(subject.as_str()) {
            Ok(at) => Some(std::mem::replace(&mut self.0[at].1, evidence)),
            Err(at) => {
                self.0.insert(at, (subject, evidence));
                None
            }
        }
    }

    /// Takes the rating of `subject` away, if one is recorded.
    pub fn remove(&mut self, subject: &str) -> Option<Evidence> {
        self.position(subject).ok().map(|at| self.0.remove(at).1)
    }

    /// Every rating, in slug order.
    pub fn iter(&self) -> impl Iterator<Item = (&Slug, &Evidence)> {
        self.0.iter().map(|(subject, evidence)| (subject, evidence))
    }

    /// Every subject rated, in slug order.
    pub fn keys(&self) -> impl Iterator<Item = &Slug> {
        self.0.iter().map(|(subject, _)| subject)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Collects ratings in any order; of two for one subject, the later is kept (as a map's
/// inserts would).
impl FromIterator<(Slug, Evidence)> for Ratings {
    fn from_iter<I: IntoIterator<Item = (Slug, Evidence)>>(ratings: I) -> Self {
        let mut list: Vec<(Slug, Evidence)> = ratings.into_iter().collect();
        // Stable, so that among equal subjects the later stays later; then the last is kept.
        list.sort_by(|(a, _), (b, _)| a.cmp(b));
        let mut kept: Vec<(Slug, Evidence)> = Vec::with_capacity(list.len());
        for (subject, evidence) in list {
            match kept.last_mut() {
                Some((last, held)) if *last == subject => *held = evidence,
                _ => kept.push((subject, evidence)),
            }
        }
        kept.shrink_to_fit();
        Self(kept)
    }
}

/// The rating of `subject`; panics when none is recorded, as a map's index does.
impl std::ops::Index<&str> for Ratings {
    type Output = Evidence;

    fn index(&self, subject: &str) -> &Evidence {
        self.get(subject)
            .unwrap_or_else(|| panic!("no rating of {subject} is recorded"))
    }
}

impl<const N: usize> From<[(Slug, Evidence); N]> for Ratings {
    fn from(ratings: [(Slug, Evidence); N]) -> Self {
        ratings.into_iter().collect()
    }
}

/// A use case a framework is linked to, with the industry it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseCaseRef {
    pub slug: Slug,
    pub name: String,
    pub industry: Slug,
}

/// One framework as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub slug: Slug,
    pub name: String,
    /// Every language a team writes when building on it (slugs), matched against the team's.
    pub languages: Vec<Slug>,
    pub ring: Ring,
    /// Requirement slug → strength and note.
    pub strengths: Ratings,
    /// Industry slug → fit and note.
    pub fits: Ratings,
    pub use_cases: Vec<UseCaseRef>,
    /// SQLite's bm25 for the search (lower is better); `None` when it does not match.
    pub search_rank: Option<f64>,
    /// The day an editor last reviewed the whole entry; `None` when never.
    pub last_reviewed: Option<NaiveDate>,
}

impl Candidate {
    /// Whether `other` ranks as this one in every question: the same in all but the notes,
    /// sources and review dates behind its ratings, which no score or place reads (the dates
    /// only say how firm an explained answer is). A form sends no review dates, so comparing
    /// them made every save look like a change to the rankings.
    pub fn ranks_as(&self, other: &Candidate) -> bool {
        fn rated_alike(a: &Ratings, b: &Ratings) -> bool {
            a.len() == b.len()
                && (a.iter().zip(b.iter())).all(|((s, e), (t, f))| s == t && f.score == e.score)
        }
        self.slug == other.slug
            && self.name == other.name
            && self.languages == other.languages
            && self.ring == other.ring
            && rated_alike(&self.strengths, &other.strengths)
            && rated_alike(&self.fits, &other.fits)
            && self.use_cases == other.use_cases
            && self.search_rank == other.search_rank
    }
}

/// Which of a framework's ratings: a requirement's strength or an industry's fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RatingKind {
    Requirement,
    Industry,
}

/// Display names for the slugs a query can mention.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    pub requirements: HashMap<String, String>,
    pub industries: HashMap<String, String>,
    pub languages: HashMap<String, String>,
    pub use_cases: HashMap<String, String>,
}

impl Names {
    fn of<'a>(map: &'a HashMap<String, String>, slug: &'a str) -> &'a str {
        map.get(slug).map_or(slug, String::as_str)
    }
}

/// What a criterion measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub fn label(self) -> &'static str {
        match self {
            CriterionKind::Industry => "Industry fit",
            CriterionKind::MustHave => "Must have",
            CriterionKind::NiceToHave => "Nice to have",
            CriterionKind::Language => "Team languages",
            CriterionKind::UseCase => "Use case",
            CriterionKind::Search => "Search match",
            CriterionKind::Maturity => "Maturity",
        }
    }

    /// How much one point of this criterion counts: its entry in [`weight`].
    pub fn weight(self) -> u32 {
        match self {
            CriterionKind::Industry => weight::INDUSTRY,
            CriterionKind::MustHave => weight::NEED,
            CriterionKind::NiceToHave => weight::WANT,
            CriterionKind::Language => weight::LANGUAGE,
            CriterionKind::UseCase => weight::USE_CASE,
            CriterionKind::Search => weight::SEARCH,
            CriterionKind::Maturity => weight::MATURITY,
        }
    }
}

/// One line of a result's breakdown: what was measured, the 0–5 rating, its weight, the
/// points it contributed to the 0–100 score, and the evidence behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub kind: CriterionKind,
    /// The requirement, industry, language or use-case slug measured (the ring for
    /// maturity); empty for search.
    pub subject: String,
    pub label: String,
    pub rating: Score,
    pub weight: u32,
    pub points: f64,
    pub max_points: f64,
    pub note: String,
    /// The addresses the evidence cites; empty for criteria that are not ratings.
    pub sources: Vec<String>,
}

/// A framework that passed every must-have, with its score and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub rank: usize,
    pub slug: Slug,
    pub name: String,
    /// 0–100, rounded to one decimal.
    pub score: f64,
    pub criteria: Vec<Criterion>,
    /// Use cases in the chosen industry (all of them when no industry was chosen).
    pub use_cases: Vec<String>,
    raw: u32,
    ring: Ring,
}

/// Why a framework was left out.
#[derive(Debug, Clone, PartialEq)]
pub enum Exclusion {
    /// A must-have below the minimum.
    MustHave {
        requirement: String,
        label: String,
        strength: u8,
        minimum: u8,
        note: String,
        /// The addresses the strength cites.
        sources: Vec<String>,
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
#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    pub slug: Slug,
    pub name: String,
    pub reasons: Vec<Exclusion>,
}

/// The top two are within [`CLOSE_CALL_MARGIN`] points of each other.
#[derive(Debug, Clone, PartialEq)]
pub struct CloseCall {
    pub first: String,
    pub second: String,
    pub margin: f64,
}

/// The ranked, explained answer to a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub results: Vec<Ranked>,
    pub excluded: Vec<Excluded>,
    pub close_call: Option<CloseCall>,
    /// How many passed and how many were left out, explained or not (see [`Limits`]).
    pub total_results: usize,
    pub total_excluded: usize,
    /// Each must-have's label with how many frameworks it left out, in the query's order.
    pub need_exclusions: Vec<(String, usize)>,
    /// What would change the first place, and how far each weight may move before it does.
    pub firmness: sensitivity::Firmness,
}

impl Recommendation {
    /// The must-have that left out the most frameworks, with how many: the first thing to
    /// relax when nothing (or too little) matches.
    pub fn most_excluding_need(&self) -> Option<(String, usize)> {
        // The first of the largest counts, so equal counts keep the query's order.
        let mut best: Option<&(String, usize)> = None;
        for entry in &self.need_exclusions {
            if entry.1 > 0 && best.is_none_or(|b| entry.1 > b.1) {
                best = Some(entry);
            }
        }
        best.cloned()
    }
}

/// The rating of a radar ring as a maturity criterion.
fn maturity(ring: Ring) -> Score {
    match ring {
        Ring::Adopt => Score::of(5),
        Ring::Trial => Score::of(4),
        Ring::Assess => Score::of(2),
        Ring::Hold => Score::of(0),
    }
}

/// The team-language rating of a framework a team builds on with `languages`: 5 when the
/// team knows one of them, 3 when it knows a close relative of one, else 0; with the
/// (framework language, team language) pair that earned it.
fn language_rating<'a, 'f>(
    languages: &'f [Slug],
    team: &'a [String],
) -> (Score, Option<(&'f Slug, &'a str)>) {
    for language in languages {
        if let Some(known) = team.iter().find(|l| *l == language.as_str()) {
            return (Score::of(5), Some((language, known.as_str())));
        }
    }
    for language in languages {
        let related = team.iter().find(|l| {
            RELATED_LANGUAGES.iter().any(|(a, b)| {
                (*a == language.as_str() && *b == l.as_str())
                    || (*b == language.as_str() && *a == l.as_str())
            })
        });
        if let Some(known) = related {
            return (Score::of(3), Some((language, known.as_str())));
        }
    }
    (Score::of(0), None)
}

/// Search relevance as 1–5: the best match gets 5, others in proportion to their bm25
/// (bm25 is negative, more negative is better), never below 1 because they do match.
fn search_rating(rank: f64, best: f64) -> Score {
    if best >= 0.0 || rank >= 0.0 {
        return Score::of(5);
    }
    let share = (rank / best).clamp(0.0, 1.0);
    Score::of(((share * 5.0).round() as u8).clamp(1, 5))
}

const NO_EVIDENCE: &str = "No evidence recorded yet.";

fn evidence<'a>(map: &'a Ratings, slug: &str) -> (Score, &'a str, &'a [String]) {
    map.get(slug).map_or((Score::of(0), NO_EVIDENCE, &[]), |e| {
        (e.score, e.note(), e.sources())
    })
}

/// Removes repeats and lets a must-have win over the same nice-to-have, keeping the order.
fn normalise(query: &Query) -> (Vec<&str>, Vec<&str>, Vec<String>, Vec<&str>) {
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
    let mut seen = BTreeSet::new();
    let use_cases = query
        .use_cases
        .iter()
        .map(String::as_str)
        .filter(|s| seen.insert(*s))
        .collect();
    (need, want, lang, use_cases)
}

/// The candidates, indexed once so that ranking a query is a scan over small integers: a
/// strength and a fit table by position, each framework's set of languages as a number and its place
/// in name order. Only the results a reader sees are then explained in words.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    candidates: Vec<Candidate>,
    requirement_columns: HashMap<Slug, usize>,
    industry_columns: HashMap<Slug, usize>,
    use_case_columns: HashMap<Slug, usize>,
    /// Row-major, one row per candidate: 0 where nothing is recorded.
    strengths: Vec<u8>,
    fits: Vec<u8>,
    /// Row-major like `strengths`: whether the candidate is linked to the use case.
    linked: Vec<bool>,
    /// The distinct sets of languages teams write on the candidates, each sorted.
    language_sets: Vec<Vec<Slug>>,
    language_of: Vec<usize>,
    /// Each candidate's position when sorted by name (then slug).
    name_order: Vec<usize>,
    positions: HashMap<Slug, usize>,
}

impl Catalogue {
    pub fn new(candidates: Vec<Candidate>) -> Self {
        fn columns<'a>(keys: impl Iterator<Item = &'a Slug>) -> HashMap<Slug, usize> {
            let mut columns = HashMap::new();
            for key in keys {
                let next = columns.len();
                columns.entry(key.clone()).or_insert(next);
            }
            columns
        }
        fn table(
            candidates: &[Candidate],
            columns: &HashMap<Slug, usize>,
            ratings: impl Fn(&Candidate) -> &Ratings,
        ) -> Vec<u8> {
            let mut table = vec![0; candidates.len() * columns.len()];
            for (row, candidate) in candidates.iter().enumerate() {
                for (slug, evidence) in ratings(candidate).iter() {
                    table[row * columns.len() + columns[slug]] = evidence.score.value();
                }
            }
            table
        }
        let requirement_columns = columns(candidates.iter().flat_map(|c| c.strengths.keys()));
        let industry_columns = columns(candidates.iter().flat_map(|c| c.fits.keys()));
        let strengths = table(&candidates, &requirement_columns, |c| &c.strengths);
        let fits = table(&candidates, &industry_columns, |c| &c.fits);
        let use_case_columns = columns(
            candidates
                .iter()
                .flat_map(|c| c.use_cases.iter().map(|u| &u.slug)),
        );
        let mut linked = vec![false; candidates.len() * use_case_columns.len()];
        for (row, candidate) in candidates.iter().enumerate() {
            for use_case in &candidate.use_cases {
                linked[row * use_case_columns.len() + use_case_columns[&use_case.slug]] = true;
            }
        }
        let sorted_set = |c: &Candidate| {
            let mut set = c.languages.clone();
            set.sort();
            set
        };
        let mut language_sets: Vec<Vec<Slug>> = candidates.iter().map(sorted_set).collect();
        language_sets.sort();
        language_sets.dedup();
        let language_of = candidates
            .iter()
            .map(|c| language_sets.binary_search(&sorted_set(c)).unwrap_or(0))
            .collect();
        let keys: Vec<String> = candidates.iter().map(|c| c.name.to_lowercase()).collect();
        let mut by_name: Vec<usize> = (0..candidates.len()).collect();
        by_name.sort_by(|&a, &b| {
            keys[a]
                .cmp(&keys[b])
                .then_with(|| candidates[a].slug.cmp(&candidates[b].slug))
        });
        let mut name_order = vec![0; candidates.len()];
        for (place, &index) in by_name.iter().enumerate() {
            name_order[index] = place;
        }
        let positions = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (c.slug.clone(), i))
            .collect();
        Self {
            candidates,
            requirement_columns,
            industry_columns,
            use_case_columns,
            strengths,
            fits,
            linked,
            language_sets,
            language_of,
            name_order,
            positions,
        }
    }

    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// Every candidate (every framework in the knowledge base), by name then slug.
    pub fn by_name(&self) -> Vec<&Candidate> {
        let mut rows: Vec<usize> = (0..self.candidates.len()).collect();
        rows.sort_by_key(|&row| self.name_order[row]);
        rows.into_iter().map(|row| &self.candidates[row]).collect()
    }

    /// Search ranks by slug, laid out by candidate position for [`rank`].
    pub fn search_ranks(&self, ranks: &HashMap<Slug, f64>) -> Vec<Option<f64>> {
        let mut laid_out = vec![None; self.candidates.len()];
        for (slug, rank) in ranks {
            if let Some(&position) = self.positions.get(slug) {
                laid_out[position] = Some(*rank);
            }
        }
        laid_out
    }

    /// Every candidate, in the order it was given (the order [`Catalogue::set_score`] numbers
    /// them in): to build a changed catalogue from.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The candidate with this slug, if any.
    pub fn candidate(&self, slug: &str) -> Option<&Candidate> {
        self.positions.get(slug).map(|&row| &self.candidates[row])
    }

    /// Sets the score the ranking reads for the rating of `subject` recorded on the
    /// candidate at `row`, leaving its evidence as it is: for asking what a rating one point
    /// off would change, on a working copy. Returns the score it had; `None`, changing
    /// nothing, when no such rating is recorded.
    pub fn set_score(
        &mut self,
        row: usize,
        kind: RatingKind,
        subject: &str,
        value: Score,
    ) -> Option<Score> {
        let candidate = self.candidates.get(row)?;
        let (recorded, columns, table) = match kind {
            RatingKind::Requirement => (
                &candidate.strengths,
                &self.requirement_columns,
                &mut self.strengths,
            ),
            RatingKind::Industry => (&candidate.fits, &self.industry_columns, &mut self.fits),
        };
        recorded.get(subject)?;
        let cell = &mut table[row * columns.len() + columns[subject]];
        let before = Score::of(*cell);
        *cell = value.value();
        Some(before)
    }

    /// The order results are ranked in: the higher sum first, then the surer ring, then by
    /// name.
    fn result_order(&self, raw: u32, row: usize) -> (std::cmp::Reverse<u32>, Ring, usize) {
        (
            std::cmp::Reverse(raw),
            self.candidates[row].ring,
            self.name_order[row],
        )
    }

    fn strength(&self, row: usize, column: Option<usize>) -> u8 {
        let width = self.requirement_columns.len();
        column.map_or(0, |c| self.strengths[row * width + c])
    }

    fn fit(&self, row: usize, column: Option<usize>) -> u8 {
        let width = self.industry_columns.len();
        column.map_or(0, |c| self.fits[row * width + c])
    }

    /// The use-case criterion's rating: 5 when the candidate is built for it, else 0.
    fn use_case_rating(&self, row: usize, column: Option<usize>) -> Score {
        let width = self.use_case_columns.len();
        let linked = column.is_some_and(|c| self.linked[row * width + c]);
        Score::of(if linked { 5 } else { 0 })
    }
}

/// How many results and exclusions to explain in full; the totals are always counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub results: usize,
    pub excluded: usize,
}

impl Limits {
    pub const ALL: Limits = Limits {
        results: usize::MAX,
        excluded: usize::MAX,
    };
}

/// What a query asks, resolved against a catalogue once rather than per candidate.
struct Plan<'a> {
    query: &'a Query,
    need: Vec<&'a str>,
    want: Vec<&'a str>,
    lang: Vec<String>,
    use_cases: Vec<&'a str>,
    industry_column: Option<usize>,
    need_columns: Vec<Option<usize>>,
    want_columns: Vec<Option<usize>>,
    use_case_columns: Vec<Option<usize>>,
    /// The language criterion's rating for each of the catalogue's sets of languages.
    language_ratings: Vec<Score>,
    search: &'a [Option<f64>],
    best_search: f64,
    max_raw: u32,
}

impl Plan<'_> {
    fn search_rank(&self, row: usize) -> Option<f64> {
        self.search.get(row).copied().flatten()
    }

    /// Whether the candidate at `row` passes, and its exact weighted sum when it does.
    fn score(&self, catalogue: &Catalogue, row: usize) -> Option<u32> {
        let search = self.search_rank(row);
        if self.query.searching && search.is_none() {
            return None;
        }
        let mut raw = 0;
        for &column in &self.need_columns {
            let strength = catalogue.strength(row, column);
            if strength < MUST_HAVE_MINIMUM {
                return None;
            }
            raw += u32::from(strength) * weight::NEED;
        }
        for &column in &self.want_columns {
            raw += u32::from(catalogue.strength(row, column)) * weight::WANT;
        }
        if self.query.industry.is_some() {
            raw += u32::from(catalogue.fit(row, self.industry_column)) * weight::INDUSTRY;
        }
        if !self.lang.is_empty() {
            let rating = self.language_ratings[catalogue.language_of[row]];
            raw += u32::from(rating.value()) * weight::LANGUAGE;
        }
        for &column in &self.use_case_columns {
            raw += u32::from(catalogue.use_case_rating(row, column).value()) * weight::USE_CASE;
        }
        if let Some(rank) = search.filter(|_| self.query.searching) {
            raw += u32::from(search_rating(rank, self.best_search).value()) * weight::SEARCH;
        }
        raw += u32::from(maturity(catalogue.candidates[row].ring).value()) * weight::MATURITY;
        Some(raw)
    }
}

impl<'a> Plan<'a> {
    /// What `query` asks of `catalogue`, with `search` holding each candidate's search rank
    /// by position.
    fn new(query: &'a Query, catalogue: &Catalogue, search: &'a [Option<f64>]) -> Self {
        let (need, want, lang, use_cases) = normalise(query);
        let total_weight = query.industry.as_ref().map_or(0, |_| weight::INDUSTRY)
            + weight::NEED * need.len() as u32
            + weight::WANT * want.len() as u32
            + if lang.is_empty() { 0 } else { weight::LANGUAGE }
            + weight::USE_CASE * use_cases.len() as u32
            + if query.searching { weight::SEARCH } else { 0 }
            + weight::MATURITY;
        let requirement_column = |slug: &&str| catalogue.requirement_columns.get(*slug).copied();
        Plan {
            query,
            industry_column: query
                .industry
                .as_ref()
                .and_then(|i| catalogue.industry_columns.get(i.as_str()).copied()),
            need_columns: need.iter().map(requirement_column).collect(),
            want_columns: want.iter().map(requirement_column).collect(),
            use_case_columns: use_cases
                .iter()
                .map(|slug| catalogue.use_case_columns.get(*slug).copied())
                .collect(),
            language_ratings: catalogue
                .language_sets
                .iter()
                .map(|set| language_rating(set, &lang).0)
                .collect(),
            best_search: search
                .iter()
                .flatten()
                .copied()
                .fold(f64::INFINITY, f64::min),
            search,
            max_raw: 5 * total_weight,
            need,
            want,
            lang,
            use_cases,
        }
    }
}

/// Ranks the catalogue for the query. `search` holds each candidate's search rank by position
/// (see [`Catalogue::search_ranks`]); it is ignored unless the query is searching. Every
/// candidate is scored, but only the best `limits.results` results and the first
/// `limits.excluded` exclusions (by name) are explained; the totals count them all. The
/// firmness of the first place is worked out on every candidate; `today` dates its reviews.
pub fn rank(
    query: &Query,
    catalogue: &Catalogue,
    search: &[Option<f64>],
    names: &Names,
    limits: Limits,
    today: NaiveDate,
) -> Recommendation {
    rank_from(query, catalogue, search, names, 0, limits, today)
}

/// [`rank`], explaining the results and the exclusions from position `skip` on (one page of
/// a paged answer): the first `skip` of each are ordered but not explained, and results
/// keep their rank in the whole answer. Totals, the close call and the firmness are the
/// whole answer's, the same on every page.
pub fn rank_from(
    query: &Query,
    catalogue: &Catalogue,
    search: &[Option<f64>],
    names: &Names,
    skip: usize,
    limits: Limits,
    today: NaiveDate,
) -> Recommendation {
    let plan = Plan::new(query, catalogue, search);
    let mut scored: Vec<(u32, usize)> = Vec::new();
    let mut left_out: Vec<usize> = Vec::new();
    let mut need_exclusions = vec![0usize; plan.need.len()];
    for row in 0..catalogue.len() {
        match plan.score(catalogue, row) {
            Some(raw) => scored.push((raw, row)),
            None => {
                left_out.push(row);
                for (count, &column) in need_exclusions.iter_mut().zip(&plan.need_columns) {
                    if catalogue.strength(row, column) < MUST_HAVE_MINIMUM {
                        *count += 1;
                    }
                }
            }
        }
    }

    let result_order = |&(raw, row): &(u32, usize)| catalogue.result_order(raw, row);
    // The close call needs the top two even when fewer are explained.
    best_first(
        &mut scored,
        skip.saturating_add(limits.results).max(2),
        result_order,
    );
    best_first(
        &mut left_out,
        skip.saturating_add(limits.excluded),
        |&row| catalogue.name_order[row],
    );

    let results: Vec<Ranked> = scored
        .iter()
        .enumerate()
        .skip(skip)
        .take(limits.results)
        .map(|(i, &(raw, row))| {
            let ranked = explain(&plan, catalogue, row, names, i + 1);
            debug_assert_eq!(ranked.raw, raw, "the explanation adds up to the score");
            ranked
        })
        .collect();
    let excluded = left_out
        .iter()
        .skip(skip)
        .take(limits.excluded)
        .map(|&row| explain_exclusion(&plan, catalogue, row, names))
        .collect();
    let close_call = match scored.as_slice() {
        [(first, a), (second, b), ..] => {
            let margin = points(*first, plan.max_raw) - points(*second, plan.max_raw);
            (margin <= CLOSE_CALL_MARGIN).then(|| CloseCall {
                first: catalogue.candidates[*a].name.clone(),
                second: catalogue.candidates[*b].name.clone(),
                margin: round1(margin),
            })
        }
        _ => None,
    };
    let firmness = sensitivity::firmness(&plan, catalogue, &scored, &left_out, names, today);
    Recommendation {
        total_results: scored.len(),
        total_excluded: left_out.len(),
        need_exclusions: plan
            .need
            .iter()
            .map(|slug| Names::of(&names.requirements, slug).to_owned())
            .zip(need_exclusions)
            .collect(),
        results,
        excluded,
        close_call,
        firmness,
    }
}

/// The first place alone, for asking one question of many variations of the knowledge (how
/// much a rating is at stake): nothing is explained and no firmness is worked out. `None`
/// when nothing passes.
pub fn top_pick<'c>(
    query: &Query,
    catalogue: &'c Catalogue,
    search: &[Option<f64>],
) -> Option<&'c Slug> {
    let plan = Plan::new(query, catalogue, search);
    (0..catalogue.len())
        .filter_map(|row| plan.score(catalogue, row).map(|raw| (raw, row)))
        .min_by_key(|&(raw, row)| catalogue.result_order(raw, row))
        .map(|(_, row)| &catalogue.candidates[row].slug)
}

/// Puts the first `count` items in order at the front: a partial sort, so a large
/// knowledge base pays to order only what is shown.
fn best_first<T, K: Ord>(items: &mut [T], count: usize, key: impl Fn(&T) -> K) {
    let count = count.min(items.len());
    if count == 0 {
        return;
    }
    if count < items.len() {
        items.select_nth_unstable_by_key(count - 1, &key);
    }
    items[..count].sort_unstable_by_key(key);
}

/// A passing candidate's breakdown, criterion by criterion, with the evidence in words.
fn explain(plan: &Plan, catalogue: &Catalogue, row: usize, names: &Names, rank: usize) -> Ranked {
    let candidate = &catalogue.candidates[row];
    let query = plan.query;
    let max_raw = plan.max_raw;
    let mut criteria = Vec::new();
    let mut add = |kind,
                   subject: &str,
                   label: String,
                   rating: Score,
                   weight: u32,
                   (note, sources): (&str, &[String])| {
        criteria.push(Criterion {
            kind,
            subject: subject.to_owned(),
            label,
            rating,
            weight,
            points: points(u32::from(rating.value()) * weight, max_raw),
            max_points: points(5 * weight, max_raw),
            note: note.to_owned(),
            sources: sources.to_vec(),
        });
    };
    if let Some(industry) = &query.industry {
        let (fit, note, sources) = evidence(&candidate.fits, industry);
        let label = Names::of(&names.industries, industry).to_owned();
        add(
            CriterionKind::Industry,
            industry,
            label,
            fit,
            weight::INDUSTRY,
            (note, sources),
        );
    }
    for (slugs, kind, w) in [
        (&plan.need, CriterionKind::MustHave, weight::NEED),
        (&plan.want, CriterionKind::NiceToHave, weight::WANT),
    ] {
        for slug in slugs {
            let (strength, note, sources) = evidence(&candidate.strengths, slug);
            let label = Names::of(&names.requirements, slug).to_owned();
            add(kind, slug, label, strength, w, (note, sources));
        }
    }
    if !plan.lang.is_empty() {
        let (rating, matched) = language_rating(&candidate.languages, &plan.lang);
        let name = |slug: &str| Names::of(&names.languages, slug).to_owned();
        let (subject, label, note) = match matched {
            Some((language, known)) if language.as_str() == known => (
                language.as_str(),
                name(known),
                format!("Teams write {} with it, which the team knows.", name(known)),
            ),
            Some((language, known)) => (
                language.as_str(),
                name(language.as_str()),
                format!(
                    "Teams write {} with it; the team's {} carries over well.",
                    name(language.as_str()),
                    name(known)
                ),
            ),
            None => {
                let written = candidate
                    .languages
                    .iter()
                    .map(|l| name(l.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ");
                (
                    candidate.languages.first().map_or("", Slug::as_str),
                    written.clone(),
                    format!("Teams write {written} with it; the team lists none of these."),
                )
            }
        };
        add(
            CriterionKind::Language,
            subject,
            label,
            rating,
            weight::LANGUAGE,
            (&note, &[]),
        );
    }
    for (slug, &column) in plan.use_cases.iter().zip(&plan.use_case_columns) {
        let rating = catalogue.use_case_rating(row, column);
        let name = Names::of(&names.use_cases, slug);
        let note = if rating.value() == Score::MAX {
            format!("Our editors list it for {name}.")
        } else {
            format!("Not listed for {name}.")
        };
        add(
            CriterionKind::UseCase,
            slug,
            name.to_owned(),
            rating,
            weight::USE_CASE,
            (&note, &[]),
        );
    }
    if let Some(rank) = plan.search_rank(row).filter(|_| query.searching) {
        let rating = search_rating(rank, plan.best_search);
        let note = if rating.value() == Score::MAX {
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
            (note, &[]),
        );
    }
    let ring = candidate.ring;
    add(
        CriterionKind::Maturity,
        ring.as_str(),
        format!("Radar: {}", ring.label()),
        maturity(ring),
        weight::MATURITY,
        (ring.advice(), &[]),
    );

    let raw = criteria
        .iter()
        .map(|c| u32::from(c.rating.value()) * c.weight)
        .sum::<u32>();
    let use_cases = candidate
        .use_cases
        .iter()
        .filter(|u| {
            query
                .industry
                .as_ref()
                .is_none_or(|i| u.industry == i.as_str())
        })
        .map(|u| u.name.clone())
        .collect();
    Ranked {
        rank,
        slug: candidate.slug.clone(),
        name: candidate.name.clone(),
        score: points(raw, max_raw),
        criteria,
        use_cases,
        raw,
        ring,
    }
}

/// Every reason a candidate was left out.
fn explain_exclusion(plan: &Plan, catalogue: &Catalogue, row: usize, names: &Names) -> Excluded {
    let candidate = &catalogue.candidates[row];
    let mut reasons = Vec::new();
    if plan.query.searching && plan.search_rank(row).is_none() {
        reasons.push(Exclusion::NoSearchMatch);
    }
    for slug in &plan.need {
        let (strength, note, sources) = evidence(&candidate.strengths, slug);
        if strength.value() < MUST_HAVE_MINIMUM {
            reasons.push(Exclusion::MustHave {
                requirement: (*slug).to_owned(),
                label: Names::of(&names.requirements, slug).to_owned(),
                strength: strength.value(),
                minimum: MUST_HAVE_MINIMUM,
                note: note.to_owned(),
                sources: sources.to_vec(),
            });
        }
    }
    Excluded {
        slug: candidate.slug.clone(),
        name: candidate.name.clone(),
        reasons,
    }
}

/// Points out of 100 for a raw weighted sum, to one decimal.
fn points(raw: u32, max_raw: u32) -> f64 {
    round1(100.0 * f64::from(raw) / f64::from(max_raw))
}

/// `value` to one decimal, as scores are shown.
pub(crate) fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

pub mod params;
pub mod sensitivity;

#[cfg(test)]
mod tests;
