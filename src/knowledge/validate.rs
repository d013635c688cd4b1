//! Checks a whole knowledge document before anything is written, so an import either applies
//! completely or not at all, and every problem is reported at once with the record and field.

use crate::domain::FieldError;
use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::document::{
    Document, FORMAT_NAME, FORMAT_VERSION, OLDEST_FORMAT_VERSION, Phrased, RatingList, Rubric,
    SourceRecord,
};
use crate::domain::{Kind, RequirementGroup, Ring, Score, Slug};
use crate::suggest::{MAX_PHRASE_CHARS, MAX_PHRASES, MIN_PHRASE_CHARS, phrase_key};

/// Parses JSON text into a document; a syntax or type error names the path to the bad value.
/// A document of an older format version that is still read comes back upgraded to the
/// current one; a version outside the range is left for [`validate`] to report.
pub fn parse(json: &str) -> Result<Document, FieldError> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let mut doc: Document = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        FieldError {
            field: if path == "." { "document".into() } else { path },
            message: inner.to_string(),
        }
    })?;
    if (OLDEST_FORMAT_VERSION..FORMAT_VERSION).contains(&doc.format_version) {
        doc.upgrade();
    }
    Ok(doc)
}

pub const MAX_NAME: usize = 120;
pub const MAX_TERM_DESCRIPTION: usize = 2_000;
pub const MAX_FRAMEWORK_DESCRIPTION: usize = 20_000;
pub const MAX_SUMMARY: usize = 300;
pub const MAX_NOTE: usize = 500;
pub const MAX_LICENSE: usize = 100;
pub const MAX_WEBSITE: usize = 500;
pub const MAX_SOURCE_TITLE: usize = 200;
/// A rubric level says what one rating means in a sentence or two.
pub const MAX_RUBRIC_LEVEL: usize = 400;
/// Enough for every document a careful entry rests on, few enough to read on one page.
pub const MAX_SOURCES: usize = 40;
/// A rating cites a handful of documents at most.
pub const MAX_RATING_SOURCES: usize = 10;

/// Why an address is not one a source may have, or `None` when it may: an absolute http or
/// https URL with a host, as a reader's browser must be able to open it.
pub fn web_address_problem(address: &str) -> Option<String> {
    if address.chars().count() > MAX_WEBSITE {
        return Some(format!("must be at most {MAX_WEBSITE} characters"));
    }
    match url::Url::parse(address) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            None
        }
        _ => Some(format!(
            "must be an http:// or https:// address, got \"{address}\""
        )),
    }
}

/// Slugs a document may refer to: those it defines plus those already in the database.
#[derive(Debug, Default)]
pub struct KnownSlugs {
    pub languages: HashSet<String>,
    pub features: HashSet<String>,
    pub industries: HashSet<String>,
    pub use_cases: HashSet<String>,
    pub requirements: HashSet<String>,
    pub trends: HashSet<String>,
}

impl KnownSlugs {
    /// Every slug defined by any of `documents`.
    pub fn of(documents: &[&Document]) -> Self {
        let mut known = Self::default();
        for doc in documents {
            known
                .languages
                .extend(doc.languages.iter().map(|r| r.slug.clone()));
            known
                .features
                .extend(doc.features.iter().map(|r| r.slug.clone()));
            known
                .industries
                .extend(doc.industries.iter().map(|r| r.slug.clone()));
            known
                .use_cases
                .extend(doc.use_cases.iter().map(|r| r.slug.clone()));
            known
                .requirements
                .extend(doc.requirements.iter().map(|r| r.slug.clone()));
            known
                .trends
                .extend(doc.trends.iter().map(|r| r.slug.clone()));
        }
        known
    }
}

/// Collects problems while walking a document.
struct Checker<'a> {
    known: &'a KnownSlugs,
    today: NaiveDate,
    problems: Vec<FieldError>,
}

impl Checker<'_> {
    fn problem(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(FieldError::new(field, message));
    }

    fn slug(&mut self, at: &str, slug: &str) {
        if let Err(err) = Slug::parse(slug) {
            self.problem(format!("{at}.slug"), err.0);
        }
    }

    fn text(&mut self, at: &str, field: &str, value: &str, required: bool, max: usize) {
        if required && value.trim().is_empty() {
            self.problem(format!("{at}.{field}"), "must not be empty");
        }
        let chars = value.chars().count();
        if chars > max {
            self.problem(
                format!("{at}.{field}"),
                format!("must be at most {max} characters, got {chars}"),
            );
        }
    }

    fn reference(&mut self, field: String, slug: &str, known: &HashSet<String>, what: &str) {
        if !known.contains(slug) {
            self.problem(
                field,
                format!(
                    "refers to {what} \"{slug}\", which is neither in this file nor in the database"
                ),
            );
        }
    }

    /// Reports slugs defined twice in one list; returns the record locations by slug.
    fn unique<'s>(&mut self, list: &str, slugs: impl Iterator<Item = &'s str>) {
        let mut seen = HashSet::new();
        for slug in slugs {
            if !seen.insert(slug) {
                self.problem(
                    format!("{list}[{slug}].slug"),
                    "is used by more than one record",
                );
            }
        }
    }

    /// A `YYYY-MM-DD` date that is not after today.
    fn past_date(&mut self, field: String, date: &str) {
        match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(day) if day > self.today => self.problem(field, format!("{date} is in the future")),
            Ok(day) if day.format("%Y-%m-%d").to_string() == date => {}
            _ => self.problem(
                field,
                format!("must be a date written YYYY-MM-DD, got \"{date}\""),
            ),
        }
    }

    fn web_address(&mut self, field: String, address: &str) {
        if let Some(message) = web_address_problem(address) {
            self.problem(field, message);
        }
    }

    /// Six non-empty levels (what 0, 1, … 5 mean) or none at all.
    fn rubric(&mut self, at: &str, rubric: &Rubric) {
        if !rubric.is_empty() && rubric.len() != 6 {
            self.problem(
                format!("{at}.rubric"),
                format!(
                    "must say what each rating from 0 to 5 means (6 texts), got {}",
                    rubric.len()
                ),
            );
            return;
        }
        for (level, text) in rubric.iter().enumerate() {
            self.text(
                at,
                &format!("rubric[{level}]"),
                text,
                true,
                MAX_RUBRIC_LEVEL,
            );
        }
    }

    /// A list of sources (that a framework lists, or a rating cites: `verb`) of `count`
    /// entries, which must be at most `max`.
    fn at_most(&mut self, field: String, (verb, count, max): (&str, usize, usize)) {
        if count > max {
            self.problem(
                field,
                format!("must {verb} at most {max} sources, got {count}"),
            );
        }
    }

    /// A framework's sources: each a web address once, with a title and the day checked.
    fn sources(&mut self, at: &str, sources: &[SourceRecord]) {
        self.at_most(
            format!("{at}.sources"),
            ("list", sources.len(), MAX_SOURCES),
        );
        let mut seen = HashSet::new();
        for source in sources {
            let source_at = format!("{at}.sources[{}]", source.url);
            if !seen.insert(source.url.as_str()) {
                self.problem(source_at.clone(), "is listed more than once");
            }
            self.web_address(format!("{source_at}.url"), &source.url);
            self.text(&source_at, "title", &source.title, true, MAX_SOURCE_TITLE);
            self.past_date(format!("{source_at}.checked"), &source.checked);
        }
    }

    /// The addresses one rating cites.
    fn cited(&mut self, at: &str, addresses: &[String]) {
        self.at_most(
            format!("{at}.sources"),
            ("cite", addresses.len(), MAX_RATING_SOURCES),
        );
        let mut seen = HashSet::new();
        for address in addresses {
            if !seen.insert(address.as_str()) {
                self.problem(format!("{at}.sources"), format!("cites {address} twice"));
            }
            self.web_address(format!("{at}.sources"), address);
        }
    }

    /// The phrases of one term: each one line of 2–80 characters with a word that can match,
    /// at most [`MAX_PHRASES`], none saying what another says (case, plurals, hyphens and
    /// word order aside, as the matcher reads them).
    fn phrases(&mut self, at: &str, phrases: &[String]) {
        let field = format!("{at}.phrases");
        if phrases.len() > MAX_PHRASES {
            self.problem(
                field.clone(),
                format!(
                    "must list at most {MAX_PHRASES} phrases, got {}",
                    phrases.len()
                ),
            );
        }
        let mut seen: HashMap<String, &str> = HashMap::new();
        for phrase in phrases {
            let chars = phrase.trim().chars().count();
            if phrase.contains(['\n', '\r']) {
                self.problem(field.clone(), format!("\"{phrase}\" must be one line"));
            } else if !(MIN_PHRASE_CHARS..=MAX_PHRASE_CHARS).contains(&chars) {
                self.problem(
                    field.clone(),
                    format!(
                        "\"{phrase}\" must be {MIN_PHRASE_CHARS} to {MAX_PHRASE_CHARS} characters long, got {chars}"
                    ),
                );
            } else {
                match phrase_key(phrase) {
                    None => self.problem(
                        field.clone(),
                        format!(
                            "\"{phrase}\" has no word that can be matched (only common words such as a, the, our)"
                        ),
                    ),
                    Some(key) => {
                        if let Some(first) = seen.insert(key, phrase) {
                            self.problem(
                                field.clone(),
                                format!(
                                    "\"{phrase}\" says the same as \"{first}\" (case, plurals, hyphens and word order aside)"
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    fn term(&mut self, at: &str, slug: &str, name: &str, description: &str) {
        self.slug(at, slug);
        self.text(at, "name", name, true, MAX_NAME);
        self.text(at, "description", description, false, MAX_TERM_DESCRIPTION);
    }
}

/// The problems of a document holding one record, keyed relative to the record's location
/// `prefix` (`frameworks[gin]` → `name`, `requirements[security].note`), as an editing form
/// names its fields. Problems with the record as a whole are keyed `slug`.
pub fn problems_of_record(doc: &Document, known: &KnownSlugs, prefix: &str) -> Vec<FieldError> {
    validate(doc, known, chrono::Utc::now().date_naive())
        .into_iter()
        .map(|p| {
            let field = p
                .field
                .strip_prefix(prefix)
                .map(|rest| rest.trim_start_matches('.'))
                .filter(|rest| !rest.is_empty())
                .unwrap_or("slug")
                .to_owned();
            FieldError::new(field, p.message)
        })
        .collect()
}

/// A phrase that names two entries of one kind, reported at the later entry's phrases
/// (`requirements[offline-sync].phrases`): the matcher would have to pick one of them, so the
/// editor does. `list` is the document's list (`use_cases`), `what` the kind in words, and
/// `records` each entry's slug and phrases in the order they are checked. The same phrase in
/// entries of two kinds is fine ("payments": a use case and a compliance requirement).
pub fn phrase_clashes(list: &str, what: &str, records: &[(&str, &[String])]) -> Vec<FieldError> {
    let mut owner: HashMap<String, &str> = HashMap::new();
    let mut problems = Vec::new();
    for (slug, phrases) in records {
        for phrase in *phrases {
            let Some(key) = phrase_key(phrase) else {
                continue;
            };
            match owner.get(&key) {
                Some(other) if other != slug => problems.push(FieldError::new(
                    format!("{list}[{slug}].phrases"),
                    format!(
                        "\"{phrase}\" is also a phrase of the {what} \"{other}\"; a phrase names one {what} only"
                    ),
                )),
                Some(_) => {}
                None => {
                    owner.insert(key, slug);
                }
            }
        }
    }
    problems
}

/// Each record's slug and phrases.
pub fn phrased<T: Phrased>(records: &[T]) -> Vec<(&str, &[String])> {
    records
        .iter()
        .map(|r| (r.slug(), r.phrases().as_slice()))
        .collect()
}

/// Every problem in `doc`, in document order; empty when it can be imported.
/// `known` must include the slugs of the database the document will be applied to.
pub fn validate(doc: &Document, known: &KnownSlugs, today: NaiveDate) -> Vec<FieldError> {
    let mut c = Checker {
        known,
        today,
        problems: Vec::new(),
    };
    if doc.format != FORMAT_NAME {
        c.problem(
            "format",
            format!("must be \"{FORMAT_NAME}\", got \"{}\"", doc.format),
        );
    }
    if doc.format_version != FORMAT_VERSION {
        c.problem(
            "format_version",
            format!(
                "this version of stackatlas reads format versions {OLDEST_FORMAT_VERSION} to \
                 {FORMAT_VERSION}, got {}",
                doc.format_version
            ),
        );
    }

    for (list, records) in [
        ("languages", &doc.languages),
        ("features", &doc.features),
        ("trends", &doc.trends),
    ] {
        c.unique(list, records.iter().map(|r| r.slug.as_str()));
        for r in records {
            let at = format!("{list}[{}]", r.slug);
            c.term(&at, &r.slug, &r.name, &r.description);
            if list == "languages" {
                c.phrases(&at, &r.phrases);
            } else if !r.phrases.is_empty() {
                c.problem(
                    format!("{at}.phrases"),
                    "only industries, requirements, use cases and languages carry phrases",
                );
            }
        }
    }

    c.unique("industries", doc.industries.iter().map(|r| r.slug.as_str()));
    for r in &doc.industries {
        let at = format!("industries[{}]", r.slug);
        c.term(&at, &r.slug, &r.name, &r.description);
        c.rubric(&at, &r.rubric);
        c.phrases(&at, &r.phrases);
    }

    c.unique("use_cases", doc.use_cases.iter().map(|r| r.slug.as_str()));
    for r in &doc.use_cases {
        let at = format!("use_cases[{}]", r.slug);
        c.term(&at, &r.slug, &r.name, &r.description);
        c.phrases(&at, &r.phrases);
        c.reference(
            format!("{at}.industry"),
            &r.industry,
            &c.known.industries,
            "industry",
        );
    }

    c.unique(
        "requirements",
        doc.requirements.iter().map(|r| r.slug.as_str()),
    );
    for r in &doc.requirements {
        let at = format!("requirements[{}]", r.slug);
        c.term(&at, &r.slug, &r.name, &r.description);
        if let Err(err) = RequirementGroup::parse(&r.group) {
            c.problem(format!("{at}.group"), err.0);
        }
        c.rubric(&at, &r.rubric);
        c.phrases(&at, &r.phrases);
    }

    for (list, what, records) in [
        ("languages", "language", phrased(&doc.languages)),
        ("industries", "industry", phrased(&doc.industries)),
        ("use_cases", "use case", phrased(&doc.use_cases)),
        ("requirements", "requirement", phrased(&doc.requirements)),
    ] {
        c.problems.extend(phrase_clashes(list, what, &records));
    }

    c.unique("frameworks", doc.frameworks.iter().map(|r| r.slug.as_str()));
    for f in &doc.frameworks {
        check_framework(&mut c, f);
    }
    c.problems
}

fn check_framework(c: &mut Checker<'_>, f: &super::document::FrameworkRecord) {
    let at = format!("frameworks[{}]", f.slug);
    c.slug(&at, &f.slug);
    c.text(&at, "name", &f.name, true, MAX_NAME);
    c.text(&at, "summary", &f.summary, true, MAX_SUMMARY);
    c.text(
        &at,
        "description",
        &f.description,
        false,
        MAX_FRAMEWORK_DESCRIPTION,
    );
    c.text(&at, "license", &f.license, false, MAX_LICENSE);
    c.text(&at, "website", &f.website, false, MAX_WEBSITE);
    c.reference(
        format!("{at}.language"),
        &f.language,
        &c.known.languages,
        "language",
    );
    if f.languages.is_empty() {
        c.problem(
            format!("{at}.languages"),
            "must name at least one language a team writes when building on it",
        );
    }
    let mut seen = HashSet::new();
    for language in &f.languages {
        let location = format!("{at}.languages[{language}]");
        if !seen.insert(language.as_str()) {
            c.problem(location.clone(), "is listed more than once");
        }
        c.reference(location, language, &c.known.languages, "language");
    }
    c.sources(&at, &f.sources);
    if let Err(err) = Kind::parse(&f.kind) {
        c.problem(format!("{at}.kind"), err.0);
    }
    if let Err(err) = Ring::parse(&f.ring) {
        c.problem(format!("{at}.ring"), err.0);
    }
    if !f.website.is_empty() {
        c.web_address(format!("{at}.website"), &f.website);
    }
    let latest_year = i64::from(c.today.year()) + 1;
    if let Some(year) = f.first_release
        && !(1970..=latest_year).contains(&year)
    {
        c.problem(
            format!("{at}.first_release"),
            format!("must be a year from 1970 to {latest_year}, got {year}"),
        );
    }
    if let Some(date) = &f.last_reviewed {
        c.past_date(format!("{at}.last_reviewed"), date);
    }

    // Requirement strengths and industry fits are checked alike: each link once, to a known
    // entry, with a 0–5 rating, a note of bounded length, web addresses cited and a past
    // review date.
    let mut seen = HashSet::new();
    for r in f.ratings() {
        let (list, what) = (r.list, r.list.subject());
        let link_at = format!("{at}.{}[{}]", list.key(), r.slug);
        if !seen.insert((list, r.slug)) {
            c.problem(link_at.clone(), "is listed more than once");
        }
        let known = match list {
            RatingList::Requirements => &c.known.requirements,
            RatingList::Industries => &c.known.industries,
        };
        c.reference(format!("{link_at}.{what}"), r.slug, known, what);
        if let Err(err) = Score::new(r.value) {
            c.problem(format!("{link_at}.{}", list.what()), err.0);
        }
        c.text(&link_at, "note", r.note, false, MAX_NOTE);
        c.cited(&link_at, r.sources);
        if let Some(date) = r.reviewed {
            c.past_date(format!("{link_at}.reviewed"), date);
        }
    }

    for (field, slugs, known, what) in [
        ("features", &f.features, &c.known.features, "feature"),
        ("use_cases", &f.use_cases, &c.known.use_cases, "use case"),
        ("trends", &f.trends, &c.known.trends, "trend"),
    ] {
        let mut seen = HashSet::new();
        for slug in slugs {
            let location = format!("{at}.{field}[{slug}]");
            if !seen.insert(slug.as_str()) {
                c.problems.push(FieldError {
                    field: location.clone(),
                    message: "is listed more than once".into(),
                });
            }
            if !known.contains(slug) {
                c.problems.push(FieldError {
                    field: location,
                    message: format!(
                        "refers to {what} \"{slug}\", which is neither in this file nor in the database"
                    ),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::document::{FrameworkRecord, StrengthRecord, TermRecord};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn small_document() -> Document {
        Document {
            languages: vec![TermRecord {
                slug: "python".into(),
                name: "Python".into(),
                ..TermRecord::default()
            }],
            frameworks: vec![FrameworkRecord {
                slug: "flask".into(),
                name: "Flask".into(),
                language: "python".into(),
                kind: "micro".into(),
                license: "BSD-3-Clause".into(),
                first_release: Some(2010),
                website: "https://flask.palletsprojects.com/".into(),
                ring: "adopt".into(),
                summary: "A small Python web framework.".into(),
                description: String::new(),
                last_reviewed: Some("2026-11-24".into()),
                languages: vec!["python".into()],
                ..FrameworkRecord::default()
            }],
            ..Document::default()
        }
    }

    fn problems_of(doc: &Document) -> Vec<String> {
        validate(doc, &KnownSlugs::of(&[doc]), today())
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_well_formed_document_has_no_problems() {
        assert_eq!(problems_of(&small_document()), Vec::<String>::new());
    }

    #[test]
    fn a_bad_strength_names_the_framework_the_requirement_and_the_field() {
        let mut doc = small_document();
        doc.requirements
            .push(crate::knowledge::document::RequirementRecord {
                slug: "security".into(),
                name: "Security".into(),
                group: "capability".into(),
                ..Default::default()
            });
        doc.frameworks[0].requirements.push(StrengthRecord {
            requirement: "security".into(),
            strength: 7,
            ..StrengthRecord::default()
        });
        assert_eq!(
            problems_of(&doc),
            [
                "frameworks[flask].requirements[security].strength: must be a whole number from 0 to 5, got 7"
            ]
        );
    }

    #[test]
    fn sources_must_be_web_addresses_checked_on_a_past_day_and_cited_once() {
        use crate::knowledge::document::SourceRecord;
        let mut doc = small_document();
        let source = |url: &str, checked: &str| SourceRecord {
            url: url.into(),
            title: "Flask docs".into(),
            checked: checked.into(),
        };
        doc.frameworks[0].sources = vec![
            source("https://flask.palletsprojects.com/", "2026-11-24"),
            source("ftp://example.org/flask", "2026-11-01"),
            source("https://example.org/later", "2026-11-25"),
            source("https://example.org/badly-dated", "24/11/2026"),
        ];
        doc.requirements
            .push(crate::knowledge::document::RequirementRecord {
                slug: "security".into(),
                name: "Security".into(),
                group: "capability".into(),
                rubric: vec!["only three".into(), "levels".into(), "written".into()],
                ..Default::default()
            });
        doc.frameworks[0].requirements.push(StrengthRecord {
            requirement: "security".into(),
            strength: 3,
            sources: vec![
                "javascript:alert(1)".into(),
                "https://example.org/a".into(),
                "https://example.org/a".into(),
            ],
            reviewed: Some("2027-01-01".into()),
            ..StrengthRecord::default()
        });
        doc.frameworks[0].languages = vec!["python".into(), "cobol".into()];
        let problems = problems_of(&doc);
        let expect = [
            "requirements[security].rubric: must say what each rating from 0 to 5 means (6 texts), got 3",
            "frameworks[flask].languages[cobol]: refers to language \"cobol\", which is neither in this file nor in the database",
            "frameworks[flask].sources[ftp://example.org/flask].url: must be an http:// or https:// address, got \"ftp://example.org/flask\"",
            "frameworks[flask].sources[https://example.org/later].checked: 2026-11-25 is in the future",
            "frameworks[flask].sources[https://example.org/badly-dated].checked: must be a date written YYYY-MM-DD, got \"24/11/2026\"",
            "frameworks[flask].requirements[security].sources: cites https://example.org/a twice",
            "frameworks[flask].requirements[security].reviewed: 2027-01-01 is in the future",
        ];
        for expected in expect {
            assert!(
                problems.iter().any(|p| p == expected),
                "{expected}\nin {problems:#?}"
            );
        }
        assert!(
            problems.iter().any(|p| p
                .starts_with("frameworks[flask].requirements[security].sources: must be an http")),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_framework_must_name_a_language_teams_write() {
        let mut doc = small_document();
        doc.frameworks[0].languages.clear();
        assert_eq!(
            problems_of(&doc),
            [
                "frameworks[flask].languages: must name at least one language a team writes when building on it"
            ]
        );
    }

    #[test]
    fn unknown_references_and_enumerations_are_all_reported_together() {
        let mut doc = small_document();
        doc.frameworks[0].language = "cobol".into();
        doc.frameworks[0].ring = "maybe".into();
        doc.frameworks[0].features.push("teleportation".into());
        let problems = problems_of(&doc);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].starts_with("frameworks[flask].language: refers to language \"cobol\"")
        );
        assert!(problems[1].starts_with("frameworks[flask].ring: \"maybe\" is not a radar ring"));
        assert!(
            problems[2].starts_with("frameworks[flask].features[teleportation]: refers to feature")
        );
    }

    #[test]
    fn duplicate_slugs_and_bad_slugs_are_reported() {
        let mut doc = small_document();
        let copy = doc.frameworks[0].clone();
        doc.frameworks.push(copy);
        doc.languages[0].slug = "Py thon".into();
        let problems = problems_of(&doc);
        assert!(
            problems
                .iter()
                .any(|p| p == "frameworks[flask].slug: is used by more than one record")
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("languages[Py thon].slug:"))
        );
    }

    #[test]
    fn dates_in_the_future_or_badly_written_are_refused() {
        let mut doc = small_document();
        doc.frameworks[0].last_reviewed = Some("2030-01-01".into());
        assert_eq!(
            problems_of(&doc),
            ["frameworks[flask].last_reviewed: 2030-01-01 is in the future"]
        );
        doc.frameworks[0].last_reviewed = Some("24/11/2026".into());
        assert!(problems_of(&doc)[0].contains("YYYY-MM-DD"));
    }

    #[test]
    fn phrases_are_short_distinct_lines_each_naming_one_term_of_its_kind() {
        use crate::knowledge::document::RequirementRecord;
        let mut doc = small_document();
        let requirement = |slug: &str, phrases: &[&str]| RequirementRecord {
            slug: slug.into(),
            name: slug.into(),
            group: "capability".into(),
            phrases: phrases.iter().map(|p| (*p).to_owned()).collect(),
            ..Default::default()
        };
        doc.requirements = vec![
            requirement(
                "offline-sync",
                &[
                    "works offline",
                    "Offline works",
                    "x",
                    "the",
                    "two\nlines",
                    &"y".repeat(81),
                ],
            ),
            requirement("real-time-updates", &["live map", "WORKS OFFLINE"]),
        ];
        doc.languages[0].phrases = vec!["works offline".into()];
        doc.features.push(TermRecord {
            slug: "orm".into(),
            name: "ORM".into(),
            phrases: vec!["an ORM".into()],
            ..TermRecord::default()
        });
        let problems = problems_of(&doc);
        let expect = [
            "requirements[offline-sync].phrases: \"Offline works\" says the same as \"works offline\" (case, plurals, hyphens and word order aside)",
            "requirements[offline-sync].phrases: \"x\" must be 2 to 80 characters long, got 1",
            "requirements[offline-sync].phrases: \"the\" has no word that can be matched (only common words such as a, the, our)",
            "requirements[offline-sync].phrases: \"two\nlines\" must be one line",
            "requirements[real-time-updates].phrases: \"WORKS OFFLINE\" is also a phrase of the requirement \"offline-sync\"; a phrase names one requirement only",
            "features[orm].phrases: only industries, requirements, use cases and languages carry phrases",
        ];
        for expected in expect {
            assert!(
                problems.iter().any(|p| p == expected),
                "{expected}\nin {problems:#?}"
            );
        }
        assert!(
            problems
                .iter()
                .any(|p| p.contains("must be 2 to 80 characters long, got 81"))
        );
        // The same phrase for a language and a requirement is fine: kinds do not compete.
        assert!(
            !problems.iter().any(|p| p.starts_with("languages[")),
            "{problems:#?}"
        );
        assert_eq!(problems.len(), expect.len() + 1, "{problems:#?}");

        doc.requirements[0].phrases = (0..61).map(|n| format!("words{n} here")).collect();
        doc.requirements.truncate(1);
        doc.features.clear();
        assert_eq!(
            problems_of(&doc),
            ["requirements[offline-sync].phrases: must list at most 60 phrases, got 61"]
        );
    }

    #[test]
    fn a_wrong_format_marker_is_refused() {
        let mut doc = small_document();
        doc.format = "something-else".into();
        doc.format_version = 9;
        assert_eq!(problems_of(&doc).len(), 2);
    }

    #[test]
    fn a_type_error_in_json_names_the_path_to_the_value() {
        let json = r#"{"format":"stackatlas-knowledge","format_version":1,
            "frameworks":[{"slug":"x","name":"X","language":"go","kind":"micro","ring":"adopt",
            "summary":"s","requirements":[{"requirement":"security","strength":"high"}]}]}"#;
        let problem = parse(json).unwrap_err();
        assert_eq!(problem.field, "frameworks[0].requirements[0].strength");
        assert!(
            problem.message.contains("invalid type"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn an_unknown_field_is_refused_rather_than_silently_dropped() {
        let json = r#"{"format":"stackatlas-knowledge","format_version":1,"langauges":[]}"#;
        let problem = parse(json).unwrap_err();
        assert!(
            problem.message.contains("unknown field `langauges`"),
            "{}",
            problem.message
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_as_a_document_parses_or_is_refused_with_a_problem(input in ".{0,500}") {
            if let Err(problem) = parse(&input) {
                proptest::prop_assert!(!problem.to_string().is_empty());
            }
        }

        #[test]
        fn the_seed_with_any_one_value_replaced_never_panics(
            position in 0usize..200_000,
            replacement in proptest::sample::select(vec![
                "null", "-1", "99999999999999999999", "\"\"", "[]", "{}", "\"\\u0000\"", "1e400", "true",
            ]),
        ) {
            // Replace the JSON value that starts nearest `position` in the seed.
            let seed = crate::knowledge::seed::SEED_JSON;
            let at = (position % seed.len()..)
                .find(|&i| seed.is_char_boundary(i))
                .unwrap_or(seed.len());
            let Some(colon) = seed[at..].find(": ").map(|i| at + i + 2) else {
                return Ok(());
            };
            let end = seed[colon..]
                .find([',', '\n'])
                .map_or(seed.len(), |i| colon + i);
            let mutated = format!("{}{}{}", &seed[..colon], replacement, &seed[end..]);
            if let Ok(document) = parse(&mutated) {
                let known = KnownSlugs::of(&[&document]);
                let _ = validate(&document, &known, today());
            }
        }
    }
}
