//! `/login` and `/logout`: signing in and out.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::auth::{
    self, AuthSettings, CurrentUser, LOGIN_CSRF_COOKIE, RememberedSessions, SESSION_COOKIE,
    random_token, same_secret, token_hash,
};
use crate::client::Network;
use crate::db::users;
use crate::error::{AppError, Result};
use crate::routes::preview::Preview;
use crate::sign_in::{self, Decision, Keys, PasswordGate};

/// How long a client told that sign-in is busy (503) should wait before trying again.
const RETRY_BUSY_AFTER_SECONDS: u32 = 2;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub next: String,
    pub email: String,
    pub csrf_token: String,
    pub error: Option<&'static str>,
    /// What a link that led here shows where it is pasted: a brief's link is answered with
    /// this page when the chat tool's crawler is not signed in.
    pub preview: Preview,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Renders the sign-in form with a fresh anonymous CSRF token in a signed cookie.
fn login_form(
    settings: &AuthSettings,
    status: StatusCode,
    page: LoginPage,
) -> Result<HttpResponse> {
    let cookie = settings
        .cookies
        .signed(LOGIN_CSRF_COOKIE, page.csrf_token.clone(), Some(60 * 60));
    Ok(HttpResponse::build(status)
        .cookie(cookie)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}

pub async fn new(
    request: HttpRequest,
    settings: web::Data<AuthSettings>,
    network: web::Data<Network>,
    query: web::Query<NextQuery>,
    user: Option<CurrentUser>,
) -> Result<HttpResponse> {
    let next = auth::safe_next(query.next.as_deref());
    if user.is_some() {
        return Ok(see_other(&next));
    }
    let page = LoginPage {
        preview: Preview::sign_in(&network.base_url(&request), &next),
        next,
        email: String::new(),
        csrf_token: random_token(),
        error: None,
    };
    login_form(&settings, StatusCode::OK, page)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    pub next: Option<String>,
    pub csrf_token: String,
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

pub async fn create(
    request: HttpRequest,
    pool: web::Data<SqlitePool>,
    settings: web::Data<AuthSettings>,
    network: web::Data<Network>,
    gate: web::Data<PasswordGate>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse> {
    let expected = settings.cookies.verified(&request, LOGIN_CSRF_COOKIE);
    if !expected.is_some_and(|token| same_secret(&token, &form.csrf_token)) {
        return Err(AppError::Forbidden(
            "The sign-in form expired or did not come from this site. Reload it and try again.",
        ));
    }
    let email = form.email.trim().to_lowercase();
    let keys = Keys::new(&email, network.client_address(&request));
    // Counted before the password is checked (see `sign_in`), so a burst cannot out-run it.
    let (decision, attempt) = users::count_attempt(
        &pool,
        keys.all(),
        sign_in::FAILURE_WINDOW_SECONDS,
        |counts| {
            let decision = sign_in::decide(counts.into());
            let checks = decision.checks();
            (decision, checks)
        },
    )
    .await?;
    match decision {
        Decision::Refuse(why) => return Err(AppError::TooManyRequests(why.into())),
        Decision::Check { delay } => tokio::time::sleep(delay).await,
    }

    let stored = users::password_hash(&pool, &email).await?;
    let hash = stored.as_ref().map(|(_, hash)| hash.clone());
    let next = auth::safe_next(form.next.as_deref());
    let form_again = |status, error| {
        let page = LoginPage {
            preview: Preview::sign_in(&network.base_url(&request), &next),
            next: next.clone(),
            email: form.email.trim().to_owned(),
            csrf_token: random_token(),
            error: Some(error),
        };
        login_form(&settings, status, page)
    };
    let Ok(matches) = gate.verify(hash, form.password.clone()).await else {
        // No password was checked, so nothing was guessed: the attempt does not count.
        users::forget_attempt(&pool, &attempt, None).await?;
        let mut busy = form_again(
            StatusCode::SERVICE_UNAVAILABLE,
            "Many sign-ins are being checked at this moment. Wait a few seconds, then try again.",
        )?;
        busy.headers_mut()
            .insert(header::RETRY_AFTER, RETRY_BUSY_AFTER_SECONDS.into());
        return Ok(busy);
    };
    let Some((user_id, _)) = stored.filter(|_| matches) else {
        // The same words whether the email or the password was wrong.
        return form_again(StatusCode::UNAUTHORIZED, "The email or password is wrong.");
    };

    // This attempt, and the account's earlier mistakes from here, are forgiven; others'
    // failures still count.
    users::forget_attempt(&pool, &attempt, Some(&keys.pair)).await?;
    // A new session id at every sign-in; any session the browser had is ended.
    if let Some(old) = settings.cookies.verified(&request, SESSION_COOKIE) {
        users::delete_session(&pool, &token_hash(&old)).await?;
    }
    let token = random_token();
    users::create_session(
        &pool,
        &token_hash(&token),
        user_id,
        &random_token(),
        auth::IDLE_TIMEOUT_SECONDS,
    )
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(settings.cookies.signed(SESSION_COOKIE, token, None))
        .cookie(settings.cookies.removal(LOGIN_CSRF_COOKIE))
        .finish())
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf_token: String,
}

pub async fn delete(
    request: HttpRequest,
    pool: web::Data<SqlitePool>,
    settings: web::Data<AuthSettings>,
    remembered: web::Data<RememberedSessions>,
    user: Option<CurrentUser>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    // Only this session's own sign-out form may end it; anything else (a form on another
    // site, a stale page) leaves the cookie and the session exactly as they were.
    let Some(user) = user else {
        return Err(AppError::Forbidden(
            "You are not signed in, or the page was out of date. Nothing was changed.",
        ));
    };
    user.check_csrf(&form.csrf_token)?;
    if let Some(token) = settings.cookies.verified(&request, SESSION_COOKIE) {
        let hash = token_hash(&token);
        users::delete_session(&pool, &hash).await?;
        remembered.forget(&hash);
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(settings.cookies.removal(SESSION_COOKIE))
        .finish())
}
