//! What is at stake in each rating: the editors' review queue puts first the ratings whose
//! smallest change would change the advice already given. A rating's risk is how many saved
//! briefs and reference questions would get another top pick if it moved by one point (up or
//! down), weighted by how long since it was reviewed and by the open flags on it.
//!
//! [`assess`] is pure: the desk hands it the knowledge, the questions asked of it and the
//! open flags. Each question is asked once as things stand and then once per rating it
//! reads, per direction, on one working copy of the catalogue whose score is set and put
//! back ([`Catalogue::set_score`]), asking only for the first place ([`top_pick`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::domain::{FlagSubjectKind, Score, Slug};
use crate::recommend::sensitivity::REVIEW_INTERVAL_DAYS;
use crate::recommend::{Catalogue, Query, RatingKind, top_pick};

/// Whose advice a question is: a saved brief or a reference question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asker {
    Brief { id: i64, title: String },
    Question { slug: String, name: String },
}

/// A question asked of the knowledge: its parsed query and each candidate's search rank by
/// position (empty when it does not search), with everyone who asks it (many briefs share a
/// question, and it is asked once for them all).
#[derive(Debug, Clone)]
pub struct Probe {
    pub askers: Vec<Asker>,
    pub query: Query,
    pub search: Vec<Option<f64>>,
}

/// One probe whose top pick a one-point move of the rating would change (a probe changed by
/// both moves is listed once per direction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependent {
    pub asker: Asker,
    /// The top pick as things stand; `None` when nothing passes.
    pub now: Option<Slug>,
    /// The top pick after the move.
    pub after: Option<Slug>,
    /// +1 or -1.
    pub direction: i8,
}

/// A rating with what depends on it and how much is at stake.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingRisk {
    pub framework: Slug,
    pub framework_name: String,
    pub kind: RatingKind,
    pub subject: Slug,
    pub value: Score,
    pub reviewed: Option<NaiveDate>,
    pub open_flags: i64,
    pub dependents: Vec<Dependent>,
    pub risk: f64,
}

/// Open flags by (framework slug, subject kind `requirement`|`industry`, subject slug).
pub type OpenFlags = HashMap<(String, String, String), i64>;

/// The kind of flagged subject a rating is, as flags name it.
fn flagged_as(kind: RatingKind) -> FlagSubjectKind {
    match kind {
        RatingKind::Requirement => FlagSubjectKind::Requirement,
        RatingKind::Industry => FlagSubjectKind::Industry,
    }
}

/// How much longer ago than the review interval a review may be before it weighs no more:
/// a rating never reviewed weighs as one reviewed this many intervals ago.
const OLDEST_WEIGHED_INTERVALS: f64 = 2.0;

/// 1 for a rating reviewed today, rising by 1 per review interval since, up to
/// 1 + [`OLDEST_WEIGHED_INTERVALS`] (also the weight of a rating never reviewed).
pub fn age_weight(reviewed: Option<NaiveDate>, today: NaiveDate) -> f64 {
    let intervals = match reviewed {
        Some(day) => (today - day).num_days().max(0) as f64 / REVIEW_INTERVAL_DAYS as f64,
        None => OLDEST_WEIGHED_INTERVALS,
    };
    1.0 + intervals.min(OLDEST_WEIGHED_INTERVALS)
}

/// A rating's risk: its dependents, weighted by its age and by one more for each open flag.
pub fn risk(
    dependents: usize,
    reviewed: Option<NaiveDate>,
    open_flags: i64,
    today: NaiveDate,
) -> f64 {
    dependents as f64 * age_weight(reviewed, today) * (1.0 + open_flags.max(0) as f64)
}

/// The ratings some probe reads, each with the probes reading it.
fn read_by(probes: &[Probe]) -> BTreeMap<(RatingKind, &str), Vec<usize>> {
    let mut readers: BTreeMap<(RatingKind, &str), Vec<usize>> = BTreeMap::new();
    for (index, probe) in probes.iter().enumerate() {
        let requirements = probe.query.need.iter().chain(&probe.query.want);
        let subjects = requirements
            .map(|r| (RatingKind::Requirement, r.as_str()))
            .chain(
                probe
                    .query
                    .industry
                    .iter()
                    .map(|i| (RatingKind::Industry, i.as_str())),
            );
        for subject in subjects {
            let list = readers.entry(subject).or_default();
            if list.last() != Some(&index) {
                list.push(index);
            }
        }
    }
    readers
}

/// Every recorded rating that a probe reads and that is either at stake (a one-point move
/// changes some probe's top pick) or flagged, riskiest first; ties go to the more flagged,
/// then the longer unreviewed, then by framework and subject.
pub fn assess(
    catalogue: &Catalogue,
    probes: &[Probe],
    flags: &OpenFlags,
    today: NaiveDate,
) -> Vec<RatingRisk> {
    let now: Vec<Option<Slug>> = probes
        .iter()
        .map(|p| top_pick(&p.query, catalogue, &p.search).cloned())
        .collect();
    let mut working = catalogue.clone();
    let mut assessed = Vec::new();
    for ((kind, subject), readers) in read_by(probes) {
        for (row, candidate) in catalogue.candidates().iter().enumerate() {
            let ratings = match kind {
                RatingKind::Requirement => &candidate.strengths,
                RatingKind::Industry => &candidate.fits,
            };
            let Some(evidence) = ratings.get(subject) else {
                continue;
            };
            let value = evidence.score;
            let mut dependents = Vec::new();
            // A probe whose top pick changes either way counts once per asker.
            let mut changed = BTreeSet::new();
            for direction in [1i8, -1] {
                let Some(moved) = value.value().checked_add_signed(direction) else {
                    continue;
                };
                if moved > Score::MAX {
                    continue;
                }
                working.set_score(row, kind, subject, Score::of(moved));
                for &index in &readers {
                    let probe = &probes[index];
                    let after = top_pick(&probe.query, &working, &probe.search);
                    if after != now[index].as_ref() {
                        changed.insert(index);
                        dependents.extend(probe.askers.iter().map(|asker| Dependent {
                            asker: asker.clone(),
                            now: now[index].clone(),
                            after: after.cloned(),
                            direction,
                        }));
                    }
                }
                working.set_score(row, kind, subject, value);
            }
            let key = (
                candidate.slug.to_string(),
                flagged_as(kind).as_str().to_owned(),
                subject.to_owned(),
            );
            let open_flags = flags.get(&key).copied().unwrap_or(0);
            if dependents.is_empty() && open_flags == 0 {
                continue;
            }
            assessed.push(RatingRisk {
                framework: candidate.slug.clone(),
                framework_name: candidate.name.clone(),
                kind,
                subject: Slug::parse(subject).expect("a query's slugs are valid"),
                value,
                reviewed: evidence.reviewed,
                open_flags,
                risk: risk(
                    changed.iter().map(|&i| probes[i].askers.len()).sum(),
                    evidence.reviewed,
                    open_flags,
                    today,
                ),
                dependents,
            });
        }
    }
    assessed.sort_by(|a, b| {
        b.risk
            .total_cmp(&a.risk)
            .then(b.open_flags.cmp(&a.open_flags))
            .then(a.reviewed.cmp(&b.reviewed))
            .then_with(|| {
                (&a.framework, a.kind, &a.subject).cmp(&(&b.framework, b.kind, &b.subject))
            })
    });
    assessed
}

#[cfg(test)]
mod tests;
