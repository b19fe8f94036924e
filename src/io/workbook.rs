//! Excel workbooks of a command's tables (`--xlsx`): one sheet per CSV table, the header frozen
//! and filterable, numbers as numbers (money formatted `#,##0.00`), ids and text as text, Chinese
//! text intact.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Rows a worksheet holds after its header.
const MAX_ROWS: usize = 1_048_575;

/// Whether a column holds ids (kept as text even when they look like numbers): the id columns of
/// the inputs, and the outputs' customer, path and file columns.
fn id_column(name: &str) -> bool {
    super::sniff::is_id_column(name)
        || matches!(name, "customer" | "path" | "economy_path" | "file")
}

/// Whether a column holds money (formatted `#,##0.00`).
fn money_column(name: &str) -> bool {
    [
        "cost",
        "investment",
        "amount",
        "price",
        "invoiced",
        "expected",
        "difference",
        "credited",
        "shipped",
        "due",
        "value",
        "under_review",
        "not_invoiced",
    ]
    .iter()
    .any(|m| name.contains(m))
}

/// A plain decimal number as a table writes it (`-12.50`, `3`, `0.9658`): no exponent, no
/// thousands separator, no leading zero before other digits (`0012` stays text).
fn plain_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !whole.is_empty()
        && whole.len() <= 15
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(whole.len() > 1 && whole.starts_with('0'));
    if ok {
        text.parse().ok()
    } else {
        None
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(file: &str) -> String {
    let base = file.strip_suffix(".csv").unwrap_or(file);
    base.chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .take(31)
        .collect()
}

/// A workbook of `tables` (file name and CSV bytes, a leading BOM allowed), one sheet each in
/// the given order.
pub fn workbook(tables: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for (file, bytes) in tables {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let rows: Vec<csv::StringRecord> = rdr.records().collect::<Result<_, _>>()?;
        let Some((head, body)) = rows.split_first() else {
            continue;
        };
        if body.len() > MAX_ROWS {
            anyhow::bail!(
                "{file} has {} rows, more than a worksheet holds ({MAX_ROWS}); use the CSV",
                body.len()
            );
        }
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(file))?;
        let names: Vec<&str> = head.iter().collect();
        for (c, name) in names.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *name, &header)?;
            let width = (name.chars().count() + 2).clamp(10, 40);
            sheet.set_column_width(c as u16, width as f64)?;
        }
        for (r, record) in body.iter().enumerate() {
            let row = (r + 1) as u32;
            for (c, cell) in record.iter().enumerate() {
                write_cell(sheet, row, c as u16, names.get(c).copied(), cell, &money)?;
            }
        }
        let last_col = names.len().saturating_sub(1) as u16;
        sheet.autofilter(0, 0, body.len() as u32, last_col)?;
        sheet.set_freeze_panes(1, 0)?;
    }
    Ok(book.save_to_buffer()?)
}

fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    name: Option<&str>,
    cell: &str,
    money: &Format,
) -> Result<(), XlsxError> {
    if cell.is_empty() {
        return Ok(());
    }
    let name = name.unwrap_or("");
    match plain_number(cell).filter(|_| !id_column(name)) {
        Some(x) if money_column(name) => sheet.write_number_with_format(row, col, x, money)?,
        Some(x) => sheet.write_number(row, col, x)?,
        None => sheet.write_string(row, col, cell)?,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_typed_by_column_and_value() {
        assert_eq!(plain_number("-12.50"), Some(-12.5));
        assert_eq!(plain_number("0.9658"), Some(0.9658));
        assert_eq!(plain_number("0012"), None);
        assert_eq!(plain_number("1e5"), None);
        assert_eq!(plain_number("1,000.00"), None);
        assert_eq!(plain_number("FP1"), None);
        assert!(id_column("invoice_no") && id_column("hospital_id") && !id_column("qty"));
        assert!(
            money_column("annual_holding_cost") && money_column("invoiced") && !money_column("qty")
        );
        assert_eq!(sheet_name("statements/index.csv"), "statements index");
    }
}
