//! How request bodies are read: at most [`FORM_LIMIT_BYTES`], and within
//! [`BODY_READ_SECONDS`] — a client that opens a request and then trickles its body (or sends
//! nothing) would otherwise hold a connection and a worker's attention forever.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use futures_core::Stream;

use crate::error::AppError;

/// The largest form body accepted. The largest valid form, a framework's with a
/// 20,000-character description and every 500-character note, all in three-byte characters
/// and percent-encoded, is about 400 KiB; anything over 1 MiB is refused with a 413 before
/// it is read further.
pub const FORM_LIMIT_BYTES: usize = 1024 * 1024;

/// A whole body must arrive within this long: the largest valid form takes a few seconds on
/// a slow mobile link.
pub const BODY_READ_SECONDS: u64 = 30;

/// The refusal of a form over [`FORM_LIMIT_BYTES`].
pub fn form_too_large() -> AppError {
    AppError::PayloadTooLarge(format!(
        "A form may send at most {} KiB; nothing was saved.",
        FORM_LIMIT_BYTES / 1024
    ))
}

/// The answer to a body that could not be read: too large (413), too slow (408), or
/// malformed (400 naming the form).
pub fn refusal(error: &PayloadError) -> AppError {
    match error {
        PayloadError::Overflow => form_too_large(),
        PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            AppError::RequestTimeout(
                "The form did not arrive in time; nothing was saved. Check the connection and \
                 send it again."
                    .into(),
            )
        }
        other => AppError::bad_request("form", other.to_string()),
    }
}

/// Gives the body of every request that may carry one a deadline of `within` (in service,
/// [`BODY_READ_SECONDS`]).
pub async fn read_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    within: Duration,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let body = req.take_payload();
        let timed = Deadline {
            body,
            expires: Box::pin(tokio::time::sleep(within)),
        };
        req.set_payload(Payload::Stream {
            payload: Box::pin(timed),
        });
    }
    next.call(req).await
}

/// A body that fails with `TimedOut` once its deadline passes.
struct Deadline {
    body: Payload,
    expires: Pin<Box<tokio::time::Sleep>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expires.as_mut().poll(cx).is_ready() {
            let late = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow");
            return Poll::Ready(Some(Err(PayloadError::Io(late))));
        }
        Pin::new(&mut self.body).poll_next(cx)
    }
}
