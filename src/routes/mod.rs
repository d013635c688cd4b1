//! Request handlers and the page structs they render, one module per area of the site.

pub mod admin;
pub mod api;
pub mod assets;
pub mod compare;
pub mod frameworks;
pub mod health;
pub mod industries;
pub mod query;
pub mod representation;
pub mod sessions;
pub mod trends;

use crate::domain::{Kind, Ring};

/// The human label of a stored kind; stored values are valid, the fallback is only defensive.
pub fn kind_label(kind: &str) -> &'static str {
    Kind::parse(kind).map(Kind::label).unwrap_or("Other")
}

/// The human label of a stored radar ring.
pub fn ring_label(ring: &str) -> &'static str {
    Ring::parse(ring).map(Ring::label).unwrap_or("Unrated")
}

/// Renders a page with the given status as an HTML response.
pub fn html(
    status: actix_web::http::StatusCode,
    page: &impl askama::Template,
) -> crate::error::Result<actix_web::HttpResponse> {
    Ok(actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}
