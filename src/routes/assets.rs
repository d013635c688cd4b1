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

const ASSETS: &[Asset] = &[
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/style.css"),
    },
    Asset {
        name: "print.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/print.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/app.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../static/favicon.svg"),
    },
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
