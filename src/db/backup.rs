//! `stackatlas backup FILE`: a consistent copy of the live database, taken while the server
//! keeps serving and saving.
//!
//! `VACUUM INTO` copies the database as one read transaction sees it: every change committed
//! before the copy began, nothing after, and never half a transaction, while writers carry on
//! in the write-ahead log. The copy is written beside the target under a temporary name,
//! checked, and only then renamed into place, so `FILE` is either absent or a whole, checked
//! database.

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqlitePool};

/// What a finished backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub bytes: u64,
    pub frameworks: i64,
    pub audit_entries: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose a new file (a backup never overwrites one)")]
    Exists(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the copy failed its integrity check ({0}); it was removed")]
    Corrupt(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Copies the database behind `pool` to `target`.
pub async fn backup(pool: &SqlitePool, target: &Path) -> Result<BackupReport, BackupError> {
    if target.exists() {
        return Err(BackupError::Exists(target.to_path_buf()));
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BackupError::Io { path, source }
    };
    if let Some(folder) = target.parent().filter(|f| !f.as_os_str().is_empty()) {
        crate::db::private_folder(folder).map_err(io(folder))?;
    }
    let mut partial = target.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    // An empty owner-only file for VACUUM INTO to fill: the copy holds everything the live
    // database does, accounts and sessions included.
    crate::db::private_file(&partial).map_err(io(&partial))?;

    let copied = copy_and_check(pool, &partial).await;
    let report = match copied {
        Ok(report) => report,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    std::fs::rename(&partial, target).map_err(io(target))?;
    Ok(report)
}

async fn copy_and_check(pool: &SqlitePool, partial: &Path) -> Result<BackupReport, BackupError> {
    let path_text = partial.to_string_lossy().into_owned();
    sqlx::query("VACUUM INTO ?1")
        .bind(&path_text)
        .execute(pool)
        .await?;
    // Make the copy durable before it takes the final name.
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|source| BackupError::Io {
            path: partial.to_path_buf(),
            source,
        })?;

    let mut copy = SqliteConnectOptions::new()
        .filename(partial)
        .read_only(true)
        .connect()
        .await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await?;
    if integrity != "ok" {
        return Err(BackupError::Corrupt(integrity));
    }
    let frameworks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM frameworks")
        .fetch_one(&mut copy)
        .await?;
    let audit_entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut copy)
        .await?;
    sqlx::Connection::close(copy).await?;
    let bytes = std::fs::metadata(partial)
        .map_err(|source| BackupError::Io {
            path: partial.to_path_buf(),
            source,
        })?
        .len();
    Ok(BackupReport {
        bytes,
        frameworks,
        audit_entries,
    })
}
