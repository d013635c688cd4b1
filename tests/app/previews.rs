//! Link previews: what a shared link shows in a chat tool (Open Graph and Twitter card tags,
//! the page's description), and that a private brief's link says nothing but that it is one.

use reqwest::StatusCode;
use scraper::Html;

use crate::helpers::{TestApp, attributes, seed_document, select, spawn_app, text, text_of};

/// The preview tags of a page, by `property` (Open Graph) or `name` (the rest).
#[derive(Debug)]
struct Tags {
    title: String,
    description: String,
    url: String,
}

fn meta(html: &Html, key: &str) -> String {
    let attribute = if key.starts_with("og:") {
        "property"
    } else {
        "name"
    };
    let values = attributes(html, &format!("meta[{attribute}=\"{key}\"]"), "content");
    assert_eq!(values.len(), 1, "exactly one {key}: {values:?}");
    values.into_iter().next().unwrap()
}

/// The page's preview, after checking the tags every preview has and that the description
/// and the Twitter card agree with Open Graph.
fn preview(html: &Html) -> Tags {
    assert_eq!(meta(html, "og:site_name"), "stackatlas");
    assert_eq!(meta(html, "og:type"), "website");
    assert_eq!(meta(html, "twitter:card"), "summary");
    let tags = Tags {
        title: meta(html, "og:title"),
        description: meta(html, "og:description"),
        url: meta(html, "og:url"),
    };
    assert_eq!(meta(html, "description"), tags.description);
    assert_eq!(meta(html, "twitter:title"), tags.title);
    assert_eq!(meta(html, "twitter:description"), tags.description);
    tags
}

async fn page(app: &TestApp, path: &str) -> Html {
    app.get_html(path, StatusCode::OK).await
}

#[tokio::test]
async fn a_shared_result_previews_its_top_picks_for_the_industry_and_the_query() {
    let app = spawn_app().await;
    let path = "/?industry=healthcare&need=security&want=scalability&lang=python";
    let html = page(&app, path).await;
    let picks: Vec<String> = select(&html, ".ranked h3 a")
        .into_iter()
        .map(text)
        .collect();
    let score: f64 = text_of(&html, ".ranked > li:first-child .total")
        .trim_start_matches("Score ")
        .parse()
        .unwrap();
    let count = text_of(&html, ".result-count").replace(" · ", ", ");

    let tags = preview(&html);
    assert_eq!(
        tags.title,
        format!(
            "{} for a healthcare app — stackatlas",
            picks[..3].join(", ")
        )
    );
    assert_eq!(
        tags.description,
        format!(
            "Top pick {} ({score:.0}/100) for Healthcare · must have Strong security · nice to \
             have Scalability · team knows Python · {count}",
            picks[0]
        )
    );
    assert_eq!(tags.url, app.url(path), "the absolute link to the result");
}

#[tokio::test]
async fn a_result_without_an_industry_or_a_fit_still_says_what_it_is() {
    let app = spawn_app().await;
    let html = page(&app, "/?need=security&need=scalability").await;
    let tags = preview(&html);
    assert!(
        tags.title
            .ends_with(": a backend recommendation — stackatlas"),
        "{tags:?}"
    );
    assert!(tags.description.starts_with("Top pick "), "{tags:?}");

    let html = page(
        &app,
        "/?industry=healthcare&need=offline-sync&need=hipaa&need=real-time-updates&need=low-ops",
    )
    .await;
    assert!(select(&html, ".ranked").is_empty(), "nothing fits");
    let tags = preview(&html);
    assert_eq!(
        tags.title,
        "No framework meets every must-have for a healthcare app — stackatlas"
    );
    let all = seed_document().frameworks.len();
    assert!(
        tags.description
            .ends_with(&format!(" · 0 fit, {all} excluded")),
        "{tags:?}"
    );
}

#[tokio::test]
async fn the_preview_is_cached_with_the_page_for_the_host_it_was_asked_of() {
    let app = spawn_app().await;
    let path = "/?industry=fintech&need=security";
    let first = page(&app, path).await;
    let again = page(&app, path).await;
    assert_eq!(preview(&first).url, app.url(path));
    assert_eq!(preview(&again).url, app.url(path), "the cached copy");
    let port = app.address.rsplit(':').next().unwrap();
    let elsewhere = app
        .client
        .get(app.url(path))
        .header("Host", format!("localhost:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::OK);
    let html = Html::parse_document(&elsewhere.text().await.unwrap());
    assert_eq!(preview(&html).url, format!("http://localhost:{port}{path}"));
    assert_eq!(preview(&page(&app, path).await).url, app.url(path));
}

#[tokio::test]
async fn a_framework_page_previews_its_ring_kind_and_summary() {
    let app = spawn_app().await;
    let framework = app
        .get_json("/api/v1/frameworks/django", StatusCode::OK)
        .await;
    let tags = preview(&page(&app, "/frameworks/django").await);
    assert_eq!(tags.title, "Django — stackatlas");
    assert!(
        tags.description
            .starts_with("Adopt · Full-stack framework. "),
        "{tags:?}"
    );
    let summary = framework["summary"].as_str().unwrap();
    let opening: String = summary.chars().take(60).collect();
    assert!(tags.description.contains(&opening), "{tags:?}");
    assert!(tags.description.chars().count() <= 200, "{tags:?}");
    assert_eq!(tags.url, app.url("/frameworks/django"));
}

#[tokio::test]
async fn compare_and_industry_pages_preview_what_they_hold() {
    let app = spawn_app().await;
    let path = "/compare?f=django&f=laravel&f=nodejs";
    let html = page(&app, path).await;
    let tags = preview(&html);
    assert_eq!(tags.title, "Django vs Laravel vs Node.js — stackatlas");
    let differing = select(&html, ".compare-table tr.differs").len();
    assert!(
        tags.description
            .starts_with("Django, Laravel and Node.js side by side on ")
            && tags
                .description
                .contains(&format!(": {differing} rows differ")),
        "{tags:?}"
    );
    assert_eq!(tags.url, app.url(path));

    let html = page(&app, "/industries/healthcare").await;
    let best: Vec<String> = select(&html, "#best-fits h3 a")
        .into_iter()
        .map(text)
        .collect();
    let tags = preview(&html);
    assert_eq!(tags.title, "Backend frameworks for Healthcare — stackatlas");
    assert!(
        tags.description
            .starts_with(&format!("Best fits: {} (", best[0])),
        "{tags:?}"
    );
    assert_eq!(tags.url, app.url("/industries/healthcare"));
}

#[tokio::test]
async fn a_brief_link_followed_by_a_crawler_previews_as_a_brief_and_nothing_more() {
    let app = spawn_app().await;
    let html = page(&app, "/login?next=/briefs/1").await;
    let tags = preview(&html);
    assert_eq!(tags.title, "A client brief on stackatlas");
    assert_eq!(
        tags.description,
        "A client brief on stackatlas — sign in to read it."
    );
    assert_eq!(tags.url, app.url("/briefs/1"));

    // Any other sign-in is the sign-in page's own preview.
    let tags = preview(&page(&app, "/login?next=/admin").await);
    assert_eq!(tags.title, "Sign in — stackatlas");
    assert_eq!(tags.url, app.url("/login"));
}

#[tokio::test]
async fn every_other_page_has_one_description_and_the_site_preview() {
    let app = spawn_app().await;
    for path in ["/frameworks", "/industries", "/trends", "/how-we-rate"] {
        let html = page(&app, path).await;
        assert_eq!(meta(&html, "og:site_name"), "stackatlas", "{path}");
        assert_eq!(meta(&html, "twitter:card"), "summary", "{path}");
        assert_eq!(meta(&html, "description"), meta(&html, "og:description"));
    }
}
