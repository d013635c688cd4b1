//! Walks every route of the route table, so a new route cannot miss its guard: signed-out
//! visitors and viewers are turned away from every editors' page, every state-changing form
//! refuses a request without this session's CSRF token, and every response carries the
//! security headers.

use reqwest::{Method, StatusCode};
use scraper::Html;
use stackatlas::domain::Role;

use crate::helpers::{TestApp, form_fields, select, spawn_app};

/// A route as declared by an actix attribute (`#[get("…")]`, `#[post("…")]`).
#[derive(Debug, Clone)]
struct Route {
    method: Method,
    /// The full path template, `/admin/frameworks/{slug}/edit`.
    template: String,
}

impl Route {
    fn is_admin(&self) -> bool {
        self.template == "/admin" || self.template.starts_with("/admin/")
    }

    /// Under a scope for signed-in users of any role: the briefs and their outcomes, the
    /// flags.
    fn is_signed_in_only(&self) -> bool {
        self.template == "/briefs"
            || self.template.starts_with("/briefs/")
            || self.template == "/outcomes"
            || self.template == "/flags"
            || self.template.starts_with("/flags/")
    }

    fn admin_only(&self) -> bool {
        self.template.starts_with("/admin/users")
    }

    /// The template with sample values that exist in the seeded knowledge base.
    fn sample_path(&self) -> String {
        let path = self
            .template
            .replace(
                "/admin/reference-questions/{slug}",
                "/admin/reference-questions/android-gets-firebase",
            )
            .replace("/admin/{kind}/{slug}", "/admin/languages/python")
            .replace("/admin/{kind}", "/admin/languages")
            .replace("/industries/{slug}", "/industries/healthcare")
            .replace("{slug}", "django")
            .replace("{id}", "1")
            .replace("{name}", "style.css");
        assert!(
            !path.contains('{'),
            "teach this test a sample value for {}",
            self.template
        );
        path
    }

    /// Whether a concrete path (a form's action) is an instance of this route.
    fn matches(&self, path: &str) -> bool {
        stackatlas::routes::matches_template(&self.template, path)
    }
}

/// Every route of the application's route table (`routes::table`), one per method.
fn declared_routes() -> Vec<Route> {
    let routes: Vec<Route> = stackatlas::routes::table::all()
        .into_iter()
        .flat_map(|(template, methods)| {
            methods.iter().map(move |method| Route {
                method: Method::from_bytes(method.as_bytes()).unwrap(),
                template: template.clone(),
            })
        })
        .collect();
    assert!(routes.len() > 40, "the table has the routes: {routes:?}");
    routes
}

async fn request(client: &reqwest::Client, app: &TestApp, route: &Route) -> reqwest::Response {
    client
        .request(route.method.clone(), app.url(&route.sample_path()))
        .form(&[("csrf_token", "irrelevant")])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_editors_route_turns_away_visitors_and_viewers() {
    let app = spawn_app().await;
    let viewer = app.signed_in_as(Role::Viewer).await;
    let editor = app.signed_in_as(Role::Editor).await;
    let routes: Vec<Route> = declared_routes()
        .into_iter()
        .filter(Route::is_admin)
        .collect();
    assert!(routes.len() > 20);
    for route in &routes {
        let anonymous = request(&app.client, &app, route).await;
        assert_eq!(
            anonymous.status(),
            StatusCode::SEE_OTHER,
            "{route:?} signed out"
        );
        let location = anonymous.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with("/login?next="),
            "{route:?}: {location}"
        );
        let refused = request(&viewer, &app, route).await;
        assert_eq!(
            refused.status(),
            StatusCode::FORBIDDEN,
            "{route:?} as a viewer"
        );
        if route.admin_only() {
            let refused = request(&editor, &app, route).await;
            assert_eq!(
                refused.status(),
                StatusCode::FORBIDDEN,
                "{route:?} as an editor"
            );
        }
    }
}

/// Rows that any state-changing request could touch.
async fn footprint(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM audit_log",
        "SELECT COUNT(*) FROM sessions",
        "SELECT COUNT(*) FROM users",
        "SELECT version FROM knowledge_version",
        "SELECT COALESCE(SUM(version), 0) FROM users",
        "SELECT COUNT(*) FROM briefs",
        "SELECT COUNT(*) FROM briefs WHERE archived_at IS NOT NULL",
        "SELECT COALESCE(SUM(version), 0) FROM briefs",
        "SELECT COUNT(*) FROM brief_revisions",
        "SELECT COUNT(*) FROM radar_editions",
        "SELECT COUNT(*) FROM flags",
        "SELECT COALESCE(SUM(version), 0) FROM flags",
        "SELECT COALESCE(SUM(version), 0) FROM change_requests",
    ] {
        counts.push(sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap());
    }
    counts
}

/// The fields of the first form on `page` posting to an instance of `route` (by its action,
/// or by a submit button's `formaction`, as "Preview impact" posts the edit form), with the
/// button that posts there pressed (the first, for the form's own action), and that address.
fn form_for(page: &Html, route: &Route) -> Option<(String, Vec<(String, String)>)> {
    let buttons = scraper::Selector::parse("button").unwrap();
    for form in select(page, "form[method='post']") {
        let action = form.value().attr("action").unwrap_or_default();
        let elsewhere = form.select(&buttons).find(|b| {
            b.value()
                .attr("formaction")
                .is_some_and(|a| route.matches(a))
        });
        let (posted_to, button) = match elsewhere {
            Some(button) => (button.value().attr("formaction").unwrap(), Some(button)),
            None if route.matches(action) => (
                action,
                form.select(&buttons)
                    .find(|b| b.value().attr("name").is_some()),
            ),
            None => continue,
        };
        let css = format!("form[action='{action}']");
        let mut fields = form_fields(page, &css);
        if let Some(name) = button.and_then(|b| b.value().attr("name")) {
            let value = button.unwrap().value().attr("value").unwrap_or_default();
            fields.push((name.to_owned(), value.to_owned()));
        }
        return Some((posted_to.to_owned(), fields));
    }
    None
}

/// Holds a change to Django by the account `email` as a change request.
async fn request_a_change(app: &TestApp, email: &str) {
    use stackatlas::db::change_requests::{self, Proposal, Subject};
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = ?1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let django = stackatlas::db::editing::load(&app.pool, "django")
        .await
        .unwrap()
        .unwrap();
    let base = Some((&django.record, django.version));
    let proposal = Proposal::save(
        Subject::Framework,
        Some("django"),
        base,
        &django.record,
        "django",
        "",
    );
    let author = stackatlas::db::editing::Author {
        user_id,
        name: email.to_owned(),
        ..Default::default()
    };
    change_requests::submit(&app.pool, &proposal, &author)
        .await
        .unwrap();
}

#[tokio::test]
async fn every_state_changing_form_refuses_a_request_without_the_sessions_token() {
    let app = spawn_app().await;
    // The seed's reference questions, so their pages offer their forms.
    app.seed_reference_questions().await;
    let admin = app.signed_in_as(Role::Admin).await;
    // Someone else, so the accounts page offers its role and access forms.
    app.create_user("someone@example.com", Role::Viewer).await;
    // A brief, so its page offers its forms (`/briefs/1`).
    let brief = app
        .save_brief(&admin, "need=security", "Acme", "Portal")
        .await;
    assert_eq!(brief, 1);
    // The flag form lives at a link naming its subject; a flag sent through it puts its
    // resolve form on the editors' queue (`/admin/flags`).
    let flag_form = "/flags/new?framework=django&subject_kind=requirement&subject=security";
    let (_, page) = app.page(&admin, flag_form).await;
    let mut fields = form_fields(&page, "form[action='/flags']");
    fields.push(("reason".into(), "outdated".into()));
    let flagged = app.submit(&admin, "/flags", &fields).await;
    assert_eq!(flagged.status(), StatusCode::SEE_OTHER);
    // Change requests, so a request's page offers its decisions (#1, someone else's) and the
    // queue its author's withdrawal (#2, the admin's).
    for email in ["someone@example.com", "admin@example.com"] {
        request_a_change(&app, email).await;
    }
    let routes = declared_routes();
    // The pages a signed-in admin can see, where every form lives.
    let mut pages = vec![page];
    for route in routes.iter().filter(|r| r.method == Method::GET) {
        let path = route.sample_path();
        let response = admin.get(app.url(&path)).send().await.unwrap();
        if response.status() == StatusCode::OK
            && response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        {
            pages.push(Html::parse_document(&response.text().await.unwrap()));
        }
    }
    let anonymous_login = Html::parse_document(&app.get("/login").await.text().await.unwrap());

    for route in routes.iter().filter(|r| r.method == Method::POST) {
        let (action, mut fields) = if route.template == "/login" {
            form_for(&anonymous_login, route).expect("the sign-in form")
        } else if route.template == "/admin/preview" {
            // Posted by the edit form's script, not by a form of its own.
            (
                route.template.clone(),
                vec![("markdown".into(), "*x*".into())],
            )
        } else {
            pages
                .iter()
                .find_map(|page| form_for(page, route))
                .unwrap_or_else(|| panic!("no page has a form posting to {}", route.template))
        };
        assert!(
            fields.iter().any(|(name, _)| name == "csrf_token")
                || route.template == "/admin/preview",
            "the form posting to {action} carries a csrf_token"
        );
        fields.retain(|(name, _)| name != "csrf_token");
        let before = footprint(&app).await;
        for token in [None, Some("forged-token")] {
            let mut sent = fields.clone();
            if let Some(token) = token {
                sent.push(("csrf_token".into(), token.into()));
            }
            let client = if route.template == "/login" {
                app.browser()
            } else {
                admin.clone()
            };
            let response = client
                .post(app.url(&action))
                .form(&sent)
                .send()
                .await
                .unwrap();
            assert!(
                matches!(
                    response.status(),
                    StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST
                ),
                "{action} with token {token:?} answered {}",
                response.status()
            );
            assert_eq!(footprint(&app).await, before, "{action} changed something");
        }
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let editor = app.signed_in_as(Role::Editor).await;
    let mut paths: Vec<String> = declared_routes()
        .iter()
        .filter(|r| r.method == Method::GET)
        .map(Route::sample_path)
        .collect();
    paths.extend(
        [
            "/no-such-page",
            "/frameworks/no-such-framework",
            "/?need=no-such-requirement",
            "/api/v1/no-such-thing",
            "/api/v1/recommendations?industry=nowhere",
        ]
        .map(String::from),
    );
    for client in [&app.client, &editor] {
        for path in &paths {
            let response = client.get(app.url(path)).send().await.unwrap();
            let headers = response.headers();
            let header = |name: &str| {
                headers
                    .get(name)
                    .unwrap_or_else(|| panic!("{path} lacks {name}"))
                    .to_str()
                    .unwrap()
                    .to_owned()
            };
            let policy = header("content-security-policy");
            assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
            assert!(
                policy.contains("frame-ancestors 'none'"),
                "{path}: {policy}"
            );
            assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
            assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
            assert_eq!(header("x-frame-options"), "DENY", "{path}");
            assert_eq!(
                header("referrer-policy"),
                "strict-origin-when-cross-origin",
                "{path}"
            );
        }
    }
}

/// The methods a route's `Allow` header should list: those declared, `HEAD` with `GET`.
fn allowed(template: &str, routes: &[Route]) -> Vec<String> {
    let mut methods: Vec<String> = routes
        .iter()
        .filter(|r| r.template == template)
        .flat_map(|r| {
            if r.method == Method::GET {
                vec!["GET".to_owned(), "HEAD".to_owned()]
            } else {
                vec![r.method.to_string()]
            }
        })
        .collect();
    methods.sort();
    methods
}

#[tokio::test]
async fn every_address_answers_head_like_get_and_other_methods_with_405_and_allow() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::Admin).await;
    app.save_brief(&admin, "need=security", "Acme", "Portal")
        .await;
    let routes = declared_routes();
    for route in routes.iter().filter(|r| r.method == Method::GET) {
        let path = route.sample_path();
        let client = if route.is_admin() || route.is_signed_in_only() {
            &admin
        } else {
            &app.client
        };
        let get = client.get(app.url(&path)).send().await.unwrap();
        let head = client.head(app.url(&path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
    }
    let mut templates: Vec<&Route> = routes.iter().collect();
    templates.dedup_by(|a, b| a.template == b.template);
    for route in templates {
        let path = route.sample_path();
        let client = if route.is_admin() || route.is_signed_in_only() {
            &admin
        } else {
            &app.client
        };
        for method in [Method::PUT, Method::DELETE, Method::PATCH] {
            let response = client
                .request(method.clone(), app.url(&path))
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            let mut allow: Vec<String> = response.headers()["allow"]
                .to_str()
                .unwrap()
                .split(',')
                .map(|m| m.trim().to_owned())
                .collect();
            allow.sort();
            assert_eq!(allow, allowed(&route.template, &routes), "{method} {path}");
            if path.starts_with("/api/") {
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(
                    body["error"]["code"], "method_not_allowed",
                    "{method} {path}"
                );
            } else {
                let kind = response.headers()["content-type"].to_str().unwrap();
                assert!(kind.starts_with("text/html"), "{method} {path}: {kind}");
            }
        }
    }
}
