-- Signed-in sessions. The cookie carries a random token; only its SHA-256 is stored, so a
-- copy of the database cannot be used to take over a session.
CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The synchronizer token every state-changing form of this session must echo.
    csrf_token   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_seen_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed sign-ins, by account (`email:…`) and by client address (`ip:…`), to slow down and
-- then refuse guessing. Old rows are pruned as new ones arrive.
CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT    NOT NULL,
    at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
