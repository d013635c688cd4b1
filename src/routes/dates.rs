//! Dates as people write them: "30 Nov 2026" rather than "2026-11-30", "30 Nov 2026, 09:36"
//! rather than "2026-11-30T09:36:00Z", and how long ago ("3 days ago").
//!
//! Times are stored in UTC (`YYYY-MM-DDTHH:MM:SSZ`) and shown in UTC: the pages are shared
//! between people in different places, and one clock for all keeps "who changed it first"
//! readable. Pages put the stored value in `<time datetime>` so machines read it exactly.

use std::cell::Cell;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};

thread_local! {
    /// While [`watching`] renders: the earliest moment a "how long ago" written so far
    /// changes. Rendering is synchronous, so the thread is the render's own.
    static TRUE_UNTIL: Cell<Option<Option<DateTime<Utc>>>> = const { Cell::new(None) };
}

/// Runs `render` and says until when every "how long ago" it wrote stays true (`None`: it
/// wrote none), so a page kept for later is not served once its "5 minutes ago" is wrong.
pub fn watching<T>(render: impl FnOnce() -> T) -> (T, Option<DateTime<Utc>>) {
    let outer = TRUE_UNTIL.replace(Some(None));
    let rendered = render();
    let until = TRUE_UNTIL.replace(outer).flatten();
    // A render inside another (a page within a page) makes the outer one change as soon.
    if let Some(Some(outer_until)) = outer {
        let earliest = until.map_or(outer_until, |u| u.min(outer_until));
        TRUE_UNTIL.set(Some(Some(earliest)));
    }
    (rendered, until)
}

/// A `YYYY-MM-DD` date written "30 Nov 2026"; anything else is shown as it is.
pub fn readable_date(iso: &str) -> String {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map_or_else(|_| iso.to_owned(), |d| d.format("%-d %b %Y").to_string())
}

/// A stored timestamp (RFC 3339, or SQLite's `YYYY-MM-DD HH:MM:SS`) read as UTC.
fn parse_time(iso: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(iso)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(iso, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|t| t.and_utc())
        })
}

/// A stored timestamp written "30 Nov 2026, 09:36"; a bare date as [`readable_date`] does;
/// anything else as it is.
pub fn readable_time(iso: &str) -> String {
    match parse_time(iso) {
        Some(time) => time.format("%-d %b %Y, %H:%M").to_string(),
        None => readable_date(iso),
    }
}

/// How long before now a stored timestamp or date was: "just now", "5 minutes ago",
/// "yesterday", "3 days ago", "2 months ago"; empty when it cannot be read.
pub fn time_ago(iso: &str) -> String {
    let now = Utc::now();
    if let Some(Some(then)) = TRUE_UNTIL.with(Cell::get).map(|_| moment(iso)) {
        let changes = then + TimeDelta::seconds(said_until((now - then).num_seconds()));
        TRUE_UNTIL.set(Some(Some(
            TRUE_UNTIL
                .get()
                .flatten()
                .map_or(changes, |u| u.min(changes)),
        )));
    }
    time_ago_at(iso, now)
}

/// A stored timestamp or date as a moment.
fn moment(iso: &str) -> Option<DateTime<Utc>> {
    parse_time(iso).or_else(|| {
        NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    })
}

/// How many seconds after the moment it is about [`time_ago_at`]'s words change, when
/// `seconds` have passed since it: the next boundary of the unit it says.
fn said_until(seconds: i64) -> i64 {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 3_600;
    const DAY: i64 = 86_400;
    let next = |unit: i64, cap: i64| ((seconds / unit + 1) * unit).min(cap);
    match seconds {
        s if s < 0 => 0,
        s if s < MINUTE => MINUTE,
        s if s < HOUR => next(MINUTE, HOUR),
        s if s < DAY => next(HOUR, DAY),
        s if s < 2 * DAY => 2 * DAY,
        s if s < 31 * DAY => next(DAY, 31 * DAY),
        s if s < 365 * DAY => next(30 * DAY, 365 * DAY),
        _ => next(365 * DAY, i64::MAX),
    }
}

fn time_ago_at(iso: &str, now: DateTime<Utc>) -> String {
    let Some(then) = moment(iso) else {
        return String::new();
    };
    let seconds = (now - then).num_seconds();
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match seconds {
        s if s < 0 => "in the future".to_owned(),
        s if s < 60 => "just now".to_owned(),
        s if s < 3_600 => plural(s / 60, "minute"),
        s if s < 86_400 => plural(s / 3_600, "hour"),
        s if s < 2 * 86_400 => "yesterday".to_owned(),
        s if s < 31 * 86_400 => plural(s / 86_400, "day"),
        s if s < 365 * 86_400 => plural(s / (30 * 86_400), "month"),
        s => plural(s / (365 * 86_400), "year"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_date_reads_day_month_year_and_anything_else_is_left_alone() {
        assert_eq!(readable_date("2026-11-30"), "30 Nov 2026");
        assert_eq!(readable_date("2026-01-05"), "5 Jan 2026");
        assert_eq!(readable_date("soon"), "soon");
    }

    #[test]
    fn a_stored_timestamp_reads_as_date_and_minute() {
        assert_eq!(readable_time("2026-11-30T09:36:12Z"), "30 Nov 2026, 09:36");
        assert_eq!(readable_time("2026-11-30 09:36:12"), "30 Nov 2026, 09:36");
        assert_eq!(readable_time("2026-11-30"), "30 Nov 2026");
        assert_eq!(readable_time("later"), "later");
    }

    #[test]
    fn how_long_ago_is_said_the_same_until_the_moment_it_changes() {
        let then = parse_time("2020-01-01T00:00:00Z").unwrap();
        let at = |s: i64| time_ago_at("2020-01-01T00:00:00Z", then + TimeDelta::seconds(s));
        for seconds in [
            -5, 0, 59, 61, 3_599, 3_600, 7_000, 86_399, 90_000, 172_800, 200_000, 2_600_000,
            2_678_400, 5_000_000, 31_535_999, 31_536_000, 70_000_000,
        ] {
            let until = said_until(seconds);
            assert!(until > seconds, "{seconds}");
            assert_eq!(at(until - 1), at(seconds), "{seconds} until {until}");
            assert_ne!(at(until), at(seconds), "{seconds} changes at {until}");
        }
    }

    #[test]
    fn a_render_says_until_when_its_how_long_ago_stays_true() {
        let (_, none) = watching(|| readable_time("2026-11-30T09:36:12Z"));
        assert_eq!(none, None);
        let just = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let (said, until) = watching(|| (time_ago("2001-01-01"), time_ago(&just)));
        assert_eq!(said.1, "just now");
        let until = until.unwrap();
        assert!(until <= Utc::now() + TimeDelta::seconds(61), "{until}");
        assert!(TRUE_UNTIL.get().is_none(), "the watch ends with the render");
    }

    #[test]
    fn how_long_ago_is_said_in_the_largest_whole_unit() {
        let now = parse_time("2026-11-30T12:00:00Z").unwrap();
        for (then, said) in [
            ("2026-11-30T11:59:30Z", "just now"),
            ("2026-11-30T11:59:00Z", "1 minute ago"),
            ("2026-11-30T11:15:00Z", "45 minutes ago"),
            ("2026-11-30T09:00:00Z", "3 hours ago"),
            ("2026-11-29T10:00:00Z", "yesterday"),
            ("2026-11-27T12:00:00Z", "3 days ago"),
            ("2026-09-30T12:00:00Z", "2 months ago"),
            ("2024-11-01T12:00:00Z", "2 years ago"),
            ("2026-12-01T12:00:00Z", "in the future"),
            ("2026-11-27", "3 days ago"),
            ("never", ""),
        ] {
            assert_eq!(time_ago_at(then, now), said, "{then}");
        }
    }
}
