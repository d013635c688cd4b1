//! A read-optimised copy of what the ranking needs, kept in memory and replaced whenever the
//! knowledge base's change counter moves, so reads skip SQLite but never serve stale data:
//! each request compares one number, and a committed change (from the web or an import in
//! another process) is visible to the very next request.

use std::sync::{Arc, RwLock};

use sqlx::SqlitePool;

use crate::db;
use crate::db::catalogue::{Industry, LanguageOption, Requirement};
use crate::recommend::{Catalogue, Names};

/// The knowledge as of one version of the change counter.
#[derive(Debug)]
pub struct Knowledge {
    pub version: i64,
    pub catalogue: Catalogue,
    pub names: Names,
    /// What the query form offers, in the order it offers them.
    pub industries: Vec<Industry>,
    pub languages: Vec<LanguageOption>,
    pub requirements: Vec<Requirement>,
}

/// The current [`Knowledge`], shared by all workers.
#[derive(Debug, Default)]
pub struct KnowledgeCache {
    current: RwLock<Option<Arc<Knowledge>>>,
}

impl KnowledgeCache {
    /// The knowledge as it is now in the database, loading it again only when it changed.
    pub async fn current(&self, pool: &SqlitePool) -> Result<Arc<Knowledge>, sqlx::Error> {
        let version = db::recommend::knowledge_version(pool).await?;
        if let Some(knowledge) = self.cached(version) {
            return Ok(knowledge);
        }
        let knowledge = Arc::new(db::recommend::load(pool).await?);
        // A poisoned lock only means another worker panicked mid-swap; the value is whole.
        let mut slot = self.current.write().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_none_or(|k| k.version <= version) {
            *slot = Some(knowledge.clone());
        }
        Ok(knowledge)
    }

    fn cached(&self, version: i64) -> Option<Arc<Knowledge>> {
        let slot = self.current.read().unwrap_or_else(|e| e.into_inner());
        slot.as_ref().filter(|k| k.version == version).cloned()
    }
}
