use std::path::PathBuf;

use reqwest::StatusCode;
use scraper::{ElementRef, Html, Selector};
use sqlx::SqlitePool;
use stackatlas::db;
use stackatlas::knowledge::document::Document;
use stackatlas::knowledge::{import, seed, validate};
use stackatlas::startup::Application;
use tempfile::TempDir;

/// A running server on its own database, which lives as long as this value.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: SqlitePool,
    _dir: TempDir,
}

/// Starts the server on a fresh, migrated database holding the seeded knowledge base.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Some(seed_document())).await
}

/// Starts the server on a fresh, migrated database holding `document` (or nothing).
pub async fn spawn_app_with(document: Option<Document>) -> TestApp {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database_url = format!("sqlite://{}", dir.path().join("test.db").display());
    let pool = db::connect(&database_url).await.expect("database opens");
    db::migrate(&pool).await.expect("migrations apply");
    if let Some(document) = document {
        import::import(&pool, &document, false, "test")
            .await
            .expect("the document imports");
    }
    let app =
        Application::build(pool.clone(), "127.0.0.1:0".parse().unwrap()).expect("the server binds");
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

        _dir: dir,
    }
}

/// The seed shipped with the application.
pub fn seed_document() -> Document {
    validate::parse(seed::SEED_JSON).expect("the seed parses")
}

impl TestApp {
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

/// The path of the stackatlas binary built for these tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_stackatlas"))
}
