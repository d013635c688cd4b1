//! CSV that is safe to open in a spreadsheet. A cell starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula, so a
//! note saved as `=HYPERLINK(…)` would run on the salesperson's machine. Following OWASP's
//! guidance on CSV injection, such a cell is prefixed with a single quote, which spreadsheets
//! show as text; the csv crate quotes separators and quotes. Plain numbers (`-1.5`) are left
//! as they are: they are not formulas.

use std::borrow::Cow;
use std::io::Write;

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as a spreadsheet will show it, never run it.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(FORMULA_STARTS);
    if risky && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV writer whose every cell goes through [`neutralise`]: the only way the app writes CSV.
pub struct Writer<W: Write>(csv::Writer<W>);

impl<W: Write> Writer<W> {
    pub fn from_writer(out: W) -> Self {
        Self(csv::Writer::from_writer(out))
    }

    pub fn write_record<I, T>(&mut self, record: I) -> Result<(), csv::Error>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0.write_record(
            record
                .into_iter()
                .map(|cell| neutralise(cell.as_ref()).into_owned()),
        )
    }

    pub fn into_inner(self) -> Result<W, csv::Error> {
        self.0.into_inner().map_err(|e| e.into_error().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_shown_as_text() {
        for risky in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tindented",
            "\rreturn",
        ] {
            assert_eq!(neutralise(risky), format!("'{risky}"));
        }
    }

    #[test]
    fn ordinary_text_and_plain_numbers_are_left_alone() {
        for safe in ["Django", "a = b", "-1.5", "-3", "4.0", "", "'quoted"] {
            assert_eq!(neutralise(safe), safe);
        }
    }

    #[test]
    fn the_writer_neutralises_every_cell_and_still_quotes() {
        let mut writer = Writer::from_writer(Vec::new());
        writer.write_record(["=1+1", "a,b", "-7"]).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert_eq!(text, "'=1+1,\"a,b\",-7\n");
    }
}
