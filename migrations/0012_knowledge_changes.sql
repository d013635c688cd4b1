-- Which frameworks each change to the knowledge touched, so that the server reads again only
-- what changed (src/db/recommend.rs, `load_after`): an editor's save used to make every server
-- read the whole knowledge base again, and forget every note it had read, while readers
-- waited (docs/performance.md, "Editors saving while readers ask").
--
-- One row per framework changed, and one row (framework_id 0, which no framework has) for
-- any change to a term — an industry, requirement, use case, language, feature or trend —
-- which every framework's ratings and names depend on. Each change deletes the entry's row
-- and adds it again, so its `id` (AUTOINCREMENT: never reused) says when it last changed:
-- a server that has read the knowledge up to change N reads the rows after N. The rows are
-- written by triggers on every table the knowledge counter (0003, 0004) watches, whatever
-- writes them — the editors' forms, an import, a restore — in the writing transaction. A
-- plain DELETE and INSERT, not INSERT OR REPLACE: a statement's own conflict clause (an
-- INSERT OR IGNORE) would overrule the trigger's and keep the old row.
CREATE TABLE knowledge_changes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    framework_id INTEGER NOT NULL UNIQUE
);

-- A framework's own row.
CREATE TRIGGER frameworks_insert_records_knowledge_change AFTER INSERT ON frameworks
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = NEW.id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.id);
END;
CREATE TRIGGER frameworks_update_records_knowledge_change AFTER UPDATE ON frameworks
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.id);
    DELETE FROM knowledge_changes WHERE framework_id = NEW.id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.id);
END;
CREATE TRIGGER frameworks_delete_records_knowledge_change AFTER DELETE ON frameworks
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.id);
END;

-- A framework's ratings, links, sources and languages.
CREATE TRIGGER framework_requirements_insert_records_knowledge_change AFTER INSERT ON framework_requirements
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_requirements_update_records_knowledge_change AFTER UPDATE ON framework_requirements
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_requirements_delete_records_knowledge_change AFTER DELETE ON framework_requirements
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
END;
CREATE TRIGGER framework_industries_insert_records_knowledge_change AFTER INSERT ON framework_industries
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_industries_update_records_knowledge_change AFTER UPDATE ON framework_industries
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_industries_delete_records_knowledge_change AFTER DELETE ON framework_industries
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
END;
CREATE TRIGGER framework_features_insert_records_knowledge_change AFTER INSERT ON framework_features
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_features_update_records_knowledge_change AFTER UPDATE ON framework_features
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_features_delete_records_knowledge_change AFTER DELETE ON framework_features
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
END;
CREATE TRIGGER framework_use_cases_insert_records_knowledge_change AFTER INSERT ON framework_use_cases
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_use_cases_update_records_knowledge_change AFTER UPDATE ON framework_use_cases
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_use_cases_delete_records_knowledge_change AFTER DELETE ON framework_use_cases
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
END;
CREATE TRIGGER framework_trends_insert_records_knowledge_change AFTER INSERT ON framework_trends
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_trends_update_records_knowledge_change AFTER UPDATE ON framework_trends
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_trends_delete_records_knowledge_change AFTER DELETE ON framework_trends
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
END;
CREATE TRIGGER framework_sources_insert_records_knowledge_change AFTER INSERT ON framework_sources
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_sources_update_records_knowledge_change AFTER UPDATE ON framework_sources
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_sources_delete_records_knowledge_change AFTER DELETE ON framework_sources
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
END;
CREATE TRIGGER framework_languages_insert_records_knowledge_change AFTER INSERT ON framework_languages
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_languages_update_records_knowledge_change AFTER UPDATE ON framework_languages
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
    DELETE FROM knowledge_changes WHERE framework_id = NEW.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (NEW.framework_id);
END;
CREATE TRIGGER framework_languages_delete_records_knowledge_change AFTER DELETE ON framework_languages
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = OLD.framework_id;
    INSERT INTO knowledge_changes (framework_id) VALUES (OLD.framework_id);
END;

-- The terms.
CREATE TRIGGER industries_insert_records_knowledge_change AFTER INSERT ON industries
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER industries_update_records_knowledge_change AFTER UPDATE ON industries
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER industries_delete_records_knowledge_change AFTER DELETE ON industries
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER requirements_insert_records_knowledge_change AFTER INSERT ON requirements
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER requirements_update_records_knowledge_change AFTER UPDATE ON requirements
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER requirements_delete_records_knowledge_change AFTER DELETE ON requirements
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER use_cases_insert_records_knowledge_change AFTER INSERT ON use_cases
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER use_cases_update_records_knowledge_change AFTER UPDATE ON use_cases
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER use_cases_delete_records_knowledge_change AFTER DELETE ON use_cases
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER languages_insert_records_knowledge_change AFTER INSERT ON languages
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER languages_update_records_knowledge_change AFTER UPDATE ON languages
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER languages_delete_records_knowledge_change AFTER DELETE ON languages
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER features_insert_records_knowledge_change AFTER INSERT ON features
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER features_update_records_knowledge_change AFTER UPDATE ON features
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER features_delete_records_knowledge_change AFTER DELETE ON features
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER trends_insert_records_knowledge_change AFTER INSERT ON trends
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER trends_update_records_knowledge_change AFTER UPDATE ON trends
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
CREATE TRIGGER trends_delete_records_knowledge_change AFTER DELETE ON trends
BEGIN
    DELETE FROM knowledge_changes WHERE framework_id = 0;
    INSERT INTO knowledge_changes (framework_id) VALUES (0);
END;
