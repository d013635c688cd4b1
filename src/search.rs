//! Turning what a user typed into a safe SQLite FTS5 query.

/// At most this many words are searched for; more only slows the query down.
const MAX_TERMS: usize = 16;

/// Builds an FTS5 query matching documents that contain every word of `input`, each also as a
/// prefix ("auth" finds "authentication"). Every word is quoted, so FTS syntax in user input
/// (quotes, `*`, `NEAR`, `AND`, column filters, parentheses) is searched for as text and can
/// never make the query fail. Returns `None` when the input has no searchable word.
pub fn fts_query(input: &str) -> Option<String> {
    // Lower-cased before splitting: lower-casing can add characters that are not letters
    // (`İ` becomes `i` and a combining dot), which must separate words like any other.
    let terms: Vec<String> = input
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(MAX_TERMS)
        .map(|word| format!("\"{word}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_word_becomes_a_quoted_prefix_term() {
        assert_eq!(
            fts_query("Real-time chat").as_deref(),
            Some(r#""real"* "time"* "chat"*"#)
        );
    }

    #[test]
    fn fts_syntax_in_input_is_treated_as_text() {
        assert_eq!(
            fts_query(r#"a NEAR(b "c" * OR) col:d"#).as_deref(),
            Some(r#""a"* "near"* "b"* "c"* "or"* "col"* "d"*"#)
        );
    }

    #[test]
    fn input_without_words_searches_nothing() {
        assert_eq!(fts_query(""), None);
        assert_eq!(fts_query(" \"*()^- "), None);
    }

    #[test]
    fn very_long_input_is_cut_to_a_bounded_number_of_terms() {
        let query = fts_query(&"word ".repeat(1000)).unwrap();
        assert_eq!(query.matches('*').count(), MAX_TERMS);
    }

    proptest::proptest! {
        #[test]
        fn any_text_becomes_quoted_terms_or_nothing(input in ".{0,400}") {
            if let Some(query) = fts_query(&input) {
                let terms: Vec<&str> = query.split(' ').collect();
                proptest::prop_assert!(terms.len() <= MAX_TERMS);
                for term in terms {
                    // One quoted word of letters and digits, then the prefix star: nothing
                    // FTS5 could read as syntax.
                    let word = term
                        .strip_prefix('"')
                        .and_then(|t| t.strip_suffix("\"*"))
                        .unwrap();
                    proptest::prop_assert!(!word.is_empty());
                    proptest::prop_assert!(word.chars().all(char::is_alphanumeric), "{word}");
                }
            } else {
                proptest::prop_assert!(!input.chars().any(char::is_alphanumeric));
            }
        }
    }
}
