//! Impact before saving: "Preview impact" on the framework and vocabulary forms (and their
//! deletes) shows which reference questions would start or stop passing and which briefs'
//! top three would change, writing nothing; a change that breaks a question needs a reason,
//! which becomes the audit revision's note.

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{
    TestApp, attributes, edit_form, form_fields, select, set_field, spawn_app, text, text_of,
};

/// The question that Firebase is the top pick for real-time data, push and low ops.
const FIREBASE_FIRST: &str = "realtime-push-low-ops-gets-firebase";

async fn seeded_app() -> TestApp {
    let app = spawn_app().await;
    app.seed_reference_questions().await;
    app
}

async fn html(response: reqwest::Response) -> Html {
    Html::parse_document(&response.text().await.unwrap())
}

/// Firebase's edit form with its low-ops strength lowered to 2: it then fails that
/// must-have, so the question that it is the top pick stops passing.
async fn firebase_without_low_ops(
    app: &TestApp,
    editor: &reqwest::Client,
) -> Vec<(String, String)> {
    let mut fields = edit_form(editor, app, "firebase").await;
    set_field(&mut fields, "req.low-ops.strength", "2");
    fields
}

async fn framework_version(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT version FROM frameworks WHERE slug = ?1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn last_note(app: &TestApp, entity: &str, slug: &str) -> String {
    sqlx::query_scalar(
        "SELECT note FROM audit_log WHERE entity = ?1 AND entity_slug = ?2 ORDER BY id DESC",
    )
    .bind(entity)
    .bind(slug)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The slugs of the questions listed in the impact table `id`.
fn listed(page: &Html, id: &str) -> Vec<String> {
    attributes(page, &format!("#{id} tr[data-question]"), "data-question")
}

#[tokio::test]
async fn previewing_a_framework_edit_shows_the_questions_it_breaks_with_before_and_after_and_saves_nothing()
 {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let version = framework_version(&app, "firebase").await;
    let (_, form) = app.page(&editor, "/admin/frameworks/firebase/edit").await;
    let preview_action = attributes(&form, "button[formaction]", "formaction");
    assert_eq!(preview_action, ["/admin/frameworks/firebase/impact"]);

    let fields = firebase_without_low_ops(&app, &editor).await;
    let answer = app
        .submit(&editor, "/admin/frameworks/firebase/impact", &fields)
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let page = html(answer).await;
    assert!(listed(&page, "stops-passing").contains(&FIREBASE_FIRST.to_owned()));
    let row = select(
        &page,
        &format!("#stops-passing tr[data-question='{FIREBASE_FIRST}']"),
    );
    let now = text(select_in(row[0], "td.old"));
    let after = text(select_in(row[0], "td.new"));
    assert!(
        now.contains("Passes") && now.contains("Firebase #1 with 100.0"),
        "{now}"
    );
    assert!(
        after.contains("Fails") && after.contains("Firebase excluded (Minimal operations: 2 of 5"),
        "{after}"
    );
    // The form keeps the editor's change, ready to save.
    let kept = form_fields(&page, "form.edit-form");
    assert!(kept.contains(&("req.low-ops.strength".to_owned(), "2".to_owned())));
    assert_eq!(
        framework_version(&app, "firebase").await,
        version,
        "nothing saved"
    );
}

fn select_in<'a>(row: scraper::ElementRef<'a>, css: &str) -> scraper::ElementRef<'a> {
    row.select(&crate::helpers::selector(css)).next().unwrap()
}

#[tokio::test]
async fn a_save_that_breaks_a_question_needs_a_reason_which_becomes_the_revisions_note() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let version = framework_version(&app, "firebase").await;
    let mut fields = firebase_without_low_ops(&app, &editor).await;
    set_field(&mut fields, "action", "save");
    let refused = app
        .submit(&editor, "/admin/frameworks/firebase/edit", &fields)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(refused).await;
    assert!(
        text_of(&page, "#reason-error").starts_with("say why: this change makes 1 reference"),
        "{}",
        text_of(&page, "#reason-error")
    );
    assert_eq!(listed(&page, "stops-passing"), [FIREBASE_FIRST]);
    assert_eq!(
        framework_version(&app, "firebase").await,
        version,
        "nothing saved"
    );

    let why = "Firebase's Blaze plan now needs a billing account ops must watch.";
    set_field(&mut fields, "reason", why);
    let saved = app
        .submit(&editor, "/admin/frameworks/firebase/edit", &fields)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(last_note(&app, "framework", "firebase").await, why);
}

#[tokio::test]
async fn a_reason_given_for_a_harmless_change_is_recorded_too() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let saved = app
        .save_framework(
            &editor,
            "django",
            &[
                (
                    "summary",
                    "The web framework for perfectionists with deadlines.",
                ),
                ("reason", "The project's own tagline."),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        last_note(&app, "framework", "django").await,
        "The project's own tagline."
    );
}

#[tokio::test]
async fn a_brief_whose_top_three_would_change_is_listed_with_now_and_after() {
    let app = seeded_app().await;
    let seller = app.signed_in_with("seller@example.com", Role::Viewer).await;
    let brief = app
        .save_brief(
            &seller,
            "need=real-time-updates&need=push-notifications&need=low-ops",
            "Acme",
            "Courier tracking",
        )
        .await;
    let editor = app.signed_in_as(Role::Editor).await;
    let fields = firebase_without_low_ops(&app, &editor).await;
    let page = html(
        app.submit(&editor, "/admin/frameworks/firebase/impact", &fields)
            .await,
    )
    .await;
    let row = select(&page, &format!("#impact-briefs tr[data-brief='{brief}']"));
    assert_eq!(row.len(), 1);
    let now = text(select_in(row[0], "td:nth-of-type(1)"));
    let after = text(select_in(row[0], "td:nth-of-type(2)"));
    assert!(now.starts_with("Firebase"), "{now}");
    assert!(!after.contains("Firebase"), "{after}");
}

#[tokio::test]
async fn a_harmless_preview_says_nothing_changes() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let fields = edit_form(&editor, &app, "django").await;
    let page = html(
        app.submit(&editor, "/admin/frameworks/django/impact", &fields)
            .await,
    )
    .await;
    assert!(!select(&page, "#impact-quiet").is_empty());
    let asked = text_of(&page, "#impact p.muted");
    assert!(asked.contains("reference questions"), "{asked}");
}

#[tokio::test]
async fn deleting_a_requirement_shows_its_impact_first_and_needs_a_reason() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let delete = "/admin/requirements/low-ops/delete";
    let (status, confirm) = app.page(&editor, delete).await;
    assert_eq!(status, StatusCode::OK);
    // Its question can no longer be asked once the requirement is gone.
    assert_eq!(listed(&confirm, "stops-passing"), [FIREBASE_FIRST]);
    let row = select(&confirm, &format!("tr[data-question='{FIREBASE_FIRST}']"));
    let after = text(select_in(row[0], "td.new"));
    assert!(after.contains("cannot be asked: need:"), "{after}");

    let mut fields = form_fields(&confirm, &format!("form[action='{delete}']"));
    let refused = app.submit(&editor, delete, &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(refused).await;
    assert!(!select(&page, "#reason-error").is_empty());

    set_field(&mut fields, "reason", "Folded into serverless deployment.");
    let deleted = app.submit(&editor, delete, &fields).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        last_note(&app, "requirement", "low-ops").await,
        "Folded into serverless deployment."
    );
}

#[tokio::test]
async fn renaming_a_requirement_previews_from_its_form_and_features_offer_no_preview() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let edit = "/admin/requirements/low-ops/edit";
    let (_, form) = app.page(&editor, edit).await;
    assert_eq!(
        attributes(&form, "button[formaction]", "formaction"),
        ["/admin/requirements/low-ops/impact"]
    );
    let mut fields = form_fields(&form, &format!("form[action='{edit}']"));
    set_field(&mut fields, "slug", "no-ops");
    let answer = app
        .submit(&editor, "/admin/requirements/low-ops/impact", &fields)
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let page = html(answer).await;
    assert_eq!(listed(&page, "stops-passing"), [FIREBASE_FIRST]);
    assert_eq!(attributes(&page, "#t-slug", "value"), ["no-ops"]);

    let (_, features) = app.page(&editor, "/admin/features").await;
    let feature = attributes(&features, "#term-table th a", "href")
        .into_iter()
        .next()
        .unwrap();
    let (_, feature_form) = app.page(&editor, &feature).await;
    assert!(select(&feature_form, "button[formaction]").is_empty());
    let fields = form_fields(&feature_form, &format!("form[action='{feature}']"));
    let impact = feature.replace("/edit", "/impact");
    let refused = app.submit(&editor, &impact, &fields).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn undoing_a_fix_the_server_has_not_read_yet_still_needs_a_reason() {
    let app = seeded_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let save = |fields: Vec<(String, String)>| {
        let (app, editor) = (&app, &editor);
        async move {
            app.submit(editor, "/admin/frameworks/firebase/edit", &fields)
                .await
        }
    };
    // Broken on purpose, with a reason, and read by the next question.
    let mut broken = firebase_without_low_ops(&app, &editor).await;
    set_field(&mut broken, "action", "save");
    set_field(
        &mut broken,
        "reason",
        "Ops must now watch the billing account.",
    );
    assert_eq!(save(broken).await.status(), StatusCode::SEE_OTHER);
    app.get("/?need=low-ops").await;
    // Fixed: the question passes again, which needs no reason.
    let mut fixed = edit_form(&editor, &app, "firebase").await;
    set_field(&mut fixed, "req.low-ops.strength", "5");
    set_field(&mut fixed, "action", "save");
    assert_eq!(save(fixed).await.status(), StatusCode::SEE_OTHER);
    // Broken again at once, without a reason: what the server last read of Firebase is the
    // broken state, which this edit ranks as; the check must be against the fix.
    let mut again = firebase_without_low_ops(&app, &editor).await;
    set_field(&mut again, "action", "save");
    let refused = save(again).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(refused).await;
    assert_eq!(listed(&page, "stops-passing"), [FIREBASE_FIRST]);
}
