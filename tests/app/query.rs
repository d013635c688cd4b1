//! The query page `/` and its exports.

use reqwest::StatusCode;

use std::io::Read;

use stackatlas::domain::Role;

use crate::helpers::{
    another_writer_makes_gin_strong_at_offline_sync, attributes, edit_form, result_slugs,
    seed_document, select, spawn_app, text, text_of,
};

const OFFLINE_QUERY: &str = "/?need=offline-sync";

#[tokio::test]
async fn the_empty_form_offers_every_industry_requirement_and_language() {
    let app = spawn_app().await;
    let html = app.get_html("/", StatusCode::OK).await;
    let seed = seed_document();
    let industries = attributes(&html, "select#industry option", "value");
    assert_eq!(industries.len(), seed.industries.len() + 1, "plus “any”");
    for requirement in &seed.requirements {
        let name = format!("r.{}", requirement.slug);
        let values = attributes(&html, &format!("input[name=\"{name}\"]"), "value");
        assert_eq!(values, ["ignore", "want", "need"], "{name}");
    }
    assert!(!attributes(&html, "input[name=lang]", "value").is_empty());
    assert_eq!(attributes(&html, "form.query-form", "method"), ["get"]);
    assert!(
        select(&html, ".ranked").is_empty(),
        "no results before asking"
    );
}

#[tokio::test]
async fn the_forms_choices_redirect_to_the_canonical_shareable_url() {
    let app = spawn_app().await;
    let response = app
        .get("/?industry=healthcare&r.security=need&r.scalability=want&r.low-budget=ignore&q=")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/?industry=healthcare&need=security&want=scalability"
    );
}

#[tokio::test]
async fn a_query_ranks_frameworks_with_a_breakdown_and_the_evidence() {
    let app = spawn_app().await;
    let html = app
        .get_html(
            "/?industry=healthcare&need=security&want=scalability&lang=python",
            StatusCode::OK,
        )
        .await;
    let slugs = result_slugs(&html);
    assert!(!slugs.is_empty());
    let ranks: Vec<String> = select(&html, ".ranked .rank")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(ranks[0], "1");
    let totals: Vec<f64> = select(&html, ".ranked .total")
        .into_iter()
        .map(|e| text(e).trim_start_matches("Score ").parse().unwrap())
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    // Every result explains itself: industry, the must-have, the nice-to-have, language, maturity.
    let first = format!("#result-{} .breakdown tbody tr", slugs[0]);
    assert_eq!(select(&html, &first).len(), 5);
    let notes = select(&html, &format!("#result-{} .breakdown .note", slugs[0]));
    assert!(notes.iter().all(|n| !text(*n).is_empty()));
    // The form keeps the query.
    assert_eq!(
        attributes(&html, "input[name=\"r.security\"][checked]", "value"),
        ["need"]
    );
    assert_eq!(
        attributes(&html, "select#industry option[selected]", "value"),
        ["healthcare"]
    );
}

#[tokio::test]
async fn excluded_frameworks_are_listed_with_the_failed_must_have() {
    let app = spawn_app().await;
    let html = app
        .get_html("/?need=offline-sync&need=real-time-updates", StatusCode::OK)
        .await;
    let excluded = select(&html, ".excluded li");
    assert!(!excluded.is_empty());
    for item in excluded {
        let line = text(item);
        assert!(line.contains("below the must-have minimum of 4"), "{line}");
    }
    let shown = result_slugs(&html);
    let hidden = attributes(&html, ".excluded li a", "href");
    for slug in shown {
        assert!(!hidden.contains(&format!("/frameworks/{slug}")));
    }
}

#[tokio::test]
async fn when_nothing_fits_the_page_names_the_must_have_that_excluded_most() {
    let app = spawn_app().await;
    // No framework is at once a hosted backend-as-a-service and a self-built Java monolith.
    let html = app
        .get_html(
            "/?need=low-ops&need=monolith&need=kotlin-skills-reuse&need=full-stack-javascript",
            StatusCode::OK,
        )
        .await;
    assert!(select(&html, ".ranked").is_empty());
    let message = text_of(&html, ".empty");
    assert!(
        message.contains("No framework meets every must-have"),
        "{message}"
    );
    let relax = attributes(&html, ".empty a", "href");
    assert_eq!(relax.len(), 1);
    assert!(relax[0].contains("want="), "{}", relax[0]);
}

#[tokio::test]
async fn unknown_slugs_and_parameters_re_render_the_form_naming_them() {
    let app = spawn_app().await;
    let html = app
        .get_html(
            "/?industry=asteroid-mining&need=teleportation&lang=python&colour=blue",
            StatusCode::BAD_REQUEST,
        )
        .await;
    let fields: Vec<String> = select(&html, "#form-errors li strong")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(fields, ["industry", "need", "colour"]);
    // What was valid is kept.
    assert_eq!(
        attributes(&html, "input[name=lang][checked]", "value"),
        ["python"]
    );
    assert_eq!(
        attributes(&html, "select#industry", "aria-invalid"),
        ["true"]
    );
}

#[tokio::test]
async fn search_text_with_fts_syntax_never_errors() {
    let app = spawn_app().await;
    for q in [
        "\"unbalanced",
        "NEAR(chat",
        "*",
        "a) OR (b",
        "name:django",
        "'; DROP TABLE frameworks; --",
    ] {
        let path = format!("/?q={}", urlencode(q));
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{q}");
    }
    let html = app.get_html("/?q=patient+portal", StatusCode::OK).await;
    let slugs = result_slugs(&html);
    assert!(!slugs.is_empty());
    // Every framework linked to the use case is found by its name.
    for f in crate::helpers::seed_document().frameworks {
        if f.use_cases.iter().any(|u| u == "patient-portal") {
            assert!(slugs.contains(&f.slug), "{} in {slugs:?}", f.slug);
        }
    }
}

#[tokio::test]
async fn the_csv_export_has_a_row_per_criterion_and_one_per_exclusion() {
    let app = spawn_app().await;
    let body = app
        .download(
            &app.client,
            "/export.csv?industry=healthcare&need=offline-sync&lang=python",
            "stackatlas-recommendation.csv",
        )
        .await;
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "rank");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let first: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "1").collect();
    assert_eq!(first.len(), 4, "industry, must-have, language, maturity");
    let excluded: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "excluded").collect();
    assert!(!excluded.is_empty());
    assert!(
        excluded
            .iter()
            .all(|r| r[5].contains("below the must-have minimum"))
    );
}

#[tokio::test]
async fn names_and_notes_that_a_spreadsheet_would_run_are_exported_as_text() {
    let app = spawn_app().await;
    // Written straight to the database, as an editor's save or an import could.
    sqlx::query("UPDATE frameworks SET name = '@SUM(1+1)*cmd' WHERE slug = 'django'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE framework_industries SET note = '=HYPERLINK(\"http://evil.example\",\"x\")'
         WHERE framework_id = (SELECT id FROM frameworks WHERE slug = 'django')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let body = app
        .download(
            &app.client,
            "/export.csv?industry=healthcare&lang=python",
            "stackatlas-recommendation.csv",
        )
        .await;
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let django: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[2] == "django").collect();
    assert!(!django.is_empty());
    assert!(django.iter().all(|r| &r[1] == "'@SUM(1+1)*cmd"));
    let industry_note = django.iter().find(|r| &r[4] == "Industry fit").unwrap();
    assert_eq!(
        &industry_note[9],
        "'=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    // No cell of the whole file starts a formula.
    for row in &rows {
        for cell in row {
            assert!(
                stackatlas::spreadsheet::neutralise(cell) == cell
                    && !cell.starts_with(['=', '+', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_json_export_matches_the_api() {
    let app = spawn_app().await;
    let query = "industry=ecommerce&want=scalability&lang=php";
    let export = app
        .download(
            &app.client,
            &format!("/export.json?{query}"),
            "stackatlas-recommendation.json",
        )
        .await;
    let export: serde_json::Value = serde_json::from_str(&export).unwrap();
    let mut api = app
        .get_json(
            &format!("/api/v1/recommendations?{query}&limit=100"),
            StatusCode::OK,
        )
        .await;
    crate::paging::without_page_fields(&mut api);
    assert_eq!(export, api);
}

#[tokio::test]
async fn exports_refuse_a_bad_parameter_naming_it() {
    let app = spawn_app().await;
    let response = app.get("/export.csv?need=flying").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert!(text_of(&html, "main").contains("need"));
}

#[tokio::test]
async fn the_results_offer_compare_and_print_summary() {
    let app = spawn_app().await;
    let html = app
        .get_html(
            "/?industry=on-demand-services&need=real-time-updates",
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        attributes(&html, "form.compare-form", "action"),
        ["/compare"]
    );
    assert_eq!(
        attributes(&html, ".compare-form input[name=f]", "value"),
        result_slugs(&html)
    );
    let summary = text_of(&html, ".print-header");
    assert!(summary.contains("On-demand services"), "{summary}");
    assert!(summary.contains("/?industry=on-demand-services&need=real-time-updates"));
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn a_change_committed_by_any_writer_is_visible_to_the_next_request() {
    let app = spawn_app().await;
    let query = "/api/v1/recommendations?need=offline-sync";
    let slugs = |body: serde_json::Value| -> Vec<String> {
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = slugs(app.get_json(query, StatusCode::OK).await);
    assert!(!before.contains(&"gin".to_owned()));
    // Another connection (as `stackatlas import` in another process would) changes a strength.
    another_writer_makes_gin_strong_at_offline_sync(&app).await;
    let after = slugs(app.get_json(query, StatusCode::OK).await);
    assert!(after.contains(&"gin".to_owned()), "{after:?}");
}

#[tokio::test]
async fn a_change_after_a_quiet_spell_is_visible_to_the_next_request() {
    let app = spawn_app().await;
    let query = "/api/v1/recommendations?need=offline-sync";
    let has_gin = |body: serde_json::Value| {
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["slug"] == "gin")
    };
    assert!(!has_gin(app.get_json(query, StatusCode::OK).await));
    // Long enough for the server to trust the database files' state and stop reading the
    // change counter on every request.
    tokio::time::sleep(stackatlas::snapshot::SETTLED + std::time::Duration::from_millis(300)).await;
    for _ in 0..3 {
        assert!(!has_gin(app.get_json(query, StatusCode::OK).await));
    }
    another_writer_makes_gin_strong_at_offline_sync(&app).await;
    assert!(has_gin(app.get_json(query, StatusCode::OK).await));
}

#[tokio::test]
async fn the_page_shows_the_best_results_in_full_and_the_exports_carry_all() {
    let app = spawn_app().await;
    let html = app.get_html("/?lang=python", StatusCode::OK).await;
    let total = seed_document().frameworks.len();
    assert!(total > 25);
    assert_eq!(select(&html, ".ranked > li").len(), 25);
    assert!(text_of(&html, ".result-count").starts_with(&format!("{total} fit")));
    assert!(text_of(&html, "#more-results").contains(&format!("of {total}")));
    let api = app
        .get_json(
            "/api/v1/recommendations?lang=python&limit=100",
            StatusCode::OK,
        )
        .await;
    assert_eq!(api["results"].as_array().unwrap().len(), total);
    let page_order = result_slugs(&html);
    let api_order: Vec<String> = api["results"]
        .as_array()
        .unwrap()
        .iter()
        .take(25)
        .map(|r| r["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(page_order, api_order);
}

#[tokio::test]
async fn a_served_answer_is_revalidated_by_its_tag_until_a_save_changes_it() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let first = app.get(OFFLINE_QUERY).await;
    assert_eq!(first.status(), StatusCode::OK);
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    let cache_control = first.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cache_control.contains("no-cache"), "{cache_control}");
    let html = scraper::Html::parse_document(&first.text().await.unwrap());
    assert!(!result_slugs(&html).contains(&"gin".to_owned()));

    let again = app.revalidate(OFFLINE_QUERY, &tag).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), tag);
    assert!(again.bytes().await.unwrap().is_empty());

    let saved = app
        .save_framework(&editor, "gin", &[("req.offline-sync.strength", "5")])
        .await;
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "the save is acknowledged"
    );

    // The very next request, still carrying the old tag, gets the new answer in full.
    let after = app.revalidate(OFFLINE_QUERY, &tag).await;
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()["etag"].to_str().unwrap(), tag);
    let html = scraper::Html::parse_document(&after.text().await.unwrap());
    assert!(result_slugs(&html).contains(&"gin".to_owned()));
}

#[tokio::test]
async fn the_api_answer_is_revalidated_by_its_tag_until_the_knowledge_changes() {
    let app = spawn_app().await;
    let path = "/api/v1/recommendations?need=offline-sync";
    let first = app.get(path).await;
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        app.revalidate(path, &tag).await.status(),
        StatusCode::NOT_MODIFIED
    );
    another_writer_makes_gin_strong_at_offline_sync(&app).await;
    let changed = app.revalidate(path, &tag).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let body: serde_json::Value = changed.json().await.unwrap();
    let results = body["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["slug"] == "gin"));
}

#[tokio::test]
async fn a_client_that_accepts_gzip_gets_the_same_page_compressed() {
    let app = spawn_app().await;
    let plain = app.get(OFFLINE_QUERY).await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_tag = plain.headers()["etag"].to_str().unwrap().to_owned();
    let plain = plain.bytes().await.unwrap();
    let compressed = app
        .client
        .get(app.url(OFFLINE_QUERY))
        .header("Accept-Encoding", "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    assert_eq!(compressed.headers()["vary"], "Accept-Encoding");
    assert_ne!(compressed.headers()["etag"].to_str().unwrap(), plain_tag);
    let bytes = compressed.bytes().await.unwrap();
    assert!(
        bytes.len() * 4 < plain.len(),
        "{} vs {}",
        bytes.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, plain);
}

#[tokio::test]
async fn a_page_prepared_for_a_client_without_gzip_is_compressed_from_the_new_knowledge_after_a_save()
 {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let gzip_page = || async {
        let answer = app
            .client
            .get(app.url(OFFLINE_QUERY))
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.headers()["content-encoding"], "gzip");
        let mut unpacked = String::new();
        flate2::read::GzDecoder::new(&answer.bytes().await.unwrap()[..])
            .read_to_string(&mut unpacked)
            .unwrap();
        scraper::Html::parse_document(&unpacked)
    };
    // Prepared without its compressed form: nobody has asked for gzip yet.
    assert!(app.get(OFFLINE_QUERY).await.status().is_success());
    assert!(!result_slugs(&gzip_page().await).contains(&"gin".to_owned()));
    let saved = app
        .save_framework(&editor, "gin", &[("req.offline-sync.strength", "5")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert!(app.get(OFFLINE_QUERY).await.status().is_success());
    assert!(
        result_slugs(&gzip_page().await).contains(&"gin".to_owned()),
        "the compressed form is made from the page of the new knowledge"
    );
}

#[tokio::test]
async fn every_compressible_answer_is_compressed_for_a_client_that_accepts_it() {
    let app = spawn_app().await;
    for path in [
        "/frameworks",
        "/frameworks/django",
        "/compare?f=django&f=laravel",
        "/industries",
        "/industries/healthcare",
        "/trends",
        "/export.csv?industry=healthcare",
        "/export.json?industry=healthcare",
        "/api/v1/frameworks",
        "/api/v1/frameworks/django",
        "/api/v1/industries",
        "/api/openapi.json",
        "/static/style.css",
    ] {
        let plain = app.get(path).await;
        assert!(plain.headers().get("content-encoding").is_none(), "{path}");
        let plain = plain.bytes().await.unwrap();
        let compressed = app
            .client
            .get(app.url(path))
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(compressed.headers()["content-encoding"], "gzip", "{path}");
        let bytes = compressed.bytes().await.unwrap();
        assert!(bytes.len() < plain.len(), "{path}");
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, plain, "{path}");
    }
    // A prepared answer goes out exactly as prepared (gzip or as it is), never re-encoded on
    // the fly: a client that takes only brotli gets the prepared plain bytes.
    let prepared = app.get(OFFLINE_QUERY).await.bytes().await.unwrap();
    let brotli_only = app
        .client
        .get(app.url(OFFLINE_QUERY))
        .header("Accept-Encoding", "br")
        .send()
        .await
        .unwrap();
    assert!(brotli_only.headers().get("content-encoding").is_none());
    assert_eq!(brotli_only.bytes().await.unwrap(), prepared);
}

#[tokio::test]
async fn a_signed_in_reader_never_gets_the_page_rendered_for_a_signed_out_one() {
    let app = spawn_app().await;
    let anonymous = app.get_html(OFFLINE_QUERY, StatusCode::OK).await;
    assert!(select(&anonymous, "form[action='/logout']").is_empty());
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, signed_in) = app.page(&editor, OFFLINE_QUERY).await;
    assert_eq!(select(&signed_in, "form[action='/logout']").len(), 1);
    let again = app.get_html(OFFLINE_QUERY, StatusCode::OK).await;
    assert!(select(&again, "form[action='/logout']").is_empty());
    assert_eq!(result_slugs(&signed_in), result_slugs(&again));
}

#[tokio::test]
async fn a_use_case_is_offered_by_industry_scores_the_frameworks_listed_for_it_and_is_explained() {
    let app = spawn_app().await;
    let form = app.get_html("/", StatusCode::OK).await;
    let offered = attributes(&form, "details.use-cases input[name=use]", "value");
    assert!(offered.contains(&"telemedicine".to_owned()), "{offered:?}");
    let legends: Vec<String> = select(&form, "details.use-cases legend")
        .into_iter()
        .map(text)
        .collect();
    assert!(legends.contains(&"Healthcare".to_owned()), "{legends:?}");

    let html = app
        .get_html("/?industry=healthcare&use=telemedicine", StatusCode::OK)
        .await;
    let criteria: Vec<String> = select(&html, ".ranked .breakdown tbody tr th")
        .into_iter()
        .map(text)
        .filter(|t| t.contains("Telemedicine"))
        .collect();
    assert!(!criteria.is_empty(), "each result shows the use case");
    assert_eq!(
        attributes(&html, "input[name=use][checked]", "value"),
        ["telemedicine"]
    );
    let body = app
        .get_json(
            "/api/v1/recommendations?industry=healthcare&use=telemedicine",
            StatusCode::OK,
        )
        .await;
    assert_eq!(body["query"]["use"], serde_json::json!(["telemedicine"]));
    let listed = use_case_ratings(&body);
    assert!(listed.iter().any(|(_, rating)| *rating == 5), "{listed:?}");
    assert!(listed.iter().any(|(_, rating)| *rating == 0), "{listed:?}");

    let refused = app
        .get_json(
            "/api/v1/recommendations?use=moon-base",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(refused["error"]["field"], "use");
}

/// Each result of a recommendation answer with the rating of its use-case criterion.
fn use_case_ratings(body: &serde_json::Value) -> Vec<(&str, u64)> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let use_case = r["criteria"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["kind"] == "use-case")
                .expect("a use-case criterion");
            (
                r["slug"].as_str().unwrap(),
                use_case["rating"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The rating the answer to `path` gives `framework` for its use-case criterion.
async fn use_case_rating(app: &crate::helpers::TestApp, path: &str, framework: &str) -> u64 {
    let body = app.get_json(path, StatusCode::OK).await;
    use_case_ratings(&body)
        .into_iter()
        .find(|(slug, _)| *slug == framework)
        .unwrap_or_else(|| panic!("{framework} is among the results of {path}"))
        .1
}

#[tokio::test]
async fn a_use_case_an_editor_links_is_credited_on_the_very_next_question() {
    let app = spawn_app().await;
    let asked = "/api/v1/recommendations?industry=healthcare&use=telemedicine&limit=100";
    assert_eq!(
        use_case_rating(&app, asked, "gin").await,
        0,
        "not linked yet"
    );
    // Loaded once before the edit, so the edit replaces knowledge already in memory.
    let editor = app.signed_in_as(Role::Editor).await;
    let mut fields = edit_form(&editor, &app, "gin").await;
    fields.retain(|(name, _)| name != "action");
    fields.push(("use_case".into(), "telemedicine".into()));
    fields.push(("action".into(), "save".into()));
    let saved = app
        .submit(&editor, "/admin/frameworks/gin/edit", &fields)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(use_case_rating(&app, asked, "gin").await, 5);
}
