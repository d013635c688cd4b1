//! `/compare?f={slug}&f={slug}…`: two to four frameworks side by side, every requirement and
//! industry row with each one's figure and note, the rows where they differ highlighted.

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use sqlx::SqlitePool;

use crate::db;
use crate::domain::{Kind, RequirementGroup, Ring, Score, Slug};
use crate::error::Result;
use crate::routes::prepared::{Reading, Shows};
use crate::routes::preview::Preview;

pub const MIN_FRAMEWORKS: usize = 2;
pub const MAX_FRAMEWORKS: usize = 4;

/// One framework's figure in a row; `None` when nothing is recorded.
pub struct Cell {
    pub score: Option<Score>,
    pub note: String,
    /// The addresses the figure cites.
    pub sources: Vec<String>,
    /// The highest figure of its row (when the row differs).
    pub best: bool,
}

pub struct Row {
    pub slug: Slug,
    pub name: String,
    pub cells: Vec<Cell>,
    pub differs: bool,
}

impl Row {
    fn new(slug: Slug, name: String, mut cells: Vec<Cell>) -> Self {
        let scores: Vec<Option<Score>> = cells.iter().map(|c| c.score).collect();
        let differs = scores.windows(2).any(|w| w[0] != w[1]);
        if differs {
            let top = scores.iter().flatten().max().copied();
            for cell in &mut cells {
                cell.best = cell.score.is_some() && cell.score == top;
            }
        }
        Self {
            slug,
            name,
            cells,
            differs,
        }
    }
}

pub struct Section {
    pub label: &'static str,
    pub rows: Vec<Row>,
}

pub struct Column {
    pub slug: Slug,
    pub name: String,
    pub language: String,
    pub kind: Kind,
    pub ring: Ring,
    pub license: String,
    pub first_release: Option<i64>,
    pub summary: String,
    pub last_reviewed: Option<String>,
}

pub struct Choice {
    pub slug: Slug,
    pub name: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "compare.html")]
pub struct ComparePage {
    pub columns: Vec<Column>,
    pub sections: Vec<Section>,
    pub industry_rows: Vec<Row>,
    pub differing: usize,
    pub error: Option<String>,
    pub choices: Vec<Choice>,
    pub preview: Preview,
}

impl ComparePage {
    /// This comparison's own address, for links that come back to it (a flag sent from a
    /// cell).
    fn here(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for column in &self.columns {
            query.append_pair("f", column.slug.as_str());
        }
        format!("/compare?{}", query.finish())
    }
}

/// Distinct slugs from the query string's `f` values, in order; or why they cannot be used.
fn selection(query_string: &str, known: &[String]) -> std::result::Result<Vec<String>, String> {
    let mut slugs: Vec<String> = Vec::new();
    for (key, value) in form_urlencoded::parse(query_string.as_bytes()) {
        let value = value.trim();
        if key != "f" {
            return Err(format!("“{key}” is not a parameter of this page; use f"));
        }
        if value.is_empty() || slugs.iter().any(|s| s == value) {
            continue;
        }
        if !known.iter().any(|k| k == value) {
            return Err(format!(
                "there is no framework \"{value}\" in the knowledge base"
            ));
        }
        slugs.push(value.to_owned());
    }
    if slugs.len() < MIN_FRAMEWORKS {
        return Err(format!(
            "choose at least {MIN_FRAMEWORKS} frameworks to compare (you chose {})",
            slugs.len()
        ));
    }
    if slugs.len() > MAX_FRAMEWORKS {
        return Err(format!(
            "choose at most {MAX_FRAMEWORKS} frameworks to compare (you chose {})",
            slugs.len()
        ));
    }
    Ok(slugs)
}

/// `GET /compare`, prepared once per knowledge version and choice (`routes::prepared`).
pub async fn show(reading: Reading) -> Result<HttpResponse> {
    reading
        .page(Shows::Knowledge, "", async || {
            comparison(
                &reading.pool,
                &reading.origin(),
                reading.request.query_string(),
            )
            .await
        })
        .await
}

async fn comparison(
    pool: &SqlitePool,
    origin: &str,
    query_string: &str,
) -> Result<(StatusCode, ComparePage)> {
    let all = db::frameworks::list(pool, &db::frameworks::Filter::default()).await?;
    let known: Vec<String> = all.iter().map(|f| f.slug.to_string()).collect();
    let asked = !query_string.is_empty();
    let chosen = selection(query_string, &known);
    let checked: Vec<String> = match &chosen {
        Ok(slugs) => slugs.clone(),
        Err(_) => form_urlencoded::parse(query_string.as_bytes())
            .filter(|(k, _)| k == "f")
            .map(|(_, v)| v.into_owned())
            .collect(),
    };
    let choices = all
        .iter()
        .map(|f| Choice {
            slug: f.slug.clone(),
            name: f.name.clone(),
            checked: checked.iter().any(|c| c == f.slug.as_str()),
        })
        .collect();

    let slugs = match chosen {
        Ok(slugs) => slugs,
        Err(message) => {
            // An empty /compare is an invitation to choose, not a mistake.
            let (status, error) = if asked {
                (StatusCode::BAD_REQUEST, Some(format!("f: {message}")))
            } else {
                (StatusCode::OK, None)
            };
            let page = ComparePage {
                columns: Vec::new(),
                sections: Vec::new(),
                industry_rows: Vec::new(),
                differing: 0,
                error,
                choices,
                preview: Preview::new(
                    "Compare frameworks",
                    "Two to four backend frameworks side by side: every requirement and \
                     industry with each one's rating and the note behind it, the differences \
                     highlighted.",
                    format!("{origin}/compare"),
                ),
            };
            return Ok((status, page));
        }
    };

    let mut columns = Vec::new();
    let mut strengths = Vec::new();
    let mut fits = Vec::new();
    for slug in &slugs {
        let Some(f) = db::frameworks::find(pool, slug).await? else {
            return Err(crate::error::AppError::not_found());
        };
        columns.push(Column {
            slug: f.slug,
            name: f.name,
            language: f.language_name,
            kind: f.kind,
            ring: f.ring,
            license: f.license,
            first_release: f.first_release,
            summary: f.summary,
            last_reviewed: f.last_reviewed,
        });
        strengths.push(db::frameworks::strengths(pool, slug).await?);
        fits.push(db::frameworks::fits(pool, slug).await?);
    }

    let requirements = db::catalogue::requirements(pool).await?;
    let strength_of = Figures::new(&strengths, |s| {
        (
            s.requirement_slug.as_str(),
            (s.strength, s.note.as_str(), &s.sources.0[..]),
        )
    });
    let mut sections: Vec<Section> = Vec::new();
    for group in RequirementGroup::ALL {
        let rows: Vec<Row> = requirements
            .iter()
            .filter(|r| r.req_group == *group)
            .map(|r| strength_of.row(&r.slug, &r.name))
            .collect();
        if !rows.is_empty() {
            sections.push(Section {
                label: group.label(),
                rows,
            });
        }
    }
    let industries = db::catalogue::industries(pool).await?;
    let fit_of = Figures::new(&fits, |f| {
        (
            f.industry_slug.as_str(),
            (f.fit, f.note.as_str(), &f.sources.0[..]),
        )
    });
    let industry_rows: Vec<Row> = industries
        .iter()
        .map(|i| fit_of.row(&i.slug, &i.name))
        .collect();
    let differing = sections
        .iter()
        .flat_map(|s| &s.rows)
        .chain(&industry_rows)
        .filter(|r| r.differs)
        .count();
    let preview = compare_preview(&columns, &sections, &industry_rows, differing, origin);
    let page = ComparePage {
        columns,
        sections,
        industry_rows,
        differing,
        error: None,
        choices,
        preview,
    };
    Ok((StatusCode::OK, page))
}

/// "Django vs Laravel vs Node.js", then "Django, Laravel and Node.js side by side on 35
/// requirements and 19 industries: 40 rows differ, the best figure of each marked."
fn compare_preview(
    columns: &[Column],
    sections: &[Section],
    industry_rows: &[Row],
    differing: usize,
    origin: &str,
) -> Preview {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let listed = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    };
    let requirements: usize = sections.iter().map(|s| s.rows.len()).sum();
    let description = format!(
        "{listed} side by side on {requirements} requirements and {} industries: {differing} \
         row{} differ, the best figure of each marked.",
        industry_rows.len(),
        if differing == 1 { "" } else { "s" },
    );
    let query: Vec<String> = columns.iter().map(|c| format!("f={}", c.slug)).collect();
    Preview::new(
        &names.join(" vs "),
        &description,
        format!("{origin}/compare?{}", query.join("&")),
    )
}

/// A figure as compare shows it: the score, its note and the addresses it cites.
type Figure<'a> = (Score, &'a str, &'a [String]);

/// Each chosen framework's figures by requirement or industry slug.
struct Figures<'a>(Vec<HashMap<&'a str, Figure<'a>>>);

impl<'a> Figures<'a> {
    /// One map per framework, from its list of rows and how a row gives its figure.
    fn new<T>(lists: &'a [Vec<T>], figure: impl Fn(&'a T) -> (&'a str, Figure<'a>)) -> Self {
        Self(
            lists
                .iter()
                .map(|list| list.iter().map(&figure).collect())
                .collect(),
        )
    }

    /// The row for `slug`, with a cell for each framework.
    fn row(&self, slug: &Slug, name: &str) -> Row {
        let cells = self
            .0
            .iter()
            .map(|m| cell(m.get(slug.as_str()).copied()))
            .collect();
        Row::new(slug.clone(), name.to_owned(), cells)
    }
}

fn cell(found: Option<Figure<'_>>) -> Cell {
    Cell {
        score: found.map(|(score, _, _)| score),
        note: found
            .map(|(_, note, _)| note.to_owned())
            .unwrap_or_default(),
        sources: found
            .map(|(_, _, sources)| sources.to_vec())
            .unwrap_or_default(),
        best: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        ["django", "flask", "ktor", "gin", "axum"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn two_to_four_distinct_known_frameworks_are_accepted_in_order() {
        assert_eq!(
            selection("f=ktor&f=django&f=ktor", &known()).unwrap(),
            ["ktor", "django"]
        );
    }

    #[test]
    fn too_few_too_many_unknown_or_foreign_parameters_are_refused() {
        for (query, named) in [
            ("f=django", "at least 2"),
            ("f=django&f=flask&f=ktor&f=gin&f=axum", "at most 4"),
            ("f=django&f=rocket", "rocket"),
            ("f=django&f=flask&x=1", "x"),
        ] {
            let refusal = selection(query, &known()).unwrap_err();
            assert!(refusal.contains(named), "{query}: {refusal}");
        }
    }

    #[test]
    fn a_row_differs_when_any_figure_differs_and_marks_the_best() {
        let c = |v: i64| cell(Some((Score::new(v).unwrap(), "n", &[])));
        let row = Row::new(
            Slug::parse("s").unwrap(),
            "S".into(),
            vec![c(3), c(5), c(5)],
        );
        assert!(row.differs);
        assert_eq!(
            row.cells.iter().map(|c| c.best).collect::<Vec<_>>(),
            [false, true, true]
        );
        let same = Row::new(Slug::parse("s").unwrap(), "S".into(), vec![c(4), c(4)]);
        assert!(!same.differs);
        assert!(same.cells.iter().all(|c| !c.best));
    }
}
