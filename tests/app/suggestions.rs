//! Suggestions from the client's words: the query page's description box (`/?describe=…`),
//! applying what it suggests, the phrases editors keep, and `/api/v1/suggestions`.

use reqwest::StatusCode;
use scraper::Html;
use serde_json::Value;
use stackatlas::domain::Role;

use crate::helpers::{
    TestApp, attributes, form_fields, select, set_field, spawn_app, text, text_of,
};

const BRIEF: &str = "We run three clinics and want a patient portal. HIPAA applies. It must \
    work offline on the subway. No need for an admin panel. Live chat would be nice. Our devs \
    know C#.";

fn described(text: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("describe", text);
    format!("/?{}", query.finish())
}

/// The value of `name` among a form's fields, if it is there.
fn field<'a>(fields: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// GETs `/` with the fields of the suggestions' form, as a browser submitting it would.
async fn apply(app: &TestApp, fields: &[(String, String)]) -> reqwest::Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        query.append_pair(name, value);
    }
    app.get(&format!("/?{}", query.finish())).await
}

#[tokio::test]
async fn the_page_shows_suggestions_naming_the_words_they_came_from_and_applies_nothing() {
    let app = spawn_app().await;
    let html = app.get_html(&described(BRIEF), StatusCode::OK).await;
    // The description stays in its box, and the suggestions sit above the filters.
    assert_eq!(text_of(&html, "textarea#describe"), BRIEF);
    assert_eq!(
        select(&html, ".query-side .suggestions + form.query-form").len(),
        1
    );
    let industry = text_of(&html, ".apply-suggestions fieldset.suggestion");
    assert!(
        industry.contains("Healthcare") && industry.contains("from “clinics”"),
        "{industry}"
    );
    let hipaa = text_of(&html, "#suggested-hipaa legend");
    assert_eq!(hipaa, "HIPAA from “HIPAA”");
    assert_eq!(
        attributes(&html, "#suggested-hipaa input[checked]", "value"),
        ["need"]
    );
    assert_eq!(
        attributes(&html, "#suggested-offline-sync input[checked]", "value"),
        ["need"],
        "\"must\" makes it a must-have"
    );
    assert!(text_of(&html, "#suggested-offline-sync .why").contains("the client said “must”"));
    assert_eq!(
        attributes(
            &html,
            "#suggested-real-time-updates input[checked]",
            "value"
        ),
        ["want"],
        "\"would be nice\" makes it nice to have"
    );
    assert_eq!(
        attributes(
            &html,
            ".apply-suggestions input[name=lang][checked]",
            "value"
        ),
        ["csharp"]
    );
    assert_eq!(
        attributes(
            &html,
            ".apply-suggestions input[name=use][checked]",
            "value"
        ),
        ["patient-portal"]
    );
    // Each requirement's choice is a labelled group: its legend names it, each radio its label.
    for fieldset in select(&html, ".apply-suggestions fieldset.requirement") {
        assert_eq!(
            fieldset.select(&crate::helpers::selector("legend")).count(),
            1
        );
        assert_eq!(
            fieldset
                .select(&crate::helpers::selector("label > input[type=radio]"))
                .count(),
            3
        );
    }
    // Nothing is applied: no result, and the filters form is as empty as before.
    assert!(select(&html, "ol.ranked").is_empty());
    assert!(attributes(&html, "form.query-form option[selected]", "value").is_empty());
    assert!(attributes(&html, "form.query-form input[name=lang][checked]", "value").is_empty());
    // The description's limit is stated where it is typed.
    assert_eq!(
        attributes(&html, "textarea#describe", "maxlength"),
        ["2000"]
    );
    assert!(text_of(&html, "#describe-hint").contains("2,000 characters"));
}

#[tokio::test]
async fn applying_the_suggestions_leads_to_the_canonical_query_and_its_ranking() {
    let app = spawn_app().await;
    let html = app.get_html(&described(BRIEF), StatusCode::OK).await;
    let mut fields = form_fields(&html, "form.apply-suggestions");
    // The salesperson makes offline nice to have, leaves the chat out and unticks the language.
    set_field(&mut fields, "r.offline-sync", "want");
    set_field(&mut fields, "r.real-time-updates", "ignore");
    fields.retain(|(name, _)| name != "lang");
    let response = apply(&app, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        "/?industry=healthcare&need=hipaa&want=offline-sync&use=patient-portal"
    );
    let result = app.get_html(&location, StatusCode::OK).await;
    assert!(!select(&result, "ol.ranked li.result").is_empty());
    assert!(
        select(&result, ".suggestions").is_empty(),
        "the link is the plain query"
    );
}

#[tokio::test]
async fn suggestions_merge_with_the_filters_already_chosen() {
    let app = spawn_app().await;
    // A query already chosen, then described: the description form carries it.
    let start = app
        .get_html(
            "/?industry=fintech&need=security&lang=python&q=portal",
            StatusCode::OK,
        )
        .await;
    let mut fields = form_fields(&start, "form.describe-form");
    set_field(
        &mut fields,
        "describe",
        "A patient portal. Push notifications are a must. Our devs know C#.",
    );
    let response = apply(&app, &fields).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = Html::parse_document(&response.text().await.unwrap());
    // The current result is still shown, and the industry is a choice between the two.
    assert!(!select(&html, "ol.ranked li.result").is_empty());
    assert_eq!(
        attributes(&html, ".apply-suggestions input[name=industry]", "value"),
        ["healthcare", "fintech"]
    );
    let fields = form_fields(&html, "form.apply-suggestions");
    assert_eq!(field(&fields, "industry"), ["healthcare"]);
    let response = apply(&app, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/?industry=healthcare&need=security&need=push-notifications&lang=python&lang=csharp&use=patient-portal&q=portal"
    );
}

#[tokio::test]
async fn negations_are_left_out_and_shown_as_understood() {
    let app = spawn_app().await;
    let html = app
        .get_html(
            &described("No need for offline, but push notifications are a must. Self-hosting is not a priority."),
            StatusCode::OK,
        )
        .await;
    let left_out: Vec<String> = select(&html, ".suggestions .left-out li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        left_out,
        [
            "“No need for offline” → Offline sync (requirement)",
            "“Self-hosting is not a priority” → Self-hosting (requirement)"
        ]
    );
    assert!(select(&html, "#suggested-offline-sync").is_empty());
    assert!(select(&html, "#suggested-self-hosting").is_empty());
    assert_eq!(
        attributes(
            &html,
            "#suggested-push-notifications input[checked]",
            "value"
        ),
        ["need"]
    );
}

#[tokio::test]
async fn an_empty_or_unmatched_description_says_so_helpfully() {
    let app = spawn_app().await;
    let empty = app.get_html("/?describe=", StatusCode::OK).await;
    assert!(text_of(&empty, ".suggestions .empty").contains("The description is empty"));
    assert!(select(&empty, "form.apply-suggestions").is_empty());
    let unmatched = app
        .get_html(&described("Lorem ipsum dolor sit amet."), StatusCode::OK)
        .await;
    let said = text_of(&unmatched, ".suggestions .empty");
    assert!(
        said.contains("None of the client's words matched a filter"),
        "{said}"
    );
    assert!(said.contains("works offline"), "{said}");
    assert!(select(&unmatched, "form.apply-suggestions").is_empty());
}

#[tokio::test]
async fn a_description_over_the_limit_or_given_twice_is_refused_at_its_box() {
    let app = spawn_app().await;
    let long = "offline ".repeat(300);
    let html = app
        .get_html(&described(&long), StatusCode::BAD_REQUEST)
        .await;
    assert!(text_of(&html, "#describe-error").contains("at most 2000 characters"));
    assert_eq!(
        attributes(&html, "textarea#describe", "aria-invalid"),
        ["true"]
    );
    assert_eq!(
        text_of(&html, "textarea#describe").chars().count(),
        1999,
        "what fits is kept"
    );
    assert!(select(&html, ".suggestions").is_empty());
    let twice = app
        .get_html("/?describe=a&describe=b", StatusCode::BAD_REQUEST)
        .await;
    assert!(text_of(&twice, "#describe-error").contains("once"));
}

#[tokio::test]
async fn a_description_survives_the_redirect_to_the_canonical_query() {
    let app = spawn_app().await;
    let response = app
        .get("/?industry=&r.security=need&describe=works+offline")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/?need=security&describe=works+offline"
    );
    // An unknown parameter beside a description is named, and the description still read.
    let html = app
        .get_html(
            "/?colour=red&describe=works+offline",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert!(text_of(&html, "#form-errors").contains("colour"));
    assert_eq!(select(&html, "#suggested-offline-sync").len(), 1);
}

/// `editor` adds `phrase` to offline sync's phrases through its admin form.
async fn teach_offline_sync(app: &TestApp, editor: &reqwest::Client, phrase: &str) {
    let path = "/admin/requirements/offline-sync/edit";
    let (_, form) = app.page(editor, path).await;
    let mut fields = form_fields(&form, "form.stacked-form");
    let phrases = field(&fields, "phrases")[0].to_owned();
    assert!(phrases.lines().any(|p| p == "on the subway"), "{phrases}");
    set_field(&mut fields, "phrases", &format!("{phrases}\n{phrase}"));
    assert_eq!(
        app.submit(editor, path, &fields).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_editors_new_phrase_is_used_by_the_very_next_request() {
    let app = spawn_app().await;
    let query = described("Our couriers ride through tunnels all day.");
    let before = app.get_html(&query, StatusCode::OK).await;
    assert!(select(&before, "#suggested-offline-sync").is_empty());

    let editor = app.signed_in_as(Role::Editor).await;
    teach_offline_sync(&app, &editor, "through tunnels").await;

    let after = app.get_html(&query, StatusCode::OK).await;
    assert_eq!(
        text_of(&after, "#suggested-offline-sync legend"),
        "Offline sync from “through tunnels”"
    );
    let api = app
        .get_json(
            "/api/v1/suggestions?text=riding+through+the+tunnels",
            StatusCode::OK,
        )
        .await;
    assert_eq!(api["suggestions"][0]["slug"], "offline-sync");
    // The change is a revision like any other.
    let (_, history) = app
        .page(&editor, "/admin/requirements/offline-sync/history")
        .await;
    assert!(text(history.root_element()).contains("through tunnels"));
}

#[tokio::test]
async fn the_phrases_kept_across_a_framework_save_still_give_way_to_the_next_phrase_edit() {
    let app = spawn_app().await;
    let subway = described("It must work on the subway.");
    let tunnels = described("Our couriers ride through tunnels all day.");
    assert_eq!(
        select(
            &app.get_html(&subway, StatusCode::OK).await,
            "#suggested-offline-sync"
        )
        .len(),
        1
    );
    // A framework's save moves the knowledge on and leaves the vocabulary alone: the phrases
    // compiled before serve the knowledge read after it.
    let editor = app.signed_in_as(Role::Editor).await;
    let saved = app
        .save_framework(
            &editor,
            "django",
            &[("summary", "Batteries included, Python.")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let after_save = app.get_html(&subway, StatusCode::OK).await;
    assert_eq!(
        text_of(&after_save, "#suggested-offline-sync legend"),
        "Offline sync from “on the subway”"
    );
    assert!(
        select(
            &app.get_html(&tunnels, StatusCode::OK).await,
            "#suggested-offline-sync"
        )
        .is_empty()
    );

    teach_offline_sync(&app, &editor, "through tunnels").await;
    assert_eq!(
        text_of(
            &app.get_html(&tunnels, StatusCode::OK).await,
            "#suggested-offline-sync legend"
        ),
        "Offline sync from “through tunnels”"
    );
}

#[tokio::test]
async fn a_phrase_is_checked_on_the_form_and_one_naming_another_requirement_is_refused() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let path = "/admin/requirements/real-time-updates/edit";
    let (_, form) = app.page(&editor, path).await;
    let mut fields = form_fields(&form, "form.stacked-form");
    set_field(&mut fields, "phrases", "live map\nWorks Offline\nx");
    let response = app.submit(&editor, path, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    let said = text_of(&html, "#t-phrases-error");
    assert!(said.contains("2 to 80 characters"), "{said}");
    assert_eq!(attributes(&html, "#t-phrases", "aria-invalid"), ["true"]);
    assert_eq!(text_of(&html, "#t-phrases"), "live map Works Offline x");

    set_field(&mut fields, "phrases", "live map\nWorks Offline");
    let response = app.submit(&editor, path, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert!(
        text_of(&html, "#t-phrases-error")
            .contains("\"Works Offline\" is also a phrase of the requirement \"offline-sync\"")
    );
    // Features carry no phrases: their form does not ask.
    let (_, feature) = app.page(&editor, "/admin/features/orm/edit").await;
    assert!(select(&feature, "#t-phrases").is_empty());
}

#[tokio::test]
async fn the_api_answers_with_suggestions_left_outs_and_the_query_that_accepts_them() {
    let app = spawn_app().await;
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("text", BRIEF);
    let body = app
        .get_json(
            &format!("/api/v1/suggestions?{}", query.finish()),
            StatusCode::OK,
        )
        .await;
    let pairs: Vec<(String, String, String)> = body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let field = |key: &str| s[key].as_str().unwrap().to_owned();
            (field("param"), field("slug"), field("matched"))
        })
        .collect();
    let expect = |param: &str, slug: &str, matched: &str| {
        (param.to_owned(), slug.to_owned(), matched.to_owned())
    };
    assert_eq!(
        pairs,
        [
            expect("industry", "healthcare", "clinics"),
            expect("need", "hipaa", "HIPAA"),
            expect("need", "offline-sync", "work offline"),
            expect("want", "real-time-updates", "Live chat"),
            expect("lang", "csharp", "C#"),
            expect("use", "patient-portal", "patient portal"),
        ]
    );
    assert_eq!(body["suggestions"][2]["cue"], "must");
    assert_eq!(
        body["left_out"],
        serde_json::json!([{
            "kind": "requirement",
            "slug": "admin-back-office",
            "name": "Admin back office",
            "matched": "No need for an admin panel"
        }])
    );
    let accepted = body["query"].as_str().unwrap();
    let ranked = app
        .get_json(
            &format!("/api/v1/recommendations?{accepted}"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(ranked["query"]["industry"], "healthcare");
    // Nothing matched: an empty answer, not an error.
    let nothing = app
        .get_json("/api/v1/suggestions?text=", StatusCode::OK)
        .await;
    assert_eq!(nothing["suggestions"], Value::Array(Vec::new()));
    assert_eq!(nothing["query"], "");
}

#[tokio::test]
async fn the_api_refuses_a_missing_repeated_or_overlong_text_with_the_json_error_shape() {
    let app = spawn_app().await;
    let long = "a".repeat(2001);
    for (path, field) in [
        ("/api/v1/suggestions".to_owned(), "text"),
        ("/api/v1/suggestions?text=a&text=b".to_owned(), "text"),
        (format!("/api/v1/suggestions?text={long}"), "text"),
        ("/api/v1/suggestions?text=a&lang=go".to_owned(), "lang"),
    ] {
        let body = app.get_json(&path, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"]["code"], "bad_request", "{path}");
        assert_eq!(body["error"]["field"], field, "{path}");
    }
    let body = app
        .get_json(
            &format!("/api/v1/suggestions?text={long}"),
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 2000 characters")
    );
}

#[tokio::test]
async fn phrases_saved_over_a_stale_copy_meet_the_conflict_page() {
    let app = spawn_app().await;
    let first = app.signed_in_as(Role::Editor).await;
    let second = app.signed_in_as(Role::Admin).await;
    let path = "/admin/languages/go/edit";
    let (_, mine) = app.page(&first, path).await;
    let (_, theirs) = app.page(&second, path).await;
    let mut mine = form_fields(&mine, "form.stacked-form");
    let mut theirs = form_fields(&theirs, "form.stacked-form");
    set_field(&mut theirs, "phrases", "Golang\nour gophers");
    assert_eq!(
        app.submit(&second, path, &theirs).await.status(),
        StatusCode::SEE_OTHER
    );
    set_field(&mut mine, "phrases", "Golang\nGo developers");
    let stale = app.submit(&first, path, &mine).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let html = Html::parse_document(&stale.text().await.unwrap());
    let row = text_of(&html, "#conflict tbody tr");
    assert!(
        row.starts_with("phrases") && row.contains("our gophers"),
        "{row}"
    );
}
