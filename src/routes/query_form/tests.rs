use super::*;
use crate::recommend::params;

/// The seeded knowledge base, as the server loads it.
async fn seeded() -> Knowledge {
    let (_folder, pool) = crate::knowledge::seed::seeded_database().await;
    crate::db::recommend::load(&pool).await.unwrap()
}

fn asked(query: &str, knowledge: &Knowledge) -> Params {
    params::parse(query, &knowledge.names).unwrap()
}

#[tokio::test]
async fn the_prepared_form_filled_in_is_the_form_rendered_for_every_kind_of_question() {
    let knowledge = seeded().await;
    let forms = PreparedForms::default();
    let prepared = PreparedForm::prepare(&knowledge).unwrap();
    assert!(prepared.is_some_and(|form| form.pieces.len() > 100));
    for query in [
        "",
        "industry=healthcare",
        "industry=healthcare&need=security&need=scalability&want=real-time-updates&lang=python",
        "lang=csharp&lang=java&use=patient-portal&use=telemedicine",
        "need=offline-sync&want=hipaa&q=%3Cchat%3E+%22app%22+%26+more",
    ] {
        let params = asked(query, &knowledge);
        let whole = rendered(&knowledge, &params, Vec::new()).unwrap();
        let filled = forms.html(&knowledge, &params, Vec::new()).unwrap();
        assert_eq!(filled, whole, "{query}");
    }
}

#[tokio::test]
async fn the_filled_in_form_shows_the_questions_choices_and_escapes_its_search() {
    let knowledge = seeded().await;
    let params = asked(
        "industry=healthcare&need=security&want=scalability&use=patient-portal&q=%3Cb%3E",
        &knowledge,
    );
    let form = PreparedForms::default()
        .html(&knowledge, &params, Vec::new())
        .unwrap();
    let html = scraper::Html::parse_fragment(&form);
    let all = |css: &str| -> Vec<String> {
        let selector = scraper::Selector::parse(css).unwrap();
        html.select(&selector)
            .map(|e| e.value().attr("value").unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(all("option[selected]"), ["healthcare"]);
    assert_eq!(all("input[name='r.security'][checked]"), ["need"]);
    assert_eq!(all("input[name='r.scalability'][checked]"), ["want"]);
    assert_eq!(all("input[name='r.offline-sync'][checked]"), ["ignore"]);
    assert_eq!(all("input[name='use'][checked]"), ["patient-portal"]);
    assert_eq!(all("details.use-cases[open]").len(), 1);
    assert_eq!(all("input#q"), ["<b>"]);
    assert!(form.contains("value=\"&#60;b&#62;\""), "escaped once");
}

#[tokio::test]
async fn a_form_with_errors_is_rendered_whole_with_them() {
    let knowledge = seeded().await;
    let params = asked("industry=healthcare", &knowledge);
    let errors = vec![FieldError::new(
        "lang",
        "“klingon” is not a language we know",
    )];
    let form = PreparedForms::default()
        .html(&knowledge, &params, errors)
        .unwrap();
    assert!(form.contains("id=\"form-errors\""));
    assert!(form.contains("klingon"));
}

#[tokio::test]
async fn each_knowledge_version_gets_its_own_prepared_form() {
    let mut knowledge = seeded().await;
    let forms = PreparedForms::default();
    let params = Params::default();
    let before = forms.html(&knowledge, &params, Vec::new()).unwrap();
    knowledge.version += 1;
    knowledge.industries[0].name = "Renamed industry".to_owned();
    let after = forms.html(&knowledge, &params, Vec::new()).unwrap();
    assert!(!before.contains("Renamed industry"));
    assert!(after.contains(">Renamed industry</option>"));
}

#[tokio::test]
async fn a_name_holding_the_slot_mark_is_served_by_rendering() {
    let mut knowledge = seeded().await;
    knowledge.requirements[0].description = format!("odd {MARK}0{MARK} text");
    assert!(PreparedForm::prepare(&knowledge).unwrap().is_none());
    let params = Params::default();
    assert_eq!(
        PreparedForms::default()
            .html(&knowledge, &params, Vec::new())
            .unwrap(),
        rendered(&knowledge, &params, Vec::new()).unwrap()
    );
}
