use super::*;
use crate::domain::Ring;
use crate::recommend::{Candidate, Evidence, Ratings};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn days_ago(days: i64) -> NaiveDate {
    today() - chrono::Duration::days(days)
}

fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap()
}

/// A framework rated `security`, `speed` and fitting `health` as given, each reviewed
/// `reviewed_days_ago` days ago.
fn framework(name: &str, security: u8, speed: u8, health: u8, reviewed_days_ago: i64) -> Candidate {
    let rated = |value: u8| Evidence {
        score: Score::of(value),
        reviewed: Some(days_ago(reviewed_days_ago)),
        notes: None,
    };
    Candidate {
        slug: slug(name),
        name: name.to_uppercase(),
        languages: vec![slug("python")],
        ring: Ring::Adopt,
        strengths: Ratings::from([
            (slug("security"), rated(security)),
            (slug("speed"), rated(speed)),
        ]),
        fits: Ratings::from([(slug("health"), rated(health))]),
        use_cases: Vec::new(),
        search_rank: None,
        last_reviewed: None,
    }
}

fn brief(id: i64, query: Query) -> Probe {
    Probe {
        askers: vec![Asker::Brief {
            id,
            title: format!("brief {id}"),
        }],
        query,
        search: Vec::new(),
    }
}

fn wanting(requirements: &[&str]) -> Query {
    Query {
        want: requirements.iter().map(|r| (*r).to_owned()).collect(),
        ..Query::default()
    }
}

#[test]
fn a_rating_whose_one_point_move_changes_a_top_pick_is_at_stake_with_that_brief() {
    // a leads b by one point of speed; b gaining one (or a losing one) ties them, and the
    // tie goes to the name: a stays first.
    let catalogue = Catalogue::new(vec![
        framework("a", 4, 3, 3, 10),
        framework("b", 4, 2, 3, 10),
    ]);
    let probes = [brief(1, wanting(&["speed"]))];
    let assessed = assess(&catalogue, &probes, &OpenFlags::new(), today());
    assert!(assessed.is_empty(), "{assessed:?}");

    let catalogue = Catalogue::new(vec![
        framework("a", 4, 2, 3, 10),
        framework("b", 4, 3, 3, 10),
    ]);
    let assessed = assess(&catalogue, &probes, &OpenFlags::new(), today());
    let at_stake: Vec<(&str, &str, usize)> = assessed
        .iter()
        .map(|r| (r.framework.as_str(), r.subject.as_str(), r.dependents.len()))
        .collect();
    // b leads by one speed point: b down one ties and a wins by name; a up one ties likewise.
    assert_eq!(at_stake, [("a", "speed", 1), ("b", "speed", 1)]);
    let b = &assessed[1];
    assert_eq!(b.dependents[0].now.as_ref().map(Slug::as_str), Some("b"));
    assert_eq!(b.dependents[0].after.as_ref().map(Slug::as_str), Some("a"));
    assert_eq!(b.dependents[0].direction, -1);
    assert_eq!(
        b.dependents[0].asker,
        Asker::Brief {
            id: 1,
            title: "brief 1".into()
        }
    );
}

#[test]
fn a_must_have_one_point_below_the_minimum_is_at_stake_when_passing_would_win() {
    // a is the stronger on speed but fails the security must-have by one point.
    let catalogue = Catalogue::new(vec![
        framework("a", 3, 5, 3, 10),
        framework("b", 4, 1, 3, 10),
    ]);
    let query = Query {
        need: vec!["security".into()],
        want: vec!["speed".into()],
        ..Query::default()
    };
    let assessed = assess(&catalogue, &[brief(7, query)], &OpenFlags::new(), today());
    let a_security = assessed
        .iter()
        .find(|r| r.framework.as_str() == "a" && r.subject.as_str() == "security")
        .expect("a's security is at stake");
    assert_eq!(a_security.dependents.len(), 1);
    assert_eq!(a_security.dependents[0].direction, 1);
    assert_eq!(
        a_security.dependents[0].after.as_ref().map(Slug::as_str),
        Some("a")
    );
    // b's own security falling to 3 leaves nothing passing: also a changed top pick.
    let b_security = assessed
        .iter()
        .find(|r| r.framework.as_str() == "b" && r.subject.as_str() == "security")
        .expect("b's security is at stake");
    assert_eq!(b_security.dependents[0].after, None);
}

#[test]
fn more_dependents_older_reviews_and_open_flags_come_first() {
    // Two probes hang on a's and b's speed; the industry probe on their health fit only.
    // a's ratings were reviewed 400 days ago, b's 10.
    let catalogue = Catalogue::new(vec![
        framework("a", 4, 2, 2, 400),
        framework("b", 4, 3, 3, 10),
    ]);
    let industry = Query {
        industry: Some("health".into()),
        ..Query::default()
    };
    let probes = [
        brief(1, wanting(&["speed"])),
        brief(2, wanting(&["speed"])),
        brief(3, industry),
    ];
    let mut flags = OpenFlags::new();
    let assessed = assess(&catalogue, &probes, &flags, today());
    let order: Vec<(&str, &str)> = assessed
        .iter()
        .map(|r| (r.framework.as_str(), r.subject.as_str()))
        .collect();
    // a's speed: two briefs × 3 (overdue); a's health: one × 3; b's speed: two × 1.06;
    // b's health: one × 1.06.
    assert_eq!(
        order,
        [
            ("a", "speed"),
            ("a", "health"),
            ("b", "speed"),
            ("b", "health")
        ]
    );
    assert_eq!(assessed[0].risk, 6.0);

    // Three open flags make b's health fit weigh four times as much (4.2): second.
    flags.insert(("b".into(), "industry".into(), "health".into()), 3);
    let assessed = assess(&catalogue, &probes, &flags, today());
    let order: Vec<(&str, &str)> = assessed
        .iter()
        .map(|r| (r.framework.as_str(), r.subject.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("a", "speed"),
            ("b", "health"),
            ("a", "health"),
            ("b", "speed")
        ]
    );
    assert_eq!(assessed[1].open_flags, 3);
}

#[test]
fn a_flagged_rating_nothing_hangs_on_is_listed_after_those_at_stake() {
    let catalogue = Catalogue::new(vec![
        framework("a", 5, 0, 3, 10),
        framework("b", 0, 5, 3, 10),
    ]);
    let mut flags = OpenFlags::new();
    flags.insert(("b".into(), "requirement".into(), "security".into()), 1);
    let assessed = assess(
        &catalogue,
        &[brief(1, wanting(&["security"]))],
        &flags,
        today(),
    );
    let last = assessed.last().unwrap();
    assert_eq!((last.framework.as_str(), last.risk), ("b", 0.0));
    assert_eq!(last.open_flags, 1);
    assert!(last.dependents.is_empty());
}

#[test]
fn a_ratings_age_weighs_from_one_up_to_three_and_never_reviewed_weighs_most() {
    assert_eq!(age_weight(Some(today()), today()), 1.0);
    let half = age_weight(Some(days_ago(REVIEW_INTERVAL_DAYS / 2)), today());
    assert!((half - 1.5).abs() < 0.01, "{half}");
    assert_eq!(age_weight(Some(days_ago(10_000)), today()), 3.0);
    assert_eq!(age_weight(None, today()), 3.0);
    // A review dated after today (a clock step) weighs as today.
    assert_eq!(
        age_weight(Some(today() + chrono::Duration::days(3)), today()),
        1.0
    );
    assert_eq!(risk(0, None, 5, today()), 0.0);
    assert_eq!(risk(2, Some(today()), 1, today()), 4.0);
}

#[test]
fn no_probes_put_nothing_at_stake() {
    let catalogue = Catalogue::new(vec![framework("a", 5, 0, 3, 10)]);
    assert!(assess(&catalogue, &[], &OpenFlags::new(), today()).is_empty());
}

#[test]
fn a_question_shared_by_two_briefs_is_asked_once_and_counts_for_both() {
    let catalogue = Catalogue::new(vec![
        framework("a", 4, 2, 3, 10),
        framework("b", 4, 3, 3, 10),
    ]);
    let mut shared = brief(1, wanting(&["speed"]));
    shared.askers.push(Asker::Brief {
        id: 2,
        title: "brief 2".into(),
    });
    let once = assess(
        &catalogue,
        &[brief(1, wanting(&["speed"]))],
        &OpenFlags::new(),
        today(),
    );
    let both = assess(&catalogue, &[shared], &OpenFlags::new(), today());
    let b = both.iter().find(|r| r.framework.as_str() == "b").unwrap();
    let askers: Vec<&Asker> = b.dependents.iter().map(|d| &d.asker).collect();
    assert_eq!(askers.len(), 2);
    assert!(askers.contains(&&Asker::Brief {
        id: 2,
        title: "brief 2".into()
    }));
    let b_once = once.iter().find(|r| r.framework.as_str() == "b").unwrap();
    assert_eq!(b.risk, 2.0 * b_once.risk);
}
