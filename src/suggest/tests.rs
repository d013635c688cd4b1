use proptest::strategy::Strategy;

use super::*;

fn entry(kind: Kind, slug: &str, phrases: &[&str]) -> Entry {
    Entry {
        kind,
        slug: slug.to_owned(),
        name: slug.replace('-', " "),
        phrases: phrases.iter().map(|p| (*p).to_owned()).collect(),
        compliance: false,
        industry: None,
    }
}

fn lexicon() -> Lexicon {
    Lexicon::new(vec![
        entry(
            Kind::Industry,
            "healthcare",
            &["clinic", "patients", "healthcare"],
        ),
        entry(Kind::Industry, "logistics", &["parcels", "warehouse"]),
        entry(Kind::Industry, "on-demand-services", &["food delivery"]),
        entry(
            Kind::Requirement,
            "real-time-updates",
            &["real-time", "live tracking", "live map"],
        ),
        entry(
            Kind::Requirement,
            "offline-sync",
            &["offline", "works on the subway", "no signal"],
        ),
        entry(
            Kind::Requirement,
            "push-notifications",
            &["push notifications", "push"],
        ),
        entry(Kind::Requirement, "admin-back-office", &["admin panel"]),
        entry(
            Kind::Requirement,
            "vendor-lock-in",
            &["vendor lock-in", "no vendor lock-in"],
        ),
        entry(Kind::Requirement, "low-ops", &["no DevOps people"]),
        entry(Kind::Requirement, "scalability", &["100k users", "scale"]),
        entry(
            Kind::Requirement,
            "rapid-prototyping",
            &["launch in 6 weeks", "MVP"],
        ),
        entry(Kind::Requirement, "ecommerce-ready", &["e-commerce"]),
        entry(Kind::Requirement, "pci", &["PCI"]),
        Entry {
            compliance: true,
            ..entry(Kind::Requirement, "hipaa", &["HIPAA"])
        },
        Entry {
            industry: Some("on-demand-services".into()),
            ..entry(
                Kind::UseCase,
                "food-delivery",
                &["live courier tracking", "food delivery app"],
            )
        },
        Entry {
            industry: Some("healthcare".into()),
            ..entry(Kind::UseCase, "telemedicine", &["video visits"])
        },
        entry(Kind::Language, "csharp", &["C#", ".NET"]),
        entry(Kind::Language, "go", &["golang", "Go developers"]),
        entry(Kind::Language, "cpp", &["C++"]),
        entry(Kind::Language, "javascript", &["Node.js", "JavaScript"]),
    ])
}

fn read(text: &str) -> Reading {
    suggest(&lexicon(), text).expect("the text is short enough")
}

/// The suggestions as `param=slug`, in order.
fn pairs(text: &str) -> Vec<String> {
    read(text)
        .suggestions
        .iter()
        .map(|s| format!("{}={}", s.param.as_str(), s.slug))
        .collect()
}

fn left_out(text: &str) -> Vec<(String, String)> {
    read(text)
        .left_out
        .into_iter()
        .map(|l| (l.slug, l.matched))
        .collect()
}

#[test]
fn words_are_compared_in_lower_case_singular_with_hyphens_as_spaces() {
    assert_eq!(
        pairs("PUSH NOTIFICATION for every order"),
        ["want=push-notifications"]
    );
    assert_eq!(
        pairs("We want real time prices"),
        ["want=real-time-updates"]
    );
    assert_eq!(pairs("an ecommerce shop"), ["want=ecommerce-ready"]);
    assert_eq!(phrase_key("Patients"), phrase_key("patient"));
    assert_eq!(phrase_key("real-time"), phrase_key("Real time"));
    assert_eq!(phrase_key("e-commerce"), phrase_key("ecommerce"));
    assert_eq!(phrase_key("the"), None, "only common words");
    assert_eq!(phrase_key("—"), None);
}

#[test]
fn a_phrase_matches_its_words_in_any_order_within_a_short_window() {
    // "live tracking" (two words) matches among three consecutive words, either way round.
    for text in [
        "live courier tracking",
        "tracking of the couriers live",
        "we need tracking live",
    ] {
        let reading = read(text);
        assert!(
            reading
                .suggestions
                .iter()
                .any(|s| s.slug == "real-time-updates"),
            "{text}: {reading:?}"
        );
    }
    // Too far apart, or in two clauses or sentences: no match.
    for text in [
        "live music and weekly parcel tracking",
        "tracking of the couriers, live",
        "It is live. Tracking comes later.",
    ] {
        assert!(
            read(text)
                .suggestions
                .iter()
                .all(|s| s.slug != "real-time-updates"),
            "{text}"
        );
    }
}

#[test]
fn each_suggestion_names_the_exact_words_it_came_from() {
    let reading = read("Customers want Live Courier Tracking, and push notifications are a must.");
    let by_slug = |slug: &str| {
        reading
            .suggestions
            .iter()
            .find(|s| s.slug == slug)
            .unwrap_or_else(|| panic!("{slug} in {reading:?}"))
    };
    assert_eq!(
        by_slug("real-time-updates").matched,
        "Live Courier Tracking"
    );
    assert_eq!(by_slug("food-delivery").matched, "Live Courier Tracking");
    let push = by_slug("push-notifications");
    assert_eq!(push.matched, "push notifications");
    assert_eq!(push.param, Param::Need);
    assert_eq!(push.cue.as_deref(), Some("are a must"));
}

#[test]
fn the_longest_of_overlapping_matches_of_one_kind_wins_and_kinds_do_not_compete() {
    // "push notifications" and "push" overlap: one suggestion, from the longer words.
    let reading = read("Send push notifications to drivers.");
    assert_eq!(reading.suggestions.len(), 1, "{reading:?}");
    assert_eq!(reading.suggestions[0].matched, "push notifications");
    // The use case and the requirement both come from "live courier tracking".
    assert_eq!(
        pairs("live courier tracking"),
        [
            "industry=on-demand-services",
            "want=real-time-updates",
            "use=food-delivery"
        ]
    );
}

#[test]
fn negations_in_the_clause_leave_a_term_out_and_say_which_words_did() {
    for (text, slug, words) in [
        (
            "No need for offline.",
            "offline-sync",
            "No need for offline",
        ),
        (
            "We don't need push notifications.",
            "push-notifications",
            "don't need push notifications",
        ),
        (
            "Built without an admin panel",
            "admin-back-office",
            "without an admin panel",
        ),
        (
            "Offline is not required.",
            "offline-sync",
            "Offline is not required",
        ),
        (
            "Real-time is not a priority",
            "real-time-updates",
            "Real-time is not a priority",
        ),
        (
            "PCI isn't needed, we use a hosted page",
            "pci",
            "PCI isn't needed",
        ),
        (
            "We won't need an admin panel at all",
            "admin-back-office",
            "won't need an admin panel",
        ),
    ] {
        assert_eq!(
            left_out(text),
            [(slug.to_owned(), words.to_owned())],
            "{text}"
        );
        assert!(read(text).suggestions.is_empty(), "{text}");
    }
}

#[test]
fn a_negation_reaches_only_its_own_clause_and_lists_that_follow_it() {
    assert_eq!(
        pairs("We don't need an admin panel, but offline is a must."),
        ["need=offline-sync"]
    );
    assert_eq!(
        left_out("We don't need an admin panel, but offline is a must."),
        [(
            "admin-back-office".to_owned(),
            "don't need an admin panel".to_owned()
        )]
    );
    // A list right after a negated clause shares its negation.
    let slugs: Vec<String> = left_out("No need for offline, push or real-time.")
        .into_iter()
        .map(|(slug, _)| slug)
        .collect();
    assert_eq!(
        slugs,
        ["offline-sync", "push-notifications", "real-time-updates"]
    );
    // "not only" is no negation.
    assert_eq!(
        pairs("Not only push notifications: a live map too."),
        ["want=push-notifications", "want=real-time-updates"]
    );
}

#[test]
fn a_negation_inside_a_phrase_is_part_of_what_it_means() {
    assert_eq!(
        pairs("Basements have no signal; we have no DevOps people and want no vendor lock-in."),
        ["want=offline-sync", "want=low-ops", "want=vendor-lock-in"]
    );
    assert!(left_out("no vendor lock-in").is_empty());
}

#[test]
fn cue_words_make_a_requirement_a_must_or_a_nice_to_have() {
    for (text, slug, param) in [
        ("Offline is a must.", "offline-sync", "need"),
        ("It has to work offline.", "offline-sync", "need"),
        ("Offline support is essential", "offline-sync", "need"),
        (
            "Drivers see a live map, that's critical.",
            "real-time-updates",
            "need",
        ),
        ("Offline would be nice", "offline-sync", "want"),
        (
            "Ideally offline, and push notifications must be there",
            "offline-sync",
            "want",
        ),
        (
            "Ideally offline, and push notifications must be there",
            "push-notifications",
            "need",
        ),
        (
            "Push notifications maybe later",
            "push-notifications",
            "want",
        ),
        ("Offline is a bonus", "offline-sync", "want"),
        ("We need to scale eventually", "scalability", "want"),
        ("If it takes off, we need to scale.", "scalability", "want"),
        ("Offline is not essential", "offline-sync", "want"),
        ("Offline sync for drivers.", "offline-sync", "want"),
        ("HIPAA.", "hipaa", "need"),
        ("HIPAA would be nice to have eventually.", "hipaa", "want"),
    ] {
        let reading = read(text);
        let found = reading
            .suggestions
            .iter()
            .find(|s| s.slug == slug)
            .unwrap_or_else(|| panic!("{text}: {reading:?}"));
        assert_eq!(found.param.as_str(), param, "{text}: {reading:?}");
    }
    // The whole cue is quoted.
    let reading = read("Offline would be nice; push notifications are a must.");
    let cues: Vec<_> = reading
        .suggestions
        .iter()
        .map(|s| s.cue.as_deref())
        .collect();
    assert_eq!(cues, [Some("are a must"), Some("would be nice")]);
    // The nearest cue decides within a clause.
    assert_eq!(
        pairs("We need offline and push notifications would be nice"),
        ["need=offline-sync", "want=push-notifications"]
    );
}

#[test]
fn languages_come_only_from_sentences_about_the_team() {
    assert_eq!(
        pairs("Our devs know C# and C++."),
        ["lang=csharp", "lang=cpp"]
    );
    assert_eq!(pairs("We're a .NET shop"), ["lang=csharp"]);
    let reading = read("Their developers are .NET.");
    assert_eq!(reading.suggestions[0].matched, ".NET");
    assert_eq!(pairs("In-house Go developers."), ["lang=go"]);
    assert_eq!(pairs("Team: Node.js"), ["lang=javascript"]);
    assert!(pairs("The client's website uses JavaScript.").is_empty());
    // A negated language is left out, not suggested.
    assert_eq!(
        left_out("No JavaScript please, the team hates it"),
        [("javascript".to_owned(), "No JavaScript".to_owned())]
    );
}

#[test]
fn one_industry_is_chosen_the_best_supported_then_the_first_mentioned() {
    // Healthcare: "clinic", "patients" and the telemedicine use case's "video visits".
    let text = "A warehouse sends parcels to the clinic; patients want video visits.";
    assert_eq!(pairs(text)[0], "industry=healthcare");
    // A tie goes to the first mentioned.
    assert_eq!(pairs("parcels for the clinic")[0], "industry=logistics");
    assert_eq!(pairs("a clinic sending parcels")[0], "industry=healthcare");
    // An industry can come from its use case alone, and names the use case's words.
    assert_eq!(
        pairs("tracking couriers live"),
        [
            "industry=on-demand-services",
            "want=real-time-updates",
            "use=food-delivery"
        ]
    );
    let reading = read("Live courier tracking");
    assert_eq!(reading.suggestions[0].matched, "Live courier tracking");
}

#[test]
fn numbers_of_one_size_read_alike() {
    for text in [
        "2M users",
        "200k users",
        "millions of users",
        "1,000,000 users",
    ] {
        assert_eq!(pairs(text), ["want=scalability"], "{text}");
    }
    assert!(pairs("200 users").is_empty());
    assert_eq!(
        pairs("We must launch in six weeks"),
        ["need=rapid-prototyping"]
    );
    assert_eq!(pairs("launch in 3 weeks"), ["want=rapid-prototyping"]);
}

#[test]
fn a_known_compound_is_one_word_that_a_phrase_of_one_of_its_words_does_not_match() {
    let lexicon = Lexicon::new(vec![
        entry(Kind::Industry, "fintech", &["bank"]),
        entry(Kind::Industry, "travel", &["flights"]),
        entry(Kind::Requirement, "offline-sync", &["flight mode"]),
    ]);
    let pairs = |text: &str| -> Vec<String> {
        suggest(&lexicon, text)
            .expect("short")
            .suggestions
            .iter()
            .map(|s| format!("{}={}", s.param.as_str(), s.slug))
            .collect()
    };
    assert!(pairs("volunteers sign up for shifts at the food bank").is_empty());
    assert!(pairs("a power bank rental kiosk").is_empty());
    assert_eq!(pairs("an app for our bank"), ["industry=fintech"]);
    assert_eq!(pairs("it must work in flight mode"), ["need=offline-sync"]);
    assert_eq!(pairs("compare flights"), ["industry=travel"]);
}

#[test]
fn a_slip_of_the_keyboard_in_a_long_word_reads_as_the_word_meant() {
    assert_eq!(
        pairs("push notfications please"),
        ["want=push-notifications"]
    );
    assert_eq!(pairs("a wrehuose app"), Vec::<String>::new(), "two slips");
    assert_eq!(
        pairs("a warehuose app"),
        ["industry=logistics"],
        "two letters swapped"
    );
    assert_eq!(pairs("our pateints"), ["industry=healthcare"]);
    assert_eq!(pairs("our helathcare app"), ["industry=healthcare"]);
    // Each suggestion still quotes the words as the client wrote them.
    assert_eq!(read("a warehuose app").suggestions[0].matched, "warehuose");
    // Not in short words, nor in the first letter or the last two, where English words
    // differ by inflection rather than by slips.
    let lexicon = Lexicon::new(vec![
        entry(Kind::UseCase, "task-management", &["task manager"]),
        entry(Kind::Industry, "logistics", &["trucking", "parcels"]),
    ]);
    let found = |text: &str| {
        !suggest(&lexicon, text)
            .expect("short")
            .suggestions
            .is_empty()
    };
    assert!(found("a task maneger"));
    assert!(!found("a task managed by them"), "last letters");
    assert!(!found("a task nanager"), "first letter");
    assert!(!found("parcles"), "short");
    assert!(found("trukcing"));
}

/// `param=slug` pairs of `text` read against `lexicon`.
fn pairs_in(lexicon: &Lexicon, text: &str) -> Vec<String> {
    suggest(lexicon, text)
        .expect("short")
        .suggestions
        .iter()
        .map(|s| format!("{}={}", s.param.as_str(), s.slug))
        .collect()
}

#[test]
fn a_must_cue_governs_the_list_that_follows_its_clause() {
    assert_eq!(
        pairs("We need push notifications, paywalled articles and offline reading for commuters."),
        ["need=push-notifications", "need=offline-sync"]
    );
    assert_eq!(
        pairs("Push notifications are a must, an admin panel, and a live map."),
        [
            "need=push-notifications",
            "need=admin-back-office",
            "need=real-time-updates"
        ]
    );
    // A clause with a subject of its own, or opened by a clause word, says something new.
    assert_eq!(
        pairs("We need push notifications, and we show a live map."),
        ["need=push-notifications", "want=real-time-updates"]
    );
    assert_eq!(
        pairs("We need push notifications, and drivers keep asking about a live map."),
        ["need=push-notifications", "want=real-time-updates"]
    );
    assert_eq!(
        pairs("We need push notifications, but offline for the drivers."),
        ["need=push-notifications", "want=offline-sync"]
    );
    // Its own cue still decides.
    assert_eq!(
        pairs("We need push notifications, offline would be nice."),
        ["need=push-notifications", "want=offline-sync"]
    );
}

#[test]
fn a_rule_the_client_is_bound_by_makes_a_must_have_not_a_negation() {
    let lexicon = Lexicon::new(vec![
        entry(
            Kind::Requirement,
            "self-hosting",
            &["own servers", "on-premises"],
        ),
        entry(
            Kind::Requirement,
            "data-residency",
            &["hosted outside the country"],
        ),
        entry(
            Kind::Requirement,
            "push-notifications",
            &["push notifications"],
        ),
    ]);
    let cue = |text: &str| {
        let reading = suggest(&lexicon, text).expect("short");
        assert!(reading.left_out.is_empty(), "{text}: {reading:?}");
        let [found] = &reading.suggestions[..] else {
            panic!("{text}: {reading:?}");
        };
        assert_eq!(found.param, Param::Need, "{text}");
        found.cue.clone().expect("a cue decided")
    };
    assert_eq!(
        cue("The group's IT policy says everything runs on-premises."),
        "policy says"
    );
    assert_eq!(cue("Documents may not leave our own servers."), "may not");
    assert_eq!(cue("Data cannot be hosted outside the country."), "cannot");
    assert_eq!(cue("By law, it runs on our own servers."), "By law");
    assert_eq!(
        cue("Files are not allowed to leave our own servers."),
        "not allowed"
    );
    // A doubt or a plain negation is still a negation: "cannot" is "can not".
    for text in [
        "We may not need our own servers.",
        "We cannot use push notifications.",
    ] {
        let reading = suggest(&lexicon, text).expect("short");
        assert!(reading.suggestions.is_empty(), "{text}: {reading:?}");
        assert_eq!(reading.left_out.len(), 1, "{text}: {reading:?}");
    }
}

#[test]
fn an_industry_needs_more_than_a_stray_word_inside_a_longer_phrase() {
    let lexicon = Lexicon::new(vec![
        entry(Kind::Industry, "healthcare", &["health"]),
        entry(Kind::Industry, "iot", &["sensors"]),
        Entry {
            industry: Some("iot".into()),
            ..entry(Kind::UseCase, "device-telemetry", &["machine health"])
        },
        entry(Kind::Industry, "on-demand-services", &["restaurant"]),
        Entry {
            industry: Some("on-demand-services".into()),
            ..entry(
                Kind::UseCase,
                "food-delivery",
                &["restaurant", "food delivery"],
            )
        },
        entry(Kind::Industry, "travel", &["hotel"]),
        Entry {
            industry: Some("travel".into()),
            ..entry(Kind::UseCase, "booking", &["table booking"])
        },
    ]);
    // "health" lies inside "health of their machines", a use case of another industry.
    assert_eq!(
        pairs_in(&lexicon, "Customers see the health of their machines.")[0],
        "industry=iot"
    );
    assert_eq!(
        pairs_in(&lexicon, "A health app.")[0],
        "industry=healthcare"
    );
    // Support is counted in words, each once: "Restaurant" named by an industry and by its
    // use case is one word; "table booking" is two.
    assert_eq!(
        pairs_in(&lexicon, "Restaurant group: a table booking app.")[0],
        "industry=travel"
    );
    assert_eq!(
        pairs_in(
            &lexicon,
            "Restaurant group: food delivery and table booking."
        )[0],
        "industry=on-demand-services"
    );
}

#[test]
fn set_phrases_and_multiples_written_as_words_read_as_they_mean() {
    let lexicon = Lexicon::new(vec![
        entry(Kind::UseCase, "e-learning", &["courses"]),
        entry(Kind::Requirement, "scalability", &["10x traffic"]),
    ]);
    let pairs = |text: &str| pairs_in(&lexicon, text);
    assert!(pairs("GDPR is of course mandatory.").is_empty());
    assert_eq!(pairs("a catalogue of courses"), ["use=e-learning"]);
    assert_eq!(pairs("Of Course! We sell courses"), ["use=e-learning"]);
    for text in [
        "Summer weekends bring ten times the usual traffic.",
        "Traffic triples on election nights.",
        "traffic doubled last year",
        "a tenfold traffic",
        "10x traffic",
    ] {
        assert_eq!(pairs(text), ["want=scalability"], "{text}");
    }
    assert!(pairs("traffic three weeks a year").is_empty());
}

#[test]
fn single_sign_on_is_no_law_so_without_a_cue_it_is_a_nice_to_have() {
    let lexicon = Lexicon::of(
        &crate::knowledge::validate::parse(crate::knowledge::seed::SEED_JSON)
            .expect("the seed parses"),
    );
    let pairs = |text: &str| pairs_in(&lexicon, text);
    let sso = |text: &str| -> Vec<String> {
        pairs(text)
            .into_iter()
            .filter(|p| p.ends_with("=enterprise-sso"))
            .collect()
    };
    assert_eq!(
        sso("Login through our Active Directory."),
        ["want=enterprise-sso"]
    );
    assert_eq!(sso("SSO is required."), ["need=enterprise-sso"]);
    assert!(pairs("HIPAA.").contains(&"need=hipaa".to_owned()));
}

#[test]
fn empty_unmatched_and_overlong_texts() {
    assert_eq!(read(""), Reading::default());
    assert_eq!(read("   \n "), Reading::default());
    assert_eq!(read("Lorem ipsum dolor sit amet."), Reading::default());
    let long = "a".repeat(MAX_TEXT_CHARS + 1);
    assert_eq!(suggest(&lexicon(), &long), Err(TooLong(MAX_TEXT_CHARS + 1)));
    assert!(suggest(&lexicon(), &"é".repeat(MAX_TEXT_CHARS)).is_ok());
}

#[test]
fn the_same_text_always_gives_the_same_reading() {
    let text = "Clinic app: HIPAA, live map, no admin panel. Our devs know C#.";
    let first = read(text);
    for _ in 0..20 {
        assert_eq!(read(text), first);
    }
}

proptest::proptest! {
    #[test]
    fn any_text_is_read_and_every_suggestion_quotes_it(text in "\\PC{0,400}") {
        let reading = read(&text);
        for s in &reading.suggestions {
            proptest::prop_assert!(text.contains(&s.matched), "{:?} not in {:?}", s.matched, text);
        }
        for l in &reading.left_out {
            proptest::prop_assert!(text.contains(&l.matched));
        }
    }

    #[test]
    fn phrase_words_in_any_order_match(words in proptest::sample::subsequence(
        vec!["live", "courier", "tracking"], 3
    ).prop_shuffle()) {
        let text = words.join(" ");
        proptest::prop_assert!(pairs(&text).contains(&"use=food-delivery".to_owned()), "{}", text);
    }
}

/// The evaluation: the client briefs of `tests/fixtures/client-briefs.json` read against the
/// seeded phrases, scored set by set as the file's `about` says. `cargo test --lib
/// suggest::tests::evaluation -- --nocapture` prints the figures (and every miss with
/// `SUGGEST_MISSES=1`).
mod evaluation {
    use std::collections::BTreeSet;

    use serde::Deserialize;

    use super::super::{Lexicon, suggest};
    use crate::knowledge::seed::SEED_JSON;
    use crate::knowledge::validate::parse;

    const BRIEFS: &str = include_str!("../../tests/fixtures/client-briefs.json");

    #[derive(Deserialize)]
    struct Fixture {
        briefs: Vec<Brief>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Brief {
        id: String,
        text: String,
        industry: Option<String>,
        need: Vec<String>,
        want: Vec<String>,
        lang: Vec<String>,
        #[serde(rename = "use")]
        use_cases: Vec<String>,
        #[serde(default)]
        left_out: Vec<String>,
        /// Which set the brief belongs to: see [`SETS`].
        #[serde(default = "tuning")]
        set: String,
    }

    fn tuning() -> String {
        SETS[0].0.to_owned()
    }

    /// The sets of briefs, in the order they were written, and whether the phrases and rules
    /// were tuned on them (the figures of a tuning set must reach 0.85; a held-out set's are
    /// reported as they are).
    const SETS: &[(&str, bool)] = &[
        // Written before any phrase was seeded; the first round of tuning used them.
        ("tuning", true),
        // Written after the first round as its held-out set; the second round looked at
        // their misses, so they are tuning briefs now.
        ("tuning-2", true),
        // Written and committed after the second round as its held-out set (held-out-2),
        // before it was measured on them; the third round looked at their misses.
        ("tuning-3", true),
        // Written and committed after the second round, before the third round changed any
        // rule and before the reader was run on them.
        ("held-out-3", false),
    ];

    impl Brief {
        fn expected(&self) -> BTreeSet<(String, String)> {
            let mut pairs = BTreeSet::new();
            if let Some(industry) = &self.industry {
                pairs.insert(("industry".to_owned(), industry.clone()));
            }
            for (param, slugs) in [
                ("need", &self.need),
                ("want", &self.want),
                ("lang", &self.lang),
                ("use", &self.use_cases),
            ] {
                for slug in slugs {
                    pairs.insert((param.to_owned(), slug.clone()));
                }
            }
            pairs
        }
    }

    /// True positives, false positives, false negatives, and requirements suggested although
    /// the client ruled them out.
    #[derive(Default)]
    struct Tally {
        briefs: usize,
        tp: usize,
        fp: usize,
        fn_: usize,
        ruled_out_but_suggested: usize,
    }

    impl Tally {
        fn precision(&self) -> f64 {
            self.tp as f64 / (self.tp + self.fp).max(1) as f64
        }

        fn recall(&self) -> f64 {
            self.tp as f64 / (self.tp + self.fn_).max(1) as f64
        }
    }

    fn evaluate() -> Vec<Tally> {
        let fixture: Fixture = serde_json::from_str(BRIEFS).expect("the briefs parse");
        let lexicon = Lexicon::of(&parse(SEED_JSON).expect("the seed parses"));
        let details = std::env::var_os("SUGGEST_MISSES").is_some();
        let mut tallies: Vec<Tally> = SETS.iter().map(|_| Tally::default()).collect();
        for brief in &fixture.briefs {
            let reading = suggest(&lexicon, &brief.text).expect("a brief is short enough");
            let got: BTreeSet<(String, String)> = reading
                .suggestions
                .iter()
                .map(|s| (s.param.as_str().to_owned(), s.slug.clone()))
                .collect();
            let expected = brief.expected();
            let set = SETS
                .iter()
                .position(|(name, _)| *name == brief.set)
                .unwrap_or_else(|| panic!("{}: no set {:?}", brief.id, brief.set));
            let tally = &mut tallies[set];
            tally.briefs += 1;
            tally.tp += got.intersection(&expected).count();
            let extra: Vec<_> = got.difference(&expected).collect();
            let missed: Vec<_> = expected.difference(&got).collect();
            tally.fp += extra.len();
            tally.fn_ += missed.len();
            let ruled_out: Vec<_> = got
                .iter()
                .filter(|(param, slug)| {
                    matches!(param.as_str(), "need" | "want") && brief.left_out.contains(slug)
                })
                .collect();
            tally.ruled_out_but_suggested += ruled_out.len();
            if details && (!extra.is_empty() || !missed.is_empty()) {
                println!(
                    "[{}] {}: extra {extra:?}, missed {missed:?}",
                    brief.set, brief.id
                );
                for s in &reading.suggestions {
                    println!(
                        "    {} {} <- {:?} ({:?})",
                        s.param.as_str(),
                        s.slug,
                        s.matched,
                        s.cue
                    );
                }
            }
        }
        tallies
    }

    #[test]
    fn the_client_briefs_are_read_with_precision_and_recall_of_at_least_85_percent() {
        let tallies = evaluate();
        for ((name, _), tally) in SETS.iter().zip(&tallies) {
            println!(
                "{name} set: {} briefs, precision {:.3} ({} of {} suggested), recall {:.3} ({} of {} expected), {} ruled out but suggested",
                tally.briefs,
                tally.precision(),
                tally.tp,
                tally.tp + tally.fp,
                tally.recall(),
                tally.tp,
                tally.tp + tally.fn_,
                tally.ruled_out_but_suggested,
            );
        }
        assert!(
            tallies[0].briefs >= 40,
            "{} tuning briefs",
            tallies[0].briefs
        );
        for ((name, tuned), tally) in SETS.iter().zip(&tallies) {
            assert_eq!(tally.ruled_out_but_suggested, 0, "{name}");
            if *tuned {
                let (precision, recall) = (tally.precision(), tally.recall());
                assert!(precision >= 0.85, "{name} precision {precision:.3}");
                assert!(recall >= 0.85, "{name} recall {recall:.3}");
            }
        }
    }
}

#[test]
#[ignore = "a timing, run by hand: cargo test --lib suggest::tests::timing -- --ignored --nocapture"]
fn timing() {
    let lexicon = Lexicon::of(
        &crate::knowledge::validate::parse(crate::knowledge::seed::SEED_JSON)
            .expect("the seed parses"),
    );
    let brief = "We need push notifications, offline sync, a live map, and we must host on our own servers by policy. ";
    for text in [
        brief.repeat(20),
        "need, ".repeat(333),
        "health of their machines, ".repeat(76),
        "may not ".repeat(250),
    ] {
        let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
        let start = std::time::Instant::now();
        suggest(&lexicon, &text).expect("short");
        println!("{:?} for {:?}…", start.elapsed(), &text[..20]);
    }
}
