//! The knowledge base as a whole: the seed, import and export through the library.

use stackatlas::db;
use stackatlas::domain::Role;
use stackatlas::knowledge::document::Document;
use stackatlas::knowledge::import::{ImportError, import};
use stackatlas::knowledge::seed::{
    FIRST_EDITION_JSON, PHRASES_NOTE, SEED_JSON, Standing, audit, bring_forward, fill_phrases,
    seed_if_empty,
};
use stackatlas::knowledge::validate::parse;

use crate::helpers::{seed_document, spawn_app, spawn_app_with};

#[tokio::test]
async fn export_then_import_into_an_empty_database_then_export_gives_the_same_document() {
    let app = spawn_app().await;
    let first = db::knowledge::load_document(&app.pool).await.unwrap();
    assert_eq!(
        first.to_json(),
        SEED_JSON,
        "the seed is stored exactly as shipped"
    );

    let empty = spawn_app_with(None).await;
    import(&empty.pool, &first, false, "test").await.unwrap();
    let second = db::knowledge::load_document(&empty.pool).await.unwrap();
    assert_eq!(second.to_json(), first.to_json());
}

#[tokio::test]
async fn the_seed_is_loaded_only_into_an_empty_knowledge_base() {
    let app = spawn_app_with(None).await;
    seed_if_empty(&app.pool)
        .await
        .unwrap()
        .expect("an empty base is seeded");
    assert!(
        seed_if_empty(&app.pool).await.unwrap().is_none(),
        "seeded twice"
    );
    assert_eq!(
        db::knowledge::load_document(&app.pool)
            .await
            .unwrap()
            .to_json(),
        SEED_JSON
    );
}

#[tokio::test]
async fn a_new_installations_history_shows_each_correction_of_the_audit_with_its_reason() {
    let app = spawn_app_with(None).await;
    seed_if_empty(&app.pool).await.unwrap();
    let audit = audit();
    let first = parse(FIRST_EDITION_JSON).unwrap();
    let entries = |actor: String| {
        let pool = app.pool.clone();
        async move {
            sqlx::query!(
                r#"SELECT entity, entity_slug, action, note, before IS NOT NULL AS "had_before!: bool"
                   FROM audit_log WHERE actor = ?1 ORDER BY id"#,
                actor
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    // The first edition is recorded as created, one entry per entity; later the seed gave
    // the terms the phrases clients use, one noted update each.
    let seeded = entries("seed".to_owned()).await;
    let (phrased, created): (Vec<_>, Vec<_>) = seeded.iter().partition(|e| e.note == PHRASES_NOTE);
    assert_eq!(created.len(), count_records(&first));
    assert!(created.iter().all(|e| e.action == "create"));
    assert!(phrased.iter().all(|e| e.action == "update"));
    // Every framework of the first edition was corrected by the audit, which says why.
    let audited = entries(audit.actor.clone()).await;
    for f in &first.frameworks {
        let entry = audited
            .iter()
            .find(|e| e.entity == "framework" && e.entity_slug == f.slug)
            .unwrap_or_else(|| panic!("the audit left {} alone", f.slug));
        assert_eq!(entry.action, "update");
        assert!(entry.had_before);
        assert!(entry.note.starts_with("Knowledge audit"), "{}", entry.note);
    }
    // Entries it added say so, and the requirement it retired is recorded as deleted.
    let added = audited
        .iter()
        .find(|e| e.entity == "framework" && e.entity_slug == "pocketbase")
        .unwrap();
    assert_eq!(added.action, "create");
    assert!(added.note.contains("Added"), "{}", added.note);
    let retired = audited
        .iter()
        .find(|e| e.entity_slug == "regulatory-compliance")
        .unwrap();
    assert_eq!(
        (retired.entity.as_str(), retired.action.as_str()),
        ("requirement", "delete")
    );
    assert!(retired.note.contains("HIPAA"));
}

#[tokio::test]
async fn an_installation_still_holding_the_first_edition_takes_the_audit_on_upgrade() {
    let app = spawn_app_with(Some(parse(FIRST_EDITION_JSON).unwrap())).await;
    let standing = bring_forward(&app.pool).await.unwrap();
    assert!(matches!(standing, Standing::Audited(_)), "{standing:?}");
    let now = db::knowledge::load_document(&app.pool).await.unwrap();
    assert_eq!(now.to_json(), SEED_JSON);
    // Once brought forward it stays: the next start changes nothing.
    assert!(matches!(
        bring_forward(&app.pool).await.unwrap(),
        Standing::Kept
    ));
}

#[tokio::test]
async fn knowledge_an_editor_changed_since_the_first_edition_is_never_overwritten() {
    let app = spawn_app_with(Some(parse(FIRST_EDITION_JSON).unwrap())).await;
    sqlx::query(
        "UPDATE framework_requirements SET note = 'An editor wrote this.'
         WHERE framework_id = (SELECT id FROM frameworks WHERE slug = 'django')
           AND requirement_id = (SELECT id FROM requirements WHERE slug = 'security')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let before = db::knowledge::load_document(&app.pool).await.unwrap();
    assert!(matches!(
        bring_forward(&app.pool).await.unwrap(),
        Standing::Kept
    ));
    // The terms, which had no phrases, are given the seed's; nothing else changes.
    let mut now = db::knowledge::load_document(&app.pool).await.unwrap();
    assert!(!now.requirements[0].phrases.is_empty());
    now.leave_phrases_alone();
    now.gives_phrases = true;
    assert_eq!(now, before);
}

fn count_records(doc: &Document) -> usize {
    doc.languages.len()
        + doc.features.len()
        + doc.industries.len()
        + doc.use_cases.len()
        + doc.requirements.len()
        + doc.trends.len()
        + doc.frameworks.len()
}

#[tokio::test]
async fn an_import_updates_only_what_changed_bumps_versions_and_records_history() {
    let app = spawn_app().await;
    let mut doc = seed_document();
    let flask = doc
        .frameworks
        .iter_mut()
        .find(|f| f.slug == "flask")
        .unwrap();
    let link = flask
        .requirements
        .iter_mut()
        .find(|r| r.requirement == "scalability")
        .unwrap();
    link.strength = (link.strength + 1) % 6;
    link.note = "Re-rated after load tests.".into();

    let report = import(&app.pool, &doc, false, "test").await.unwrap();
    assert_eq!(report.created(), 0);
    assert_eq!(report.updated(), 1);
    let frameworks = report
        .entities
        .iter()
        .find(|e| e.entity == "framework")
        .unwrap();
    assert_eq!(
        frameworks.updated,
        [("flask".to_owned(), vec!["requirements".to_owned()])]
    );

    let version = sqlx::query_scalar!("SELECT version FROM frameworks WHERE slug = 'flask'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(version, 2);
    let entry = sqlx::query!(
        "SELECT actor, action, before, after FROM audit_log
         WHERE entity = 'framework' AND entity_slug = 'flask' ORDER BY id DESC LIMIT 1"
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(entry.action, "update");
    assert_eq!(entry.actor, "test");
    assert!(entry.before.unwrap().contains("\"scalability\""));
    assert!(entry.after.unwrap().contains("Re-rated after load tests."));
    let stored = db::knowledge::load_document(&app.pool).await.unwrap();
    assert_eq!(stored, doc);
}

#[tokio::test]
async fn links_added_removed_and_changed_are_stored_exactly_and_can_be_changed_back() {
    let app = spawn_app().await;
    let seed = seed_document();
    let mut doc = seed.clone();
    let unused =
        |taken: &[String], all: Vec<String>| all.into_iter().find(|s| !taken.contains(s)).unwrap();
    let features: Vec<String> = seed.features.iter().map(|f| f.slug.clone()).collect();
    let trends: Vec<String> = seed.trends.iter().map(|t| t.slug.clone()).collect();
    let flask = doc
        .frameworks
        .iter_mut()
        .find(|f| f.slug == "flask")
        .unwrap();
    flask.features.remove(0);
    let added_feature = unused(&flask.features, features);
    flask.features.push(added_feature);
    flask.use_cases.pop();
    let added_trend = unused(&flask.trends, trends);
    flask.trends.push(added_trend);
    flask.requirements.remove(0);
    flask.industries[0].fit = (flask.industries[0].fit + 2) % 6;
    flask.industries[0].note = "Re-rated.".into();
    flask.sort();

    import(&app.pool, &doc, false, "test").await.unwrap();
    assert_eq!(db::knowledge::load_document(&app.pool).await.unwrap(), doc);
    import(&app.pool, &seed, false, "test").await.unwrap();
    assert_eq!(db::knowledge::load_document(&app.pool).await.unwrap(), seed);
}

#[tokio::test]
async fn an_editors_save_writes_the_links_it_changes_and_leaves_the_rest_as_stored() {
    let app = spawn_app().await;
    app.create_user("editor@example.com", Role::Editor).await;
    let user_id = sqlx::query_scalar!("SELECT id FROM users WHERE email = 'editor@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let author = db::editing::Author {
        user_id,
        name: "editor@example.com".into(),
        ..Default::default()
    };
    let stored = db::editing::load(&app.pool, "flask")
        .await
        .unwrap()
        .unwrap();
    let mut edited = stored.record.clone();
    edited.summary = format!("{} Edited.", edited.summary);
    edited.features.remove(0);
    edited.requirements[0].strength = (edited.requirements[0].strength + 1) % 6;
    edited.industries.reverse(); // the same ratings in another order: no change
    edited.sources.reverse(); // the same sources in another order: a change
    let saved = db::editing::save(&app.pool, Some("flask"), stored.version, &edited, &author)
        .await
        .unwrap();
    assert!(matches!(saved, db::editing::Outcome::Done), "{saved:?}");

    let after = db::editing::load(&app.pool, "flask")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.version, stored.version + 1);
    assert_eq!(after.record.summary, edited.summary);
    assert_eq!(after.record.features, stored.record.features[1..]);
    let rerated = &after.record.requirements[0];
    assert_eq!(rerated.strength, edited.requirements[0].strength);
    assert_eq!(rerated.reviewed, Some(stackatlas::domain::today()));
    assert_eq!(
        after.record.requirements[1..],
        stored.record.requirements[1..]
    );
    assert_eq!(after.record.industries, stored.record.industries);
    assert_eq!(after.record.sources, edited.sources);
    assert_eq!(
        (
            &after.record.use_cases,
            &after.record.trends,
            &after.record.languages
        ),
        (
            &stored.record.use_cases,
            &stored.record.trends,
            &stored.record.languages
        )
    );
}

#[tokio::test]
async fn a_document_with_problems_changes_nothing_and_reports_every_problem() {
    let app = spawn_app().await;
    let before = db::knowledge::load_document(&app.pool).await.unwrap();
    let mut doc = seed_document();
    doc.frameworks[0].name = "Renamed".into();
    doc.frameworks[1].industries[0].fit = -1;
    doc.use_cases[0].industry = "atlantis".into();
    let err = import(&app.pool, &doc, false, "test").await.unwrap_err();
    let ImportError::Invalid(problems) = err else {
        panic!("expected validation problems, got {err}");
    };
    let locations: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(locations.len(), 2, "{locations:?}");
    assert!(
        locations
            .iter()
            .any(|l| l.starts_with("use_cases[") && l.ends_with("].industry"))
    );
    assert!(locations.iter().any(|l| l.ends_with(".fit")));
    assert_eq!(
        db::knowledge::load_document(&app.pool).await.unwrap(),
        before
    );
}

#[tokio::test]
async fn the_audit_log_cannot_be_rewritten() {
    let app = spawn_app().await;
    let update = sqlx::query!("UPDATE audit_log SET actor = 'someone else'")
        .execute(&app.pool)
        .await;
    assert!(update.is_err());
    let delete = sqlx::query!("DELETE FROM audit_log")
        .execute(&app.pool)
        .await;
    assert!(delete.is_err());
}

#[tokio::test]
async fn the_schema_refuses_out_of_range_strengths_and_bad_slugs() {
    let app = spawn_app().await;
    let strength = sqlx::query!("UPDATE framework_requirements SET strength = 6")
        .execute(&app.pool)
        .await;
    assert!(strength.is_err());
    let slug = sqlx::query!("UPDATE frameworks SET slug = 'Bad Slug' WHERE slug = 'django'")
        .execute(&app.pool)
        .await;
    assert!(slug.is_err());
    let ring = sqlx::query!("UPDATE frameworks SET ring = 'someday' WHERE slug = 'django'")
        .execute(&app.pool)
        .await;
    assert!(ring.is_err());
}

/// The seed as an installation from before phrases holds it: every term without any.
fn seed_without_phrases() -> Document {
    let mut doc = seed_document();
    doc.leave_phrases_alone();
    doc
}

#[tokio::test]
async fn an_installation_from_before_phrases_gets_the_seeds_and_keeps_what_editors_wrote() {
    let app = spawn_app_with(Some(seed_without_phrases())).await;
    // An editor already wrote phrases of their own for one requirement.
    sqlx::query(
        "UPDATE requirements SET phrases = '[\"our own words\"]' WHERE slug = 'offline-sync'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert!(matches!(
        bring_forward(&app.pool).await.unwrap(),
        Standing::Kept
    ));
    let now = db::knowledge::load_document(&app.pool).await.unwrap();
    let seed = seed_document();
    for (stored, seeded) in now.requirements.iter().zip(&seed.requirements) {
        if stored.slug == "offline-sync" {
            assert_eq!(stored.phrases, ["our own words"], "never overwritten");
        } else {
            assert_eq!(stored.phrases, seeded.phrases, "{}", stored.slug);
        }
    }
    assert_eq!(now.languages, seed.languages);
    assert_eq!(now.industries, seed.industries);
    assert_eq!(now.use_cases, seed.use_cases);
    // Each term given phrases says so in its history.
    let noted = sqlx::query_scalar!(
        "SELECT COUNT(*) FROM audit_log WHERE actor = 'seed' AND action = 'update' AND note = ?1",
        PHRASES_NOTE
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let terms = seed.languages.len()
        + seed.industries.len()
        + seed.use_cases.len()
        + seed.requirements.len();
    assert_eq!(noted as usize, terms - 1);

    // Phrases an editor then removes stay removed: the next start gives nothing again.
    sqlx::query("UPDATE industries SET phrases = '[]' WHERE slug = 'gaming'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(fill_phrases(&app.pool).await.unwrap(), 0);
    let gaming = sqlx::query_scalar!("SELECT phrases FROM industries WHERE slug = 'gaming'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(gaming, "[]");
}

#[tokio::test]
async fn a_new_installation_holds_the_seeds_phrases_from_the_phrases_revision_not_the_audits() {
    let app = spawn_app_with(None).await;
    bring_forward(&app.pool).await.unwrap();
    let now = db::knowledge::load_document(&app.pool).await.unwrap();
    assert_eq!(now.to_json(), SEED_JSON);
    let audit = audit();
    let claimed = sqlx::query_scalar!(
        "SELECT COUNT(*) FROM audit_log WHERE actor = ?1 AND after LIKE '%\"phrases\"%'",
        audit.actor
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(claimed, 0, "the audit of 30 Nov 2026 wrote no phrases");
}

#[tokio::test]
async fn a_document_from_before_phrases_still_imports_and_leaves_the_stored_phrases_alone() {
    let app = spawn_app().await;
    let mut old: serde_json::Value = serde_json::from_str(SEED_JSON).unwrap();
    old["format_version"] = 2.into();
    for list in ["languages", "industries", "use_cases", "requirements"] {
        for record in old[list].as_array_mut().unwrap() {
            record.as_object_mut().unwrap().remove("phrases");
        }
    }
    old["requirements"][0]["description"] = "Changed by an old export.".into();
    let doc = parse(&old.to_string()).expect("a version 2 document still reads");
    let report = import(&app.pool, &doc, false, "test").await.unwrap();
    assert_eq!(report.updated(), 1, "{report}");
    let now = db::knowledge::load_document(&app.pool).await.unwrap();
    let seed = seed_document();
    assert_eq!(now.requirements[0].description, "Changed by an old export.");
    assert_eq!(now.requirements[0].phrases, seed.requirements[0].phrases);
    assert_eq!(now.languages, seed.languages);

    // A current document says which phrases a term has, and an import applies them.
    let mut current = seed_document();
    current.languages[0].phrases = vec!["our C++ folks".into()];
    import(&app.pool, &current, false, "test").await.unwrap();
    let now = db::knowledge::load_document(&app.pool).await.unwrap();
    assert_eq!(now.languages[0].phrases, ["our C++ folks"]);
}
