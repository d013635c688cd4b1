//! A read-optimised copy of what the ranking needs, kept in memory and replaced whenever the
//! knowledge base's change counter moves, so reads skip SQLite but never serve stale data:
//! a committed change (from the web or an import in another process) is visible to the very
//! next request.
//!
//! The reading pages show more than the knowledge (briefs, radar editions, who reviewed what),
//! which a second counter follows (migration 0008); both are read together, in one query, so
//! the prepared reading pages (`routes::prepared`) are as cheap to check as the query page.
//!
//! Reading the counter is a query, and on a busy server that query was half the cost of a
//! prepared answer. So the counter is read only when the database files may have changed:
//! every commit writes to the database or its write-ahead log, changing a file's size or
//! modification time. File times are coarse (a few milliseconds), so — as git does for its
//! index — a file state is trusted only once its newest write is [`SETTLED`] old; until then
//! every request reads the counter.
//!
//! While editors save, the files never settle, and every reader paid for the query again. But
//! in WAL mode every commit also rewrites the header of the WAL index (the `-shm` file,
//! documented in SQLite's "WAL-mode file formats"): its change counter, its last frame and
//! their checksum. So when that header is there and whole (its two copies agree), the state,
//! header included, changes with every commit whatever the clock says, and is trusted at once.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use sqlx::SqlitePool;

use crate::db;
use crate::db::recommend::Knowledge;
use crate::db::versions::Versions;

/// How long after its last write a file state is trusted to show every later write. Longer
/// than any file-time granularity on Linux file systems (and the one-second kind elsewhere).
pub const SETTLED: Duration = Duration::from_secs(2);

/// The two copies of the WAL index header, as the shared-memory file holds them.
const WAL_INDEX_HEADER: usize = 2 * 48;

/// Size, modification time and inode of the database file and its write-ahead log.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileState([Option<(u64, SystemTime, u64)>; 2]);

impl FileState {
    fn read(files: &[PathBuf; 2]) -> Self {
        use std::os::unix::fs::MetadataExt;
        Self(files.each_ref().map(|path| {
            std::fs::metadata(path).ok().map(|m| {
                (
                    m.len(),
                    m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    m.ino(),
                )
            })
        }))
    }

    /// Whether every file's last write is at least [`SETTLED`] before `now` (a time in the
    /// future, after a clock step back, is not).
    fn settled(&self, now: SystemTime) -> bool {
        self.0.iter().flatten().all(|(_, modified, _)| {
            now.duration_since(*modified)
                .is_ok_and(|age| age >= SETTLED)
        })
    }
}

type WalIndexHeader = [u8; WAL_INDEX_HEADER];

/// The header of the WAL index of `database` (in `database-shm`): its two copies, when they
/// agree and say the index is built. SQLite writes the second copy, then the first, on each
/// commit; copies that differ are a commit under way, which a later read will see whole.
fn wal_index_header(database: &Path) -> Option<WalIndexHeader> {
    let mut path = database.as_os_str().to_owned();
    path.push("-shm");
    let mut header = [0u8; WAL_INDEX_HEADER];
    read_held_open(Path::new(&path), &mut header)?;
    let (first, second) = header.split_at(WAL_INDEX_HEADER / 2);
    // Byte 12 is `isInit`: the header describes the log only once it is set.
    (first == second && first[12] == 1).then_some(header)
}

/// A file's device and inode.
type FileId = (u64, u64);

/// The WAL index files this process has read, held open for as long as they exist.
///
/// Closing a descriptor drops every POSIX lock the process holds on its file, SQLite's own
/// included (SQLite's documentation warns of exactly this). Opening the index for each read
/// and closing it dropped the lock by which SQLite tells other processes the index is in use:
/// the next process to open the database believed itself alone, reset the index under this
/// process's mapping of it (a SIGBUS in the tests) and deleted the log as it closed. So a
/// descriptor is closed only once its file is deleted, which SQLite does only as the last
/// connection to it closes.
static HELD_OPEN: Mutex<Option<HashMap<FileId, File>>> = Mutex::new(None);

/// Fills `buffer` from the start of the file at `path`, through a descriptor held open (see
/// [`HELD_OPEN`]); `None` when there is no such file or it is shorter.
fn read_held_open(path: &Path, buffer: &mut [u8]) -> Option<()> {
    use std::os::unix::fs::{FileExt, MetadataExt};
    let id = |m: std::fs::Metadata| (m.dev(), m.ino());
    // `stat` opens no descriptor, so it is safe whatever it finds.
    let mut wanted = id(std::fs::metadata(path).ok()?);
    let mut held = HELD_OPEN.lock().unwrap_or_else(|e| e.into_inner());
    let held = held.get_or_insert_with(HashMap::new);
    if !held.contains_key(&wanted) {
        held.retain(|_, file| file.metadata().is_ok_and(|m| m.nlink() > 0));
        let file = File::open(path).ok()?;
        let Ok(opened) = file.metadata() else {
            std::mem::forget(file);
            return None;
        };
        wanted = id(opened);
        match held.entry(wanted) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(file);
            }
            // Replaced, between the `stat` and the open, by a file already held: closing this
            // second descriptor would drop the locks just the same, so it is kept, unused.
            std::collections::hash_map::Entry::Occupied(_) => std::mem::forget(file),
        }
    }
    held.get(&wanted)?.read_exact_at(buffer, 0).ok()
}

/// The change counters as read, with the state of the files before they were read.
#[derive(Debug, Clone)]
struct Checked {
    files: FileState,
    /// Whether that state had settled: any later write moves a file's time.
    settled: bool,
    /// The WAL index header then, which any later commit rewrites.
    wal_index: Option<WalIndexHeader>,
    versions: Versions,
}

impl Checked {
    /// Whether nothing can have been committed since: the files are in the same state, and
    /// it had settled or the WAL index header is the same too (read only then: a settled
    /// state, a server at rest, costs two `stat` calls).
    fn still(&self, files: &FileState, database: &Path) -> bool {
        self.files == *files
            && (self.settled
                || (self.wal_index.is_some() && wal_index_header(database) == self.wal_index))
    }
}

/// The runtime knowledge loads run on: one thread, alive as long as the process.
fn loader() -> &'static tokio::runtime::Runtime {
    static LOADER: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    LOADER.get_or_init(|| crate::writers::one_thread_runtime("knowledge-loader"))
}

/// The current [`Knowledge`], as the database layer loaded it, shared by all workers.
#[derive(Debug, Default)]
pub struct KnowledgeCache {
    current: RwLock<Option<Arc<Knowledge>>>,
    /// One load at a time: when a save moves the version, the requests that notice it wait
    /// for a single reload instead of each reading the whole knowledge base at once.
    loading: tokio::sync::Mutex<()>,
    /// The database file and its log; `None` (an in-memory database) reads the counter always.
    files: Option<[PathBuf; 2]>,
    checked: Mutex<Option<Checked>>,
}

impl KnowledgeCache {
    /// A cache for the database `pool` opens, watching its files.
    pub fn for_pool(pool: &SqlitePool) -> Self {
        let database = pool.connect_options().get_filename().to_path_buf();
        let in_memory = database.as_os_str().is_empty() || database == Path::new(":memory:");
        let mut log = database.clone().into_os_string();
        log.push("-wal");
        Self {
            files: (!in_memory).then(|| [database, PathBuf::from(log)]),
            ..Self::default()
        }
    }

    /// The change counters, read from the database unless the files show no write since they
    /// were last read in a trusted state.
    pub async fn versions(&self, pool: &SqlitePool) -> Result<Versions, sqlx::Error> {
        let Some(files) = &self.files else {
            return db::versions::current(pool).await;
        };
        // The files are looked at before the counters are read, so a write in between is
        // counted in the versions and shows as a change next time.
        let state = FileState::read(files);
        let checked = self
            .checked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let now = SystemTime::now();
        if let Some(checked) = checked.filter(|c| c.still(&state, &files[0])) {
            let versions = checked.versions;
            // Nothing committed since the counters were read, and the files have settled
            // since: from now on their state alone shows a commit, with no header to read.
            if !checked.settled && state.settled(now) {
                *self.checked.lock().unwrap_or_else(|e| e.into_inner()) = Some(Checked {
                    settled: true,
                    ..checked
                });
            }
            return Ok(versions);
        }
        let wal_index = wal_index_header(&files[0]);
        let versions = db::versions::current(pool).await?;
        let settled = state.settled(now);
        if settled || wal_index.is_some() {
            *self.checked.lock().unwrap_or_else(|e| e.into_inner()) = Some(Checked {
                files: state,
                settled,
                wal_index,
                versions,
            });
        }
        Ok(versions)
    }

    /// The knowledge as it is now in the database, loading it again only when it changed.
    pub async fn current(&self, pool: &SqlitePool) -> Result<Arc<Knowledge>, sqlx::Error> {
        let version = self.versions(pool).await?.knowledge;
        if let Some(knowledge) = self.cached(|held| held == version) {
            return Ok(knowledge);
        }
        let _turn = self.loading.lock().await;
        // Loaded by another request while this one waited: as new as asked for, or newer.
        if let Some(knowledge) = self.cached(|held| held >= version) {
            return Ok(knowledge);
        }
        let knowledge = Arc::new(self.load(pool).await?);
        // A poisoned lock only means another worker panicked mid-swap; the value is whole.
        let mut slot = self.current.write().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_none_or(|k| k.version <= version) {
            *slot = Some(knowledge.clone());
        }
        Ok(knowledge)
    }

    /// The knowledge, current at least as to the terms and the frameworks named `frameworks`
    /// (by slug): the one held when nothing logged since it was read touches them, without
    /// waiting for it to be read again for what else changed (another editor's save of
    /// another framework); otherwise [`KnowledgeCache::current`]. For what reads only those:
    /// an edit form's terms, whether an edit to one framework changes any ranking.
    pub async fn current_as_to(
        &self,
        pool: &SqlitePool,
        frameworks: &[&str],
    ) -> Result<Arc<Knowledge>, sqlx::Error> {
        if let Some(held) = self.cached(|_| true)
            && db::recommend::unchanged_since(pool, &held, frameworks).await?
        {
            return Ok(held);
        }
        self.current(pool).await
    }

    /// Reads the knowledge again on a thread of its own ([`loader`]). On a worker, each of
    /// the load's trips to SQLite woke it behind the renders queued there: under 64 readers
    /// a 5 ms load took 20–45 ms, and every reader arriving meanwhile waited for it.
    async fn load(&self, pool: &SqlitePool) -> Result<Knowledge, sqlx::Error> {
        let previous = self.cached(|_| true);
        let pool = pool.clone();
        let load = async move { db::recommend::load_after(&pool, previous.as_deref()).await };
        match loader().spawn(load).await {
            Ok(loaded) => loaded,
            // The loader is never shut down, so a load only fails by panicking: as it would
            // have here.
            Err(failed) => std::panic::resume_unwind(failed.into_panic()),
        }
    }

    fn cached(&self, fresh: impl Fn(i64) -> bool) -> Option<Arc<Knowledge>> {
        let slot = self.current.read().unwrap_or_else(|e| e.into_inner());
        slot.as_ref().filter(|k| fresh(k.version)).cloned()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_file_state_is_trusted_only_once_its_last_write_has_settled() {
        let folder = tempfile::tempdir().unwrap();
        let files = [folder.path().join("a.db"), folder.path().join("a.db-wal")];
        std::fs::write(&files[0], b"one").unwrap();
        let written = FileState::read(&files);
        assert!(!written.settled(SystemTime::now()), "just written");
        assert!(written.settled(SystemTime::now() + SETTLED));
        assert!(
            !written.settled(SystemTime::UNIX_EPOCH),
            "a clock stepped back trusts nothing"
        );
    }

    #[test]
    fn any_write_to_either_file_changes_the_state() {
        let folder = tempfile::tempdir().unwrap();
        let files = [folder.path().join("a.db"), folder.path().join("a.db-wal")];
        std::fs::write(&files[0], b"one").unwrap();
        let before = FileState::read(&files);
        assert_eq!(FileState::read(&files), before, "nothing written");
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&files[1])
            .unwrap()
            .write_all(b"frame")
            .unwrap();
        let logged = FileState::read(&files);
        assert_ne!(logged, before, "the log appeared");
        // A rewrite of the same size in place (same inode) is told apart by its time alone.
        let earlier = SystemTime::now() - 10 * SETTLED;
        set_modified(&files[1], earlier);
        let settled = FileState::read(&files);
        std::fs::write(&files[1], b"FRAME").unwrap();
        set_modified(&files[1], earlier + Duration::from_secs(1));
        assert_ne!(
            FileState::read(&files),
            settled,
            "a later write of the same size"
        );
    }

    #[test]
    fn a_write_within_the_same_clock_tick_is_invisible_so_fresh_states_are_not_trusted() {
        let folder = tempfile::tempdir().unwrap();
        let files = [folder.path().join("a.db"), folder.path().join("a.db-wal")];
        let tick = SystemTime::now();
        std::fs::write(&files[0], b"one").unwrap();
        set_modified(&files[0], tick);
        let first = FileState::read(&files);
        // The same size, in place, stamped with the same (coarse) time: indistinguishable.
        std::fs::write(&files[0], b"two").unwrap();
        set_modified(&files[0], tick);
        let second = FileState::read(&files);
        assert_eq!(second, first, "the file state cannot see this write");
        // Which is why such a state is trusted only once it has settled.
        assert!(!first.settled(tick + SETTLED / 2));
        assert!(first.settled(tick + SETTLED));
    }

    /// A database in `folder`, opened as the server opens one (WAL mode): its path and pool.
    async fn database_in(folder: &tempfile::TempDir) -> (PathBuf, SqlitePool) {
        let database = folder.path().join("live.db");
        let pool = crate::db::connect(&format!("sqlite://{}", database.display()))
            .await
            .unwrap();
        (database, pool)
    }

    #[tokio::test]
    async fn every_commit_rewrites_the_wal_index_header_and_reading_leaves_it_alone() {
        let folder = tempfile::tempdir().unwrap();
        let (database, pool) = database_in(&folder).await;
        let write = |n: i64| {
            sqlx::query("INSERT INTO counted (n) VALUES (?)")
                .bind(n)
                .execute(&pool)
        };
        sqlx::query("CREATE TABLE counted (n INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        write(1).await.unwrap();

        let first = wal_index_header(&database);
        assert!(first.is_some(), "a WAL database has an index header");
        sqlx::query("SELECT COUNT(*) FROM counted")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(
            wal_index_header(&database),
            first,
            "reading rewrites nothing"
        );
        for n in 2..5 {
            let before = wal_index_header(&database);
            write(n).await.unwrap();
            assert_ne!(wal_index_header(&database), before, "commit {n}");
        }
    }

    /// How many POSIX locks this process holds on the file with `inode`, as Linux lists them.
    fn locks_held_on(inode: u64) -> usize {
        let pid = std::process::id().to_string();
        let inode = inode.to_string();
        std::fs::read_to_string("/proc/locks")
            .unwrap()
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            // `1: POSIX ADVISORY READ <pid> <major>:<minor>:<inode> <start> <end>`; a lock
            // waited for has a `->` after its number.
            .filter(|fields| fields.get(1) == Some(&"POSIX"))
            .filter(|fields| fields.get(4) == Some(&pid.as_str()))
            .filter(|fields| fields.get(5).and_then(|f| f.rsplit(':').next()) == Some(&inode))
            .count()
    }

    #[tokio::test]
    async fn reading_the_wal_index_header_leaves_sqlites_locks_on_the_index_in_place() {
        use std::os::unix::fs::MetadataExt;
        let folder = tempfile::tempdir().unwrap();
        let (database, pool) = database_in(&folder).await;
        // A connection left open, as the server's pool keeps them.
        let mut open = pool.acquire().await.unwrap();
        sqlx::query("CREATE TABLE counted (n INTEGER)")
            .execute(&mut *open)
            .await
            .unwrap();
        let index = std::fs::metadata(folder.path().join("live.db-shm")).unwrap();
        let locked = locks_held_on(index.ino());
        assert!(locked > 0, "SQLite marks its WAL index as in use");

        for _ in 0..3 {
            assert!(wal_index_header(&database).is_some());
        }
        assert_eq!(
            locks_held_on(index.ino()),
            locked,
            "another process would find the index in use"
        );
    }

    #[tokio::test]
    async fn a_state_checked_by_its_header_is_trusted_by_its_times_once_they_settle() {
        let folder = tempfile::tempdir().unwrap();
        let (_, pool) = database_in(&folder).await;
        crate::db::MIGRATOR.run(&pool).await.unwrap();
        let cache = KnowledgeCache::for_pool(&pool);
        let checked = |cache: &KnowledgeCache| cache.checked.lock().unwrap().clone().unwrap();

        let versions = cache.versions(&pool).await.unwrap();
        assert!(!checked(&cache).settled, "just migrated");
        assert!(checked(&cache).wal_index.is_some());
        // Nothing written since, and the files' last writes now long ago.
        let files = cache.files.clone().unwrap();
        for file in &files {
            set_modified(file, SystemTime::now() - 10 * SETTLED);
        }
        let mut stale = checked(&cache);
        stale.files = FileState::read(&files);
        *cache.checked.lock().unwrap() = Some(stale);
        assert_eq!(cache.versions(&pool).await.unwrap(), versions);
        assert!(checked(&cache).settled, "upgraded without a query");
    }

    #[test]
    fn an_unsettled_state_is_still_trusted_only_with_the_same_wal_index_header() {
        let folder = tempfile::tempdir().unwrap();
        let database = folder.path().join("a.db");
        let files = [database.clone(), folder.path().join("a.db-wal")];
        std::fs::write(&files[0], b"one").unwrap();
        let shm = folder.path().join("a.db-shm");
        let mut header = [0u8; WAL_INDEX_HEADER];
        (header[12], header[60]) = (1, 1);
        std::fs::write(&shm, header).unwrap();
        let state = FileState::read(&files);
        assert!(!state.settled(SystemTime::now()), "just written");
        let versions = Versions {
            knowledge: 1,
            pages: 1,
        };
        let checked = Checked {
            files: state.clone(),
            settled: false,
            wal_index: wal_index_header(&database),
            versions,
        };
        assert!(checked.wal_index.is_some());
        assert!(checked.still(&state, &database));
        // A commit: the header's change counter moves, in both copies.
        (header[8], header[56]) = (1, 1);
        std::fs::write(&shm, header).unwrap();
        assert!(!checked.still(&state, &database));
        // A commit under way (the copies differ) or no index at all: nothing is trusted.
        header[8] = 2;
        std::fs::write(&shm, header).unwrap();
        assert!(wal_index_header(&database).is_none());
        let unindexed = Checked {
            wal_index: None,
            ..checked
        };
        assert!(!unindexed.still(&state, &database));
    }

    fn set_modified(path: &std::path::Path, time: SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(time))
            .unwrap();
    }
}
