//! `/admin/radar-editions`: the published radar editions with what each moved, and for admins
//! the form publishing the next one, showing first what it would move. Editors may read the
//! list; publishing is for admins alone, checked here (the scope's guard lets editors in).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::SqlitePool;

use super::editing::{author, see_other};
use crate::auth::CurrentUser;
use crate::db::radar_editions::{self, Edition, NewEdition};
use crate::domain::{FieldError, today};
use crate::error::{AppError, Result};
use crate::radar::moves::{Moves, Standing, moves};
use crate::routes::dates::readable_date;

const MAX_TITLE_CHARS: usize = 200;
const MAX_NOTE_CHARS: usize = 4000;

#[derive(Debug, Default, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub published_on: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// A published edition and what it moved since the one before.
pub struct EditionRow {
    pub edition: Edition,
    /// `None` for the first edition, which has nothing to compare with.
    pub moves: Option<Moves>,
}

#[derive(Template)]
#[template(path = "admin/radar_editions.html")]
pub struct EditionsPage {
    /// Newest first.
    pub rows: Vec<EditionRow>,
    pub is_admin: bool,
    pub csrf_token: String,
    pub form: PublishForm,
    pub errors: Vec<FieldError>,
    /// The number the next edition will get.
    pub next_number: i64,
    /// What the next edition would move since the latest one (`None` before the first).
    pub preview: Option<Moves>,
    pub frameworks: usize,
    /// The edition just published, to say so.
    pub published: Option<i64>,
}

impl EditionsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    /// Only a number shows a notice; anything else is ignored like any stray parameter.
    pub published: Option<String>,
}

/// Checks the publish form. `today` bounds the date from above (an edition records the radar
/// as it stands, so it cannot be dated ahead) and `latest` from below (editions follow each
/// other in time).
fn parse(
    form: &PublishForm,
    today: &str,
    latest: Option<&Edition>,
) -> Result<NewEdition, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = form.title.trim().to_owned();
    if title.is_empty() {
        errors.push(FieldError::new(
            "title",
            "give the edition a title, such as “Spring 2026”",
        ));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.push(FieldError::new(
            "title",
            format!("must be at most {MAX_TITLE_CHARS} characters"),
        ));
    }
    let note = form.note.trim().to_owned();
    if note.chars().count() > MAX_NOTE_CHARS {
        errors.push(FieldError::new(
            "note",
            format!("must be at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    let day = form.published_on.trim();
    // Only the canonical form round-trips: SQLite's `date()` check would refuse `2026-3-1`.
    match NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .filter(|d| d.format("%Y-%m-%d").to_string() == day)
    {
        None => errors.push(FieldError::new(
            "published_on",
            format!("\"{day}\" is not a date; write it as YYYY-MM-DD"),
        )),
        Some(_) if day > today => errors.push(FieldError::new(
            "published_on",
            format!(
                "cannot be later than today ({today}): an edition records the radar as it stands"
            ),
        )),
        Some(_) => {
            if let Some(latest) = latest.filter(|l| day < l.published_on.as_str()) {
                errors.push(FieldError::new(
                    "published_on",
                    format!(
                        "cannot be earlier than edition {}, published {}",
                        latest.number,
                        readable_date(&latest.published_on)
                    ),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(NewEdition {
            title,
            note,
            published_on: day.to_owned(),
        })
    } else {
        Err(errors)
    }
}

async fn page(
    pool: &SqlitePool,
    user: &CurrentUser,
    form: PublishForm,
    errors: Vec<FieldError>,
    published: Option<i64>,
) -> Result<EditionsPage> {
    let editions = radar_editions::list(pool).await?;
    // Oldest first, each compared with the one before it. Editions are published a few times
    // a year, so reading each one's rings is cheap.
    let mut rows = Vec::with_capacity(editions.len());
    let mut before: Option<Vec<Standing>> = None;
    for edition in editions.into_iter().rev() {
        let standings = radar_editions::standings(pool, edition.id).await?;
        let moved = before.as_ref().map(|b| moves(b, &standings));
        before = Some(standings);
        rows.push(EditionRow {
            edition,
            moves: moved,
        });
    }
    let now = radar_editions::live(pool).await?;
    let preview = before.as_ref().map(|b| moves(b, &now));
    rows.reverse();
    Ok(EditionsPage {
        next_number: rows.first().map_or(1, |r| r.edition.number + 1),
        rows,
        is_admin: user.role().is_admin(),
        csrf_token: user.csrf_token().to_owned(),
        form,
        errors,
        preview,
        frameworks: now.len(),
        published,
    })
}

pub async fn index(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse> {
    let form = PublishForm {
        published_on: today(),
        ..PublishForm::default()
    };
    let published = query.published.as_deref().and_then(|n| n.parse().ok());
    let page = page(&pool, &user, form, Vec::new(), published).await?;
    super::super::html(StatusCode::OK, &page)
}

pub async fn create(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse> {
    if !user.role().is_admin() {
        return Err(AppError::Forbidden(
            "Only admins publish radar editions; ask an admin to publish this one.",
        ));
    }
    user.check_csrf(&form.csrf_token)?;
    let form = form.into_inner();
    let latest = radar_editions::list(&pool).await?.into_iter().next();
    match parse(&form, &today(), latest.as_ref()) {
        Ok(edition) => {
            let by = author(&user);
            let number = radar_editions::publish(&pool, &edition, by.user_id, &by.name).await?;
            Ok(see_other(format!(
                "/admin/radar-editions?published={number}"
            )))
        }
        Err(errors) => {
            let page = page(&pool, &user, form, errors, None).await?;
            super::super::html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(title: &str, published_on: &str) -> PublishForm {
        PublishForm {
            title: title.into(),
            note: "  Why it moved.  ".into(),
            published_on: published_on.into(),
            csrf_token: String::new(),
        }
    }

    fn edition(number: i64, published_on: &str) -> Edition {
        Edition {
            id: number,
            number,
            title: format!("Edition {number}"),
            published_on: published_on.into(),
            note: String::new(),
            published_by: None,
        }
    }

    fn fields(result: Result<NewEdition, Vec<FieldError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_titled_edition_dated_today_is_accepted_trimmed() {
        let latest = edition(1, "2026-01-10");
        let parsed = parse(
            &form(" Spring 2026 ", "2026-03-01"),
            "2026-03-01",
            Some(&latest),
        )
        .unwrap();
        assert_eq!(parsed.title, "Spring 2026");
        assert_eq!(parsed.note, "Why it moved.");
        assert_eq!(parsed.published_on, "2026-03-01");
    }

    #[test]
    fn a_missing_or_overlong_title_is_refused_at_the_title() {
        assert_eq!(
            fields(parse(&form("  ", "2026-03-01"), "2026-03-01", None)),
            ["title"]
        );
        let long = "x".repeat(201);
        assert_eq!(
            fields(parse(&form(&long, "2026-03-01"), "2026-03-01", None)),
            ["title"]
        );
    }

    #[test]
    fn an_overlong_note_is_refused_at_the_note() {
        let mut long = form("Spring", "2026-03-01");
        long.note = "n".repeat(4001);
        assert_eq!(fields(parse(&long, "2026-03-01", None)), ["note"]);
    }

    #[test]
    fn a_date_that_is_not_canonical_in_the_future_or_before_the_latest_edition_is_refused() {
        let latest = edition(2, "2026-02-01");
        for day in [
            "",
            "yesterday",
            "2026-3-1",
            "2026-02-30",
            "2026-03-02",
            "2026-01-31",
        ] {
            assert_eq!(
                fields(parse(&form("Spring", day), "2026-03-01", Some(&latest))),
                ["published_on"],
                "{day}"
            );
        }
        assert!(parse(&form("Spring", "2026-02-01"), "2026-03-01", Some(&latest)).is_ok());
    }
}
