//! A read-optimised copy of what the ranking needs, kept in memory and replaced whenever the
//! knowledge base's change counter moves, so reads skip SQLite but never serve stale data:
//! each request compares one number, and a committed change (from the web or an import in
//! another process) is visible to the very next request.

use std::sync::{Arc, RwLock};

use sqlx::SqlitePool;

use crate::db;
use crate::recommend::{Candidate, Names};

/// The knowledge as of one version of the change counter.
#[derive(Debug)]
pub struct Knowledge {
    pub version: i64,
    pub candidates: Vec<Candidate>,
    pub names: Names,
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
        let (version, candidates, names) = db::recommend::load(pool).await?;
        let knowledge = Arc::new(Knowledge {
            version,
            candidates,
            names,
        });
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
