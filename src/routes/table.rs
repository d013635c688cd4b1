//! Every address of the site and the methods it answers, declared once. The same declaration
//! registers the handlers and is the table the security tests walk, so a new route is both
//! served and checked. Every `GET` address answers `HEAD` too (uptime checks and link
//! checkers use it); any other method gets 405 with `Allow`, which actix derives from the
//! routes declared here and [`dress_method_not_allowed`] turns into the site's page (or the
//! API's JSON error).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{ResponseError, web};

use super::{
    admin, api, assets, briefs, compare, export, flags, frameworks, health, industries, query,
    rubric, sessions, trends,
};
use crate::error::AppError;

/// One address and the methods declared for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The path template, `/frameworks/{slug}` (relative to `/admin` in [`ADMIN`]).
    pub path: &'static str,
    /// `GET` or `POST`; `HEAD` is implied by `GET`.
    pub methods: &'static [&'static str],
}

/// Adds the route for one method to a resource; `GET` brings `HEAD` with it.
macro_rules! with_method {
    ($resource:expr, GET, $handler:path) => {
        $resource
            .route(web::get().to($handler))
            .route(web::head().to($handler))
    };
    ($resource:expr, POST, $handler:path) => {
        $resource.route(web::post().to($handler))
    };
}

/// Declares a table of routes: the constant `$table` describing them and the function
/// `$register` serving them, in the order given (the first matching path wins).
macro_rules! routes {
    ($table:ident, $register:ident: $( $path:literal => { $( $method:ident $handler:path ),+ $(,)? } )*) => {
        pub const $table: &[Route] = &[
            $( Route { path: $path, methods: &[ $( stringify!($method) ),+ ] } ),*
        ];

        pub fn $register(cfg: &mut web::ServiceConfig) {
            $(
                let resource = web::resource($path);
                $( let resource = with_method!(resource, $method, $handler); )+
                cfg.service(resource);
            )*
        }
    };
}

routes! { PUBLIC, register_public:
    "/" => { GET query::index }
    "/export.csv" => { GET export::csv }
    "/export.json" => { GET export::json }
    "/compare" => { GET compare::show }
    "/frameworks" => { GET frameworks::index }
    "/frameworks/{slug}" => { GET frameworks::show }
    "/industries" => { GET industries::index }
    "/industries/{slug}" => { GET industries::show }
    "/trends" => { GET trends::index }
    "/how-we-rate" => { GET rubric::show }
    "/healthz" => { GET health::healthz }
    "/static/{name}" => { GET assets::show }
    "/login" => { GET sessions::new, POST sessions::create }
    "/logout" => { POST sessions::delete }
    "/api/v1/frameworks" => { GET api::frameworks }
    "/api/v1/frameworks/{slug}" => { GET api::framework }
    "/api/v1/industries" => { GET api::industries }
    "/api/v1/requirements" => { GET api::requirements }
    "/api/v1/languages" => { GET api::languages }
    "/api/v1/trends" => { GET api::trends }
    "/api/v1/recommendations" => { GET api::recommendations }
    "/api/v1/suggestions" => { GET api::suggestions }
    "/api/v1/briefs" => { GET api::briefs::index }
    "/api/v1/briefs/{id}" => { GET api::briefs::show }
    "/api/openapi.json" => { GET api::openapi_json }
}

// Under `/admin`, guarded as a whole in `startup.rs`.
routes! { ADMIN, register_admin:
    "" => { GET admin::home }
    "/preview" => { POST admin::preview }
    "/activity" => { GET admin::activity::index }
    "/health" => { GET admin::health::index }
    "/frameworks" => { GET admin::frameworks::index }
    "/frameworks/new" => { GET admin::frameworks::new, POST admin::frameworks::create }
    "/frameworks/new/impact" => { POST admin::frameworks::impact_of_new }
    "/frameworks/{slug}/edit" => { GET admin::frameworks::edit, POST admin::frameworks::update }
    "/frameworks/{slug}/impact" => { POST admin::frameworks::impact }
    "/frameworks/{slug}/delete" => {
        GET admin::frameworks::confirm_delete,
        POST admin::frameworks::delete,
    }
    "/frameworks/{slug}/history" => { GET admin::frameworks::history }
    "/frameworks/{slug}/history/{id}/restore" => { POST admin::frameworks::restore }
    "/changes" => { GET admin::changes::index }
    "/changes/preview" => { GET admin::changes::pending::preview }
    "/changes/{id}" => { GET admin::changes::show }
    "/changes/{id}/approve" => { POST admin::changes::approve }
    "/changes/{id}/return" => { POST admin::changes::return_to_author }
    "/changes/{id}/reject" => { POST admin::changes::reject }
    "/changes/{id}/withdraw" => { POST admin::changes::withdraw }
    "/reference-questions" => { GET admin::reference::index }
    "/reference-questions/new" => {
        GET admin::reference::new,
        POST admin::reference::create,
    }
    "/reference-questions/{slug}/edit" => {
        GET admin::reference::edit,
        POST admin::reference::update,
    }
    "/reference-questions/{slug}/delete" => {
        GET admin::reference::confirm_delete,
        POST admin::reference::delete,
    }
    "/reference-questions/{slug}/history" => { GET admin::reference::history }
    "/reference-questions/{slug}/history/{id}/restore" => { POST admin::reference::restore }
    "/users" => { GET admin::users::index, POST admin::users::create }
    "/users/{id}/role" => { POST admin::users::update_role }
    "/users/{id}/access" => { POST admin::users::update_access }
    "/radar-editions" => {
        GET admin::radar_editions::index,
        POST admin::radar_editions::create,
    }
    "/flags" => { GET admin::flags::index }
    "/flags/{id}/resolve" => { POST admin::flags::resolve }
    // The vocabulary takes its kind from the path, so it comes after the fixed paths above.
    "/{kind}" => { GET admin::terms::index }
    "/{kind}/new" => { GET admin::terms::new, POST admin::terms::create }
    "/{kind}/new/impact" => { POST admin::terms::impact_of_new }
    "/{kind}/{slug}/edit" => { GET admin::terms::edit, POST admin::terms::update }
    "/{kind}/{slug}/impact" => { POST admin::terms::impact }
    "/{kind}/{slug}/delete" => { GET admin::terms::confirm_delete, POST admin::terms::delete }
    "/{kind}/{slug}/history" => { GET admin::terms::history }
    "/{kind}/{slug}/history/{id}/restore" => { POST admin::terms::restore }
}

// Under `/briefs`, for signed-in users of any role, guarded as a whole in `startup.rs`; the
// fixed paths come before `/{id}`.
routes! { BRIEFS, register_briefs:
    "" => { GET briefs::index, POST briefs::saving::create }
    "/mine" => { GET briefs::mine }
    "/new" => { GET briefs::saving::new }
    "/{id}" => { GET briefs::show }
    "/{id}/edit" => { GET briefs::saving::edit, POST briefs::saving::update }
    "/{id}/rerun" => { POST briefs::rerun }
    "/{id}/archive" => { POST briefs::archive }
    "/{id}/outcome" => { POST briefs::outcome }
    "/{id}/export.csv" => { GET briefs::export_csv }
    "/{id}/export.json" => { GET briefs::export_json }
}

// Under `/flags`, for signed-in users of any role (anyone may flag; resolving is the
// editors', under `/admin/flags`), guarded as a whole in `startup.rs`.
routes! { FLAGS, register_flags:
    "" => { POST flags::create }
    "/new" => { GET flags::new }
    "/mine" => { GET flags::mine }
}

// `/outcomes`, guarded like the briefs it counts.
routes! { OUTCOMES, register_outcomes:
    "" => { GET briefs::outcomes::index }
}

/// Every route as (full path, methods): the editors' ones under `/admin`, the briefs under
/// `/briefs`, the flags under `/flags`, the outcomes at `/outcomes`.
pub fn all() -> Vec<(String, &'static [&'static str])> {
    let public = PUBLIC.iter().map(|r| (r.path.to_owned(), r.methods));
    let scoped = [
        ("/admin", ADMIN),
        ("/briefs", BRIEFS),
        ("/flags", FLAGS),
        ("/outcomes", OUTCOMES),
    ]
    .into_iter()
    .flat_map(|(scope, table)| {
        table
            .iter()
            .map(move |r| (format!("{scope}{}", r.path), r.methods))
    });
    public.chain(scoped).collect()
}

/// Gives actix's bare 405 (its `Allow` header computed from the routes declared above) the
/// site's error page, or the API's JSON error under `/api`.
pub fn dress_method_not_allowed<B: MessageBody>(
    answer: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (request, bare) = answer.into_parts();
    let refusal = AppError::MethodNotAllowed(request.method().to_string());
    let mut dressed = if request.path().starts_with("/api/") {
        api::ApiError(refusal).error_response()
    } else {
        refusal.error_response()
    };
    if let Some(allow) = bare.headers().get(header::ALLOW) {
        dressed.headers_mut().insert(header::ALLOW, allow.clone());
    }
    let dressed = ServiceResponse::new(request, dressed).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        dressed.map_body(|_, body| EitherBody::right(body)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_declared_once_with_known_methods() {
        let routes = all();
        for (i, (path, methods)) in routes.iter().enumerate() {
            assert!(routes[..i].iter().all(|(p, _)| p != path), "{path} twice");
            assert!(
                methods.iter().all(|m| ["GET", "POST"].contains(m)),
                "{path}: {methods:?}"
            );
        }
        assert!(routes.len() > 30);
    }
}
