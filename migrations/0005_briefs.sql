-- Client briefs: a query saved for a client's project, with the recommendation pinned as it
-- was answered, so the advice given is never recomputed behind anyone's back.
--
-- * `briefs`: who the advice is for (client, project, free notes), who owns it, whether it
--   is archived, and what the client finally chose (the outcome). `version` is the
--   optimistic lock of its edit and outcome forms, as on every editable row.
-- * `brief_revisions`: each time the brief was answered: the query (canonical query string),
--   the knowledge version and the audit log's last entry at that moment, and the whole answer
--   as the API's JSON body. A revision is never changed (see the trigger below): re-running a
--   brief adds the next number.

CREATE TABLE briefs (
    id                  INTEGER PRIMARY KEY,
    client              TEXT    NOT NULL CHECK (length(client) BETWEEN 1 AND 200 AND client = trim(client)),
    project             TEXT    NOT NULL CHECK (length(project) BETWEEN 1 AND 200 AND project = trim(project)),
    notes               TEXT    NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
    owner_id            INTEGER NOT NULL REFERENCES users (id),
    archived_at         TEXT    CHECK (archived_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', archived_at) = archived_at),
    -- The deal: won (we build it), lost (someone else does, or nobody), open (not decided).
    outcome_result      TEXT    CHECK (outcome_result IS NULL OR outcome_result IN ('won', 'lost', 'open')),
    -- The framework the client chose, by slug as it was then (frameworks may be renamed or
    -- retired later; the outcome stays as recorded).
    outcome_chosen      TEXT    CHECK (outcome_chosen IS NULL OR (length(outcome_chosen) BETWEEN 1 AND 64 AND outcome_chosen NOT GLOB '*[^a-z0-9-]*')),
    outcome_decided_on  TEXT    CHECK (outcome_decided_on IS NULL OR date(outcome_decided_on) = outcome_decided_on),
    outcome_note        TEXT    NOT NULL DEFAULT '' CHECK (length(outcome_note) <= 2000),
    outcome_recorded_at TEXT    CHECK (outcome_recorded_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', outcome_recorded_at) = outcome_recorded_at),
    version             INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) = created_at),
    updated_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) = updated_at),
    updated_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- An outcome is recorded whole: nothing of it without a result, and a result with the
    -- moment it was recorded.
    CHECK ((outcome_result IS NULL) = (outcome_recorded_at IS NULL)),
    CHECK (outcome_result IS NOT NULL OR (outcome_chosen IS NULL AND outcome_decided_on IS NULL AND outcome_note = '')),
    -- A won deal is built on some framework. (The day may be unknown, and an open deal may
    -- name the framework the client leans to.)
    CHECK (outcome_result IS NULL OR outcome_result <> 'won' OR outcome_chosen IS NOT NULL)
);

-- "All briefs" and the API list, newest change first; "My briefs" by owner likewise.
CREATE INDEX briefs_by_updated ON briefs (updated_at DESC, id DESC);
CREATE INDEX briefs_by_owner ON briefs (owner_id, updated_at DESC, id DESC);
CREATE INDEX briefs_by_created ON briefs (created_at DESC, id DESC);

CREATE TABLE brief_revisions (
    id                INTEGER PRIMARY KEY,
    brief_id          INTEGER NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    number            INTEGER NOT NULL CHECK (number >= 1),
    -- The canonical query string (routes::recommendation, Params::to_query_string).
    query             TEXT    NOT NULL CHECK (length(query) <= 8000),
    knowledge_version INTEGER NOT NULL CHECK (knowledge_version >= 0),
    -- MAX(audit_log.id) when pinned, 0 when the log was empty: every later entry is a change
    -- the revision does not reflect.
    audit_mark        INTEGER NOT NULL DEFAULT 0 CHECK (audit_mark >= 0),
    -- routes::recommendation::RecommendationsBody, as JSON.
    result            TEXT    NOT NULL CHECK (json_valid(result) AND json_type(result) = 'object'),
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) = created_at),
    created_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- Also the index that lists a brief's revisions in order.
    UNIQUE (brief_id, number)
);

-- The advice given is history: a revision is added, never rewritten.
CREATE TRIGGER brief_revisions_are_never_changed BEFORE UPDATE ON brief_revisions
BEGIN
    SELECT RAISE(ABORT, 'a brief revision is never changed; re-run the brief to add one');
END;
