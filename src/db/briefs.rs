//! Client briefs and their revisions (migration 0005): saving a brief with its first pinned
//! answer, re-running it as a new revision, editing, archiving, the outcome, and the reads
//! behind the lists, the brief page, the outcomes page and the API.

use std::collections::HashMap;

use sqlx::{SqliteConnection, SqlitePool};

use crate::db::editing::{Outcome, Stored};
use crate::domain::{DealResult, Email};

/// A brief as its pages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub id: i64,
    pub client: String,
    pub project: String,
    pub notes: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub owner_email: Email,
    /// When it was archived; `None` while it is current.
    pub archived_at: Option<String>,
    pub outcome: Option<DealOutcome>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Who changed it last, by name.
    pub updated_by: Option<String>,
}

/// What the client chose, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealOutcome {
    pub result: DealResult,
    /// The chosen framework's slug as it was then; `None` when nothing was chosen (yet).
    pub chosen: Option<String>,
    /// `YYYY-MM-DD`.
    pub decided_on: Option<String>,
    pub note: String,
    pub recorded_at: String,
}

/// The columns of a brief as stored, before its outcome is put together.
struct BriefRow {
    id: i64,
    client: String,
    project: String,
    notes: String,
    owner_id: i64,
    owner_name: String,
    owner_email: Email,
    archived_at: Option<String>,
    outcome_result: Option<DealResult>,
    outcome_chosen: Option<String>,
    outcome_decided_on: Option<String>,
    outcome_note: String,
    outcome_recorded_at: Option<String>,
    version: i64,
    created_at: String,
    updated_at: String,
    updated_by: Option<String>,
}

impl From<BriefRow> for Brief {
    fn from(row: BriefRow) -> Self {
        // The schema records an outcome whole: a result always comes with its moment.
        let outcome =
            row.outcome_result
                .zip(row.outcome_recorded_at)
                .map(|(result, recorded_at)| DealOutcome {
                    result,
                    chosen: row.outcome_chosen,
                    decided_on: row.outcome_decided_on,
                    note: row.outcome_note,
                    recorded_at,
                });
        Self {
            id: row.id,
            client: row.client,
            project: row.project,
            notes: row.notes,
            owner_id: row.owner_id,
            owner_name: row.owner_name,
            owner_email: row.owner_email,
            archived_at: row.archived_at,
            outcome,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
        }
    }
}

/// The brief `id`, or `None`.
pub async fn find(pool: &SqlitePool, id: i64) -> Result<Option<Brief>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    find_in(&mut conn, id).await
}

async fn find_in(conn: &mut SqliteConnection, id: i64) -> Result<Option<Brief>, sqlx::Error> {
    let row = sqlx::query_as!(
        BriefRow,
        r#"SELECT b.id, b.client, b.project, b.notes, b.owner_id, o.name AS owner_name,
                  o.email AS "owner_email: Email", b.archived_at,
                  b.outcome_result AS "outcome_result: DealResult", b.outcome_chosen,
                  b.outcome_decided_on, b.outcome_note, b.outcome_recorded_at, b.version,
                  b.created_at, b.updated_at, e.name AS "updated_by?"
           FROM briefs b
           JOIN users o ON o.id = b.owner_id
           LEFT JOIN users e ON e.id = b.updated_by
           WHERE b.id = ?1"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Brief::from))
}

/// One page of briefs for the API, most recently changed first, after the brief at
/// `(updated_at, id)` when given.
pub async fn page_after(
    pool: &SqlitePool,
    after: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<Brief>, sqlx::Error> {
    // The first page starts after a key beyond every brief's ("~" sorts after the digits a
    // timestamp begins with), so that the comparison is a range the index seeks to.
    let (after_at, after_id) = after.unwrap_or(("~", i64::MAX));
    let rows = sqlx::query_as!(
        BriefRow,
        r#"SELECT b.id, b.client, b.project, b.notes, b.owner_id, o.name AS owner_name,
                  o.email AS "owner_email: Email", b.archived_at,
                  b.outcome_result AS "outcome_result: DealResult", b.outcome_chosen,
                  b.outcome_decided_on, b.outcome_note, b.outcome_recorded_at, b.version,
                  b.created_at, b.updated_at, e.name AS "updated_by?"
           FROM briefs b
           JOIN users o ON o.id = b.owner_id
           LEFT JOIN users e ON e.id = b.updated_by
           WHERE (b.updated_at, b.id) < (?1, ?2)
           ORDER BY b.updated_at DESC, b.id DESC
           LIMIT ?3"#,
        after_at,
        after_id,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Brief::from).collect())
}

/// A revision as the revision list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionSummary {
    pub number: i64,
    pub query: String,
    pub knowledge_version: i64,
    pub created_at: String,
    /// Who pinned it, by name.
    pub created_by: Option<String>,
    /// The top pick then, with its score; `None` when nothing fit.
    pub top_name: Option<String>,
    pub top_score: Option<f64>,
}

/// Every revision of a brief, oldest first.
pub async fn revisions(
    pool: &SqlitePool,
    brief_id: i64,
) -> Result<Vec<RevisionSummary>, sqlx::Error> {
    sqlx::query_as!(
        RevisionSummary,
        r#"SELECT r.number, r.query, r.knowledge_version, r.created_at, u.name AS "created_by?",
                  t.top_name AS "top_name?: String", t.top_score AS "top_score?: f64"
           FROM brief_revisions r
           LEFT JOIN brief_revision_tops t ON t.revision_id = r.id
           LEFT JOIN users u ON u.id = r.created_by
           WHERE r.brief_id = ?1
           ORDER BY r.number"#,
        brief_id
    )
    .fetch_all(pool)
    .await
}

/// Every revision of each of `brief_ids`, oldest first, in one read: the API's list page.
/// A brief with no revisions has no entry.
pub async fn revisions_of(
    pool: &SqlitePool,
    brief_ids: &[i64],
) -> Result<HashMap<i64, Vec<RevisionSummary>>, sqlx::Error> {
    let ids = serde_json::to_string(brief_ids).expect("a list of numbers is JSON");
    let rows = sqlx::query!(
        r#"SELECT r.brief_id, r.number, r.query, r.knowledge_version, r.created_at,
                  u.name AS "created_by?",
                  t.top_name AS "top_name?: String", t.top_score AS "top_score?: f64"
           FROM brief_revisions r
           LEFT JOIN brief_revision_tops t ON t.revision_id = r.id
           LEFT JOIN users u ON u.id = r.created_by
           WHERE r.brief_id IN (SELECT value FROM json_each(?1))
           ORDER BY r.brief_id, r.number"#,
        ids
    )
    .fetch_all(pool)
    .await?;
    let mut by_brief: HashMap<i64, Vec<RevisionSummary>> = HashMap::new();
    for r in rows {
        by_brief
            .entry(r.brief_id)
            .or_default()
            .push(RevisionSummary {
                number: r.number,
                query: r.query,
                knowledge_version: r.knowledge_version,
                created_at: r.created_at,
                created_by: r.created_by,
                top_name: r.top_name,
                top_score: r.top_score,
            });
    }
    Ok(by_brief)
}

/// A revision in full, with the answer it pinned.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub number: i64,
    pub query: String,
    pub knowledge_version: i64,
    pub audit_mark: i64,
    /// `routes::recommendation::RecommendationsBody` as JSON, exactly as stored.
    pub result: String,
    pub created_at: String,
    pub created_by: Option<String>,
}

/// How many briefs the desk's review queue, the impact preview and the reference questions
/// page weigh: the most recently changed current ones (each page says so).
pub const WEIGHED: i64 = 200;

/// A brief's latest question: what the review queue and the impact of an edit ask again.
#[derive(Debug, Clone)]
pub struct Asked {
    pub id: i64,
    pub client: String,
    pub project: String,
    /// The latest revision's canonical query string.
    pub query: String,
}

/// The latest question of the `limit` most recently changed briefs not archived, most
/// recently changed first: the advice in use, which the desk and the impact preview weigh.
/// (Years of briefs cannot all be asked again on every page load; a brief saved, re-run,
/// edited or given an outcome comes first again.)
pub async fn asked(pool: &SqlitePool, limit: i64) -> Result<Vec<Asked>, sqlx::Error> {
    sqlx::query_as!(
        Asked,
        r#"SELECT b.id, b.client, b.project, r.query
           FROM briefs b
           JOIN brief_revisions r ON r.brief_id = b.id
            AND r.number = (SELECT MAX(number) FROM brief_revisions WHERE brief_id = b.id)
           WHERE b.archived_at IS NULL
           ORDER BY b.updated_at DESC, b.id DESC
           LIMIT ?1"#,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Revision `number` of a brief, or its latest when `number` is `None`.
pub async fn revision(
    pool: &SqlitePool,
    brief_id: i64,
    number: Option<i64>,
) -> Result<Option<Revision>, sqlx::Error> {
    sqlx::query_as!(
        Revision,
        r#"SELECT r.number, r.query, r.knowledge_version, r.audit_mark, r.result, r.created_at,
                  u.name AS "created_by?"
           FROM brief_revisions r
           LEFT JOIN users u ON u.id = r.created_by
           WHERE r.brief_id = ?1 AND r.number = COALESCE(
               ?2, (SELECT MAX(number) FROM brief_revisions WHERE brief_id = ?1))"#,
        brief_id,
        number
    )
    .fetch_optional(pool)
    .await
}

/// Every revision of a brief in full, oldest first (the API's detail).
pub async fn full_revisions(
    pool: &SqlitePool,
    brief_id: i64,
) -> Result<Vec<Revision>, sqlx::Error> {
    sqlx::query_as!(
        Revision,
        r#"SELECT r.number, r.query, r.knowledge_version, r.audit_mark, r.result, r.created_at,
                  u.name AS "created_by?"
           FROM brief_revisions r
           LEFT JOIN users u ON u.id = r.created_by
           WHERE r.brief_id = ?1
           ORDER BY r.number"#,
        brief_id
    )
    .fetch_all(pool)
    .await
}

/// How a list of briefs is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Most recently changed first.
    Updated,
    /// Least recently changed first.
    Oldest,
    /// Most recently created first.
    Created,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Updated => "updated",
            Sort::Oldest => "oldest",
            Sort::Created => "created",
        }
    }
}

/// Which briefs a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Words looked for in client, project and notes, as typed (matched literally).
    pub search: String,
    pub owner: Option<i64>,
    /// Exactly this client.
    pub client: Option<String>,
    /// Archived briefs too.
    pub archived: bool,
    pub sort: Sort,
}

/// A `LIKE` pattern matching `text` anywhere, its own `%`, `_` and `\` taken literally
/// (the query says `ESCAPE '\'`); `None` for no search.
pub fn contains_pattern(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Some(pattern)
}

/// A brief as the lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedBrief {
    pub id: i64,
    pub client: String,
    pub project: String,
    pub owner_name: String,
    pub archived_at: Option<String>,
    pub outcome_result: Option<DealResult>,
    pub created_at: String,
    pub updated_at: String,
    /// The latest revision's top pick and its score; `None` when nothing fit.
    pub top_name: Option<String>,
    pub top_score: Option<f64>,
    /// How many revisions it has (its latest number).
    pub revisions: i64,
}

/// Where a page of a list starts: after the brief whose sort key (its `updated_at`, or its
/// `created_at` when sorted by creation) and id are these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub at: String,
    pub id: i64,
}

/// Reads one page of a list: `$order` is the keyset's comparison of `(key, id)` with the
/// cursor `(?6, ?7)` and the matching `ORDER BY`, so that each sort walks its own index
/// (`briefs_by_updated`, `briefs_by_owner`, `briefs_by_created`) from the cursor and stops
/// after a page, however many briefs came before. sqlx's checked macros take literal text
/// only, which a macro argument is.
macro_rules! list_page {
    ($pool:expr, $filter:expr, $after:expr, $limit:expr, $order:literal) => {{
        let pattern = contains_pattern(&$filter.search);
        let (at, id) = $after;
        sqlx::query_as!(
            ListedBrief,
            r#"SELECT b.id, b.client, b.project, o.name AS owner_name, b.archived_at,
                      b.outcome_result AS "outcome_result: DealResult", b.created_at, b.updated_at,
                      t.top_name AS "top_name?: String", t.top_score AS "top_score?: f64",
                      r.number AS revisions
               FROM briefs b
               JOIN users o ON o.id = b.owner_id
               JOIN brief_revisions r ON r.brief_id = b.id
                AND r.number = (SELECT MAX(number) FROM brief_revisions WHERE brief_id = b.id)
               LEFT JOIN brief_revision_tops t ON t.revision_id = r.id
               WHERE (?1 IS NULL OR b.client LIKE ?1 ESCAPE '\' OR b.project LIKE ?1 ESCAPE '\'
                      OR b.notes LIKE ?1 ESCAPE '\')
                 AND (?2 IS NULL OR b.owner_id = ?2)
                 AND (?3 IS NULL OR b.client = ?3)
                 AND (?4 OR b.archived_at IS NULL)
                 AND "#
                + $order
                + r#"
               LIMIT ?5"#,
            pattern,
            $filter.owner,
            $filter.client,
            $filter.archived,
            $limit,
            at,
            id
        )
        .fetch_all($pool)
        .await
    }};
}

/// Up to `limit` of the briefs `filter` selects, in its order, after `after` (from the
/// first when `None`). Keyset paging: no page costs more than its rows, however deep.
pub async fn list(
    pool: &SqlitePool,
    filter: &Filter,
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<ListedBrief>, sqlx::Error> {
    // The first page starts after a key beyond every brief's (timestamps begin with a digit,
    // and "~" sorts after digits; "" before them), so that the comparison is always a range
    // the index can seek to.
    let from = |first: (&'static str, i64)| match after {
        Some(a) => (a.at.as_str(), a.id),
        None => first,
    };
    // One owner's briefs (“My briefs”, the owner filter) are read through the owners' index,
    // by when they changed, not picked out of everyone's.
    match (filter.sort, filter.owner.is_some()) {
        (Sort::Updated, true) => list_page!(
            pool,
            filter,
            from(("~", i64::MAX)),
            limit,
            "b.owner_id = ?2 AND (b.updated_at, b.id) < (?6, ?7)
               ORDER BY b.updated_at DESC, b.id DESC"
        ),
        (Sort::Oldest, true) => list_page!(
            pool,
            filter,
            from(("", i64::MIN)),
            limit,
            "b.owner_id = ?2 AND (b.updated_at, b.id) > (?6, ?7)
               ORDER BY b.updated_at ASC, b.id ASC"
        ),
        (Sort::Updated, _) => list_page!(
            pool,
            filter,
            from(("~", i64::MAX)),
            limit,
            "(b.updated_at, b.id) < (?6, ?7)
               ORDER BY b.updated_at DESC, b.id DESC"
        ),
        (Sort::Oldest, _) => list_page!(
            pool,
            filter,
            from(("", i64::MIN)),
            limit,
            "(b.updated_at, b.id) > (?6, ?7)
               ORDER BY b.updated_at ASC, b.id ASC"
        ),
        (Sort::Created, _) => list_page!(
            pool,
            filter,
            from(("~", i64::MAX)),
            limit,
            "(b.created_at, b.id) < (?6, ?7)
               ORDER BY b.created_at DESC, b.id DESC"
        ),
    }
}

impl ListedBrief {
    /// Where the page after this brief starts, in `sort`'s order.
    pub fn after(&self, sort: Sort) -> After {
        let at = match sort {
            Sort::Created => &self.created_at,
            Sort::Updated | Sort::Oldest => &self.updated_at,
        };
        After {
            at: at.clone(),
            id: self.id,
        }
    }
}

/// The clients of the `recent` most recently changed briefs, by name: what the list's client
/// field suggests (any client may be typed; years of clients are too many to offer).
pub async fn clients(pool: &SqlitePool, recent: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT DISTINCT client AS "client!"
           FROM (SELECT client FROM briefs ORDER BY updated_at DESC, id DESC LIMIT ?1)
           ORDER BY client COLLATE NOCASE"#,
        recent
    )
    .fetch_all(pool)
    .await
}

/// Everyone who owns a brief, as (id, name) by name: the list's owner filter. Each account
/// is looked up in the owners' index, not each brief read.
pub async fn owners(pool: &SqlitePool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT u.id AS "id!", u.name AS "name!"
           FROM users u
           WHERE EXISTS (SELECT 1 FROM briefs b WHERE b.owner_id = u.id)
           ORDER BY u.name COLLATE NOCASE, u.id"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// What the briefs list offers to filter by: everyone who owns a brief ([`owners`]) and the
/// clients of the most recently changed briefs ([`clients`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilters {
    pub owners: Vec<(i64, String)>,
    pub clients: Vec<String>,
}

/// The list's filters, with the clients of the `recent` most recently changed briefs.
pub async fn list_filters(pool: &SqlitePool, recent: i64) -> Result<ListFilters, sqlx::Error> {
    Ok(ListFilters {
        owners: owners(pool).await?,
        clients: clients(pool, recent).await?,
    })
}

/// What a brief says about its client and project: its edit form's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefDraft {
    pub client: String,
    pub project: String,
    pub notes: String,
}

/// An answer to pin: the canonical query, the knowledge version it was ranked on, and the
/// answer as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub query: String,
    pub knowledge_version: i64,
    pub result: String,
}

/// What became of pinning an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pinned {
    /// Stored as this brief's revision `number`.
    Done { brief_id: i64, number: i64 },
    /// The knowledge changed after the answer was ranked; nothing was stored. Rank again.
    KnowledgeMoved,
    /// There is no such brief.
    Gone,
}

/// Whether `pin` was ranked on the knowledge as it is now, and the audit log's last entry:
/// read inside the write transaction, so no change can slip in between (every change to
/// the knowledge moves its version in the same transaction as its audit entry).
async fn audit_mark_for(
    conn: &mut SqliteConnection,
    pin: &Pin,
) -> Result<Option<i64>, sqlx::Error> {
    let version = sqlx::query_scalar!("SELECT version FROM knowledge_version WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    if version != pin.knowledge_version {
        return Ok(None);
    }
    let mark = sqlx::query_scalar!(r#"SELECT COALESCE(MAX(id), 0) AS "mark!: i64" FROM audit_log"#)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some(mark))
}

async fn insert_revision(
    conn: &mut SqliteConnection,
    brief_id: i64,
    number: i64,
    pin: &Pin,
    audit_mark: i64,
    author: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO brief_revisions
             (brief_id, number, query, knowledge_version, audit_mark, result, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        brief_id,
        number,
        pin.query,
        pin.knowledge_version,
        audit_mark,
        pin.result,
        author
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Saves a new brief owned by `owner` with `pin` as its revision 1, in one transaction.
pub async fn create(
    pool: &SqlitePool,
    draft: &BriefDraft,
    owner: i64,
    pin: &Pin,
) -> Result<Pinned, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let Some(mark) = audit_mark_for(&mut tx, pin).await? else {
        return Ok(Pinned::KnowledgeMoved);
    };
    let brief_id = sqlx::query_scalar!(
        r#"INSERT INTO briefs (client, project, notes, owner_id, updated_by)
           VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id AS "id!: i64""#,
        draft.client,
        draft.project,
        draft.notes,
        owner
    )
    .fetch_one(&mut *tx)
    .await?;
    insert_revision(&mut tx, brief_id, 1, pin, mark, owner).await?;
    tx.commit().await?;
    Ok(Pinned::Done {
        brief_id,
        number: 1,
    })
}

/// Adds `pin` as the brief's next revision (never touching the earlier ones), in one
/// transaction.
pub async fn add_revision(
    pool: &SqlitePool,
    brief_id: i64,
    pin: &Pin,
    author: i64,
) -> Result<Pinned, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let latest = sqlx::query_scalar!(
        r#"SELECT MAX(number) AS "latest: i64" FROM brief_revisions WHERE brief_id = ?1"#,
        brief_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let Some(latest) = latest else {
        return Ok(Pinned::Gone);
    };
    let Some(mark) = audit_mark_for(&mut tx, pin).await? else {
        return Ok(Pinned::KnowledgeMoved);
    };
    let number = latest + 1;
    insert_revision(&mut tx, brief_id, number, pin, mark, author).await?;
    touch(&mut tx, brief_id, author).await?;
    tx.commit().await?;
    Ok(Pinned::Done { brief_id, number })
}

/// Records that `author` changed the brief now.
async fn touch(conn: &mut SqliteConnection, brief_id: i64, author: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE briefs SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), updated_by = ?2
         WHERE id = ?1",
        brief_id,
        author
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Runs `write` over the brief and records that `author` changed it, all in one
/// transaction, provided the brief is still at `expected_version`; otherwise writes nothing
/// and answers why (gone, or the brief as it now stands).
async fn change_at_version(
    pool: &SqlitePool,
    id: i64,
    expected_version: i64,
    author: i64,
    write: impl AsyncFnOnce(&mut SqliteConnection) -> Result<(), sqlx::Error>,
) -> Result<Outcome<Brief>, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let Some(current) = find_in(&mut tx, id).await? else {
        return Ok(Outcome::Gone);
    };
    if current.version != expected_version {
        let version = current.version;
        return Ok(Outcome::Conflict(Box::new(Stored {
            record: current,
            version,
        })));
    }
    write(&mut tx).await?;
    touch(&mut tx, id, author).await?;
    tx.commit().await?;
    Ok(Outcome::Done)
}

/// Saves the edit form (client, project, notes, owner) over the brief, provided it is still
/// at `expected_version`.
pub async fn update(
    pool: &SqlitePool,
    id: i64,
    expected_version: i64,
    draft: &BriefDraft,
    owner: i64,
    author: i64,
) -> Result<Outcome<Brief>, sqlx::Error> {
    change_at_version(pool, id, expected_version, author, async |conn| {
        sqlx::query!(
            "UPDATE briefs SET client = ?2, project = ?3, notes = ?4, owner_id = ?5,
                    version = version + 1
             WHERE id = ?1",
            id,
            draft.client,
            draft.project,
            draft.notes,
            owner
        )
        .execute(conn)
        .await?;
        Ok(())
    })
    .await
}

/// An outcome as a form gives it (the moment is the database's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeDraft {
    pub result: DealResult,
    pub chosen: Option<String>,
    pub decided_on: Option<String>,
    pub note: String,
}

/// Records the outcome over any earlier one, provided the brief is still at
/// `expected_version`.
pub async fn record_outcome(
    pool: &SqlitePool,
    id: i64,
    expected_version: i64,
    outcome: &OutcomeDraft,
    author: i64,
) -> Result<Outcome<Brief>, sqlx::Error> {
    change_at_version(pool, id, expected_version, author, async |conn| {
        sqlx::query!(
            "UPDATE briefs SET outcome_result = ?2, outcome_chosen = ?3, outcome_decided_on = ?4,
                    outcome_note = ?5,
                    outcome_recorded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
                    version = version + 1
             WHERE id = ?1",
            id,
            outcome.result,
            outcome.chosen,
            outcome.decided_on,
            outcome.note
        )
        .execute(conn)
        .await?;
        Ok(())
    })
    .await
}

/// Archives the brief (keeping the first moment it was archived) or brings it back;
/// `false` when there is no such brief.
pub async fn set_archived(
    pool: &SqlitePool,
    id: i64,
    archived: bool,
    author: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let changed = sqlx::query!(
        "UPDATE briefs
         SET archived_at = CASE WHEN ?2 THEN COALESCE(archived_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                                ELSE NULL END
         WHERE id = ?1",
        id,
        archived
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    touch(&mut tx, id, author).await?;
    tx.commit().await?;
    Ok(true)
}

/// One brief as the outcomes page counts it: its latest revision's top pick and its
/// outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRow {
    pub archived: bool,
    pub top_slug: Option<String>,
    pub top_name: Option<String>,
    pub result: Option<DealResult>,
    pub chosen: Option<String>,
}

/// Every brief, archived or not, as the outcomes page counts it.
pub async fn outcome_rows(pool: &SqlitePool) -> Result<Vec<OutcomeRow>, sqlx::Error> {
    sqlx::query_as!(
        OutcomeRow,
        r#"SELECT b.archived_at IS NOT NULL AS "archived!: bool",
                  t.top_slug AS "top_slug?: String", t.top_name AS "top_name?: String",
                  b.outcome_result AS "result: DealResult", b.outcome_chosen AS chosen
           FROM briefs b
           JOIN brief_revisions r ON r.brief_id = b.id
            AND r.number = (SELECT MAX(number) FROM brief_revisions WHERE brief_id = b.id)
           LEFT JOIN brief_revision_tops t ON t.revision_id = r.id
           ORDER BY b.id"#
    )
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_matches_its_wildcards_and_backslashes_literally() {
        assert_eq!(contains_pattern("  "), None);
        assert_eq!(contains_pattern(" acme "), Some("%acme%".into()));
        assert_eq!(
            contains_pattern(r"50%_off\now"),
            Some(r"%50\%\_off\\now%".into())
        );
    }
}

/// A current (unarchived) brief with its latest revision's query and pinned answer: what
/// the reference questions page and the impact preview hold today's answer against.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestPin {
    pub id: i64,
    pub client: String,
    pub project: String,
    /// The canonical query string the revision was ranked for.
    pub query: String,
    /// `routes::recommendation::RecommendationsBody` as JSON, as pinned.
    pub result: String,
}

/// The `limit` most recently changed current briefs with their latest revision, most
/// recently changed first (as [`asked`] bounds them).
pub async fn latest_pins(pool: &SqlitePool, limit: i64) -> Result<Vec<LatestPin>, sqlx::Error> {
    sqlx::query_as!(
        LatestPin,
        r#"SELECT b.id AS "id!: i64", b.client, b.project, r.query, r.result
           FROM briefs b
           JOIN brief_revisions r ON r.brief_id = b.id
               AND r.number = (SELECT MAX(number) FROM brief_revisions WHERE brief_id = b.id)
           WHERE b.archived_at IS NULL
           ORDER BY b.updated_at DESC, b.id DESC
           LIMIT ?1"#,
        limit
    )
    .fetch_all(pool)
    .await
}
