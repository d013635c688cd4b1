//! Saving, deleting and restoring the knowledge base's vocabulary — languages, features,
//! industries, use cases, requirements and trends — with the same version checks and audit
//! revisions as frameworks.

use sqlx::{SqliteConnection, SqlitePool};

use crate::db::editing::{Author, Blocker, Revision, Stored, commit_if_done, record_revision};
use crate::db::knowledge::{
    load_document_in, load_vocabulary_in, upsert_feature, upsert_industry, upsert_language,
    upsert_requirement, upsert_trend, upsert_use_case,
};
use crate::knowledge::document::{
    Document, FrameworkRecord, IndustryRecord, Phrases, RequirementRecord, Rubric, TermRecord,
    UseCaseRecord,
};

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

    /// Whether entries of the kind carry phrases clients use (features and trends do not:
    /// a client asks for an outcome, not a feature of a framework).
    pub fn has_phrases(self) -> bool {
        !matches!(self, TermKind::Feature | TermKind::Trend)
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
    /// What each rating 0–5 means, for requirements and industries; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rubric: Rubric,
    /// The words clients use for it, for languages, industries, use cases and requirements
    /// (see [`TermKind::has_phrases`]); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Phrases,
}

impl From<&TermRecord> for Term {
    fn from(r: &TermRecord) -> Self {
        Self {
            slug: r.slug.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            phrases: r.phrases.clone(),
            ..Self::default()
        }
    }
}

/// One framework's link to an entry, as a delete takes it and the restore of that delete
/// brings it back: the framework by slug (as the audit log names everything) and, for a
/// requirement or an industry, the link's score and note. Links to features, use cases and
/// trends hold nothing more.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    pub framework: String,
    /// How strongly the framework meets the requirement, 0–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<i64>,
    /// How well the framework fits the industry, 0–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<i64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The addresses the rating cites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// When the rating last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<String>,
}

/// An entry as an audit revision records it: its fields, and the framework links that a
/// delete took with it or that the restore of a delete brought back.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct State {
    #[serde(flatten)]
    pub term: Term,
    /// `None` on every other revision, and on deletes recorded before links were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<Link>>,
}

impl From<Term> for State {
    fn from(term: Term) -> Self {
        Self { term, links: None }
    }
}

impl State {
    /// The state a revision's JSON records; `None` when there is none or it does not parse.
    pub fn parse(json: Option<&str>) -> Option<Self> {
        json.and_then(|j| serde_json::from_str(j).ok())
    }
}

/// The link `framework` has to the entry `slug` of `kind`, if any. A language is chosen, not
/// linked: it cannot be deleted while a framework is written in it or a team writes it there.
fn link_in(kind: TermKind, framework: &FrameworkRecord, slug: &str) -> Option<Link> {
    let link = |strength, fit, note: &str, sources: &[String], reviewed: &Option<String>| Link {
        framework: framework.slug.clone(),
        strength,
        fit,
        note: note.to_owned(),
        sources: sources.to_vec(),
        reviewed: reviewed.clone(),
    };
    let plain = |slugs: &[String]| {
        slugs
            .iter()
            .any(|s| s == slug)
            .then(|| link(None, None, "", &[], &None))
    };
    match kind {
        TermKind::Language => None,
        TermKind::Requirement => framework
            .requirements
            .iter()
            .find(|l| l.requirement == slug)
            .map(|l| link(Some(l.strength), None, &l.note, &l.sources, &l.reviewed)),
        TermKind::Industry => framework
            .industries
            .iter()
            .find(|l| l.industry == slug)
            .map(|l| link(None, Some(l.fit), &l.note, &l.sources, &l.reviewed)),
        TermKind::Feature => plain(&framework.features),
        TermKind::UseCase => plain(&framework.use_cases),
        TermKind::Trend => plain(&framework.trends),
    }
}

/// Every framework link to the entry `slug` of `kind`, in framework slug order.
fn links_of(doc: &Document, kind: TermKind, slug: &str) -> Vec<Link> {
    doc.frameworks
        .iter()
        .filter_map(|f| link_in(kind, f, slug))
        .collect()
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
        TermKind::Industry => doc
            .industries
            .iter()
            .map(|i| Term {
                slug: i.slug.clone(),
                name: i.name.clone(),
                description: i.description.clone(),
                rubric: i.rubric.clone(),
                phrases: i.phrases.clone(),
                ..Term::default()
            })
            .collect(),
        TermKind::Trend => terms(&doc.trends),
        TermKind::UseCase => doc
            .use_cases
            .iter()
            .map(|u| Term {
                slug: u.slug.clone(),
                name: u.name.clone(),
                description: u.description.clone(),
                industry: u.industry.clone(),
                phrases: u.phrases.clone(),
                ..Term::default()
            })
            .collect(),
        TermKind::Requirement => doc
            .requirements
            .iter()
            .map(|r| Term {
                slug: r.slug.clone(),
                name: r.name.clone(),
                description: r.description.clone(),
                group: r.group.clone(),
                rubric: r.rubric.clone(),
                phrases: r.phrases.clone(),
                ..Term::default()
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

/// Defines the restore of a link in one link table. The tables differ only by their names
/// and, for requirements and industries, by the score (`strength`, `fit`) and note a link
/// holds: those are given as the link's field, the extra columns and their parameters.
macro_rules! link_statements {
    ($module:ident, $link_table:literal, $column:literal, $table:literal
     $(, $score:ident: $columns:literal = $values:literal)?) => {
        mod $module {
            use sqlx::SqliteConnection;

            /// `true` when the link was written; see [`super::relink`].
            pub async fn relink(
                conn: &mut SqliteConnection,
                slug: &str,
                link: &super::Link,
            ) -> Result<bool, sqlx::Error> {
                $(
                    // A requirement's or an industry's link always has its score; without
                    // one, what is recorded is no link of this table.
                    let Some($score) = link.$score else {
                        return Ok(false);
                    };
                )?
                let written = sqlx::query!(
                    "INSERT INTO " + $link_table + " (framework_id, " + $column $(+ $columns)? + ")
                     SELECT f.id, x.id" $(+ $values)? + " FROM frameworks f, " + $table + " x
                     WHERE f.slug = ?1 AND x.slug = ?2
                     ON CONFLICT DO NOTHING",
                    link.framework,
                    slug
                    $(, $score, link.note, crate::domain::TextList::json(&link.sources), link.reviewed)?
                )
                .execute(conn)
                .await?;
                Ok(written.rows_affected() == 1)
            }
        }
    };
}

link_statements!(
    requirement_links,
    "framework_requirements",
    "requirement_id",
    "requirements",
    strength: ", strength, note, sources, reviewed" = ", ?3, ?4, ?5, ?6"
);
link_statements!(
    industry_links,
    "framework_industries",
    "industry_id",
    "industries",
    fit: ", fit, note, sources, reviewed" = ", ?3, ?4, ?5, ?6"
);
link_statements!(
    feature_links,
    "framework_features",
    "feature_id",
    "features"
);
link_statements!(
    use_case_links,
    "framework_use_cases",
    "use_case_id",
    "use_cases"
);
link_statements!(trend_links, "framework_trends", "trend_id", "trends");

/// Puts `link` back between the framework it names and the entry `slug` of `kind`, and says
/// whether it did. It does not when the framework no longer exists under that slug (deleted or
/// renamed since): the rest still come back. A link that exists again (the entry was created
/// anew and linked, and then this deletion restored) is left as it is rather than overwritten:
/// it was made after the one recorded, so it is the editors' latest word.
async fn relink(
    conn: &mut SqliteConnection,
    kind: TermKind,
    slug: &str,
    link: &Link,
) -> Result<bool, sqlx::Error> {
    match kind {
        // A language has no link table; its delete records none.
        TermKind::Language => Ok(false),
        TermKind::Requirement => requirement_links::relink(conn, slug, link).await,
        TermKind::Industry => industry_links::relink(conn, slug, link).await,
        TermKind::Feature => feature_links::relink(conn, slug, link).await,
        TermKind::UseCase => use_case_links::relink(conn, slug, link).await,
        TermKind::Trend => trend_links::relink(conn, slug, link).await,
    }
}

/// Gives the frameworks of `links`, whose links a delete or a restore just changed, a new
/// version and `updated_at` by `author`, as an edit would: an editor holding one of their
/// forms from before then meets a conflict instead of saving the old links over the new.
async fn touch_frameworks(
    conn: &mut SqliteConnection,
    links: &[Link],
    author: &Author,
) -> Result<(), sqlx::Error> {
    let slugs: Vec<&str> = links.iter().map(|l| l.framework.as_str()).collect();
    let slugs = serde_json::to_string(&slugs).expect("slugs serialise");
    sqlx::query!(
        "UPDATE frameworks SET version = version + 1,
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), updated_by = ?2
         WHERE slug IN (SELECT value FROM json_each(?1))",
        slugs,
        author.user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn upsert(conn: &mut SqliteConnection, kind: TermKind, t: &Term) -> Result<(), sqlx::Error> {
    let doc = document_of(kind, t);
    match kind {
        TermKind::Language => upsert_language(conn, &doc.languages[0]).await,
        TermKind::Feature => upsert_feature(conn, &doc.features[0]).await,
        TermKind::Industry => upsert_industry(conn, &doc.industries[0]).await,
        TermKind::Trend => upsert_trend(conn, &doc.trends[0]).await,
        TermKind::UseCase => upsert_use_case(conn, &doc.use_cases[0]).await,
        TermKind::Requirement => upsert_requirement(conn, &doc.requirements[0]).await,
    }
}

/// A document holding `term` alone, as the record of its kind: what the validator checks and
/// the upserts write. Only the fields the kind has are carried.
pub fn document_of(kind: TermKind, t: &Term) -> Document {
    let term = TermRecord {
        slug: t.slug.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
        phrases: if kind.has_phrases() {
            t.phrases.clone()
        } else {
            Vec::new()
        },
    };
    let mut doc = Document::default();
    match kind {
        TermKind::Language => doc.languages.push(term),
        TermKind::Feature => doc.features.push(term),
        TermKind::Trend => doc.trends.push(term),
        TermKind::Industry => doc.industries.push(IndustryRecord {
            slug: term.slug,
            name: term.name,
            description: term.description,
            rubric: t.rubric.clone(),
            phrases: term.phrases,
        }),
        TermKind::UseCase => doc.use_cases.push(UseCaseRecord {
            slug: term.slug,
            name: term.name,
            description: term.description,
            industry: t.industry.clone(),
            phrases: term.phrases,
        }),
        TermKind::Requirement => doc.requirements.push(RequirementRecord {
            slug: term.slug,
            name: term.name,
            description: term.description,
            group: t.group.clone(),
            rubric: t.rubric.clone(),
            phrases: term.phrases,
        }),
    }
    doc
}

/// What became of a save, delete or restore of an entry.
pub type Outcome = crate::db::editing::Outcome<Term>;

/// The version of the entry `slug` of `kind`, or `None` when there is none.
pub async fn version_of(
    conn: &mut SqliteConnection,
    kind: TermKind,
    slug: &str,
) -> Result<Option<i64>, sqlx::Error> {
    on_table!(kind, version(conn, slug))
}

pub async fn load(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
) -> Result<Option<Stored<Term>>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    load_in(&mut conn, kind, slug).await
}

async fn load_in(
    conn: &mut SqliteConnection,
    kind: TermKind,
    slug: &str,
) -> Result<Option<Stored<Term>>, sqlx::Error> {
    let Some(version) = on_table!(kind, version(&mut *conn, slug))? else {
        return Ok(None);
    };
    let term = list_in(conn, kind)
        .await?
        .into_iter()
        .find(|t| t.slug == slug);
    Ok(term.map(|record| Stored { record, version }))
}

/// Appends the audit revision of a change to the entry `slug` of `kind`.
async fn audit(
    conn: &mut SqliteConnection,
    kind: TermKind,
    author: &Author,
    slug: &str,
    action: &str,
    before: Option<State>,
    after: Option<State>,
) -> Result<(), sqlx::Error> {
    let entry = (kind.audit_name(), slug);
    record_revision(conn, author, entry, action, before.as_ref(), after.as_ref()).await
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
    let saved = save_in(&mut tx, kind, original, expected_version, term, author).await?;
    commit_if_done(tx, saved).await
}

/// [`save`] inside the caller's write transaction, which it leaves open (approving a change
/// request publishes it in the same transaction as its approval). On any outcome but `Done`
/// the caller must roll back.
pub async fn save_in(
    tx: &mut SqliteConnection,
    kind: TermKind,
    original: Option<&str>,
    expected_version: i64,
    term: &Term,
    author: &Author,
) -> Result<Outcome, sqlx::Error> {
    let before = match original {
        Some(slug) => match load_in(&mut *tx, kind, slug).await? {
            None => return Ok(Outcome::Gone),
            Some(current) if current.version != expected_version => {
                return Ok(Outcome::Conflict(Box::new(current)));
            }
            Some(current) => Some(current.record),
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
    upsert(&mut *tx, kind, term).await?;
    on_table!(kind, stamp(&mut *tx, &term.slug, author.user_id))?;
    let action = if before.is_some() { "update" } else { "create" };
    audit(
        &mut *tx,
        kind,
        author,
        &term.slug,
        action,
        before.map(State::from),
        Some(State::from(term.clone())),
    )
    .await?;
    Ok(Outcome::Done)
}

/// What depends on an entry: frameworks linked to it (or, for a language, written in it) and,
/// for an industry, its use cases.
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
    Ok(dependents_in(&doc, kind, slug))
}

fn dependents_in(doc: &Document, kind: TermKind, slug: &str) -> Dependents {
    let frameworks = doc
        .frameworks
        .iter()
        .filter(|f| match kind {
            TermKind::Language => f.language == slug || f.languages.iter().any(|l| l == slug),
            _ => link_in(kind, f, slug).is_some(),
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
    Dependents {
        frameworks,
        use_cases,
    }
}

/// Why an entry cannot be deleted yet, if it cannot.
pub fn blocking_reason(kind: TermKind, dependents: &Dependents) -> Option<Blocker> {
    match kind {
        TermKind::Language if !dependents.frameworks.is_empty() => {
            Some(Blocker::FrameworksWrittenIn(dependents.frameworks.len()))
        }
        TermKind::Industry if !dependents.use_cases.is_empty() => {
            Some(Blocker::UseCasesIn(dependents.use_cases.len()))
        }
        _ => None,
    }
}

/// Deletes the entry and, by the schema's cascades, its framework links, if it is still at
/// `expected_version` and nothing blocks it. The revision records the entry with those links
/// (an empty list for a language, which has none), so that restoring it brings back exactly
/// what went; the frameworks that lose a link get a new version.
pub async fn delete(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
    expected_version: i64,
    author: &Author,
) -> Result<Outcome, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let deleted = delete_in(&mut tx, kind, slug, expected_version, author).await?;
    commit_if_done(tx, deleted).await
}

/// [`delete`] inside the caller's write transaction, which it leaves open.
pub async fn delete_in(
    tx: &mut SqliteConnection,
    kind: TermKind,
    slug: &str,
    expected_version: i64,
    author: &Author,
) -> Result<Outcome, sqlx::Error> {
    let (current, links) = match deletable(&mut *tx, kind, slug).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    if current.version != expected_version {
        return Ok(Outcome::Conflict(Box::new(current)));
    }
    touch_frameworks(&mut *tx, &links, author).await?;
    let before = remove_in(&mut *tx, kind, current.record, links).await?;
    audit(&mut *tx, kind, author, slug, "delete", Some(before), None).await?;
    Ok(Outcome::Done)
}

/// The entry as stored and the framework links a delete would take with it, or why it
/// cannot be deleted. Read in the write transaction, so that no framework can take up the
/// entry between the check and the delete, and the links recorded are the ones the cascade
/// removes.
async fn deletable(
    tx: &mut SqliteConnection,
    kind: TermKind,
    slug: &str,
) -> Result<Result<(Stored<Term>, Vec<Link>), Outcome>, sqlx::Error> {
    let doc = load_document_in(tx).await?;
    if let Some(reason) = blocking_reason(kind, &dependents_in(&doc, kind, slug)) {
        return Ok(Err(Outcome::Blocked(reason)));
    }
    Ok(match load_in(tx, kind, slug).await? {
        None => Err(Outcome::Gone),
        Some(current) => Ok((current, links_of(&doc, kind, slug))),
    })
}

/// Deletes `term` (its links go by the schema's cascades) and returns the state a delete's
/// revision records: the entry with the links it took.
async fn remove_in(
    tx: &mut SqliteConnection,
    kind: TermKind,
    term: Term,
    links: Vec<Link>,
) -> Result<State, sqlx::Error> {
    on_table!(kind, remove(&mut *tx, &term.slug))?;
    Ok(State {
        term,
        links: Some(links),
    })
}

/// Deletes the entry on behalf of no account (`actor`: the seed's audit, say) with `note`
/// saying why, recording its remaining links as a delete does. `false` when there is no such
/// entry or something depends on it (the caller's document should have moved that first).
pub async fn retire(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
    actor: &str,
    note: &str,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let Ok((current, links)) = deletable(&mut tx, kind, slug).await? else {
        return Ok(false);
    };
    let before = remove_in(&mut tx, kind, current.record, links).await?;
    let before = serde_json::to_string(&before).expect("a state serialises");
    let entry = crate::db::knowledge::AuditEntry {
        actor,
        entity: kind.audit_name(),
        entity_slug: slug,
        action: "delete",
        before: Some(&before),
        note,
        ..Default::default()
    };
    crate::db::knowledge::append_audit(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(true)
}

/// The kind the audit log names `name` (`use_case`), if any.
pub fn kind_by_audit_name(name: &str) -> Option<TermKind> {
    TermKind::ALL.into_iter().find(|k| k.audit_name() == name)
}

pub async fn history(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
    (before, limit): (Option<i64>, i64),
) -> Result<Vec<Revision>, sqlx::Error> {
    crate::db::editing::history_page(pool, kind.audit_name(), slug, before, limit).await
}

/// Why a use case cannot come back: the industry it belongs to is gone. `None` for every
/// other entry, and for a use case whose industry exists.
async fn parent_gone(
    conn: &mut SqliteConnection,
    kind: TermKind,
    term: &Term,
) -> Result<Option<Blocker>, sqlx::Error> {
    if kind != TermKind::UseCase {
        return Ok(None);
    }
    let industry = &term.industry;
    let exists = sqlx::query_scalar!("SELECT id FROM industries WHERE slug = ?1", industry)
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
    Ok((!exists).then(|| Blocker::IndustryGone(industry.clone())))
}

/// Brings back the framework links a deletion of the entry `slug` took (except those
/// `relink` says cannot come back), gives their frameworks a new version, and returns the
/// links that came back.
async fn relink_all(
    conn: &mut SqliteConnection,
    kind: TermKind,
    slug: &str,
    taken: Vec<Link>,
    author: &Author,
) -> Result<Vec<Link>, sqlx::Error> {
    let mut back = Vec::with_capacity(taken.len());
    for link in taken {
        if relink(&mut *conn, kind, slug, &link).await? {
            back.push(link);
        }
    }
    touch_frameworks(&mut *conn, &back, author).await?;
    Ok(back)
}

/// Publishes, inside `tx`, a change request that brings a deleted entry back as `state`
/// records it (a restore held for review): the entry is created, the framework links its
/// deletion took come back as on a direct restore, and one revision lists them.
pub async fn bring_back_in(
    tx: &mut SqliteConnection,
    kind: TermKind,
    state: &State,
    author: &Author,
) -> Result<Outcome, sqlx::Error> {
    let slug = &state.term.slug;
    if on_table!(kind, version(&mut *tx, slug))?.is_some() {
        return Ok(Outcome::SlugTaken);
    }
    if let Some(blocker) = parent_gone(&mut *tx, kind, &state.term).await? {
        return Ok(Outcome::Blocked(blocker));
    }
    upsert(&mut *tx, kind, &state.term).await?;
    on_table!(kind, stamp(&mut *tx, slug, author.user_id))?;
    let taken = state.links.clone().unwrap_or_default();
    let back = relink_all(&mut *tx, kind, slug, taken, author).await?;
    let after = State {
        term: state.term.clone(),
        links: Some(back),
    };
    audit(&mut *tx, kind, author, slug, "revert", None, Some(after)).await?;
    Ok(Outcome::Done)
}

/// Brings back the entry as it was after a revision (before it, for a deletion), as one new
/// revision. Restoring a deletion also brings back the framework links it took, with their
/// strengths, fits and notes (except those `relink` says cannot come back), and gives
/// their frameworks a new version; the new revision lists the links that came back. Any other
/// revision restores the entry's fields alone, as do deletions recorded before links were.
/// `false` when the revision does not exist or cannot be applied.
pub async fn restore(
    pool: &SqlitePool,
    kind: TermKind,
    slug: &str,
    revision_id: i64,
    author: &Author,
) -> Result<Outcome, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let entity = kind.audit_name();
    let revision = crate::db::editing::revision_states(&mut tx, entity, slug, revision_id).await?;
    let Some(revision) = revision else {
        return Ok(Outcome::Gone);
    };
    // Only a deletion has no state after it; its state before is what it took.
    let is_deletion = revision.after.is_none();
    let Some(state) = State::parse(revision.after.or(revision.before).as_deref()) else {
        return Ok(Outcome::Gone);
    };
    if let Some(blocker) = parent_gone(&mut tx, kind, &state.term).await? {
        return Ok(Outcome::Blocked(blocker));
    }
    let before = load_in(&mut tx, kind, slug).await?.map(|s| s.record);
    upsert(&mut tx, kind, &state.term).await?;
    on_table!(kind, stamp(&mut *tx, &state.term.slug, author.user_id))?;
    let links = match state.links {
        Some(taken) if is_deletion => {
            Some(relink_all(&mut tx, kind, &state.term.slug, taken, author).await?)
        }
        _ => None,
    };
    let after = State {
        term: state.term,
        links,
    };
    audit(
        &mut tx,
        kind,
        author,
        slug,
        "revert",
        before.map(State::from),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn plain(framework: &str) -> Link {
        Link {
            framework: framework.to_owned(),
            strength: None,
            fit: None,
            note: String::new(),
            ..Link::default()
        }
    }

    fn seed() -> Document {
        crate::knowledge::validate::parse(crate::knowledge::seed::SEED_JSON)
            .expect("the seed parses")
    }

    #[test]
    fn a_deletion_recorded_before_links_were_kept_reads_as_the_entry_alone() {
        let state = State::parse(Some(r#"{"slug":"graphql","name":"GraphQL APIs"}"#))
            .expect("an old revision parses");
        assert_eq!(state.links, None);
        assert_eq!(state.term.name, "GraphQL APIs");
    }

    #[test]
    fn a_deletions_links_sit_beside_the_entrys_fields_and_read_back_the_same() {
        let state = State {
            term: Term {
                slug: "security".into(),
                name: "Security".into(),
                group: "capability".into(),
                ..Term::default()
            },
            links: Some(vec![
                Link {
                    strength: Some(4),
                    note: "Tower middleware.".into(),
                    ..plain("axum")
                },
                plain("gin"),
            ]),
        };
        let written = serde_json::to_value(&state).expect("a state serialises");
        assert_eq!(written["slug"], "security");
        assert_eq!(
            written["links"],
            json!([
                {"framework": "axum", "strength": 4, "note": "Tower middleware."},
                {"framework": "gin"},
            ])
        );
        assert_eq!(
            State::parse(Some(&written.to_string())),
            Some(state.clone())
        );
        // A reader that knows only the entry's fields still reads them.
        let term: Term = serde_json::from_value(written).expect("the fields parse alone");
        assert_eq!(term, state.term);
    }

    #[test]
    fn every_kind_but_a_language_finds_a_frameworks_link_with_its_score_and_note() {
        let doc = seed();
        let axum = doc.frameworks.iter().find(|f| f.slug == "axum").unwrap();
        let (strength, fit) = (&axum.requirements[0], &axum.industries[0]);
        for (kind, slug, link) in [
            (
                TermKind::Requirement,
                &strength.requirement,
                Link {
                    strength: Some(strength.strength),
                    note: strength.note.clone(),
                    sources: strength.sources.clone(),
                    reviewed: strength.reviewed.clone(),
                    ..plain("axum")
                },
            ),
            (
                TermKind::Industry,
                &fit.industry,
                Link {
                    fit: Some(fit.fit),
                    note: fit.note.clone(),
                    sources: fit.sources.clone(),
                    reviewed: fit.reviewed.clone(),
                    ..plain("axum")
                },
            ),
        ] {
            assert_eq!(link_in(kind, axum, slug), Some(link));
        }
        for (kind, slugs) in [
            (TermKind::Feature, &axum.features),
            (TermKind::UseCase, &axum.use_cases),
            (TermKind::Trend, &axum.trends),
        ] {
            assert_eq!(link_in(kind, axum, &slugs[0]), Some(plain("axum")));
            assert_eq!(link_in(kind, axum, "no-such-entry"), None);
        }
        assert_eq!(link_in(TermKind::Language, axum, &axum.language), None);
    }

    #[test]
    fn a_languages_dependents_are_the_frameworks_written_in_it_though_it_has_no_links() {
        let doc = seed();
        let dependents = dependents_in(&doc, TermKind::Language, "rust");
        assert!(
            dependents.frameworks.iter().any(|f| f == "Axum"),
            "{dependents:?}"
        );
        assert!(links_of(&doc, TermKind::Language, "rust").is_empty());
        assert!(blocking_reason(TermKind::Language, &dependents).is_some());
    }
}
