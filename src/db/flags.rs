//! Flags from sales (migration 0007): a signed-in user says a rating, a fit or a fact of a
//! framework is wrong, out of date or missing its source; an editor resolves it by naming the
//! revision that fixed it or by answering why it stands. Every write records its audit
//! revision (entity `flag`) in the same transaction.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::SqlitePool;

use crate::db::editing::{Author, FRAMEWORK, record_revision};
use crate::domain::{FlagReason, FlagStatus, FlagSubjectKind};

/// The audit log's name for flags.
pub const FLAG: &str = "flag";

/// A flag as read back, with the framework as it is called now (when it still exists) and
/// the people named.
#[derive(Debug, Clone)]
pub struct Flag {
    pub id: i64,
    /// The framework's slug now, or as flagged when it was deleted since.
    pub framework_slug: String,
    /// The framework's name now, or its slug as flagged when it was deleted since.
    pub framework_name: String,
    /// Whether the framework is still in the knowledge base.
    pub framework_exists: bool,
    pub subject_kind: FlagSubjectKind,
    pub subject: String,
    pub reason: FlagReason,
    pub comment: String,
    pub flagged_by: i64,
    pub flagger: String,
    pub created_at: String,
    pub status: FlagStatus,
    pub answer: String,
    /// The audit revision that fixed it, for `fixed`.
    pub fixed_by: Option<i64>,
    pub resolver: Option<String>,
    pub resolved_at: Option<String>,
    pub version: i64,
}

/// What a user flags, checked against the knowledge base by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFlag {
    pub framework_id: i64,
    pub framework_slug: String,
    pub subject_kind: FlagSubjectKind,
    pub subject: String,
    pub reason: FlagReason,
    pub comment: String,
}

/// How an editor resolves a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Fixed by this audit revision of the framework; the answer may add a word.
    Fixed { revision: i64, answer: String },
    /// It stays as it is, for this reason.
    Stands { answer: String },
}

impl Resolution {
    fn status(&self) -> FlagStatus {
        match self {
            Resolution::Fixed { .. } => FlagStatus::Fixed,
            Resolution::Stands { .. } => FlagStatus::Stands,
        }
    }

    fn answer(&self) -> &str {
        match self {
            Resolution::Fixed { answer, .. } | Resolution::Stands { answer } => answer,
        }
    }

    fn revision(&self) -> Option<i64> {
        match self {
            Resolution::Fixed { revision, .. } => Some(*revision),
            Resolution::Stands { .. } => None,
        }
    }
}

/// What the audit log keeps of a flag, before and after a change.
#[derive(Debug, Serialize)]
struct AuditState<'a> {
    framework: &'a str,
    subject_kind: &'a str,
    subject: &'a str,
    reason: &'a str,
    comment: &'a str,
    status: &'a str,
    answer: &'a str,
    fixed_by: Option<i64>,
}

impl<'a> AuditState<'a> {
    fn of(flag: &'a Flag) -> Self {
        Self {
            framework: &flag.framework_slug,
            subject_kind: flag.subject_kind.as_str(),
            subject: &flag.subject,
            reason: flag.reason.as_str(),
            comment: &flag.comment,
            status: flag.status.as_str(),
            answer: &flag.answer,
            fixed_by: flag.fixed_by,
        }
    }
}

/// The id of the framework at `slug`, which a flag keeps so that it follows a rename.
pub async fn framework_id(pool: &SqlitePool, slug: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM frameworks WHERE slug = ?1", slug)
        .fetch_optional(pool)
        .await
}

/// Records `flag` for `author`, audited; gives its id.
pub async fn create(
    pool: &SqlitePool,
    flag: &NewFlag,
    author: &Author,
) -> Result<i64, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO flags (framework_id, framework_slug, subject_kind, subject, reason, comment, flagged_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id AS \"id!: i64\"",
        flag.framework_id,
        flag.framework_slug,
        flag.subject_kind,
        flag.subject,
        flag.reason,
        flag.comment,
        author.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let after = AuditState {
        framework: &flag.framework_slug,
        subject_kind: flag.subject_kind.as_str(),
        subject: &flag.subject,
        reason: flag.reason.as_str(),
        comment: &flag.comment,
        status: FlagStatus::Open.as_str(),
        answer: "",
        fixed_by: None,
    };
    let slug = id.to_string();
    record_revision(&mut tx, author, (FLAG, &slug), "create", None, Some(&after)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Declares a query for flags with every column [`Flag`] reads, filtered by `$where` (with
/// `?1`, `?2`… bound to the arguments given) and ordered by `$order`. A macro because sqlx
/// checks each query as one literal.
macro_rules! select_flags {
    ($where:literal, $order:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Flag,
            r#"SELECT fl.id, COALESCE(f.slug, fl.framework_slug) AS "framework_slug!: String",
                      COALESCE(f.name, fl.framework_slug) AS "framework_name!: String",
                      f.id IS NOT NULL AS "framework_exists!: bool",
                      fl.subject_kind AS "subject_kind: FlagSubjectKind", fl.subject,
                      fl.reason AS "reason: FlagReason", fl.comment, fl.flagged_by,
                      flagger.name AS flagger, fl.created_at,
                      fl.status AS "status: FlagStatus", fl.answer, fl.fixed_by,
                      resolver.name AS "resolver?: String", fl.resolved_at, fl.version
               FROM flags fl
               JOIN users flagger ON flagger.id = fl.flagged_by
               LEFT JOIN users resolver ON resolver.id = fl.resolved_by
               LEFT JOIN frameworks f ON f.id = fl.framework_id
               WHERE "# + $where + " ORDER BY " + $order,
            $($arg),*
        )
    };
}

/// The flag `id`, if there is one.
pub async fn find(pool: &SqlitePool, id: i64) -> Result<Option<Flag>, sqlx::Error> {
    select_flags!("fl.id = ?1", "fl.id", id)
        .fetch_optional(pool)
        .await
}

/// Every flag `user_id` raised, newest first.
pub async fn mine(pool: &SqlitePool, user_id: i64) -> Result<Vec<Flag>, sqlx::Error> {
    select_flags!("fl.flagged_by = ?1", "fl.id DESC", user_id)
        .fetch_all(pool)
        .await
}

/// One page of the queue: the open flags, oldest first, or the resolved ones, latest
/// resolved first; of one framework (by its slug now) when `framework` is given; `limit`
/// of them from `offset`. Each order walks its index (`flags_open`, `flags_resolved`), so
/// a page reads its rows, not every flag ever raised.
pub async fn queue(
    pool: &SqlitePool,
    resolved: bool,
    framework: Option<&str>,
    (limit, offset): (i64, i64),
) -> Result<Vec<Flag>, sqlx::Error> {
    if resolved {
        select_flags!(
            "fl.status <> 'open' AND (?1 IS NULL OR COALESCE(f.slug, fl.framework_slug) = ?1)",
            "fl.resolved_at DESC, fl.id DESC LIMIT ?2 OFFSET ?3",
            framework,
            limit,
            offset
        )
        .fetch_all(pool)
        .await
    } else {
        select_flags!(
            "fl.status = 'open' AND (?1 IS NULL OR COALESCE(f.slug, fl.framework_slug) = ?1)",
            "fl.created_at, fl.id LIMIT ?2 OFFSET ?3",
            framework,
            limit,
            offset
        )
        .fetch_all(pool)
        .await
    }
}

/// How many flags the queue holds: the open ones, or the resolved ones (counted in the
/// index of resolved flags), of one framework when `framework` is given.
pub async fn queue_count(
    pool: &SqlitePool,
    resolved: bool,
    framework: Option<&str>,
) -> Result<i64, sqlx::Error> {
    if resolved {
        sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM flags fl
               LEFT JOIN frameworks f ON f.id = fl.framework_id
               WHERE fl.status <> 'open'
                 AND (?1 IS NULL OR COALESCE(f.slug, fl.framework_slug) = ?1)"#,
            framework
        )
        .fetch_one(pool)
        .await
    } else {
        sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM flags fl
               LEFT JOIN frameworks f ON f.id = fl.framework_id
               WHERE fl.status = 'open'
                 AND (?1 IS NULL OR COALESCE(f.slug, fl.framework_slug) = ?1)"#,
            framework
        )
        .fetch_one(pool)
        .await
    }
}

/// A framework with open flags: its slug and name now (as flagged when deleted since) and
/// how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCount {
    pub slug: String,
    pub name: String,
    pub open: i64,
}

/// The frameworks with open flags, most flagged first, then by name.
pub async fn open_per_framework(pool: &SqlitePool) -> Result<Vec<OpenCount>, sqlx::Error> {
    sqlx::query_as!(
        OpenCount,
        r#"SELECT COALESCE(f.slug, fl.framework_slug) AS "slug!: String",
                  COALESCE(f.name, fl.framework_slug) AS "name!: String",
                  COUNT(*) AS "open!: i64"
           FROM flags fl LEFT JOIN frameworks f ON f.id = fl.framework_id
           WHERE fl.status = 'open'
           GROUP BY 1, 2 ORDER BY 3 DESC, 2"#
    )
    .fetch_all(pool)
    .await
}

/// The open flags on each subject: (framework slug now, subject kind, subject) → how many.
/// A subject without open flags is absent.
pub async fn open_counts(
    pool: &SqlitePool,
) -> Result<HashMap<(String, String, String), i64>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT COALESCE(f.slug, fl.framework_slug) AS "framework!: String",
                  fl.subject_kind, fl.subject, COUNT(*) AS "open!: i64"
           FROM flags fl LEFT JOIN frameworks f ON f.id = fl.framework_id
           WHERE fl.status = 'open'
           GROUP BY 1, 2, 3"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ((r.framework, r.subject_kind, r.subject), r.open))
        .collect())
}

/// The framework's revisions an editor may name as a flag's fix, newest first, at most
/// `limit`: those its history page shows (a rename records its revisions under the new slug).
/// Their states are left out (`before` and `after` are `None`): the queue offers each
/// revision by its number, author, time and note, and twelve states per flag listed were
/// most of the queue's time.
pub async fn fixing_revisions(
    pool: &SqlitePool,
    slug: &str,
    limit: i64,
) -> Result<Vec<crate::db::editing::Revision>, sqlx::Error> {
    sqlx::query_as!(
        crate::db::editing::Revision,
        r#"SELECT id, at, actor, action, NULL AS "before?: String", NULL AS "after?: String",
                  note, approver, change_request
           FROM audit_log
           WHERE entity = ?1 AND entity_slug = ?2 ORDER BY id DESC LIMIT ?3"#,
        FRAMEWORK,
        slug,
        limit
    )
    .fetch_all(pool)
    .await
}

/// What came of a resolution.
#[derive(Debug)]
pub enum Resolved {
    Done,
    /// Someone changed the flag since the form was loaded: it as it is now.
    Conflict(Box<Flag>),
    Gone,
}

/// Resolves the open flag `id`, provided it is still at `expected_version`, audited as
/// `resolve`. A flag already resolved is a conflict whatever the version: an answer the
/// flagger may have read is not rewritten.
pub async fn resolve(
    pool: &SqlitePool,
    id: i64,
    expected_version: i64,
    resolution: &Resolution,
    author: &Author,
) -> Result<Resolved, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let Some(before) = select_flags!("fl.id = ?1", "fl.id", id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(Resolved::Gone);
    };
    if before.version != expected_version || before.status != FlagStatus::Open {
        return Ok(Resolved::Conflict(Box::new(before)));
    }
    let (status, answer, revision) = (
        resolution.status(),
        resolution.answer(),
        resolution.revision(),
    );
    sqlx::query!(
        "UPDATE flags SET status = ?1, answer = ?2, fixed_by = ?3, resolved_by = ?4,
                resolved_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), version = version + 1
         WHERE id = ?5",
        status,
        answer,
        revision,
        author.user_id,
        id
    )
    .execute(&mut *tx)
    .await?;
    let after = Flag {
        status,
        answer: answer.to_owned(),
        fixed_by: revision,
        ..before.clone()
    };
    let slug = id.to_string();
    record_revision(
        &mut tx,
        author,
        (FLAG, &slug),
        "resolve",
        Some(&AuditState::of(&before)),
        Some(&AuditState::of(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(Resolved::Done)
}
