//! Loading the knowledge the ranking engine works on, in a handful of whole-table queries
//! rather than one query per framework.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use sqlx::SqlitePool;

use crate::db::catalogue::{self, Industry, LanguageOption, Requirement, UseCaseOption};
use crate::domain::{RequirementGroup, Ring, Score, Slug, TextList};
use crate::knowledge::document::Document;
use crate::recommend::{
    Candidate, Catalogue, CriterionKind, Evidence, Exclusion, Names, Notes, RatingKind, Ratings,
    Recommendation, UseCaseRef,
};
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
    /// to read a client's description with (shared with the knowledge loaded before, when
    /// the vocabulary did not change).
    pub lexicon: Arc<Lexicon>,
    /// Every term as the editors' forms offer and check them (a document without frameworks,
    /// shared with the knowledge loaded before while no term changed): a save's form needs
    /// it, and read for each one it was six more trips to SQLite while readers wait.
    pub vocabulary: Arc<Document>,
    /// The notes behind ratings, read as answers explain them.
    pub evidence: EvidenceMemo,
    /// Where this content stands in the log of changes (migration 0012), so that the next
    /// load reads only the frameworks changed since.
    pub changes: ChangesRead,
}

/// How far a load read the log of knowledge changes, and the id of each framework of its
/// catalogue (in the catalogue's order, which is by id).
#[derive(Debug, Clone, Default)]
pub struct ChangesRead {
    /// The last change read; 0 before any.
    pub through: i64,
    pub framework_ids: Vec<i64>,
}

/// The log's entry for a change to a term (an industry, requirement, use case, language,
/// feature or trend), on which every framework depends (migration 0012).
const TERMS_CHANGED: i64 = 0;

/// The knowledge base's change counter (see migration 0003): equal counters, equal content.
pub async fn knowledge_version(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!("SELECT version FROM knowledge_version WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// Everything the ranking needs, read in one transaction so the version matches the content.
pub async fn load(pool: &SqlitePool) -> Result<Knowledge, sqlx::Error> {
    load_after(pool, None).await
}

/// [`load`], taking from `previous` (the knowledge this load replaces) what has not changed.
/// When only frameworks changed since `previous` was read (the log of migration 0012 says
/// which), only they are read again: the terms, the form's options and the phrase lexicon
/// are kept, and so are the notes already read of every other framework. An editor's save
/// so costs one framework's rows, not the whole knowledge base, and readers keep the notes
/// they had. After a change to a term everything is read again, as it is the first time;
/// the phrase lexicon is still kept when its vocabulary is the same (it took half of such
/// a load).
pub async fn load_after(
    pool: &SqlitePool,
    previous: Option<&Knowledge>,
) -> Result<Knowledge, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let version = sqlx::query_scalar!("SELECT version FROM knowledge_version WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let through = sqlx::query_scalar!(
        r#"SELECT COALESCE(MAX(id), 0) AS "through!: i64" FROM knowledge_changes"#
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(previous) = previous
        && let Some(changed) = frameworks_changed(&mut tx, previous, version, through).await?
    {
        let read = candidates_in(&mut tx, Some(&changed)).await?;
        tx.commit().await?;
        return Ok(previous.with_frameworks_read_again(version, through, &changed, read));
    }
    let (framework_ids, candidates) = candidates_in(&mut tx, None).await?.into_iter().unzip();
    let names = names_in(&mut tx).await?;
    let industries = catalogue::industries(&mut *tx).await?;
    let languages = catalogue::languages(&mut *tx).await?;
    let requirements = catalogue::requirements(&mut *tx).await?;
    let use_cases = catalogue::use_case_options(&mut *tx).await?;
    let entries = lexicon_entries_in(&mut tx).await?;
    let vocabulary = Arc::new(crate::db::knowledge::load_vocabulary_in(&mut tx).await?);
    tx.commit().await?;
    let lexicon = match previous {
        Some(previous) if previous.lexicon.entries() == entries.as_slice() => {
            previous.lexicon.clone()
        }
        _ => Arc::new(Lexicon::new(entries)),
    };
    Ok(Knowledge {
        version,
        catalogue: Catalogue::new(candidates),
        names,
        industries,
        languages,
        requirements,
        use_cases,
        lexicon,
        vocabulary,
        evidence: EvidenceMemo::default(),
        changes: ChangesRead {
            through,
            framework_ids,
        },
    })
}

/// Whether the terms and the frameworks named `frameworks` (by slug) are in the database as
/// `knowledge` read them: the log of changes (migration 0012) holds nothing for them since,
/// and has not been started afresh since either. Never for a framework `knowledge` does not
/// hold, nor for a knowledge made otherwise than by a load (an edit tried on a copy).
pub async fn unchanged_since(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    frameworks: &[&str],
) -> Result<bool, sqlx::Error> {
    let ids = &knowledge.changes.framework_ids;
    if ids.len() != knowledge.catalogue.len() {
        return Ok(false);
    }
    let mut watched = vec![TERMS_CHANGED];
    for slug in frameworks {
        let held = knowledge
            .catalogue
            .candidates()
            .iter()
            .position(|c| c.slug.as_str() == *slug);
        match held {
            Some(at) => watched.push(ids[at]),
            None => return Ok(false),
        }
    }
    let watched = serde_json::Value::from(watched).to_string();
    let through = knowledge.changes.through;
    sqlx::query_scalar!(
        r#"SELECT (SELECT COALESCE(MAX(id), 0) FROM knowledge_changes) >= ?1
              AND NOT EXISTS (SELECT 1 FROM knowledge_changes
                              WHERE id > ?1 AND framework_id IN (SELECT value FROM json_each(?2)))
              AS "unchanged!: bool""#,
        through,
        watched
    )
    .fetch_one(pool)
    .await
}

/// The frameworks changed since `previous` was read, when nothing else changed; `None` when
/// everything is to be read again: a term changed, or the log does not account for the new
/// version (the database is not the one `previous` was read from, or nothing is logged).
async fn frameworks_changed(
    tx: &mut sqlx::SqliteConnection,
    previous: &Knowledge,
    version: i64,
    through: i64,
) -> Result<Option<Vec<i64>>, sqlx::Error> {
    let since = previous.changes.through;
    // A knowledge made otherwise than by a load (an edit tried on a copy) has no ids to
    // match its catalogue by.
    let matched = previous.changes.framework_ids.len() == previous.catalogue.len();
    if !matched || version <= previous.version || through <= since {
        return Ok(None);
    }
    let changed = sqlx::query_scalar!(
        "SELECT framework_id FROM knowledge_changes WHERE id > ?1",
        since
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok((!changed.contains(&TERMS_CHANGED)).then_some(changed))
}

impl Knowledge {
    /// This knowledge with the frameworks `changed` (by id) as `read` now (those still
    /// there), at `version`; the notes of every other framework stay remembered.
    fn with_frameworks_read_again(
        &self,
        version: i64,
        through: i64,
        changed: &[i64],
        read: Vec<(i64, Candidate)>,
    ) -> Knowledge {
        let changed: std::collections::HashSet<i64> = changed.iter().copied().collect();
        let mut kept: Vec<(i64, Candidate)> = Vec::with_capacity(self.catalogue.len() + read.len());
        let mut forgotten = std::collections::HashSet::new();
        for (&id, candidate) in self
            .changes
            .framework_ids
            .iter()
            .zip(self.catalogue.candidates())
        {
            if changed.contains(&id) {
                forgotten.insert(candidate.slug.to_string());
            } else {
                kept.push((id, candidate.clone()));
            }
        }
        kept.extend(read);
        kept.sort_unstable_by_key(|(id, _)| *id);
        let (framework_ids, candidates) = kept.into_iter().unzip();
        Knowledge {
            version,
            catalogue: Catalogue::new(candidates),
            names: self.names.clone(),
            industries: self.industries.clone(),
            languages: self.languages.clone(),
            requirements: self.requirements.clone(),
            use_cases: self.use_cases.clone(),
            lexicon: self.lexicon.clone(),
            vocabulary: self.vocabulary.clone(),
            evidence: self.evidence.without(&forgotten),
            changes: ChangesRead {
                through,
                framework_ids,
            },
        }
    }
}

/// Every industry, requirement, use case and language with the phrases clients use for it.
async fn lexicon_entries_in(
    tx: &mut sqlx::SqliteConnection,
) -> Result<Vec<suggest::Entry>, sqlx::Error> {
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
    Ok(entries)
}

/// Every framework with its strengths, fits and use cases. `search_rank` is left `None`;
/// see [`search_ranks`].
/// Every framework as the ranking reads it, with its id, by id; with `only`, just the
/// frameworks of those ids that exist.
async fn candidates_in(
    tx: &mut sqlx::SqliteConnection,
    only: Option<&[i64]>,
) -> Result<Vec<(i64, Candidate)>, sqlx::Error> {
    // The ids as a JSON array (NULL for all): each statement filters by it, the same text
    // serving a whole load and a load of the frameworks one save changed.
    let only = only.map(|ids| serde_json::Value::from(ids.to_vec()).to_string());
    let frameworks = sqlx::query!(
        r#"SELECT f.id, f.slug AS "slug: Slug", f.name, f.ring AS "ring: Ring", f.last_reviewed
         FROM frameworks f
         WHERE ?1 IS NULL OR f.id IN (SELECT value FROM json_each(?1))
         ORDER BY f.id"#,
        only
    )
    .fetch_all(&mut *tx)
    .await?;
    // Strengths and fits are read alike from their own tables, one row per framework with
    // its ratings packed as `term id:score:reviewed` (10,000 rows rather than 560,000 at
    // 10,000 frameworks: a row costs far more to hand over than a few bytes to split).
    // sqlx's checked macros take literal SQL only, so the two statements cannot share their
    // text. Notes and sources are not read: only the few results an answer explains show
    // them, and [`fill_evidence`] reads those (at 10,000 frameworks the notes alone are
    // 64 MB).
    let requirement_slugs = sqlx::query!(r#"SELECT id, slug AS "slug: Slug" FROM requirements"#)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.slug))
        .collect();
    let strengths = sqlx::query_as!(
        Packed,
        r#"SELECT framework_id AS "framework_id!",
                  group_concat(requirement_id || ':' || strength || ':' || coalesce(reviewed, ''), ',')
                      AS "ratings!: String"
         FROM framework_requirements
         WHERE ?1 IS NULL OR framework_id IN (SELECT value FROM json_each(?1))
         GROUP BY framework_id"#,
        only
    )
    .fetch_all(&mut *tx)
    .await?;
    let industry_slugs = sqlx::query!(r#"SELECT id, slug AS "slug: Slug" FROM industries"#)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|i| (i.id, i.slug))
        .collect();
    let fits = sqlx::query_as!(
        Packed,
        r#"SELECT framework_id AS "framework_id!",
                  group_concat(industry_id || ':' || fit || ':' || coalesce(reviewed, ''), ',')
                      AS "ratings!: String"
         FROM framework_industries
         WHERE ?1 IS NULL OR framework_id IN (SELECT value FROM json_each(?1))
         GROUP BY framework_id"#,
        only
    )
    .fetch_all(&mut *tx)
    .await?;
    let use_cases = sqlx::query!(
        r#"SELECT fu.framework_id AS "framework_id!", u.slug AS "slug: Slug", u.name,
                  i.slug AS "industry: Slug"
         FROM framework_use_cases fu
         JOIN use_cases u ON u.id = fu.use_case_id
         JOIN industries i ON i.id = u.industry_id
         WHERE ?1 IS NULL OR fu.framework_id IN (SELECT value FROM json_each(?1))
         ORDER BY u.name COLLATE NOCASE"#,
        only
    )
    .fetch_all(&mut *tx)
    .await?;

    let team_languages = sqlx::query!(
        r#"SELECT fl.framework_id AS "framework_id!", l.slug AS "slug: Slug"
         FROM framework_languages fl JOIN languages l ON l.id = fl.language_id
         WHERE ?1 IS NULL OR fl.framework_id IN (SELECT value FROM json_each(?1))
         ORDER BY l.slug"#,
        only
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
                strengths: Ratings::default(),
                fits: Ratings::default(),
                use_cases: Vec::new(),
                search_rank: None,
                last_reviewed: day(f.last_reviewed.as_deref()),
            },
        );
    }
    file_ratings(&mut by_id, strengths, &requirement_slugs, |c| {
        &mut c.strengths
    });
    file_ratings(&mut by_id, fits, &industry_slugs, |c| &mut c.fits);
    for l in team_languages {
        if let Some(c) = by_id.get_mut(&l.framework_id) {
            c.languages.push(l.slug);
        }
    }
    // A use case is linked by many frameworks: each link shares the slugs read first
    // instead of holding its own copies (112,000 at 10,000 frameworks).
    let mut slugs: HashMap<Slug, Slug> = HashMap::new();
    let mut shared = |slug: Slug| slugs.entry(slug).or_insert_with_key(Slug::clone).clone();
    for u in use_cases {
        if let Some(c) = by_id.get_mut(&u.framework_id) {
            c.use_cases.push(UseCaseRef {
                slug: shared(u.slug),
                name: u.name,
                industry: shared(u.industry),
            });
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|id| Some((id, by_id.remove(&id)?)))
        .collect())
}

/// A framework's ratings of every requirement (strengths) or every industry (fits), as
/// read: `term id:score:reviewed` joined by commas, `reviewed` empty when never recorded.
struct Packed {
    framework_id: i64,
    ratings: String,
}

/// A stored `YYYY-MM-DD` (the schema checks the form) as a date.
fn day(stored: Option<&str>) -> Option<NaiveDate> {
    stored.and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
}

/// Files each rating under its framework, in the ratings `ratings` picks, naming each term
/// by its slug in `slugs` (by id).
fn file_ratings(
    by_id: &mut HashMap<i64, Candidate>,
    rows: Vec<Packed>,
    slugs: &HashMap<i64, Slug>,
    ratings: fn(&mut Candidate) -> &mut Ratings,
) {
    for row in rows {
        let Some(c) = by_id.get_mut(&row.framework_id) else {
            continue;
        };
        *ratings(c) = row
            .ratings
            .split(',')
            .filter_map(|rating| {
                let mut parts = rating.splitn(3, ':');
                let (id, score, reviewed) = (parts.next()?, parts.next()?, parts.next());
                let slug = id.parse().ok().and_then(|id: i64| slugs.get(&id))?;
                let score = score.parse::<i64>().ok().and_then(|s| Score::new(s).ok())?;
                // The note and sources are left out: see [`fill_evidence`].
                let evidence = Evidence {
                    score,
                    reviewed: day(reviewed.filter(|r| !r.is_empty())),
                    notes: None,
                };
                Some((slug.clone(), evidence))
            })
            .collect();
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

/// Which results and exclusions an answer explains in full, so which need the notes behind
/// their ratings read.
#[derive(Debug, Clone, Copy)]
pub enum Explained<'a> {
    /// Every one: the exports, the API and saved briefs carry every note.
    All,
    /// The query page's first screen: the best `first` results, and the one result or
    /// exclusion that `explain=` asks for; the other lines show no notes.
    FirstAnd {
        first: usize,
        asked: Option<&'a str>,
    },
}

impl Explained<'_> {
    /// No result and no exclusion: what a verdict or a ranking alone needs.
    pub const NOTHING: Explained<'static> = Explained::FirstAnd {
        first: 0,
        asked: None,
    };

    fn result(self, position: usize, slug: &str) -> bool {
        match self {
            Explained::All => true,
            Explained::FirstAnd { first, asked } => position < first || asked == Some(slug),
        }
    }

    fn exclusion(self, slug: &str) -> bool {
        match self {
            Explained::All => true,
            Explained::FirstAnd { asked, .. } => asked == Some(slug),
        }
    }
}

/// Fills in the notes and sources of the ratings `recommendation` explains (those `explained`
/// picks), which the in-memory knowledge leaves out ([`load`] reads scores and review dates
/// only): from the knowledge's [`EvidenceMemo`], reading what it lacks. A note already there
/// (an edit tried on a copy of the knowledge, `impact::apply`) is kept.
pub async fn fill_evidence(
    pool: &SqlitePool,
    knowledge: &Knowledge,
    recommendation: &mut Recommendation,
    explained: Explained<'_>,
) -> Result<(), sqlx::Error> {
    let mut wanted: BTreeSet<EvidenceKey> = BTreeSet::new();
    for (position, result) in recommendation.results.iter().enumerate() {
        if !explained.result(position, result.slug.as_str()) {
            continue;
        }
        for criterion in result.criteria.iter().filter(|c| c.note.is_empty()) {
            if let Some(kind) = rating_kind(criterion.kind) {
                wanted.insert((result.slug.to_string(), kind, criterion.subject.clone()));
            }
        }
    }
    for excluded in &recommendation.excluded {
        if !explained.exclusion(excluded.slug.as_str()) {
            continue;
        }
        for reason in &excluded.reasons {
            if let Exclusion::MustHave {
                requirement, note, ..
            } = reason
                && note.is_empty()
            {
                let key = (
                    excluded.slug.to_string(),
                    RatingKind::Requirement,
                    requirement.clone(),
                );
                wanted.insert(key);
            }
        }
    }
    let mut evidence = knowledge.evidence.recall(&wanted);
    let missing: Vec<EvidenceKey> = wanted
        .into_iter()
        .filter(|key| !evidence.contains_key(key))
        .collect();
    if !missing.is_empty() {
        let read = read_evidence(pool, &missing).await?;
        for (key, notes) in &read {
            evidence.insert(key.clone(), Some(notes.clone()));
        }
        knowledge.evidence.remember(missing, read);
    }
    let found = |framework: &str, kind: RatingKind, subject: &str| {
        evidence
            .get(&(framework.to_owned(), kind, subject.to_owned()))
            .cloned()
            .flatten()
    };
    for result in &mut recommendation.results {
        for criterion in result.criteria.iter_mut().filter(|c| c.note.is_empty()) {
            let Some(kind) = rating_kind(criterion.kind) else {
                continue;
            };
            if let Some(found) = found(result.slug.as_str(), kind, &criterion.subject) {
                (criterion.note, criterion.sources) = (found.note.clone(), found.sources.clone());
            }
        }
    }
    for excluded in &mut recommendation.excluded {
        for reason in &mut excluded.reasons {
            if let Exclusion::MustHave {
                requirement,
                note,
                sources,
                ..
            } = reason
                && note.is_empty()
                && let Some(found) =
                    found(excluded.slug.as_str(), RatingKind::Requirement, requirement)
            {
                (*note, *sources) = (found.note.clone(), found.sources.clone());
            }
        }
    }
    Ok(())
}

/// The rating a criterion of this kind rests on, if any.
fn rating_kind(kind: CriterionKind) -> Option<RatingKind> {
    match kind {
        CriterionKind::Industry => Some(RatingKind::Industry),
        CriterionKind::MustHave | CriterionKind::NiceToHave => Some(RatingKind::Requirement),
        _ => None,
    }
}

/// Reads the notes and sources of the ratings `keys` name: one query, whatever the size of
/// the knowledge base. (`CROSS JOIN` keeps SQLite's join order: each framework and term looked
/// up by its slug, then their one rating by primary key, rather than every rating of each
/// framework.) Pairs crossed in but not asked for are read too, and worth keeping.
async fn read_evidence(
    pool: &SqlitePool,
    keys: &[EvidenceKey],
) -> Result<Vec<(EvidenceKey, Arc<Notes>)>, sqlx::Error> {
    let (mut frameworks, mut requirements, mut industries) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for (framework, kind, subject) in keys {
        frameworks.insert(framework.as_str());
        match kind {
            RatingKind::Requirement => requirements.insert(subject.as_str()),
            RatingKind::Industry => industries.insert(subject.as_str()),
        };
    }
    let list = |set: BTreeSet<&str>| {
        serde_json::Value::from(set.into_iter().collect::<Vec<_>>()).to_string()
    };
    let (frameworks, requirements, industries) =
        (list(frameworks), list(requirements), list(industries));
    // One statement for both kinds, one hand-off to SQLite's thread; an empty list of terms
    // simply matches nothing.
    let rows = sqlx::query!(
        r#"SELECT f.slug AS "framework!", 'requirement' AS "kind!: String", r.slug AS "subject!",
                  fr.note AS "note!", fr.sources AS "sources!: TextList"
           FROM json_each(?1) AS shown
           CROSS JOIN frameworks f ON f.slug = shown.value
           CROSS JOIN json_each(?2) AS asked
           CROSS JOIN requirements r ON r.slug = asked.value
           CROSS JOIN framework_requirements fr
               ON fr.framework_id = f.id AND fr.requirement_id = r.id
           UNION ALL
           SELECT f.slug, 'industry', i.slug, fi.note, fi.sources
           FROM json_each(?1) AS shown
           CROSS JOIN frameworks f ON f.slug = shown.value
           CROSS JOIN json_each(?3) AS asked
           CROSS JOIN industries i ON i.slug = asked.value
           CROSS JOIN framework_industries fi
               ON fi.framework_id = f.id AND fi.industry_id = i.id"#,
        frameworks,
        requirements,
        industries
    )
    .fetch_all(pool)
    .await?;
    let read = rows
        .into_iter()
        .map(|row| {
            let kind = if row.kind == "industry" {
                RatingKind::Industry
            } else {
                RatingKind::Requirement
            };
            let notes = Notes {
                note: row.note,
                sources: row.sources.0,
            };
            ((row.framework, kind, row.subject), Arc::new(notes))
        })
        .collect();
    Ok(read)
}

/// A rating by framework slug, kind and term slug.
type EvidenceKey = (String, RatingKind, String);

/// The notes already read for one version of the knowledge, so that a question asked often
/// (or one sharing its top results with another) does not ask SQLite again: each read costs
/// two hand-offs to SQLite's thread, more than ranking the whole seeded knowledge base.
/// Belongs to its [`Knowledge`]: the next version keeps what it remembers of the frameworks
/// a write did not change, and starts afresh after a change to a term; a
/// rating found unrated is remembered as such. It stops taking more once it holds
/// [`EvidenceMemo::BUDGET`] bytes of notes: at 10,000 frameworks what is asked is read.
#[derive(Debug, Clone, Default)]
pub struct EvidenceMemo(Arc<Mutex<Remembered>>);

#[derive(Debug, Default)]
struct Remembered {
    notes: HashMap<EvidenceKey, Option<Arc<Notes>>>,
    bytes: usize,
}

impl EvidenceMemo {
    /// Plenty for every rating of the seeded knowledge base (under 1 MB). At 10,000
    /// frameworks, half of it took ~6 MiB less memory and 12 % of the API's new questions a
    /// second (docs/performance.md).
    const BUDGET: usize = 4 << 20;

    /// Keeps what was read for `asked`, and that the rest of `asked` is unrated.
    fn remember(&self, asked: Vec<EvidenceKey>, read: Vec<(EvidenceKey, Arc<Notes>)>) {
        let mut remembered = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let unrated = asked.into_iter().map(|key| (key, None));
        for (key, notes) in read
            .into_iter()
            .map(|(key, notes)| (key, Some(notes)))
            .chain(unrated)
        {
            let bytes = Self::size(&key, notes.as_deref());
            if remembered.bytes + bytes > Self::BUDGET {
                break;
            }
            if let std::collections::hash_map::Entry::Vacant(entry) = remembered.notes.entry(key) {
                entry.insert(notes);
                remembered.bytes += bytes;
            }
        }
    }

    /// A memo of its own holding what this one remembers of every framework but those
    /// named (by slug) in `forgotten`.
    fn without(&self, forgotten: &std::collections::HashSet<String>) -> EvidenceMemo {
        let remembered = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut kept = Remembered::default();
        for (key, notes) in &remembered.notes {
            if !forgotten.contains(&key.0) {
                kept.bytes += Self::size(key, notes.as_deref());
                kept.notes.insert(key.clone(), notes.clone());
            }
        }
        EvidenceMemo(Arc::new(Mutex::new(kept)))
    }

    /// What a remembered rating counts against the budget.
    fn size(key: &EvidenceKey, notes: Option<&Notes>) -> usize {
        key.0.len()
            + key.2.len()
            + notes.map_or(0, |n| {
                n.note.len() + n.sources.iter().map(String::len).sum::<usize>()
            })
    }

    /// What is remembered of `wanted`: `None` for a rating found unrated.
    fn recall(&self, wanted: &BTreeSet<EvidenceKey>) -> HashMap<EvidenceKey, Option<Arc<Notes>>> {
        let remembered = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        wanted
            .iter()
            .filter_map(|key| Some((key.clone(), remembered.notes.get(key)?.clone())))
            .collect()
    }
}

#[cfg(test)]
mod tests;
