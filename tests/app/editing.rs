//! Editing frameworks: roles, CSRF, validation, lost-update protection, history and restore.

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{
    TestApp, edit_form, form_fields, select, set_field, spawn_app, text, text_of,
};

const ADMIN_PAGES: [&str; 6] = [
    "/admin/activity",
    "/admin/frameworks",
    "/admin/frameworks/new",
    "/admin/frameworks/flask/edit",
    "/admin/frameworks/flask/delete",
    "/admin/frameworks/flask/history",
];

async fn strength_in_api(app: &TestApp, slug: &str, requirement: &str) -> String {
    let body = app
        .get_json(&format!("/api/v1/frameworks/{slug}"), StatusCode::OK)
        .await;
    body["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["requirement"] == requirement)
        .map(|r| format!("{} {}", r["strength"], r["note"].as_str().unwrap()))
        .unwrap()
}

#[tokio::test]
async fn every_framework_admin_page_is_guarded_by_role() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    let admin = app.signed_in_as(Role::Admin).await;
    for path in ADMIN_PAGES {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::SEE_OTHER,
            "anonymous {path}"
        );
        assert_eq!(
            app.page(&viewer, path).await.0,
            StatusCode::FORBIDDEN,
            "viewer {path}"
        );
        assert_eq!(
            app.page(&editor, path).await.0,
            StatusCode::OK,
            "editor {path}"
        );
        assert_eq!(
            app.page(&admin, path).await.0,
            StatusCode::OK,
            "admin {path}"
        );
    }
    // Writing is refused to viewers too, before anything else is looked at.
    let response = viewer
        .post(app.url("/admin/frameworks/flask/edit"))
        .form(&[("name", "Hacked")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_editor_changes_a_strength_and_the_recommendation_follows() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let before = app
        .get_json(
            "/api/v1/recommendations?need=real-time-updates",
            StatusCode::OK,
        )
        .await;
    let excluded = |body: &serde_json::Value| {
        body["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["slug"] == "flask")
    };
    assert!(
        excluded(&before),
        "flask starts below the must-have minimum"
    );

    let response = app
        .save_framework(
            &editor,
            "flask",
            &[
                ("req.real-time-updates.strength", "4"),
                (
                    "req.real-time-updates.note",
                    "Flask-SocketIO on async workers, tested at 10k connections.",
                ),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/admin/frameworks/flask/edit?saved=yes"
    );
    assert_eq!(
        strength_in_api(&app, "flask", "real-time-updates").await,
        "4 Flask-SocketIO on async workers, tested at 10k connections."
    );
    let after = app
        .get_json(
            "/api/v1/recommendations?need=real-time-updates",
            StatusCode::OK,
        )
        .await;
    assert!(!excluded(&after), "flask now passes the must-have");

    let (_, history) = app.page(&editor, "/admin/frameworks/flask/history").await;
    let newest = text(select(&history, "#revisions > li")[0]);
    assert!(newest.contains("update by Test User"), "{newest}");
    assert!(newest.contains("requirement real-time-updates"), "{newest}");
}

#[tokio::test]
async fn a_stale_version_is_refused_with_a_conflict_page() {
    let app = spawn_app().await;
    let first = app.signed_in_as(Role::Editor).await;
    let second = app.signed_in_as(Role::Admin).await;
    let mut mine = edit_form(&first, &app, "django").await;
    let mut theirs = edit_form(&second, &app, "django").await;

    set_field(&mut theirs, "summary", "Their summary.");
    set_field(&mut theirs, "action", "save");
    let saved = app
        .submit(&second, "/admin/frameworks/django/edit", &theirs)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    set_field(&mut mine, "summary", "My summary.");
    set_field(&mut mine, "action", "save");
    let refused = app
        .submit(&first, "/admin/frameworks/django/edit", &mine)
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let html = Html::parse_document(&refused.text().await.unwrap());
    let row = text_of(&html, "#conflict tbody tr");
    assert!(
        row.contains("Their summary.") && row.contains("My summary."),
        "{row}"
    );
    // The form keeps my text on top of their version, ready to merge and save.
    let fields = form_fields(&html, "form.edit-form");
    assert!(fields.contains(&("summary".into(), "My summary.".into())));
    let body = app
        .get_json("/api/v1/frameworks/django", StatusCode::OK)
        .await;
    assert_eq!(body["summary"], "Their summary.");

    let mut merged = fields;
    set_field(&mut merged, "action", "save");
    let saved = app
        .submit(&first, "/admin/frameworks/django/edit", &merged)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
}

/// What the form says beside the rating row `row` (e.g. `req-security`) about its last change.
fn rating_change_note(html: &Html, row: &str) -> String {
    let heading = scraper::Selector::parse(&format!("th#{row}")).unwrap();
    let note = scraper::Selector::parse("td p.muted.small").unwrap();
    select(html, "tr")
        .into_iter()
        .find(|tr| tr.select(&heading).next().is_some())
        .and_then(|tr| tr.select(&note).next())
        .map(|p| p.text().collect::<String>().trim().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn who_last_changed_a_rating_shows_beside_it_on_the_form_and_on_the_form_sent_back_with_errors()
 {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let saved = app
        .save_framework(&editor, "flask", &[("req.real-time-updates.strength", "4")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let today = stackatlas::routes::dates::readable_date(&stackatlas::domain::today());
    let changed_by = format!("Changed {today} by Test User");

    let (status, form) = app.page(&editor, "/admin/frameworks/flask/edit").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        rating_change_note(&form, "req-real-time-updates"),
        changed_by
    );

    let refused = app.save_framework(&editor, "flask", &[("name", "")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = Html::parse_document(&refused.text().await.unwrap());
    assert_eq!(select(&again, "#f-name-error").len(), 1);
    assert_eq!(
        rating_change_note(&again, "req-real-time-updates"),
        changed_by
    );
}

#[tokio::test]
async fn bad_values_are_shown_again_with_a_message_at_each_field() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let response = app
        .save_framework(
            &editor,
            "gin",
            &[
                ("name", ""),
                ("first_release", "last year"),
                ("req.security.strength", "9"),
                ("summary", "Kept summary"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    for id in [
        "#f-name-error",
        "#f-first_release-error",
        "#req-security-error",
    ] {
        assert_eq!(select(&html, id).len(), 1, "{id}");
    }
    assert_eq!(text_of(&html, "#f-summary"), "Kept summary");
    let body = app.get_json("/api/v1/frameworks/gin", StatusCode::OK).await;
    assert_eq!(body["name"], "Gin", "nothing was saved");
}

#[tokio::test]
async fn a_missing_or_wrong_csrf_token_changes_nothing() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let mut fields = edit_form(&editor, &app, "gin").await;
    set_field(&mut fields, "name", "Changed");
    set_field(&mut fields, "csrf_token", "forged");
    let response = app
        .submit(&editor, "/admin/frameworks/gin/edit", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    fields.retain(|(n, _)| n != "csrf_token");
    let response = app
        .submit(&editor, "/admin/frameworks/gin/edit", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = app.get_json("/api/v1/frameworks/gin", StatusCode::OK).await;
    assert_eq!(body["name"], "Gin");
}

#[tokio::test]
async fn marking_reviewed_stamps_today() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    sqlx::query("UPDATE frameworks SET last_reviewed = '2025-01-01' WHERE slug = 'gin'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, desk) = app.page(&editor, "/admin").await;
    assert!(text_of(&desk, "#due-list").contains("Gin"));
    let response = app
        .save_framework(&editor, "gin", &[("action", "review")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let body = app.get_json("/api/v1/frameworks/gin", StatusCode::OK).await;
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(body["last_reviewed"], today.as_str());
}

#[tokio::test]
async fn delete_names_what_goes_and_restore_brings_it_back() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, confirm) = app.page(&editor, "/admin/frameworks/vapor/delete").await;
    let links = text_of(&confirm, "#links-removed");
    let requirements = crate::helpers::seed_document().requirements.len();
    assert!(
        links.contains(&format!("{requirements} requirement strengths")),
        "{links}"
    );
    let before = app
        .get_json("/api/v1/frameworks/vapor", StatusCode::OK)
        .await;
    let fields = form_fields(&confirm, "form.form-actions-inline");
    let deleted = app
        .submit(&editor, "/admin/frameworks/vapor/delete", &fields)
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/frameworks/vapor").await.status(),
        StatusCode::NOT_FOUND
    );

    let (status, history) = app.page(&editor, "/admin/frameworks/vapor/history").await;
    assert_eq!(status, StatusCode::OK);
    let restore = select(&history, "#revisions form")[0];
    let action = restore.value().attr("action").unwrap().to_owned();
    let token = crate::helpers::csrf_in(&history);
    let restored = editor
        .post(app.url(&action))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), StatusCode::SEE_OTHER);
    let body = app
        .get_json("/api/v1/frameworks/vapor", StatusCode::OK)
        .await;
    assert_eq!(body["requirements"].as_array().unwrap().len(), requirements);
    // It comes back with its sources and every rating's note and sources.
    assert_eq!(body["sources"], before["sources"]);
    for (restored, was) in body["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .zip(before["requirements"].as_array().unwrap())
    {
        for field in ["requirement", "strength", "note", "sources"] {
            assert_eq!(restored[field], was[field], "{field}");
        }
    }
    let (_, history) = app.page(&editor, "/admin/frameworks/vapor/history").await;
    let newest = text(select(&history, "#revisions > li")[0]);
    assert!(newest.starts_with("revert"), "{newest}");
}

#[tokio::test]
async fn a_new_framework_is_created_and_a_taken_slug_is_a_field_error() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, form) = app.page(&editor, "/admin/frameworks/new").await;
    let mut fields = form_fields(&form, "form.edit-form");
    set_field(&mut fields, "name", "Rocket");
    set_field(&mut fields, "slug", "gin");
    set_field(&mut fields, "language", "rust");
    set_field(&mut fields, "summary", "A Rust web framework.");
    for (name, _) in fields.clone() {
        if name.starts_with("req.") && name.ends_with(".note") {
            set_field(&mut fields, &name.replace(".note", ".strength"), "2");
        }
        if name.starts_with("ind.") && name.ends_with(".note") {
            set_field(&mut fields, &name.replace(".note", ".fit"), "2");
        }
    }
    set_field(&mut fields, "action", "save");
    let taken = app.submit(&editor, "/admin/frameworks/new", &fields).await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&taken.text().await.unwrap());
    assert!(text_of(&html, "#f-slug-error").contains("already uses"));

    set_field(&mut fields, "slug", "rocket");
    let created = app.submit(&editor, "/admin/frameworks/new", &fields).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let body = app
        .get_json("/api/v1/frameworks/rocket", StatusCode::OK)
        .await;
    assert_eq!(body["language"], "rust");
}

#[tokio::test]
async fn markup_saved_in_a_note_is_shown_escaped() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let payload = "<script>alert(1)</script><b onmouseover=alert(2)>x</b>";
    let saved = app
        .save_framework(&editor, "gin", &[("req.security.note", payload)])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    for path in [
        "/frameworks/gin",
        "/admin/frameworks/gin/edit",
        "/admin/frameworks/gin/history",
        "/compare?f=gin&f=axum",
        "/?need=security",
    ] {
        let (_, html) = app.page(&editor, path).await;
        assert!(
            select(&html, "script:not([src])").is_empty()
                && select(&html, "[onmouseover]").is_empty(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_activity_feed_filters_by_editor_and_kind_of_entry() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    app.save_framework(&editor, "gin", &[("summary", "Go's most used router.")])
        .await;

    let (status, html) = app
        .page(&editor, "/admin/activity?editor=Test+User&entity=framework")
        .await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<String> = select(&html, "#activity tbody tr")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("update framework gin"), "{rows:?}");

    let (_, imports) = app
        .page(&editor, "/admin/activity?editor=test&entity=language")
        .await;
    assert_eq!(
        select(&imports, "#activity tbody tr").len(),
        crate::helpers::seed_document().languages.len()
    );
    let (status, _) = app.page(&editor, "/admin/activity?entity=spaceship").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_markdown_preview_is_sanitised_and_needs_the_csrf_token() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let token = app.csrf_token(&editor).await;
    let response = editor
        .post(app.url("/admin/preview"))
        .form(&[
            (
                "markdown",
                "**bold** <script>alert(1)</script> [x](javascript:alert(2))",
            ),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = Html::parse_fragment(&response.text().await.unwrap());
    assert_eq!(text(select(&html, "strong")[0]), "bold");
    assert!(select(&html, "script").is_empty());
    assert!(select(&html, "a[href^='javascript']").is_empty());
    let forged = editor
        .post(app.url("/admin/preview"))
        .form(&[("markdown", "x"), ("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}
