//! Request handlers and the page structs they render, one module per area of the site.

pub mod admin;
pub mod api;
pub mod assets;
pub mod briefs;
pub mod compare;
pub mod dates;
pub mod described;
pub mod export;
pub mod flags;
pub mod frameworks;
pub mod health;
pub mod industries;
pub mod prepared;
pub mod preview;
pub mod query;
pub mod query_form;
pub mod recommendation;
pub mod representation;
pub mod results;
pub mod rubric;
pub mod sessions;
pub mod table;
pub mod trends;

/// Whether `path` is an instance of the route `template` (`/frameworks/{slug}`): the same
/// segments, a `{placeholder}` standing for any non-empty one.
pub fn matches_template(template: &str, path: &str) -> bool {
    let mut template = template.split('/');
    let mut path = path.split('/');
    loop {
        match (template.next(), path.next()) {
            (None, None) => return true,
            (Some(t), Some(p)) if t == p || (t.starts_with('{') && !p.is_empty()) => {}
            _ => return false,
        }
    }
}

/// Takes every `key` pair out of a query string: their values (normally none or one), and the
/// other pairs as they came.
pub fn take_param(query_string: &str, key: &str) -> (Vec<String>, String) {
    let mut taken = Vec::new();
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (k, value) in form_urlencoded::parse(query_string.as_bytes()) {
        if k == key {
            taken.push(value.into_owned());
        } else {
            rest.append_pair(&k, &value);
        }
    }
    (taken, rest.finish())
}

/// Renders a page with the given status as an HTML response.
pub fn html(
    status: actix_web::http::StatusCode,
    page: &impl askama::Template,
) -> crate::error::Result<actix_web::HttpResponse> {
    Ok(actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::matches_template;

    #[test]
    fn a_placeholder_stands_for_exactly_one_non_empty_segment() {
        assert!(matches_template(
            "/api/v1/frameworks/{slug}",
            "/api/v1/frameworks/django"
        ));
        assert!(matches_template("/api/v1/frameworks", "/api/v1/frameworks"));
        assert!(!matches_template(
            "/api/v1/frameworks/{slug}",
            "/api/v1/frameworks/"
        ));
        assert!(!matches_template(
            "/api/v1/frameworks/{slug}",
            "/api/v1/frameworks/a/b"
        ));
        assert!(!matches_template(
            "/api/v1/frameworks/{slug}",
            "/api/v1/frameworks"
        ));
        assert!(!matches_template("/api/v1/trends", "/api/v1/industries"));
    }
}
