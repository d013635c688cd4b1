//! Saving, deleting and restoring the knowledge base's vocabulary — languages, features,
//! industries, use cases, requirements and trends — with the same version checks and audit
//! revisions as frameworks.

use sqlx::{SqliteConnection, SqlitePool};

use crate::db::editing::{Author, Revision, revisions};
use crate::db::knowledge::{
    append_audit, load_document_in, load_vocabulary_in, upsert_feature, upsert_industry,
    upsert_language, upsert_requirement, upsert_trend, upsert_use_case,
};
use crate::knowledge::document::{RequirementRecord, TermRecord, UseCaseRecord};

/// The vocabulary tables an editor can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Language,
    Feature,
    Industry,
    UseCase,
    Requirement,
    Trend,
}

impl TermKind {
    pub const ALL: [TermKind; 6] = [
        TermKind::Language,
        TermKind::Feature,
        TermKind::Industry,
        TermKind::UseCase,
        TermKind::Requirement,
        TermKind::Trend,
    ];

    /// The kind named by an address segment (`use-cases`).
    pub fn from_path(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.path() == segment)
    }

    pub fn path(self) -> &'static str {
        match self {
            TermKind::Language => "languages",
            TermKind::Feature => "features",
            TermKind::Industry => "industries",
            TermKind::UseCase => "use-cases",
            TermKind::Requirement => "requirements",
            TermKind::Trend => "trends",
        }
    }

    /// The audit log's name for the kind.
    pub fn audit_name(self) -> &'static str {
        match self {
            TermKind::Language => "language",
            TermKind::Feature => "feature",
            TermKind::Industry => "industry",
            TermKind::UseCase => "use_case",
            TermKind::Requirement => "requirement",
            TermKind::Trend => "trend",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            TermKind::Language => "language",
            TermKind::Feature => "feature",
            TermKind::Industry => "industry",
            TermKind::UseCase => "use case",
            TermKind::Requirement => "requirement",
            TermKind::Trend => "trend",
        }
    }

    pub fn plural_title(self) -> &'static str {
        match self {
            TermKind::Language => "Languages",
            TermKind::Feature => "Features",
            TermKind::Industry => "Industries",
            TermKind::UseCase => "Use cases",
            TermKind::Requirement => "Requirements",
            TermKind::Trend => "Trends",
        }
    }
}

/// One vocabulary entry in a shape common to all kinds; `industry` is used by use cases and
/// `group` by requirements.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Term {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub industry: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
}

impl From<&TermRecord> for Term {
    fn from(r: &TermRecord) -> Self {
        Self {
            slug: r.slug.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            ..Self::default()
        }
    }
}

/// Every entry of `kind`, by slug.
pub async fn list(pool: &SqlitePool, kind: TermKind) -> Result<Vec<Term>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    list_in(&mut conn, kind).await
}

async fn list_in(conn: &mut SqliteConnection, kind: TermKind) -> Result<Vec<Term>, sqlx::Error> {
    let doc = load_vocabulary_in(conn).await?;
    let terms = |records: &[TermRecord]| records.iter().map(Term::from).collect();
    Ok(match kind {
        TermKind::Language => terms(&doc.languages),
        TermKind::Feature => terms(&doc.features),
        TermKind::Industry => terms(&doc.industries),
        TermKind::Trend => terms(&doc.trends),
        TermKind::UseCase => doc
            .use_cases
            .iter()
            .map(|u| Term {
                slug: u.slug.clone(),
                name: u.name.clone(),
                description: u.description.clone(),
                industry: u.industry.clone(),
                group: String::new(),
            })
            .collect(),
        TermKind::Requirement => doc
            .requirements
            .iter()
            .map(|r| Term {
                slug: r.slug.clone(),
                name: r.name.clone(),
                description: r.description.clone(),
                industry: String::new(),
                group: r.group.clone(),
            })
            .collect(),
    })
}

/// Defines the per-table statements that differ only by table name.
macro_rules! table_statements {
    ($module:ident, $table:literal) => {
        mod $module {
            use sqlx::SqliteConnection;

            pub async fn version(
                conn: &mut SqliteConnection,
                slug: &str,
            ) -> Result<Option<i64>, sqlx::Error> {
                sqlx::query_scalar!("SELECT version FROM " + $table + " WHERE slug = ?1", slug)
                    .fetch_optional(conn)
                    .await
            }

            pub async fn rename(
                conn: &mut SqliteConnection,
                from: &str,
                to: &str,
            ) -> Result<(), sqlx::Error> {
                sqlx::query!(
                    "UPDATE " + $table + " SET slug = ?2 WHERE slug = ?1",
                    from,
                    to
                )
                .execute(conn)
                .await?;
                Ok(())
            }

            pub async fn stamp(
                conn: &mut SqliteConnection,
                slug: &str,
                user_id: i64,
            ) -> Result<i64, sqlx::Error> {
                sqlx::query_scalar!(
                    "UPDATE " + $table + " SET updated_by = ?2 WHERE slug = ?1 RETURNING version",
                    slug,
                    user_id
                )
                .fetch_one(conn)
                .await
            }

            pub async fn remove(
                conn: &mut SqliteConnection,
                slug: &str,
            ) -> Result<(), sqlx::Error> {
                sqlx::query!("DELETE FROM " + $table + " WHERE slug = ?1", slug)
                    .execute(conn)
                    .await?;
                Ok(())
            }
        }
    };
}

table_statements!(languages, "languages");
table_statements!(features, "features");
table_statements!(industries, "industries");
table_statements!(use_cases, "use_cases");
table_statements!(requirements, "requirements");
table_statements!(trends, "trends");

/// Runs the statement `$function` of the table behind `$kind`.
macro_rules! on_table {
    ($kind:expr, $function:ident ( $($arg:expr),* )) => {
        match $kind {
            TermKind::Language => languages::$function($($arg),*).await,
            TermKind::Feature => features::$function($($arg),*).await,
            TermKind::Industry => industries::$function($($arg),*).await,
            TermKind::UseCase => use_cases::$function($($arg),*).await,
            TermKind::Requirement => requirements::$function($($arg),*).await,
            TermKind::Trend => trends::$function($($arg),*).await,
        }
    };
}

async fn upsert(conn: &mut SqliteConnection, kind: TermKind, t: &Term) -> Result<(), sqlx::Error> {
    let term = TermRecord {
        slug: t.slug.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
    };
    match kind {
        TermKind::Language => upsert_language(conn, &term).await,
        TermKind::Feature => upsert_feature(conn, &term).await,
        TermKind::Industry => upsert_industry(conn, &term).await,
        TermKind::Trend => upsert_trend(conn, &term).await,
        TermKind::UseCase => {
            let record = UseCaseRecord {
                slug: t.slug.clone(),
                name: t.name.clone(),
                description: t.description.clone(),
                industry: t.industry.clone(),
            };
            upsert_use_case(conn, &record).await
        }
        TermKind::Requirement => {
            let record = RequirementRecord {
                slug: t.slug.clone(),
                name: t.name.clone(),
                description: t.description.clone(),
                group: t.group.clone(),
            };
            upsert_requirement(conn, &record).await
        }
    }
}

/// An entry with the version an edit must start from.
#[derive(Debug, Clone)]
pub struct StoredTerm {
    pub term: Term,
    pub version: i64,
}

pub async fn load(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
) -> Result<Option<StoredTerm>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    load_in(&mut conn, kind, slug).await
}

async fn load_in(
    conn: &mut SqliteConnection,
    kind: TermKind,
    slug: &str,
) -> Result<Option<StoredTerm>, sqlx::Error> {
    let Some(version) = on_table!(kind, version(&mut *conn, slug))? else {
        return Ok(None);
    };
    let term = list_in(conn, kind)
        .await?
        .into_iter()
        .find(|t| t.slug == slug);
    Ok(term.map(|term| StoredTerm { term, version }))
}

/// What became of a save or delete.
#[derive(Debug)]
pub enum Outcome {
    Done,
    Conflict(Box<StoredTerm>),
    Gone,
    SlugTaken,
    /// A delete that other entries still depend on; the text says which.
    Blocked(String),
}

fn json(term: &Term) -> String {
    serde_json::to_string(term).expect("a term serialises")
}

async fn audit(
    conn: &mut SqliteConnection,
    kind: TermKind,
    author: &Author,
    slug: &str,
    action: &str,
    before: Option<&Term>,
    after: Option<&Term>,
) -> Result<(), sqlx::Error> {
    let before = before.map(json);
    let after = after.map(json);
    append_audit(
        conn,
        Some(author.user_id),
        &author.name,
        kind.audit_name(),
        slug,
        action,
        before.as_deref(),
        after.as_deref(),
    )
    .await
}

/// Saves `term` over `original` (or creates it), provided it is still at `expected_version`.
pub async fn save(
    pool: &SqlitePool,
    kind: TermKind,
    original: Option<&str>,
    expected_version: i64,
    term: &Term,
    author: &Author,
) -> Result<Outcome, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let before = match original {
        Some(slug) => match load_in(&mut tx, kind, slug).await? {
            None => return Ok(Outcome::Gone),
            Some(current) if current.version != expected_version => {
                return Ok(Outcome::Conflict(Box::new(current)));
            }
            Some(current) => Some(current.term),
        },
        None => None,
    };
    let renamed = original.is_some_and(|slug| slug != term.slug);
    if (original.is_none() || renamed) && on_table!(kind, version(&mut *tx, &term.slug))?.is_some()
    {
        return Ok(Outcome::SlugTaken);
    }
    if let (Some(old), true) = (original, renamed) {
        on_table!(kind, rename(&mut *tx, old, &term.slug))?;
    }
    upsert(&mut tx, kind, term).await?;
    on_table!(kind, stamp(&mut *tx, &term.slug, author.user_id))?;
    let action = if before.is_some() { "update" } else { "create" };
    audit(
        &mut tx,
        kind,
        author,
        &term.slug,
        action,
        before.as_ref(),
        Some(term),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Done)
}

/// What depends on an entry: frameworks linked to it and, for an industry, its use cases.
#[derive(Debug, Clone, Default)]
pub struct Dependents {
    pub frameworks: Vec<String>,
    pub use_cases: Vec<String>,
}

pub async fn dependents(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
) -> Result<Dependents, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let doc = load_document_in(&mut conn).await?;
    let frameworks = doc
        .frameworks
        .iter()
        .filter(|f| match kind {
            TermKind::Language => f.language == slug,
            TermKind::Feature => f.features.iter().any(|s| s == slug),
            TermKind::Industry => f.industries.iter().any(|l| l.industry == slug),
            TermKind::UseCase => f.use_cases.iter().any(|s| s == slug),
            TermKind::Requirement => f.requirements.iter().any(|l| l.requirement == slug),
            TermKind::Trend => f.trends.iter().any(|s| s == slug),
        })
        .map(|f| f.name.clone())
        .collect();
    let use_cases = match kind {
        TermKind::Industry => doc
            .use_cases
            .iter()
            .filter(|u| u.industry == slug)
            .map(|u| u.name.clone())
            .collect(),
        _ => Vec::new(),
    };
    Ok(Dependents {
        frameworks,
        use_cases,
    })
}

/// Why an entry cannot be deleted yet, if it cannot.
pub fn blocking_reason(kind: TermKind, dependents: &Dependents) -> Option<String> {
    match kind {
        TermKind::Language if !dependents.frameworks.is_empty() => Some(format!(
            "{} framework(s) are written in this language; change their language first",
            dependents.frameworks.len()
        )),
        TermKind::Industry if !dependents.use_cases.is_empty() => Some(format!(
            "{} use case(s) belong to this industry; move or delete them first",
            dependents.use_cases.len()
        )),
        _ => None,
    }
}

pub async fn delete(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
    expected_version: i64,
    author: &Author,
) -> Result<Outcome, sqlx::Error> {
    let dependents = dependents(pool, kind, slug).await?;
    if let Some(reason) = blocking_reason(kind, &dependents) {
        return Ok(Outcome::Blocked(reason));
    }
    let mut tx = crate::db::begin_write(pool).await?;
    let current = match load_in(&mut tx, kind, slug).await? {
        None => return Ok(Outcome::Gone),
        Some(current) if current.version != expected_version => {
            return Ok(Outcome::Conflict(Box::new(current)));
        }
        Some(current) => current.term,
    };
    on_table!(kind, remove(&mut *tx, slug))?;
    audit(&mut tx, kind, author, slug, "delete", Some(&current), None).await?;
    tx.commit().await?;
    Ok(Outcome::Done)
}

pub async fn history(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
) -> Result<Vec<Revision>, sqlx::Error> {
    revisions(pool, kind.audit_name(), slug).await
}

/// Brings back the entry as it was after a revision (before it, for a deletion), as a new
/// revision. `false` when the revision does not exist or cannot be applied.
pub async fn restore(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
    revision_id: i64,
    author: &Author,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let entity = kind.audit_name();
    let revision = sqlx::query!(
        "SELECT before, after FROM audit_log WHERE id = ?1 AND entity = ?2 AND entity_slug = ?3",
        revision_id,
        entity,
        slug
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(state) = revision.and_then(|r| r.after.or(r.before)) else {
        return Ok(false);
    };
    let Ok(term) = serde_json::from_str::<Term>(&state) else {
        return Ok(false);
    };
    let before = load_in(&mut tx, kind, slug).await?.map(|s| s.term);
    upsert(&mut tx, kind, &term).await?;
    on_table!(kind, stamp(&mut *tx, &term.slug, author.user_id))?;
    audit(
        &mut tx,
        kind,
        author,
        slug,
        "revert",
        before.as_ref(),
        Some(&term),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
