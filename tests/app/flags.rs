//! Flags from sales: the "Flag" link beside every rating, fit, note and fact for signed-in
//! users, the flag form and its checks, the flagger's own list with the editors' answers,
//! the editors' queue with its resolve form, and the open counts others build on.

use reqwest::StatusCode;
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{
    TestApp, attributes, form_fields, select, set_field, spawn_app, text, text_of,
};

const HEALTHCARE: &str = "industry=healthcare&need=security&want=scalability&lang=python";

/// The query string of a link, decoded, as (name, value) pairs.
fn query_of(href: &str) -> Vec<(String, String)> {
    let (_, query) = href.split_once('?').unwrap_or((href, ""));
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The flag links of a page, each as its decoded query.
fn flag_links(page: &Html) -> Vec<Vec<(String, String)>> {
    attributes(page, "a.flag-link", "href")
        .iter()
        .inspect(|href| assert!(href.starts_with("/flags/new?"), "{href}"))
        .map(|href| query_of(href))
        .collect()
}

/// What a flag link names: (framework, subject_kind, subject).
fn subject_of(link: &[(String, String)]) -> (String, String, String) {
    let get = |name| param(link, name).unwrap_or_default().to_owned();
    (get("framework"), get("subject_kind"), get("subject"))
}

/// `browser` opens the flag form for a subject of `framework` and sends it with `reason`
/// and `comment`; the answer to the POST.
async fn flag(
    app: &TestApp,
    browser: &reqwest::Client,
    (framework, kind, subject): (&str, &str, &str),
    reason: &str,
    comment: &str,
) -> reqwest::Response {
    let path = format!("/flags/new?framework={framework}&subject_kind={kind}&subject={subject}");
    let (status, page) = app.page(browser, &path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    let mut fields = form_fields(&page, "form[action='/flags']");
    set_field(&mut fields, "reason", reason);
    set_field(&mut fields, "comment", comment);
    app.submit(browser, "/flags", &fields).await
}

/// Flags a subject and checks it was taken; its id.
async fn flagged(
    app: &TestApp,
    browser: &reqwest::Client,
    subject: (&str, &str, &str),
    reason: &str,
    comment: &str,
) -> i64 {
    let sent = flag(app, browser, subject, reason, comment).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER, "flagging {subject:?}");
    let location = sent.headers()["location"].to_str().unwrap();
    let pairs = query_of(location);
    param(&pairs, "sent").unwrap().parse().unwrap()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// The resolve form of flag `id` on the editors' queue, as `editor` is shown it.
async fn resolve_form(app: &TestApp, editor: &reqwest::Client, id: i64) -> Vec<(String, String)> {
    let (status, page) = app.page(editor, "/admin/flags").await;
    assert_eq!(status, StatusCode::OK);
    form_fields(&page, &format!("form[action='/admin/flags/{id}/resolve']"))
}

/// The newest audit revision of the framework `slug`.
async fn latest_revision(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT MAX(id) FROM audit_log WHERE entity = 'framework' AND entity_slug = ?1",
    )
    .bind(slug)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn anonymous_visitors_see_no_flag_control_and_a_flag_they_post_sends_them_to_sign_in() {
    let app = spawn_app().await;
    for path in [
        "/frameworks/django".to_owned(),
        format!("/?{HEALTHCARE}"),
        "/compare?f=django&f=laravel".to_owned(),
    ] {
        let page = app.get_html(&path, StatusCode::OK).await;
        assert!(select(&page, ".flag-link").is_empty(), "{path}");
        assert!(select(&page, "a[href='/flags/mine']").is_empty(), "{path}");
    }
    for (method, path) in [
        ("POST", "/flags"),
        ("GET", "/flags/mine"),
        ("GET", "/flags/new"),
    ] {
        let request = match method {
            "POST" => app.client.post(app.url(path)).form(&[
                ("framework", "django"),
                ("subject_kind", "requirement"),
                ("subject", "security"),
                ("reason", "wrong"),
            ]),
            _ => app.client.get(app.url(path)),
        };
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{method} {path}");
        let location = answer.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/login?next="), "{path}: {location}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM flags").await, 0);
}

#[tokio::test]
async fn a_framework_page_offers_a_flag_beside_every_strength_fit_and_fact() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let (status, page) = app.page(&viewer, "/frameworks/django").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select(&page, "nav .nav a[href='/flags/mine']").len(),
        1,
        "their flags are a click away"
    );
    for (row, kind, key) in [
        ("tr[data-requirement]", "requirement", "data-requirement"),
        ("tr[data-industry]", "industry", "data-industry"),
    ] {
        let rows = select(&page, row);
        assert!(!rows.is_empty(), "{row}");
        for tr in rows {
            let subject = tr.value().attr(key).unwrap();
            let links: Vec<_> = tr
                .select(&crate::helpers::selector("a.flag-link"))
                .map(|a| query_of(a.value().attr("href").unwrap()))
                .collect();
            assert_eq!(links.len(), 1, "{kind} {subject}");
            assert_eq!(
                subject_of(&links[0]),
                ("django".into(), kind.into(), subject.into())
            );
            assert_eq!(
                param(&links[0], "back"),
                Some(format!("/frameworks/django#{kind}-{subject}").as_str())
            );
        }
    }
    let facts: Vec<String> = flag_links(&page)
        .iter()
        .map(|l| subject_of(l))
        .filter(|(_, kind, _)| kind == "fact")
        .map(|(_, _, subject)| subject)
        .collect();
    for fact in [
        "summary",
        "language",
        "languages",
        "kind",
        "ring",
        "license",
        "first_release",
        "website",
        "description",
        "use_cases",
        "features",
        "trends",
        "sources",
    ] {
        assert_eq!(
            facts.iter().filter(|f| *f == fact).count(),
            1,
            "{fact} in {facts:?}"
        );
    }
    // Each link says what it flags to those who cannot see where it sits.
    let license = select(&page, "a.flag-link")
        .into_iter()
        .find(|a| a.value().attr("href").unwrap().contains("subject=license"))
        .unwrap();
    assert_eq!(text(license), "Flag License for Django");
}

#[tokio::test]
async fn results_briefs_and_comparisons_offer_a_flag_beside_every_rated_line() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let (_, results) = app.page(&viewer, &format!("/?{HEALTHCARE}")).await;
    let first = select(&results, ".ranked > li").into_iter().next().unwrap();
    let slug = first
        .value()
        .attr("id")
        .unwrap()
        .trim_start_matches("result-")
        .to_owned();
    let lines: Vec<Vec<(String, String)>> = first
        .select(&crate::helpers::selector(".breakdown tbody tr a.flag-link"))
        .map(|a| query_of(a.value().attr("href").unwrap()))
        .collect();
    let subjects: Vec<(String, String, String)> = lines.iter().map(|l| subject_of(l)).collect();
    for expected in [
        ("industry", "healthcare"),
        ("requirement", "security"),
        ("requirement", "scalability"),
        ("fact", "languages"),
        ("fact", "ring"),
    ] {
        assert!(
            subjects.contains(&(slug.clone(), expected.0.into(), expected.1.into())),
            "{expected:?} in {subjects:?}"
        );
    }
    assert_eq!(
        param(&lines[0], "back"),
        Some(format!("/?{HEALTHCARE}#result-{slug}").as_str())
    );
    // The excluded ones too, once their evidence is asked for: the must-have that left each
    // out, flagged back to the same explanation.
    assert!(select(&results, ".excluded a.flag-link").is_empty());
    let evidence = attributes(&results, ".excluded li a.explain-link", "href").remove(0);
    let (explained, anchor) = evidence.split_once('#').unwrap();
    let (_, shown) = app.page(&viewer, explained).await;
    let excluded = select(&shown, ".excluded a.flag-link");
    assert!(!excluded.is_empty());
    let reason = query_of(excluded[0].value().attr("href").unwrap());
    assert_eq!(param(&reason, "subject_kind"), Some("requirement"));
    assert_eq!(param(&reason, "subject"), Some("security"));
    assert_eq!(
        param(&reason, "back"),
        Some(format!("{explained}#{anchor}").as_str())
    );

    let brief = app.save_brief(&viewer, HEALTHCARE, "Acme", "Portal").await;
    let (_, pinned) = app.page(&viewer, &format!("/briefs/{brief}")).await;
    let back = flag_links(&pinned)
        .into_iter()
        .find_map(|l| param(&l, "back").map(str::to_owned))
        .unwrap();
    assert!(
        back.starts_with(&format!("/briefs/{brief}#result-")),
        "{back}"
    );

    let (_, compared) = app.page(&viewer, "/compare?f=django&f=laravel").await;
    let links = flag_links(&compared);
    let security: Vec<String> = links
        .iter()
        .map(|l| subject_of(l))
        .filter(|(_, kind, subject)| kind == "requirement" && subject == "security")
        .map(|(framework, _, _)| framework)
        .collect();
    assert_eq!(security, ["django", "laravel"]);
    assert!(
        links
            .iter()
            .map(|l| subject_of(l))
            .any(|s| s == ("laravel".into(), "fact".into(), "license".into()))
    );
    assert!(
        links
            .iter()
            .all(|l| param(l, "back") == Some("/compare?f=django&f=laravel"))
    );
}

#[tokio::test]
async fn the_flag_form_shows_the_rating_with_its_note_and_sources_and_the_flag_lands_on_my_list() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let (_, results) = app.page(&viewer, &format!("/?{HEALTHCARE}")).await;
    let href = attributes(
        &results,
        ".ranked > li:first-child .breakdown a.flag-link",
        "href",
    )
    .into_iter()
    .find(|h| h.contains("subject=security"))
    .unwrap();
    let (status, form) = app.page(&viewer, &href).await;
    assert_eq!(status, StatusCode::OK);
    let framework = param(&query_of(&href), "framework").unwrap().to_owned();
    let security: String =
        sqlx::query_scalar("SELECT name FROM requirements WHERE slug = 'security'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let name = text_of(&results, ".ranked > li:first-child h3");
    assert_eq!(text_of(&form, "h1"), format!("Flag {security} of {name}"));
    let note: String = sqlx::query_scalar(
        "SELECT fr.note FROM framework_requirements fr
         JOIN frameworks f ON f.id = fr.framework_id JOIN requirements r ON r.id = fr.requirement_id
         WHERE f.slug = ?1 AND r.slug = 'security'",
    )
    .bind(&framework)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(text_of(&form, ".flagged dd.note"), note);
    assert!(
        !select(&form, ".flagged .bar").is_empty(),
        "the figure is shown"
    );
    let reasons = attributes(&form, "input[name=reason]", "value");
    assert_eq!(reasons, ["wrong", "outdated", "missing-source"]);
    for label in select(&form, "form[action='/flags'] textarea") {
        let id = label.value().attr("id").unwrap();
        assert_eq!(select(&form, &format!("label[for='{id}']")).len(), 1);
    }

    let mut fields = form_fields(&form, "form[action='/flags']");
    set_field(&mut fields, "reason", "outdated");
    set_field(
        &mut fields,
        "comment",
        "Version 5 added built-in CSRF checks.",
    );
    let sent = app.submit(&viewer, "/flags", &fields).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let location = sent.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/flags/mine?sent=1&back="),
        "{location}"
    );

    let (_, mine) = app.page(&viewer, &location).await;
    assert!(text_of(&mine, "#flag-sent").contains("sent to the editors"));
    assert_eq!(
        attributes(&mine, "#flag-sent a", "href"),
        [format!("/?{HEALTHCARE}#result-{framework}")]
    );
    assert_eq!(attributes(&mine, "#my-flags > li", "data-status"), ["open"]);
    assert!(text_of(&mine, "#flag-1 .flag-title").ends_with(&format!("{name} · {security}")));
    assert_eq!(
        text_of(&mine, "#flag-1 .flag-comment"),
        "Version 5 added built-in CSRF checks."
    );
    assert!(
        select(&mine, "#flag-1 time[datetime]").len() == 1,
        "the date is readable"
    );

    let stored: (String, String, String, String, i64) = sqlx::query_as(
        "SELECT framework_slug, subject_kind, subject, reason, framework_id IS NOT NULL FROM flags",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        (
            framework,
            "requirement".into(),
            "security".into(),
            "outdated".into(),
            1
        )
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'flag' AND action = 'create' AND entity_slug = '1'").await,
        1,
        "the flag is audited"
    );
}

#[tokio::test]
async fn a_fact_is_flagged_by_its_field_name_and_the_form_shows_its_value() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let (status, form) = app
        .page(
            &viewer,
            "/flags/new?framework=django&subject_kind=fact&subject=license",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let license: String =
        sqlx::query_scalar("SELECT license FROM frameworks WHERE slug = 'django'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(text_of(&form, ".flagged-value"), license);
    flagged(
        &app,
        &viewer,
        ("django", "fact", "license"),
        "missing-source",
        "",
    )
    .await;
    let stored: (String, String) = sqlx::query_as("SELECT subject_kind, subject FROM flags")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, ("fact".into(), "license".into()));
}

#[tokio::test]
async fn bad_flags_come_back_with_the_message_at_the_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let token = app.csrf_token(&viewer).await;
    let good = [
        ("framework", "django"),
        ("subject_kind", "requirement"),
        ("subject", "security"),
        ("reason", "outdated"),
        ("comment", ""),
        ("back", ""),
    ];
    for (field, value) in [
        ("framework", "no-such-framework"),
        ("subject_kind", "rating"),
        ("subject", "no-such-requirement"),
        ("reason", "boring"),
        ("back", "https://evil.example/"),
        ("comment", &"x".repeat(2001)),
    ] {
        let mut fields: Vec<(String, String)> = good
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        fields.push(("csrf_token".into(), token.clone()));
        set_field(&mut fields, field, value);
        let answer = app.submit(&viewer, "/flags", &fields).await;
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let page = Html::parse_document(&answer.text().await.unwrap());
        let named: Vec<String> = select(&page, "#form-errors li strong")
            .into_iter()
            .map(text)
            .collect();
        assert_eq!(named, [field], "{field}");
        // The form comes back with what was typed.
        assert_eq!(
            attributes(
                &page,
                "form[action='/flags'] input[name=framework]",
                "value"
            ),
            [if field == "framework" {
                value
            } else {
                "django"
            }]
        );
    }
    // A figure called wrong says what is wrong, at the comment box.
    let answer = flag(
        &app,
        &viewer,
        ("django", "requirement", "security"),
        "wrong",
        " ",
    )
    .await;
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Html::parse_document(&answer.text().await.unwrap());
    assert!(text_of(&page, "#flag-comment-error").starts_with("say what is wrong"));
    assert_eq!(
        attributes(&page, "#flag-comment", "aria-describedby"),
        ["flag-comment-error"]
    );
    // A link to the form naming nothing that exists is a 400 naming its parameter.
    let (status, page) = app
        .page(
            &viewer,
            "/flags/new?framework=django&subject_kind=industry&subject=nowhere",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text(select(&page, "main").remove(0)).contains("subject"));
    // Without the session's token nothing is taken.
    let forged = app
        .submit(
            &viewer,
            "/flags",
            &good
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM flags").await, 0);
}

#[tokio::test]
async fn viewers_are_refused_the_editors_queue_and_cannot_resolve_a_flag() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let id = flagged(
        &app,
        &viewer,
        ("django", "requirement", "security"),
        "outdated",
        "",
    )
    .await;
    let (status, _) = app.page(&viewer, "/admin/flags").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let token = app.csrf_token(&viewer).await;
    let refused = app
        .submit(
            &viewer,
            &format!("/admin/flags/{id}/resolve"),
            &[
                ("status".into(), "stands".into()),
                ("answer".into(), "Because I say so".into()),
                ("version".into(), "1".into()),
                ("csrf_token".into(), token),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM flags WHERE status = 'open'").await,
        1
    );
}

#[tokio::test]
async fn editors_see_the_open_flags_oldest_first_with_counts_per_framework_and_filters() {
    let app = spawn_app().await;
    let seller = app.signed_in_with("seller@example.com", Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    let first = flagged(
        &app,
        &seller,
        ("django", "requirement", "security"),
        "outdated",
        "first",
    )
    .await;
    let second = flagged(
        &app,
        &seller,
        ("laravel", "industry", "healthcare"),
        "missing-source",
        "second",
    )
    .await;
    let third = flagged(
        &app,
        &seller,
        ("django", "fact", "license"),
        "wrong",
        "It is BSD-3-Clause.",
    )
    .await;

    let (status, queue) = app.page(&editor, "/admin/flags").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        attributes(&queue, "#flag-queue > li", "id"),
        [first, second, third].map(|id| format!("flag-{id}"))
    );
    let counts: Vec<(String, String)> = select(&queue, "#flag-counts li")
        .into_iter()
        .map(|li| {
            (
                li.value().attr("data-framework").unwrap().to_owned(),
                text_of_count(li),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("django".into(), "2".into()),
            ("laravel".into(), "1".into())
        ]
    );
    let item = text(select(&queue, &format!("#flag-{third}")).remove(0));
    for said in [
        "Django · License",
        "Wrong",
        "Test User",
        "It is BSD-3-Clause.",
    ] {
        assert!(item.contains(said), "{said} in {item}");
    }

    let (_, laravel) = app.page(&editor, "/admin/flags?framework=laravel").await;
    assert_eq!(
        attributes(&laravel, "#flag-queue > li", "id"),
        [format!("flag-{second}")]
    );
    let (_, resolved) = app.page(&editor, "/admin/flags?status=resolved").await;
    assert!(select(&resolved, "#flag-queue > li").is_empty());
    for bad in [
        "/admin/flags?status=maybe",
        "/admin/flags?framework=nowhere",
    ] {
        let (status, _) = app.page(&editor, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }

    // The desk and the editors' list of frameworks say how many are open.
    let (_, desk) = app.page(&editor, "/admin").await;
    assert_eq!(text_of(&desk, "#open-flags"), "3 open flags");
    let (_, list) = app.page(&editor, "/admin/frameworks?q=django").await;
    assert!(
        attributes(&list, "a.flag-count", "href")
            .contains(&"/admin/flags?framework=django".to_owned())
    );
}

fn text_of_count(li: scraper::ElementRef<'_>) -> String {
    li.select(&crate::helpers::selector(".count"))
        .next()
        .map(text)
        .unwrap()
}

#[tokio::test]
async fn an_editor_resolves_a_flag_with_the_revision_that_fixed_it_and_the_flagger_sees_it() {
    let app = spawn_app().await;
    let seller = app.signed_in_with("seller@example.com", Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    let id = flagged(
        &app,
        &seller,
        ("django", "fact", "summary"),
        "outdated",
        "Says 2005.",
    )
    .await;
    let saved = app
        .save_framework(
            &editor,
            "django",
            &[(
                "summary",
                "The web framework for perfectionists with deadlines.",
            )],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let revision = latest_revision(&app, "django").await;

    let mut fields = resolve_form(&app, &editor, id).await;
    let (_, queue) = app.page(&editor, "/admin/flags").await;
    let offered = attributes(&queue, &format!("#fixed-by-{id} option"), "value");
    assert_eq!(
        offered[..2],
        [String::new(), revision.to_string()],
        "newest first"
    );
    set_field(&mut fields, "status", "fixed");
    set_field(&mut fields, "fixed_by", &revision.to_string());
    set_field(&mut fields, "answer", "Updated, thanks.");
    let resolved = app
        .submit(&editor, &format!("/admin/flags/{id}/resolve"), &fields)
        .await;
    assert_eq!(resolved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resolved.headers()["location"],
        format!("/admin/flags?resolved={id}").as_str()
    );

    let stored: (String, Option<i64>, String, i64) =
        sqlx::query_as("SELECT status, fixed_by, answer, version FROM flags WHERE id = ?1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        stored,
        ("fixed".into(), Some(revision), "Updated, thanks.".into(), 2)
    );
    let audited: (String, String) = sqlx::query_as(
        "SELECT json_extract(before, '$.status'), json_extract(after, '$.status')
         FROM audit_log WHERE entity = 'flag' AND action = 'resolve' AND entity_slug = ?1",
    )
    .bind(id.to_string())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, ("open".into(), "fixed".into()));

    let (_, queue) = app.page(&editor, "/admin/flags").await;
    assert!(select(&queue, "#flag-queue > li").is_empty());
    let (_, done) = app.page(&editor, "/admin/flags?status=resolved").await;
    assert_eq!(
        attributes(&done, "#flag-queue > li", "data-status"),
        ["fixed"]
    );

    // The flagger, a viewer, is led to the framework page; an editor would see the revision.
    let (_, mine) = app.page(&seller, "/flags/mine").await;
    assert_eq!(
        attributes(&mine, "#my-flags > li", "data-status"),
        ["fixed"]
    );
    assert_eq!(text_of(&mine, ".flag-editor-answer"), "Updated, thanks.");
    assert_eq!(
        attributes(&mine, ".flag-answer a", "href"),
        ["/frameworks/django"]
    );
    let own = flagged(&app, &editor, ("django", "fact", "website"), "outdated", "").await;
    let mut fields = resolve_form(&app, &editor, own).await;
    set_field(&mut fields, "status", "fixed");
    set_field(&mut fields, "fixed_by", &revision.to_string());
    let resolved = app
        .submit(&editor, &format!("/admin/flags/{own}/resolve"), &fields)
        .await;
    assert_eq!(resolved.status(), StatusCode::SEE_OTHER);
    let (_, editors_own) = app.page(&editor, "/flags/mine").await;
    assert_eq!(
        attributes(&editors_own, ".flag-answer a", "href"),
        [format!(
            "/admin/frameworks/django/history#revision-{revision}"
        )]
    );
    let (_, history) = app.page(&editor, "/admin/frameworks/django/history").await;
    assert_eq!(select(&history, &format!("#revision-{revision}")).len(), 1);
}

#[tokio::test]
async fn a_flag_that_stands_carries_the_answer_and_a_resolution_without_one_is_refused_at_the_field()
 {
    let app = spawn_app().await;
    let seller = app.signed_in_with("seller@example.com", Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    let id = flagged(
        &app,
        &seller,
        ("django", "requirement", "security"),
        "wrong",
        "It should be 3.",
    )
    .await;
    let laravel_revision: i64 = {
        let saved = app
            .save_framework(&editor, "laravel", &[("summary", "A PHP framework.")])
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        latest_revision(&app, "laravel").await
    };
    let fields = resolve_form(&app, &editor, id).await;
    for (changes, field) in [
        (vec![("status", "stands"), ("answer", "  ")], "answer"),
        (vec![("status", "fixed"), ("fixed_by", "")], "fixed_by"),
        (
            vec![
                ("status", "fixed"),
                ("fixed_by", &*laravel_revision.to_string()),
            ],
            "fixed_by",
        ),
        (vec![("status", "open")], "status"),
    ] {
        let mut sent = fields.clone();
        for (name, value) in &changes {
            set_field(&mut sent, name, value);
        }
        let answer = app
            .submit(&editor, &format!("/admin/flags/{id}/resolve"), &sent)
            .await;
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{changes:?}"
        );
        let page = Html::parse_document(&answer.text().await.unwrap());
        let named: Vec<String> = select(&page, "#form-errors li strong")
            .into_iter()
            .map(text)
            .collect();
        assert_eq!(named, [field], "{changes:?}");
        let at_field = match field {
            "answer" => format!("#answer-{id}-error"),
            "fixed_by" => format!("#fixed-by-{id}-error"),
            _ => format!("#status-{id}-error"),
        };
        assert_eq!(select(&page, &at_field).len(), 1, "{changes:?}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM flags WHERE status = 'open'").await,
        1
    );

    let mut sent = fields.clone();
    set_field(&mut sent, "status", "stands");
    set_field(
        &mut sent,
        "answer",
        "Its CSRF and XSS protection is built in; 5 stands.",
    );
    let answer = app
        .submit(&editor, &format!("/admin/flags/{id}/resolve"), &sent)
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let (_, mine) = app.page(&seller, "/flags/mine").await;
    assert_eq!(
        attributes(&mine, "#my-flags > li", "data-status"),
        ["stands"]
    );
    assert_eq!(
        text_of(&mine, ".flag-editor-answer"),
        "Its CSRF and XSS protection is built in; 5 stands."
    );
    assert!(
        select(&mine, ".flag-answer a").is_empty(),
        "nothing to link to"
    );

    // The same form sent again is late: the flag is resolved, which the answer says.
    let late = app
        .submit(&editor, &format!("/admin/flags/{id}/resolve"), &sent)
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let page = Html::parse_document(&late.text().await.unwrap());
    assert_eq!(select(&page, "#conflict").len(), 1);
    assert!(select(&page, "form[action$='/resolve']").is_empty());
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'flag' AND action = 'resolve'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn my_flags_are_mine_alone_newest_first() {
    let app = spawn_app().await;
    let seller = app.signed_in_with("seller@example.com", Role::Viewer).await;
    let other = app.signed_in_with("other@example.com", Role::Viewer).await;
    let older = flagged(
        &app,
        &seller,
        ("django", "requirement", "security"),
        "outdated",
        "",
    )
    .await;
    let newer = flagged(
        &app,
        &seller,
        ("django", "industry", "healthcare"),
        "missing-source",
        "",
    )
    .await;
    let theirs = flagged(
        &app,
        &other,
        ("laravel", "fact", "license"),
        "missing-source",
        "",
    )
    .await;
    let (_, mine) = app.page(&seller, "/flags/mine").await;
    assert_eq!(
        attributes(&mine, "#my-flags > li", "id"),
        [newer, older].map(|id| format!("flag-{id}"))
    );
    // Announcing someone else's flag as sent is not believed.
    let (_, claimed) = app
        .page(
            &seller,
            &format!("/flags/mine?sent={theirs}&back=https://evil.example/"),
        )
        .await;
    assert!(select(&claimed, "#flag-sent").is_empty());
    let (_, announced) = app
        .page(
            &seller,
            &format!("/flags/mine?sent={newer}&back=//evil.example/"),
        )
        .await;
    assert_eq!(select(&announced, "#flag-sent").len(), 1);
    assert!(
        attributes(&announced, "#flag-sent a", "href").is_empty(),
        "no way out of the site"
    );
}

#[tokio::test]
async fn open_counts_name_each_flagged_subject_until_it_is_resolved() {
    let app = spawn_app().await;
    let seller = app.signed_in_with("seller@example.com", Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    flagged(
        &app,
        &seller,
        ("django", "requirement", "security"),
        "outdated",
        "",
    )
    .await;
    flagged(
        &app,
        &editor,
        ("django", "requirement", "security"),
        "missing-source",
        "",
    )
    .await;
    let answered = flagged(
        &app,
        &seller,
        ("laravel", "fact", "license"),
        "missing-source",
        "",
    )
    .await;
    let key = |f: &str, k: &str, s: &str| (f.to_owned(), k.to_owned(), s.to_owned());
    let counts = stackatlas::db::flags::open_tally(&app.pool)
        .await
        .unwrap()
        .by_subject;
    assert_eq!(counts.len(), 2);
    assert_eq!(counts[&key("django", "requirement", "security")], 2);
    assert_eq!(counts[&key("laravel", "fact", "license")], 1);

    let mut fields = resolve_form(&app, &editor, answered).await;
    set_field(&mut fields, "status", "stands");
    set_field(&mut fields, "answer", "MIT, as its repository says.");
    let resolved = app
        .submit(
            &editor,
            &format!("/admin/flags/{answered}/resolve"),
            &fields,
        )
        .await;
    assert_eq!(resolved.status(), StatusCode::SEE_OTHER);
    let counts = stackatlas::db::flags::open_tally(&app.pool)
        .await
        .unwrap()
        .by_subject;
    assert_eq!(counts.len(), 1);
    assert!(!counts.contains_key(&key("laravel", "fact", "license")));
}

#[tokio::test]
async fn a_flag_follows_its_framework_through_a_rename() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let id = flagged(
        &app,
        &editor,
        ("django", "requirement", "security"),
        "outdated",
        "",
    )
    .await;
    let renamed = app
        .save_framework(
            &editor,
            "django",
            &[("slug", "django-web"), ("name", "Django Web")],
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
    let counts = stackatlas::db::flags::open_tally(&app.pool)
        .await
        .unwrap()
        .by_subject;
    let key = (
        "django-web".to_owned(),
        "requirement".to_owned(),
        "security".to_owned(),
    );
    assert_eq!(counts.get(&key), Some(&1));
    let (_, queue) = app.page(&editor, "/admin/flags?framework=django-web").await;
    assert_eq!(
        attributes(&queue, "#flag-queue > li", "id"),
        [format!("flag-{id}")]
    );
    assert_eq!(
        attributes(&queue, "#flag-queue .flag-title a", "href"),
        ["/frameworks/django-web#requirement-security"]
    );
    // The rename is a revision of the framework under its new name, so it may be the fix.
    let offered = attributes(&queue, &format!("#fixed-by-{id} option"), "value");
    assert_eq!(
        offered[1],
        latest_revision(&app, "django-web").await.to_string()
    );
}

#[tokio::test]
async fn the_activity_log_filters_flags_and_links_each_to_the_queue() {
    let app = spawn_app().await;
    let viewer = app.signed_in_with("sam@example.com", Role::Viewer).await;
    let sent = flag(
        &app,
        &viewer,
        ("django", "requirement", "security"),
        "outdated",
        "The note predates the 5.0 release.",
    )
    .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let editor = app.signed_in_as(Role::Editor).await;
    let (status, page) = app.page(&editor, "/admin/activity?entity=flag").await;
    assert_eq!(status, StatusCode::OK);
    let links: Vec<&str> = select(&page, "table a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        links
            .iter()
            .any(|href| href.starts_with("/admin/flags#flag-")),
        "{links:?}"
    );
    for entity in ["reference_question", "radar_edition", "change_request"] {
        let (status, _) = app
            .page(&editor, &format!("/admin/activity?entity={entity}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{entity}");
    }
}

/// What the desk, the queue and the editors' list of frameworks say of open flags: the
/// desk's total, the queue's count per framework, and the list's badge on Django.
async fn open_flags_shown(
    app: &TestApp,
    editor: &reqwest::Client,
) -> (String, Vec<(String, String)>, Vec<String>) {
    let (_, desk) = app.page(editor, "/admin").await;
    let desk_total = select(&desk, "#open-flags")
        .into_iter()
        .map(text)
        .next()
        .unwrap_or_else(|| "none".to_owned());
    let (_, queue) = app.page(editor, "/admin/flags").await;
    let per_framework = select(&queue, "#flag-counts li")
        .into_iter()
        .map(|li| {
            (
                text(li.select(&crate::helpers::selector("a")).next().unwrap()),
                text_of_count(li),
            )
        })
        .collect();
    let (_, list) = app.page(editor, "/admin/frameworks?q=django").await;
    let badges = select(&list, "a.flag-count")
        .into_iter()
        .map(text)
        .collect();
    (desk_total, per_framework, badges)
}

#[tokio::test]
async fn a_flag_raised_resolved_or_renamed_shows_in_every_count_on_the_very_next_request() {
    let app = spawn_app().await;
    let seller = app.signed_in_with("seller@example.com", Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    // Every count read once, with nothing open, before anything changes.
    let (desk, per_framework, badges) = open_flags_shown(&app, &editor).await;
    assert_eq!(desk, "none");
    assert!(per_framework.is_empty() && badges.is_empty());

    let id = flagged(
        &app,
        &seller,
        ("django", "requirement", "security"),
        "outdated",
        "",
    )
    .await;
    let (desk, per_framework, badges) = open_flags_shown(&app, &editor).await;
    assert_eq!(desk, "1 open flag");
    assert_eq!(per_framework, [("Django 1".to_owned(), "1".to_owned())]);
    assert_eq!(badges, ["1 open flag"]);

    // A rename moves the knowledge's counter alone: the counts name the framework anew.
    let renamed = app
        .save_framework(&editor, "django", &[("name", "Django Web")])
        .await;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
    let (_, per_framework, _) = open_flags_shown(&app, &editor).await;
    assert_eq!(per_framework, [("Django Web 1".to_owned(), "1".to_owned())]);

    let mut fields = resolve_form(&app, &editor, id).await;
    set_field(&mut fields, "status", "stands");
    set_field(&mut fields, "answer", "Reviewed this month; it stands.");
    let resolved = app
        .submit(&editor, &format!("/admin/flags/{id}/resolve"), &fields)
        .await;
    assert_eq!(resolved.status(), StatusCode::SEE_OTHER);
    let (desk, per_framework, badges) = open_flags_shown(&app, &editor).await;
    assert_eq!(desk, "none");
    assert!(per_framework.is_empty() && badges.is_empty());
}

#[tokio::test]
async fn each_flag_on_the_queue_is_offered_the_newest_revisions_of_its_own_framework() {
    let app = spawn_app().await;
    let seller = app.signed_in_with("seller@example.com", Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    let on_django = flagged(&app, &seller, ("django", "fact", "summary"), "outdated", "").await;
    let on_flask = flagged(&app, &seller, ("flask", "fact", "summary"), "outdated", "").await;
    let again = flagged(
        &app,
        &seller,
        ("django", "fact", "license"),
        "missing-source",
        "",
    )
    .await;
    // More edits of Django than the form offers, and one of Flask.
    for n in 0..14 {
        let summary = format!("Batteries included, edit {n}.");
        let saved = app
            .save_framework(&editor, "django", &[("summary", &summary)])
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    }
    let saved = app
        .save_framework(&editor, "flask", &[("summary", "A small core.")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let newest = |slug: &'static str, n: i64| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM audit_log WHERE entity = 'framework' AND entity_slug = ?1
                 ORDER BY id DESC LIMIT ?2",
            )
            .bind(slug)
            .bind(n)
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
        }
    };

    let (_, queue) = app.page(&editor, "/admin/flags").await;
    let offered = |id: i64| {
        let mut values = attributes(&queue, &format!("#fixed-by-{id} option"), "value");
        values.remove(0); // "Choose a revision"
        values
    };
    let django = newest("django", 12).await;
    assert_eq!(django.len(), 12, "the form offers twelve of fifteen");
    assert_eq!(offered(on_django), django);
    assert_eq!(offered(again), django);
    assert_eq!(offered(on_flask), newest("flask", 12).await);
}
