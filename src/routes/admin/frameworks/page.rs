//! The framework edit page: the facts, a row per requirement and per industry with its
//! rating and note, and a checkbox per feature, use case and trend.

use askama::Template;

use crate::domain::{FieldError, Kind, RequirementGroup, Ring, Score};
use crate::knowledge::document::{Document, FrameworkRecord};
use crate::routes::admin::editing::{self, Frame};

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
    pub error: Option<String>,
}

impl ScoreRow {
    /// The row of the entry (slug, name), with the framework's (rating, note) if linked.
    fn new(
        (slug, name): (&str, &str),
        group: &'static str,
        rating: Option<(i64, &str)>,
        error: Option<String>,
    ) -> Self {
        Self {
            slug: slug.to_owned(),
            name: name.to_owned(),
            group,
            value: rating.and_then(|(value, _)| Score::new(value).ok()),
            note: rating.map_or(String::new(), |(_, note)| note.to_owned()),
            error,
        }
    }

    /// Whether `score` is the row's rating, so its radio button is checked.
    pub fn is(&self, score: &Score) -> bool {
        self.value == Some(*score)
    }
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
    /// fields they name).
    pub fn new(mut frame: Frame, vocabulary: &Document, record: FrameworkRecord) -> Self {
        let errors = &frame.errors;
        let group_label =
            |g: &str| RequirementGroup::parse(g).map_or("Other", RequirementGroup::label);
        let strengths = vocabulary
            .requirements
            .iter()
            .map(|r| {
                let link = record.requirements.iter().find(|l| l.requirement == r.slug);
                let error = link_error(errors, "requirements", &r.slug, "strength");
                let rating = link.map(|l| (l.strength, l.note.as_str()));
                ScoreRow::new((&r.slug, &r.name), group_label(&r.group), rating, error)
            })
            .collect();
        let fits = vocabulary
            .industries
            .iter()
            .map(|i| {
                let link = record.industries.iter().find(|l| l.industry == i.slug);
                let error = link_error(errors, "industries", &i.slug, "fit");
                ScoreRow::new(
                    (&i.slug, &i.name),
                    "",
                    link.map(|l| (l.fit, l.note.as_str())),
                    error,
                )
            })
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
