//! Reading languages, industries, use cases and trends for the catalogue pages.

use sqlx::SqlitePool;

use crate::domain::{RequirementGroup, Ring, Score, Slug, TextList};
use crate::recommend::MUST_HAVE_MINIMUM;

/// A language with how many frameworks use it (for filters).
#[derive(Debug, Clone)]
pub struct LanguageOption {
    pub slug: Slug,
    pub name: String,
    /// Frameworks written in it or with teams writing it: what the catalogue's filter finds.
    pub frameworks: i64,
    /// Frameworks teams write it on: what a client team knowing it is matched against.
    pub team_frameworks: i64,
}

pub async fn languages(
    db: impl sqlx::SqliteExecutor<'_>,
) -> Result<Vec<LanguageOption>, sqlx::Error> {
    sqlx::query_as!(
        LanguageOption,
        r#"SELECT l.slug AS "slug: Slug", l.name,
                  (SELECT COUNT(*) FROM frameworks f
                   WHERE f.language_id = l.id
                      OR EXISTS (SELECT 1 FROM framework_languages fl
                                 WHERE fl.framework_id = f.id AND fl.language_id = l.id))
                      AS "frameworks!: i64",
                  (SELECT COUNT(*) FROM framework_languages fl WHERE fl.language_id = l.id)
                      AS "team_frameworks!: i64"
         FROM languages l ORDER BY l.name"#
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone)]
pub struct Industry {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    /// Frameworks rated 4 or 5 for this industry.
    pub strong_fits: i64,
    /// What each fit 0–5 means; empty when not written.
    pub rubric: TextList,
}

pub async fn industries(db: impl sqlx::SqliteExecutor<'_>) -> Result<Vec<Industry>, sqlx::Error> {
    sqlx::query_as!(
        Industry,
        r#"SELECT i.slug AS "slug: Slug", i.name, i.description,
                  (SELECT COUNT(*) FROM framework_industries fi WHERE fi.industry_id = i.id AND fi.fit >= 4)
                      AS "strong_fits!: i64",
                  i.rubric AS "rubric: TextList"
         FROM industries i ORDER BY i.name"#
    )
    .fetch_all(db)
    .await
}

pub async fn industry(pool: &SqlitePool, slug: &str) -> Result<Option<Industry>, sqlx::Error> {
    sqlx::query_as!(
        Industry,
        r#"SELECT i.slug AS "slug: Slug", i.name, i.description,
                  (SELECT COUNT(*) FROM framework_industries fi WHERE fi.industry_id = i.id AND fi.fit >= 4)
                      AS "strong_fits!: i64",
                  i.rubric AS "rubric: TextList"
         FROM industries i WHERE i.slug = ?1"#,
        slug
    )
    .fetch_optional(pool)
    .await
}

/// One framework's fit for an industry.
#[derive(Debug, Clone)]
pub struct IndustryFit {
    pub framework_slug: Slug,
    pub framework_name: String,
    pub language_name: String,
    pub ring: Ring,
    pub fit: Score,
    pub note: String,
    /// The addresses the fit cites.
    pub sources: TextList,
}

/// Every framework rated for the industry, best fit first.
pub async fn industry_fits(pool: &SqlitePool, slug: &str) -> Result<Vec<IndustryFit>, sqlx::Error> {
    sqlx::query_as!(
        IndustryFit,
        r#"SELECT f.slug AS "framework_slug: Slug", f.name AS framework_name,
                  l.name AS language_name, f.ring AS "ring: Ring", fi.fit AS "fit: Score", fi.note,
                  fi.sources AS "sources: TextList"
           FROM framework_industries fi
           JOIN industries i ON i.id = fi.industry_id
           JOIN frameworks f ON f.id = fi.framework_id
           JOIN languages l ON l.id = f.language_id
           WHERE i.slug = ?1
           ORDER BY fi.fit DESC, f.name COLLATE NOCASE"#,
        slug
    )
    .fetch_all(pool)
    .await
}

/// A use case, a trend or a feature: a named thing with a description, read alike.
#[derive(Debug, Clone)]
pub struct Term {
    pub slug: Slug,
    pub name: String,
    pub description: String,
}

pub async fn industry_use_cases(pool: &SqlitePool, slug: &str) -> Result<Vec<Term>, sqlx::Error> {
    sqlx::query_as!(
        Term,
        r#"SELECT u.slug AS "slug: Slug", u.name, u.description
         FROM use_cases u JOIN industries i ON i.id = u.industry_id
         WHERE i.slug = ?1 ORDER BY u.name"#,
        slug
    )
    .fetch_all(pool)
    .await
}

/// A use case as the query form offers it: grouped under its industry.
#[derive(Debug, Clone)]
pub struct UseCaseOption {
    pub slug: Slug,
    pub name: String,
    pub industry: String,
}

/// Every use case with its industry's name, ordered by industry then name.
pub async fn use_case_options(
    db: impl sqlx::SqliteExecutor<'_>,
) -> Result<Vec<UseCaseOption>, sqlx::Error> {
    sqlx::query_as!(
        UseCaseOption,
        r#"SELECT u.slug AS "slug: Slug", u.name, i.name AS industry
         FROM use_cases u JOIN industries i ON i.id = u.industry_id
         ORDER BY i.name COLLATE NOCASE, u.name COLLATE NOCASE"#
    )
    .fetch_all(db)
    .await
}

/// A framework attached to something (a use case, a trend), for lists of links.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub owner_slug: Slug,
    pub framework_slug: Slug,
    pub framework_name: String,
}

/// The frameworks attached to `owner`, from a list read for many owners, in the list's order.
pub fn attached_to<'a>(
    attachments: &'a [Attachment],
    owner: &'a Slug,
) -> impl Iterator<Item = &'a Attachment> {
    attachments.iter().filter(move |a| a.owner_slug == *owner)
}

/// Which frameworks suit each use case of the industry.
pub async fn industry_use_case_frameworks(
    pool: &SqlitePool,
    slug: &str,
) -> Result<Vec<Attachment>, sqlx::Error> {
    sqlx::query_as!(
        Attachment,
        r#"SELECT u.slug AS "owner_slug: Slug", f.slug AS "framework_slug: Slug",
                  f.name AS framework_name
         FROM framework_use_cases fu
         JOIN use_cases u ON u.id = fu.use_case_id
         JOIN industries i ON i.id = u.industry_id
         JOIN frameworks f ON f.id = fu.framework_id
         WHERE i.slug = ?1
         ORDER BY f.name COLLATE NOCASE"#,
        slug
    )
    .fetch_all(pool)
    .await
}

pub async fn trends(pool: &SqlitePool) -> Result<Vec<Term>, sqlx::Error> {
    sqlx::query_as!(
        Term,
        r#"SELECT slug AS "slug: Slug", name, description FROM trends ORDER BY name"#
    )
    .fetch_all(pool)
    .await
}

/// A requirement as offered on the query form.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub req_group: RequirementGroup,
    /// What each strength 0–5 means; empty when not written.
    pub rubric: TextList,
}

/// Every requirement, by name; callers group them.
pub async fn requirements(
    db: impl sqlx::SqliteExecutor<'_>,
) -> Result<Vec<Requirement>, sqlx::Error> {
    sqlx::query_as!(
        Requirement,
        r#"SELECT slug AS "slug: Slug", name, description, req_group AS "req_group: RequirementGroup",
                  rubric AS "rubric: TextList"
           FROM requirements ORDER BY name COLLATE NOCASE"#
    )
    .fetch_all(db)
    .await
}

/// How many frameworks meet each requirement as a must-have, by slug.
pub async fn must_have_passes(pool: &SqlitePool) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let minimum = MUST_HAVE_MINIMUM;
    let rows = sqlx::query!(
        r#"SELECT r.slug,
                  (SELECT COUNT(*) FROM framework_requirements fr
                   WHERE fr.requirement_id = r.id AND fr.strength >= ?1) AS "passes!: i64"
           FROM requirements r"#,
        minimum
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.slug, r.passes)).collect())
}

/// How many frameworks there are.
pub async fn framework_count(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT COUNT(*) AS "count!: i64" FROM frameworks"#)
        .fetch_one(pool)
        .await
}

/// Which frameworks follow each of the trends `trend_slugs` (a JSON array; `None` for every
/// trend): the attachments of one page of trends, or of them all.
pub async fn trend_frameworks(
    pool: &SqlitePool,
    trend_slugs: Option<&str>,
) -> Result<Vec<Attachment>, sqlx::Error> {
    sqlx::query_as!(
        Attachment,
        r#"SELECT t.slug AS "owner_slug: Slug", f.slug AS "framework_slug: Slug",
                  f.name AS framework_name
         FROM framework_trends ft
         JOIN trends t ON t.id = ft.trend_id
         JOIN frameworks f ON f.id = ft.framework_id
         WHERE ?1 IS NULL OR t.slug IN (SELECT value FROM json_each(?1))
         ORDER BY f.name COLLATE NOCASE"#,
        trend_slugs
    )
    .fetch_all(pool)
    .await
}
