//! Knowledge checks: what an editor should fix in a knowledge base that is valid (it imports)
//! but not yet trustworthy: ratings that rest on nothing, notes that say the opposite of their
//! number, tags the ratings deny, entries nobody has looked at for months.
//!
//! [`check`] is a pure function of the document and today's date, so the command line
//! (`stackatlas check`) and the editors' page (`/admin/health`) report exactly the same
//! findings. Each finding has a stable kebab-case `code` (scripts and tests match on it), a
//! location named as validation names fields (`frameworks[django].requirements[security]`)
//! and a message that names the thing and says how to fix it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use super::document::{Document, FrameworkRecord, Rating, RatingList};
use crate::recommend::MUST_HAVE_MINIMUM;

/// A framework rests on at least this many documents (official documentation, release notes,
/// a case study…), so no single page, possibly outdated or promotional, carries every rating.
pub const MIN_SOURCES: usize = 3;

// The review interval is the engine's too (a recommendation resting on an overdue rating is
// fragile), so it is defined there, like the must-have minimum, and read here.
pub use crate::recommend::sensitivity::REVIEW_INTERVAL_DAYS;

/// Documentation is rewritten and links rot; once a year an editor confirms a source still says
/// what the entry rests on.
pub const SOURCE_STALE_DAYS: i64 = 365;

/// A must-have that at least this share of frameworks passes (in percent) hardly excludes any:
/// a salesperson ticking it learns nothing, and it usually means the ratings are too generous.
pub const BARELY_FILTERS_PERCENT: usize = 90;

/// From this share up, a must-have screens out only a few frameworks. That can be right (self-
/// hosting exists to rule out hosted-only services; docs/rubric.md says which and why), so it
/// is a warning for an editor to weigh rather than an error.
pub const FILTERS_FEW_PERCENT: usize = 75;

/// Below this many frameworks, a share of them says too little to call a must-have useless.
pub const BARELY_FILTERS_MIN_FRAMEWORKS: usize = 10;

/// Words that only a high rating can carry. A note using them on a rating of 0 or 1 says the
/// opposite of its number; sales read both, so one of them is wrong. Only unmistakable praise
/// is listed: "good" or "fine" are too often qualified ("good enough for…").
const POSITIVE_WORDS: &[&str] = &[
    "excellent",
    "best-in-class",
    "best in class",
    "outstanding",
    "ideal",
    "first-class",
    "defining strength",
];

/// Words that only a low rating can carry, on a rating of 4 or 5. Bare "no" and "not" are left
/// out on purpose: "no plugin needed" or "not a problem" are praise, and listing them would
/// flag good notes.
const NEGATIVE_WORDS: &[&str] = &[
    "not supported",
    "unsupported",
    "no support",
    "lacks",
    "poor",
    "weak",
    "impossible",
    "not possible",
    "unsuitable",
    "not suitable",
    "avoid",
];

/// A listed word right after one of these is negated ("not ideal", "far from excellent") and
/// says what its rating says, so it is not taken for a contradiction.
const NEGATORS: &[&str] = &[
    "not",
    "not an",
    "not a",
    "not the",
    "never",
    "hardly",
    "far from",
    "less than",
];

/// What a feature tag requires of the framework's own ratings or languages.
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// At least one of these requirements rated `minimum` or more.
    Rating {
        requirements: &'static [&'static str],
        minimum: i64,
    },
    /// At least one of these among the languages a team writes when building on it.
    Language { languages: &'static [&'static str] },
}

#[derive(Debug, Clone, Copy)]
struct FeatureRule {
    feature: &'static str,
    needs: Needs,
}

const fn rating(
    feature: &'static str,
    requirements: &'static [&'static str],
    minimum: i64,
) -> FeatureRule {
    FeatureRule {
        feature,
        needs: Needs::Rating {
            requirements,
            minimum,
        },
    }
}

const fn language(feature: &'static str, languages: &'static [&'static str]) -> FeatureRule {
    FeatureRule {
        feature,
        needs: Needs::Language { languages },
    }
}

/// What each feature tag means in terms of the framework's own ratings. Search and the
/// framework pages show tags as facts; a framework tagged "WebSockets" whose real-time rating
/// says it barely does live updates misleads whoever searched for the tag, so one of the two is
/// wrong. A rule whose feature (or every requirement or language it names) is not in the
/// document is skipped, so a knowledge base without those entries is not held to it.
const FEATURE_RULES: &[FeatureRule] = &[
    rating("websockets", &["real-time-updates"], 3),
    // Subscriptions make the tag; whether they fan out across instances is the rating's 4.
    rating("realtime-database", &["real-time-updates"], 3),
    rating("built-in-auth", &["user-authentication"], 3),
    rating("graphql-support", &["graphql-api"], 3),
    rating("push-messaging", &["push-notifications"], 4),
    rating("offline-persistence", &["offline-sync"], 4),
    rating("managed-hosting", &["low-ops"], 4),
    rating("admin-panel", &["admin-back-office"], 3),
    rating("orm", &["sql-database"], 3),
    rating("cloud-functions", &["serverless-deployment"], 3),
    rating("sso-saml-oidc", &["enterprise-sso"], 4),
    rating("multi-tenancy-support", &["multi-tenancy"], 4),
    rating(
        "client-sdks",
        &[
            "android-clients",
            "ios-clients",
            "flutter-clients",
            "react-native-clients",
        ],
        4,
    ),
    // Tags that name a language's own machinery: a team can only use them writing it.
    language("coroutines", &["kotlin"]),
    language("lightweight-processes", &["elixir", "erlang"]),
    language("server-side-rendering", &["javascript", "typescript"]),
];

/// How much a finding matters: an error fails `stackatlas check`, a warning is advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The entry a finding is about, for a page to link to where it is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A framework's facts (its review date).
    Framework(String),
    /// A framework's list of sources.
    Sources(String),
    /// A framework's ratings as a whole.
    Ratings(String),
    /// A framework's feature tags.
    Features(String),
    /// One requirement strength of a framework.
    Strength {
        framework: String,
        requirement: String,
    },
    /// One industry fit of a framework.
    Fit {
        framework: String,
        industry: String,
    },
    Requirement(String),
    Industry(String),
    UseCase(String),
    /// A reference question, by slug.
    ReferenceQuestion(String),
}

/// One thing to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable, kebab-case: `too-few-sources`.
    pub code: &'static str,
    /// Where, as validation names fields: `frameworks[django].requirements[security]`.
    pub location: String,
    /// What is wrong and how to fix it, in a sentence or two.
    pub message: String,
    #[serde(skip)]
    pub subject: Subject,
}

/// How many frameworks pass one requirement as a must-have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MustHave {
    pub requirement: String,
    pub name: String,
    /// Frameworks rated [`MUST_HAVE_MINIMUM`] or more on it.
    pub passing: usize,
    /// `passing` as a whole percentage of every framework, rounded down.
    pub percent: usize,
}

/// The knowledge base in numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub frameworks: usize,
    /// Sources listed by frameworks, all together.
    pub sources: usize,
    /// Requirement strengths and industry fits, all together.
    pub ratings: usize,
    /// Ratings citing at least one source.
    pub sourced_ratings: usize,
    /// `sourced_ratings` as a whole percentage of `ratings`, rounded down (0 without ratings),
    /// so that 100 means every single one.
    pub sourced_percent: usize,
    /// Every requirement, in document order, with how many frameworks pass it as a must-have.
    pub must_haves: Vec<MustHave>,
}

/// Every finding, errors first (each severity in document order), and the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The findings of one severity, in report order.
    pub fn of(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.severity == severity)
    }

    /// Whether a finding with `code` was made (for tests and scripts).
    pub fn has(&self, code: &str) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

/// The JSON shape: `{"errors": n, "warnings": n, "findings": [...], "summary": {...}}`.
impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            errors: usize,
            warnings: usize,
            findings: &'a [Finding],
            summary: &'a Summary,
        }
        Shape {
            errors: self.errors(),
            warnings: self.warnings(),
            findings: &self.findings,
            summary: &self.summary,
        }
        .serialize(serializer)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The report as people read it: errors, then warnings, then the summary.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (severity, heading) in [(Severity::Error, "Errors"), (Severity::Warning, "Warnings")] {
            let count = self.count(severity);
            if count == 0 {
                continue;
            }
            writeln!(f, "{heading} ({count})")?;
            for finding in self.of(severity) {
                writeln!(f, "  {}  {}", finding.code, finding.location)?;
                writeln!(f, "      {}", finding.message)?;
            }
            writeln!(f)?;
        }
        let s = &self.summary;
        writeln!(f, "Summary")?;
        writeln!(f, "  frameworks: {}", s.frameworks)?;
        writeln!(f, "  sources:    {}", s.sources)?;
        writeln!(
            f,
            "  ratings:    {}, {} citing a source ({} %)",
            s.ratings, s.sourced_ratings, s.sourced_percent
        )?;
        if !s.must_haves.is_empty() {
            writeln!(
                f,
                "  frameworks passing each requirement as a must-have (strength {MUST_HAVE_MINIMUM} or more):"
            )?;
            let width = s.must_haves.iter().map(|m| m.requirement.len()).max();
            for m in &s.must_haves {
                writeln!(
                    f,
                    "    {:width$}  {} of {} ({} %)",
                    m.requirement,
                    m.passing,
                    s.frameworks,
                    m.percent,
                    width = width.unwrap_or(0)
                )?;
            }
        }
        writeln!(
            f,
            "{}, {}",
            plural(self.errors(), "error", "errors"),
            plural(self.warnings(), "warning", "warnings")
        )
    }
}

/// Walks a document, writing down findings; names entries by their names where known.
struct Checker<'a> {
    doc: &'a Document,
    today: NaiveDate,
    findings: Vec<Finding>,
    requirement_names: HashMap<&'a str, &'a str>,
    industry_names: HashMap<&'a str, &'a str>,
    language_names: HashMap<&'a str, &'a str>,
    feature_names: HashMap<&'a str, &'a str>,
}

impl<'a> Checker<'a> {
    fn new(doc: &'a Document, today: NaiveDate) -> Self {
        fn names<'d>(
            records: impl Iterator<Item = (&'d str, &'d str)>,
        ) -> HashMap<&'d str, &'d str> {
            records.collect()
        }
        Self {
            doc,
            today,
            findings: Vec::new(),
            requirement_names: names(
                doc.requirements
                    .iter()
                    .map(|r| (r.slug.as_str(), r.name.as_str())),
            ),
            industry_names: names(
                doc.industries
                    .iter()
                    .map(|r| (r.slug.as_str(), r.name.as_str())),
            ),
            language_names: names(
                doc.languages
                    .iter()
                    .map(|r| (r.slug.as_str(), r.name.as_str())),
            ),
            feature_names: names(
                doc.features
                    .iter()
                    .map(|r| (r.slug.as_str(), r.name.as_str())),
            ),
        }
    }

    fn add(
        &mut self,
        severity: Severity,
        code: &'static str,
        location: String,
        subject: Subject,
        message: String,
    ) {
        self.findings.push(Finding {
            severity,
            code,
            location,
            message,
            subject,
        });
    }

    fn name_of<'n>(names: &HashMap<&'n str, &'n str>, slug: &'n str) -> &'n str {
        names.get(slug).copied().unwrap_or(slug)
    }

    /// "Security" or "Fintech": the requirement or industry a rating is about.
    fn rated(&self, list: RatingList, slug: &'a str) -> &'a str {
        match list {
            RatingList::Requirements => Self::name_of(&self.requirement_names, slug),
            RatingList::Industries => Self::name_of(&self.industry_names, slug),
        }
    }

    fn rating_location(f: &FrameworkRecord, r: &Rating<'_>) -> String {
        format!("frameworks[{}].{}[{}]", f.slug, r.list.key(), r.slug)
    }

    fn rating_subject(f: &FrameworkRecord, r: &Rating<'_>) -> Subject {
        match r.list {
            RatingList::Requirements => Subject::Strength {
                framework: f.slug.clone(),
                requirement: r.slug.to_owned(),
            },
            RatingList::Industries => Subject::Fit {
                framework: f.slug.clone(),
                industry: r.slug.to_owned(),
            },
        }
    }

    /// How many days before today `date` (YYYY-MM-DD) was, and the day as people write it
    /// ("30 Nov 2026"): the messages are read on the health page and in the terminal.
    fn days_since(&self, date: &str) -> Option<(i64, String)> {
        NaiveDate::parse_from_str(date, "%Y-%m-%d").ok().map(|day| {
            (
                (self.today - day).num_days(),
                day.format("%-d %b %Y").to_string(),
            )
        })
    }

    fn sources(&mut self, f: &'a FrameworkRecord) {
        let count = f.sources.len();
        if count < MIN_SOURCES {
            self.add(
                Severity::Error,
                "too-few-sources",
                format!("frameworks[{}].sources", f.slug),
                Subject::Sources(f.slug.clone()),
                format!(
                    "{} lists {}; a framework needs at least {MIN_SOURCES} (official \
                     documentation, release notes, a case study) so its ratings can be checked. \
                     Add {} more in its Sources section.",
                    f.name,
                    plural(count, "source", "sources"),
                    MIN_SOURCES - count
                ),
            );
        }
        for source in &f.sources {
            let stale = match self.days_since(&source.checked) {
                Some((days, day)) if days > SOURCE_STALE_DAYS => {
                    format!("was last checked on {day}, {days} days ago")
                }
                Some(_) => continue,
                None => format!("has no readable date checked (\"{}\")", source.checked),
            };
            self.add(
                Severity::Warning,
                "source-stale",
                format!("frameworks[{}].sources[{}]", f.slug, source.url),
                Subject::Sources(f.slug.clone()),
                format!(
                    "{}'s source \"{}\" ({}) {stale}. Open it, confirm it still says what the \
                     entry rests on, and set the day checked to today (sources are checked every \
                     {SOURCE_STALE_DAYS} days).",
                    f.name, source.title, source.url
                ),
            );
        }
    }

    fn review(&mut self, f: &'a FrameworkRecord) {
        let overdue = match f.last_reviewed.as_deref() {
            None => "has never been reviewed".to_owned(),
            Some(date) => match self.days_since(date) {
                Some((days, day)) if days > REVIEW_INTERVAL_DAYS => {
                    format!("was last reviewed on {day}, {days} days ago")
                }
                Some(_) => return,
                None => format!("has an unreadable review date (\"{date}\")"),
            },
        };
        self.add(
            Severity::Warning,
            "review-overdue",
            format!("frameworks[{}].last_reviewed", f.slug),
            Subject::Framework(f.slug.clone()),
            format!(
                "{} {overdue}; entries are reviewed at least every {REVIEW_INTERVAL_DAYS} days. \
                 Check its facts and ratings, then use “Save and mark reviewed”.",
                f.name
            ),
        );
    }

    fn framework_ratings(&mut self, f: &'a FrameworkRecord) {
        let mut middling = 0;
        let mut middling_unsourced = 0;
        for r in f.ratings() {
            let location = Self::rating_location(f, &r);
            let rated = self.rated(r.list, r.slug);
            let what = r.list.what();
            let value = r.value;
            if r.sources.is_empty() && matches!(value, 0 | 1 | 5) {
                self.add(
                    Severity::Error,
                    "unsourced-extreme-rating",
                    location.clone(),
                    Self::rating_subject(f, &r),
                    format!(
                        "{}'s {what} of {value} for {rated} cites no source. A rating of 0, 1 \
                         or 5 says the framework works against it or is among the best, which \
                         must rest on a document: cite one, or rate it from 2 to 4 until one is \
                         found.",
                        f.name
                    ),
                );
            }
            if (2..=4).contains(&value) {
                middling += 1;
                if r.sources.is_empty() {
                    middling_unsourced += 1;
                }
            }
            if r.note.trim().is_empty() {
                self.add(
                    Severity::Warning,
                    "rating-without-note",
                    location.clone(),
                    Self::rating_subject(f, &r),
                    format!(
                        "{}'s {what} of {value} for {rated} has no note. Sales see the note as \
                         the evidence for the number: write in a sentence why it is {value}.",
                        f.name
                    ),
                );
            }
            if let Some(word) = contradiction(r.note, value) {
                self.add(
                    Severity::Error,
                    "note-contradicts-rating",
                    location,
                    Self::rating_subject(f, &r),
                    format!(
                        "{}'s note for {rated} says \"{word}\", but its {what} is {value}. The \
                         wording or the number is wrong: make them say the same.",
                        f.name
                    ),
                );
            }
        }
        if middling_unsourced > 0 {
            self.add(
                Severity::Warning,
                "rating-without-source",
                format!("frameworks[{}]", f.slug),
                Subject::Ratings(f.slug.clone()),
                format!(
                    "{}: {middling_unsourced} of its {} from 2 to 4 {} no source. Cite the \
                     document each rests on (one of the framework's own sources will do).",
                    f.name,
                    plural(middling, "rating", "ratings"),
                    if middling_unsourced == 1 {
                        "cites"
                    } else {
                        "cite"
                    }
                ),
            );
        }
    }

    fn features(&mut self, f: &'a FrameworkRecord) {
        for rule in FEATURE_RULES {
            let defined = self.feature_names.contains_key(rule.feature);
            if !defined || !f.features.iter().any(|t| t == rule.feature) {
                continue;
            }
            let denial = match rule.needs {
                Needs::Rating {
                    requirements,
                    minimum,
                } => self.rating_denial(f, requirements, minimum),
                Needs::Language { languages } => self.language_denial(f, languages),
            };
            let Some(denial) = denial else { continue };
            let tag = Self::name_of(&self.feature_names, rule.feature);
            self.add(
                Severity::Error,
                "feature-outside-definition",
                format!("frameworks[{}].features[{}]", f.slug, rule.feature),
                Subject::Features(f.slug.clone()),
                format!("{} is tagged \"{tag}\"{denial}", f.name),
            );
        }
    }

    /// How `f`'s ratings deny a tag that means one of `requirements` rated `minimum` or more,
    /// as the rest of a sentence after the tag, or `None` when they bear it out (or the
    /// document defines none of the requirements).
    fn rating_denial(
        &self,
        f: &FrameworkRecord,
        requirements: &[&'a str],
        minimum: i64,
    ) -> Option<String> {
        let named: Vec<&str> = requirements
            .iter()
            .copied()
            .filter(|r| self.requirement_names.contains_key(r))
            .collect();
        let strength = |slug: &str| {
            f.requirements
                .iter()
                .find(|r| r.requirement == slug)
                .map(|r| r.strength)
        };
        if named.is_empty()
            || named
                .iter()
                .any(|r| strength(r).is_some_and(|s| s >= minimum))
        {
            return None;
        }
        let name = |slug: &'a str| Self::name_of(&self.requirement_names, slug);
        let (denial, meaning) = match named.as_slice() {
            [one] => (
                match strength(one) {
                    Some(s) => format!("rates {} {s}", name(one)),
                    None => format!("has no rating for {}", name(one)),
                },
                format!("{} {minimum} or more", name(one)),
            ),
            many => (
                format!(
                    "rates none of {} at {minimum} or more",
                    list(many.iter().map(|r| name(r).to_owned()))
                ),
                format!("one of them at {minimum} or more"),
            ),
        };
        Some(format!(
            " but {denial}, while the tag means {meaning}. A tag the ratings deny misleads \
             whoever searches for it: remove the tag, or correct the rating and cite why."
        ))
    }

    /// How `f`'s team languages deny a tag only a team writing one of `languages` uses, as the
    /// rest of a sentence after the tag, or `None` when they include one (or the document
    /// defines none of them).
    fn language_denial(&self, f: &FrameworkRecord, languages: &[&'a str]) -> Option<String> {
        let named: Vec<&str> = languages
            .iter()
            .copied()
            .filter(|l| self.language_names.contains_key(l))
            .collect();
        if named.is_empty() || f.languages.iter().any(|l| named.contains(&l.as_str())) {
            return None;
        }
        let needed = list_or(
            named
                .iter()
                .map(|l| Self::name_of(&self.language_names, l).to_owned()),
        );
        let absent = if named.len() == 1 {
            format!("{needed} is not")
        } else {
            "none of them is".to_owned()
        };
        let written = if f.languages.is_empty() {
            "none".to_owned()
        } else {
            list(f.languages.iter().map(|l| {
                self.language_names
                    .get(l.as_str())
                    .map_or_else(|| l.clone(), |name| (*name).to_owned())
            }))
        };
        Some(format!(
            ", which a team only uses writing {needed}, but {absent} among the languages a team \
             writes with it ({written}). Remove the tag, or add the language if teams do write it."
        ))
    }

    /// Within one requirement or industry, frameworks giving the same evidence for different
    /// numbers.
    fn same_notes(&mut self) {
        let doc = self.doc;
        // (list, slug, note as compared) → (framework, rating), in document order.
        type Key<'k> = (RatingList, &'k str, String);
        let mut groups: BTreeMap<Key<'_>, Vec<(&FrameworkRecord, i64)>> = BTreeMap::new();
        for f in &doc.frameworks {
            for r in f.ratings() {
                let note = r.note.trim().to_lowercase();
                if note.is_empty() {
                    continue;
                }
                groups
                    .entry((r.list, r.slug, note))
                    .or_default()
                    .push((f, r.value));
            }
        }
        for ((kind, slug, _), members) in groups {
            let values: HashSet<i64> = members.iter().map(|(_, v)| *v).collect();
            if values.len() < 2 {
                continue;
            }
            let (first, _) = members[0];
            let note = first
                .ratings()
                .find(|r| r.list == kind && r.slug == slug)
                .map_or("", |r| r.note.trim());
            let what = kind.what();
            let who = list(members.iter().map(|(f, v)| format!("{} ({v})", f.name)));
            self.add(
                Severity::Error,
                "same-note-different-ratings",
                format!("frameworks[{}].{}[{slug}]", first.slug, kind.key()),
                match kind {
                    RatingList::Requirements => Subject::Strength {
                        framework: first.slug.clone(),
                        requirement: slug.to_owned(),
                    },
                    RatingList::Industries => Subject::Fit {
                        framework: first.slug.clone(),
                        industry: slug.to_owned(),
                    },
                },
                format!(
                    "For {}, {who} have the same note \"{note}\" but different {what}s. The same \
                     evidence cannot justify two numbers: write each framework's own note, or \
                     give them the same {what}.",
                    self.rated(kind, slug)
                ),
            );
        }
    }

    fn must_haves(&mut self) -> Vec<MustHave> {
        let doc = self.doc;
        let total = doc.frameworks.len();
        let minimum = i64::from(MUST_HAVE_MINIMUM);
        let mut must_haves = Vec::new();
        for requirement in &doc.requirements {
            let passing = doc
                .frameworks
                .iter()
                .filter(|f| {
                    f.requirements
                        .iter()
                        .any(|r| r.requirement == requirement.slug && r.strength >= minimum)
                })
                .count();
            let percent = (passing * 100).checked_div(total).unwrap_or(0);
            let severity = match percent {
                _ if total < BARELY_FILTERS_MIN_FRAMEWORKS => None,
                p if p >= BARELY_FILTERS_PERCENT => Some(Severity::Error),
                p if p >= FILTERS_FEW_PERCENT => Some(Severity::Warning),
                _ => None,
            };
            if let Some(severity) = severity {
                self.add(
                    severity,
                    "must-have-barely-filters",
                    format!("requirements[{}]", requirement.slug),
                    Subject::Requirement(requirement.slug.clone()),
                    format!(
                        "{}: {passing} of {total} frameworks pass it as a must-have (strength \
                         {MUST_HAVE_MINIMUM} or more). A must-have that few frameworks fail \
                         hardly separates them: check whether its ratings are too generous \
                         against its rubric, or say in docs/rubric.md why so many pass.",
                        requirement.name
                    ),
                );
            }
            must_haves.push(MustHave {
                requirement: requirement.slug.clone(),
                name: requirement.name.clone(),
                passing,
                percent,
            });
        }
        must_haves
    }

    fn vocabulary(&mut self) {
        let doc = self.doc;
        let linked: HashSet<&str> = doc
            .frameworks
            .iter()
            .flat_map(|f| f.use_cases.iter().map(String::as_str))
            .collect();
        for use_case in &doc.use_cases {
            if !linked.contains(use_case.slug.as_str()) {
                self.add(
                    Severity::Warning,
                    "use-case-unlinked",
                    format!("use_cases[{}]", use_case.slug),
                    Subject::UseCase(use_case.slug.clone()),
                    format!(
                        "No framework links to the use case \"{}\", so it never shows in a \
                         recommendation. Link the frameworks that suit it, or delete it.",
                        use_case.name
                    ),
                );
            }
        }
        let rubricless = doc
            .requirements
            .iter()
            .filter(|r| r.rubric.is_empty())
            .map(|r| ("requirements", "requirement", &r.slug, &r.name))
            .chain(
                doc.industries
                    .iter()
                    .filter(|r| r.rubric.is_empty())
                    .map(|r| ("industries", "industry", &r.slug, &r.name)),
            );
        for (key, what, slug, name) in rubricless {
            self.add(
                Severity::Warning,
                "rubric-missing",
                format!("{key}[{slug}].rubric"),
                if key == "requirements" {
                    Subject::Requirement(slug.clone())
                } else {
                    Subject::Industry(slug.clone())
                },
                format!(
                    "The {what} \"{name}\" has no rubric saying what each rating from 0 to 5 \
                     means, so editors rate it by feel. Write the six levels on its edit page."
                ),
            );
        }
    }
}

/// "a", "a and b", "a, b and c".
fn list(items: impl Iterator<Item = String>) -> String {
    join(items, "and")
}

/// "a", "a or b", "a, b or c".
fn list_or(items: impl Iterator<Item = String>) -> String {
    join(items, "or")
}

fn join(items: impl Iterator<Item = String>, last: &str) -> String {
    let items: Vec<String> = items.collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., end] => format!("{} {last} {end}", init.join(", ")),
    }
}

/// The first listed word in `note` that contradicts `value`: praise on 0 or 1, a denial on 4
/// or 5.
fn contradiction(note: &str, value: i64) -> Option<&'static str> {
    let words = match value {
        ..=1 => POSITIVE_WORDS,
        4.. => NEGATIVE_WORDS,
        _ => return None,
    };
    let text = normalise(note);
    words.iter().copied().find(|word| says(&text, word))
}

/// Lower case, with every run of white space one space, so phrases match however typed.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A character that continues a word: "ideally" is not "ideal", "non-ideal" not "ideal".
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// Whether `text` (normalised) uses `phrase` as whole words, not negated.
fn says(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = &text[..at];
        let after = &text[at + phrase.len()..];
        let whole = !before.chars().next_back().is_some_and(is_word_char)
            && !after.chars().next().is_some_and(is_word_char);
        whole && !negated(before)
    })
}

/// Whether the text before a phrase ends in a negator ("… not ", "far from ").
fn negated(before: &str) -> bool {
    let before = before.trim_end();
    NEGATORS.iter().any(|negator| {
        before
            .strip_suffix(negator)
            .is_some_and(|rest| !rest.chars().next_back().is_some_and(is_word_char))
    })
}

/// Checks `doc` as of `today`: every finding, errors first, and the summary.
pub fn check(doc: &Document, today: NaiveDate) -> Report {
    let mut c = Checker::new(doc, today);
    for f in &doc.frameworks {
        c.sources(f);
        c.review(f);
        c.framework_ratings(f);
        c.features(f);
    }
    c.same_notes();
    let must_haves = c.must_haves();
    c.vocabulary();

    let ratings_of = |f: &FrameworkRecord| f.requirements.len() + f.industries.len();
    let rating_count: usize = doc.frameworks.iter().map(ratings_of).sum();
    let sourced_ratings = doc
        .frameworks
        .iter()
        .flat_map(FrameworkRecord::ratings)
        .filter(|r| !r.sources.is_empty())
        .count();
    let summary = Summary {
        frameworks: doc.frameworks.len(),
        sources: doc.frameworks.iter().map(|f| f.sources.len()).sum(),
        ratings: rating_count,
        sourced_ratings,
        sourced_percent: (sourced_ratings * 100)
            .checked_div(rating_count)
            .unwrap_or(0),
        must_haves,
    };
    let mut findings = c.findings;
    // Stable: each severity keeps the order the document was walked in.
    findings.sort_by_key(|f| f.severity);
    Report { findings, summary }
}

#[cfg(test)]
mod tests;
