//! The export format: the whole knowledge base as one JSON document, keyed by slugs.
//!
//! The same types are read by `import`, written by `export`, and used for the embedded seed,
//! so the seed is loaded through exactly the code an editor's import uses. Lists are kept
//! sorted by slug so that exporting the same knowledge always gives the same bytes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Marks a JSON file as a stackatlas knowledge document.
pub const FORMAT_NAME: &str = "stackatlas-knowledge";
/// Bumped when a change to the format would make older documents mean something else, or
/// when a document of this version could not be read by an older stackatlas (records refuse
/// unknown fields, so a new field is refused by its name rather than by the version).
/// Version 2 added sources, every language a team writes, review dates of ratings and rubrics;
/// version 3 the phrases clients use for industries, requirements, use cases and languages.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest version still read. A version 1 document reads as version 2 with no sources,
/// no rubrics, no rating review dates, and each framework written in its own language only;
/// a version 1 or 2 document says nothing about phrases (see [`Document::upgrade`]).
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// The first version whose documents say which phrases each term carries.
pub const PHRASES_SINCE: u32 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub format: String,
    pub format_version: u32,
    #[serde(default)]
    pub languages: Vec<TermRecord>,
    #[serde(default)]
    pub features: Vec<TermRecord>,
    #[serde(default)]
    pub industries: Vec<IndustryRecord>,
    #[serde(default)]
    pub use_cases: Vec<UseCaseRecord>,
    #[serde(default)]
    pub requirements: Vec<RequirementRecord>,
    #[serde(default)]
    pub trends: Vec<TermRecord>,
    #[serde(default)]
    pub frameworks: Vec<FrameworkRecord>,
    /// Whether the document says which phrases its terms carry. Documents of format 3 and
    /// later do (a term without `phrases` has none); an older one says nothing about them, so
    /// importing it keeps the phrases each term has in the database. Not part of the format.
    #[serde(skip, default = "gives_phrases")]
    pub gives_phrases: bool,
}

fn gives_phrases() -> bool {
    true
}

impl Default for Document {
    fn default() -> Self {
        Self {
            format: FORMAT_NAME.to_owned(),
            format_version: FORMAT_VERSION,
            languages: Vec::new(),
            features: Vec::new(),
            industries: Vec::new(),
            use_cases: Vec::new(),
            requirements: Vec::new(),
            trends: Vec::new(),
            frameworks: Vec::new(),
            gives_phrases: true,
        }
    }
}

/// A language, feature or trend: the entities that are just a named term. A language also
/// carries the phrases clients use for it; features and trends carry none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermRecord {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Phrases,
}

/// The words clients use for an industry, a requirement, a use case or a language ("works on
/// the subway", "HIPAA", "our devs know C#"): what suggestions from a client's description
/// are found by (the `suggest` module). Kept as the editors wrote them.
pub type Phrases = Vec<String>;

/// What each rating 0–5 of a requirement or an industry means: six texts, index = rating, or
/// none while nobody has written them.
pub type Rubric = Vec<String>;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustryRecord {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub rubric: Rubric,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Phrases,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UseCaseRecord {
    pub slug: String,
    pub name: String,
    /// Slug of the industry the use case belongs to.
    pub industry: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Phrases,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementRecord {
    pub slug: String,
    pub name: String,
    pub group: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub rubric: Rubric,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Phrases,
}

/// A framework as an import document or the editor's form gives it: untrusted text, not yet
/// parsed. It holds strings rather than `Slug`, `Ring` or `Score` on purpose: the whole document
/// is validated at once (`knowledge::validate`), so that every problem is reported together, each
/// at a location named by slug (`frameworks[django].ring`), instead of the first bad value
/// stopping deserialisation with a position in the JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRecord {
    pub slug: String,
    pub name: String,
    /// Slug of the language the framework itself is written in: a fact about it.
    pub language: String,
    /// Slugs of every language a team writes when building on it, which is what a team's
    /// languages are matched against. Version 1 documents lack it (see [`Document::upgrade`]).
    #[serde(default)]
    pub languages: Vec<String>,
    pub kind: String,
    #[serde(default)]
    pub license: String,
    #[serde(default)]
    pub first_release: Option<i64>,
    #[serde(default)]
    pub website: String,
    pub ring: String,
    pub summary: String,
    /// Markdown.
    #[serde(default)]
    pub description: String,
    /// `YYYY-MM-DD`, or absent when nobody has reviewed the entry yet.
    #[serde(default)]
    pub last_reviewed: Option<String>,
    /// What the entry rests on, most important first.
    #[serde(default)]
    pub sources: Vec<SourceRecord>,
    #[serde(default)]
    pub requirements: Vec<StrengthRecord>,
    #[serde(default)]
    pub industries: Vec<FitRecord>,
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default)]
    pub use_cases: Vec<String>,
    #[serde(default)]
    pub trends: Vec<String>,
}

/// A record that carries phrases clients use: a language, an industry, a use case or a
/// requirement (and, with none, a feature or a trend, which share the language's record).
pub trait Phrased {
    fn slug(&self) -> &str;
    fn phrases(&self) -> &Phrases;
    fn phrases_mut(&mut self) -> &mut Phrases;
}

macro_rules! phrased {
    ($($record:ty),+) => {
        $(impl Phrased for $record {
            fn slug(&self) -> &str {
                &self.slug
            }

            fn phrases(&self) -> &Phrases {
                &self.phrases
            }

            fn phrases_mut(&mut self) -> &mut Phrases {
                &mut self.phrases
            }
        })+
    };
}
phrased!(TermRecord, IndustryRecord, UseCaseRecord, RequirementRecord);

/// Which list of a framework a rating belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RatingList {
    Requirements,
    Industries,
}

impl RatingList {
    /// The list's name in the format: `requirements`, `industries`.
    pub fn key(self) -> &'static str {
        match self {
            RatingList::Requirements => "requirements",
            RatingList::Industries => "industries",
        }
    }

    /// What the number is called: `strength`, `fit`.
    pub fn what(self) -> &'static str {
        match self {
            RatingList::Requirements => "strength",
            RatingList::Industries => "fit",
        }
    }

    /// What is rated: `requirement`, `industry`.
    pub fn subject(self) -> &'static str {
        match self {
            RatingList::Requirements => "requirement",
            RatingList::Industries => "industry",
        }
    }
}

/// A requirement strength or an industry fit, read alike (see [`FrameworkRecord::ratings`]).
#[derive(Debug, Clone, Copy)]
pub struct Rating<'a> {
    pub list: RatingList,
    /// The requirement's or industry's slug.
    pub slug: &'a str,
    pub value: i64,
    pub note: &'a str,
    pub sources: &'a [String],
    pub reviewed: Option<&'a str>,
}

/// A document an entry rests on, and the day an editor last checked it said so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    pub url: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub checked: String,
}

/// How strongly a framework meets one requirement, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrengthRecord {
    pub requirement: String,
    pub strength: i64,
    #[serde(default)]
    pub note: String,
    /// URLs the rating cites: the framework's own sources or any other.
    #[serde(default)]
    pub sources: Vec<String>,
    /// `YYYY-MM-DD` the rating last changed, or absent when unknown.
    #[serde(default)]
    pub reviewed: Option<String>,
}

/// How well a framework fits one industry, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitRecord {
    pub industry: String,
    pub fit: i64,
    #[serde(default)]
    pub note: String,
    /// URLs the rating cites: the framework's own sources or any other.
    #[serde(default)]
    pub sources: Vec<String>,
    /// `YYYY-MM-DD` the rating last changed, or absent when unknown.
    #[serde(default)]
    pub reviewed: Option<String>,
}

impl FrameworkRecord {
    /// Reads a record written before format version 2 (an old document, an old revision in
    /// the audit log) as version 2 means it: a team building on it writes its own language.
    pub fn upgrade(&mut self) {
        if self.languages.is_empty() && !self.language.is_empty() {
            self.languages.push(self.language.clone());
        }
    }

    /// Every requirement strength and industry fit, read alike, strengths first.
    pub fn ratings(&self) -> impl Iterator<Item = Rating<'_>> {
        let strengths = self.requirements.iter().map(|r| Rating {
            list: RatingList::Requirements,
            slug: &r.requirement,
            value: r.strength,
            note: &r.note,
            sources: &r.sources,
            reviewed: r.reviewed.as_deref(),
        });
        let fits = self.industries.iter().map(|r| Rating {
            list: RatingList::Industries,
            slug: &r.industry,
            value: r.fit,
            note: &r.note,
            sources: &r.sources,
            reviewed: r.reviewed.as_deref(),
        });
        strengths.chain(fits)
    }

    /// Dates each rating that differs from `before` (in number, note or sources) `today`, and
    /// gives every other rating the date it already had, so that a rating's review date says
    /// when it last changed whatever the form or document sent.
    pub fn date_changed_ratings(&mut self, before: Option<&FrameworkRecord>, today: &str) {
        let earlier: HashMap<(RatingList, &str), Rating<'_>> = before
            .into_iter()
            .flat_map(FrameworkRecord::ratings)
            .map(|r| ((r.list, r.slug), r))
            .collect();
        let dates: Vec<Option<String>> = self
            .ratings()
            .map(|r| match earlier.get(&(r.list, r.slug)) {
                Some(e) if (e.value, e.note, e.sources) == (r.value, r.note, r.sources) => {
                    e.reviewed.map(str::to_owned)
                }
                _ => Some(today.to_owned()),
            })
            .collect();
        let reviewed = self.requirements.iter_mut().map(|r| &mut r.reviewed);
        let reviewed = reviewed.chain(self.industries.iter_mut().map(|i| &mut i.reviewed));
        for (slot, date) in reviewed.zip(dates) {
            *slot = date;
        }
    }

    /// Puts every list of links in slug order.
    pub fn sort(&mut self) {
        self.requirements
            .sort_by(|a, b| a.requirement.cmp(&b.requirement));
        self.industries.sort_by(|a, b| a.industry.cmp(&b.industry));
        self.features.sort();
        self.use_cases.sort();
        self.trends.sort();
        self.languages.sort();
    }
}

impl Document {
    /// Reads an older version's document as the current version means it: a framework that
    /// names no languages a team writes is written in its own language, and a document from
    /// before phrases says nothing about them. Sets the version.
    pub fn upgrade(&mut self) {
        for framework in &mut self.frameworks {
            framework.upgrade();
        }
        if self.format_version < PHRASES_SINCE {
            self.gives_phrases = false;
        }
        self.format_version = FORMAT_VERSION;
    }

    /// Makes this a document that says nothing about phrases: importing it leaves each
    /// term's stored phrases as they are.
    pub fn leave_phrases_alone(&mut self) {
        self.languages.iter_mut().for_each(|r| r.phrases.clear());
        self.industries.iter_mut().for_each(|r| r.phrases.clear());
        self.use_cases.iter_mut().for_each(|r| r.phrases.clear());
        self.requirements.iter_mut().for_each(|r| r.phrases.clear());
        self.gives_phrases = false;
    }

    /// Gives each term that has no phrases here the phrases `stored` has for it: what
    /// importing a document that says nothing about phrases means.
    pub fn keep_phrases_of(&mut self, stored: &Document) {
        fn keep<T: Phrased>(records: &mut [T], stored: &[T]) {
            let by_slug: HashMap<&str, &Phrases> =
                stored.iter().map(|r| (r.slug(), r.phrases())).collect();
            for record in records {
                if let Some(kept) = by_slug.get(record.slug())
                    && record.phrases().is_empty()
                {
                    record.phrases_mut().clone_from(kept);
                }
            }
        }
        keep(&mut self.languages, &stored.languages);
        keep(&mut self.industries, &stored.industries);
        keep(&mut self.use_cases, &stored.use_cases);
        keep(&mut self.requirements, &stored.requirements);
    }

    /// Puts every list, and every list inside a framework, in slug order.
    pub fn sort(&mut self) {
        self.languages.sort_by(|a, b| a.slug.cmp(&b.slug));
        self.features.sort_by(|a, b| a.slug.cmp(&b.slug));
        self.industries.sort_by(|a, b| a.slug.cmp(&b.slug));
        self.use_cases.sort_by(|a, b| a.slug.cmp(&b.slug));
        self.requirements.sort_by(|a, b| a.slug.cmp(&b.slug));
        self.trends.sort_by(|a, b| a.slug.cmp(&b.slug));
        self.frameworks.sort_by(|a, b| a.slug.cmp(&b.slug));
        for framework in &mut self.frameworks {
            framework.sort();
        }
    }

    /// Pretty JSON with a trailing newline, the form files are written in.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a document always serialises");
        json.push('\n');
        json
    }
}
