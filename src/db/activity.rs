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
    /// The entry's id: where the next page of the feed starts.
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_slug: String,
    pub account_name: Option<String>,
    pub action: String,
}

/// Reads one page of the feed, `$kind` saying how the kind of entry `?2` is chosen. sqlx's
/// checked macros take literal text only, which a macro argument is.
macro_rules! feed_page {
    ($pool:expr, $actor:expr, $entity:expr, $before:expr, $limit:expr, $kind:literal) => {
        sqlx::query_as!(
            Change,
            r#"SELECT a.id, at, COALESCE(actors.name, a.actor) AS "actor!: String", entity,
                      entity_slug, accounts.name AS account_name, action
               FROM audit_log a
               LEFT JOIN users actors ON actors.email = a.actor
               LEFT JOIN users accounts ON a.entity = 'user' AND accounts.email = a.entity_slug
               WHERE (?1 IS NULL OR COALESCE(actors.name, a.actor) = ?1)
                 AND a.id < ?3 AND "#
                + $kind
                + r#"
               ORDER BY a.id DESC LIMIT ?4"#,
            $actor,
            $entity,
            $before,
            $limit
        )
        .fetch_all($pool)
        .await?
    };
}

/// The newest audit entries.
pub async fn recent_changes(pool: &SqlitePool, limit: i64) -> Result<Vec<Change>, sqlx::Error> {
    changes(pool, None, None, None, limit).await
}

/// Audit entries filtered by author (by name: an account's, or the name a command line
/// wrote under) and kind of entry, newest first, `limit` of them before the entry `before`
/// (from the newest when `None`). Keyset paging on the log's id: a page deep in years of
/// entries costs what the first does.
pub async fn changes(
    pool: &SqlitePool,
    actor: Option<&str>,
    entity: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Change>, sqlx::Error> {
    // A bound always given is a range the index seeks to; a kind of entry asked for is read
    // through its own index (entity, id), in a statement of its own.
    let before = before.unwrap_or(i64::MAX);
    let rows = match entity {
        Some(entity) => feed_page!(pool, actor, entity, before, limit, "a.entity = ?2"),
        None => feed_page!(pool, actor, entity, before, limit, "?2 IS NULL"),
    };
    Ok(rows)
}

/// Everyone who has changed something, by name, for the activity filter: each account
/// looked up in the log's index by account, and the names the command line wrote under
/// (entries without an account), not every entry read.
pub async fn actors(pool: &SqlitePool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT u.name AS "actor!: String" FROM users u
           WHERE EXISTS (SELECT 1 FROM audit_log a WHERE a.user_id = u.id)
           UNION
           SELECT COALESCE(users.name, a.actor) FROM audit_log a
           LEFT JOIN users ON users.email = a.actor
           WHERE a.user_id IS NULL
           ORDER BY 1"#
    )
    .fetch_all(pool)
    .await
}
