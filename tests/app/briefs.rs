//! Client briefs: saving a query's answer from the query page, the lists, the pinned answer
//! and its revisions, editing, archiving, the outcome and its counts, the rights of each
//! role, and the API.

use reqwest::StatusCode;
use scraper::Html;
use serde_json::Value;
use stackatlas::domain::Role;

use crate::helpers::{
    TestApp, another_writer_makes_gin_strong_at_offline_sync, attributes, csrf_in, form_fields,
    result_slugs, select, set_field, spawn_app, text, text_of,
};

/// A query with every kind of parameter but the search.
const HEALTHCARE: &str =
    "industry=healthcare&need=security&want=scalability&lang=python&use=telemedicine";
const OFFLINE: &str = "need=offline-sync";

fn totals(html: &Html) -> Vec<String> {
    select(html, ".ranked .total")
        .into_iter()
        .map(text)
        .collect()
}

/// The stored answer of a brief's revision, as text.
async fn stored_result(app: &TestApp, brief: i64, number: i64) -> String {
    sqlx::query_scalar("SELECT result FROM brief_revisions WHERE brief_id = ?1 AND number = ?2")
        .bind(brief)
        .bind(number)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// The fields of the form posting to `action` on `path`, as `client` is shown them.
async fn form_on(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    action: &str,
) -> Vec<(String, String)> {
    let (status, page) = app.page(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    form_fields(&page, &format!("form[action='{action}']"))
}

/// `browser` presses the brief's "Re-run now" button.
async fn rerun(app: &TestApp, browser: &reqwest::Client, id: i64) -> reqwest::Response {
    let token = app.csrf_token(browser).await;
    app.submit(
        browser,
        &format!("/briefs/{id}/rerun"),
        &[("csrf_token".into(), token)],
    )
    .await
}

async fn get_json_as(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, Value) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("application/json"), "{path} is {kind}");
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_signed_in_salesperson_saves_a_query_as_a_brief_with_its_answer_pinned() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let (_, query_page) = app.page(&viewer, &format!("/?{HEALTHCARE}")).await;
    let mut fields = form_fields(&query_page, "form[action='/briefs']");
    assert!(fields.iter().any(|(name, _)| name == "csrf_token"));
    for (name, value) in [
        ("industry", "healthcare"),
        ("need", "security"),
        ("want", "scalability"),
        ("lang", "python"),
        ("use", "telemedicine"),
    ] {
        assert!(
            fields.contains(&(name.to_owned(), value.to_owned())),
            "the form carries {name}={value}"
        );
    }
    set_field(&mut fields, "client", "Acme Health");
    set_field(&mut fields, "project", "Patient portal");
    set_field(&mut fields, "notes", "They said:\nHIPAA first.");
    let saved = app.submit(&viewer, "/briefs", &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()["location"], "/briefs/1");

    let (status, brief) = app.page(&viewer, "/briefs/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text_of(&brief, "h1"), "Acme Health: Patient portal");
    assert_eq!(text_of(&brief, "#brief-owner"), "Test User");
    let facts = text_of(&brief, ".brief-facts");
    for said in ["Healthcare", "Strong security", "Python", "Telemedicine"] {
        assert!(facts.contains(said), "{said}: {facts}");
    }
    assert_eq!(
        brief
            .select(&crate::helpers::selector("#brief-notes"))
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
        "They said:\nHIPAA first."
    );
    // The pinned answer looks like the query page's: same frameworks, scores, breakdowns.
    assert_eq!(result_slugs(&brief), result_slugs(&query_page));
    assert_eq!(totals(&brief), totals(&query_page));
    let first = result_slugs(&brief)[0].clone();
    let rows = format!("#result-{first} .breakdown tbody tr");
    assert_eq!(
        select(&brief, &rows)
            .into_iter()
            .map(text)
            .collect::<Vec<_>>(),
        select(&query_page, &rows)
            .into_iter()
            .map(text)
            .collect::<Vec<_>>()
    );
    assert_eq!(select(&brief, "#revisions > li").len(), 1, "one revision");
    assert_eq!(
        text_of(&brief, "#knowledge-version"),
        count(&app, "SELECT version FROM knowledge_version")
            .await
            .to_string()
    );

    // Revision 1 holds the query, the knowledge version, the audit mark and the API's body.
    let (number, query, version, mark): (i64, String, i64, i64) = sqlx::query_as(
        "SELECT number, query, knowledge_version, audit_mark FROM brief_revisions WHERE brief_id = 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((number, query.as_str()), (1, HEALTHCARE));
    assert_eq!(
        version,
        count(&app, "SELECT version FROM knowledge_version").await
    );
    assert_eq!(mark, count(&app, "SELECT MAX(id) FROM audit_log").await);
    let stored: Value = serde_json::from_str(&stored_result(&app, 1, 1).await).unwrap();
    let mut api = app
        .get_json(
            &format!("/api/v1/recommendations?{HEALTHCARE}&limit=100"),
            StatusCode::OK,
        )
        .await;
    crate::paging::without_page_fields(&mut api);
    assert_eq!(stored, api);
    let owner: String = sqlx::query_scalar(
        "SELECT u.email FROM briefs b JOIN users u ON u.id = b.owner_id WHERE b.id = 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(owner, "viewer@example.com", "the saver owns it");

    // The header leads to the briefs; the new brief is among mine.
    assert_eq!(
        attributes(&brief, "nav .nav a[href='/briefs']", "href").len(),
        1
    );
    let (_, mine) = app.page(&viewer, "/briefs/mine").await;
    assert_eq!(attributes(&mine, "#briefs tbody tr", "data-brief"), ["1"]);
}

#[tokio::test]
async fn a_brief_without_client_or_project_comes_back_with_the_messages_at_the_fields() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (status, page) = app.page(&editor, &format!("/briefs/new?{OFFLINE}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&page, ".brief-query").contains("Offline"));
    let mut fields = form_fields(&page, "form[action='/briefs']");
    assert!(fields.contains(&("need".into(), "offline-sync".into())));
    set_field(&mut fields, "client", "   ");
    set_field(&mut fields, "project", &"p".repeat(201));
    set_field(&mut fields, "notes", "Kept notes");
    let refused = app.submit(&editor, "/briefs", &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&refused.text().await.unwrap());
    assert!(text_of(&html, "#b-client-error").contains("cannot be empty"));
    assert!(text_of(&html, "#b-project-error").contains("at most 200"));
    assert_eq!(attributes(&html, "#b-client", "aria-invalid"), ["true"]);
    assert_eq!(text_of(&html, "#b-notes"), "Kept notes");
    // The query is still carried, so fixing the names is enough.
    let again = form_fields(&html, "form[action='/briefs']");
    assert!(again.contains(&("need".into(), "offline-sync".into())));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM briefs").await, 0);

    // A query that names something unknown is not saved either; it is named.
    let mut unknown = again.clone();
    set_field(&mut unknown, "client", "Acme");
    set_field(&mut unknown, "project", "Portal");
    unknown.push(("need".into(), "teleportation".into()));
    let refused = app.submit(&editor, "/briefs", &unknown).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&refused.text().await.unwrap());
    assert!(text_of(&html, "#query-errors").contains("teleportation"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM briefs").await, 0);
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_the_api_answers_401() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let id = app.save_brief(&editor, OFFLINE, "Acme", "Field app").await;

    let query_page = app.get_html(&format!("/?{OFFLINE}"), StatusCode::OK).await;
    assert!(select(&query_page, "form[action='/briefs']").is_empty());
    assert_eq!(
        attributes(&query_page, ".save-brief a", "href"),
        ["/login?next=%2F%3Fneed%3Doffline-sync"]
    );
    assert!(
        select(&query_page, "nav .nav a[href='/briefs']").is_empty(),
        "no Briefs link for anonymous visitors"
    );
    for path in [
        "/briefs".to_owned(),
        "/briefs/mine".to_owned(),
        format!("/briefs/{id}"),
        format!("/briefs/{id}/export.csv"),
        "/outcomes".to_owned(),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let location = response.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with("/login?next=%2F"),
            "{path}: {location}"
        );
    }
    let posted = app
        .client
        .post(app.url("/briefs"))
        .form(&[
            ("client", "Acme"),
            ("project", "X"),
            ("need", "offline-sync"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM briefs").await, 1);
    for path in ["/api/v1/briefs".to_owned(), format!("/api/v1/briefs/{id}")] {
        let body = app.get_json(&path, StatusCode::UNAUTHORIZED).await;
        assert_eq!(body["error"]["code"], "unauthorized", "{path}");
    }
}

#[tokio::test]
async fn every_briefs_route_sends_anonymous_visitors_to_sign_in() {
    let app = spawn_app().await;
    let routes: Vec<(String, &[&str])> = stackatlas::routes::table::all()
        .into_iter()
        .filter(|(path, _)| path.starts_with("/briefs") || path == "/outcomes")
        .collect();
    assert!(routes.len() >= 10, "{routes:?}");
    for (template, methods) in routes {
        let path = template.replace("{id}", "1");
        for method in methods {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let response = app
                .client
                .request(method.clone(), app.url(&path))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{method} {path}");
            assert!(
                response.headers()["location"]
                    .to_str()
                    .unwrap()
                    .starts_with("/login?next="),
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn a_viewer_reads_someone_elses_brief_but_cannot_change_it() {
    let app = spawn_app().await;
    let owner = app.signed_in_with("owner@example.com", Role::Viewer).await;
    let id = app.save_brief(&owner, HEALTHCARE, "Acme", "Portal").await;
    let other = app.signed_in_with("other@example.com", Role::Viewer).await;

    let (status, page) = app.page(&other, &format!("/briefs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!result_slugs(&page).is_empty());
    for hidden in ["edit", "rerun", "archive", "outcome"] {
        let css = format!("[action='/briefs/{id}/{hidden}'], [href='/briefs/{id}/{hidden}']");
        assert!(select(&page, &css).is_empty(), "{hidden} is not offered");
    }
    let (status, _) = app.page(&other, &format!("/briefs/{id}/edit")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let token = app.csrf_token(&other).await;
    let version = "1".to_owned();
    for (action, fields) in [
        (
            "edit",
            vec![
                ("client", "Hijacked"),
                ("project", "Portal"),
                ("version", version.as_str()),
            ],
        ),
        ("archive", vec![("archived", "1")]),
        ("rerun", vec![]),
        (
            "outcome",
            vec![
                ("result", "lost"),
                ("decided_on", "2026-01-01"),
                ("version", version.as_str()),
            ],
        ),
    ] {
        let mut fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        fields.push(("csrf_token".into(), token.clone()));
        let refused = app
            .submit(&other, &format!("/briefs/{id}/{action}"), &fields)
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM briefs WHERE client = 'Acme' AND archived_at IS NULL AND outcome_result IS NULL AND version = 1").await,
        1,
        "nothing changed"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM brief_revisions").await, 1);

    // Its owner, an editor and an admin may.
    let editor = app.signed_in_as(Role::Editor).await;
    for who in [&owner, &editor] {
        let (status, page) = app.page(who, &format!("/briefs/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            select(&page, &format!("form[action='/briefs/{id}/rerun']")).len(),
            1
        );
        let (status, _) = app.page(who, &format!("/briefs/{id}/edit")).await;
        assert_eq!(status, StatusCode::OK);
    }
    // Only editors and admins hand a brief to someone else.
    let other_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'other@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (_, form) = app.page(&owner, &format!("/briefs/{id}/edit")).await;
    assert!(select(&form, "select[name=owner]").is_empty());
    let mut fields = form_fields(&form, "form.brief-form");
    fields.push(("owner".into(), other_id.to_string()));
    let refused = app
        .submit(&owner, &format!("/briefs/{id}/edit"), &fields)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&refused.text().await.unwrap());
    assert!(text_of(&html, "#form-errors").contains("only editors and admins"));
    let mut fields = form_on(
        &app,
        &editor,
        &format!("/briefs/{id}/edit"),
        &format!("/briefs/{id}/edit"),
    )
    .await;
    set_field(&mut fields, "owner", &other_id.to_string());
    let moved = app
        .submit(&editor, &format!("/briefs/{id}/edit"), &fields)
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&other, &format!("/briefs/{id}")).await;
    assert_eq!(
        select(&page, &format!("form[action='/briefs/{id}/rerun']")).len(),
        1,
        "the new owner may change it now"
    );
}

#[tokio::test]
async fn a_stale_version_is_refused_with_a_conflict_and_nothing_is_overwritten() {
    let app = spawn_app().await;
    let owner = app.signed_in_as(Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    let id = app.save_brief(&owner, OFFLINE, "Acme", "Field app").await;
    let edit = format!("/briefs/{id}/edit");
    let mut mine = form_on(&app, &owner, &edit, &edit).await;
    let mut theirs = form_on(&app, &editor, &edit, &edit).await;
    assert!(mine.contains(&("version".into(), "1".into())));

    set_field(&mut theirs, "notes", "Their notes.");
    let saved = app.submit(&editor, &edit, &theirs).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        saved.headers()["location"],
        format!("/briefs/{id}").as_str()
    );

    set_field(&mut mine, "notes", "My notes.");
    set_field(&mut mine, "project", "Field app v2");
    let refused = app.submit(&owner, &edit, &mine).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let html = Html::parse_document(&refused.text().await.unwrap());
    let rows: Vec<String> = select(&html, "#conflict tbody tr")
        .into_iter()
        .map(text)
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("Their notes.") && r.contains("My notes.")),
        "{rows:?}"
    );
    let kept = form_fields(&html, "form.brief-form");
    assert!(kept.contains(&("notes".into(), "My notes.".into())));
    assert!(kept.contains(&("version".into(), "2".into())));
    let stored: (String, String) =
        sqlx::query_as("SELECT project, notes FROM briefs WHERE id = ?1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, ("Field app".into(), "Their notes.".into()));

    let merged = app.submit(&owner, &edit, &kept).await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&owner, &format!("/briefs/{id}")).await;
    assert_eq!(text_of(&page, "h1"), "Acme: Field app v2");
}

#[tokio::test]
async fn briefs_are_found_by_search_filtered_by_owner_and_client_and_sorted_by_date() {
    let app = spawn_app().await;
    let ann = app.signed_in_with("ann@example.com", Role::Viewer).await;
    let bob = app.signed_in_with("bob@example.com", Role::Editor).await;
    let first = app.save_brief(&ann, OFFLINE, "Acme", "Courier app").await;
    let second = app
        .save_brief(&bob, HEALTHCARE, "Globex", "Patient portal")
        .await;
    let third = app
        .save_brief(&ann, HEALTHCARE, "Globex", "100% uptime_api")
        .await;
    // Distinct moments, so the order by date is certain.
    for (id, created, updated) in [
        (first, "2026-01-01T09:00:00Z", "2026-03-01T09:00:00Z"),
        (second, "2026-02-01T09:00:00Z", "2026-02-01T09:00:00Z"),
        (third, "2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z"),
    ] {
        sqlx::query("UPDATE briefs SET created_at = ?2, updated_at = ?3 WHERE id = ?1")
            .bind(id)
            .bind(created)
            .bind(updated)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let ids = |html: &Html| attributes(html, "#briefs tbody tr", "data-brief");
    let list = async |path: &str| {
        let (status, html) = app.page(&ann, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        ids(&html)
    };
    let n = |id: i64| id.to_string();
    assert_eq!(list("/briefs").await, [n(third), n(first), n(second)]);
    assert_eq!(
        list("/briefs?sort=oldest").await,
        [n(second), n(first), n(third)]
    );
    assert_eq!(
        list("/briefs?sort=created").await,
        [n(third), n(second), n(first)]
    );
    assert_eq!(list("/briefs?q=portal").await, [n(second)]);
    assert_eq!(list("/briefs?q=PATIENT").await, [n(second)], "any case");
    // Wildcards are taken literally: "%" matches only a real percent sign.
    assert_eq!(list("/briefs?q=100%25").await, [n(third)]);
    assert_eq!(list("/briefs?q=%25").await, [n(third)]);
    assert_eq!(list("/briefs?q=r_a").await, Vec::<String>::new());
    assert_eq!(list("/briefs?client=Globex").await, [n(third), n(second)]);
    let bob_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'bob@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(list(&format!("/briefs?owner={bob_id}")).await, [n(second)]);
    assert_eq!(list("/briefs/mine").await, [n(third), n(first)]);
    let (_, html) = app.page(&ann, "/briefs").await;
    let row = text_of(&html, &format!("#brief-{second}"));
    assert!(row.contains("Globex: Patient portal"), "{row}");
    assert!(row.contains("not recorded"), "{row}");
    assert!(
        text_of(&html, &format!("#brief-{second} .brief-top"))
            .chars()
            .any(|c| c.is_ascii_digit())
    );
    assert_eq!(
        app.page(&ann, "/briefs?sort=name").await.0,
        StatusCode::BAD_REQUEST
    );

    // Archived briefs leave the lists until asked for.
    let token = app.csrf_token(&ann).await;
    let archived = app
        .submit(
            &ann,
            &format!("/briefs/{first}/archive"),
            &[
                ("archived".into(), "1".into()),
                ("csrf_token".into(), token.clone()),
            ],
        )
        .await;
    assert_eq!(archived.status(), StatusCode::SEE_OTHER);
    assert_eq!(list("/briefs?sort=created").await, [n(third), n(second)]);
    assert_eq!(
        list("/briefs?sort=created&archived=1").await,
        [n(third), n(second), n(first)]
    );
    let (_, page) = app.page(&ann, &format!("/briefs/{first}")).await;
    assert_eq!(text_of(&page, ".brief-badges"), "Archived");
    let back = app
        .submit(
            &ann,
            &format!("/briefs/{first}/archive"),
            &[
                ("archived".into(), "0".into()),
                ("csrf_token".into(), token),
            ],
        )
        .await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(list("/briefs/mine").await.len(), 2);
}

#[tokio::test]
async fn a_rerun_adds_revision_2_and_keeps_revision_1_as_it_was() {
    let app = spawn_app().await;
    let owner = app.signed_in_as(Role::Viewer).await;
    let id = app.save_brief(&owner, OFFLINE, "Acme", "Field app").await;
    let (_, before) = app.page(&owner, &format!("/briefs/{id}")).await;
    let pinned = stored_result(&app, id, 1).await;
    assert!(!result_slugs(&before).contains(&"gin".to_owned()));

    another_writer_makes_gin_strong_at_offline_sync(&app).await;
    // The pinned answer does not move with the knowledge.
    let (_, still) = app.page(&owner, &format!("/briefs/{id}")).await;
    assert_eq!(result_slugs(&still), result_slugs(&before));

    let rerun = rerun(&app, &owner, id).await;
    assert_eq!(rerun.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        rerun.headers()["location"],
        format!("/briefs/{id}").as_str()
    );
    let (_, after) = app.page(&owner, &format!("/briefs/{id}")).await;
    assert!(result_slugs(&after).contains(&"gin".to_owned()));
    assert_eq!(
        attributes(&after, "#revisions > li", "data-revision"),
        ["2", "1"]
    );
    assert!(select(&after, "#older-revision").is_empty());
    assert_eq!(
        stored_result(&app, id, 1).await,
        pinned,
        "revision 1 is untouched"
    );
    let versions: Vec<i64> = sqlx::query_scalar(
        "SELECT knowledge_version FROM brief_revisions WHERE brief_id = ?1 ORDER BY number",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(versions[1] > versions[0], "{versions:?}");

    let (status, older) = app.page(&owner, &format!("/briefs/{id}?revision=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&older, "#older-revision").contains("not the latest"));
    assert_eq!(result_slugs(&older), result_slugs(&before));
    assert_eq!(
        app.page(&owner, &format!("/briefs/{id}?revision=9"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // A revision is never rewritten, whoever tries.
    let rewrite = sqlx::query("UPDATE brief_revisions SET result = '{}' WHERE number = 1")
        .execute(&app.pool)
        .await;
    assert!(rewrite.is_err());
}

#[tokio::test]
async fn the_briefs_pages_show_dates_as_people_write_them() {
    let app = spawn_app().await;
    let owner = app.signed_in_as(Role::Editor).await;
    let id = app.save_brief(&owner, HEALTHCARE, "Acme", "Portal").await;
    let (_, page) = app.page(&owner, &format!("/briefs/{id}")).await;
    let top = result_slugs(&page)[0].clone();
    let mut fields = form_fields(&page, &format!("form[action='/briefs/{id}/outcome']"));
    set_field(&mut fields, "result", "won");
    set_field(&mut fields, "chosen", &top);
    set_field(&mut fields, "decided_on", "2025-11-02");
    let recorded = app
        .submit(&owner, &format!("/briefs/{id}/outcome"), &fields)
        .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let rerun = rerun(&app, &owner, id).await;
    assert_eq!(rerun.status(), StatusCode::SEE_OTHER);
    let mut problems = Vec::new();
    for path in [
        "/briefs".to_owned(),
        "/briefs/mine".to_owned(),
        format!("/briefs/{id}"),
        format!("/briefs/{id}?revision=1"),
        format!("/briefs/{id}/edit"),
        format!("/briefs/new?{HEALTHCARE}"),
        "/outcomes".to_owned(),
    ] {
        let (status, html) = app.page(&owner, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        problems.extend(crate::dates::date_problems(&path, &html));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn a_brief_whose_query_can_no_longer_be_asked_is_not_rerun_and_says_why() {
    let app = spawn_app().await;
    let owner = app.signed_in_as(Role::Viewer).await;
    let id = app.save_brief(&owner, OFFLINE, "Acme", "Field app").await;
    sqlx::query("DELETE FROM requirements WHERE slug = 'offline-sync'")
        .execute(&app.pool)
        .await
        .unwrap();
    let refused = rerun(&app, &owner, id).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = Html::parse_document(&refused.text().await.unwrap());
    assert!(text_of(&page, "main").contains("offline-sync"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM brief_revisions").await, 1);
    // The pinned answer still reads, with the requirement named as it was.
    let (status, page) = app.page(&owner, &format!("/briefs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!result_slugs(&page).is_empty());
}

#[tokio::test]
async fn the_downloads_give_the_pinned_answer_even_after_the_knowledge_changed() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let query = "need=real-time-updates";
    let fresh_csv = format!("/export.csv?{query}");
    let csv_then = app
        .download(&app.client, &fresh_csv, "stackatlas-recommendation.csv")
        .await;
    let id = app.save_brief(&editor, query, "Acme", "Chat").await;

    // An editor raises Flask's real-time strength through the admin form.
    let saved = app
        .save_framework(
            &editor,
            "flask",
            &[
                ("req.real-time-updates.strength", "4"),
                ("req.real-time-updates.note", "Flask-SocketIO at scale."),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let csv_now = app
        .download(&app.client, &fresh_csv, "stackatlas-recommendation.csv")
        .await;
    assert_ne!(csv_now, csv_then, "the knowledge moved");

    let csv = app
        .download(
            &editor,
            &format!("/briefs/{id}/export.csv"),
            &format!("stackatlas-brief-{id}-revision-1.csv"),
        )
        .await;
    assert_eq!(csv, csv_then);
    let json = app
        .download(
            &editor,
            &format!("/briefs/{id}/export.json"),
            &format!("stackatlas-brief-{id}-revision-1.json"),
        )
        .await;
    assert_eq!(json, stored_result(&app, id, 1).await);
    let (_, page) = app.page(&editor, &format!("/briefs/{id}")).await;
    assert!(!result_slugs(&page).contains(&"flask".to_owned()));
    // The print summary names the client, the project, the knowledge version and the link.
    let summary = text_of(&page, ".print-header .query-summary");
    for part in [
        "Acme",
        "Chat",
        "Real-time",
        "version",
        &format!("/briefs/{id}"),
    ] {
        assert!(summary.contains(part), "{part}: {summary}");
    }
}

#[tokio::test]
async fn an_outcome_is_validated_and_counted_on_the_outcomes_page() {
    let app = spawn_app().await;
    let owner = app.signed_in_as(Role::Viewer).await;
    let won = app.save_brief(&owner, HEALTHCARE, "Acme", "Portal").await;
    let lost = app.save_brief(&owner, HEALTHCARE, "Globex", "Portal").await;
    let (_, page) = app.page(&owner, &format!("/briefs/{won}")).await;
    let top = result_slugs(&page)[0].clone();
    let runner_up = result_slugs(&page)[1].clone();
    let action = format!("/briefs/{won}/outcome");

    let mut fields = form_fields(&page, &format!("form[action='{action}']"));
    set_field(&mut fields, "result", "won");
    set_field(&mut fields, "chosen", "");
    set_field(&mut fields, "decided_on", "2999-01-01");
    set_field(&mut fields, "note", "Kept note");
    let refused = app.submit(&owner, &action, &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&refused.text().await.unwrap());
    assert_eq!(
        select(&html, "#outcome-not-recorded a[href='#outcome']").len(),
        1
    );
    assert!(text_of(&html, "#o-chosen-error").contains("which framework"));
    assert!(text_of(&html, "#o-decided_on-error").contains("future"));
    assert_eq!(text_of(&html, "#o-note"), "Kept note");
    assert_eq!(
        attributes(&html, "input[name=result][checked]", "value"),
        ["won"]
    );
    let mut bad = form_fields(&html, &format!("form[action='{action}']"));
    set_field(&mut bad, "result", "maybe");
    let refused = app.submit(&owner, &action, &bad).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM briefs WHERE outcome_result IS NOT NULL"
        )
        .await,
        0
    );

    set_field(&mut fields, "chosen", &top);
    set_field(&mut fields, "decided_on", "2025-11-02");
    let recorded = app.submit(&owner, &action, &fields).await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&owner, &format!("/briefs/{won}")).await;
    let said = text_of(&page, "#recorded-outcome");
    assert!(
        said.contains("Won") && said.contains("2 Nov 2025"),
        "{said}"
    );

    // The other client went with the runner-up, built by someone else.
    let (_, page) = app.page(&owner, &format!("/briefs/{lost}")).await;
    let mut fields = form_fields(&page, &format!("form[action='/briefs/{lost}/outcome']"));
    set_field(&mut fields, "result", "lost");
    set_field(&mut fields, "chosen", &runner_up);
    set_field(&mut fields, "decided_on", "2025-11-03");
    let recorded = app
        .submit(&owner, &format!("/briefs/{lost}/outcome"), &fields)
        .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    // A stale outcome form is refused, not written over the newer one.
    let stale = app
        .submit(&owner, &format!("/briefs/{lost}/outcome"), &fields)
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);

    let (status, outcomes) = app.page(&owner, "/outcomes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&outcomes, "#outcomes-scope").contains("archived ones included"));
    let cell = |slug: &str, column: &str| {
        attributes(
            &outcomes,
            &format!("tr[data-framework='{slug}'] td[data-{column}]"),
            &format!("data-{column}"),
        )
        .pop()
        .unwrap_or_else(|| panic!("{slug} {column}"))
    };
    assert_eq!(cell(&top, "first"), "2");
    assert_eq!(cell(&top, "chosen"), "1");
    assert_eq!(cell(&top, "unexpected"), "0");
    assert_eq!(
        (cell(&top, "won"), cell(&top, "lost")),
        ("1".into(), "1".into())
    );
    assert_eq!(cell(&runner_up, "first"), "0");
    assert_eq!(cell(&runner_up, "chosen"), "1");
    assert_eq!(cell(&runner_up, "unexpected"), "1");
    let (_, sorted) = app.page(&owner, "/outcomes?sort=unexpected").await;
    assert_eq!(
        attributes(&sorted, "#outcomes tbody tr", "data-framework")[0],
        runner_up
    );
    assert_eq!(
        app.page(&owner, "/outcomes?sort=x").await.0,
        StatusCode::BAD_REQUEST
    );
    // Linked from the briefs and the editors' desk.
    let (_, briefs) = app.page(&owner, "/briefs").await;
    assert_eq!(
        attributes(&briefs, "main a[href='/outcomes']", "href").len(),
        1
    );
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, desk) = app.page(&editor, "/admin").await;
    assert_eq!(
        attributes(&desk, "main a[href='/outcomes']", "href").len(),
        1
    );
}

#[tokio::test]
async fn the_api_lists_briefs_in_pages_and_shows_one_with_its_pinned_answers() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let admin = app.signed_in_as(Role::Admin).await;
    let mut ids = Vec::new();
    for client in ["Acme", "Globex", "Initech"] {
        ids.push(app.save_brief(&viewer, HEALTHCARE, client, "Portal").await);
    }
    let (status, page) = get_json_as(&app, &viewer, "/api/v1/briefs?limit=2").await;
    assert_eq!(status, StatusCode::OK);
    let clients = |page: &Value| {
        page["briefs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["client"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(clients(&page).len(), 2);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let next = format!(
        "/api/v1/briefs?limit=2&cursor={}",
        form_urlencoded::byte_serialize(cursor.as_bytes()).collect::<String>()
    );
    let (_, rest) = get_json_as(&app, &viewer, &next).await;
    assert_eq!(clients(&rest).len(), 1);
    assert!(rest["next_cursor"].is_null());
    let mut all = clients(&page);
    all.extend(clients(&rest));
    all.sort();
    assert_eq!(all, ["Acme", "Globex", "Initech"]);
    let item = &page["briefs"][0];
    assert!(item["owner"]["email"].is_null(), "viewers see no emails");
    assert_eq!(item["owner"]["name"], "Test User");
    assert_eq!(item["revisions"][0]["number"], 1);
    assert!(
        item["revisions"][0]["result"].is_null(),
        "the list leaves the answers out"
    );

    let (status, brief) = get_json_as(&app, &admin, &format!("/api/v1/briefs/{}", ids[0])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(brief["client"], "Acme");
    assert_eq!(brief["owner"]["email"], "viewer@example.com", "admins do");
    assert_eq!(brief["archived"], false);
    assert!(brief["outcome"].is_null());
    let revision = &brief["revisions"][0];
    assert_eq!(revision["query"], HEALTHCARE);
    assert_eq!(
        revision["link"],
        format!("/briefs/{}?revision=1", ids[0]).as_str()
    );
    let stored: Value = serde_json::from_str(&stored_result(&app, ids[0], 1).await).unwrap();
    assert_eq!(revision["result"], stored);

    let (status, error) = get_json_as(&app, &viewer, "/api/v1/briefs?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["field"], "limit");
    let (status, error) = get_json_as(&app, &viewer, "/api/v1/briefs?cursor=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["field"], "cursor");
    let (status, _) = get_json_as(&app, &viewer, "/api/v1/briefs/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get_json_as(&app, &viewer, "/api/v1/briefs/abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let doc = app.get_json("/api/openapi.json", StatusCode::OK).await;
    for path in ["/api/v1/briefs", "/api/v1/briefs/{id}"] {
        assert!(
            doc["paths"][path]["get"]["responses"]["401"].is_object(),
            "{path}"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["session"]["in"],
        "cookie"
    );
}

#[tokio::test]
async fn a_brief_says_what_changed_since_it_was_pinned_and_why_until_it_is_re_run() {
    let app = spawn_app().await;
    let sales = app.signed_in_with("sam@example.com", Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    let query = "need=real-time-updates";
    let id = app.save_brief(&sales, query, "Acme", "Chat").await;
    let (_, fresh) = app.page(&sales, &format!("/briefs/{id}")).await;
    assert!(
        select(&fresh, "#changed-since").is_empty(),
        "nothing has changed yet"
    );
    let firmness = text_of(&fresh, ".brief-answer .firmness .flip");
    assert!(
        firmness.contains("first"),
        "the pinned answer says how firm its first place is: {firmness}"
    );

    // An editor raises Flask's real-time strength to the must-have minimum.
    let saved = app
        .save_framework(
            &editor,
            "flask",
            &[
                ("req.real-time-updates.strength", "4"),
                (
                    "req.real-time-updates.note",
                    "Flask-SocketIO carries rooms and broadcasts.",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let (status, page) = app.page(&sales, &format!("/briefs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let flask = "#changed-since .changed-framework[data-framework=flask]";
    assert_eq!(select(&page, flask).len(), 1, "Flask crossed the must-have");
    let reason = text_of(&page, &format!("{flask} .change-reasons li"));
    assert!(reason.contains("Real-time"), "{reason}");
    assert!(reason.contains("→"), "{reason}");
    assert!(reason.contains('4'), "{reason}");
    assert!(
        reason.contains("Flask-SocketIO carries rooms"),
        "the why: {reason}"
    );
    assert!(
        select(&page, "#changed-since .audit-link").is_empty(),
        "a viewer cannot open the editors' history"
    );
    assert!(
        !result_slugs(&page).contains(&"flask".to_owned()),
        "the pinned answer is kept as it was"
    );
    let (_, as_editor) = app.page(&editor, &format!("/briefs/{id}")).await;
    let audit = attributes(&as_editor, &format!("{flask} .audit-link"), "href");
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].starts_with("/admin/frameworks/flask/history#revision-"),
        "{}",
        audit[0]
    );

    // Re-running pins today's answer as revision 2; nothing is left to explain.
    let csrf = csrf_in(&page);
    let rerun = sales
        .post(app.url(&format!("/briefs/{id}/rerun")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(rerun.status(), StatusCode::SEE_OTHER);
    let (_, rerun_page) = app.page(&sales, &format!("/briefs/{id}")).await;
    assert!(select(&rerun_page, "#changed-since").is_empty());
    assert!(result_slugs(&rerun_page).contains(&"flask".to_owned()));
    assert_eq!(select(&rerun_page, "#revisions li").len(), 2);
}

#[tokio::test]
async fn an_outcome_posted_with_only_the_contracts_fields_is_recorded() {
    // DESIGN.md names `chosen`, `result` and `note` (with the CSRF token); the page also sends
    // the day and the version, but a client that leaves them out is still heard.
    let app = spawn_app().await;
    let owner = app.signed_in_with("sam@example.com", Role::Viewer).await;
    let id = app
        .save_brief(&owner, "need=real-time-updates", "Acme", "Chat")
        .await;
    let csrf = app.csrf_token(&owner).await;
    let leaning = owner
        .post(app.url(&format!("/briefs/{id}/outcome")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("result", "open"),
            ("chosen", "django"),
            ("note", "They lean to Django."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(leaning.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&owner, &format!("/briefs/{id}")).await;
    let said = text_of(&page, "#recorded-outcome");
    assert!(said.contains("leans to Django"), "{said}");

    let won = owner
        .post(app.url(&format!("/briefs/{id}/outcome")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("result", "won"),
            ("chosen", "django"),
            ("note", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(won.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&owner, &format!("/briefs/{id}")).await;
    let said = text_of(&page, "#recorded-outcome");
    assert!(said.contains("The client chose Django"), "{said}");
}

#[tokio::test]
async fn a_new_owner_and_client_are_offered_as_filters_on_the_very_next_list() {
    let app = spawn_app().await;
    let ann = app.signed_in_with("ann@example.com", Role::Viewer).await;
    let bob = app.signed_in_with("bob@example.com", Role::Viewer).await;
    let offered = |page: &Html| {
        let owners = select(page, "#owner option")
            .into_iter()
            .filter_map(|o| o.value().attr("value").filter(|v| !v.is_empty()))
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let clients = attributes(page, "#recent-clients option", "value");
        (owners.len(), clients)
    };
    app.save_brief(&ann, OFFLINE, "Acme", "Field app").await;
    let (_, list) = app.page(&ann, "/briefs").await;
    assert_eq!(offered(&list), (1, vec!["Acme".to_owned()]));

    app.save_brief(&bob, OFFLINE, "Globex", "Patient portal")
        .await;
    let (_, list) = app.page(&ann, "/briefs").await;
    assert_eq!(
        offered(&list),
        (2, vec!["Acme".to_owned(), "Globex".to_owned()])
    );
}

#[tokio::test]
async fn the_lists_show_the_top_pick_each_revision_pinned_however_it_was_added() {
    let app = spawn_app().await;
    let ann = app.signed_in_with("ann@example.com", Role::Viewer).await;
    let id = app.save_brief(&ann, OFFLINE, "Acme", "Field app").await;
    let answer = app
        .get_json(
            &format!("/api/v1/recommendations?{OFFLINE}"),
            StatusCode::OK,
        )
        .await;
    let top = answer["results"][0]["name"].as_str().unwrap().to_owned();
    let (_, list) = app.page(&ann, "/briefs").await;
    let shown = text_of(&list, &format!("#brief-{id} .brief-top"));
    assert!(shown.contains(&top), "{shown} names {top}");
    // A revision written straight into the database (as an import would) keeps its top too.
    sqlx::query(
        "INSERT INTO brief_revisions (brief_id, number, query, knowledge_version, result)
         SELECT brief_id, 2, query, knowledge_version,
                json_set(result, '$.results[0].name', 'Written Elsewhere')
         FROM brief_revisions WHERE brief_id = ?1",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    let (_, list) = app.page(&ann, "/briefs").await;
    let shown = text_of(&list, &format!("#brief-{id} .brief-top"));
    assert!(shown.contains("Written Elsewhere"), "{shown}");
    let (_, page) = app.page(&ann, &format!("/briefs/{id}")).await;
    let revisions = text(select(&page, "#revisions")[0]);
    assert!(
        revisions.contains(&format!("top pick {top}"))
            && revisions.contains("top pick Written Elsewhere"),
        "{revisions}"
    );
}
