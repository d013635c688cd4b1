//! Building and running the web application: every route, middleware and shared state.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::error::UrlencodedError;
use actix_web::http::StatusCode;
use actix_web::middleware::{
    Compress, DefaultHeaders, ErrorHandlers, NormalizePath, TrailingSlash,
};
use actix_web::{App, HttpServer, web};
use sqlx::SqlitePool;
use tracing_actix_web::TracingLogger;

use crate::auth::{self, AuthSettings, CookieSettings};
use crate::db::briefs;
use crate::db::flags::OpenTally;
use crate::db::recommend::Knowledge;
use crate::error::AppError;
use crate::memo::Memo;
use crate::request_body::{self, FORM_LIMIT_BYTES, form_too_large};
use crate::routes::{api, representation, table};
use crate::sign_in::PasswordGate;

/// Security headers sent with every response. The pages use no inline script or style, so the
/// content security policy can forbid both.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
}

/// Registers every route of the application: the table in `routes::table`, the API's JSON
/// 404, and the editors' pages behind their guard.
pub fn routes(cfg: &mut web::ServiceConfig) {
    table::register_public(cfg);
    cfg.service(web::scope("/api").default_service(web::to(api::not_found)))
        // Every editors' page sits in this scope, so no route can miss the guard.
        .service(
            web::scope("/admin")
                .wrap(actix_web::middleware::from_fn(auth::require(
                    auth::minimum_role_for,
                )))
                .configure(table::register_admin),
        )
        // Briefs and their outcomes are for signed-in users of any role; which brief a
        // viewer may change is decided by its handlers.
        .service(
            web::scope("/briefs")
                .wrap(actix_web::middleware::from_fn(auth::require(
                    auth::any_role,
                )))
                .configure(table::register_briefs),
        )
        .service(
            web::scope("/flags")
                .wrap(actix_web::middleware::from_fn(auth::require(
                    auth::any_role,
                )))
                .configure(table::register_flags),
        )
        .service(
            web::scope("/outcomes")
                .wrap(actix_web::middleware::from_fn(auth::require(
                    auth::any_role,
                )))
                .configure(table::register_outcomes),
        );
}

/// How the server treats sessions and cookies.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Signs cookies; when `None` a key is generated once and kept in the database.
    pub session_key: Option<String>,
    pub read_requires_login: bool,
    pub secure_cookies: bool,
    /// Whose forwarding headers are believed, and the public address of links.
    pub network: crate::client::Network,
    /// Password checks running at once and admitted (running or waiting); `None` sizes
    /// them to the machine.
    pub password_checks: Option<(usize, usize)>,
    /// How long a request body may take to arrive; `None` is
    /// [`request_body::BODY_READ_SECONDS`].
    pub body_read_timeout: Option<Duration>,
    /// Whether editors' saves wait for review as change requests (see
    /// `routes::admin::changes::Review`).
    pub review_required: bool,
}

impl From<&crate::config::Config> for Settings {
    fn from(config: &crate::config::Config) -> Self {
        Self {
            session_key: config.session_key.clone(),
            read_requires_login: config.read_requires_login,
            secure_cookies: config.secure_cookies,
            network: crate::client::Network {
                trusted: config.trusted_proxies.clone(),
                public_url: config.public_url.clone(),
            },
            password_checks: None,
            body_read_timeout: None,
            review_required: config.review_required,
        }
    }
}

/// A server bound to its address, not yet running.
pub struct Application {
    server: Server,
    addr: SocketAddr,
    knowledge: web::Data<crate::snapshot::KnowledgeCache>,
    pool: web::Data<SqlitePool>,
}

impl Application {
    /// Binds `addr` (port 0 picks a free port) and prepares the server on `pool`, which must
    /// already be migrated.
    pub async fn build(
        pool: SqlitePool,
        addr: SocketAddr,
        settings: &Settings,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let key = auth::session_key(&pool, settings.session_key.as_deref()).await?;
        let auth_settings = web::Data::new(AuthSettings {
            cookies: CookieSettings {
                key,
                secure: settings.secure_cookies,
            },
            read_requires_login: settings.read_requires_login,
        });
        // The knowledge is read before the port opens, so the first question asked finds it
        // ready rather than waiting for the whole knowledge base to load (most of a second at
        // 10,000 frameworks).
        let knowledge = crate::snapshot::KnowledgeCache::for_pool(&pool);
        knowledge.current(&pool).await?;
        let knowledge = web::Data::new(knowledge);
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let pool = web::Data::new(pool);
        let pages = web::Data::new(crate::page_cache::PageCache::default());
        let forms = web::Data::new(crate::routes::query_form::PreparedForms::default());
        let sessions = web::Data::new(auth::RememberedSessions::default());
        let open_flags = web::Data::new(Memo::<OpenTally>::default());
        let weighed_briefs = web::Data::new(Memo::<Vec<briefs::Asked>>::default());
        let brief_filters = web::Data::new(Memo::<briefs::ListFilters>::default());
        let network = web::Data::new(settings.network.clone());
        let review = web::Data::new(crate::routes::admin::changes::hold::Review {
            required: settings.review_required,
        });
        let body_deadline = settings
            .body_read_timeout
            .unwrap_or(Duration::from_secs(request_body::BODY_READ_SECONDS));
        let gate = web::Data::new(match settings.password_checks {
            Some((running, admitted)) => PasswordGate::new(running, admitted),
            None => PasswordGate::for_this_machine(),
        });
        // The application keeps them too, for what runs before it serves (`knowledge`).
        let (held_knowledge, held_pool) = (knowledge.clone(), pool.clone());
        let server = HttpServer::new(move || {
            App::new()
                .wrap(ErrorHandlers::new().handler(
                    StatusCode::METHOD_NOT_ALLOWED,
                    table::dress_method_not_allowed,
                ))
                .wrap(actix_web::middleware::from_fn(move |req, next| {
                    request_body::read_deadline(req, next, body_deadline)
                }))
                .wrap(actix_web::middleware::from_fn(auth::load_session))
                .wrap(security_headers())
                // Every compressible answer compressed as the client accepts; prepared
                // answers carry their own bytes (see `routes::representation`).
                .wrap(Compress::default())
                .wrap(actix_web::middleware::from_fn(
                    representation::drop_identity_encoding,
                ))
                .wrap(NormalizePath::new(TrailingSlash::Trim))
                .wrap(TracingLogger::default())
                .app_data(pool.clone())
                .app_data(auth_settings.clone())
                .app_data(knowledge.clone())
                .app_data(pages.clone())
                .app_data(forms.clone())
                .app_data(sessions.clone())
                .app_data(open_flags.clone())
                .app_data(weighed_briefs.clone())
                .app_data(brief_filters.clone())
                .app_data(network.clone())
                .app_data(gate.clone())
                .app_data(review.clone())
                .app_data(web::QueryConfig::default().error_handler(|err, _| {
                    AppError::bad_request("query string", err.to_string()).into()
                }))
                .app_data(
                    web::FormConfig::default()
                        .limit(FORM_LIMIT_BYTES)
                        .error_handler(|err, _| match err {
                            UrlencodedError::Overflow { .. } => form_too_large().into(),
                            UrlencodedError::Payload(body) => request_body::refusal(&body).into(),
                            other => AppError::bad_request("form", other.to_string()).into(),
                        }),
                )
                // A path segment that is not what its route takes (`/users/abc/role`) is an
                // address that does not exist.
                .app_data(
                    web::PathConfig::default().error_handler(|_, _| AppError::not_found().into()),
                )
                .configure(routes)
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(AppError::not_found())
                }))
        })
        // actix-web stops on SIGINT and SIGTERM by itself, letting requests in flight finish.
        .shutdown_timeout(10)
        .listen(listener)?
        .run();
        Ok(Self {
            server,
            addr,
            knowledge: held_knowledge,
            pool: held_pool,
        })
    }

    /// The knowledge the server holds, as it would answer the next request.
    pub async fn knowledge(&self) -> Result<Arc<Knowledge>, sqlx::Error> {
        self.knowledge.current(&self.pool).await
    }

    /// The address actually bound (useful when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the process is told to stop, then finishes requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
