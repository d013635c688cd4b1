//! The API's answers: its own item types and the one place database rows become them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db;
use crate::recommend::params::Params;
use crate::suggest;

// The API's own types. Their fields repeat the database rows' on purpose (see the conversions
// below), and their doc lines are the OpenAPI document's descriptions.

/// A framework in lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkItem {
    pub slug: String,
    pub name: String,
    /// The language it is written in (slug).
    pub language: String,
    /// Slugs of every language a team writes when building on it.
    pub languages: Vec<String>,
    /// `full-stack`, `micro`, `runtime` or `baas`.
    pub kind: String,
    /// Radar ring: `adopt`, `trial`, `assess` or `hold`.
    pub ring: String,
    pub summary: String,
    pub first_release: Option<i64>,
    pub last_reviewed: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StrengthItem {
    pub requirement: String,
    pub name: String,
    pub group: String,
    /// 0–5.
    pub strength: i64,
    pub note: String,
    /// Addresses of the sources the rating cites (may be empty).
    pub sources: Vec<String>,
    /// `YYYY-MM-DD` the rating last changed, or null when unknown.
    pub reviewed: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FitItem {
    pub industry: String,
    pub name: String,
    /// 0–5.
    pub fit: i64,
    pub note: String,
    /// Addresses of the sources the rating cites (may be empty).
    pub sources: Vec<String>,
    /// `YYYY-MM-DD` the rating last changed, or null when unknown.
    pub reviewed: Option<String>,
}

/// A document a framework's entry rests on.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceItem {
    pub url: String,
    pub title: String,
    /// `YYYY-MM-DD`: the day an editor last checked it.
    pub checked: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Named {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UseCaseItem {
    pub slug: String,
    pub name: String,
    pub industry: String,
}

/// Every fact about one framework.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkDetail {
    pub slug: String,
    pub name: String,
    /// The language it is written in (slug).
    pub language: String,
    /// Slugs of every language a team writes when building on it.
    pub languages: Vec<String>,
    pub kind: String,
    pub ring: String,
    pub summary: String,
    /// Markdown.
    pub description: String,
    pub website: String,
    pub license: String,
    pub first_release: Option<i64>,
    pub last_reviewed: Option<String>,
    pub updated_at: String,
    pub version: i64,
    /// What the entry rests on, most important first.
    pub sources: Vec<SourceItem>,
    pub requirements: Vec<StrengthItem>,
    pub industries: Vec<FitItem>,
    pub features: Vec<Named>,
    pub use_cases: Vec<UseCaseItem>,
    pub trends: Vec<Named>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndustryItem {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// What each fit 0–5 means (six texts), or empty when not written.
    pub rubric: Vec<String>,
    pub use_cases: Vec<Named>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementItem {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// `capability`, `platform`, `compliance`, `delivery`, `architecture`, `data`, `team` or
    /// `cost`.
    pub group: String,
    /// What each strength 0–5 means (six texts), or empty when not written.
    pub rubric: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LanguageItem {
    pub slug: String,
    pub name: String,
    /// How many frameworks are written in it or have teams writing it.
    pub frameworks: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendItem {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Slugs of the frameworks that follow it.
    pub frameworks: Vec<String>,
}

// The list answers: a page of items named for what they are, and where the next page starts.

/// One page of the frameworks, by slug.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkList {
    pub frameworks: Vec<FrameworkItem>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// One page of the industries, by slug.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndustryList {
    pub industries: Vec<IndustryItem>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// One page of the requirements, by slug.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementList {
    pub requirements: Vec<RequirementItem>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// One page of the languages, by slug.
#[derive(Debug, Serialize, ToSchema)]
pub struct LanguageList {
    pub languages: Vec<LanguageItem>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// One page of the trends, by slug.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendList {
    pub trends: Vec<TrendItem>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

// The one place where the rows' parsed values (`Slug`, `Ring`, `Score`, …) become the API's
// strings and numbers: the API (and the OpenAPI document) changes only when these change,
// never when a row is renamed or reshaped. They look alike because each is a field-by-field
// copy, one per item; what differs is which typed value becomes which string or number.

impl From<db::frameworks::FrameworkSummary> for FrameworkItem {
    fn from(f: db::frameworks::FrameworkSummary) -> Self {
        Self {
            slug: f.slug.to_string(),
            name: f.name,
            language: f.language_slug.to_string(),
            languages: f.languages.0,
            kind: f.kind.to_string(),
            ring: f.ring.to_string(),
            summary: f.summary,
            first_release: f.first_release,
            last_reviewed: f.last_reviewed,
        }
    }
}

impl From<db::frameworks::Strength> for StrengthItem {
    fn from(s: db::frameworks::Strength) -> Self {
        Self {
            requirement: s.requirement_slug.to_string(),
            name: s.requirement_name,
            group: s.requirement_group.to_string(),
            strength: s.strength.value().into(),
            note: s.note,
            sources: s.sources.0,
            reviewed: s.reviewed,
        }
    }
}

impl From<db::frameworks::Fit> for FitItem {
    fn from(f: db::frameworks::Fit) -> Self {
        Self {
            industry: f.industry_slug.to_string(),
            name: f.industry_name,
            fit: f.fit.value().into(),
            note: f.note,
            sources: f.sources.0,
            reviewed: f.reviewed,
        }
    }
}

impl From<db::frameworks::Source> for SourceItem {
    fn from(s: db::frameworks::Source) -> Self {
        Self {
            url: s.url,
            title: s.title,
            checked: s.checked,
        }
    }
}

impl From<db::catalogue::Term> for Named {
    fn from(t: db::catalogue::Term) -> Self {
        Self {
            slug: t.slug.to_string(),
            name: t.name,
        }
    }
}

impl From<db::frameworks::UseCase> for UseCaseItem {
    fn from(u: db::frameworks::UseCase) -> Self {
        Self {
            slug: u.slug.to_string(),
            name: u.name,
            industry: u.industry_slug.to_string(),
        }
    }
}

impl From<db::catalogue::Requirement> for RequirementItem {
    fn from(r: db::catalogue::Requirement) -> Self {
        Self {
            slug: r.slug.to_string(),
            name: r.name,
            description: r.description,
            group: r.req_group.to_string(),
            rubric: r.rubric.0,
        }
    }
}

impl From<db::catalogue::LanguageOption> for LanguageItem {
    fn from(l: db::catalogue::LanguageOption) -> Self {
        Self {
            slug: l.slug.to_string(),
            name: l.name,
            frameworks: l.frameworks,
        }
    }
}

/// Filters suggested from a client's description, each with the words it came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsBody {
    /// The industry first, then must-haves, nice-to-haves, languages and use cases, each in
    /// the order the client mentioned them.
    pub suggestions: Vec<SuggestionItem>,
    /// What the client ruled out ("no need for offline"): understood, and not suggested.
    pub left_out: Vec<LeftOutItem>,
    /// The recommendation query that accepts every suggestion: the page `/?{query}`, the
    /// answer `/api/v1/recommendations?{query}`. Empty when nothing is suggested.
    pub query: String,
}

/// The query parameter a suggestion fills.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SuggestedParam {
    Industry,
    Need,
    Want,
    Lang,
    Use,
}

/// One suggested filter.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionItem {
    pub param: SuggestedParam,
    /// The industry's, requirement's, language's or use case's slug.
    pub slug: String,
    pub name: String,
    /// The client's words it came from, exactly as written.
    pub matched: String,
    /// For a requirement, the words that made it a must-have or a nice-to-have ("is a
    /// must", "would be nice"); absent when the default decided (see docs/suggestions.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
}

/// What a left-out term is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SuggestedKind {
    Industry,
    Requirement,
    UseCase,
    Language,
}

/// A term the client ruled out, with the words that did.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeftOutItem {
    pub kind: SuggestedKind,
    pub slug: String,
    pub name: String,
    /// The negation and the words it applies to.
    pub matched: String,
}

impl From<&suggest::Reading> for SuggestionsBody {
    fn from(reading: &suggest::Reading) -> Self {
        let mut accepted = Params::default();
        let suggestions = reading
            .suggestions
            .iter()
            .map(|s| {
                let param = match s.param {
                    suggest::Param::Industry => {
                        accepted.industry = Some(s.slug.clone());
                        SuggestedParam::Industry
                    }
                    suggest::Param::Need => {
                        accepted.need.push(s.slug.clone());
                        SuggestedParam::Need
                    }
                    suggest::Param::Want => {
                        accepted.want.push(s.slug.clone());
                        SuggestedParam::Want
                    }
                    suggest::Param::Lang => {
                        accepted.lang.push(s.slug.clone());
                        SuggestedParam::Lang
                    }
                    suggest::Param::Use => {
                        accepted.use_cases.push(s.slug.clone());
                        SuggestedParam::Use
                    }
                };
                SuggestionItem {
                    param,
                    slug: s.slug.clone(),
                    name: s.name.clone(),
                    matched: s.matched.clone(),
                    cue: s.cue.clone(),
                }
            })
            .collect();
        let left_out = reading
            .left_out
            .iter()
            .map(|l| LeftOutItem {
                kind: match l.kind {
                    suggest::Kind::Industry => SuggestedKind::Industry,
                    suggest::Kind::Requirement => SuggestedKind::Requirement,
                    suggest::Kind::UseCase => SuggestedKind::UseCase,
                    suggest::Kind::Language => SuggestedKind::Language,
                },
                slug: l.slug.clone(),
                name: l.name.clone(),
                matched: l.matched.clone(),
            })
            .collect();
        Self {
            suggestions,
            left_out,
            query: accepted.to_query_string(),
        }
    }
}

/// Each row as its API item, in the rows' order.
pub fn items<Row, Item: From<Row>>(rows: Vec<Row>) -> Vec<Item> {
    rows.into_iter().map(Item::from).collect()
}
