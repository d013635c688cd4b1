//! How firm the first place is: the smallest single change that puts the runner-up first, and
//! each weight's stability interval, on the query page, in the API and in the exports.

use reqwest::StatusCode;
use serde_json::Value;
use stackatlas::domain::Role;

use crate::helpers::{TestApp, edit_form, select, spawn_app, text, text_of};

/// Django first, Supabase second on the seed, tied on score: Django wins on the name.
const CLOSE_QUERY: &str = "industry=healthcare&need=security&want=scalability&lang=python";

/// Spring Boot far ahead of Quarkus: nothing single moves it.
const FIRM_QUERY: &str = "industry=fintech&need=security&lang=java";

async fn answer(app: &TestApp, query: &str) -> Value {
    app.get_json(&format!("/api/v1/recommendations?{query}"), StatusCode::OK)
        .await
}

fn slug_at(body: &Value, index: usize) -> &str {
    body["results"][index]["slug"].as_str().unwrap()
}

/// Stamps one rating (`requirement` or `industry` of a framework) as reviewed on `day`.
async fn review_rating_on(
    app: &TestApp,
    framework: &str,
    criterion: &str,
    subject: &str,
    day: &str,
) {
    let query = if criterion == "industry" {
        "UPDATE framework_industries SET reviewed = ?3
         WHERE framework_id = (SELECT id FROM frameworks WHERE slug = ?1)
           AND industry_id = (SELECT id FROM industries WHERE slug = ?2)"
    } else {
        "UPDATE framework_requirements SET reviewed = ?3
         WHERE framework_id = (SELECT id FROM frameworks WHERE slug = ?1)
           AND requirement_id = (SELECT id FROM requirements WHERE slug = ?2)"
    };
    let done = sqlx::query(query)
        .bind(framework)
        .bind(subject)
        .bind(day)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1, "{framework} rates {subject}");
}

fn days_ago(days: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test]
async fn the_reported_rating_change_made_by_an_editor_puts_the_runner_up_first() {
    let app = spawn_app().await;
    let before = answer(&app, CLOSE_QUERY).await;
    let sensitivity = &before["sensitivity"];
    assert_eq!(sensitivity["winner"], slug_at(&before, 0));
    assert_eq!(sensitivity["runner_up"], slug_at(&before, 1));
    let change = &sensitivity["change"];
    assert_eq!(change["kind"], "rating", "{sensitivity}");
    let framework = change["framework"].as_str().unwrap();
    let subject = change["subject"].as_str().unwrap();
    let to = change["to"].as_u64().unwrap();
    assert_eq!(
        change["from"].as_u64().unwrap().abs_diff(to),
        1,
        "one point"
    );
    assert!(
        sensitivity["description"]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "{} would be first if ",
                sensitivity["runner_up_name"].as_str().unwrap()
            ))
    );

    // An editor makes exactly that change through the edit form.
    let editor = app.signed_in_as(Role::Editor).await;
    let field = match change["criterion"].as_str().unwrap() {
        "industry" => format!("ind.{subject}.fit"),
        _ => format!("req.{subject}.strength"),
    };
    let form = edit_form(&editor, &app, framework).await;
    assert!(form.iter().any(|(name, _)| *name == field), "{field}");
    let response = app
        .save_framework(&editor, framework, &[(&field, &to.to_string())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let after = answer(&app, CLOSE_QUERY).await;
    assert_eq!(slug_at(&after, 0), sensitivity["runner_up"]);
}

/// The first framework when `kind`'s weight is `numerator / denominator`, every other as it
/// is, by the engine's order (sum, ring, name, slug), from the breakdown the API gives.
fn first_with_weight(body: &Value, kind: &str, numerator: u64, denominator: u64) -> String {
    let ring_order = |ring: &str| {
        ["adopt", "trial", "assess", "hold"]
            .iter()
            .position(|r| *r == ring)
    };
    let results = body["results"].as_array().unwrap();
    let key = |r: &Value| {
        let criteria = r["criteria"].as_array().unwrap();
        let raw: u64 = criteria
            .iter()
            .map(|c| {
                let weight = if c["kind"] == kind {
                    numerator
                } else {
                    c["weight"].as_u64().unwrap() * denominator
                };
                c["rating"].as_u64().unwrap() * weight
            })
            .sum();
        let ring = criteria
            .iter()
            .find(|c| c["kind"] == "maturity")
            .map(|c| ring_order(c["subject"].as_str().unwrap()))
            .unwrap();
        (
            std::cmp::Reverse(raw),
            ring,
            r["name"].as_str().unwrap().to_lowercase(),
            r["slug"].as_str().unwrap().to_owned(),
        )
    };
    let first = results.iter().min_by_key(|r| key(r)).unwrap();
    first["slug"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn each_weights_stability_interval_agrees_with_the_breakdown() {
    let app = spawn_app().await;
    for query in [
        CLOSE_QUERY,
        FIRM_QUERY,
        "industry=ecommerce&want=scalability&lang=php",
    ] {
        let body = answer(&app, query).await;
        let winner = slug_at(&body, 0).to_owned();
        let winner_name = body["results"][0]["name"].as_str().unwrap();
        let stability = body["stability"].as_array().unwrap();
        let kinds: Vec<&str> = stability
            .iter()
            .map(|i| i["kind"].as_str().unwrap())
            .collect();
        let criteria: Vec<&str> = body["results"][0]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["kind"].as_str().unwrap())
            .collect();
        let mut distinct = criteria.clone();
        distinct.dedup();
        assert_eq!(
            kinds, distinct,
            "one interval per kind of criterion, {query}"
        );
        for interval in stability {
            let kind = interval["kind"].as_str().unwrap();
            let weight = interval["weight"].as_u64().unwrap();
            assert_eq!(first_with_weight(&body, kind, weight, 1), winner);
            assert!(
                interval["description"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{winner_name} stays first")),
                "{interval}"
            );
            let end = |bound: &Value| {
                let (n, d) = (
                    bound["numerator"].as_u64().unwrap(),
                    bound["denominator"].as_u64().unwrap(),
                );
                assert_eq!(bound["value"].as_f64().unwrap(), n as f64 / d as f64);
                (n, d, bound["inclusive"].as_bool().unwrap())
            };
            let (n, d, inclusive) = end(&interval["lower"]);
            assert_eq!(
                first_with_weight(&body, kind, n, d) == winner,
                inclusive,
                "{query} {interval}"
            );
            if n > 0 {
                assert_ne!(
                    first_with_weight(&body, kind, n, 2 * d),
                    winner,
                    "{query} {interval}"
                );
            }
            if !interval["upper"].is_null() {
                let (n, d, inclusive) = end(&interval["upper"]);
                assert_eq!(
                    first_with_weight(&body, kind, n, d) == winner,
                    inclusive,
                    "{query} {interval}"
                );
                assert_ne!(
                    first_with_weight(&body, kind, n + d, d),
                    winner,
                    "{query} {interval}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_query_page_says_what_would_change_the_first_place_beside_the_close_call() {
    let app = spawn_app().await;
    let body = answer(&app, CLOSE_QUERY).await;
    let html = app
        .get_html(&format!("/?{CLOSE_QUERY}"), StatusCode::OK)
        .await;
    let section = select(&html, ".results .firmness");
    assert_eq!(section.len(), 1);
    assert!(
        !section[0].value().classes().any(|c| c == "no-print"),
        "the printed summary keeps it"
    );
    assert_eq!(
        text_of(&html, ".firmness h3"),
        "How firm is the first place?"
    );
    let flip = text_of(&html, ".firmness .flip");
    let description = body["sensitivity"]["description"].as_str().unwrap();
    assert!(flip.starts_with(&format!("{description}.")), "{flip}");
    // Beside the close call: right after it, before the ranked list.
    let order: Vec<String> = select(
        &html,
        ".results > .alert.warn, .results > .firmness, .results > form",
    )
    .into_iter()
    .map(|e| e.value().attr("class").unwrap_or("").to_owned())
    .collect();
    assert_eq!(
        order[..2],
        ["alert warn".to_owned(), "firmness".to_owned()],
        "{order:?}"
    );
    let intervals: Vec<String> = select(&html, ".firmness .stability li")
        .into_iter()
        .map(text)
        .collect();
    let stability = body["stability"].as_array().unwrap();
    assert_eq!(intervals.len(), stability.len());
    for (line, interval) in intervals.iter().zip(stability) {
        assert_eq!(
            *line,
            format!(
                "{} (weight {}): {}",
                interval["label"].as_str().unwrap(),
                interval["weight"],
                interval["description"].as_str().unwrap()
            )
        );
    }
}

#[tokio::test]
async fn when_no_single_change_flips_it_the_answer_says_so() {
    let app = spawn_app().await;
    let body = answer(&app, FIRM_QUERY).await;
    assert!(body["results"].as_array().unwrap().len() >= 2);
    assert!(body["sensitivity"].is_null(), "{}", body["sensitivity"]);
    assert!(!body["stability"].as_array().unwrap().is_empty());
    let html = app
        .get_html(&format!("/?{FIRM_QUERY}"), StatusCode::OK)
        .await;
    let runner_up = body["results"][1]["name"].as_str().unwrap();
    assert!(
        text_of(&html, ".firmness .flip")
            .starts_with(&format!("No single change puts {runner_up} first")),
    );
}

#[tokio::test]
async fn a_query_with_one_result_has_no_firmness() {
    let app = spawn_app().await;
    let body = answer(&app, "q=django").await;
    assert_eq!(body["results"].as_array().unwrap().len(), 1);
    assert!(body["sensitivity"].is_null());
    assert_eq!(body["stability"], serde_json::json!([]));
    let html = app.get_html("/?q=django", StatusCode::OK).await;
    assert!(select(&html, ".firmness").is_empty());
}

#[tokio::test]
async fn advice_hinging_on_a_rating_overdue_for_review_is_fragile_and_links_to_it() {
    let app = spawn_app().await;
    let change = answer(&app, CLOSE_QUERY).await["sensitivity"]["change"].clone();
    let framework = change["framework"].as_str().unwrap().to_owned();
    let criterion = change["criterion"].as_str().unwrap().to_owned();
    let subject = change["subject"].as_str().unwrap().to_owned();

    review_rating_on(&app, &framework, &criterion, &subject, &days_ago(10)).await;
    let fresh = answer(&app, CLOSE_QUERY).await;
    assert_eq!(fresh["sensitivity"]["fragile"], false);
    assert_eq!(
        fresh["sensitivity"]["fragile_reasons"],
        serde_json::json!([])
    );
    let html = app
        .get_html(&format!("/?{CLOSE_QUERY}"), StatusCode::OK)
        .await;
    assert!(select(&html, ".firmness .fragile").is_empty());

    // The rating's own date counts, however recently its framework was reviewed as a whole.
    sqlx::query("UPDATE frameworks SET last_reviewed = ?2 WHERE slug = ?1")
        .bind(&framework)
        .bind(days_ago(1))
        .execute(&app.pool)
        .await
        .unwrap();
    let old = days_ago(400);
    review_rating_on(&app, &framework, &criterion, &subject, &old).await;
    let stale = answer(&app, CLOSE_QUERY).await;
    let sensitivity = &stale["sensitivity"];
    assert_eq!(sensitivity["fragile"], true);
    assert_eq!(sensitivity["change"]["reviewed"], old.as_str());
    let reason = &sensitivity["fragile_reasons"][0];
    assert_eq!(reason["reason"], "review-overdue");
    assert_eq!(reason["days"], 400);
    assert_eq!(reason["reviewed"], old.as_str());

    let html = app
        .get_html(&format!("/?{CLOSE_QUERY}"), StatusCode::OK)
        .await;
    let warning = text_of(&html, ".firmness .fragile");
    assert!(warning.starts_with("Fragile advice."), "{warning}");
    assert!(warning.contains("400 days ago"), "{warning}");
    assert!(
        warning.contains(reason["message"].as_str().unwrap()),
        "{warning}"
    );
    let row = if criterion == "industry" {
        "industry"
    } else {
        "requirement"
    };
    let link = format!("/frameworks/{framework}#{row}-{subject}");
    let links: Vec<String> = select(&html, ".firmness .fragile a")
        .into_iter()
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(links, [link]);
    // The link leads to the rating's row on the framework's page.
    let page = app
        .get_html(&format!("/frameworks/{framework}"), StatusCode::OK)
        .await;
    assert_eq!(select(&page, &format!("#{row}-{subject}")).len(), 1);
}

#[tokio::test]
async fn the_exports_carry_the_firmness() {
    let app = spawn_app().await;
    let body = answer(&app, CLOSE_QUERY).await;
    let csv = app
        .download(
            &app.client,
            &format!("/export.csv?{CLOSE_QUERY}"),
            "stackatlas-recommendation.csv",
        )
        .await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let firmness: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "firmness").collect();
    assert_eq!(firmness.len(), 1);
    assert_eq!(
        &firmness[0][2],
        body["sensitivity"]["runner_up"].as_str().unwrap()
    );
    assert!(firmness[0][9].starts_with(body["sensitivity"]["description"].as_str().unwrap()));
    let stability: Vec<String> = rows
        .iter()
        .filter(|r| &r[0] == "stability")
        .map(|r| r[9].to_owned())
        .collect();
    let expected: Vec<&str> = body["stability"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["description"].as_str().unwrap())
        .collect();
    assert_eq!(stability, expected);

    let json = app
        .download(
            &app.client,
            &format!("/export.json?{CLOSE_QUERY}"),
            "stackatlas-recommendation.json",
        )
        .await;
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["sensitivity"], body["sensitivity"]);
    assert_eq!(json["stability"], body["stability"]);
}

#[tokio::test]
async fn the_openapi_document_describes_the_firmness() {
    let app = spawn_app().await;
    let document = app.get_json("/api/openapi.json", StatusCode::OK).await;
    let schemas = &document["components"]["schemas"];
    for name in [
        "Sensitivity",
        "Change",
        "FragileReason",
        "StabilityInterval",
        "Bound",
    ] {
        assert!(schemas[name].is_object(), "{name}");
    }
    let body = &schemas["RecommendationsBody"]["properties"];
    assert!(body["sensitivity"].is_object());
    assert!(body["stability"].is_object());
}
