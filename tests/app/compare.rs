//! `/compare`: frameworks side by side.

use reqwest::StatusCode;

use crate::helpers::{attributes, seed_document, select, spawn_app, text, text_of};

#[tokio::test]
async fn two_frameworks_are_compared_on_every_requirement_and_industry() {
    let app = spawn_app().await;
    let html = app
        .get_html("/compare?f=django&f=laravel", StatusCode::OK)
        .await;
    let heads = attributes(&html, ".compare-table thead a", "href");
    assert_eq!(heads, ["/frameworks/django", "/frameworks/laravel"]);
    let seed = seed_document();
    let requirement_rows = attributes(
        &html,
        ".compare-table tbody th a[href^=\"/?need=\"]",
        "href",
    );
    assert_eq!(requirement_rows.len(), seed.requirements.len());
    let industry_rows = attributes(
        &html,
        ".compare-table tbody th a[href^=\"/industries/\"]",
        "href",
    );
    assert_eq!(industry_rows.len(), seed.industries.len());
    // Each figure row has one cell per framework, with its note.
    for row in select(&html, ".compare-table tr.differs") {
        let cells = row.select(&crate::helpers::selector("td")).count();
        assert_eq!(cells, 2);
        let best = row.select(&crate::helpers::selector("td.best")).count();
        assert!(best >= 1, "a differing row marks its best figure");
    }
}

#[tokio::test]
async fn differing_rows_are_counted_and_highlighted() {
    let app = spawn_app().await;
    let html = app
        .get_html("/compare?f=nodejs&f=django&f=ktor", StatusCode::OK)
        .await;
    let differing = select(&html, ".compare-table tr.differs").len();
    assert!(differing > 0);
    let lead = text_of(&html, ".lead");
    assert!(lead.starts_with(&format!("{differing} row")), "{lead}");
}

#[tokio::test]
async fn a_bad_selection_shows_the_chooser_with_a_message_naming_f() {
    let app = spawn_app().await;
    for path in [
        "/compare?f=django",
        "/compare?f=django&f=unicorn",
        "/compare?f=django&f=flask&f=ktor&f=gin&f=axum",
        "/compare?f=django&f=flask&x=1",
    ] {
        let html = app.get_html(path, StatusCode::BAD_REQUEST).await;
        let message = text_of(&html, "#compare-error");
        assert!(
            message.contains("f:") || message.contains("“x”"),
            "{path}: {message}"
        );
        assert!(!select(&html, ".choose-form input[name=f]").is_empty());
    }
}

#[tokio::test]
async fn an_empty_compare_invites_a_choice() {
    let app = spawn_app().await;
    let html = app.get_html("/compare", StatusCode::OK).await;
    let options = select(&html, ".choose-form input[name=f]");
    assert_eq!(options.len(), seed_document().frameworks.len());
    assert!(select(&html, "#compare-error").is_empty());
    assert_eq!(text(select(&html, "h1")[0]), "Compare frameworks");
}
