//! The export format: the whole knowledge base as one JSON document, keyed by slugs.
//!
//! The same types are read by `import`, written by `export`, and used for the embedded seed,
//! so the seed is loaded through exactly the code an editor's import uses. Lists are kept
//! sorted by slug so that exporting the same knowledge always gives the same bytes.

use serde::{Deserialize, Serialize};

/// Marks a JSON file as a stackatlas knowledge document.
pub const FORMAT_NAME: &str = "stackatlas-knowledge";
/// Bumped when a change to the format would make older documents mean something else.
/// Version 2 added sources, every language a team writes, review dates of ratings and rubrics.
pub const FORMAT_VERSION: u32 = 2;
/// The oldest version still read. A version 1 document reads as version 2 with no sources,
/// no rubrics, no rating review dates, and each framework written in its own language only
/// (see [`Document::upgrade`]).
pub const OLDEST_FORMAT_VERSION: u32 = 1;

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
        }
    }
}

/// A language, feature, industry or trend: the entities that are just a named term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermRecord {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UseCaseRecord {
    pub slug: String,
    pub name: String,
    /// Slug of the industry the use case belongs to.
    pub industry: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementRecord {
    pub slug: String,
    pub name: String,
    pub group: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub rubric: Rubric,
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

    /// Dates each rating that differs from `before` (in number, note or sources) `today`, and
    /// gives every other rating the date it already had, so that a rating's review date says
    /// when it last changed whatever the form or document sent.
    pub fn date_changed_ratings(&mut self, before: Option<&FrameworkRecord>, today: &str) {
        fn stamp<T>(
            links: &mut [T],
            earlier: &[T],
            same_link: impl Fn(&T, &T) -> bool,
            same_rating: impl Fn(&T, &T) -> bool,
            reviewed: impl Fn(&mut T) -> &mut Option<String>,
            today: &str,
        ) where
            T: Clone,
        {
            for link in links.iter_mut() {
                let unchanged = earlier
                    .iter()
                    .find(|e| same_link(e, link))
                    .filter(|e| same_rating(e, link))
                    .cloned();
                *reviewed(link) = match unchanged {
                    Some(mut e) => reviewed(&mut e).clone(),
                    None => Some(today.to_owned()),
                };
            }
        }
        let (earlier_strengths, earlier_fits) = before.map_or((&[][..], &[][..]), |b| {
            (&b.requirements[..], &b.industries[..])
        });
        stamp(
            &mut self.requirements,
            earlier_strengths,
            |a, b| a.requirement == b.requirement,
            |a, b| a.strength == b.strength && a.note == b.note && a.sources == b.sources,
            |l| &mut l.reviewed,
            today,
        );
        stamp(
            &mut self.industries,
            earlier_fits,
            |a, b| a.industry == b.industry,
            |a, b| a.fit == b.fit && a.note == b.note && a.sources == b.sources,
            |l| &mut l.reviewed,
            today,
        );
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
    /// names no languages a team writes is written in its own language. Sets the version.
    pub fn upgrade(&mut self) {
        for framework in &mut self.frameworks {
            framework.upgrade();
        }
        self.format_version = FORMAT_VERSION;
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
