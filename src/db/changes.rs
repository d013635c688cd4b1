//! The audit entries recorded since a brief was pinned that can bear on its ranking: edits to
//! its frameworks, and renames, deletions and restores of the terms its query names. Read
//! for the "changed since" report (`changes::since`), which works out what they did to the
//! brief.

use sqlx::SqlitePool;

/// How many entries a brief's page reads at most: a brief pinned long ago must not read the
/// whole log into memory. The newest are kept, since they set today's values.
pub const ENTRY_LIMIT: i64 = 200;

/// One audit entry, with its states before and after as the JSON the log stores (a
/// `FrameworkRecord` for a framework, a term's `State` for a vocabulary term).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditedChange {
    pub id: i64,
    /// When, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    /// Who, by the account's name when the entry names it by email.
    pub actor: String,
    /// Why, in the author's words; empty when nobody said.
    pub note: String,
    /// `framework`, `requirement`, `industry`, `use_case` or `language`.
    pub entity: String,
    pub entity_slug: String,
    /// `create`, `update`, `delete` or `revert`.
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Which entries to read: the frameworks of either answer, and the terms its query names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Framework slugs, as pinned and as today.
    pub frameworks: Vec<String>,
    /// Requirement, industry, use case and language slugs the query names.
    pub terms: Vec<String>,
}

/// What the log holds since a mark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditTrail {
    /// The entries in scope, oldest first; the newest [`ENTRY_LIMIT`] (or as asked) of them.
    pub entries: Vec<AuditedChange>,
    /// Entries in scope that were left out by the limit (the oldest ones).
    pub left_out: i64,
    /// Every knowledge edit since the mark, in scope or not (account changes not counted).
    pub edits_since: i64,
}

/// The newest audit entry's id, 0 when the log is empty: what a brief pins, so that later
/// entries are those with a greater id.
pub async fn mark(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT COALESCE(MAX(id), 0) AS "mark!: i64" FROM audit_log"#)
        .fetch_one(pool)
        .await
}

/// The entries after `mark` that can bear on a ranking over `scope`: every edit of one of its
/// frameworks, and each rename, deletion or restore of one of its terms (a term's other
/// edits change no score). At most `limit` of them, the newest, returned oldest first.
pub async fn since(
    pool: &SqlitePool,
    mark: i64,
    scope: &Scope,
    limit: i64,
) -> Result<AuditTrail, sqlx::Error> {
    let frameworks = serde_json::to_string(&scope.frameworks).expect("slugs serialise");
    let terms = serde_json::to_string(&scope.terms).expect("slugs serialise");
    // A term's update matters only when it renames it. The filter is written out again in
    // the count below: sqlx's checked macros take literal text only.
    let mut entries = sqlx::query_as!(
        AuditedChange,
        r#"SELECT a.id AS "id!: i64", a.at, COALESCE(u.name, a.actor) AS "actor!: String",
                  a.note, a.entity, a.entity_slug, a.action, a.before, a.after
           FROM audit_log a LEFT JOIN users u ON u.email = a.actor
           WHERE a.id > ?1
             AND ((a.entity = 'framework'
                   AND a.entity_slug IN (SELECT value FROM json_each(?2)))
               OR (a.entity IN ('requirement', 'industry', 'use_case', 'language')
                   AND a.action IN ('update', 'delete', 'revert')
                   AND (a.action <> 'update' OR a.before ->> 'slug' IS NOT a.after ->> 'slug')
                   AND (a.entity_slug IN (SELECT value FROM json_each(?3))
                        OR a.before ->> 'slug' IN (SELECT value FROM json_each(?3)))))
           ORDER BY a.id DESC
           LIMIT ?4"#,
        mark,
        frameworks,
        terms,
        limit
    )
    .fetch_all(pool)
    .await?;
    entries.reverse();
    // One pass over the entries since the mark counts them all and those in scope.
    let counts = sqlx::query!(
        r#"SELECT COUNT(*) AS "edits!: i64",
                  COALESCE(SUM((a.entity = 'framework'
                       AND a.entity_slug IN (SELECT value FROM json_each(?2)))
                    OR (a.entity IN ('requirement', 'industry', 'use_case', 'language')
                       AND a.action IN ('update', 'delete', 'revert')
                       AND (a.action <> 'update' OR a.before ->> 'slug' IS NOT a.after ->> 'slug')
                       AND (a.entity_slug IN (SELECT value FROM json_each(?3))
                            OR a.before ->> 'slug' IN (SELECT value FROM json_each(?3))))), 0)
                    AS "in_scope!: i64"
           FROM audit_log a
           WHERE a.id > ?1 AND a.entity <> 'user'"#,
        mark,
        frameworks,
        terms
    )
    .fetch_one(pool)
    .await?;
    Ok(AuditTrail {
        left_out: counts.in_scope - entries.len() as i64,
        entries,
        edits_since: counts.edits,
    })
}
