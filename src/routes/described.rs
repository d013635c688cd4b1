//! The query page's suggestions from the client's words (`GET /?describe=…`): the description
//! read by [`crate::suggest`], turned into rows a salesperson accepts, changes or leaves out
//! before anything is applied. The rows' form asks `/` for the ordinary query, merged with the
//! filters already chosen, so accepting leads to the canonical link of the result.

use crate::domain::FieldError;
use crate::recommend::params::Params;
use crate::suggest::{self, Kind, Lexicon, Param, Reading};

/// The description's parameter on the query page.
pub const DESCRIBE: &str = "describe";

/// A query string taken apart: the descriptions in it (normally none or one) and the rest,
/// the recommendation query itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub describe: Vec<String>,
    pub rest: String,
}

/// Takes `describe` out of a query string, keeping every other pair as it came.
pub fn split(query_string: &str) -> Split {
    let (describe, rest) = super::take_param(query_string, DESCRIBE);
    Split { describe, rest }
}

/// The description to read, or why it cannot be read.
pub fn description(given: &[String]) -> Result<&str, FieldError> {
    match given {
        [text] => {
            let chars = text.chars().count();
            if chars > suggest::MAX_TEXT_CHARS {
                Err(FieldError::new(
                    DESCRIBE,
                    format!(
                        "the description must be at most {} characters, got {chars}: keep the client's own words about what the app does",
                        suggest::MAX_TEXT_CHARS
                    ),
                ))
            } else {
                Ok(text.trim())
            }
        }
        _ => Err(FieldError::new(DESCRIBE, "give the description once")),
    }
}

/// `query_string` (canonical) with the description added back, for a redirect that keeps it.
pub fn with_description(query_string: &str, text: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(query_string.to_owned());
    out.append_pair(DESCRIBE, text);
    out.finish()
}

/// The suggested industry: accepted with a checkbox, or, when another industry is chosen
/// already, by choosing between the two.
pub struct IndustryRow {
    pub slug: String,
    pub name: String,
    pub matched: String,
    /// The industry the current query has, when it is another one: (slug, name).
    pub current: Option<(String, String)>,
}

/// A suggested requirement: must-have, nice-to-have or left out, the suggestion chosen.
pub struct RequirementRow {
    pub slug: String,
    pub name: String,
    pub matched: String,
    /// The words that made it a must-have or a nice-to-have, if any.
    pub cue: Option<String>,
    /// What the suggestion says: `need` or `want`.
    pub suggested: &'static str,
    /// What is chosen in the row: the current query's choice when it has one, else the
    /// suggestion.
    pub choice: &'static str,
    /// The current query already asks for it (as `choice`).
    pub already: bool,
}

/// A suggested language or use case, accepted with a checkbox.
pub struct CheckRow {
    pub slug: String,
    pub name: String,
    pub matched: String,
    /// The current query already has it.
    pub already: bool,
}

/// A term the client ruled out, shown so the salesperson sees it was understood.
pub struct LeftOutRow {
    pub what: &'static str,
    pub name: String,
    pub matched: String,
}

/// The suggestions as the page shows them, with the current filters the form carries.
pub struct Described {
    /// The description as given, for its box.
    pub text: String,
    pub industry: Option<IndustryRow>,
    pub requirements: Vec<RequirementRow>,
    pub languages: Vec<CheckRow>,
    pub use_cases: Vec<CheckRow>,
    pub left_out: Vec<LeftOutRow>,
    /// The current filters no row stands for, carried unchanged, by parameter.
    pub carried_industry: Option<String>,
    pub carried_need: Vec<String>,
    pub carried_want: Vec<String>,
    pub carried_lang: Vec<String>,
    pub carried_use: Vec<String>,
    pub q: String,
}

impl Described {
    /// Reads `text` with `lexicon`, against the filters of the current query `current`;
    /// `industry_name` names an industry by slug.
    pub fn read(
        lexicon: &Lexicon,
        text: &str,
        current: &Params,
        industry_name: impl Fn(&str) -> String,
    ) -> Self {
        // The caller has checked the length; a text too long reads as nothing.
        let reading = suggest::suggest(lexicon, text).unwrap_or_default();
        Self::from_reading(text, &reading, current, industry_name)
    }

    fn from_reading(
        text: &str,
        reading: &Reading,
        current: &Params,
        industry_name: impl Fn(&str) -> String,
    ) -> Self {
        let mut described = Described {
            text: text.to_owned(),
            industry: None,
            requirements: Vec::new(),
            languages: Vec::new(),
            use_cases: Vec::new(),
            left_out: Vec::new(),
            carried_industry: current.industry.clone(),
            carried_need: current.need.clone(),
            carried_want: current.want.clone(),
            carried_lang: current.lang.clone(),
            carried_use: current.use_cases.clone(),
            q: current.q.clone(),
        };
        let has = |list: &[String], slug: &str| list.iter().any(|s| s == slug);
        for s in &reading.suggestions {
            match s.param {
                Param::Industry => {
                    let current = described
                        .carried_industry
                        .take()
                        .filter(|c| *c != s.slug)
                        .map(|c| {
                            let name = industry_name(&c);
                            (c, name)
                        });
                    described.industry = Some(IndustryRow {
                        slug: s.slug.clone(),
                        name: s.name.clone(),
                        matched: s.matched.clone(),
                        current,
                    });
                }
                Param::Need | Param::Want => {
                    let suggested = if s.param == Param::Need {
                        "need"
                    } else {
                        "want"
                    };
                    let chosen = current.choice(&s.slug);
                    described.carried_need.retain(|n| *n != s.slug);
                    described.carried_want.retain(|w| *w != s.slug);
                    described.requirements.push(RequirementRow {
                        slug: s.slug.clone(),
                        name: s.name.clone(),
                        matched: s.matched.clone(),
                        cue: s.cue.clone(),
                        suggested,
                        choice: if chosen == "ignore" {
                            suggested
                        } else {
                            chosen
                        },
                        already: chosen != "ignore",
                    });
                }
                Param::Lang | Param::Use => {
                    let (rows, carried) = if s.param == Param::Lang {
                        (&mut described.languages, &mut described.carried_lang)
                    } else {
                        (&mut described.use_cases, &mut described.carried_use)
                    };
                    let already = has(carried, &s.slug);
                    carried.retain(|c| *c != s.slug);
                    rows.push(CheckRow {
                        slug: s.slug.clone(),
                        name: s.name.clone(),
                        matched: s.matched.clone(),
                        already,
                    });
                }
            }
        }
        described.left_out = reading
            .left_out
            .iter()
            .map(|l| LeftOutRow {
                what: match l.kind {
                    Kind::Industry => "industry",
                    Kind::Requirement => "requirement",
                    Kind::UseCase => "use case",
                    Kind::Language => "language",
                },
                name: l.name.clone(),
                matched: l.matched.clone(),
            })
            .collect();
        described
    }

    /// Nothing was written.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Some filter is suggested.
    pub fn suggests(&self) -> bool {
        self.industry.is_some()
            || !self.requirements.is_empty()
            || !self.languages.is_empty()
            || !self.use_cases.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::{LeftOut, Suggestion};

    fn suggestion(param: Param, slug: &str, matched: &str) -> Suggestion {
        Suggestion {
            param,
            slug: slug.into(),
            name: slug.to_uppercase(),
            matched: matched.into(),
            cue: None,
        }
    }

    #[test]
    fn the_description_is_taken_out_and_every_other_pair_kept() {
        let taken = split("industry=fintech&describe=no+need+for+offline&need=security&q=");
        assert_eq!(taken.describe, ["no need for offline"]);
        assert_eq!(taken.rest, "industry=fintech&need=security&q=");
        assert_eq!(split("need=security").describe, Vec::<String>::new());
        assert_eq!(
            with_description("need=security", "works offline"),
            "need=security&describe=works+offline"
        );
    }

    #[test]
    fn a_description_is_given_once_and_bounded() {
        assert_eq!(description(&["  offline  ".into()]), Ok("offline"));
        assert_eq!(
            description(&["a".into(), "b".into()]).unwrap_err().field,
            DESCRIBE
        );
        let long = "a".repeat(suggest::MAX_TEXT_CHARS + 1);
        let refused = description(&[long]).unwrap_err();
        assert!(
            refused.message.contains("at most 2000 characters"),
            "{refused}"
        );
    }

    #[test]
    fn rows_merge_with_the_current_filters_which_the_form_carries_otherwise() {
        let reading = Reading {
            suggestions: vec![
                suggestion(Param::Industry, "healthcare", "patients"),
                suggestion(Param::Need, "hipaa", "HIPAA"),
                suggestion(Param::Want, "offline-sync", "works on the subway"),
                suggestion(Param::Lang, "csharp", "C#"),
                suggestion(Param::Use, "telemedicine", "video visits"),
            ],
            left_out: vec![LeftOut {
                kind: Kind::Requirement,
                slug: "admin-back-office".into(),
                name: "Admin back office".into(),
                matched: "no admin panel".into(),
            }],
        };
        let current = Params {
            industry: Some("fintech".into()),
            need: vec!["offline-sync".into(), "security".into()],
            lang: vec!["csharp".into(), "python".into()],
            q: "portal".into(),
            ..Params::default()
        };
        let d = Described::from_reading("text", &reading, &current, |slug| slug.to_uppercase());
        let industry = d.industry.as_ref().unwrap();
        assert_eq!(
            industry.current,
            Some(("fintech".to_owned(), "FINTECH".to_owned()))
        );
        assert_eq!(d.carried_industry, None, "the row chooses between the two");
        let offline = &d.requirements[1];
        assert_eq!(
            (offline.suggested, offline.choice, offline.already),
            ("want", "need", true)
        );
        assert_eq!(d.requirements[0].choice, "need");
        assert_eq!(d.carried_need, ["security"]);
        assert!(d.languages[0].already);
        assert_eq!(d.carried_lang, ["python"]);
        assert_eq!(d.use_cases[0].name, "TELEMEDICINE");
        assert_eq!(d.q, "portal");
        assert_eq!(d.left_out[0].what, "requirement");
        assert!(d.suggests() && !d.is_blank());
    }
}
