//! Years of use: the briefs lists, the activity feed and an entry's history page through
//! keyset cursors ("Next" links, no totals), every entry once; the desk weighs the most
//! recently changed briefs and keeps its assessment only while nothing it read has changed.

use std::collections::HashSet;

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{TestApp, attributes, form_fields, select, set_field, spawn_app, text_of};

/// A question close enough at the top that some rating decides it (as the review queue's
/// tests use).
const AT_STAKE: &str = "need=security&want=scalability&want=frequent-feature-updates";

/// The address of the page's `rel="next"` link, if any.
fn next_link(html: &Html) -> Option<String> {
    attributes(html, "a[rel='next']", "href").into_iter().next()
}

/// Follows the `rel="next"` links from `path`, collecting `attribute` of `rows` on each page.
async fn walk(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    rows: &str,
    attribute: &str,
) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut next = Some(path.to_owned());
    while let Some(path) = next {
        let (status, html) = app.page(browser, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        seen.extend(attributes(&html, rows, attribute));
        pages += 1;
        assert!(pages < 100, "the walk ends");
        next = next_link(&html);
    }
    (seen, pages)
}

/// Saves one brief through the form, then `more` copies of it written as the app writes
/// them, changed at times that tie in threes (so the id breaks ties); the ids, oldest first.
async fn many_briefs(app: &TestApp, browser: &reqwest::Client, more: i64) -> Vec<i64> {
    let first = app.save_brief(browser, AT_STAKE, "Acme", "Portal").await;
    let mut ids = vec![first];
    for n in 0..more {
        let at = format!("2024-01-{:02}T10:00:00Z", 1 + n / 3);
        let created = format!("2023-06-{:02}T10:00:00Z", 1 + (more - n) % 28);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO briefs (client, project, owner_id, created_at, updated_at)
             SELECT ?1, 'App', owner_id, ?2, ?3 FROM briefs WHERE id = ?4 RETURNING id",
        )
        .bind(format!("Client {n}"))
        .bind(&created)
        .bind(&at)
        .bind(first)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO brief_revisions (brief_id, number, query, knowledge_version, audit_mark, result)
             SELECT ?1, 1, query, knowledge_version, audit_mark, result FROM brief_revisions
             WHERE brief_id = ?2",
        )
        .bind(id)
        .bind(first)
        .execute(&app.pool)
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

/// The brief ids in `order` as SQL says it.
async fn ids_in(app: &TestApp, order: &str) -> Vec<String> {
    let sql = match order {
        "updated" => "SELECT id FROM briefs ORDER BY updated_at DESC, id DESC",
        "oldest" => "SELECT id FROM briefs ORDER BY updated_at, id",
        _ => "SELECT id FROM briefs ORDER BY created_at DESC, id DESC",
    };
    let ids: Vec<i64> = sqlx::query_scalar(sql).fetch_all(&app.pool).await.unwrap();
    ids.iter().map(ToString::to_string).collect()
}

#[tokio::test]
async fn the_briefs_lists_walk_every_brief_once_through_next_links_in_each_order() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    many_briefs(&app, &viewer, 44).await;
    for order in ["updated", "oldest", "created"] {
        let path = format!("/briefs?sort={order}");
        let (seen, pages) = walk(&app, &viewer, &path, "#briefs tbody tr", "data-brief").await;
        assert_eq!(seen, ids_in(&app, order).await, "{order}");
        assert_eq!(pages, 3, "45 briefs, 20 to a page");
    }
    // "My briefs" walks the same way, and a later page links back to the first.
    let (mine, _) = walk(
        &app,
        &viewer,
        "/briefs/mine",
        "#briefs tbody tr",
        "data-brief",
    )
    .await;
    assert_eq!(mine.len(), 45);
    assert_eq!(mine.iter().collect::<HashSet<_>>().len(), 45);
    let (_, first) = app.page(&viewer, "/briefs").await;
    let (_, second) = app.page(&viewer, &next_link(&first).unwrap()).await;
    assert_eq!(
        attributes(&second, "a[rel='first']", "href"),
        ["/briefs?sort=updated"]
    );
    // No total is counted: the page says what it shows.
    assert!(text_of(&first, ".result-count").starts_with("Briefs, most recently changed"));
}

#[tokio::test]
async fn a_cursor_that_no_page_gave_is_refused_naming_it() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    for path in [
        "/briefs?cursor=yesterday",
        "/briefs?cursor=2026-11-30T10:00:00Z~x",
        "/briefs/mine?cursor=12",
        "/admin/activity?cursor=newest",
        "/admin/frameworks/django/history?cursor=1.5",
    ] {
        let (status, html) = app.page(&editor, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        let said = html.root_element().text().collect::<String>();
        assert!(said.contains("cursor"), "{path}: {said}");
    }
}

#[tokio::test]
async fn search_finds_an_old_brief_however_many_came_after_it() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let ids = many_briefs(&app, &viewer, 30).await;
    let oldest = ids[1];
    sqlx::query("UPDATE briefs SET notes = 'met at the 2019 fair', updated_at = '2019-05-01T09:00:00Z' WHERE id = ?1")
        .bind(oldest)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, found) = app.page(&viewer, "/briefs?q=2019+FAIR").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        attributes(&found, "#briefs tbody tr", "data-brief"),
        [oldest.to_string()]
    );
    assert!(next_link(&found).is_none());
}

#[tokio::test]
async fn a_new_brief_and_an_edit_are_on_the_very_next_request_of_each_list_and_the_desk() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    many_briefs(&app, &editor, 25).await;
    // The desk and the lists as they were, so that anything kept is kept from before.
    app.page(&editor, "/admin").await;
    app.page(&editor, "/briefs").await;

    let id = app.save_brief(&editor, AT_STAKE, "Newco", "Launch").await;
    let first_row = async |path: &str| {
        let (status, html) = app.page(&editor, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        attributes(&html, "#briefs tbody tr", "data-brief")
            .into_iter()
            .next()
    };
    assert_eq!(first_row("/briefs").await, Some(id.to_string()));
    assert_eq!(first_row("/briefs/mine").await, Some(id.to_string()));
    assert_eq!(
        first_row("/briefs?sort=created").await,
        Some(id.to_string())
    );
    let api: serde_json::Value = editor
        .get(app.url("/api/v1/briefs?limit=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["briefs"][0]["id"], id);
    let (_, desk) = app.page(&editor, "/admin").await;
    let hrefs = attributes(&desk, "#at-stake a", "href");
    assert!(
        hrefs.contains(&format!("/briefs/{id}")),
        "the new brief is weighed at once: {hrefs:?}"
    );

    // An edit of an older brief brings it to the top of the list at once.
    let older = attributes(
        &app.page(&editor, "/briefs?sort=oldest").await.1,
        "#briefs tbody tr",
        "data-brief",
    )[0]
    .clone();
    let (_, form) = app.page(&editor, &format!("/briefs/{older}/edit")).await;
    let mut fields = form_fields(&form, "form.edit-form");
    set_field(&mut fields, "client", "Renamed Ltd");
    let saved = app
        .submit(&editor, &format!("/briefs/{older}/edit"), &fields)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, list) = app.page(&editor, "/briefs").await;
    // The two changed last head the list: in the order of their seconds, or — changed in the
    // same second — of their ids.
    let mut head = attributes(&list, "#briefs tbody tr", "data-brief")[..2].to_vec();
    head.sort();
    let mut expected = [id.to_string(), older.clone()];
    expected.sort();
    assert_eq!(head, expected);
    assert!(text_of(&list, &format!("#brief-{older}")).contains("Renamed Ltd"));
}

#[tokio::test]
async fn the_desks_kept_assessment_changes_right_after_a_knowledge_save() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    app.save_brief(&editor, AT_STAKE, "Acme", "Portal").await;
    let first_rating = async || {
        let (status, desk) = app.page(&editor, "/admin").await;
        assert_eq!(status, StatusCode::OK);
        let li = select(&desk, "#at-stake > li")[0];
        let at = |name| li.value().attr(name).unwrap().to_owned();
        (at("data-framework"), at("data-field"), at("data-value"))
    };
    let before = first_rating().await;
    // Asked again, unchanged: the same assessment.
    assert_eq!(first_rating().await, before);

    let (framework, field, value) = before.clone();
    let moved = if value == "5" { "4" } else { "5" };
    let saved = app
        .save_framework(&editor, &framework, &[(&field, moved)])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, desk) = app.page(&editor, "/admin").await;
    let stale = select(&desk, "#at-stake > li").into_iter().any(|li| {
        let at = |name| li.value().attr(name).unwrap();
        at("data-framework") == framework && at("data-field") == field && at("data-value") == value
    });
    assert!(
        !stale,
        "{framework} {field} is no longer {value} on the desk"
    );
}

#[tokio::test]
async fn the_desk_says_how_many_recent_briefs_it_weighs() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    app.save_brief(&editor, AT_STAKE, "Acme", "Portal").await;
    let (_, desk) = app.page(&editor, "/admin").await;
    let said = text_of(&desk, "section.stakes");
    assert!(
        said.contains("the 200 most recently changed current briefs"),
        "{said}"
    );
}

#[tokio::test]
async fn the_activity_feed_and_a_history_walk_every_entry_once_through_older_links() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    // Years of edits of django, as the log records them (its states as the import wrote).
    for n in 0..120 {
        sqlx::query(
            "INSERT INTO audit_log (actor, entity, entity_slug, action, before, after, note)
             SELECT 'import', 'framework', 'django', 'update', after, after, ?1
             FROM audit_log WHERE entity = 'framework' AND entity_slug = 'django' AND after IS NOT NULL
             ORDER BY id LIMIT 1",
        )
        .bind(format!("edit {n}"))
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let saved = app
        .save_framework(
            &editor,
            "django",
            &[("summary", "Batteries included, still.")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let in_log = async |sql: &'static str| -> Vec<String> {
        let ids: Vec<i64> = sqlx::query_scalar(sql).fetch_all(&app.pool).await.unwrap();
        ids.iter().map(ToString::to_string).collect()
    };
    let history = "/admin/frameworks/django/history";
    let (seen, pages) = walk(&app, &editor, history, "li[id^='revision-']", "id").await;
    let expected: Vec<String> = in_log(
        "SELECT id FROM audit_log WHERE entity = 'framework' AND entity_slug = 'django' ORDER BY id DESC",
    )
    .await
    .iter()
    .map(|id| format!("revision-{id}"))
    .collect();
    assert_eq!(seen, expected);
    assert_eq!(pages, 3, "122 revisions, 50 to a page");
    // The newest revision, the save just made, heads the first page.
    let (_, first) = app.page(&editor, history).await;
    assert_eq!(
        attributes(&first, "li[id^='revision-']", "id")[0],
        expected[0]
    );

    let (feed, _) = walk(
        &app,
        &editor,
        "/admin/activity?entity=framework",
        "#activity tbody tr",
        "data-entry",
    )
    .await;
    assert_eq!(
        feed,
        in_log("SELECT id FROM audit_log WHERE entity = 'framework' ORDER BY id DESC").await
    );
    let (everything, _) = walk(
        &app,
        &editor,
        "/admin/activity",
        "#activity tbody tr",
        "data-entry",
    )
    .await;
    assert_eq!(
        everything,
        in_log("SELECT id FROM audit_log ORDER BY id DESC").await
    );
}
