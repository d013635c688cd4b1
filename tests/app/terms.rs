//! Editing the vocabulary: languages, features, industries, use cases, requirements, trends.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use scraper::{ElementRef, Html};
use serde_json::Value;
use stackatlas::db::knowledge::load_document;
use stackatlas::db::terms::{self, TermKind};
use stackatlas::domain::Role;
use stackatlas::routes::admin::terms as admin_terms;

use crate::helpers::{
    TestApp, attributes, csrf_in, edit_form, form_fields, select, selector, set_field, spawn_app,
    text, text_of,
};

const KINDS: [(&str, &str); 6] = [
    ("languages", "go"),
    ("features", "orm"),
    ("industries", "healthcare"),
    ("use-cases", "telemedicine"),
    ("requirements", "security"),
    ("trends", "serverless"),
];

#[tokio::test]
async fn every_vocabulary_page_is_guarded_by_role() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    for (kind, slug) in KINDS {
        for path in [
            format!("/admin/{kind}"),
            format!("/admin/{kind}/new"),
            format!("/admin/{kind}/{slug}/edit"),
            format!("/admin/{kind}/{slug}/delete"),
            format!("/admin/{kind}/{slug}/history"),
        ] {
            assert_eq!(
                app.get(&path).await.status(),
                StatusCode::SEE_OTHER,
                "{path}"
            );
            assert_eq!(
                app.page(&viewer, &path).await.0,
                StatusCode::FORBIDDEN,
                "{path}"
            );
            assert_eq!(app.page(&editor, &path).await.0, StatusCode::OK, "{path}");
        }
    }
    assert_eq!(
        app.page(&editor, "/admin/spaceships").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn renaming_a_requirement_shows_on_the_query_form_and_stale_copies_conflict() {
    let app = spawn_app().await;
    let first = app.signed_in_as(Role::Editor).await;
    let second = app.signed_in_as(Role::Admin).await;
    let path = "/admin/requirements/security/edit";
    let (_, mine) = app.page(&first, path).await;
    let (_, theirs) = app.page(&second, path).await;
    let mut mine = form_fields(&mine, "form.stacked-form");
    let mut theirs = form_fields(&theirs, "form.stacked-form");

    set_field(&mut theirs, "name", "Hardened security");
    assert_eq!(
        app.submit(&second, path, &theirs).await.status(),
        StatusCode::SEE_OTHER
    );
    let html = app.get_html("/", StatusCode::OK).await;
    assert_eq!(text_of(&html, "#req-security"), "Hardened security");

    set_field(&mut mine, "name", "Security first");
    let stale = app.submit(&first, path, &mine).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let html = Html::parse_document(&stale.text().await.unwrap());
    let row = text_of(&html, "#conflict tbody tr");
    assert!(
        row.contains("Hardened security") && row.contains("Security first"),
        "{row}"
    );
}

#[tokio::test]
async fn a_use_case_needs_a_known_industry_and_a_free_slug() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, form) = app.page(&editor, "/admin/use-cases/new").await;
    let mut fields = form_fields(&form, "form.stacked-form");
    set_field(&mut fields, "name", "Drone delivery");
    set_field(&mut fields, "slug", "drone-delivery");
    set_field(&mut fields, "industry", "");
    let response = app.submit(&editor, "/admin/use-cases/new", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select(&html, "#t-industry-error").len(), 1);
    assert_eq!(attributes(&html, "#t-name", "value"), ["Drone delivery"]);

    set_field(&mut fields, "industry", "logistics");
    set_field(&mut fields, "slug", "food-delivery");
    let taken = app.submit(&editor, "/admin/use-cases/new", &fields).await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&taken.text().await.unwrap());
    assert!(text_of(&html, "#t-slug-error").contains("already uses"));

    set_field(&mut fields, "slug", "drone-delivery");
    let created = app.submit(&editor, "/admin/use-cases/new", &fields).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let industries = app
        .get_json("/api/v1/industries?limit=200", StatusCode::OK)
        .await;
    let logistics = industries["industries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "logistics")
        .unwrap();
    assert!(
        logistics["use_cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["slug"] == "drone-delivery")
    );
}

#[tokio::test]
async fn a_language_in_use_cannot_be_deleted_and_nothing_changes() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, confirm) = app.page(&editor, "/admin/languages/go/delete").await;
    assert!(text_of(&confirm, "#blocked").contains("written in this language"));
    assert!(text_of(&confirm, "#links-removed").contains("Gin"));
    let token = crate::helpers::csrf_in(&confirm);
    let response = editor
        .post(app.url("/admin/languages/go/delete"))
        .form(&[("version", "1"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let languages = app
        .get_json("/api/v1/languages?limit=200", StatusCode::OK)
        .await;
    assert!(
        languages["languages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["slug"] == "go")
    );
}

#[tokio::test]
async fn a_deleted_trend_loses_its_links_and_comes_back_with_restore() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, confirm) = app.page(&editor, "/admin/trends/webassembly/delete").await;
    let fields = form_fields(&confirm, "form.form-actions-inline");
    let deleted = app
        .submit(&editor, "/admin/trends/webassembly/delete", &fields)
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    let trends = app
        .get_json("/api/v1/trends?limit=200", StatusCode::OK)
        .await;
    assert!(
        !trends["trends"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["slug"] == "webassembly")
    );

    let (_, history) = app.page(&editor, "/admin/trends/webassembly/history").await;
    let newest = text(select(&history, "#revisions > li")[0]);
    assert!(newest.starts_with("delete"), "{newest}");
    let action = attributes(&history, "#revisions form", "action")[0].clone();
    let token = crate::helpers::csrf_in(&history);
    let restored = editor
        .post(app.url(&action))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), StatusCode::SEE_OTHER);
    let trends = app
        .get_json("/api/v1/trends?limit=200", StatusCode::OK)
        .await;
    assert!(
        trends["trends"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["slug"] == "webassembly")
    );
}

#[tokio::test]
async fn markup_in_a_term_name_is_shown_escaped() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let path = "/admin/industries/gaming/edit";
    let (_, form) = app.page(&editor, path).await;
    let mut fields = form_fields(&form, "form.stacked-form");
    let payload = "Games <img src=x onerror=alert(1)>";
    set_field(&mut fields, "name", payload);
    assert_eq!(
        app.submit(&editor, path, &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    for path in [
        "/industries",
        "/industries/gaming",
        "/",
        "/admin/industries",
        path,
        "/compare?f=gin&f=axum",
    ] {
        let (_, html) = app.page(&editor, path).await;
        assert!(select(&html, "[onerror]").is_empty(), "{path}");
    }
    let (_, html) = app.page(&editor, "/industries/gaming").await;
    assert_eq!(text_of(&html, "h1"), payload);
}

#[tokio::test]
async fn lists_search_filter_and_sort() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, html) = app
        .page(&editor, "/admin/use-cases?within=healthcare")
        .await;
    let names: Vec<String> = select(&html, "#term-table tbody th")
        .into_iter()
        .map(text)
        .collect();
    assert!(names.contains(&"Telemedicine".to_owned()), "{names:?}");
    assert!(names.len() < crate::helpers::seed_document().use_cases.len());
    let (_, html) = app.page(&editor, "/admin/requirements?q=sql").await;
    let slugs: Vec<String> = select(&html, "#term-table tbody code")
        .into_iter()
        .map(text)
        .collect();
    assert!(slugs.contains(&"sql-database".to_owned()), "{slugs:?}");
    let (status, _) = app.page(&editor, "/admin/use-cases?within=moon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, html) = app
        .page(&editor, "/admin/frameworks?sort=reviewed&page=2")
        .await;
    let frameworks = crate::helpers::seed_document().frameworks.len();
    let pages = frameworks.div_ceil(10);
    assert!(
        text_of(&html, ".result-count").contains(&format!("page 2 of {pages}")),
        "{}",
        text_of(&html, ".result-count")
    );
    let (status, _) = app.page(&editor, "/admin/frameworks?sort=sideways").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// -------------------------------------------------------------- restoring deleted entries

/// Each framework's version, by name.
async fn framework_versions(app: &TestApp) -> BTreeMap<String, i64> {
    sqlx::query_as("SELECT name, version FROM frameworks")
        .fetch_all(&app.pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

async fn audit_entries(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The newest audit entry: entity, slug, action, and the state before and after it.
async fn newest_audit_entry(app: &TestApp) -> (String, String, String, Value, Value) {
    let (entity, slug, action, before, after): (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT entity, entity_slug, action, before, after FROM audit_log ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let parse =
        |json: Option<String>| json.map_or(Value::Null, |j| serde_json::from_str(&j).unwrap());
    (entity, slug, action, parse(before), parse(after))
}

/// Deletes an entry (or a framework) through its confirmation page.
async fn delete_entry(app: &TestApp, editor: &reqwest::Client, kind: &str, slug: &str) {
    let path = format!("/admin/{kind}/{slug}/delete");
    let (_, confirm) = app.page(editor, &path).await;
    let fields = form_fields(&confirm, "form.form-actions-inline");
    let deleted = app.submit(editor, &path, &fields).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER, "{path}");
}

/// The newest revision on a history page: its action, and its framework link rows as
/// (framework, before, after).
fn newest_revision(history: &Html) -> (String, Vec<(String, String, String)>) {
    let newest = select(history, "#revisions > li")[0];
    let cell = |row: ElementRef<'_>, css: &str| text(row.select(&selector(css)).next().unwrap());
    let links = newest
        .select(&selector("table.diff tbody tr"))
        .filter_map(|row| {
            let framework = cell(row, "th").strip_prefix("link: ")?.to_owned();
            Some((framework, cell(row, "td.old"), cell(row, "td.new")))
        })
        .collect();
    (cell(newest, "strong"), links)
}

/// What restoring a deletion did, as its history page shows it: each framework link that went
/// with the deletion and each one that came back, as (framework, strength or fit — note), and
/// the links the restore's revision records (`Null` when it records none).
struct Restored {
    went: Vec<(String, String)>,
    came_back: Vec<(String, String)>,
    recorded: Value,
}

/// Restores an entry's newest revision, its deletion, from its history page, and checks that
/// this is one audit entry, a revert of that entry.
async fn restore_deletion(
    app: &TestApp,
    editor: &reqwest::Client,
    kind: &str,
    slug: &str,
) -> Restored {
    let path = format!("/admin/{kind}/{slug}/history");
    let (_, history) = app.page(editor, &path).await;
    let (action, went) = newest_revision(&history);
    assert_eq!(action, "delete", "{path}");
    let singular = admin_terms::entity(admin_terms::kind_named(kind).unwrap()).singular;
    assert!(
        text_of(&history, ".lead").starts_with(&format!("This {singular} is deleted")),
        "{path}"
    );
    let restore = attributes(&history, "#revisions > li:first-child form", "action");
    let entries = audit_entries(app).await;
    let restored = editor
        .post(app.url(&restore[0]))
        .form(&[("csrf_token", csrf_in(&history))])
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), StatusCode::SEE_OTHER, "{path}");
    assert_eq!(
        audit_entries(app).await,
        entries + 1,
        "one revision: {path}"
    );
    let (entity, entry, action, _, after) = newest_audit_entry(app).await;
    let audit_name = admin_terms::kind_named(kind).unwrap().audit_name();
    assert_eq!((entity.as_str(), entry.as_str()), (audit_name, slug));
    assert_eq!(action, "revert");

    let (status, history) = app.page(editor, &path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    let (action, came_back) = newest_revision(&history);
    assert_eq!(action, "revert", "{path}");
    Restored {
        went: went.into_iter().map(|(f, before, _)| (f, before)).collect(),
        came_back: came_back
            .into_iter()
            .map(|(f, _, after)| (f, after))
            .collect(),
        recorded: after["links"].clone(),
    }
}

/// Deletes `entries` in order through their confirmation pages, restores each deletion in
/// reverse order from its history page, and checks that every framework link came back with
/// its strength or fit and note: the knowledge base and the ranking for `query` are exactly as
/// before, and the frameworks whose links went and came back have new versions.
async fn restoring_deletions_gives_back_every_link(entries: &[(&str, &str)], query: &str) {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    // One page holds every result, so no cursor (which names the knowledge version) differs.
    let recommendation = format!("/api/v1/recommendations?{query}&limit=100");
    let knowledge = load_document(&app.pool).await.unwrap();
    let ranked = app.get_json(&recommendation, StatusCode::OK).await;
    let versions = framework_versions(&app).await;
    let mut linked = BTreeSet::new();
    let mut links = BTreeMap::new();
    for &(kind, slug) in entries {
        let kind_of = admin_terms::kind_named(kind).unwrap();
        let dependents = terms::dependents(&app.pool, kind_of, slug).await.unwrap();
        assert!(
            !dependents.frameworks.is_empty(),
            "{slug} has links to lose"
        );
        links.insert(slug, dependents.frameworks.len());
        linked.extend(dependents.frameworks);
        delete_entry(&app, &editor, kind, slug).await;
    }
    // Asked while the links are gone, so that an answer kept from then would show below.
    app.get(&recommendation).await;
    for &(kind, slug) in entries.iter().rev() {
        let restored = restore_deletion(&app, &editor, kind, slug).await;
        assert_eq!(restored.went.len(), links[slug], "{slug}");
        assert_eq!(restored.came_back, restored.went, "{slug}");
        assert_eq!(restored.recorded.as_array().unwrap().len(), links[slug]);
    }
    assert_eq!(load_document(&app.pool).await.unwrap(), knowledge);
    assert_eq!(app.get_json(&recommendation, StatusCode::OK).await, ranked);
    let now = framework_versions(&app).await;
    for (name, version) in versions {
        assert_eq!(now[&name] > version, linked.contains(&name), "{name}");
    }
}

/// One test per kind, each named by what it proves, all running the same check.
macro_rules! restoring_a_deletion_gives_back_every_link {
    ($($(#[$comment:meta])* $name:ident: $entries:expr, $query:literal;)*) => {$(
        $(#[$comment])*
        #[tokio::test]
        async fn $name() {
            restoring_deletions_gives_back_every_link(&$entries, $query).await;
        }
    )*};
}

restoring_a_deletion_gives_back_every_link! {
    restoring_a_deleted_requirement_brings_back_every_framework_link_with_its_strength_and_note:
        [("requirements", "security")], "need=security&want=real-time-updates";
    /// An industry cannot go while use cases belong to it: they go first and come back last.
    restoring_a_deleted_industry_brings_back_every_framework_link_with_its_fit_and_note:
        [
            ("use-cases", "leaderboards"),
            ("use-cases", "multiplayer-backend"),
            ("industries", "gaming"),
        ],
        "industry=gaming&want=real-time-updates";
    restoring_a_deleted_feature_brings_back_every_framework_link:
        [("features", "websockets")], "q=websockets&want=real-time-updates";
    restoring_a_deleted_use_case_brings_back_every_framework_link:
        [("use-cases", "fleet-tracking")], "industry=logistics&q=fleet+tracking";
    restoring_a_deleted_trend_brings_back_every_framework_link:
        [("trends", "graphql")], "want=graphql-api&q=graphql";
}

#[tokio::test]
async fn a_use_case_whose_industry_is_gone_is_not_restored_and_the_page_says_why() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    for (kind, slug) in [
        ("use-cases", "leaderboards"),
        ("use-cases", "multiplayer-backend"),
        ("industries", "gaming"),
    ] {
        delete_entry(&app, &editor, kind, slug).await;
    }
    let (_, history) = app
        .page(&editor, "/admin/use-cases/leaderboards/history")
        .await;
    let restore = attributes(&history, "#revisions > li:first-child form", "action");
    let entries = audit_entries(&app).await;
    let refused = editor
        .post(app.url(&restore[0]))
        .form(&[("csrf_token", csrf_in(&history))])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = Html::parse_document(&refused.text().await.unwrap());
    assert!(
        text_of(&page, "main").contains("“gaming”"),
        "names the industry"
    );
    assert_eq!(audit_entries(&app).await, entries, "nothing written");
}

#[tokio::test]
async fn a_language_takes_no_links_with_it_and_comes_back_alone() {
    let app = spawn_app().await;
    // Every language of the seed is in use, so it cannot be deleted: this one is not.
    sqlx::query("INSERT INTO languages (slug, name) VALUES ('zig', 'Zig')")
        .execute(&app.pool)
        .await
        .unwrap();
    let editor = app.signed_in_as(Role::Editor).await;

    delete_entry(&app, &editor, "languages", "zig").await;
    let (_, _, action, before, _) = newest_audit_entry(&app).await;
    assert_eq!(action, "delete");
    assert_eq!(before["links"], serde_json::json!([]));
    let restored = restore_deletion(&app, &editor, "languages", "zig").await;
    assert!(restored.came_back.is_empty());
    assert_eq!(restored.recorded, serde_json::json!([]));
    let zig = terms::load(&app.pool, TermKind::Language, "zig")
        .await
        .unwrap();
    assert_eq!(zig.expect("the language is back").record.name, "Zig");
}

#[tokio::test]
async fn a_restore_skips_a_framework_deleted_since_and_brings_back_the_other_links() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    delete_entry(&app, &editor, "trends", "graphql").await;
    delete_entry(&app, &editor, "frameworks", "phoenix").await;

    let restored = restore_deletion(&app, &editor, "trends", "graphql").await;
    let frameworks = |links: &[(String, String)]| -> Vec<String> {
        links.iter().map(|(f, _)| f.clone()).collect()
    };
    let linked: Vec<String> = crate::helpers::seed_document()
        .frameworks
        .iter()
        .filter(|f| f.trends.iter().any(|t| t == "graphql"))
        .map(|f| f.slug.clone())
        .collect();
    assert!(linked.contains(&"phoenix".to_owned()), "{linked:?}");
    let others: Vec<String> = linked.iter().filter(|f| *f != "phoenix").cloned().collect();
    assert_eq!(frameworks(&restored.went), linked);
    assert_eq!(frameworks(&restored.came_back), others);
    for slug in &others {
        let framework = app
            .get_json(&format!("/api/v1/frameworks/{slug}"), StatusCode::OK)
            .await;
        let trends = framework["trends"].as_array().unwrap();
        assert!(trends.iter().any(|t| t["slug"] == "graphql"), "{slug}");
    }
}

#[tokio::test]
async fn a_deletion_recorded_before_links_were_kept_restores_the_entry_alone() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    // How deletions used to be recorded: the entry's fields and nothing else.
    for statement in [
        "DELETE FROM trends WHERE slug = 'graphql'",
        "INSERT INTO audit_log (actor, entity, entity_slug, action, before)
         VALUES ('Someone', 'trend', 'graphql', 'delete',
                 json_object('slug', 'graphql', 'name', 'GraphQL APIs', 'description', ''))",
    ] {
        sqlx::query(statement).execute(&app.pool).await.unwrap();
    }

    let restored = restore_deletion(&app, &editor, "trends", "graphql").await;
    assert!(restored.went.is_empty() && restored.came_back.is_empty());
    assert_eq!(restored.recorded, Value::Null);
    let graphql = terms::load(&app.pool, TermKind::Trend, "graphql")
        .await
        .unwrap();
    assert_eq!(
        graphql.expect("the trend is back").record.name,
        "GraphQL APIs"
    );
    let dependents = terms::dependents(&app.pool, TermKind::Trend, "graphql")
        .await
        .unwrap();
    assert!(dependents.frameworks.is_empty(), "{dependents:?}");
}

#[tokio::test]
async fn a_framework_form_opened_before_a_restore_conflicts_instead_of_dropping_the_restored_link()
{
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    delete_entry(&app, &editor, "features", "websockets").await;
    let mut stale = edit_form(&editor, &app, "axum").await;
    restore_deletion(&app, &editor, "features", "websockets").await;

    set_field(&mut stale, "action", "save");
    let refused = app
        .submit(&editor, "/admin/frameworks/axum/edit", &stale)
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let axum = app
        .get_json("/api/v1/frameworks/axum", StatusCode::OK)
        .await;
    let features = axum["features"].as_array().unwrap();
    assert!(features.iter().any(|f| f["slug"] == "websockets"));
}
