//! Markdown from editors, turned into HTML that is safe to put in a page.

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown to HTML and removes anything that could run script or break the layout
/// (scripts, event handlers, `javascript:` links, styles), keeping ordinary formatting.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_markdown_becomes_html() {
        let html = to_safe_html("A **bold** claim.\n\n- one\n- two\n");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
    }

    #[test]
    fn scripts_and_event_handlers_are_removed() {
        let html = to_safe_html(
            "<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(html.contains("<a"), "the link text stays: {html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
    }

    #[test]
    fn links_open_safely() {
        let html = to_safe_html("[site](https://example.org)");
        assert!(html.contains(r#"href="https://example.org""#), "{html}");
        assert!(html.contains("noopener"), "{html}");
    }
}
