-- The open flags counted by framework and subject (the editors' desk weighs every rating by
-- them; the flags queue and the frameworks list show them per framework) from this index
-- alone, in its order: without it each load read every open flag's row from the table and
-- sorted them (docs/performance.md, "Years of use").
CREATE INDEX flags_open_subjects ON flags (status, framework_id, framework_slug, subject_kind, subject);
