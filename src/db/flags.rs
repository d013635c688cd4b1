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

/// How many flags are resolved (counted in the index of resolved flags), of one framework
/// when `framework` is given. The open ones are counted by [`open_tally`].
pub async fn resolved_count(
    pool: &SqlitePool,
    framework: Option<&str>,
) -> Result<i64, sqlx::Error> {
    match framework {
        // Every resolved flag: the partial index alone, no framework looked up for each
        // (18,000 of them after years: 15 ms with the lookups).
        None => {
            sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM flags WHERE status <> 'open'"#)
                .fetch_one(pool)
                .await
        }
        Some(framework) => {
            sqlx::query_scalar!(
                r#"SELECT COUNT(*) AS "n!: i64" FROM flags fl
                   LEFT JOIN frameworks f ON f.id = fl.framework_id
                   WHERE fl.status <> 'open' AND COALESCE(f.slug, fl.framework_slug) = ?1"#,
                framework
            )
            .fetch_one(pool)
            .await
        }
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

/// Every open flag counted: by subject, as the desk weighs ratings, and by framework, as the
/// editors' lists show them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenTally {
    /// (framework slug now, subject kind, subject) → how many; a subject without open flags
    /// is absent.
    pub by_subject: HashMap<(String, String, String), i64>,
    /// The frameworks with open flags, most flagged first, then by name.
    pub per_framework: Vec<OpenCount>,
}

impl OpenTally {
    /// How many flags are open in all.
    pub fn total(&self) -> i64 {
        self.per_framework.iter().map(|c| c.open).sum()
    }

    /// How many flags are open on the framework `slug`.
    pub fn on(&self, slug: &str) -> i64 {
        self.per_framework
            .iter()
            .find(|c| c.slug == slug)
            .map_or(0, |c| c.open)
    }

    /// The tally of the open flags counted per (framework slug, framework name, subject
    /// kind, subject), in any order and with a key perhaps repeated (a renamed framework's
    /// flags are counted under the slug they were raised on, then named as it is now).
    fn of(counted: impl IntoIterator<Item = (String, String, String, String, i64)>) -> Self {
        let mut by_subject: HashMap<(String, String, String), i64> = HashMap::new();
        let mut per_framework: HashMap<(String, String), i64> = HashMap::new();
        for (slug, name, kind, subject, open) in counted {
            *per_framework.entry((slug.clone(), name)).or_default() += open;
            *by_subject.entry((slug, kind, subject)).or_default() += open;
        }
        let mut per_framework: Vec<OpenCount> = per_framework
            .into_iter()
            .map(|((slug, name), open)| OpenCount { slug, name, open })
            .collect();
        per_framework.sort_by(|a, b| (b.open, &a.name, &a.slug).cmp(&(a.open, &b.name, &b.slug)));
        Self {
            by_subject,
            per_framework,
        }
    }
}

/// Every open flag, counted. The flags are counted in the open subjects' covering index
/// (migration 0011) before any framework is looked up, so years of resolved flags are never
/// read and each counted subject costs one lookup, not each flag.
pub async fn open_tally(pool: &SqlitePool) -> Result<OpenTally, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT COALESCE(f.slug, o.framework_slug) AS "slug!: String",
                  COALESCE(f.name, o.framework_slug) AS "name!: String",
                  o.subject_kind AS "subject_kind!: String", o.subject AS "subject!: String",
                  o.open AS "open!: i64"
           FROM (SELECT framework_id, framework_slug, subject_kind, subject, COUNT(*) AS open
                 FROM flags WHERE status = 'open'
                 GROUP BY framework_id, framework_slug, subject_kind, subject) o
           LEFT JOIN frameworks f ON f.id = o.framework_id"#
    )
    .fetch_all(pool)
    .await?;
    Ok(OpenTally::of(rows.into_iter().map(|r| {
        (r.slug, r.name, r.subject_kind, r.subject, r.open)
    })))
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
) -> Result<Vec<FixingRevision>, sqlx::Error> {
    let mut by_slug = fixing_revisions_of(pool, &[slug], limit).await?;
    Ok(by_slug.remove(slug).unwrap_or_default())
}

/// A framework revision as a resolve form offers it: what the form names it by, all read
/// from the audit log's index (migration 0014) without the two states the revision holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixingRevision {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub note: String,
}

/// [`fixing_revisions`] of each framework in `slugs` at once, by slug: the flags queue
/// lists a page of flags on many frameworks, and one statement costs less than one per
/// framework. Each framework's revisions are found from its `limit`-th newest on, through
/// the entries' index, so none reads more than its own `limit` (CROSS JOIN keeps the list
/// of slugs the outer loop: joined plainly, SQLite's planner read every framework revision
/// of the grown database's million audit entries instead, 1.3 s).
pub async fn fixing_revisions_of(
    pool: &SqlitePool,
    slugs: &[&str],
    limit: i64,
) -> Result<HashMap<String, Vec<FixingRevision>>, sqlx::Error> {
    // Each framework once: its revisions are listed once.
    let distinct: std::collections::BTreeSet<&str> = slugs.iter().copied().collect();
    let slugs = serde_json::Value::from(distinct.into_iter().collect::<Vec<_>>()).to_string();
    let rows = sqlx::query!(
        r#"SELECT a.entity_slug AS "slug!: String", a.id AS "id!", a.at AS "at!",
                  a.actor AS "actor!", a.action AS "action!", a.note AS "note!"
           FROM json_each(?2) AS s
           CROSS JOIN audit_log a ON a.entity = ?1 AND a.entity_slug = s.value
            AND a.id >= COALESCE(
                (SELECT id FROM audit_log
                 WHERE entity = ?1 AND entity_slug = s.value
                 ORDER BY id DESC LIMIT 1 OFFSET ?3 - 1), 0)
           ORDER BY a.entity_slug, a.id DESC"#,
        FRAMEWORK,
        slugs,
        limit
    )
    .fetch_all(pool)
    .await?;
    let mut by_slug: HashMap<String, Vec<FixingRevision>> = HashMap::new();
    for r in rows {
        by_slug.entry(r.slug).or_default().push(FixingRevision {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            note: r.note,
        });
    }
    Ok(by_slug)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(
        slug: &str,
        name: &str,
        kind: &str,
        subject: &str,
        open: i64,
    ) -> (String, String, String, String, i64) {
        (slug.into(), name.into(), kind.into(), subject.into(), open)
    }

    #[test]
    fn a_tally_sums_each_subject_and_each_framework_and_lists_the_most_flagged_first() {
        let tally = OpenTally::of([
            counted("flask", "Flask", "requirement", "security", 1),
            counted("django", "Django", "requirement", "security", 2),
            // Raised on Django's old slug, counted under it, named as Django is now.
            counted("django", "Django", "requirement", "security", 1),
            counted("django", "Django", "industry", "healthcare", 1),
            counted("express", "Express", "fact", "license", 1),
        ]);
        let key =
            |slug: &str, kind: &str, subject: &str| (slug.into(), kind.into(), subject.into());
        assert_eq!(
            tally.by_subject[&key("django", "requirement", "security")],
            3
        );
        assert_eq!(
            tally.by_subject[&key("django", "industry", "healthcare")],
            1
        );
        assert_eq!(tally.by_subject.len(), 4);
        let listed: Vec<(&str, i64)> = tally
            .per_framework
            .iter()
            .map(|c| (c.name.as_str(), c.open))
            .collect();
        assert_eq!(listed, [("Django", 4), ("Express", 1), ("Flask", 1)]);
        assert_eq!(tally.total(), 6);
        assert_eq!(tally.on("django"), 4);
        assert_eq!(tally.on("laravel"), 0);
    }

    #[test]
    fn nothing_open_tallies_nothing() {
        let tally = OpenTally::of([]);
        assert!(tally.by_subject.is_empty() && tally.per_framework.is_empty());
        assert_eq!(tally.total(), 0);
    }
}
