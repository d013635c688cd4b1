//! Importing a knowledge document: validate everything, work out what would change, and apply
//! it in one transaction (or only report it, for a dry run).

use crate::domain::FieldError;
use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};

use super::document::{
    Document, FrameworkRecord, IndustryRecord, RequirementRecord, TermRecord, UseCaseRecord,
};
use super::validate::{KnownSlugs, validate};
use crate::db::knowledge as db;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", describe_problems(.0))]
    Invalid(Vec<FieldError>),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

fn describe_problems(problems: &[FieldError]) -> String {
    let mut text = format!(
        "the document has {} problem{}; nothing was changed:",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for problem in problems {
        text.push_str("\n  - ");
        text.push_str(&problem.to_string());
    }
    text
}

/// Records identified by slug, so two versions of a list can be compared.
trait Keyed: Serialize + PartialEq {
    fn slug(&self) -> &str;
}

macro_rules! keyed {
    ($($record:ty),+) => {
        $(impl Keyed for $record {
            fn slug(&self) -> &str {
                &self.slug
            }
        })+
    };
}
keyed!(
    TermRecord,
    IndustryRecord,
    UseCaseRecord,
    RequirementRecord,
    FrameworkRecord
);

/// One record that an import creates or updates.
struct Change<'a, T> {
    record: &'a T,
    before: Option<&'a T>,
}

/// The records of `incoming` that differ from `current`, in `incoming`'s order.
fn changes<'a, T: Keyed>(current: &'a [T], incoming: &'a [T]) -> Vec<Change<'a, T>> {
    let by_slug: HashMap<&str, &T> = current.iter().map(|r| (r.slug(), r)).collect();
    incoming
        .iter()
        .filter_map(|record| match by_slug.get(record.slug()) {
            Some(before) if *before == record => None,
            before => Some(Change {
                record,
                before: before.copied(),
            }),
        })
        .collect()
}

/// Names of the top-level fields whose values differ between two records.
fn changed_fields<T: Serialize>(before: &T, after: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(before)), Ok(serde_json::Value::Object(after))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(value))
        .map(|(key, _)| key.clone())
        .collect()
}

/// What an import did, or would do, to one kind of entity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntityReport {
    pub entity: &'static str,
    pub created: Vec<String>,
    /// Slug and the names of the fields that change.
    pub updated: Vec<(String, Vec<String>)>,
    pub unchanged: usize,
}

/// What an import did, or would do (`applied` is false for a dry run or a failed import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub applied: bool,
    pub entities: Vec<EntityReport>,
}

impl Report {
    pub fn created(&self) -> usize {
        self.entities.iter().map(|e| e.created.len()).sum()
    }

    pub fn updated(&self) -> usize {
        self.entities.iter().map(|e| e.updated.len()).sum()
    }

    /// One line per entity kind: "frameworks: 2 created, 1 updated, 24 unchanged".
    pub fn summary(&self) -> String {
        self.entities
            .iter()
            .map(|e| {
                format!(
                    "{}: {} created, {} updated, {} unchanged",
                    plural(e.entity),
                    e.created.len(),
                    e.updated.len(),
                    e.unchanged
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn plural(entity: &str) -> String {
    match entity {
        "industry" => "industries".into(),
        other => format!("{other}s"),
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb =
            |done: &'static str, would: &'static str| if self.applied { done } else { would };
        for e in &self.entities {
            for slug in &e.created {
                writeln!(f, "{} {} {slug}", verb("created", "would create"), e.entity)?;
            }
            for (slug, fields) in &e.updated {
                writeln!(
                    f,
                    "{} {} {slug}: {}",
                    verb("updated", "would update"),
                    e.entity,
                    fields.join(", ")
                )?;
            }
        }
        if self.created() + self.updated() == 0 {
            writeln!(
                f,
                "nothing to change: the database already holds this knowledge"
            )?;
        }
        writeln!(f, "{}", self.summary())?;
        if !self.applied && self.created() + self.updated() > 0 {
            writeln!(f, "dry run: nothing was changed")?;
        }
        Ok(())
    }
}

fn report<T: Keyed>(entity: &'static str, current: &[T], incoming: &[T]) -> EntityReport {
    let changed = changes(current, incoming);
    let mut entry = EntityReport {
        entity,
        unchanged: incoming.len() - changed.len(),
        ..EntityReport::default()
    };
    for change in changed {
        match change.before {
            None => entry.created.push(change.record.slug().to_owned()),
            Some(before) => entry.updated.push((
                change.record.slug().to_owned(),
                changed_fields(before, change.record),
            )),
        }
    }
    entry
}

fn plan(current: &Document, incoming: &Document) -> Vec<EntityReport> {
    vec![
        report("language", &current.languages, &incoming.languages),
        report("feature", &current.features, &incoming.features),
        report("industry", &current.industries, &incoming.industries),
        report("use_case", &current.use_cases, &incoming.use_cases),
        report("requirement", &current.requirements, &incoming.requirements),
        report("trend", &current.trends, &incoming.trends),
        report("framework", &current.frameworks, &incoming.frameworks),
    ]
}

/// Who an import is recorded as in the audit log.
pub const IMPORT_ACTOR: &str = "import";

/// Validates `incoming` against the database, then applies it in one transaction, or, with
/// `dry_run`, only reports what would change. Records are matched by slug: new ones are
/// created, changed ones updated (a framework's links replaced as a whole), and records the
/// document does not mention are left alone; a document older than format 3 leaves each
/// term's phrases as they are. Every change is written to the audit log.
pub async fn import(
    pool: &SqlitePool,
    incoming: &Document,
    dry_run: bool,
    actor: &str,
) -> Result<Report, ImportError> {
    import_with_notes(pool, incoming, dry_run, actor, &Notes::new()).await
}

/// Why an import changes an entity, keyed `entity:slug` (`framework:django`): each note goes
/// into the audit entry of that entity's change, so its history says why.
pub type Notes = std::collections::HashMap<String, String>;

/// [`import`], recording with each change the note `notes` holds for it.
pub async fn import_with_notes(
    pool: &SqlitePool,
    incoming: &Document,
    dry_run: bool,
    actor: &str,
    notes: &Notes,
) -> Result<Report, ImportError> {
    // IMMEDIATE takes the write lock up front, so nothing can change between the comparison
    // with the current state and the writes based on it.
    let mut tx = crate::db::begin_write(pool).await?;
    let current = db::load_document_in(&mut tx).await?;
    // A document from before phrases says nothing about them: each term keeps its own.
    let incoming = if incoming.gives_phrases {
        std::borrow::Cow::Borrowed(incoming)
    } else {
        let mut kept = incoming.clone();
        kept.keep_phrases_of(&current);
        std::borrow::Cow::Owned(kept)
    };
    let incoming = incoming.as_ref();
    let known = KnownSlugs::of(&[&current, incoming]);
    let problems = validate(incoming, &known, chrono::Utc::now().date_naive());
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    let mut report = Report {
        applied: false,
        entities: plan(&current, incoming),
    };
    if dry_run {
        tx.rollback().await?;
        return Ok(report);
    }

    // Each list is written with its own upsert, and each change recorded, in document order
    // (vocabulary before the frameworks that refer to it).
    macro_rules! apply {
        ($list:ident, $upsert:path, $entity:literal) => {
            for c in changes(&current.$list, &incoming.$list) {
                $upsert(&mut tx, c.record).await?;
                let note = notes.get(&format!("{}:{}", $entity, c.record.slug()));
                audit(&mut tx, actor, $entity, &c, note.map_or("", String::as_str)).await?;
            }
        };
    }
    apply!(languages, db::upsert_language, "language");
    apply!(features, db::upsert_feature, "feature");
    apply!(industries, db::upsert_industry, "industry");
    apply!(use_cases, db::upsert_use_case, "use_case");
    apply!(requirements, db::upsert_requirement, "requirement");
    apply!(trends, db::upsert_trend, "trend");
    apply!(frameworks, upsert_imported_framework, "framework");
    tx.commit().await?;
    report.applied = true;
    Ok(report)
}

/// An import is nobody's edit: its ratings keep the review dates the document gives them.
async fn upsert_imported_framework(
    conn: &mut SqliteConnection,
    record: &crate::knowledge::document::FrameworkRecord,
) -> Result<(), sqlx::Error> {
    db::upsert_framework(conn, record, None, None).await
}

async fn audit<T: Keyed>(
    conn: &mut SqliteConnection,
    actor: &str,
    entity: &str,
    change: &Change<'_, T>,
    note: &str,
) -> Result<(), sqlx::Error> {
    let to_json = |record: &T| serde_json::to_string(record).expect("records always serialise");
    let before = change.before.map(to_json);
    let after = to_json(change.record);
    let action = if change.before.is_some() {
        "update"
    } else {
        "create"
    };
    let entry = db::AuditEntry {
        actor,
        entity,
        entity_slug: change.record.slug(),
        action,
        before: before.as_deref(),
        after: Some(&after),
        note,
        approval: None,
        ..Default::default()
    };
    db::append_audit(conn, &entry).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(slug: &str, name: &str) -> TermRecord {
        TermRecord {
            slug: slug.into(),
            name: name.into(),
            ..TermRecord::default()
        }
    }

    #[test]
    fn new_changed_and_identical_records_are_told_apart() {
        let current = [term("go", "Go"), term("rust", "Rust")];
        let incoming = [
            term("go", "Golang"),
            term("rust", "Rust"),
            term("zig", "Zig"),
        ];
        let entry = report("language", &current, &incoming);
        assert_eq!(entry.created, ["zig"]);
        assert_eq!(entry.updated, [("go".to_owned(), vec!["name".to_owned()])]);
        assert_eq!(entry.unchanged, 1);
    }

    #[test]
    fn a_dry_run_report_says_nothing_was_changed() {
        let report = Report {
            applied: false,
            entities: vec![report("language", &[], &[term("go", "Go")])],
        };
        let text = report.to_string();
        assert!(text.contains("would create language go"), "{text}");
        assert!(
            text.contains("languages: 1 created, 0 updated, 0 unchanged"),
            "{text}"
        );
        assert!(text.ends_with("dry run: nothing was changed\n"), "{text}");
    }

    #[test]
    fn problems_are_listed_one_per_line_after_a_count() {
        let err = ImportError::Invalid(vec![
            FieldError {
                field: "frameworks[x].ring".into(),
                message: "bad".into(),
            },
            FieldError {
                field: "languages[y].name".into(),
                message: "must not be empty".into(),
            },
        ]);
        assert_eq!(
            err.to_string(),
            "the document has 2 problems; nothing was changed:\n  - frameworks[x].ring: bad\n  - languages[y].name: must not be empty"
        );
    }
}
