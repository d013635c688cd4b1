-- Editors keep the knowledge true: reference questions (knowledge tests), change requests
-- (review before publishing), flags from sales, and radar editions. None of these tables is
-- knowledge the ranking reads, so none of them moves the knowledge version.
--
-- The audit log is rebuilt (SQLite cannot change a CHECK in place) so that it may record the
-- new entities and their actions, and so that a revision published through a change request
-- names its approver and the request beside its author. Every row and id is kept.

DROP TRIGGER audit_log_is_append_only_update;
DROP TRIGGER audit_log_is_append_only_delete;

CREATE TABLE audit_log_rebuilt (
    id             INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor          TEXT    NOT NULL,
    entity         TEXT    NOT NULL CHECK (entity IN ('framework', 'language', 'feature', 'industry', 'use_case', 'requirement', 'trend', 'user', 'reference_question', 'change_request', 'flag', 'radar_edition')),
    entity_slug    TEXT    NOT NULL,
    action         TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete', 'revert', 'submit', 'approve', 'return', 'reject', 'withdraw', 'resolve', 'publish')),
    before         TEXT    CHECK (before IS NULL OR json_valid(before)),
    after          TEXT    CHECK (after IS NULL OR json_valid(after)),
    note           TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 20000),
    -- A revision published by approving a change request: who approved it (the author is
    -- `user_id` / `actor`) and which request it was.
    approver_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    approver       TEXT,
    change_request INTEGER,
    CHECK ((approver IS NULL) = (change_request IS NULL))
);

INSERT INTO audit_log_rebuilt (id, at, user_id, actor, entity, entity_slug, action, before, after, note)
SELECT id, at, user_id, actor, entity, entity_slug, action, before, after, note FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_rebuilt RENAME TO audit_log;

CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_slug, id);
CREATE INDEX audit_log_by_user ON audit_log (user_id, id);

CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Reference questions: a query and what its answer must show. `query` is the canonical query
-- string (Params::to_query_string). `expectation` with its arguments:
--   in-top   `framework` is among the first `top_n` results;
--   above    `framework` ranks above `other` (a ranked framework is above an excluded one);
--   excluded `framework` is excluded (fails a must-have);
--   top-pick `framework` is the first result.
-- Frameworks are named by slug, not by reference: a question about a framework that was
-- renamed or deleted fails, visibly, rather than vanishing. `seeded` marks the questions the
-- seed brought: `stackatlas check` treats a failing seeded question as an error.
CREATE TABLE reference_questions (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    query       TEXT    NOT NULL CHECK (length(query) BETWEEN 1 AND 8000),
    expectation TEXT    NOT NULL CHECK (expectation IN ('in-top', 'above', 'excluded', 'top-pick')),
    framework   TEXT    NOT NULL CHECK (length(framework) BETWEEN 1 AND 64),
    other       TEXT    CHECK (other IS NULL OR length(other) BETWEEN 1 AND 64),
    top_n       INTEGER CHECK (top_n IS NULL OR top_n BETWEEN 1 AND 50),
    rationale   TEXT    NOT NULL DEFAULT '' CHECK (length(rationale) <= 4000),
    source      TEXT    NOT NULL DEFAULT '' CHECK (length(source) <= 2000),
    seeded      INTEGER NOT NULL DEFAULT 0 CHECK (seeded IN (0, 1)),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    CHECK ((expectation = 'in-top') = (top_n IS NOT NULL)),
    CHECK ((expectation = 'above') = (other IS NOT NULL))
);

-- Change requests: an editor's save held for review while STACKATLAS_REVIEW_REQUIRED is on.
-- `base` is the entry as it stood at `base_version` when the author began (NULL for a new
-- entry), `proposed` the entry as the author wants it (NULL for a delete); both are the
-- audit log's JSON of that entity. A request is approved (published as one audit revision
-- naming author and approver), returned with a comment (the author may change and resubmit
-- it), rejected, or withdrawn by its author. Only pending and returned requests are open.
CREATE TABLE change_requests (
    id             INTEGER PRIMARY KEY,
    entity         TEXT    NOT NULL CHECK (entity IN ('framework', 'language', 'feature', 'industry', 'use_case', 'requirement', 'trend')),
    -- The entry's slug when the request was made (the address it is edited at); for a new
    -- entry, the slug it proposes.
    entity_slug    TEXT    NOT NULL CHECK (length(entity_slug) BETWEEN 1 AND 64),
    action         TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    base_version   INTEGER NOT NULL CHECK (base_version >= 0),
    base           TEXT    CHECK (base IS NULL OR json_valid(base)),
    proposed       TEXT    CHECK (proposed IS NULL OR json_valid(proposed)),
    reason         TEXT    NOT NULL DEFAULT '' CHECK (length(reason) <= 4000),
    status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'returned', 'approved', 'rejected', 'withdrawn')),
    author_id      INTEGER NOT NULL REFERENCES users (id),
    reviewer_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    review_comment TEXT    NOT NULL DEFAULT '' CHECK (length(review_comment) <= 4000),
    -- The audit revision the approval published.
    published_as   INTEGER,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    decided_at     TEXT,
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK ((action = 'create') = (base IS NULL)),
    CHECK ((action = 'delete') = (proposed IS NULL)),
    CHECK ((status = 'approved') = (published_as IS NOT NULL))
);
CREATE INDEX change_requests_open ON change_requests (status, created_at, id);
CREATE INDEX change_requests_by_entry ON change_requests (entity, entity_slug, status);
CREATE INDEX change_requests_by_author ON change_requests (author_id, status, id);

-- Flags from sales: a signed-in user says a rating, a fit or a fact of a framework is wrong,
-- out of date or missing its source. An editor resolves it: `fixed` links the audit revision
-- that fixed it, `stands` answers why it stays. The framework is kept by id (renames follow)
-- and by slug as flagged (a deleted framework's flags keep saying what they were about).
CREATE TABLE flags (
    id             INTEGER PRIMARY KEY,
    framework_id   INTEGER REFERENCES frameworks (id) ON DELETE SET NULL,
    framework_slug TEXT    NOT NULL CHECK (length(framework_slug) BETWEEN 1 AND 64),
    subject_kind   TEXT    NOT NULL CHECK (subject_kind IN ('requirement', 'industry', 'fact')),
    -- A requirement's or an industry's slug, or a fact's field name (`license`, `summary`…).
    subject        TEXT    NOT NULL CHECK (length(subject) BETWEEN 1 AND 64),
    reason         TEXT    NOT NULL CHECK (reason IN ('wrong', 'outdated', 'missing-source')),
    comment        TEXT    NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    flagged_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fixed', 'stands')),
    answer         TEXT    NOT NULL DEFAULT '' CHECK (length(answer) <= 4000),
    fixed_by       INTEGER,
    resolved_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    resolved_at    TEXT,
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((status = 'open') = (resolved_at IS NULL)),
    CHECK (status <> 'fixed' OR fixed_by IS NOT NULL),
    CHECK (status <> 'stands' OR length(answer) > 0)
);
CREATE INDEX flags_open ON flags (status, created_at, id);
CREATE INDEX flags_by_framework ON flags (framework_id, status);
CREATE INDEX flags_by_user ON flags (flagged_by, id);

-- Radar editions: a dated snapshot of every framework's ring, published by an admin. An
-- edition is history: never changed once published.
CREATE TABLE radar_editions (
    id           INTEGER PRIMARY KEY,
    number       INTEGER NOT NULL UNIQUE CHECK (number >= 1),
    title        TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    published_on TEXT    NOT NULL CHECK (date(published_on) = published_on),
    note         TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    published_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE radar_edition_rings (
    edition_id     INTEGER NOT NULL REFERENCES radar_editions (id),
    framework_id   INTEGER REFERENCES frameworks (id) ON DELETE SET NULL,
    framework_slug TEXT    NOT NULL CHECK (length(framework_slug) BETWEEN 1 AND 64),
    framework_name TEXT    NOT NULL CHECK (length(framework_name) BETWEEN 1 AND 120),
    ring           TEXT    NOT NULL CHECK (ring IN ('adopt', 'trial', 'assess', 'hold')),
    PRIMARY KEY (edition_id, framework_slug)
) WITHOUT ROWID;
CREATE INDEX radar_edition_rings_by_framework ON radar_edition_rings (framework_id, edition_id);

CREATE TRIGGER radar_editions_are_never_changed BEFORE UPDATE ON radar_editions
BEGIN
    SELECT RAISE(ABORT, 'a radar edition is never changed; publish the next one');
END;
CREATE TRIGGER radar_editions_are_never_deleted BEFORE DELETE ON radar_editions
BEGIN
    SELECT RAISE(ABORT, 'a radar edition is never deleted');
END;
CREATE TRIGGER radar_edition_rings_are_never_changed BEFORE UPDATE OF edition_id, framework_slug, framework_name, ring ON radar_edition_rings
BEGIN
    SELECT RAISE(ABORT, 'a radar edition is never changed; publish the next one');
END;
CREATE TRIGGER radar_edition_rings_are_never_deleted BEFORE DELETE ON radar_edition_rings
BEGIN
    SELECT RAISE(ABORT, 'a radar edition is never deleted');
END;
