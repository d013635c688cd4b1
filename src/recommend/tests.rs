use proptest::prelude::*;

use super::*;

// The fixtures are shared with the firmness tests (`sensitivity/tests.rs`).
pub(super) const REQUIREMENTS: [&str; 4] =
    ["security", "real-time-updates", "scalability", "low-budget"];
pub(super) const INDUSTRIES: [&str; 2] = ["healthcare", "fintech"];

/// The day the tests rank on; every fixture rating was reviewed a month before it.
pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn a_month_ago() -> NaiveDate {
    today() - chrono::Duration::days(30)
}

/// Ranks `candidates` explaining everything, with search ranks from the candidates themselves.
pub(super) fn recommend(query: &Query, candidates: &[Candidate], names: &Names) -> Recommendation {
    let search: Vec<Option<f64>> = candidates.iter().map(|c| c.search_rank).collect();
    let catalogue = Catalogue::new(candidates.to_vec());
    rank(query, &catalogue, &search, names, Limits::ALL, today())
}

pub(super) fn score(v: u8) -> Score {
    Score::new(i64::from(v)).unwrap()
}

pub(super) fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap()
}

fn evidence_map(keys: &[&str], values: &[u8]) -> Ratings {
    keys.iter()
        .zip(values)
        .map(|(k, v)| {
            (
                slug(k),
                Evidence::noted(
                    score(*v),
                    Some(a_month_ago()),
                    format!("{k} is {v}"),
                    vec![format!("https://example.org/{k}")],
                ),
            )
        })
        .collect()
}

pub(super) fn candidate(
    slug: &str,
    language: &str,
    ring: Ring,
    strengths: [u8; 4],
    fits: [u8; 2],
) -> Candidate {
    Candidate {
        slug: self::slug(slug),
        name: slug.to_uppercase(),
        languages: vec![self::slug(language)],
        ring,
        strengths: evidence_map(&REQUIREMENTS, &strengths),
        fits: evidence_map(&INDUSTRIES, &fits),
        use_cases: vec![
            UseCaseRef {
                slug: self::slug(&format!("{slug}-portal")),
                name: format!("{slug} portal"),
                industry: self::slug("healthcare"),
            },
            UseCaseRef {
                slug: self::slug(&format!("{slug}-wallet")),
                name: format!("{slug} wallet"),
                industry: self::slug("fintech"),
            },
        ],
        search_rank: None,
        last_reviewed: Some(a_month_ago()),
    }
}

pub(super) fn names() -> Names {
    let map = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    Names {
        requirements: map(&[
            ("security", "Security"),
            ("real-time-updates", "Real-time updates"),
            ("scalability", "Scalability"),
            ("low-budget", "Low budget"),
        ]),
        industries: map(&[("healthcare", "Healthcare"), ("fintech", "Fintech")]),
        languages: map(&[("python", "Python"), ("kotlin", "Kotlin"), ("java", "Java")]),
        use_cases: map(&[
            ("ktor-portal", "Ktor portal"),
            ("spring-wallet", "Spring wallet"),
        ]),
    }
}

pub(super) fn knowledge() -> Vec<Candidate> {
    vec![
        candidate("django", "python", Ring::Adopt, [5, 2, 4, 4], [5, 4]),
        candidate("flask", "python", Ring::Adopt, [3, 2, 3, 5], [3, 3]),
        candidate("ktor", "kotlin", Ring::Trial, [4, 4, 4, 3], [2, 3]),
        candidate("spring", "java", Ring::Adopt, [5, 3, 5, 2], [4, 5]),
    ]
}

pub(super) fn query() -> Query {
    Query {
        industry: Some("healthcare".into()),
        need: vec!["security".into()],
        want: vec!["real-time-updates".into()],
        lang: vec!["python".into()],
        use_cases: Vec::new(),
        searching: false,
    }
}

pub(super) fn slugs(r: &Recommendation) -> Vec<&str> {
    r.results.iter().map(|r| r.slug.as_str()).collect()
}

#[test]
fn the_criteria_points_add_up_to_the_score() {
    let result = recommend(&query(), &knowledge(), &names());
    for ranked in &result.results {
        let sum: f64 = ranked.criteria.iter().map(|c| c.points).sum();
        assert!((sum - ranked.score).abs() < 0.5, "{ranked:?}");
        let max: f64 = ranked.criteria.iter().map(|c| c.max_points).sum();
        assert!((max - 100.0).abs() < 0.5);
    }
}

#[test]
fn a_use_case_lifts_the_frameworks_listed_for_it_and_explains_why() {
    let mut asked = query();
    asked.use_cases = vec!["ktor-portal".into()];
    let result = recommend(&asked, &knowledge(), &names());
    let ktor = result.results.iter().find(|r| r.slug == "ktor").unwrap();
    let criterion = ktor
        .criteria
        .iter()
        .find(|c| c.kind == CriterionKind::UseCase)
        .unwrap();
    assert_eq!(criterion.rating.value(), 5);
    assert_eq!(criterion.label, "Ktor portal");
    assert_eq!(criterion.weight, weight::USE_CASE);
    let django = result.results.iter().find(|r| r.slug == "django").unwrap();
    let unlisted = django
        .criteria
        .iter()
        .find(|c| c.kind == CriterionKind::UseCase)
        .unwrap();
    assert_eq!(unlisted.rating.value(), 0);
    assert!(unlisted.note.contains("Not listed"), "{}", unlisted.note);
    let before = recommend(&query(), &knowledge(), &names());
    let gap = |r: &Recommendation| {
        let score = |slug: &str| r.results.iter().find(|x| x.slug == slug).unwrap().score;
        score("django") - score("ktor")
    };
    assert!(gap(&result) < gap(&before), "Ktor gains on Django");
}

#[test]
fn the_worked_example_in_the_scoring_document_holds() {
    // docs/scoring.md walks through Django for this query: industry 5×3, security 5×2,
    // real-time 2×1, Python 5×2, adopt 5×1 = 42 of 45 → 93.3.
    let result = recommend(&query(), &knowledge(), &names());
    let django = result.results.iter().find(|r| r.slug == "django").unwrap();
    assert_eq!(django.score, 93.3);
    assert_eq!(result.results[0].slug, "django");
}

#[test]
fn a_must_have_below_the_minimum_excludes_with_its_reason() {
    let mut q = query();
    q.need = vec!["low-budget".into()];
    let result = recommend(&q, &knowledge(), &names());
    assert!(!slugs(&result).contains(&"spring"));
    let spring = result.excluded.iter().find(|e| e.slug == "spring").unwrap();
    assert_eq!(
        spring.reasons,
        vec![Exclusion::MustHave {
            requirement: "low-budget".into(),
            label: "Low budget".into(),
            strength: 2,
            minimum: MUST_HAVE_MINIMUM,
            note: "low-budget is 2".into(),
            sources: vec!["https://example.org/low-budget".into()],
        }]
    );
    assert_eq!(
        spring.reasons[0].describe(),
        "Low budget: 2 of 5, below the must-have minimum of 4"
    );
}

#[test]
fn the_must_have_that_excludes_most_is_named() {
    let mut q = query();
    q.need = vec!["security".into(), "real-time-updates".into()];
    let result = recommend(&q, &knowledge(), &names());
    assert_eq!(
        result.most_excluding_need(),
        Some(("Real-time updates".to_owned(), 3))
    );
}

#[test]
fn a_team_language_counts_fully_and_a_related_one_partly() {
    let q = Query {
        lang: vec!["kotlin".into()],
        ..Query::default()
    };
    let result = recommend(&q, &knowledge(), &names());
    let rating = |slug: &str| {
        let r = result.results.iter().find(|r| r.slug == slug).unwrap();
        let c = r
            .criteria
            .iter()
            .find(|c| c.kind == CriterionKind::Language)
            .unwrap();
        c.rating.value()
    };
    assert_eq!(rating("ktor"), 5);
    assert_eq!(rating("spring"), 3);
    assert_eq!(rating("django"), 0);
}

#[test]
fn a_platform_used_from_several_languages_counts_fully_for_a_team_knowing_any_of_them() {
    let mut platform = candidate("firebase", "javascript", Ring::Adopt, [3, 5, 3, 4], [4, 3]);
    platform.languages = ["dart", "javascript", "kotlin", "swift"].map(slug).to_vec();
    let mut candidates = knowledge();
    candidates.push(platform);
    let team_language = |team: &str| {
        let q = Query {
            lang: vec![team.into()],
            ..Query::default()
        };
        let result = recommend(&q, &candidates, &names());
        let firebase = result
            .results
            .iter()
            .find(|r| r.slug == "firebase")
            .unwrap();
        let criterion = firebase
            .criteria
            .iter()
            .find(|c| c.kind == CriterionKind::Language)
            .unwrap()
            .clone();
        (criterion.rating.value(), criterion.note)
    };
    let (swift, note) = team_language("swift");
    assert_eq!(swift, 5);
    assert!(note.contains("which the team knows"), "{note}");
    assert_eq!(team_language("dart").0, 5);
    // TypeScript is JavaScript's close relative.
    assert_eq!(team_language("typescript").0, 3);
    let (python, note) = team_language("python");
    assert_eq!(python, 0);
    assert!(note.contains("the team lists none of these"), "{note}");
}

#[test]
fn each_rating_in_the_breakdown_carries_the_sources_it_cites() {
    let result = recommend(&query(), &knowledge(), &names());
    let django = &result.results[0];
    let security = django
        .criteria
        .iter()
        .find(|c| c.subject == "security")
        .unwrap();
    assert_eq!(security.sources, ["https://example.org/security"]);
    let maturity = django
        .criteria
        .iter()
        .find(|c| c.kind == CriterionKind::Maturity)
        .unwrap();
    assert!(maturity.sources.is_empty());
}

#[test]
fn an_empty_query_ranks_by_maturity_then_name() {
    let result = recommend(&Query::default(), &knowledge(), &names());
    assert_eq!(slugs(&result), ["django", "flask", "spring", "ktor"]);
    assert!(result.excluded.is_empty());
}

#[test]
fn top_two_within_the_margin_is_a_close_call() {
    let result = recommend(&Query::default(), &knowledge(), &names());
    let close = result.close_call.unwrap();
    assert_eq!(
        (close.first.as_str(), close.second.as_str()),
        ("DJANGO", "FLASK")
    );
    assert_eq!(close.margin, 0.0);

    let clear = recommend(&query(), &knowledge(), &names());
    assert!(clear.close_call.is_none(), "{:?}", clear.close_call);
}

#[test]
fn search_excludes_non_matches_and_rates_the_best_match_highest() {
    let mut candidates = knowledge();
    candidates[0].search_rank = Some(-4.0);
    candidates[1].search_rank = Some(-1.0);
    let q = Query {
        searching: true,
        ..Query::default()
    };
    let result = recommend(&q, &candidates, &names());
    assert_eq!(slugs(&result), ["django", "flask"]);
    let ratings: Vec<u8> = result
        .results
        .iter()
        .map(|r| {
            r.criteria
                .iter()
                .find(|c| c.kind == CriterionKind::Search)
                .unwrap()
                .rating
                .value()
        })
        .collect();
    assert_eq!(ratings, [5, 1]);
    assert!(
        result
            .excluded
            .iter()
            .all(|e| e.reasons == [Exclusion::NoSearchMatch])
    );
}

#[test]
fn use_cases_shown_are_those_of_the_chosen_industry() {
    let result = recommend(&query(), &knowledge(), &names());
    assert_eq!(result.results[0].use_cases, ["django portal"]);
    let all = recommend(&Query::default(), &knowledge(), &names());
    assert_eq!(all.results[0].use_cases.len(), 2);
}

#[test]
fn a_requirement_both_needed_and_wanted_counts_once_as_a_must_have() {
    let mut q = query();
    q.want.push("security".into());
    q.need.push("security".into());
    let result = recommend(&q, &knowledge(), &names());
    let criteria = &result.results[0].criteria;
    assert_eq!(
        criteria.iter().filter(|c| c.subject == "security").count(),
        1
    );
    assert_eq!(recommend(&query(), &knowledge(), &names()), result);
}

pub(super) fn arb_candidates() -> impl Strategy<Value = Vec<Candidate>> {
    let ring = prop::sample::select(Ring::ALL.to_vec());
    let language = prop::sample::select(vec!["python", "kotlin", "java", "php"]);
    prop::collection::vec(
        (
            ring,
            language,
            prop::array::uniform4(0u8..=5),
            prop::array::uniform2(0u8..=5),
        ),
        1..8,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (ring, language, strengths, fits))| {
                candidate(&format!("fw{i}"), language, ring, strengths, fits)
            })
            .collect()
    })
}

pub(super) fn arb_query() -> impl Strategy<Value = Query> {
    let req = prop::sample::select(REQUIREMENTS.to_vec()).prop_map(String::from);
    (
        prop::option::of(prop::sample::select(INDUSTRIES.to_vec()).prop_map(String::from)),
        prop::collection::vec(req.clone(), 0..3),
        prop::collection::vec(req, 0..3),
        prop::collection::vec(
            prop::sample::select(vec!["python", "kotlin", "java"]).prop_map(String::from),
            0..2,
        ),
        prop::collection::vec(
            prop::sample::select(vec![
                "fw0-portal",
                "fw1-wallet",
                "fw2-portal",
                "nobody-kiosk",
            ])
            .prop_map(String::from),
            0..2,
        ),
    )
        .prop_map(|(industry, need, want, lang, use_cases)| Query {
            industry,
            need,
            want,
            lang,
            use_cases,
            searching: false,
        })
}

proptest! {
    #[test]
    fn adding_a_must_have_never_adds_a_result(
        candidates in arb_candidates(),
        q in arb_query(),
        extra in prop::sample::select(REQUIREMENTS.to_vec()),
    ) {
        let before = recommend(&q, &candidates, &names());
        let mut stricter = q.clone();
        stricter.need.push(extra.to_owned());
        let after = recommend(&stricter, &candidates, &names());
        for slug in slugs(&after) {
            prop_assert!(slugs(&before).contains(&slug));
        }
        prop_assert_eq!(after.results.len() + after.excluded.len(), candidates.len());
    }

    #[test]
    fn raising_one_strength_never_lowers_that_frameworks_score(
        candidates in arb_candidates(),
        q in arb_query(),
        which in 0usize..8,
        requirement in prop::sample::select(REQUIREMENTS.to_vec()),
    ) {
        let index = which % candidates.len();
        let before = recommend(&q, &candidates, &names());
        let mut raised = candidates.clone();
        let entry = raised[index].strengths.get_mut(requirement).unwrap();
        entry.score = score((entry.score.value() + 1).min(5));
        let after = recommend(&q, &raised, &names());
        let slug = &candidates[index].slug;
        let find = |r: &Recommendation| r.results.iter().find(|x| &x.slug == slug).map(|x| x.score);
        if let Some(old) = find(&before) {
            prop_assert!(find(&after).unwrap() >= old);
        }
    }

    #[test]
    fn results_are_stable_under_input_order(
        candidates in arb_candidates(),
        q in arb_query(),
    ) {
        let forward = recommend(&q, &candidates, &names());
        let mut reversed_candidates = candidates.clone();
        reversed_candidates.reverse();
        let mut reversed_query = q.clone();
        reversed_query.lang.reverse();
        let backward = recommend(&reversed_query, &reversed_candidates, &names());
        prop_assert_eq!(slugs(&forward), slugs(&backward));
        prop_assert_eq!(&forward.excluded, &backward.excluded);
    }

    #[test]
    fn every_score_is_between_zero_and_a_hundred(
        candidates in arb_candidates(),
        q in arb_query(),
    ) {
        let result = recommend(&q, &candidates, &names());
        for r in &result.results {
            prop_assert!((0.0..=100.0).contains(&r.score));
        }
        let scores: Vec<f64> = result.results.iter().map(|r| r.score).collect();
        prop_assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn explaining_only_the_best_gives_a_prefix_of_the_full_answer(
        candidates in arb_candidates(),
        q in arb_query(),
        shown in 0usize..4,
        excluded_shown in 0usize..4,
    ) {
        let full = recommend(&q, &candidates, &names());
        let search: Vec<Option<f64>> = candidates.iter().map(|c| c.search_rank).collect();
        let limits = Limits { results: shown, excluded: excluded_shown };
        let limited = rank(&q, &Catalogue::new(candidates.clone()), &search, &names(), limits, today());
        let explained = shown.min(full.results.len());
        prop_assert_eq!(&limited.results[..], &full.results[..explained]);
        prop_assert_eq!(&limited.excluded[..], &full.excluded[..excluded_shown.min(full.excluded.len())]);
        prop_assert_eq!(limited.total_results, full.results.len());
        prop_assert_eq!(limited.total_excluded, full.excluded.len());
        prop_assert_eq!(&limited.close_call, &full.close_call);
        prop_assert_eq!(limited.most_excluding_need(), full.most_excluding_need());
    }

    #[test]
    fn pages_from_any_position_are_slices_of_the_full_answer(
        candidates in arb_candidates(),
        q in arb_query(),
        skip in 0usize..6,
        size in 1usize..4,
    ) {
        let full = recommend(&q, &candidates, &names());
        let search: Vec<Option<f64>> = candidates.iter().map(|c| c.search_rank).collect();
        let limits = Limits { results: size, excluded: size };
        let page = rank_from(&q, &Catalogue::new(candidates.clone()), &search, &names(), skip, limits, today());
        let slice = |len: usize| skip.min(len)..(skip + size).min(len);
        prop_assert_eq!(&page.results[..], &full.results[slice(full.results.len())]);
        prop_assert_eq!(&page.excluded[..], &full.excluded[slice(full.excluded.len())]);
        prop_assert_eq!(page.total_results, full.results.len());
        prop_assert_eq!(page.total_excluded, full.excluded.len());
        prop_assert_eq!(&page.close_call, &full.close_call);
        prop_assert_eq!(&page.firmness, &full.firmness);
    }

    #[test]
    fn the_top_pick_alone_is_the_first_result_of_the_full_answer(
        candidates in arb_candidates(),
        q in arb_query(),
    ) {
        let full = recommend(&q, &candidates, &names());
        let search: Vec<Option<f64>> = candidates.iter().map(|c| c.search_rank).collect();
        let catalogue = Catalogue::new(candidates.clone());
        prop_assert_eq!(top_pick(&q, &catalogue, &search), full.results.first().map(|r| &r.slug));
    }

    #[test]
    fn a_score_set_on_a_working_copy_ranks_as_the_rating_changed_would(
        candidates in arb_candidates(),
        q in arb_query(),
        which in 0usize..8,
        requirement in prop::sample::select(REQUIREMENTS.to_vec()),
        value in 0u8..=5,
    ) {
        let index = which % candidates.len();
        let mut changed = candidates.clone();
        changed[index].strengths.get_mut(requirement).unwrap().score = score(value);
        let expected = recommend(&q, &changed, &names());

        let search: Vec<Option<f64>> = candidates.iter().map(|c| c.search_rank).collect();
        let mut working = Catalogue::new(candidates.clone());
        let row = working.candidates().iter().position(|c| c.slug == candidates[index].slug).unwrap();
        let before = working.set_score(row, RatingKind::Requirement, requirement, score(value));
        prop_assert_eq!(before, Some(candidates[index].strengths[requirement].score));
        prop_assert_eq!(top_pick(&q, &working, &search), expected.results.first().map(|r| &r.slug));
    }
}

#[test]
fn ratings_collected_in_any_order_are_found_by_subject_and_of_two_the_later_wins() {
    let rated = |value: u8| Evidence {
        score: score(value),
        reviewed: None,
        notes: None,
    };
    let ratings: Ratings = [
        (slug("speed"), rated(2)),
        (slug("audit"), rated(1)),
        (slug("speed"), rated(4)),
        (slug("memory"), rated(3)),
    ]
    .into_iter()
    .collect();
    let subjects: Vec<&str> = ratings.keys().map(Slug::as_str).collect();
    assert_eq!(subjects, ["audit", "memory", "speed"]);
    assert_eq!(ratings["speed"].score, score(4));
    assert_eq!(ratings.get("memory").map(|e| e.score), Some(score(3)));
    assert!(ratings.get("latency").is_none());
}

#[test]
fn inserting_and_removing_ratings_keeps_them_in_slug_order() {
    let mut ratings = Ratings::default();
    for (subject, value) in [("m", 1), ("c", 2), ("x", 3), ("a", 4)] {
        let evidence = Evidence::noted(score(value), None, format!("{subject} note"), Vec::new());
        assert!(ratings.insert(slug(subject), evidence).is_none());
    }
    let replaced = ratings.insert(
        slug("c"),
        Evidence::noted(score(5), None, "new".into(), vec![]),
    );
    assert_eq!(
        replaced.map(|e| e.note().to_owned()),
        Some("c note".to_owned())
    );
    assert_eq!(ratings.remove("m").map(|e| e.score), Some(score(1)));
    assert!(ratings.remove("m").is_none());
    let held: Vec<(&str, u8)> = ratings
        .iter()
        .map(|(s, e)| (s.as_str(), e.score.value()))
        .collect();
    assert_eq!(held, [("a", 4), ("c", 5), ("x", 3)]);
    assert_eq!(ratings["c"].note(), "new");
}

/// The knowledge in memory holds one of these per rating: 560,000 at 10,000 frameworks, so
/// each byte here is half a megabyte there (docs/performance.md, "Ten thousand frameworks").
#[test]
fn a_rating_held_in_memory_takes_thirty_two_bytes_with_its_subject() {
    assert_eq!(std::mem::size_of::<Evidence>(), 16);
    assert_eq!(std::mem::size_of::<(Slug, Evidence)>(), 32);
    let shared = slug("security");
    let copy = shared.clone();
    assert!(
        std::ptr::eq(shared.as_str(), copy.as_str()),
        "a cloned slug shares its text"
    );
}
