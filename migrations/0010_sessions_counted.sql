-- The server remembers each live session for up to a minute (src/auth/remembered.rs), valid
-- while the second change counter (0008) stands still. Users are counted already (a disabled
-- account or a changed role moves it); so must a session that ends — signed out, expired, or
-- every session of a user whose password changed — or whose dates are rewritten, so that the
-- very next request with its cookie is judged on what the database holds. The server's own
-- record of a session's last use, written at most once a minute and only ever forward, is
-- not counted: it would move the counter for every reader every minute.
CREATE TRIGGER sessions_delete_bumps_page_version AFTER DELETE ON sessions
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER sessions_rewrite_bumps_page_version
AFTER UPDATE OF token_hash, user_id, csrf_token, created_at ON sessions
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER sessions_last_use_back_bumps_page_version
AFTER UPDATE OF last_seen_at ON sessions WHEN NEW.last_seen_at < OLD.last_seen_at
BEGIN
    UPDATE page_version SET version = version + 1 WHERE id = 1;
END;
