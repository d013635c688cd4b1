//! The knowledge base a new installation starts with, embedded in the binary and loaded
//! through the same import code an editor uses.

use sqlx::SqlitePool;

use super::import::{ImportError, Report, import};
use super::validate::parse;
use crate::db;

/// `seed/knowledge.json`: a document in the export format, versioned with the code.
pub const SEED_JSON: &str = include_str!("../../seed/knowledge.json");

/// Who the seed is recorded as in the audit log.
pub const SEED_ACTOR: &str = "seed";

/// Loads the seed when the knowledge base holds nothing at all; returns what it created, or
/// `None` when there was already knowledge (which is never overwritten).
pub async fn seed_if_empty(pool: &SqlitePool) -> Result<Option<Report>, ImportError> {
    if !db::knowledge::is_empty(pool).await? {
        return Ok(None);
    }
    let document = parse(SEED_JSON).map_err(|problem| ImportError::Invalid(vec![problem]))?;
    import(pool, &document, false, SEED_ACTOR).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::document::{Document, FrameworkRecord};
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

    fn strength(f: &FrameworkRecord, requirement: &str) -> i64 {
        f.requirements
            .iter()
            .find(|r| r.requirement == requirement)
            .unwrap_or_else(|| panic!("{} has no strength for {requirement}", f.slug))
            .strength
    }

    fn fit(f: &FrameworkRecord, industry: &str) -> i64 {
        f.industries
            .iter()
            .find(|r| r.industry == industry)
            .unwrap_or_else(|| panic!("{} has no fit for {industry}", f.slug))
            .fit
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
            doc.frameworks.len() >= 25,
            "{} frameworks",
            doc.frameworks.len()
        );
        assert!(doc.industries.len() >= 12);
        assert!(doc.use_cases.len() >= 25);
        assert!(doc.requirements.len() >= 18);
        assert!(doc.trends.len() >= 12);
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
            assert!(!f.features.is_empty(), "{} has no features", f.slug);
            assert!(!f.use_cases.is_empty(), "{} has no use cases", f.slug);
            assert!(!f.trends.is_empty(), "{} has no trends", f.slug);
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

    #[test]
    fn the_articles_pairings_are_in_the_knowledge_base() {
        let doc = seed();
        // Node.js and Express for on-demand apps (food delivery, ride-sharing) with real-time updates.
        for slug in ["nodejs", "expressjs"] {
            let f = framework(&doc, slug);
            assert_eq!(fit(f, "on-demand-services"), 5, "{slug}");
            assert_eq!(strength(f, "real-time-updates"), 5, "{slug}");
            assert!(strength(f, "scalability") >= 4, "{slug}");
            assert!(strength(f, "full-stack-javascript") >= 4, "{slug}");
            for use_case in ["food-delivery", "ride-sharing"] {
                assert!(
                    f.use_cases.iter().any(|u| u == use_case),
                    "{slug} {use_case}"
                );
            }
        }
        // Laravel for apps needing frequent updates and new features; secure and scalable.
        let laravel = framework(&doc, "laravel");
        assert_eq!(strength(laravel, "frequent-feature-updates"), 5);
        assert!(strength(laravel, "security") >= 4 && strength(laravel, "scalability") >= 4);
        // Remix: one JavaScript framework front to back.
        assert_eq!(
            strength(framework(&doc, "remix"), "full-stack-javascript"),
            5
        );
        // Django: security, and social networking, healthcare and e-commerce.
        let django = framework(&doc, "django");
        assert_eq!(strength(django, "security"), 5);
        assert!(strength(django, "scalability") >= 4);
        for industry in ["healthcare", "social-networking", "ecommerce"] {
            assert_eq!(fit(django, industry), 5, "django {industry}");
        }
        // Flask: quick tests of an idea before a large investment.
        let flask = framework(&doc, "flask");
        assert_eq!(strength(flask, "rapid-prototyping"), 5);
        assert_eq!(strength(flask, "low-budget"), 5);
        // .NET Core: large organisations' internal systems, productivity apps, e-commerce.
        let dotnet = framework(&doc, "dotnet-core");
        assert_eq!(fit(dotnet, "enterprise-internal-systems"), 5);
        assert_eq!(fit(dotnet, "productivity"), 5);
        assert!(fit(dotnet, "ecommerce") >= 4);
        // Firebase: real-time data, push and offline for mobile; Ktor for Kotlin teams.
        let firebase = framework(&doc, "firebase");
        assert!(strength(firebase, "real-time-updates") >= 4);
        assert!(strength(firebase, "push-notifications") >= 4);
        assert_eq!(strength(framework(&doc, "ktor"), "kotlin-skills-reuse"), 5);
    }
}
