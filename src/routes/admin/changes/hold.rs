//! Holding an editor's save or delete for review: what the framework and vocabulary pages
//! call when `STACKATLAS_REVIEW_REQUIRED` is on, instead of writing. It knows nothing of
//! either entity's fields, so that both editing modules can call it without this module
//! calling back into them.

use actix_web::HttpResponse;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::SqlitePool;

use crate::auth::CurrentUser;
use crate::db::change_requests::{self, Proposal, Status, Subject, Transition};
use crate::db::editing::{Outcome, Stored};
use crate::domain::FieldError;
use crate::error::{AppError, Result};
use crate::routes::admin::editing::{
    Change, DeletePage, Entity, Entry, Frame, answer_restore, author, changes, see_other,
};

/// Whether editors' changes wait for review (`STACKATLAS_REVIEW_REQUIRED`); app data.
#[derive(Debug, Clone, Copy, Default)]
pub struct Review {
    pub required: bool,
}

/// The longest reason a change takes (a change request's limit, well inside the audit
/// note's).
pub const MAX_REASON: usize = 4000;

/// The problem with an editor's `reason`, if any: the form shows it at the field.
pub fn reason_problem(reason: &str) -> Option<FieldError> {
    (reason.chars().count() > MAX_REASON)
        .then(|| FieldError::new("reason", format!("at most {MAX_REASON} characters, please")))
}

/// The address of change request `id`'s page.
pub fn href(id: i64) -> String {
    format!("/admin/changes/{id}")
}

/// What became of an editor's save or delete.
#[derive(Debug)]
pub enum Saving<T> {
    /// Published, or refused as the editing pages have always refused (someone saved
    /// first, a taken slug…): answered as before.
    Outcome(Outcome<T>),
    /// Held for review as change request `id`.
    Requested(i64),
}

/// The answer to a change held as request `id`: 303 to the request's page, which says it
/// waits for review.
pub fn requested(id: i64) -> HttpResponse {
    see_other(format!("{}?submitted=yes", href(id)))
}

/// An editor's change to hold: the entry as stored (`None` for a new one), the version
/// their form started from, what they propose (`None` to delete it), why, and the open
/// request of theirs the form continues, if it does.
pub struct Held<'a, T> {
    pub subject: Subject,
    /// The slug in the address; `None` for a new entry.
    pub original: Option<&'a str>,
    pub version: i64,
    pub current: Option<Stored<T>>,
    /// The entry proposed, with its slug.
    pub proposed: Option<(&'a T, &'a str)>,
    pub reason: &'a str,
    pub continuing: Option<i64>,
}

/// Holds the restore of revision `id` of the entry at `slug` for review: a change request
/// proposing `restored` (with its slug) over the entry as it stands (`current`; a deleted
/// entry comes back as a new one). Answered with the request's page; a restore whose slug
/// another entry has taken since is refused saying so.
pub async fn hold_restore<T: Serialize>(
    pool: &SqlitePool,
    user: &CurrentUser,
    (subject, entity): (Subject, &Entity),
    (slug, id): (&str, i64),
    current: Option<Stored<T>>,
    restored: (&T, &str),
) -> Result<HttpResponse> {
    let reason = format!("Restores revision #{id}.");
    let change = Held {
        subject,
        original: current.as_ref().map(|_| slug),
        version: current.as_ref().map_or(0, |c| c.version),
        current,
        proposed: Some(restored),
        reason: &reason,
        continuing: None,
    };
    match hold(pool, user, change).await? {
        Saving::Requested(id) => Ok(requested(id)),
        Saving::Outcome(Outcome::SlugTaken) => Err(AppError::Conflict(format!(
            "Nothing was requested: another {} now uses the slug this revision had.",
            entity.singular
        ))),
        Saving::Outcome(outcome) => answer_restore(outcome, entity, slug),
    }
}

/// Holds `change` as a change request by `user` — a new one, or the proposal of the open
/// request it continues replaced (a rebase, or the answer to a return). Refused like a
/// save when the form is stale, the entry gone or a new slug taken, so the editor meets
/// the same conflict page they would without review.
pub async fn hold<T: Serialize>(
    pool: &SqlitePool,
    user: &CurrentUser,
    change: Held<'_, T>,
) -> Result<Saving<T>> {
    let base = match (change.original, change.current) {
        (None, _) => None,
        (Some(_), None) => return Ok(Saving::Outcome(Outcome::Gone)),
        (Some(_), Some(current)) if current.version != change.version => {
            return Ok(Saving::Outcome(Outcome::Conflict(Box::new(current))));
        }
        (Some(_), Some(current)) => Some(current),
    };
    let proposal = match change.proposed {
        Some((proposed, slug)) => {
            let renamed = change.original.is_some_and(|original| original != slug);
            let taken = (change.original.is_none() || renamed)
                && change_requests::version_of(pool, change.subject, slug)
                    .await?
                    .is_some();
            if taken {
                return Ok(Saving::Outcome(Outcome::SlugTaken));
            }
            let base = base.as_ref().map(|s| (&s.record, s.version));
            let original = change.original;
            Proposal::save(
                change.subject,
                original,
                base,
                proposed,
                slug,
                change.reason,
            )
        }
        None => {
            let (slug, base) = change.original.zip(base).ok_or_else(AppError::not_found)?;
            Proposal::delete(
                change.subject,
                slug,
                (&base.record, base.version),
                change.reason,
            )
        }
    };
    let author = author(user);
    let Some(id) = change.continuing else {
        let id = change_requests::submit(pool, &proposal, &author).await?;
        return Ok(Saving::Requested(id));
    };
    let request = own_open_request(pool, user, id, change.subject).await?;
    // A request stays about one entry and one kind of change: a form posted elsewhere with
    // its id must not turn it into another.
    if request.original() != change.original || request.action != proposal.action {
        return Err(AppError::bad_request(
            "change_request",
            format!("change request #{id} is not about this change"),
        ));
    }
    match change_requests::resubmit(pool, id, request.version, &proposal, &author).await? {
        Transition::Done => Ok(Saving::Requested(id)),
        Transition::Gone => Err(AppError::not_found()),
        Transition::Conflict(_) | Transition::NotApplicable(_) => Err(decided_meanwhile(id)),
    }
}

/// The 409 when a request was decided while its author was changing it.
fn decided_meanwhile(id: i64) -> AppError {
    AppError::Conflict(format!(
        "Change request #{id} was decided while you were changing it, so nothing was saved. \
         Open it to see the decision."
    ))
}

/// The open request `id` of `user` about `subject`: only its author changes a request, and
/// only while it is open.
async fn own_open_request(
    pool: &SqlitePool,
    user: &CurrentUser,
    id: i64,
    subject: Subject,
) -> Result<change_requests::ChangeRequest> {
    let request = change_requests::get(pool, id)
        .await?
        .filter(|r| r.subject() == subject)
        .ok_or_else(AppError::not_found)?;
    if request.author_id != user.0.user.id {
        return Err(AppError::Forbidden(
            "Only the author of a change request can change it.",
        ));
    }
    if !request.status().is_open() {
        return Err(decided_meanwhile(id));
    }
    Ok(request)
}

/// An edit form continuing an open change request: the proposal to prefill it with, the
/// version to submit (the entry's present one), and — when the entry changed since the
/// request's base — what the others changed against the proposal, shown as a conflict.
pub struct Continued<T> {
    pub id: i64,
    pub proposed: T,
    pub version: i64,
    pub conflict: Vec<Change>,
    pub returned: bool,
    pub reason: String,
}

impl<T> Continued<T> {
    /// Sets an edit form's `frame` to continue the request: the version to submit, the
    /// conflict to merge, the reason so far, the hidden field naming the request, and a
    /// notice saying what submitting does.
    pub fn set_frame(&self, frame: &mut Frame) {
        frame.version = self.version;
        frame.conflict = self.conflict.clone();
        frame.reason = self.reason.clone();
        frame.change_request = Some(self.id);
        let why = if self.returned {
            " It was returned to you: its page has the reviewer's comment."
        } else {
            ""
        };
        frame.notice = Some(format!(
            "You are changing change request #{}; submitting replaces its proposal and puts \
             it back in the review queue.{why}",
            self.id
        ));
    }
}

/// Reads the request `id` of `user` for the edit form of the entry `original` of
/// `subject`, as it is stored now (`current`).
pub async fn continuing<T: DeserializeOwned + Entry + Clone>(
    pool: &SqlitePool,
    user: &CurrentUser,
    id: i64,
    subject: Subject,
    (original, current): (Option<&str>, Option<&Stored<T>>),
) -> Result<Continued<T>> {
    let request = own_open_request(pool, user, id, subject).await?;
    let proposed: Option<T> = request
        .proposed
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    // A delete is changed on its confirmation page, not on the edit form; and the form's
    // address must be the request's entry.
    let Some(proposed) = proposed.filter(|_| request.original() == original) else {
        return Err(AppError::not_found());
    };
    let (version, conflict) = match current {
        Some(current) if current.version != request.base_version => {
            (current.version, changes(&current.record, &proposed))
        }
        _ => (request.base_version, Vec::new()),
    };
    Ok(Continued {
        id,
        proposed,
        version,
        conflict,
        returned: request.status() == Status::Returned,
        reason: request.reason,
    })
}

/// Sets a delete confirmation to continue `user`'s open request `id` to delete the entry
/// `slug` of `subject`: confirming it again rebases the request onto the version the page
/// shows, keeping its reason unless the author changes it.
pub async fn continue_delete(
    pool: &SqlitePool,
    user: &CurrentUser,
    (id, subject, slug): (i64, Subject, &str),
    page: &mut DeletePage,
) -> Result<()> {
    let request = own_open_request(pool, user, id, subject).await?;
    if request.action != "delete" || request.entity_slug != slug {
        return Err(AppError::not_found());
    }
    page.change_request = Some(id);
    page.reason = request.reason;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_may_be_empty_but_not_longer_than_a_request_holds() {
        assert!(reason_problem("").is_none());
        assert!(reason_problem(&"é".repeat(MAX_REASON)).is_none());
        let problem = reason_problem(&"x".repeat(MAX_REASON + 1)).expect("too long");
        assert_eq!(problem.field, "reason");
    }
}
