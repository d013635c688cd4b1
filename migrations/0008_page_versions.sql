-- A second change counter, beside the knowledge's (0003), for everything else the reading
-- pages show: who reviewed a rating or published an edition (users' names), the radar
-- editions on /trends and a framework's ring over time, a saved brief with its revisions
-- and outcome, flags, and the audit trail a brief's "changed since" reads. The server keeps
-- rendered reading pages keyed on both counters (src/page_cache.rs), and reads the two
-- together only when the database files changed (src/snapshot.rs), so a committed write to
-- any of these tables is visible to the very next request. Sessions are not counted: who is
-- signed in is part of a prepared page's key, not of its data.
CREATE TABLE page_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO page_version (id, version) VALUES (1, 0);

CREATE TRIGGER users_insert_bumps_page_version AFTER INSERT ON users
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER users_update_bumps_page_version AFTER UPDATE ON users
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER users_delete_bumps_page_version AFTER DELETE ON users
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER briefs_insert_bumps_page_version AFTER INSERT ON briefs
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER briefs_update_bumps_page_version AFTER UPDATE ON briefs
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER briefs_delete_bumps_page_version AFTER DELETE ON briefs
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

-- Revisions are never updated (0005), only added, and deleted with their brief.
CREATE TRIGGER brief_revisions_insert_bumps_page_version AFTER INSERT ON brief_revisions
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER brief_revisions_delete_bumps_page_version AFTER DELETE ON brief_revisions
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER flags_insert_bumps_page_version AFTER INSERT ON flags
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER flags_update_bumps_page_version AFTER UPDATE ON flags
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER flags_delete_bumps_page_version AFTER DELETE ON flags
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

-- Editions are never changed or deleted (0007); an edition's rings lose their framework
-- link (SET NULL) when the framework is deleted, which is an update.
CREATE TRIGGER radar_editions_insert_bumps_page_version AFTER INSERT ON radar_editions
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER radar_edition_rings_insert_bumps_page_version AFTER INSERT ON radar_edition_rings
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER radar_edition_rings_update_bumps_page_version AFTER UPDATE ON radar_edition_rings
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

-- The audit log is append-only (0007).
CREATE TRIGGER audit_log_insert_bumps_page_version AFTER INSERT ON audit_log
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;
