//! The article the product grew from, as recommendation tests: for each pairing it makes, a
//! query built from that claim puts the framework among the top three. When one fails, fix
//! the knowledge or the formula, not the test.

use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};

async fn top_three(app: &TestApp, query: &str) -> Vec<String> {
    let body = app
        .get_json(&format!("/api/v1/recommendations?{query}"), StatusCode::OK)
        .await;
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|r| r["slug"].as_str().unwrap().to_owned())
        .collect()
}

async fn assert_in_top_three(app: &TestApp, query: &str, expected: &[&str]) {
    let top = top_three(app, query).await;
    for slug in expected {
        assert!(
            top.iter().any(|s| s == slug),
            "{slug} should be in the top three for {query}, got {top:?}"
        );
    }
}

#[tokio::test]
async fn an_on_demand_food_delivery_app_needing_real_time_updates_gets_node_and_express() {
    let app = spawn_app().await;
    assert_in_top_three(
        &app,
        "industry=on-demand-services&need=real-time-updates&want=scalability&q=food+delivery",
        &["nodejs", "expressjs"],
    )
    .await;
    assert_in_top_three(
        &app,
        "industry=on-demand-services&need=real-time-updates&want=scalability&q=ride+sharing",
        &["nodejs", "expressjs"],
    )
    .await;
}

#[tokio::test]
async fn a_healthcare_app_needing_strong_security_gets_django() {
    let app = spawn_app().await;
    assert_in_top_three(&app, "industry=healthcare&need=security", &["django"]).await;
}

#[tokio::test]
async fn social_networking_and_e_commerce_apps_needing_security_get_django() {
    let app = spawn_app().await;
    for industry in ["social-networking", "ecommerce"] {
        assert_in_top_three(
            &app,
            &format!("industry={industry}&need=security&want=scalability"),
            &["django"],
        )
        .await;
    }
}

#[tokio::test]
async fn a_quick_prototype_on_a_small_budget_gets_flask() {
    let app = spawn_app().await;
    assert_in_top_three(&app, "need=rapid-prototyping&need=low-budget", &["flask"]).await;
}

#[tokio::test]
async fn an_app_needing_frequent_feature_updates_gets_laravel() {
    let app = spawn_app().await;
    assert_in_top_three(
        &app,
        "need=frequent-feature-updates&want=security&want=scalability",
        &["laravel"],
    )
    .await;
}

#[tokio::test]
async fn a_large_organisations_internal_system_gets_dotnet() {
    let app = spawn_app().await;
    assert_in_top_three(
        &app,
        "industry=enterprise-internal-systems&need=enterprise-support",
        &["dotnet-core"],
    )
    .await;
    assert_in_top_three(
        &app,
        "industry=productivity&need=enterprise-support",
        &["dotnet-core"],
    )
    .await;
}

#[tokio::test]
async fn a_team_wanting_one_language_front_to_back_gets_remix() {
    let app = spawn_app().await;
    assert_in_top_three(
        &app,
        "need=full-stack-javascript&want=high-performance&q=remix",
        &["remix"],
    )
    .await;
}

#[tokio::test]
async fn an_android_team_fluent_in_kotlin_gets_ktor() {
    let app = spawn_app().await;
    assert_in_top_three(&app, "need=kotlin-skills-reuse&lang=kotlin", &["ktor"]).await;
}

#[tokio::test]
async fn strong_security_and_scalability_point_to_django_or_laravel() {
    let app = spawn_app().await;
    let top = top_three(
        &app,
        "need=security&need=scalability&want=frequent-feature-updates",
    )
    .await;
    assert!(
        top.iter().any(|s| s == "django" || s == "laravel"),
        "{top:?}"
    );
}

#[tokio::test]
async fn real_time_data_and_push_without_running_servers_get_firebase() {
    let app = spawn_app().await;
    assert_in_top_three(
        &app,
        "need=real-time-updates&need=push-notifications&need=low-ops",
        &["firebase"],
    )
    .await;
}
