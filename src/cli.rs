//! The command line: serve (the default), migrate, user, export, import, backup, check.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::auth;
use crate::config::{Config, parse_addr};
use crate::db::users::AccountChange;
use crate::domain::{Email, Role};
use crate::knowledge::{checks, import, seed, validate};
use crate::{db, reference, startup};

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
    /// Manage the accounts of editors, viewers and admins.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a consistent copy of the live database to FILE (safe while the server runs).
    Backup {
        /// The new file; an existing file is never overwritten.
        file: PathBuf,
    },
    /// Validate a JSON knowledge document and apply it in one transaction.
    Import {
        /// The document to import (the format `export` writes).
        file: PathBuf,
        /// Only check the document and print what would change.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check the knowledge base for what editors should fix; exit status 1 on any error.
    Check {
        /// Print the report as JSON: {"errors", "warnings", "findings", "summary"}.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the password from standard input (the only way: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List every account with its role.
    List,
    /// Change an account's role.
    SetRole {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Disable an account and end its sessions.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Set a new password, read from standard input, and end the account's sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).map_err(|e| e.0)
}

/// What the command line records as the author of its changes.
const CLI_ACTOR: &str = "command line";

fn read_password() -> CliResult<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    Ok(text.trim_end_matches(['\r', '\n']).to_owned())
}

fn parse_email(text: &str) -> CliResult<Email> {
    Email::parse(text).map_err(|e| format!("--email: {e}").into())
}

/// Applies `change` to the account `email` (checked first), or says there is none.
async fn change_account(
    pool: &sqlx::SqlitePool,
    email: &str,
    change: db::users::AccountChange<'_>,
) -> CliResult<Email> {
    let email = parse_email(email)?;
    if !db::users::change_account(pool, email.as_str(), change, CLI_ACTOR).await? {
        return Err(format!("{email}: no such account").into());
    }
    Ok(email)
}

async fn user_command(pool: &sqlx::SqlitePool, command: UserCommand) -> CliResult {
    match command {
        UserCommand::Add {
            email, name, role, ..
        } => {
            let email = parse_email(&email)?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 120 {
                return Err("--name: must be 1 to 120 characters".into());
            }
            let hash =
                auth::hash_password(&read_password()?).map_err(|e| format!("password: {e}"))?;
            db::users::create(pool, email.as_str(), name, role, &hash, CLI_ACTOR)
                .await
                .map_err(|e| format!("{email}: {e}"))?;
            println!("created {role} {email}");
        }
        UserCommand::List => {
            for user in db::users::list(pool).await? {
                let state = if user.disabled { "disabled" } else { "active" };
                println!("{}\t{}\t{}\t{}", user.email, user.role, state, user.name);
            }
        }
        UserCommand::SetRole { email, role } => {
            let email = change_account(pool, &email, AccountChange::Role(role)).await?;
            println!("{email} is now {role}");
        }
        UserCommand::Disable { email } => {
            let email = change_account(pool, &email, AccountChange::Disabled(true)).await?;
            println!("{email} is disabled and signed out");
        }
        UserCommand::ResetPassword { email, .. } => {
            let hash =
                auth::hash_password(&read_password()?).map_err(|e| format!("password: {e}"))?;
            let email = change_account(pool, &email, AccountChange::Password(&hash)).await?;
            println!("{email} has a new password and is signed out everywhere");
        }
    }
    Ok(())
}

/// With no account at all, creates the admin named by STACKATLAS_ADMIN_EMAIL and
/// STACKATLAS_ADMIN_PASSWORD, or logs the exact command that creates one.
async fn ensure_first_admin(pool: &sqlx::SqlitePool, config: &Config) -> CliResult {
    if db::users::count(pool).await? > 0 {
        return Ok(());
    }
    match &config.first_admin {
        Some((email, password)) => {
            let email = Email::parse(email).map_err(|e| format!("STACKATLAS_ADMIN_EMAIL: {e}"))?;
            let hash = auth::hash_password(password)
                .map_err(|e| format!("STACKATLAS_ADMIN_PASSWORD: {e}"))?;
            db::users::create(
                pool,
                email.as_str(),
                "Administrator",
                Role::Admin,
                &hash,
                CLI_ACTOR,
            )
            .await?;
            tracing::info!(%email, "created the first admin from STACKATLAS_ADMIN_EMAIL");
        }
        None => tracing::warn!(
            "no user exists yet, so nobody can sign in to edit. Create the first admin with: \
             stackatlas user add --email you@example.com --name \"Your Name\" --role admin --password-stdin"
        ),
    }
    Ok(())
}

/// Runs the command line; an error ends the process with a message and exit status 1.
pub async fn run(cli: Cli, config: Config) -> CliResult {
    let command = cli.command.unwrap_or(Command::Serve { addr: None });
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let done = command_on(pool.clone(), command, &config).await;
    // Closing the last connection checkpoints the write-ahead log into the database and
    // deletes it. Left open at exit, an import's log (460 MB at 10,000 frameworks) stayed
    // beside the database for the server to read through.
    pool.close().await;
    done
}

async fn command_on(pool: sqlx::SqlitePool, command: Command, config: &Config) -> CliResult {
    match command {
        Command::Serve { addr } => serve(pool, addr.unwrap_or(config.addr), config).await,
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
        Command::User { command } => user_command(&pool, command).await,
        Command::Backup { file } => {
            let report = db::backup::backup(&pool, &file).await?;
            println!(
                "backed up to {}: {} bytes, {} frameworks, {} audit entries; integrity check ok",
                file.display(),
                report.bytes,
                report.frameworks,
                report.audit_entries
            );
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
        Command::Check { json } => check(&pool, json).await,
    }
}

/// Prints the knowledge checks' report on the database's knowledge; an error among the
/// findings makes the command fail (exit status 1), a warning does not.
async fn check(pool: &sqlx::SqlitePool, json: bool) -> CliResult {
    // A new installation holds the seed, as `serve` would load it: checking an empty file
    // checks the knowledge the product ships with (which is what CI runs).
    seed::bring_forward(pool).await?;
    // The reference questions are asked of the knowledge as the ranking loads it.
    let knowledge = db::recommend::load(pool).await?;
    seed_reference_questions(pool, &knowledge).await?;
    let document = db::knowledge::load_document(pool).await?;
    let mut report = checks::check(&document, chrono::Utc::now().date_naive());
    let judged = reference::evaluate_all(pool, &knowledge).await?;
    report.findings.extend(reference::findings(&judged));
    // Errors first, each severity keeping its order, as the checks give them.
    report
        .findings
        .sort_by_key(|f| f.severity != checks::Severity::Error);

    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        // First, so the report still ends with its count of errors and warnings.
        let failing = judged.iter().filter(|(_, v)| !v.passed).count();
        println!(
            "reference questions: {} asked, {failing} failing\n",
            judged.len()
        );
        print!("{report}");
    }
    match report.errors() {
        0 => Ok(()),
        1 => Err("the knowledge check found 1 error".into()),
        n => Err(format!("the knowledge check found {n} errors").into()),
    }
}

async fn serve(pool: sqlx::SqlitePool, addr: std::net::SocketAddr, config: &Config) -> CliResult {
    match seed::bring_forward(&pool).await? {
        seed::Standing::Seeded(report) => {
            tracing::info!("seeded the empty knowledge base:\n{}", report.summary());
        }
        seed::Standing::Audited(report) => tracing::info!(
            "the knowledge base held the first edition of the seed, untouched: applied the \
             audit of 30 Nov 2026 with its reasons:\n{}",
            report.summary()
        ),
        seed::Standing::Kept => {}
    }
    ensure_first_admin(&pool, config).await?;
    let app = startup::Application::build(pool.clone(), addr, &config.into()).await?;
    // Before the server runs, with the knowledge it loaded.
    seed_reference_questions(&pool, &*app.knowledge().await?).await?;
    tracing::info!("stackatlas listening on http://{}", app.addr());
    app.run_until_stopped().await?;
    tracing::info!("stopped; closing the database");
    pool.close().await;
    Ok(())
}

/// Stores the seed's reference questions when none was ever saved and the knowledge can ask
/// them (see `reference::seed`), as the seed's knowledge is loaded: on start and before a check.
async fn seed_reference_questions(
    pool: &sqlx::SqlitePool,
    knowledge: &db::recommend::Knowledge,
) -> CliResult {
    let stored = reference::seed(pool, knowledge, seed::SEED_ACTOR).await?;
    if stored > 0 {
        tracing::info!(stored, "stored the seed's reference questions");
    }
    Ok(())
}

/// The command line's result: any failure ends the process with its message.
pub type CliResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;
