//! Saving, deleting and restoring frameworks from the editors' pages: every write checks the
//! version the editor started from and records a revision in the audit log, in one
//! transaction.

use sqlx::{SqliteConnection, SqlitePool};

use crate::db::knowledge::{
    Approval, AuditEntry, append_audit, load_framework_in, upsert_framework,
};
use crate::knowledge::document::FrameworkRecord;

/// The audit log's name for frameworks.
pub const FRAMEWORK: &str = "framework";

/// Who is making a change, why, and who approved it: what its audit revision records.
#[derive(Debug, Clone, Default)]
pub struct Author {
    pub user_id: i64,
    pub name: String,
    /// Why the change is made, as the editor said it; empty when they said nothing.
    pub note: String,
    /// Set when the change is published by approving a change request.
    pub approval: Option<Approved>,
}

/// Who approved the change request a change publishes, and which request it was.
#[derive(Debug, Clone)]
pub struct Approved {
    pub approver_id: i64,
    pub approver: String,
    pub change_request: i64,
}

/// An entry as stored (a framework, or a vocabulary term), with the version an edit must
/// start from.
#[derive(Debug, Clone)]
pub struct Stored<T> {
    pub record: T,
    pub version: i64,
}

/// The version of the framework `slug`, or `None` when there is none.
pub async fn version_of(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!("SELECT version FROM frameworks WHERE slug = ?1", slug)
        .fetch_optional(&mut *conn)
        .await
}

/// The framework `slug` with all its links, and its version.
async fn stored_of(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<Stored<FrameworkRecord>>, sqlx::Error> {
    // The export's reader is the one place that reads a framework with all its links, so the
    // audit log and exports can never disagree about what a framework is.
    Ok(load_framework_in(conn, slug)
        .await?
        .map(|(version, record)| Stored { record, version }))
}

/// The framework with its links and version, or `None`.
pub async fn load(
    pool: &SqlitePool,
    slug: &str,
) -> Result<Option<Stored<FrameworkRecord>>, sqlx::Error> {
    stored_of(&mut *pool.acquire().await?, slug).await
}

/// The day the framework `slug` was last reviewed as a whole (`YYYY-MM-DD`); `None` when
/// never, or when there is no such framework.
pub async fn last_reviewed(pool: &SqlitePool, slug: &str) -> Result<Option<String>, sqlx::Error> {
    let day = sqlx::query_scalar!("SELECT last_reviewed FROM frameworks WHERE slug = ?1", slug)
        .fetch_optional(pool)
        .await?;
    Ok(day.flatten())
}

/// What became of a save, delete or restore of an entry of type `T`.
#[derive(Debug)]
pub enum Outcome<T> {
    /// Written.
    Done,
    /// Someone saved since the editor loaded the form; nothing was written.
    Conflict(Box<Stored<T>>),
    /// The entry (or the revision to restore) does not exist, or no longer.
    Gone,
    /// Another entry of the same kind already has the new slug.
    SlugTaken,
    /// A delete that other entries still depend on, or a restore of an entry whose own
    /// parent is gone.
    Blocked(Blocker),
}

/// What keeps an entry from being deleted or restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// This many frameworks are written in the language or have teams writing it.
    FrameworksWrittenIn(usize),
    /// This many use cases belong to the industry.
    UseCasesIn(usize),
    /// The use case belonged to this industry, which no longer exists.
    IndustryGone(String),
}

/// What became of a framework's save, delete or restore.
pub type Saved = Outcome<FrameworkRecord>;

/// Records who wrote the framework last.
async fn stamp(
    conn: &mut SqliteConnection,
    slug: &str,
    author: &Author,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE frameworks SET updated_by = ?2 WHERE slug = ?1 RETURNING version",
        slug,
        author.user_id
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(())
}

/// Appends the audit revision of an editor's change to the entry `slug` of `entity`: its
/// state before and after, as JSON (`None` before a create, after a delete).
pub async fn record_revision<T: serde::Serialize>(
    conn: &mut SqliteConnection,
    author: &Author,
    (entity, slug): (&str, &str),
    action: &str,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), sqlx::Error> {
    let json = |state: &T| serde_json::to_string(state).expect("a state serialises");
    let (before, after) = (before.map(json), after.map(json));
    let entry = AuditEntry {
        user_id: Some(author.user_id),
        actor: &author.name,
        entity,
        entity_slug: slug,
        action,
        before: before.as_deref(),
        after: after.as_deref(),
        note: &author.note,
        approval: author.approval.as_ref().map(|a| Approval {
            approver_id: a.approver_id,
            approver: &a.approver,
            change_request: a.change_request,
        }),
    };
    append_audit(conn, &entry).await
}

/// The framework as stored, when it is still at `expected_version`; otherwise what the
/// caller should answer instead.
async fn current_at(
    conn: &mut SqliteConnection,
    slug: &str,
    expected_version: i64,
) -> Result<Result<FrameworkRecord, Saved>, sqlx::Error> {
    let Some(current) = stored_of(conn, slug).await? else {
        return Ok(Err(Saved::Gone));
    };
    if current.version != expected_version {
        return Ok(Err(Saved::Conflict(Box::new(current))));
    }
    Ok(Ok(current.record))
}

/// Saves `record` over the framework `original` (or creates it when `original` is `None`),
/// provided it is still at `expected_version`.
pub async fn save(
    pool: &SqlitePool,
    original: Option<&str>,
    expected_version: i64,
    record: &FrameworkRecord,
    author: &Author,
) -> Result<Saved, sqlx::Error> {
    // IMMEDIATE takes the write lock first, so the version check and the write see the same
    // state even with two editors saving at the same moment.
    let mut tx = crate::db::begin_write(pool).await?;
    let saved = save_in(&mut tx, original, expected_version, record, author).await?;
    commit_if_done(tx, saved).await
}

/// Commits `tx` when the change it holds was made; anything else leaves nothing written.
pub async fn commit_if_done<T>(
    tx: crate::db::WriteTransaction,
    outcome: Outcome<T>,
) -> Result<Outcome<T>, sqlx::Error> {
    if matches!(outcome, Outcome::Done) {
        tx.commit().await?;
    }
    Ok(outcome)
}

/// [`save`] inside the caller's write transaction, which it leaves open: approving a change
/// request publishes it and marks the request approved in one transaction. On any outcome
/// but `Done` the caller must roll back (a rename may have been written).
pub async fn save_in(
    tx: &mut SqliteConnection,
    original: Option<&str>,
    expected_version: i64,
    record: &FrameworkRecord,
    author: &Author,
) -> Result<Saved, sqlx::Error> {
    let before = match original {
        Some(slug) => match current_at(&mut *tx, slug, expected_version).await? {
            Ok(current) => Some(current),
            Err(answer) => return Ok(answer),
        },
        None => None,
    };
    let renamed = original.is_some_and(|slug| slug != record.slug);
    if (original.is_none() || renamed) && version_of(&mut *tx, &record.slug).await?.is_some() {
        return Ok(Saved::SlugTaken);
    }
    if let (Some(old), true) = (original, renamed) {
        sqlx::query!(
            "UPDATE frameworks SET slug = ?2 WHERE slug = ?1",
            old,
            record.slug
        )
        .execute(&mut *tx)
        .await?;
    }
    let mut record = record.clone();
    record.date_changed_ratings(before.as_ref(), &crate::domain::today());
    let record = &record;
    upsert_framework(&mut *tx, record, Some(author.user_id), before.as_ref()).await?;
    stamp(&mut *tx, &record.slug, author).await?;
    let action = if original.is_some() {
        "update"
    } else {
        "create"
    };
    let entry = (FRAMEWORK, record.slug.as_str());
    record_revision(
        &mut *tx,
        author,
        entry,
        action,
        before.as_ref(),
        Some(record),
    )
    .await?;
    Ok(Saved::Done)
}

/// Deletes the framework and its links if it is still at `expected_version`.
pub async fn delete(
    pool: &SqlitePool,
    slug: &str,
    expected_version: i64,
    author: &Author,
) -> Result<Saved, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let deleted = delete_in(&mut tx, slug, expected_version, author).await?;
    commit_if_done(tx, deleted).await
}

/// [`delete`] inside the caller's write transaction, which it leaves open.
pub async fn delete_in(
    tx: &mut SqliteConnection,
    slug: &str,
    expected_version: i64,
    author: &Author,
) -> Result<Saved, sqlx::Error> {
    let current = match current_at(&mut *tx, slug, expected_version).await? {
        Ok(current) => current,
        Err(answer) => return Ok(answer),
    };
    sqlx::query!("DELETE FROM frameworks WHERE slug = ?1", slug)
        .execute(&mut *tx)
        .await?;
    record_revision(
        &mut *tx,
        author,
        (FRAMEWORK, slug),
        "delete",
        Some(&current),
        None,
    )
    .await?;
    Ok(Saved::Done)
}

/// One revision of an entry, from the audit log.
#[derive(Debug, Clone)]
pub struct Revision {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Why the change was made, when someone said so.
    pub note: String,
    /// Who approved it, when it was published through a change request.
    pub approver: Option<String>,
    /// The change request it published, if any.
    pub change_request: Option<i64>,
}

/// Every revision of one entry, oldest first.
pub async fn revisions(
    pool: &SqlitePool,
    entity: &str,
    slug: &str,
) -> Result<Vec<Revision>, sqlx::Error> {
    sqlx::query_as!(
        Revision,
        "SELECT id, at, actor, action, before, after, note, approver, change_request FROM audit_log
         WHERE entity = ?1 AND entity_slug = ?2 ORDER BY id",
        entity,
        slug
    )
    .fetch_all(pool)
    .await
}

/// One page of an entry's history, newest first: `limit` revisions older than revision
/// `before` (from the newest when `None`). Keyset paging on the log's index by entry, so a
/// page of an entry edited for years costs what the first does.
pub async fn history_page(
    pool: &SqlitePool,
    entity: &str,
    slug: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Revision>, sqlx::Error> {
    sqlx::query_as!(
        Revision,
        "SELECT id, at, actor, action, before, after, note, approver, change_request FROM audit_log
         WHERE entity = ?1 AND entity_slug = ?2 AND id < ?3
         ORDER BY id DESC LIMIT ?4",
        entity,
        slug,
        // A bound always given is a range the index seeks to.
        before.unwrap_or(i64::MAX),
        limit
    )
    .fetch_all(pool)
    .await
}

/// One revision's states, as the audit log's JSON: `None` before a create, after a delete.
#[derive(Debug)]
pub struct RevisionStates {
    pub before: Option<String>,
    pub after: Option<String>,
}

impl RevisionStates {
    /// What restoring the revision brings back: the state after it, or for a deletion the
    /// state it took away.
    pub fn restored(self) -> Option<String> {
        self.after.or(self.before)
    }
}

/// The states of revision `revision_id` of the entry `slug` of `entity`; `None` when the
/// entry has no such revision.
pub async fn revision_states(
    conn: &mut SqliteConnection,
    entity: &str,
    slug: &str,
    revision_id: i64,
) -> Result<Option<RevisionStates>, sqlx::Error> {
    sqlx::query_as!(
        RevisionStates,
        "SELECT before, after FROM audit_log WHERE id = ?1 AND entity = ?2 AND entity_slug = ?3",
        revision_id,
        entity,
        slug
    )
    .fetch_optional(conn)
    .await
}

/// What restoring revision `revision_id` of the entry `slug` of `entity` would bring back
/// (see [`RevisionStates::restored`]).
pub async fn restored_state(
    pool: &SqlitePool,
    entity: &str,
    slug: &str,
    revision_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let states = revision_states(&mut conn, entity, slug, revision_id).await?;
    Ok(states.and_then(RevisionStates::restored))
}

/// Brings back the framework as it was after revision `revision_id` (or, for a deletion, as
/// it was before it), as a new revision. Works for deleted frameworks too.
pub async fn restore(
    pool: &SqlitePool,
    slug: &str,
    revision_id: i64,
    author: &Author,
) -> Result<Saved, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let revision = revision_states(&mut tx, FRAMEWORK, slug, revision_id).await?;
    let Some(state) = revision.and_then(RevisionStates::restored) else {
        return Ok(Saved::Gone);
    };
    let Ok(mut record) = serde_json::from_str::<FrameworkRecord>(&state) else {
        return Ok(Saved::Gone);
    };
    record.upgrade();
    let before = stored_of(&mut tx, slug).await?.map(|stored| stored.record);
    record.date_changed_ratings(before.as_ref(), &crate::domain::today());
    upsert_framework(&mut tx, &record, Some(author.user_id), before.as_ref()).await?;
    stamp(&mut tx, &record.slug, author).await?;
    let entry = (FRAMEWORK, slug);
    record_revision(
        &mut tx,
        author,
        entry,
        "revert",
        before.as_ref(),
        Some(&record),
    )
    .await?;
    tx.commit().await?;
    Ok(Saved::Done)
}
