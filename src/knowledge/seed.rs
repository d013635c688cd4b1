//! The knowledge base a new installation starts with, embedded in the binary and loaded
//! through the same import code an editor uses.
//!
//! It is loaded as the editions it went through, oldest first, so that a new installation's
//! history shows what each later edition changed and why: the knowledge as first written
//! (`seed/editions/2026-11-24.json`), then the audit of 30 Nov 2026 that checked every fact
//! against sources, re-rated against the rubric and corrected what was wrong
//! (`seed/knowledge.json`, with the reason for each change in
//! `seed/editions/2026-11-30-notes.json`).

use std::collections::BTreeMap;

use serde::Deserialize;
use sqlx::SqlitePool;

use super::document::Document;
use super::import::{ImportError, Notes, Report, import, import_with_notes};
use super::validate::parse;
use crate::db;

/// `seed/knowledge.json`: the current knowledge, a document in the export format, versioned
/// with the code.
pub const SEED_JSON: &str = include_str!("../../seed/knowledge.json");

/// The knowledge as first written, in format version 1.
pub const FIRST_EDITION_JSON: &str = include_str!("../../seed/editions/2026-11-24.json");

/// Who made the audit, why it changed each entry, and the entries it retired.
pub const AUDIT_JSON: &str = include_str!("../../seed/editions/2026-11-30-notes.json");

/// Who the first edition is recorded as in the audit log.
pub const SEED_ACTOR: &str = "seed";

/// The audit's account of itself (`seed/editions/2026-11-30-notes.json`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    pub actor: String,
    /// Why each entry changed, keyed `entity:slug`.
    pub notes: Notes,
    /// Entries the audit removed, keyed `entity:slug`, with why.
    pub retired: BTreeMap<String, String>,
}

pub fn audit() -> Audit {
    serde_json::from_str(AUDIT_JSON).expect("the audit notes are valid JSON")
}

fn parsed(json: &str) -> Result<Document, ImportError> {
    parse(json).map_err(|problem| ImportError::Invalid(vec![problem]))
}

/// Loads the seed when the knowledge base holds nothing at all; returns what the last
/// edition changed, or `None` when there was already knowledge (which is never overwritten).
pub async fn seed_if_empty(pool: &SqlitePool) -> Result<Option<Report>, ImportError> {
    if !db::knowledge::is_empty(pool).await? {
        return Ok(None);
    }
    import(pool, &parsed(FIRST_EDITION_JSON)?, false, SEED_ACTOR).await?;
    let report = apply_audit(pool).await?;
    fill_phrases(pool).await?;
    Ok(Some(report))
}

/// Applies the audit over the first edition, with its reasons, and retires what it retired.
/// The audit did not write the phrases clients use (they came later, see [`fill_phrases`]),
/// so its history does not claim them.
async fn apply_audit(pool: &SqlitePool) -> Result<Report, ImportError> {
    let audit = audit();
    let mut current = parsed(SEED_JSON)?;
    current.leave_phrases_alone();
    let report = import_with_notes(pool, &current, false, &audit.actor, &audit.notes).await?;
    for (key, note) in &audit.retired {
        let (entity, slug) = key.split_once(':').unwrap_or_default();
        if let Some(kind) = db::terms::kind_by_audit_name(entity) {
            db::terms::retire(pool, kind, slug, &audit.actor, note).await?;
        }
    }
    Ok(report)
}

/// Where an installation's knowledge stands against the seed this binary ships.
#[derive(Debug)]
pub enum Standing {
    /// It was empty and now holds the seed; what the audit changed.
    Seeded(Report),
    /// It held the first edition exactly as shipped, and now holds the audited knowledge.
    Audited(Report),
    /// It holds the current seed, or knowledge editors have changed since the first edition,
    /// which is theirs and is left alone.
    Kept,
}

/// Seeds an empty knowledge base, and brings one that still holds the first edition exactly
/// as shipped (an installation from before the audit, never edited) up to the audited
/// knowledge, so it gets the corrections with their reasons too. Knowledge editors have
/// touched is never changed: an import can bring them the audit when they choose. Then
/// gives every term without phrases the seed's (see [`fill_phrases`]).
pub async fn bring_forward(pool: &SqlitePool) -> Result<Standing, ImportError> {
    let standing = bring_knowledge_forward(pool).await?;
    fill_phrases(pool).await?;
    Ok(standing)
}

async fn bring_knowledge_forward(pool: &SqlitePool) -> Result<Standing, ImportError> {
    if let Some(report) = seed_if_empty(pool).await? {
        return Ok(Standing::Seeded(report));
    }
    // The first edition cites no source, so any stored source settles it without reading and
    // comparing the whole knowledge base on every start.
    if db::knowledge::cites_sources(pool).await? {
        return Ok(Standing::Kept);
    }
    let mut first = parsed(FIRST_EDITION_JSON)?;
    first.sort();
    // The first edition predates phrases; stored, it has none, which is what the
    // installation holds before `fill_phrases` (migration 0006 adds them empty).
    first.gives_phrases = true;
    if db::knowledge::load_document(pool).await? == first {
        return apply_audit(pool).await.map(Standing::Audited);
    }
    Ok(Standing::Kept)
}

/// The note each term given the seed's phrases records in its history. It also marks the
/// terms that were given them once, so that phrases an editor removed stay removed.
pub const PHRASES_NOTE: &str = "Phrases clients use, from the seed: the query page reads a client's description against them to suggest filters.";

/// Gives each language, industry, use case and requirement that has no phrases the phrases
/// the seed has for it, as one revision by the seed noting why ([`PHRASES_NOTE`]); returns
/// how many were given. Phrases an editor wrote are never touched, nor a term whose seeded
/// phrases an editor has since removed. Installations from before phrases get them on their
/// next start this way; later, nothing is left to do.
pub async fn fill_phrases(pool: &SqlitePool) -> Result<usize, ImportError> {
    // Every start comes here: when no entry could be given phrases, as after the first start,
    // neither the seed nor the stored knowledge is read.
    if !db::knowledge::lacks_phrases_not_noted(pool, PHRASES_NOTE).await? {
        return Ok(0);
    }
    let seed = parsed(SEED_JSON)?;
    let mut tx = db::begin_write(pool).await?;
    let stored = db::knowledge::load_vocabulary_in(&mut tx).await?;
    let given_before = db::knowledge::noted_in(&mut tx, PHRASES_NOTE).await?;
    let mut given = 0;
    macro_rules! fill {
        ($list:ident, $upsert:path, $entity:literal) => {
            for record in &stored.$list {
                let Some(seeded) = seed.$list.iter().find(|s| s.slug == record.slug) else {
                    continue;
                };
                if !record.phrases.is_empty() || seeded.phrases.is_empty() {
                    continue;
                }
                if given_before.contains(&($entity.to_owned(), record.slug.clone())) {
                    continue;
                }
                let mut after = record.clone();
                after.phrases = seeded.phrases.clone();
                $upsert(&mut tx, &after).await?;
                let before = serde_json::to_string(record).expect("records serialise");
                let after = serde_json::to_string(&after).expect("records serialise");
                let entry = db::knowledge::AuditEntry {
                    actor: SEED_ACTOR,
                    entity: $entity,
                    entity_slug: &record.slug,
                    action: "update",
                    before: Some(&before),
                    after: Some(&after),
                    note: PHRASES_NOTE,
                    approval: None,
                    ..Default::default()
                };
                db::knowledge::append_audit(&mut tx, &entry).await?;
                given += 1;
            }
        };
    }
    fill!(languages, db::knowledge::upsert_language, "language");
    fill!(industries, db::knowledge::upsert_industry, "industry");
    fill!(use_cases, db::knowledge::upsert_use_case, "use_case");
    fill!(
        requirements,
        db::knowledge::upsert_requirement,
        "requirement"
    );
    tx.commit().await?;
    if given > 0 {
        tracing::info!(
            given,
            "gave the seed's phrases clients use to the terms that had none"
        );
    }
    Ok(given)
}

/// A migrated and seeded database in a folder of its own, for unit tests: the folder lives as
/// long as the test holds it.
#[cfg(test)]
pub(crate) async fn seeded_database() -> (tempfile::TempDir, SqlitePool) {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("seeded.db").display());
    let pool = crate::db::connect(&url).await.unwrap();
    crate::db::MIGRATOR.run(&pool).await.unwrap();
    seed_if_empty(&pool).await.unwrap();
    (folder, pool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::document::FrameworkRecord;
    use crate::knowledge::validate::{KnownSlugs, validate};

    fn seed() -> Document {
        parse(SEED_JSON).expect("the seed parses")
    }

    fn framework<'a>(doc: &'a Document, slug: &str) -> &'a FrameworkRecord {
        doc.frameworks
            .iter()
            .find(|f| f.slug == slug)
            .unwrap_or_else(|| panic!("the seed has no framework {slug}"))
    }

    /// The frameworks the source article names.
    const ARTICLE_FRAMEWORKS: [&str; 10] = [
        "nodejs",
        "expressjs",
        "laravel",
        "remix",
        "django",
        "flask",
        "dotnet-core",
        "spring-boot",
        "firebase",
        "ktor",
    ];

    #[test]
    fn the_seed_is_valid_and_stored_in_canonical_order() {
        let doc = seed();
        let problems = validate(
            &doc,
            &KnownSlugs::of(&[&doc]),
            chrono::Utc::now().date_naive(),
        );
        assert!(problems.is_empty(), "{problems:#?}");
        let mut sorted = doc.clone();
        sorted.sort();
        assert_eq!(
            sorted.to_json(),
            SEED_JSON,
            "run the seed through export to sort it"
        );
    }

    #[test]
    fn the_seed_is_as_large_as_the_product_promises() {
        let doc = seed();
        assert!(
            doc.frameworks.len() >= 45,
            "{} frameworks",
            doc.frameworks.len()
        );
        assert!(doc.industries.len() >= 18);
        assert!(doc.use_cases.len() >= 40);
        assert!(doc.requirements.len() >= 35);
        assert!(doc.trends.len() >= 12);
        assert!(doc.languages.iter().any(|l| l.slug == "dart"));
        for slug in [
            "android-clients",
            "ios-clients",
            "flutter-clients",
            "react-native-clients",
            "hipaa",
            "gdpr-data-residency",
            "pci-dss",
            "soc2",
            "vendor-lock-in",
            "cost-at-scale",
            "self-hosting",
            "multi-tenancy",
            "enterprise-sso",
        ] {
            assert!(doc.requirements.iter().any(|r| r.slug == slug), "{slug}");
        }
        assert!(doc.frameworks.iter().any(|f| f.ring == "hold"));
    }

    #[test]
    fn every_framework_rests_on_sources_and_every_extreme_rating_cites_one() {
        let doc = seed();
        let (mut ratings, mut sourced) = (0, 0);
        for f in &doc.frameworks {
            assert!(
                f.sources.len() >= 3,
                "{} has {} sources",
                f.slug,
                f.sources.len()
            );
            let all = f
                .requirements
                .iter()
                .map(|r| (&r.requirement, r.strength, &r.sources))
                .chain(
                    f.industries
                        .iter()
                        .map(|i| (&i.industry, i.fit, &i.sources)),
                );
            for (subject, rating, cited) in all {
                ratings += 1;
                if !cited.is_empty() {
                    sourced += 1;
                }
                assert!(
                    !(cited.is_empty() && matches!(rating, 0 | 1 | 5)),
                    "{} {subject} is rated {rating} without a source",
                    f.slug
                );
            }
        }
        assert!(
            sourced * 100 >= ratings * 60,
            "{sourced} of {ratings} sourced"
        );
    }

    #[test]
    fn the_audit_explains_every_entry_it_changed_and_every_entry_it_retired() {
        let audit = audit();
        let doc = seed();
        for f in &doc.frameworks {
            assert!(
                audit.notes.contains_key(&format!("framework:{}", f.slug)),
                "{}",
                f.slug
            );
        }
        for key in audit.retired.keys() {
            let (entity, slug) = key.split_once(':').unwrap();
            assert!(db::terms::kind_by_audit_name(entity).is_some(), "{key}");
            assert!(doc.requirements.iter().all(|r| r.slug != slug), "{key}");
        }
        parse(FIRST_EDITION_JSON).expect("the first edition still reads");
    }

    #[test]
    fn every_framework_the_article_names_is_present() {
        let doc = seed();
        for slug in ARTICLE_FRAMEWORKS {
            framework(&doc, slug);
        }
    }

    #[test]
    fn every_framework_rates_every_requirement_and_industry_with_a_note() {
        let doc = seed();
        for f in &doc.frameworks {
            assert_eq!(f.requirements.len(), doc.requirements.len(), "{}", f.slug);
            assert_eq!(f.industries.len(), doc.industries.len(), "{}", f.slug);
            for r in &f.requirements {
                assert!(
                    !r.note.trim().is_empty(),
                    "{} {} has no note",
                    f.slug,
                    r.requirement
                );
            }
            for i in &f.industries {
                assert!(
                    !i.note.trim().is_empty(),
                    "{} {} has no note",
                    f.slug,
                    i.industry
                );
            }
            // A retired service fits nothing any more; everything else must say what it is for.
            if f.ring != "hold" {
                assert!(!f.features.is_empty(), "{} has no features", f.slug);
                assert!(!f.use_cases.is_empty(), "{} has no use cases", f.slug);
                assert!(!f.trends.is_empty(), "{} has no trends", f.slug);
            }
            assert!(
                !f.description.trim().is_empty(),
                "{} has no description",
                f.slug
            );
            assert!(
                f.website.starts_with("https://"),
                "{} has no website",
                f.slug
            );
            assert!(
                !f.license.is_empty() && f.first_release.is_some(),
                "{}",
                f.slug
            );
            assert!(f.last_reviewed.is_some(), "{}", f.slug);
        }
    }
}
