//! The stylesheets, script and icon, embedded in the binary so the server needs no files beside it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use actix_web::http::StatusCode;
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::routes::representation::Representation;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

/// An asset from `static/` by file name, with its content type.
macro_rules! asset {
    ($name:literal, $content_type:literal) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_bytes!(concat!("../../static/", $name)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("style.css", "text/css; charset=utf-8"),
    asset!("print.css", "text/css; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("favicon.svg", "image/svg+xml"),
];

/// A fingerprint of every asset, appended to asset URLs (`?v=…`) so a new release is fetched
/// at once even though browsers may keep assets for a day.
pub static ASSETS_VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = DefaultHasher::new();
    for asset in ASSETS {
        asset.body.hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
});

/// Every asset prepared once: tagged, and compressed where that pays.
static PREPARED: LazyLock<Vec<Representation>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| Representation::new(StatusCode::OK, a.content_type, a.body))
        .collect()
});

pub async fn show(request: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let position = ASSETS
        .iter()
        .position(|a| a.name == name.as_str())
        .ok_or_else(AppError::not_found)?;
    let cache = CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(86_400)]);
    Ok(PREPARED[position].respond(&request, cache))
}

/// The current assets fingerprint, for templates.
pub fn assets_version() -> &'static str {
    &ASSETS_VERSION
}
