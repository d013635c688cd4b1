//! Paged answers: the API's lists and recommendations take `limit` and `cursor` and give
//! `next_cursor`; the catalogue page is paged with links that keep its filters.

use reqwest::StatusCode;
use serde_json::Value;
use stackatlas::domain::Role;

use crate::helpers::{
    TestApp, attributes, seed_document, select, spawn_app, spawn_app_with, text_of,
};

/// Every page of `path` (a list answer holding its items under `key`), `limit` to a page,
/// following `next_cursor` until it is null: the items in the order they came and how many
/// pages there were.
async fn walk(app: &TestApp, path: &str, key: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{path}?limit={limit}");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let body = app.get_json(&url, StatusCode::OK).await;
        let page = body[key].as_array().unwrap();
        assert!(page.len() <= limit, "{url}");
        items.extend(page.iter().cloned());
        pages += 1;
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return (items, pages),
        }
        assert!(pages < 1000, "{path} never ends");
    }
}

/// A recommendation page's body as the exports and briefs keep it: without the counts and
/// the cursor that only a page has.
pub fn without_page_fields(page: &mut Value) {
    let fields = page.as_object_mut().unwrap();
    for paged in ["total_results", "total_excluded", "next_cursor"] {
        assert!(fields.remove(paged).is_some(), "{paged}");
    }
}

fn slugs(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_walk_with_limit_and_cursor_returns_every_item_of_every_list_once_in_slug_order() {
    let app = spawn_app().await;
    let seed = seed_document();
    let sorted = |mut slugs: Vec<String>| {
        slugs.sort();
        slugs
    };
    for (path, key, expected) in [
        (
            "/api/v1/frameworks",
            "frameworks",
            sorted(seed.frameworks.iter().map(|f| f.slug.clone()).collect()),
        ),
        (
            "/api/v1/industries",
            "industries",
            sorted(seed.industries.iter().map(|i| i.slug.clone()).collect()),
        ),
        (
            "/api/v1/requirements",
            "requirements",
            sorted(seed.requirements.iter().map(|r| r.slug.clone()).collect()),
        ),
        (
            "/api/v1/languages",
            "languages",
            sorted(seed.languages.iter().map(|l| l.slug.clone()).collect()),
        ),
        (
            "/api/v1/trends",
            "trends",
            sorted(seed.trends.iter().map(|t| t.slug.clone()).collect()),
        ),
    ] {
        let (items, pages) = walk(&app, path, key, 4).await;
        assert_eq!(slugs(&items), expected, "{path}");
        assert_eq!(pages, expected.len().div_ceil(4).max(1), "{path}");
    }
}

#[tokio::test]
async fn a_list_without_limit_gives_fifty_and_the_last_page_has_no_next_cursor() {
    let app = spawn_app().await;
    let seed = seed_document();
    let first = app
        .get_json("/api/v1/frameworks?limit=10", StatusCode::OK)
        .await;
    assert!(first["next_cursor"].is_string());
    let all = app.get_json("/api/v1/frameworks", StatusCode::OK).await;
    assert_eq!(
        all["frameworks"].as_array().unwrap().len(),
        seed.frameworks.len().min(50)
    );
    let exact = app
        .get_json(
            &format!("/api/v1/frameworks?limit={}", seed.frameworks.len()),
            StatusCode::OK,
        )
        .await;
    assert_eq!(exact["next_cursor"], Value::Null);
}

#[tokio::test]
async fn a_bad_limit_or_cursor_is_a_400_naming_it() {
    let app = spawn_app().await;
    let trends = app.get_json("/api/v1/trends?limit=1", StatusCode::OK).await;
    let trend_cursor = trends["next_cursor"].as_str().unwrap().to_owned();
    let other_question = app
        .get_json(
            "/api/v1/recommendations?need=security&limit=1",
            StatusCode::OK,
        )
        .await;
    let other_cursor = other_question["next_cursor"].as_str().unwrap().to_owned();
    for (path, field) in [
        ("/api/v1/frameworks?limit=0", "limit"),
        ("/api/v1/frameworks?limit=201", "limit"),
        ("/api/v1/frameworks?limit=-3", "limit"),
        ("/api/v1/industries?limit=many", "limit"),
        ("/api/v1/languages?limit=1&limit=2", "limit"),
        ("/api/v1/requirements?cursor=%00%01", "cursor"),
        ("/api/v1/frameworks?cursor=django", "cursor"),
        (
            &format!("/api/v1/frameworks?cursor={trend_cursor}"),
            "cursor",
        ),
        ("/api/v1/trends?page=2", "page"),
        ("/api/v1/recommendations?need=security&limit=0", "limit"),
        ("/api/v1/recommendations?need=security&limit=101", "limit"),
        (
            "/api/v1/recommendations?need=security&cursor=r.1.x.y",
            "cursor",
        ),
        (
            &format!("/api/v1/recommendations?need=scalability&cursor={other_cursor}"),
            "cursor",
        ),
    ] {
        let body = app.get_json(path, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"]["code"], "bad_request", "{path}");
        assert_eq!(body["error"]["field"], field, "{path}");
    }
}

#[tokio::test]
async fn a_recommendation_walk_returns_every_result_and_exclusion_once_in_order() {
    let app = spawn_app().await;
    let question = "/api/v1/recommendations?industry=healthcare&need=security&lang=python";
    let whole = app
        .get_json(&format!("{question}&limit=100"), StatusCode::OK)
        .await;
    assert_eq!(whole["next_cursor"], Value::Null);
    let total_results = whole["total_results"].as_u64().unwrap() as usize;
    let total_excluded = whole["total_excluded"].as_u64().unwrap() as usize;
    assert_eq!(whole["results"].as_array().unwrap().len(), total_results);
    assert_eq!(whole["excluded"].as_array().unwrap().len(), total_excluded);
    assert!(total_results > 3 && total_excluded > 3);

    let mut results = Vec::new();
    let mut excluded = Vec::new();
    let mut cursor = None::<String>;
    let mut pages = 0;
    loop {
        let mut url = format!("{question}&limit=3");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page = app.get_json(&url, StatusCode::OK).await;
        pages += 1;
        assert_eq!(page["total_results"], whole["total_results"]);
        assert_eq!(page["close_call"], whole["close_call"]);
        if pages == 1 {
            assert_eq!(page["sensitivity"], whole["sensitivity"]);
            assert_eq!(page["stability"], whole["stability"]);
        }
        results.extend(page["results"].as_array().unwrap().iter().cloned());
        excluded.extend(page["excluded"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, total_results.max(total_excluded).div_ceil(3));
    // The same results, explained alike, ranked 1, 2, 3… across pages.
    assert_eq!(
        &results[..],
        whole["results"].as_array().unwrap().as_slice()
    );
    assert_eq!(
        &excluded[..],
        whole["excluded"].as_array().unwrap().as_slice()
    );
    let ranks: Vec<u64> = results
        .iter()
        .map(|r| r["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, (1..=total_results as u64).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_edit_between_pages_of_a_list_is_visible_on_the_next_page() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let first = app
        .get_json("/api/v1/frameworks?limit=5", StatusCode::OK)
        .await;
    assert!(!slugs(first["frameworks"].as_array().unwrap()).contains(&"django".to_owned()));
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();

    let summary = "Batteries-included Python web framework, re-read for paging.";
    let saved = app
        .save_framework(&editor, "django", &[("summary", summary)])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    // The walk goes on from its cursor and finds the edit on the page that holds Django.
    let mut cursor = Some(cursor);
    let mut found = None;
    while let Some(at) = cursor {
        let page = app
            .get_json(
                &format!("/api/v1/frameworks?limit=5&cursor={at}"),
                StatusCode::OK,
            )
            .await;
        if let Some(django) = page["frameworks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["slug"] == "django")
        {
            found = Some(django["summary"].clone());
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(found, Some(Value::from(summary)));
}

#[tokio::test]
async fn a_recommendation_cursor_from_before_a_knowledge_change_is_refused_with_409() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let question = "/api/v1/recommendations?need=security&limit=2";
    let first = app.get_json(question, StatusCode::OK).await;
    let leader = first["results"][0]["slug"].as_str().unwrap().to_owned();
    let total = first["total_results"].as_u64().unwrap();
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();

    // The leader drops below the must-have: the ranking every cursor counted on is gone.
    let saved = app
        .save_framework(&editor, &leader, &[("req.security.strength", "1")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let refused = app
        .get_json(&format!("{question}&cursor={cursor}"), StatusCode::CONFLICT)
        .await;
    assert_eq!(refused["error"]["code"], "conflict");
    assert_eq!(refused["error"]["field"], "cursor");

    // Asked again from the start, the very next answer ranks the changed knowledge.
    let again = app.get_json(question, StatusCode::OK).await;
    assert_eq!(again["total_results"].as_u64().unwrap(), total - 1);
    assert_ne!(again["results"][0]["slug"], leader.as_str());
}

#[tokio::test]
async fn the_openapi_document_lists_limit_and_cursor_and_next_cursor_for_every_paged_answer() {
    let app = spawn_app().await;
    let doc = app.get_json("/api/openapi.json", StatusCode::OK).await;
    for (path, schema) in [
        ("/api/v1/frameworks", "FrameworkList"),
        ("/api/v1/industries", "IndustryList"),
        ("/api/v1/requirements", "RequirementList"),
        ("/api/v1/languages", "LanguageList"),
        ("/api/v1/trends", "TrendList"),
        ("/api/v1/briefs", "BriefList"),
        ("/api/v1/recommendations", "RecommendationsPage"),
    ] {
        let names: Vec<&str> = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"limit") && names.contains(&"cursor"),
            "{path}: {names:?}"
        );
        let limit = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .unwrap();
        assert_eq!(limit["schema"]["minimum"], 1, "{path}");
        // A flattened body is an `allOf` of its parts.
        let described = &doc["components"]["schemas"][schema];
        let parts = described["allOf"].as_array().cloned().unwrap_or_default();
        assert!(
            std::iter::once(described)
                .chain(&parts)
                .any(|part| part["properties"]["next_cursor"].is_object()),
            "{schema}"
        );
        assert!(
            doc["paths"][path]["get"]["responses"]["400"].is_object(),
            "{path}"
        );
    }
    assert!(doc["paths"]["/api/v1/recommendations"]["get"]["responses"]["409"].is_object());
}

/// The seeded knowledge with `copies` more Python frameworks, copies of Django: enough for
/// the catalogue to need several pages.
async fn spawn_app_with_copies(copies: usize) -> TestApp {
    let mut document = seed_document();
    let django = document
        .frameworks
        .iter()
        .find(|f| f.slug == "django")
        .unwrap()
        .clone();
    for n in 1..=copies {
        let mut copy = django.clone();
        copy.slug = format!("django-copy-{n:03}");
        copy.name = format!("Django copy {n:03}");
        document.frameworks.push(copy);
    }
    spawn_app_with(Some(document)).await
}

#[tokio::test]
async fn the_catalogue_pages_fifty_at_a_time_and_its_links_walk_every_match_once_keeping_the_filters()
 {
    let app = spawn_app_with_copies(100).await;
    let python = app
        .get_json("/api/v1/languages?limit=200", StatusCode::OK)
        .await["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["slug"] == "python")
        .unwrap()["frameworks"]
        .as_u64()
        .unwrap() as usize;
    assert!(python > 100);
    let pages = python.div_ceil(50);

    let mut seen = Vec::new();
    let mut path = "/frameworks?language=python&sort=newest".to_owned();
    for number in 1..=pages {
        let html = app.get_html(&path, StatusCode::OK).await;
        let shown = attributes(&html, ".framework-item h2 a", "href");
        assert!(shown.len() <= 50 && !shown.is_empty(), "{path}");
        seen.extend(shown);
        assert_eq!(
            text_of(&html, ".result-count"),
            format!("{python} frameworks · page {number} of {pages}")
        );
        // The filter form still shows what was chosen.
        assert_eq!(
            attributes(&html, "#language option[selected]", "value"),
            ["python"]
        );
        let next = attributes(&html, "nav.pager a[rel=next]", "href");
        if number < pages {
            assert_eq!(next.len(), 1, "{path}");
            assert!(
                next[0].contains("language=python") && next[0].contains("sort=newest"),
                "{}",
                next[0]
            );
            path = next[0].clone();
        } else {
            assert!(next.is_empty(), "the last page links to no next");
            assert_eq!(attributes(&html, "nav.pager a[rel=prev]", "href").len(), 1);
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no framework shown twice");
    assert_eq!(seen.len(), python, "every match shown");
}

#[tokio::test]
async fn a_catalogue_page_that_is_not_a_number_is_a_field_error_and_one_past_the_end_shows_the_last()
 {
    let app = spawn_app_with_copies(60).await;
    let refused = app
        .get_html("/frameworks?page=two", StatusCode::BAD_REQUEST)
        .await;
    assert!(text_of(&refused, "#filter-errors").contains("page"));
    let past = app.get_html("/frameworks?page=99", StatusCode::OK).await;
    assert!(text_of(&past, ".result-count").ends_with("page 3 of 3"));
    assert!(!select(&past, ".framework-item").is_empty());
}

#[tokio::test]
async fn an_edit_is_visible_on_the_next_request_of_the_catalogue_page_that_lists_it() {
    let app = spawn_app_with_copies(60).await;
    let editor = app.signed_in_as(Role::Editor).await;
    // By name, the copies of Django fill the first pages; the last holds the latest names.
    let path = "/frameworks?sort=name&page=3";
    let before = app.get_html(path, StatusCode::OK).await;
    let listed = attributes(&before, ".framework-item h2 a", "href");
    let slug = listed[0].trim_start_matches("/frameworks/").to_owned();

    let summary = "Rewritten while someone reads the third page.";
    let saved = app
        .save_framework(&editor, &slug, &[("summary", summary)])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let after = app.get_html(path, StatusCode::OK).await;
    let item = select(&after, ".framework-item")
        .into_iter()
        .find(|item| {
            item.select(&crate::helpers::selector("h2 a"))
                .any(|a| a.value().attr("href") == Some(listed[0].as_str()))
        })
        .unwrap();
    assert!(crate::helpers::text(item).contains(summary));
}
