//! What the admin home shows: entries due for review and recent changes.

use sqlx::SqlitePool;

use crate::domain::Slug;

/// A framework whose facts were last reviewed before the cutoff (or never).
#[derive(Debug, Clone)]
pub struct DueForReview {
    pub slug: Slug,
    pub name: String,
    pub last_reviewed: Option<String>,
}

/// Frameworks not reviewed for `months` months, the oldest first.
pub async fn due_for_review(
    pool: &SqlitePool,
    months: i64,
) -> Result<Vec<DueForReview>, sqlx::Error> {
    let cutoff = format!("-{months} months");
    sqlx::query_as!(
        DueForReview,
        r#"SELECT slug AS "slug: Slug", name, last_reviewed FROM frameworks
         WHERE last_reviewed IS NULL OR last_reviewed < date('now', ?1)
         ORDER BY last_reviewed IS NOT NULL, last_reviewed, name"#,
        cutoff
    )
    .fetch_all(pool)
    .await
}

/// One entry of the audit log, without its before and after documents. People are named by
/// their account's name: `actor` and, for a change to an account, `account_name`; the email
/// an account change is keyed by stays in `entity_slug`, for admins' eyes only.
#[derive(Debug, Clone)]
pub struct Change {
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_slug: String,
    pub account_name: Option<String>,
    pub action: String,
}

/// The newest audit entries.
pub async fn recent_changes(pool: &SqlitePool, limit: i64) -> Result<Vec<Change>, sqlx::Error> {
    changes(pool, None, None, limit, 0).await
}

/// Audit entries filtered by author and kind of entry, newest first, one page at a time.
pub async fn changes(
    pool: &SqlitePool,
    actor: Option<&str>,
    entity: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Change>, sqlx::Error> {
    sqlx::query_as!(
        Change,
        r#"SELECT at, COALESCE(actors.name, a.actor) AS "actor!: String", entity, entity_slug,
                  accounts.name AS account_name, action
           FROM audit_log a
           LEFT JOIN users actors ON actors.email = a.actor
           LEFT JOIN users accounts ON a.entity = 'user' AND accounts.email = a.entity_slug
           WHERE (?1 IS NULL OR COALESCE(actors.name, a.actor) = ?1)
             AND (?2 IS NULL OR a.entity = ?2)
           ORDER BY a.id DESC LIMIT ?3 OFFSET ?4"#,
        actor,
        entity,
        limit,
        offset
    )
    .fetch_all(pool)
    .await
}

/// Everyone who has changed something, by name, for the activity filter.
pub async fn actors(pool: &SqlitePool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT DISTINCT COALESCE(users.name, a.actor) AS "actor!: String"
           FROM audit_log a LEFT JOIN users ON users.email = a.actor
           ORDER BY 1"#
    )
    .fetch_all(pool)
    .await
}
