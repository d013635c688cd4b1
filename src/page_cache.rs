//! Recently rendered answers, so a result asked for again (a shared link, a colleague on the
//! same client, a reload) is served without ranking or rendering it again.
//!
//! A key names everything an answer depends on: the knowledge version (see
//! [`crate::snapshot`]), the request's query string and whatever else the caller puts in
//! (who is signed in, the date, the host). An entry therefore can never be stale — a committed
//! change moves the version, and entries of older versions are dropped as soon as a newer one
//! is stored. The cache is bounded by the bytes it holds, least recently used out first.

use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::routes::representation::Representation;

/// How much memory rendered answers may hold, all encodings together.
pub const DEFAULT_BUDGET_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug)]
pub struct PageCache {
    budget: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    version: i64,
    bytes: usize,
    entries: LruCache<String, Arc<Representation>>,
}

impl Default for PageCache {
    fn default() -> Self {
        Self::with_budget(DEFAULT_BUDGET_BYTES)
    }
}

impl PageCache {
    pub fn with_budget(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Inner {
                version: i64::MIN,
                bytes: 0,
                entries: LruCache::unbounded(),
            }),
        }
    }

    /// The answer stored under `key` for this knowledge version, if any.
    pub fn get(&self, version: i64, key: &str) -> Option<Arc<Representation>> {
        let mut inner = self.lock();
        if inner.version != version {
            return None;
        }
        inner.entries.get(key).cloned()
    }

    /// Prepares `representation` and keeps it under `key` when it is a success (an error
    /// page is cheap and may depend on more than the key); returns it to send.
    pub fn keep(
        &self,
        version: i64,
        key: String,
        representation: Representation,
    ) -> Arc<Representation> {
        let answer = Arc::new(representation);
        if answer.is_success() {
            self.insert(version, key, answer.clone());
        }
        answer
    }

    /// Stores an answer rendered from knowledge `version`. An answer from an older version
    /// than the cache already holds is not stored; a newer one drops every older entry.
    pub fn insert(&self, version: i64, key: String, answer: Arc<Representation>) {
        let size = answer.size() + key.len();
        if size > self.budget {
            return;
        }
        let mut inner = self.lock();
        if version < inner.version {
            return;
        }
        if version > inner.version {
            inner.entries.clear();
            inner.bytes = 0;
            inner.version = version;
        }
        if let Some(previous) = inner.entries.put(key.clone(), answer) {
            inner.bytes -= previous.size() + key.len();
        }
        inner.bytes += size;
        while inner.bytes > self.budget {
            match inner.entries.pop_lru() {
                Some((k, evicted)) => inner.bytes -= evicted.size() + k.len(),
                None => break,
            }
        }
    }

    /// How many answers are held and their bytes.
    #[cfg(test)]
    fn usage(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.entries.len(), inner.bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave an entry half-written: every update
        // above keeps `bytes` and `entries` in step before anything can panic.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;

    use super::*;

    fn answer(text: &str) -> Arc<Representation> {
        Arc::new(Representation::new(
            StatusCode::OK,
            "text/html",
            text.to_owned(),
        ))
    }

    #[test]
    fn an_answer_is_found_only_for_its_own_version() {
        let cache = PageCache::default();
        cache.insert(3, "q".into(), answer("three"));
        assert!(cache.get(3, "q").is_some());
        assert!(cache.get(4, "q").is_none());
        assert!(cache.get(3, "other").is_none());
    }

    #[test]
    fn a_newer_version_drops_older_answers_and_an_older_one_is_not_stored() {
        let cache = PageCache::default();
        cache.insert(3, "a".into(), answer("three"));
        cache.insert(4, "b".into(), answer("four"));
        assert_eq!(cache.usage().0, 1);
        assert!(cache.get(4, "b").is_some());
        cache.insert(3, "a".into(), answer("late"));
        assert!(cache.get(3, "a").is_none());
        assert_eq!(cache.usage().0, 1);
    }

    #[test]
    fn the_least_recently_used_answer_goes_first_when_over_budget() {
        let one = answer("x");
        let cache = PageCache::with_budget(3 * (one.size() + 1));
        for key in ["a", "b", "c"] {
            cache.insert(1, key.into(), answer("x"));
        }
        assert!(cache.get(1, "a").is_some());
        cache.insert(1, "d".into(), answer("x"));
        assert!(cache.get(1, "b").is_none(), "b was the least recently used");
        assert!(cache.get(1, "a").is_some());
        assert_eq!(cache.usage(), (3, 3 * (one.size() + 1)));
    }

    #[test]
    fn replacing_an_answer_keeps_the_byte_count_true() {
        let cache = PageCache::default();
        cache.insert(1, "a".into(), answer("short"));
        cache.insert(1, "a".into(), answer("a little longer"));
        assert_eq!(cache.usage(), (1, answer("a little longer").size() + 1));
    }
}
