//! The export format: the whole knowledge base as one JSON document, keyed by slugs.
//!
//! The same types are read by `import`, written by `export`, and used for the embedded seed,
//! so the seed is loaded through exactly the code an editor's import uses. Lists are kept
//! sorted by slug so that exporting the same knowledge always gives the same bytes.

use serde::{Deserialize, Serialize};

/// Marks a JSON file as a stackatlas knowledge document.
pub const FORMAT_NAME: &str = "stackatlas-knowledge";
/// Bumped when a change to the format would make older documents mean something else.
pub const FORMAT_VERSION: u32 = 1;

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
    pub industries: Vec<TermRecord>,
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
    /// Slug of the framework's primary language.
    pub language: String,
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

/// How strongly a framework meets one requirement, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrengthRecord {
    pub requirement: String,
    pub strength: i64,
    #[serde(default)]
    pub note: String,
}

/// How well a framework fits one industry, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitRecord {
    pub industry: String,
    pub fit: i64,
    #[serde(default)]
    pub note: String,
}

impl FrameworkRecord {
    /// Puts every list of links in slug order.
    pub fn sort(&mut self) {
        self.requirements
            .sort_by(|a, b| a.requirement.cmp(&b.requirement));
        self.industries.sort_by(|a, b| a.industry.cmp(&b.industry));
        self.features.sort();
        self.use_cases.sort();
        self.trends.sort();
    }
}

impl Document {
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
