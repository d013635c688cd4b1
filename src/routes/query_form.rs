//! The query form, prepared once per knowledge version. Its option lists (every industry,
//! language, use case and requirement, with their descriptions) are the same for every
//! question and were about half of each new question's page and of the work to render it;
//! only which options are chosen, and the search text, differ. So the form is rendered once
//! with each of those spots marked ([`PreparedForm`]) and filled in per question, which is
//! copying text; a form with errors to show is rendered whole, as before.
//!
//! Both go through one template (`query_form.html`) built by one function ([`model`]), so
//! the prepared form is the rendered one by construction (and a test checks it).

use std::fmt::Write;
use std::sync::{Arc, Mutex};

use askama::Template;
use askama::filters::{Escaper, Html};

use crate::db::recommend::Knowledge;
use crate::domain::{FieldError, RequirementGroup, Slug};
use crate::error::Result;
use crate::recommend::params::Params;

/// A place in the form that depends on the question: markup (or an already escaped value)
/// when rendered for one, or the mark of a [`Slot`] when the form is being prepared.
pub enum Spot {
    Said(String),
    Marked(usize),
}

/// What marks a slot in the prepared form's text: a character no template text holds and
/// the knowledge's names are checked for.
const MARK: char = '\u{1}';

impl std::fmt::Display for Spot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spot::Said(text) => f.write_str(text),
            Spot::Marked(slot) => write!(f, "{MARK}{slot}{MARK}"),
        }
    }
}

/// What a spot shows, by what it depends on.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    /// `selected` when the query's industry is this one.
    Industry(Slug),
    /// `checked` when the client's team knows this language.
    Language(Slug),
    /// `checked` when the project is this use case.
    UseCase(Slug),
    /// ` open` when any use case is chosen, so the chosen ones show.
    UseCasesOpen,
    /// How many use cases are chosen, when any are.
    UseCasesChosen,
    /// The requirement's choice (`ignore`, `want` or `need`), its row's class.
    Choice(Slug),
    /// `checked` when the requirement's choice is this one.
    Radio(Slug, &'static str),
    /// The search text, escaped.
    Search,
}

impl Slot {
    fn write(&self, params: &Params, out: &mut String) {
        let on = |yes: bool, word: &str, out: &mut String| {
            if yes {
                out.push_str(word);
            }
        };
        match self {
            Slot::Industry(slug) => on(
                params.industry.as_deref() == Some(slug.as_str()),
                "selected",
                out,
            ),
            Slot::Language(slug) => on(
                params.lang.iter().any(|l| l == slug.as_str()),
                "checked",
                out,
            ),
            Slot::UseCase(slug) => on(
                params.use_cases.iter().any(|u| u == slug.as_str()),
                "checked",
                out,
            ),
            Slot::UseCasesOpen => on(!params.use_cases.is_empty(), " open", out),
            Slot::UseCasesChosen => {
                if !params.use_cases.is_empty() {
                    // Writing to a String cannot fail.
                    let _ = write!(out, ": {} chosen", params.use_cases.len());
                }
            }
            Slot::Choice(slug) => out.push_str(params.choice(slug.as_str())),
            Slot::Radio(slug, value) => on(params.choice(slug.as_str()) == *value, "checked", out),
            Slot::Search => {
                // Writing to a String cannot fail.
                let _ = Html.write_escaped_str(&mut *out, &params.q);
            }
        }
    }
}

pub struct FormOption<'k> {
    pub slug: &'k Slug,
    pub name: &'k str,
    pub chosen: Spot,
}

/// The use cases of one industry, as the form offers them.
pub struct UseCaseGroup<'k> {
    pub industry: &'k str,
    pub options: Vec<FormOption<'k>>,
}

/// One requirement row of the form, with its choice and its three radio buttons.
pub struct ChoiceRow<'k> {
    pub slug: &'k Slug,
    pub name: &'k str,
    pub description: &'k str,
    pub choice: Spot,
    pub radios: Vec<(&'static str, Spot)>,
}

pub struct ChoiceGroup<'k> {
    pub key: &'static str,
    pub label: &'static str,
    pub rows: Vec<ChoiceRow<'k>>,
}

#[derive(Template)]
#[template(path = "query_form.html")]
pub struct QueryForm<'k> {
    pub industries: Vec<FormOption<'k>>,
    pub languages: Vec<FormOption<'k>>,
    pub use_case_groups: Vec<UseCaseGroup<'k>>,
    pub use_cases_open: Spot,
    pub use_cases_chosen: Spot,
    pub groups: Vec<ChoiceGroup<'k>>,
    pub q: Spot,
    pub errors: Vec<FieldError>,
}

impl QueryForm<'_> {
    fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
}

/// The form over `knowledge`, each spot given by `spot` from the slot it shows.
fn model<'k>(
    knowledge: &'k Knowledge,
    errors: Vec<FieldError>,
    mut spot: impl FnMut(Slot) -> Spot,
) -> QueryForm<'k> {
    let mut option = |slug: &'k Slug, name: &'k str, slot: fn(Slug) -> Slot| FormOption {
        chosen: spot(slot(slug.clone())),
        slug,
        name,
    };
    let industries = (knowledge.industries.iter())
        .map(|i| option(&i.slug, &i.name, Slot::Industry))
        .collect();
    let languages = (knowledge.languages.iter())
        // Only languages some framework's teams write can match a client team.
        .filter(|l| l.team_frameworks > 0)
        .map(|l| option(&l.slug, &l.name, Slot::Language))
        .collect();
    let mut use_case_groups: Vec<UseCaseGroup> = Vec::new();
    for u in &knowledge.use_cases {
        let option = option(&u.slug, &u.name, Slot::UseCase);
        match use_case_groups.last_mut() {
            Some(group) if group.industry == u.industry => group.options.push(option),
            _ => use_case_groups.push(UseCaseGroup {
                industry: &u.industry,
                options: vec![option],
            }),
        }
    }
    let use_cases_open = spot(Slot::UseCasesOpen);
    let use_cases_chosen = spot(Slot::UseCasesChosen);
    let mut groups: Vec<ChoiceGroup> = (RequirementGroup::ALL.iter())
        .map(|g| ChoiceGroup {
            key: g.as_str(),
            label: g.label(),
            rows: Vec::new(),
        })
        .collect();
    for r in &knowledge.requirements {
        if let Some(group) = groups.iter_mut().find(|g| g.key == r.req_group.as_str()) {
            group.rows.push(ChoiceRow {
                choice: spot(Slot::Choice(r.slug.clone())),
                radios: (["ignore", "want", "need"].into_iter())
                    .map(|value| (value, spot(Slot::Radio(r.slug.clone(), value))))
                    .collect(),
                slug: &r.slug,
                name: &r.name,
                description: &r.description,
            });
        }
    }
    groups.retain(|g| !g.rows.is_empty());
    QueryForm {
        industries,
        languages,
        use_case_groups,
        use_cases_open,
        use_cases_chosen,
        groups,
        q: spot(Slot::Search),
        errors,
    }
}

/// The form for `params`, rendered whole, with `errors` named at their fields.
pub fn rendered(knowledge: &Knowledge, params: &Params, errors: Vec<FieldError>) -> Result<String> {
    let form = model(knowledge, errors, |slot| {
        let mut said = String::new();
        slot.write(params, &mut said);
        Spot::Said(said)
    });
    Ok(form.render()?)
}

/// The form of one knowledge version, rendered with its slots marked: text, then a slot,
/// and so on, then the text after the last slot.
#[derive(Debug)]
pub struct PreparedForm {
    pieces: Vec<(String, Slot)>,
    tail: String,
    /// The length of the text around the slots.
    text_len: usize,
}

impl PreparedForm {
    /// The form over `knowledge`, or `None` when a name in it holds the slot mark (nothing
    /// the editors' forms let through; such a knowledge base is served by rendering).
    fn prepare(knowledge: &Knowledge) -> Result<Option<Self>> {
        let mut slots = Vec::new();
        let form = model(knowledge, Vec::new(), |slot| {
            slots.push(slot);
            Spot::Marked(slots.len() - 1)
        });
        let text = form.render()?;
        // The template draws the spots in its own order: each mark names its slot.
        let mut slots: Vec<Option<Slot>> = slots.into_iter().map(Some).collect();
        let mut parts = text.split(MARK);
        let mut pieces = Vec::with_capacity(slots.len());
        let mut text_before = parts.next().unwrap_or_default();
        while let Some(number) = parts.next() {
            let slot = number
                .parse()
                .ok()
                .and_then(|n: usize| slots.get_mut(n)?.take());
            let (Some(slot), Some(after)) = (slot, parts.next()) else {
                return Ok(None);
            };
            pieces.push((text_before.to_owned(), slot));
            text_before = after;
        }
        if slots.iter().any(Option::is_some) {
            return Ok(None);
        }
        let text_len = pieces.iter().map(|(text, _)| text.len()).sum::<usize>() + text_before.len();
        Ok(Some(Self {
            pieces,
            tail: text_before.to_owned(),
            text_len,
        }))
    }

    /// The form for `params`, as [`rendered`] gives it with no errors.
    pub fn fill(&self, params: &Params) -> String {
        // Each slot writes a word at most, but the search text (escaped, up to six bytes a
        // character).
        let slots = 10 * self.pieces.len() + 6 * params.q.len();
        let mut out = String::with_capacity(self.text_len + slots);
        for (text, slot) in &self.pieces {
            out.push_str(text);
            slot.write(params, &mut out);
        }
        out.push_str(&self.tail);
        out
    }
}

/// The form prepared for the knowledge version last asked for, shared by all workers; `None`
/// for a version whose form could not be prepared (it is rendered for every question).
#[derive(Debug, Default)]
pub struct PreparedForms(Mutex<Option<(i64, Option<Arc<PreparedForm>>)>>);

impl PreparedForms {
    /// The form for `params` on `knowledge`, with `errors` named: filled in from the form
    /// prepared for this version (preparing it when the version is new), or rendered whole
    /// when there are errors to show.
    pub fn html(
        &self,
        knowledge: &Knowledge,
        params: &Params,
        errors: Vec<FieldError>,
    ) -> Result<String> {
        if !errors.is_empty() {
            return rendered(knowledge, params, errors);
        }
        match self.prepared(knowledge)? {
            Some(form) => Ok(form.fill(params)),
            None => rendered(knowledge, params, errors),
        }
    }

    fn prepared(&self, knowledge: &Knowledge) -> Result<Option<Arc<PreparedForm>>> {
        let version = knowledge.version;
        let held = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some((_, form)) = held.filter(|(held, _)| *held == version) {
            return Ok(form);
        }
        // Prepared outside the lock: two workers meeting a new version at once each prepare
        // it (a millisecond), rather than one waiting for the other.
        let form = PreparedForm::prepare(knowledge)?.map(Arc::new);
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_none_or(|(held, _)| *held <= version) {
            *slot = Some((version, form.clone()));
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests;
