//! Starting chromedriver and Chromium, and what journeys do in them: screenshots, audits,
//! signing in.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Where screenshots go; kept by CI as artefacts.
pub const ARTIFACTS: &str = "test-artifacts/screenshots";
pub const DESKTOP: (u32, u32) = (1280, 900);
pub const PHONE: (u32, u32) = (390, 844);

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The chromedriver to use: `CHROMEDRIVER`, or `chromedriver` on the PATH.
/// Under CI (`CI=true`) nothing may be skipped: a missing browser, driver or axe-core is a
/// failure, so a broken install cannot pass as a green run.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

pub fn chromedriver() -> Option<PathBuf> {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| on_path("chromedriver"))
}

pub fn chrome_binary() -> Option<PathBuf> {
    std::env::var_os("CHROME")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| on_path("chromium"))
        .or_else(|| on_path("chromium-browser"))
        .or_else(|| on_path("google-chrome"))
}

/// A running chromedriver, stopped when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_driver(binary: &Path) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start listening"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// A new headless Chromium session at desktop width.
pub async fn browser(driver: &Driver) -> Client {
    let mut options = json!({
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
        ]
    });
    if let Some(chrome) = chrome_binary() {
        options["binary"] = json!(chrome.display().to_string());
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert("goog:chromeOptions".into(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// Makes a session an earlier journey used as good as new for `app`: on one of its pages,
/// forgets every cookie (cookies ignore the port, so the last server's session cookie would
/// otherwise reach this one), back at desktop width.
pub async fn reset(client: &Client, app: &TestApp) {
    client
        .goto(&app.url("/healthz"))
        .await
        .expect("the health check");
    client
        .delete_all_cookies()
        .await
        .expect("the cookies are deleted");
    assert_eq!(
        client.get_all_cookies().await.expect("the cookies").len(),
        0,
        "no cookie is left from the last journey"
    );
    client
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("the window resizes");
}

/// Saves a screenshot of the current page at desktop and phone widths.
pub async fn screenshots(client: &Client, name: &str) {
    std::fs::create_dir_all(ARTIFACTS).expect("the artefacts folder");
    for (label, (width, height)) in [("desktop", DESKTOP), ("phone", PHONE)] {
        client
            .set_window_size(width, height)
            .await
            .expect("the window resizes");
        let png = client.screenshot().await.expect("a screenshot");
        std::fs::write(format!("{ARTIFACTS}/{name}-{label}.png"), png).expect("saved");
    }
    client
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("the window resizes back");
}

/// axe-core's source: `AXE_CORE_JS`, or the copy `npm install --prefix target/axe axe-core`
/// puts in place.
pub fn axe_source() -> Option<String> {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/axe/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(path).ok()
}

/// The serious and critical axe violations of the current page, one line each.
pub async fn audit(client: &Client, axe: &str) -> Vec<String> {
    let script = format!(
        "{axe}\n;const done = arguments[arguments.length - 1];\
         axe.run(document, {{ resultTypes: ['violations'] }}).then(r => done(\
           r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
            .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +\
                 v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))));"
    );
    let result = client
        .execute_async(&script, Vec::new())
        .await
        .expect("axe runs");
    match result {
        Value::Array(items) => items
            .into_iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect(),
        other => vec![format!("axe returned {other}")],
    }
}

pub async fn find(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
}

pub async fn text(client: &Client, css: &str) -> String {
    find(client, css).await.text().await.expect("text")
}

/// Waits (10 s at most) until the text of the first `css` element satisfies `wanted`, as a
/// person watches the page after a click: until the next page has loaded, the element found
/// may be the old page's, or vanish as the new one arrives, so neither ends the wait.
pub async fn wait_for_text(client: &Client, css: &str, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let seen = match client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.ok(),
            Err(_) => None,
        };
        match seen {
            Some(text) if wanted(&text) => return text,
            seen if std::time::Instant::now() > deadline => {
                panic!("{css} never showed the expected text; last seen: {seen:?}")
            }
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

pub async fn path_of(client: &Client) -> String {
    let url = client.current_url().await.expect("a URL");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Runs `script` in the page and gives the list of strings it returns.
pub async fn strings(client: &Client, script: &str) -> Vec<String> {
    client
        .execute(script, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("the script failed: {e}"))
        .as_array()
        .expect("the script returns a list")
        .iter()
        .map(|v| v.as_str().expect("a list of strings").to_owned())
        .collect()
}

/// Types `keys` into the field `css`, after what it holds, as a person would.
pub async fn type_into(client: &Client, css: &str, keys: &str) {
    find(client, css)
        .await
        .send_keys(keys)
        .await
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
}

/// Empties the field `css` and types `keys` into it.
pub async fn retype(client: &Client, css: &str, keys: &str) {
    let field = find(client, css).await;
    field
        .clear()
        .await
        .unwrap_or_else(|e| panic!("clearing {css}: {e}"));
    field
        .send_keys(keys)
        .await
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
}

/// Signs in through the sign-in form, as a person would.
pub async fn sign_in(client: &Client, app: &TestApp, email: &str) {
    client
        .goto(&app.url("/login"))
        .await
        .expect("the sign-in page");
    type_into(client, "#email", email).await;
    type_into(client, "#password", crate::helpers::TEST_PASSWORD).await;
    find(client, "form.stacked-form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    find(client, ".account form[action='/logout']").await;
}

/// Scrolls an element to the middle of the window, as a person would before clicking it
/// (sticky bars at the bottom would otherwise cover it), then clicks it.
pub async fn click(client: &Client, css: &str) {
    let element = find(client, css).await;
    client
        .execute(
            "arguments[0].scrollIntoView({ block: 'center' });",
            vec![serde_json::to_value(&element).expect("an element reference")],
        )
        .await
        .expect("scrolled");
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}
