//! The audit entries recorded since a brief was pinned that can bear on its ranking: edits to
//! its frameworks, and renames, deletions and restores of the terms its query names. Read
//! for the "changed since" report (`changes::since`), which works out what they did to the
//! brief.

use sqlx::SqlitePool;

/// How many entries a brief's page reads at most: a brief pinned long ago must not read the
/// whole log into memory. The newest are kept, since they set today's values.
pub const ENTRY_LIMIT: i64 = 100;

/// One audit entry, with its states before and after as the JSON the log stores (a
/// `FrameworkRecord` for a framework, without its own `sources`; a term's `State` for a
/// vocabulary term).
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
    /// Whether the query searches free text, which makes a framework's words matter.
    pub searching: bool,
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

/// Reads the entries after the mark that `$filter` (SQL over the entry `a`, with `?2` the
/// frameworks, `?3` the terms and `?4` whether the query searches) keeps, and counts them and
/// every knowledge edit since, in two statements that share the filter's text: sqlx's checked
/// macros take literal text only, which a macro argument is.
macro_rules! read_in_scope {
    ($pool:expr, $mark:expr, $frameworks:expr, $terms:expr, $searching:expr, $limit:expr, $filter:literal) => {{
        // The framework's own list of sources is left out of its states: no ranking reads
        // it, and it is a good part of each state's size.
        let entries = sqlx::query_as!(
            AuditedChange,
            r#"SELECT a.id AS "id!: i64", a.at, COALESCE(u.name, a.actor) AS "actor!: String",
                      a.note, a.entity, a.entity_slug, a.action,
                      json_remove(a.before, '$.sources') AS "before?: String",
                      json_remove(a.after, '$.sources') AS "after?: String"
               FROM audit_log a LEFT JOIN users u ON u.email = a.actor
               WHERE a.id > ?1 AND "#
                + $filter
                + r#"
               ORDER BY a.id DESC
               LIMIT ?5"#,
            $mark,
            $frameworks,
            $terms,
            $searching,
            $limit
        )
        .fetch_all($pool)
        .await?;
        // One pass over the entries since the mark counts them all and those in scope.
        let counts = sqlx::query!(
            r#"SELECT COUNT(*) AS "edits!: i64",
                      COALESCE(SUM("#
                + $filter
                + r#"), 0) AS "in_scope!: i64"
               FROM audit_log a
               WHERE a.id > ?1
                 AND a.entity IN ('framework', 'language', 'feature', 'industry', 'use_case',
                                  'requirement', 'trend')"#,
            $mark,
            $frameworks,
            $terms,
            $searching
        )
        .fetch_one($pool)
        .await?;
        (entries, counts.edits, counts.in_scope)
    }};
}

/// The entries after `mark` that can bear on a ranking over `scope`: the edits of one of its
/// frameworks that change its slug, ring, ratings, use cases or team languages (or, when the
/// query searches, its searched text), its creation, deletion and restores; and each rename,
/// deletion or restore of one of its terms (a term's other edits change no score). At most
/// `limit` of them, the newest, returned oldest first.
pub async fn since(
    pool: &SqlitePool,
    mark: i64,
    scope: &Scope,
    limit: i64,
) -> Result<AuditTrail, sqlx::Error> {
    let frameworks = serde_json::to_string(&scope.frameworks).expect("slugs serialise");
    let terms = serde_json::to_string(&scope.terms).expect("slugs serialise");
    let (mut entries, edits_since, in_scope) = read_in_scope!(
        pool,
        mark,
        frameworks,
        terms,
        scope.searching,
        limit,
        "((a.entity = 'framework'
           AND a.entity_slug IN (SELECT value FROM json_each(?2))
           AND (a.before IS NULL OR a.after IS NULL
                OR a.before ->> 'slug' IS NOT a.after ->> 'slug'
                OR a.before ->> 'ring' IS NOT a.after ->> 'ring'
                OR a.before -> 'requirements' IS NOT a.after -> 'requirements'
                OR a.before -> 'industries' IS NOT a.after -> 'industries'
                OR a.before -> 'use_cases' IS NOT a.after -> 'use_cases'
                OR a.before -> 'languages' IS NOT a.after -> 'languages'
                OR (?4 AND (a.before ->> 'name' IS NOT a.after ->> 'name'
                            OR a.before ->> 'summary' IS NOT a.after ->> 'summary'
                            OR a.before ->> 'description' IS NOT a.after ->> 'description'
                            OR a.before -> 'features' IS NOT a.after -> 'features'))))
         OR (a.entity IN ('requirement', 'industry', 'use_case', 'language')
             AND a.action IN ('update', 'delete', 'revert')
             AND (a.action <> 'update' OR a.before ->> 'slug' IS NOT a.after ->> 'slug')
             AND (a.entity_slug IN (SELECT value FROM json_each(?3))
                  OR a.before ->> 'slug' IN (SELECT value FROM json_each(?3)))))"
    );
    entries.reverse();
    Ok(AuditTrail {
        left_out: in_scope - entries.len() as i64,
        entries,
        edits_since,
    })
}
