//! The editing flow every entry of the knowledge base shares, frameworks and vocabulary alike:
//! the form with its version and CSRF token, field errors, the conflict page when someone
//! saved first, the delete page naming what goes with the entry, the history with each
//! revision's changes, restore, and the redirects after each. The entity modules
//! (`frameworks`, `terms`) supply only what differs: their fields and their database calls.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db::editing::{Author, Blocker, Outcome, Revision, Stored};
use crate::domain::FieldError;
use crate::error::{AppError, Result};

/// What kind of entry a page edits, in addresses and in words.
#[derive(Debug, Clone)]
pub struct Entity {
    /// Where the entries' pages live: `/admin/frameworks`, `/admin/use-cases`.
    pub base: String,
    /// One entry in words, for sentences: "framework", "use case".
    pub singular: &'static str,
    /// The list's title: "Frameworks", "Use cases".
    pub plural_title: &'static str,
}

impl Entity {
    fn entry_href(&self, slug: &str, page: &str) -> String {
        format!("{}/{slug}/{page}", self.base)
    }

    /// The edit page's address, saying what was just done (`saved=yes`, `saved=reviewed`).
    fn saved_href(&self, slug: &str, done: &str) -> String {
        format!("{}?saved={done}", self.entry_href(slug, "edit"))
    }

    /// The list's address after a delete: it names the entry deleted.
    fn deleted_href(&self, slug: &str) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("done", "deleted")
            .append_pair("name", slug)
            .finish();
        format!("{}?{query}", self.base)
    }
}

/// Who is making a change, as the audit log records it.
pub fn author(user: &CurrentUser) -> Author {
    Author {
        user_id: user.0.user.id,
        name: user.name().to_owned(),
        ..Author::default()
    }
}

/// Who is making a change and why, as they said it (trimmed; empty when they did not).
pub fn author_saying(user: &CurrentUser, reason: &str) -> Author {
    Author {
        note: reason.trim().to_owned(),
        ..author(user)
    }
}

/// 303 See Other: after a successful POST the browser asks for the next page itself, so a
/// reload cannot post twice.
pub fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A form that only carries the version it acts on, and why: the delete confirmation.
#[derive(Debug, Deserialize)]
pub struct VersionForm {
    pub version: i64,
    pub csrf_token: String,
    /// Why, as the editor says it: the audit revision's note (or the change request's
    /// reason); required when the delete breaks a reference question.
    #[serde(default)]
    pub reason: String,
    /// The author's open change request the confirmation continues (see `changes::hold`).
    #[serde(default)]
    pub change_request: Option<i64>,
}

/// A form that carries nothing but its token: restore.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf_token: String,
}

/// `?saved=…` on an edit page, set by the redirect after a save.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
    /// The author's open change request the form continues (see `changes::hold`).
    pub change_request: Option<i64>,
}

/// A field's name and its place on the pages: fields sort by `rank` (the form's order),
/// then by name (links to other entries, which come and go between versions).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldName {
    pub rank: u8,
    pub name: String,
}

impl FieldName {
    pub fn new(rank: u8, name: impl Into<String>) -> Self {
        Self {
            rank,
            name: name.into(),
        }
    }
}

/// An entry as text, field by field, so two versions can be compared.
pub type Fields = BTreeMap<FieldName, String>;

/// `(name, value)` pairs as [`Fields`], each ranked by its place: the form's order.
pub fn in_form_order<'a>(fields: impl IntoIterator<Item = (&'a str, &'a String)>) -> Fields {
    fields
        .into_iter()
        .enumerate()
        .map(|(rank, (name, value))| (FieldName::new(rank as u8, name), value.clone()))
        .collect()
}

/// An entry whose versions can be compared.
pub trait Entry {
    fn fields(&self) -> Fields;
}

/// One field that differs between two versions of an entry: in a conflict, what the other
/// editor saved and what this one submitted; in the history, before and after a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// The fields that differ between two versions, in page order; a field one side lacks
/// counts as empty there.
pub fn changes(before: &impl Entry, after: &impl Entry) -> Vec<Change> {
    let (before, after) = (before.fields(), after.fields());
    let names: BTreeSet<&FieldName> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .map(|field| Change {
            field: field.name.clone(),
            before: before.get(field).cloned().unwrap_or_default(),
            after: after.get(field).cloned().unwrap_or_default(),
        })
        .filter(|c| c.before != c.after)
        .collect()
}

/// What every edit form shows around its own fields: where it posts, the version it started
/// from, the token, the messages, and the conflict when someone saved first.
pub struct Frame {
    pub entity: Entity,
    /// The slug in the address (before any rename); `None` on the new-entry form.
    pub original: Option<String>,
    /// The entry's name as stored, for the title; empty on the new-entry form.
    pub name: String,
    pub version: i64,
    pub csrf_token: String,
    pub errors: Vec<FieldError>,
    /// The fields another editor changed, when this save came too late.
    pub conflict: Vec<Change>,
    /// What was just done ("Saved."), shown at the top.
    pub notice: Option<String>,
    /// Why the editor makes the change (field `reason`), kept when the form comes back: the
    /// audit note, or the change request's reason.
    pub reason: String,
    /// What the submitted change would do to the reference questions and saved briefs,
    /// after "Preview impact" or a save that needs its reason.
    pub impact: Option<crate::impact::Impact>,
    /// Saving submits a change request for review instead of publishing.
    pub review_required: bool,
    /// The author's open change request this form changes, carried as a hidden field.
    pub change_request: Option<i64>,
    /// The change requests waiting on this entry: (id, author).
    pub open_requests: Vec<(i64, String)>,
}

impl Frame {
    pub fn new(entity: Entity, original: Option<&str>, version: i64, user: &CurrentUser) -> Self {
        Self {
            entity,
            original: original.map(str::to_owned),
            name: String::new(),
            version,
            csrf_token: user.csrf_token().to_owned(),
            errors: Vec::new(),
            conflict: Vec::new(),
            notice: None,
            reason: String::new(),
            impact: None,
            review_required: false,
            change_request: None,
            open_requests: Vec::new(),
        }
    }

    pub fn is_new(&self) -> bool {
        self.original.is_none()
    }

    /// Where the form posts.
    pub fn action(&self) -> String {
        match &self.original {
            None => format!("{}/new", self.entity.base),
            Some(slug) => self.entity.entry_href(slug, "edit"),
        }
    }

    /// Where "Preview impact" posts the form: beside the save, `…/{slug}/impact`, or
    /// `…/new/impact` for a new entry.
    pub fn impact_action(&self) -> String {
        match &self.original {
            None => format!("{}/new/impact", self.entity.base),
            Some(slug) => self.entity.entry_href(slug, "impact"),
        }
    }

    /// An address of this entry's pages: `history`, `delete`.
    pub fn entry_href(&self, page: &str) -> String {
        self.entity
            .entry_href(self.original.as_deref().unwrap_or_default(), page)
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        FieldError::message_for(&self.errors, field)
    }

    /// The heading above the list of field errors.
    pub fn errors_title(&self) -> String {
        match self.errors.len() {
            1 => "1 field needs attention".to_owned(),
            n => format!("{n} fields need attention"),
        }
    }
}

/// An edit form page: the frame and the entry's own fields, rendered with `status`.
pub trait FormPage: Template {
    fn frame_mut(&mut self) -> &mut Frame;
}

/// Answers a save the database has decided: on success 303 to the edit page saying `done`;
/// when someone saved first, 409 and the form again with what they changed, the editor's
/// values kept on top of the new version; a taken slug, 422 naming it; a vanished entry, 404.
/// `form` builds the page around the submitted entry.
pub fn answer_save<T: Entry, P: FormPage>(
    outcome: Outcome<T>,
    entity: &Entity,
    submitted: T,
    slug: &str,
    done: &str,
    form: impl FnOnce(T) -> P,
) -> Result<HttpResponse> {
    let mut page;
    let status = match outcome {
        Outcome::Done => return Ok(see_other(entity.saved_href(slug, done))),
        Outcome::Conflict(current) => {
            let Stored {
                record: theirs,
                version,
            } = *current;
            let conflict = changes(&theirs, &submitted);
            page = form(submitted);
            let frame = page.frame_mut();
            frame.conflict = conflict;
            frame.version = version;
            StatusCode::CONFLICT
        }
        Outcome::SlugTaken => {
            page = form(submitted);
            let frame = page.frame_mut();
            let message = format!("another {} already uses this slug", entity.singular);
            frame.errors = vec![FieldError::new("slug", message)];
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Outcome::Gone | Outcome::Blocked(_) => return Err(AppError::not_found()),
    };
    crate::routes::html(status, &page)
}

/// The confirmation before a delete: what goes with the entry, or why it cannot go yet.
#[derive(Template)]
#[template(path = "admin/delete.html")]
pub struct DeletePage {
    pub entity: Entity,
    pub slug: String,
    pub name: String,
    pub version: i64,
    pub csrf_token: String,
    /// The sentence before the list of what goes.
    pub lead: String,
    /// What goes with the entry, one line each.
    pub consequences: Vec<String>,
    /// Why the entry cannot be deleted yet, if it cannot.
    pub blocked: Option<String>,
    /// The delete waits as a change request for review instead of happening.
    pub review_required: bool,
    /// The author's open change request to delete the entry that this page continues.
    pub change_request: Option<i64>,
    /// What deleting it would do to the reference questions and saved briefs, for the
    /// entries the ranking reads.
    pub impact: Option<crate::impact::Impact>,
    /// The reason as given so far, and the message when one is needed and missing.
    pub reason: String,
    pub reason_error: Option<String>,
}

/// Answers a delete: 303 to the list naming what went; when someone saved since the page was
/// shown, or something came to depend on the entry, 409 and the confirmation again, built by
/// `confirm` from the present state (the entry as the other editor saved it, on a conflict);
/// a vanished entry, 404.
pub async fn answer_delete<T, F>(
    outcome: Outcome<T>,
    entity: &Entity,
    slug: &str,
    confirm: F,
) -> Result<HttpResponse>
where
    F: AsyncFnOnce(Option<Stored<T>>) -> Result<DeletePage>,
{
    let current = match outcome {
        Outcome::Done => return Ok(see_other(entity.deleted_href(slug))),
        Outcome::Conflict(current) => Some(*current),
        Outcome::Blocked(_) => None,
        Outcome::Gone | Outcome::SlugTaken => return Err(AppError::not_found()),
    };
    crate::routes::html(StatusCode::CONFLICT, &confirm(current).await?)
}

/// What keeps an entry from going or coming back, and what to do first, in words.
pub fn why_blocked(blocker: &Blocker) -> String {
    match blocker {
        Blocker::FrameworksWrittenIn(count) => format!(
            "{count} framework(s) are written in this language or list it among the languages \
             teams write on them; change those first"
        ),
        Blocker::UseCasesIn(count) => {
            format!("{count} use case(s) belong to this industry; move or delete them first")
        }
        Blocker::IndustryGone(industry) => format!(
            "this use case belonged to the industry “{industry}”, which no longer exists; \
             restore or create that industry first"
        ),
    }
}

/// Answers a restore: 303 back to the history, now with the restore on top; a restore that
/// would break a reference, 409 saying why; an unknown revision, 404.
pub fn answer_restore<T>(outcome: Outcome<T>, entity: &Entity, slug: &str) -> Result<HttpResponse> {
    match outcome {
        Outcome::Done => Ok(see_other(entity.entry_href(slug, "history"))),
        Outcome::Blocked(blocker) => Err(AppError::Conflict(format!(
            "Nothing was restored: {}.",
            why_blocked(&blocker)
        ))),
        Outcome::Gone | Outcome::Conflict(_) | Outcome::SlugTaken => Err(AppError::not_found()),
    }
}

/// One revision as the history shows it.
pub struct RevisionView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: Vec<Change>,
    pub restorable: bool,
    /// Why it was made (Markdown rendered safe), or empty.
    pub note_html: String,
    /// Who approved it and the change request it published, if it went through review.
    pub approved: Option<(String, i64)>,
}

/// Every revision of one entry, newest first, each with what changed.
#[derive(Template)]
#[template(path = "admin/history.html")]
pub struct HistoryPage {
    pub entity: Entity,
    pub slug: String,
    pub name: String,
    pub exists: bool,
    pub revisions: Vec<RevisionView>,
    pub csrf_token: String,
    /// A restore waits as a change request rather than happening.
    pub review_required: bool,
    /// Whether this is a later page than the newest.
    pub later: bool,
    /// Where the next (older) page starts; `None` on the last.
    pub next_cursor: Option<i64>,
}

impl HistoryPage {
    /// This history from `cursor` (the newest when `None`).
    fn page_href(&self, cursor: Option<i64>) -> String {
        match cursor {
            Some(cursor) => format!("{}/{}/history?cursor={cursor}", self.entity.base, self.slug),
            None => format!("{}/{}/history", self.entity.base, self.slug),
        }
    }
}

/// An entry as the audit log records it, so its history can be shown.
pub trait Revisioned: Entry + Default + serde::de::DeserializeOwned {
    fn name(self) -> String;
}

/// A revision's state as its JSON records it; `None` when there is none or it is unreadable.
fn state_in<T: Revisioned>(json: Option<&str>) -> Option<T> {
    json.and_then(|j| serde_json::from_str(j).ok())
}

/// The history page of `slug` from its audit revisions (oldest first, as stored);
/// `current_name` is the entry's name if it still exists. No revision at all is a 404:
/// nothing by that slug was ever saved.
/// Revisions on one page of an entry's history.
pub const HISTORY_PAGE: i64 = 50;

/// The query string of a history page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct HistoryQuery {
    /// Where the page starts: the revisions older than this one (`next_cursor` of the page
    /// before).
    pub cursor: Option<String>,
}

impl HistoryQuery {
    /// The page asked for, as what `db::editing::history_page` reads: the revision it starts
    /// before and one more than a page (which says whether there is a next one).
    pub fn page(&self) -> Result<(Option<i64>, i64)> {
        let before = match self.cursor.as_deref().map(str::trim).unwrap_or("") {
            "" => None,
            given => Some(given.parse::<i64>().map_err(|_| {
                AppError::bad_request("cursor", format!("\"{given}\" is not where a page starts"))
            })?),
        };
        Ok((before, HISTORY_PAGE + 1))
    }
}

/// The history page of an entry: `revisions` newest first, as [`HistoryQuery::page`] asked
/// for them (one more than a page when there is a next one).
pub fn show_history<T: Revisioned>(
    entity: Entity,
    slug: String,
    current_name: Option<String>,
    (mut revisions, query): (Vec<Revision>, &HistoryQuery),
    (user, review_required): (&CurrentUser, bool),
) -> Result<HttpResponse> {
    let (before, _) = query.page()?;
    if revisions.is_empty() {
        return Err(AppError::not_found());
    }
    let next_cursor = (revisions.len() as i64 > HISTORY_PAGE).then(|| {
        revisions.truncate(HISTORY_PAGE as usize);
        revisions.last().expect("a full page").id
    });
    let views = revisions
        .iter()
        .map(|r| RevisionView {
            id: r.id,
            at: r.at.clone(),
            actor: r.actor.clone(),
            action: r.action.clone(),
            changes: changes(
                &state_in::<T>(r.before.as_deref()).unwrap_or_default(),
                &state_in::<T>(r.after.as_deref()).unwrap_or_default(),
            ),
            restorable: r.after.is_some() || r.before.is_some(),
            note_html: crate::markdown::to_safe_html(&r.note),
            approved: r.approver.clone().zip(r.change_request),
        })
        .collect();
    // A deleted entry is named as its last revision knew it.
    let last_known = || {
        revisions
            .iter()
            .find_map(|r| state_in::<T>(r.before.as_deref().or(r.after.as_deref())))
            .map(T::name)
    };
    let page = HistoryPage {
        entity,
        name: current_name
            .clone()
            .or_else(last_known)
            .unwrap_or_else(|| slug.clone()),
        exists: current_name.is_some(),
        slug,
        revisions: views,
        csrf_token: user.csrf_token().to_owned(),
        review_required,
        later: before.is_some(),
        next_cursor,
    };
    crate::routes::html(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pairs(Vec<(u8, &'static str, &'static str)>);

    impl Entry for Pairs {
        fn fields(&self) -> Fields {
            self.0
                .iter()
                .map(|(rank, f, v)| (FieldName::new(*rank, *f), (*v).to_owned()))
                .collect()
        }
    }

    #[test]
    fn changes_list_only_differing_fields_in_page_order_with_missing_ones_empty() {
        let before = Pairs(vec![
            (0, "slug", "a"),
            (1, "name", "A"),
            (2, "link: x", "strength 3"),
        ]);
        let after = Pairs(vec![
            (0, "slug", "a"),
            (1, "name", "B"),
            (2, "link: y", "linked"),
        ]);
        let fields: Vec<(String, String, String)> = changes(&before, &after)
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        assert_eq!(
            fields,
            [
                ("name".into(), "A".into(), "B".into()),
                ("link: x".into(), "strength 3".into(), String::new()),
                ("link: y".into(), String::new(), "linked".into()),
            ]
        );
    }

    #[test]
    fn an_entitys_addresses_hang_off_its_base() {
        let entity = Entity {
            base: "/admin/use-cases".into(),
            singular: "use case",
            plural_title: "Use cases",
        };
        assert_eq!(
            entity.saved_href("iot", "yes"),
            "/admin/use-cases/iot/edit?saved=yes"
        );
        assert_eq!(
            entity.deleted_href("a b"),
            "/admin/use-cases?done=deleted&name=a+b"
        );
    }
}
