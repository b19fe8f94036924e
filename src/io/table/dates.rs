//! Dates and date-times of the contract (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, a `T` accepted),
//! read by [`Row`](super::Row).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

impl<'r> super::Row<'r> {
    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, c: usize, required: bool) -> Option<NaiveDate> {
        let text = if required {
            self.required(c)?
        } else {
            self.text(c)?
        };
        match parse_date(text) {
            Some(d) => Some(d),
            None => {
                self.error(
                    c,
                    text,
                    "not a valid date",
                    "write the date as YYYY-MM-DD, such as 2025-03-31",
                );
                None
            }
        }
    }

    /// A `YYYY-MM-DD HH:MM[:SS]` date-time (`T` separator accepted).
    pub fn datetime(&mut self, c: usize, required: bool) -> Option<NaiveDateTime> {
        let text = if required {
            self.required(c)?
        } else {
            self.text(c)?
        };
        match parse_datetime(text) {
            Some(d) => Some(d),
            None => {
                self.error(
                    c,
                    text,
                    "not a valid date-time",
                    "write YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS, such as 2025-03-31 14:05",
                );
                None
            }
        }
    }
}

fn digits(bytes: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    Some(v)
}

/// Parses `YYYY-MM-DD` strictly.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Parses `YYYY-MM-DD HH:MM[:SS]`, with a space or `T` separator.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() != 16 && b.len() != 19 {
        return None;
    }
    let date = parse_date(text.get(0..10)?)?;
    if b[10] != b' ' && b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = if b.len() == 19 {
        if b[16] != b':' {
            return None;
        }
        digits(&b[17..19])?
    } else {
        0
    };
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    Some(date.and_time(time))
}
