//! `/trends`: where the backend world is heading, and where each framework stands on the radar
//! — now, or in a published edition (`/trends?edition=N`), with what moved since the edition
//! before. Also the ring-over-time timeline of a framework's page.
//!
//! The page is prepared once per version of both change counters (`routes::prepared`):
//! publishing an edition does not move the knowledge version, but it moves the second
//! counter (migration 0008), so the next request shows the new edition.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use sqlx::SqlitePool;

use super::industries::TermCard;
use super::prepared::{Reading, Shows};
use crate::db::{self, radar_editions::Edition};
use crate::domain::{FieldError, Kind, Ring};
use crate::error::Result;
use crate::radar::moves::{Change, Moves, Standing, Step, moves, timeline};
use crate::radar::{Blip, Radar, layout};

/// One ring of the radar: its frameworks, split by kind (the radar's quadrants), each with
/// how it moved.
pub struct RingRow {
    pub ring: Ring,
    pub cells: Vec<Vec<(Standing, Option<Change>)>>,
}

/// The radar picture, its table, and what moved since the picture it is compared with.
pub struct Picture {
    pub radar: Radar,
    pub rings: Vec<RingRow>,
    /// Frameworks of an old edition whose quadrant is no longer known: listed, not drawn.
    pub undrawn: Vec<Standing>,
    /// The edition the moves are counted from; `None` when there is none before.
    pub compared: Option<Edition>,
    pub moves: Moves,
}

impl Picture {
    fn new(standings: &[Standing], compared: Option<(Edition, Vec<Standing>)>) -> Self {
        let (compared, moves) = match compared {
            Some((edition, before)) => (Some(edition), moves(&before, standings)),
            None => (None, Moves::default()),
        };
        let blips: Vec<Blip> = standings
            .iter()
            .filter_map(|s| {
                Some(Blip {
                    slug: s.slug.clone(),
                    name: s.name.clone(),
                    ring: s.ring,
                    kind: s.kind?,
                    change: moves.change_of(s),
                    linked: s.framework_id.is_some(),
                })
            })
            .collect();
        let rings = Ring::ALL
            .iter()
            .map(|ring| RingRow {
                ring: *ring,
                cells: Kind::ALL
                    .iter()
                    .map(|kind| {
                        standings
                            .iter()
                            .filter(|s| s.ring == *ring && s.kind == Some(*kind))
                            .map(|s| (s.clone(), moves.change_of(s)))
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        Self {
            radar: layout(&blips),
            rings,
            undrawn: standings
                .iter()
                .filter(|s| s.kind.is_none())
                .cloned()
                .collect(),
            compared,
            moves,
        }
    }
}

#[derive(Template)]
#[template(path = "trends.html")]
pub struct TrendsPage {
    /// Every edition, newest first, for the picker.
    pub editions: Vec<Edition>,
    /// The edition shown; `None` for the radar as it stands now.
    pub shown: Option<Edition>,
    /// The radar, or `None` when `error` says the edition asked for cannot be shown.
    pub picture: Option<Picture>,
    pub error: Option<FieldError>,
    pub trends: Vec<TermCard>,
    pub kinds: &'static [Kind],
}

impl TrendsPage {
    /// The value of the picker's selected option.
    fn selected(&self) -> i64 {
        self.shown.as_ref().map_or(0, |e| e.number)
    }
}

/// The `edition` of `/trends?edition=N`: `None` for the radar now (also when empty, as the
/// picker's "now" sends it). Other parameters are ignored, as on any page a link may carry
/// tracking parameters on.
fn edition_param(query_string: &str) -> Result<Option<i64>, FieldError> {
    let mut given = None;
    for (key, value) in form_urlencoded::parse(query_string.as_bytes()) {
        if key != "edition" {
            continue;
        }
        if given.is_some() {
            return Err(FieldError::new("edition", "give one edition at a time"));
        }
        given = Some(value.trim().to_owned());
    }
    match given.as_deref() {
        None | Some("") => Ok(None),
        Some(value) => value
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| {
                FieldError::new(
                    "edition",
                    format!("\"{value}\" is not an edition number; editions are numbered 1, 2, 3…"),
                )
            }),
    }
}

/// Why edition `number` cannot be shown, naming the editions there are.
fn unknown_edition(number: i64, editions: &[Edition]) -> FieldError {
    let message = match editions.first() {
        None => format!("there is no edition {number}: no radar edition has been published yet"),
        Some(latest) => format!(
            "there is no edition {number}: the published editions are 1 to {}",
            latest.number
        ),
    };
    FieldError::new("edition", message)
}

/// `GET /trends` and `/trends?edition=N`.
pub async fn index(reading: Reading) -> Result<HttpResponse> {
    reading
        .page(Shows::More, "", async || {
            trends(&reading.pool, reading.request.query_string()).await
        })
        .await
}

async fn trends(pool: &SqlitePool, query_string: &str) -> Result<(StatusCode, TrendsPage)> {
    let editions = db::radar_editions::list(pool).await?;
    let attachments = db::catalogue::trend_frameworks(pool, None).await?;
    let trends = TermCard::list(db::catalogue::trends(pool).await?, &attachments);
    let mut page = TrendsPage {
        editions,
        shown: None,
        picture: None,
        error: None,
        trends,
        kinds: Kind::ALL,
    };
    let wanted = match edition_param(query_string) {
        Ok(wanted) => wanted,
        Err(error) => {
            page.error = Some(error);
            return Ok((StatusCode::BAD_REQUEST, page));
        }
    };
    match wanted {
        None => {
            // The radar now, compared with the latest edition.
            let compared = match page.editions.first() {
                Some(latest) => Some(with_standings(pool, latest.clone()).await?),
                None => None,
            };
            let now = db::radar_editions::live(pool).await?;
            page.picture = Some(Picture::new(&now, compared));
        }
        Some(number) => {
            let Some(edition) = page.editions.iter().find(|e| e.number == number).cloned() else {
                page.error = Some(unknown_edition(number, &page.editions));
                return Ok((StatusCode::NOT_FOUND, page));
            };
            // Numbers are given one after another and never deleted: the one before is N-1.
            let compared = match page.editions.iter().find(|e| e.number == number - 1) {
                Some(before) => Some(with_standings(pool, before.clone()).await?),
                None => None,
            };
            let standings = db::radar_editions::standings(pool, edition.id).await?;
            page.picture = Some(Picture::new(&standings, compared));
            page.shown = Some(edition);
        }
    }
    Ok((StatusCode::OK, page))
}

async fn with_standings(pool: &SqlitePool, edition: Edition) -> Result<(Edition, Vec<Standing>)> {
    let standings = db::radar_editions::standings(pool, edition.id).await?;
    Ok((edition, standings))
}

/// One point of a framework's ring over time: an edition, or now.
pub struct RingPoint {
    /// `None` for now.
    pub edition: Option<Edition>,
    pub ring: Ring,
    /// What changed since the point before, in words; empty when nothing did.
    pub change: String,
}

/// The framework at `slug`'s ring in every edition it appears in, then now (`ring_now`),
/// each marked with what changed; empty while no edition has been published, when there is
/// no "over time" to show.
pub async fn ring_over_time(
    pool: &SqlitePool,
    slug: &str,
    ring_now: Ring,
) -> Result<Vec<RingPoint>> {
    if db::radar_editions::list(pool).await?.is_empty() {
        return Ok(Vec::new());
    }
    let editions = db::radar_editions::rings_of(pool, slug).await?;
    let in_none = editions.is_empty();
    let points = editions
        .into_iter()
        .map(|(edition, ring)| (Some(edition), ring))
        .chain([(None, ring_now)]);
    Ok(timeline(points)
        .into_iter()
        .map(|Step { at, ring, change }| RingPoint {
            change: match change {
                None => String::new(),
                Some(Change::New) if in_none => "in no edition yet".to_owned(),
                Some(Change::New) => "first on the radar".to_owned(),
                Some(change) => change.describe(),
            },
            edition: at,
            ring,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_edition_or_an_empty_one_means_the_radar_now() {
        assert_eq!(edition_param(""), Ok(None));
        assert_eq!(edition_param("edition="), Ok(None));
        assert_eq!(edition_param("utm_source=mail"), Ok(None));
        assert_eq!(edition_param("edition=3"), Ok(Some(3)));
    }

    #[test]
    fn a_malformed_or_repeated_edition_is_refused_naming_the_field() {
        for bad in [
            "edition=abc",
            "edition=0",
            "edition=-2",
            "edition=1.5",
            "edition=99999999999999999999",
            "edition=1&edition=2",
        ] {
            let error = edition_param(bad).unwrap_err();
            assert_eq!(error.field, "edition", "{bad}");
        }
    }

    #[test]
    fn an_unknown_edition_says_which_editions_there_are() {
        assert!(unknown_edition(4, &[]).message.contains("no radar edition"));
        let latest = Edition {
            id: 1,
            number: 2,
            title: "Spring".into(),
            published_on: "2026-03-01".into(),
            note: String::new(),
            published_by: None,
        };
        assert_eq!(
            unknown_edition(4, &[latest]).message,
            "there is no edition 4: the published editions are 1 to 2"
        );
    }
}
