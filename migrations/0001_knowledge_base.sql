-- The whole data model of DESIGN.md: knowledge entities, their links, users, the audit log,
-- settings, and a full-text index over frameworks.
--
-- Conventions:
-- * every editable row has a stable unique `slug`, a `version` for optimistic locking,
--   `updated_at` (UTC, ISO 8601) and `updated_by` (the user, NULL for imports and the seed);
-- * slugs are lowercase words joined by single hyphens, enforced here as well as in Rust so
--   that no path into the database can store one a URL cannot carry;
-- * links cascade when either end is deleted, except that a language or an industry still in
--   use cannot be deleted (RESTRICT): removing it would silently orphan frameworks or use cases.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Small key/value store for installation-wide values such as the generated session key.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) WITHOUT ROWID;

CREATE TABLE languages (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE features (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE industries (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE use_cases (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '',
    industry_id INTEGER NOT NULL REFERENCES industries (id) ON DELETE RESTRICT,
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX use_cases_by_industry ON use_cases (industry_id);

CREATE TABLE requirements (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '',
    -- Groups the query form's rows: what the app must do, how it is delivered, its shape,
    -- its data, the team behind it and what it may cost.
    req_group   TEXT    NOT NULL CHECK (req_group IN ('capability', 'delivery', 'architecture', 'data', 'team', 'cost')),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE trends (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE frameworks (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    language_id   INTEGER NOT NULL REFERENCES languages (id) ON DELETE RESTRICT,
    kind          TEXT    NOT NULL CHECK (kind IN ('full-stack', 'micro', 'runtime', 'baas')),
    summary       TEXT    NOT NULL CHECK (length(summary) <= 300),
    description   TEXT    NOT NULL DEFAULT '',
    website       TEXT    NOT NULL DEFAULT '',
    license       TEXT    NOT NULL DEFAULT '',
    first_release INTEGER CHECK (first_release BETWEEN 1970 AND 2100),
    ring          TEXT    NOT NULL CHECK (ring IN ('adopt', 'trial', 'assess', 'hold')),
    last_reviewed TEXT    CHECK (last_reviewed IS NULL OR date(last_reviewed) = last_reviewed),
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by    INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX frameworks_by_language ON frameworks (language_id);
CREATE INDEX frameworks_by_ring ON frameworks (ring, kind);
CREATE INDEX frameworks_by_last_reviewed ON frameworks (last_reviewed);

-- Link tables are keyed framework-first (the framework page reads them that way); the extra
-- indexes serve the other direction (industry pages, "which frameworks have X").
CREATE TABLE framework_requirements (
    framework_id   INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    requirement_id INTEGER NOT NULL REFERENCES requirements (id) ON DELETE CASCADE,
    strength       INTEGER NOT NULL CHECK (strength BETWEEN 0 AND 5),
    note           TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    PRIMARY KEY (framework_id, requirement_id)
) WITHOUT ROWID;
CREATE INDEX framework_requirements_by_requirement ON framework_requirements (requirement_id, strength);

CREATE TABLE framework_industries (
    framework_id INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    industry_id  INTEGER NOT NULL REFERENCES industries (id) ON DELETE CASCADE,
    fit          INTEGER NOT NULL CHECK (fit BETWEEN 0 AND 5),
    note         TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    PRIMARY KEY (framework_id, industry_id)
) WITHOUT ROWID;
CREATE INDEX framework_industries_by_industry ON framework_industries (industry_id, fit);

CREATE TABLE framework_features (
    framework_id INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    feature_id   INTEGER NOT NULL REFERENCES features (id) ON DELETE CASCADE,
    PRIMARY KEY (framework_id, feature_id)
) WITHOUT ROWID;
CREATE INDEX framework_features_by_feature ON framework_features (feature_id);

CREATE TABLE framework_use_cases (
    framework_id INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    use_case_id  INTEGER NOT NULL REFERENCES use_cases (id) ON DELETE CASCADE,
    PRIMARY KEY (framework_id, use_case_id)
) WITHOUT ROWID;
CREATE INDEX framework_use_cases_by_use_case ON framework_use_cases (use_case_id);

CREATE TABLE framework_trends (
    framework_id INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    trend_id     INTEGER NOT NULL REFERENCES trends (id) ON DELETE CASCADE,
    PRIMARY KEY (framework_id, trend_id)
) WITHOUT ROWID;
CREATE INDEX framework_trends_by_trend ON framework_trends (trend_id);

-- Append-only history of every change: who, when, what, and the entity as it was before and
-- after (JSON in the export format). `actor` keeps a readable name even for changes made
-- without a user (imports, the seed) or by a user since removed.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor       TEXT    NOT NULL,
    entity      TEXT    NOT NULL CHECK (entity IN ('framework', 'language', 'feature', 'industry', 'use_case', 'requirement', 'trend', 'user')),
    entity_slug TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete', 'revert')),
    before      TEXT    CHECK (before IS NULL OR json_valid(before)),
    after       TEXT    CHECK (after IS NULL OR json_valid(after))
);
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

-- Full-text search over each framework with the names and descriptions of its features and
-- use cases. The document is assembled by a view so that every trigger below refreshes it the
-- same way; rowid is the framework id.
CREATE VIRTUAL TABLE frameworks_fts USING fts5 (
    name, summary, description, features, use_cases,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIEW framework_search_documents AS
SELECT
    f.id AS id,
    f.name AS name,
    f.summary AS summary,
    f.description AS description,
    coalesce((SELECT group_concat(fe.name || ' ' || fe.description, ' ')
              FROM framework_features ff JOIN features fe ON fe.id = ff.feature_id
              WHERE ff.framework_id = f.id), '') AS features,
    coalesce((SELECT group_concat(u.name || ' ' || u.description, ' ')
              FROM framework_use_cases fu JOIN use_cases u ON u.id = fu.use_case_id
              WHERE fu.framework_id = f.id), '') AS use_cases
FROM frameworks f;

CREATE TRIGGER frameworks_fts_after_insert AFTER INSERT ON frameworks
BEGIN
    INSERT INTO frameworks_fts (rowid, name, summary, description, features, use_cases)
    SELECT id, name, summary, description, features, use_cases FROM framework_search_documents WHERE id = NEW.id;
END;
CREATE TRIGGER frameworks_fts_after_update AFTER UPDATE ON frameworks
BEGIN
    DELETE FROM frameworks_fts WHERE rowid = OLD.id;
    INSERT INTO frameworks_fts (rowid, name, summary, description, features, use_cases)
    SELECT id, name, summary, description, features, use_cases FROM framework_search_documents WHERE id = NEW.id;
END;
CREATE TRIGGER frameworks_fts_after_delete AFTER DELETE ON frameworks
BEGIN
    DELETE FROM frameworks_fts WHERE rowid = OLD.id;
END;

CREATE TRIGGER framework_features_fts_after_insert AFTER INSERT ON framework_features
BEGIN
    DELETE FROM frameworks_fts WHERE rowid = NEW.framework_id;
    INSERT INTO frameworks_fts (rowid, name, summary, description, features, use_cases)
    SELECT id, name, summary, description, features, use_cases FROM framework_search_documents WHERE id = NEW.framework_id;
END;
CREATE TRIGGER framework_features_fts_after_delete AFTER DELETE ON framework_features
BEGIN
    DELETE FROM frameworks_fts WHERE rowid = OLD.framework_id;
    INSERT INTO frameworks_fts (rowid, name, summary, description, features, use_cases)
    SELECT id, name, summary, description, features, use_cases FROM framework_search_documents WHERE id = OLD.framework_id;
END;
CREATE TRIGGER framework_use_cases_fts_after_insert AFTER INSERT ON framework_use_cases
BEGIN
    DELETE FROM frameworks_fts WHERE rowid = NEW.framework_id;
    INSERT INTO frameworks_fts (rowid, name, summary, description, features, use_cases)
    SELECT id, name, summary, description, features, use_cases FROM framework_search_documents WHERE id = NEW.framework_id;
END;
CREATE TRIGGER framework_use_cases_fts_after_delete AFTER DELETE ON framework_use_cases
BEGIN
    DELETE FROM frameworks_fts WHERE rowid = OLD.framework_id;
    INSERT INTO frameworks_fts (rowid, name, summary, description, features, use_cases)
    SELECT id, name, summary, description, features, use_cases FROM framework_search_documents WHERE id = OLD.framework_id;
END;
CREATE TRIGGER features_fts_after_update AFTER UPDATE OF name, description ON features
BEGIN
    DELETE FROM frameworks_fts WHERE rowid IN (SELECT framework_id FROM framework_features WHERE feature_id = NEW.id);
    INSERT INTO frameworks_fts (rowid, name, summary, description, features, use_cases)
    SELECT id, name, summary, description, features, use_cases FROM framework_search_documents
    WHERE id IN (SELECT framework_id FROM framework_features WHERE feature_id = NEW.id);
END;
CREATE TRIGGER use_cases_fts_after_update AFTER UPDATE OF name, description ON use_cases
BEGIN
    DELETE FROM frameworks_fts WHERE rowid IN (SELECT framework_id FROM framework_use_cases WHERE use_case_id = NEW.id);
    INSERT INTO frameworks_fts (rowid, name, summary, description, features, use_cases)
    SELECT id, name, summary, description, features, use_cases FROM framework_search_documents
    WHERE id IN (SELECT framework_id FROM framework_use_cases WHERE use_case_id = NEW.id);
END;
