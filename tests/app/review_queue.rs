//! The desk's review queue: ratings whose one-point move would change a saved brief's top
//! pick, riskiest first, each with the briefs that hang on it — and the move really does
//! change that brief's answer.

use reqwest::StatusCode;
use stackatlas::domain::Role;

use crate::helpers::{TestApp, select, spawn_app, text};

/// Queries from the article's pairings, close enough at the top that some rating decides.
const QUERIES: [&str; 3] = [
    "need=security&want=scalability&want=frequent-feature-updates",
    "industry=on-demand-services&want=real-time-updates&want=scalability",
    "need=android-clients&lang=kotlin",
];

async fn top_pick(app: &TestApp, query: &str) -> String {
    let answer = app
        .get_json(&format!("/api/v1/recommendations?{query}"), StatusCode::OK)
        .await;
    answer["results"][0]["slug"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn with_no_brief_saved_the_desk_says_nothing_is_at_stake_yet() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (status, desk) = app.page(&editor, "/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(select(&desk, "#at-stake").is_empty());
    let section = text(select(&desk, "section.stakes")[0]);
    assert!(section.contains("No saved brief"), "{section}");
}

#[tokio::test]
async fn the_riskiest_rating_comes_first_with_its_brief_and_moving_it_changes_that_briefs_top_pick()
{
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let mut briefs = Vec::new();
    for (i, query) in QUERIES.iter().enumerate() {
        let id = app
            .save_brief(&editor, query, &format!("Client {i}"), "Mobile app")
            .await;
        briefs.push((id, *query));
    }

    let (status, desk) = app.page(&editor, "/admin").await;
    assert_eq!(status, StatusCode::OK);
    let ratings = select(&desk, "#at-stake > li");
    assert!(
        !ratings.is_empty(),
        "some rating decides one of {QUERIES:?}"
    );
    let risks: Vec<f64> = ratings
        .iter()
        .map(|li| li.value().attr("data-risk").unwrap().parse().unwrap())
        .collect();
    assert!(
        risks.windows(2).all(|w| w[0] >= w[1]),
        "riskiest first: {risks:?}"
    );

    // Take the first rating and the first brief it names; move it the way the desk says.
    let first = ratings[0];
    let framework = first.value().attr("data-framework").unwrap();
    let field = first.value().attr("data-field").unwrap();
    let value: i8 = first.value().attr("data-value").unwrap().parse().unwrap();
    let dependent = first
        .select(&crate::helpers::selector("li[data-direction]"))
        .next()
        .expect("the riskiest rating names what depends on it");
    let direction: i8 = dependent
        .value()
        .attr("data-direction")
        .unwrap()
        .parse()
        .unwrap();
    let after = dependent.value().attr("data-after").unwrap().to_owned();
    let link = dependent
        .select(&crate::helpers::selector("a"))
        .next()
        .unwrap();
    let href = link.value().attr("href").unwrap();
    let (id, query) = briefs
        .iter()
        .find(|(id, _)| href == format!("/briefs/{id}"))
        .unwrap_or_else(|| panic!("{href} is one of the saved briefs"));
    let before = top_pick(&app, query).await;
    assert_ne!(before, after, "brief {id}: the move changes the top pick");

    let moved = (value + direction).to_string();
    let saved = app
        .save_framework(&editor, framework, &[(field, &moved)])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        top_pick(&app, query).await,
        after,
        "{framework} {field} {value} → {moved} changes brief {id}'s top pick as the desk said"
    );
}

#[tokio::test]
async fn open_flags_on_a_rating_at_stake_raise_it_in_the_queue_and_are_counted() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    for (i, query) in QUERIES.iter().enumerate() {
        app.save_brief(&editor, query, &format!("Client {i}"), "Mobile app")
            .await;
    }
    let risk_of = |desk: &scraper::Html, framework: &str, field: &str| -> Option<(usize, f64)> {
        select(desk, "#at-stake > li")
            .iter()
            .enumerate()
            .find_map(|(place, li)| {
                let at = |name| li.value().attr(name).unwrap();
                (at("data-framework") == framework && at("data-field") == field)
                    .then(|| (place, at("data-risk").parse().unwrap()))
            })
    };
    let (_, desk) = app.page(&editor, "/admin").await;
    let ratings = select(&desk, "#at-stake > li");
    assert!(ratings.len() >= 2, "more than one rating is at stake");
    let last = ratings.last().unwrap().value();
    let framework = last.attr("data-framework").unwrap().to_owned();
    let field = last.attr("data-field").unwrap().to_owned();
    let (place, risk) = risk_of(&desk, &framework, &field).unwrap();
    let (kind, subject) = match field.split('.').collect::<Vec<_>>()[..] {
        ["req", subject, _] => ("requirement", subject.to_owned()),
        ["ind", subject, _] => ("industry", subject.to_owned()),
        _ => panic!("{field}"),
    };

    let sales = app.signed_in_with("sam@example.com", Role::Viewer).await;
    let token = app.csrf_token(&sales).await;
    for comment in [
        "The note is two releases old.",
        "Their changelog says otherwise.",
    ] {
        let fields = [
            ("framework", framework.as_str()),
            ("subject_kind", kind),
            ("subject", subject.as_str()),
            ("reason", "outdated"),
            ("comment", comment),
            ("csrf_token", token.as_str()),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let sent = app.submit(&sales, "/flags", &fields).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    }

    let (_, desk) = app.page(&editor, "/admin").await;
    let (new_place, new_risk) = risk_of(&desk, &framework, &field).unwrap();
    assert!(
        (new_risk - 3.0 * risk).abs() < 0.01,
        "{risk} × (1 + 2 flags) = {new_risk}"
    );
    assert!(new_place <= place, "{place} → {new_place}");
    let line = text(select(&desk, "#at-stake > li")[new_place]);
    assert!(line.contains("2 open flags"), "{line}");
}

#[tokio::test]
async fn the_seeded_reference_questions_are_protected_too_and_each_dependent_links_to_its_question()
{
    let app = spawn_app().await;
    let seeded = app.seed_reference_questions().await;
    assert!(seeded > 0);
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, desk) = app.page(&editor, "/admin").await;
    let links: Vec<String> = select(&desk, "#at-stake li[data-direction] a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert!(
        !links.is_empty(),
        "the article's questions put some rating at stake"
    );
    for href in &links {
        assert!(href.starts_with("/admin/reference-questions/"), "{href}");
        let (status, _) = app.page(&editor, href).await;
        assert_eq!(status, StatusCode::OK, "{href}");
    }
    // Each distinct question is asked once, for every question asking it.
    let distinct: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT query) FROM reference_questions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let section = text(select(&desk, "section.stakes")[0]);
    assert!(
        section.contains(&format!("over {distinct} distinct questions")),
        "{section}"
    );
}

#[tokio::test]
async fn the_review_queue_is_for_editors_only() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let (status, _) = app.page(&viewer, "/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_brief_saved_or_archived_after_the_desk_was_read_is_weighed_on_the_very_next_load() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, desk) = app.page(&editor, "/admin").await;
    assert!(select(&desk, "#at-stake").is_empty(), "nothing saved yet");

    let id = app
        .save_brief(&editor, QUERIES[0], "Acme", "Field app")
        .await;
    let (_, desk) = app.page(&editor, "/admin").await;
    let dependents: Vec<String> = select(&desk, "#at-stake a").into_iter().map(text).collect();
    assert!(
        dependents.iter().any(|d| d == "Brief: Acme — Field app"),
        "{dependents:?}"
    );

    let token = app.csrf_token(&editor).await;
    let archived = app
        .submit(
            &editor,
            &format!("/briefs/{id}/archive"),
            &[
                ("archived".into(), "1".into()),
                ("csrf_token".into(), token),
            ],
        )
        .await;
    assert_eq!(archived.status(), StatusCode::SEE_OTHER);
    let (_, desk) = app.page(&editor, "/admin").await;
    assert!(
        select(&desk, "#at-stake").is_empty(),
        "archived briefs are not weighed"
    );
}
