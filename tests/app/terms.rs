//! Editing the vocabulary: languages, features, industries, use cases, requirements, trends.

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{attributes, form_fields, select, set_field, spawn_app, text, text_of};

const KINDS: [(&str, &str); 6] = [
    ("languages", "go"),
    ("features", "orm"),
    ("industries", "healthcare"),
    ("use-cases", "telemedicine"),
    ("requirements", "security"),
    ("trends", "serverless"),
];

#[tokio::test]
async fn every_vocabulary_page_is_guarded_by_role() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    for (kind, slug) in KINDS {
        for path in [
            format!("/admin/{kind}"),
            format!("/admin/{kind}/new"),
            format!("/admin/{kind}/{slug}/edit"),
            format!("/admin/{kind}/{slug}/delete"),
            format!("/admin/{kind}/{slug}/history"),
        ] {
            assert_eq!(
                app.get(&path).await.status(),
                StatusCode::SEE_OTHER,
                "{path}"
            );
            assert_eq!(
                app.page(&viewer, &path).await.0,
                StatusCode::FORBIDDEN,
                "{path}"
            );
            assert_eq!(app.page(&editor, &path).await.0, StatusCode::OK, "{path}");
        }
    }
    assert_eq!(
        app.page(&editor, "/admin/spaceships").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn renaming_a_requirement_shows_on_the_query_form_and_stale_copies_conflict() {
    let app = spawn_app().await;
    let first = app.signed_in_as(Role::Editor).await;
    let second = app.signed_in_as(Role::Admin).await;
    let path = "/admin/requirements/security/edit";
    let (_, mine) = app.page(&first, path).await;
    let (_, theirs) = app.page(&second, path).await;
    let mut mine = form_fields(&mine, "form.stacked-form");
    let mut theirs = form_fields(&theirs, "form.stacked-form");

    set_field(&mut theirs, "name", "Hardened security");
    assert_eq!(
        app.submit(&second, path, &theirs).await.status(),
        StatusCode::SEE_OTHER
    );
    let html = app.get_html("/", StatusCode::OK).await;
    assert_eq!(text_of(&html, "#req-security"), "Hardened security");

    set_field(&mut mine, "name", "Security first");
    let stale = app.submit(&first, path, &mine).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let html = Html::parse_document(&stale.text().await.unwrap());
    let row = text_of(&html, "#conflict tbody tr");
    assert!(
        row.contains("Hardened security") && row.contains("Security first"),
        "{row}"
    );
}

#[tokio::test]
async fn a_use_case_needs_a_known_industry_and_a_free_slug() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, form) = app.page(&editor, "/admin/use-cases/new").await;
    let mut fields = form_fields(&form, "form.stacked-form");
    set_field(&mut fields, "name", "Drone delivery");
    set_field(&mut fields, "slug", "drone-delivery");
    set_field(&mut fields, "industry", "");
    let response = app.submit(&editor, "/admin/use-cases/new", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select(&html, "#t-industry-error").len(), 1);
    assert_eq!(attributes(&html, "#t-name", "value"), ["Drone delivery"]);

    set_field(&mut fields, "industry", "logistics");
    set_field(&mut fields, "slug", "food-delivery");
    let taken = app.submit(&editor, "/admin/use-cases/new", &fields).await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&taken.text().await.unwrap());
    assert!(text_of(&html, "#t-slug-error").contains("already uses"));

    set_field(&mut fields, "slug", "drone-delivery");
    let created = app.submit(&editor, "/admin/use-cases/new", &fields).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let industries = app.get_json("/api/v1/industries", StatusCode::OK).await;
    let logistics = industries
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "logistics")
        .unwrap();
    assert!(
        logistics["use_cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["slug"] == "drone-delivery")
    );
}

#[tokio::test]
async fn a_language_in_use_cannot_be_deleted_and_nothing_changes() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, confirm) = app.page(&editor, "/admin/languages/go/delete").await;
    assert!(text_of(&confirm, "#blocked").contains("written in this language"));
    assert!(text_of(&confirm, "#links-removed").contains("Gin"));
    let token = crate::helpers::csrf_in(&confirm);
    let response = editor
        .post(app.url("/admin/languages/go/delete"))
        .form(&[("version", "1"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let languages = app.get_json("/api/v1/languages", StatusCode::OK).await;
    assert!(
        languages
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["slug"] == "go")
    );
}

#[tokio::test]
async fn a_deleted_trend_loses_its_links_and_comes_back_with_restore() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, confirm) = app.page(&editor, "/admin/trends/webassembly/delete").await;
    let fields = form_fields(&confirm, "form.form-actions-inline");
    let deleted = app
        .submit(&editor, "/admin/trends/webassembly/delete", &fields)
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    let trends = app.get_json("/api/v1/trends", StatusCode::OK).await;
    assert!(
        !trends
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["slug"] == "webassembly")
    );

    let (_, history) = app.page(&editor, "/admin/trends/webassembly/history").await;
    let newest = text(select(&history, "#revisions > li")[0]);
    assert!(newest.starts_with("delete"), "{newest}");
    let action = attributes(&history, "#revisions form", "action")[0].clone();
    let token = crate::helpers::csrf_in(&history);
    let restored = editor
        .post(app.url(&action))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), StatusCode::SEE_OTHER);
    let trends = app.get_json("/api/v1/trends", StatusCode::OK).await;
    assert!(
        trends
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["slug"] == "webassembly")
    );
}

#[tokio::test]
async fn markup_in_a_term_name_is_shown_escaped() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let path = "/admin/industries/gaming/edit";
    let (_, form) = app.page(&editor, path).await;
    let mut fields = form_fields(&form, "form.stacked-form");
    let payload = "Games <img src=x onerror=alert(1)>";
    set_field(&mut fields, "name", payload);
    assert_eq!(
        app.submit(&editor, path, &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    for path in [
        "/industries",
        "/industries/gaming",
        "/",
        "/admin/industries",
        path,
        "/compare?f=gin&f=axum",
    ] {
        let (_, html) = app.page(&editor, path).await;
        assert!(select(&html, "[onerror]").is_empty(), "{path}");
    }
    let (_, html) = app.page(&editor, "/industries/gaming").await;
    assert_eq!(text_of(&html, "h1"), payload);
}

#[tokio::test]
async fn lists_search_filter_and_sort() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, html) = app
        .page(&editor, "/admin/use-cases?within=healthcare")
        .await;
    let names: Vec<String> = select(&html, "#term-table tbody th")
        .into_iter()
        .map(text)
        .collect();
    assert!(names.contains(&"Telemedicine".to_owned()), "{names:?}");
    assert!(names.len() < crate::helpers::seed_document().use_cases.len());
    let (_, html) = app.page(&editor, "/admin/requirements?q=sql").await;
    let slugs: Vec<String> = select(&html, "#term-table tbody code")
        .into_iter()
        .map(text)
        .collect();
    assert!(slugs.contains(&"sql-database".to_owned()), "{slugs:?}");
    let (status, _) = app.page(&editor, "/admin/use-cases?within=moon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, html) = app
        .page(&editor, "/admin/frameworks?sort=reviewed&page=2")
        .await;
    assert!(text_of(&html, ".result-count").contains("page 2 of 3"));
    let (status, _) = app.page(&editor, "/admin/frameworks?sort=sideways").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
