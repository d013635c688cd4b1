//! `GET /outcomes`: what clients chose, per framework, against what the briefs recommended
//! first: the evidence editors need to question their ratings.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::db;
use crate::db::briefs::OutcomeRow;
use crate::domain::DealResult;
use crate::error::{AppError, Result};
use crate::snapshot::KnowledgeCache;

/// One framework's line: how often the briefs ranked it first, how often clients chose it,
/// and how the deals it was recommended in went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameworkOutcomes {
    pub slug: String,
    pub name: String,
    /// Briefs whose latest revision ranked it first.
    pub first: usize,
    /// Decided briefs (won or lost) whose client chose it.
    pub chosen: usize,
    /// Of those, the briefs that had not ranked it first.
    pub chosen_not_first: usize,
    /// Briefs that ranked it first and were won.
    pub won: usize,
    /// Briefs that ranked it first and were lost.
    pub lost: usize,
}

/// Every framework some brief ranked first or some client chose, with the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub frameworks: Vec<FrameworkOutcomes>,
    /// Briefs counted, and how many of them are archived.
    pub briefs: usize,
    pub archived: usize,
    pub won: usize,
    pub lost: usize,
    pub open: usize,
    /// Lost without the client choosing any framework (the project did not go ahead).
    pub lost_to_none: usize,
}

/// Counts `rows` (one per brief, archived included), naming frameworks as `names` has them
/// now, else as the brief's answer did, else by slug.
pub fn tally(rows: &[OutcomeRow], names: &HashMap<String, String>) -> Tally {
    let mut tally = Tally::default();
    let mut by_slug: HashMap<String, FrameworkOutcomes> = HashMap::new();
    let line =
        |by_slug: &mut HashMap<String, FrameworkOutcomes>, slug: &str, fallback: Option<&str>| {
            by_slug
                .entry(slug.to_owned())
                .or_insert_with(|| FrameworkOutcomes {
                    slug: slug.to_owned(),
                    name: names
                        .get(slug)
                        .cloned()
                        .or_else(|| fallback.map(str::to_owned))
                        .unwrap_or_else(|| slug.to_owned()),
                    ..FrameworkOutcomes::default()
                });
        };
    for row in rows {
        tally.briefs += 1;
        tally.archived += usize::from(row.archived);
        match row.result {
            Some(DealResult::Won) => tally.won += 1,
            Some(DealResult::Lost) => tally.lost += 1,
            Some(DealResult::Open) => tally.open += 1,
            None => {}
        }
        if let Some(top) = &row.top_slug {
            line(&mut by_slug, top, row.top_name.as_deref());
            let first = by_slug.get_mut(top.as_str()).expect("just counted");
            first.first += 1;
            match row.result {
                Some(DealResult::Won) => first.won += 1,
                Some(DealResult::Lost) => first.lost += 1,
                _ => {}
            }
        }
        let decided = matches!(row.result, Some(DealResult::Won | DealResult::Lost));
        match (&row.chosen, decided) {
            (Some(chosen), true) => {
                let fallback = (row.top_slug.as_ref() == Some(chosen))
                    .then_some(row.top_name.as_deref())
                    .flatten();
                line(&mut by_slug, chosen, fallback);
                let line = by_slug.get_mut(chosen.as_str()).expect("just counted");
                line.chosen += 1;
                if row.top_slug.as_ref() != Some(chosen) {
                    line.chosen_not_first += 1;
                }
            }
            (None, true) if row.result == Some(DealResult::Lost) => tally.lost_to_none += 1,
            _ => {}
        }
    }
    tally.frameworks = by_slug.into_values().collect();
    sort(&mut tally.frameworks, "framework");
    tally
}

/// The table's columns, by their name in `?sort=`; each but the framework sorts most first.
pub const COLUMNS: [(&str, &str); 6] = [
    ("framework", "Framework"),
    ("first", "Recommended first"),
    ("chosen", "Chosen"),
    ("unexpected", "Chosen, not recommended first"),
    ("won", "Won when first"),
    ("lost", "Lost when first"),
];

/// Sorts the lines by `column` (one of [`COLUMNS`]), most first, then by name.
pub fn sort(frameworks: &mut [FrameworkOutcomes], column: &str) {
    let count = |f: &FrameworkOutcomes| match column {
        "first" => f.first,
        "chosen" => f.chosen,
        "unexpected" => f.chosen_not_first,
        "won" => f.won,
        "lost" => f.lost,
        _ => 0,
    };
    // By name first: the sort by count is stable, so equal counts stay in name order.
    frameworks.sort_by_key(|f| f.name.to_lowercase());
    frameworks.sort_by_key(|f| std::cmp::Reverse(count(f)));
}

#[derive(Debug, Default, Deserialize)]
pub struct OutcomesQuery {
    pub sort: Option<String>,
}

#[derive(Template)]
#[template(path = "briefs/outcomes.html")]
pub struct OutcomesPage {
    pub tally: Tally,
    pub sort: &'static str,
    /// The largest count of each barred column, for the bars' widths.
    pub max_first: usize,
    pub max_chosen: usize,
    pub max_unexpected: usize,
}

impl OutcomesPage {
    /// A bar's width class (0–20 in 5% steps) for `count` of `max`.
    fn step(&self, count: &usize, max: &usize) -> usize {
        if *max == 0 {
            0
        } else {
            (count * 20 + max / 2) / max
        }
    }

    /// Whether the table is sorted by `column`.
    fn sorted_by(&self, column: &str) -> bool {
        self.sort == column
    }
}

/// `GET /outcomes`.
pub async fn index(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    query: web::Query<OutcomesQuery>,
) -> Result<HttpResponse> {
    let sort_by = match query.sort.as_deref().unwrap_or("") {
        "" => "first",
        given => COLUMNS
            .iter()
            .find(|(name, _)| *name == given)
            .map(|(name, _)| *name)
            .ok_or_else(|| {
                let known: Vec<&str> = COLUMNS.iter().map(|(name, _)| *name).collect();
                AppError::bad_request(
                    "sort",
                    format!("\"{given}\" is not a column; expected {}", known.join(", ")),
                )
            })?,
    };
    let knowledge = cache.current(&pool).await?;
    let names: HashMap<String, String> = knowledge
        .catalogue
        .by_name()
        .into_iter()
        .map(|f| (f.slug.to_string(), f.name.clone()))
        .collect();
    let mut tally = tally(&db::briefs::outcome_rows(&pool).await?, &names);
    sort(&mut tally.frameworks, sort_by);
    let max = |count: fn(&FrameworkOutcomes) -> usize| {
        tally.frameworks.iter().map(count).max().unwrap_or(0)
    };
    let page = OutcomesPage {
        max_first: max(|f| f.first),
        max_chosen: max(|f| f.chosen),
        max_unexpected: max(|f| f.chosen_not_first),
        tally,
        sort: sort_by,
    };
    crate::routes::html(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(top: Option<&str>, result: Option<DealResult>, chosen: Option<&str>) -> OutcomeRow {
        OutcomeRow {
            archived: false,
            top_slug: top.map(str::to_owned),
            top_name: top.map(str::to_uppercase),
            result,
            chosen: chosen.map(str::to_owned),
        }
    }

    fn line<'a>(tally: &'a Tally, slug: &str) -> &'a FrameworkOutcomes {
        tally.frameworks.iter().find(|f| f.slug == slug).unwrap()
    }

    #[test]
    fn each_brief_counts_its_top_pick_and_a_decided_choice_once() {
        use DealResult::{Lost, Open, Won};
        let rows = [
            row(Some("django"), Some(Won), Some("django")),
            row(Some("django"), Some(Lost), Some("laravel")),
            row(Some("django"), Some(Open), None),
            row(Some("laravel"), None, None),
            row(Some("django"), Some(Lost), None),
            row(None, Some(Won), Some("rails")),
        ];
        let names = HashMap::from([("laravel".to_owned(), "Laravel".to_owned())]);
        let tally = tally(&rows, &names);
        assert_eq!(
            (tally.briefs, tally.won, tally.lost, tally.open),
            (6, 2, 2, 1)
        );
        assert_eq!(tally.lost_to_none, 1);
        let django = line(&tally, "django");
        assert_eq!(django.name, "DJANGO", "named as the answer named it");
        assert_eq!(
            (django.first, django.chosen, django.chosen_not_first),
            (4, 1, 0)
        );
        assert_eq!((django.won, django.lost), (1, 2));
        let laravel = line(&tally, "laravel");
        assert_eq!(
            laravel.name, "Laravel",
            "named as the knowledge names it now"
        );
        assert_eq!(
            (laravel.first, laravel.chosen, laravel.chosen_not_first),
            (1, 1, 1)
        );
        let rails = line(&tally, "rails");
        assert_eq!(rails.name, "rails", "a slug nobody names any more");
        assert_eq!((rails.chosen, rails.chosen_not_first), (1, 1));
        let names: Vec<&str> = tally.frameworks.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["DJANGO", "Laravel", "rails"]);
    }

    #[test]
    fn an_open_deals_framework_is_not_counted_as_chosen() {
        let rows = [row(Some("django"), Some(DealResult::Open), Some("django"))];
        let tally = tally(&rows, &HashMap::new());
        assert_eq!(line(&tally, "django").chosen, 0);
    }

    #[test]
    fn a_column_sorts_most_first_and_equal_counts_keep_the_names_order() {
        let mut lines = vec![
            FrameworkOutcomes {
                name: "A".into(),
                first: 1,
                chosen: 3,
                ..FrameworkOutcomes::default()
            },
            FrameworkOutcomes {
                name: "B".into(),
                first: 2,
                chosen: 3,
                ..FrameworkOutcomes::default()
            },
            FrameworkOutcomes {
                name: "C".into(),
                first: 2,
                ..FrameworkOutcomes::default()
            },
        ];
        let order = |lines: &[FrameworkOutcomes]| {
            lines
                .iter()
                .map(|f| f.name.clone())
                .collect::<Vec<_>>()
                .join("")
        };
        sort(&mut lines, "first");
        assert_eq!(order(&lines), "BCA");
        sort(&mut lines, "chosen");
        assert_eq!(order(&lines), "ABC");
        sort(&mut lines, "framework");
        assert_eq!(order(&lines), "ABC");
    }
}
