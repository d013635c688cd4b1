//! Dates on pages read as people write them ("30 Nov 2026, 09:36", "3 days ago"); the exact
//! value stays in `<time datetime>` for machines.

use reqwest::StatusCode;
use scraper::{Html, Node};
use stackatlas::domain::Role;

use crate::helpers::{TestApp, seed_document, select, set_field, spawn_app};

/// Pages anyone reads, besides every framework's and every industry's own page.
const PUBLIC_PAGES: [&str; 12] = [
    "/",
    "/?industry=healthcare&need=security&want=scalability&lang=python",
    "/frameworks",
    "/frameworks/django",
    "/industries",
    "/industries/healthcare",
    "/trends",
    "/compare?f=django&f=laravel&f=nodejs",
    "/compare",
    "/how-we-rate",
    "/login",
    "/login?next=/admin",
];

/// Pages editors and admins read, after the edits in [`edit_a_little`].
const ADMIN_PAGES: [&str; 21] = [
    "/admin",
    "/admin/activity",
    "/admin/health",
    "/admin/users",
    "/admin/frameworks",
    "/admin/frameworks/flask/edit",
    "/admin/frameworks/flask/history",
    "/admin/frameworks/flask/delete",
    "/admin/frameworks/new",
    "/admin/languages",
    "/admin/features",
    "/admin/industries",
    "/admin/requirements",
    "/admin/use-cases",
    "/admin/trends",
    "/admin/languages/python/edit",
    "/admin/languages/python/history",
    "/admin/requirements/security/edit",
    "/admin/requirements/security/history",
    "/admin/industries/healthcare/history",
    "/admin/use-cases/telemedicine/history",
];

/// Where `text` holds something shaped like `YYYY-MM-DD`, if anywhere.
fn iso_date_in(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let shape = |window: &[u8]| {
        window.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
    };
    (0..bytes.len().saturating_sub(9))
        .find(|&i| shape(&bytes[i..i + 10]))
        .map(|i| &text[i..i + 10])
}

/// The text nodes a person reads on the page (not scripts or styles), each trimmed.
fn visible_texts(html: &Html) -> Vec<String> {
    html.tree
        .nodes()
        .filter_map(|node| {
            let Node::Text(text) = node.value() else {
                return None;
            };
            let hidden = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style" | "template"))
            });
            (!hidden).then(|| text.trim().to_owned())
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// A date shown raw in `text`, outside the web addresses it names (a source's address may
/// hold a date, and is shown as it is).
fn raw_date_in(text: &str) -> Option<&str> {
    text.split_whitespace()
        .filter(|word| !word.starts_with("http://") && !word.starts_with("https://"))
        .find_map(iso_date_in)
}

/// Every shown date problem on one page: raw ISO text, or a `<time>` without its exact value.
pub fn date_problems(path: &str, html: &Html) -> Vec<String> {
    let mut problems: Vec<String> = visible_texts(html)
        .into_iter()
        .filter_map(|text| {
            raw_date_in(&text).map(|date| format!("{path}: shows {date} raw in “{text}”"))
        })
        .collect();
    for time in select(html, "time") {
        match time.value().attr("datetime") {
            Some(value) if iso_date_in(value).is_some_and(|d| value.starts_with(d)) => {}
            other => problems.push(format!("{path}: <time> with datetime {other:?}")),
        }
    }
    problems
}

/// Saves a framework and a language, so history, activity and "changed" lines have entries
/// made today as well as the seed's.
async fn edit_a_little(app: &TestApp, admin: &reqwest::Client) {
    let saved = app
        .save_framework(
            admin,
            "flask",
            &[
                ("summary", "A small Python framework, edited today."),
                ("action", "review"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let (_, form) = app.page(admin, "/admin/languages/python/edit").await;
    let mut fields = crate::helpers::form_fields(&form, "form.narrow-form");
    set_field(&mut fields, "description", "Edited today.");
    let saved = app
        .submit(admin, "/admin/languages/python/edit", &fields)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
}

#[test]
fn an_iso_date_is_found_wherever_it_sits_in_a_text_but_not_in_an_address() {
    assert_eq!(iso_date_in("checked 2026-11-30."), Some("2026-11-30"));
    assert_eq!(iso_date_in("2026-11-30T09:36:00Z"), Some("2026-11-30"));
    assert_eq!(iso_date_in("30 Nov 2026, 09:36"), None);
    assert_eq!(iso_date_in("2026-1-30"), None);
    assert_eq!(iso_date_in(""), None);
    assert_eq!(
        raw_date_in("https://x.example/2026-11-30-post · checked"),
        None
    );
    assert_eq!(
        raw_date_in("https://x.example/ checked 2026-11-30"),
        Some("2026-11-30")
    );
}

#[tokio::test]
async fn no_page_shows_a_raw_iso_date_and_every_time_element_carries_the_exact_value() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    edit_a_little(&app, &admin).await;

    let seed = seed_document();
    let entries = seed
        .frameworks
        .iter()
        .map(|f| format!("/frameworks/{}", f.slug))
        .chain(
            seed.industries
                .iter()
                .map(|i| format!("/industries/{}", i.slug)),
        );
    let public: Vec<String> = PUBLIC_PAGES
        .map(String::from)
        .into_iter()
        .chain(entries)
        .collect();

    let mut problems = Vec::new();
    let mut times = 0;
    for path in &public {
        let (status, html) = app.page(&app.browser(), path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        problems.extend(date_problems(path, &html));
        times += select(&html, "time[datetime]").len();
    }
    for path in ADMIN_PAGES {
        let (status, html) = app.page(&admin, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        problems.extend(date_problems(path, &html));
        times += select(&html, "time[datetime]").len();
    }
    assert!(
        problems.is_empty(),
        "{} raw dates:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        times > 50,
        "the pages mark their dates with <time>: {times}"
    );
}

#[tokio::test]
async fn the_exports_keep_iso_dates_for_machines() {
    let app = spawn_app().await;
    let framework = app
        .get_json("/api/v1/frameworks/django", StatusCode::OK)
        .await;
    let checked = framework["sources"][0]["checked"].as_str().unwrap();
    assert_eq!(iso_date_in(checked), Some(checked), "{checked}");
    let reviewed = framework["last_reviewed"].as_str().unwrap();
    assert_eq!(iso_date_in(reviewed), Some(reviewed), "{reviewed}");
}
