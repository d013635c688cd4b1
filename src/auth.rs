//! Passwords, sessions, the guards in front of `/admin` and the CSRF check.
//!
//! A session is a random token in a signed, HttpOnly, SameSite=Lax cookie; the database
//! keeps only the token's SHA-256 and the session's CSRF token. Sessions end after
//! [`IDLE_TIMEOUT_SECONDS`] without a request, and seven days after sign-in whatever the use
//! (`db::users::SESSION_LIFETIME_SECONDS`).

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use argon2::{Argon2, PasswordHasher};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

mod remembered;
pub use remembered::RememberedSessions;

use crate::db::users::{self, SessionUser};
use crate::domain::{Invalid, Role};
use crate::error::AppError;
use crate::snapshot::KnowledgeCache;

pub const SESSION_COOKIE: &str = "stackatlas_session";
/// Carries the anonymous CSRF token of the sign-in form (there is no session yet).
pub const LOGIN_CSRF_COOKIE: &str = "stackatlas_login_csrf";
/// Sessions unused for this long are over.
pub const IDLE_TIMEOUT_SECONDS: i64 = 2 * 60 * 60;
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Hashes a password with Argon2id (the crate's default parameters), after checking its
/// length.
pub fn hash_password(password: &str) -> Result<String, Invalid> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Invalid(format!(
            "must be at least {MIN_PASSWORD_CHARS} characters long"
        )));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Invalid(format!(
            "must be at most {MAX_PASSWORD_CHARS} characters long"
        )));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Invalid(format!("could not be hashed: {e}")))
}

/// A hash of no one's password, checked when the email is unknown so that a wrong email
/// takes as long to refuse as a wrong password.
static DECOY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_password("decoy-password-that-matches-nothing").expect("the decoy hashes")
});

/// The decoy hash checked when an email is unknown (see `sign_in::PasswordGate::verify`,
/// the one place passwords are checked).
pub fn decoy_hash() -> &'static str {
    DECOY_HASH.as_str()
}

/// 32 random bytes as hex: session tokens, CSRF tokens, generated keys.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database stores in place of a session token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    same_secret_bytes(a.as_bytes(), b.as_bytes())
}

/// [`same_secret`] for bytes.
pub fn same_secret_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How cookies are signed and whether they are marked Secure.
#[derive(Clone)]
pub struct CookieSettings {
    pub key: Key,
    pub secure: bool,
}

impl CookieSettings {
    /// Signs a cookie value with the session key.
    pub fn signed(
        &self,
        name: &'static str,
        value: String,
        max_age_seconds: Option<i64>,
    ) -> Cookie<'static> {
        let mut cookie = Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .finish();
        if let Some(seconds) = max_age_seconds {
            cookie.set_max_age(actix_web::cookie::time::Duration::seconds(seconds));
        }
        let mut jar = CookieJar::new();
        jar.signed_mut(&self.key).add(cookie);
        jar.get(name).cloned().expect("the cookie was just added")
    }

    /// The verified value of a signed cookie; `None` when missing or tampered with.
    pub fn verified(&self, request: &HttpRequest, name: &'static str) -> Option<String> {
        let cookie = request.cookie(name)?;
        let mut jar = CookieJar::new();
        jar.add_original(cookie);
        jar.signed(&self.key)
            .get(name)
            .map(|c| c.value().to_owned())
    }

    /// A cookie that removes `name` from the browser.
    pub fn removal(&self, name: &'static str) -> Cookie<'static> {
        let mut cookie = Cookie::build(name, "")
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .finish();
        cookie.make_removal();
        cookie
    }
}

/// The signing key: `STACKATLAS_SESSION_KEY` when set, otherwise one generated on first
/// start and kept in the database so sessions survive restarts.
pub async fn session_key(pool: &SqlitePool, configured: Option<&str>) -> Result<Key, sqlx::Error> {
    let secret = match configured {
        Some(secret) => secret.to_owned(),
        None => users::setting_or_insert(pool, "session_key", &random_token()).await?,
    };
    Ok(Key::derive_from(secret.as_bytes()))
}

/// The signed-in user of this request, put in the request's extensions by [`load_session`].
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SessionUser);

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.0.user.role
    }

    pub fn name(&self) -> &str {
        &self.0.user.name
    }

    pub fn email(&self) -> &str {
        self.0.user.email.as_str()
    }

    pub fn csrf_token(&self) -> &str {
        &self.0.csrf_token
    }

    /// Refuses the request unless `submitted` is this session's CSRF token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        if same_secret(submitted, &self.0.csrf_token) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "The form was out of date or did not come from this site. Reload it and try again.",
            ))
        }
    }
}

tokio::task_local! {
    /// The signed-in user while a request is handled, so the layout can show who is signed in
    /// without every page struct carrying it.
    static SIGNED_IN: Option<(String, String)>;
}

/// The name and CSRF token of the signed-in user, for the layout's header.
pub fn signed_in() -> Option<(String, String)> {
    SIGNED_IN.try_with(Clone::clone).ok().flatten()
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<CurrentUser>()
                .cloned()
                .ok_or(AppError::Forbidden("Sign in to do this.")),
        )
    }
}

/// Settings the session middleware needs.
#[derive(Clone)]
pub struct AuthSettings {
    pub cookies: CookieSettings,
    /// `STACKATLAS_READ_REQUIRES_LOGIN`: anonymous visitors may only reach the sign-in page.
    pub read_requires_login: bool,
}

/// Looks up the session cookie and, when it names a live session, makes the user available
/// to handlers ([`CurrentUser`]) and to the layout ([`signed_in`]). With
/// `read_requires_login`, anonymous requests for anything but the sign-in page, assets and
/// health check are sent to sign in.
pub async fn load_session(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let settings = req
        .app_data::<web::Data<AuthSettings>>()
        .cloned()
        .expect("AuthSettings is registered");
    let pool = req
        .app_data::<web::Data<SqlitePool>>()
        .cloned()
        .expect("the pool is registered");
    let token = settings.cookies.verified(req.request(), SESSION_COOKIE);
    let user = match token {
        Some(token) => match session_of(&req, &pool, token_hash(&token)).await {
            Ok(user) => user,
            Err(error) => {
                // Answered here rather than raised, so the security headers still apply.
                let response = actix_web::ResponseError::error_response(&AppError::from(error));
                return Ok(req.into_response(response));
            }
        },
        None => None,
    };
    if user.is_none() && settings.read_requires_login && !is_public(req.path()) {
        let response = redirect_to_login(req.request());
        return Ok(req.into_response(response));
    }
    let shown = user
        .as_ref()
        .map(|u| (u.user.name.clone(), u.csrf_token.clone()));
    let signed_in = user.is_some();
    let varies = !req.path().starts_with("/static/");
    if let Some(user) = user {
        req.extensions_mut().insert(CurrentUser(user));
    }
    let mut response = SIGNED_IN.scope(shown, next.call(req)).await?;
    keep_out_of_shared_caches(response.headers_mut(), signed_in, varies);
    Ok(response.map_into_boxed_body())
}

/// The live session `token_hash` names, remembered or read (and its last use recorded).
async fn session_of(
    req: &ServiceRequest,
    pool: &SqlitePool,
    token_hash: String,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let remembered = req
        .app_data::<web::Data<RememberedSessions>>()
        .expect("RememberedSessions is registered");
    let knowledge = req
        .app_data::<web::Data<KnowledgeCache>>()
        .expect("the knowledge cache is registered");
    // The counter is read before the session, so a change committed in between leaves the
    // entry stamped with the older count, and the next request reads the session again.
    let pages = knowledge.versions(pool).await?.pages;
    let now = Instant::now();
    if let Some(user) = remembered.recall(&token_hash, pages, now) {
        return Ok(Some(user));
    }
    let Some((user, lifetime_left)) =
        users::touch_session(pool, &token_hash, IDLE_TIMEOUT_SECONDS).await?
    else {
        return Ok(None);
    };
    remembered.remember(token_hash, user.clone(), pages, now, lifetime_left);
    Ok(Some(user))
}

/// Anything rendered for a signed-in user (their name, their sign-out token, the editors'
/// pages) is for their browser alone and is never stored; every answer but the static files
/// depends on the cookie, which shared caches are told with `Vary`.
fn keep_out_of_shared_caches(headers: &mut header::HeaderMap, signed_in: bool, varies: bool) {
    if signed_in {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("private, no-store"),
        );
    }
    let already = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("cookie") || v.trim() == "*");
    if varies && !already {
        headers.append(header::VARY, header::HeaderValue::from_static("Cookie"));
    }
}

fn is_public(path: &str) -> bool {
    path == "/login" || path == "/healthz" || path.starts_with("/static/")
}

/// 303 to the sign-in page, coming back here afterwards.
pub fn redirect_to_login(req: &HttpRequest) -> HttpResponse {
    let here = match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{q}", req.path()),
    };
    let location = format!(
        "/login?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &here)
            .finish()
    );
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// What a guard middleware returns.
type GuardFuture =
    Pin<Box<dyn Future<Output = Result<ServiceResponse<BoxBody>, actix_web::Error>>>>;

/// The role the editors' area asks for at `path`: accounts are for admins alone, the rest
/// for editors. Decided here, before any form is read, so the answer to someone without the
/// right is always the same 403 whatever they send.
pub fn minimum_role_for(path: &str) -> Role {
    if path == "/admin/users" || path.starts_with("/admin/users/") {
        Role::Admin
    } else {
        Role::Editor
    }
}

/// The role the briefs and outcomes ask for: any, once signed in.
pub fn any_role(_path: &str) -> Role {
    Role::Viewer
}

/// Guards a scope: anonymous visitors are sent to sign in, signed-in users without the role
/// `minimum_for(path)` asks for get a 403 page.
pub fn require(
    minimum_for: fn(&str) -> Role,
) -> impl Fn(ServiceRequest, Next<BoxBody>) -> GuardFuture + Clone {
    move |req: ServiceRequest, next: Next<BoxBody>| {
        Box::pin(async move {
            let role = req.extensions().get::<CurrentUser>().map(CurrentUser::role);
            let minimum = minimum_for(req.path());
            match role {
                None => {
                    let response = redirect_to_login(req.request());
                    Ok(req.into_response(response))
                }
                Some(role) if allowed(role, minimum) => next.call(req).await,
                Some(_) => {
                    let refusal = if minimum == Role::Admin {
                        AppError::Forbidden("Only admins manage accounts.")
                    } else {
                        AppError::Forbidden(
                            "Your account may read the knowledge base but not change it. Ask an admin for editor rights.",
                        )
                    };
                    // A response, not an error, so the outer middleware (security headers)
                    // still sees and completes it.
                    let response = actix_web::ResponseError::error_response(&refusal);
                    Ok(req.into_response(response))
                }
            }
        })
    }
}

fn allowed(role: Role, minimum: Role) -> bool {
    match minimum {
        Role::Admin => role.is_admin(),
        Role::Editor => role.can_edit(),
        Role::Viewer => true,
    }
}

/// Only local paths are followed after sign-in, so a crafted link cannot send a user to
/// another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checking them is `sign_in::tests::the_check_in_reused_memory_agrees_with_the_argon2_crate`.
    #[test]
    fn passwords_hash_with_argon2id() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(decoy_hash().starts_with("$argon2id$"));
    }

    #[test]
    fn short_passwords_are_refused() {
        let err = hash_password("short").unwrap_err();
        assert!(err.0.contains("at least 12"));
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/admin/frameworks?q=x")),
            "/admin/frameworks?q=x"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "admin",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn secrets_compare_equal_only_when_identical() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 64);
        assert_eq!(token_hash("x"), token_hash("x"));
        assert_ne!(token_hash("x"), token_hash("y"));
    }

    #[test]
    fn signed_in_answers_are_never_stored_and_every_answer_varies_by_cookie() {
        let mut headers = header::HeaderMap::new();
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("public"),
        );
        headers.insert(
            header::VARY,
            header::HeaderValue::from_static("Accept-Encoding"),
        );
        keep_out_of_shared_caches(&mut headers, true, true);
        assert_eq!(
            headers.get(header::CACHE_CONTROL).unwrap(),
            "private, no-store"
        );
        let vary: Vec<_> = headers.get_all(header::VARY).collect();
        assert_eq!(vary, ["Accept-Encoding", "Cookie"]);
        keep_out_of_shared_caches(&mut headers, false, true);
        assert_eq!(headers.get_all(header::VARY).count(), 2, "said once");

        let mut anonymous = header::HeaderMap::new();
        keep_out_of_shared_caches(&mut anonymous, false, false);
        assert!(anonymous.is_empty(), "static files vary by nothing");
    }

    #[test]
    fn roles_grant_what_they_promise() {
        assert!(allowed(Role::Admin, Role::Editor));
        assert!(allowed(Role::Editor, Role::Editor));
        assert!(!allowed(Role::Viewer, Role::Editor));
        assert!(!allowed(Role::Editor, Role::Admin));
    }
}
