//! Bulk reads and writes of the whole knowledge base in the export format, used by
//! `export`, `import` and the seed.

use sqlx::{SqliteConnection, SqlitePool};

use crate::domain::TextList;
use crate::knowledge::document::{
    Document, FrameworkRecord, IndustryRecord, Phrases, RequirementRecord, TermRecord,
    UseCaseRecord,
};

/// Deletes a framework's links in one link table to the targets whose slugs the JSON array
/// `$json` does not hold; `$slug` is how a slug is read from an element `j.value`.
macro_rules! delete_links_not_in {
    ($conn:ident, $framework_id:ident, $json:ident, $link_table:literal, $target_column:literal, $target_table:literal, $slug:literal) => {
        sqlx::query!(
            "DELETE FROM "
                + $link_table
                + " WHERE framework_id = ?1 AND "
                + $target_column
                + " NOT IN (SELECT x.id FROM json_each(?2) j JOIN "
                + $target_table
                + " x ON x.slug = "
                + $slug
                + ")",
            $framework_id,
            $json
        )
        .execute(&mut *$conn)
        .await?;
    };
}

/// Replaces a framework's links in one set-like link table with links to `slugs`.
macro_rules! replace_set_links {
    ($conn:ident, $framework_id:ident, $slugs:expr, $link_table:literal, $target_column:literal, $target_table:literal) => {
        let slugs = serde_json::to_string($slugs).expect("slugs serialise");
        delete_links_not_in!(
            $conn,
            $framework_id,
            slugs,
            $link_table,
            $target_column,
            $target_table,
            "j.value"
        );
        sqlx::query!(
            "INSERT INTO "
                + $link_table
                + " (framework_id, "
                + $target_column
                + ")
             SELECT ?1, x.id FROM json_each(?2) j JOIN "
                + $target_table
                + " x ON x.slug = j.value
             WHERE true ON CONFLICT DO NOTHING",
            $framework_id,
            slugs
        )
        .execute(&mut *$conn)
        .await?;
    };
}

/// Replaces one table of rated links of a framework (strengths, fits) with the records given:
/// one statement deletes the links no longer given, one adds the new and updates the changed.
/// The tables differ only in their table, column and field names; `$slug` reads the target's
/// slug from a record `j.value`.
macro_rules! replace_rated_links {
    ($conn:ident, $framework_id:ident, $reviewer:ident, $records:expr, $link_table:literal, $target_column:literal, $target_table:literal, $slug:literal, $rating:literal) => {
        let records = serde_json::to_string($records).expect("links serialise");
        delete_links_not_in!(
            $conn,
            $framework_id,
            records,
            $link_table,
            $target_column,
            $target_table,
            $slug
        );
        // A rating that changes records who changed it (`?3`, NULL for imports).
        sqlx::query!(
            "INSERT INTO "
                + $link_table
                + " (framework_id, "
                + $target_column
                + ", "
                + $rating
                + ", note, sources, reviewed, reviewed_by)
             SELECT ?1, x.id, j.value ->> '"
                + $rating
                + "', j.value ->> 'note', coalesce(j.value -> 'sources', '[]'),
                    j.value ->> 'reviewed', ?3
             FROM json_each(?2) j JOIN "
                + $target_table
                + " x ON x.slug = "
                + $slug
                + "
             WHERE true
             ON CONFLICT (framework_id, "
                + $target_column
                + ") DO UPDATE
             SET "
                + $rating
                + " = excluded."
                + $rating
                + ", note = excluded.note, sources = excluded.sources,
                 reviewed = excluded.reviewed, reviewed_by = excluded.reviewed_by
             WHERE "
                + $rating
                + " IS NOT excluded."
                + $rating
                + " OR note IS NOT excluded.note OR sources IS NOT excluded.sources
                OR reviewed IS NOT excluded.reviewed",
            $framework_id,
            records,
            $reviewer
        )
        .execute(&mut *$conn)
        .await?;
    };
}

/// The whole knowledge base as a document, sorted by slug.
pub async fn load_document(pool: &SqlitePool) -> Result<Document, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    load_document_in(&mut conn).await
}

/// Same as [`load_document`], on a given connection (inside a transaction, say).
pub async fn load_document_in(conn: &mut SqliteConnection) -> Result<Document, sqlx::Error> {
    let mut doc = vocabulary_in(conn).await?;
    doc.frameworks = versioned_frameworks_in(conn, EVERY_SLUG)
        .await?
        .into_iter()
        .map(|(_, record)| record)
        .collect();
    doc.sort();
    Ok(doc)
}

/// The vocabulary (languages, features, industries, use cases, requirements, trends) as a
/// document without frameworks: what an edit form offers and checks slugs against.
pub async fn load_vocabulary(pool: &SqlitePool) -> Result<Document, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    load_vocabulary_in(&mut conn).await
}

/// Same as [`load_vocabulary`], on a given connection.
pub async fn load_vocabulary_in(conn: &mut SqliteConnection) -> Result<Document, sqlx::Error> {
    let mut doc = vocabulary_in(conn).await?;
    doc.sort();
    Ok(doc)
}

/// One framework with all its links, as the export has it, and its version; `None` when
/// there is none.
pub async fn load_framework_in(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<(i64, FrameworkRecord)>, sqlx::Error> {
    Ok(versioned_frameworks_in(conn, (slug, slug))
        .await?
        .into_iter()
        .next())
}

/// Frameworks are read for a range of slugs: every framework, or exactly one. A range rather
/// than an optional filter keeps one query that SQLite still answers from the slug
/// index. Slugs are lowercase ASCII, so this range holds them all.
const EVERY_SLUG: (&str, &str) = ("", "\u{10FFFF}");

/// A language, feature or trend row as its record; each query's row is its own type.
fn term(slug: String, name: String, description: String, phrases: Phrases) -> TermRecord {
    TermRecord {
        slug,
        name,
        description,
        phrases,
    }
}

async fn vocabulary_in(conn: &mut SqliteConnection) -> Result<Document, sqlx::Error> {
    let languages = sqlx::query!(
        r#"SELECT slug, name, description, phrases AS "phrases: TextList" FROM languages ORDER BY slug"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| term(r.slug, r.name, r.description, r.phrases.0))
    .collect();
    // Features and trends carry no phrases.
    let features = sqlx::query!("SELECT slug, name, description FROM features ORDER BY slug")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| term(r.slug, r.name, r.description, Vec::new()))
        .collect();
    let industries = sqlx::query!(
        r#"SELECT slug, name, description, rubric AS "rubric: TextList",
                  phrases AS "phrases: TextList"
           FROM industries ORDER BY slug"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| IndustryRecord {
        slug: r.slug,
        name: r.name,
        description: r.description,
        rubric: r.rubric.0,
        phrases: r.phrases.0,
    })
    .collect();
    let trends = sqlx::query!("SELECT slug, name, description FROM trends ORDER BY slug")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| term(r.slug, r.name, r.description, Vec::new()))
        .collect();
    let use_cases = sqlx::query!(
        r#"SELECT u.slug, u.name, i.slug AS industry, u.description,
                  u.phrases AS "phrases: TextList"
         FROM use_cases u JOIN industries i ON i.id = u.industry_id
         ORDER BY u.slug"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| UseCaseRecord {
        slug: r.slug,
        name: r.name,
        industry: r.industry,
        description: r.description,
        phrases: r.phrases.0,
    })
    .collect();
    let requirements = sqlx::query!(
        r#"SELECT slug, name, req_group, description, rubric AS "rubric: TextList",
                  phrases AS "phrases: TextList"
           FROM requirements ORDER BY slug"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| RequirementRecord {
        slug: r.slug,
        name: r.name,
        group: r.req_group,
        description: r.description,
        rubric: r.rubric.0,
        phrases: r.phrases.0,
    })
    .collect();

    Ok(Document {
        languages,
        features,
        industries,
        use_cases,
        requirements,
        trends,
        ..Document::default()
    })
}

/// Each framework in `range` with its version, in slug order, in one statement: SQLite
/// assembles every framework's record with all its links, each list in slug order (sources in
/// the editor's), as the export's JSON. A save reads the framework it
/// replaces while holding the write lock, which every other editor's save waits for; one
/// statement instead of nine is one hand-over to SQLite's thread instead of nine.
async fn versioned_frameworks_in(
    conn: &mut SqliteConnection,
    range: (&str, &str),
) -> Result<Vec<(i64, FrameworkRecord)>, sqlx::Error> {
    // A scalar subquery's value loses its JSON subtype on the way out, so each is read back
    // with json() to be nested as JSON rather than as a string.
    let rows = sqlx::query!(
        r#"SELECT f.version, json_object(
               'slug', f.slug, 'name', f.name, 'language', l.slug,
               'languages', json((SELECT json_group_array(x.slug ORDER BY x.slug)
                   FROM framework_languages fl JOIN languages x ON x.id = fl.language_id
                   WHERE fl.framework_id = f.id)),
               'kind', f.kind, 'license', f.license, 'first_release', f.first_release,
               'website', f.website, 'ring', f.ring, 'summary', f.summary,
               'description', f.description, 'last_reviewed', f.last_reviewed,
               'sources', json((SELECT json_group_array(
                       json_object('url', s.url, 'title', s.title, 'checked', s.checked)
                       ORDER BY s.position)
                   FROM framework_sources s WHERE s.framework_id = f.id)),
               'requirements', json((SELECT json_group_array(
                       json_object('requirement', r.slug, 'strength', fr.strength,
                                   'note', fr.note, 'sources', json(fr.sources),
                                   'reviewed', fr.reviewed)
                       ORDER BY r.slug)
                   FROM framework_requirements fr JOIN requirements r ON r.id = fr.requirement_id
                   WHERE fr.framework_id = f.id)),
               'industries', json((SELECT json_group_array(
                       json_object('industry', i.slug, 'fit', fi.fit, 'note', fi.note,
                                   'sources', json(fi.sources), 'reviewed', fi.reviewed)
                       ORDER BY i.slug)
                   FROM framework_industries fi JOIN industries i ON i.id = fi.industry_id
                   WHERE fi.framework_id = f.id)),
               'features', json((SELECT json_group_array(x.slug ORDER BY x.slug)
                   FROM framework_features ff JOIN features x ON x.id = ff.feature_id
                   WHERE ff.framework_id = f.id)),
               'use_cases', json((SELECT json_group_array(x.slug ORDER BY x.slug)
                   FROM framework_use_cases fu JOIN use_cases x ON x.id = fu.use_case_id
                   WHERE fu.framework_id = f.id)),
               'trends', json((SELECT json_group_array(x.slug ORDER BY x.slug)
                   FROM framework_trends ft JOIN trends x ON x.id = ft.trend_id
                   WHERE ft.framework_id = f.id))
           ) AS "record!: String"
         FROM frameworks f JOIN languages l ON l.id = f.language_id
         WHERE f.slug BETWEEN ?1 AND ?2
         ORDER BY f.slug"#,
        range.0,
        range.1
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            let record =
                serde_json::from_str(&row.record).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok((row.version, record))
        })
        .collect()
}

/// True when some language, industry, use case or requirement has no phrases and the audit
/// log holds no revision of it with exactly `note`: the only entries that could be given
/// phrases under that note, found without reading the knowledge itself.
pub async fn lacks_phrases_not_noted(pool: &SqlitePool, note: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (
             SELECT 1 FROM (
                 SELECT 'language' AS entity, slug, phrases FROM languages
                 UNION ALL SELECT 'industry', slug, phrases FROM industries
                 UNION ALL SELECT 'use_case', slug, phrases FROM use_cases
                 UNION ALL SELECT 'requirement', slug, phrases FROM requirements
             ) t
             WHERE json_array_length(t.phrases) = 0
               AND NOT EXISTS (SELECT 1 FROM audit_log a
                               WHERE a.entity = t.entity AND a.entity_slug = t.slug
                                 AND a.note = ?1)
           ) AS "lacks!: bool""#,
        note
    )
    .fetch_one(pool)
    .await
}

/// True when any framework lists a source.
pub async fn cites_sources(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM framework_sources) AS "cites!: bool""#)
        .fetch_one(pool)
        .await
}

/// True when no knowledge entity of any kind is stored.
pub async fn is_empty(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"SELECT (SELECT COUNT(*) FROM frameworks) + (SELECT COUNT(*) FROM languages)
                + (SELECT COUNT(*) FROM features) + (SELECT COUNT(*) FROM industries)
                + (SELECT COUNT(*) FROM use_cases) + (SELECT COUNT(*) FROM requirements)
                + (SELECT COUNT(*) FROM trends) AS "rows!: i64""#
    )
    .fetch_one(pool)
    .await?;
    Ok(rows == 0)
}

// Upserts keyed by slug. An existing row keeps its id (so links and history stay attached)
// and gets its version bumped, so an editor holding the old version meets a conflict rather
// than overwriting the import.

/// Defines the upsert of a term table without phrases (slug, name, description), which differ
/// only in name.
macro_rules! upsert_term {
    ($(#[$doc:meta])* $function:ident, $table:literal) => {
        $(#[$doc])*
        pub async fn $function(conn: &mut SqliteConnection, r: &TermRecord) -> Result<(), sqlx::Error> {
            sqlx::query!(
                "INSERT INTO " + $table + " (slug, name, description) VALUES (?1, ?2, ?3)
                 ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description,
                     version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), updated_by = NULL",
                r.slug,
                r.name,
                r.description
            )
            .execute(conn)
            .await?;
            Ok(())
        }
    };
}

upsert_term!(upsert_feature, "features");
upsert_term!(upsert_trend, "trends");

/// A language is a term with phrases.
pub async fn upsert_language(
    conn: &mut SqliteConnection,
    r: &TermRecord,
) -> Result<(), sqlx::Error> {
    let phrases = TextList::json(&r.phrases);
    sqlx::query!(
        "INSERT INTO languages (slug, name, description, phrases) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description,
             phrases = excluded.phrases,
             version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), updated_by = NULL",
        r.slug,
        r.name,
        r.description,
        phrases
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn upsert_industry(
    conn: &mut SqliteConnection,
    r: &IndustryRecord,
) -> Result<(), sqlx::Error> {
    let rubric = TextList::json(&r.rubric);
    let phrases = TextList::json(&r.phrases);
    sqlx::query!(
        "INSERT INTO industries (slug, name, description, rubric, phrases) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description,
             rubric = excluded.rubric, phrases = excluded.phrases,
             version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), updated_by = NULL",
        r.slug,
        r.name,
        r.description,
        rubric,
        phrases
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn upsert_use_case(
    conn: &mut SqliteConnection,
    r: &UseCaseRecord,
) -> Result<(), sqlx::Error> {
    let phrases = TextList::json(&r.phrases);
    sqlx::query!(
        "INSERT INTO use_cases (slug, name, description, industry_id, phrases)
         VALUES (?1, ?2, ?3, (SELECT id FROM industries WHERE slug = ?4), ?5)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description,
             industry_id = excluded.industry_id, phrases = excluded.phrases,
             version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), updated_by = NULL",
        r.slug,
        r.name,
        r.description,
        r.industry,
        phrases
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn upsert_requirement(
    conn: &mut SqliteConnection,
    r: &RequirementRecord,
) -> Result<(), sqlx::Error> {
    let rubric = TextList::json(&r.rubric);
    let phrases = TextList::json(&r.phrases);
    sqlx::query!(
        "INSERT INTO requirements (slug, name, description, req_group, rubric, phrases)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description,
             req_group = excluded.req_group, rubric = excluded.rubric, phrases = excluded.phrases,
             version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), updated_by = NULL",
        r.slug,
        r.name,
        r.description,
        r.group,
        rubric,
        phrases
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes a framework's own fields and replaces all of its links with those in `r`; the
/// ratings that change are recorded as changed by `reviewer` (`None` for imports and the seed).
/// `before` is the framework as stored, read in the same transaction, when the caller has it:
/// a kind of link it holds exactly as `r` does is not written at all.
pub async fn upsert_framework(
    conn: &mut SqliteConnection,
    r: &FrameworkRecord,
    reviewer: Option<i64>,
    before: Option<&FrameworkRecord>,
) -> Result<(), sqlx::Error> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO frameworks (slug, name, language_id, kind, license, first_release, website,
                                   ring, summary, description, last_reviewed)
         VALUES (?1, ?2, (SELECT id FROM languages WHERE slug = ?3), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, language_id = excluded.language_id,
             kind = excluded.kind, license = excluded.license, first_release = excluded.first_release,
             website = excluded.website, ring = excluded.ring, summary = excluded.summary,
             description = excluded.description, last_reviewed = excluded.last_reviewed,
             version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), updated_by = NULL
         RETURNING id AS "id!: i64""#,
        r.slug,
        r.name,
        r.language,
        r.kind,
        r.license,
        r.first_release,
        r.website,
        r.ring,
        r.summary,
        r.description,
        r.last_reviewed
    )
    .fetch_one(&mut *conn)
    .await?;

    // Each table's links are written as one statement reading a JSON array, and only where
    // they differ: an unchanged link fires no trigger (search index, change counter), so a
    // save costs a few statements whatever the framework's size — and none for a kind of
    // link it leaves as stored. Those statements run under the write lock every other
    // editor's save waits for.
    if changed(before.map(|b| &b.requirements[..]), &r.requirements, |x| {
        &x.requirement
    }) {
        replace_rated_links!(
            conn,
            id,
            reviewer,
            &r.requirements,
            "framework_requirements",
            "requirement_id",
            "requirements",
            "j.value ->> 'requirement'",
            "strength"
        );
    }
    if changed(before.map(|b| &b.industries[..]), &r.industries, |x| {
        &x.industry
    }) {
        replace_rated_links!(
            conn,
            id,
            reviewer,
            &r.industries,
            "framework_industries",
            "industry_id",
            "industries",
            "j.value ->> 'industry'",
            "fit"
        );
    }
    if changed(before.map(|b| &b.languages[..]), &r.languages, |x| x) {
        replace_set_links!(
            conn,
            id,
            &r.languages,
            "framework_languages",
            "language_id",
            "languages"
        );
    }
    // Sources are few and have no triggers beyond the change counter: rewritten whole, in
    // the order given (so an order changed is a change).
    if before.map(|b| &b.sources) != Some(&r.sources) {
        let sources = serde_json::to_string(&r.sources).expect("sources serialise");
        sqlx::query!(
            "DELETE FROM framework_sources WHERE framework_id = ?1 AND url NOT IN
                 (SELECT j.value ->> 'url' FROM json_each(?2) j)",
            id,
            sources
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query!(
            "INSERT INTO framework_sources (framework_id, position, url, title, checked)
             SELECT ?1, j.key, j.value ->> 'url', j.value ->> 'title', j.value ->> 'checked'
             FROM json_each(?2) j
             WHERE true
             ON CONFLICT (framework_id, url) DO UPDATE
             SET position = excluded.position, title = excluded.title, checked = excluded.checked
             WHERE position IS NOT excluded.position OR title IS NOT excluded.title
                OR checked IS NOT excluded.checked",
            id,
            sources
        )
        .execute(&mut *conn)
        .await?;
    }
    if changed(before.map(|b| &b.features[..]), &r.features, |x| x) {
        replace_set_links!(
            conn,
            id,
            &r.features,
            "framework_features",
            "feature_id",
            "features"
        );
    }
    if changed(before.map(|b| &b.use_cases[..]), &r.use_cases, |x| x) {
        replace_set_links!(
            conn,
            id,
            &r.use_cases,
            "framework_use_cases",
            "use_case_id",
            "use_cases"
        );
    }
    if changed(before.map(|b| &b.trends[..]), &r.trends, |x| x) {
        replace_set_links!(
            conn,
            id,
            &r.trends,
            "framework_trends",
            "trend_id",
            "trends"
        );
    }
    Ok(())
}

/// Whether the links `new` differ from the stored ones `old` (`None`: not known, so written),
/// in any order: each is one row per target, keyed by `key`.
fn changed<T: PartialEq>(old: Option<&[T]>, new: &[T], key: impl Fn(&T) -> &String) -> bool {
    let Some(old) = old else {
        return true;
    };
    let (mut old, mut new): (Vec<&T>, Vec<&T>) = (old.iter().collect(), new.iter().collect());
    old.sort_by(|a, b| key(a).cmp(key(b)));
    new.sort_by(|a, b| key(a).cmp(key(b)));
    old != new
}

/// One entry of the audit log. `before`/`after` are the entity in the export format.
#[derive(Debug, Default)]
pub struct AuditEntry<'a> {
    /// The account that made the change; `None` for imports, the seed and the command line.
    pub user_id: Option<i64>,
    /// A readable name for whoever made it, kept even when the account is gone.
    pub actor: &'a str,
    pub entity: &'a str,
    pub entity_slug: &'a str,
    pub action: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    /// Why the change was made, when someone said so; empty otherwise.
    pub note: &'a str,
    /// Who approved it, when it was published through a change request.
    pub approval: Option<Approval<'a>>,
}

/// The approval of a change request that an audit revision published: the revision's own
/// user and actor are the request's author.
#[derive(Debug, Clone, Copy)]
pub struct Approval<'a> {
    pub approver_id: i64,
    pub approver: &'a str,
    pub change_request: i64,
}

/// The entries (entity, slug) the audit log has a revision of with exactly `note`.
pub async fn noted_in(
    conn: &mut SqliteConnection,
    note: &str,
) -> Result<std::collections::HashSet<(String, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT entity, entity_slug FROM audit_log WHERE note = ?1",
        note
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.entity, r.entity_slug))
    .collect())
}

/// Appends one entry to the audit log.
pub async fn append_audit(
    conn: &mut SqliteConnection,
    entry: &AuditEntry<'_>,
) -> Result<(), sqlx::Error> {
    let (approver_id, approver, change_request) = match entry.approval {
        Some(a) => (
            Some(a.approver_id),
            Some(a.approver),
            Some(a.change_request),
        ),
        None => (None, None, None),
    };
    sqlx::query!(
        "INSERT INTO audit_log (user_id, actor, entity, entity_slug, action, before, after, note,
                                approver_id, approver, change_request)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        entry.user_id,
        entry.actor,
        entry.entity,
        entry.entity_slug,
        entry.action,
        entry.before,
        entry.after,
        entry.note,
        approver_id,
        approver,
        change_request
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_framework_read_alone_is_the_one_the_whole_document_holds_at_its_stored_version() {
        let (_folder, pool) = crate::knowledge::seed::seeded_database().await;
        let document = load_document(&pool).await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        for framework in &document.frameworks {
            let stored: i64 = sqlx::query_scalar("SELECT version FROM frameworks WHERE slug = ?1")
                .bind(&framework.slug)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            let (version, record) = load_framework_in(&mut conn, &framework.slug)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((version, &record), (stored, framework));
        }
        assert!(
            load_framework_in(&mut conn, "no-such-framework")
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_framework_with_no_links_reads_with_empty_lists_and_every_rating_field_survives() {
        let (_folder, pool) = crate::knowledge::seed::seeded_database().await;
        sqlx::raw_sql(
            "INSERT INTO frameworks (slug, name, language_id, kind, ring, summary)
             SELECT 'bare', 'Bare', id, 'micro', 'assess', 'Nothing linked.' FROM languages
             WHERE slug = 'python'",
        )
        .execute(&pool)
        .await
        .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let (_, bare) = load_framework_in(&mut conn, "bare").await.unwrap().unwrap();
        assert_eq!(
            (
                bare.languages.len(),
                bare.sources.len(),
                bare.requirements.len()
            ),
            (0, 0, 0)
        );
        assert_eq!((bare.first_release, bare.last_reviewed), (None, None));
        // A rating with a note, cited sources and a review day reads back as written.
        let (_, django) = load_framework_in(&mut conn, "django")
            .await
            .unwrap()
            .unwrap();
        let rated = django
            .requirements
            .iter()
            .find(|r| !r.sources.is_empty() && r.reviewed.is_some() && !r.note.is_empty());
        assert!(rated.is_some(), "{:?}", django.requirements);
    }
}

#[cfg(test)]
mod link_tests {
    use super::changed;

    fn slugs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn links_are_unchanged_in_any_order_and_changed_by_one_more_one_fewer_or_one_other() {
        let stored = slugs(&["graphql", "rest", "websockets"]);
        let same = |new: &[&str]| !changed(Some(&stored[..]), &slugs(new), |x| x);
        assert!(same(&["websockets", "graphql", "rest"]));
        assert!(!same(&["graphql", "rest"]));
        assert!(!same(&["graphql", "rest", "websockets", "grpc"]));
        assert!(!same(&["graphql", "rest", "grpc"]));
        assert!(
            changed(None, &stored, |x| x),
            "unknown stored links are written"
        );
    }
}
