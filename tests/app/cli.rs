//! The `stackatlas` binary: serve, migrate, user, export, import, check.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use stackatlas::knowledge::document::Document;
use stackatlas::knowledge::validate;
use tempfile::TempDir;

use crate::helpers::{
    binary, checked_document, contradicted_document, open_read_only, run, run_with_input,
    seed_document, start_server, start_server_logging, stderr, stdout,
};

fn database_in(dir: &TempDir) -> String {
    format!("sqlite://{}", dir.path().join("kb.db").display())
}

fn export(dir: &Path, db: &str) -> Document {
    let output = run(dir, db, &["export"]);
    assert!(output.status.success(), "{}", stderr(&output));
    validate::parse(&stdout(&output)).expect("export writes a valid document")
}

fn write_document(dir: &Path, name: &str, document: &Document) -> String {
    let path = dir.join(name);
    std::fs::write(&path, document.to_json()).unwrap();
    path.display().to_string()
}

#[test]
fn migrate_creates_the_database_with_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!(
        "sqlite://{}",
        dir.path().join("nested/folder/kb.db").display()
    );
    let output = run(dir.path(), &db, &["migrate"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.path().join("nested/folder/kb.db").exists());
    // Running it again is harmless.
    assert!(run(dir.path(), &db, &["migrate"]).status.success());
}

#[test]
fn export_of_a_new_database_is_an_empty_document_on_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let document = export(dir.path(), &database_in(&dir));
    assert_eq!(document, Document::default());
}

#[test]
fn import_applies_a_document_and_export_gives_it_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(&dir);
    let file = write_document(dir.path(), "seed.json", &seed_document());
    let output = run(dir.path(), &db, &["import", &file]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    let frameworks = seed_document().frameworks.len();
    assert!(
        report.contains(&format!(
            "frameworks: {frameworks} created, 0 updated, 0 unchanged"
        )),
        "{report}"
    );
    assert!(report.contains("created framework django"), "{report}");

    // Export to a file gives the same bytes as the imported document.
    let exported = dir.path().join("out.json");
    let output = run(dir.path(), &db, &["export", exported.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&exported).unwrap(),
        std::fs::read_to_string(&file).unwrap()
    );

    // Importing the same document again changes nothing.
    let again = run(dir.path(), &db, &["import", &file]);
    assert!(again.status.success());
    assert!(
        stdout(&again).contains("nothing to change"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_command_leaves_its_writes_in_the_database_file_and_no_log_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(&dir);
    let file = write_document(dir.path(), "seed.json", &seed_document());
    let output = run(dir.path(), &db, &["import", &file]);
    assert!(output.status.success(), "{}", stderr(&output));
    // Checkpointed as the command closed the database: a server started next reads the
    // knowledge from the file, not through a log as large as the import.
    for leftover in ["kb.db-wal", "kb.db-shm"] {
        assert!(
            !dir.path().join(leftover).exists(),
            "{leftover} is left after the import"
        );
    }
    assert_eq!(
        export(dir.path(), &db).frameworks.len(),
        seed_document().frameworks.len()
    );
}

#[test]
fn a_dry_run_reports_what_would_change_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(&dir);
    let file = write_document(dir.path(), "seed.json", &seed_document());
    let output = run(dir.path(), &db, &["import", &file, "--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(report.contains("would create framework django"), "{report}");
    assert!(
        report.trim_end().ends_with("dry run: nothing was changed"),
        "{report}"
    );
    assert_eq!(export(dir.path(), &db), Document::default());
}

#[test]
fn a_bad_document_is_refused_whole_with_each_record_and_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(&dir);
    let seed = seed_document();
    let file = write_document(dir.path(), "seed.json", &seed);
    assert!(run(dir.path(), &db, &["import", &file]).status.success());

    // A valid change mixed with two invalid ones.
    let mut edited = seed.clone();
    edited.frameworks[0].summary = "A changed summary that must not be applied.".into();
    let django = edited
        .frameworks
        .iter_mut()
        .find(|f| f.slug == "django")
        .unwrap();
    let security = django
        .requirements
        .iter_mut()
        .find(|r| r.requirement == "security")
        .unwrap();
    security.strength = 9;
    django.ring = "forever".into();
    let bad = write_document(dir.path(), "bad.json", &edited);
    let output = run(dir.path(), &db, &["import", &bad]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("frameworks[django].requirements[security].strength: must be a whole number from 0 to 5, got 9"),
        "{message}"
    );
    assert!(message.contains("frameworks[django].ring:"), "{message}");
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(export(dir.path(), &db), seed, "nothing may be half-applied");
}

#[test]
fn malformed_json_is_refused_with_the_path_to_the_bad_value() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(&dir);
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        r#"{"format":"stackatlas-knowledge","format_version":1,"languages":[{"slug":"go","name":7}]}"#,
    )
    .unwrap();
    let output = run(dir.path(), &db, &["import", path.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("languages[0].name"),
        "{}",
        stderr(&output)
    );

    let output = run(dir.path(), &db, &["import", "does-not-exist.json"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("cannot read does-not-exist.json"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_bad_address_in_the_environment_is_named_at_startup() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(binary())
        .current_dir(dir.path())
        .env("DATABASE_URL", database_in(&dir))
        .env("STACKATLAS_ADDR", "not-an-address")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("STACKATLAS_ADDR"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn serve_seeds_an_empty_database_logs_its_url_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    // The database comes from .env in the working directory.
    let mut env_file = std::fs::File::create(dir.path().join(".env")).unwrap();
    writeln!(env_file, "DATABASE_URL=sqlite://data/from-dotenv.db").unwrap();
    let (mut server, url) = start_server(dir.path(), &[], &["serve", "--addr", "127.0.0.1:0"]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let health = reqwest::get(format!("{url}/healthz")).await.unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    let page = reqwest::get(format!("{url}/frameworks/django"))
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        reqwest::StatusCode::OK,
        "the seed was loaded"
    );
    assert!(dir.path().join("data/from-dotenv.db").exists());

    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "graceful shutdown exits successfully: {status}"
    );
    // The first start also stored the seed's reference questions, asked of the knowledge the
    // server loaded.
    let mut stopped = open_read_only(&dir.path().join("data/from-dotenv.db")).await;
    let questions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reference_questions")
        .fetch_one(&mut stopped)
        .await
        .unwrap();
    assert_eq!(
        questions as usize,
        stackatlas::reference::seed_questions().len()
    );
}

#[tokio::test]
async fn serving_an_existing_knowledge_base_does_not_seed_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(&dir);
    let mut small = Document::default();
    small
        .languages
        .push(stackatlas::knowledge::document::TermRecord {
            slug: "go".into(),
            name: "Go".into(),
            description: String::new(),
            phrases: Vec::new(),
        });
    let file = write_document(dir.path(), "small.json", &small);
    assert!(run(dir.path(), &db, &["import", &file]).status.success());

    // With no subcommand the binary serves, on STACKATLAS_ADDR.
    let (server, url) = start_server(
        dir.path(),
        &[("DATABASE_URL", &db), ("STACKATLAS_ADDR", "127.0.0.1:0")],
        &[],
    );
    let page = reqwest::get(format!("{url}/frameworks")).await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    drop(server);
    // Nothing is seeded; only the language the seed also has is given its phrases.
    let mut exported = export(dir.path(), &db);
    let seeded = crate::helpers::seed_document();
    let go = seeded.languages.iter().find(|l| l.slug == "go").unwrap();
    assert_eq!(exported.languages[0].phrases, go.phrases);
    exported.leave_phrases_alone();
    exported.gives_phrases = true;
    assert_eq!(exported, small);
}

/// Runs the binary with `input` on standard input.
#[test]
fn accounts_are_managed_from_the_command_line_with_passwords_on_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(&dir);
    let add = [
        "user",
        "add",
        "--email",
        "Ada@Example.com",
        "--name",
        "Ada",
        "--role",
        "editor",
        "--password-stdin",
    ];
    let output = run_with_input(dir.path(), &db, &add, "a long enough password\n");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "created editor ada@example.com");

    let again = run_with_input(dir.path(), &db, &add, "a long enough password\n");
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );

    let short = run_with_input(
        dir.path(),
        &db,
        &[
            "user",
            "add",
            "--email",
            "b@example.com",
            "--name",
            "B",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(stderr(&short).contains("at least 12"), "{}", stderr(&short));

    let role = run(
        dir.path(),
        &db,
        &[
            "user",
            "set-role",
            "--email",
            "ada@example.com",
            "--role",
            "admin",
        ],
    );
    assert!(role.status.success(), "{}", stderr(&role));
    let disable = run(
        dir.path(),
        &db,
        &["user", "disable", "--email", "ada@example.com"],
    );
    assert!(disable.status.success(), "{}", stderr(&disable));
    let reset = run_with_input(
        dir.path(),
        &db,
        &[
            "user",
            "reset-password",
            "--email",
            "ada@example.com",
            "--password-stdin",
        ],
        "an entirely new password",
    );
    assert!(reset.status.success(), "{}", stderr(&reset));

    let list = run(dir.path(), &db, &["user", "list"]);
    assert_eq!(
        stdout(&list).trim(),
        "ada@example.com\tadmin\tdisabled\tAda"
    );

    let unknown = run(
        dir.path(),
        &db,
        &["user", "disable", "--email", "nobody@example.com"],
    );
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no such account"));
    let bad_role = run(
        dir.path(),
        &db,
        &[
            "user",
            "set-role",
            "--email",
            "ada@example.com",
            "--role",
            "king",
        ],
    );
    assert!(!bad_role.status.success());
    assert!(stderr(&bad_role).contains("role"), "{}", stderr(&bad_role));
}

#[tokio::test]
async fn with_no_account_startup_logs_the_command_that_creates_the_first_admin() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(&dir);
    let (_server, _url, lines) = start_server_logging(
        dir.path(),
        &[("DATABASE_URL", &db)],
        &["serve", "--addr", "127.0.0.1:0"],
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("stackatlas user add --email")
                && l.contains("--role admin --password-stdin")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn the_first_admin_comes_from_the_environment_and_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(&dir);
    let (_server, url, _) = start_server_logging(
        dir.path(),
        &[
            ("DATABASE_URL", &db),
            ("STACKATLAS_ADMIN_EMAIL", "root@example.com"),
            ("STACKATLAS_ADMIN_PASSWORD", "the first admin password"),
        ],
        &["serve", "--addr", "127.0.0.1:0"],
    );
    let list = run(dir.path(), &db, &["user", "list"]);
    assert!(
        stdout(&list).starts_with("root@example.com\tadmin\tactive"),
        "{}",
        stdout(&list)
    );
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = browser
        .get(format!("{url}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::csrf_in(&scraper::Html::parse_document(&form));
    let response = browser
        .post(format!("{url}/login"))
        .form(&[
            ("email", "root@example.com"),
            ("password", "the first admin password"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
}

/// A database in `dir` holding `document`, imported through the command line.
fn database_holding(dir: &TempDir, document: &Document) -> String {
    let db = database_in(dir);
    let file = write_document(dir.path(), "knowledge.json", document);
    let output = run(dir.path(), &db, &["import", &file]);
    assert!(output.status.success(), "{}", stderr(&output));
    db
}

fn check_json(dir: &Path, db: &str) -> (std::process::Output, serde_json::Value) {
    let output = run(dir, db, &["check", "--json"]);
    let json = serde_json::from_str(&stdout(&output)).expect("check --json writes JSON");
    (output, json)
}

#[test]
fn check_passes_a_clean_knowledge_base_and_prints_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_holding(&dir, &checked_document());
    let output = run(dir.path(), &db, &["check"]);
    let report = stdout(&output);
    assert!(output.status.success(), "{report}{}", stderr(&output));
    assert!(report.contains("frameworks: 2"), "{report}");
    assert!(report.contains("sources:    6"), "{report}");
    assert!(report.contains("6 citing a source (100 %)"), "{report}");
    assert!(
        report.contains("security           1 of 2 (50 %)"),
        "{report}"
    );
    assert!(
        report.trim_end().ends_with("0 errors, 0 warnings"),
        "{report}"
    );

    let (output, json) = check_json(dir.path(), &db);
    assert!(output.status.success());
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 0);
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["summary"]["frameworks"], 2);
    assert_eq!(json["summary"]["sourced_percent"], 100);
}

#[test]
fn check_fails_with_exit_status_1_naming_a_note_that_contradicts_its_rating() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_holding(&dir, &contradicted_document());
    let output = run(dir.path(), &db, &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(
        report.contains("note-contradicts-rating  frameworks[alpha].requirements[security]"),
        "{report}"
    );
    assert!(
        report.contains("Alpha's note for Security says \"excellent\", but its strength is 1"),
        "{report}"
    );
    assert!(
        report.trim_end().ends_with("1 error, 0 warnings"),
        "{report}"
    );
    assert!(
        stderr(&output).contains("the knowledge check found 1 error"),
        "{}",
        stderr(&output)
    );

    let (output, json) = check_json(dir.path(), &db);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json["errors"], 1);
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(json["findings"][0]["code"], "note-contradicts-rating");
    assert_eq!(
        json["findings"][0]["location"],
        "frameworks[alpha].requirements[security]"
    );
}

#[test]
fn check_on_a_fresh_database_with_the_seed_answers_with_its_findings_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let seed = seed_document();
    let db = database_holding(&dir, &seed);
    let (output, json) = check_json(dir.path(), &db);
    let errors = json["errors"].as_u64().unwrap();
    // Whatever the seed holds, the exit status follows the errors found.
    assert_eq!(output.status.success(), errors == 0, "{}", stderr(&output));
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(
        findings.len() as u64,
        errors + json["warnings"].as_u64().unwrap()
    );
    for finding in findings {
        assert!(
            ["error", "warning"].contains(&finding["severity"].as_str().unwrap()),
            "{finding}"
        );
        let code = finding["code"].as_str().unwrap();
        assert!(
            !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{finding}"
        );
        assert!(
            !finding["message"].as_str().unwrap().is_empty(),
            "{finding}"
        );
    }
    assert_eq!(json["summary"]["frameworks"], seed.frameworks.len());
    assert_eq!(
        json["summary"]["must_haves"].as_array().unwrap().len(),
        seed.requirements.len()
    );
}
