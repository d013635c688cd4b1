-- no-transaction
-- Knowledge a salesperson can defend: where each fact comes from, what each rating means,
-- and when and by whom each rating last changed.
--
-- * `framework_sources`: the documents a framework's entry rests on (URL, title, the day an
--   editor checked it).
-- * `framework_languages`: every language a team writes when building on a framework. A
--   platform is used from several languages; `frameworks.language_id` stays as the language
--   the framework itself is written in.
-- * Each strength and fit gets the URLs it cites (`sources`, a JSON array), the day it last
--   changed (`reviewed`) and who changed it (`reviewed_by`).
-- * Requirements and industries get a rubric: what each rating 0–5 means (a JSON array of
--   six texts, or empty while none is written). Requirements gain two groups, client
--   platforms and compliance.
-- * Audit entries can carry a note saying why a change was made.
--
-- SQLite cannot change a CHECK constraint in place, so `requirements` is rebuilt the way the
-- SQLite manual prescribes (ALTER TABLE, "Making Other Kinds Of Table Schema Changes"): with
-- foreign keys off, copy into a new table, drop, rename, then check the foreign keys. A drop
-- with foreign keys on would cascade to every framework's strengths, which is why this file
-- runs outside sqlx's transaction and opens its own.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE requirements_rebuilt (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '',
    -- Groups the query form's rows: what the app must do, the client platforms it serves,
    -- the rules it must comply with, how it is delivered, its shape, its data, the team behind
    -- it and what it may cost.
    req_group   TEXT    NOT NULL CHECK (req_group IN ('capability', 'platform', 'compliance', 'delivery', 'architecture', 'data', 'team', 'cost')),
    rubric      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(rubric) AND json_type(rubric) = 'array' AND json_array_length(rubric) IN (0, 6)),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);
INSERT INTO requirements_rebuilt (id, slug, name, description, req_group, version, updated_at, updated_by)
SELECT id, slug, name, description, req_group, version, updated_at, updated_by FROM requirements;
DROP TABLE requirements;
ALTER TABLE requirements_rebuilt RENAME TO requirements;

-- The drop took the triggers of migration 0003 with it.
CREATE TRIGGER requirements_insert_bumps_knowledge_version AFTER INSERT ON requirements
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER requirements_update_bumps_knowledge_version AFTER UPDATE ON requirements
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER requirements_delete_bumps_knowledge_version AFTER DELETE ON requirements
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

ALTER TABLE industries ADD COLUMN rubric TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(rubric) AND json_type(rubric) = 'array' AND json_array_length(rubric) IN (0, 6));

ALTER TABLE framework_requirements ADD COLUMN sources TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(sources) AND json_type(sources) = 'array');
ALTER TABLE framework_requirements ADD COLUMN reviewed TEXT
    CHECK (reviewed IS NULL OR date(reviewed) = reviewed);
ALTER TABLE framework_requirements ADD COLUMN reviewed_by INTEGER REFERENCES users (id) ON DELETE SET NULL;

ALTER TABLE framework_industries ADD COLUMN sources TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(sources) AND json_type(sources) = 'array');
ALTER TABLE framework_industries ADD COLUMN reviewed TEXT
    CHECK (reviewed IS NULL OR date(reviewed) = reviewed);
ALTER TABLE framework_industries ADD COLUMN reviewed_by INTEGER REFERENCES users (id) ON DELETE SET NULL;

CREATE TABLE framework_sources (
    framework_id INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    -- Keeps the order the editor gave, so the most important source can come first.
    position     INTEGER NOT NULL CHECK (position >= 0),
    url          TEXT    NOT NULL CHECK (length(url) BETWEEN 8 AND 500 AND (url GLOB 'http://*' OR url GLOB 'https://*')),
    title        TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    checked      TEXT    NOT NULL CHECK (date(checked) = checked),
    PRIMARY KEY (framework_id, url)
) WITHOUT ROWID;

CREATE TABLE framework_languages (
    framework_id INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    -- RESTRICT like frameworks.language_id: a language teams still write cannot vanish.
    language_id  INTEGER NOT NULL REFERENCES languages (id) ON DELETE RESTRICT,
    PRIMARY KEY (framework_id, language_id)
) WITHOUT ROWID;
CREATE INDEX framework_languages_by_language ON framework_languages (language_id);

-- Until an editor says otherwise, a team building on a framework writes the language it is
-- written in.
INSERT INTO framework_languages (framework_id, language_id) SELECT id, language_id FROM frameworks;

CREATE TRIGGER framework_sources_insert_bumps_knowledge_version AFTER INSERT ON framework_sources
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER framework_sources_update_bumps_knowledge_version AFTER UPDATE ON framework_sources
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER framework_sources_delete_bumps_knowledge_version AFTER DELETE ON framework_sources
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER framework_languages_insert_bumps_knowledge_version AFTER INSERT ON framework_languages
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER framework_languages_delete_bumps_knowledge_version AFTER DELETE ON framework_languages
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

ALTER TABLE audit_log ADD COLUMN note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 20000);

-- Any row the copy left pointing nowhere stops the migration here.
CREATE TEMP TABLE broken_references (count INTEGER NOT NULL CHECK (count = 0));
INSERT INTO broken_references SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE broken_references;

COMMIT;
PRAGMA foreign_keys = ON;
