//! "Preview impact" and the reason a breaking change needs, for every form whose change can
//! move a ranking (frameworks; requirements, industries, use cases and languages) and their
//! deletes: what the change would do is worked out on the live knowledge with the change
//! applied in memory (`crate::impact`), and a save or delete that makes a reference question
//! stop passing is refused (422) until the editor says why. The reason becomes the audit
//! revision's note (`editing::author_saying`), given or volunteered.

use std::sync::Arc;

use sqlx::SqlitePool;

use super::editing::Frame;
use crate::db::recommend::Knowledge;
use crate::domain::FieldError;
use crate::error::Result;
use crate::impact::{self, Edit, Impact};
use crate::snapshot::KnowledgeCache;

/// What `edits` would do to the reference questions and current briefs. Nothing is written.
pub async fn preview(pool: &SqlitePool, cache: &KnowledgeCache, edits: &[Edit]) -> Result<Impact> {
    let knowledge = cache.current(pool).await?;
    impact::impact(pool, &knowledge, edits).await
}

/// The impact of `edits` when it makes a reference question stop passing and `reason` is
/// empty: the change must not go through yet. With a reason nothing is worked out: the
/// editor has said why, which is all the save needs. Only the reference questions are asked
/// first; the briefs are weighed only for a change that must be explained, to show it all.
pub async fn unexplained(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    edits: &[Edit],
    reason: &str,
) -> Result<Option<Impact>> {
    unexplained_knowing(pool, cache, None, edits, reason).await
}

/// [`unexplained`], given `known`: a framework's slug and knowledge the caller has just
/// found current as to the terms and that framework ([`KnowledgeCache::current_as_to`]), so
/// that a save of that framework alone asks the log of changes once, not twice.
pub async fn unexplained_knowing(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    known: Option<(&str, &Arc<Knowledge>)>,
    edits: &[Edit],
    reason: &str,
) -> Result<Option<Impact>> {
    if !reason.trim().is_empty() {
        return Ok(None);
    }
    // Saves of frameworks alone are weighed first against the knowledge as it holds them,
    // which another editor's save elsewhere does not change: most change no ranking at all.
    if let Some(saved) = impact::saved_frameworks(edits) {
        let held = match known {
            Some((slug, knowledge)) if saved.iter().all(|s| *s == slug) => knowledge.clone(),
            _ => cache.current_as_to(pool, &saved).await?,
        };
        if impact::changes_no_ranking(&held, edits) {
            return Ok(None);
        }
    }
    let knowledge = cache.current(pool).await?;
    if !impact::breaks_a_question(pool, &knowledge, edits).await? {
        return Ok(None);
    }
    Ok(Some(impact::impact(pool, &knowledge, edits).await?))
}

/// The message at `reason` when a change breaks reference questions and nobody said why.
pub fn why_needed(impact: &Impact) -> String {
    match impact.stops_passing.len() {
        1 => "say why: this change makes 1 reference question stop passing".to_owned(),
        n => format!("say why: this change makes {n} reference questions stop passing"),
    }
}

/// Puts the impact on the form and asks for the reason at its field.
pub fn ask_why(frame: &mut Frame, impact: Impact) {
    frame
        .errors
        .push(FieldError::new("reason", why_needed(&impact)));
    frame.impact = Some(impact);
}
