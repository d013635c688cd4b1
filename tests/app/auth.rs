//! Signing in and out, roles on `/admin`, CSRF, throttling, and the accounts page.

use futures_util::future::join_all;
use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;
use stackatlas::startup::Settings;

use crate::helpers::{
    TEST_PASSWORD, TestApp, attributes, seed_document, select, spawn_app, spawn_app_with_settings,
    text, text_of,
};

async fn html(response: reqwest::Response) -> Html {
    Html::parse_document(&response.text().await.unwrap())
}

#[tokio::test]
async fn anonymous_visitors_on_admin_pages_are_sent_to_sign_in_and_back() {
    let app = spawn_app().await;
    for path in ["/admin", "/admin/users", "/admin/anything?x=1"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let expected = format!(
            "/login?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("next", path)
                .finish()
        );
        assert_eq!(location, expected);
    }
}

#[tokio::test]
async fn viewers_are_refused_admin_pages_with_a_403_page() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    for path in ["/admin", "/admin/users"] {
        let response = viewer.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let page = html(response).await;
        assert_eq!(text_of(&page, "h1"), "Not allowed");
    }
}

#[tokio::test]
async fn editors_reach_the_desk_but_only_admins_manage_accounts() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let desk = editor.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(desk.status(), StatusCode::OK);
    let page = html(desk).await;
    assert_eq!(text_of(&page, "h1"), "Editors' desk");
    // The seed was imported, so the activity list shows it.
    assert!(!select(&page, "#activity tbody tr").is_empty());
    let accounts = editor.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(accounts.status(), StatusCode::FORBIDDEN);

    let admin = app.signed_in_as(Role::Admin).await;
    let accounts = admin.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(accounts.status(), StatusCode::OK);
    let page = html(accounts).await;
    let emails: Vec<String> = select(&page, "#users tbody td:nth-of-type(1)")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(emails, ["admin@example.com", "editor@example.com"]);
}

#[tokio::test]
async fn the_header_shows_who_is_signed_in_and_signing_out_ends_the_session() {
    let app = spawn_app().await;
    let anonymous = html(app.get("/").await).await;
    assert_eq!(attributes(&anonymous, ".account a", "href"), ["/login"]);

    let editor = app.signed_in_as(Role::Editor).await;
    let page = html(editor.get(app.url("/")).send().await.unwrap()).await;
    assert_eq!(text_of(&page, ".account a"), "Test User");
    let token = app.csrf_token(&editor).await;
    let out = editor
        .post(app.url("/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = editor.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "signed out");
}

#[tokio::test]
async fn a_wrong_email_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Editor).await;
    let browser = app.browser();
    let wrong_password = app
        .sign_in(&browser, "ada@example.com", "not the password", "/")
        .await;
    let wrong_email = app
        .sign_in(&browser, "nobody@example.com", TEST_PASSWORD, "/")
        .await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_email.status(), StatusCode::UNAUTHORIZED);
    let a = text_of(&html(wrong_password).await, "#login-error");
    let b = text_of(&html(wrong_email).await, "#login-error");
    assert_eq!(a, "The email or password is wrong.");
    assert_eq!(a, b);
}

#[tokio::test]
async fn repeated_failures_are_refused_for_a_while() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Editor).await;
    // Ten wrong guesses, sent at once because each answer is slowed by the failures before
    // it (in turn they would take 13 seconds): every one is checked and refused.
    let guesses = (0..10).map(|_| async {
        let browser = app.browser();
        let response = app.sign_in(&browser, "ada@example.com", "guess", "/").await;
        response.status()
    });
    let statuses = join_all(guesses).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    // The eleventh is refused without a check…
    let browser = app.browser();
    let eleventh = app.sign_in(&browser, "ada@example.com", "guess", "/").await;
    assert_eq!(eleventh.status(), StatusCode::TOO_MANY_REQUESTS);
    // …and so is the right password while locked out.
    let right = app
        .sign_in(&browser, "ada@example.com", TEST_PASSWORD, "/")
        .await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    let page = html(right).await;
    assert!(text_of(&page, "main").contains("Wait 15 minutes"));
}

#[tokio::test]
async fn signing_in_follows_next_only_to_local_paths() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Editor).await;
    let browser = app.browser();
    let local = app
        .sign_in(&browser, "ada@example.com", TEST_PASSWORD, "/admin?tab=due")
        .await;
    assert_eq!(local.headers()["location"], "/admin?tab=due");
    let other = app.browser();
    let away = app
        .sign_in(
            &other,
            "ada@example.com",
            TEST_PASSWORD,
            "https://evil.example/",
        )
        .await;
    assert_eq!(away.headers()["location"], "/");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_and_new_at_every_sign_in() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Editor).await;
    let browser = app.browser();
    let first = app
        .sign_in(&browser, "ada@example.com", TEST_PASSWORD, "/")
        .await;
    let cookie = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("stackatlas_session="))
            .unwrap()
    };
    let first_cookie = cookie(&first);
    assert!(first_cookie.contains("HttpOnly"), "{first_cookie}");
    assert!(first_cookie.contains("SameSite=Lax"), "{first_cookie}");
    let token = app.csrf_token(&browser).await;
    browser
        .post(app.url("/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    let second = app
        .sign_in(&browser, "ada@example.com", TEST_PASSWORD, "/")
        .await;
    assert_ne!(
        cookie(&second),
        first_cookie,
        "a new session id at every sign-in"
    );
}

#[tokio::test]
async fn a_form_without_the_right_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    for token in ["", "forged"] {
        let response = admin
            .post(app.url("/admin/users"))
            .form(&[
                ("email", "mallory@example.com"),
                ("name", "Mallory"),
                ("role", "admin"),
                ("password", "a long enough password"),
                ("csrf_token", token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let missing = admin
        .post(app.url("/admin/users"))
        .form(&[("email", "mallory@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = 'mallory@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn an_admin_invites_someone_who_can_then_sign_in_and_can_be_disabled() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let token = app.csrf_token(&admin).await;
    let created = app
        .invite(&admin, "Grace@Example.com", "Grace", Role::Editor)
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let page = html(admin.get(app.url(&location)).send().await.unwrap()).await;
    assert!(text_of(&page, ".alert.success").contains("grace@example.com"));

    let grace = app.browser();
    let signed = app
        .sign_in(
            &grace,
            "grace@example.com",
            "another long password",
            "/admin",
        )
        .await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        grace.get(app.url("/admin")).send().await.unwrap().status(),
        StatusCode::OK
    );

    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'grace@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let disabled = admin
        .post(app.url(&format!("/admin/users/{id}/access")))
        .form(&[("disabled", "true"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), StatusCode::SEE_OTHER);
    // Her open session ended, and she cannot sign in again.
    assert_eq!(
        grace.get(app.url("/admin")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let again = app
        .sign_in(
            &app.browser(),
            "grace@example.com",
            "another long password",
            "/",
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bad_new_account_is_shown_again_with_a_message_at_each_field() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let token = app.csrf_token(&admin).await;
    let response = admin
        .post(app.url("/admin/users"))
        .form(&[
            ("email", "not-an-email"),
            ("name", "Kept Name"),
            ("role", "overlord"),
            ("password", "short"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(response).await;
    let fields: Vec<String> = attributes(&page, ".field-error", "id");
    assert_eq!(
        fields,
        ["new-email-error", "new-password-error", "new-role-error"]
    );
    assert_eq!(attributes(&page, "#new-name", "value"), ["Kept Name"]);
    assert_eq!(attributes(&page, "#new-password", "value"), [""]);

    let taken = admin
        .post(app.url("/admin/users"))
        .form(&[
            ("email", "admin@example.com"),
            ("name", "Again"),
            ("role", "viewer"),
            ("password", "a long enough password"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(taken).await;
    assert!(text_of(&page, "#new-email-error").contains("already exists"));
}

#[tokio::test]
async fn admins_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let token = app.csrf_token(&admin).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let response = admin
        .post(app.url(&format!("/admin/users/{id}/role")))
        .form(&[("role", "viewer"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn with_read_requires_login_anonymous_readers_are_sent_to_sign_in() {
    let settings = Settings {
        read_requires_login: true,
        ..Settings::default()
    };
    let app = spawn_app_with_settings(Some(seed_document()), settings).await;
    for path in ["/", "/frameworks/django", "/api/v1/frameworks"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
    }
    assert_eq!(app.get("/login").await.status(), StatusCode::OK);
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let viewer = app.signed_in_as(Role::Viewer).await;
    let page = viewer
        .get(app.url("/frameworks/django"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_session_unused_for_two_hours_is_over() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    assert_eq!(
        editor.get(app.url("/admin")).send().await.unwrap().status(),
        StatusCode::OK
    );
    sqlx::query(
        "UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-121 minutes')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let response = editor.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "expired sessions are removed");
}

#[tokio::test]
async fn a_session_in_daily_use_still_ends_seven_days_after_sign_in() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    sqlx::query(
        "UPDATE sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-6 days', '-23 hours')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let admin = |client: &reqwest::Client| client.get(app.url("/admin")).send();
    assert_eq!(admin(&editor).await.unwrap().status(), StatusCode::OK);
    sqlx::query(
        "UPDATE sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-7 days', '-1 minutes')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // Used a moment ago, yet over.
    assert_eq!(
        admin(&editor).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_sessions_last_use_is_written_at_most_once_a_minute() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let set_last_seen = |ago: &'static str| {
        sqlx::query("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?1)")
            .bind(ago)
            .execute(&app.pool)
    };
    let seconds_since_last_seen = || {
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(strftime('%s', 'now') - strftime('%s', last_seen_at) AS INTEGER)
             FROM sessions",
        )
        .fetch_one(&app.pool)
    };
    set_last_seen("-30 seconds").await.unwrap();
    let page = editor.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        seconds_since_last_seen().await.unwrap() >= 29,
        "not written again"
    );
    set_last_seen("-90 seconds").await.unwrap();
    editor.get(app.url("/admin")).send().await.unwrap();
    assert!(
        seconds_since_last_seen().await.unwrap() <= 2,
        "marked as used now"
    );
}

#[tokio::test]
async fn viewers_cannot_change_anything() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let token = app.csrf_token(&viewer).await;
    for path in [
        "/admin/users",
        "/admin/users/1/role",
        "/admin/users/1/access",
        "/admin/frameworks/new",
        "/admin/frameworks/flask/edit",
        "/admin/frameworks/flask/delete",
        "/admin/frameworks/flask/history/1/restore",
        "/admin/languages/new",
        "/admin/languages/go/edit",
        "/admin/languages/go/delete",
        "/admin/languages/go/history/1/restore",
    ] {
        let response = viewer
            .post(app.url(path))
            .form(&[("csrf_token", token.as_str()), ("name", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let anonymous = app.browser();
    let response = anonymous
        .post(app.url("/admin/frameworks/flask/delete"))
        .form(&[("version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/frameworks/flask").await.status(),
        StatusCode::OK,
        "nothing was deleted"
    );
}

/// An editor signed in, whose session the server now remembers (asked twice: the second
/// answer comes from the remembered session).
async fn remembered_editor(app: &TestApp) -> reqwest::Client {
    let editor = app.signed_in_as(Role::Editor).await;
    for _ in 0..2 {
        let admin = editor.get(app.url("/admin")).send().await.unwrap();
        assert_eq!(admin.status(), StatusCode::OK);
    }
    editor
}

/// What `/admin` answers a remembered editor on the very next request after `sql` ran on the
/// database behind the server's back (another server, the command line).
async fn admin_after_writing_elsewhere(sql: &'static str) -> StatusCode {
    let app = spawn_app().await;
    let editor = remembered_editor(&app).await;
    sqlx::query(sql).execute(&app.pool).await.unwrap();
    editor.get(app.url("/admin")).send().await.unwrap().status()
}

#[tokio::test]
async fn a_session_the_server_remembers_is_refused_on_the_very_next_request_once_ended_elsewhere() {
    assert_eq!(
        admin_after_writing_elsewhere("DELETE FROM sessions").await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_remembered_sessions_role_is_the_one_the_database_holds_on_the_very_next_request() {
    assert_eq!(
        admin_after_writing_elsewhere("UPDATE users SET role = 'viewer' WHERE role = 'editor'")
            .await,
        StatusCode::FORBIDDEN
    );
}
