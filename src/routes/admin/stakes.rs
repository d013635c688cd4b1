//! The desk's review queue: the ratings whose one-point move would change the top pick of a
//! saved brief or a reference question, riskiest first (`crate::risk`), each with what
//! depends on it.
//!
//! Assessing costs a fraction of a millisecond per question per rating it reads, so years of
//! briefs cannot all be weighed on each load: the queue weighs every reference question and
//! the latest question of the [`WEIGHED`] most recently changed current briefs (the page says
//! so), asks each distinct question once for all who ask it, and keeps its last assessment
//! with exactly what it was made from — the knowledge, the questions and who asks them, the
//! open flags and the day. A load whose inputs are the same reuses it; any save of a brief,
//! of the knowledge, of a reference question or a flag changes an input, so it is never
//! stale.

use std::sync::{Arc, Mutex, Weak};

use chrono::NaiveDate;
use sqlx::SqlitePool;

use crate::db;
use crate::db::briefs::{Asked, WEIGHED};
use crate::db::recommend::Knowledge;
use crate::error::Result;
use crate::memo::Memo;
use crate::recommend::RatingKind;
use crate::recommend::params;
use crate::risk::{self, Asker, OpenFlags, Probe, RatingRisk};
use crate::routes::recommendation::prepare;
use crate::snapshot::KnowledgeCache;

/// A question asked of the knowledge, as its query string, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asking {
    pub asker: Asker,
    pub query: String,
}

/// The questions whose answers the queue protects: every reference question and the latest
/// question of the [`WEIGHED`] most recently changed current briefs (read again only after a
/// committed write: [`Memo`]; reference questions are not counted by the change counters, so
/// they are read each time).
pub async fn askings(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    weighed: &Memo<Vec<Asked>>,
) -> Result<Vec<Asking>> {
    let versions = cache.versions(pool).await?;
    let briefs = weighed
        .get_or_load(versions, db::briefs::asked(pool, WEIGHED))
        .await?;
    let questions = db::reference::all(pool).await?.into_iter().map(|q| Asking {
        asker: Asker::Question {
            slug: q.slug,
            name: q.name,
        },
        query: q.query,
    });
    let briefs = briefs.iter().map(|b| Asking {
        asker: Asker::Brief {
            id: b.id,
            title: format!("{} — {}", b.client, b.project),
        },
        query: b.query.clone(),
    });
    Ok(questions.chain(briefs).collect())
}

/// Each distinct question parsed and prepared against `knowledge` once, with everyone who
/// asks it, in the order first asked; one that can no longer be asked (it names something
/// since deleted) protects nothing and is left out.
async fn probes(pool: &SqlitePool, knowledge: &Knowledge, asked: &[Asking]) -> Result<Vec<Probe>> {
    let mut probes: Vec<Probe> = Vec::new();
    let mut at: std::collections::HashMap<&str, Option<usize>> = Default::default();
    for asking in asked {
        match at.get(asking.query.as_str()) {
            Some(Some(index)) => probes[*index].askers.push(asking.asker.clone()),
            Some(None) => {}
            None => {
                let Ok(params) = params::parse(&asking.query, &knowledge.names) else {
                    at.insert(&asking.query, None);
                    continue;
                };
                let (query, search) = prepare(pool, &params, knowledge).await?;
                at.insert(&asking.query, Some(probes.len()));
                probes.push(Probe {
                    askers: vec![asking.asker.clone()],
                    query,
                    search,
                });
            }
        }
    }
    Ok(probes)
}

/// What an assessment was made from. The knowledge is held weakly: a knowledge still alive
/// at the same address is the same knowledge (the weak hold keeps the address from reuse).
struct Inputs {
    knowledge: Weak<Knowledge>,
    asked: Vec<Asking>,
    flags: OpenFlags,
    today: NaiveDate,
}

impl Inputs {
    fn same(
        &self,
        knowledge: &Arc<Knowledge>,
        asked: &[Asking],
        flags: &OpenFlags,
        today: NaiveDate,
    ) -> bool {
        Weak::ptr_eq(&self.knowledge, &Arc::downgrade(knowledge))
            && self.today == today
            && self.asked == asked
            && self.flags == *flags
    }
}

/// An assessment and the number of distinct questions it asked.
#[derive(Clone)]
struct Assessment {
    ratings: Arc<Vec<RatingRisk>>,
    questions: usize,
}

/// The last assessment with its inputs. One per process: the knowledge's identity tells the
/// servers of one process (the tests') apart.
static LAST: Mutex<Option<(Inputs, Assessment)>> = Mutex::new(None);

/// The assessment of `asked` against `knowledge` with `flags` today: the last one when made
/// from the same inputs, else made now and kept.
async fn assessment(
    pool: &SqlitePool,
    knowledge: &Arc<Knowledge>,
    asked: Vec<Asking>,
    flags: &OpenFlags,
) -> Result<Assessment> {
    let today = chrono::Utc::now().date_naive();
    {
        let last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((inputs, assessment)) = last.as_ref()
            && inputs.same(knowledge, &asked, flags, today)
        {
            return Ok(assessment.clone());
        }
    }
    let probes = probes(pool, knowledge, &asked).await?;
    let ratings = Arc::new(risk::assess(&knowledge.catalogue, &probes, flags, today));
    let inputs = Inputs {
        knowledge: Arc::downgrade(knowledge),
        asked,
        flags: flags.clone(),
        today,
    };
    let assessment = Assessment {
        ratings,
        questions: probes.len(),
    };
    *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some((inputs, assessment.clone()));
    Ok(assessment)
}

/// One probe a rating's move would change, as the desk lists it.
pub struct DependentView {
    pub label: String,
    pub href: String,
    /// "Django → Laravel if it rose a point".
    pub change: String,
    /// +1 or -1.
    pub direction: i8,
    /// The slug of the top pick after the move; empty when nothing would pass.
    pub after: String,
}

/// One rating in the queue.
pub struct StakeView {
    pub framework: String,
    pub framework_name: String,
    /// The rating's field on the framework's edit form (`req.security.strength`).
    pub field: String,
    pub edit_href: String,
    /// "Security" or "Healthcare (industry fit)".
    pub subject: String,
    pub value: u8,
    pub reviewed: Option<String>,
    pub open_flags: i64,
    pub risk: f64,
    pub dependents: Vec<DependentView>,
}

/// The review queue: the `limit` riskiest ratings and how many are at stake in all.
pub struct ReviewQueue {
    pub ratings: Vec<StakeView>,
    pub total: usize,
    /// The distinct questions asked.
    pub questions: usize,
    /// At most how many of the most recently changed current briefs were weighed.
    pub briefs_weighed: i64,
}

/// The queue for the knowledge as it is now, over `asked`, with the open flags.
pub async fn review_queue(
    pool: &SqlitePool,
    knowledge: &Arc<Knowledge>,
    asked: Vec<Asking>,
    flags: &OpenFlags,
    limit: usize,
) -> Result<ReviewQueue> {
    let assessed = assessment(pool, knowledge, asked, flags).await?;
    let ratings = assessed
        .ratings
        .iter()
        .take(limit)
        .map(|r| view(r, knowledge))
        .collect();
    Ok(ReviewQueue {
        ratings,
        total: assessed.ratings.len(),
        questions: assessed.questions,
        briefs_weighed: WEIGHED,
    })
}

fn view(rating: &RatingRisk, knowledge: &Knowledge) -> StakeView {
    let names = &knowledge.names;
    let subject = rating.subject.as_str();
    let subject = match rating.kind {
        RatingKind::Requirement => names
            .requirements
            .get(subject)
            .cloned()
            .unwrap_or_else(|| subject.to_owned()),
        RatingKind::Industry => format!(
            "{} (industry fit)",
            names
                .industries
                .get(subject)
                .map_or(subject, String::as_str)
        ),
    };
    let framework_name = |slug: Option<&crate::domain::Slug>| match slug {
        Some(slug) => knowledge
            .catalogue
            .candidate(slug.as_str())
            .map_or_else(|| slug.to_string(), |c| c.name.clone()),
        None => "nothing".to_owned(),
    };
    let dependents = rating
        .dependents
        .iter()
        .map(|d| {
            let (label, href) = match &d.asker {
                Asker::Brief { id, title } => (format!("Brief: {title}"), format!("/briefs/{id}")),
                Asker::Question { slug, name } => (
                    format!("Question: {name}"),
                    format!("/admin/reference-questions/{slug}/edit"),
                ),
            };
            let way = if d.direction > 0 { "rose" } else { "fell" };
            DependentView {
                label,
                href,
                direction: d.direction,
                after: d
                    .after
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                change: format!(
                    "{} → {} if it {way} a point",
                    framework_name(d.now.as_ref()),
                    framework_name(d.after.as_ref())
                ),
            }
        })
        .collect();
    let field = super::frameworks::rating_field(rating.kind, rating.subject.as_str());
    StakeView {
        edit_href: format!("/admin/frameworks/{}/edit", rating.framework),
        framework: rating.framework.to_string(),
        field,
        framework_name: rating.framework_name.clone(),
        subject,
        value: rating.value.value(),
        reviewed: rating.reviewed.map(|d| d.to_string()),
        open_flags: rating.open_flags,
        risk: rating.risk,
        dependents,
    }
}
