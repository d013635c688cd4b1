//! "Changed since": a pinned answer, an editor's change through the admin form, the same
//! query ranked again, and the report that says what moved and why.

use reqwest::StatusCode;
use stackatlas::changes::{self, Crossing, Movement, Value, What};
use stackatlas::db;
use stackatlas::domain::Role;
use stackatlas::routes::recommendation::RecommendationsBody;

use crate::helpers::{TestApp, edit_form, select, set_field, spawn_app, text};

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

    let mut fields = edit_form(&editor, &app, "flask").await;
    set_field(&mut fields, "req.real-time-updates.strength", "5");
    set_field(
        &mut fields,
        "req.real-time-updates.note",
        "Flask-SocketIO on async workers, load-tested at 10k connections.",
    );
    set_field(&mut fields, "action", "save");
    let saved = app
        .submit(&editor, "/admin/frameworks/flask/edit", &fields)
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
async fn edits_before_the_mark_and_to_other_frameworks_are_not_read() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let pinned = ranked(&app).await;
    let mark = db::changes::mark(&app.pool).await.unwrap();
    assert!(mark > 0, "the seed's import is in the log");

    let mut fields = edit_form(&editor, &app, "gin").await;
    set_field(
        &mut fields,
        "summary",
        "A fast Go web framework, summarised again.",
    );
    set_field(&mut fields, "action", "save");
    let saved = app
        .submit(&editor, "/admin/frameworks/gin/edit", &fields)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let today = ranked(&app).await;
    let scope = db::changes::Scope {
        frameworks: vec!["django".to_owned()],
        terms: changes::scope(&pinned, &today).terms,
    };
    let trail = db::changes::since(&app.pool, mark, &scope, db::changes::ENTRY_LIMIT)
        .await
        .unwrap();
    assert!(trail.entries.is_empty(), "{:#?}", trail.entries);
    assert_eq!((trail.left_out, trail.edits_since), (0, 1));

    let everything = changes::scope(&pinned, &today);
    let trail = db::changes::since(&app.pool, mark, &everything, db::changes::ENTRY_LIMIT)
        .await
        .unwrap();
    assert_eq!(trail.entries.len(), 1);
    assert_eq!(trail.entries[0].actor, "Test User");
    let report = changes::since(&pinned, &today, &trail);
    assert_eq!(report.summary(), "1 edit since, none touches this brief.");

    let capped = db::changes::since(&app.pool, 0, &everything, 5)
        .await
        .unwrap();
    assert_eq!(capped.entries.len(), 5);
    assert!(
        capped.left_out > 0,
        "the seed's entries are counted, not read"
    );
    assert!(
        capped.entries.windows(2).all(|w| w[0].id < w[1].id),
        "oldest first"
    );
    assert_eq!(
        capped.entries.last().map(|e| e.entity_slug.as_str()),
        Some("gin"),
        "the newest are the ones read"
    );
}
