//! Knowledge checks on the editors' knowledge health page (`stackatlas check` is tested with
//! the other commands in `cli.rs`).

use reqwest::StatusCode;
use stackatlas::domain::Role;

use crate::helpers::{
    attributes, checked_document, contradicted_document, select, spawn_app_with, text, text_of,
};

#[tokio::test]
async fn the_knowledge_health_page_shows_editors_the_checks_findings_and_refuses_others() {
    let app = spawn_app_with(Some(contradicted_document())).await;

    let anonymous = app.get("/admin/health").await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    let location = anonymous.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/login?next="), "{location}");
    let viewer = app.signed_in_as(Role::Viewer).await;
    assert_eq!(
        app.page(&viewer, "/admin/health").await.0,
        StatusCode::FORBIDDEN
    );

    let editor = app.signed_in_as(Role::Editor).await;
    let (status, page) = app.page(&editor, "/admin/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text_of(&page, "h1"), "Knowledge health");
    let summary: Vec<String> = select(&page, "#health-summary dd")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        summary,
        ["2", "6", "100 % (6 of 6)", "1 error, 0 warnings"],
        "frameworks, sources, ratings sourced, findings"
    );

    let must_haves: Vec<String> = select(&page, "#must-haves tbody tr")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        must_haves,
        ["Real-time updates 1 of 2 50 %", "Security 1 of 2 50 %"]
    );

    assert_eq!(text_of(&page, "#errors h2"), "Errors (1)");
    let error = text_of(&page, "#errors .finding");
    assert!(
        error.contains("frameworks[alpha].requirements[security]")
            && error.contains("note-contradicts-rating")
            && error.contains("Alpha's note for Security says \"excellent\""),
        "{error}"
    );
    assert_eq!(
        attributes(&page, "#errors .finding a", "href"),
        ["/admin/frameworks/alpha/edit#req-security"]
    );
    assert_eq!(text_of(&page, "#warnings h2"), "Warnings (0)");

    // The link lands on the rating's row of the edit form.
    let (status, form) = app.page(&editor, "/admin/frameworks/alpha/edit").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select(&form, "#req-security").len(), 1);

    // The desk links to the page.
    let (_, desk) = app.page(&editor, "/admin").await;
    assert!(
        attributes(&desk, ".desk-links a", "href").contains(&"/admin/health".to_owned()),
        "the editors' desk links to knowledge health"
    );
}

#[tokio::test]
async fn the_knowledge_health_page_of_a_clean_knowledge_base_says_there_is_nothing_to_fix() {
    let app = spawn_app_with(Some(checked_document())).await;
    let admin = app.signed_in_as(Role::Admin).await;
    let (status, page) = app.page(&admin, "/admin/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text_of(&page, "#errors h2"), "Errors (0)");
    assert!(select(&page, ".finding").is_empty());
    assert!(text_of(&page, "#errors .empty").starts_with("No errors"));
}
