//! Loading the knowledge again after a change: whatever changed, the knowledge read is the
//! knowledge a whole load reads, and only a change to a term makes it read everything.

use super::*;

/// A seeded database and its pool (the folder lives as long as the test holds it).
async fn seeded() -> (tempfile::TempDir, SqlitePool) {
    crate::knowledge::seed::seeded_database().await
}

async fn run(pool: &SqlitePool, sql: &'static str) {
    sqlx::raw_sql(sql).execute(pool).await.unwrap();
}

fn key(framework: &str, subject: &str) -> EvidenceKey {
    (framework.into(), RatingKind::Requirement, subject.into())
}

/// Remembers a note on security for each of `frameworks`.
fn remember(knowledge: &Knowledge, frameworks: &[&str]) {
    let read = frameworks
        .iter()
        .map(|f| {
            let notes = Notes {
                note: format!("{f} as read"),
                sources: Vec::new(),
            };
            (key(f, "security"), Arc::new(notes))
        })
        .collect();
    knowledge.evidence.remember(Vec::new(), read);
}

fn remembered(knowledge: &Knowledge, framework: &str) -> bool {
    let wanted = BTreeSet::from([key(framework, "security")]);
    !knowledge.evidence.recall(&wanted).is_empty()
}

/// Loads again after `previous` and checks the result against a whole load of the same
/// database: the same frameworks, ids and ratings, the same version.
async fn loaded_again(pool: &SqlitePool, previous: &Knowledge) -> Knowledge {
    let again = load_after(pool, Some(previous)).await.unwrap();
    let whole = load(pool).await.unwrap();
    assert_eq!(again.version, whole.version);
    assert_eq!(again.changes.through, whole.changes.through);
    assert_eq!(again.changes.framework_ids, whole.changes.framework_ids);
    assert_eq!(again.catalogue.candidates(), whole.catalogue.candidates());
    assert_eq!(again.names, whole.names);
    again
}

#[tokio::test]
async fn a_changed_rating_is_read_again_alone_and_the_other_frameworks_notes_are_kept() {
    let (_folder, pool) = seeded().await;
    let before = load(&pool).await.unwrap();
    remember(&before, &["django", "flask"]);
    run(
        &pool,
        "UPDATE framework_requirements SET strength = 1, note = 'Rewritten.'
         WHERE framework_id = (SELECT id FROM frameworks WHERE slug = 'django')
           AND requirement_id = (SELECT id FROM requirements WHERE slug = 'security')",
    )
    .await;
    let after = loaded_again(&pool, &before).await;
    let django = after.catalogue.candidate("django").unwrap();
    assert_eq!(django.strengths["security"].score.value(), 1);
    assert!(
        remembered(&after, "flask"),
        "an unchanged framework's notes are kept"
    );
    assert!(
        !remembered(&after, "django"),
        "the changed framework's are read again"
    );
    assert!(
        Arc::ptr_eq(&after.lexicon, &before.lexicon),
        "the terms were not read again"
    );
}

#[tokio::test]
async fn a_framework_added_renamed_or_deleted_reads_back_as_a_whole_load_does() {
    let (_folder, pool) = seeded().await;
    let mut knowledge = load(&pool).await.unwrap();
    remember(&knowledge, &["flask", "laravel"]);
    let changes = [
        // A new framework, with a rating, placed by its id after the others.
        "INSERT INTO frameworks (slug, name, language_id, kind, summary, ring)
           SELECT 'flask-two', 'Flask Two', language_id, kind, summary, ring
           FROM frameworks WHERE slug = 'flask';
         INSERT INTO framework_requirements (framework_id, requirement_id, strength)
           SELECT (SELECT id FROM frameworks WHERE slug = 'flask-two'), id, 4
           FROM requirements WHERE slug = 'security';",
        "UPDATE frameworks SET slug = 'flask-classic', name = 'Flask Classic' WHERE slug = 'flask'",
        "DELETE FROM frameworks WHERE slug = 'laravel'",
    ];
    for change in changes {
        run(&pool, change).await;
        knowledge = loaded_again(&pool, &knowledge).await;
    }
    assert!(knowledge.catalogue.candidate("flask-two").is_some());
    assert!(knowledge.catalogue.candidate("flask-classic").is_some());
    assert!(knowledge.catalogue.candidate("flask").is_none());
    assert!(knowledge.catalogue.candidate("laravel").is_none());
    assert!(!remembered(&knowledge, "flask") && !remembered(&knowledge, "laravel"));
}

#[tokio::test]
async fn a_changed_term_makes_the_next_load_read_everything_again() {
    let (_folder, pool) = seeded().await;
    let before = load(&pool).await.unwrap();
    remember(&before, &["flask"]);
    run(
        &pool,
        "UPDATE requirements SET name = 'Strong security, audited' WHERE slug = 'security'",
    )
    .await;
    let after = loaded_again(&pool, &before).await;
    assert_eq!(
        after.names.requirements["security"],
        "Strong security, audited"
    );
    assert!(!remembered(&after, "flask"), "every note is read again");
}

#[tokio::test]
async fn a_version_the_log_does_not_account_for_is_read_whole() {
    let (_folder, pool) = seeded().await;
    let before = load(&pool).await.unwrap();
    remember(&before, &["flask"]);
    // A framework changed and its entry in the log lost, as in a database that is not the one
    // `before` was read from.
    run(
        &pool,
        "UPDATE frameworks SET name = 'Flask Renamed' WHERE slug = 'flask';
         DELETE FROM knowledge_changes;",
    )
    .await;
    let after = loaded_again(&pool, &before).await;
    assert_eq!(
        after.catalogue.candidate("flask").unwrap().name,
        "Flask Renamed"
    );
    assert!(!remembered(&after, "flask"));
}

#[tokio::test]
async fn a_framework_is_unchanged_since_a_load_until_it_or_a_term_changes() {
    let (_folder, pool) = seeded().await;
    let knowledge = load(&pool).await.unwrap();
    assert!(
        unchanged_since(&pool, &knowledge, &["django"])
            .await
            .unwrap()
    );
    run(
        &pool,
        "UPDATE frameworks SET summary = 'Elsewhere.' WHERE slug = 'flask'",
    )
    .await;
    assert!(
        unchanged_since(&pool, &knowledge, &["django"])
            .await
            .unwrap(),
        "another framework's save leaves django as it was read"
    );
    assert!(
        !unchanged_since(&pool, &knowledge, &["django", "flask"])
            .await
            .unwrap()
    );
    assert!(
        !unchanged_since(&pool, &knowledge, &["no-such-framework"])
            .await
            .unwrap(),
        "a framework the knowledge does not hold"
    );
    run(
        &pool,
        "UPDATE framework_requirements SET strength = 1
         WHERE framework_id = (SELECT id FROM frameworks WHERE slug = 'django')",
    )
    .await;
    assert!(
        !unchanged_since(&pool, &knowledge, &["django"])
            .await
            .unwrap()
    );

    let knowledge = load(&pool).await.unwrap();
    assert!(unchanged_since(&pool, &knowledge, &[]).await.unwrap());
    run(
        &pool,
        "UPDATE requirements SET description = 'Reworded.' WHERE slug = 'security'",
    )
    .await;
    assert!(
        !unchanged_since(&pool, &knowledge, &[]).await.unwrap(),
        "a term changed"
    );
    let knowledge = load(&pool).await.unwrap();
    run(&pool, "DELETE FROM knowledge_changes").await;
    assert!(
        !unchanged_since(&pool, &knowledge, &[]).await.unwrap(),
        "a log started afresh accounts for nothing"
    );
    let mut copy = load(&pool).await.unwrap();
    copy.changes.framework_ids.clear();
    assert!(
        !unchanged_since(&pool, &copy, &[]).await.unwrap(),
        "a knowledge not made by a load"
    );
}
