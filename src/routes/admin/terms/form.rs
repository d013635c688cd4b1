//! The vocabulary form: one shape for every kind, with an industry for use cases and a
//! group for requirements; and how two versions of an entry compare.

use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use super::entity;
use crate::auth::CurrentUser;
use crate::db::terms::{self, Link, State, Term, TermKind};
use crate::domain::{FieldError, RequirementGroup};
use crate::error::Result;
use crate::knowledge::document::Document;
use crate::knowledge::validate::{KnownSlugs, phrase_clashes, phrased, problems_of_record};
use crate::routes::admin::changes::hold::Review;
use crate::routes::admin::editing::{self, Entry, FieldName, Fields, Frame, Revisioned};

#[derive(Debug, Default, Deserialize)]
pub struct TermForm {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub group: String,
    /// What each rating means, for requirements and industries: `rubric_0` … `rubric_5`.
    #[serde(default)]
    pub rubric_0: String,
    #[serde(default)]
    pub rubric_1: String,
    #[serde(default)]
    pub rubric_2: String,
    #[serde(default)]
    pub rubric_3: String,
    #[serde(default)]
    pub rubric_4: String,
    #[serde(default)]
    pub rubric_5: String,
    /// The phrases clients use, one per line, for the kinds that carry them.
    #[serde(default)]
    pub phrases: String,
    /// Why, as the editor says it: the audit revision's note (or the change request's
    /// reason); needed when the change breaks a reference question.
    #[serde(default)]
    pub reason: String,
    /// The author's open change request the form continues, if it does.
    #[serde(default)]
    pub change_request: Option<i64>,
    pub version: i64,
    pub csrf_token: String,
}

/// Whether a change to an entry of `kind` can move a ranking: the ranking reads
/// requirements, industries, use cases and languages, not features or trends.
pub fn moves_rankings(kind: TermKind) -> bool {
    !matches!(kind, TermKind::Feature | TermKind::Trend)
}

/// Whether entries of `kind` are rated 0–5 by frameworks, and so have a rubric.
pub fn is_rated(kind: TermKind) -> bool {
    matches!(kind, TermKind::Requirement | TermKind::Industry)
}

impl TermForm {
    /// The entry the form describes, trimmed, keeping only the fields its kind has.
    pub fn into_term(self, kind: TermKind) -> Term {
        let levels = [
            &self.rubric_0,
            &self.rubric_1,
            &self.rubric_2,
            &self.rubric_3,
            &self.rubric_4,
            &self.rubric_5,
        ]
        .map(|level| level.replace("\r\n", "\n").trim().to_owned());
        // A rubric left wholly blank is none; a partly written one goes to the validator,
        // which names the levels still empty.
        let rubric = if is_rated(kind) && levels.iter().any(|l| !l.is_empty()) {
            levels.to_vec()
        } else {
            Vec::new()
        };
        // One phrase a line; blank lines and surrounding spaces mean nothing.
        let phrases = if kind.has_phrases() {
            self.phrases
                .lines()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        } else {
            Vec::new()
        };
        Term {
            rubric,
            phrases,
            slug: self.slug.trim().to_owned(),
            name: self.name.trim().to_owned(),
            description: self.description.replace("\r\n", "\n").trim().to_owned(),
            industry: if kind == TermKind::UseCase {
                self.industry
            } else {
                String::new()
            },
            group: if kind == TermKind::Requirement {
                self.group
            } else {
                String::new()
            },
        }
    }
}

/// The validator's problems for one entry, keyed by the form's field names: its own, and a
/// phrase that another entry of its kind in `vocabulary` already has (`original` is the slug
/// the entry is saved over, whose stored phrases are the ones being replaced).
pub fn problems(
    kind: TermKind,
    term: &Term,
    original: Option<&str>,
    vocabulary: &Document,
) -> Vec<FieldError> {
    let doc = terms::document_of(kind, term);
    // The document's list for the kind is named like its address, with `_` for `-`.
    let list = entity(kind)
        .base
        .trim_start_matches("/admin/")
        .replace('-', "_");
    let prefix = format!("{list}[{}]", term.slug);
    let mut problems = problems_of_record(&doc, &KnownSlugs::of(&[vocabulary]), &prefix);
    if kind.has_phrases() && !problems.iter().any(|p| p.field == "phrases") {
        let others = phrases_of(vocabulary, kind);
        let mut records: Vec<(&str, &[String])> = others
            .iter()
            .filter(|(slug, _)| Some(*slug) != original && *slug != term.slug)
            .map(|(slug, phrases)| (*slug, *phrases))
            .collect();
        records.push((&term.slug, &term.phrases));
        let what = entity(kind).singular;
        problems.extend(
            phrase_clashes(&list, what, &records)
                .into_iter()
                .map(|p| FieldError::new("phrases", p.message)),
        );
    }
    problems
}

/// Each stored entry of `kind` with its phrases.
fn phrases_of(vocabulary: &Document, kind: TermKind) -> Vec<(&str, &[String])> {
    match kind {
        TermKind::Language => phrased(&vocabulary.languages),
        TermKind::Industry => phrased(&vocabulary.industries),
        TermKind::UseCase => phrased(&vocabulary.use_cases),
        TermKind::Requirement => phrased(&vocabulary.requirements),
        TermKind::Feature | TermKind::Trend => Vec::new(),
    }
}

#[derive(Template)]
#[template(path = "admin/terms/form.html")]
pub struct FormPage {
    pub frame: Frame,
    pub kind: TermKind,
    pub term: Term,
    /// The industries a use case can belong to, as (slug, name).
    pub industries: Vec<(String, String)>,
    pub groups: &'static [RequirementGroup],
    /// Whether the entry is rated by frameworks, and so has a rubric.
    pub rated: bool,
    /// Whether entries of the kind carry phrases clients use.
    pub phrased: bool,
    /// Whether a change can move a ranking, and so the form offers "Preview impact".
    pub moves_rankings: bool,
}

impl FormPage {
    /// The phrases as the text area shows them: one a line.
    pub fn phrase_lines(&self) -> String {
        self.term.phrases.join("\n")
    }

    /// The rubric's text for rating `level`, or empty.
    pub fn rubric_level(&self, level: usize) -> &str {
        self.term.rubric.get(level).map_or("", String::as_str)
    }
}

impl editing::FormPage for FormPage {
    fn frame_mut(&mut self) -> &mut Frame {
        &mut self.frame
    }
}

/// Builds the form pages of one kind; it holds the industries a use case's form offers
/// (none for other kinds, whose forms do not ask).
pub struct Forms<'a> {
    kind: TermKind,
    industries: Vec<(String, String)>,
    user: &'a CurrentUser,
    review_required: bool,
}

impl<'a> Forms<'a> {
    /// The forms of `kind`, reading the industries when a use case's form needs them.
    pub async fn load(pool: &SqlitePool, kind: TermKind, user: &'a CurrentUser) -> Result<Self> {
        let industries = if kind == TermKind::UseCase {
            terms::list(pool, TermKind::Industry)
                .await?
                .into_iter()
                .map(|i| (i.slug, i.name))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Self {
            kind,
            industries,
            user,
            review_required: false,
        })
    }

    /// The forms of `kind`, with the industries of a vocabulary already read.
    pub fn of(vocabulary: &Document, kind: TermKind, user: &'a CurrentUser) -> Self {
        let industries = (vocabulary.industries.iter())
            .filter(|_| kind == TermKind::UseCase)
            .map(|i| (i.slug.clone(), i.name.clone()))
            .collect();
        Self {
            kind,
            industries,
            user,
            review_required: false,
        }
    }

    /// The forms saying whether saving waits for review.
    pub fn reviewed(self, review: &Review) -> Self {
        Self {
            review_required: review.required,
            ..self
        }
    }

    pub fn page(&self, term: Term, original: Option<&str>, version: i64) -> FormPage {
        let mut frame = Frame::new(entity(self.kind), original, version, self.user);
        frame.name = term.name.clone();
        frame.review_required = self.review_required;
        FormPage {
            frame,
            kind: self.kind,
            term,
            industries: self.industries.clone(),
            groups: RequirementGroup::ALL,
            rated: is_rated(self.kind),
            phrased: self.kind.has_phrases(),
            moves_rankings: moves_rankings(self.kind),
        }
    }
}

impl Entry for Term {
    /// The fields in the form's order.
    fn fields(&self) -> Fields {
        let level = |score: usize| self.rubric.get(score).cloned().unwrap_or_default();
        [
            ("slug".to_owned(), self.slug.clone()),
            ("name".to_owned(), self.name.clone()),
            ("description".to_owned(), self.description.clone()),
            ("industry".to_owned(), self.industry.clone()),
            ("group".to_owned(), self.group.clone()),
            ("phrases".to_owned(), self.phrases.join("\n")),
        ]
        .into_iter()
        .chain((0..6).map(|score| (format!("rubric {score}"), level(score))))
        .enumerate()
        .map(|(rank, (name, value))| (FieldName::new(rank as u8, name), value))
        .collect()
    }
}

impl Entry for State {
    /// The entry's fields, then one per framework link a delete took or a restore brought
    /// back, in framework order.
    fn fields(&self) -> Fields {
        let mut fields = self.term.fields();
        fields.extend(self.links.iter().flatten().map(|l| {
            (
                FieldName::new(u8::MAX, format!("link: {}", l.framework)),
                link_summary(l),
            )
        }));
        fields
    }
}

impl Revisioned for State {
    fn name(self) -> String {
        self.term.name
    }
}

/// A framework's link as the history shows it: its score and note, or only that it exists.
fn link_summary(link: &Link) -> String {
    let score = match (link.strength, link.fit) {
        (Some(strength), _) => format!("strength {strength}"),
        (None, Some(fit)) => format!("fit {fit}"),
        (None, None) => "linked".to_owned(),
    };
    if link.note.is_empty() {
        score
    } else {
        format!("{score} — {}", link.note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(framework: &str) -> Link {
        Link {
            framework: framework.into(),
            strength: None,
            fit: None,
            note: String::new(),
            ..Link::default()
        }
    }

    #[test]
    fn the_history_shows_a_links_score_and_note_or_only_that_it_exists() {
        let strength = Link {
            strength: Some(4),
            note: "Tower middleware.".into(),
            ..plain("axum")
        };
        assert_eq!(link_summary(&strength), "strength 4 — Tower middleware.");
        let fit = Link {
            fit: Some(0),
            ..plain("axum")
        };
        assert_eq!(link_summary(&fit), "fit 0");
        assert_eq!(link_summary(&plain("axum")), "linked");
    }
}
