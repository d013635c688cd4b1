-- The words clients use for each industry, requirement, use case and language ("live courier
-- tracking", "works on the subway", "HIPAA", "our devs know C#"), kept by editors: the query
-- page reads a client's description against them and suggests filters (src/suggest.rs).
-- A JSON array of texts, like a rubric or a rating's sources (migration 0004); empty until
-- an editor or the seed (`seed::bring_forward`) writes some.
--
-- Adding a column keeps each table's triggers (migrations 0003, 0004), so a change of phrases
-- moves the knowledge version like any other edit and the next request reads it.
ALTER TABLE industries ADD COLUMN phrases TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(phrases) AND json_type(phrases) = 'array');
ALTER TABLE requirements ADD COLUMN phrases TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(phrases) AND json_type(phrases) = 'array');
ALTER TABLE use_cases ADD COLUMN phrases TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(phrases) AND json_type(phrases) = 'array');
ALTER TABLE languages ADD COLUMN phrases TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(phrases) AND json_type(phrases) = 'array');
