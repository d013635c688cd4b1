//! The desk's review queue: the ratings whose one-point move would change the top pick of a
//! saved brief or a reference question, riskiest first (`crate::risk`), each with what
//! depends on it.

use sqlx::SqlitePool;

use crate::db;
use crate::db::recommend::Knowledge;
use crate::error::Result;
use crate::recommend::RatingKind;
use crate::recommend::params;
use crate::risk::{self, Asker, OpenFlags, Probe, RatingRisk};
use crate::routes::recommendation::prepare;

/// A question asked of the knowledge, as its query string, and whose it is.
pub struct Asking {
    pub asker: Asker,
    pub query: String,
}

/// The questions whose answers the queue protects: every reference question and the latest
/// question of every live brief.
pub async fn askings(pool: &SqlitePool) -> Result<Vec<Asking>> {
    let questions = db::reference::all(pool).await?.into_iter().map(|q| Asking {
        asker: Asker::Question {
            slug: q.slug,
            name: q.name,
        },
        query: q.query,
    });
    let briefs = db::briefs::asked(pool).await?.into_iter().map(|b| Asking {
        asker: Asker::Brief {
            id: b.id,
            title: format!("{} — {}", b.client, b.project),
        },
        query: b.query,
    });
    Ok(questions.chain(briefs).collect())
}

/// Each question parsed and prepared against `knowledge`; one that can no longer be asked
/// (it names something since deleted) protects nothing and is left out.
async fn probes(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    asked: Vec<Asking>,
) -> Result<Vec<Probe>> {
    let mut probes = Vec::with_capacity(asked.len());
    for asking in asked {
        let Ok(params) = params::parse(&asking.query, &knowledge.names) else {
            continue;
        };
        let (query, search) = prepare(pool, &params, knowledge).await?;
        probes.push(Probe {
            asker: asking.asker,
            query,
            search,
        });
    }
    Ok(probes)
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
    pub questions: usize,
}

/// The queue for the knowledge as it is now, over `asked`, with the open flags.
pub async fn review_queue(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    asked: Vec<Asking>,
    flags: &OpenFlags,
    limit: usize,
) -> Result<ReviewQueue> {
    let probes = probes(pool, knowledge, asked).await?;
    let assessed = risk::assess(
        &knowledge.catalogue,
        &probes,
        flags,
        chrono::Utc::now().date_naive(),
    );
    let total = assessed.len();
    let ratings = assessed
        .into_iter()
        .take(limit)
        .map(|r| view(r, knowledge))
        .collect();
    Ok(ReviewQueue {
        ratings,
        total,
        questions: probes.len(),
    })
}

fn view(rating: RatingRisk, knowledge: &Knowledge) -> StakeView {
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
        framework_name: rating.framework_name,
        subject,
        value: rating.value.value(),
        reviewed: rating.reviewed.map(|d| d.to_string()),
        open_flags: rating.open_flags,
        risk: rating.risk,
        dependents,
    }
}
