-- Years of use: the indexes that keep the editors' lists as fast over a million audit entries
-- and thousands of decided change requests as over a fresh database (docs/performance.md,
-- "Years of use", shows each list's query plan).
--
-- * The activity feed filtered by kind of entry, newest first, pages by id: without this it
--   sorted every entry of that kind (most of the log is framework edits) for each page.
CREATE INDEX audit_log_by_entity_id ON audit_log (entity, id);

-- * The change requests queue lists the most recently decided requests: without this it
--   sorted every decided request on each load.
CREATE INDEX change_requests_decided ON change_requests (decided_at DESC, id DESC)
    WHERE status NOT IN ('pending', 'returned');

-- * The flags queue's resolved flags, latest resolved first: without this each page sorted
--   every flag ever resolved.
CREATE INDEX flags_resolved ON flags (resolved_at DESC, id DESC) WHERE status <> 'open';
