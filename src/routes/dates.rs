//! Dates as people write them: "30 Nov 2026" rather than "2026-11-30".

use chrono::NaiveDate;

/// A `YYYY-MM-DD` date written "30 Nov 2026"; anything else is shown as it is.
pub fn readable_date(iso: &str) -> String {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map_or_else(|_| iso.to_owned(), |d| d.format("%-d %b %Y").to_string())
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
}
