//! A tolerant CSV table reader that reports problems instead of failing.
//!
//! Accepts a leading BOM, CRLF line ends, quoted fields with commas and newlines, and any bytes at
//! all: invalid UTF-8, ragged rows, an empty file or a header alone become problems naming file,
//! line and column. Header names are matched after trimming, ignoring ASCII case. Extra columns are
//! reported once as a warning and otherwise ignored.

mod dates;

pub use dates::{parse_date, parse_datetime};
use std::io::Read;

use super::diag::{Diagnostics, Place};
use super::lines::{LineCounting, LineStarts};
use super::sniff::{bad_id, is_id_column, looks_gb18030, wrong_format};
use crate::money::{DecimalError, Fen, Rate};

/// A column a table expects.
#[derive(Copy, Clone, Debug)]
pub struct Col {
    pub name: &'static str,
    pub required: bool,
}

/// A required column.
pub const fn req(name: &'static str) -> Col {
    Col {
        name,
        required: true,
    }
}

/// An optional column.
pub const fn opt(name: &'static str) -> Col {
    Col {
        name,
        required: false,
    }
}

/// Reads one CSV table, calling `on_row` for each data row. Returns the file position of each of
/// `cols` (0-based), or `None` when the table could not be read at all (no header, a required
/// column missing), in which case no row was visited.
pub fn read_table<R: Read>(
    file: &str,
    reader: R,
    cols: &[Col],
    diag: &mut Diagnostics,
    mut on_row: impl FnMut(&mut Row<'_>),
) -> Option<Vec<Option<usize>>> {
    let lines = LineStarts::default();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(LineCounting {
            inner: reader,
            offset: 0,
            after_cr: None,
            starts: lines.clone(),
        });
    let mut header = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut header) {
        Ok(true) => {}
        Ok(false) => {
            let expected: Vec<&str> = cols.iter().filter(|c| c.required).map(|c| c.name).collect();
            diag.error(
                Place::line(file, 1),
                "the file is empty",
                &format!(
                    "write a header row with the columns {}",
                    expected.join(", ")
                ),
            );
            return None;
        }
        Err(err) => {
            diag.error(
                Place::line(file, 1),
                format!("the header cannot be read: {err}"),
                "save the file as UTF-8 CSV",
            );
            return None;
        }
    }
    if let Some((message, fix)) = wrong_format(&header) {
        diag.error(Place::line(file, 1), message, fix);
        return None;
    }
    let map = map_header(file, &header, cols, diag)?;
    let width = header.len();
    let mut record = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                let line = err.position().map_or(0, |p| lines.line_of(p.byte()));
                diag.error(
                    Place::line(file, line.max(2)),
                    format!("the row cannot be read: {err}"),
                    "save the file as UTF-8 CSV with balanced quotes",
                );
                // csv errors on a record are not recoverable in general; stop this file here.
                break;
            }
        }
        let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line or a row of empty cells, as spreadsheets export them
        }
        // The record's text, checked as UTF-8 once (cells are cut from it by their ranges).
        let utf8 = std::str::from_utf8(record.as_slice()).ok();
        if utf8.is_none() && looks_gb18030(record.as_slice()) {
            // One error for the file, not one per cell: the whole file is in another encoding.
            diag.error(
                Place::line(file, line),
                "the file is not UTF-8: this line reads as GBK/GB18030 (the encoding Excel uses on Chinese Windows)",
                "save the file as \"CSV UTF-8\" (in Excel: Save As, CSV UTF-8), or convert it with iconv -f GB18030 -t UTF-8",
            );
            break;
        }
        if record.len() != width {
            diag.error(
                Place::line(file, line),
                format!(
                    "the row has {} fields but the header has {width}",
                    record.len()
                ),
                "give every row as many comma-separated fields as the header (quote fields that contain commas)",
            );
            continue;
        }
        let mut row = Row {
            file,
            line,
            record: &record,
            utf8,
            map: &map,
            cols,
            diag,
        };
        on_row(&mut row);
    }
    Some(map)
}

fn map_header(
    file: &str,
    header: &csv::ByteRecord,
    cols: &[Col],
    diag: &mut Diagnostics,
) -> Option<Vec<Option<usize>>> {
    let mut map = vec![None; cols.len()];
    let mut unknown = Vec::new();
    let mut ok = true;
    for (pos, raw) in header.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(raw) else {
            diag.error(
                Place {
                    column: Some(pos + 1),
                    ..Place::line(file, 1)
                },
                "the header is not valid UTF-8 text",
                "save the file as UTF-8 CSV",
            );
            ok = false;
            continue;
        };
        let name = text.trim_start_matches('\u{feff}').trim();
        match cols.iter().position(|c| c.name.eq_ignore_ascii_case(name)) {
            Some(i) if map[i].is_some() => {
                diag.error(
                    Place {
                        column: Some(pos + 1),
                        column_name: Some(cols[i].name),
                        value: Some(text),
                        ..Place::line(file, 1)
                    },
                    "the column appears twice in the header",
                    "keep one column of this name",
                );
                ok = false;
            }
            Some(i) => map[i] = Some(pos),
            None => unknown.push(name.to_owned()),
        }
    }
    for (i, col) in cols.iter().enumerate() {
        if col.required && map[i].is_none() {
            diag.error(
                Place {
                    column_name: Some(col.name),
                    ..Place::line(file, 1)
                },
                "a required column is missing from the header",
                &format!("add a column named {}", col.name),
            );
            ok = false;
        }
    }
    if !unknown.is_empty() {
        let known: Vec<&str> = cols.iter().map(|c| c.name).collect();
        diag.warning(
            Place::line(file, 1),
            format!(
                "unknown columns are ignored: {}",
                unknown
                    .iter()
                    .map(|u| format!("{u:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &format!(
                "remove them or check their spelling; known columns: {}",
                known.join(", ")
            ),
        );
    }
    ok.then_some(map)
}

/// One data row, with typed accessors that record a problem and return `None` on bad values.
pub struct Row<'r> {
    pub file: &'r str,
    pub line: u64,
    record: &'r csv::ByteRecord,
    /// The record's cells as one UTF-8 text (`None` when some cell is not UTF-8).
    utf8: Option<&'r str>,
    map: &'r [Option<usize>],
    cols: &'r [Col],
    pub diag: &'r mut Diagnostics,
}

impl<'r> Row<'r> {
    /// Records an error at column `c` with the given value.
    pub fn error(&mut self, c: usize, value: &str, message: impl Into<String>, fix: &str) {
        let place = self.place(c, value);
        self.diag.error(place, message, fix);
    }

    /// Records a warning at column `c` with the given value.
    pub fn warning(&mut self, c: usize, value: &str, message: impl Into<String>, fix: &str) {
        let place = self.place(c, value);
        self.diag.warning(place, message, fix);
    }

    fn place<'p>(&self, c: usize, value: &'p str) -> Place<'p>
    where
        'r: 'p,
    {
        Place {
            file: self.file,
            line: Some(self.line),
            column: self.map[c].map(|p| p + 1),
            column_name: Some(self.cols[c].name),
            value: Some(value),
        }
    }

    /// The trimmed text of column `c`, `None` when the column is absent or the cell empty.
    pub fn text(&mut self, c: usize) -> Option<&'r str> {
        let pos = self.map[c]?;
        let cell = match (self.utf8, self.record.range(pos)) {
            (Some(all), Some(range)) => all.get(range).ok_or(()),
            _ => Err(()),
        };
        let raw = self.record.get(pos)?;
        match cell.or_else(|()| std::str::from_utf8(raw).map_err(|_| ())) {
            Ok(s) => {
                let s = s.trim();
                if s.is_empty() {
                    return None;
                }
                if is_id_column(self.cols[c].name) {
                    if let Some((message, fix)) = bad_id(self.cols[c].name, s) {
                        self.error(c, s, message, fix);
                        return None;
                    }
                }
                Some(s)
            }
            Err(_) => {
                let shown = String::from_utf8_lossy(raw).into_owned();
                self.error(
                    c,
                    &shown,
                    "the value is not valid UTF-8 text",
                    "save the file as UTF-8",
                );
                None
            }
        }
    }

    /// A number outside `min..=max`: said as negative where only non-negative numbers are allowed.
    fn out_of_range(
        &mut self,
        c: usize,
        text: &str,
        negative: bool,
        min: impl std::fmt::Display,
        max: impl std::fmt::Display,
        what: &str,
    ) {
        let message = if negative {
            "the number is negative".to_owned()
        } else {
            format!("the number is outside {min}..{max}")
        };
        self.error(
            c,
            text,
            message,
            &format!("write a {what} from {min} to {max}"),
        );
    }

    /// Errors the load has collected so far (to tell whether a row added one).
    pub fn errors(&self) -> usize {
        self.diag.error_count()
    }

    /// A cell's text as written, trimmed, without any check (`None` when absent or not UTF-8).
    pub fn raw_text(&self, c: usize) -> Option<&'r str> {
        let raw = self.record.get(self.map[c]?)?;
        std::str::from_utf8(raw).ok().map(str::trim)
    }

    /// The text of a required column; an empty cell is an error.
    pub fn required(&mut self, c: usize) -> Option<&'r str> {
        let value = self.text(c);
        if value.is_none() && self.is_blank(c) {
            self.error(
                c,
                "",
                "a value is required here",
                &format!("fill in {}", self.cols[c].name),
            );
        }
        value
    }

    /// Whether the cell is empty (or its column absent): nothing was written there.
    fn is_blank(&self, c: usize) -> bool {
        self.map[c]
            .and_then(|p| self.record.get(p))
            .is_none_or(|raw| raw.iter().all(u8::is_ascii_whitespace))
    }

    /// A finite decimal number within `[min, max]`. `None` when empty or invalid.
    pub fn number_in(&mut self, c: usize, required: bool, min: f64, max: f64) -> Option<f64> {
        let text = if required {
            self.required(c)?
        } else {
            self.text(c)?
        };
        match text.parse::<f64>() {
            Ok(v) if !v.is_finite() => {
                self.error(
                    c,
                    text,
                    "the number is not finite",
                    "write a finite decimal number",
                );
                None
            }
            Ok(v) if v < min || v > max => {
                self.out_of_range(c, text, v < 0.0 && min >= 0.0, min, max, "number");
                None
            }
            Ok(v) => Some(v),
            Err(_) => {
                self.error(
                    c,
                    text,
                    "not a number",
                    "write a decimal number with a point, such as 12.5",
                );
                None
            }
        }
    }

    /// A non-negative finite number.
    pub fn non_negative(&mut self, c: usize, required: bool) -> Option<f64> {
        self.number_in(c, required, 0.0, f64::MAX)
    }

    /// A number within `[0, max]`.
    pub fn up_to(&mut self, c: usize, required: bool, max: f64) -> Option<f64> {
        self.number_in(c, required, 0.0, max)
    }

    /// A probability below 1 (a target: 1 cannot be guaranteed by any stock).
    pub fn below_one(&mut self, c: usize, required: bool) -> Option<f64> {
        let v = self.probability(c, required)?;
        if v >= 1.0 {
            let text = self.text(c).unwrap_or_default().to_owned();
            self.error(
                c,
                &text,
                "a target of 1 (100 %) cannot be met by any stock",
                "write a fraction below 1, such as 0.95 or 0.99",
            );
            return None;
        }
        Some(v)
    }

    /// A probability in `[0, 1]`.
    pub fn probability(&mut self, c: usize, required: bool) -> Option<f64> {
        let text = if required {
            self.required(c)?
        } else {
            self.text(c)?
        };
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=1.0).contains(&v) => Some(v),
            Ok(_) => {
                self.error(
                    c,
                    text,
                    "a probability must lie between 0 and 1",
                    "write a fraction such as 0.95 (not 95 or 95%)",
                );
                None
            }
            Err(_) => {
                self.error(c, text, "not a number", "write a fraction such as 0.95");
                None
            }
        }
    }

    /// A whole number within `[min, max]`.
    pub fn integer_in(&mut self, c: usize, required: bool, min: i64, max: i64) -> Option<i64> {
        let text = if required {
            self.required(c)?
        } else {
            self.text(c)?
        };
        // Spreadsheets write whole numbers as "3.0"; accept a zero fraction.
        let trimmed = text
            .strip_suffix(".0")
            .or_else(|| text.strip_suffix(".00"))
            .unwrap_or(text);
        match trimmed.parse::<i64>() {
            Ok(v) if v < min || v > max => {
                self.out_of_range(c, text, v < 0 && min >= 0, min, max, "whole number");
                None
            }
            Ok(v) => Some(v),
            Err(_) => {
                self.error(
                    c,
                    text,
                    "not a whole number",
                    "write a whole number such as 3",
                );
                None
            }
        }
    }

    /// Money with at most two decimals, optionally required to be non-negative.
    pub fn money(&mut self, c: usize, required: bool, allow_negative: bool) -> Option<Fen> {
        self.money_up_to(c, required, allow_negative, crate::model::limits::MAX_YUAN)
    }

    /// An amount in yuan of at most `max_yuan` (totals that spareplan itself wrote may be larger
    /// than any one cell of a data set).
    pub fn money_up_to(
        &mut self,
        c: usize,
        required: bool,
        allow_negative: bool,
        max_yuan: i64,
    ) -> Option<Fen> {
        let text = if required {
            self.required(c)?
        } else {
            self.text(c)?
        };
        match Fen::parse(text) {
            Ok(v) if v.0.unsigned_abs() > max_yuan.unsigned_abs().saturating_mul(100) => {
                self.error(
                    c,
                    text,
                    format!("the amount is beyond {max_yuan} yuan"),
                    "write the amount in yuan (not fen), as decimal text such as 1250.00",
                );
                None
            }
            Ok(v) if v.0 < 0 && !allow_negative => {
                self.error(
                    c,
                    text,
                    "the amount is negative",
                    "write a non-negative amount in yuan",
                );
                None
            }
            Ok(v) => Some(v),
            Err(err) => {
                self.decimal_error(c, text, err, "an amount in yuan such as 1250.00");
                None
            }
        }
    }

    /// A rate with at most four decimals within `[0, 1]`.
    pub fn rate(&mut self, c: usize, required: bool) -> Option<Rate> {
        let text = if required {
            self.required(c)?
        } else {
            self.text(c)?
        };
        match Rate::parse(text) {
            Ok(v) if !(0..=10_000).contains(&v.0) => {
                self.error(
                    c,
                    text,
                    "a rate must lie between 0 and 1",
                    "write a fraction such as 0.1250 (not 12.5 or 12.5%)",
                );
                None
            }
            Ok(v) => Some(v),
            Err(err) => {
                self.decimal_error(c, text, err, "a fraction such as 0.1250");
                None
            }
        }
    }

    fn decimal_error(&mut self, c: usize, text: &str, err: DecimalError, example: &str) {
        self.error(
            c,
            text,
            format!("not a valid decimal amount ({err})"),
            &format!("write {example}, without thousands separators or exponents"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-2-29"), None);
        assert_eq!(parse_date("2024/02/29"), None);
        assert_eq!(parse_date("２０２４-02-29"), None);
        assert!(parse_datetime("2024-02-29 23:59").is_some());
        assert!(parse_datetime("2024-02-29T23:59:59").is_some());
        assert_eq!(parse_datetime("2024-02-29 24:00"), None);
        assert_eq!(parse_datetime("2024-02-29 23:5"), None);
    }
}
