//! Review before publishing (`STACKATLAS_REVIEW_REQUIRED`): editors' saves and deletes become
//! change requests that another editor or an admin approves, returns or rejects; nothing is
//! published before the approval, which publishes one revision naming author and approver.

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{
    TEST_PASSWORD, TestApp, attributes, form_fields, select, set_field, spawn_app,
    spawn_app_with_review, text, text_of,
};

/// A browser signed in as a new account called `name` (audit revisions name their actors).
async fn named(app: &TestApp, name: &str, role: Role) -> reqwest::Client {
    let email = format!("{name}@example.com");
    app.create_user(&email, role).await;
    sqlx::query("UPDATE users SET name = ?1 WHERE email = ?2")
        .bind(name)
        .bind(&email)
        .execute(&app.pool)
        .await
        .unwrap();
    let browser = app.browser();
    let response = app.sign_in(&browser, &email, TEST_PASSWORD, "/").await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "signing in {name}"
    );
    browser
}

const NEW_SUMMARY: &str = "A micro-framework with a reviewed summary.";

async fn summary_in_api(app: &TestApp, slug: &str) -> String {
    let body = app
        .get_json(&format!("/api/v1/frameworks/{slug}"), StatusCode::OK)
        .await;
    body["summary"].as_str().unwrap().to_owned()
}

/// The change request a save was held as, from its 303 to the request's page.
fn held_as(response: &reqwest::Response) -> i64 {
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "held for review");
    let location = response.headers()["location"].to_str().unwrap();
    location
        .strip_prefix("/admin/changes/")
        .and_then(|rest| rest.strip_suffix("?submitted=yes"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("held as {location}"))
}

/// `editor` asks to change Flask's summary; the request's id.
async fn request_flask_summary(app: &TestApp, editor: &reqwest::Client, summary: &str) -> i64 {
    let response = app
        .save_framework(
            editor,
            "flask",
            &[
                ("summary", summary),
                ("reason", "The old one undersold it."),
            ],
        )
        .await;
    held_as(&response)
}

/// The request's page as `client` sees it.
async fn request_page(app: &TestApp, client: &reqwest::Client, id: i64) -> Html {
    let (status, html) = app.page(client, &format!("/admin/changes/{id}")).await;
    assert_eq!(status, StatusCode::OK, "request #{id}");
    html
}

/// `client` posts `action` (approve, return, reject, withdraw) on request `id` with
/// `comment`, through the form of the request's page as they are shown it.
async fn decide(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    action: &str,
    comment: &str,
) -> reqwest::Response {
    let html = request_page(app, client, id).await;
    let form = if action == "withdraw" {
        "#author-actions form".to_owned()
    } else {
        format!("#{action}-form")
    };
    let mut fields = form_fields(&html, &form);
    set_field(&mut fields, "comment", comment);
    app.submit(client, &format!("/admin/changes/{id}/{action}"), &fields)
        .await
}

fn status_of(html: &Html) -> String {
    attributes(html, "#request-status", "data-status").remove(0)
}

fn request_ids(html: &Html, list: &str) -> Vec<String> {
    attributes(html, &format!("#{list} tbody tr"), "data-request")
}

#[tokio::test]
async fn with_review_on_an_editors_save_becomes_a_change_request_and_nothing_is_published() {
    let app = spawn_app_with_review().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let before = summary_in_api(&app, "flask").await;
    let (_, form) = app.page(&editor, "/admin/frameworks/flask/edit").await;
    assert!(
        text_of(&form, "#review-note").contains("change request"),
        "the form says saving submits a request"
    );

    let id = request_flask_summary(&app, &editor, NEW_SUMMARY).await;

    assert_eq!(
        summary_in_api(&app, "flask").await,
        before,
        "nothing published"
    );
    let (_, public) = app.page(&app.client, "/frameworks/flask").await;
    assert!(!public.html().contains(NEW_SUMMARY));
    let (_, html) = app
        .page(&editor, &format!("/admin/changes/{id}?submitted=yes"))
        .await;
    assert!(text_of(&html, "#notice").contains("waits for review"));
    assert_eq!(status_of(&html), "pending");
    assert_eq!(
        text_of(&html, "#request-reason"),
        "The old one undersold it."
    );
    let rows: Vec<String> = select(&html, "table.diff tbody tr")
        .into_iter()
        .map(text)
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("summary") && r.contains(NEW_SUMMARY) && r.contains(&before)),
        "{rows:?}"
    );
    assert!(text_of(&html, "#request-base").contains("version 1"));
}

#[tokio::test]
async fn the_queue_says_what_waits_for_whom() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;
    let id = request_flask_summary(&app, &ana, NEW_SUMMARY).await;
    let only = [id.to_string()];

    let (_, queue) = app.page(&ana, "/admin/changes").await;
    assert_eq!(request_ids(&queue, "yours"), only);
    assert!(request_ids(&queue, "for-you").is_empty());
    let (_, queue) = app.page(&ben, "/admin/changes").await;
    assert_eq!(request_ids(&queue, "for-you"), only);
    let (_, desk) = app.page(&ben, "/admin").await;
    assert_eq!(
        text_of(&desk, "#desk-changes"),
        "Change requests (1 for you)"
    );
    assert!(request_ids(&queue, "yours").is_empty());
    assert!(text_of(&queue, "#for-you").contains("Flask"));

    let returned = decide(&app, &ben, id, "return", "Cite a source.").await;
    assert_eq!(returned.status(), StatusCode::SEE_OTHER);
    let (_, queue) = app.page(&ana, "/admin/changes").await;
    assert_eq!(request_ids(&queue, "returned-to-you"), only);
    let (_, queue) = app.page(&ben, "/admin/changes").await;
    assert_eq!(request_ids(&queue, "returned-to-others"), only);
}

#[tokio::test]
async fn another_editor_approves_and_the_change_is_published_as_one_revision_naming_author_and_approver()
 {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let admin = named(&app, "boss", Role::Admin).await;
    let id = request_flask_summary(&app, &ana, NEW_SUMMARY).await;

    let approved = decide(&app, &admin, id, "approve", "").await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        approved.headers()["location"],
        format!("/admin/changes/{id}?done=approve")
    );
    assert_eq!(summary_in_api(&app, "flask").await, NEW_SUMMARY);

    let html = request_page(&app, &ana, id).await;
    assert_eq!(status_of(&html), "approved");
    let published = attributes(&html, "#published-revision", "href").remove(0);
    let (path, anchor) = published.split_once('#').unwrap();
    let (_, history) = app.page(&admin, path).await;
    let revision = select(&history, &format!("#{anchor}"));
    let revision = text(revision[0]);
    assert!(revision.contains("update by ana"), "{revision}");
    assert!(
        revision.contains(&format!("approved by boss (change request #{id})")),
        "{revision}"
    );
    assert!(revision.contains("The old one undersold it."), "{revision}");
    let published_revisions: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE entity = 'framework' AND change_request = ?1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(published_revisions, 1);
}

#[tokio::test]
async fn nobody_approves_their_own_request_and_a_viewer_sees_no_requests() {
    let app = spawn_app_with_review().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let id = request_flask_summary(&app, &editor, NEW_SUMMARY).await;

    let html = request_page(&app, &editor, id).await;
    assert!(select(&html, "#approve").is_empty());
    assert!(text_of(&html, "#author-actions").contains("cannot approve your own"));
    let token = crate::helpers::csrf_in(&html);
    for action in ["approve", "return", "reject"] {
        let fields = [
            ("comment", "Fine by me."),
            ("version", "1"),
            ("csrf_token", token.as_str()),
        ];
        let response = editor
            .post(app.url(&format!("/admin/changes/{id}/{action}")))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action}");
    }
    assert_ne!(summary_in_api(&app, "flask").await, NEW_SUMMARY);

    for path in ["/admin/changes".to_owned(), format!("/admin/changes/{id}")] {
        assert_eq!(app.page(&viewer, &path).await.0, StatusCode::FORBIDDEN);
    }
    let response = viewer
        .post(app.url(&format!("/admin/changes/{id}/approve")))
        .form(&[("comment", ""), ("version", "1"), ("csrf_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_decision_without_the_sessions_token_is_refused() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;
    let id = request_flask_summary(&app, &ana, NEW_SUMMARY).await;
    let response = ben
        .post(app.url(&format!("/admin/changes/{id}/approve")))
        .form(&[("comment", ""), ("version", "1"), ("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = request_page(&app, &ben, id).await;
    assert_eq!(status_of(&html), "pending");
}

#[tokio::test]
async fn returning_or_rejecting_asks_for_a_comment_at_the_field() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;
    let id = request_flask_summary(&app, &ana, NEW_SUMMARY).await;
    for action in ["return", "reject"] {
        let response = decide(&app, &ben, id, action, "   ").await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{action}"
        );
        let html = Html::parse_document(&response.text().await.unwrap());
        let field = format!("#comment-{action}");
        assert!(
            !text_of(&html, &format!("{field}-error")).is_empty(),
            "{action}"
        );
        assert_eq!(
            attributes(&html, &field, "aria-invalid"),
            ["true"],
            "{action}"
        );
        assert_eq!(status_of(&html), "pending");
    }
    let rejected = decide(
        &app,
        &ben,
        id,
        "reject",
        "We do not publish marketing copy.",
    )
    .await;
    assert_eq!(rejected.status(), StatusCode::SEE_OTHER);
    let html = request_page(&app, &ana, id).await;
    assert_eq!(status_of(&html), "rejected");
    assert!(text_of(&html, "#steps").contains("We do not publish marketing copy."));
    assert_ne!(summary_in_api(&app, "flask").await, NEW_SUMMARY);
}

#[tokio::test]
async fn when_two_reviewers_decide_at_once_the_second_gets_a_conflict_and_nothing_is_lost() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;
    let cat = named(&app, "cat", Role::Admin).await;
    let id = request_flask_summary(&app, &ana, NEW_SUMMARY).await;
    // Both read the request before either decides.
    let ben_form = form_fields(&request_page(&app, &ben, id).await, "#approve-form");
    let mut cat_form = form_fields(&request_page(&app, &cat, id).await, "#reject-form");

    let approved = app
        .submit(&ben, &format!("/admin/changes/{id}/approve"), &ben_form)
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    set_field(&mut cat_form, "comment", "Too vague.");
    let rejected = app
        .submit(&cat, &format!("/admin/changes/{id}/reject"), &cat_form)
        .await;
    assert_eq!(rejected.status(), StatusCode::CONFLICT);
    let html = Html::parse_document(&rejected.text().await.unwrap());
    assert!(text_of(&html, "#refusal").contains("Someone acted on this request"));
    assert_eq!(status_of(&html), "approved");
    assert!(
        select(&html, "#decide").is_empty(),
        "a decided request offers no decision"
    );
    assert_eq!(summary_in_api(&app, "flask").await, NEW_SUMMARY);
}

#[tokio::test]
async fn a_request_whose_entry_changed_since_cannot_be_approved_until_its_author_rebases_it() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;
    let cat = named(&app, "cat", Role::Admin).await;
    let first = request_flask_summary(&app, &ana, NEW_SUMMARY).await;
    let second = app
        .save_framework(&ben, "flask", &[("website", "https://flask.example.org")])
        .await;
    let second = held_as(&second);
    let (_, form) = app.page(&cat, "/admin/frameworks/flask/edit").await;
    assert_eq!(
        attributes(&form, "#open-requests a", "href"),
        [
            format!("/admin/changes/{first}"),
            format!("/admin/changes/{second}")
        ]
    );
    let cat_form = form_fields(&request_page(&app, &cat, first).await, "#approve-form");
    assert_eq!(
        decide(&app, &cat, second, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );

    // Ana's request starts from the version before Ben's change: it cannot be approved.
    let html = request_page(&app, &cat, first).await;
    assert!(text_of(&html, "#stale").contains("changed since"));
    assert!(select(&html, "#approve").is_empty());
    assert!(!text_of(&html, "#approve-blocked").is_empty());
    let refused = app
        .submit(&cat, &format!("/admin/changes/{first}/approve"), &cat_form)
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_ne!(summary_in_api(&app, "flask").await, NEW_SUMMARY);
    let (_, queue) = app.page(&ana, "/admin/changes").await;
    assert!(text_of(&queue, "#yours").contains("needs updating"));
    assert!(
        text_of(&queue, "#yours").contains("Change to framework “Flask”"),
        "each row is titled with its entry's name: {}",
        text_of(&queue, "#yours")
    );

    // Ana updates it through the merge page: her proposal, Ben's change shown as a conflict.
    let html = request_page(&app, &ana, first).await;
    let update = attributes(&html, "#update", "href").remove(0);
    assert_eq!(
        update,
        format!("/admin/frameworks/flask/edit?change_request={first}")
    );
    let (status, form) = app.page(&ana, &update).await;
    assert_eq!(status, StatusCode::OK);
    let conflict = text_of(&form, "#conflict");
    assert!(conflict.contains("https://flask.example.org"), "{conflict}");
    let mut fields = form_fields(&form, "form.edit-form");
    assert!(fields.contains(&("summary".into(), NEW_SUMMARY.into())));
    assert!(fields.contains(&("change_request".into(), first.to_string())));
    set_field(&mut fields, "website", "https://flask.example.org");
    set_field(&mut fields, "action", "save");
    let resubmitted = app
        .submit(&ana, "/admin/frameworks/flask/edit", &fields)
        .await;
    assert_eq!(held_as(&resubmitted), first, "the same request, rebased");

    let html = request_page(&app, &cat, first).await;
    assert!(select(&html, "#stale").is_empty());
    assert!(text_of(&html, "#request-base").contains("version 2"));
    assert_eq!(
        decide(&app, &cat, first, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(summary_in_api(&app, "flask").await, NEW_SUMMARY);
    let body = app
        .get_json("/api/v1/frameworks/flask", StatusCode::OK)
        .await;
    assert_eq!(
        body["website"], "https://flask.example.org",
        "Ben's change kept"
    );
}

#[tokio::test]
async fn a_returned_request_is_changed_and_resubmitted_by_its_author() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;
    let id = request_flask_summary(&app, &ana, "Too short.").await;
    let returned = decide(&app, &ben, id, "return", "Say what it is good at.").await;
    assert_eq!(returned.status(), StatusCode::SEE_OTHER);

    let html = request_page(&app, &ana, id).await;
    assert_eq!(status_of(&html), "returned");
    assert!(text_of(&html, "#steps").contains("Say what it is good at."));
    assert!(
        select(&html, "#decide").is_empty(),
        "its author does not decide it"
    );
    let update = attributes(&html, "#update", "href").remove(0);
    let (_, form) = app.page(&ana, &update).await;
    assert!(text_of(&form, "[role=status]").contains("returned to you"));
    let mut fields = form_fields(&form, "form.edit-form");
    set_field(&mut fields, "summary", NEW_SUMMARY);
    set_field(&mut fields, "action", "save");
    let resubmitted = app
        .submit(&ana, "/admin/frameworks/flask/edit", &fields)
        .await;
    assert_eq!(held_as(&resubmitted), id);

    let html = request_page(&app, &ben, id).await;
    assert_eq!(status_of(&html), "pending");
    let rows = text_of(&html, "table.diff");
    assert!(rows.contains(NEW_SUMMARY), "{rows}");
    assert_eq!(
        decide(&app, &ben, id, "approve", "Better.").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(summary_in_api(&app, "flask").await, NEW_SUMMARY);
}

#[tokio::test]
async fn an_author_withdraws_their_request_and_nobody_else_can() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;
    let id = request_flask_summary(&app, &ana, NEW_SUMMARY).await;
    let html = request_page(&app, &ben, id).await;
    let mut fields = form_fields(&html, "#approve-form");
    set_field(&mut fields, "comment", "");
    let response = app
        .submit(&ben, &format!("/admin/changes/{id}/withdraw"), &fields)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let (_, queue) = app.page(&ana, "/admin/changes").await;
    let action = format!("/admin/changes/{id}/withdraw");
    assert_eq!(attributes(&queue, "#yours form", "action"), [action]);
    let withdrawn = decide(&app, &ana, id, "withdraw", "").await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    let html = request_page(&app, &ben, id).await;
    assert_eq!(status_of(&html), "withdrawn");
    assert!(select(&html, "#decide").is_empty());
    let (_, queue) = app.page(&ben, "/admin/changes").await;
    assert_eq!(request_ids(&queue, "decided"), [id.to_string()]);
}

#[tokio::test]
async fn vocabulary_creates_and_deletes_wait_for_review_too() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;

    let (_, form) = app.page(&ana, "/admin/industries/new").await;
    let mut fields = form_fields(&form, "form.stacked-form");
    set_field(&mut fields, "name", "Space");
    set_field(&mut fields, "slug", "space");
    set_field(&mut fields, "reason", "Two clients this quarter.");
    let created = app.submit(&ana, "/admin/industries/new", &fields).await;
    let created = held_as(&created);
    assert_eq!(
        app.get("/industries/space").await.status(),
        StatusCode::NOT_FOUND,
        "not published yet"
    );
    let html = request_page(&app, &ben, created).await;
    assert_eq!(
        text_of(&html, "h1"),
        format!("Change request #{created}: New industry “Space”")
    );
    assert_eq!(
        decide(&app, &ben, created, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/industries/space").await.status(), StatusCode::OK);

    let (_, confirm) = app.page(&ana, "/admin/industries/space/delete").await;
    assert!(text_of(&confirm, "#review-note").contains("change request"));
    let mut fields = form_fields(&confirm, "form.delete-form");
    set_field(&mut fields, "reason", "It was a one-off.");
    let deleted = app
        .submit(&ana, "/admin/industries/space/delete", &fields)
        .await;
    let deleted = held_as(&deleted);
    assert_eq!(app.get("/industries/space").await.status(), StatusCode::OK);
    assert_eq!(
        decide(&app, &ben, deleted, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get("/industries/space").await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, history) = app.page(&ben, "/admin/industries/space/history").await;
    assert!(text_of(&history, "#revisions").contains(&format!("change request #{deleted}")));
}

#[tokio::test]
async fn every_transition_is_audited_in_order() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;
    let id = request_flask_summary(&app, &ana, "First try.").await;
    decide(&app, &ben, id, "return", "Longer, please.").await;
    let html = request_page(&app, &ana, id).await;
    let update = attributes(&html, "#update", "href").remove(0);
    let (_, form) = app.page(&ana, &update).await;
    let mut fields = form_fields(&form, "form.edit-form");
    set_field(&mut fields, "summary", NEW_SUMMARY);
    set_field(&mut fields, "action", "save");
    app.submit(&ana, "/admin/frameworks/flask/edit", &fields)
        .await;
    decide(&app, &ben, id, "approve", "").await;

    let trail: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, actor FROM audit_log
         WHERE entity = 'change_request' AND entity_slug = ?1 ORDER BY id",
    )
    .bind(id.to_string())
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let trail: Vec<(&str, &str)> = trail
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        trail,
        [
            ("submit", "ana"),
            ("return", "ben"),
            ("submit", "ana"),
            ("approve", "ben"),
        ]
    );
    let html = request_page(&app, &ana, id).await;
    let steps: Vec<String> = select(&html, "#steps > li").into_iter().map(text).collect();
    assert_eq!(steps.len(), 4, "{steps:?}");
    assert!(steps[1].contains("returned it") && steps[1].contains("Longer, please."));
}

#[tokio::test]
async fn with_review_off_a_save_publishes_at_once_with_its_reason_as_the_note() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let (_, form) = app.page(&editor, "/admin/frameworks/flask/edit").await;
    assert!(select(&form, "#review-note").is_empty());
    let response = app
        .save_framework(
            &editor,
            "flask",
            &[("summary", NEW_SUMMARY), ("reason", "Clients kept asking.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/admin/frameworks/flask/edit?saved=yes"
    );
    assert_eq!(summary_in_api(&app, "flask").await, NEW_SUMMARY);
    let (_, history) = app.page(&editor, "/admin/frameworks/flask/history").await;
    let newest = text(select(&history, "#revisions > li")[0]);
    assert!(newest.contains("Clients kept asking."), "{newest}");
    assert!(!newest.contains("approved by"), "{newest}");
    let (_, queue) = app.page(&editor, "/admin/changes").await;
    assert!(text_of(&queue, ".lead").contains("is off"));
}

#[tokio::test]
async fn a_stale_delete_request_is_rebased_from_its_confirmation_page() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let ben = named(&app, "ben", Role::Editor).await;
    let cat = named(&app, "cat", Role::Admin).await;
    let feature = crate::helpers::seed_document().features[0].slug.clone();
    let base = format!("/admin/features/{feature}");

    let (_, confirm) = app.page(&ana, &format!("{base}/delete")).await;
    let fields = form_fields(&confirm, "form.delete-form");
    let deletion = held_as(&app.submit(&ana, &format!("{base}/delete"), &fields).await);
    let (_, form) = app.page(&ben, &format!("{base}/edit")).await;
    let mut fields = form_fields(&form, "form.stacked-form");
    set_field(&mut fields, "description", "Described better.");
    let edit = held_as(&app.submit(&ben, &format!("{base}/edit"), &fields).await);
    assert_eq!(
        decide(&app, &cat, edit, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let html = request_page(&app, &cat, deletion).await;
    assert!(select(&html, "#approve").is_empty(), "stale");

    let html = request_page(&app, &ana, deletion).await;
    let update = attributes(&html, "#update", "href").remove(0);
    assert_eq!(update, format!("{base}/delete?change_request={deletion}"));
    let (_, confirm) = app.page(&ana, &update).await;
    assert!(text_of(&confirm, "#continuing").contains(&format!("#{deletion}")));
    let fields = form_fields(&confirm, "form.delete-form");
    let rebased = app.submit(&ana, &format!("{base}/delete"), &fields).await;
    assert_eq!(held_as(&rebased), deletion);
    assert_eq!(
        decide(&app, &cat, deletion, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, _) = app.page(&cat, &format!("{base}/edit")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_reason_longer_than_a_request_holds_is_refused_at_its_field() {
    let app = spawn_app_with_review().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let reason = "why ".repeat(1001);
    let response = app
        .save_framework(&editor, "flask", &[("reason", reason.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert!(!text_of(&html, "#reason-error").is_empty());
    assert_eq!(attributes(&html, "#reason", "aria-invalid"), ["true"]);
    let (_, queue) = app.page(&editor, "/admin/changes").await;
    assert!(request_ids(&queue, "yours").is_empty(), "nothing was held");
}

#[tokio::test]
async fn the_activity_log_lists_change_requests_and_links_to_them() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let id = request_flask_summary(&app, &ana, NEW_SUMMARY).await;
    let (status, html) = app
        .page(&ana, "/admin/activity?entity=change_request")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        attributes(&html, "#activity a[href^='/admin/changes/']", "href"),
        [format!("/admin/changes/{id}")]
    );
}

#[tokio::test]
async fn a_request_cannot_be_continued_from_another_entrys_form() {
    let app = spawn_app_with_review().await;
    let ana = named(&app, "ana", Role::Editor).await;
    let id = request_flask_summary(&app, &ana, NEW_SUMMARY).await;
    let mut fields = crate::helpers::edit_form(&ana, &app, "django").await;
    set_field(&mut fields, "change_request", &id.to_string());
    set_field(&mut fields, "action", "save");
    let response = app
        .submit(&ana, "/admin/frameworks/django/edit", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = request_page(&app, &ana, id).await;
    assert!(text_of(&html, "#request-base").contains("flask"));
    assert!(text_of(&html, "table.diff").contains(NEW_SUMMARY));
    // Nor by anyone but its author.
    let ben = named(&app, "ben", Role::Editor).await;
    let (status, _) = app
        .page(
            &ben,
            &format!("/admin/frameworks/flask/edit?change_request={id}"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Flask's real-time strength raised to 5 through a change request by `editor`: enough to
/// put it first (level with Supabase, and before it by name) for a Python team wanting
/// real-time updates.
async fn request_flask_real_time(app: &TestApp, editor: &reqwest::Client) -> i64 {
    let response = app
        .save_framework(
            editor,
            "flask",
            &[
                ("req.real-time-updates.strength", "5"),
                ("reason", "Flask-SocketIO on async workers, load-tested."),
            ],
        )
        .await;
    held_as(&response)
}

const REAL_TIME_QUESTION: &str = "want=real-time-updates&lang=python";

#[tokio::test]
async fn an_open_requests_page_shows_what_publishing_it_would_do_to_briefs() {
    let app = spawn_app_with_review().await;
    let author = named(&app, "Ana", Role::Editor).await;
    let reviewer = named(&app, "Ben", Role::Editor).await;
    app.save_brief(
        &reviewer,
        REAL_TIME_QUESTION,
        "Acme Health",
        "Patient portal",
    )
    .await;
    let id = request_flask_real_time(&app, &author).await;

    let page = request_page(&app, &reviewer, id).await;
    let impact = text_of(&page, "#impact");
    assert!(impact.contains("Acme Health"), "{impact}");
    assert!(impact.contains("Flask"), "{impact}");
    // Only its author is offered the preview of their own pending changes.
    assert!(select(&page, "#preview-pending").is_empty());
    let own = request_page(&app, &author, id).await;
    assert_eq!(select(&own, "#preview-pending a").len(), 1);

    decide(&app, &reviewer, id, "approve", "Checked the load test.").await;
    let decided = request_page(&app, &reviewer, id).await;
    assert!(
        select(&decided, "#impact").is_empty(),
        "a decided request has no impact"
    );
}

#[tokio::test]
async fn an_editor_previews_the_recommendation_with_their_own_pending_changes_and_nobody_else_does()
{
    let app = spawn_app_with_review().await;
    let author = named(&app, "Ana", Role::Editor).await;
    let other = named(&app, "Ben", Role::Editor).await;
    let published_top = |html: &Html| text_of(html, "#published li:first-child");
    let previewed_top = |html: &Html| text_of(html, "#with-pending .ranked > li:first-child h3");
    let path = format!(
        "/admin/changes/preview?query=http%3A%2F%2Fexample.org%2F%3F{}",
        REAL_TIME_QUESTION.replace('&', "%26").replace('=', "%3D")
    );
    let (status, before) = app.page(&author, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&before, "#included").contains("no open change request"));
    assert!(!previewed_top(&before).contains("Flask"));

    request_flask_real_time(&app, &author).await;
    let (_, mine) = app.page(&author, &path).await;
    assert!(
        text_of(&mine, "#included").contains("#1"),
        "{}",
        text_of(&mine, "#included")
    );
    assert!(
        previewed_top(&mine).contains("Flask"),
        "{}",
        previewed_top(&mine)
    );
    assert!(
        !published_top(&mine).contains("Flask"),
        "published stays as it was"
    );

    // Another editor's preview, and the public answer, know nothing of it.
    let (_, theirs) = app.page(&other, &path).await;
    assert!(!previewed_top(&theirs).contains("Flask"));
    let public = app
        .get_json(
            &format!("/api/v1/recommendations?{REAL_TIME_QUESTION}"),
            StatusCode::OK,
        )
        .await;
    assert_ne!(public["results"][0]["slug"], "flask");
}

#[tokio::test]
async fn a_preview_question_that_cannot_be_asked_is_named_at_the_field() {
    let app = spawn_app_with_review().await;
    let author = named(&app, "Ana", Role::Editor).await;
    let (status, page) = app
        .page(&author, "/admin/changes/preview?query=need%3Dno-such-thing")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text_of(&page, "#query-error").contains("need"));
    let viewer = app.signed_in_as(Role::Viewer).await;
    let (status, _) = app.page(&viewer, "/admin/changes/preview").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Posts the restore form of the newest revision on `history_path` as `client`.
async fn restore_newest(
    app: &TestApp,
    client: &reqwest::Client,
    history_path: &str,
) -> reqwest::Response {
    let (status, history) = app.page(client, history_path).await;
    assert_eq!(status, StatusCode::OK, "{history_path}");
    let form = select(&history, "#revisions form")[0];
    let action = form.value().attr("action").unwrap().to_owned();
    let fields = form_fields(&history, "#revisions form");
    app.submit(client, &action, &fields).await
}

#[tokio::test]
async fn with_review_on_a_restore_waits_as_a_change_request_like_any_save() {
    let app = spawn_app_with_review().await;
    let author = named(&app, "Ana", Role::Editor).await;
    let reviewer = named(&app, "Ben", Role::Editor).await;
    let first = summary_in_api(&app, "flask").await;
    let id = request_flask_summary(&app, &author, NEW_SUMMARY).await;
    decide(&app, &reviewer, id, "approve", "Fine.").await;
    assert_eq!(summary_in_api(&app, "flask").await, NEW_SUMMARY);

    // Restoring the summary as it was before is a change like any other: it waits.
    let (_, history) = app.page(&author, "/admin/frameworks/flask/history").await;
    let button = text_of(&history, "#revisions form button");
    assert_eq!(button, "Ask to restore this revision");
    let forms = select(&history, "#revisions form");
    let before_approval = forms[1].value().attr("action").unwrap().to_owned();
    let fields = form_fields(&history, "#revisions form");
    let restored = app.submit(&author, &before_approval, &fields).await;
    let request = held_as(&restored);
    assert_eq!(
        summary_in_api(&app, "flask").await,
        NEW_SUMMARY,
        "nothing is published yet"
    );
    let page = request_page(&app, &reviewer, request).await;
    assert!(text_of(&page, "main").contains("Restores revision #"));

    decide(&app, &reviewer, request, "approve", "Back as it was.").await;
    assert_eq!(summary_in_api(&app, "flask").await, first);
}

#[tokio::test]
async fn with_review_on_a_deleted_terms_restore_waits_for_review_and_brings_back_its_links() {
    let app = spawn_app_with_review().await;
    let author = named(&app, "Ana", Role::Editor).await;
    let reviewer = named(&app, "Ben", Role::Editor).await;
    let linked = async || -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM framework_trends ft JOIN trends t ON t.id = ft.trend_id
             WHERE t.slug = 'api-first'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let links_before = linked().await;
    assert!(links_before > 0, "the seed links frameworks to the trend");
    // The trend is deleted through a reviewed request, taking its links with it.
    let (_, confirm) = app.page(&author, "/admin/trends/api-first/delete").await;
    let mut fields = form_fields(&confirm, "form.form-actions-inline");
    set_field(&mut fields, "reason", "Folded into another trend.");
    let deleted = app
        .submit(&author, "/admin/trends/api-first/delete", &fields)
        .await;
    let id = held_as(&deleted);
    decide(&app, &reviewer, id, "approve", "Agreed.").await;
    let (status, _) = app.page(&author, "/admin/trends/api-first/edit").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let restored = restore_newest(&app, &author, "/admin/trends/api-first/history").await;
    let request = held_as(&restored);
    let (status, _) = app.page(&author, "/admin/trends/api-first/edit").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not back before the approval"
    );
    decide(&app, &reviewer, request, "approve", "Back it comes.").await;
    let (status, _) = app.page(&author, "/admin/trends/api-first/edit").await;
    assert_eq!(status, StatusCode::OK);
    // With the framework links its deletion took, as a direct restore brings them.
    assert_eq!(linked().await, links_before);
}
