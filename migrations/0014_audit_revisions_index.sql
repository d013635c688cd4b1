-- The revisions a flag's resolve form offers (the newest of each framework on a page of the
-- flags queue) read from an index alone. Their names (id, time, author, action, note) sit
-- after the revision's two states in each audit row, so reading them from the table walks
-- each row's overflow pages: ~20 pages a revision after years of use, 200 revisions a page.
CREATE INDEX audit_log_revisions ON audit_log (entity, entity_slug, id, at, actor, action, note);
