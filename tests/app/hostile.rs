//! Hostile and malformed input: every such request gets a clear 4xx and writes nothing.

use reqwest::StatusCode;
use stackatlas::domain::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, edit_form, set_field, spawn_app};

/// Rows any write would touch.
async fn footprint(app: &TestApp) -> (i64, i64) {
    let audit = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let version = sqlx::query_scalar("SELECT version FROM knowledge_version")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (audit, version)
}

#[tokio::test]
async fn the_largest_valid_edit_form_is_saved_and_anything_over_the_limit_is_refused_with_413() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    // Every note at its 500-character maximum and a 20,000-character description, in
    // three-byte characters: far more than the old 16 KiB form limit allowed.
    let mut fields = edit_form(&editor, &app, "flask").await;
    for (name, value) in fields.iter_mut() {
        if name.ends_with(".note") {
            *value = "界".repeat(500);
        }
    }
    set_field(&mut fields, "description", &"語".repeat(20_000));
    set_field(&mut fields, "action", "save");
    let saved = app
        .submit(&editor, "/admin/frameworks/flask/edit", &fields)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let before = footprint(&app).await;
    let refused = app
        .save_framework(
            &editor,
            "flask",
            &[("description", &"x".repeat(2 * 1024 * 1024))],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = scraper::Html::parse_document(&refused.text().await.unwrap());
    let message = crate::helpers::text_of(&page, "main");
    assert!(message.contains("1024 KiB"), "{message}");
    assert_eq!(footprint(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn malformed_forms_and_parameters_get_a_4xx_naming_the_problem() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let before = footprint(&app).await;
    let token = app.csrf_token(&editor).await;
    let edit = app.url("/admin/frameworks/flask/edit");
    for (content_type, body) in [
        // Invalid UTF-8 once percent-decoded.
        (
            "application/x-www-form-urlencoded",
            format!("csrf_token={token}&version=1&summary=%FF%FE&action=save"),
        ),
        // A truncated escape.
        (
            "application/x-www-form-urlencoded",
            format!("csrf_token={token}&version=1&summary=%E2%82&action=save"),
        ),
        // Not a form at all.
        (
            "application/json",
            format!("{{\"csrf_token\": \"{token}\"}}"),
        ),
        // A version that is not a number.
        (
            "application/x-www-form-urlencoded",
            format!("csrf_token={token}&version=latest&action=save"),
        ),
    ] {
        let response = editor
            .post(&edit)
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(status.is_client_error(), "{body}: {status}");
    }
    assert_eq!(footprint(&app).await, before);

    let long = "a".repeat(5_000);
    for path in [
        format!("/?need={long}"),
        format!("/?q={long}"),
        "/?q=%FF%FE%00".to_owned(),
        format!("/api/v1/recommendations?lang={long}"),
        "/api/v1/recommendations?industry=%00".to_owned(),
        "/frameworks?ring=%FF".to_owned(),
        "/compare?f=%2e%2e%2f%2e%2e".to_owned(),
    ] {
        let response = app.get(&path).await;
        let status = response.status();
        assert!(
            status.is_client_error() || status == StatusCode::OK,
            "{path}: {status}"
        );
        assert!(!status.is_server_error(), "{path}");
    }
    let response = app
        .get(&format!("/api/v1/recommendations?need={long}"))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["field"], "need");
}

/// Sends `path` exactly as written (no client-side normalisation) and returns the status
/// code and the body.
async fn raw_get(app: &TestApp, path: &str) -> (u16, String) {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status for {path}: {response}"));
    (status, response)
}

#[tokio::test]
async fn path_tricks_reach_neither_files_nor_the_editors_pages() {
    let app = spawn_app().await;
    for path in [
        "/static/../Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/style.css%00.txt",
        "/static/",
        "/frameworks/..%2f..%2fadmin",
        "/../../etc/passwd",
    ] {
        let (status, body) = raw_get(&app, path).await;
        assert!((400..500).contains(&status), "{path}: {status}");
        assert!(
            !body.contains("[package]") && !body.contains("root:"),
            "{path}"
        );
    }
    for path in [
        "//admin",
        "/admin/",
        "/./admin",
        "/admin/../admin/users",
        "/admin//users",
        "/%61dmin",
        "/admin/frameworks/../users",
    ] {
        let (status, body) = raw_get(&app, path).await;
        assert!(
            status == 303 || status == 404 || status == 400,
            "{path}: {status}"
        );
        if status == 303 {
            assert!(body.contains("location: /login?next="), "{path}: {body}");
        }
        assert!(
            !body.contains("Editors' desk"),
            "{path} showed an editors' page"
        );
    }
}

#[tokio::test]
async fn an_address_the_api_does_not_have_is_a_json_404_whatever_the_method() {
    let app = spawn_app().await;
    for method in [
        reqwest::Method::GET,
        reqwest::Method::POST,
        reqwest::Method::DELETE,
    ] {
        let missing = app
            .client
            .request(method.clone(), app.url("/api/v1/nothing"))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND, "{method}");
        let body: serde_json::Value = missing.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{method}");
    }
}

#[tokio::test]
async fn page_numbers_too_large_for_any_list_neither_wrap_nor_fail() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    for list in ["/admin/activity", "/admin/frameworks", "/admin/languages"] {
        for page in ["9223372036854775807", "18446744073709551615", "0"] {
            let path = format!("{list}?page={page}");
            let (status, html) = app.page(&editor, &path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(!crate::helpers::select(&html, "h1").is_empty(), "{path}");
        }
    }
}

#[tokio::test]
async fn a_path_segment_of_the_wrong_kind_gets_the_sites_404_page() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let token = app.csrf_token(&admin).await;
    for path in [
        "/admin/users/not-a-number/role",
        "/admin/users/99999999999999999999999/access",
        "/admin/frameworks/django/history/abc/restore",
    ] {
        let response = admin
            .post(app.url(path))
            .form(&[("csrf_token", token.as_str()), ("role", "viewer")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        let page = scraper::Html::parse_document(&response.text().await.unwrap());
        assert_eq!(
            crate::helpers::text_of(&page, "h1"),
            "Page not found",
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_refused_with_408() {
    let app = crate::helpers::spawn_app_with_settings(
        Some(crate::helpers::seed_document()),
        stackatlas::startup::Settings {
            body_read_timeout: Some(std::time::Duration::from_millis(500)),
            ..Default::default()
        },
    )
    .await;
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    // Promises 100 bytes, sends three, then nothing.
    stream
        .write_all(
            format!(
                "POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Type: \
                 application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nema"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await
    .expect("the server answers instead of waiting for ever")
    .unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
}
