//! The reading pages: the framework catalogue and pages, industries, trends.

use reqwest::StatusCode;
use stackatlas::knowledge::document::FrameworkRecord;

use crate::helpers::{attributes, seed_document, select, spawn_app, text, text_of};

#[tokio::test]
async fn the_catalogue_lists_every_framework_by_name() {
    let app = spawn_app().await;
    let html = app.get_html("/frameworks", StatusCode::OK).await;
    let names: Vec<String> = select(&html, ".framework-item h2 a")
        .into_iter()
        .map(text)
        .collect();
    let mut expected: Vec<String> = seed_document()
        .frameworks
        .into_iter()
        .map(|f| f.name)
        .collect();
    expected.sort_by_key(|name| name.to_lowercase());
    assert_eq!(names, expected);
    assert_eq!(
        text_of(&html, ".result-count"),
        format!("{} frameworks", expected.len())
    );
}

#[tokio::test]
async fn filtering_by_language_kind_and_ring_keeps_only_matching_frameworks() {
    let app = spawn_app().await;
    let seed = seed_document();
    type Keep = fn(&FrameworkRecord) -> bool;
    // A language matches what a framework is written in or what teams write on it: a Swift
    // team finds Vapor and the platforms with Swift SDKs alike.
    fn uses(f: &FrameworkRecord, language: &str) -> bool {
        f.language == language || f.languages.iter().any(|l| l == language)
    }
    let cases: [(&str, Keep); 4] = [
        ("language=python", |f| uses(f, "python")),
        ("language=swift", |f| uses(f, "swift")),
        ("kind=baas", |f| f.kind == "baas"),
        ("ring=adopt&language=javascript", |f| {
            f.ring == "adopt" && uses(f, "javascript")
        }),
    ];
    for (query, keep) in cases {
        let html = app
            .get_html(&format!("/frameworks?{query}"), StatusCode::OK)
            .await;
        let mut shown = attributes(&html, ".framework-item h2 a", "href");
        shown.sort();
        let expected: Vec<String> = seed
            .frameworks
            .iter()
            .filter(|f| keep(f))
            .map(|f| format!("/frameworks/{}", f.slug))
            .collect();
        assert!(
            !expected.is_empty(),
            "{query} should match some seeded framework"
        );
        assert_eq!(shown, expected, "{query}");
    }
}

#[tokio::test]
async fn the_chosen_filters_stay_selected_in_the_form() {
    let app = spawn_app().await;
    let html = app
        .get_html(
            "/frameworks?language=python&kind=micro&ring=adopt&sort=newest&q=api",
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        attributes(&html, "#language option[selected]", "value"),
        ["python"]
    );
    assert_eq!(
        attributes(&html, "#kind option[selected]", "value"),
        ["micro"]
    );
    assert_eq!(
        attributes(&html, "#ring option[selected]", "value"),
        ["adopt"]
    );
    assert_eq!(
        attributes(&html, "#sort option[selected]", "value"),
        ["newest"]
    );
    assert_eq!(attributes(&html, "#q", "value"), ["api"]);
}

#[tokio::test]
async fn full_text_search_finds_frameworks_by_name_feature_and_use_case_prefix() {
    let app = spawn_app().await;
    // By name.
    let html = app.get_html("/frameworks?q=django", StatusCode::OK).await;
    assert_eq!(
        attributes(&html, ".framework-item h2 a", "href")
            .first()
            .map(String::as_str),
        Some("/frameworks/django")
    );
    // By a use case's words, as a prefix: "ride-shar" reaches "Ride-sharing app".
    let html = app
        .get_html("/frameworks?q=ride-shar", StatusCode::OK)
        .await;
    let found = attributes(&html, ".framework-item h2 a", "href");
    let linked: Vec<String> = seed_document()
        .frameworks
        .iter()
        .filter(|f| f.use_cases.iter().any(|u| u == "ride-sharing"))
        .map(|f| format!("/frameworks/{}", f.slug))
        .collect();
    assert!(!linked.is_empty());
    for href in &linked {
        assert!(found.contains(href), "{href} in {found:?}");
    }
    // By a feature's name.
    let html = app
        .get_html("/frameworks?q=coroutines", StatusCode::OK)
        .await;
    let found = attributes(&html, ".framework-item h2 a", "href");
    assert!(found.contains(&"/frameworks/ktor".to_owned()), "{found:?}");
}

#[tokio::test]
async fn search_text_with_fts_syntax_never_errors() {
    let app = spawn_app().await;
    for q in [
        "\"",
        "*",
        "NEAR(",
        "a AND OR NOT",
        "name:django",
        "(((",
        "'; DROP TABLE frameworks; --",
        "^~-",
    ] {
        let html = app
            .get_html(&format!("/frameworks?q={}", urlencode(q)), StatusCode::OK)
            .await;
        assert_eq!(select(&html, ".alert.error").len(), 0, "{q}");
    }
    // The frameworks table is still there.
    let html = app.get_html("/frameworks", StatusCode::OK).await;
    assert_eq!(
        select(&html, ".framework-item").len(),
        seed_document().frameworks.len()
    );
}

#[tokio::test]
async fn a_search_without_matches_says_so_and_offers_a_way_back() {
    let app = spawn_app().await;
    let html = app.get_html("/frameworks?q=zzyzxqwv", StatusCode::OK).await;
    assert_eq!(select(&html, ".framework-item").len(), 0);
    assert_eq!(attributes(&html, ".empty a", "href"), ["/frameworks"]);
}

#[tokio::test]
async fn sorting_newest_first_follows_first_release_years() {
    let app = spawn_app().await;
    let html = app
        .get_html("/frameworks?sort=newest", StatusCode::OK)
        .await;
    let shown = attributes(&html, ".framework-item h2 a", "href");
    let seed = seed_document();
    let years: Vec<i64> = shown
        .iter()
        .map(|href| {
            let slug = href.trim_start_matches("/frameworks/");
            seed.frameworks
                .iter()
                .find(|f| f.slug == slug)
                .unwrap()
                .first_release
                .unwrap()
        })
        .collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]), "{years:?}");
}

#[tokio::test]
async fn bad_filter_values_are_refused_with_400_naming_each_field() {
    let app = spawn_app().await;
    let html = app
        .get_html(
            "/frameworks?language=cobol&kind=mainframe&ring=never&sort=random",
            StatusCode::BAD_REQUEST,
        )
        .await;
    let fields: Vec<String> = select(&html, ".alert.error li strong")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(fields, ["language", "kind", "ring", "sort"]);
    // The form is still there to correct them.
    assert_eq!(select(&html, "form.filters").len(), 1);
}

#[tokio::test]
async fn a_framework_page_shows_every_fact_with_bars_and_notes() {
    let app = spawn_app().await;
    let seed = seed_document();
    let django = seed.frameworks.iter().find(|f| f.slug == "django").unwrap();
    let html = app.get_html("/frameworks/django", StatusCode::OK).await;
    assert_eq!(text_of(&html, "h1"), "Django");
    assert_eq!(text_of(&html, ".lead"), django.summary);

    let facts: Vec<String> = select(&html, ".facts dt").into_iter().map(text).collect();
    assert_eq!(
        facts,
        [
            "Written in",
            "Teams write",
            "Kind",
            "Radar ring",
            "License",
            "First release",
            "Website",
            "Last reviewed"
        ]
    );
    assert_eq!(
        attributes(&html, ".facts time", "datetime"),
        [django.last_reviewed.clone().unwrap()]
    );

    // One row per requirement, with the stored strength drawn as a bar and the note beside it.
    let rows = select(&html, "tr[data-requirement]");
    assert_eq!(rows.len(), seed.requirements.len());
    for link in &django.requirements {
        let row = html
            .select(&crate::helpers::selector(&format!(
                "tr[data-requirement=\"{}\"]",
                link.requirement
            )))
            .next()
            .unwrap();
        assert_eq!(
            row.value().attr("data-strength"),
            Some(link.strength.to_string().as_str())
        );
        let bar = row
            .select(&crate::helpers::selector(".bar"))
            .next()
            .unwrap();
        assert!(
            bar.value()
                .attr("aria-label")
                .unwrap()
                .starts_with(&format!("{} out of 5", link.strength))
        );
        let note = row
            .select(&crate::helpers::selector(".note"))
            .next()
            .unwrap();
        assert!(text(note).starts_with(&link.note), "{}", text(note));
        // Each source the rating cites is a link beside its note.
        let cited: Vec<&str> = note
            .select(&crate::helpers::selector("a.source-link"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert_eq!(cited, link.sources, "{}", link.requirement);
    }
    // The sources the entry rests on are listed with the day each was checked.
    let listed = attributes(&html, ".sources a", "href");
    let expected: Vec<&str> = django.sources.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(listed, expected);
    assert!(django.sources.len() >= 3);

    // One row per industry, best fit first.
    let fits: Vec<u8> = attributes(&html, "tr[data-industry]", "data-fit")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(fits.len(), seed.industries.len());
    assert!(fits.windows(2).all(|w| w[0] >= w[1]), "{fits:?}");

    let mut use_cases = attributes(&html, "[data-use-case]", "data-use-case");
    use_cases.sort();
    assert_eq!(use_cases, django.use_cases);
    let mut features = attributes(&html, "[data-feature]", "data-feature");
    features.sort();
    assert_eq!(features, django.features);
    let mut trends = attributes(&html, "[data-trend]", "data-trend");
    trends.sort();
    assert_eq!(trends, django.trends);
    // The Markdown description is rendered, not shown as source.
    assert!(!select(&html, ".prose p").is_empty());
    assert!(!text_of(&html, ".prose").contains("**"));
}

#[tokio::test]
async fn an_unknown_framework_is_a_404_page_in_the_layout() {
    let app = spawn_app().await;
    let html = app
        .get_html("/frameworks/cobol-on-cogs", StatusCode::NOT_FOUND)
        .await;
    assert_eq!(text_of(&html, "h1"), "Page not found");
    assert_eq!(select(&html, "header.site-header nav a").len(), 5);
    let html = app.get_html("/no/such/page", StatusCode::NOT_FOUND).await;
    assert_eq!(text_of(&html, ".error-status"), "404");
}

#[tokio::test]
async fn an_industry_page_ranks_frameworks_by_fit_with_their_notes() {
    let app = spawn_app().await;
    let seed = seed_document();
    let html = app.get_html("/industries/ecommerce", StatusCode::OK).await;
    assert_eq!(text_of(&html, "h1"), "E-commerce");
    let best = attributes(&html, "#best-fits [data-framework]", "data-framework");
    assert!(best.contains(&"django".to_owned()), "{best:?}");
    let fits: Vec<u8> = attributes(&html, "#best-fits [data-fit]", "data-fit")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(fits.iter().all(|f| *f >= 4), "{fits:?}");
    assert!(fits.windows(2).all(|w| w[0] >= w[1]), "{fits:?}");
    let django_fit = seed
        .frameworks
        .iter()
        .find(|f| f.slug == "django")
        .unwrap()
        .industries
        .iter()
        .find(|i| i.industry == "ecommerce")
        .unwrap();
    let django_note = &django_fit.note;
    // Each fit links the sources it cites beside its note.
    assert_eq!(
        attributes(
            &html,
            "#best-fits [data-framework=django] a.source-link",
            "href"
        ),
        django_fit.sources
    );
    assert!(!django_fit.sources.is_empty());
    assert!(
        text_of(&html, "#best-fits [data-framework=django] .note")
            .starts_with(django_note.as_str())
    );
    // Every framework appears once, in the best list or the others.
    let others = attributes(&html, "tr[data-framework]", "data-framework");
    assert_eq!(best.len() + others.len(), seed.frameworks.len());
    // The industry's use cases are listed.
    let use_cases = attributes(&html, "[id^=use-case-]", "id");
    let expected = seed
        .use_cases
        .iter()
        .filter(|u| u.industry == "ecommerce")
        .count();
    assert_eq!(use_cases.len(), expected);
}

#[tokio::test]
async fn the_industries_page_links_every_industry() {
    let app = spawn_app().await;
    let html = app.get_html("/industries", StatusCode::OK).await;
    assert_eq!(
        select(&html, ".card h2 a").len(),
        seed_document().industries.len()
    );
    app.get_html(
        "/industries/underwater-basket-weaving",
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn the_trends_page_shows_every_trend_and_every_framework_on_the_radar() {
    let app = spawn_app().await;
    let seed = seed_document();
    let html = app.get_html("/trends", StatusCode::OK).await;
    assert_eq!(select(&html, "[data-trend]").len(), seed.trends.len());
    let on_radar = select(&html, ".radar-table td a");
    assert_eq!(on_radar.len(), seed.frameworks.len());
    assert_eq!(select(&html, ".radar-table tbody tr").len(), 4);
    // Each trend lists the frameworks that follow it.
    let serverless = seed
        .frameworks
        .iter()
        .filter(|f| f.trends.iter().any(|t| t == "serverless"))
        .count();
    assert_eq!(
        select(&html, "#trend-serverless .chips a").len(),
        serverless
    );
}

#[tokio::test]
async fn the_stylesheet_is_cached_and_revalidated() {
    let app = spawn_app().await;
    let response = app.get("/static/style.css").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let etag = response.headers()["etag"].clone();
    let again = app
        .client
        .get(format!("{}/static/style.css", app.address))
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        app.get("/static/secrets.txt").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = spawn_app().await;
    let response = app.get("/frameworks").await;
    let headers = response.headers();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn the_health_check_reports_the_database() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn the_trends_page_draws_the_radar_with_a_labelled_link_per_framework() {
    let app = spawn_app().await;
    let html = app.get_html("/trends", StatusCode::OK).await;
    let seed = seed_document();
    let links = attributes(&html, "svg.radar a.blip", "href");
    assert_eq!(links.len(), seed.frameworks.len());
    let labels = attributes(&html, "svg.radar a.blip", "aria-label");
    assert!(
        labels
            .iter()
            .any(|l| l == "Django: Full-stack framework, Adopt"),
        "{labels:?}"
    );
    assert_eq!(select(&html, "svg.radar circle.ring-band").len(), 4);
    assert_eq!(
        text_of(&html, "svg.radar title"),
        "Technology radar of backend frameworks"
    );
}

#[tokio::test]
async fn a_framework_page_draws_its_strength_profile() {
    let app = spawn_app().await;
    let html = app.get_html("/frameworks/django", StatusCode::OK).await;
    let bars = select(&html, "svg.profile-chart g");
    assert_eq!(bars.len(), seed_document().requirements.len());
    let titles: Vec<String> = select(&html, "svg.profile-chart g title")
        .into_iter()
        .map(text)
        .collect();
    assert!(
        titles.contains(&"Strong security: 5 of 5".to_owned()),
        "{titles:?}"
    );
}
