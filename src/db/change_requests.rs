//! Change requests: an editor's save or delete of a framework or a vocabulary entry held for
//! review (while `STACKATLAS_REVIEW_REQUIRED` is on) instead of being published. Each
//! transition — submit, approve, return, reject, withdraw — is audited (entity
//! `change_request`) in the transaction that makes it, and an approval publishes the change
//! through the same save and delete the editing pages use, in that one transaction too.

use sqlx::{SqliteConnection, SqlitePool};

use crate::db::editing::{self, Approved, Author, Blocker, Outcome};
use crate::db::knowledge::{AuditEntry, append_audit};
use crate::db::terms::{self, State, TermKind};
use crate::knowledge::document::FrameworkRecord;

/// The audit log's name for change requests.
pub const CHANGE_REQUEST: &str = "change_request";

/// What a change request changes: a framework or a vocabulary entry of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Framework,
    Term(TermKind),
}

impl Subject {
    /// The audit log's name for the entity (`framework`, `use_case`), which the request's
    /// `entity` column also holds.
    pub fn audit_name(self) -> &'static str {
        match self {
            Subject::Framework => editing::FRAMEWORK,
            Subject::Term(kind) => kind.audit_name(),
        }
    }

    /// The subject the audit log names `name`, if any.
    pub fn parse(name: &str) -> Option<Self> {
        if name == editing::FRAMEWORK {
            return Some(Subject::Framework);
        }
        terms::kind_by_audit_name(name).map(Subject::Term)
    }
}

/// Where a request stands. Only pending and returned requests are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waits for another editor's decision.
    Pending,
    /// Sent back to its author with a comment; the author may change and resubmit it.
    Returned,
    Approved,
    Rejected,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Returned,
        Status::Approved,
        Status::Rejected,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Returned => "returned",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }

    /// The status in words, for pages.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "Waiting for review",
            Status::Returned => "Returned to its author",
            Status::Approved => "Approved and published",
            Status::Rejected => "Rejected",
            Status::Withdrawn => "Withdrawn by its author",
        }
    }

    /// The status a row holds; the schema admits no other.
    pub fn parse(text: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .unwrap_or(Status::Pending)
    }

    /// Whether the status is a reviewer's decision, whose reviewer the pages name.
    pub fn is_decision(self) -> bool {
        matches!(self, Status::Returned | Status::Approved | Status::Rejected)
    }

    /// Whether the request may still be decided, changed or withdrawn.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Pending | Status::Returned)
    }
}

/// One change request as stored, with its author's and reviewer's names.
#[derive(Debug, Clone)]
pub struct ChangeRequest {
    pub id: i64,
    /// The audit log's name of what it changes (see [`Subject`]).
    pub entity: String,
    /// The entry's slug where it is edited; for a new entry, the slug it proposes.
    pub entity_slug: String,
    /// `create`, `update` or `delete`.
    pub action: String,
    /// The entry's version the proposal starts from (0 for a new entry).
    pub base_version: i64,
    /// The entry at `base_version`, as the audit log's JSON; `None` for a new entry.
    pub base: Option<String>,
    /// The entry as proposed, as the audit log's JSON; `None` for a delete.
    pub proposed: Option<String>,
    pub reason: String,
    pub status: String,
    pub author_id: i64,
    pub author: String,
    pub reviewer_id: Option<i64>,
    pub reviewer: Option<String>,
    pub review_comment: String,
    /// The audit revision the approval published.
    pub published_as: Option<i64>,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub version: i64,
    pub updated_at: String,
}

impl ChangeRequest {
    /// The slug the entry has where it is edited today: the original for an update or a
    /// delete, none for a new entry.
    pub fn original(&self) -> Option<&str> {
        (self.action != "create").then_some(self.entity_slug.as_str())
    }
}

/// What a stored and a listed request read alike from the same columns.
macro_rules! read_from_columns {
    ($($request:ty),*) => {$(
        impl $request {
            pub fn subject(&self) -> Subject {
                Subject::parse(&self.entity).expect("the schema admits only known entities")
            }

            pub fn status(&self) -> Status {
                Status::parse(&self.status)
            }

            fn entry(&self) -> Entry<'_> {
                Entry::of(&self.entity, &self.entity_slug, &self.action, self.base_version)
            }
        }
    )*};
}

read_from_columns!(ChangeRequest, Listed);

#[cfg(test)]
impl ChangeRequest {
    /// A pending request by Ana of `action` on the `entity` entry `slug`, from
    /// `base_version`, carrying neither copy of the entry.
    pub(crate) fn sketch(entity: &str, slug: &str, action: &str, base_version: i64) -> Self {
        ChangeRequest {
            id: 1,
            entity: entity.into(),
            entity_slug: slug.into(),
            action: action.into(),
            base_version,
            base: None,
            proposed: None,
            reason: String::new(),
            status: "pending".into(),
            author_id: 1,
            author: "Ana".into(),
            reviewer_id: None,
            reviewer: None,
            review_comment: String::new(),
            published_as: None,
            created_at: String::new(),
            decided_at: None,
            version: 1,
            updated_at: String::new(),
        }
    }
}

/// A request as the queue lists it: what it changes, whose it is and where it stands, with
/// its entry's name but not the entry itself (two copies of it, ~38 KB a request on a
/// database after years of use, read and parsed only to find that name).
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: i64,
    pub entity: String,
    pub entity_slug: String,
    pub action: String,
    pub base_version: i64,
    pub status: String,
    pub author_id: i64,
    pub author: String,
    pub reviewer: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub version: i64,
    pub updated_at: String,
    /// The entry's name as proposed, else as it was; `None` when neither names one.
    pub name: Option<String>,
}

/// The entry a request changes and the version it starts from, as [`are_current`] checks it.
pub struct Entry<'a> {
    /// The audit log's name of the entry's kind.
    entity: &'a str,
    slug: &'a str,
    /// A new entry: current while its slug is free.
    creates: bool,
    base_version: i64,
}

impl<'a> Entry<'a> {
    fn of(entity: &'a str, slug: &'a str, action: &str, base_version: i64) -> Self {
        Self {
            entity,
            slug,
            creates: action == "create",
            base_version,
        }
    }
}

/// A request's change as the knowledge would take it, in the shape the impact preview
/// applies in memory (`impact::Edit`): the entry's slug today (`None` for a new entry) and
/// what it becomes (`None` for a delete).
#[derive(Debug, Clone)]
pub enum PendingEdit {
    Framework {
        original: Option<String>,
        record: Option<Box<FrameworkRecord>>,
    },
    Term {
        kind: TermKind,
        original: Option<String>,
        state: Option<State>,
    },
}

impl ChangeRequest {
    /// The change this request would publish (see [`PendingEdit`]).
    pub fn pending_edit(&self) -> PendingEdit {
        let original = self.original().map(str::to_owned);
        // A proposal is written by this module from a parsed entry, so it reads back.
        let proposed = self.proposed.as_deref();
        match self.subject() {
            Subject::Framework => PendingEdit::Framework {
                original,
                record: proposed.map(|json| {
                    let mut record: FrameworkRecord =
                        serde_json::from_str(json).expect("a stored proposal parses");
                    record.upgrade();
                    Box::new(record)
                }),
            },
            Subject::Term(kind) => PendingEdit::Term {
                kind,
                original,
                state: State::parse(proposed),
            },
        }
    }
}

/// A change to hold for review: what it changes, from which version, and why.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub subject: Subject,
    /// See [`ChangeRequest::entity_slug`].
    pub entity_slug: String,
    pub action: &'static str,
    pub base_version: i64,
    pub base: Option<String>,
    pub proposed: Option<String>,
    pub reason: String,
}

impl Proposal {
    /// A save of `proposed` over `base` (stored at `base_version`), or a new entry when
    /// `base` is `None`; `original` is the slug it is edited at.
    pub fn save<T: serde::Serialize>(
        subject: Subject,
        original: Option<&str>,
        base: Option<(&T, i64)>,
        proposed: &T,
        proposed_slug: &str,
        reason: &str,
    ) -> Self {
        Self {
            subject,
            entity_slug: original.unwrap_or(proposed_slug).to_owned(),
            action: if base.is_some() { "update" } else { "create" },
            base_version: base.map_or(0, |(_, version)| version),
            base: base.map(|(state, _)| json(state)),
            proposed: Some(json(proposed)),
            reason: reason.to_owned(),
        }
    }

    /// The delete of the entry `slug`, stored as `base` at `base_version`.
    pub fn delete<T: serde::Serialize>(
        subject: Subject,
        slug: &str,
        (base, base_version): (&T, i64),
        reason: &str,
    ) -> Self {
        Self {
            subject,
            entity_slug: slug.to_owned(),
            action: "delete",
            base_version,
            base: Some(json(base)),
            proposed: None,
            reason: reason.to_owned(),
        }
    }
}

fn json<T: serde::Serialize>(state: &T) -> String {
    serde_json::to_string(state).expect("a state serialises")
}

/// What became of a transition asked for.
#[derive(Debug)]
pub enum Transition {
    /// Made and audited.
    Done,
    /// The request changed since the page was shown (someone decided it first); nothing
    /// was written. Holds the request as it is now.
    Conflict(Box<ChangeRequest>),
    /// No such request.
    Gone,
    /// Approving it would not apply: the entry changed since the request's base, a new
    /// entry's slug is taken, or something now depends on what it deletes.
    NotApplicable(Inapplicable),
}

/// Why an approval could not publish a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inapplicable {
    /// The entry changed (or went) since the version the request starts from.
    Stale,
    /// Another entry of the kind already has the slug it proposes.
    SlugTaken,
    /// What it deletes cannot go yet.
    Blocked(Blocker),
}

/// The request `id` when given; otherwise every open request and the `decided` most
/// recently decided. Newest first. One statement for both, so a request reads the same
/// wherever it is shown. The requests are chosen by id through the indexes of open and of
/// decided requests (migration 0009) before any row is read: a request's row holds two
/// states of its entry, and reading thousands of decided ones to pick a few was most of the
/// queue's time.
async fn select(
    conn: &mut SqliteConnection,
    id: Option<i64>,
    decided: i64,
) -> Result<Vec<ChangeRequest>, sqlx::Error> {
    sqlx::query_as!(
        ChangeRequest,
        r#"SELECT c.id AS "id!", c.entity, c.entity_slug, c.action, c.base_version, c.base,
                  c.proposed, c.reason, c.status, c.author_id, a.name AS author,
                  c.reviewer_id, r.name AS reviewer, c.review_comment, c.published_as,
                  c.created_at, c.decided_at, c.version, c.updated_at
           FROM change_requests c
           JOIN users a ON a.id = c.author_id
           LEFT JOIN users r ON r.id = c.reviewer_id
           WHERE c.id IN (
               SELECT ?1 WHERE ?1 IS NOT NULL
               UNION ALL
               SELECT id FROM change_requests
               WHERE ?1 IS NULL AND status IN ('pending', 'returned')
               UNION ALL
               SELECT id FROM (SELECT id FROM change_requests
                               WHERE ?1 IS NULL AND status NOT IN ('pending', 'returned')
                               ORDER BY decided_at DESC, id DESC LIMIT ?2))
           ORDER BY c.id DESC"#,
        id,
        decided
    )
    .fetch_all(&mut *conn)
    .await
}

async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Option<ChangeRequest>, sqlx::Error> {
    Ok(select(conn, Some(id), 0).await?.pop())
}

/// The request `id`, or `None`.
pub async fn get(pool: &SqlitePool, id: i64) -> Result<Option<ChangeRequest>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    fetch(&mut conn, id).await
}

/// Every open request and the `decided` most recently decided, newest first; the queue
/// page sorts them by whom they wait for.
pub async fn queue(pool: &SqlitePool, decided: i64) -> Result<Vec<ChangeRequest>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    select(&mut conn, None, decided).await
}

/// [`queue`] as the queue page lists it ([`Listed`]): the same requests in the same order.
pub async fn listed(pool: &SqlitePool, decided: i64) -> Result<Vec<Listed>, sqlx::Error> {
    sqlx::query_as!(
        Listed,
        r#"SELECT c.id AS "id!", c.entity, c.entity_slug, c.action, c.base_version, c.status,
                  c.author_id, a.name AS author, r.name AS reviewer, c.created_at,
                  c.decided_at, c.version, c.updated_at,
                  coalesce(c.proposed ->> '$.name', c.base ->> '$.name') AS "name: String"
           FROM change_requests c
           JOIN users a ON a.id = c.author_id
           LEFT JOIN users r ON r.id = c.reviewer_id
           WHERE c.id IN (
               SELECT id FROM change_requests WHERE status IN ('pending', 'returned')
               UNION ALL
               SELECT id FROM (SELECT id FROM change_requests
                               WHERE status NOT IN ('pending', 'returned')
                               ORDER BY decided_at DESC, id DESC LIMIT ?1))
           ORDER BY c.id DESC"#,
        decided
    )
    .fetch_all(pool)
    .await
}

/// How many requests wait for `reviewer`'s review: pending ones by anyone else.
pub async fn waiting_for(pool: &SqlitePool, reviewer: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT count(*) FROM change_requests WHERE status = 'pending' AND author_id <> ?1",
        reviewer
    )
    .fetch_one(pool)
    .await
}

/// The open requests on the entry `slug` of `subject`, oldest first: what its edit form
/// warns of, so that editors do not propose the same change twice.
pub async fn open_on(
    pool: &SqlitePool,
    subject: Subject,
    slug: &str,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let entity = subject.audit_name();
    let rows = sqlx::query!(
        r#"SELECT c.id AS "id!", a.name AS author FROM change_requests c
           JOIN users a ON a.id = c.author_id
           WHERE c.entity = ?1 AND c.entity_slug = ?2 AND c.status IN ('pending', 'returned')
           ORDER BY c.id"#,
        entity,
        slug
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.author)).collect())
}

/// The open requests of `author`, oldest first: the changes an editor's preview of their
/// own pending knowledge applies, in the order they were made.
pub async fn open_by(pool: &SqlitePool, author: i64) -> Result<Vec<ChangeRequest>, sqlx::Error> {
    // The queue without decided requests is every open one, newest first.
    let mut open: Vec<ChangeRequest> = queue(pool, 0)
        .await?
        .into_iter()
        .filter(|r| r.author_id == author)
        .collect();
    open.reverse();
    Ok(open)
}

/// What the audit revision of a transition records of the request: enough to read the
/// request's course in the activity log without the table.
#[derive(serde::Serialize)]
struct Trace<'a> {
    entity: &'a str,
    entity_slug: &'a str,
    action: &'a str,
    status: &'static str,
    base_version: i64,
}

/// Appends the audit revision of `action` on request `id`, now at `status`, by `actor`,
/// with `note` (the reason on a submit, the comment on a decision).
async fn audit(
    conn: &mut SqliteConnection,
    request: &ChangeRequest,
    action: &str,
    status: Status,
    actor: &Author,
    note: &str,
) -> Result<(), sqlx::Error> {
    let trace = json(&Trace {
        entity: &request.entity,
        entity_slug: &request.entity_slug,
        action: &request.action,
        status: status.as_str(),
        base_version: request.base_version,
    });
    let id = request.id.to_string();
    let entry = AuditEntry {
        user_id: Some(actor.user_id),
        actor: &actor.name,
        entity: CHANGE_REQUEST,
        entity_slug: &id,
        action,
        after: Some(&trace),
        note,
        ..AuditEntry::default()
    };
    append_audit(conn, &entry).await
}

/// Holds `proposal` by `author` as a new pending request; its id.
pub async fn submit(
    pool: &SqlitePool,
    proposal: &Proposal,
    author: &Author,
) -> Result<i64, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let entity = proposal.subject.audit_name();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO change_requests
               (entity, entity_slug, action, base_version, base, proposed, reason, author_id)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id AS "id!""#,
        entity,
        proposal.entity_slug,
        proposal.action,
        proposal.base_version,
        proposal.base,
        proposal.proposed,
        proposal.reason,
        author.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let request = fetch(&mut tx, id).await?.expect("just inserted");
    audit(
        &mut tx,
        &request,
        "submit",
        Status::Pending,
        author,
        &proposal.reason,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The open request `id` inside `tx` when it is still at `expected_version`; otherwise
/// what to answer.
async fn open_at(
    tx: &mut SqliteConnection,
    id: i64,
    expected_version: i64,
) -> Result<Result<ChangeRequest, Transition>, sqlx::Error> {
    Ok(match fetch(tx, id).await? {
        None => Err(Transition::Gone),
        Some(request) if request.version != expected_version || !request.status().is_open() => {
            Err(Transition::Conflict(Box::new(request)))
        }
        Some(request) => Ok(request),
    })
}

/// Replaces the proposal of the author's open request `id` (pending or returned, at
/// `expected_version`) with `proposal` — a rebase onto the entry's present version, or the
/// changes a return asked for — and puts it back in the queue. Audited as a new submit.
/// The proposal must be of the same entry and action (the caller checks): only a new
/// entry's proposed slug may change.
pub async fn resubmit(
    pool: &SqlitePool,
    id: i64,
    expected_version: i64,
    proposal: &Proposal,
    author: &Author,
) -> Result<Transition, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let request = match open_at(&mut tx, id, expected_version).await? {
        Ok(request) => request,
        Err(answer) => return Ok(answer),
    };
    sqlx::query!(
        "UPDATE change_requests
         SET entity_slug = ?2, base_version = ?3, base = ?4, proposed = ?5, reason = ?6,
             status = 'pending', version = version + 1,
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?1",
        id,
        proposal.entity_slug,
        proposal.base_version,
        proposal.base,
        proposal.proposed,
        proposal.reason
    )
    .execute(&mut *tx)
    .await?;
    let resubmitted = ChangeRequest {
        entity_slug: proposal.entity_slug.clone(),
        base_version: proposal.base_version,
        ..request
    };
    audit(
        &mut tx,
        &resubmitted,
        "submit",
        Status::Pending,
        author,
        &proposal.reason,
    )
    .await?;
    tx.commit().await?;
    Ok(Transition::Done)
}

/// A decision that closes or returns a request without publishing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// A reviewer sends it back to its author with a comment.
    Return,
    /// A reviewer refuses it for good, with a comment.
    Reject,
    /// Its author takes it back.
    Withdraw,
}

impl Decision {
    /// The audit action, which is also the address's last segment.
    pub fn action(self) -> &'static str {
        match self {
            Decision::Return => "return",
            Decision::Reject => "reject",
            Decision::Withdraw => "withdraw",
        }
    }

    fn status(self) -> Status {
        match self {
            Decision::Return => Status::Returned,
            Decision::Reject => Status::Rejected,
            Decision::Withdraw => Status::Withdrawn,
        }
    }
}

/// Records `decision` on the open request `id` at `expected_version`, by `actor` with
/// `comment`. Whether `actor` may make it is the caller's to decide.
pub async fn decide(
    pool: &SqlitePool,
    id: i64,
    expected_version: i64,
    decision: Decision,
    actor: &Author,
    comment: &str,
) -> Result<Transition, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let request = match open_at(&mut tx, id, expected_version).await? {
        Ok(request) => request,
        Err(answer) => return Ok(answer),
    };
    let status = decision.status();
    close(&mut tx, &request, status, actor, comment, None).await?;
    audit(&mut tx, &request, decision.action(), status, actor, comment).await?;
    tx.commit().await?;
    Ok(Transition::Done)
}

/// Moves `request` to `status`: a reviewer's decision names the reviewer; an author's
/// withdrawal leaves the last reviewer as it was.
async fn close(
    tx: &mut SqliteConnection,
    request: &ChangeRequest,
    status: Status,
    actor: &Author,
    comment: &str,
    published_as: Option<i64>,
) -> Result<(), sqlx::Error> {
    let reviewer = if status == Status::Withdrawn {
        request.reviewer_id
    } else {
        Some(actor.user_id)
    };
    let comment = if status == Status::Withdrawn {
        request.review_comment.as_str()
    } else {
        comment
    };
    // A returned request is open again once resubmitted, so it has no decision date yet.
    let decided = status != Status::Returned;
    let status = status.as_str();
    sqlx::query!(
        "UPDATE change_requests
         SET status = ?2, reviewer_id = ?3, review_comment = ?4, published_as = ?5,
             decided_at = CASE WHEN ?6 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END,
             version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?1",
        request.id,
        status,
        reviewer,
        comment,
        published_as,
        decided
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What a save or delete inside the approval came to, whatever the entry's type.
fn applied<T>(outcome: Outcome<T>) -> Result<(), Inapplicable> {
    match outcome {
        Outcome::Done => Ok(()),
        Outcome::Conflict(_) | Outcome::Gone => Err(Inapplicable::Stale),
        Outcome::SlugTaken => Err(Inapplicable::SlugTaken),
        Outcome::Blocked(blocker) => Err(Inapplicable::Blocked(blocker)),
    }
}

/// Publishes `request` inside `tx` as one revision by its author, naming `approval`.
async fn publish(
    tx: &mut SqliteConnection,
    request: &ChangeRequest,
    approval: Approved,
) -> Result<Result<(), Inapplicable>, sqlx::Error> {
    let author = Author {
        user_id: request.author_id,
        name: request.author.clone(),
        note: request.reason.clone(),
        approval: Some(approval),
    };
    let version = request.base_version;
    Ok(match request.pending_edit() {
        PendingEdit::Framework {
            original,
            record: Some(record),
        } => applied(editing::save_in(tx, original.as_deref(), version, &record, &author).await?),
        PendingEdit::Framework { record: None, .. } => {
            applied(editing::delete_in(tx, &request.entity_slug, version, &author).await?)
        }
        // Only a restore of a deleted entry proposes the links its deletion took.
        PendingEdit::Term {
            kind,
            original: None,
            state: Some(state),
        } if state.links.is_some() => {
            applied(terms::bring_back_in(tx, kind, &state, &author).await?)
        }
        PendingEdit::Term {
            kind,
            original,
            state: Some(state),
        } => {
            let original = original.as_deref();
            applied(terms::save_in(tx, kind, original, version, &state.term, &author).await?)
        }
        PendingEdit::Term {
            kind, state: None, ..
        } => applied(terms::delete_in(tx, kind, &request.entity_slug, version, &author).await?),
    })
}

/// Approves the pending request `id` at `expected_version` by `approver`: publishes it as
/// one audit revision naming its author and `approver`, marks it approved with that
/// revision, and audits the approval — all in one transaction, so either all of it happens
/// or none. Whether `approver` may approve it is the caller's to decide.
pub async fn approve(
    pool: &SqlitePool,
    id: i64,
    expected_version: i64,
    approver: &Author,
    comment: &str,
) -> Result<Transition, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let request = match open_at(&mut tx, id, expected_version).await? {
        Ok(request) if request.status() == Status::Pending => request,
        // A returned request waits for its author, not for a reviewer.
        Ok(request) => return Ok(Transition::Conflict(Box::new(request))),
        Err(answer) => return Ok(answer),
    };
    let approval = Approved {
        approver_id: approver.user_id,
        approver: approver.name.clone(),
        change_request: id,
    };
    if let Err(why) = publish(&mut tx, &request, approval).await? {
        tx.rollback().await?;
        return Ok(Transition::NotApplicable(why));
    }
    let published_as = sqlx::query_scalar!(
        "SELECT max(id) FROM audit_log WHERE change_request = ?1",
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    let status = Status::Approved;
    close(&mut tx, &request, status, approver, comment, published_as).await?;
    audit(&mut tx, &request, "approve", status, approver, comment).await?;
    tx.commit().await?;
    Ok(Transition::Done)
}

/// Whether `request` could be published as it stands: the entry is still at the request's
/// base version (for a new entry: its slug is still free). `false` means its author must
/// rebase it first.
pub async fn is_current(pool: &SqlitePool, request: &ChangeRequest) -> Result<bool, sqlx::Error> {
    Ok(are_current(pool, &[request.entry()]).await?[0])
}

/// Whether each listed request is current ([`is_current`]), in order.
pub async fn are_listed_current(
    pool: &SqlitePool,
    requests: &[Listed],
) -> Result<Vec<bool>, sqlx::Error> {
    let entries: Vec<Entry<'_>> = requests.iter().map(Listed::entry).collect();
    are_current(pool, &entries).await
}

/// [`is_current`] of each of `entries`, in order, in one statement: the queue asks it of
/// every open request, and one statement each was a trip to SQLite's thread each.
async fn are_current(pool: &SqlitePool, entries: &[Entry<'_>]) -> Result<Vec<bool>, sqlx::Error> {
    let asked: Vec<(&str, &str)> = entries.iter().map(|e| (e.entity, e.slug)).collect();
    let asked = serde_json::to_string(&asked).expect("pairs of names serialise");
    // Each entry's version by its kind's table, in the order asked; NULL where none is.
    let versions = sqlx::query_scalar!(
        r#"SELECT CASE a.value ->> 0
                    WHEN 'framework' THEN (SELECT version FROM frameworks WHERE slug = a.value ->> 1)
                    WHEN 'language' THEN (SELECT version FROM languages WHERE slug = a.value ->> 1)
                    WHEN 'feature' THEN (SELECT version FROM features WHERE slug = a.value ->> 1)
                    WHEN 'industry' THEN (SELECT version FROM industries WHERE slug = a.value ->> 1)
                    WHEN 'use_case' THEN (SELECT version FROM use_cases WHERE slug = a.value ->> 1)
                    WHEN 'requirement'
                        THEN (SELECT version FROM requirements WHERE slug = a.value ->> 1)
                    WHEN 'trend' THEN (SELECT version FROM trends WHERE slug = a.value ->> 1)
                  END AS "version: i64"
           FROM json_each(?1) AS a
           ORDER BY a.key"#,
        asked
    )
    .fetch_all(pool)
    .await?;
    Ok(entries
        .iter()
        .zip(versions)
        .map(|(entry, version)| match entry.creates {
            true => version.is_none(),
            false => version == Some(entry.base_version),
        })
        .collect())
}

/// The version of the entry `slug` of `subject`, or `None` when there is none: the one
/// column, not the whole entry.
pub async fn version_of(
    pool: &SqlitePool,
    subject: Subject,
    slug: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    match subject {
        Subject::Framework => editing::version_of(&mut conn, slug).await,
        Subject::Term(kind) => terms::version_of(&mut conn, kind, slug).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::terms::Term;

    #[tokio::test]
    async fn each_request_is_current_while_its_entry_stands_at_its_base_whatever_its_kind() {
        let (_folder, pool) = crate::knowledge::seed::seeded_database().await;
        let version = |table: &'static str, slug: &'static str| {
            let pool = pool.clone();
            async move {
                // The table is one of this test's own names.
                let sql = format!("SELECT version FROM {table} WHERE slug = ?1");
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
                    .bind(slug)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        let django = version("frameworks", "django").await;
        let mut asked = vec![
            (
                ChangeRequest::sketch("framework", "django", "update", django),
                true,
            ),
            (
                ChangeRequest::sketch("framework", "django", "update", django - 1),
                false,
            ),
            (
                ChangeRequest::sketch("framework", "no-such-framework", "create", 0),
                true,
            ),
            (
                ChangeRequest::sketch("framework", "flask", "create", 0),
                false,
            ),
            (
                ChangeRequest::sketch("framework", "gone", "delete", 1),
                false,
            ),
        ];
        let terms = [
            ("language", "languages", "python"),
            ("feature", "features", "admin-panel"),
            ("industry", "industries", "healthcare"),
            ("use_case", "use_cases", "ai-tutoring"),
            ("requirement", "requirements", "security"),
            ("trend", "trends", "api-first"),
        ];
        for (entity, table, slug) in terms {
            let at = version(table, slug).await;
            asked.push((ChangeRequest::sketch(entity, slug, "update", at), true));
            asked.push((ChangeRequest::sketch(entity, slug, "update", at + 1), false));
        }
        let entries: Vec<Entry<'_>> = asked.iter().map(|(r, _)| r.entry()).collect();
        let expected: Vec<bool> = asked.iter().map(|(_, current)| *current).collect();
        assert_eq!(are_current(&pool, &entries).await.unwrap(), expected);
        assert!(is_current(&pool, &asked[0].0).await.unwrap());
        assert!(are_listed_current(&pool, &[]).await.unwrap().is_empty());
    }

    #[test]
    fn every_subject_reads_back_from_its_audit_name() {
        let subjects = std::iter::once(Subject::Framework).chain(TermKind::ALL.map(Subject::Term));
        for subject in subjects {
            assert_eq!(Subject::parse(subject.audit_name()), Some(subject));
        }
        assert_eq!(Subject::parse("change_request"), None);
    }

    #[test]
    fn only_pending_and_returned_requests_are_open() {
        let open: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [Status::Pending, Status::Returned]);
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), status);
        }
    }

    #[test]
    fn a_proposal_for_a_new_entry_has_no_base_and_is_addressed_by_its_own_slug() {
        let term = Term {
            slug: "gaming".into(),
            name: "Gaming".into(),
            ..Term::default()
        };
        let subject = Subject::Term(TermKind::Industry);
        let new = Proposal::save(subject, None, None, &term, &term.slug, "clients ask");
        assert_eq!((new.action, new.base_version), ("create", 0));
        assert_eq!((new.entity_slug.as_str(), new.base), ("gaming", None));
        let renamed = Proposal::save(
            subject,
            Some("games"),
            Some((&term, 3)),
            &term,
            "gaming",
            "",
        );
        assert_eq!((renamed.action, renamed.base_version), ("update", 3));
        assert_eq!(renamed.entity_slug, "games");
        let gone = Proposal::delete(subject, "games", (&term, 4), "");
        assert_eq!((gone.action, gone.proposed), ("delete", None));
    }
}
