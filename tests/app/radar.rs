//! Radar editions: an admin publishes a dated snapshot of every ring, the radar shows any
//! edition and what moved since the one before, and a framework page shows its ring over time.

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{
    TestApp, attributes, form_fields, publish_radar_edition, select, selector, set_field,
    spawn_app, text, text_of,
};

/// `editor` moves `framework` to `ring` through its edit form.
async fn move_to(app: &TestApp, editor: &reqwest::Client, framework: &str, ring: &str) {
    let saved = app
        .save_framework(editor, framework, &[("ring", ring)])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "moving {framework}");
}

/// `editor` deletes `framework` through its confirmation page.
async fn delete(app: &TestApp, editor: &reqwest::Client, framework: &str) {
    let path = format!("/admin/frameworks/{framework}/delete");
    let (_, confirm) = app.page(editor, &path).await;
    let fields = form_fields(&confirm, "form.form-actions-inline");
    let deleted = app.submit(editor, &path, &fields).await;
    assert_eq!(
        deleted.status(),
        StatusCode::SEE_OTHER,
        "deleting {framework}"
    );
}

/// The ring whose row of the radar table holds `framework`.
fn table_ring(page: &Html, framework: &str) -> Option<String> {
    let holds = selector(&format!("li[data-framework='{framework}']"));
    select(page, ".radar-table tbody tr")
        .into_iter()
        .find(|row| row.select(&holds).next().is_some())
        .and_then(|row| row.value().attr("data-ring").map(str::to_owned))
}

/// The frameworks listed under `change` (`moved-in`, `moved-out`, `new`, `gone`) in the moves
/// list `list_id`.
fn listed(page: &Html, list_id: &str, change: &str) -> Vec<String> {
    attributes(
        page,
        &format!("#{list_id} li[data-change='{change}']"),
        "data-framework",
    )
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn admins_publish_an_edition_that_snapshots_every_ring_in_one_audited_step() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let audit_before = count(&app, "SELECT COUNT(*) FROM audit_log").await;

    let (_, page) = app.page(&admin, "/admin/radar-editions").await;
    assert!(select(&page, "#editions").is_empty(), "no edition yet");
    assert!(text_of(&page, "#preview").contains("first edition"));
    let fields = form_fields(&page, "form[action='/admin/radar-editions']");
    let date = fields.iter().find(|(n, _)| n == "published_on").unwrap();
    assert_eq!(
        date.1,
        stackatlas::domain::today(),
        "dated today by default"
    );

    assert_eq!(publish_radar_edition(&app, &admin, "Spring 2026").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM radar_edition_rings").await,
        count(&app, "SELECT COUNT(*) FROM frameworks").await
    );
    let django: String =
        sqlx::query_scalar("SELECT ring FROM radar_edition_rings WHERE framework_slug = 'django'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(django, "adopt");
    let (entity, slug, action, after): (String, String, String, String) = sqlx::query_as(
        "SELECT entity, entity_slug, action, after FROM audit_log ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (entity.as_str(), slug.as_str(), action.as_str()),
        ("radar_edition", "1", "publish")
    );
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["title"], "Spring 2026");
    assert_eq!(after["rings"]["django"], "adopt");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log").await,
        audit_before + 1
    );

    let (_, page) = app.page(&admin, "/admin/radar-editions?published=1").await;
    assert!(text_of(&page, "#published").contains("Published edition 1"));
    assert!(text_of(&page, "#edition-1").contains("Spring 2026"));
    assert!(text_of(&page, "#edition-1").contains("the first edition"));
    assert_eq!(
        text_of(&page, "form[action='/admin/radar-editions'] button"),
        "Publish edition 2"
    );
    assert!(crate::dates::date_problems("/admin/radar-editions", &page).is_empty());
}

#[tokio::test]
async fn the_publish_page_previews_what_the_next_edition_would_move() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    publish_radar_edition(&app, &admin, "Spring").await;
    move_to(&app, &admin, "flask", "hold").await;
    move_to(&app, &admin, "deno", "trial").await;
    delete(&app, &admin, "vapor").await;

    let (_, page) = app.page(&admin, "/admin/radar-editions").await;
    assert_eq!(text_of(&page, "#preview-title"), "Edition 2 would move");
    assert_eq!(listed(&page, "preview", "moved-out"), ["flask"]);
    assert_eq!(listed(&page, "preview", "moved-in"), ["deno"]);
    assert_eq!(listed(&page, "preview", "gone"), ["vapor"]);
    let flask = text_of(&page, "#preview li[data-framework='flask']");
    assert!(flask.contains("moved out from Adopt to Hold"), "{flask}");

    publish_radar_edition(&app, &admin, "Summer").await;
    let (_, page) = app.page(&admin, "/admin/radar-editions").await;
    assert_eq!(
        text_of(&page, "#edition-2 .moves-summary"),
        "1 moved in, 1 moved out, 1 gone"
    );
    assert!(text_of(&page, "#preview").contains("Nothing moved"));
}

#[tokio::test]
async fn editors_see_the_editions_but_not_the_form_and_may_not_publish() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    publish_radar_edition(&app, &admin, "Spring").await;
    let editor = app.signed_in_as(Role::Editor).await;

    let (status, page) = app.page(&editor, "/admin/radar-editions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&page, "#edition-1").contains("Spring"));
    assert!(select(&page, "form[action='/admin/radar-editions']").is_empty());
    assert_eq!(
        text_of(&page, "#admins-publish"),
        "Only admins publish editions."
    );

    let token = app.csrf_token(&editor).await;
    let fields = [
        ("title".to_owned(), "Sneaky".to_owned()),
        ("published_on".to_owned(), stackatlas::domain::today()),
        ("csrf_token".to_owned(), token),
    ];
    let refused = app.submit(&editor, "/admin/radar-editions", &fields).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM radar_editions").await, 1);

    let viewer = app.signed_in_as(Role::Viewer).await;
    let (status, _) = app.page(&viewer, "/admin/radar-editions").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_bad_publish_form_comes_back_with_the_message_at_each_field_and_nothing_published() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let (_, page) = app.page(&admin, "/admin/radar-editions").await;
    let mut fields = form_fields(&page, "form[action='/admin/radar-editions']");
    set_field(&mut fields, "title", "   ");
    set_field(&mut fields, "published_on", "2026-02-30");
    set_field(&mut fields, "note", &"n".repeat(4001));
    let refused = app.submit(&admin, "/admin/radar-editions", &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Html::parse_document(&refused.text().await.unwrap());
    assert!(text_of(&page, "#publish-title-error").contains("title"));
    assert!(text_of(&page, "#publish-published_on-error").contains("\"2026-02-30\" is not a date"));
    assert!(text_of(&page, "#publish-note-error").contains("4000"));
    assert_eq!(
        attributes(&page, "#publish-published_on", "aria-invalid"),
        ["true"]
    );
    assert_eq!(
        attributes(&page, "#publish-published_on", "value"),
        ["2026-02-30"],
        "kept"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM radar_editions").await, 0);

    // A date after today's is refused too: an edition records the radar as it stands.
    set_field(&mut fields, "title", "Tomorrow");
    set_field(&mut fields, "note", "");
    set_field(&mut fields, "published_on", "2999-01-01");
    let refused = app.submit(&admin, "/admin/radar-editions", &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Html::parse_document(&refused.text().await.unwrap());
    assert!(text_of(&page, "#publish-published_on-error").contains("later than today"));
    assert!(select(&page, "#publish-title-error").is_empty());
}

#[tokio::test]
async fn the_desk_links_to_the_radar_editions() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, desk) = app.page(&editor, "/admin").await;
    assert!(
        attributes(&desk, ".desk-links a", "href").contains(&"/admin/radar-editions".to_owned())
    );
}

#[tokio::test]
async fn an_edition_keeps_showing_its_own_rings_and_what_moved_since_the_one_before() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    publish_radar_edition(&app, &admin, "Spring").await;
    move_to(&app, &admin, "flask", "hold").await;
    move_to(&app, &admin, "deno", "trial").await;
    publish_radar_edition(&app, &admin, "Summer").await;
    move_to(&app, &admin, "flask", "trial").await;

    let first = app.get_html("/trends?edition=1", StatusCode::OK).await;
    assert_eq!(text_of(&first, "#radar-title"), "Radar edition 1: Spring");
    assert_eq!(table_ring(&first, "flask").as_deref(), Some("adopt"));
    assert!(text_of(&first, "#first-edition").contains("first edition"));
    assert!(select(&first, "#moves").is_empty());
    assert!(
        select(&first, "#trends-title").is_empty(),
        "live trends are for the live radar"
    );

    let second = app.get_html("/trends?edition=2", StatusCode::OK).await;
    assert_eq!(table_ring(&second, "flask").as_deref(), Some("hold"));
    assert_eq!(
        text_of(&second, "#moves-title"),
        "What moved since edition 1"
    );
    assert_eq!(listed(&second, "moves", "moved-out"), ["flask"]);
    assert_eq!(listed(&second, "moves", "moved-in"), ["deno"]);
    // The drawing says it too, for those who read it aloud.
    let labels = attributes(&second, ".radar .blip.changed", "aria-label");
    assert!(
        labels
            .iter()
            .any(|l| l == "Flask: Micro / API framework, Hold, moved out from Adopt to Hold"),
        "{labels:?}"
    );
    assert!(
        text_of(&second, ".radar-table li[data-framework='deno']")
            .contains("moved in from Hold to Trial")
    );
    assert!(crate::dates::date_problems("/trends?edition=2", &second).is_empty());

    let now = app.get_html("/trends", StatusCode::OK).await;
    assert_eq!(text_of(&now, "#radar-title"), "Radar now");
    assert!(
        text_of(&now, "#moves-title").starts_with("What moved since the latest edition (2: Summer")
    );
    assert_eq!(listed(&now, "moves", "moved-in"), ["flask"]);
    assert_eq!(table_ring(&now, "flask").as_deref(), Some("trial"));
    assert!(!select(&now, "#trends-title").is_empty());
}

#[tokio::test]
async fn the_picker_lists_every_edition_and_marks_the_one_shown() {
    let app = spawn_app().await;
    let bare = app.get_html("/trends", StatusCode::OK).await;
    assert!(
        select(&bare, "select#edition").is_empty(),
        "nothing to pick yet"
    );
    assert!(select(&bare, "#moves-title").is_empty());

    let admin = app.signed_in_as(Role::Admin).await;
    publish_radar_edition(&app, &admin, "Spring").await;
    publish_radar_edition(&app, &admin, "Summer").await;
    let page = app.get_html("/trends?edition=1", StatusCode::OK).await;
    assert_eq!(attributes(&page, "form.edition-picker", "method"), ["get"]);
    assert_eq!(
        attributes(&page, "select#edition option", "value"),
        ["", "2", "1"]
    );
    assert_eq!(
        attributes(&page, "select#edition option[selected]", "value"),
        ["1"]
    );
    assert!(text_of(&page, "select#edition option[value='2']").starts_with("Edition 2: Summer"));
    assert_eq!(text_of(&page, "label[for=edition]"), "Radar edition");
    // The "now" choice sends an empty edition, which is the live radar.
    let now = app.get_html("/trends?edition=", StatusCode::OK).await;
    assert_eq!(text_of(&now, "#radar-title"), "Radar now");
    assert_eq!(
        attributes(&now, "select#edition option[selected]", "value"),
        [""]
    );
}

#[tokio::test]
async fn a_malformed_edition_is_a_400_and_an_unknown_one_a_404_each_naming_edition() {
    let app = spawn_app().await;
    for (path, status, says) in [
        (
            "/trends?edition=abc",
            StatusCode::BAD_REQUEST,
            "\"abc\" is not an edition number",
        ),
        (
            "/trends?edition=0",
            StatusCode::BAD_REQUEST,
            "not an edition number",
        ),
        (
            "/trends?edition=1&edition=2",
            StatusCode::BAD_REQUEST,
            "one edition",
        ),
        (
            "/trends?edition=3",
            StatusCode::NOT_FOUND,
            "no radar edition has been published yet",
        ),
    ] {
        let page = app.get_html(path, status).await;
        let alert = text_of(&page, "#edition-error");
        assert!(
            alert.contains("edition:") && alert.contains(says),
            "{path}: {alert}"
        );
        assert_eq!(
            attributes(&page, "select#edition", "aria-invalid"),
            ["true"],
            "{path}"
        );
        assert!(select(&page, "svg.radar").is_empty(), "{path}");
    }
    let admin = app.signed_in_as(Role::Admin).await;
    publish_radar_edition(&app, &admin, "Spring").await;
    let page = app
        .get_html("/trends?edition=7", StatusCode::NOT_FOUND)
        .await;
    assert!(text_of(&page, "#edition-error").contains("the published editions are 1 to 1"));
}

#[tokio::test]
async fn a_framework_deleted_since_stays_in_its_edition_drawn_in_its_quadrant_without_a_link() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    publish_radar_edition(&app, &admin, "Spring").await;
    delete(&app, &admin, "vapor").await;
    publish_radar_edition(&app, &admin, "Summer").await;

    let first = app.get_html("/trends?edition=1", StatusCode::OK).await;
    let vapor = select(&first, ".radar .blip[aria-label^='Vapor']");
    assert_eq!(
        vapor.len(),
        1,
        "drawn, its quadrant taken from its last revision"
    );
    assert_eq!(
        vapor[0].value().attr("aria-label"),
        Some("Vapor: Full-stack framework, Assess")
    );
    assert_eq!(vapor[0].value().name(), "g", "its page is gone: not a link");
    assert_eq!(vapor[0].value().attr("role"), Some("img"));
    assert!(select(&first, "#undrawn").is_empty());
    assert_eq!(table_ring(&first, "vapor").as_deref(), Some("assess"));

    let second = app.get_html("/trends?edition=2", StatusCode::OK).await;
    assert_eq!(listed(&second, "moves", "gone"), ["vapor"]);
    assert!(
        text(select(&second, "#moves li[data-framework='vapor']")[0]).contains("was in Assess")
    );
    assert!(select(&second, "#moves li[data-framework='vapor'] a").is_empty());
}

#[tokio::test]
async fn publishing_shows_on_the_radar_and_framework_pages_at_once() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    // Both pages asked for first, as a cache would have kept them.
    let before = app.get_html("/trends", StatusCode::OK).await;
    assert!(select(&before, "#moves-title").is_empty());
    let before = app.get_html("/frameworks/flask", StatusCode::OK).await;
    assert!(select(&before, "#ring-over-time").is_empty());
    let version = count(&app, "SELECT version FROM knowledge_version").await;

    publish_radar_edition(&app, &admin, "Spring").await;
    assert_eq!(
        count(&app, "SELECT version FROM knowledge_version").await,
        version,
        "an edition is not knowledge the ranking reads"
    );
    let after = app.get_html("/trends", StatusCode::OK).await;
    assert!(text_of(&after, "#moves-title").contains("Spring"));
    let after = app.get_html("/frameworks/flask", StatusCode::OK).await;
    assert_eq!(
        attributes(&after, "#ring-over-time tbody tr", "data-edition"),
        ["1", "now"]
    );
}

#[tokio::test]
async fn a_framework_page_shows_its_ring_in_every_edition_then_now_marking_each_change() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    publish_radar_edition(&app, &admin, "Spring").await;
    publish_radar_edition(&app, &admin, "Summer").await;
    move_to(&app, &admin, "flask", "trial").await;
    publish_radar_edition(&app, &admin, "Autumn").await;
    move_to(&app, &admin, "flask", "hold").await;

    let page = app.get_html("/frameworks/flask", StatusCode::OK).await;
    assert_eq!(
        text_of(&page, "#ring-over-time-title"),
        "Radar ring over time"
    );
    let rows = select(&page, "#ring-over-time tbody tr");
    let seen: Vec<(String, String, String)> = rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row.select(&selector("th, td")).map(text).collect();
            (
                row.value().attr("data-edition").unwrap().to_owned(),
                row.value().attr("data-ring").unwrap().to_owned(),
                cells[2].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("1".into(), "adopt".into(), "first on the radar".into()),
            ("2".into(), "adopt".into(), "unchanged".into()),
            (
                "3".into(),
                "trial".into(),
                "moved out from Adopt to Trial".into()
            ),
            (
                "now".into(),
                "hold".into(),
                "moved out from Trial to Hold".into()
            ),
        ]
    );
    assert_eq!(
        attributes(&page, "#ring-over-time tr.changed", "data-edition"),
        ["1", "3", "now"]
    );
    assert_eq!(
        attributes(&page, "#ring-over-time th a", "href"),
        [
            "/trends?edition=1",
            "/trends?edition=2",
            "/trends?edition=3",
            "/trends"
        ]
    );
    assert!(crate::dates::date_problems("/frameworks/flask", &page).is_empty());
}

#[tokio::test]
async fn a_framework_new_since_the_latest_edition_is_in_no_edition_yet() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    delete(&app, &admin, "vapor").await;
    publish_radar_edition(&app, &admin, "Spring").await;
    // Restored from its history: back in the knowledge base, as a new row.
    let (_, history) = app.page(&admin, "/admin/frameworks/vapor/history").await;
    let restore = select(&history, "#revisions form")[0];
    let action = restore.value().attr("action").unwrap().to_owned();
    let fields = form_fields(&history, &format!("form[action='{action}']"));
    let restored = app.submit(&admin, &action, &fields).await;
    assert_eq!(restored.status(), StatusCode::SEE_OTHER);

    let page = app.get_html("/frameworks/vapor", StatusCode::OK).await;
    assert_eq!(
        attributes(&page, "#ring-over-time tbody tr", "data-edition"),
        ["now"]
    );
    assert_eq!(
        text_of(&page, "#ring-over-time tbody td:last-child"),
        "in no edition yet"
    );
    let now = app.get_html("/trends", StatusCode::OK).await;
    assert_eq!(listed(&now, "moves", "new"), ["vapor"]);
}

#[tokio::test]
async fn a_renamed_framework_keeps_its_editions_and_is_not_counted_as_gone_and_new() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    publish_radar_edition(&app, &admin, "Spring").await;
    let renamed = app
        .save_framework(&admin, "flask", &[("slug", "flask-py"), ("ring", "trial")])
        .await;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);

    let now = app.get_html("/trends", StatusCode::OK).await;
    assert_eq!(listed(&now, "moves", "moved-out"), ["flask-py"]);
    assert!(listed(&now, "moves", "new").is_empty() && listed(&now, "moves", "gone").is_empty());
    // The old edition links to the framework where it lives now.
    let first = app.get_html("/trends?edition=1", StatusCode::OK).await;
    assert_eq!(table_ring(&first, "flask-py").as_deref(), Some("adopt"));
    assert_eq!(
        attributes(
            &first,
            ".radar-table li[data-framework='flask-py'] a",
            "href"
        ),
        ["/frameworks/flask-py"]
    );
    let page = app.get_html("/frameworks/flask-py", StatusCode::OK).await;
    assert_eq!(
        attributes(&page, "#ring-over-time tbody tr", "data-edition"),
        ["1", "now"]
    );
}
