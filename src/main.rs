use std::process::ExitCode;

use clap::Parser;
use stackatlas::cli::{Cli, run};
use stackatlas::config::Config;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    keep_large_blocks_returnable();
    count_no_sqlite_memory();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the runtime starts")
        .block_on(serve_or_run())
}

/// glibc starts by giving blocks over 128 KiB their own mappings, returned to the system
/// when freed, but raises that threshold to the largest such block freed so far (up to
/// 32 MiB): after loading the knowledge, every answer's buffers came from the per-thread
/// arenas, which fragment and never shrink. Setting the trim threshold fixes both thresholds
/// (glibc's manual, "Malloc Tunable Parameters"). At 10,000 frameworks under load: 146 →
/// 123 MiB, at no measurable cost per question (docs/performance.md).
fn keep_large_blocks_returnable() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 20);
    }
}

/// SQLite counts every allocation of every connection under one process-wide mutex unless
/// told not to (SQLite's "recommended compile-time options" turn it off); nothing here reads
/// those counts. Under 64 readers at 10,000 frameworks the connections' threads queued on
/// that mutex while reading notes (docs/performance.md).
fn count_no_sqlite_memory() {
    // SAFETY: sqlite3_config must run before SQLite is initialised and while no other thread
    // uses SQLite: no connection is open yet and no other thread exists. Were SQLite already
    // initialised it would refuse (SQLITE_MISUSE) and change nothing.
    let refused = unsafe {
        libsqlite3_sys::sqlite3_config(
            libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS,
            0 as std::ffi::c_int,
        )
    };
    if refused != libsqlite3_sys::SQLITE_OK {
        eprintln!("warning: SQLite kept counting its memory (sqlite3_config: {refused})");
    }
}

async fn serve_or_run() -> ExitCode {
    // A missing .env is normal; the environment and defaults then apply.
    let _ = dotenvy::dotenv();
    // Logs go to standard error so that `export` can write JSON to standard output.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: configuration: {err}");
            return ExitCode::FAILURE;
        }
    };
    match run(cli, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
