//! What a link shows where it is pasted — a chat tool, a mail — before anyone opens it: the
//! Open Graph and Twitter card tags and the page's description, written into the layout's
//! `meta` block by the `preview` macro (templates/macros.html).
//!
//! Chat tools' crawlers are never signed in, so a preview says only what the page says to
//! anyone: a brief's link gets the sign-in page's preview, which names no client.

/// The site's name, as previews and titles end.
pub const SITE: &str = "stackatlas";

/// A page's preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The title, ending "— stackatlas".
    pub title: String,
    /// One or two sentences, also the page's `<meta name="description">`.
    pub description: String,
    /// The page's absolute address (`og:url`).
    pub url: String,
}

/// Where client briefs live (DESIGN: `/briefs/{id}`), private to signed-in users.
const BRIEFS_PATH: &str = "/briefs";

/// Previews keep their description to this many characters: chat tools cut the rest.
const DESCRIPTION_CHARS: usize = 200;

impl Preview {
    /// A preview titled `title` (the site's name is added) for the page at `url`.
    pub fn new(title: &str, description: &str, url: String) -> Self {
        Self {
            title: format!("{title} — {SITE}"),
            description: clip(description, DESCRIPTION_CHARS),
            url,
        }
    }

    /// The sign-in page's, where `next` is the page asked for: a client brief's link,
    /// followed by a crawler that is not signed in, says only that it is a brief.
    pub fn sign_in(base_url: &str, next: &str) -> Self {
        if is_brief(next) {
            let description = format!("A client brief on {SITE} — sign in to read it.");
            return Self {
                title: format!("A client brief on {SITE}"),
                description,
                url: format!("{base_url}{next}"),
            };
        }
        Self::new(
            "Sign in",
            "Sign in to stackatlas to keep the knowledge base of backend frameworks, or to read \
             and save client briefs.",
            format!("{base_url}/login"),
        )
    }
}

/// Whether `path` is one brief's page (`/briefs/12`, `/briefs/12/…`).
fn is_brief(path: &str) -> bool {
    path.strip_prefix(BRIEFS_PATH)
        .and_then(|rest| rest.strip_prefix('/'))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default())
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// `text` cut to at most `max` characters at a word's end, with "…" when anything was cut.
pub fn clip(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max - 1).collect();
    let kept = match cut.rfind(' ') {
        Some(space) => &cut[..space],
        None => cut.as_str(),
    };
    format!("{}…", kept.trim_end_matches([',', ';', ':', '.', '·', ' ']))
}

/// "a healthcare app", "an e-commerce app", "an IoT and smart devices app": an industry's
/// name inside a sentence. A first word written with inner capitals (IoT, HR) is an
/// abbreviation, kept as it is and read letter by letter for its article.
pub fn an_app_in(industry: &str) -> String {
    let first = industry.split_whitespace().next().unwrap_or_default();
    let abbreviation = first.chars().skip(1).any(char::is_uppercase);
    let name = if abbreviation {
        industry.to_owned()
    } else {
        let mut chars = industry.chars();
        chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default()
    };
    // Letters whose names start with a vowel sound (an "F", an "HR team").
    let vowel_sound = match name.chars().next() {
        Some(c) if abbreviation => "AEFHILMNORSX".contains(c.to_ascii_uppercase()),
        Some(c) => "aeiou".contains(c),
        None => false,
    };
    let article = if vowel_sound { "an" } else { "a" };
    format!("{article} {name} app")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_industry_reads_inside_a_sentence_with_its_article() {
        for (industry, said) in [
            ("Healthcare", "a healthcare app"),
            ("E-commerce", "an e-commerce app"),
            ("Fintech and banking", "a fintech and banking app"),
            ("IoT and smart devices", "an IoT and smart devices app"),
            ("HR and recruiting", "an HR and recruiting app"),
            ("On-demand services", "an on-demand services app"),
            ("Gaming", "a gaming app"),
        ] {
            assert_eq!(an_app_in(industry), said);
        }
    }

    #[test]
    fn a_long_description_is_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(clip("short  and\nsweet", 50), "short and sweet");
        assert_eq!(clip("one two three four", 12), "one two…");
        assert_eq!(clip("one two, three", 10), "one two…");
        let long = "word ".repeat(100);
        assert!(clip(&long, DESCRIPTION_CHARS).chars().count() <= DESCRIPTION_CHARS);
    }

    #[test]
    fn a_brief_link_previews_as_a_brief_and_names_nothing_else() {
        let brief = Preview::sign_in("https://atlas.example", "/briefs/12");
        assert_eq!(brief.title, "A client brief on stackatlas");
        assert_eq!(
            brief.description,
            "A client brief on stackatlas — sign in to read it."
        );
        assert_eq!(brief.url, "https://atlas.example/briefs/12");
        for other in ["/", "/briefs", "/briefs/mine", "/admin", "/briefsx/1"] {
            let preview = Preview::sign_in("https://atlas.example", other);
            assert_eq!(preview.title, "Sign in — stackatlas", "{other}");
            assert_eq!(preview.url, "https://atlas.example/login");
        }
        assert!(is_brief("/briefs/12/edit") && is_brief("/briefs/3?x=1"));
    }
}
