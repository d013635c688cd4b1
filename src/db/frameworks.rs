//! Reading frameworks for the catalogue pages.

use sqlx::SqlitePool;

use crate::db::catalogue::Term;
use crate::domain::{Kind, RequirementGroup, Ring, Score, Slug, TextList};

/// A framework as listed in the catalogue.
#[derive(Debug, Clone)]
pub struct FrameworkSummary {
    pub slug: Slug,
    pub name: String,
    pub language_slug: Slug,
    pub language_name: String,
    pub kind: Kind,
    pub ring: Ring,
    pub summary: String,
    pub first_release: Option<i64>,
    pub last_reviewed: Option<String>,
    /// Slugs of every language a team writes when building on it.
    pub languages: TextList,
}

/// Catalogue filters; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A language the framework is written in or a team writes when building on it.
    pub language: Option<String>,
    pub kind: Option<Kind>,
    pub ring: Option<Ring>,
}

/// Frameworks matching `filter`, by name: every one, as [`page`] orders them.
pub async fn list(
    pool: &SqlitePool,
    filter: &Filter,
) -> Result<Vec<FrameworkSummary>, sqlx::Error> {
    // SQLite reads a negative LIMIT as no limit.
    page(pool, filter, "name", -1, 0).await
}

/// How many frameworks match `filter`: the catalogue's count, on every page.
pub async fn count(pool: &SqlitePool, filter: &Filter) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "count!: i64"
           FROM frameworks f JOIN languages l ON l.id = f.language_id
           WHERE (?1 IS NULL OR l.slug = ?1
                  OR EXISTS (SELECT 1 FROM framework_languages fl JOIN languages x ON x.id = fl.language_id
                             WHERE fl.framework_id = f.id AND x.slug = ?1))
             AND (?2 IS NULL OR f.kind = ?2) AND (?3 IS NULL OR f.ring = ?3)"#,
        filter.language,
        filter.kind,
        filter.ring
    )
    .fetch_one(pool)
    .await
}

/// One page of the frameworks matching `filter` in the catalogue's order `sort` (`name`,
/// `newest`, `oldest` or `ring`; names break ties, then slugs): `limit` from `offset`. Only
/// the page's rows are read in full; the rest are ordered by their keys alone.
pub async fn page(
    pool: &SqlitePool,
    filter: &Filter,
    sort: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<FrameworkSummary>, sqlx::Error> {
    sqlx::query_as!(
        FrameworkSummary,
        r#"WITH page AS (
               SELECT f.id, row_number() OVER (ORDER BY
                   CASE ?4 WHEN 'ring' THEN CASE f.ring WHEN 'adopt' THEN 0 WHEN 'trial' THEN 1
                                                        WHEN 'assess' THEN 2 ELSE 3 END
                           ELSE 0 END,
                   CASE WHEN ?4 IN ('newest', 'oldest') THEN f.first_release IS NULL ELSE 0 END,
                   CASE ?4 WHEN 'newest' THEN -f.first_release WHEN 'oldest' THEN f.first_release
                           ELSE 0 END,
                   f.name COLLATE NOCASE, f.slug) AS place
               FROM frameworks f JOIN languages l ON l.id = f.language_id
               WHERE (?1 IS NULL OR l.slug = ?1
                      OR EXISTS (SELECT 1 FROM framework_languages fl JOIN languages x ON x.id = fl.language_id
                                 WHERE fl.framework_id = f.id AND x.slug = ?1))
                 AND (?2 IS NULL OR f.kind = ?2) AND (?3 IS NULL OR f.ring = ?3)
               ORDER BY place LIMIT ?5 OFFSET ?6)
           SELECT f.slug AS "slug: Slug", f.name, l.slug AS "language_slug: Slug",
                  l.name AS language_name, f.kind AS "kind: Kind", f.ring AS "ring: Ring",
                  f.summary, f.first_release, f.last_reviewed,
                  (SELECT json_group_array(slug) FROM
                      (SELECT x.slug FROM framework_languages fl JOIN languages x ON x.id = fl.language_id
                       WHERE fl.framework_id = f.id ORDER BY x.slug)) AS "languages!: TextList"
           FROM page JOIN frameworks f ON f.id = page.id JOIN languages l ON l.id = f.language_id
           ORDER BY page.place"#,
        filter.language,
        filter.kind,
        filter.ring,
        sort,
        limit,
        offset
    )
    .fetch_all(pool)
    .await
}

/// Up to `limit` frameworks with a slug after `after` (`""` for the first), by slug: a page
/// of the API's list, read in the order of the slug's unique index, so a late page costs
/// what the first does.
pub async fn page_after(
    pool: &SqlitePool,
    after: &str,
    limit: i64,
) -> Result<Vec<FrameworkSummary>, sqlx::Error> {
    sqlx::query_as!(
        FrameworkSummary,
        r#"SELECT f.slug AS "slug: Slug", f.name, l.slug AS "language_slug: Slug",
                  l.name AS language_name, f.kind AS "kind: Kind", f.ring AS "ring: Ring",
                  f.summary, f.first_release, f.last_reviewed,
                  (SELECT json_group_array(slug) FROM
                      (SELECT x.slug FROM framework_languages fl JOIN languages x ON x.id = fl.language_id
                       WHERE fl.framework_id = f.id ORDER BY x.slug)) AS "languages!: TextList"
           FROM frameworks f JOIN languages l ON l.id = f.language_id
           WHERE f.slug > ?1
           ORDER BY f.slug
           LIMIT ?2"#,
        after,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Frameworks matching `filter` and the FTS5 query `fts_query` (see [`crate::search::fts_query`]),
/// best match first. A match in the name weighs most, then the summary, features and use cases,
/// then the long description.
pub async fn search(
    pool: &SqlitePool,
    fts_query: &str,
    filter: &Filter,
) -> Result<Vec<FrameworkSummary>, sqlx::Error> {
    // The FTS join makes every column look nullable to sqlx, hence the `!`s.
    sqlx::query_as!(
        FrameworkSummary,
        r#"SELECT f.slug AS "slug!: Slug", f.name AS "name!", l.slug AS "language_slug!: Slug",
                  l.name AS "language_name!", f.kind AS "kind!: Kind", f.ring AS "ring!: Ring",
                  f.summary AS "summary!", f.first_release, f.last_reviewed,
                  (SELECT json_group_array(slug) FROM
                      (SELECT x.slug FROM framework_languages fl JOIN languages x ON x.id = fl.language_id
                       WHERE fl.framework_id = f.id ORDER BY x.slug)) AS "languages!: TextList"
           FROM frameworks_fts
           JOIN frameworks f ON f.id = frameworks_fts.rowid
           JOIN languages l ON l.id = f.language_id
           WHERE frameworks_fts MATCH ?1
             AND (?2 IS NULL OR l.slug = ?2
                  OR EXISTS (SELECT 1 FROM framework_languages fl JOIN languages x ON x.id = fl.language_id
                             WHERE fl.framework_id = f.id AND x.slug = ?2))
             AND (?3 IS NULL OR f.kind = ?3) AND (?4 IS NULL OR f.ring = ?4)
           ORDER BY bm25(frameworks_fts, 10.0, 4.0, 1.0, 3.0, 3.0), f.name -- lower is better
           "#,
        fts_query,
        filter.language,
        filter.kind,
        filter.ring
    )
    .fetch_all(pool)
    .await
}

/// Every fact stored on one framework row.
// It repeats `FrameworkSummary`'s fields rather than holding one: `query_as!` fills flat
// structs only, and the list pages should not read the long description.
#[derive(Debug, Clone)]
pub struct Framework {
    pub slug: Slug,
    pub name: String,
    pub language_slug: Slug,
    pub language_name: String,
    pub kind: Kind,
    pub ring: Ring,
    pub summary: String,
    pub description: String,
    pub website: String,
    pub license: String,
    pub first_release: Option<i64>,
    pub last_reviewed: Option<String>,
    pub updated_at: String,
    pub version: i64,
}

/// The framework with this slug, if there is one.
pub async fn find(pool: &SqlitePool, slug: &str) -> Result<Option<Framework>, sqlx::Error> {
    sqlx::query_as!(
        Framework,
        r#"SELECT f.slug AS "slug: Slug", f.name, l.slug AS "language_slug: Slug",
                  l.name AS language_name, f.kind AS "kind: Kind", f.ring AS "ring: Ring",
                  f.summary, f.description, f.website, f.license, f.first_release, f.last_reviewed,
                  f.updated_at, f.version
           FROM frameworks f JOIN languages l ON l.id = f.language_id
           WHERE f.slug = ?1"#,
        slug
    )
    .fetch_optional(pool)
    .await
}

/// How strongly a framework meets one requirement.
#[derive(Debug, Clone)]
pub struct Strength {
    pub requirement_slug: Slug,
    pub requirement_name: String,
    pub requirement_group: RequirementGroup,
    pub requirement_description: String,
    pub strength: Score,
    pub note: String,
    pub sources: TextList,
    /// When the rating last changed, and who changed it (none for the seed and imports).
    pub reviewed: Option<String>,
    pub reviewer: Option<String>,
}

/// The framework's strengths, in the query form's order: by group, then requirement name.
pub async fn strengths(pool: &SqlitePool, slug: &str) -> Result<Vec<Strength>, sqlx::Error> {
    sqlx::query_as!(
        Strength,
        r#"SELECT r.slug AS "requirement_slug: Slug", r.name AS requirement_name,
                  r.req_group AS "requirement_group: RequirementGroup",
                  r.description AS requirement_description, fr.strength AS "strength: Score", fr.note,
                  fr.sources AS "sources: TextList", fr.reviewed, u.name AS reviewer
           FROM framework_requirements fr
           JOIN frameworks f ON f.id = fr.framework_id
           JOIN requirements r ON r.id = fr.requirement_id
           LEFT JOIN users u ON u.id = fr.reviewed_by
           WHERE f.slug = ?1
           ORDER BY CASE r.req_group WHEN 'capability' THEN 1 WHEN 'platform' THEN 2
                    WHEN 'compliance' THEN 3 WHEN 'delivery' THEN 4 WHEN 'architecture' THEN 5
                    WHEN 'data' THEN 6 WHEN 'team' THEN 7 ELSE 8 END,
                    r.name"#,
        slug
    )
    .fetch_all(pool)
    .await
}

/// How well a framework fits one industry.
#[derive(Debug, Clone)]
pub struct Fit {
    pub industry_slug: Slug,
    pub industry_name: String,
    pub fit: Score,
    pub note: String,
    pub sources: TextList,
    pub reviewed: Option<String>,
    pub reviewer: Option<String>,
}

/// The framework's industry fits, best first.
pub async fn fits(pool: &SqlitePool, slug: &str) -> Result<Vec<Fit>, sqlx::Error> {
    sqlx::query_as!(
        Fit,
        r#"SELECT i.slug AS "industry_slug: Slug", i.name AS industry_name, fi.fit AS "fit: Score",
                  fi.note, fi.sources AS "sources: TextList", fi.reviewed, u.name AS reviewer
           FROM framework_industries fi
           JOIN frameworks f ON f.id = fi.framework_id
           JOIN industries i ON i.id = fi.industry_id
           LEFT JOIN users u ON u.id = fi.reviewed_by
           WHERE f.slug = ?1
           ORDER BY fi.fit DESC, i.name"#,
        slug
    )
    .fetch_all(pool)
    .await
}

/// Defines the query for one set-like link of a framework (features, trends), by name.
// The join is the one `db::knowledge`'s `load_set_links!` writes too: sqlx's checked macros
// take only literal text, so the two cannot share a piece of it.
macro_rules! linked {
    ($function:ident, $link_table:literal, $target_column:literal, $target_table:literal) => {
        pub async fn $function(pool: &SqlitePool, slug: &str) -> Result<Vec<Term>, sqlx::Error> {
            sqlx::query_as!(
                Term,
                r#"SELECT x.slug AS "slug: Slug", x.name, x.description FROM "#
                    + $link_table
                    + " l
                 JOIN frameworks f ON f.id = l.framework_id
                 JOIN "
                    + $target_table
                    + " x ON x.id = l."
                    + $target_column
                    + "
                 WHERE f.slug = ?1 ORDER BY x.name",
                slug
            )
            .fetch_all(pool)
            .await
        }
    };
}

linked!(features, "framework_features", "feature_id", "features");
linked!(
    team_languages,
    "framework_languages",
    "language_id",
    "languages"
);
linked!(trends, "framework_trends", "trend_id", "trends");

/// A use case a framework suits, with the industry it belongs to.
#[derive(Debug, Clone)]
pub struct UseCase {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub industry_slug: Slug,
    pub industry_name: String,
}

/// The framework's use cases, by industry then name.
pub async fn use_cases(pool: &SqlitePool, slug: &str) -> Result<Vec<UseCase>, sqlx::Error> {
    sqlx::query_as!(
        UseCase,
        r#"SELECT u.slug AS "slug: Slug", u.name, u.description,
                  i.slug AS "industry_slug: Slug", i.name AS industry_name
           FROM framework_use_cases fu
           JOIN frameworks f ON f.id = fu.framework_id
           JOIN use_cases u ON u.id = fu.use_case_id
           JOIN industries i ON i.id = u.industry_id
           WHERE f.slug = ?1 ORDER BY i.name, u.name"#,
        slug
    )
    .fetch_all(pool)
    .await
}

/// When one of a framework's ratings last changed, and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingReview {
    /// `requirement` or `industry`.
    pub subject: String,
    pub slug: String,
    pub reviewed: Option<String>,
    /// The editor's name; `None` for the seed, imports and accounts since removed.
    pub reviewer: Option<String>,
}

/// The review date and reviewer of each of the framework's rated links.
pub async fn rating_reviews(
    pool: &SqlitePool,
    slug: &str,
) -> Result<Vec<RatingReview>, sqlx::Error> {
    sqlx::query_as!(
        RatingReview,
        r#"SELECT 'requirement' AS "subject!: String", r.slug, fr.reviewed, u.name AS reviewer
           FROM framework_requirements fr
           JOIN frameworks f ON f.id = fr.framework_id
           JOIN requirements r ON r.id = fr.requirement_id
           LEFT JOIN users u ON u.id = fr.reviewed_by
           WHERE f.slug = ?1
           UNION ALL
           SELECT 'industry', i.slug, fi.reviewed, u.name
           FROM framework_industries fi
           JOIN frameworks f ON f.id = fi.framework_id
           JOIN industries i ON i.id = fi.industry_id
           LEFT JOIN users u ON u.id = fi.reviewed_by
           WHERE f.slug = ?1"#,
        slug
    )
    .fetch_all(pool)
    .await
}

/// A document a framework's entry rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub url: String,
    pub title: String,
    pub checked: String,
}

/// The framework's sources, most important first.
pub async fn sources(pool: &SqlitePool, slug: &str) -> Result<Vec<Source>, sqlx::Error> {
    sqlx::query_as!(
        Source,
        "SELECT s.url, s.title, s.checked
         FROM framework_sources s JOIN frameworks f ON f.id = s.framework_id
         WHERE f.slug = ?1 ORDER BY s.position",
        slug
    )
    .fetch_all(pool)
    .await
}
