//! The recommendation query as it travels in a URL: `industry`, `need`, `want`, `lang`, `q`
//! (see DESIGN.md) and `use` (use cases the project is), shared by the query page, its
//! exports and the JSON API.
//!
//! The page's form also sends one radio group per requirement, `r.{slug}` = `need` | `want`
//! | `ignore`, because a true three-way choice cannot be expressed with `need`/`want`
//! checkboxes alone; such a request is answered with a redirect to the canonical URL.

use super::{Names, Query};
use crate::domain::FieldError;

/// Longest free text accepted; real searches are a few words.
pub const MAX_SEARCH_CHARS: usize = 200;

/// Prefix of the form's per-requirement radio groups.
pub const CHOICE_PREFIX: &str = "r.";

/// A parsed, valid query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pub industry: Option<String>,
    pub need: Vec<String>,
    pub want: Vec<String>,
    pub lang: Vec<String>,
    /// Use cases the project is (`use`, repeatable): frameworks built for them score higher.
    pub use_cases: Vec<String>,
    /// The free text, trimmed; empty when none.
    pub q: String,
    /// The request used the form's radio groups (or empty values), so its URL is not the
    /// canonical, shareable one.
    pub needs_redirect: bool,
}

impl Params {
    /// The query the engine ranks; `searching` when free text was given.
    pub fn to_query(&self) -> Query {
        Query {
            industry: self.industry.clone(),
            need: self.need.clone(),
            want: self.want.clone(),
            lang: self.lang.clone(),
            use_cases: self.use_cases.clone(),
            searching: !self.q.is_empty(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.industry.is_none()
            && self.need.is_empty()
            && self.want.is_empty()
            && self.lang.is_empty()
            && self.use_cases.is_empty()
            && self.q.is_empty()
    }

    /// The canonical query string (no leading `?`): the link that reproduces this result.
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(industry) = &self.industry {
            out.append_pair("industry", industry);
        }
        for (key, values) in [
            ("need", &self.need),
            ("want", &self.want),
            ("lang", &self.lang),
            ("use", &self.use_cases),
        ] {
            for value in values {
                out.append_pair(key, value);
            }
        }
        if !self.q.is_empty() {
            out.append_pair("q", &self.q);
        }
        out.finish()
    }

    /// How the form should show a requirement: "need", "want" or "ignore".
    pub fn choice(&self, requirement: &str) -> &'static str {
        if self.need.iter().any(|r| r == requirement) {
            "need"
        } else if self.want.iter().any(|r| r == requirement) {
            "want"
        } else {
            "ignore"
        }
    }
}

fn error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message,
    }
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

/// Parses a raw query string against the knowledge base's slugs. Every problem is reported,
/// each naming its parameter, so the form can show them all at once.
pub fn parse(query_string: &str, names: &Names) -> Result<Params, Vec<FieldError>> {
    let (params, errors) = parse_all(query_string, names);
    if errors.is_empty() {
        Ok(params)
    } else {
        Err(errors)
    }
}

/// The valid part of a query string, ignoring what could not be used: to refill a form
/// that is shown again with its errors.
pub fn parse_lenient(query_string: &str, names: &Names) -> Params {
    parse_all(query_string, names).0
}

fn parse_all(query_string: &str, names: &Names) -> (Params, Vec<FieldError>) {
    let mut params = Params::default();
    let mut errors = Vec::new();
    let mut saw_q = false;
    let mut saw_industry = false;

    for (key, value) in form_urlencoded::parse(query_string.as_bytes()) {
        let value = value.trim();
        let key = key.as_ref();
        if key.is_empty() {
            // A stray `&=` names nothing to complain about; the canonical URL drops it.
            params.needs_redirect = true;
            continue;
        }
        let known = matches!(key, "industry" | "need" | "want" | "lang" | "use" | "q")
            || key.starts_with(CHOICE_PREFIX);
        if !known {
            errors.push(error(key, "is not a parameter of this query".into()));
            continue;
        }
        if value.is_empty() {
            // An empty select or text box means "not given"; the canonical URL drops it.
            params.needs_redirect = true;
            if key == "q" {
                saw_q = true;
            }
            continue;
        }
        match key {
            "industry" => {
                if saw_industry {
                    errors.push(error("industry", "give at most one industry".into()));
                } else if names.industries.contains_key(value) {
                    params.industry = Some(value.to_owned());
                } else {
                    errors.push(error(
                        "industry",
                        format!("there is no industry \"{value}\" in the knowledge base"),
                    ));
                }
                saw_industry = true;
            }
            "need" | "want" => {
                if names.requirements.contains_key(value) {
                    let list = if key == "need" {
                        &mut params.need
                    } else {
                        &mut params.want
                    };
                    push_unique(list, value);
                } else {
                    errors.push(error(
                        key,
                        format!("there is no requirement \"{value}\" in the knowledge base"),
                    ));
                }
            }
            "lang" => {
                if names.languages.contains_key(value) {
                    push_unique(&mut params.lang, value);
                } else {
                    errors.push(error(
                        "lang",
                        format!("there is no language \"{value}\" in the knowledge base"),
                    ));
                }
            }
            "use" => {
                if names.use_cases.contains_key(value) {
                    push_unique(&mut params.use_cases, value);
                } else {
                    errors.push(error(
                        "use",
                        format!("there is no use case \"{value}\" in the knowledge base"),
                    ));
                }
            }
            "q" => {
                if saw_q && !params.q.is_empty() {
                    errors.push(error("q", "give the search text once".into()));
                } else if value.chars().count() > MAX_SEARCH_CHARS {
                    errors.push(error(
                        "q",
                        format!("search text must be at most {MAX_SEARCH_CHARS} characters"),
                    ));
                } else {
                    params.q = value.to_owned();
                }
                saw_q = true;
            }
            _ => {
                // Only the form's radio groups are left: `known` checked the prefix.
                let requirement = key.trim_start_matches(CHOICE_PREFIX);
                if !names.requirements.contains_key(requirement) {
                    errors.push(error(
                        key,
                        format!("there is no requirement \"{requirement}\" in the knowledge base"),
                    ));
                    continue;
                }
                params.needs_redirect = true;
                match value {
                    "need" => push_unique(&mut params.need, requirement),
                    "want" => push_unique(&mut params.want, requirement),
                    "ignore" => {}
                    other => errors.push(error(
                        key,
                        format!("\"{other}\" is not a choice; expected need, want or ignore"),
                    )),
                }
            }
        }
    }
    // A requirement chosen as both counts once, as a must-have.
    let need = params.need.clone();
    params.want.retain(|w| !need.contains(w));
    (params, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let set = |slugs: &[&str]| {
            slugs
                .iter()
                .map(|s| ((*s).to_owned(), s.to_uppercase()))
                .collect()
        };
        Names {
            requirements: set(&["security", "scalability", "low-budget"]),
            industries: set(&["healthcare", "fintech"]),
            languages: set(&["python", "kotlin"]),
            use_cases: set(&["telemedicine", "ride-hailing"]),
        }
    }

    fn fields(result: Result<Params, Vec<FieldError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_canonical_parameters_parse_and_print_back_unchanged() {
        let qs = "industry=healthcare&need=security&want=scalability&lang=python&lang=kotlin&use=telemedicine&q=patient+portal";
        let params = parse(qs, &names()).unwrap();
        assert_eq!(params.industry.as_deref(), Some("healthcare"));
        assert_eq!(params.need, ["security"]);
        assert_eq!(params.want, ["scalability"]);
        assert_eq!(params.lang, ["python", "kotlin"]);
        assert_eq!(params.use_cases, ["telemedicine"]);
        assert_eq!(params.q, "patient portal");
        assert!(!params.needs_redirect);
        assert_eq!(params.to_query_string(), qs);
    }

    #[test]
    fn the_forms_radio_groups_and_empty_values_ask_for_the_canonical_url() {
        let params = parse(
            "industry=&r.security=need&r.scalability=want&r.low-budget=ignore&q=",
            &names(),
        )
        .unwrap();
        assert!(params.needs_redirect);
        assert_eq!(params.to_query_string(), "need=security&want=scalability");
        assert_eq!(params.choice("low-budget"), "ignore");
    }

    #[test]
    fn unknown_slugs_and_parameters_are_each_named() {
        let result = parse(
            "industry=mining&need=teleport&want=x&lang=cobol&use=mining&r.nope=need&r.security=maybe&colour=red",
            &names(),
        );
        assert_eq!(
            fields(result),
            [
                "industry",
                "need",
                "want",
                "lang",
                "use",
                "r.nope",
                "r.security",
                "colour"
            ]
        );
    }

    #[test]
    fn search_text_over_the_limit_and_a_second_industry_are_refused() {
        let long = "a".repeat(MAX_SEARCH_CHARS + 1);
        assert_eq!(fields(parse(&format!("q={long}"), &names())), ["q"]);
        assert_eq!(
            fields(parse("industry=healthcare&industry=fintech", &names())),
            ["industry"]
        );
    }

    #[test]
    fn repeats_count_once_and_a_must_have_wins_over_the_same_nice_to_have() {
        let params = parse("want=security&need=security&need=security", &names()).unwrap();
        assert_eq!(params.need, ["security"]);
        assert!(params.want.is_empty());
    }

    #[test]
    fn malformed_percent_encoding_does_not_fail() {
        let params = parse("q=%E0%A4%A&q2", &names());
        assert_eq!(fields(params), ["q2"]);
    }

    proptest::proptest! {
        #[test]
        fn any_query_string_parses_or_names_each_bad_field(input in ".{0,300}") {
            match parse(&input, &names()) {
                Ok(params) => {
                    // Whatever was accepted prints as a query string that parses back the same.
                    let again = parse(&params.to_query_string(), &names()).unwrap();
                    proptest::prop_assert_eq!(again.industry, params.industry);
                    proptest::prop_assert_eq!(again.need, params.need);
                    proptest::prop_assert_eq!(again.want, params.want);
                    proptest::prop_assert_eq!(again.lang, params.lang);
                    proptest::prop_assert_eq!(again.use_cases, params.use_cases);
                    proptest::prop_assert_eq!(again.q, params.q);
                }
                Err(errors) => {
                    proptest::prop_assert!(!errors.is_empty());
                    for error in errors {
                        proptest::prop_assert!(!error.field.is_empty() && !error.message.is_empty());
                    }
                }
            }
            let _ = parse_lenient(&input, &names());
        }

        #[test]
        fn known_parameters_with_any_values_never_panic(
            pairs in proptest::collection::vec(
                (proptest::sample::select(vec!["industry", "need", "want", "lang", "use", "q", "x"]),
                 "[a-z%0-9+&=\\-]{0,20}|.{0,20}"),
                0..12,
            )
        ) {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (key, value) in &pairs {
                query.append_pair(key, value);
            }
            let _ = parse(&query.finish(), &names());
        }
    }
}
