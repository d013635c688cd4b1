use std::cmp::Reverse;

use proptest::prelude::*;

use super::*;
use crate::recommend::tests::{
    INDUSTRIES, REQUIREMENTS, arb_candidates, arb_query, candidate, knowledge, names, query,
    recommend, score, slug, slugs, today,
};
use crate::recommend::{Candidate, Evidence, Query, Recommendation};

/// Security must, real-time updates nice, no industry or team language: the sums are
/// security × 2 + real-time × 1 + maturity.
fn two_way_query() -> Query {
    Query {
        need: vec!["security".into()],
        want: vec!["real-time-updates".into()],
        ..Query::default()
    }
}

/// Django (adopt, security 5, real-time 3: 18) just ahead of `rival` (adopt, security 5,
/// real-time 2: 17).
fn close_pair(rival: &str) -> Vec<Candidate> {
    vec![
        candidate("django", "python", Ring::Adopt, [5, 3, 2, 2], [5, 4]),
        candidate(rival, "php", Ring::Adopt, [5, 2, 2, 2], [4, 4]),
    ]
}

fn sensitivity(r: &Recommendation) -> &Sensitivity {
    r.firmness.sensitivity.as_ref().expect("a single change")
}

fn rating(r: &Recommendation) -> &RatingChange {
    sensitivity(r).rating().expect("a rating change")
}

fn interval(r: &Recommendation, kind: CriterionKind) -> &StabilityInterval {
    r.firmness
        .stability
        .iter()
        .find(|i| i.kind == kind)
        .unwrap_or_else(|| panic!("an interval for {kind:?}"))
}

fn set_reviewed(candidates: &mut [Candidate], framework: &str, requirement: &str, day: NaiveDate) {
    let c = candidates.iter_mut().find(|c| c.slug == framework).unwrap();
    c.strengths.get_mut(requirement).unwrap().reviewed = Some(day);
}

#[test]
fn a_one_point_fall_of_the_winners_rating_that_flips_it_is_named() {
    // Django leads by 1 and wins ties by name: a nice-to-have point (1) only ties, so the
    // smallest change is a must-have point (2).
    let result = recommend(&two_way_query(), &close_pair("laravel"), &names());
    assert_eq!(slugs(&result), ["django", "laravel"]);
    let s = sensitivity(&result);
    assert_eq!(s.winner.slug, "django");
    assert_eq!(s.runner_up.slug, "laravel");
    let change = rating(&result);
    assert_eq!(
        (
            change.framework.slug.as_str(),
            change.kind,
            change.subject.as_str()
        ),
        ("django", CriterionKind::MustHave, "security")
    );
    assert_eq!((change.from, change.to, change.excludes), (5, 4, false));
    assert_eq!(
        s.describe(),
        "LARAVEL would be first if DJANGO's Security fell from 5 to 4"
    );
    assert!(!s.is_fragile(), "reviewed a month ago");
}

#[test]
fn a_runner_up_that_wins_ties_is_put_first_by_the_smallest_point() {
    // Bottle sorts before Django, so a one-point nice-to-have change (weight 1) that only
    // ties them is enough; the winner's falling is named before the runner-up's rising.
    let result = recommend(&two_way_query(), &close_pair("bottle"), &names());
    let change = rating(&result);
    assert_eq!(
        (change.framework.slug.as_str(), change.subject.as_str()),
        ("django", "real-time-updates")
    );
    assert_eq!((change.from, change.to), (3, 2));
}

#[test]
fn of_equally_small_changes_the_one_overdue_for_review_is_named_and_makes_the_advice_fragile() {
    let mut candidates = close_pair("bottle");
    let long_ago = today() - chrono::Duration::days(REVIEW_INTERVAL_DAYS + 20);
    set_reviewed(&mut candidates, "bottle", "real-time-updates", long_ago);
    let result = recommend(&two_way_query(), &candidates, &names());
    let s = sensitivity(&result);
    let change = rating(&result);
    assert_eq!(
        (change.framework.slug.as_str(), change.from, change.to),
        ("bottle", 2, 3)
    );
    assert_eq!(change.reviewed, Some(long_ago));
    assert_eq!(
        s.fragility,
        [Fragility::ReviewOverdue {
            reviewed: Some(long_ago),
            days: Some(REVIEW_INTERVAL_DAYS + 20),
        }]
    );
    assert_eq!(
        s.describe(),
        "BOTTLE would be first if its Real-time updates rose from 2 to 3"
    );
    let why = s.fragility[0].describe(change);
    assert!(
        why.starts_with("BOTTLE's Real-time updates rating was last reviewed on "),
        "{why}"
    );
    assert!(why.contains("200 days ago"), "{why}");
}

#[test]
fn a_rating_never_reviewed_falls_back_to_its_frameworks_date_and_else_is_fragile() {
    let mut candidates = close_pair("laravel");
    let django = candidates.iter_mut().find(|c| c.slug == "django").unwrap();
    django.strengths.get_mut("security").unwrap().reviewed = None;
    let result = recommend(&two_way_query(), &candidates, &names());
    assert_eq!(rating(&result).reviewed, candidates[0].last_reviewed);
    assert!(!sensitivity(&result).is_fragile());

    candidates[0].last_reviewed = None;
    let result = recommend(&two_way_query(), &candidates, &names());
    let s = sensitivity(&result);
    assert_eq!(
        s.fragility,
        [Fragility::ReviewOverdue {
            reviewed: None,
            days: None
        }]
    );
    assert_eq!(
        s.fragility[0].describe(rating(&result)),
        "DJANGO's Security rating has never been reviewed."
    );
}

#[test]
fn a_winner_far_ahead_falls_only_by_dropping_below_a_must_have() {
    // Django leads by 10 but is only just strong enough at security.
    let candidates = vec![
        candidate("django", "python", Ring::Adopt, [4, 5, 2, 2], [5, 4]),
        candidate("laravel", "php", Ring::Adopt, [5, 0, 2, 2], [4, 4]),
    ];
    let mut asked = two_way_query();
    asked.lang = vec!["python".into()];
    let result = recommend(&asked, &candidates, &names());
    assert_eq!(slugs(&result), ["django", "laravel"]);
    let change = rating(&result);
    assert_eq!(
        (
            change.subject.as_str(),
            change.from,
            change.to,
            change.excludes
        ),
        ("security", 4, 3, true)
    );
    assert_eq!(
        sensitivity(&result).describe(),
        "LARAVEL would be first if DJANGO's Security fell from 4 to 3, below the must-have \
         minimum of 4, which leaves DJANGO out"
    );
}

#[test]
fn a_missing_rating_of_the_runner_up_can_be_recorded_as_one() {
    // Django and Flask both 15, Django first by name; Django has no real-time point to
    // lose, and Flask has no real-time rating at all.
    let mut candidates = close_pair("flask");
    candidates[0]
        .strengths
        .get_mut("real-time-updates")
        .unwrap()
        .score = score(0);
    candidates[1].strengths.remove("real-time-updates");
    let result = recommend(&two_way_query(), &candidates, &names());
    assert_eq!(slugs(&result), ["django", "flask"]);
    let change = rating(&result);
    assert_eq!(
        (change.framework.slug.as_str(), change.subject.as_str()),
        ("flask", "real-time-updates")
    );
    assert_eq!((change.from, change.to), (0, 1));
}

#[test]
fn when_no_rating_moves_it_the_smallest_query_change_is_named() {
    // Laravel leads by the industry alone (fit 5 against 3: 30 to 24), more than any one
    // point moves; without the industry they tie and Django sorts first.
    let candidates = vec![
        candidate("django", "python", Ring::Adopt, [5, 2, 2, 2], [3, 4]),
        candidate("laravel", "php", Ring::Adopt, [5, 2, 2, 2], [5, 4]),
    ];
    let asked = Query {
        industry: Some("healthcare".into()),
        need: vec!["security".into()],
        ..Query::default()
    };
    let result = recommend(&asked, &candidates, &names());
    assert_eq!(slugs(&result), ["laravel", "django"]);
    let s = sensitivity(&result);
    assert_eq!(
        s.change,
        Change::IndustryRemoved {
            industry: "healthcare".into(),
            label: "Healthcare".into()
        }
    );
    assert_eq!(
        s.describe(),
        "DJANGO would be first if no industry were chosen (rather than Healthcare)"
    );
    assert!(!s.is_fragile(), "a query change rests on no rating");
}

#[test]
fn a_nice_to_have_made_a_must_have_can_leave_the_winner_out() {
    let candidates = vec![
        candidate("django", "python", Ring::Adopt, [5, 3, 5, 2], [5, 4]),
        candidate("laravel", "php", Ring::Adopt, [4, 4, 2, 2], [4, 4]),
    ];
    let asked = Query {
        industry: Some("healthcare".into()),
        want: vec!["real-time-updates".into()],
        lang: vec!["python".into()],
        ..Query::default()
    };
    // Django 15 + 3 + 10 + 5 = 33 against Laravel's 12 + 4 + 0 + 5 = 21: no point moves
    // that, nor dropping real-time updates; requiring them leaves Django (3) out.
    let result = recommend(&asked, &candidates, &names());
    assert_eq!(slugs(&result), ["django", "laravel"]);
    let s = sensitivity(&result);
    assert_eq!(
        s.change,
        Change::WantBecomesNeed {
            requirement: "real-time-updates".into(),
            label: "Real-time updates".into()
        }
    );
    assert_eq!(
        s.describe(),
        "LARAVEL would be first if Real-time updates were a must-have"
    );
}

#[test]
fn a_nice_to_have_the_winner_is_far_stronger_at_can_be_dropped() {
    // Django leads 21 to 17, all of it and more from real-time updates (5 against 0).
    let candidates = vec![
        candidate("django", "python", Ring::Adopt, [5, 5, 1, 2], [5, 4]),
        candidate("laravel", "php", Ring::Adopt, [5, 0, 2, 2], [5, 4]),
    ];
    let mut asked = two_way_query();
    asked.want.push("scalability".into());
    let result = recommend(&asked, &candidates, &names());
    assert_eq!(slugs(&result), ["django", "laravel"]);
    assert_eq!(
        sensitivity(&result).change,
        Change::WantDropped {
            requirement: "real-time-updates".into(),
            label: "Real-time updates".into()
        }
    );
    assert_eq!(
        sensitivity(&result).describe(),
        "LARAVEL would be first if Real-time updates were dropped from the nice-to-haves"
    );
}

#[test]
fn with_no_single_change_there_is_no_sensitivity_but_there_are_intervals() {
    // The scoring document's example: Django 42, Spring 30, Ktor 22.
    let result = recommend(&query(), &knowledge(), &names());
    assert_eq!(slugs(&result), ["django", "spring", "ktor"]);
    assert_eq!(result.firmness.sensitivity, None);
    let kinds: Vec<CriterionKind> = result.firmness.stability.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [
            CriterionKind::Industry,
            CriterionKind::MustHave,
            CriterionKind::NiceToHave,
            CriterionKind::Language,
            CriterionKind::Maturity
        ]
    );
    // Real-time updates: Django 2, Spring 3, Ktor 4. Spring bounds the weight at
    // 1 + 12 / 1 = 13, Ktor at 1 + 20 / 2 = 11; Django wins ties with both, so 11 is kept.
    let want = interval(&result, CriterionKind::NiceToHave);
    assert_eq!(want.weight, 1);
    assert_eq!(
        want.lower,
        Bound {
            value: Ratio::whole(0),
            inclusive: true
        }
    );
    assert_eq!(
        want.upper,
        Some(Bound {
            value: Ratio::whole(11),
            inclusive: true
        })
    );
    assert_eq!(want.describe("Django"), "Django stays first from 0 to 11");
    assert_eq!(
        interval(&result, CriterionKind::Industry).describe("Django"),
        "Django stays first at any weight"
    );
}

#[test]
fn the_firmness_example_in_the_scoring_document_holds() {
    // docs/scoring.md, "How firm is the winner": Django 15 + 10 + 0 + 5 = 30, Bottle
    // 6 + 10 + 5 + 5 = 26; Bottle sorts first, so it wins any tie.
    let candidates = vec![
        candidate("django", "python", Ring::Adopt, [5, 0, 2, 2], [5, 4]),
        candidate("bottle", "python", Ring::Adopt, [5, 5, 2, 2], [2, 4]),
    ];
    let asked = Query {
        industry: Some("healthcare".into()),
        ..two_way_query()
    };
    let result = recommend(&asked, &candidates, &names());
    assert_eq!(slugs(&result), ["django", "bottle"]);
    assert_eq!((result.results[0].raw, result.results[1].raw), (30, 26));
    // A point moves the lead by 3 at most; requiring real-time updates leaves Django out.
    assert_eq!(
        sensitivity(&result).describe(),
        "BOTTLE would be first if Real-time updates were a must-have"
    );
    // Industry: Django 15 + 5w against Bottle 20 + 2w, level at w = 5/3, where Bottle wins.
    let industry = interval(&result, CriterionKind::Industry);
    assert_eq!(
        industry.lower,
        Bound {
            value: Ratio::new(5, 3),
            inclusive: false
        }
    );
    assert_eq!(industry.upper, None);
    assert_eq!(
        industry.describe("Django"),
        "Django stays first from just above 1.67 upwards"
    );
    assert!(!industry.contains(Ratio::new(5, 3)));
    assert!(industry.contains(Ratio::new(17, 10)));
    // Real-time updates: Django 0, Bottle 5, so the end is 1 + 4/5 = 9/5.
    let want = interval(&result, CriterionKind::NiceToHave);
    assert_eq!(
        want.upper,
        Some(Bound {
            value: Ratio::new(9, 5),
            inclusive: false
        })
    );
    assert_eq!(
        want.describe("Django"),
        "Django stays first from 0 to just below 1.8"
    );
    // Equal at security and on the ring: any weight.
    for kind in [CriterionKind::MustHave, CriterionKind::Maturity] {
        assert_eq!(
            interval(&result, kind).describe("Django"),
            "Django stays first at any weight"
        );
    }
}

#[test]
fn one_result_or_none_has_no_firmness() {
    let only = vec![candidate(
        "django",
        "python",
        Ring::Adopt,
        [5, 3, 2, 2],
        [5, 4],
    )];
    let result = recommend(&two_way_query(), &only, &names());
    assert_eq!(result.results.len(), 1);
    assert_eq!(result.firmness, Firmness::default());

    let mut asked = two_way_query();
    asked
        .need
        .extend(["real-time-updates".into(), "low-budget".into()]);
    let result = recommend(&asked, &knowledge(), &names());
    assert!(result.results.is_empty());
    assert_eq!(result.firmness, Firmness::default());
}

#[test]
fn ratios_are_kept_in_lowest_terms_and_read_plainly() {
    assert_eq!(Ratio::new(6, 4), Ratio::new(3, 2));
    assert_eq!(
        (Ratio::new(6, 4).numerator(), Ratio::new(6, 4).denominator()),
        (3, 2)
    );
    assert_eq!(Ratio::new(0, 7), Ratio::whole(0));
    assert_eq!(Ratio::new(3, 2).readable(), "1.5");
    assert_eq!(Ratio::new(7, 3).readable(), "2.33");
    assert_eq!(Ratio::new(14, 2).readable(), "7");
    assert!(Ratio::new(5, 3) < Ratio::new(17, 10));
    assert_eq!(Ratio::new(1, 3).to_f64(), 1.0 / 3.0);
}

// Properties: the answer is checked against the engine itself, ranking again with the change
// applied (or the weight moved), never against the arithmetic above.

/// The knowledge and query after `change`.
fn apply(change: &Change, candidates: &[Candidate], asked: &Query) -> (Vec<Candidate>, Query) {
    let mut candidates = candidates.to_vec();
    let mut asked = asked.clone();
    let drop = |list: &mut Vec<String>, slug: &str| list.retain(|s| s != slug);
    match change {
        Change::Rating(r) => set_rating(
            &mut candidates,
            r.framework.slug.as_str(),
            r.kind,
            &r.subject,
            r.to,
        ),
        Change::WantDropped { requirement, .. } => drop(&mut asked.want, requirement),
        Change::UseCaseDropped { use_case, .. } => drop(&mut asked.use_cases, use_case),
        Change::WantBecomesNeed { requirement, .. } => {
            drop(&mut asked.want, requirement);
            asked.need.push(requirement.clone());
        }
        Change::NeedDropped { requirement, .. } => {
            drop(&mut asked.need, requirement);
            drop(&mut asked.want, requirement);
        }
        Change::IndustryRemoved { .. } => asked.industry = None,
    }
    (candidates, asked)
}

fn set_rating(
    candidates: &mut [Candidate],
    framework: &str,
    kind: CriterionKind,
    subject: &str,
    value: u8,
) {
    let c = candidates.iter_mut().find(|c| c.slug == framework).unwrap();
    let ratings = if kind == CriterionKind::Industry {
        &mut c.fits
    } else {
        &mut c.strengths
    };
    match ratings.get_mut(subject) {
        Some(held) => held.score = score(value),
        None => {
            let rating = Evidence {
                score: score(value),
                reviewed: None,
                notes: None,
            };
            ratings.insert(slug(subject), rating);
        }
    }
}

/// How big a change is, as [`Sensitivity`] orders them (within a size, ties are broken by
/// review, side and place, which these properties do not check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Size {
    Rating { weight: u32 },
    Exclusion,
    Query { place: u8 },
}

fn size(change: &Change) -> Size {
    match change {
        Change::Rating(r) if r.excludes => Size::Exclusion,
        Change::Rating(r) => Size::Rating {
            weight: r.kind.weight(),
        },
        Change::WantDropped { .. } => Size::Query { place: 0 },
        Change::UseCaseDropped { .. } => Size::Query { place: 1 },
        Change::WantBecomesNeed { .. } => Size::Query { place: 2 },
        Change::NeedDropped { .. } => Size::Query { place: 3 },
        Change::IndustryRemoved { .. } => Size::Query { place: 4 },
    }
}

/// Every single change to try, by brute force: any framework's rating of any of the query's
/// rated criteria up or down a point within 0–5 (not only the top two's), and every query
/// change.
fn every_change(candidates: &[Candidate], asked: &Query) -> Vec<(Size, Change)> {
    let mut changes = Vec::new();
    let mut rated: Vec<(CriterionKind, &str)> = Vec::new();
    if let Some(industry) = &asked.industry {
        rated.push((CriterionKind::Industry, industry));
    }
    let mut seen = std::collections::BTreeSet::new();
    for need in &asked.need {
        if seen.insert(need.as_str()) {
            rated.push((CriterionKind::MustHave, need));
        }
    }
    let mut wants = Vec::new();
    for want in &asked.want {
        if seen.insert(want.as_str()) {
            rated.push((CriterionKind::NiceToHave, want));
            wants.push(want.clone());
        }
    }
    for c in candidates {
        for &(kind, subject) in &rated {
            let ratings = if kind == CriterionKind::Industry {
                &c.fits
            } else {
                &c.strengths
            };
            let from = ratings.get(subject).map_or(0, |e| e.score.value());
            for to in [from.checked_sub(1), (from < 5).then_some(from + 1)]
                .into_iter()
                .flatten()
            {
                let crosses = kind == CriterionKind::MustHave
                    && (from < MUST_HAVE_MINIMUM) != (to < MUST_HAVE_MINIMUM);
                let change = Change::Rating(RatingChange {
                    framework: Contender {
                        slug: c.slug.clone(),
                        name: c.name.clone(),
                    },
                    kind,
                    subject: subject.to_owned(),
                    label: String::new(),
                    from,
                    to,
                    excludes: crosses,
                    reviewed: None,
                });
                let size = if crosses {
                    Size::Exclusion
                } else {
                    Size::Rating {
                        weight: kind.weight(),
                    }
                };
                changes.push((size, change));
            }
        }
    }
    let query_change = |change: Change| (size(&change), change);
    for want in &wants {
        changes.push(query_change(Change::WantDropped {
            requirement: want.clone(),
            label: String::new(),
        }));
        changes.push(query_change(Change::WantBecomesNeed {
            requirement: want.clone(),
            label: String::new(),
        }));
    }
    for use_case in &asked.use_cases {
        changes.push(query_change(Change::UseCaseDropped {
            use_case: use_case.clone(),
            label: String::new(),
        }));
    }
    for need in &asked.need {
        changes.push(query_change(Change::NeedDropped {
            requirement: need.clone(),
            label: String::new(),
        }));
    }
    if let Some(industry) = &asked.industry {
        changes.push(query_change(Change::IndustryRemoved {
            industry: industry.clone(),
            label: String::new(),
        }));
    }
    changes
}

fn first_after(change: &Change, candidates: &[Candidate], asked: &Query) -> Option<Slug> {
    let (candidates, asked) = apply(change, candidates, asked);
    recommend(&asked, &candidates, &names())
        .results
        .first()
        .map(|r| r.slug.clone())
}

/// The first framework when `kind`'s weight is `value` and every other is as it is, by the
/// engine's order (sum, ring, name, slug): from the full breakdown of every result.
fn first_with_weight(result: &Recommendation, kind: CriterionKind, value: Ratio) -> Slug {
    let (p, q) = (value.numerator(), value.denominator());
    result
        .results
        .iter()
        .min_by_key(|r| {
            // The sum times q, so that a fractional weight stays whole.
            let raw: u64 = r
                .criteria
                .iter()
                .map(|c| {
                    let w = if c.kind == kind {
                        p
                    } else {
                        u64::from(c.weight) * q
                    };
                    u64::from(c.rating.value()) * w
                })
                .sum();
            (Reverse(raw), r.ring, r.name.to_lowercase(), r.slug.clone())
        })
        .map(|r| r.slug.clone())
        .unwrap()
}

fn arb_reviews() -> impl Strategy<Value = Vec<Option<i64>>> {
    prop::collection::vec(prop::option::of(0i64..400), 8)
}

/// `candidates` with the review dates `reviews` (days before today, per framework, or never)
/// on the framework and on a few of its ratings.
fn reviewed(candidates: Vec<Candidate>, reviews: &[Option<i64>]) -> Vec<Candidate> {
    candidates
        .into_iter()
        .zip(reviews.iter().cycle())
        .enumerate()
        .map(|(i, (mut c, days))| {
            let day = days.map(|d| today() - chrono::Duration::days(d));
            c.last_reviewed = day;
            for (j, requirement) in REQUIREMENTS.iter().enumerate() {
                if (i + j) % 2 == 0 {
                    c.strengths.get_mut(requirement).unwrap().reviewed = None;
                }
            }
            for industry in INDUSTRIES {
                c.fits.get_mut(industry).unwrap().reviewed = day;
            }
            c
        })
        .collect()
}

/// Search ranks (bm25, lower is better) for some candidates, or no search at all.
fn arb_search() -> impl Strategy<Value = Option<Vec<Option<f64>>>> {
    prop::option::of(prop::collection::vec(prop::option::of(-12.0f64..-0.5), 8))
}

/// The candidates and query with the search `ranks` given, when there are any.
fn searched(
    mut candidates: Vec<Candidate>,
    mut asked: Query,
    ranks: Option<Vec<Option<f64>>>,
) -> (Vec<Candidate>, Query) {
    if let Some(ranks) = ranks {
        for (c, rank) in candidates.iter_mut().zip(ranks) {
            c.search_rank = rank;
        }
        asked.searching = true;
    }
    (candidates, asked)
}

proptest! {
    #[test]
    fn the_reported_change_really_puts_the_runner_up_first(
        candidates in arb_candidates(),
        asked in arb_query(),
        reviews in arb_reviews(),
        search in arb_search(),
    ) {
        let (candidates, asked) = searched(reviewed(candidates, &reviews), asked, search);
        let result = recommend(&asked, &candidates, &names());
        if let Some(s) = &result.firmness.sensitivity {
            prop_assert_eq!(&s.winner.slug, &result.results[0].slug);
            prop_assert_eq!(&s.runner_up.slug, &result.results[1].slug);
            prop_assert_eq!(first_after(&s.change, &candidates, &asked), Some(s.runner_up.slug.clone()));
            if let Some(r) = s.rating() {
                let own = candidates.iter().find(|c| c.slug == r.framework.slug).unwrap();
                let ratings = if r.kind == CriterionKind::Industry { &own.fits } else { &own.strengths };
                let expected = ratings.get(r.subject.as_str()).and_then(|e| e.reviewed).or(own.last_reviewed);
                prop_assert_eq!(r.reviewed, expected);
                let overdue = expected.is_none_or(|d| (today() - d).num_days() > REVIEW_INTERVAL_DAYS);
                prop_assert_eq!(s.is_fragile(), overdue);
            } else {
                prop_assert!(!s.is_fragile());
            }
        }
    }

    #[test]
    fn no_smaller_change_puts_the_runner_up_first(
        candidates in arb_candidates(),
        asked in arb_query(),
        search in arb_search(),
    ) {
        let (candidates, asked) = searched(candidates, asked, search);
        let result = recommend(&asked, &candidates, &names());
        let Some(runner_up) = result.results.get(1).map(|r| r.slug.clone()) else {
            prop_assert_eq!(&result.firmness, &Firmness::default());
            return Ok(());
        };
        let smallest = every_change(&candidates, &asked)
            .into_iter()
            .filter(|(_, change)| first_after(change, &candidates, &asked).as_ref() == Some(&runner_up))
            .map(|(size, _)| size)
            .min();
        let reported = result.firmness.sensitivity.as_ref().map(|s| size(&s.change));
        prop_assert_eq!(reported, smallest);
        // Dropping a must-have moves the top two's sums exactly as the winner's rating of it
        // falling a point does, which comes first: it is tried but never the smallest.
        prop_assert_ne!(reported, Some(Size::Query { place: 3 }));
    }

    #[test]
    fn the_winner_holds_inside_each_stability_interval_and_loses_just_outside(
        candidates in arb_candidates(),
        asked in arb_query(),
        search in arb_search(),
    ) {
        let (candidates, asked) = searched(candidates, asked, search);
        let result = recommend(&asked, &candidates, &names());
        if result.results.len() < 2 {
            prop_assert!(result.firmness.stability.is_empty());
            return Ok(());
        }
        let winner = &result.results[0].slug;
        for interval in &result.firmness.stability {
            let kind = interval.kind;
            let at = |value: Ratio| first_with_weight(&result, kind, value);
            let (lower, upper) = (interval.lower, interval.upper);
            prop_assert!(interval.contains(Ratio::whole(u64::from(interval.weight))));
            prop_assert_eq!(&at(Ratio::whole(u64::from(interval.weight))), winner);
            // At each end: first exactly when the end is included.
            prop_assert_eq!(&at(lower.value) == winner, lower.inclusive, "{:?} lower", kind);
            if lower.value > Ratio::whole(0) {
                let below = Ratio::new(lower.value.numerator(), 2 * lower.value.denominator());
                prop_assert_ne!(&at(below), winner, "{:?} below {:?}", kind, lower);
            }
            match upper {
                Some(upper) => {
                    prop_assert_eq!(&at(upper.value) == winner, upper.inclusive, "{:?} upper", kind);
                    let above = Ratio::new(upper.value.numerator() + upper.value.denominator(), upper.value.denominator());
                    prop_assert_ne!(&at(above), winner, "{:?} above {:?}", kind, upper);
                    let (l, u) = (lower.value, upper.value);
                    let middle = Ratio::new(
                        l.numerator() * u.denominator() + u.numerator() * l.denominator(),
                        2 * l.denominator() * u.denominator(),
                    );
                    if l < u {
                        prop_assert_eq!(&at(middle), winner, "{:?} middle", kind);
                    }
                }
                None => {
                    for far in [10, 1000] {
                        let beyond = Ratio::whole(u64::from(interval.weight) * far + 1);
                        prop_assert_eq!(&at(beyond), winner, "{:?} far", kind);
                    }
                }
            }
        }
    }
}
