//! Sign-in under attack: bursts, a stranger locking someone out, clients behind a proxy, and
//! signing out from another site. The policy is written down in `src/sign_in.rs`.

use futures_util::future::join_all;
use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;
use stackatlas::startup::Settings;

use crate::helpers::{
    TEST_PASSWORD, TestApp, csrf_in, seed_document, select, spawn_app_behind_a_proxy,
    spawn_app_with_settings, text_of,
};

const ADMIN: &str = "admin@example.com";

/// One sign-in by a new browser: fetch the form, post it, as coming from `client` when given.
async fn attempt(app: &TestApp, email: &str, password: &str, client: Option<&str>) -> StatusCode {
    answer(app, email, password, client).await.status()
}

async fn answer(
    app: &TestApp,
    email: &str,
    password: &str,
    client: Option<&str>,
) -> reqwest::Response {
    let browser = app.browser();
    let form = browser.get(app.url("/login")).send().await.unwrap();
    let token = csrf_in(&Html::parse_document(&form.text().await.unwrap()));
    let mut request = browser.post(app.url("/login")).form(&[
        ("email", email),
        ("password", password),
        ("next", "/"),
        ("csrf_token", token.as_str()),
    ]);
    if let Some(client) = client {
        request = request.header("X-Forwarded-For", client);
    }
    request.send().await.unwrap()
}

/// `n` sign-ins by new browsers, all sent at once; the `i`th signs in as `guess(i)`: email,
/// password, client. At once also because each answer is slowed by the failures counted
/// before it: one after another, ten failures would take 13 seconds.
async fn at_once(
    app: &TestApp,
    n: i64,
    guess: impl Fn(i64) -> (String, String, Option<String>),
) -> Vec<StatusCode> {
    join_all((0..n).map(|i| {
        let (email, password, client) = guess(i);
        async move { attempt(app, &email, &password, client.as_deref()).await }
    }))
    .await
}

fn count(statuses: &[StatusCode], wanted: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

#[tokio::test]
async fn thirty_parallel_guesses_at_one_account_get_exactly_ten_checks() {
    let app = spawn_app_with_settings(Some(seed_document()), Settings::default()).await;
    app.create_user(ADMIN, Role::Admin).await;
    let statuses = at_once(&app, 30, |i| {
        (ADMIN.into(), format!("guess number {i}"), None)
    })
    .await;
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        10,
        "{statuses:?}"
    );
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 20);
    // The limit holds for the right password too, from the same address.
    assert_eq!(
        attempt(&app, ADMIN, TEST_PASSWORD, None).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_stranger_guessing_cannot_lock_the_owner_out_of_their_account() {
    let app = spawn_app_behind_a_proxy().await;
    app.create_user(ADMIN, Role::Admin).await;
    let attacker = Some("203.0.113.66");
    let statuses = at_once(&app, 12, |i| {
        let guess = format!("guess number {i}");
        (ADMIN.into(), guess, attacker.map(str::to_owned))
    })
    .await;
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        attempt(&app, ADMIN, "yet another guess", attacker).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesser is refused"
    );
    // The owner, from an address with no failures, is slowed at most, never refused.
    assert_eq!(
        attempt(&app, ADMIN, TEST_PASSWORD, Some("198.51.100.7")).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_the_others() {
    let app = spawn_app_behind_a_proxy().await;
    app.create_user("ada@example.com", Role::Editor).await;
    let statuses = at_once(&app, ADDRESS_LIMIT_PLUS_FIVE, |i| {
        let email = format!("someone{i}@example.com");
        (
            email,
            "a wrong password".into(),
            Some("203.0.113.66".into()),
        )
    })
    .await;
    // One address spraying many accounts is stopped at the address limit…
    assert_eq!(
        count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        5,
        "{statuses:?}"
    );
    // …while everyone else behind the same proxy still signs in.
    assert_eq!(
        attempt(&app, "ada@example.com", TEST_PASSWORD, Some("198.51.100.7")).await,
        StatusCode::SEE_OTHER
    );
}

const ADDRESS_LIMIT_PLUS_FIVE: i64 = stackatlas::sign_in::ADDRESS_LIMIT + 5;

#[tokio::test]
async fn forwarding_headers_from_an_untrusted_peer_change_nothing() {
    let app = spawn_app_with_settings(Some(seed_document()), Settings::default()).await;
    app.create_user("ada@example.com", Role::Editor).await;
    // A guesser rotating made-up addresses is still one client: the TCP peer.
    let statuses = at_once(&app, 10, |i| {
        let made_up = format!("192.0.2.{i}");
        (
            "ada@example.com".into(),
            "a wrong password".into(),
            Some(made_up),
        )
    })
    .await;
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        attempt(&app, "ada@example.com", TEST_PASSWORD, Some("192.0.2.200")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_burst_beyond_the_queue_is_told_to_come_back_and_costs_no_failures() {
    let app = spawn_app_with_settings(
        Some(seed_document()),
        Settings {
            password_checks: Some((1, 2)),
            ..Settings::default()
        },
    )
    .await;
    app.create_user("ada@example.com", Role::Editor).await;
    let burst = (0..8).map(|i| {
        let app = &app;
        async move {
            let email = format!("someone{i}@example.com");
            let response = answer(app, &email, "a wrong password", None).await;
            let status = response.status();
            if status == StatusCode::SERVICE_UNAVAILABLE {
                // A refusal for being busy says when to come back, on the form itself.
                assert_eq!(response.headers()["retry-after"], "2");
                let page = Html::parse_document(&response.text().await.unwrap());
                assert!(text_of(&page, "#login-error").contains("Wait a few seconds"));
                assert_eq!(select(&page, "form input[name=email]").len(), 1);
            }
            status
        }
    });
    let statuses = join_all(burst).await;
    let busy = count(&statuses, StatusCode::SERVICE_UNAVAILABLE);
    assert!(busy > 0, "{statuses:?}");
    assert_eq!(busy + count(&statuses, StatusCode::UNAUTHORIZED), 8);
    let failures: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key LIKE 'ip:%'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(failures as usize, 8 - busy, "only checked passwords count");
    assert_eq!(
        attempt(&app, "ada@example.com", TEST_PASSWORD, None).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_sign_out_without_the_sessions_token_leaves_the_cookie_and_the_session() {
    let app = spawn_app_with_settings(Some(seed_document()), Settings::default()).await;
    let editor = app.signed_in_as(Role::Editor).await;
    // A form on another site: the browser sends no cookie (SameSite=Lax) and no token.
    let foreign = app
        .client
        .post(app.url("/logout"))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert!(foreign.headers().get("set-cookie").is_none());
    // The same with the cookie but a forged token.
    let forged = editor
        .post(app.url("/logout"))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.headers().get("set-cookie").is_none());
    let still = editor.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(still.status(), StatusCode::OK, "still signed in");
}
