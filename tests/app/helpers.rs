use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use scraper::{ElementRef, Html, Selector};
use sqlx::SqlitePool;
use stackatlas::auth;
use stackatlas::db;
use stackatlas::domain::Role;
use stackatlas::knowledge::document::Document;
use stackatlas::knowledge::{import, seed, validate};
use stackatlas::startup::{Application, Settings};
use tempfile::TempDir;

/// A running server on its own database, which lives as long as this value.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: SqlitePool,
    /// `sqlite://…` of the database file, for the command line to work on the same one.
    pub database_url: String,
    _dir: TempDir,
}

/// Starts the server on a fresh, migrated database holding the seeded knowledge base.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Some(seed_document())).await
}

/// Like [`spawn_app`], with review before publishing on (`STACKATLAS_REVIEW_REQUIRED`).
pub async fn spawn_app_with_review() -> TestApp {
    let settings = Settings {
        review_required: true,
        ..Settings::default()
    };
    spawn_app_with_settings(Some(seed_document()), settings).await
}

/// Starts the server on a fresh, migrated database holding `document` (or nothing).
pub async fn spawn_app_with(document: Option<Document>) -> TestApp {
    spawn_app_with_settings(document, Settings::default()).await
}

/// Starts the server with the seeded knowledge base and the given session settings.
pub async fn spawn_app_with_settings(document: Option<Document>, settings: Settings) -> TestApp {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database_url = format!("sqlite://{}", dir.path().join("test.db").display());
    let pool = db::connect(&database_url).await.expect("database opens");
    db::migrate(&pool).await.expect("migrations apply");
    if let Some(document) = document {
        import::import(&pool, &document, false, "test")
            .await
            .expect("the document imports");
    }
    let app = Application::build(pool.clone(), "127.0.0.1:0".parse().unwrap(), &settings)
        .await
        .expect("the server binds");
    let address = format!("http://{}", app.addr());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        pool,
        database_url,
        _dir: dir,
    }
}

/// Starts the server with the seeded knowledge base, believing the forwarding headers of
/// 127.0.0.1, so a test can play clients at many addresses behind one proxy.
pub async fn spawn_app_behind_a_proxy() -> TestApp {
    spawn_app_with_settings(
        Some(seed_document()),
        Settings {
            network: stackatlas::client::Network {
                trusted: stackatlas::client::TrustedProxies::parse("127.0.0.1").unwrap(),
                public_url: None,
            },
            ..Settings::default()
        },
    )
    .await
}

/// The seed shipped with the application.
pub fn seed_document() -> Document {
    validate::parse(seed::SEED_JSON).expect("the seed parses")
}

/// The password every test account gets.
pub const TEST_PASSWORD: &str = "a long test password";

impl TestApp {
    /// Stores the seed's reference questions, as the server does on its first start; how
    /// many.
    pub async fn seed_reference_questions(&self) -> usize {
        let knowledge = stackatlas::db::recommend::load(&self.pool).await.unwrap();
        stackatlas::reference::seed(&self.pool, &knowledge, "seed")
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Creates an account with [`TEST_PASSWORD`] straight in the database.
    pub async fn create_user(&self, email: &str, role: Role) {
        let hash = auth::hash_password(TEST_PASSWORD).unwrap();
        db::users::create(&self.pool, email, "Test User", role, &hash, "test")
            .await
            .expect("the account is created");
    }

    /// An admin (`admin`, signed in) creates an account through the accounts page.
    pub async fn invite(
        &self,
        admin: &reqwest::Client,
        email: &str,
        name: &str,
        role: Role,
    ) -> reqwest::Response {
        let token = self.csrf_token(admin).await;
        admin
            .post(self.url("/admin/users"))
            .form(&[
                ("email", email),
                ("name", name),
                ("role", role.as_str()),
                ("password", "another long password"),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A client with its own cookie jar, not signed in, that does not follow redirects.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Fills in and submits the sign-in form as a real browser would.
    pub async fn sign_in(
        &self,
        browser: &reqwest::Client,
        email: &str,
        password: &str,
        next: &str,
    ) -> reqwest::Response {
        let form = browser
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_in(&Html::parse_document(&form));
        browser
            .post(self.url("/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("next", next),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A browser signed in as a new account with `role`.
    pub async fn signed_in_as(&self, role: Role) -> reqwest::Client {
        let email = format!("{}@example.com", role.as_str());
        self.create_user(&email, role).await;
        let browser = self.browser();
        let response = self.sign_in(&browser, &email, TEST_PASSWORD, "/").await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "signing in as {role}"
        );
        browser
    }

    /// A browser signed in as a new account `email` with `role`.
    pub async fn signed_in_with(&self, email: &str, role: Role) -> reqwest::Client {
        self.create_user(email, role).await;
        let browser = self.browser();
        let response = self.sign_in(&browser, email, TEST_PASSWORD, "/").await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "signing in {email}"
        );
        browser
    }

    /// Saves the result of the query page at `/?{query}` as a brief for `client` and
    /// `project`, through the page's "Save as brief" form; returns the brief's id.
    pub async fn save_brief(
        &self,
        browser: &reqwest::Client,
        query: &str,
        client: &str,
        project: &str,
    ) -> i64 {
        let (status, page) = self.page(browser, &format!("/?{query}")).await;
        assert_eq!(status, StatusCode::OK, "the query page for {query}");
        let mut fields = form_fields(&page, "form[action='/briefs']");
        set_field(&mut fields, "client", client);
        set_field(&mut fields, "project", project);
        let saved = self.submit(browser, "/briefs", &fields).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "saving {client}");
        let location = saved.headers()["location"].to_str().unwrap();
        location
            .strip_prefix("/briefs/")
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("saved to {location}"))
    }

    /// The CSRF token of the browser's session, read from the sign-out form in the header.
    pub async fn csrf_token(&self, browser: &reqwest::Client) -> String {
        let page = browser
            .get(self.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        csrf_in(&Html::parse_document(&page))
    }

    /// GETs `path` with `client` and parses the page, whatever its status.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> (StatusCode, Html) {
        let response = client.get(self.url(path)).send().await.unwrap();
        let status = response.status();
        (
            status,
            Html::parse_document(&response.text().await.unwrap()),
        )
    }

    /// POSTs form fields to `path` with `client`.
    pub async fn submit(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(String, String)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// `editor` submits `framework`'s admin edit form as it is shown, with `changes` made to
    /// its fields and the action `save` (unless `changes` names another); the answer is the
    /// form's (303 when saved).
    pub async fn save_framework(
        &self,
        editor: &reqwest::Client,
        framework: &str,
        changes: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut fields = edit_form(editor, self, framework).await;
        set_field(&mut fields, "action", "save");
        for (name, value) in changes {
            set_field(&mut fields, name, value);
        }
        self.submit(
            editor,
            &format!("/admin/frameworks/{framework}/edit"),
            &fields,
        )
        .await
    }

    /// GETs the download at `path` with `client`, checks it is a 200 attachment named
    /// `filename` of the type its extension says (`.csv` or `.json`), and gives its text.
    pub async fn download(&self, client: &reqwest::Client, path: &str, filename: &str) -> String {
        let response = client.get(self.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "status of {path}");
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        let expected_type = if filename.ends_with(".csv") {
            "text/csv"
        } else {
            "application/json"
        };
        let content_type = header("content-type");
        assert!(
            content_type.starts_with(expected_type),
            "{path} is {content_type}"
        );
        let disposition = header("content-disposition");
        assert!(
            disposition.starts_with("attachment") && disposition.contains(filename),
            "{path} is {disposition}"
        );
        response.text().await.unwrap()
    }

    /// GETs `path` as a browser holding the copy tagged `tag` would.
    pub async fn revalidate(&self, path: &str, tag: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("If-None-Match", tag)
            .send()
            .await
            .expect("the request is answered")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("the request is answered")
    }

    /// GETs a page, checks its status and that it is HTML, and parses it.
    pub async fn get_html(&self, path: &str, expected: StatusCode) -> Html {
        let response = self.get(path).await;
        assert_eq!(response.status(), expected, "status of {path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("text/html"),
            "{path} is {content_type}"
        );
        Html::parse_document(&response.text().await.unwrap())
    }

    /// GETs a JSON resource, checks its status and content type, and parses it.
    pub async fn get_json(&self, path: &str, expected: StatusCode) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), expected, "status of {path}");
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("application/json"),
            "{path} is {content_type}"
        );
        response.json().await.unwrap()
    }
}

pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|_| panic!("bad selector {css}"))
}

/// Every element matching `css`.
pub fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    html.select(&selector(css)).collect()
}

/// The text of the first element matching `css`, trimmed; panics when there is none.
pub fn text_of(html: &Html, css: &str) -> String {
    let element = html
        .select(&selector(css))
        .next()
        .unwrap_or_else(|| panic!("no element matches {css}"));
    text(element)
}

/// An element's text with whitespace collapsed.
pub fn text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value of `attribute` on each element matching `css`.
pub fn attributes(html: &Html, css: &str, attribute: &str) -> Vec<String> {
    html.select(&selector(css))
        .filter_map(|e| e.value().attr(attribute).map(str::to_owned))
        .collect()
}

/// The slugs of the ranked results on a page, in their order.
pub fn result_slugs(html: &Html) -> Vec<String> {
    attributes(html, ".ranked > li", "id")
        .into_iter()
        .map(|id| id.trim_start_matches("result-").to_owned())
        .collect()
}

/// The path of the stackatlas binary built for these tests.
/// The `stackatlas` binary the tests run: the one cargo built for them, or the one named by
/// `STACKATLAS_TEST_BINARY` (CI points it at the release build for the crash test).
pub fn binary() -> PathBuf {
    std::env::var_os("STACKATLAS_TEST_BINARY").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_stackatlas")),
        PathBuf::from,
    )
}

/// The first CSRF token field in a page.
pub fn csrf_in(html: &Html) -> String {
    attributes(html, "input[name=csrf_token]", "value")
        .into_iter()
        .next()
        .expect("the page has a CSRF token")
}

/// The values a browser would submit for the form matching `css`: text and hidden inputs,
/// checked boxes and radios, selected options and text areas (not the submit buttons).
pub fn form_fields(html: &Html, css: &str) -> Vec<(String, String)> {
    let form = select(html, css)
        .into_iter()
        .next()
        .expect("the form exists");
    let mut fields = Vec::new();
    for input in form.select(&selector("input[name]")) {
        let element = input.value();
        let name = element.attr("name").unwrap().to_owned();
        let value = element.attr("value").unwrap_or("").to_owned();
        match element.attr("type").unwrap_or("text") {
            "checkbox" | "radio" if element.attr("checked").is_none() => {}
            _ => fields.push((name, value)),
        }
    }
    for select_element in form.select(&selector("select[name]")) {
        let name = select_element.value().attr("name").unwrap().to_owned();
        let chosen = select_element
            .select(&selector("option[selected]"))
            .next()
            .or_else(|| select_element.select(&selector("option")).next());
        if let Some(option) = chosen {
            fields.push((name, option.value().attr("value").unwrap_or("").to_owned()));
        }
    }
    for area in form.select(&selector("textarea[name]")) {
        let name = area.value().attr("name").unwrap().to_owned();
        fields.push((name, area.text().collect()));
    }
    fields
}

/// Replaces (or adds) a field's value.
pub fn set_field(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(n, _)| n != name);
    fields.push((name.to_owned(), value.to_owned()));
}

/// The fields of a framework's edit form as `client` (an editor) is shown them.
pub async fn edit_form(
    client: &reqwest::Client,
    app: &TestApp,
    slug: &str,
) -> Vec<(String, String)> {
    let (status, html) = app
        .page(client, &format!("/admin/frameworks/{slug}/edit"))
        .await;
    assert_eq!(status, StatusCode::OK);
    form_fields(&html, "form.edit-form")
}

/// A change made outside the web app (as `stackatlas import` in another process would):
/// Gin becomes strong at offline sync, so it joins the results of `need=offline-sync`.
pub async fn another_writer_makes_gin_strong_at_offline_sync(app: &TestApp) {
    sqlx::query(
        "UPDATE framework_requirements SET strength = 5
         WHERE framework_id = (SELECT id FROM frameworks WHERE slug = 'gin')
           AND requirement_id = (SELECT id FROM requirements WHERE slug = 'offline-sync')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
}

/// A read-only connection to the database file at `path` (a backup, or one a stopped server
/// left), beside any server using it.
pub async fn open_read_only(path: &Path) -> sqlx::SqliteConnection {
    use sqlx::ConnectOptions;
    sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .expect("the database file opens")
}

/// Runs the binary in `dir` (so no stray `.env` is read) against the database `db`.
pub fn run(dir: &Path, db: &str, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A `stackatlas serve` process, killed if a test fails before stopping it.
pub struct Server(pub std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

/// Starts `stackatlas` with `args` in `dir` and waits for the line that gives its URL.
pub fn start_server(dir: &Path, envs: &[(&str, &str)], args: &[&str]) -> (Server, String) {
    let (server, url, _) = start_server_logging(dir, envs, args);
    (server, url)
}

/// Like [`start_server`], also returning the log lines written before the URL.
pub fn start_server_logging(
    dir: &Path,
    envs: &[(&str, &str)],
    args: &[&str],
) -> (Server, String, Vec<String>) {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut before = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line.split("listening on ").nth(1) {
                let _ = sender.send((url.trim().to_owned(), std::mem::take(&mut before)));
            } else {
                before.push(line);
            }
        }
    });
    let (url, lines) = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("the server logs the URL it listens on");
    (Server(child), url, lines)
}

/// Runs the binary with `input` on its standard input.
pub fn run_with_input(dir: &Path, db: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A small knowledge document in which the knowledge checks find nothing to report today: two
/// frameworks with three recently checked sources each, every rating noted and citing a
/// source, feature tags their ratings bear out, rubrics written, the use case linked.
pub fn checked_document() -> Document {
    use stackatlas::knowledge::document::{
        FitRecord, FrameworkRecord, IndustryRecord, RequirementRecord, SourceRecord,
        StrengthRecord, TermRecord, UseCaseRecord,
    };
    let day = |days_ago: i64| {
        (chrono::Utc::now().date_naive() - chrono::Duration::days(days_ago))
            .format("%Y-%m-%d")
            .to_string()
    };
    let term = |slug: &str, name: &str| TermRecord {
        slug: slug.into(),
        name: name.into(),
        description: String::new(),
        phrases: Vec::new(),
    };
    let rubric: Vec<String> = (0..6).map(|level| format!("What {level} means.")).collect();
    let framework = |slug: &str, name: &str, real_time: i64, security: i64| {
        let cited = vec![format!("https://{slug}.example.com/docs")];
        let strength = |requirement: &str, strength: i64| StrengthRecord {
            requirement: requirement.into(),
            strength,
            note: format!("{name}'s own evidence on {requirement}."),
            sources: cited.clone(),
            reviewed: Some(day(20)),
        };
        FrameworkRecord {
            slug: slug.into(),
            name: name.into(),
            language: "javascript".into(),
            languages: vec!["javascript".into()],
            kind: "micro".into(),
            ring: "trial".into(),
            summary: format!("{name}, a framework made up for the checks."),
            last_reviewed: Some(day(30)),
            sources: ["docs", "releases", "case-study"]
                .iter()
                .map(|page| SourceRecord {
                    url: format!("https://{slug}.example.com/{page}"),
                    title: format!("{name} {page}"),
                    checked: day(40),
                })
                .collect(),
            requirements: vec![
                strength("real-time-updates", real_time),
                strength("security", security),
            ],
            industries: vec![FitRecord {
                industry: "fintech".into(),
                fit: 3,
                note: format!("{name} suits payment apps this well."),
                sources: cited.clone(),
                reviewed: Some(day(20)),
            }],
            features: vec!["websockets".into()],
            use_cases: vec!["payments".into()],
            ..FrameworkRecord::default()
        }
    };
    let requirement = |slug: &str, name: &str| RequirementRecord {
        slug: slug.into(),
        name: name.into(),
        group: "capability".into(),
        description: String::new(),
        phrases: Vec::new(),
        rubric: rubric.clone(),
    };
    let mut document = Document {
        languages: vec![term("javascript", "JavaScript")],
        features: vec![term("websockets", "WebSockets")],
        industries: vec![IndustryRecord {
            slug: "fintech".into(),
            name: "Fintech".into(),
            description: String::new(),
            phrases: Vec::new(),
            rubric: rubric.clone(),
        }],
        use_cases: vec![UseCaseRecord {
            slug: "payments".into(),
            name: "Payments".into(),
            industry: "fintech".into(),
            description: String::new(),
            phrases: Vec::new(),
        }],
        requirements: vec![
            requirement("real-time-updates", "Real-time updates"),
            requirement("security", "Security"),
        ],
        frameworks: vec![
            framework("alpha", "Alpha", 4, 3),
            framework("beta", "Beta", 3, 4),
        ],
        ..Document::default()
    };
    document.sort();
    document
}

/// [`checked_document`] with Alpha's security rated 1 under a note that praises it.
pub fn contradicted_document() -> Document {
    let mut document = checked_document();
    let security = document.frameworks[0]
        .requirements
        .iter_mut()
        .find(|r| r.requirement == "security")
        .unwrap();
    security.strength = 1;
    security.note = "Excellent security defaults.".into();
    document
}

/// Publishes the next edition titled `title` through the admin page's form, as `admin`;
/// returns its number.
pub async fn publish_radar_edition(app: &TestApp, admin: &reqwest::Client, title: &str) -> i64 {
    let (status, page) = app.page(admin, "/admin/radar-editions").await;
    assert_eq!(status, StatusCode::OK);
    let mut fields = form_fields(&page, "form[action='/admin/radar-editions']");
    set_field(&mut fields, "title", title);
    let published = app.submit(admin, "/admin/radar-editions", &fields).await;
    assert_eq!(
        published.status(),
        StatusCode::SEE_OTHER,
        "publishing {title}"
    );
    let location = published.headers()["location"].to_str().unwrap();
    location
        .strip_prefix("/admin/radar-editions?published=")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("published to {location}"))
}
