//! The database: connecting, migrating, and one module of queries per area.

pub mod activity;
pub mod backup;
pub mod briefs;
pub mod catalogue;
pub mod change_requests;
pub mod changes;
pub mod editing;
pub mod flags;
pub mod frameworks;
pub mod knowledge;
pub mod radar_editions;
pub mod recommend;
pub mod reference;
pub mod terms;
pub mod users;
pub mod versions;

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Rows a connection's thread may read ahead of the task taking them.
const ROW_BUFFER: usize = 4096;

/// Opens (creating when missing, with its folder) the SQLite database at `url`, in WAL mode with
/// foreign keys enforced and a busy timeout, so concurrent writers wait instead of failing.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: each commit is on disk before it is acknowledged, so nothing acknowledged is
        // lost even to a power cut (NORMAL survives a crashed process but may lose the last
        // commits to one). The cost, one fsync per save, is small at editors' write rates.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        // Each connection's thread hands rows over through a channel; at sqlx's default of 50
        // it stopped and woke the reader every few rows, and reloading the knowledge (over a
        // thousand rows) spent most of its time switching threads (docs/performance.md).
        .row_buffer_size(ROW_BUFFER)
        // 1 MiB of pages per connection, not SQLite's 2 MiB: the operating system caches the
        // file for every connection at once, and the knowledge is read into memory anyway.
        // Eight full 2 MiB caches were an eighth of the server's memory at 10,000
        // frameworks (docs/performance.md).
        .pragma("cache_size", "-1024");
    let file = options.get_filename();
    if file.to_str() != Some(":memory:") && !file.as_os_str().is_empty() {
        if let Some(folder) = file.parent().filter(|f| !f.as_os_str().is_empty()) {
            private_folder(folder).map_err(sqlx::Error::Io)?;
        }
        // Created here, owner-only, before SQLite opens it: SQLite gives the WAL and
        // shared-memory files the database file's permissions.
        private_file(file).map_err(sqlx::Error::Io)?;
    }
    SqlitePoolOptions::new()
        .max_connections(8)
        // A connection to a local file does not go stale the way a network connection does;
        // pinging it before every use would double the cost of the cheapest queries.
        .test_before_acquire(false)
        .connect_with(options)
        .await
}

/// Creates `folder` and any missing parents as owner-only (0700); an existing folder is
/// left as it is. The knowledge base, its accounts and its sessions are nobody else's to read.
pub fn private_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
}

/// Creates `file` empty and owner-only (0600) when it does not exist; an existing file is
/// left as it is, with a warning when others may read it.
pub fn private_file(file: &Path) -> std::io::Result<()> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            let mode = std::fs::metadata(file)?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(
                    file = %file.display(),
                    mode = format!("{:o}", mode & 0o777),
                    "the database file may be read by other users; chmod 600 it"
                );
            }
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// Writers in this process take turns here before asking SQLite for the write lock. SQLite
/// lets one writer in at a time anyway; waiting in this queue is fair and wakes at once, where
/// SQLite's busy handler polls with growing sleeps (tens of milliseconds) and made a save
/// behind three others wait up to half a second.
static WRITERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A write transaction (`BEGIN IMMEDIATE`: the write lock from the start, so what it reads
/// cannot change before it writes), holding this process's writer turn until it ends.
pub struct WriteTransaction {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl WriteTransaction {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTransaction {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Begins a write transaction once this process's earlier writers are done. Dropping it
/// without [`WriteTransaction::commit`] rolls back.
pub async fn begin_write(pool: &SqlitePool) -> Result<WriteTransaction, sqlx::Error> {
    let turn = WRITERS.lock().await;
    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTransaction { tx, _turn: turn })
}

/// Applies every pending migration.
pub async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// True when the database answers a trivial query.
pub async fn ping(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!("SELECT 1 AS one")
        .fetch_one(pool)
        .await?;
    Ok(())
}
