use proptest::prelude::*;

use super::*;
use crate::db::terms::{Link, Term};
use crate::knowledge::document::{FitRecord, StrengthRecord};
use crate::routes::recommendation::Criterion;

// A brief for a healthcare client that must have security and would like real-time updates.

fn query() -> QueryEcho {
    QueryEcho {
        industry: Some("healthcare".to_owned()),
        need: vec!["security".to_owned()],
        want: vec!["real-time-updates".to_owned()],
        lang: Vec::new(),
        use_cases: Vec::new(),
        q: String::new(),
        link: "/?industry=healthcare&need=security&want=real-time-updates".to_owned(),
    }
}

fn criterion(kind: CriterionKind, subject: &str, label: &str, rating: u8) -> Criterion {
    Criterion {
        kind,
        subject: subject.to_owned(),
        label: label.to_owned(),
        rating,
        weight: 1,
        points: 0.0,
        max_points: 0.0,
        note: String::new(),
        sources: Vec::new(),
    }
}

/// A ranked framework with its must-have rated `security`.
fn ranked(rank: usize, slug: &str, score: f64, security: u8) -> Ranked {
    Ranked {
        rank,
        slug: slug.to_owned(),
        name: name_of(slug),
        score,
        criteria: vec![
            criterion(CriterionKind::Industry, "healthcare", "Healthcare", 4),
            criterion(CriterionKind::MustHave, "security", "Security", security),
            criterion(
                CriterionKind::NiceToHave,
                "real-time-updates",
                "Real-time updates",
                3,
            ),
        ],
        use_cases: Vec::new(),
    }
}

/// A framework left out for its security strength.
fn excluded(slug: &str, security: u8) -> Excluded {
    Excluded {
        slug: slug.to_owned(),
        name: name_of(slug),
        reasons: vec![Exclusion::MustHave {
            requirement: "security".to_owned(),
            label: "Security".to_owned(),
            strength: security,
            minimum: 4,
            note: String::new(),
            sources: Vec::new(),
        }],
    }
}

fn name_of(slug: &str) -> String {
    let mut name = slug.to_owned();
    name[..1].make_ascii_uppercase();
    name
}

fn body(results: Vec<Ranked>, excluded: Vec<Excluded>) -> RecommendationsBody {
    RecommendationsBody {
        query: query(),
        results,
        excluded,
        close_call: None,
        sensitivity: None,
        stability: Vec::new(),
    }
}

/// The answer as pinned: Django first, Laravel second, Flask left out.
fn pinned() -> RecommendationsBody {
    body(
        vec![ranked(1, "django", 82.0, 5), ranked(2, "laravel", 78.0, 4)],
        vec![excluded("flask", 3)],
    )
}

/// A framework record with these security and real-time strengths and healthcare fit.
fn record(slug: &str, security: i64, real_time: i64, fit: i64) -> FrameworkRecord {
    let strength = |requirement: &str, strength: i64| StrengthRecord {
        requirement: requirement.to_owned(),
        strength,
        note: format!("{slug} {requirement} is {strength}"),
        ..StrengthRecord::default()
    };
    FrameworkRecord {
        slug: slug.to_owned(),
        name: name_of(slug),
        language: "python".to_owned(),
        languages: vec!["python".to_owned()],
        kind: "full-stack".to_owned(),
        ring: "adopt".to_owned(),
        summary: format!("{slug} summary"),
        requirements: vec![
            strength("real-time-updates", real_time),
            strength("security", security),
        ],
        industries: vec![FitRecord {
            industry: "healthcare".to_owned(),
            fit,
            note: format!("{slug} fits healthcare {fit}"),
            ..FitRecord::default()
        }],
        ..FrameworkRecord::default()
    }
}

fn json<T: serde::Serialize>(state: Option<&T>) -> Option<String> {
    state.map(|s| serde_json::to_string(s).unwrap())
}

/// An audit entry for a framework, by Ana Editor on 30 Nov 2026.
fn entry(
    id: i64,
    action: &str,
    before: Option<&FrameworkRecord>,
    after: Option<&FrameworkRecord>,
) -> AuditedChange {
    AuditedChange {
        id,
        at: format!("2026-11-30T09:{id:02}:00Z"),
        actor: "Ana Editor".to_owned(),
        note: String::new(),
        entity: "framework".to_owned(),
        entity_slug: after.or(before).unwrap().slug.clone(),
        action: action.to_owned(),
        before: json(before),
        after: json(after),
    }
}

fn update(id: i64, before: &FrameworkRecord, after: &FrameworkRecord) -> AuditedChange {
    entry(id, "update", Some(before), Some(after))
}

fn trail(entries: Vec<AuditedChange>) -> AuditTrail {
    AuditTrail {
        edits_since: entries.len() as i64,
        entries,
        left_out: 0,
    }
}

fn item<'a>(report: &'a ChangeReport, slug: &str) -> &'a FrameworkChange {
    report
        .frameworks
        .iter()
        .find(|f| f.slug == slug)
        .unwrap_or_else(|| panic!("{slug} is in the report: {report:#?}"))
}

#[test]
fn a_framework_that_moved_up_and_one_that_moved_down_are_each_explained_by_their_edit() {
    let today = body(
        vec![ranked(1, "laravel", 84.0, 5), ranked(2, "django", 80.0, 5)],
        vec![excluded("flask", 3)],
    );
    let mut laravel_security = entry(
        7,
        "update",
        Some(&record("laravel", 4, 3, 4)),
        Some(&record("laravel", 5, 3, 4)),
    );
    laravel_security.note = "Sanctum and the new CSRF defaults.".to_owned();
    let django_fit = update(8, &record("django", 5, 3, 5), &record("django", 5, 3, 4));
    let report = since(
        &pinned(),
        &today,
        &trail(vec![laravel_security, django_fit]),
    );

    let laravel = item(&report, "laravel");
    assert_eq!(
        laravel.movement,
        Movement::Moved {
            from: Place {
                rank: 2,
                score: 78.0
            },
            to: Place {
                rank: 1,
                score: 84.0
            }
        }
    );
    assert_eq!(laravel.movement.headline(), "2 → 1 (+6.0 points)");
    assert_eq!(laravel.movement.direction(), "up");
    assert_eq!(laravel.movement.delta(), Some(6.0));
    assert_eq!(laravel.reasons.len(), 1);
    let reason = &laravel.reasons[0];
    assert_eq!(reason.what.label(), "Security");
    assert_eq!(
        (&reason.from, &reason.to),
        (&Value::Rating(4), &Value::Rating(5))
    );
    assert_eq!(reason.entry.id, 7);
    assert_eq!(reason.entry.actor, "Ana Editor");
    assert_eq!(reason.entry.at, "2026-11-30T09:07:00Z");
    assert_eq!(reason.why(), "Sanctum and the new CSRF defaults.");
    assert_eq!(reason.evidence, "laravel security is 5");

    let django = item(&report, "django");
    assert_eq!(django.movement.headline(), "1 → 2 (−2.0 points)");
    assert_eq!(django.movement.direction(), "down");
    assert_eq!(django.reasons[0].what.label(), "Healthcare fit");
    assert_eq!(
        (&django.reasons[0].from, &django.reasons[0].to),
        (&Value::Rating(5), &Value::Rating(4))
    );
    assert_eq!(
        django.reasons[0].why(),
        "django fits healthcare 4",
        "with no note on the entry, the rating's new note says why"
    );
    assert_eq!(report.touching, 2);
    assert!(report.unexplained().next().is_none());
}

#[test]
fn a_framework_now_below_a_must_have_names_it_with_its_strength_then_and_now() {
    let today = body(vec![ranked(1, "django", 82.0, 5)], {
        let mut left_out = vec![excluded("flask", 3), excluded("laravel", 3)];
        left_out.sort_by(|a, b| a.slug.cmp(&b.slug));
        left_out
    });
    let change = update(3, &record("laravel", 4, 3, 4), &record("laravel", 3, 3, 4));
    let report = since(&pinned(), &today, &trail(vec![change]));

    let laravel = item(&report, "laravel");
    assert_eq!(
        laravel.movement.crossings(),
        [Crossing::MustHave {
            requirement: "security".to_owned(),
            label: "Security".to_owned(),
            from: 4,
            to: 3,
            minimum: 4
        }]
    );
    assert_eq!(
        laravel.movement.crossings()[0].describe(),
        "Security must-have: 4 → 3, below the minimum of 4"
    );
    assert_eq!(laravel.movement.headline(), "was 2, now left out");
    assert_eq!(laravel.movement.direction(), "down");
    assert_eq!(laravel.reasons[0].entry.id, 3);
    assert_eq!(report.frameworks.len(), 1, "Flask stays out: {report:#?}");
}

#[test]
fn a_framework_that_now_meets_a_must_have_comes_in_with_its_strength_then_and_now() {
    let today = body(
        vec![
            ranked(1, "django", 82.0, 5),
            ranked(2, "laravel", 78.0, 4),
            ranked(3, "flask", 70.0, 4),
        ],
        Vec::new(),
    );
    let change = update(4, &record("flask", 3, 3, 3), &record("flask", 4, 3, 3));
    let report = since(&pinned(), &today, &trail(vec![change]));

    let flask = item(&report, "flask");
    assert_eq!(
        flask.movement,
        Movement::Included {
            to: Place {
                rank: 3,
                score: 70.0
            },
            because: vec![Crossing::MustHave {
                requirement: "security".to_owned(),
                label: "Security".to_owned(),
                from: 3,
                to: 4,
                minimum: 4
            }]
        }
    );
    assert_eq!(
        flask.movement.crossings()[0].describe(),
        "Security must-have: 3 → 4, meets the minimum of 4"
    );
    assert_eq!(flask.movement.direction(), "up");
    assert_eq!(flask.reasons.len(), 1);
    assert!(report.top_pick.is_none());
}

#[test]
fn a_new_framework_appears_with_its_creation_as_the_reason() {
    let today = body(
        vec![
            ranked(1, "django", 82.0, 5),
            ranked(2, "litestar", 80.0, 5),
            ranked(3, "laravel", 78.0, 4),
        ],
        vec![excluded("flask", 3)],
    );
    let created = entry(5, "create", None, Some(&record("litestar", 5, 4, 4)));
    let report = since(&pinned(), &today, &trail(vec![created]));

    let litestar = item(&report, "litestar");
    assert_eq!(
        litestar.movement,
        Movement::Appeared {
            to: Place {
                rank: 2,
                score: 80.0
            }
        }
    );
    assert_eq!(litestar.movement.headline(), "new, ranked 2");
    assert_eq!(litestar.reasons[0].what, What::Framework);
    assert_eq!(
        (&litestar.reasons[0].from, &litestar.reasons[0].to),
        (&Value::Unlisted, &Value::Listed)
    );
    assert_eq!(
        report.shifted,
        [Shift {
            slug: "laravel".to_owned(),
            name: "Laravel".to_owned(),
            from: 2,
            to: 3
        }],
        "Laravel's score is the same: it was moved along, not changed"
    );
}

#[test]
fn a_deleted_framework_disappears_with_its_deletion_as_the_reason() {
    let today = body(
        vec![ranked(1, "django", 82.0, 5)],
        vec![excluded("flask", 3)],
    );
    let mut deleted = entry(6, "delete", Some(&record("laravel", 4, 3, 4)), None);
    deleted.note = "Dropped from the catalogue.".to_owned();
    let report = since(&pinned(), &today, &trail(vec![deleted]));

    let laravel = item(&report, "laravel");
    assert_eq!(
        laravel.movement,
        Movement::Disappeared {
            from: Place {
                rank: 2,
                score: 78.0
            }
        }
    );
    assert_eq!(laravel.movement.headline(), "was 2, now deleted");
    assert_eq!(laravel.reasons[0].why(), "Dropped from the catalogue.");
    assert_eq!(laravel.reasons[0].entry.by(), "deleted by");
}

#[test]
fn a_new_top_pick_is_named_with_the_one_it_replaced() {
    let today = body(
        vec![ranked(1, "laravel", 84.0, 5), ranked(2, "django", 82.0, 5)],
        vec![excluded("flask", 3)],
    );
    let change = update(9, &record("laravel", 4, 3, 4), &record("laravel", 5, 4, 4));
    let report = since(&pinned(), &today, &trail(vec![change]));

    assert_eq!(
        report.top_pick,
        Some(TopPick {
            from: Some(Pick {
                slug: "django".to_owned(),
                name: "Django".to_owned()
            }),
            to: Some(Pick {
                slug: "laravel".to_owned(),
                name: "Laravel".to_owned()
            }),
        })
    );
    assert_eq!(
        report.summary(),
        "The top pick is now Laravel (was Django). \
         1 framework changed place or score; 1 of the 1 edit since explains this."
    );
    let laravel = item(&report, "laravel");
    let changed: Vec<String> = laravel.reasons.iter().map(|r| r.what.label()).collect();
    assert_eq!(
        changed,
        ["Security", "Real-time updates"],
        "one entry, two ratings on the query's subjects"
    );
    assert_eq!(
        report.shifted.len(),
        1,
        "Django moved down with its score unchanged"
    );
}

#[test]
fn a_change_no_entry_explains_is_said_to_be_unexplained() {
    let today = body(
        vec![ranked(1, "django", 79.5, 5), ranked(2, "laravel", 78.0, 4)],
        vec![excluded("flask", 3)],
    );
    let report = since(&pinned(), &today, &trail(Vec::new()));

    let django = item(&report, "django");
    assert!(django.is_unexplained());
    assert_eq!(django.movement.headline(), "stays 1 (−2.5 points)");
    assert_eq!(
        report.summary(),
        "1 framework changed place or score; no edit was recorded since. \
         No recorded change explains Django: the scoring rules may have changed in a release."
    );
    assert!(!report.is_empty());
}

#[test]
fn edits_to_what_the_query_does_not_ask_about_are_ignored() {
    let mut before = record("django", 5, 3, 5);
    before.requirements.push(StrengthRecord {
        requirement: "offline-sync".to_owned(),
        strength: 2,
        ..StrengthRecord::default()
    });
    let mut after = before.clone();
    after.requirements[2].strength = 4;
    after.description = "Longer text.".to_owned();
    after.industries.push(FitRecord {
        industry: "fintech".to_owned(),
        fit: 5,
        ..FitRecord::default()
    });
    let mut unrelated = trail(vec![update(11, &before, &after)]);
    unrelated.edits_since = 12;
    let report = since(&pinned(), &pinned(), &unrelated);

    assert_eq!(report.touching, 0);
    assert!(report.frameworks.is_empty());
    assert_eq!(report.summary(), "12 edits since, none touches this brief.");
    assert!(
        !report.is_empty(),
        "the knowledge moved, so the brief says so"
    );
}

#[test]
fn edits_to_a_framework_in_neither_answer_are_ignored() {
    let mut stray = trail(vec![update(
        2,
        &record("rocket", 1, 1, 1),
        &record("rocket", 5, 5, 5),
    )]);
    stray.edits_since = 1;
    let report = since(&pinned(), &pinned(), &stray);
    assert_eq!(report.touching, 0);
    assert_eq!(report.summary(), "1 edit since, none touches this brief.");
}

#[test]
fn compensating_edits_touch_the_brief_but_leave_the_ranking_the_same() {
    let down = update(3, &record("django", 5, 3, 5), &record("django", 4, 3, 5));
    let up = update(4, &record("django", 4, 3, 5), &record("django", 5, 3, 5));
    let report = since(&pinned(), &pinned(), &trail(vec![down, up]));
    assert!(report.frameworks.is_empty());
    assert_eq!(
        report.summary(),
        "2 edits since; 2 touched what this brief asks about, but the ranking is the same."
    );
}

#[test]
fn several_edits_to_one_rating_are_each_listed_oldest_first() {
    let today = body(
        vec![ranked(1, "laravel", 84.0, 5), ranked(2, "django", 82.0, 5)],
        vec![excluded("flask", 3)],
    );
    // Given out of order, as no caller should, to show the order is the entries' own.
    let entries = vec![
        update(21, &record("laravel", 2, 3, 4), &record("laravel", 5, 3, 4)),
        update(12, &record("laravel", 4, 3, 4), &record("laravel", 3, 3, 4)),
        update(17, &record("laravel", 3, 3, 4), &record("laravel", 2, 3, 4)),
    ];
    let report = since(&pinned(), &today, &trail(entries));
    let steps: Vec<(i64, String, String)> = item(&report, "laravel")
        .reasons
        .iter()
        .map(|r| (r.entry.id, r.from.to_string(), r.to.to_string()))
        .collect();
    assert_eq!(
        steps,
        [
            (12, "4".to_owned(), "3".to_owned()),
            (17, "3".to_owned(), "2".to_owned()),
            (21, "2".to_owned(), "5".to_owned()),
        ]
    );
}

#[test]
fn entries_whose_json_cannot_be_read_are_skipped_and_counted() {
    let today = body(
        vec![ranked(1, "laravel", 84.0, 5), ranked(2, "django", 82.0, 5)],
        vec![excluded("flask", 3)],
    );
    let mut broken = update(5, &record("laravel", 4, 3, 4), &record("laravel", 5, 3, 4));
    broken.after = Some("{\"slug\": \"laravel\", \"strength\": ".to_owned());
    let mut foreign = broken.clone();
    foreign.id = 6;
    foreign.after = Some("{\"slug\": \"laravel\", \"colour\": \"red\"}".to_owned());
    let mut broken_term = broken.clone();
    broken_term.id = 7;
    broken_term.entity = "requirement".to_owned();
    broken_term.before = Some("[1, 2]".to_owned());
    let readable = update(8, &record("laravel", 4, 3, 4), &record("laravel", 5, 3, 4));
    let report = since(
        &pinned(),
        &today,
        &trail(vec![broken, foreign, broken_term, readable]),
    );
    assert_eq!(report.unreadable, 3);
    let ids: Vec<i64> = item(&report, "laravel")
        .reasons
        .iter()
        .map(|r| r.entry.id)
        .collect();
    assert_eq!(ids, [8]);
}

#[test]
fn a_renamed_framework_is_followed_rather_than_seen_to_go_and_come() {
    let mut today_laravel = ranked(1, "laravel-php", 84.0, 5);
    today_laravel.name = "Laravel PHP".to_owned();
    let today = body(
        vec![today_laravel, ranked(2, "django", 82.0, 5)],
        vec![excluded("flask", 3)],
    );
    let mut renamed = record("laravel-php", 5, 3, 4);
    renamed.name = "Laravel PHP".to_owned();
    let report = since(
        &pinned(),
        &today,
        &trail(vec![update(4, &record("laravel", 4, 3, 4), &renamed)]),
    );
    let laravel = item(&report, "laravel-php");
    assert_eq!(laravel.name, "Laravel PHP");
    assert_eq!(laravel.movement.headline(), "2 → 1 (+6.0 points)");
    assert_eq!(laravel.reasons.len(), 1);
    assert_eq!(laravel.reasons[0].entry.entity_slug, "laravel-php");
    assert_eq!(report.frameworks.len(), 1, "{report:#?}");
    assert_eq!(
        report
            .top_pick
            .as_ref()
            .and_then(|p| p.to.as_ref())
            .map(|p| p.name.as_str()),
        Some("Laravel PHP")
    );
}

#[test]
fn a_framework_that_takes_a_renamed_ones_old_slug_keeps_its_own_entries() {
    let mut today_renamed = ranked(1, "laravel-php", 84.0, 5);
    today_renamed.name = "Laravel PHP".to_owned();
    let today = body(
        vec![
            today_renamed,
            ranked(2, "django", 82.0, 5),
            ranked(3, "laravel", 60.0, 4),
        ],
        vec![excluded("flask", 3)],
    );
    let mut renamed = record("laravel-php", 5, 3, 4);
    renamed.name = "Laravel PHP".to_owned();
    let entries = vec![
        update(4, &record("laravel", 4, 3, 4), &renamed),
        entry(5, "create", None, Some(&record("laravel", 4, 3, 2))),
    ];
    let report = since(&pinned(), &today, &trail(entries));
    let ids = |slug: &str| -> Vec<i64> {
        item(&report, slug)
            .reasons
            .iter()
            .map(|r| r.entry.id)
            .collect()
    };
    assert_eq!(ids("laravel-php"), [4]);
    assert_eq!(ids("laravel"), [5]);
    assert_eq!(
        item(&report, "laravel").movement,
        Movement::Appeared {
            to: Place {
                rank: 3,
                score: 60.0
            }
        }
    );
}

#[test]
fn a_deleted_must_have_takes_its_strengths_with_it_and_is_named() {
    let today = body(
        vec![ranked(1, "laravel", 60.0, 0), ranked(2, "django", 58.0, 0)],
        Vec::new(),
    );
    let state = State {
        term: Term {
            slug: "security".to_owned(),
            name: "Security".to_owned(),
            group: "capability".to_owned(),
            ..Term::default()
        },
        links: Some(vec![
            Link {
                framework: "django".to_owned(),
                strength: Some(5),
                note: "Django security".to_owned(),
                ..Link::default()
            },
            Link {
                framework: "rocket".to_owned(),
                strength: Some(4),
                ..Link::default()
            },
        ]),
    };
    let deleted = AuditedChange {
        id: 30,
        at: "2026-12-01T10:00:00Z".to_owned(),
        actor: "Ana Editor".to_owned(),
        entity: "requirement".to_owned(),
        entity_slug: "security".to_owned(),
        action: "delete".to_owned(),
        before: json(Some(&state)),
        ..AuditedChange::default()
    };
    let report = since(&pinned(), &today, &trail(vec![deleted]));
    assert_eq!(report.terms.len(), 1);
    assert_eq!(
        report.terms[0].describe(),
        "The requirement Security was deleted."
    );
    assert_eq!(
        report.terms[0].entry.history_href(),
        "/admin/requirements/security/history#revision-30"
    );
    let django = item(&report, "django");
    assert_eq!(django.reasons.len(), 1);
    assert_eq!(
        (&django.reasons[0].from, &django.reasons[0].to),
        (&Value::Rating(5), &Value::Unrated)
    );
    assert_eq!(django.reasons[0].to.to_string(), "not rated");
}

#[test]
fn a_renamed_industry_of_the_query_is_named_and_another_terms_edits_are_not() {
    let term = |slug: &str, name: &str| State {
        term: Term {
            slug: slug.to_owned(),
            name: name.to_owned(),
            ..Term::default()
        },
        links: None,
    };
    let term_entry = |id, slug: &str, before: &State, after: &State| AuditedChange {
        id,
        at: "2026-12-01T10:00:00Z".to_owned(),
        actor: "Ana Editor".to_owned(),
        entity: "industry".to_owned(),
        entity_slug: slug.to_owned(),
        action: "update".to_owned(),
        before: json(Some(before)),
        after: json(Some(after)),
        ..AuditedChange::default()
    };
    let renamed = term_entry(
        1,
        "health",
        &term("healthcare", "Healthcare"),
        &term("health", "Health"),
    );
    let other = term_entry(
        2,
        "banking",
        &term("fintech", "Fintech"),
        &term("banking", "Banking"),
    );
    let report = since(&pinned(), &pinned(), &trail(vec![renamed, other]));
    assert_eq!(report.terms.len(), 1);
    assert_eq!(
        report.terms[0].describe(),
        "The industry Healthcare was renamed to health."
    );
    assert_eq!(report.touching, 1);
}

#[test]
fn a_use_case_of_the_query_explains_a_move_when_a_framework_is_listed_for_it() {
    let mut query = query();
    query.use_cases = vec!["patient-portal".to_owned()];
    query.link.push_str("&use=patient-portal");
    let with_use = |results, excluded| RecommendationsBody {
        query: query.clone(),
        results,
        excluded,
        close_call: None,
        sensitivity: None,
        stability: Vec::new(),
    };
    let with_portal = |mut ranked: Ranked, linked: u8| {
        ranked.criteria.push(criterion(
            CriterionKind::UseCase,
            "patient-portal",
            "Patient portal",
            linked,
        ));
        ranked
    };
    let pinned = with_use(
        vec![
            with_portal(ranked(1, "django", 82.0, 5), 5),
            with_portal(ranked(2, "laravel", 78.0, 4), 0),
        ],
        Vec::new(),
    );
    let today = with_use(
        vec![
            with_portal(ranked(1, "laravel", 83.0, 4), 5),
            with_portal(ranked(2, "django", 82.0, 5), 5),
        ],
        Vec::new(),
    );
    let before = record("laravel", 4, 3, 4);
    let mut after = before.clone();
    after.use_cases.push("patient-portal".to_owned());
    let report = since(&pinned, &today, &trail(vec![update(3, &before, &after)]));
    let laravel = item(&report, "laravel");
    assert_eq!(laravel.reasons[0].what.label(), "Use case Patient portal");
    assert_eq!(
        (&laravel.reasons[0].from, &laravel.reasons[0].to),
        (&Value::Unlinked, &Value::Linked)
    );
    assert_eq!(
        scope(&pinned, &today).terms,
        [
            "healthcare",
            "patient-portal",
            "real-time-updates",
            "security"
        ]
    );
}

#[test]
fn a_ring_change_explains_a_move_in_any_query() {
    let today = body(
        vec![ranked(1, "django", 82.0, 5), ranked(2, "laravel", 75.0, 4)],
        vec![excluded("flask", 3)],
    );
    let before = record("laravel", 4, 3, 4);
    let mut after = before.clone();
    after.ring = "trial".to_owned();
    let report = since(&pinned(), &today, &trail(vec![update(3, &before, &after)]));
    let reason = &item(&report, "laravel").reasons[0];
    assert_eq!(reason.what, What::Ring);
    assert_eq!(
        (reason.from.to_string(), reason.to.to_string()),
        ("Adopt".to_owned(), "Trial".to_owned())
    );
}

#[test]
fn the_team_languages_and_search_text_explain_only_queries_that_ask_about_them() {
    let before = record("laravel", 4, 3, 4);
    let mut after = before.clone();
    after.languages.push("php".to_owned());
    after.summary = "Rewritten.".to_owned();
    let change = update(3, &before, &after);
    let today = body(
        vec![ranked(1, "django", 82.0, 5), ranked(2, "laravel", 80.0, 4)],
        vec![excluded("flask", 3)],
    );
    let report = since(&pinned(), &today, &trail(vec![change.clone()]));
    assert!(item(&report, "laravel").is_unexplained());

    let mut asking = pinned();
    asking.query.lang = vec!["php".to_owned()];
    asking.query.q = "portal".to_owned();
    let report = since(&asking, &today, &trail(vec![change]));
    let labels: Vec<String> = item(&report, "laravel")
        .reasons
        .iter()
        .map(|r| format!("{}: {} → {}", r.what.label(), r.from, r.to))
        .collect();
    assert_eq!(
        labels,
        [
            "Languages teams write: python → php, python",
            "Text the search reads: as pinned → summary rewritten"
        ]
    );
}

#[test]
fn edits_left_out_by_the_limit_are_counted() {
    let mut capped = trail(Vec::new());
    capped.left_out = 40;
    capped.edits_since = 240;
    let report = since(&pinned(), &pinned(), &capped);
    assert_eq!(report.not_read, 40);
    assert_eq!(report.edits_since, 240);
}

#[test]
fn an_entry_links_to_its_place_in_the_editors_history() {
    let change = entry(
        42,
        "update",
        Some(&record("django", 5, 3, 5)),
        Some(&record("django", 5, 3, 5)),
    );
    assert_eq!(
        EntryRef::of(&change).history_href(),
        "/admin/frameworks/django/history#revision-42"
    );
}

#[test]
fn the_scope_names_every_framework_of_both_answers_and_the_querys_terms() {
    let today = body(vec![ranked(1, "litestar", 90.0, 5)], Vec::new());
    assert_eq!(
        scope(&pinned(), &today),
        Scope {
            frameworks: vec![
                "django".to_owned(),
                "flask".to_owned(),
                "laravel".to_owned(),
                "litestar".to_owned()
            ],
            terms: vec![
                "healthcare".to_owned(),
                "real-time-updates".to_owned(),
                "security".to_owned()
            ],
            searching: false,
        }
    );
}

#[test]
fn nothing_since_reads_as_nothing_changed() {
    let report = since(&pinned(), &pinned(), &trail(Vec::new()));
    assert!(report.is_empty());
    assert_eq!(
        report.summary(),
        "Nothing has changed since this was pinned."
    );
}

/// An answer with frameworks `f0`, `f1`, … each ranked with the score given or, for
/// `None`, left out; ranks follow the scores.
fn answer(scores: &[Option<u16>]) -> RecommendationsBody {
    let mut ranked_ones: Vec<(usize, f64)> = scores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (i, f64::from(s) / 10.0)))
        .collect();
    ranked_ones.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let results = ranked_ones
        .iter()
        .enumerate()
        .map(|(place, (i, score))| ranked(place + 1, &format!("f{i}"), *score, 5))
        .collect();
    let excluded = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| excluded(&format!("f{i}"), 2))
        .collect();
    body(results, excluded)
}

proptest! {
    #[test]
    fn an_answer_compared_with_itself_with_no_entries_reports_nothing(
        scores in proptest::collection::vec(proptest::option::of(0u16..1000), 0..12)
    ) {
        let answer = answer(&scores);
        let report = since(&answer, &answer, &trail(Vec::new()));
        prop_assert!(report.is_empty());
        prop_assert_eq!(report, ChangeReport::default());
    }

    #[test]
    fn with_no_entries_every_change_is_unexplained_and_every_framework_accounted_for(
        pairs in proptest::collection::vec(
            (proptest::option::of(0u16..1000), proptest::option::of(0u16..1000)),
            1..12
        )
    ) {
        let (then, now): (Vec<_>, Vec<_>) = pairs.iter().copied().unzip();
        let report = since(&answer(&then), &answer(&now), &trail(Vec::new()));
        prop_assert!(report.frameworks.iter().all(FrameworkChange::is_unexplained));
        prop_assert_eq!(report.touching, 0);
        for (i, (a, b)) in pairs.iter().enumerate() {
            let slug = format!("f{i}");
            let listed = report.frameworks.iter().any(|f| f.slug == slug);
            let changed = match (a, b) {
                (Some(a), Some(b)) => a != b,
                (None, None) => false,
                _ => true,
            };
            prop_assert_eq!(listed, changed, "f{}: {:?} → {:?}", i, a, b);
        }
    }
}

/// The macro file rendered alone, as the brief's page will call it.
#[derive(askama::Template)]
#[template(
    source = r#"{% import "briefs/changes.html" as changes %}<main>{% call changes::changed_since(report, can_see_history) %}{% endcall %}</main>"#,
    ext = "html"
)]
struct ChangedSincePage<'a> {
    report: &'a ChangeReport,
    can_see_history: bool,
}

fn rendered(report: &ChangeReport, can_see_history: bool) -> scraper::Html {
    use askama::Template;
    let page = ChangedSincePage {
        report,
        can_see_history,
    };
    scraper::Html::parse_document(&page.render().expect("the report renders"))
}

fn select<'a>(html: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

fn text(element: scraper::ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Laravel overtakes Django on a security edit with a note, and Flask comes in.
fn rendered_report() -> ChangeReport {
    let today = body(
        vec![
            ranked(1, "laravel", 84.0, 5),
            ranked(2, "django", 82.0, 5),
            ranked(3, "flask", 70.0, 4),
        ],
        Vec::new(),
    );
    let mut security = update(7, &record("laravel", 4, 3, 4), &record("laravel", 5, 3, 4));
    security.note = "CVE-2026-1234 fixed in 11.2; Sanctum by default.".to_owned();
    let flask = update(8, &record("flask", 3, 3, 3), &record("flask", 4, 3, 3));
    since(&pinned(), &today, &trail(vec![security, flask]))
}

#[test]
fn the_report_renders_as_a_headed_section_with_one_item_per_framework_and_its_reasons() {
    let report = rendered_report();
    let html = rendered(&report, true);

    let section = select(
        &html,
        "section.changed-since[aria-labelledby=changed-since-title]",
    );
    assert_eq!(section.len(), 1);
    assert_eq!(
        text(select(&html, "h2#changed-since-title")[0]),
        "Changed since this was pinned"
    );
    assert_eq!(
        text(select(&html, "p.changed-summary")[0]),
        report.summary()
    );

    let items: Vec<String> = select(&html, "ol.changed-frameworks > li")
        .into_iter()
        .map(|li| li.value().attr("data-framework").unwrap().to_owned())
        .collect();
    assert_eq!(items, ["laravel", "flask"]);
    let laravel = select(&html, "li[data-framework=laravel] h3")[0];
    assert_eq!(text(laravel), "Laravel 2 → 1 (+6.0 points)");

    let reason = select(&html, "li[data-framework=laravel] .change-reasons > li")[0];
    assert_eq!(reason.value().attr("data-entry"), Some("7"));
    assert_eq!(
        text(select(&html, "li[data-entry='7'] .change-values")[0]),
        "Security: 4 → to 5"
    );
    let time = select(&html, "li[data-entry='7'] time")[0];
    assert_eq!(time.value().attr("datetime"), Some("2026-11-30T09:07:00Z"));
    assert_eq!(text(time), "30 Nov 2026, 09:07");
    assert!(text(reason).contains("by Ana Editor"), "{}", text(reason));
    assert_eq!(
        text(select(&html, "li[data-entry='7'] q.change-why")[0]),
        "CVE-2026-1234 fixed in 11.2; Sanctum by default."
    );
    let link = select(&html, "li[data-entry='7'] a.audit-link")[0];
    assert_eq!(
        link.value().attr("href"),
        Some("/admin/frameworks/laravel/history#revision-7")
    );

    let crossing = select(&html, "li[data-framework=flask] ul.crossings > li")[0];
    assert_eq!(
        text(crossing),
        "Security must-have: 3 → 4, meets the minimum of 4"
    );
    assert_eq!(
        text(select(&html, "p.shifted")[0]),
        "Moved along by these changes, with the same score: Django 1 → to 2."
    );
}

#[test]
fn readers_who_cannot_see_the_history_get_no_links_to_it() {
    let html = rendered(&rendered_report(), false);
    assert!(select(&html, "a.audit-link").is_empty());
    assert_eq!(select(&html, ".change-reasons > li").len(), 2);
}

#[test]
fn an_unexplained_change_and_unread_entries_are_said_plainly() {
    let today = body(
        vec![ranked(1, "django", 79.5, 5), ranked(2, "laravel", 78.0, 4)],
        vec![excluded("flask", 3)],
    );
    let mut capped = trail(Vec::new());
    capped.left_out = 3;
    let html = rendered(&since(&pinned(), &today, &capped), true);
    assert_eq!(
        text(select(&html, "li[data-framework=django] p.unexplained")[0]),
        "No recorded change explains this: the scoring rules may have changed in a release."
    );
    assert!(
        text(select(&html, "p.changes-not-read")[0]).starts_with("And 3 more changes before these")
    );
}
