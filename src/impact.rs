//! What an edit would do to the answers built on the knowledge, before it is saved: the
//! edit is applied in memory to a copy of the live [`Knowledge`] ([`apply`]), and the
//! reference questions and saved briefs are asked of both ([`impact`]). Nothing is written.
//!
//! The free-text part of a query (`q`) is searched in the live full-text index on both
//! sides: the index lives in the database, and what an edit does to a framework's words
//! changes which frameworks a search finds far less than what its ratings change in their
//! order. (A framework renamed by the edit is found by its old slug, so a searching
//! question may see it missing until the edit is saved.)

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::SqlitePool;

use crate::db::briefs::Asked;
use crate::db::change_requests::PendingEdit;
use crate::db::recommend::Knowledge;
use crate::db::reference::Question;
use crate::db::terms::{Link, State, TermKind};
use crate::domain::{Ring, Score, Slug};
use crate::error::Result;
use crate::knowledge::document::FrameworkRecord;
use crate::recommend::{Candidate, Catalogue, Evidence, Ratings, UseCaseRef};
use crate::reference::{Pick, Verdict, evaluate_each, passes, same_order, top_three};

#[cfg(test)]
mod tests;

/// One change to the knowledge, as an editor's save or delete would make it.
// Edits come a few at a time (one save, an editor's pending requests), so the framework
// variant's size costs nothing, and the plain record keeps the shape callers build.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A framework saved over `original` (created when `None`) as `record`, or deleted
    /// when `record` is `None`.
    Framework {
        original: Option<String>,
        record: Option<FrameworkRecord>,
    },
    /// A vocabulary entry of `kind` saved over `original` (created when `None`) as `state`,
    /// or deleted when `state` is `None`. The links a state carries (a restored delete's)
    /// are made again.
    Term {
        kind: TermKind,
        original: Option<String>,
        state: Option<State>,
    },
}

/// The knowledge as it would be after `edits`, made in order; `knowledge` is left alone.
/// What the ranking reads changes (the frameworks and the names a query may use); the
/// query form's option lists and the phrase lexicon stay as they are.
pub fn apply(knowledge: &Knowledge, edits: &[Edit]) -> Knowledge {
    let mut changed = knowledge.clone();
    let mut candidates = knowledge.catalogue.candidates().to_vec();
    for edit in edits {
        match edit {
            Edit::Framework { original, record } => {
                let at = original
                    .as_deref()
                    .and_then(|slug| candidates.iter().position(|c| c.slug.as_str() == slug));
                let replacement = record
                    .as_ref()
                    .and_then(|r| candidate_of(r, &candidates, &changed));
                match (at, replacement) {
                    // In its place: the catalogue's order breaks ties, as it did before.
                    (Some(at), Some(candidate)) => candidates[at] = candidate,
                    (Some(at), None) => {
                        candidates.remove(at);
                    }
                    (None, Some(candidate)) => candidates.push(candidate),
                    (None, None) => {}
                }
            }
            Edit::Term {
                kind,
                original,
                state,
            } => term(
                &mut candidates,
                &mut changed,
                *kind,
                original.as_deref(),
                state.as_ref(),
            ),
        }
    }
    changed.catalogue = Catalogue::new(candidates);
    changed
}

fn day(text: Option<&str>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
}

fn evidence(
    value: i64,
    note: &str,
    sources: &[String],
    reviewed: Option<&str>,
) -> Option<Evidence> {
    Some(Evidence::noted(
        Score::new(value).ok()?,
        day(reviewed),
        note.to_owned(),
        sources.to_vec(),
    ))
}

/// The use case `slug` as a framework links it: as another framework already does, or from
/// the query form's list (which names the industry, whose slug the industries give).
fn use_case_ref(slug: &str, candidates: &[Candidate], knowledge: &Knowledge) -> Option<UseCaseRef> {
    let linked = candidates.iter().flat_map(|c| &c.use_cases);
    if let Some(known) = linked.clone().find(|u| u.slug.as_str() == slug) {
        return Some(known.clone());
    }
    let option = knowledge
        .use_cases
        .iter()
        .find(|u| u.slug.as_str() == slug)?;
    let industry = knowledge
        .industries
        .iter()
        .find(|i| i.name == option.industry)?;
    Some(UseCaseRef {
        slug: option.slug.clone(),
        name: option.name.clone(),
        industry: industry.slug.clone(),
    })
}

/// The framework `record` describes as the engine sees it; `None` for a record the forms'
/// validation would refuse (a bad slug or ring), which cannot be saved either.
fn candidate_of(
    record: &FrameworkRecord,
    candidates: &[Candidate],
    knowledge: &Knowledge,
) -> Option<Candidate> {
    let rated = |slug: &str, value, note: &str, sources: &[String], reviewed: &Option<String>| {
        Some((
            Slug::parse(slug).ok()?,
            evidence(value, note, sources, reviewed.as_deref())?,
        ))
    };
    Some(Candidate {
        slug: Slug::parse(&record.slug).ok()?,
        name: record.name.clone(),
        languages: (record.languages.iter())
            .filter_map(|l| Slug::parse(l).ok())
            .collect(),
        ring: Ring::parse(&record.ring).ok()?,
        strengths: (record.requirements.iter())
            .filter_map(|r| rated(&r.requirement, r.strength, &r.note, &r.sources, &r.reviewed))
            .collect(),
        fits: (record.industries.iter())
            .filter_map(|i| rated(&i.industry, i.fit, &i.note, &i.sources, &i.reviewed))
            .collect(),
        use_cases: (record.use_cases.iter())
            .filter_map(|u| use_case_ref(u, candidates, knowledge))
            .collect(),
        search_rank: None,
        last_reviewed: day(record.last_reviewed.as_deref()),
    })
}

/// Moves the rating of `from` to `to` (or drops it when `to` is `None`).
fn rekey(ratings: &mut Ratings, from: &str, to: Option<&Slug>) {
    if let Some(value) = ratings.remove(from)
        && let Some(to) = to
    {
        ratings.insert(to.clone(), value);
    }
}

/// A vocabulary edit: the names a query may use, and every framework's links to the entry.
/// Features and trends are not read by the ranking.
fn term(
    candidates: &mut [Candidate],
    knowledge: &mut Knowledge,
    kind: TermKind,
    original: Option<&str>,
    state: Option<&State>,
) {
    let names = match kind {
        TermKind::Requirement => &mut knowledge.names.requirements,
        TermKind::Industry => &mut knowledge.names.industries,
        TermKind::Language => &mut knowledge.names.languages,
        TermKind::UseCase => &mut knowledge.names.use_cases,
        TermKind::Feature | TermKind::Trend => return,
    };
    if let Some(old) = original {
        names.remove(old);
    }
    let new = state.and_then(|s| Some((Slug::parse(&s.term.slug).ok()?, s)));
    if let Some((slug, state)) = &new {
        names.insert(slug.to_string(), state.term.name.clone());
    }
    let to = new.as_ref().map(|(slug, _)| slug);
    if let Some(old) = original {
        for c in candidates.iter_mut() {
            match kind {
                TermKind::Requirement => rekey(&mut c.strengths, old, to),
                TermKind::Industry => {
                    rekey(&mut c.fits, old, to);
                    // Its use cases stay in it under its new slug (a delete is blocked while
                    // it has any, so there is nothing else to follow).
                    if let Some(to) = to {
                        (c.use_cases.iter_mut())
                            .filter(|u| u.industry.as_str() == old)
                            .for_each(|u| u.industry = to.clone());
                    }
                }
                TermKind::Language => match to {
                    Some(to) => (c.languages.iter_mut())
                        .filter(|l| l.as_str() == old)
                        .for_each(|l| *l = to.clone()),
                    None => c.languages.retain(|l| l.as_str() != old),
                },
                TermKind::UseCase => match &new {
                    Some((slug, state)) => (c.use_cases.iter_mut())
                        .filter(|u| u.slug.as_str() == old)
                        .for_each(|u| {
                            u.slug = slug.clone();
                            u.name = state.term.name.clone();
                            if let Ok(industry) = Slug::parse(&state.term.industry) {
                                u.industry = industry;
                            }
                        }),
                    None => c.use_cases.retain(|u| u.slug.as_str() != old),
                },
                TermKind::Feature | TermKind::Trend => {}
            }
        }
    }
    if let Some((slug, state)) = &new {
        for link in state.links.iter().flatten() {
            relink(
                candidates,
                kind,
                slug,
                &state.term.name,
                &state.term.industry,
                link,
            );
        }
    }
}

/// Makes `link` again between its framework and the entry `slug` of `kind`.
fn relink(
    candidates: &mut [Candidate],
    kind: TermKind,
    slug: &Slug,
    name: &str,
    industry: &str,
    link: &Link,
) {
    let Some(c) = candidates
        .iter_mut()
        .find(|c| c.slug.as_str() == link.framework)
    else {
        return;
    };
    let rated =
        |value: Option<i64>| evidence(value?, &link.note, &link.sources, link.reviewed.as_deref());
    match kind {
        TermKind::Requirement => {
            if let Some(e) = rated(link.strength) {
                c.strengths.insert(slug.clone(), e);
            }
        }
        TermKind::Industry => {
            if let Some(e) = rated(link.fit) {
                c.fits.insert(slug.clone(), e);
            }
        }
        TermKind::UseCase => {
            if let Ok(industry) = Slug::parse(industry)
                && !c.use_cases.iter().any(|u| u.slug == *slug)
            {
                c.use_cases.push(UseCaseRef {
                    slug: slug.clone(),
                    name: name.to_owned(),
                    industry,
                });
            }
        }
        TermKind::Language | TermKind::Feature | TermKind::Trend => {}
    }
}

/// A reference question whose verdict the edit turns, with both verdicts.
#[derive(Debug, Clone)]
pub struct QuestionChange {
    pub question: Question,
    pub before: Verdict,
    pub after: Verdict,
}

/// A saved brief whose top three the edit changes (or which it makes unanswerable).
#[derive(Debug, Clone)]
pub struct BriefChange {
    pub brief: Asked,
    pub before: std::result::Result<Vec<Pick>, String>,
    pub after: std::result::Result<Vec<Pick>, String>,
}

/// What an edit does to the answers built on the knowledge.
#[derive(Debug, Clone, Default)]
pub struct Impact {
    /// Questions failing now that would pass.
    pub starts_passing: Vec<QuestionChange>,
    /// Questions passing now that would fail: a save that does this needs a reason.
    pub stops_passing: Vec<QuestionChange>,
    /// Current briefs whose top three would change.
    pub briefs: Vec<BriefChange>,
    /// How many questions and briefs were asked, to say "nothing changes" with weight.
    pub questions_asked: usize,
    pub briefs_asked: usize,
}

impl Impact {
    /// Whether the edit changes nothing the questions and briefs show.
    pub fn is_quiet(&self) -> bool {
        self.starts_passing.is_empty() && self.stops_passing.is_empty() && self.briefs.is_empty()
    }
}

/// Whether two top-three answers (or reasons they cannot be given) differ.
fn differs(
    a: &std::result::Result<Vec<Pick>, String>,
    b: &std::result::Result<Vec<Pick>, String>,
) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => !same_order(a, b),
        (Err(a), Err(b)) => a != b,
        _ => true,
    }
}

/// A change request's pending change, as an edit to apply.
impl From<PendingEdit> for Edit {
    fn from(pending: PendingEdit) -> Self {
        match pending {
            PendingEdit::Framework { original, record } => Edit::Framework {
                original,
                record: record.map(|r| *r),
            },
            PendingEdit::Term {
                kind,
                original,
                state,
            } => Edit::Term {
                kind,
                original,
                state,
            },
        }
    }
}

/// What `edits` would do: the reference questions that start or stop passing and the
/// current briefs whose top three would change, each with before (on `knowledge`, the live
/// knowledge) and after (on `knowledge` with the edits applied). Nothing is written.
pub async fn impact(pool: &SqlitePool, knowledge: &Knowledge, edits: &[Edit]) -> Result<Impact> {
    let after = apply(knowledge, edits);
    let mut found = on_questions_after(pool, knowledge, &after).await?;
    let briefs = crate::db::briefs::asked(pool, crate::db::briefs::WEIGHED).await?;
    found.briefs_asked = briefs.len();
    // Many briefs ask the same question: each is asked once, before and after.
    let mut answers = HashMap::new();
    for brief in briefs {
        if !answers.contains_key(&brief.query) {
            let before = top_three(pool, knowledge, &brief.query).await?;
            let now = top_three(pool, &after, &brief.query).await?;
            answers.insert(brief.query.clone(), (before, now));
        }
        let (before, now) = &answers[&brief.query];
        if differs(before, now) {
            found.briefs.push(BriefChange {
                before: before.clone(),
                after: now.clone(),
                brief,
            });
        }
    }
    Ok(found)
}

/// Whether `edits` would make a passing reference question fail, which every save without a
/// reason must learn quickly: only whether each question passes is asked ([`passes`]), and
/// after the edits only of the questions passing before it.
pub async fn breaks_a_question(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    edits: &[Edit],
) -> Result<bool> {
    let after = apply(knowledge, edits);
    if ranks_alike(knowledge, &after) {
        return Ok(false);
    }
    let questions = crate::db::reference::all(pool).await?;
    for question in &questions {
        if passes(pool, knowledge, question).await? && !passes(pool, &after, question).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether `edits`, made to `knowledge`, leave every question's answer as it was.
pub fn changes_no_ranking(knowledge: &Knowledge, edits: &[Edit]) -> bool {
    ranks_alike(knowledge, &apply(knowledge, edits))
}

/// The frameworks (by slug) `edits` save over, when they are all saves of existing
/// frameworks; `None` when any creates or deletes one or touches a term.
pub fn saved_frameworks(edits: &[Edit]) -> Option<Vec<&str>> {
    edits
        .iter()
        .map(|edit| match edit {
            Edit::Framework {
                original: Some(original),
                record: Some(_),
            } => Some(original.as_str()),
            _ => None,
        })
        .collect()
}

/// Whether every question gets the same answer from `before` and `after`: the same names and
/// frameworks, each ranking as it did ([`Candidate::ranks_as`]). An edit to a summary or a
/// note, the commonest kind, changes nothing a question sees.
fn ranks_alike(before: &Knowledge, after: &Knowledge) -> bool {
    let (was, is) = (before.catalogue.candidates(), after.catalogue.candidates());
    before.names == after.names
        && was.len() == is.len()
        && was.iter().zip(is).all(|(a, b)| a.ranks_as(b))
}

/// The reference questions that start or stop passing between `knowledge` and `after`.
async fn on_questions_after(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    after: &Knowledge,
) -> Result<Impact> {
    let questions = crate::db::reference::all(pool).await?;
    let before_verdicts = evaluate_each(pool, knowledge, &questions).await?;
    let after_verdicts = evaluate_each(pool, after, &questions).await?;
    let mut found = Impact {
        questions_asked: questions.len(),
        ..Impact::default()
    };
    for ((question, before), after) in questions
        .into_iter()
        .zip(before_verdicts)
        .zip(after_verdicts)
    {
        let list = match (before.passed, after.passed) {
            (false, true) => &mut found.starts_passing,
            (true, false) => &mut found.stops_passing,
            _ => continue,
        };
        list.push(QuestionChange {
            question,
            before,
            after,
        });
    }
    Ok(found)
}
