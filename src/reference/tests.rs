use std::collections::HashMap;

use super::*;
use crate::knowledge::checks::Severity;
use crate::recommend::{Catalogue, Limits, Names, Ratings};
use crate::routes::recommendation::fixture::rank;

/// Django (security 5) first, Flask (security 4) second, Bottle (security 2) left out by
/// the must-have.
fn answer() -> Recommendation {
    rank(&[("django", 5), ("flask", 4), ("bottle", 2)], Limits::ALL)
}

fn question(expectation: &str, framework: &str) -> Question {
    Question {
        slug: "q".into(),
        name: "Q".into(),
        query: "industry=healthcare&need=security&lang=python".into(),
        expectation: expectation.into(),
        framework: framework.into(),
        ..Question::default()
    }
}

fn in_top(framework: &str, n: i64) -> Question {
    Question {
        top_n: Some(n),
        ..question("in-top", framework)
    }
}

fn above(framework: &str, other: &str) -> Question {
    Question {
        other: Some(other.into()),
        ..question("above", framework)
    }
}

#[test]
fn an_in_top_question_passes_within_its_n_and_fails_past_it() {
    assert!(judge(&in_top("flask", 2), &answer()).passed);
    let verdict = judge(&in_top("flask", 1), &answer());
    assert!(!verdict.passed);
    let seen = verdict.framework.unwrap();
    assert_eq!(seen.rank(), Some(2));
    assert!(!judge(&in_top("bottle", 3), &answer()).passed);
}

#[test]
fn an_above_question_passes_over_a_lower_or_excluded_framework_and_fails_for_a_missing_one() {
    assert!(judge(&above("django", "flask"), &answer()).passed);
    assert!(!judge(&above("flask", "django"), &answer()).passed);
    assert!(judge(&above("flask", "bottle"), &answer()).passed);
    let missing = judge(&above("django", "pyramid"), &answer());
    assert!(!missing.passed);
    assert_eq!(missing.other.unwrap().place, Place::Missing);
}

#[test]
fn an_excluded_question_passes_only_when_the_answer_leaves_the_framework_out() {
    let verdict = judge(&question("excluded", "bottle"), &answer());
    assert!(verdict.passed);
    let Place::Excluded { reasons } = verdict.framework.unwrap().place else {
        panic!("bottle is excluded");
    };
    assert!(reasons.contains("below the must-have minimum"), "{reasons}");
    assert!(!judge(&question("excluded", "django"), &answer()).passed);
}

#[test]
fn a_top_pick_question_passes_only_for_the_first_result_and_says_what_it_saw() {
    assert!(judge(&question("top-pick", "django"), &answer()).passed);
    let verdict = judge(&question("top-pick", "flask"), &answer());
    assert!(!verdict.passed);
    let seen = verdict.seen();
    assert!(seen.starts_with("FLASK #2 with "), "{seen}");
    assert!(seen.contains("top pick DJANGO ("), "{seen}");
    assert_eq!(verdict.word(), "fails");
}

#[test]
fn a_question_that_cannot_be_asked_fails_saying_why() {
    let verdict = Verdict::unanswerable("need: \"x\" is not a requirement".into());
    assert!(!verdict.passed);
    assert_eq!(
        verdict.seen(),
        "cannot be asked: need: \"x\" is not a requirement"
    );
}

fn knowledge() -> Knowledge {
    let answer_names = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(s, n)| ((*s).to_owned(), (*n).to_owned()))
            .collect()
    };
    let ranked = answer();
    let mut candidates = Vec::new();
    // The fixture's frameworks, as a catalogue the form's checks look frameworks up in.
    for slug in ranked
        .results
        .iter()
        .map(|r| r.slug.clone())
        .chain(ranked.excluded.iter().map(|e| e.slug.clone()))
    {
        candidates.push(crate::recommend::Candidate {
            slug: slug.clone(),
            name: slug.to_string(),
            languages: Vec::new(),
            ring: crate::domain::Ring::Adopt,
            strengths: Ratings::default(),
            fits: Ratings::default(),
            use_cases: Vec::new(),
            search_rank: None,
            last_reviewed: None,
        });
    }
    Knowledge {
        version: 1,
        catalogue: Catalogue::new(candidates),
        names: Names {
            requirements: answer_names(&[("security", "Security")]),
            industries: answer_names(&[("healthcare", "Healthcare")]),
            languages: answer_names(&[("python", "Python")]),
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

#[test]
fn the_form_checks_name_the_bad_query_parameter_and_store_the_query_canonical() {
    let mut bad = Question {
        query: "need=securty".into(),
        ..in_top("django", 3)
    };
    let errors = problems(&mut bad, &knowledge());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "query");
    assert!(
        errors[0].message.starts_with("need:"),
        "{}",
        errors[0].message
    );

    let mut pasted = Question {
        query: "http://localhost/?lang=python&industry=healthcare&need=security".into(),
        ..in_top("django", 3)
    };
    assert_eq!(problems(&mut pasted, &knowledge()), []);
    assert_eq!(
        pasted.query,
        "industry=healthcare&need=security&lang=python"
    );
}

#[test]
fn the_form_checks_ask_for_what_each_expectation_needs() {
    let fields = |mut q: Question| -> Vec<String> {
        problems(&mut q, &knowledge())
            .into_iter()
            .map(|e| e.field)
            .collect()
    };
    assert_eq!(fields(in_top("django", 0)), ["top_n"]);
    assert_eq!(fields(above("django", "django")), ["other"]);
    assert_eq!(fields(above("django", "pyramid")), ["other"]);
    assert_eq!(fields(question("top-pick", "pyramid")), ["framework"]);
    assert_eq!(fields(question("maybe", "django")), ["expectation"]);
    // What an expectation does not use is dropped rather than stored beside it.
    let mut excluded = Question {
        top_n: Some(3),
        other: Some("flask".into()),
        ..question("excluded", "bottle")
    };
    assert_eq!(problems(&mut excluded, &knowledge()), []);
    assert_eq!((excluded.top_n, excluded.other), (None, None));
}

#[test]
fn a_failing_seeded_question_is_an_error_and_an_editors_a_warning() {
    let failing = judge(&question("top-pick", "flask"), &answer());
    let passing = judge(&question("top-pick", "django"), &answer());
    let seeded = Question {
        seeded: true,
        slug: "seeded".into(),
        ..question("top-pick", "flask")
    };
    let found = findings(&[
        (seeded, failing.clone()),
        (question("top-pick", "flask"), failing),
        (question("top-pick", "django"), passing),
    ]);
    let severities: Vec<Severity> = found.iter().map(|f| f.severity).collect();
    assert_eq!(severities, [Severity::Error, Severity::Warning]);
    assert_eq!(found[0].location, "reference_questions[seeded]");
    assert_eq!(found[0].code, "reference-question-fails");
    assert!(
        found[0].message.contains("FLASK is the top pick"),
        "{}",
        found[0].message
    );
}

#[test]
fn every_seeded_question_is_well_formed_and_cites_the_article_and_the_knowledges_own_sources() {
    let questions = seed_questions();
    assert!(questions.len() >= 20, "{}", questions.len());
    let knowledge_sources = crate::knowledge::seed::SEED_JSON;
    for q in &questions {
        assert!(Slug::parse(&q.slug).is_ok(), "{}", q.slug);
        assert!(Expectation::of(q).is_some(), "{}", q.slug);
        assert!(!q.rationale.is_empty(), "{}", q.slug);
        let mut lines = q.source.lines();
        let article = lines.next().unwrap_or_default();
        assert!(
            article.starts_with("Source article (seed/backend-frameworks-for-mobile-apps.txt): "),
            "{}: {article}",
            q.slug
        );
        let urls: Vec<&str> = lines.collect();
        assert!(!urls.is_empty(), "{} cites no address", q.slug);
        for url in urls {
            assert!(
                knowledge_sources.contains(&format!("\"{url}\"")),
                "{}: {url} is not a source in seed/knowledge.json",
                q.slug
            );
        }
    }
    let mut slugs: Vec<&str> = questions.iter().map(|q| q.slug.as_str()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), questions.len(), "slugs are unique");
}

#[test]
fn a_pinned_answer_gives_its_first_three_and_orders_compare_by_framework() {
    let body = r#"{"results": [
        {"slug": "a", "name": "A", "score": 90.0, "rank": 1},
        {"slug": "b", "name": "B", "score": 80.0},
        {"slug": "c", "name": "C", "score": 70.0},
        {"slug": "d", "name": "D", "score": 60.0}], "excluded": []}"#;
    let top = pinned_top(body);
    let slugs: Vec<&str> = top.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["a", "b", "c"]);
    let mut rescored = top.clone();
    rescored[0].score = 91.0;
    assert!(same_order(&top, &rescored));
    rescored.swap(0, 1);
    assert!(!same_order(&top, &rescored));
    assert!(pinned_top("not json").is_empty());
}
