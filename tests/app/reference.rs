//! Reference questions: the editors' knowledge tests, listed with their verdict on the live
//! knowledge, edited like any entry, asked by `stackatlas check`; and the saved briefs whose
//! top three moved since they were pinned.

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{
    TestApp, attributes, form_fields, run, select, set_field, spawn_app, stdout, text, text_of,
};

const BASE: &str = "/admin/reference-questions";

/// A running app holding the seed's knowledge and its reference questions.
async fn seeded_app() -> TestApp {
    let app = spawn_app().await;
    let stored = app.seed_reference_questions().await;
    assert!(stored >= 20, "{stored}");
    app
}

/// The verdict of each question listed on `page`, as (slug, "passes" | "fails").
fn verdicts(page: &Html) -> Vec<(String, String)> {
    select(page, "#question-table tbody tr")
        .into_iter()
        .map(|row| {
            let attribute = |name| row.value().attr(name).unwrap().to_owned();
            (attribute("data-question"), attribute("data-verdict"))
        })
        .collect()
}

/// The new-question form's fields, filled in for "`framework` is in the top `n`" of `query`.
async fn new_question(
    app: &TestApp,
    editor: &reqwest::Client,
    slug: &str,
    query: &str,
    framework: &str,
) -> Vec<(String, String)> {
    let (status, form) = app.page(editor, &format!("{BASE}/new")).await;
    assert_eq!(status, StatusCode::OK);
    let mut fields = form_fields(&form, &format!("form[action='{BASE}/new']"));
    for (name, value) in [
        ("slug", slug),
        ("name", "Healthcare with a Python team"),
        ("query", query),
        ("expectation", "in-top"),
        ("top_n", "1"),
        ("framework", framework),
        ("rationale", "Our healthcare clients' teams write Python."),
        ("source", "Sales notes, November 2026"),
    ] {
        set_field(&mut fields, name, value);
    }
    fields
}

#[tokio::test]
async fn the_seeded_questions_all_pass_and_the_list_shows_what_each_saw() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (status, page) = app.page(&editor, &format!("{BASE}?within=seeded")).await;
    assert_eq!(status, StatusCode::OK);
    let tally = text_of(&page, "#question-tally");
    assert!(tally.contains(" 0 failing"), "{tally}");
    let first_page = verdicts(&page);
    assert_eq!(first_page.len(), 20, "a page of twenty");
    assert!(
        first_page.iter().all(|(_, v)| v == "passes"),
        "{first_page:?}"
    );
    let (_, failing) = app.page(&editor, &format!("{BASE}?within=fail")).await;
    assert!(verdicts(&failing).is_empty());

    let (_, found) = app
        .page(&editor, &format!("{BASE}?q=firebase+is+the+top"))
        .await;
    let row = select(
        &found,
        "tr[data-question='realtime-push-low-ops-gets-firebase']",
    );
    assert_eq!(row.len(), 1, "found by its name");
    let seen = text(row[0]);
    assert!(seen.contains("Firebase is the top pick"), "{seen}");
    assert!(seen.contains("Firebase #1 with 100.0"), "{seen}");
}

#[tokio::test]
async fn a_bad_query_parameter_is_named_at_the_field_and_a_good_query_is_stored_canonical() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let mut fields =
        new_question(&app, &editor, "python-healthcare", "need=securty", "django").await;
    let refused = app.submit(&editor, &format!("{BASE}/new"), &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Html::parse_document(&refused.text().await.unwrap());
    let message = text_of(&page, "#q-query-error");
    assert!(message.starts_with("need:"), "{message}");
    assert_eq!(attributes(&page, "#q-query", "value"), ["need=securty"]);

    set_field(
        &mut fields,
        "query",
        "/?lang=python&industry=healthcare&need=security",
    );
    let saved = app.submit(&editor, &format!("{BASE}/new"), &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = stackatlas::db::reference::load(&app.pool, "python-healthcare")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.record.query,
        "industry=healthcare&need=security&lang=python"
    );
    assert!(
        !stored.record.seeded,
        "an editor's question is not the seed's"
    );
}

#[tokio::test]
async fn an_editors_failing_question_shows_as_failing_with_what_was_seen_instead() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    // Django is fifth for a healthcare project needing security, not first.
    let fields = new_question(
        &app,
        &editor,
        "django-first-in-healthcare",
        "industry=healthcare&need=security",
        "django",
    )
    .await;
    let saved = app.submit(&editor, &format!("{BASE}/new"), &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, failing) = app.page(&editor, &format!("{BASE}?within=fail")).await;
    assert_eq!(
        verdicts(&failing),
        [("django-first-in-healthcare".to_owned(), "fails".to_owned())]
    );
    let (_, form) = app
        .page(&editor, &format!("{BASE}/django-first-in-healthcare/edit"))
        .await;
    let now = text_of(&form, "#verdict-now");
    assert!(now.contains("Fails"), "{now}");
    assert!(now.contains("Django #"), "{now}");
}

#[tokio::test]
async fn a_question_is_edited_deleted_after_confirmation_and_restored_from_its_history() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let edit = format!("{BASE}/android-gets-firebase/edit");
    let (_, form) = app.page(&editor, &edit).await;
    let mut fields = form_fields(&form, &format!("form[action='{edit}']"));
    set_field(&mut fields, "top_n", "1");
    let saved = app.submit(&editor, &edit, &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = stackatlas::db::reference::load(&app.pool, "android-gets-firebase")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.record.top_n, stored.version), (Some(1), 2));
    assert!(stored.record.seeded, "the seed's question stays the seed's");

    // The same form again, now stale: someone saved first.
    let stale = app.submit(&editor, &edit, &fields).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);

    let delete = format!("{BASE}/android-gets-firebase/delete");
    let (status, confirm) = app.page(&editor, &delete).await;
    assert_eq!(status, StatusCode::OK);
    let fields = form_fields(&confirm, &format!("form[action='{delete}']"));
    let deleted = app.submit(&editor, &delete, &fields).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert!(
        stackatlas::db::reference::load(&app.pool, "android-gets-firebase")
            .await
            .unwrap()
            .is_none()
    );

    let history = format!("{BASE}/android-gets-firebase/history");
    let (status, page) = app.page(&editor, &history).await;
    assert_eq!(status, StatusCode::OK);
    let restores = attributes(&page, "form[action$='/restore']", "action");
    // Newest first: the delete, the edit, the seed's create.
    assert_eq!(restores.len(), 3, "{restores:?}");
    let fields = form_fields(&page, &format!("form[action='{}']", restores[1]));
    let restored = app.submit(&editor, &restores[1], &fields).await;
    assert_eq!(restored.status(), StatusCode::SEE_OTHER);
    let back = stackatlas::db::reference::load(&app.pool, "android-gets-firebase")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.record.top_n, Some(1));
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'reference_question'
           AND entity_slug = 'android-gets-firebase' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["create", "update", "delete", "revert"]);
}

#[tokio::test]
async fn viewers_cannot_open_or_change_reference_questions() {
    let app = seeded_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let (status, _) = app.page(&viewer, BASE).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let posted = app
        .submit(
            &viewer,
            &format!("{BASE}/android-gets-firebase/delete"),
            &[("version".into(), "1".into())],
        )
        .await;
    assert_eq!(posted.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_brief_whose_top_three_moved_since_it_was_pinned_is_listed_with_both() {
    let app = seeded_app().await;
    let seller = app.signed_in_with("seller@example.com", Role::Viewer).await;
    let query = "need=offline-sync";
    let brief = app
        .save_brief(&seller, query, "Acme Field", "Inspections")
        .await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, before) = app.page(&editor, BASE).await;
    assert!(
        select(&before, "#drifted-briefs").is_empty(),
        "nothing moved yet"
    );

    crate::helpers::another_writer_makes_gin_strong_at_offline_sync(&app).await;
    let (_, after) = app.page(&editor, BASE).await;
    let row = select(&after, &format!("#drifted-briefs tr[data-brief='{brief}']"));
    assert_eq!(row.len(), 1);
    let link = attributes(&after, "#drifted-briefs th a", "href");
    assert_eq!(link, [format!("/briefs/{brief}")]);
    let today = text(row[0]);
    assert!(today.contains("Gin"), "Gin joins the top three: {today}");
}

#[tokio::test]
async fn check_fails_on_a_failing_seeded_question_and_only_warns_for_an_editors() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("check.db").display());
    let first = run(dir.path(), &db, &["check"]);
    let report = stdout(&first);
    assert!(first.status.success(), "{report}");
    assert!(report.contains("reference questions: "), "{report}");
    assert!(report.contains(" asked, 0 failing"), "{report}");

    let pool = stackatlas::db::connect(&db).await.unwrap();
    let sql = async |statement: &'static str| {
        sqlx::query(statement).execute(&pool).await.unwrap();
    };
    // An editor's question that fails is a warning: the exit status stays 0.
    sql(
        "INSERT INTO reference_questions (slug, name, query, expectation, framework)
         VALUES ('flask-first', 'Flask first', 'need=security', 'top-pick', 'flask')",
    )
    .await;
    let warned = run(dir.path(), &db, &["check", "--json"]);
    assert!(warned.status.success(), "{}", stdout(&warned));
    let json: serde_json::Value = serde_json::from_str(&stdout(&warned)).unwrap();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "reference-question-fails")
        .expect("the failing question is reported");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["location"], "reference_questions[flask-first]");

    // The seed's question failing is an error: CI stops.
    sql("UPDATE framework_requirements SET strength = 2
         WHERE framework_id = (SELECT id FROM frameworks WHERE slug = 'firebase')
           AND requirement_id = (SELECT id FROM requirements WHERE slug = 'low-ops')")
    .await;
    let failed = run(dir.path(), &db, &["check"]);
    assert_eq!(failed.status.code(), Some(1));
    let report = stdout(&failed);
    assert!(
        report.contains(
            "reference-question-fails  reference_questions[realtime-push-low-ops-gets-firebase]"
        ),
        "{report}"
    );
}
