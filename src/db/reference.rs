//! Reference questions (migration 0007): the knowledge tests editors keep. Saving, deleting
//! and restoring them checks the version the editor started from and records an audit
//! revision (entity `reference_question`) in the same transaction, as every entry does.

use sqlx::{SqliteConnection, SqlitePool};

use crate::db::editing::{Author, Outcome, Revision, Stored, record_revision};
use crate::db::knowledge::{AuditEntry, append_audit};

/// The audit log's name for reference questions.
pub const REFERENCE_QUESTION: &str = "reference_question";

/// A reference question as stored and as its audit revisions record it. `expectation` is
/// one of `in-top` (with `top_n`), `above` (with `other`), `excluded`, `top-pick`; the
/// schema holds the pairs together, and `reference::Expectation::of` reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Question {
    pub slug: String,
    pub name: String,
    /// The canonical query string, as `Params::to_query_string` writes it.
    pub query: String,
    pub expectation: String,
    pub framework: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_n: Option<i64>,
    #[serde(default)]
    pub rationale: String,
    #[serde(default)]
    pub source: String,
    /// Brought by the seed: `stackatlas check` fails when such a question fails.
    #[serde(default)]
    pub seeded: bool,
}

/// Every reference question, by name.
pub async fn all(pool: &SqlitePool) -> Result<Vec<Question>, sqlx::Error> {
    sqlx::query_as!(
        Question,
        r#"SELECT slug, name, query, expectation, framework, other, top_n, rationale, source,
                  seeded AS "seeded: bool"
           FROM reference_questions ORDER BY name COLLATE NOCASE, slug"#
    )
    .fetch_all(pool)
    .await
}

async fn load_in(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<Stored<Question>>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT slug, name, query, expectation, framework, other, top_n, rationale, source,
                  seeded AS "seeded: bool", version
           FROM reference_questions WHERE slug = ?1"#,
        slug
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| Stored {
        record: Question {
            slug: r.slug,
            name: r.name,
            query: r.query,
            expectation: r.expectation,
            framework: r.framework,
            other: r.other,
            top_n: r.top_n,
            rationale: r.rationale,
            source: r.source,
            seeded: r.seeded,
        },
        version: r.version,
    }))
}

/// The question with its version, or `None`.
pub async fn load(pool: &SqlitePool, slug: &str) -> Result<Option<Stored<Question>>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    load_in(&mut conn, slug).await
}

/// The question as stored, when it is still at `expected_version`; otherwise the answer.
async fn current_at(
    conn: &mut SqliteConnection,
    slug: &str,
    expected_version: i64,
) -> Result<Result<Question, Outcome<Question>>, sqlx::Error> {
    match load_in(conn, slug).await? {
        None => Ok(Err(Outcome::Gone)),
        Some(stored) if stored.version != expected_version => {
            Ok(Err(Outcome::Conflict(Box::new(stored))))
        }
        Some(stored) => Ok(Ok(stored.record)),
    }
}

async fn slug_taken(conn: &mut SqliteConnection, slug: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query_scalar!("SELECT id FROM reference_questions WHERE slug = ?1", slug)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

/// Writes `q` as the row `slug` (inserting it when there is none), by `user_id`.
async fn write(
    conn: &mut SqliteConnection,
    slug: &str,
    q: &Question,
    user_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO reference_questions
             (slug, name, query, expectation, framework, other, top_n, rationale, source, seeded,
              updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (slug) DO UPDATE SET
             name = excluded.name, query = excluded.query, expectation = excluded.expectation,
             framework = excluded.framework, other = excluded.other, top_n = excluded.top_n,
             rationale = excluded.rationale, source = excluded.source, seeded = excluded.seeded,
             updated_by = excluded.updated_by, version = version + 1,
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        slug,
        q.name,
        q.query,
        q.expectation,
        q.framework,
        q.other,
        q.top_n,
        q.rationale,
        q.source,
        q.seeded,
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Saves `question` over the one at `original` (or creates it when `original` is `None`),
/// provided it is still at `expected_version`. A question keeps whether the seed brought it:
/// an editor's rewording does not make the seed's test an editor's.
pub async fn save(
    pool: &SqlitePool,
    original: Option<&str>,
    expected_version: i64,
    question: &Question,
    author: &Author,
) -> Result<Outcome<Question>, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let before = match original {
        Some(slug) => match current_at(&mut tx, slug, expected_version).await? {
            Ok(current) => Some(current),
            Err(answer) => return Ok(answer),
        },
        None => None,
    };
    let renamed = original.is_some_and(|slug| slug != question.slug);
    if (original.is_none() || renamed) && slug_taken(&mut tx, &question.slug).await? {
        return Ok(Outcome::SlugTaken);
    }
    let mut question = question.clone();
    question.seeded = before.as_ref().is_some_and(|b| b.seeded);
    if let (Some(old), true) = (original, renamed) {
        sqlx::query!(
            "UPDATE reference_questions SET slug = ?2 WHERE slug = ?1",
            old,
            question.slug
        )
        .execute(&mut *tx)
        .await?;
    }
    write(&mut tx, &question.slug, &question, Some(author.user_id)).await?;
    let action = if before.is_some() { "update" } else { "create" };
    let entry = (REFERENCE_QUESTION, question.slug.as_str());
    record_revision(
        &mut tx,
        author,
        entry,
        action,
        before.as_ref(),
        Some(&question),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Done)
}

/// Deletes the question if it is still at `expected_version`.
pub async fn delete(
    pool: &SqlitePool,
    slug: &str,
    expected_version: i64,
    author: &Author,
) -> Result<Outcome<Question>, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let current = match current_at(&mut tx, slug, expected_version).await? {
        Ok(current) => current,
        Err(answer) => return Ok(answer),
    };
    sqlx::query!("DELETE FROM reference_questions WHERE slug = ?1", slug)
        .execute(&mut *tx)
        .await?;
    let entry = (REFERENCE_QUESTION, slug);
    record_revision(&mut tx, author, entry, "delete", Some(&current), None).await?;
    tx.commit().await?;
    Ok(Outcome::Done)
}

/// Every revision of the question `slug`, oldest first.
pub async fn history(
    pool: &SqlitePool,
    slug: &str,
    (before, limit): (Option<i64>, i64),
) -> Result<Vec<Revision>, sqlx::Error> {
    crate::db::editing::history_page(pool, REFERENCE_QUESTION, slug, before, limit).await
}

/// Brings back the question as it was after revision `revision_id` (or, for a delete, as it
/// was before it), as a new revision; works for deleted questions too.
pub async fn restore(
    pool: &SqlitePool,
    slug: &str,
    revision_id: i64,
    author: &Author,
) -> Result<Outcome<Question>, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let revision =
        crate::db::editing::revision_states(&mut tx, REFERENCE_QUESTION, slug, revision_id).await?;
    let Some(state) = revision.and_then(crate::db::editing::RevisionStates::restored) else {
        return Ok(Outcome::Gone);
    };
    let Ok(mut question) = serde_json::from_str::<Question>(&state) else {
        return Ok(Outcome::Gone);
    };
    // The history is the entry's at this address: what comes back lives here again.
    question.slug = slug.to_owned();
    let before = load_in(&mut tx, slug).await?.map(|s| s.record);
    write(&mut tx, slug, &question, Some(author.user_id)).await?;
    let entry = (REFERENCE_QUESTION, slug);
    record_revision(
        &mut tx,
        author,
        entry,
        "revert",
        before.as_ref(),
        Some(&question),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Done)
}

/// Whether any reference question was ever saved: one exists, or the audit log names one.
pub async fn ever_saved(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    ever_saved_in(&mut conn).await
}

async fn ever_saved_in(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT (EXISTS (SELECT 1 FROM reference_questions)
                   OR EXISTS (SELECT 1 FROM audit_log WHERE entity = 'reference_question'))
           AS "ever!: bool""#
    )
    .fetch_one(conn)
    .await
}

/// Stores `questions` as the seed's (`seeded`), each with a `create` revision by `actor`
/// noting `note`, when no reference question was ever saved: the table is empty and the
/// audit log names none. Questions editors deleted are not brought back by the next start.
/// Returns how many were stored.
pub async fn seed(
    pool: &SqlitePool,
    questions: &[Question],
    actor: &str,
    note: &str,
) -> Result<usize, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    // Asked again under the write lock: two processes starting at once store them once.
    if ever_saved_in(&mut tx).await? {
        return Ok(0);
    }
    for question in questions {
        let question = Question {
            seeded: true,
            ..question.clone()
        };
        write(&mut tx, &question.slug, &question, None).await?;
        let after = serde_json::to_string(&question).expect("a question serialises");
        let entry = AuditEntry {
            actor,
            entity: REFERENCE_QUESTION,
            entity_slug: &question.slug,
            action: "create",
            after: Some(&after),
            note,
            ..AuditEntry::default()
        };
        append_audit(&mut tx, &entry).await?;
    }
    tx.commit().await?;
    Ok(questions.len())
}
