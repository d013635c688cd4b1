//! The one error type of request handlers, rendered as a page in the site's layout.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::domain::FieldError;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("page not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(FieldError),
    /// Not signed in where only signed-in users are answered (the API's briefs); the text
    /// says how to sign in.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// Signed in (or not) without the right to do this; the text says what to do.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Too many attempts; the text says when to try again.
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// The request cannot be carried out in the present state; the text says what to do first.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The address exists but does not answer this method (named here).
    #[error("method not allowed: {0}")]
    MethodNotAllowed(String),
    /// The request's body did not arrive in time; the text says what to do.
    #[error("request timeout: {0}")]
    RequestTimeout(String),
    /// A request body over the limit for what it is; the text says what the limit is.
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
    #[error("export error: {0}")]
    Export(#[from] csv::Error),
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
    /// An answer that could not be handed back from where it was made.
    #[error("answer error: {0}")]
    Answer(String),
}

impl AppError {
    pub fn not_found() -> Self {
        Self::NotFound
    }

    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadRequest(FieldError::new(field, message))
    }
}

/// The page shown for any error: a title, a sentence that helps, and the way back.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Database(_)
            | AppError::Template(_)
            | AppError::Export(_)
            | AppError::Json(_)
            | AppError::Answer(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (title, message) = match self {
            AppError::NotFound => (
                "Page not found",
                "There is nothing at this address. It may have been renamed or removed.".to_owned(),
            ),
            AppError::BadRequest(FieldError { field, message }) => (
                "Bad request",
                format!("The value of “{field}” was not understood: {message}."),
            ),
            AppError::Unauthorized(message) => ("Sign in first", (*message).to_owned()),
            AppError::Forbidden(message) => ("Not allowed", (*message).to_owned()),
            AppError::TooManyRequests(message) => ("Too many attempts", message.clone()),
            AppError::PayloadTooLarge(message) => ("Too much at once", message.clone()),
            AppError::RequestTimeout(message) => ("Too slow", message.clone()),
            AppError::Conflict(message) => ("Not yet possible", message.clone()),
            AppError::MethodNotAllowed(method) => (
                "Not possible here",
                format!(
                    "This address does not take {method} requests; the Allow header lists those it takes."
                ),
            ),
            AppError::Database(_)
            | AppError::Template(_)
            | AppError::Export(_)
            | AppError::Json(_)
            | AppError::Answer(_) => {
                // Internals stay in the log; the visitor gets an apology and a way on.
                tracing::error!(error = %self, "request failed");
                (
                    "Something went wrong",
                    "The page could not be shown because of a problem on our side. \
                     It has been logged; please try again in a moment."
                        .to_owned(),
                )
            }
        };
        let page = ErrorPage {
            status: status.as_u16(),
            title,
            message,
        };
        match page.render() {
            Ok(body) => HttpResponse::build(status)
                .content_type(ContentType::html())
                .body(body),
            Err(err) => {
                tracing::error!(error = %err, "the error page itself failed to render");
                HttpResponse::build(status)
                    .content_type(ContentType::plaintext())
                    .body(title)
            }
        }
    }
}
