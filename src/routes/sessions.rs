//! `/login` and `/logout`: signing in and out.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::auth::{
    self, AuthSettings, CurrentUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE, random_token, same_secret,
    token_hash,
};
use crate::db::users;
use crate::error::{AppError, Result};

/// Failed sign-ins are counted over this window, per account and per client address.
const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;
/// From this many failures on, each answer is delayed a little more.
const SLOW_DOWN_AFTER: i64 = 3;
/// From this many failures on, sign-in is refused until the window has passed.
const LOCK_OUT_AFTER: i64 = 10;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub next: String,
    pub email: String,
    pub csrf_token: String,
    pub error: Option<&'static str>,
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

#[get("/login")]
pub async fn new(
    settings: web::Data<AuthSettings>,
    query: web::Query<NextQuery>,
    user: Option<CurrentUser>,
) -> Result<HttpResponse> {
    let next = auth::safe_next(query.next.as_deref());
    if user.is_some() {
        return Ok(see_other(&next));
    }
    let page = LoginPage {
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

#[post("/login")]
pub async fn create(
    request: HttpRequest,
    pool: web::Data<SqlitePool>,
    settings: web::Data<AuthSettings>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse> {
    let expected = settings.cookies.verified(&request, LOGIN_CSRF_COOKIE);
    if !expected.is_some_and(|token| same_secret(&token, &form.csrf_token)) {
        return Err(AppError::Forbidden(
            "The sign-in form expired or did not come from this site. Reload it and try again.",
        ));
    }
    let email = form.email.trim().to_lowercase();
    let address = request
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let keys = [format!("email:{email}"), format!("ip:{address}")];
    let mut failures = 0;
    for key in &keys {
        failures = failures.max(users::recent_failures(&pool, key, FAILURE_WINDOW_SECONDS).await?);
    }
    if failures >= LOCK_OUT_AFTER {
        return Err(AppError::TooManyRequests(
            "Too many failed sign-ins for this account or from this address. Wait 15 minutes, then try again.".into(),
        ));
    }
    if failures >= SLOW_DOWN_AFTER {
        let steps = (failures - SLOW_DOWN_AFTER + 1).min(6) as u64;
        tokio::time::sleep(Duration::from_millis(500 * steps)).await;
    }

    let stored = users::password_hash(&pool, &email).await?;
    let password = form.password.clone();
    let hash = stored.as_ref().map(|(_, hash)| hash.clone());
    // Argon2 is deliberately slow; keep it off the async workers.
    let matches = web::block(move || auth::verify_password(hash.as_deref(), &password))
        .await
        .unwrap_or(false);
    let next = auth::safe_next(form.next.as_deref());
    let Some((user_id, _)) = stored.filter(|_| matches) else {
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        users::record_failure(&pool, &key_refs).await?;
        // The same words whether the email or the password was wrong.
        let page = LoginPage {
            next,
            email: form.email.trim().to_owned(),
            csrf_token: random_token(),
            error: Some("The email or password is wrong."),
        };
        return login_form(&settings, StatusCode::UNAUTHORIZED, page);
    };

    users::clear_failures(&pool, &keys[0]).await?;
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

#[post("/logout")]
pub async fn delete(
    request: HttpRequest,
    pool: web::Data<SqlitePool>,
    settings: web::Data<AuthSettings>,
    user: Option<CurrentUser>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    if let Some(user) = user {
        user.check_csrf(&form.csrf_token)?;
        if let Some(token) = settings.cookies.verified(&request, SESSION_COOKIE) {
            users::delete_session(&pool, &token_hash(&token)).await?;
        }
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(settings.cookies.removal(SESSION_COOKIE))
        .finish())
}
