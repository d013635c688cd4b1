//! The JSON API under `/api/v1` and its OpenAPI description.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{seed_document, spawn_app};

#[tokio::test]
async fn every_collection_lists_the_seeded_knowledge() {
    let app = spawn_app().await;
    let seed = seed_document();
    for (path, key, expected) in [
        ("/api/v1/frameworks", "frameworks", seed.frameworks.len()),
        ("/api/v1/industries", "industries", seed.industries.len()),
        (
            "/api/v1/requirements",
            "requirements",
            seed.requirements.len(),
        ),
        ("/api/v1/languages", "languages", seed.languages.len()),
        ("/api/v1/trends", "trends", seed.trends.len()),
    ] {
        // The seeded knowledge fits on one page of the most a page holds.
        let body = app
            .get_json(&format!("{path}?limit=200"), StatusCode::OK)
            .await;
        let items = body[key].as_array().unwrap();
        assert_eq!(items.len(), expected, "{path}");
        assert!(items.iter().all(|i| i["slug"].is_string()), "{path}");
        assert!(body["next_cursor"].is_null(), "{path}");
    }
}

#[tokio::test]
async fn a_framework_comes_with_every_link() {
    let app = spawn_app().await;
    let seed = seed_document();
    let body = app
        .get_json("/api/v1/frameworks/django", StatusCode::OK)
        .await;
    assert_eq!(body["slug"], "django");
    assert_eq!(body["language"], "python");
    assert_eq!(
        body["requirements"].as_array().unwrap().len(),
        seed.requirements.len()
    );
    assert_eq!(
        body["industries"].as_array().unwrap().len(),
        seed.industries.len()
    );
    let security = body["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["requirement"] == "security")
        .unwrap();
    assert_eq!(security["strength"], 5);
    assert!(!security["note"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn errors_have_the_json_shape_with_the_offending_field() {
    let app = spawn_app().await;
    let body = app
        .get_json(
            "/api/v1/recommendations?need=teleportation",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(body["error"]["code"], "bad_request");
    assert_eq!(body["error"]["field"], "need");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("teleportation")
    );

    let missing = app
        .get_json("/api/v1/frameworks/unicorn", StatusCode::NOT_FOUND)
        .await;
    assert_eq!(missing["error"]["code"], "not_found");
    let nowhere = app
        .get_json("/api/v2/anything", StatusCode::NOT_FOUND)
        .await;
    assert_eq!(nowhere["error"]["code"], "not_found");
}

#[tokio::test]
async fn recommendations_carry_scores_breakdowns_and_exclusions() {
    let app = spawn_app().await;
    let body = app
        .get_json(
            "/api/v1/recommendations?industry=healthcare&need=security&want=real-time-updates&lang=python",
            StatusCode::OK,
        )
        .await;
    assert_eq!(body["query"]["need"], serde_json::json!(["security"]));
    let results = body["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let points: f64 = r["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["points"].as_f64().unwrap())
            .sum();
        let score = r["score"].as_f64().unwrap();
        assert!((points - score).abs() < 0.5, "{points} vs {score}");
    }
    let excluded = body["excluded"].as_array().unwrap();
    for e in excluded {
        assert_eq!(e["reasons"][0]["reason"], "must-have");
        assert_eq!(e["reasons"][0]["requirement"], "security");
    }
}

#[tokio::test]
async fn the_api_ranks_exactly_as_the_page_does() {
    let app = spawn_app().await;
    let query = "industry=fintech&need=security&want=high-performance&lang=java";
    let body = app
        .get_json(&format!("/api/v1/recommendations?{query}"), StatusCode::OK)
        .await;
    let api: Vec<String> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].as_str().unwrap().to_owned())
        .collect();
    let html = app
        .get_html(&format!("/?{query}"), reqwest::StatusCode::OK)
        .await;
    let page = crate::helpers::result_slugs(&html);
    assert_eq!(api, page);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let doc: Value = app.get_json("/api/openapi.json", StatusCode::OK).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/frameworks",
        "/api/v1/frameworks/{slug}",
        "/api/v1/industries",
        "/api/v1/requirements",
        "/api/v1/languages",
        "/api/v1/trends",
        "/api/v1/recommendations",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
    let params: Vec<&str> = paths["/api/v1/recommendations"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        [
            "industry", "need", "want", "lang", "use", "q", "limit", "cursor"
        ]
    );
}
