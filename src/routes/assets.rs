//! The stylesheets, script and icon, embedded in the binary so the server needs no files beside it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use actix_web::http::header::{self, CacheControl, CacheDirective, ETag, EntityTag};
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::error::AppError;

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

#[get("/static/{name}")]
pub async fn show(request: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name.as_str())
        .ok_or_else(AppError::not_found)?;
    let tag = EntityTag::new_strong(ASSETS_VERSION.clone());
    let cache = CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(86_400)]);
    let unchanged = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag.to_string()));
    if unchanged {
        return Ok(HttpResponse::NotModified()
            .insert_header(ETag(tag))
            .insert_header(cache)
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header(ETag(tag))
        .insert_header(cache)
        .body(asset.body))
}

/// The current assets fingerprint, for templates.
pub fn assets_version() -> &'static str {
    &ASSETS_VERSION
}
