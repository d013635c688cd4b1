//! What the app must not give away: pages of a signed-in user to a shared cache, the
//! database to other local users, links built from a stranger's headers.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::client::{Network, TrustedProxies};
use stackatlas::domain::Role;
use stackatlas::startup::Settings;

use crate::helpers::{
    seed_document, spawn_app, spawn_app_behind_a_proxy, spawn_app_with_settings, text_of,
};

fn header_values(response: &reqwest::Response, name: &str) -> Vec<String> {
    response
        .headers()
        .get_all(name)
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .map(|v| v.trim().to_owned())
        .collect()
}

#[tokio::test]
async fn pages_rendered_for_a_signed_in_user_are_never_stored_by_any_cache() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    for path in [
        "/",
        "/?industry=healthcare&need=security",
        "/frameworks",
        "/frameworks/django",
        "/compare?f=django&f=laravel",
        "/trends",
        "/admin",
        "/admin/frameworks",
        "/admin/frameworks/django/edit",
        "/admin/activity",
    ] {
        let response = editor.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header_values(&response, "cache-control"),
            ["private", "no-store"],
            "{path}"
        );
        assert!(
            header_values(&response, "vary").contains(&"Cookie".to_owned()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn anonymous_pages_tell_shared_caches_they_depend_on_the_cookie() {
    let app = spawn_app().await;
    for path in ["/", "/frameworks/django", "/api/v1/frameworks", "/nowhere"] {
        let response = app.get(path).await;
        let vary = header_values(&response, "vary");
        assert_eq!(
            vary.iter().filter(|v| v.as_str() == "Cookie").count(),
            1,
            "{path}: {vary:?}"
        );
        assert!(
            !header_values(&response, "cache-control").contains(&"public".to_owned()),
            "{path}"
        );
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_database_its_log_and_its_backups_are_for_the_owner_alone() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let file = folder.join("stackatlas.db");
    let pool = stackatlas::db::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    stackatlas::db::migrate(&pool).await.unwrap();
    assert_eq!(mode(&folder), 0o700);
    for name in ["stackatlas.db", "stackatlas.db-wal", "stackatlas.db-shm"] {
        assert_eq!(mode(&folder.join(name)), 0o600, "{name}");
    }
    let backup = dir.path().join("backups/today.db");
    stackatlas::db::backup::backup(&pool, &backup)
        .await
        .unwrap();
    assert_eq!(mode(&backup), 0o600);
    assert_eq!(mode(backup.parent().unwrap()), 0o700);
}

/// The share link printed in the query page's summary.
async fn share_link(app: &crate::helpers::TestApp, headers: &[(&str, &str)]) -> String {
    let mut request = app
        .client
        .get(app.url("/?industry=healthcare&need=security"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = request.send().await.unwrap().text().await.unwrap();
    text_of(
        &Html::parse_document(&body),
        ".query-summary > div:last-child dd",
    )
}

#[tokio::test]
async fn forwarded_host_and_scheme_are_believed_only_from_a_trusted_proxy() {
    let forged = [
        ("X-Forwarded-Host", "evil.example"),
        ("X-Forwarded-Proto", "https"),
    ];
    let direct = spawn_app().await;
    let link = share_link(&direct, &forged).await;
    assert_eq!(
        link,
        format!("{}/?industry=healthcare&need=security", direct.address)
    );

    let proxied = spawn_app_behind_a_proxy().await;
    let link = share_link(
        &proxied,
        &[
            ("X-Forwarded-Host", "atlas.example.com"),
            ("X-Forwarded-Proto", "https"),
        ],
    )
    .await;
    assert_eq!(
        link,
        "https://atlas.example.com/?industry=healthcare&need=security"
    );
}

#[tokio::test]
async fn with_a_public_url_links_use_it_whatever_the_request_says() {
    let app = spawn_app_with_settings(
        Some(seed_document()),
        Settings {
            network: Network {
                trusted: TrustedProxies::default(),
                public_url: Some("https://atlas.example.com/sales".into()),
            },
            ..Settings::default()
        },
    )
    .await;
    for headers in [
        vec![],
        vec![("X-Forwarded-Host", "evil.example")],
        vec![("Host", "made-up.example")],
    ] {
        assert_eq!(
            share_link(&app, &headers).await,
            "https://atlas.example.com/sales/?industry=healthcare&need=security"
        );
    }
}

#[tokio::test]
async fn editors_see_accounts_in_the_activity_by_name_and_only_admins_see_emails() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let created = app
        .invite(&admin, "grace@example.com", "Grace Hopper", Role::Editor)
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let editor = app.signed_in_as(Role::Editor).await;
    for path in ["/admin/activity", "/admin"] {
        let (_, page) = app.page(&editor, path).await;
        let shown = text_of(&page, "main");
        assert!(shown.contains("Grace Hopper"), "{path}: {shown}");
        assert!(!shown.contains('@'), "{path} shows an email: {shown}");
        let options = crate::helpers::attributes(&page, "option", "value");
        assert!(options.iter().all(|o| !o.contains('@')), "{options:?}");
        let (_, page) = app.page(&admin, path).await;
        assert!(
            text_of(&page, "main").contains("grace@example.com"),
            "{path}"
        );
    }
}
