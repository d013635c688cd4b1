//! Editors' saves run on a thread of their own, away from the readers' queue.
//!
//! Each worker of the server runs every request that arrived on it, taking turns at each
//! await. Under a sales floor's load a worker holds dozens of questions being ranked and
//! rendered, so each of a save's trips to SQLite (two dozen: the checks, the transaction)
//! resumed only after the queue ahead of it had run: four editors' saves took 140–185 ms at
//! the median and 330–460 ms at the 99th percentile while 64 connections asked new
//! questions, against 20 ms alone; on this thread, 59–68 ms and 143–186 ms
//! (docs/performance.md). Here a save still shares the cores with the readers, but the
//! operating system runs it as soon as it wakes, as it does any thread that mostly waits.
//!
//! What runs here must be `Send`: the handler hands over owned inputs, and the answer comes
//! back as its status, headers and bytes, which is all a rendered page or a redirect is.

use std::future::Future;

use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;

use crate::error::{AppError, Result};

/// A runtime of one thread named `name`, for work kept away from the workers' queues.
pub fn one_thread_runtime(name: &str) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(name)
        .enable_all()
        .build()
        .unwrap_or_else(|error| panic!("the {name} runtime starts: {error}"))
}

/// The runtime editors' writes run on: one thread, alive as long as the process.
fn writers() -> &'static tokio::runtime::Runtime {
    static WRITERS: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    WRITERS.get_or_init(|| one_thread_runtime("editors-writes"))
}

/// An answer made on the writers' thread, in a form that may cross back to a worker.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    /// The answer's parts. Rendered pages and redirects hold their bytes; a streamed body
    /// (which no write answers with) cannot cross threads and is refused.
    fn of(response: HttpResponse) -> Result<Self> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .try_into_bytes()
            .map_err(|_| AppError::Answer("a streamed body cannot cross threads".into()))?;
        Ok(Self {
            status,
            headers,
            body,
        })
    }

    fn into_response(self) -> HttpResponse {
        let mut response = HttpResponse::with_body(self.status, self.body);
        *response.headers_mut() = self.headers;
        response.map_into_boxed_body()
    }
}

/// Runs `write` (a save, whole: its checks, its transaction and the page it answers with) on
/// the writers' thread and gives back its answer.
pub async fn on_writers_thread<F>(write: F) -> Result<HttpResponse>
where
    F: Future<Output = Result<HttpResponse>> + Send + 'static,
{
    let handed_over = writers().spawn(async move { Answer::of(write.await?) });
    match handed_over.await {
        Ok(answer) => answer.map(Answer::into_response),
        // The runtime is never shut down, so a write only fails here by panicking: as it
        // would have on the worker.
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header;

    use super::*;

    #[tokio::test]
    async fn an_answer_made_on_the_writers_thread_keeps_its_status_headers_and_bytes() {
        let caller = std::thread::current().id();
        let answer = on_writers_thread(async move {
            assert_ne!(std::thread::current().id(), caller, "runs elsewhere");
            Ok(HttpResponse::UnprocessableEntity()
                .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
                .insert_header((header::SET_COOKIE, "a=1"))
                .body("<p>Name is required</p>"))
        })
        .await
        .unwrap();
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            answer.headers().get(header::CONTENT_TYPE).unwrap(),
            "text/html; charset=utf-8"
        );
        assert_eq!(answer.headers().get(header::SET_COOKIE).unwrap(), "a=1");
        let body = actix_web::body::to_bytes(answer.into_body()).await.unwrap();
        assert_eq!(body, "<p>Name is required</p>");
    }

    #[tokio::test]
    async fn an_error_made_on_the_writers_thread_comes_back_as_it_was() {
        let refused = on_writers_thread(async { Err(AppError::not_found()) }).await;
        assert!(matches!(refused, Err(AppError::NotFound)));
    }
}
