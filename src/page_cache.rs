//! Recently rendered answers, so a result asked for again (a shared link, a colleague on the
//! same client, a reload) is served without ranking or rendering it again.
//!
//! A key names everything an answer depends on: the knowledge version (see
//! [`crate::snapshot`]), the request's query string and whatever else the caller puts in
//! (who is signed in, the date, the host). An entry therefore can never be stale — a committed
//! change moves the version, and entries of older versions are dropped as soon as a newer one
//! is stored. Pages that show more than the knowledge (briefs, radar editions, reviewers'
//! names) are stamped with the second change counter too ([`Stamp::pages`]) and found only
//! while it has not moved; pages that say how long ago something was are kept only until
//! that text would change. The cache is bounded by the bytes it holds, least recently used
//! out first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::SystemTime;

use lru::LruCache;

use crate::routes::representation::Representation;

/// How much memory rendered answers may hold, all encodings together.
pub const DEFAULT_BUDGET_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug)]
pub struct PageCache {
    budget: usize,
    inner: Mutex<Inner>,
    /// The answers being prepared, by key: a request that finds none kept waits its turn
    /// ([`PageCache::turn`]) behind the one preparing it, then looks again, rather than
    /// preparing it too. Sixty-four readers of a catalogue page nobody had asked for yet
    /// prepared it sixty-four times at once: at 10,000 frameworks a second's wait and 60 MB.
    preparing: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

/// What an answer was prepared from, besides what its key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The knowledge version.
    pub knowledge: i64,
    /// The reading pages' change counter (`db::versions`), for answers that show more than
    /// the knowledge; `None` for answers that show nothing else.
    pub pages: Option<i64>,
    /// The moment the answer stops being true as rendered (a "5 minutes ago" in it becomes
    /// "6 minutes ago"); `None` when nothing in it changes with time.
    pub until: Option<SystemTime>,
}

impl Stamp {
    /// An answer made from the knowledge alone.
    pub fn knowledge(version: i64) -> Self {
        Self {
            knowledge: version,
            pages: None,
            until: None,
        }
    }

    /// Whether an answer stamped `self` still answers a request made at `now` when the
    /// counters read `current` (whose `until` is not used).
    fn serves(&self, current: &Stamp, now: SystemTime) -> bool {
        self.knowledge == current.knowledge
            && self.pages == current.pages
            && self.until.is_none_or(|until| now < until)
    }
}

#[derive(Debug)]
struct Entry {
    stamp: Stamp,
    answer: Arc<Representation>,
}

#[derive(Debug)]
struct Inner {
    version: i64,
    bytes: usize,
    entries: LruCache<String, Entry>,
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
            preparing: Mutex::default(),
        }
    }

    /// The turn to prepare the answer under `key`: the same lock for every request asking
    /// while one holds it, a new one once nobody does.
    pub fn turn(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut preparing = self.preparing.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(turn) = preparing.get(key).and_then(Weak::upgrade) {
            return turn;
        }
        preparing.retain(|_, turn| turn.strong_count() > 0);
        let turn = Arc::new(tokio::sync::Mutex::new(()));
        preparing.insert(key.to_owned(), Arc::downgrade(&turn));
        turn
    }

    /// The answer stored under `key` for this knowledge version, if any.
    pub fn get(&self, version: i64, key: &str) -> Option<Arc<Representation>> {
        self.find(&Stamp::knowledge(version), key, SystemTime::now())
    }

    /// The answer stored under `key` that is still true for the counters `current` at `now`.
    /// One that no longer is (its second counter moved, or its time passed) is dropped.
    pub fn find(&self, current: &Stamp, key: &str, now: SystemTime) -> Option<Arc<Representation>> {
        let mut inner = self.lock();
        if inner.version != current.knowledge {
            return None;
        }
        let entry = inner.entries.get(key)?;
        if entry.stamp.serves(current, now) {
            return Some(entry.answer.clone());
        }
        if let Some(old) = inner.entries.pop(key) {
            inner.bytes -= old.answer.size() + key.len();
        }
        None
    }

    /// Prepares `representation` and keeps it under `key` when it is a success (an error
    /// page is cheap and may depend on more than the key); returns it to send.
    pub fn keep(
        &self,
        version: i64,
        key: String,
        representation: Representation,
    ) -> Arc<Representation> {
        self.keep_stamped(Stamp::knowledge(version), key, representation)
    }

    /// As [`PageCache::keep`], for an answer made from what `stamp` says.
    pub fn keep_stamped(
        &self,
        stamp: Stamp,
        key: String,
        representation: Representation,
    ) -> Arc<Representation> {
        let answer = Arc::new(representation);
        if answer.is_success() {
            self.store(stamp, key, answer.clone());
        }
        answer
    }

    /// Stores an answer rendered from knowledge `version`. An answer from an older version
    /// than the cache already holds is not stored; a newer one drops every older entry.
    pub fn insert(&self, version: i64, key: String, answer: Arc<Representation>) {
        self.store(Stamp::knowledge(version), key, answer);
    }

    fn store(&self, stamp: Stamp, key: String, answer: Arc<Representation>) {
        let size = answer.size() + key.len();
        if size > self.budget {
            return;
        }
        let mut inner = self.lock();
        let version = stamp.knowledge;
        if version < inner.version {
            return;
        }
        if version > inner.version {
            inner.entries.clear();
            inner.bytes = 0;
            inner.version = version;
        }
        if let Some(previous) = inner.entries.put(key.clone(), Entry { stamp, answer }) {
            inner.bytes -= previous.answer.size() + key.len();
        }
        inner.bytes += size;
        while inner.bytes > self.budget {
            match inner.entries.pop_lru() {
                Some((k, evicted)) => inner.bytes -= evicted.answer.size() + k.len(),
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

    fn representation(text: &str) -> Representation {
        Representation::new(StatusCode::OK, "text/html", text.to_owned())
    }

    fn answer(text: &str) -> Arc<Representation> {
        Arc::new(representation(text))
    }

    #[test]
    fn requests_for_one_key_share_a_turn_while_it_is_held_and_other_keys_have_their_own() {
        let cache = PageCache::default();
        let first = cache.turn("/frameworks");
        assert!(Arc::ptr_eq(&first, &cache.turn("/frameworks")));
        assert!(!Arc::ptr_eq(&first, &cache.turn("/frameworks?page=2")));
        let held = Arc::downgrade(&first);
        drop(first);
        assert!(held.upgrade().is_none(), "nobody holds it any more");
        let next = cache.turn("/frameworks");
        assert_eq!(Arc::strong_count(&next), 1, "a new turn");
        assert_eq!(
            cache.preparing.lock().unwrap().len(),
            1,
            "finished turns are let go"
        );
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

    fn stamp(knowledge: i64, pages: i64) -> Stamp {
        Stamp {
            knowledge,
            pages: Some(pages),
            until: None,
        }
    }

    #[test]
    fn a_page_stamped_with_the_second_counter_is_found_only_while_it_has_not_moved() {
        let cache = PageCache::default();
        let now = SystemTime::now();
        cache.keep_stamped(stamp(3, 7), "p".into(), representation("seven"));
        assert!(cache.find(&stamp(3, 7), "p", now).is_some());
        assert!(cache.find(&stamp(3, 8), "p", now).is_none());
        assert_eq!(cache.usage(), (0, 0), "the outdated page was dropped");
        cache.keep_stamped(stamp(3, 8), "p".into(), representation("eight"));
        assert!(
            cache.find(&Stamp::knowledge(3), "p", now).is_none(),
            "a knowledge-only request never gets a page that shows more"
        );
    }

    #[test]
    fn a_page_that_says_how_long_ago_is_kept_only_until_that_changes() {
        let cache = PageCache::default();
        let now = SystemTime::now();
        let until = now + std::time::Duration::from_secs(60);
        let kept = Stamp {
            until: Some(until),
            ..stamp(1, 1)
        };
        cache.keep_stamped(kept, "p".into(), representation("just now"));
        assert!(cache.find(&stamp(1, 1), "p", now).is_some());
        assert!(cache.find(&stamp(1, 1), "p", until).is_none());
    }

    #[test]
    fn replacing_an_answer_keeps_the_byte_count_true() {
        let cache = PageCache::default();
        cache.insert(1, "a".into(), answer("short"));
        cache.insert(1, "a".into(), answer("a little longer"));
        assert_eq!(cache.usage(), (1, answer("a little longer").size() + 1));
    }
}
