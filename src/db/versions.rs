//! The database's two change counters: the knowledge's (migration 0003) and the one for
//! everything else the reading pages show (migration 0008).

use sqlx::SqlitePool;

/// Both change counters, read at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    /// Moves with every change to the knowledge base.
    pub knowledge: i64,
    /// Moves with every change to users, briefs and their revisions, flags, radar editions
    /// and the audit log.
    pub pages: i64,
}

/// Both counters, in one statement (so one snapshot of the database).
pub async fn current(pool: &SqlitePool) -> Result<Versions, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT k.version AS "knowledge!", p.version AS "pages!"
           FROM knowledge_version k, page_version p
           WHERE k.id = 1 AND p.id = 1"#
    )
    .fetch_one(pool)
    .await?;
    Ok(Versions {
        knowledge: row.knowledge,
        pages: row.pages,
    })
}
