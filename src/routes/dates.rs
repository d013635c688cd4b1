//! Dates as people write them: "30 Nov 2026" rather than "2026-11-30", "30 Nov 2026, 09:36"
//! rather than "2026-11-30T09:36:00Z", and how long ago ("3 days ago").
//!
//! Times are stored in UTC (`YYYY-MM-DDTHH:MM:SSZ`) and shown in UTC: the pages are shared
//! between people in different places, and one clock for all keeps "who changed it first"
//! readable. Pages put the stored value in `<time datetime>` so machines read it exactly.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

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
    time_ago_at(iso, Utc::now())
}

fn time_ago_at(iso: &str, now: DateTime<Utc>) -> String {
    let then = parse_time(iso).or_else(|| {
        NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    });
    let Some(then) = then else {
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
