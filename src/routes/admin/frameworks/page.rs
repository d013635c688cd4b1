//! The framework edit page: the facts, a row per requirement and per industry with its
//! rating and note, and a checkbox per feature, use case and trend.

use askama::Template;

use crate::db::frameworks::RatingReview;
use crate::domain::{FieldError, Kind, RequirementGroup, Ring, Score};
use crate::knowledge::document::{Document, FrameworkRecord, Rating, RatingList, SourceRecord};
use crate::knowledge::validate::MAX_SOURCES;
use crate::routes::admin::editing::{self, Frame};
use crate::routes::dates::readable_date;

/// Empty source rows offered below the filled ones, for new sources.
const BLANK_SOURCE_ROWS: usize = 3;

/// One requirement or industry on the form: its rating, its note, and the message if either
/// is wrong.
pub struct ScoreRow {
    pub slug: String,
    pub name: String,
    /// The requirement's group ("Capability"); empty for industries.
    pub group: &'static str,
    /// The rating as submitted or stored, when it is one of the scale's.
    pub value: Option<Score>,
    pub note: String,
    /// The addresses the rating cites, one per line as the field shows them.
    pub sources: String,
    pub error: Option<String>,
    /// What each rating means for this requirement or industry; empty when not written.
    pub rubric: Vec<String>,
    /// "Changed 30 Nov 2026 by Ana", or empty when nothing is known.
    pub reviewed: String,
}

impl ScoreRow {
    /// The row of the entry (slug, name, rubric), with the framework's rating if linked.
    fn new(
        (slug, name, rubric): (&str, &str, &[String]),
        group: &'static str,
        rating: Option<Rating<'_>>,
        error: Option<String>,
    ) -> Self {
        Self {
            slug: slug.to_owned(),
            name: name.to_owned(),
            group,
            value: rating.and_then(|r| Score::new(r.value).ok()),
            note: rating.map_or(String::new(), |r| r.note.to_owned()),
            sources: rating.map_or(String::new(), |r| r.sources.join("\n")),
            error,
            rubric: rubric.to_vec(),
            reviewed: String::new(),
        }
    }

    /// What rating `score` means, or empty.
    pub fn meaning(&self, score: &Score) -> &str {
        self.rubric
            .get(usize::from(score.value()))
            .map_or("", String::as_str)
    }

    fn describe_review(&mut self, review: Option<&RatingReview>) {
        let Some(review) = review else { return };
        let when = review.reviewed.as_deref().map(readable_date);
        self.reviewed = match (when, review.reviewer.as_deref()) {
            (Some(when), Some(who)) => format!("Changed {when} by {who}"),
            (Some(when), None) => format!("Changed {when}"),
            (None, _) => String::new(),
        };
    }

    /// Whether `score` is the row's rating, so its radio button is checked.
    pub fn is(&self, score: &Score) -> bool {
        self.value == Some(*score)
    }
}

/// One row of the sources table, numbered as the form names it.
pub struct SourceRow {
    pub index: usize,
    pub source: SourceRecord,
    pub error: Option<String>,
}

/// One checkbox: a feature, use case or trend the framework may be linked to.
pub struct Choice {
    pub slug: String,
    pub name: String,
    /// Shown in brackets after the name (a use case's industry); may be empty.
    pub detail: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/frameworks/form.html")]
pub struct FormPage {
    pub frame: Frame,
    pub record: FrameworkRecord,
    /// The year as text, empty when unknown.
    pub first_release: String,
    pub languages: Vec<(String, String)>,
    /// Every language, ticked where a team writes it when building on the framework.
    pub team_languages: Vec<Choice>,
    pub sources: Vec<SourceRow>,
    pub kinds: &'static [Kind],
    pub rings: &'static [Ring],
    /// The scale each rating is chosen from.
    pub scores: Vec<Score>,
    pub strengths: Vec<ScoreRow>,
    pub fits: Vec<ScoreRow>,
    pub features: Vec<Choice>,
    pub use_cases: Vec<Choice>,
    pub trends: Vec<Choice>,
    /// The description rendered as the public page will show it, after "Preview".
    pub preview_html: Option<String>,
}

impl editing::FormPage for FormPage {
    fn frame_mut(&mut self) -> &mut Frame {
        &mut self.frame
    }
}

/// The message for a link's rating or, failing that, its note.
fn link_error(errors: &[FieldError], list: &str, slug: &str, rating: &str) -> Option<String> {
    FieldError::message_for(errors, &format!("{list}[{slug}].{rating}"))
        .or_else(|| FieldError::message_for(errors, &format!("{list}[{slug}].note")))
        .map(str::to_owned)
}

fn review_of<'a>(
    reviews: &'a [RatingReview],
    subject: &str,
    slug: &str,
) -> Option<&'a RatingReview> {
    reviews
        .iter()
        .find(|r| r.subject == subject && r.slug == slug)
}

/// The first message about the source with this address (the validator keys sources by it).
fn source_error(errors: &[FieldError], url: &str) -> Option<String> {
    if url.is_empty() {
        return None;
    }
    let at = format!("sources[{url}]");
    errors
        .iter()
        .find(|e| e.field == at || e.field.starts_with(&format!("{at}.")))
        .map(|e| e.message.clone())
}

/// Checkboxes for every (slug, name, detail) offered, ticked where `chosen` has the slug.
fn choices<'a>(
    offered: impl Iterator<Item = (&'a String, &'a String, String)>,
    chosen: &[String],
) -> Vec<Choice> {
    offered
        .map(|(slug, name, detail)| Choice {
            checked: chosen.contains(slug),
            slug: slug.clone(),
            name: name.clone(),
            detail,
        })
        .collect()
}

impl FormPage {
    /// The form showing `record` against the `vocabulary`, in `frame` (whose errors mark the
    /// fields they name), each rating with when and by whom it last changed (`reviews`).
    pub fn new(
        mut frame: Frame,
        vocabulary: &Document,
        record: FrameworkRecord,
        reviews: &[RatingReview],
    ) -> Self {
        let errors = &frame.errors;
        let group_label =
            |g: &str| RequirementGroup::parse(g).map_or("Other", RequirementGroup::label);
        // A row per requirement and per industry: the framework's rating of it, the message
        // for it, the rubric beside it and who changed it last.
        let row = |list: RatingList, entry: (&str, &str, &[String]), group: &'static str| {
            let slug = entry.0;
            let rating = record.ratings().find(|r| r.list == list && r.slug == slug);
            let error = link_error(errors, list.key(), slug, list.what());
            let mut row = ScoreRow::new(entry, group, rating, error);
            row.describe_review(review_of(reviews, list.subject(), slug));
            row
        };
        let strengths = vocabulary
            .requirements
            .iter()
            .map(|r| {
                let entry = (&r.slug[..], &r.name[..], &r.rubric[..]);
                row(RatingList::Requirements, entry, group_label(&r.group))
            })
            .collect();
        let fits = vocabulary
            .industries
            .iter()
            .map(|i| row(RatingList::Industries, (&i.slug, &i.name, &i.rubric), ""))
            .collect();
        let industry_name = |slug: &str| {
            vocabulary
                .industries
                .iter()
                .find(|i| i.slug == slug)
                .map_or(slug.to_owned(), |i| i.name.clone())
        };
        let features = choices(
            vocabulary
                .features
                .iter()
                .map(|f| (&f.slug, &f.name, String::new())),
            &record.features,
        );
        let use_cases = choices(
            vocabulary
                .use_cases
                .iter()
                .map(|u| (&u.slug, &u.name, industry_name(&u.industry))),
            &record.use_cases,
        );
        let trends = choices(
            vocabulary
                .trends
                .iter()
                .map(|t| (&t.slug, &t.name, String::new())),
            &record.trends,
        );
        let team_languages = choices(
            vocabulary
                .languages
                .iter()
                .map(|l| (&l.slug, &l.name, String::new())),
            &record.languages,
        );
        let blank_rows = BLANK_SOURCE_ROWS.min(MAX_SOURCES.saturating_sub(record.sources.len()));
        let sources = record
            .sources
            .iter()
            .cloned()
            .chain(std::iter::repeat_n(SourceRecord::default(), blank_rows))
            .enumerate()
            .map(|(index, source)| SourceRow {
                index,
                error: source_error(&frame.errors, &source.url),
                source,
            })
            .collect();
        frame.name = record.name.clone();
        Self {
            frame,
            first_release: record
                .first_release
                .map_or(String::new(), |y| y.to_string()),
            languages: vocabulary
                .languages
                .iter()
                .map(|l| (l.slug.clone(), l.name.clone()))
                .collect(),
            team_languages,
            sources,
            kinds: Kind::ALL,
            rings: Ring::ALL,
            scores: Score::scale().collect(),
            strengths,
            fits,
            features,
            use_cases,
            trends,
            record,
            preview_html: None,
        }
    }
}
