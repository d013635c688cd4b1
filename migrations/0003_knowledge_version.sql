-- A counter that every change to the knowledge base increments, whoever makes it (a web
-- editor, `stackatlas import` in another process). The server keeps a read-optimised copy
-- of the knowledge in memory and compares this one number on each request to know when the
-- copy is out of date, so a committed change is visible to the very next request.
CREATE TABLE knowledge_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO knowledge_version (id, version) VALUES (1, 0);

CREATE TRIGGER frameworks_insert_bumps_knowledge_version AFTER INSERT ON frameworks
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER frameworks_update_bumps_knowledge_version AFTER UPDATE ON frameworks
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER frameworks_delete_bumps_knowledge_version AFTER DELETE ON frameworks
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER languages_insert_bumps_knowledge_version AFTER INSERT ON languages
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER languages_update_bumps_knowledge_version AFTER UPDATE ON languages
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER languages_delete_bumps_knowledge_version AFTER DELETE ON languages
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER features_insert_bumps_knowledge_version AFTER INSERT ON features
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER features_update_bumps_knowledge_version AFTER UPDATE ON features
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER features_delete_bumps_knowledge_version AFTER DELETE ON features
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER industries_insert_bumps_knowledge_version AFTER INSERT ON industries
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER industries_update_bumps_knowledge_version AFTER UPDATE ON industries
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER industries_delete_bumps_knowledge_version AFTER DELETE ON industries
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER use_cases_insert_bumps_knowledge_version AFTER INSERT ON use_cases
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER use_cases_update_bumps_knowledge_version AFTER UPDATE ON use_cases
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER use_cases_delete_bumps_knowledge_version AFTER DELETE ON use_cases
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

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

CREATE TRIGGER trends_insert_bumps_knowledge_version AFTER INSERT ON trends
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER trends_update_bumps_knowledge_version AFTER UPDATE ON trends
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER trends_delete_bumps_knowledge_version AFTER DELETE ON trends
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_requirements_insert_bumps_knowledge_version AFTER INSERT ON framework_requirements
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_requirements_update_bumps_knowledge_version AFTER UPDATE ON framework_requirements
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_requirements_delete_bumps_knowledge_version AFTER DELETE ON framework_requirements
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_industries_insert_bumps_knowledge_version AFTER INSERT ON framework_industries
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_industries_update_bumps_knowledge_version AFTER UPDATE ON framework_industries
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_industries_delete_bumps_knowledge_version AFTER DELETE ON framework_industries
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_features_insert_bumps_knowledge_version AFTER INSERT ON framework_features
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_features_update_bumps_knowledge_version AFTER UPDATE ON framework_features
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_features_delete_bumps_knowledge_version AFTER DELETE ON framework_features
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_use_cases_insert_bumps_knowledge_version AFTER INSERT ON framework_use_cases
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_use_cases_update_bumps_knowledge_version AFTER UPDATE ON framework_use_cases
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_use_cases_delete_bumps_knowledge_version AFTER DELETE ON framework_use_cases
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_trends_insert_bumps_knowledge_version AFTER INSERT ON framework_trends
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_trends_update_bumps_knowledge_version AFTER UPDATE ON framework_trends
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER framework_trends_delete_bumps_knowledge_version AFTER DELETE ON framework_trends
BEGIN
    UPDATE knowledge_version SET version = version + 1 WHERE id = 1;
END;
