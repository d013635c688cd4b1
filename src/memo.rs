//! Values read from the database and kept while neither change counter moves: the editors'
//! and the briefs' pages read the same tallies and lists on every load (every open flag, the
//! briefs the desk weighs, everyone who owns a brief), and after years of use each costs
//! milliseconds to read again.
//!
//! A value is kept with the [`Versions`] read before it was loaded and found only by the same
//! versions, so it can never be stale: a committed write to anything it was read from moves a
//! counter (migrations 0003 and 0008), and [`crate::snapshot::KnowledgeCache::versions`] reads
//! the counters again after any commit. What is kept must therefore be read only from tables
//! the counters watch. A value loaded while a write committed may be newer than its versions;
//! it is then not found again, as the versions it is kept under are already gone.

use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::db::versions::Versions;

/// One value and the versions it was read at.
#[derive(Debug)]
pub struct Memo<T> {
    held: Mutex<Option<(Versions, Arc<T>)>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Self {
            held: Mutex::new(None),
        }
    }
}

impl<T> Memo<T> {
    /// The value read at `versions`: the one kept when it was read at these very versions,
    /// else `load`'s, kept in its place.
    pub async fn get_or_load<E, F>(&self, versions: Versions, load: F) -> Result<Arc<T>, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        if let Some(kept) = self.kept(versions) {
            return Ok(kept);
        }
        let value = Arc::new(load.await?);
        // A poisoned lock only means another worker panicked mid-swap; the value is whole.
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = Some((versions, value.clone()));
        Ok(value)
    }

    fn kept(&self, versions: Versions) -> Option<Arc<T>> {
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.as_ref()
            .filter(|(at, _)| *at == versions)
            .map(|(_, value)| value.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn at(knowledge: i64, pages: i64) -> Versions {
        Versions { knowledge, pages }
    }

    async fn counted(memo: &Memo<i64>, versions: Versions, loads: &Cell<i64>) -> i64 {
        let load = async {
            loads.set(loads.get() + 1);
            Ok::<_, std::convert::Infallible>(loads.get() * 10)
        };
        *memo.get_or_load(versions, load).await.unwrap()
    }

    #[tokio::test]
    async fn a_value_is_loaded_once_for_the_same_versions_and_again_when_either_moves() {
        let memo = Memo::default();
        let loads = Cell::new(0);
        assert_eq!(counted(&memo, at(1, 1), &loads).await, 10);
        assert_eq!(counted(&memo, at(1, 1), &loads).await, 10, "kept");
        assert_eq!(counted(&memo, at(1, 2), &loads).await, 20, "pages moved");
        assert_eq!(
            counted(&memo, at(2, 2), &loads).await,
            30,
            "knowledge moved"
        );
        assert_eq!(
            counted(&memo, at(1, 2), &loads).await,
            40,
            "only the latest value is kept, so earlier versions load again"
        );
        assert_eq!(loads.get(), 4);
    }

    #[tokio::test]
    async fn a_failed_load_keeps_nothing_and_the_next_one_loads_again() {
        let memo: Memo<i64> = Memo::default();
        let failed = memo.get_or_load(at(1, 1), async { Err("locked") }).await;
        assert_eq!(failed.unwrap_err(), "locked");
        let loaded = memo.get_or_load(at(1, 1), async { Ok::<_, &str>(7) }).await;
        assert_eq!(*loaded.unwrap(), 7);
    }
}
