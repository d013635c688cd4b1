//! "Changed since": a pinned answer, an editor's change through the admin form, the same
//! query ranked again, and the report that says what moved and why.

use reqwest::StatusCode;
use stackatlas::changes::{self, Crossing, Movement, Value, What};
use stackatlas::db;
use stackatlas::domain::Role;
use stackatlas::routes::recommendation::RecommendationsBody;

use crate::helpers::{TestApp, select, spawn_app, text};

const QUERY: &str = "/api/v1/recommendations?industry=healthcare&need=real-time-updates";

async fn ranked(app: &TestApp) -> RecommendationsBody {
    let body = app.get_json(QUERY, StatusCode::OK).await;
    serde_json::from_value(body).expect("the answer reads back as the API's body")
}

#[tokio::test]
async fn an_editors_rating_change_is_named_in_the_report_with_who_and_the_new_value() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let invited = app
        .invite(&admin, "ana@example.com", "Ana Editor", Role::Editor)
        .await;
    assert_eq!(invited.status(), StatusCode::SEE_OTHER);
    let editor = app.browser();
    let signed_in = app
        .sign_in(&editor, "ana@example.com", "another long password", "/")
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);

    let pinned = ranked(&app).await;
    let mark = db::changes::mark(&app.pool).await.unwrap();
    assert!(
        pinned.excluded.iter().any(|e| e.slug == "flask"),
        "Flask starts below the must-have"
    );

    let saved = app
        .save_framework(
            &editor,
            "flask",
            &[
                ("req.real-time-updates.strength", "5"),
                (
                    "req.real-time-updates.note",
                    "Flask-SocketIO on async workers, load-tested at 10k connections.",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let today = ranked(&app).await;
    let scope = changes::scope(&pinned, &today);
    let trail = db::changes::since(&app.pool, mark, &scope, db::changes::ENTRY_LIMIT)
        .await
        .unwrap();
    assert_eq!(trail.entries.len(), 1, "{:#?}", trail.entries);
    let report = changes::since(&pinned, &today, &trail);

    assert_eq!(report.edits_since, 1);
    assert_eq!(report.touching, 1);
    let flask = report
        .frameworks
        .iter()
        .find(|f| f.slug == "flask")
        .unwrap_or_else(|| panic!("Flask is in the report: {report:#?}"));
    let Movement::Included { because, .. } = &flask.movement else {
        panic!("Flask came in: {:?}", flask.movement);
    };
    assert_eq!(
        because.as_slice(),
        [Crossing::MustHave {
            requirement: "real-time-updates".to_owned(),
            label: "Real-time updates".to_owned(),
            from: 3,
            to: 5,
            minimum: 4
        }]
    );
    let reason = &flask.reasons[0];
    assert_eq!(reason.entry.actor, "Ana Editor");
    assert_eq!(reason.what.label(), "Real-time updates");
    assert!(matches!(reason.what, What::Requirement { .. }));
    assert_eq!(
        (&reason.from, &reason.to),
        (&Value::Rating(3), &Value::Rating(5))
    );
    assert_eq!(
        reason.why(),
        "Flask-SocketIO on async workers, load-tested at 10k connections."
    );

    // The link from the brief lands on the entry in the framework's history.
    let href = reason.entry.history_href();
    let (path, anchor) = href.split_once('#').unwrap();
    assert_eq!(path, "/admin/frameworks/flask/history");
    let (status, history) = app.page(&editor, path).await;
    assert_eq!(status, StatusCode::OK);
    let revision = select(&history, &format!("li#{anchor}"));
    assert_eq!(revision.len(), 1, "the history has an element #{anchor}");
    assert!(text(revision[0]).contains("update by Ana Editor"));
}

#[tokio::test]
async fn edits_that_cannot_move_the_ranking_are_counted_but_not_read() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let pinned = ranked(&app).await;
    let mark = db::changes::mark(&app.pool).await.unwrap();
    assert!(mark > 0, "the seed's import is in the log");

    let saved = app
        .save_framework(
            &editor,
            "gin",
            &[("summary", "A fast Go web framework, summarised again.")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let today = ranked(&app).await;
    let scope = changes::scope(&pinned, &today);
    assert!(scope.frameworks.iter().any(|f| f == "gin"));
    let read = |scope: db::changes::Scope| {
        let pool = app.pool.clone();
        async move {
            db::changes::since(&pool, mark, &scope, db::changes::ENTRY_LIMIT)
                .await
                .unwrap()
        }
    };
    let trail = read(scope.clone()).await;
    assert!(trail.entries.is_empty(), "{:#?}", trail.entries);
    assert_eq!((trail.left_out, trail.edits_since), (0, 1));
    let report = changes::since(&pinned, &today, &trail);
    assert_eq!(report.summary(), "1 edit since, none touches this brief.");

    let searching = read(db::changes::Scope {
        searching: true,
        ..scope.clone()
    })
    .await;
    assert_eq!(searching.entries.len(), 1, "a search reads the summary");
    assert_eq!(searching.entries[0].actor, "Test User");
    let elsewhere = read(db::changes::Scope {
        frameworks: vec!["django".to_owned()],
        searching: true,
        ..scope.clone()
    })
    .await;
    assert!(elsewhere.entries.is_empty(), "gin is not in this scope");
}

#[tokio::test]
async fn only_the_newest_entries_are_read_and_the_rest_are_counted() {
    let app = spawn_app().await;
    let everything = db::changes::Scope {
        frameworks: db::knowledge::load_document(&app.pool)
            .await
            .unwrap()
            .frameworks
            .into_iter()
            .map(|f| f.slug)
            .collect(),
        ..db::changes::Scope::default()
    };
    let all = db::changes::since(&app.pool, 0, &everything, 1000)
        .await
        .unwrap();
    assert!(
        all.entries.len() > 5,
        "the seed's import created each framework"
    );
    assert_eq!(all.left_out, 0);
    let capped = db::changes::since(&app.pool, 0, &everything, 5)
        .await
        .unwrap();
    assert_eq!(capped.left_out, all.entries.len() as i64 - 5);
    assert_eq!(capped.entries, all.entries[all.entries.len() - 5..]);
    assert!(
        capped.entries.windows(2).all(|w| w[0].id < w[1].id),
        "oldest first"
    );
}
