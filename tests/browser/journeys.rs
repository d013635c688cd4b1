//! What people do with stackatlas, step by step, in a real browser.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use fantoccini::{Client, Locator};
use futures_util::FutureExt;
use stackatlas::domain::Role;

use crate::helpers::{TestApp, spawn_app, spawn_app_with_review};
use crate::support::{
    Driver, audit, axe_source, browser, click, find, path_of, required, reset, retype, screenshots,
    sign_in, start_driver, strings, text, type_into, wait_for_text,
};

type Journey = fn(Client, Client, TestApp) -> Pin<Box<dyn Future<Output = ()>>>;

/// Runs every journey on its own server, in two Chromium sessions shared by all journeys
/// (starting two for every journey took some 40% of this binary's time); returns how many
/// failed.
pub async fn run_all(driver_binary: PathBuf) -> usize {
    let driver = start_driver(&driver_binary);
    let journeys: [(&str, Journey); 9] = [
        (
            "a salesperson builds, compares, exports and prints a recommendation",
            |a, _, app| Box::pin(salesperson(a, app)),
        ),
        (
            "a salesperson reads a comparison on a 360 px phone without scrolling sideways",
            |a, _, app| Box::pin(compare_on_a_phone(a, app)),
        ),
        (
            "an editor changes a strength, sees the ranking move, and reverts it",
            |a, _, app| Box::pin(editor_edits_and_reverts(a, app)),
        ),
        (
            "a second editor saving a stale copy meets the conflict page",
            |a, b, app| Box::pin(stale_copy(a, b, app)),
        ),
        ("a viewer is refused the editors' pages", |a, _, app| {
            Box::pin(viewer_refused(a, app))
        }),
        (
            "the query page works from the keyboard alone",
            |a, _, app| Box::pin(keyboard_only(a, app)),
        ),
        (
            "a salesperson saves a brief, an editor changes a rating, the brief says why and is re-run, the outcome is recorded",
            |a, b, app| Box::pin(brief_journey(a, b, app)),
        ),
        (
            "a salesperson flags a rating, an editor previews the impact and asks for the change, another approves it, the flag is resolved and the brief says what changed",
            |a, b, _| Box::pin(flag_to_published_change(a, b)),
        ),
        ("every page passes the accessibility audit", |a, _, app| {
            Box::pin(accessibility(a, app))
        }),
    ];
    let mut failures = 0;
    let mut sessions = (browser(&driver).await, browser(&driver).await);
    for (name, journey) in journeys {
        let app = spawn_app().await;
        let (first, second) = sessions.clone();
        let outcome = std::panic::AssertUnwindSafe(async {
            reset(&first, &app).await;
            reset(&second, &app).await;
            journey(first, second, app).await;
        })
        .catch_unwind()
        .await;
        match outcome {
            Ok(()) => println!("browser journey ok: {name}"),
            Err(_) => {
                println!("browser journey FAILED: {name}");
                failures += 1;
                // Whatever state the failure left them in, the next journey gets new sessions.
                let _ = sessions.0.close().await;
                let _ = sessions.1.close().await;
                sessions = (browser(&driver).await, browser(&driver).await);
            }
        }
    }
    let _ = sessions.0.close().await;
    let _ = sessions.1.close().await;
    drop::<Driver>(driver);
    failures
}

async fn salesperson(client: Client, app: TestApp) {
    client.goto(&app.url("/")).await.unwrap();
    // Typing in the requirement filter narrows the long list as you type.
    type_into(&client, "#requirement-filter", "offline").await;
    let visible = strings(
        &client,
        "return [...document.querySelectorAll('.choice-table tbody tr')]\
               .filter(r => !r.hidden && r.offsetParent !== null).map(r => r.cells[0].textContent.trim());",
    )
    .await;
    assert_eq!(visible, ["Offline sync"]);
    retype(&client, "#requirement-filter", " ").await;
    find(&client, "#industry")
        .await
        .select_by_value("healthcare")
        .await
        .unwrap();
    click(&client, "input[name='r.security'][value='need']").await;
    click(&client, "input[name='r.scalability'][value='want']").await;
    click(&client, "input[name='lang'][value='python']").await;
    screenshots(&client, "query-form").await;
    click(&client, "form.query-form button[type=submit]").await;
    find(&client, ".ranked").await;
    assert_eq!(
        path_of(&client).await,
        "/?industry=healthcare&need=security&want=scalability&lang=python",
        "the result is a shareable link"
    );
    assert_eq!(text(&client, ".ranked .rank").await, "1");
    screenshots(&client, "recommendation").await;

    // Open the first result, then come back and compare the top two.
    let first = find(&client, ".ranked h3 a").await;
    let name = first.text().await.unwrap();
    first.click().await.unwrap();
    // Until the framework page has loaded, the heading found may be the query page's.
    wait_for_text(&client, "h1", |h1| h1 == name).await;
    client.back().await.unwrap();
    click(&client, ".ranked > li:nth-child(1) input[name=f]").await;
    click(&client, ".ranked > li:nth-child(2) input[name=f]").await;
    click(&client, ".compare-bar button").await;
    find(&client, ".compare-table").await;
    assert!(path_of(&client).await.starts_with("/compare?f="));
    screenshots(&client, "compare").await;

    // The CSV link answers with a CSV attachment.
    client.back().await.unwrap();
    let href = find(&client, ".export-actions a[href^='/export.csv']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    app.download(&app.client, &href, "stackatlas-recommendation.csv")
        .await;

    // The print view: script shows the Print button, and printing gives a one-page summary.
    assert!(
        find(&client, "button[data-print]")
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    let pdf = client
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    std::fs::write(
        format!("{}/recommendation-print.pdf", crate::support::ARTIFACTS),
        pdf,
    )
    .unwrap();
}

/// The narrowest phone people use: 360 px. The page itself never scrolls sideways, and every
/// framework compared is named on screen beside its figure, however many are compared.
async fn compare_on_a_phone(client: Client, app: TestApp) {
    let chosen = ["django", "laravel", "nodejs", "spring-boot"];
    client.set_window_size(360, 800).await.unwrap();
    for count in 2..=4 {
        let query: Vec<String> = chosen[..count].iter().map(|f| format!("f={f}")).collect();
        client
            .goto(&app.url(&format!("/compare?{}", query.join("&"))))
            .await
            .unwrap();
        find(&client, ".compare-table").await;
        let width = client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth, \
                   document.documentElement.clientWidth];",
                Vec::new(),
            )
            .await
            .unwrap();
        let [scroll, inner, client_width] = [0, 1, 2].map(|i| width[i].as_i64().unwrap());
        assert!(
            scroll <= inner && scroll <= client_width,
            "{count} frameworks: the page is {scroll} px wide in a {client_width} px window"
        );
        // Each framework's name, in the list on top and on every figure of the first rows,
        // is shown whole inside the window.
        let names = strings(
            &client,
            "const inside = e => { const r = e.getBoundingClientRect(); \
                   return r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth; }; \
                 const shown = s => [...document.querySelectorAll(s)].filter(inside) \
                   .map(e => e.textContent.trim()); \
                 return [shown('.compare-table thead th a'), \
                   ...[...document.querySelectorAll('.compare-table tbody tr:not(.section-row)')].slice(0, 8) \
                     .map(row => [...row.querySelectorAll('.cell-name')].filter(inside) \
                       .map(e => e.textContent.trim()))].map(list => list.join(' | '));",
        )
        .await;
        let expected = ["Django", "Laravel", "Node.js", "Spring Boot"][..count].join(" | ");
        for (row, shown) in names.iter().enumerate() {
            assert_eq!(shown, &expected, "{count} frameworks, row {row}");
        }
        let png = client.screenshot().await.unwrap();
        std::fs::create_dir_all(crate::support::ARTIFACTS).unwrap();
        std::fs::write(
            format!("{}/compare-{count}-360.png", crate::support::ARTIFACTS),
            png,
        )
        .unwrap();
    }
    // On a wide screen it is a table again, the names in its column headings only.
    client.set_window_size(1280, 900).await.unwrap();
    let names_in_cells = client
        .execute(
            "return [...document.querySelectorAll('.cell-name')].filter(e => e.offsetParent !== null).length;",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(names_in_cells.as_i64(), Some(0));
}

async fn editor_edits_and_reverts(client: Client, app: TestApp) {
    app.create_user("editor@example.com", Role::Editor).await;
    sign_in(&client, &app, "editor@example.com").await;
    let excluded = |app: &TestApp| {
        let url = app.url("/api/v1/recommendations?need=real-time-updates");
        async move {
            let body: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            body["excluded"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["slug"] == "flask")
        }
    };
    assert!(excluded(&app).await, "flask starts excluded");

    client
        .goto(&app.url("/admin/frameworks/flask/edit"))
        .await
        .unwrap();
    // The segmented control: its radio is visually hidden, so click the figure as a person would.
    click(
        &client,
        "input[name='req.real-time-updates.strength'][value='4'] + span",
    )
    .await;
    retype(
        &client,
        "#req-real-time-updates-note",
        "Flask-SocketIO on async workers.",
    )
    .await;
    // The description's live preview shows the Markdown rendered.
    type_into(&client, "#f-description", "\n\nAlso **tested live**.").await;
    client
        .wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css("#live-preview strong"))
        .await
        .expect("the live preview renders the new text");
    screenshots(&client, "edit-framework").await;
    click(&client, ".save-bar button[value=save]").await;
    assert!(text(&client, ".alert.success").await.starts_with("Saved"));
    assert!(!excluded(&app).await, "flask now meets the must-have");

    client
        .goto(&app.url("/admin/frameworks/flask/history"))
        .await
        .unwrap();
    screenshots(&client, "history").await;
    // Restore the revision before the edit (the seed's).
    let forms = client
        .find_all(fantoccini::Locator::Css("#revisions form button"))
        .await
        .unwrap();
    forms[1].click().await.unwrap();
    // The history page comes back with the restore on top.
    wait_for_text(&client, "#revisions > li", |t| t.starts_with("revert")).await;
    assert!(excluded(&app).await, "the revert put flask back");
}

async fn stale_copy(first: Client, second: Client, app: TestApp) {
    app.create_user("ada@example.com", Role::Editor).await;
    app.create_user("grace@example.com", Role::Editor).await;
    sign_in(&first, &app, "ada@example.com").await;
    sign_in(&second, &app, "grace@example.com").await;
    for client in [&first, &second] {
        client
            .goto(&app.url("/admin/frameworks/django/edit"))
            .await
            .unwrap();
    }
    retype(&second, "#f-summary", "Grace's summary.").await;
    click(&second, ".save-bar button[value=save]").await;
    find(&second, ".alert.success").await;

    retype(&first, "#f-summary", "Ada's summary.").await;
    click(&first, ".save-bar button[value=save]").await;
    let conflict = text(&first, "#conflict").await;
    assert!(conflict.contains("Grace's summary.") && conflict.contains("Ada's summary."));
    screenshots(&first, "conflict").await;
}

async fn keyboard_only(client: Client, app: TestApp) {
    use fantoccini::key::Key;
    client.goto(&app.url("/")).await.unwrap();
    let active = |client: Client| async move {
        client
            .execute(
                "const e = document.activeElement; return (e.id || e.name || e.textContent).trim();",
                Vec::new(),
            )
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    };
    // The first Tab reaches the skip link, which moves focus to the main content.
    let body = find(&client, "body").await;
    body.send_keys(&Key::Tab.to_string()).await.unwrap();
    assert_eq!(active(client.clone()).await, "Skip to content");
    // Choose an industry and a must-have with keys only, then submit with Enter.
    let industry = find(&client, "#industry").await;
    industry.send_keys("Healthcare").await.unwrap();
    let security = find(&client, "input[name='r.security'][value='need']").await;
    security.send_keys(" ").await.unwrap();
    let search = find(&client, "#q").await;
    search.send_keys("portal").await.unwrap();
    search.send_keys(&Key::Enter.to_string()).await.unwrap();
    find(&client, ".ranked").await;
    let path = path_of(&client).await;
    assert!(
        path.contains("industry=healthcare") && path.contains("need=security"),
        "{path}"
    );
    // Focus is always visible: the focused element gets an outline.
    client
        .execute(
            "document.querySelector('.ranked h3 a').focus();",
            Vec::new(),
        )
        .await
        .unwrap();
    let outline = client
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle;",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_ne!(outline.as_str(), Some("none"));
    client.set_window_size(360, 780).await.unwrap();
    let overflow = client
        .execute(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth;",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        overflow.as_bool(),
        Some(false),
        "no sideways scrolling at 360 px"
    );
    let png = client.screenshot().await.unwrap();
    std::fs::write(
        format!("{}/recommendation-360.png", crate::support::ARTIFACTS),
        png,
    )
    .unwrap();
}

async fn viewer_refused(client: Client, app: TestApp) {
    app.create_user("viewer@example.com", Role::Viewer).await;
    sign_in(&client, &app, "viewer@example.com").await;
    client.goto(&app.url("/admin")).await.unwrap();
    assert_eq!(text(&client, "h1").await, "Not allowed");
    screenshots(&client, "viewer-refused").await;
}

/// A salesperson's week with one client: the query becomes a brief, the knowledge moves, the
/// brief says what changed and why, is re-run, and the client's choice is recorded.
async fn brief_journey(sales: Client, editor: Client, app: TestApp) {
    app.create_user("sam@example.com", Role::Viewer).await;
    app.create_user("ana@example.com", Role::Editor).await;
    sign_in(&sales, &app, "sam@example.com").await;
    brief_from_the_clients_words(&sales, &app).await;
    find(&sales, ".ranked").await;

    // Save the answer as a brief for the client.
    click(&sales, "details.save-brief summary").await;
    type_into(&sales, "#brief-client", "Northwind Couriers").await;
    type_into(&sales, "#brief-project", "Courier app").await;
    type_into(
        &sales,
        "#brief-notes",
        "Met their CTO on Monday; decision by the end of the month.",
    )
    .await;
    click(&sales, "form.brief-form button[type=submit]").await;
    wait_for_text(&sales, "h1", |h1| h1.contains("Northwind Couriers")).await;
    let brief = path_of(&sales).await;
    assert!(brief.starts_with("/briefs/"), "{brief}");
    let result_slug = async |place: usize| {
        find(&sales, &format!(".ranked > li:nth-child({place})"))
            .await
            .attr("id")
            .await
            .unwrap()
            .unwrap()
            .trim_start_matches("result-")
            .to_owned()
    };
    let (winner, slug) = (result_slug(1).await, result_slug(2).await);
    let runner_up = text(&sales, ".ranked > li:nth-child(2) h3 a").await;
    screenshots(&sales, "brief").await;

    // An editor finds the top pick's real-time support weaker than rated: below the must-have.
    sign_in(&editor, &app, "ana@example.com").await;
    editor
        .goto(&app.url(&format!("/admin/frameworks/{winner}/edit")))
        .await
        .unwrap();
    click(
        &editor,
        "label:has(> input[name='req.real-time-updates.strength'][value='3'])",
    )
    .await;
    retype(
        &editor,
        "input[name='req.real-time-updates.note']",
        "Push needs a separate service; nothing built in for live updates.",
    )
    .await;
    click(&editor, ".save-bar button[value=save]").await;
    find(&editor, ".alert.success").await;

    // The brief says what changed, by whom and why; re-running keeps both answers.
    sales.goto(&app.url(&brief)).await.unwrap();
    let changed = text(&sales, "#changed-since").await;
    assert!(changed.contains(&runner_up), "{changed}");
    assert!(
        changed.contains("nothing built in for live updates"),
        "{changed}"
    );
    screenshots(&sales, "brief-changed-since").await;
    click(&sales, "form.rerun-now button[type=submit]").await;
    wait_for_text(&sales, "#revisions", |list| list.contains("Revision 2")).await;
    assert!(sales.find(Locator::Css("#changed-since")).await.is_err());
    assert_eq!(
        text(&sales, ".ranked > li:nth-child(1) h3 a").await,
        runner_up,
        "today's answer puts the runner-up first"
    );

    // The client chose: record it, and it counts on the outcomes page.
    click(&sales, "input[name=result][value=won]").await;
    find(&sales, "#o-chosen")
        .await
        .select_by_value(&slug)
        .await
        .unwrap();
    sales
        .execute(
            "document.getElementById('o-decided_on').value = new Date().toISOString().slice(0, 10);",
            Vec::new(),
        )
        .await
        .unwrap();
    click(&sales, "form.outcome-form button[type=submit]").await;
    wait_for_text(&sales, "#recorded-outcome", |o| o.contains(&runner_up)).await;
    screenshots(&sales, "brief-outcome").await;
    sales.goto(&app.url("/outcomes")).await.unwrap();
    find(&sales, "table").await;
    screenshots(&sales, "outcomes").await;
}

/// Signs whoever is signed in on `client` out, then `email` in.
async fn switch_to(client: &Client, app: &TestApp, email: &str) {
    client.goto(&app.url("/")).await.unwrap();
    click(client, ".account form[action='/logout'] button").await;
    find(client, "a[href^='/login']").await;
    sign_in(client, app, email).await;
}

/// With review before publishing on: a salesperson's flag on a rating, the editor's impact
/// preview and change request, another editor's approval, the flag's resolution and the
/// brief that says what changed.
async fn flag_to_published_change(sales: Client, editor: Client) {
    let app = spawn_app_with_review().await;
    app.create_user("ana@example.com", Role::Editor).await;
    app.create_user("ben@example.com", Role::Editor).await;
    // Sam, a salesperson, saved a brief for a Python team that wants live updates: Supabase
    // leads, Flask trails.
    let question = "want=real-time-updates&lang=python";
    let sam = app.signed_in_with("sam@example.com", Role::Viewer).await;
    let brief = app
        .save_brief(&sam, question, "Brightline Tutors", "Live tutoring app")
        .await;

    // Sam reads Flask's page and flags its real-time rating as out of date.
    sign_in(&sales, &app, "sam@example.com").await;
    sales.goto(&app.url("/frameworks/flask")).await.unwrap();
    click(&sales, "#requirement-real-time-updates a.flag-link").await;
    click(&sales, "input[name=reason][value=outdated]").await;
    type_into(
        &sales,
        "#flag-comment",
        "Flask-SocketIO on async workers handles this well now.",
    )
    .await;
    click(&sales, "form.flag-form button[type=submit]").await;
    wait_for_text(&sales, "#flag-sent", |t| !t.is_empty()).await;
    screenshots(&sales, "flag-sent").await;

    // Ana sees the flag, raises the rating and previews what it would do before saving.
    sign_in(&editor, &app, "ana@example.com").await;
    editor.goto(&app.url("/admin/flags")).await.unwrap();
    let queued = text(&editor, "#flag-queue").await;
    assert!(queued.contains("Flask-SocketIO"), "{queued}");
    editor
        .goto(&app.url("/admin/frameworks/flask/edit"))
        .await
        .unwrap();
    click(
        &editor,
        "label:has(> input[name='req.real-time-updates.strength'][value='5'])",
    )
    .await;
    retype(
        &editor,
        "input[name='req.real-time-updates.note']",
        "Flask-SocketIO with async workers and a message queue fans live updates out.",
    )
    .await;
    click(&editor, "button[formaction$='/impact']").await;
    let impact = wait_for_text(&editor, "#impact", |t| t.contains("Brightline Tutors")).await;
    assert!(impact.contains("Flask"), "{impact}");
    screenshots(&editor, "impact-preview").await;
    type_into(
        &editor,
        "#reason",
        "Flagged by sales; checked the Flask-SocketIO docs.",
    )
    .await;
    click(&editor, ".save-bar button[value=save]").await;
    wait_for_text(&editor, "h1", |h| h.contains("Change request")).await;
    let request = path_of(&editor).await;
    let request = request.split('?').next().unwrap().to_owned();
    assert!(request.starts_with("/admin/changes/"), "{request}");
    screenshots(&editor, "change-request").await;
    // Nothing is published yet: the salesperson's answer is unchanged.
    sales
        .goto(&app.url(&format!("/briefs/{brief}")))
        .await
        .unwrap();
    assert!(sales.find(Locator::Css("#changed-since")).await.is_err());

    // Ben reviews it: the diff, the reason and the impact, then approves.
    switch_to(&sales, &app, "ben@example.com").await;
    sales.goto(&app.url("/admin/changes")).await.unwrap();
    click(&sales, &format!("#for-you a[href='{request}']")).await;
    let shown = text(&sales, "main").await;
    assert!(shown.contains("checked the Flask-SocketIO docs"), "{shown}");
    find(&sales, "#impact").await;
    type_into(&sales, "#approve-form textarea", "Matches the docs.").await;
    click(&sales, "#approve-form button[type=submit]").await;
    wait_for_text(&sales, ".alert", |t| t.contains("Approved and published")).await;
    screenshots(&sales, "change-request-approved").await;

    // Ana resolves the flag with the revision that fixed it.
    editor.goto(&app.url("/admin/flags")).await.unwrap();
    click(&editor, "#flag-queue input[name=status][value=fixed]").await;
    find(&editor, "#flag-queue select[name=fixed_by]")
        .await
        .select_by_index(1)
        .await
        .unwrap();
    type_into(
        &editor,
        "#flag-queue textarea[name=answer]",
        "Raised to 5 with a new note.",
    )
    .await;
    click(&editor, "#flag-queue form.resolve-form button[type=submit]").await;
    wait_for_text(&editor, "main", |t| t.contains("Nothing waits")).await;

    // Sam sees the answer, and the brief says what changed and why.
    switch_to(&sales, &app, "sam@example.com").await;
    sales.goto(&app.url("/flags/mine")).await.unwrap();
    let mine = text(&sales, "#my-flags").await;
    assert!(mine.contains("Raised to 5 with a new note."), "{mine}");
    screenshots(&sales, "my-flags-answered").await;
    sales
        .goto(&app.url(&format!("/briefs/{brief}")))
        .await
        .unwrap();
    let changed = text(&sales, "#changed-since").await;
    assert!(changed.contains("Flask"), "{changed}");
    assert!(
        changed.contains("checked the Flask-SocketIO docs"),
        "{changed}"
    );
    screenshots(&sales, "brief-after-published-change").await;
}

/// The query for the brief journey, from the client's own words: the salesperson pastes them,
/// sees what they suggest and where each suggestion came from, and accepts them.
async fn brief_from_the_clients_words(client: &Client, app: &TestApp) {
    client.goto(&app.url("/")).await.unwrap();
    find(client, "#describe")
        .await
        .send_keys("We're a logistics company. Our dispatchers must see the vans live on a map.")
        .await
        .unwrap();
    click(client, "form.describe-form button[type=submit]").await;
    let row = wait_for_text(client, "#suggested-real-time-updates legend", |row| {
        row.contains("live on a map")
    })
    .await;
    assert!(row.starts_with("Real-time updates"), "{row}");
    let must = find(client, "#suggested-real-time-updates input[value=need]").await;
    assert_eq!(must.prop("checked").await.unwrap().as_deref(), Some("true"));
    // Nothing is applied until the salesperson accepts.
    assert!(client.find(Locator::Css(".ranked")).await.is_err());
    screenshots(client, "suggestions-from-the-clients-words").await;
    click(client, "form.apply-suggestions button[type=submit]").await;
    wait_for_text(client, "#results-title", |title| title == "Recommendation").await;
    let address = path_of(client).await;
    assert!(
        address.starts_with("/?industry=logistics&need=real-time-updates"),
        "{address}"
    );
}

async fn accessibility(client: Client, app: TestApp) {
    let Some(axe) = axe_source() else {
        let advice = "axe-core not found; run `npm install --prefix target/axe axe-core` or \
                      set AXE_CORE_JS";
        // Under CI the audit must run: a missing axe-core fails this journey.
        assert!(!required(), "accessibility audit FAILED: {advice}");
        println!("accessibility audit SKIPPED: {advice}");
        return;
    };
    app.create_user("admin@example.com", Role::Admin).await;
    // A radar edition and a ring moved since, so the radar shows an edition and what moved,
    // and framework pages their ring over time.
    let admin_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let edition = stackatlas::db::radar_editions::NewEdition {
        title: "Spring".into(),
        note: "The first edition.".into(),
        published_on: stackatlas::domain::today(),
    };
    stackatlas::db::radar_editions::publish(&app.pool, &edition, admin_id, "Admin")
        .await
        .unwrap();
    sqlx::query("UPDATE frameworks SET ring = 'trial' WHERE slug = 'flask'")
        .execute(&app.pool)
        .await
        .unwrap();
    let public = [
        "/",
        "/?industry=healthcare&need=security&want=scalability&lang=python",
        "/?need=low-ops&need=monolith&need=kotlin-skills-reuse",
        "/?need=security&describe=We+run+three+clinics+and+want+a+patient+portal.+HIPAA+applies.+It+must+work+offline.+No+need+for+an+admin+panel.+Our+devs+know+C%23.",
        "/?describe=",
        "/frameworks",
        "/frameworks?q=chat&sort=name",
        "/frameworks/django",
        "/industries",
        "/industries/healthcare",
        "/trends",
        "/trends?edition=1",
        "/trends?edition=abc",
        "/compare",
        "/compare?f=django&f=laravel&f=nodejs",
        "/how-we-rate",
        "/login",
        "/no-such-page",
    ];
    let admin = [
        "/admin",
        "/admin/activity",
        "/admin/frameworks",
        "/admin/frameworks/flask/edit",
        "/admin/frameworks/flask/history",
        "/admin/frameworks/flask/delete",
        "/admin/frameworks/new",
        "/admin/users",
        "/admin/languages",
        "/admin/use-cases/telemedicine/edit",
        "/admin/requirements/hipaa/edit",
        "/admin/health",
        "/admin/radar-editions",
        "/admin/changes",
        "/admin/changes/1",
        "/admin/changes/preview?query=industry%3Dhealthcare%26need%3Dsecurity",
        "/admin/reference-questions",
        "/admin/reference-questions/new",
    ];
    // A change request by someone else, so its page shows a reviewer's decisions.
    app.create_user("ed@example.com", Role::Editor).await;
    let django = stackatlas::db::editing::load(&app.pool, "django")
        .await
        .unwrap()
        .unwrap();
    let mut proposed = django.record.clone();
    proposed.summary = "Batteries included, reviewed.".into();
    let proposal = stackatlas::db::change_requests::Proposal::save(
        stackatlas::db::change_requests::Subject::Framework,
        Some("django"),
        Some((&django.record, django.version)),
        &proposed,
        "django",
        "The summary undersold it.",
    );
    let ed: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ed@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let author = stackatlas::db::editing::Author {
        user_id: ed,
        name: "Ed".into(),
        ..Default::default()
    };
    stackatlas::db::change_requests::submit(&app.pool, &proposal, &author)
        .await
        .unwrap();
    // A saved brief, changed since it was pinned, for the briefs' pages.
    let sales = app.signed_in_with("sam@example.com", Role::Viewer).await;
    let brief = app
        .save_brief(
            &sales,
            "industry=healthcare&need=security&want=scalability&lang=python",
            "Acme Health",
            "Patient portal",
        )
        .await;
    sqlx::query("UPDATE framework_requirements SET strength = 3 WHERE strength = 5 AND framework_id = (SELECT id FROM frameworks WHERE slug = 'django')")
        .execute(&app.pool)
        .await
        .unwrap();
    // Flags from sales and from the admin, so the queue and "My flags" have entries.
    for email in ["sam@example.com", "admin@example.com"] {
        sqlx::query("INSERT INTO flags (framework_id, framework_slug, subject_kind, subject, reason, comment, flagged_by) SELECT id, slug, 'requirement', 'security', 'outdated', 'Version 5 changed this.', (SELECT id FROM users WHERE email = ?1) FROM frameworks WHERE slug = 'django'")
            .bind(email)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let briefs = [
        "/briefs".to_owned(),
        "/briefs/mine".to_owned(),
        format!("/briefs/{brief}"),
        format!("/briefs/{brief}/edit"),
        "/briefs/new?industry=healthcare&need=security".to_owned(),
        "/outcomes".to_owned(),
        "/flags/new?framework=django&subject_kind=requirement&subject=security".to_owned(),
        "/flags/mine".to_owned(),
        "/admin/flags".to_owned(),
    ];
    let admin: Vec<&str> = admin
        .into_iter()
        .chain(briefs.iter().map(String::as_str))
        .collect();
    // The pages of the knowledge's evidence, kept as pictures for review.
    let pictured = [
        ("/how-we-rate", "how-we-rate"),
        (
            "/?need=security&describe=We+run+three+clinics+and+want+a+patient+portal.+HIPAA+applies.+It+must+work+offline.+No+need+for+an+admin+panel.+Our+devs+know+C%23.",
            "suggestions",
        ),
        ("/frameworks/django", "framework-page"),
        ("/admin/health", "knowledge-health"),
        ("/admin", "desk"),
        ("/admin/reference-questions", "reference-questions"),
        ("/admin/flags", "flag-queue"),
        ("/admin/radar-editions", "radar-editions"),
        ("/trends?edition=1", "radar-edition"),
        (
            "/admin/changes/preview?query=industry%3Dhealthcare%26need%3Dsecurity",
            "pending-preview",
        ),
        ("/admin/requirements/hipaa/edit", "rubric-form"),
    ];
    let mut problems = Vec::new();
    for path in public {
        client.goto(&app.url(path)).await.unwrap();
        for violation in audit(&client, &axe).await {
            problems.push(format!("{path}: {violation}"));
        }
        if let Some((_, name)) = pictured.iter().find(|(p, _)| *p == path) {
            screenshots(&client, name).await;
        }
    }
    sign_in(&client, &app, "admin@example.com").await;
    for &path in &admin {
        client.goto(&app.url(path)).await.unwrap();
        for violation in audit(&client, &axe).await {
            problems.push(format!("{path}: {violation}"));
        }
        if let Some((_, name)) = pictured.iter().find(|(p, _)| *p == path) {
            screenshots(&client, name).await;
        }
    }
    println!(
        "  axe: audited {} pages, {} serious or critical violations",
        public.len() + admin.len(),
        problems.len()
    );
    for problem in &problems {
        println!("  axe: {problem}");
    }
    assert!(
        problems.is_empty(),
        "{} serious or critical violations",
        problems.len()
    );
}
