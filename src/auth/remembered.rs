//! Live sessions remembered between requests, so that a signed-in request does not ask
//! SQLite who it is each time (a query costs more than serving a prepared page).
//!
//! An entry is believed only while the second change counter (migration 0008) has not moved
//! since the entry was read — a user changed, disabled or deleted, or a session ended
//! (migration 0010), moves it — and for at most a minute: then the database is asked again,
//! which also records the session's last use as it always did. A minute is far shorter than
//! the idle timeout, and an entry never outlives the session's fixed lifetime.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::users::SessionUser;

/// How long an entry is believed at most: the interval at which a session's last use is
/// written (`db::users::SESSION_TOUCH_SECONDS`).
pub const BELIEVED_FOR: Duration = Duration::from_secs(60);

/// Sessions by the hash of their token.
#[derive(Debug, Default)]
pub struct RememberedSessions {
    entries: Mutex<HashMap<String, Remembered>>,
}

#[derive(Debug)]
struct Remembered {
    user: SessionUser,
    /// The second change counter when the session was read.
    pages: i64,
    until: Instant,
}

impl RememberedSessions {
    /// More live sessions than this and all are forgotten (and read again as they come).
    const MOST: usize = 10_000;

    /// The session `token_hash` names, if it was read while the counter stood at `pages`
    /// and is still believed at `now`.
    pub fn recall(&self, token_hash: &str, pages: i64, now: Instant) -> Option<SessionUser> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(token_hash)
            .filter(|r| r.pages == pages && now < r.until)
            .map(|r| r.user.clone())
    }

    /// Remembers a session read from the database while the counter stood at `pages`, until
    /// `read_at` plus [`BELIEVED_FOR`], or the end of its lifetime (`lifetime_left` from
    /// `read_at`) if sooner.
    pub fn remember(
        &self,
        token_hash: String,
        user: SessionUser,
        pages: i64,
        read_at: Instant,
        lifetime_left: Duration,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= Self::MOST {
            entries.clear();
        }
        let until = read_at + BELIEVED_FOR.min(lifetime_left);
        entries.insert(token_hash, Remembered { user, pages, until });
    }

    /// Forgets a session this process ended.
    pub fn forget(&self, token_hash: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(token_hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::users::User;
    use crate::domain::{Email, Role};

    fn session() -> SessionUser {
        SessionUser {
            user: User {
                id: 1,
                email: Email::parse("ed@example.com").unwrap(),
                name: "Ed".into(),
                role: Role::Editor,
                disabled: false,
            },
            csrf_token: "token".into(),
        }
    }

    #[test]
    fn a_session_is_believed_only_while_the_counter_stands_and_for_a_minute_at_most() {
        let remembered = RememberedSessions::default();
        let read = Instant::now();
        remembered.remember("a".into(), session(), 7, read, Duration::from_secs(3600));
        assert!(remembered.recall("a", 7, read).is_some());
        assert!(
            remembered
                .recall("a", 7, read + BELIEVED_FOR - Duration::from_millis(1))
                .is_some()
        );
        assert!(
            remembered.recall("a", 7, read + BELIEVED_FOR).is_none(),
            "a minute on"
        );
        assert!(
            remembered.recall("a", 8, read).is_none(),
            "the counter moved"
        );
        assert!(remembered.recall("b", 7, read).is_none(), "another token");
    }

    #[test]
    fn a_session_is_never_believed_past_its_lifetime_or_once_forgotten() {
        let remembered = RememberedSessions::default();
        let read = Instant::now();
        remembered.remember("a".into(), session(), 1, read, Duration::from_secs(5));
        assert!(
            remembered
                .recall("a", 1, read + Duration::from_secs(4))
                .is_some()
        );
        assert!(
            remembered
                .recall("a", 1, read + Duration::from_secs(5))
                .is_none()
        );
        remembered.remember("b".into(), session(), 1, read, Duration::from_secs(3600));
        remembered.forget("b");
        assert!(remembered.recall("b", 1, read).is_none());
    }
}
