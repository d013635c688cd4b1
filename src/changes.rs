//! "Changed since": what became of a pinned recommendation on today's knowledge, and why.
//!
//! A pure function of three things: the answer as it was pinned, the answer to the same query
//! on today's knowledge, and the audit entries recorded since the pin
//! ([`crate::db::changes::since`]). Comparing the two answers says *what* changed — which
//! frameworks moved, crossed a must-have, appeared or went, and whether the top pick changed;
//! the entries say *why* — the rating changes on this query's own subjects, each with its
//! entry's author, time and note. A change no entry explains is said to be unexplained,
//! rather than guessed at: the scoring rules may have changed in a release.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use crate::db::changes::{AuditTrail, AuditedChange, Scope};
use crate::db::terms::State;
use crate::domain::Ring;
use crate::knowledge::document::{FrameworkRecord, RatingList};
use crate::recommend::round1;
use crate::routes::recommendation::{
    CriterionKind, Excluded, Exclusion, QueryEcho, Ranked, RecommendationsBody,
};

/// What changed in a brief's answer since it was pinned, and the recorded edits behind it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeReport {
    /// Knowledge edits recorded since the pin, whatever they touch.
    pub edits_since: usize,
    /// Of the edits read, how many change something this brief's query looks at.
    pub touching: usize,
    /// Edits that might bear on the brief but were not read: only the newest are.
    pub not_read: usize,
    /// Edits read whose recorded states could not be parsed; they explain nothing.
    pub unreadable: usize,
    /// The first result then and now, when it is another framework.
    pub top_pick: Option<TopPick>,
    /// Frameworks whose own standing changed (score, a must-have crossed, added, deleted),
    /// in today's order, then those no longer ranked.
    pub frameworks: Vec<FrameworkChange>,
    /// Frameworks with the same score in another place, moved by the others' changes.
    pub shifted: Vec<Shift>,
    /// Terms of the query itself renamed, deleted or restored since the pin.
    pub terms: Vec<TermChange>,
}

/// The top pick before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopPick {
    /// `None` when nothing was ranked.
    pub from: Option<Pick>,
    pub to: Option<Pick>,
}

/// A framework named by slug and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub slug: String,
    pub name: String,
}

/// A place in a ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// 1 for the top pick.
    pub rank: usize,
    /// 0–100.
    pub score: f64,
}

/// One framework whose standing changed, and the recorded changes behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameworkChange {
    /// Today's slug (the last one, for a deleted framework).
    pub slug: String,
    pub name: String,
    pub movement: Movement,
    /// The changes on this query's subjects recorded since the pin, oldest first; empty when
    /// no recorded change explains the movement.
    pub reasons: Vec<Reason>,
}

impl FrameworkChange {
    /// True when no recorded change explains the movement.
    pub fn is_unexplained(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// How a framework's standing changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Movement {
    /// Ranked then and now, with another score.
    Moved { from: Place, to: Place },
    /// Ranked then, left out now.
    Excluded { from: Place, because: Vec<Crossing> },
    /// Left out then, ranked now.
    Included { to: Place, because: Vec<Crossing> },
    /// Not in the knowledge base then; ranked now.
    Appeared { to: Place },
    /// Ranked then; no longer in the knowledge base.
    Disappeared { from: Place },
}

impl Movement {
    /// Points gained (positive) or lost, for a framework ranked then and now.
    pub fn delta(&self) -> Option<f64> {
        match self {
            Movement::Moved { from, to } => Some(round1(to.score - from.score)),
            _ => None,
        }
    }

    /// `up` or `down`: whether the framework did better or worse.
    pub fn direction(&self) -> &'static str {
        match self {
            Movement::Moved { from, to } if (to.rank, -to.score) < (from.rank, -from.score) => "up",
            Movement::Moved { .. } => "down",
            Movement::Included { .. } | Movement::Appeared { .. } => "up",
            Movement::Excluded { .. } | Movement::Disappeared { .. } => "down",
        }
    }

    /// The movement in a few words: "2 → 1 (+4.0 points)", "stays 1 (−2.5 points)", "was 3,
    /// now left out".
    pub fn headline(&self) -> String {
        match self {
            Movement::Moved { from, to } if from.rank == to.rank => format!(
                "stays {} ({} points)",
                to.rank,
                signed(round1(to.score - from.score))
            ),
            Movement::Moved { from, to } => format!(
                "{} → {} ({} points)",
                from.rank,
                to.rank,
                signed(round1(to.score - from.score))
            ),
            Movement::Excluded { from, .. } => format!("was {}, now left out", from.rank),
            Movement::Included { to, .. } => format!("was left out, now {}", to.rank),
            Movement::Appeared { to } => format!("new, ranked {}", to.rank),
            Movement::Disappeared { from } => format!("was {}, now deleted", from.rank),
        }
    }

    /// The scores then and now: "78.0 → 82.0", "78.0 → left out".
    pub fn scores(&self) -> String {
        match self {
            Movement::Moved { from, to } => format!("{:.1} → {:.1}", from.score, to.score),
            Movement::Excluded { from, .. } => format!("{:.1} → left out", from.score),
            Movement::Included { to, .. } => format!("left out → {:.1}", to.score),
            Movement::Appeared { to } => format!("new → {:.1}", to.score),
            Movement::Disappeared { from } => format!("{:.1} → deleted", from.score),
        }
    }

    /// The must-haves (or search) crossed, for a framework that came in or went out.
    pub fn crossings(&self) -> &[Crossing] {
        match self {
            Movement::Excluded { because, .. } | Movement::Included { because, .. } => because,
            _ => &[],
        }
    }
}

/// Why a framework came into or went out of the ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crossing {
    /// A must-have's strength crossed the minimum.
    MustHave {
        requirement: String,
        label: String,
        from: u8,
        to: u8,
        minimum: u8,
    },
    /// The framework started or stopped matching the free-text search.
    Search { matches_now: bool },
}

impl Crossing {
    /// One sentence: "Security must-have: 4 → 3, below the minimum of 4".
    pub fn describe(&self) -> String {
        match self {
            Crossing::MustHave {
                label,
                from,
                to,
                minimum,
                ..
            } => {
                let side = if to < minimum { "below" } else { "meets" };
                format!("{label} must-have: {from} → {to}, {side} the minimum of {minimum}")
            }
            Crossing::Search { matches_now: true } => "now matches the search".to_owned(),
            Crossing::Search { matches_now: false } => "no longer matches the search".to_owned(),
        }
    }
}

/// A framework with the same score in another place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub slug: String,
    pub name: String,
    pub from: usize,
    pub to: usize,
}

/// The audit entry a change was recorded in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRef {
    pub id: i64,
    /// When, UTC, as stored.
    pub at: String,
    pub actor: String,
    /// `create`, `update`, `delete` or `revert`.
    pub action: String,
    /// Why, in the author's words; empty when nobody said.
    pub note: String,
    /// `framework`, `requirement`, `industry`, `use_case` or `language`.
    pub entity: String,
    /// The entry's slug then, which its history is kept under.
    pub entity_slug: String,
}

impl EntryRef {
    fn of(entry: &AuditedChange) -> Self {
        Self {
            id: entry.id,
            at: entry.at.clone(),
            actor: entry.actor.clone(),
            action: entry.action.clone(),
            note: entry.note.clone(),
            entity: entry.entity.clone(),
            entity_slug: entry.entity_slug.clone(),
        }
    }

    /// How the entry's author is introduced: "by", "added by", "deleted by", "restored by".
    pub fn by(&self) -> &'static str {
        match self.action.as_str() {
            "create" => "added by",
            "delete" => "deleted by",
            "revert" => "restored by",
            _ => "by",
        }
    }

    /// The editors' page showing this entry: `/admin/frameworks/{slug}/history#revision-{id}`.
    pub fn history_href(&self) -> String {
        let base = match self.entity.as_str() {
            "framework" => "frameworks",
            "requirement" => "requirements",
            "industry" => "industries",
            "use_case" => "use-cases",
            "language" => "languages",
            other => other,
        };
        format!(
            "/admin/{base}/{}/history#revision-{}",
            self.entity_slug, self.id
        )
    }
}

/// One recorded change behind a framework's movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub entry: EntryRef,
    pub what: What,
    pub from: Value,
    pub to: Value,
    /// The rating's note after the change, when the change left it one.
    pub evidence: String,
}

impl Reason {
    /// Why, as the entry's author said, or else the rating's note after the change.
    pub fn why(&self) -> &str {
        if self.entry.note.trim().is_empty() {
            &self.evidence
        } else {
            &self.entry.note
        }
    }
}

/// What a recorded change changed, of what this query looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A must-have's or nice-to-have's strength.
    Requirement { slug: String, label: String },
    /// The fit to the query's industry.
    Industry { slug: String, label: String },
    /// The link to one of the query's use cases.
    UseCase { slug: String, label: String },
    /// The languages a team writes on the framework, matched against the team's.
    Languages,
    /// The radar ring, which every query rates as maturity.
    Ring,
    /// The text the free-text search reads.
    SearchText,
    /// The framework itself: created, deleted or restored.
    Framework,
}

impl What {
    /// What is named before the values: "Security", "Healthcare fit", "Radar ring".
    pub fn label(&self) -> String {
        match self {
            What::Requirement { label, .. } => label.clone(),
            What::Industry { label, .. } => format!("{label} fit"),
            What::UseCase { label, .. } => format!("Use case {label}"),
            What::Languages => "Languages teams write".to_owned(),
            What::Ring => "Radar ring".to_owned(),
            What::SearchText => "Text the search reads".to_owned(),
            What::Framework => "In the knowledge base".to_owned(),
        }
    }
}

/// A value before or after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A 0–5 rating.
    Rating(i64),
    /// No rating recorded (the engine counts it as 0).
    Unrated,
    Linked,
    Unlinked,
    Listed,
    Unlisted,
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Rating(value) => write!(f, "{value}"),
            Value::Unrated => f.write_str("not rated"),
            Value::Linked => f.write_str("linked"),
            Value::Unlinked => f.write_str("not linked"),
            Value::Listed => f.write_str("listed"),
            Value::Unlisted => f.write_str("not listed"),
            Value::Text(text) => f.write_str(text),
        }
    }
}

/// A term of the query renamed, deleted or restored since the pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermChange {
    pub entry: EntryRef,
    /// `requirement`, `industry`, `use case` or `language`.
    pub kind: &'static str,
    pub slug: String,
    pub name: String,
    pub action: TermAction,
}

/// What became of a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermAction {
    Renamed { to: String },
    Deleted,
    Restored,
}

impl TermChange {
    /// One sentence: "The requirement Security was deleted."
    pub fn describe(&self) -> String {
        let done = match &self.action {
            TermAction::Renamed { to } => format!("renamed to {to}"),
            TermAction::Deleted => "deleted".to_owned(),
            TermAction::Restored => "restored".to_owned(),
        };
        format!("The {} {} was {done}.", self.kind, self.name)
    }
}

impl ChangeReport {
    /// True when there is nothing to say: no edit since, and the same answer.
    pub fn is_empty(&self) -> bool {
        self.edits_since == 0 && !self.ranking_changed() && self.terms.is_empty()
    }

    /// True when the answer differs from the pinned one.
    pub fn ranking_changed(&self) -> bool {
        self.top_pick.is_some() || !self.frameworks.is_empty() || !self.shifted.is_empty()
    }

    /// The frameworks whose movement no recorded change explains.
    pub fn unexplained(&self) -> impl Iterator<Item = &FrameworkChange> {
        self.frameworks.iter().filter(|f| f.is_unexplained())
    }

    /// The report in a sentence or three, for the top of the brief.
    pub fn summary(&self) -> String {
        let edits = count(self.edits_since, "edit", "edits");
        if !self.ranking_changed() {
            return match (self.edits_since, self.touching) {
                (0, _) => "Nothing has changed since this was pinned.".to_owned(),
                (_, 0) => format!("{edits} since, none touches this brief."),
                (_, touching) => format!(
                    "{edits} since; {touching} touched what this brief asks about, but the ranking is the same."
                ),
            };
        }
        let mut sentences = Vec::new();
        if let Some(pick) = &self.top_pick {
            let name =
                |p: &Option<Pick>| p.as_ref().map_or("nothing".to_owned(), |p| p.name.clone());
            sentences.push(format!(
                "The top pick is now {} (was {}).",
                name(&pick.to),
                name(&pick.from)
            ));
        }
        if !self.frameworks.is_empty() {
            let moved = count(self.frameworks.len(), "framework", "frameworks");
            let because = match (self.edits_since, self.touching) {
                (0, _) => "no edit was recorded since".to_owned(),
                (_, 0) => format!("none of the {edits} since explains this"),
                (_, 1) => format!("1 of the {edits} since explains this"),
                (_, touching) => format!("{touching} of the {edits} since explain this"),
            };
            sentences.push(format!("{moved} changed place or score; {because}."));
        } else {
            sentences.push("The order changed, though no framework's score did.".to_owned());
        }
        let unexplained: Vec<&str> = self.unexplained().map(|f| f.name.as_str()).collect();
        if !unexplained.is_empty() {
            sentences.push(format!(
                "No recorded change explains {}: the scoring rules may have changed in a release.",
                join_names(&unexplained)
            ));
        }
        sentences.join(" ")
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn signed(value: f64) -> String {
    if value > 0.0 {
        format!("+{value:.1}")
    } else if value < 0.0 {
        format!("−{:.1}", -value)
    } else {
        "±0.0".to_owned()
    }
}

/// What the query asks about: the subjects whose changes can move its ranking.
#[derive(Debug, Default)]
struct Asked {
    industry: Option<String>,
    /// Must-haves and nice-to-haves.
    requirements: Vec<String>,
    use_cases: Vec<String>,
    languages: Vec<String>,
    searching: bool,
}

impl Asked {
    /// The query's subjects.
    fn of(query: &QueryEcho) -> Self {
        let mut requirements: Vec<String> = Vec::new();
        for slug in query.need.iter().chain(&query.want) {
            if !requirements.contains(slug) {
                requirements.push(slug.clone());
            }
        }
        Self {
            industry: query.industry.clone().filter(|i| !i.is_empty()),
            requirements,
            use_cases: query.use_cases.clone(),
            languages: query.lang.clone(),
            searching: !query.q.trim().is_empty(),
        }
    }

    fn names_term(&self, entity: &str, slug: &str) -> bool {
        let slug = slug.to_owned();
        match entity {
            "requirement" => self.requirements.contains(&slug),
            "industry" => self.industry.as_ref() == Some(&slug),
            "use_case" => self.use_cases.contains(&slug),
            "language" => self.languages.contains(&slug),
            _ => false,
        }
    }
}

/// The slugs whose audit entries [`since`] needs: the frameworks of either answer, and the
/// terms the query names.
pub fn scope(pinned: &RecommendationsBody, today: &RecommendationsBody) -> Scope {
    let mut frameworks = BTreeSet::new();
    for body in [pinned, today] {
        frameworks.extend(body.results.iter().map(|r| r.slug.clone()));
        frameworks.extend(body.excluded.iter().map(|e| e.slug.clone()));
    }
    let asked = Asked::of(&pinned.query);
    let mut terms: BTreeSet<String> = asked.requirements.iter().cloned().collect();
    terms.extend(asked.industry.iter().cloned());
    terms.extend(asked.use_cases.iter().cloned());
    terms.extend(asked.languages.iter().cloned());
    Scope {
        frameworks: frameworks.into_iter().collect(),
        terms: terms.into_iter().collect(),
        searching: asked.searching,
    }
}

/// Display names of the query's subjects, read from the answers' own breakdowns.
#[derive(Debug, Default)]
struct Labels {
    requirements: HashMap<String, String>,
    industries: HashMap<String, String>,
    use_cases: HashMap<String, String>,
}

impl Labels {
    fn of(bodies: [&RecommendationsBody; 2]) -> Self {
        let mut labels = Labels::default();
        for body in bodies {
            for criterion in body.results.iter().flat_map(|r| &r.criteria) {
                let (subject, label) = (criterion.subject.clone(), criterion.label.clone());
                match criterion.kind {
                    CriterionKind::MustHave | CriterionKind::NiceToHave => {
                        labels.requirements.insert(subject, label);
                    }
                    CriterionKind::Industry => {
                        labels.industries.insert(subject, label);
                    }
                    CriterionKind::UseCase => {
                        labels.use_cases.insert(subject, label);
                    }
                    _ => {}
                }
            }
            for reason in body.excluded.iter().flat_map(|e| &e.reasons) {
                if let Exclusion::MustHave {
                    requirement, label, ..
                } = reason
                {
                    labels
                        .requirements
                        .insert(requirement.clone(), label.clone());
                }
            }
        }
        labels
    }

    fn of_slug(map: &HashMap<String, String>, slug: &str) -> String {
        map.get(slug).cloned().unwrap_or_else(|| slug.to_owned())
    }
}

/// A framework's place in one answer.
#[derive(Debug, Clone, Copy)]
enum Standing<'a> {
    Ranked(&'a Ranked),
    Excluded(&'a Excluded),
}

impl<'a> Standing<'a> {
    fn name(self) -> &'a str {
        match self {
            Standing::Ranked(r) => &r.name,
            Standing::Excluded(e) => &e.name,
        }
    }

    fn place(self) -> Option<Place> {
        match self {
            Standing::Ranked(r) => Some(Place {
                rank: r.rank,
                score: r.score,
            }),
            Standing::Excluded(_) => None,
        }
    }
}

fn standings(body: &RecommendationsBody) -> Vec<(&str, Standing<'_>)> {
    let ranked = body
        .results
        .iter()
        .map(|r| (r.slug.as_str(), Standing::Ranked(r)));
    let excluded = body
        .excluded
        .iter()
        .map(|e| (e.slug.as_str(), Standing::Excluded(e)));
    ranked.chain(excluded).collect()
}

/// Framework renames recorded since the pin, as read newest first: the slug each slug seen so
/// far goes by today.
#[derive(Debug, Default)]
struct Renames(HashMap<String, String>);

impl Renames {
    /// Today's slug of the framework `slug` names at the point reached.
    fn today(&self, slug: &str) -> String {
        self.0.get(slug).cloned().unwrap_or_else(|| slug.to_owned())
    }
}

/// An entry whose recorded states could be read.
enum Read<'a> {
    Framework(Box<FrameworkEntry<'a>>),
    Term(Box<(&'a AuditedChange, Option<State>, Option<State>)>),
}

/// A framework entry with its states read.
struct FrameworkEntry<'a> {
    entry: &'a AuditedChange,
    before: Option<FrameworkRecord>,
    after: Option<FrameworkRecord>,
}

/// A state as recorded, `Some(None)` when there is none, `None` when it cannot be read.
fn read_state<T: serde::de::DeserializeOwned>(json: Option<&str>) -> Option<Option<T>> {
    match json {
        None => Some(None),
        Some(text) => serde_json::from_str(text).ok().map(Some),
    }
}

fn read_framework(json: Option<&str>) -> Option<Option<FrameworkRecord>> {
    read_state::<FrameworkRecord>(json).map(|state| {
        state.map(|mut record| {
            record.upgrade();
            record
        })
    })
}

/// What the brief's answer became, and why: see the module's documentation. `trail` holds
/// the audit entries after the pin's mark, as [`crate::db::changes::since`] reads them for
/// [`scope`]`(pinned, today)`; entries whose JSON cannot be read are skipped and counted.
pub fn since(
    pinned: &RecommendationsBody,
    today: &RecommendationsBody,
    trail: &AuditTrail,
) -> ChangeReport {
    let asked = Asked::of(&pinned.query);
    let labels = Labels::of([pinned, today]);
    let mut entries: Vec<&AuditedChange> = trail.entries.iter().collect();
    entries.sort_by_key(|e| e.id);

    let mut unreadable = 0;
    let mut read = Vec::new();
    for entry in entries {
        match entry.entity.as_str() {
            "framework" => match (
                read_framework(entry.before.as_deref()),
                read_framework(entry.after.as_deref()),
            ) {
                (Some(before), Some(after)) => {
                    read.push(Read::Framework(Box::new(FrameworkEntry {
                        entry,
                        before,
                        after,
                    })))
                }
                _ => unreadable += 1,
            },
            "requirement" | "industry" | "use_case" | "language" => match (
                read_state::<State>(entry.before.as_deref()),
                read_state::<State>(entry.after.as_deref()),
            ) {
                (Some(before), Some(after)) => {
                    read.push(Read::Term(Box::new((entry, before, after))));
                }
                _ => unreadable += 1,
            },
            _ => {}
        }
    }

    // Newest first, so that each entry is credited to the framework its slug named then: after
    // a rename, the entries under the old slug belong to today's slug, while a framework that
    // takes the old slug later keeps its own.
    let mut renames = Renames::default();
    let mut found: Vec<(String, Reason)> = Vec::new();
    let mut terms = Vec::new();
    for item in read.iter().rev() {
        match item {
            Read::Framework(e) => {
                let Some(record) = e.after.as_ref().or(e.before.as_ref()) else {
                    continue;
                };
                let owner = renames.today(&record.slug);
                for reason in framework_reasons(e, &asked, &labels) {
                    found.push((owner.clone(), reason));
                }
                if let (Some(before), Some(after)) = (&e.before, &e.after)
                    && before.slug != after.slug
                {
                    renames.0.insert(before.slug.clone(), owner);
                }
            }
            Read::Term(term) => {
                let (entry, before, after) = term.as_ref();
                let Some((change, links)) =
                    term_change(entry, before.as_ref(), after.as_ref(), &asked)
                else {
                    continue;
                };
                for (framework, reason) in links {
                    found.push((renames.today(&framework), reason));
                }
                terms.push(change);
            }
        }
    }
    terms.reverse();

    // Both answers keyed by today's slug.
    let pinned_by: HashMap<String, Standing> = standings(pinned)
        .into_iter()
        .map(|(slug, standing)| (renames.today(slug), standing))
        .collect();
    let today_by: HashMap<&str, Standing> = standings(today).into_iter().collect();
    let in_brief = |slug: &str| pinned_by.contains_key(slug) || today_by.contains_key(slug);

    // The reasons by today's slug of their framework, oldest first, and the entries that gave
    // any (or named one of the query's terms).
    let mut touching: HashSet<i64> = terms.iter().map(|t: &TermChange| t.entry.id).collect();
    let mut reasons: HashMap<String, Vec<Reason>> = HashMap::new();
    for (slug, reason) in found {
        if in_brief(&slug) {
            touching.insert(reason.entry.id);
            reasons.entry(slug).or_default().push(reason);
        }
    }
    for list in reasons.values_mut() {
        list.sort_by_key(|r| r.entry.id);
    }

    let mut frameworks = Vec::new();
    let mut shifted = Vec::new();
    let mut slugs: BTreeSet<&str> = today_by.keys().copied().collect();
    slugs.extend(pinned_by.keys().map(String::as_str));
    for slug in slugs {
        let then = pinned_by.get(slug).copied();
        let now = today_by.get(slug).copied();
        let name = now.or(then).map_or(slug, Standing::name).to_owned();
        let movement = match (then, now) {
            (Some(Standing::Ranked(a)), Some(Standing::Ranked(b))) => {
                if a.score != b.score {
                    Some(Movement::Moved {
                        from: Place {
                            rank: a.rank,
                            score: a.score,
                        },
                        to: Place {
                            rank: b.rank,
                            score: b.score,
                        },
                    })
                } else {
                    if a.rank != b.rank {
                        shifted.push(Shift {
                            slug: slug.to_owned(),
                            name: name.clone(),
                            from: a.rank,
                            to: b.rank,
                        });
                    }
                    None
                }
            }
            (Some(Standing::Ranked(a)), Some(Standing::Excluded(b))) => Some(Movement::Excluded {
                from: Place {
                    rank: a.rank,
                    score: a.score,
                },
                because: crossings(b, a, false),
            }),
            (Some(Standing::Excluded(a)), Some(Standing::Ranked(b))) => Some(Movement::Included {
                to: Place {
                    rank: b.rank,
                    score: b.score,
                },
                because: crossings(a, b, true),
            }),
            (None, Some(now)) => now.place().map(|to| Movement::Appeared { to }),
            (Some(then), None) => then.place().map(|from| Movement::Disappeared { from }),
            _ => None,
        };
        if let Some(movement) = movement {
            frameworks.push(FrameworkChange {
                slug: slug.to_owned(),
                name,
                movement,
                reasons: reasons.remove(slug).unwrap_or_default(),
            });
        }
    }
    let order = |f: &FrameworkChange| match &f.movement {
        Movement::Moved { to, .. } | Movement::Included { to, .. } | Movement::Appeared { to } => {
            (0, to.rank)
        }
        Movement::Excluded { from, .. } | Movement::Disappeared { from } => (1, from.rank),
    };
    frameworks.sort_by_key(order);
    shifted.sort_by_key(|s| s.to);

    let pick = |body: &RecommendationsBody| {
        body.results.first().map(|r| Pick {
            slug: r.slug.clone(),
            name: r.name.clone(),
        })
    };
    let (first_then, first_now) = (pick(pinned), pick(today));
    let same_pick = first_then.as_ref().map(|p| renames.today(&p.slug))
        == first_now.as_ref().map(|p| p.slug.clone());
    let top_pick = (!same_pick).then_some(TopPick {
        from: first_then,
        to: first_now,
    });

    ChangeReport {
        edits_since: usize::try_from(trail.edits_since).unwrap_or(0),
        touching: touching.len(),
        not_read: usize::try_from(trail.left_out).unwrap_or(0),
        unreadable,
        top_pick,
        frameworks,
        shifted,
        terms,
    }
}

/// The must-haves (and search) that `out`, an exclusion, names, with the strength the ranked
/// standing `ranked` had: old → new when `came_in` is false (ranked then, out now), and the
/// other way round when it is true.
fn crossings(out: &Excluded, ranked: &Ranked, came_in: bool) -> Vec<Crossing> {
    out.reasons
        .iter()
        .map(|reason| match reason {
            Exclusion::MustHave {
                requirement,
                label,
                strength,
                minimum,
                ..
            } => {
                let rated = ranked
                    .criteria
                    .iter()
                    .find(|c| c.kind == CriterionKind::MustHave && c.subject == *requirement)
                    .map_or(0, |c| c.rating);
                let (from, to) = if came_in {
                    (*strength, rated)
                } else {
                    (rated, *strength)
                };
                Crossing::MustHave {
                    requirement: requirement.clone(),
                    label: label.clone(),
                    from,
                    to,
                    minimum: *minimum,
                }
            }
            Exclusion::NoSearchMatch => Crossing::Search {
                matches_now: came_in,
            },
        })
        .collect()
}

/// The changes one framework entry made to what the query looks at, in a fixed order.
fn framework_reasons(e: &FrameworkEntry, asked: &Asked, labels: &Labels) -> Vec<Reason> {
    let entry = EntryRef::of(e.entry);
    let reason = |what, from, to, evidence: &str| Reason {
        entry: entry.clone(),
        what,
        from,
        to,
        evidence: evidence.to_owned(),
    };
    let (before, after) = match (&e.before, &e.after) {
        (None, None) => return Vec::new(),
        (None, Some(_)) => {
            return vec![reason(What::Framework, Value::Unlisted, Value::Listed, "")];
        }
        (Some(_), None) => {
            return vec![reason(What::Framework, Value::Listed, Value::Unlisted, "")];
        }
        (Some(before), Some(after)) => (before, after),
    };
    let mut found = Vec::new();
    let rating = |record: &FrameworkRecord, list: RatingList, slug: &str| {
        record
            .ratings()
            .find(|r| r.list == list && r.slug == slug)
            .map(|r| (r.value, r.note.to_owned()))
    };
    let mut rated = |what: What, list: RatingList, slug: &str| {
        let (old, new) = (rating(before, list, slug), rating(after, list, slug));
        let (old_value, new_value) = (old.as_ref().map(|r| r.0), new.as_ref().map(|r| r.0));
        if old_value != new_value {
            let value = |v: Option<i64>| v.map_or(Value::Unrated, Value::Rating);
            let note = new.map(|r| r.1).unwrap_or_default();
            found.push(reason(what, value(old_value), value(new_value), &note));
        }
    };
    if let Some(industry) = &asked.industry {
        let what = What::Industry {
            slug: industry.clone(),
            label: Labels::of_slug(&labels.industries, industry),
        };
        rated(what, RatingList::Industries, industry);
    }
    for requirement in &asked.requirements {
        let what = What::Requirement {
            slug: requirement.clone(),
            label: Labels::of_slug(&labels.requirements, requirement),
        };
        rated(what, RatingList::Requirements, requirement);
    }
    for use_case in &asked.use_cases {
        let linked = |record: &FrameworkRecord| {
            if record.use_cases.contains(use_case) {
                Value::Linked
            } else {
                Value::Unlinked
            }
        };
        let (old, new) = (linked(before), linked(after));
        if old != new {
            let what = What::UseCase {
                slug: use_case.clone(),
                label: Labels::of_slug(&labels.use_cases, use_case),
            };
            found.push(reason(what, old, new, ""));
        }
    }
    if !asked.languages.is_empty() {
        let set = |record: &FrameworkRecord| {
            record
                .languages
                .iter()
                .cloned()
                .collect::<BTreeSet<String>>()
        };
        let (old, new) = (set(before), set(after));
        if old != new {
            let text =
                |set: BTreeSet<String>| Value::Text(set.into_iter().collect::<Vec<_>>().join(", "));
            found.push(reason(What::Languages, text(old), text(new), ""));
        }
    }
    if before.ring != after.ring {
        let ring = |slug: &str| {
            Value::Text(
                Ring::parse(slug).map_or_else(|_| slug.to_owned(), |r| r.label().to_owned()),
            )
        };
        found.push(reason(
            What::Ring,
            ring(&before.ring),
            ring(&after.ring),
            "",
        ));
    }
    if asked.searching {
        let mut fields = Vec::new();
        for (field, changed) in [
            ("name", before.name != after.name),
            ("summary", before.summary != after.summary),
            ("description", before.description != after.description),
            ("features", before.features != after.features),
            ("use cases", before.use_cases != after.use_cases),
        ] {
            if changed {
                fields.push(field);
            }
        }
        if !fields.is_empty() {
            let changed = format!("{} rewritten", fields.join(", "));
            found.push(reason(
                What::SearchText,
                Value::Text("as pinned".to_owned()),
                Value::Text(changed),
                "",
            ));
        }
    }
    found
}

/// A term entry that renames, deletes or restores one of the query's terms, with the framework
/// ratings a deletion took or a restore brought back (by framework slug).
fn term_change(
    entry: &AuditedChange,
    before: Option<&State>,
    after: Option<&State>,
    asked: &Asked,
) -> Option<(TermChange, Vec<(String, Reason)>)> {
    let slug = before
        .map(|s| s.term.slug.as_str())
        .unwrap_or(entry.entity_slug.as_str());
    if !asked.names_term(&entry.entity, slug)
        && !asked.names_term(&entry.entity, &entry.entity_slug)
    {
        return None;
    }
    let (action, links, taken) = match (before, after) {
        (Some(before), None) => (TermAction::Deleted, before.links.as_deref(), true),
        (None, Some(after)) => (TermAction::Restored, after.links.as_deref(), false),
        (Some(before), Some(after)) if before.term.slug != after.term.slug => (
            TermAction::Renamed {
                to: after.term.slug.clone(),
            },
            None,
            false,
        ),
        (Some(_), Some(after)) if after.links.is_some() => {
            (TermAction::Restored, after.links.as_deref(), false)
        }
        _ => return None,
    };
    let name = before.or(after).map_or(slug, |s| s.term.name.as_str());
    let change = TermChange {
        entry: EntryRef::of(entry),
        kind: match entry.entity.as_str() {
            "requirement" => "requirement",
            "industry" => "industry",
            "use_case" => "use case",
            _ => "language",
        },
        slug: slug.to_owned(),
        name: name.to_owned(),
        action,
    };
    let what = match entry.entity.as_str() {
        "requirement" => What::Requirement {
            slug: slug.to_owned(),
            label: name.to_owned(),
        },
        "industry" => What::Industry {
            slug: slug.to_owned(),
            label: name.to_owned(),
        },
        "use_case" => What::UseCase {
            slug: slug.to_owned(),
            label: name.to_owned(),
        },
        _ => return Some((change, Vec::new())),
    };
    let reasons = links
        .unwrap_or_default()
        .iter()
        .map(|link| {
            let value = match (&what, link.strength.or(link.fit)) {
                (What::UseCase { .. }, _) => Value::Linked,
                (_, Some(rating)) => Value::Rating(rating),
                (_, None) => Value::Unrated,
            };
            let gone = match value {
                Value::Linked => Value::Unlinked,
                _ => Value::Unrated,
            };
            let (from, to) = if taken { (value, gone) } else { (gone, value) };
            let reason = Reason {
                entry: change.entry.clone(),
                what: what.clone(),
                from,
                to,
                evidence: if taken {
                    String::new()
                } else {
                    link.note.clone()
                },
            };
            (link.framework.clone(), reason)
        })
        .collect();
    Some((change, reasons))
}

#[cfg(test)]
mod tests;
