//! Reading pages prepared once and served from the page cache until something they show
//! changes: the catalogue, a framework, compare, the industries, the trends and radar, a
//! saved brief. Every reading handler goes through [`Reading::page`], which keys the page on
//! everything it depends on and renders it only when no kept copy is still true.
//!
//! A key names the origin (previews and share links are absolute), who is signed in (the
//! layout shows their name and sign-out token, and flag links only to them), anything the
//! handler adds (a brief's reader and their rights), the path and the query string. The stamp
//! beside it names the knowledge version, for pages that show more the second change counter
//! (migration 0008), and how long a "5 minutes ago" on it stays true.

use std::future::{Ready, ready};
use std::time::SystemTime;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::client::Network;
use crate::error::{AppError, Result};
use crate::page_cache::{PageCache, Stamp};
use crate::routes::dates;
use crate::routes::representation::{Representation, revalidate};
use crate::snapshot::KnowledgeCache;

/// What a page shows besides the knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    /// Only the knowledge: it changes when the knowledge version moves.
    Knowledge,
    /// Also briefs, radar editions, flags or users' names: it changes when either counter
    /// moves.
    More,
}

/// A reading request with what preparing its page needs: the database, the counters, the
/// page cache and the request itself.
pub struct Reading {
    pub pool: web::Data<SqlitePool>,
    pub knowledge: web::Data<KnowledgeCache>,
    pub network: web::Data<Network>,
    pub request: HttpRequest,
    pages: web::Data<PageCache>,
}

impl FromRequest for Reading {
    type Error = AppError;
    type Future = Ready<Result<Self>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        // Registered in `startup.rs` for every request, as `auth::load_session` relies on too.
        ready(Ok(Self {
            pool: registered(request),
            knowledge: registered(request),
            network: registered(request),
            pages: registered(request),
            request: request.clone(),
        }))
    }
}

fn registered<T: 'static>(request: &HttpRequest) -> web::Data<T> {
    request
        .app_data::<web::Data<T>>()
        .cloned()
        .unwrap_or_else(|| panic!("{} is registered", std::any::type_name::<T>()))
}

impl Reading {
    /// The scheme and host links on the page start with.
    pub fn origin(&self) -> String {
        self.network.base_url(&self.request)
    }

    /// The page this request asks for: a kept copy while it is still true, otherwise
    /// `render`'s, kept for the next request when it is a success. `private` names what the
    /// page depends on about the reader beyond the layout's name and token (empty for
    /// pages that are the same for everyone). Errors `render` returns are not kept.
    pub async fn page<T: Template>(
        &self,
        shows: Shows,
        private: &str,
        render: impl AsyncFnOnce() -> Result<(StatusCode, T)>,
    ) -> Result<HttpResponse> {
        let versions = self.knowledge.versions(&self.pool).await?;
        let current = Stamp {
            knowledge: versions.knowledge,
            pages: (shows == Shows::More).then_some(versions.pages),
            until: None,
        };
        let key = format!(
            "{}\n{:?}\n{private}\n{}?{}",
            self.origin(),
            crate::auth::signed_in(),
            self.request.path(),
            self.request.query_string(),
        );
        if let Some(answer) = self.pages.find(&current, &key, SystemTime::now()) {
            return Ok(answer.respond(&self.request, revalidate()));
        }
        let turn = self.pages.turn(&key);
        let _preparing = turn.lock().await;
        // Prepared meanwhile by the request whose turn it was, from these same counters.
        if let Some(answer) = self.pages.find(&current, &key, SystemTime::now()) {
            return Ok(answer.respond(&self.request, revalidate()));
        }
        let (status, page) = render().await?;
        let (body, until) = dates::watching(|| page.render());
        let stamp = Stamp {
            until: until.map(SystemTime::from),
            ..current
        };
        let representation = Representation::new(status, "text/html; charset=utf-8", body?);
        Ok(self
            .pages
            .keep_stamped(stamp, key, representation)
            .respond(&self.request, revalidate()))
    }
}
