//! Each check on small hand-built documents: a clean one the checks find nothing in, and that
//! document with one thing broken. A test asserts its code is found in the broken document and
//! (through `a_clean_document_has_no_findings`) not in the clean one, so removing a check's
//! code fails its test.

use super::*;
use crate::knowledge::document::{
    FitRecord, IndustryRecord, RequirementRecord, SourceRecord, StrengthRecord, TermRecord,
    UseCaseRecord,
};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn days_ago(days: i64) -> String {
    (today() - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn term(slug: &str, name: &str) -> TermRecord {
    TermRecord {
        slug: slug.into(),
        name: name.into(),
        description: String::new(),
        phrases: Vec::new(),
    }
}

fn rubric() -> Vec<String> {
    (0..6)
        .map(|level| format!("What a {level} means."))
        .collect()
}

fn requirement(slug: &str, name: &str) -> RequirementRecord {
    RequirementRecord {
        slug: slug.into(),
        name: name.into(),
        group: "capability".into(),
        description: String::new(),
        phrases: Vec::new(),
        rubric: rubric(),
    }
}

fn strength(framework: &str, requirement: &str, value: i64) -> StrengthRecord {
    StrengthRecord {
        requirement: requirement.into(),
        strength: value,
        note: format!("Why {framework} is rated {value} on {requirement}."),
        sources: vec![format!("https://{framework}.example/docs")],
        reviewed: Some(days_ago(10)),
    }
}

fn framework(slug: &str, language: &str, real_time: i64, security: i64) -> FrameworkRecord {
    FrameworkRecord {
        slug: slug.into(),
        name: slug.to_uppercase(),
        language: language.into(),
        languages: vec![language.into()],
        kind: "micro".into(),
        ring: "adopt".into(),
        summary: format!("{slug} in a sentence."),
        last_reviewed: Some(days_ago(30)),
        sources: ["docs", "releases", "case-study"]
            .iter()
            .map(|page| SourceRecord {
                url: format!("https://{slug}.example/{page}"),
                title: format!("{slug} {page}"),
                checked: days_ago(40),
            })
            .collect(),
        requirements: vec![
            strength(slug, "real-time-updates", real_time),
            strength(slug, "security", security),
        ],
        industries: vec![FitRecord {
            industry: "fintech".into(),
            fit: 3,
            note: format!("Why {slug} suits fintech as it does."),
            sources: vec![format!("https://{slug}.example/case-study")],
            reviewed: Some(days_ago(10)),
        }],
        use_cases: vec!["payments".into()],
        ..FrameworkRecord::default()
    }
}

/// Two frameworks, every rating sourced and noted, tags that match their ratings, rubrics
/// written, the use case linked, everything reviewed recently.
fn clean() -> Document {
    let mut alpha = framework("alpha", "javascript", 4, 3);
    alpha.features = vec!["websockets".into(), "server-side-rendering".into()];
    let mut beta = framework("beta", "kotlin", 2, 4);
    beta.features = vec!["coroutines".into()];
    Document {
        languages: vec![term("javascript", "JavaScript"), term("kotlin", "Kotlin")],
        features: vec![
            term("coroutines", "Kotlin coroutines"),
            term("server-side-rendering", "Server-side rendering of React"),
            term("websockets", "WebSockets"),
        ],
        industries: vec![IndustryRecord {
            slug: "fintech".into(),
            name: "Fintech".into(),
            description: String::new(),
            phrases: Vec::new(),
            rubric: rubric(),
        }],
        use_cases: vec![UseCaseRecord {
            slug: "payments".into(),
            name: "Payments".into(),
            industry: "fintech".into(),
            description: String::new(),
            phrases: Vec::new(),
        }],
        requirements: vec![
            requirement("real-time-updates", "Real-time updates"),
            requirement("security", "Security"),
        ],
        frameworks: vec![alpha, beta],
        ..Document::default()
    }
}

fn framework_mut<'a>(doc: &'a mut Document, slug: &str) -> &'a mut FrameworkRecord {
    doc.frameworks.iter_mut().find(|f| f.slug == slug).unwrap()
}

fn rating_mut<'a>(doc: &'a mut Document, slug: &str, requirement: &str) -> &'a mut StrengthRecord {
    framework_mut(doc, slug)
        .requirements
        .iter_mut()
        .find(|r| r.requirement == requirement)
        .unwrap()
}

/// The findings with `code`.
fn found<'r>(report: &'r Report, code: &str) -> Vec<&'r Finding> {
    report.findings.iter().filter(|f| f.code == code).collect()
}

/// The only finding of `doc`, which must have `code`.
fn only_finding(doc: &Document, code: &str) -> Finding {
    let report = check(doc, today());
    assert_eq!(
        report.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        vec![code],
        "{report}"
    );
    report.findings[0].clone()
}

#[test]
fn a_clean_document_has_no_findings() {
    let report = check(&clean(), today());
    assert!(report.findings.is_empty(), "{report}");
    assert_eq!((report.errors(), report.warnings()), (0, 0));
}

#[test]
fn the_summary_counts_frameworks_sources_sourced_ratings_and_must_have_passes() {
    let mut doc = clean();
    rating_mut(&mut doc, "beta", "security").sources.clear();
    let summary = check(&doc, today()).summary;
    assert_eq!(summary.frameworks, 2);
    assert_eq!(summary.sources, 6);
    assert_eq!(summary.ratings, 6);
    assert_eq!(summary.sourced_ratings, 5);
    assert_eq!(summary.sourced_percent, 83, "rounded down");
    assert_eq!(
        summary.must_haves,
        vec![
            MustHave {
                requirement: "real-time-updates".into(),
                name: "Real-time updates".into(),
                passing: 1,
                percent: 50,
            },
            MustHave {
                requirement: "security".into(),
                name: "Security".into(),
                passing: 1,
                percent: 50,
            },
        ]
    );
}

#[test]
fn an_empty_document_has_no_findings_and_a_zero_summary() {
    let report = check(&Document::default(), today());
    assert_eq!(report, Report::default());
}

#[test]
fn a_framework_with_fewer_than_three_sources_is_an_error_naming_how_many_to_add() {
    let mut doc = clean();
    framework_mut(&mut doc, "alpha").sources.truncate(2);
    let finding = only_finding(&doc, "too-few-sources");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.location, "frameworks[alpha].sources");
    assert!(
        finding.message.contains("ALPHA lists 2 sources"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("Add 1 more"),
        "{}",
        finding.message
    );
    assert_eq!(finding.subject, Subject::Sources("alpha".into()));
}

#[test]
fn a_rating_of_five_one_or_zero_without_a_source_is_an_error() {
    for value in [0, 1, 5] {
        let mut doc = clean();
        let rating = rating_mut(&mut doc, "alpha", "security");
        rating.strength = value;
        rating.sources.clear();
        let finding = only_finding(&doc, "unsourced-extreme-rating");
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.location, "frameworks[alpha].requirements[security]");
        assert!(
            finding
                .message
                .contains(&format!("strength of {value} for Security cites no source")),
            "{}",
            finding.message
        );
    }
}

#[test]
fn an_unsourced_industry_fit_of_five_is_located_in_the_industries() {
    let mut doc = clean();
    let fit = &mut framework_mut(&mut doc, "beta").industries[0];
    fit.fit = 5;
    fit.sources.clear();
    let finding = only_finding(&doc, "unsourced-extreme-rating");
    assert_eq!(finding.location, "frameworks[beta].industries[fintech]");
    assert!(
        finding.message.contains("fit of 5 for Fintech"),
        "{}",
        finding.message
    );
    assert_eq!(
        finding.subject,
        Subject::Fit {
            framework: "beta".into(),
            industry: "fintech".into()
        }
    );
}

#[test]
fn a_rating_with_an_empty_note_is_a_warning() {
    let mut doc = clean();
    rating_mut(&mut doc, "beta", "security").note = "  ".into();
    let finding = only_finding(&doc, "rating-without-note");
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.location, "frameworks[beta].requirements[security]");
}

#[test]
fn unsourced_middle_ratings_make_one_warning_per_framework_with_their_count() {
    let mut doc = clean();
    rating_mut(&mut doc, "alpha", "real-time-updates")
        .sources
        .clear();
    rating_mut(&mut doc, "alpha", "security").sources.clear();
    let finding = only_finding(&doc, "rating-without-source");
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.location, "frameworks[alpha]");
    assert!(
        finding
            .message
            .contains("2 of its 3 ratings from 2 to 4 cite no source"),
        "{}",
        finding.message
    );
}

#[test]
fn praise_on_a_rating_of_one_contradicts_it() {
    let mut doc = clean();
    let rating = rating_mut(&mut doc, "alpha", "security");
    rating.strength = 1;
    rating.note = "An EXCELLENT   track record.".into();
    let finding = only_finding(&doc, "note-contradicts-rating");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.location, "frameworks[alpha].requirements[security]");
    assert!(
        finding
            .message
            .contains("note for Security says \"excellent\", but its strength is 1"),
        "{}",
        finding.message
    );
}

#[test]
fn a_denial_on_a_rating_of_four_contradicts_it() {
    let mut doc = clean();
    rating_mut(&mut doc, "beta", "security").note = "CSRF protection is not supported.".into();
    let finding = only_finding(&doc, "note-contradicts-rating");
    assert!(
        finding.message.contains("\"not supported\""),
        "{}",
        finding.message
    );
}

#[test]
fn contradictions_match_whole_words_and_phrases_only() {
    assert_eq!(
        contradiction("Best in class tooling", 0),
        Some("best in class")
    );
    assert_eq!(
        contradiction("Its defining strength.", 1),
        Some("defining strength")
    );
    assert_eq!(contradiction("Lacks nothing", 5), Some("lacks"));
    // Part of a longer word, or a hyphenated one, is not the word.
    assert_eq!(contradiction("Ideally deployed elsewhere", 1), None);
    assert_eq!(contradiction("A non-ideal fit", 1), None);
    assert_eq!(
        contradiction("Avoids N+1 queries with eager loading", 5),
        None
    );
    assert_eq!(contradiction("Tweak the defaults", 5), None);
    // The middle ratings carry any wording.
    assert_eq!(contradiction("Excellent docs, weak ecosystem", 3), None);
}

#[test]
fn negated_praise_and_bare_no_or_not_are_not_contradictions() {
    assert_eq!(contradiction("Not ideal for device fleets.", 1), None);
    assert_eq!(contradiction("Far from excellent here.", 0), None);
    assert_eq!(contradiction("No plugin needed: it is built in.", 5), None);
    assert_eq!(contradiction("Not a problem at this scale.", 4), None);
}

#[test]
fn two_frameworks_with_the_same_note_but_different_numbers_is_an_error() {
    let mut doc = clean();
    rating_mut(&mut doc, "alpha", "security").note = "Sensible defaults.".into();
    rating_mut(&mut doc, "beta", "security").note = " sensible DEFAULTS. ".into();
    let finding = only_finding(&doc, "same-note-different-ratings");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.location, "frameworks[alpha].requirements[security]");
    assert!(
        finding.message.contains(
            "For Security, ALPHA (3) and BETA (4) have the same note \"Sensible defaults.\""
        ),
        "{}",
        finding.message
    );
}

#[test]
fn the_same_note_with_the_same_number_or_on_different_requirements_is_fine() {
    let mut doc = clean();
    rating_mut(&mut doc, "alpha", "security").note = "Sensible defaults.".into();
    rating_mut(&mut doc, "beta", "real-time-updates").note = "Sensible defaults.".into();
    assert!(!check(&doc, today()).has("same-note-different-ratings"));
    rating_mut(&mut doc, "beta", "security").strength = 3;
    rating_mut(&mut doc, "beta", "security").note = "Sensible defaults.".into();
    assert!(!check(&doc, today()).has("same-note-different-ratings"));
}

#[test]
fn a_feature_tag_the_ratings_deny_is_an_error() {
    let mut doc = clean();
    // WebSockets means real-time updates rated 3 or more; beta's is 2.
    framework_mut(&mut doc, "beta")
        .features
        .push("websockets".into());
    let finding = only_finding(&doc, "feature-outside-definition");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.location, "frameworks[beta].features[websockets]");
    assert!(
        finding
            .message
            .contains("tagged \"WebSockets\" but rates Real-time updates 2"),
        "{}",
        finding.message
    );
    assert_eq!(finding.subject, Subject::Features("beta".into()));
}

#[test]
fn a_tag_is_denied_when_the_framework_has_no_rating_for_its_requirement() {
    let mut doc = clean();
    framework_mut(&mut doc, "alpha")
        .requirements
        .retain(|r| r.requirement != "real-time-updates");
    let finding = only_finding(&doc, "feature-outside-definition");
    assert!(
        finding
            .message
            .contains("has no rating for Real-time updates"),
        "{}",
        finding.message
    );
}

#[test]
fn a_language_bound_tag_needs_its_language_among_the_team_languages() {
    let mut doc = clean();
    framework_mut(&mut doc, "alpha")
        .features
        .push("coroutines".into());
    let finding = only_finding(&doc, "feature-outside-definition");
    assert_eq!(finding.location, "frameworks[alpha].features[coroutines]");
    assert!(
        finding
            .message
            .contains("Kotlin is not among the languages"),
        "{}",
        finding.message
    );
    // Adding Kotlin to the languages a team writes settles it.
    framework_mut(&mut doc, "alpha")
        .languages
        .push("kotlin".into());
    assert!(check(&doc, today()).findings.is_empty());
}

#[test]
fn a_tag_with_several_acceptable_requirements_needs_only_one_of_them() {
    let mut doc = clean();
    doc.features.push(term("client-sdks", "Client SDKs"));
    doc.requirements
        .push(requirement("ios-clients", "iOS clients"));
    doc.requirements
        .push(requirement("android-clients", "Android clients"));
    let alpha = framework_mut(&mut doc, "alpha");
    alpha.features.push("client-sdks".into());
    alpha.requirements.push(strength("alpha", "ios-clients", 3));
    alpha
        .requirements
        .push(strength("alpha", "android-clients", 3));
    let finding = only_finding(&doc, "feature-outside-definition");
    assert!(
        finding
            .message
            .contains("rates none of Android clients and iOS clients at 4 or more"),
        "{}",
        finding.message
    );
    rating_mut(&mut doc, "alpha", "android-clients").strength = 4;
    assert!(check(&doc, today()).findings.is_empty());
}

#[test]
fn rules_whose_feature_or_requirements_are_not_in_the_document_are_skipped() {
    let mut doc = clean();
    // A tag no rule knows, and a rule's tag whose requirement the document lacks.
    doc.features.push(term("orm", "ORM"));
    doc.features.push(term("hot-reload", "Hot reload"));
    let beta = framework_mut(&mut doc, "beta");
    beta.features.push("orm".into());
    beta.features.push("hot-reload".into());
    assert!(check(&doc, today()).findings.is_empty());
}

#[test]
fn a_framework_reviewed_more_than_180_days_ago_or_never_is_overdue() {
    let mut doc = clean();
    framework_mut(&mut doc, "alpha").last_reviewed = Some(days_ago(REVIEW_INTERVAL_DAYS));
    assert!(
        check(&doc, today()).findings.is_empty(),
        "exactly 180 days is on time"
    );
    framework_mut(&mut doc, "alpha").last_reviewed = Some(days_ago(REVIEW_INTERVAL_DAYS + 1));
    let finding = only_finding(&doc, "review-overdue");
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.location, "frameworks[alpha].last_reviewed");
    assert!(
        finding
            .message
            .contains("last reviewed on 2 Dec 2025, 181 days ago"),
        "{}",
        finding.message
    );
    framework_mut(&mut doc, "alpha").last_reviewed = None;
    let finding = only_finding(&doc, "review-overdue");
    assert!(
        finding.message.contains("ALPHA has never been reviewed"),
        "{}",
        finding.message
    );
}

#[test]
fn a_source_checked_more_than_a_year_ago_is_stale() {
    let mut doc = clean();
    framework_mut(&mut doc, "beta").sources[1].checked = days_ago(SOURCE_STALE_DAYS);
    assert!(
        check(&doc, today()).findings.is_empty(),
        "exactly 365 days is on time"
    );
    framework_mut(&mut doc, "beta").sources[1].checked = days_ago(SOURCE_STALE_DAYS + 1);
    let finding = only_finding(&doc, "source-stale");
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(
        finding.location,
        "frameworks[beta].sources[https://beta.example/releases]"
    );
    assert!(
        finding.message.contains("\"beta releases\"")
            && finding
                .message
                .contains("last checked on 31 May 2025, 366 days ago"),
        "{}",
        finding.message
    );
}

/// `count` frameworks, `passing` of them rated 4 on security.
fn many_frameworks(count: usize, passing: usize) -> Document {
    let mut doc = clean();
    doc.frameworks = (0..count)
        .map(|i| {
            let security = if i < passing { 4 } else { 3 };
            let mut f = framework(&format!("f{i:02}"), "javascript", 3, security);
            f.name = format!("Framework {i}");
            f
        })
        .collect();
    doc
}

#[test]
fn a_must_have_that_nine_in_ten_frameworks_pass_barely_filters_and_four_in_five_is_a_warning() {
    let doc = many_frameworks(10, 9);
    let finding = only_finding(&doc, "must-have-barely-filters");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.location, "requirements[security]");
    assert!(
        finding.message.contains("9 of 10 frameworks pass"),
        "{}",
        finding.message
    );
    assert_eq!(finding.subject, Subject::Requirement("security".into()));
    let finding = only_finding(&many_frameworks(10, 8), "must-have-barely-filters");
    assert_eq!(finding.severity, Severity::Warning);

    assert!(check(&many_frameworks(10, 7), today()).findings.is_empty());
    assert!(
        check(&many_frameworks(9, 9), today()).findings.is_empty(),
        "fewer than 10 frameworks say too little"
    );
}

#[test]
fn a_use_case_no_framework_links_to_is_a_warning() {
    let mut doc = clean();
    doc.use_cases.push(UseCaseRecord {
        slug: "wallets".into(),
        name: "Digital wallets".into(),
        industry: "fintech".into(),
        description: String::new(),
        phrases: Vec::new(),
    });
    let finding = only_finding(&doc, "use-case-unlinked");
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.location, "use_cases[wallets]");
    assert!(
        finding.message.contains("\"Digital wallets\""),
        "{}",
        finding.message
    );
}

#[test]
fn a_requirement_or_industry_without_a_rubric_is_a_warning() {
    let mut doc = clean();
    doc.requirements[1].rubric.clear();
    doc.industries[0].rubric.clear();
    let report = check(&doc, today());
    let locations: Vec<&str> = found(&report, "rubric-missing")
        .iter()
        .map(|f| f.location.as_str())
        .collect();
    assert_eq!(
        locations,
        [
            "requirements[security].rubric",
            "industries[fintech].rubric"
        ]
    );
    assert_eq!(report.findings.len(), 2, "{report}");
    assert_eq!(report.warnings(), 2);
}

#[test]
fn errors_come_before_warnings_each_in_document_order() {
    let mut doc = clean();
    framework_mut(&mut doc, "alpha").last_reviewed = None;
    framework_mut(&mut doc, "alpha").sources.pop();
    framework_mut(&mut doc, "beta").sources.pop();
    let report = check(&doc, today());
    let order: Vec<(Severity, &str)> = report
        .findings
        .iter()
        .map(|f| (f.severity, f.location.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            (Severity::Error, "frameworks[alpha].sources"),
            (Severity::Error, "frameworks[beta].sources"),
            (Severity::Warning, "frameworks[alpha].last_reviewed"),
        ]
    );
}

#[test]
fn the_json_report_has_counts_findings_and_summary() {
    let mut doc = clean();
    framework_mut(&mut doc, "alpha").sources.pop();
    let json = serde_json::to_value(check(&doc, today())).unwrap();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 0);
    assert_eq!(
        json["findings"][0],
        serde_json::json!({
            "severity": "error",
            "code": "too-few-sources",
            "location": "frameworks[alpha].sources",
            "message": json["findings"][0]["message"],
        })
    );
    assert_eq!(json["summary"]["frameworks"], 2);
    assert_eq!(json["summary"]["sourced_percent"], 100);
    assert_eq!(json["summary"]["must_haves"][1]["requirement"], "security");
}

#[test]
fn the_text_report_lists_errors_then_warnings_then_the_summary() {
    let mut doc = clean();
    framework_mut(&mut doc, "alpha").sources.pop();
    framework_mut(&mut doc, "beta").last_reviewed = None;
    let text = check(&doc, today()).to_string();
    let errors = text.find("Errors (1)").expect(&text);
    let warnings = text.find("Warnings (1)").expect(&text);
    let summary = text.find("Summary").expect(&text);
    assert!(errors < warnings && warnings < summary, "{text}");
    assert!(
        text.contains("too-few-sources  frameworks[alpha].sources"),
        "{text}"
    );
    assert!(text.contains("security"), "{text}");
    assert!(text.trim_end().ends_with("1 error, 1 warning"), "{text}");
}
