//! What a file's bytes say before its values are read: another encoding (UTF-16, GBK/GB18030),
//! another delimiter, or ids that cannot be the ids meant (scientific notation, full-width
//! characters, stray quotes).

/// A header that shows the file is not comma-separated UTF-8 CSV: UTF-16 text, or another
/// delimiter. The message and the fix.
pub(super) fn wrong_format(header: &csv::ByteRecord) -> Option<(String, &'static str)> {
    let bytes = header.as_slice();
    if bytes.starts_with(&[0xff, 0xfe])
        || bytes.starts_with(&[0xfe, 0xff])
        || bytes.iter().filter(|&&b| b == 0).count() * 4 >= bytes.len().max(1)
    {
        return Some((
            "the file is UTF-16 text (as some Windows programs save \"Unicode text\"), not UTF-8"
                .to_owned(),
            "save the file as CSV UTF-8",
        ));
    }
    if header.len() == 1 {
        for (delimiter, name) in [
            (b'\t', "tabs"),
            (b';', "semicolons"),
            (b'|', "vertical bars"),
        ] {
            if bytes.contains(&delimiter) {
                return Some((
                    format!("the header is separated by {name}, not commas"),
                    "save the file as comma-separated CSV (a spreadsheet's \"CSV (comma delimited)\")",
                ));
            }
        }
    }
    None
}

/// Whether bytes that are not UTF-8 read as GBK/GB18030 double-byte text: every byte of 0x80
/// and above starts a pair (lead 0x81 to 0xFE, trail 0x40 to 0xFE except 0x7F) or a four-byte
/// GB18030 sequence.
pub(super) fn looks_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    let mut pairs = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if !(0x81..=0xfe).contains(&b) || i + 1 >= bytes.len() {
            return false;
        }
        let t = bytes[i + 1];
        if (0x40..=0xfe).contains(&t) && t != 0x7f {
            i += 2;
        } else if (0x30..=0x39).contains(&t)
            && i + 3 < bytes.len()
            && (0x81..=0xfe).contains(&bytes[i + 2])
            && (0x30..=0x39).contains(&bytes[i + 3])
        {
            i += 4;
        } else {
            return false;
        }
        pairs += 1;
    }
    pairs > 0
}

/// Whether a column holds identifiers (compared exactly as text).
pub(super) fn is_id_column(name: &str) -> bool {
    name.ends_with("_id") || name.ends_with("_no") || name == "serial" || name == "ship_to"
}

/// Why an id as written cannot be the id meant: a number Excel turned into scientific notation
/// (the digits are lost), or full-width characters (as Chinese input methods type them).
pub(super) fn bad_id(column: &str, text: &str) -> Option<(&'static str, &'static str)> {
    let b = text.as_bytes();
    // Nearly every id is ASCII letters, digits, '-', '_' and '.': no exponent sign, quote or
    // full-width form can be in it.
    if b.iter()
        .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        return None;
    }
    let sci = b.first().is_some_and(u8::is_ascii_digit)
        && (text.contains("E+") || text.contains("e+"))
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && text.parse::<f64>().is_ok();
    if sci {
        return Some((
            "the id is a number in scientific notation, as Excel shows long numbers; its digits are lost",
            "format the column as text before exporting (or export from the source system) so the full id is kept",
        ));
    }
    if text.contains('"') {
        return Some((
            "the id contains a quote character, as a stray quote in an export leaves it",
            "remove the quote, or quote the whole cell and double the quotes inside it",
        ));
    }
    // Part numbers are matched after normalisation (full-width forms included), which the
    // reconciliation says in its findings; other ids are compared exactly.
    let full_width = text
        .chars()
        .any(|c| ('\u{ff01}'..='\u{ff5e}').contains(&c) || c == '\u{3000}');
    if full_width && column != "part_no" {
        return Some((
            "the id contains full-width characters (such as \u{ff11}\u{ff12}\u{ff13} for 123), so it matches no id written in ASCII",
            "retype the id in half-width (ASCII) characters",
        ));
    }
    None
}
