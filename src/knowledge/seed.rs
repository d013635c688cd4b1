//! The knowledge base a new installation starts with, embedded in the binary and loaded
//! through the same import code an editor uses.

use sqlx::SqlitePool;

use super::import::{ImportError, Report, import};
use super::validate::parse;
use crate::db;

/// `seed/knowledge.json`: a document in the export format, versioned with the code.
pub const SEED_JSON: &str = include_str!("../../seed/knowledge.json");

/// Who the seed is recorded as in the audit log.
pub const SEED_ACTOR: &str = "seed";

/// Loads the seed when the knowledge base holds nothing at all; returns what it created, or
/// `None` when there was already knowledge (which is never overwritten).
pub async fn seed_if_empty(pool: &SqlitePool) -> Result<Option<Report>, ImportError> {
    if !db::knowledge::is_empty(pool).await? {
        return Ok(None);
    }
    let document = parse(SEED_JSON).map_err(|problem| ImportError::Invalid(vec![problem]))?;
    import(pool, &document, false, SEED_ACTOR).await.map(Some)
}
