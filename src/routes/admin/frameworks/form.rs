//! Reading the framework form: one field per fact, a 0–5 rating and a note per requirement
//! and per industry, and repeated checkboxes for features, use cases and trends. What is not
//! even a number becomes a field error; everything else goes to the knowledge validator,
//! whose problems are named like the form's fields.

use crate::domain::FieldError;
use crate::knowledge::document::{
    Document, FitRecord, FrameworkRecord, SourceRecord, StrengthRecord,
};
use crate::knowledge::validate::{KnownSlugs, MAX_SOURCES, problems_of_record};
use crate::recommend::RatingKind;
use crate::routes::admin::editing::{Entry, FieldName, Fields, Revisioned};
use crate::routes::dates::readable_date;

/// The submitted fields in order. The form repeats names (one `feature` per ticked box), which
/// a struct cannot hold, so actix reads the body into pairs within its form limit.
pub struct Submitted(pub Vec<(String, String)>);

impl Submitted {
    /// The first value of `key`, or empty.
    pub fn one(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every non-empty value of `key`.
    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A whole number from a form field; blank is `None`, anything else unreadable is an error.
fn number(errors: &mut Vec<FieldError>, key: String, text: &str, what: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(
                key,
                format!("must be {what}, got \"{text}\""),
            ));
            None
        }
    }
}

/// How the form names one kind of rated link, how errors name it, and the record it makes.
struct RatedLink<T> {
    /// The form's field prefix: `req.{slug}.strength`, `req.{slug}.note`.
    form_prefix: &'static str,
    /// The record's list and rating, for error keys: `requirements[{slug}].strength`.
    list: &'static str,
    rating: &'static str,
    /// The link from (slug, rating, note, the addresses it cites).
    link: fn(String, i64, String, Vec<String>) -> T,
}

impl<T> RatedLink<T> {
    /// The form field holding the rating of `slug`: `req.security.strength`.
    fn score_field(&self, slug: &str) -> String {
        format!("{}.{slug}.{}", self.form_prefix, self.rating)
    }
}

/// The edit form's field holding a framework's rating of `subject`, for pages that point at
/// it (the desk's review queue): `req.security.strength`, `ind.healthcare.fit`.
pub fn rating_field(kind: RatingKind, subject: &str) -> String {
    match kind {
        RatingKind::Requirement => REQUIREMENT.score_field(subject),
        RatingKind::Industry => INDUSTRY.score_field(subject),
    }
}

// The two kinds of rated link read alike on purpose: each is a row of names for the same reader.
const REQUIREMENT: RatedLink<StrengthRecord> = RatedLink {
    form_prefix: "req",
    list: "requirements",
    rating: "strength",
    link: |requirement, strength, note, sources| StrengthRecord {
        requirement,
        strength,
        note,
        sources,
        reviewed: None,
    },
};

const INDUSTRY: RatedLink<FitRecord> = RatedLink {
    form_prefix: "ind",
    list: "industries",
    rating: "fit",
    link: |industry, fit, note, sources| FitRecord {
        industry,
        fit,
        note,
        sources,
        reviewed: None,
    },
};

/// Each slug's 0–5 rating and note from the form as a link; a missing or malformed rating
/// becomes an error named after the record's field.
fn rated_links<'a, T>(
    form: &Submitted,
    errors: &mut Vec<FieldError>,
    slugs: impl Iterator<Item = &'a str>,
    kind: RatedLink<T>,
) -> Vec<T> {
    let mut links = Vec::new();
    for slug in slugs {
        let key = format!("{}[{slug}].{}", kind.list, kind.rating);
        let value = form.one(&kind.score_field(slug));
        match number(errors, key.clone(), value, "a whole number from 0 to 5") {
            Some(rating) => {
                let note = form.one(&format!("{}.{slug}.note", kind.form_prefix));
                let cited = form.one(&format!("{}.{slug}.sources", kind.form_prefix));
                let cited = cited.split_whitespace().map(str::to_owned).collect();
                links.push((kind.link)(
                    slug.to_owned(),
                    rating,
                    note.trim().to_owned(),
                    cited,
                ));
            }
            None if value.trim().is_empty() => {
                errors.push(FieldError::new(
                    key,
                    format!("choose a {} from 0 to 5", kind.rating),
                ));
            }
            None => {}
        }
    }
    links
}

/// The form's source rows `source.{i}.url`, `.title` and `.checked`, in order; a row whose
/// address and title are both blank is an unused one.
fn sources(form: &Submitted) -> Vec<SourceRecord> {
    (0..MAX_SOURCES)
        .map(|i| {
            let field = |name: &str| form.one(&format!("source.{i}.{name}")).trim().to_owned();
            SourceRecord {
                url: field("url"),
                title: field("title"),
                checked: field("checked"),
            }
        })
        .filter(|s| !(s.url.is_empty() && s.title.is_empty()))
        .collect()
}

/// The languages ticked as written by teams building on it; none ticked means the language
/// it is written in, as for frameworks that were never told otherwise (migration 0004).
fn team_languages(form: &Submitted) -> Vec<String> {
    let ticked = form.all("languages");
    let written_in = form.one("language");
    if ticked.is_empty() && !written_in.is_empty() {
        vec![written_in.to_owned()]
    } else {
        ticked
    }
}

/// Reads a framework from the form (in the export's canonical order, so saving an unchanged
/// form changes nothing), with every field error: values that are not even numbers, then
/// whatever the knowledge validator finds against `vocabulary`.
pub fn record_from(
    form: &Submitted,
    vocabulary: &Document,
    last_reviewed: Option<String>,
) -> (FrameworkRecord, Vec<FieldError>) {
    let mut errors = Vec::new();
    let first_release = number(
        &mut errors,
        "first_release".into(),
        form.one("first_release"),
        "a year such as 2014",
    );
    let requirement_slugs = vocabulary.requirements.iter().map(|r| r.slug.as_str());
    let requirements = rated_links(form, &mut errors, requirement_slugs, REQUIREMENT);
    let industry_slugs = vocabulary.industries.iter().map(|i| i.slug.as_str());
    let industries = rated_links(form, &mut errors, industry_slugs, INDUSTRY);
    let record = FrameworkRecord {
        slug: form.one("slug").trim().to_owned(),
        name: form.one("name").trim().to_owned(),
        language: form.one("language").to_owned(),
        kind: form.one("kind").to_owned(),
        license: form.one("license").trim().to_owned(),
        first_release,
        website: form.one("website").trim().to_owned(),
        ring: form.one("ring").to_owned(),
        summary: form.one("summary").trim().to_owned(),
        description: form
            .one("description")
            .replace("\r\n", "\n")
            .trim()
            .to_owned(),
        last_reviewed,
        languages: team_languages(form),
        sources: sources(form),
        requirements,
        industries,
        features: form.all("feature"),
        use_cases: form.all("use_case"),
        trends: form.all("trend"),
    };
    let mut doc = Document {
        frameworks: vec![record],
        ..Document::default()
    };
    doc.sort();
    let prefix = format!("frameworks[{}]", doc.frameworks[0].slug);
    errors.extend(problems_of_record(
        &doc,
        &KnownSlugs::of(&[vocabulary]),
        &prefix,
    ));
    (doc.frameworks.remove(0), errors)
}

impl Entry for FrameworkRecord {
    /// Every field as the history and the conflict table name it, in name order.
    fn fields(&self) -> Fields {
        let optional = |value: Option<String>| value.unwrap_or_default();
        let mut fields: Vec<(String, String)> = vec![
            ("slug".into(), self.slug.clone()),
            ("name".into(), self.name.clone()),
            ("language".into(), self.language.clone()),
            ("kind".into(), self.kind.clone()),
            ("ring".into(), self.ring.clone()),
            ("license".into(), self.license.clone()),
            (
                "first release".into(),
                optional(self.first_release.map(|y| y.to_string())),
            ),
            ("website".into(), self.website.clone()),
            ("summary".into(), self.summary.clone()),
            ("description".into(), self.description.clone()),
            // Dates as people read them: these values are shown, never parsed back.
            (
                "last reviewed".into(),
                optional(self.last_reviewed.as_deref().map(readable_date)),
            ),
            ("languages a team writes".into(), self.languages.join(", ")),
            (
                "sources".into(),
                self.sources
                    .iter()
                    .map(|s| {
                        let checked = readable_date(&s.checked);
                        format!("{} ({}, checked {checked})", s.title, s.url)
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            ("features".into(), self.features.join(", ")),
            ("use cases".into(), self.use_cases.join(", ")),
            ("trends".into(), self.trends.join(", ")),
        ];
        fields.extend(self.requirements.iter().map(|r| {
            (
                format!("requirement {}", r.requirement),
                rating_summary(r.strength, &r.note, &r.sources),
            )
        }));
        fields.extend(self.industries.iter().map(|i| {
            (
                format!("industry {}", i.industry),
                rating_summary(i.fit, &i.note, &i.sources),
            )
        }));
        fields
            .into_iter()
            .map(|(name, value)| (FieldName::new(0, name), value))
            .collect()
    }
}

/// A rating as the history and the conflict table show it: number, note, the sources cited.
fn rating_summary(rating: i64, note: &str, sources: &[String]) -> String {
    if sources.is_empty() {
        format!("{rating} — {note}")
    } else {
        format!("{rating} — {note} [{}]", sources.join(" "))
    }
}

impl Revisioned for FrameworkRecord {
    fn name(self) -> String {
        self.name
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::*;

    static VOCABULARY: LazyLock<Document> = LazyLock::new(|| {
        crate::knowledge::validate::parse(crate::knowledge::seed::SEED_JSON).unwrap()
    });

    /// The names the edit form really sends, so values land in the fields that are read.
    fn field_names() -> Vec<String> {
        let mut names: Vec<String> = [
            "slug",
            "name",
            "language",
            "kind",
            "license",
            "first_release",
            "website",
            "ring",
            "summary",
            "description",
            "languages",
            "source.0.url",
            "source.0.title",
            "source.0.checked",
            "feature",
            "use_case",
            "trend",
            "version",
            "action",
        ]
        .map(String::from)
        .to_vec();
        for r in &VOCABULARY.requirements {
            names.push(format!("req.{}.strength", r.slug));
            names.push(format!("req.{}.note", r.slug));
            names.push(format!("req.{}.sources", r.slug));
        }
        for i in &VOCABULARY.industries {
            names.push(format!("ind.{}.fit", i.slug));
            names.push(format!("ind.{}.note", i.slug));
        }
        names
    }

    /// Reads `body` the way actix's form extractor does, then checks every error names a field.
    fn check(body: &[u8]) -> Result<(), TestCaseError> {
        let pairs = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let (_, errors) = record_from(&Submitted(pairs), &VOCABULARY, None);
        for error in &errors {
            prop_assert!(
                !error.field.is_empty() && !error.message.is_empty(),
                "{error}"
            );
        }
        Ok(())
    }

    #[test]
    fn the_seeded_django_read_back_from_its_own_form_has_no_errors_and_no_changes() {
        let django = VOCABULARY
            .frameworks
            .iter()
            .find(|f| f.slug == "django")
            .unwrap();
        let mut pairs: Vec<(String, String)> = [
            ("slug", django.slug.clone()),
            ("name", django.name.clone()),
            ("language", django.language.clone()),
            ("kind", django.kind.clone()),
            ("license", django.license.clone()),
            (
                "first_release",
                django
                    .first_release
                    .map_or(String::new(), |y| y.to_string()),
            ),
            ("website", django.website.clone()),
            ("ring", django.ring.clone()),
            ("summary", django.summary.clone()),
            ("description", django.description.clone()),
        ]
        .map(|(k, v)| (k.to_owned(), v))
        .to_vec();
        for r in &django.requirements {
            pairs.push((
                format!("req.{}.strength", r.requirement),
                r.strength.to_string(),
            ));
            pairs.push((format!("req.{}.note", r.requirement), r.note.clone()));
            pairs.push((
                format!("req.{}.sources", r.requirement),
                r.sources.join("\n"),
            ));
        }
        for i in &django.industries {
            pairs.push((format!("ind.{}.fit", i.industry), i.fit.to_string()));
            pairs.push((format!("ind.{}.note", i.industry), i.note.clone()));
            pairs.push((format!("ind.{}.sources", i.industry), i.sources.join("\n")));
        }
        for (index, source) in django.sources.iter().enumerate() {
            pairs.push((format!("source.{index}.url"), source.url.clone()));
            pairs.push((format!("source.{index}.title"), source.title.clone()));
            pairs.push((format!("source.{index}.checked"), source.checked.clone()));
        }
        for (name, slugs) in [
            ("languages", &django.languages),
            ("feature", &django.features),
            ("use_case", &django.use_cases),
            ("trend", &django.trends),
        ] {
            pairs.extend(slugs.iter().map(|s| (name.to_owned(), s.clone())));
        }
        let (record, errors) =
            record_from(&Submitted(pairs), &VOCABULARY, django.last_reviewed.clone());
        assert_eq!(errors, []);
        // The form trims text; the seed's description ends with a line break. Review dates
        // are not the form's: saving dates the ratings that changed.
        let mut django = FrameworkRecord {
            description: django.description.trim().to_owned(),
            ..django.clone()
        };
        django.date_changed_ratings(None, "2026-11-30");
        let mut record = record;
        record.date_changed_ratings(None, "2026-11-30");
        let changes = crate::routes::admin::editing::changes(&django, &record);
        assert!(changes.is_empty(), "{changes:?}");
    }

    proptest! {
        #[test]
        fn any_bytes_as_a_form_become_a_record_or_errors_naming_fields(
            body in proptest::collection::vec(any::<u8>(), 0..2000),
        ) {
            check(&body)?;
        }

        #[test]
        fn the_forms_own_fields_with_any_values_are_read_without_panicking(
            values in proptest::collection::vec((any::<prop::sample::Index>(), ".{0,40}"), 0..80),
        ) {
            let names = field_names();
            let mut body = form_urlencoded::Serializer::new(String::new());
            for (which, value) in &values {
                body.append_pair(&names[which.index(names.len())], value);
            }
            check(body.finish().as_bytes())?;
        }
    }
}
