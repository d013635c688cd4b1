//! The command line: serve (the default), migrate, export, import.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{Config, parse_addr};
use crate::knowledge::{import, seed, validate};
use crate::{db, startup};

#[derive(Debug, Parser)]
#[command(
    name = "stackatlas",
    version,
    about = "A knowledge base of backend frameworks that recommends one per client project"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, seed an empty knowledge base, and serve HTTP (the default).
    Serve {
        /// Address to listen on, HOST:PORT (overrides STACKATLAS_ADDR).
        #[arg(long, value_parser = parse_addr)]
        addr: Option<std::net::SocketAddr>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write the whole knowledge base as JSON to FILE, or to standard output.
    Export {
        /// Where to write; standard output when omitted.
        file: Option<PathBuf>,
    },
    /// Validate a JSON knowledge document and apply it in one transaction.
    Import {
        /// The document to import (the format `export` writes).
        file: PathBuf,
        /// Only check the document and print what would change.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Runs the command line; an error ends the process with a message and exit status 1.
pub async fn run(cli: Cli, config: Config) -> CliResult {
    let command = cli.command.unwrap_or(Command::Serve { addr: None });
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    match command {
        Command::Serve { addr } => serve(pool, addr.unwrap_or(config.addr)).await,
        Command::Migrate => {
            tracing::info!(database = %config.database_url, "migrations applied");
            Ok(())
        }
        Command::Export { file } => {
            let json = db::knowledge::load_document(&pool).await?.to_json();
            match file {
                Some(path) => {
                    std::fs::write(&path, json)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                    eprintln!("exported the knowledge base to {}", path.display());
                }
                None => std::io::stdout().write_all(json.as_bytes())?,
            }
            Ok(())
        }
        Command::Import { file, dry_run } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let document = validate::parse(&text)
                .map_err(|problem| format!("{}: {problem}; nothing was changed", file.display()))?;
            let report = import::import(&pool, &document, dry_run, import::IMPORT_ACTOR)
                .await
                .map_err(|err| format!("{}: {err}", file.display()))?;
            print!("{report}");
            Ok(())
        }
    }
}

async fn serve(pool: sqlx::SqlitePool, addr: std::net::SocketAddr) -> CliResult {
    if let Some(report) = seed::seed_if_empty(&pool).await? {
        tracing::info!("seeded the empty knowledge base:\n{}", report.summary());
    }
    let app = startup::Application::build(pool.clone(), addr)?;
    tracing::info!("stackatlas listening on http://{}", app.addr());
    app.run_until_stopped().await?;
    tracing::info!("stopped; closing the database");
    pool.close().await;
    Ok(())
}

/// The command line's result: any failure ends the process with its message.
pub type CliResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;
