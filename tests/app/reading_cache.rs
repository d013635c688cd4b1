//! The reading pages are prepared once and served from the page cache: every write that
//! changes what one shows is visible to the very next request, whichever table it touched,
//! and a signed-in reader never gets a page prepared for someone else.

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{
    TestApp, attributes, csrf_in, form_fields, publish_radar_edition, select, set_field, spawn_app,
    text_of,
};

/// A query with an industry, must-haves and a team language.
const HEALTHCARE: &str =
    "industry=healthcare&need=security&want=scalability&lang=python&use=telemedicine";

/// An industry Flask is rated for.
async fn an_industry_of_flask(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT i.slug FROM framework_industries fi
         JOIN industries i ON i.id = fi.industry_id
         JOIN frameworks f ON f.id = fi.framework_id
         WHERE f.slug = 'flask' ORDER BY i.slug LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Asks for `path` twice, so the second answer comes from the page cache, and gives it.
async fn kept(app: &TestApp, client: &reqwest::Client, path: &str) -> Html {
    let (status, _) = app.page(client, path).await;
    assert!(status.is_success(), "{path}: {status}");
    let (again, page) = app.page(client, path).await;
    assert_eq!(again, status, "{path} asked again");
    page
}

fn main_text(page: &Html) -> String {
    text_of(page, "main")
}

#[tokio::test]
async fn a_framework_edit_is_visible_on_the_next_request_of_every_reading_page_that_shows_it() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let reader = app.browser();
    let industry = an_industry_of_flask(&app).await;
    let pages = [
        "/frameworks".to_owned(),
        "/frameworks?language=python".to_owned(),
        "/frameworks/flask".to_owned(),
        "/compare?f=flask&f=django".to_owned(),
        format!("/industries/{industry}"),
        "/trends".to_owned(),
    ];
    for path in &pages {
        let page = kept(&app, &reader, path).await;
        assert!(!main_text(&page).contains("Flagon"), "{path} before");
    }

    let saved = app
        .save_framework(&editor, "flask", &[("name", "Flagon")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    for path in &pages {
        let (status, page) = app.page(&reader, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(main_text(&page).contains("Flagon"), "{path} after the save");
    }
    let (_, framework) = app.page(&reader, "/frameworks/flask").await;
    assert_eq!(text_of(&framework, "#framework-title"), "Flagon");
}

#[tokio::test]
async fn a_published_radar_edition_is_visible_on_the_next_request_of_the_trends_page() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let reader = app.browser();
    let before = kept(&app, &reader, "/trends").await;
    assert!(select(&before, "#moves-title").is_empty());
    let (missing, _) = app.page(&reader, "/trends?edition=1").await;
    assert_eq!(missing, StatusCode::NOT_FOUND);
    let version: i64 = sqlx::query_scalar("SELECT version FROM knowledge_version")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    publish_radar_edition(&app, &admin, "Midwinter").await;

    let after = app.get_html("/trends", StatusCode::OK).await;
    assert!(text_of(&after, "#moves-title").contains("Midwinter"));
    let edition = app.get_html("/trends?edition=1", StatusCode::OK).await;
    assert!(main_text(&edition).contains("Midwinter"));
    let still: i64 = sqlx::query_scalar("SELECT version FROM knowledge_version")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(still, version, "the edition moved the second counter alone");
}

#[tokio::test]
async fn an_edition_published_after_a_quiet_spell_is_visible_to_the_next_request() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let reader = app.browser();
    kept(&app, &reader, "/trends").await;
    // Long enough for the server to trust the database files' state and stop reading the
    // counters on every request: only a change of the files makes it read them again.
    tokio::time::sleep(stackatlas::snapshot::SETTLED + std::time::Duration::from_millis(300)).await;
    for _ in 0..3 {
        let page = kept(&app, &reader, "/trends").await;
        assert!(select(&page, "#moves-title").is_empty());
    }
    publish_radar_edition(&app, &admin, "After the lull").await;
    let (_, after) = app.page(&reader, "/trends").await;
    assert!(text_of(&after, "#moves-title").contains("After the lull"));
}

#[tokio::test]
async fn a_rerun_and_an_outcome_are_visible_on_the_next_request_of_the_brief_page() {
    let app = spawn_app().await;
    let owner = app.signed_in_as(Role::Editor).await;
    let id = app.save_brief(&owner, HEALTHCARE, "Acme", "Portal").await;
    let path = format!("/briefs/{id}");
    let page = kept(&app, &owner, &path).await;
    assert_eq!(attributes(&page, "#revisions li", "data-revision"), ["1"]);
    assert!(select(&page, ".brief-badges .badge").is_empty());

    let token = csrf_in(&page);
    let rerun = app
        .submit(
            &owner,
            &format!("/briefs/{id}/rerun"),
            &[("csrf_token".into(), token)],
        )
        .await;
    assert_eq!(rerun.status(), StatusCode::SEE_OTHER);
    let page = kept(&app, &owner, &path).await;
    assert_eq!(
        attributes(&page, "#revisions li", "data-revision"),
        ["2", "1"]
    );

    let mut fields = form_fields(&page, &format!("form[action='/briefs/{id}/outcome']"));
    set_field(&mut fields, "result", "lost");
    set_field(&mut fields, "note", "They stayed with what they had");
    let recorded = app
        .submit(&owner, &format!("/briefs/{id}/outcome"), &fields)
        .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&owner, &path).await;
    assert_eq!(
        attributes(&page, ".brief-badges .badge", "class"),
        ["badge outcome-lost"]
    );
    assert!(main_text(&page).contains("They stayed with what they had"));
}

#[tokio::test]
async fn a_signed_in_reader_never_gets_a_reading_page_prepared_for_another_user_or_a_signed_out_one()
 {
    let app = spawn_app().await;
    let anonymous = app.browser();
    let first = app.signed_in_with("first@example.com", Role::Editor).await;
    let second = app.signed_in_with("second@example.com", Role::Viewer).await;
    let first_token = app.csrf_token(&first).await;
    let second_token = app.csrf_token(&second).await;
    assert_ne!(first_token, second_token);

    for path in [
        "/frameworks",
        "/frameworks/flask",
        "/compare?f=flask&f=django",
        "/trends",
    ] {
        let page = kept(&app, &anonymous, path).await;
        assert!(select(&page, "form[action='/logout']").is_empty(), "{path}");
        assert!(select(&page, "a.flag-link").is_empty(), "{path}");
        for (browser, token) in [(&first, &first_token), (&second, &second_token)] {
            let page = kept(&app, browser, path).await;
            assert_eq!(
                &csrf_in(&page),
                token,
                "{path}: the reader's own sign-out token"
            );
        }
        let (_, page) = app.page(&anonymous, path).await;
        assert!(
            select(&page, "form[action='/logout']").is_empty(),
            "{path} again"
        );
    }
    let (_, framework) = app.page(&first, "/frameworks/flask").await;
    assert!(
        !select(&framework, "a.flag-link").is_empty(),
        "flag links for the signed in"
    );

    // A brief: its owner's page carries the forms that change it; another reader's does not.
    let id = app.save_brief(&first, HEALTHCARE, "Acme", "Portal").await;
    let path = format!("/briefs/{id}");
    let rerun = format!("form[action='/briefs/{id}/rerun']");
    let owners = kept(&app, &first, &path).await;
    assert!(!select(&owners, &rerun).is_empty());
    let readers = kept(&app, &second, &path).await;
    assert!(select(&readers, &rerun).is_empty());
    assert_eq!(csrf_in(&readers), second_token);
    let (status, _) = app.page(&anonymous, &path).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "signed-out readers are sent to sign in"
    );
}
