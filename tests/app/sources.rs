//! Knowledge a salesperson can defend: sources, the languages teams write, review dates and
//! rubrics, through every door (API, pages, forms, exports, imports of older files).

use reqwest::StatusCode;
use stackatlas::domain::Role;
use stackatlas::knowledge::import::import;
use stackatlas::knowledge::seed::FIRST_EDITION_JSON;
use stackatlas::knowledge::validate::parse;

use crate::helpers::{
    attributes, seed_document, select, set_field, spawn_app, spawn_app_with, text, text_of,
};

#[tokio::test]
async fn the_api_gives_each_framework_its_sources_languages_and_each_ratings_sources_and_review_date()
 {
    let app = spawn_app().await;
    let seed = seed_document();
    let firebase = seed
        .frameworks
        .iter()
        .find(|f| f.slug == "firebase")
        .unwrap();
    let body = app
        .get_json("/api/v1/frameworks/firebase", StatusCode::OK)
        .await;
    let sources = body["sources"].as_array().unwrap();
    assert_eq!(sources.len(), firebase.sources.len());
    assert!(sources.len() >= 3);
    for (given, stored) in sources.iter().zip(&firebase.sources) {
        assert_eq!(given["url"], stored.url.as_str());
        assert_eq!(given["title"], stored.title.as_str());
        assert_eq!(given["checked"], stored.checked.as_str());
    }
    assert_eq!(body["languages"], serde_json::json!(firebase.languages));
    assert!(
        firebase.languages.len() > 1,
        "a platform is used from several languages"
    );
    for strength in body["requirements"].as_array().unwrap() {
        let stored = firebase
            .requirements
            .iter()
            .find(|r| r.requirement == strength["requirement"].as_str().unwrap())
            .unwrap();
        assert_eq!(strength["sources"], serde_json::json!(stored.sources));
        assert_eq!(strength["reviewed"], serde_json::json!(stored.reviewed));
    }
    for fit in body["industries"].as_array().unwrap() {
        assert!(fit["sources"].is_array() && fit.get("reviewed").is_some());
    }

    let list = app
        .get_json("/api/v1/frameworks?limit=200", StatusCode::OK)
        .await;
    let listed = list["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["slug"] == "firebase")
        .unwrap();
    assert_eq!(listed["languages"], body["languages"]);

    for (path, key) in [
        ("/api/v1/requirements", "requirements"),
        ("/api/v1/industries", "industries"),
    ] {
        let entries = app.get_json(path, StatusCode::OK).await;
        for entry in entries[key].as_array().unwrap() {
            assert_eq!(
                entry["rubric"].as_array().unwrap().len(),
                6,
                "{path} {entry}"
            );
        }
    }
}

#[tokio::test]
async fn a_file_of_format_version_one_still_imports_each_framework_written_in_its_own_language() {
    let app = spawn_app_with(None).await;
    let first = parse(FIRST_EDITION_JSON).expect("version 1 reads");
    let report = import(&app.pool, &first, false, "test").await.unwrap();
    assert!(report.created() > 0);
    let body = app
        .get_json("/api/v1/frameworks/django", StatusCode::OK)
        .await;
    assert_eq!(body["languages"], serde_json::json!(["python"]));
    assert_eq!(body["sources"], serde_json::json!([]));
}

#[tokio::test]
async fn an_editor_adds_a_source_cites_it_and_the_rating_records_who_changed_it_and_when() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    // An older review date on another rating, to see that an untouched rating keeps it.
    sqlx::query(
        "UPDATE framework_industries SET reviewed = '2026-01-15'
         WHERE framework_id = (SELECT id FROM frameworks WHERE slug = 'gin')
           AND industry_id = (SELECT id FROM industries WHERE slug = 'fintech')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let seed = seed_document();
    let gin = seed.frameworks.iter().find(|f| f.slug == "gin").unwrap();
    let new_source = "https://example.org/gin-security-review";
    let row = gin.sources.len();

    let saved = app
        .save_framework(
            &editor,
            "gin",
            &[
                (&format!("source.{row}.url"), new_source),
                (&format!("source.{row}.title"), "A security review of Gin"),
                (&format!("source.{row}.checked"), "2026-11-01"),
                ("req.security.sources", new_source),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let body = app.get_json("/api/v1/frameworks/gin", StatusCode::OK).await;
    let sources: Vec<&str> = body["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .collect();
    assert_eq!(sources.last(), Some(&new_source));
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let rating = |list: &str, key: &str, slug: &str| {
        body[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[key] == slug)
            .unwrap()
            .clone()
    };
    let security = rating("requirements", "requirement", "security");
    assert_eq!(security["sources"], serde_json::json!([new_source]));
    assert_eq!(security["reviewed"], today.as_str());
    assert_eq!(
        rating("industries", "industry", "fintech")["reviewed"],
        "2026-01-15"
    );
    // The framework's own review date is not the ratings': it moves only when marked.
    assert_eq!(body["last_reviewed"], serde_json::json!(gin.last_reviewed));

    // The page names who changed the rating and links the source beside its note.
    let html = app.get_html("/frameworks/gin", StatusCode::OK).await;
    let note = text_of(&html, "#requirement-security .note");
    assert!(note.contains("by Test User"), "{note}");
    assert_eq!(
        attributes(&html, "#requirement-security a.source-link", "href"),
        [new_source]
    );
    let fintech = text_of(&html, "#industry-fintech .reviewed");
    assert_eq!(fintech, "reviewed 15 Jan 2026");
}

#[tokio::test]
async fn a_source_that_is_not_a_web_address_or_checked_in_the_future_is_a_field_error() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let row = seed_document()
        .frameworks
        .iter()
        .find(|f| f.slug == "gin")
        .unwrap()
        .sources
        .len();
    for (url, checked, expected) in [
        (
            "ftp://example.org/file",
            "2026-01-01",
            "http:// or https://",
        ),
        ("https://example.org/later", "2999-01-01", "in the future"),
    ] {
        let refused = app
            .save_framework(
                &editor,
                "gin",
                &[
                    (&format!("source.{row}.url"), url),
                    (&format!("source.{row}.title"), "A source"),
                    (&format!("source.{row}.checked"), checked),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = scraper::Html::parse_document(&refused.text().await.unwrap());
        let message = text_of(&html, ".edit-sources tr.invalid .field-error");
        assert!(message.contains(expected), "{url}: {message}");
    }
}

#[tokio::test]
async fn a_requirements_rubric_is_edited_in_the_admin_and_published_on_how_we_rate() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (status, form) = app
        .page(&editor, "/admin/requirements/offline-sync/edit")
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut fields = crate::helpers::form_fields(&form, "form.stacked-form");
    let levels: Vec<String> = (0..6)
        .map(|l| format!("Level {l} of offline sync."))
        .collect();
    for (level, text) in levels.iter().enumerate() {
        set_field(&mut fields, &format!("rubric_{level}"), text);
    }
    let saved = app
        .submit(&editor, "/admin/requirements/offline-sync/edit", &fields)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let html = app.get_html("/how-we-rate", StatusCode::OK).await;
    let shown: Vec<String> = select(&html, "#requirement-offline-sync .rubric-table td")
        .into_iter()
        .map(text)
        .collect();
    // From 5 down to 0, the order a reader asks "what earns a 5?".
    let expected: Vec<String> = levels.iter().rev().cloned().collect();
    assert_eq!(shown, expected);

    // Half a rubric names the levels still empty.
    set_field(&mut fields, "rubric_3", "");
    let refused = app
        .submit(&editor, "/admin/requirements/offline-sync/edit", &fields)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = scraper::Html::parse_document(&refused.text().await.unwrap());
    assert!(text_of(&html, "#t-rubric-3-error").contains("must not be empty"));
}

#[tokio::test]
async fn how_we_rate_explains_every_requirement_and_industry_with_how_many_pass() {
    let app = spawn_app().await;
    let seed = seed_document();
    let html = app.get_html("/how-we-rate", StatusCode::OK).await;
    assert_eq!(text_of(&html, "h1"), "How we rate");
    for r in &seed.requirements {
        let entry = format!("#requirement-{}", r.slug);
        assert_eq!(
            select(&html, &format!("{entry} .rubric-table tbody tr")).len(),
            6,
            "{entry}"
        );
        let passing = seed
            .frameworks
            .iter()
            .filter(|f| {
                f.requirements
                    .iter()
                    .any(|l| l.requirement == r.slug && l.strength >= 4)
            })
            .count();
        let summary = text_of(&html, &format!("{entry} summary"));
        assert!(
            summary.contains(&format!(
                "{passing} of {} rated 4 or more",
                seed.frameworks.len()
            )),
            "{summary}"
        );
    }
    for i in &seed.industries {
        assert_eq!(
            select(
                &html,
                &format!("#industry-{} .rubric-table tbody tr", i.slug)
            )
            .len(),
            6
        );
    }
    // Every page links to it.
    let home = app.get_html("/", StatusCode::OK).await;
    assert!(attributes(&home, "footer a", "href").contains(&"/how-we-rate".to_owned()));
}

#[tokio::test]
async fn the_results_csv_carries_the_sources_behind_each_figure() {
    let app = spawn_app().await;
    let body = app
        .download(
            &app.client,
            "/export.csv?need=security",
            "stackatlas-recommendation.csv",
        )
        .await;
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = headers.iter().position(|h| h == "sources").unwrap();
    let cited = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r.get(4) == Some("Must have"))
        .filter(|r| r.get(column).is_some_and(|c| c.starts_with("http")))
        .count();
    assert!(cited > 0, "no must-have row cites a source");
}

#[tokio::test]
async fn a_language_teams_still_write_on_a_framework_cannot_be_deleted() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    // A language no framework is written in, though teams write it on some.
    let seed = seed_document();
    let language = seed
        .languages
        .iter()
        .map(|l| l.slug.as_str())
        .find(|l| {
            seed.frameworks.iter().all(|f| f.language != *l)
                && seed
                    .frameworks
                    .iter()
                    .any(|f| f.languages.iter().any(|w| w == l))
        })
        .expect("a language only teams write");
    let path = format!("/admin/languages/{language}/delete");
    let (_, confirm) = app.page(&editor, &path).await;
    assert!(text_of(&confirm, "#blocked").contains("languages teams write"));
    let token = crate::helpers::csrf_in(&confirm);
    let refused = editor
        .post(app.url(&path))
        .form(&[("version", "1"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.get_json("/api/v1/languages", StatusCode::OK).await["languages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["slug"] == language)
            .count(),
        1
    );
}

#[tokio::test]
async fn the_query_form_offers_the_languages_teams_write_not_those_frameworks_are_written_in() {
    let app = spawn_app().await;
    let seed = seed_document();
    let html = app.get_html("/", StatusCode::OK).await;
    let offered = attributes(&html, "input[name=lang]", "value");
    for language in &seed.languages {
        let written_by_teams = seed
            .frameworks
            .iter()
            .any(|f| f.languages.contains(&language.slug));
        assert_eq!(
            offered.contains(&language.slug),
            written_by_teams,
            "{}",
            language.slug
        );
    }
    // SQL is written by teams on the Postgres platforms; C++ only builds runtimes.
    assert!(offered.contains(&"sql".to_owned()), "{offered:?}");
    assert!(!offered.contains(&"cpp".to_owned()), "{offered:?}");
}
