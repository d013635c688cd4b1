//! Failures and hostile content: the site answers with a page in its layout and never runs
//! what an entry contains.

use reqwest::StatusCode;

use crate::helpers::{seed_document, select, spawn_app, spawn_app_with, text, text_of};

#[tokio::test]
async fn a_database_failure_is_a_500_page_that_hides_the_cause() {
    let app = spawn_app().await;
    app.pool.close().await;
    let response = app.get("/frameworks").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    let html = scraper::Html::parse_document(&body);
    assert_eq!(text_of(&html, "h1"), "Something went wrong");
    assert_eq!(select(&html, "header.site-header").len(), 1);
    assert!(
        !body.to_lowercase().contains("sqlx"),
        "internals leaked: {body}"
    );
    assert!(
        !body.to_lowercase().contains("pool"),
        "internals leaked: {body}"
    );
}

#[tokio::test]
async fn the_health_check_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.pool.close().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
}

#[tokio::test]
async fn markup_in_entries_is_shown_as_text_and_scripts_never_reach_the_page() {
    let mut doc = seed_document();
    let payload = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let flask = doc
        .frameworks
        .iter_mut()
        .find(|f| f.slug == "flask")
        .unwrap();
    flask.name = format!("Flask {payload}");
    flask.summary = format!("Summary {payload}");
    flask.description = format!("Intro **bold**\n\n{payload}\n\n[click](javascript:alert(1))");
    flask.requirements[0].note = format!("Note {payload}");
    let healthcare = doc
        .industries
        .iter_mut()
        .find(|i| i.slug == "healthcare")
        .unwrap();
    healthcare.name = format!("Health {payload}");
    let app = spawn_app_with(Some(doc)).await;

    for path in [
        "/frameworks/flask",
        "/frameworks",
        "/industries/healthcare",
        "/industries",
        "/",
        "/?industry=healthcare&want=security&q=flask",
        "/compare?f=flask&f=django",
        "/trends",
    ] {
        let body = app.get(path).await.text().await.unwrap();
        let html = scraper::Html::parse_document(&body);
        assert_eq!(
            select(&html, "script:not([src^='/static/app.js'])").len(),
            0,
            "a script element other than the site's own on {path}"
        );
        assert!(
            select(&html, "[onerror]").is_empty(),
            "an event handler on {path}"
        );
        assert!(
            select(&html, "a[href^='javascript']").is_empty(),
            "a javascript link on {path}"
        );
    }
    let html = app.get_html("/frameworks/flask", StatusCode::OK).await;
    assert_eq!(text_of(&html, "h1"), format!("Flask {payload}"));
    let bold: Vec<String> = select(&html, ".prose strong")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(bold, ["bold"]);
    let html = app.get_html("/?q=flask", StatusCode::OK).await;
    let names: Vec<String> = select(&html, ".ranked h3 a")
        .into_iter()
        .map(text)
        .collect();
    assert!(names.contains(&format!("Flask {payload}")), "{names:?}");
}
