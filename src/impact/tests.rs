use std::collections::HashMap;

use super::*;
use crate::db::terms::Term;
use crate::knowledge::document::{FitRecord, StrengthRecord};
use crate::recommend::{Limits, Names, Query};

fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap()
}

fn evidence(score: i64) -> Evidence {
    Evidence::noted(
        Score::new(score).unwrap(),
        None,
        format!("rated {score}"),
        Vec::new(),
    )
}

fn candidate(name: &str, security: i64, healthcare: i64) -> Candidate {
    Candidate {
        slug: slug(name),
        name: name.to_uppercase(),
        languages: vec![slug("python")],
        ring: Ring::Adopt,
        strengths: Ratings::from([(slug("security"), evidence(security))]),
        fits: Ratings::from([(slug("healthcare"), evidence(healthcare))]),
        use_cases: Vec::new(),
        search_rank: None,
        last_reviewed: None,
    }
}

fn names(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(s, n)| ((*s).to_owned(), (*n).to_owned()))
        .collect()
}

/// Django (security 5, healthcare 3) and Flask (security 4, healthcare 4).
fn knowledge() -> Knowledge {
    Knowledge {
        version: 7,
        catalogue: Catalogue::new(vec![candidate("django", 5, 3), candidate("flask", 4, 4)]),
        names: Names {
            requirements: names(&[("security", "Security")]),
            industries: names(&[("healthcare", "Healthcare")]),
            languages: names(&[("python", "Python")]),
            use_cases: HashMap::new(),
        },
        industries: Vec::new(),
        languages: Vec::new(),
        requirements: Vec::new(),
        use_cases: Vec::new(),
        lexicon: Default::default(),
        vocabulary: Default::default(),
        evidence: Default::default(),
        changes: Default::default(),
    }
}

/// The slugs `knowledge` ranks for `query`, first first, and those it leaves out.
fn ranked(knowledge: &Knowledge, query: &Query) -> (Vec<String>, Vec<String>) {
    let answer = crate::recommend::rank(
        query,
        &knowledge.catalogue,
        &[],
        &knowledge.names,
        Limits::ALL,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    );
    (
        answer.results.iter().map(|r| r.slug.to_string()).collect(),
        answer.excluded.iter().map(|e| e.slug.to_string()).collect(),
    )
}

fn needing_security() -> Query {
    Query {
        need: vec!["security".into()],
        ..Query::default()
    }
}

fn record(name: &str, security: i64) -> FrameworkRecord {
    FrameworkRecord {
        slug: name.into(),
        name: name.to_uppercase(),
        language: "python".into(),
        languages: vec!["python".into()],
        ring: "adopt".into(),
        requirements: vec![StrengthRecord {
            requirement: "security".into(),
            strength: security,
            ..StrengthRecord::default()
        }],
        industries: vec![FitRecord {
            industry: "healthcare".into(),
            fit: 4,
            ..FitRecord::default()
        }],
        ..FrameworkRecord::default()
    }
}

#[test]
fn a_framework_edit_changes_the_copy_in_place_and_leaves_the_live_knowledge_alone() {
    let live = knowledge();
    let edited = apply(
        &live,
        &[Edit::Framework {
            original: Some("django".into()),
            record: Some(record("django", 2)),
        }],
    );
    assert_eq!(
        ranked(&edited, &needing_security()),
        (vec!["flask".into()], vec!["django".into()])
    );
    assert_eq!(
        ranked(&live, &needing_security()).0,
        ["django", "flask"],
        "the live knowledge is untouched"
    );
    let order: Vec<&str> = (edited.catalogue.candidates().iter())
        .map(|c| c.slug.as_str())
        .collect();
    assert_eq!(order, ["django", "flask"], "in its place");
    assert_eq!(edited.version, live.version);
}

#[test]
fn edits_apply_in_order_creating_then_deleting() {
    let edited = apply(
        &knowledge(),
        &[
            Edit::Framework {
                original: None,
                record: Some(record("bottle", 5)),
            },
            Edit::Framework {
                original: Some("django".into()),
                record: None,
            },
        ],
    );
    let (results, excluded) = ranked(&edited, &needing_security());
    assert_eq!(results, ["bottle", "flask"]);
    assert!(excluded.is_empty());
}

fn term(kind: TermKind, original: &str, new: Option<(&str, &str)>) -> Edit {
    Edit::Term {
        kind,
        original: Some(original.into()),
        state: new.map(|(slug, name)| {
            State::from(Term {
                slug: slug.into(),
                name: name.into(),
                ..Term::default()
            })
        }),
    }
}

#[test]
fn renaming_a_requirement_moves_every_rating_and_the_name_queries_use() {
    let edited = apply(
        &knowledge(),
        &[term(
            TermKind::Requirement,
            "security",
            Some(("safety", "Safety")),
        )],
    );
    assert!(!edited.names.requirements.contains_key("security"));
    assert_eq!(edited.names.requirements["safety"], "Safety");
    let safety = Query {
        need: vec!["safety".into()],
        ..Query::default()
    };
    assert_eq!(ranked(&edited, &safety).0, ["django", "flask"]);
}

#[test]
fn deleting_an_industry_drops_its_fits_and_its_name_and_features_change_nothing() {
    let edited = apply(
        &knowledge(),
        &[
            term(TermKind::Industry, "healthcare", None),
            term(TermKind::Feature, "orm", None),
        ],
    );
    assert!(edited.names.industries.is_empty());
    assert!(
        (edited.catalogue.candidates().iter()).all(|c| c.fits.is_empty()),
        "no framework keeps a fit for it"
    );
    assert_eq!(edited.names.requirements, knowledge().names.requirements);
}

#[test]
fn restoring_a_deleted_requirement_brings_back_the_ratings_its_state_records() {
    let mut state = State::from(Term {
        slug: "offline-sync".into(),
        name: "Offline sync".into(),
        ..Term::default()
    });
    state.links = Some(vec![Link {
        framework: "flask".into(),
        strength: Some(5),
        ..Link::default()
    }]);
    let edited = apply(
        &knowledge(),
        &[Edit::Term {
            kind: TermKind::Requirement,
            original: None,
            state: Some(state),
        }],
    );
    let offline = Query {
        need: vec!["offline-sync".into()],
        ..Query::default()
    };
    assert_eq!(
        ranked(&edited, &offline),
        (vec!["flask".into()], vec!["django".into()])
    );
}

#[test]
fn renaming_an_industry_keeps_its_fits_and_its_use_cases_in_it() {
    let mut live = knowledge();
    let mut candidates = live.catalogue.candidates().to_vec();
    candidates[0].use_cases.push(UseCaseRef {
        slug: slug("telemedicine"),
        name: "Telemedicine".into(),
        industry: slug("healthcare"),
    });
    live.catalogue = Catalogue::new(candidates);
    let edited = apply(
        &live,
        &[term(
            TermKind::Industry,
            "healthcare",
            Some(("health", "Health")),
        )],
    );
    let django = &edited.catalogue.candidates()[0];
    assert_eq!(django.fits["health"].score.value(), 3);
    assert_eq!(django.use_cases[0].industry, slug("health"));
    assert_eq!(edited.names.industries["health"], "Health");
}

#[test]
fn an_edit_to_notes_alone_ranks_alike_and_one_to_a_score_or_name_does_not() {
    let live = knowledge();
    let edit = |record: FrameworkRecord| {
        apply(
            &live,
            &[Edit::Framework {
                original: Some("django".into()),
                record: Some(record),
            }],
        )
    };
    let mut reworded = record("django", 5);
    reworded.industries[0].fit = 3;
    reworded.summary = "A new summary".into();
    reworded.requirements[0].note = "Rewritten note".into();
    reworded.requirements[0].sources = vec!["https://example.com/docs".into()];
    assert!(ranks_alike(&live, &edit(reworded.clone())));
    // What the edit form sends: no rating's review date, the entry's own unchanged.
    let mut undated = reworded.clone();
    undated.requirements[0].reviewed = Some("2020-01-01".into());
    undated.industries[0].reviewed = None;
    undated.last_reviewed = Some("2021-02-03".into());
    assert!(ranks_alike(&live, &edit(undated)));

    let mut weaker = reworded.clone();
    weaker.requirements[0].strength = 4;
    assert!(!ranks_alike(&live, &edit(weaker)));
    let mut renamed = reworded.clone();
    renamed.name = "Django 6".into();
    assert!(!ranks_alike(&live, &edit(renamed)));
    let mut moved = reworded;
    moved.ring = "trial".into();
    assert!(!ranks_alike(&live, &edit(moved)));
    let renaming = term(
        TermKind::Requirement,
        "security",
        Some(("safety", "Safety")),
    );
    assert!(!ranks_alike(&live, &apply(&live, &[renaming])));
}
