//! Loading the knowledge the ranking engine works on, in a handful of whole-table queries
//! rather than one query per framework.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::SqlitePool;

use crate::db::catalogue::{self, Industry, LanguageOption, Requirement, UseCaseOption};
use crate::domain::{RequirementGroup, Ring, Score, Slug, TextList};
use crate::recommend::{Candidate, Catalogue, Evidence, Names, UseCaseRef};
use crate::suggest::{self, Lexicon};

/// Everything the ranking and the query form read, as of one version of the change counter:
/// [`load`] reads it all in one transaction, so `version` always names this very content.
/// Cloned only to try an edit on a copy (`impact::apply`): the cache shares one by `Arc`.
#[derive(Debug, Clone)]
pub struct Knowledge {
    pub version: i64,
    pub catalogue: Catalogue,
    pub names: Names,
    /// What the query form offers, in the order it offers them.
    pub industries: Vec<Industry>,
    pub languages: Vec<LanguageOption>,
    pub requirements: Vec<Requirement>,
    /// Every use case with its industry's name, by industry then name.
    pub use_cases: Vec<UseCaseOption>,
    /// The phrases clients use for industries, requirements, use cases and languages, ready
    /// to read a client's description with.
    pub lexicon: Lexicon,
}

/// The knowledge base's change counter (see migration 0003): equal counters, equal content.
pub async fn knowledge_version(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!("SELECT version FROM knowledge_version WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// Everything the ranking needs, read in one transaction so the version matches the content.
pub async fn load(pool: &SqlitePool) -> Result<Knowledge, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let version = sqlx::query_scalar!("SELECT version FROM knowledge_version WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let candidates = candidates_in(&mut tx).await?;
    let names = names_in(&mut tx).await?;
    let industries = catalogue::industries(&mut *tx).await?;
    let languages = catalogue::languages(&mut *tx).await?;
    let requirements = catalogue::requirements(&mut *tx).await?;
    let use_cases = catalogue::use_case_options(&mut *tx).await?;
    let lexicon = lexicon_in(&mut tx).await?;
    tx.commit().await?;
    Ok(Knowledge {
        version,
        catalogue: Catalogue::new(candidates),
        names,
        industries,
        languages,
        requirements,
        use_cases,
        lexicon,
    })
}

/// Every industry, requirement, use case and language with the phrases clients use for it.
async fn lexicon_in(tx: &mut sqlx::SqliteConnection) -> Result<Lexicon, sqlx::Error> {
    let entry = |kind, slug: String, name: String, phrases: TextList| suggest::Entry {
        kind,
        slug,
        name,
        phrases: phrases.0,
        compliance: false,
        industry: None,
    };
    let mut entries = Vec::new();
    for r in sqlx::query!(
        r#"SELECT slug, name, phrases AS "phrases: TextList" FROM industries ORDER BY slug"#
    )
    .fetch_all(&mut *tx)
    .await?
    {
        entries.push(entry(suggest::Kind::Industry, r.slug, r.name, r.phrases));
    }
    for r in sqlx::query!(
        r#"SELECT slug, name, req_group, phrases AS "phrases: TextList"
           FROM requirements ORDER BY slug"#
    )
    .fetch_all(&mut *tx)
    .await?
    {
        entries.push(suggest::Entry {
            compliance: r.req_group == RequirementGroup::Compliance.as_str(),
            ..entry(suggest::Kind::Requirement, r.slug, r.name, r.phrases)
        });
    }
    for r in sqlx::query!(
        r#"SELECT u.slug, u.name, i.slug AS industry, u.phrases AS "phrases: TextList"
           FROM use_cases u JOIN industries i ON i.id = u.industry_id ORDER BY u.slug"#
    )
    .fetch_all(&mut *tx)
    .await?
    {
        entries.push(suggest::Entry {
            industry: Some(r.industry),
            ..entry(suggest::Kind::UseCase, r.slug, r.name, r.phrases)
        });
    }
    for r in sqlx::query!(
        r#"SELECT slug, name, phrases AS "phrases: TextList" FROM languages ORDER BY slug"#
    )
    .fetch_all(&mut *tx)
    .await?
    {
        entries.push(entry(suggest::Kind::Language, r.slug, r.name, r.phrases));
    }
    Ok(Lexicon::new(entries))
}

/// Every framework with its strengths, fits and use cases. `search_rank` is left `None`;
/// see [`search_ranks`].
async fn candidates_in(tx: &mut sqlx::SqliteConnection) -> Result<Vec<Candidate>, sqlx::Error> {
    let frameworks = sqlx::query!(
        r#"SELECT f.id, f.slug AS "slug: Slug", f.name, f.ring AS "ring: Ring", f.last_reviewed
         FROM frameworks f
         ORDER BY f.id"#
    )
    .fetch_all(&mut *tx)
    .await?;
    // Strengths and fits are read alike from their own tables: sqlx's checked macros take
    // literal SQL only, so the two statements cannot share their text.
    let strengths = sqlx::query_as!(
        Rated,
        r#"SELECT fr.framework_id AS "framework_id!", r.slug AS "slug: Slug",
                  fr.strength AS "score: Score", fr.note, fr.sources AS "sources: TextList",
                  fr.reviewed
         FROM framework_requirements fr JOIN requirements r ON r.id = fr.requirement_id"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let fits = sqlx::query_as!(
        Rated,
        r#"SELECT fi.framework_id AS "framework_id!", i.slug AS "slug: Slug",
                  fi.fit AS "score: Score", fi.note, fi.sources AS "sources: TextList",
                  fi.reviewed
         FROM framework_industries fi JOIN industries i ON i.id = fi.industry_id"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let use_cases = sqlx::query!(
        r#"SELECT fu.framework_id AS "framework_id!", u.slug AS "slug: Slug", u.name,
                  i.slug AS "industry: Slug"
         FROM framework_use_cases fu
         JOIN use_cases u ON u.id = fu.use_case_id
         JOIN industries i ON i.id = u.industry_id
         ORDER BY u.name COLLATE NOCASE"#
    )
    .fetch_all(&mut *tx)
    .await?;

    let team_languages = sqlx::query!(
        r#"SELECT fl.framework_id AS "framework_id!", l.slug AS "slug: Slug"
         FROM framework_languages fl JOIN languages l ON l.id = fl.language_id
         ORDER BY l.slug"#
    )
    .fetch_all(&mut *tx)
    .await?;

    let mut by_id: HashMap<i64, Candidate> = HashMap::new();
    let mut order = Vec::with_capacity(frameworks.len());
    for f in frameworks {
        order.push(f.id);
        by_id.insert(
            f.id,
            Candidate {
                slug: f.slug,
                name: f.name,
                languages: Vec::new(),
                ring: f.ring,
                strengths: HashMap::new(),
                fits: HashMap::new(),
                use_cases: Vec::new(),
                search_rank: None,
                last_reviewed: day(f.last_reviewed.as_deref()),
            },
        );
    }
    file_ratings(&mut by_id, strengths, |c| &mut c.strengths);
    file_ratings(&mut by_id, fits, |c| &mut c.fits);
    for l in team_languages {
        if let Some(c) = by_id.get_mut(&l.framework_id) {
            c.languages.push(l.slug);
        }
    }
    for u in use_cases {
        if let Some(c) = by_id.get_mut(&u.framework_id) {
            c.use_cases.push(UseCaseRef {
                slug: u.slug,
                name: u.name,
                industry: u.industry,
            });
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .collect())
}

/// A framework's rating of a requirement (strength) or an industry (fit), as read.
struct Rated {
    framework_id: i64,
    slug: Slug,
    score: Score,
    note: String,
    sources: TextList,
    reviewed: Option<String>,
}

/// A stored `YYYY-MM-DD` (the schema checks the form) as a date.
fn day(stored: Option<&str>) -> Option<NaiveDate> {
    stored.and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
}

/// Files each rating under its framework, in the map `ratings` picks.
fn file_ratings(
    by_id: &mut HashMap<i64, Candidate>,
    rows: Vec<Rated>,
    ratings: fn(&mut Candidate) -> &mut HashMap<Slug, Evidence>,
) {
    for r in rows {
        if let Some(c) = by_id.get_mut(&r.framework_id) {
            let evidence = Evidence {
                score: r.score,
                note: r.note,
                sources: r.sources.0,
                reviewed: day(r.reviewed.as_deref()),
            };
            ratings(c).insert(r.slug, evidence);
        }
    }
}

/// Framework slug → bm25 rank for an FTS5 query built by [`crate::search::fts_query`].
pub async fn search_ranks(
    pool: &SqlitePool,
    fts_query: &str,
) -> Result<HashMap<Slug, f64>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT f.slug AS "slug!: Slug", bm25(frameworks_fts, 10.0, 4.0, 1.0, 3.0, 3.0) AS "rank!: f64"
           FROM frameworks_fts JOIN frameworks f ON f.id = frameworks_fts.rowid
           WHERE frameworks_fts MATCH ?1"#,
        fts_query
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.slug, r.rank)).collect())
}

/// Display names of requirements, industries, languages and use cases.
async fn names_in(tx: &mut sqlx::SqliteConnection) -> Result<Names, sqlx::Error> {
    let requirements = sqlx::query!("SELECT slug, name FROM requirements")
        .fetch_all(&mut *tx)
        .await?;
    let industries = sqlx::query!("SELECT slug, name FROM industries")
        .fetch_all(&mut *tx)
        .await?;
    let languages = sqlx::query!("SELECT slug, name FROM languages")
        .fetch_all(&mut *tx)
        .await?;
    let use_cases = sqlx::query!("SELECT slug, name FROM use_cases")
        .fetch_all(&mut *tx)
        .await?;
    Ok(Names {
        requirements: requirements.into_iter().map(|r| (r.slug, r.name)).collect(),
        industries: industries.into_iter().map(|r| (r.slug, r.name)).collect(),
        languages: languages.into_iter().map(|r| (r.slug, r.name)).collect(),
        use_cases: use_cases.into_iter().map(|r| (r.slug, r.name)).collect(),
    })
}
