//! Radar editions: dated snapshots of every framework's ring, published by an admin and never
//! changed afterwards (the schema's triggers refuse it). None of this is knowledge the ranking
//! reads, so publishing does not move the knowledge version.

use sqlx::SqlitePool;

use crate::db::knowledge::{AuditEntry, append_audit};
use crate::domain::{Kind, Ring};
use crate::radar::moves::Standing;

/// A published edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    pub id: i64,
    pub number: i64,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub published_on: String,
    pub note: String,
    /// The publishing admin's name; `None` once their account is gone.
    pub published_by: Option<String>,
}

/// What an admin publishes; the rings are taken from the knowledge base as it stands.
#[derive(Debug, Clone)]
pub struct NewEdition {
    pub title: String,
    pub note: String,
    /// `YYYY-MM-DD`, already checked.
    pub published_on: String,
}

/// Every edition, newest first.
pub async fn list(pool: &SqlitePool) -> Result<Vec<Edition>, sqlx::Error> {
    sqlx::query_as!(
        Edition,
        r#"SELECT e.id, e.number, e.title, e.published_on, e.note, u.name AS "published_by?"
           FROM radar_editions e LEFT JOIN users u ON u.id = e.published_by
           ORDER BY e.number DESC"#
    )
    .fetch_all(pool)
    .await
}

/// Every framework's place in edition `edition_id`, by the name it had then. A framework still
/// in the knowledge base is given its slug of today, so links to it work after a rename. Its
/// quadrant is not part of the snapshot (the schema keeps rings only): it is the framework's
/// kind today, or for one deleted since, the kind its last audit revision recorded.
pub async fn standings(pool: &SqlitePool, edition_id: i64) -> Result<Vec<Standing>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.framework_id AS "framework_id?", COALESCE(f.slug, r.framework_slug) AS "slug!: String",
                  r.framework_name AS "framework_name!", r.ring AS "ring!: Ring",
                  COALESCE(f.kind,
                           (SELECT json_extract(COALESCE(a.after, a.before), '$.kind')
                            FROM audit_log a
                            WHERE a.entity = 'framework' AND a.entity_slug = r.framework_slug
                            ORDER BY a.id DESC LIMIT 1)) AS "kind?: String"
           FROM radar_edition_rings r LEFT JOIN frameworks f ON f.id = r.framework_id
           WHERE r.edition_id = ?1
           ORDER BY r.framework_name COLLATE NOCASE"#,
        edition_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Standing {
            framework_id: r.framework_id,
            slug: r.slug,
            name: r.framework_name,
            ring: r.ring,
            kind: r.kind.and_then(|k| Kind::parse(&k).ok()),
        })
        .collect())
}

/// Every framework's place now, as an edition published this moment would record it.
pub async fn live(pool: &SqlitePool) -> Result<Vec<Standing>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, slug, name, ring AS "ring: Ring", kind AS "kind: Kind"
           FROM frameworks ORDER BY name COLLATE NOCASE"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Standing {
            framework_id: Some(r.id),
            slug: r.slug,
            name: r.name,
            ring: r.ring,
            kind: Some(r.kind),
        })
        .collect())
}

/// The ring the framework now at `slug` had in each edition it appears in, oldest edition
/// first. It is followed by id, so editions from before a rename count.
pub async fn rings_of(pool: &SqlitePool, slug: &str) -> Result<Vec<(Edition, Ring)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT e.id, e.number, e.title, e.published_on, e.note, u.name AS "published_by?",
                  r.ring AS "ring!: Ring"
           FROM radar_edition_rings r
           JOIN radar_editions e ON e.id = r.edition_id
           LEFT JOIN users u ON u.id = e.published_by
           WHERE r.framework_id = (SELECT id FROM frameworks WHERE slug = ?1)
           ORDER BY e.number"#,
        slug
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let edition = Edition {
                id: r.id,
                number: r.number,
                title: r.title,
                published_on: r.published_on,
                note: r.note,
                published_by: r.published_by,
            };
            (edition, r.ring)
        })
        .collect())
}

/// Publishes the next edition: every framework's current ring, the edition and its audit entry
/// in one transaction, so an edition is never half-recorded nor recorded without its entry.
/// Returns the new edition's number.
pub async fn publish(
    pool: &SqlitePool,
    edition: &NewEdition,
    user_id: i64,
    actor: &str,
) -> Result<i64, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    // Numbered under the write lock, so two admins publishing at once get N+1 and N+2.
    let number = sqlx::query_scalar!(
        r#"SELECT COALESCE(MAX(number), 0) + 1 AS "number!: i64" FROM radar_editions"#
    )
    .fetch_one(&mut *tx)
    .await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO radar_editions (number, title, published_on, note, published_by)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        number,
        edition.title,
        edition.published_on,
        edition.note,
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO radar_edition_rings (edition_id, framework_id, framework_slug, framework_name, ring)
         SELECT ?1, id, slug, name, ring FROM frameworks",
        id
    )
    .execute(&mut *tx)
    .await?;
    let rings = sqlx::query!(
        r#"SELECT framework_slug AS "framework_slug!", ring AS "ring!" FROM radar_edition_rings
           WHERE edition_id = ?1 ORDER BY framework_slug"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let after = serde_json::json!({
        "number": number,
        "title": edition.title,
        "published_on": edition.published_on,
        "note": edition.note,
        "rings": rings
            .into_iter()
            .map(|r| (r.framework_slug, serde_json::Value::String(r.ring)))
            .collect::<serde_json::Map<_, _>>(),
    })
    .to_string();
    append_audit(
        &mut tx,
        &AuditEntry {
            user_id: Some(user_id),
            actor,
            entity: "radar_edition",
            entity_slug: &number.to_string(),
            action: "publish",
            before: None,
            after: Some(&after),
            note: "",
            approval: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(number)
}
