-- Each pinned answer's top pick, kept beside it: the briefs lists, a brief's revisions, the
-- API's briefs and the outcomes page show it for every row, and reading it out of the pinned
-- answer (~38 KB of JSON a revision) was most of a list page's time after years of briefs
-- (docs/performance.md, "Years of use"). Written by a trigger as each revision is added, so
-- whatever adds one (the app, an import, a generator) keeps it; revisions are never changed
-- (0005), and one deleted takes its row with it.
CREATE TABLE brief_revision_tops (
    revision_id INTEGER PRIMARY KEY REFERENCES brief_revisions (id) ON DELETE CASCADE,
    -- NULL when nothing fit the question.
    top_slug    TEXT,
    top_name    TEXT,
    top_score   REAL
);

INSERT INTO brief_revision_tops (revision_id, top_slug, top_name, top_score)
SELECT id, result ->> '$.results[0].slug', result ->> '$.results[0].name',
       result ->> '$.results[0].score'
FROM brief_revisions;

CREATE TRIGGER brief_revisions_insert_keeps_top AFTER INSERT ON brief_revisions
BEGIN
    INSERT INTO brief_revision_tops (revision_id, top_slug, top_name, top_score)
    VALUES (NEW.id, NEW.result ->> '$.results[0].slug', NEW.result ->> '$.results[0].name',
            NEW.result ->> '$.results[0].score');
END;
