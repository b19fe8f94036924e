//! Loads and validates the finance data set (outbound slips, invoices, discount terms, consents).
//!
//! Part numbers are kept as written: normalising them is part of reconciliation, which records
//! what it changed. A repeated `(invoice_no, line_no)` is not an error: the reconciliation flags it
//! as `DUPLICATE_INVOICE`, which is what a clerk needs to see, and [`repeated_invoice_lines`] gives
//! `validate` the same news as warnings (kept out of the loader, where a hash table of a million
//! invoice keys would cost a third of the load time).

use rustc_hash::FxHashSet;

use super::contract::{self, ranges, FileSpec};
use super::diag::{Diagnostics, Problem};
use super::source::Source;
use super::table::{read_table, Row};
use super::{open_file, LoadError, Loaded};
use crate::model::BlockedLine;
use crate::model::*;

pub const SLIPS: &str = contract::SLIPS.name;
pub const INVOICES: &str = contract::INVOICES.name;
pub const DISCOUNTS: &str = contract::DISCOUNTS.name;
pub const CONSENTS: &str = contract::CONSENTS.name;

/// One shared allocation per distinct text value (hospitals, parts, categories, ...).
#[derive(Default)]
struct Texts {
    set: FxHashSet<Text>,
}

impl Texts {
    fn get(&mut self, s: &str) -> Text {
        if let Some(t) = self.set.get(s) {
            return t.clone();
        }
        let t: Text = Text::from(s);
        self.set.insert(t.clone());
        t
    }
}

/// Shares a value with the previous row when it repeats (the lines of one slip or invoice are
/// adjacent), without a hash table for numbers that are nearly all distinct.
#[derive(Default)]
struct Recent {
    last: Option<Text>,
}

impl Recent {
    fn get(&mut self, s: &str) -> Text {
        match &self.last {
            Some(t) if &**t == s => t.clone(),
            _ => {
                let t = Text::from(s);
                self.last = Some(t.clone());
                t
            }
        }
    }
}

/// Loads the finance data set from `src`; any error refuses the whole extract (`validate`,
/// `reconcile --strict`).
pub fn load_finance(src: &dyn Source) -> Result<Loaded<FinanceSet>, LoadError> {
    load_finance_with(src, true)
}

/// Loads the finance data set, blocking rather than refusing: a slip or invoice line that fails
/// validation is left out of the set and listed in [`FinanceSet::blocked`] with its problems;
/// errors that make a file unreadable (a missing column, another encoding), or errors in the
/// terms or consents, still refuse the extract.
pub fn load_finance_blocking(src: &dyn Source) -> Result<Loaded<FinanceSet>, LoadError> {
    load_finance_with(src, false)
}

fn load_finance_with(src: &dyn Source, strict: bool) -> Result<Loaded<FinanceSet>, LoadError> {
    let mut set = FinanceSet::default();
    let mut slip_rows = Vec::new();
    // Slips and invoices are the large files: read them on two threads.
    let (mut diag, invoice_diag, invoice_rows) = std::thread::scope(|scope| {
        let invoices_job = scope.spawn(|| {
            let mut diag = Diagnostics::default();
            let mut texts = Texts::default();
            let mut lines = Vec::new();
            let mut noted = Vec::new();
            invoices(src, &mut diag, &mut texts, &mut lines, &mut noted);
            (diag, lines, noted)
        });
        let mut diag = Diagnostics::default();
        let mut texts = Texts::default();
        slips(src, &mut diag, &mut texts, &mut set.slips, &mut slip_rows);
        discounts(src, &mut diag, &mut texts, &mut set.discounts);
        consents(src, &mut diag, &mut texts, &mut set.consents);
        let (invoice_diag, lines, noted) = invoices_job
            .join()
            .expect("the invoice reader does not panic");
        set.invoices = lines;
        (diag, invoice_diag, noted)
    });
    diag.extend(invoice_diag);
    check_totals(&set, &mut diag);
    let mut problems = diag.into_sorted();
    if !strict {
        problems = block_lines(&mut set, problems, &slip_rows, &invoice_rows);
    }
    if problems
        .iter()
        .any(|p| p.severity == super::diag::Severity::Error)
    {
        return Err(LoadError::Invalid {
            source_name: src.describe(),
            problems,
        });
    }
    Ok(Loaded {
        data: set,
        warnings: problems,
    })
}

/// Turns the row errors of slips and invoices into blocked lines (when nothing else is wrong)
/// and returns the problems left.
fn block_lines(
    set: &mut FinanceSet,
    problems: Vec<Problem>,
    slip_rows: &[(u64, String)],
    invoice_rows: &[(u64, String)],
) -> Vec<Problem> {
    let row_error = |p: &Problem| {
        p.severity == super::diag::Severity::Error
            && (p.file == SLIPS || p.file == INVOICES)
            && p.line.is_some_and(|l| l >= 2)
    };
    let blocking = problems
        .iter()
        .filter(|p| p.severity == super::diag::Severity::Error)
        .all(row_error);
    if !blocking {
        return problems;
    }
    let mut by_line: std::collections::BTreeMap<(&'static str, u64), Vec<String>> =
        std::collections::BTreeMap::new();
    let mut left = Vec::new();
    for p in problems {
        if row_error(&p) {
            let file = if p.file == SLIPS { SLIPS } else { INVOICES };
            by_line
                .entry((file, p.line.unwrap_or(0)))
                .or_default()
                .push(p.to_string());
        } else {
            left.push(p);
        }
    }
    let number = |rows: &[(u64, String)], line: u64| {
        rows.iter()
            .find(|(l, _)| *l == line)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    for ((file, line), messages) in by_line {
        let rows = if file == SLIPS {
            slip_rows
        } else {
            invoice_rows
        };
        set.blocked.push(BlockedLine {
            file,
            slip: file == SLIPS,
            line,
            number: number(rows, line),
            problems: messages.join("; "),
        });
    }
    let blocked_slips: FxHashSet<u64> = set
        .blocked
        .iter()
        .filter(|b| b.slip)
        .map(|b| b.line)
        .collect();
    let blocked_invoices: FxHashSet<u64> = set
        .blocked
        .iter()
        .filter(|b| !b.slip)
        .map(|b| b.line)
        .collect();
    set.slips
        .retain(|s| !blocked_slips.contains(&s.source_line));
    set.invoices
        .retain(|l| !blocked_invoices.contains(&l.source_line));
    left
}

/// Money the whole of an extract may hold, in fen: far beyond any real parts business (10^15
/// yuan), and far enough below the integer limit that no total, difference or balance of the
/// reconciliation can overflow.
const MAX_EXTRACT_FEN: i128 = 100_000_000_000_000_000;

/// An extract whose lines together hold more money than [`MAX_EXTRACT_FEN`] is refused as a whole
/// (each line may be in range while their sum is not a real business).
fn check_totals(set: &FinanceSet, diag: &mut Diagnostics) {
    let slips: i128 = set
        .slips
        .iter()
        .map(|s| i128::from(s.list_price.0) * i128::from(s.qty))
        .sum();
    let invoices: i128 = set
        .invoices
        .iter()
        .map(|l| {
            i128::from(l.amount.0).abs()
                + (i128::from(l.unit_price.0) * i128::from(l.qty)).abs()
                + i128::from(l.tax_amount.map_or(0, |t| t.0)).abs()
        })
        .sum();
    for (file, total) in [(SLIPS, slips), (INVOICES, invoices)] {
        if total > MAX_EXTRACT_FEN {
            diag.error(
                super::diag::Place::file(file),
                format!(
                    "the lines together hold more than {} yuan; this is not a real extract",
                    MAX_EXTRACT_FEN / 100
                ),
                "check the amounts for values in fen written as yuan, or a unit typed into a price",
            );
        }
    }
}

fn table(
    src: &dyn Source,
    spec: &'static FileSpec,
    diag: &mut Diagnostics,
    mut on_row: impl FnMut(&mut Row<'_>),
) -> Option<Vec<Option<usize>>> {
    table_noting(src, spec, diag, &mut Vec::new(), &mut on_row)
}

/// [`table`], noting the line and first cell (the slip or invoice number) of every row that
/// raised an error, so a blocked line can block its invoice.
fn table_noting(
    src: &dyn Source,
    spec: &'static FileSpec,
    diag: &mut Diagnostics,
    noted: &mut Vec<(u64, String)>,
    on_row: &mut dyn FnMut(&mut Row<'_>),
) -> Option<Vec<Option<usize>>> {
    let reader = open_file(src, spec.name, spec.required, diag)?;
    let mut rows = 0usize;
    let map = read_table(spec.name, reader, spec.columns, diag, |row| {
        rows += 1;
        let before = row.errors();
        on_row(row);
        if row.errors() > before {
            noted.push((row.line, row.raw_text(0).unwrap_or_default().to_owned()));
        }
    });
    if map.is_some() && rows == 0 && spec.required && !diag.has_errors_in(spec.name) {
        diag.warning(
            super::diag::Place::line(spec.name, 2),
            "the file has a header but no rows: nothing of it can be reconciled",
            "check that the extract covers the period",
        );
    }
    map
}

fn serials(text: Option<&str>) -> Vec<String> {
    text.map(|s| {
        s.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// `*` or empty means "all".
fn scope(texts: &mut Texts, text: Option<&str>) -> Option<Text> {
    text.filter(|t| *t != "*").map(|t| texts.get(t))
}

fn slips(
    src: &dyn Source,
    diag: &mut Diagnostics,
    texts: &mut Texts,
    out: &mut Vec<SlipLine>,
    noted: &mut Vec<(u64, String)>,
) {
    let mut recent = Recent::default();
    let start = out.len();
    let map = table_noting(src, &contract::SLIPS, diag, noted, &mut |row| {
        let slip_no = row.required(0);
        let line_no = row.integer_in(1, true, 1, i64::from(u32::MAX));
        let slip_date = row.date(2, true);
        let part_no = row.required(3);
        let qty = row.integer_in(4, true, 1, ranges::MAX_LINE_QTY);
        let list_price = row.money(5, true, false);
        let condition = match row.required(6) {
            Some(c) if c.eq_ignore_ascii_case("new") => Some(Condition::New),
            Some(c) if c.eq_ignore_ascii_case("refurbished") => Some(Condition::Refurbished),
            Some(c) => {
                row.error(6, c, "unknown condition", "write new or refurbished");
                None
            }
            None => None,
        };
        let ship_to = row.required(7);
        let category = row.text(8).map(|c| texts.get(c));
        let serials = serials(row.text(9));
        let (
            Some(slip_no),
            Some(line_no),
            Some(slip_date),
            Some(part_no),
            Some(qty),
            Some(list_price),
            Some(condition),
            Some(ship_to),
        ) = (
            slip_no, line_no, slip_date, part_no, qty, list_price, condition, ship_to,
        )
        else {
            return;
        };
        let line_no = line_no as u32;
        let slip_no = recent.get(slip_no);
        out.push(SlipLine {
            slip_no,
            line_no,
            slip_date,
            part_no: texts.get(part_no),
            qty,
            list_price,
            condition,
            ship_to: texts.get(ship_to),
            category,
            serials,
            source_line: row.line,
        });
    });
    // Duplicate keys: none when the lines are in strictly increasing key order, as extracts
    // usually are; otherwise by sorting rather than a hash table of a million slip numbers:
    // equal keys end up adjacent, and the later line is the one reported.
    let increasing = out[start..].windows(2).all(|w| {
        let same =
            std::sync::Arc::ptr_eq(&w[0].slip_no, &w[1].slip_no) || w[0].slip_no == w[1].slip_no;
        if same {
            w[0].line_no < w[1].line_no
        } else {
            w[0].slip_no < w[1].slip_no
        }
    });
    if increasing {
        return;
    }
    let mut order: Vec<(u64, u32, u64, usize)> = out[start..]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut h = rustc_hash::FxHasher::default();
            std::hash::Hash::hash(&*l.slip_no, &mut h);
            (
                std::hash::Hasher::finish(&h),
                l.line_no,
                l.source_line,
                start + i,
            )
        })
        .collect();
    order.sort_unstable();
    let column = map.as_ref().and_then(|m| m[1]).map(|p| p + 1);
    for pair in order.windows(2) {
        let (a, b) = (&out[pair[0].3], &out[pair[1].3]);
        if pair[0].0 == pair[1].0 && a.line_no == b.line_no && a.slip_no == b.slip_no {
            let line_no = b.line_no.to_string();
            diag.error(
                super::diag::Place {
                    column,
                    column_name: Some("line_no"),
                    value: Some(&line_no),
                    ..super::diag::Place::line(SLIPS, b.source_line)
                },
                format!(
                    "duplicate (slip_no, line_no): also on line {}",
                    a.source_line
                ),
                "give every line of a slip its own line_no",
            );
        }
    }
}
fn invoices(
    src: &dyn Source,
    diag: &mut Diagnostics,
    texts: &mut Texts,
    out: &mut Vec<InvoiceLine>,
    noted: &mut Vec<(u64, String)>,
) {
    let mut recent_invoice = Recent::default();
    let mut recent_slip = Recent::default();
    table_noting(src, &contract::INVOICES, diag, noted, &mut |row| {
        let invoice_no = row.required(0);
        let line_no = row.integer_in(1, true, 1, i64::from(u32::MAX));
        let invoice_date = row.date(2, true);
        let slip_no = row.required(3);
        let part_no = row.required(4);
        let qty = row.integer_in(5, true, -ranges::MAX_LINE_QTY, ranges::MAX_LINE_QTY);
        let unit_price = row.money(6, true, false);
        let amount = row.money(7, true, true);
        let tax_rate = row.rate(8, false);
        let tax_amount = row.money(9, false, true);
        let kind = match row.text(10) {
            None => Some(InvoiceKind::Blue),
            Some(k) if k.eq_ignore_ascii_case("blue") => Some(InvoiceKind::Blue),
            Some(k) if k.eq_ignore_ascii_case("red") => Some(InvoiceKind::Red),
            Some(k) => {
                row.error(10, k, "unknown invoice kind", "write blue or red");
                None
            }
        };
        let original = row.text(11).map(|o| texts.get(o));
        let serials = serials(row.text(12));
        let (
            Some(invoice_no),
            Some(line_no),
            Some(invoice_date),
            Some(slip_no),
            Some(part_no),
            Some(qty),
            Some(unit_price),
            Some(amount),
            Some(kind),
        ) = (
            invoice_no,
            line_no,
            invoice_date,
            slip_no,
            part_no,
            qty,
            unit_price,
            amount,
            kind,
        )
        else {
            return;
        };
        let qty_text = || qty.to_string();
        match kind {
            InvoiceKind::Blue if qty <= 0 => {
                row.error(
                    5,
                    &qty_text(),
                    "a blue invoice line carries a positive quantity",
                    "write the quantity invoiced, or mark a credit note as kind red",
                );
                return;
            }
            InvoiceKind::Red if qty >= 0 => {
                row.error(
                    5,
                    &qty_text(),
                    "a red (credit) invoice line carries a negative quantity",
                    "write the credited quantity as a negative number",
                );
                return;
            }
            InvoiceKind::Red if original.is_none() => {
                row.error(
                    11,
                    "",
                    "a red invoice must name the invoice it credits",
                    "fill in original_invoice_no",
                );
                return;
            }
            _ => {}
        }
        let line_no = line_no as u32;
        let invoice_no = recent_invoice.get(invoice_no);
        out.push(InvoiceLine {
            invoice_no,
            line_no,
            invoice_date,
            slip_no: recent_slip.get(slip_no),
            part_no: texts.get(part_no),
            qty,
            unit_price,
            amount,
            tax_rate,
            tax_amount,
            kind,
            original_invoice_no: original,
            serials,
            source_line: row.line,
        });
    });
}

fn discounts(
    src: &dyn Source,
    diag: &mut Diagnostics,
    texts: &mut Texts,
    out: &mut Vec<DiscountTerm>,
) {
    table(src, &contract::DISCOUNTS, diag, |row| {
        let contract_id = row.required(0);
        let valid_from = row.date(1, true);
        let valid_to = row.date(2, true);
        let rate = row.rate(3, true);
        let customer = scope(texts, row.text(4));
        let category = scope(texts, row.text(5));
        let part_no = scope(texts, row.text(6));
        let (Some(contract_id), Some(valid_from), Some(valid_to), Some(rate)) =
            (contract_id, valid_from, valid_to, rate)
        else {
            return;
        };
        if valid_to < valid_from {
            let shown = valid_to.to_string();
            row.error(
                2,
                &shown,
                "the term ends before it starts",
                "swap valid_from and valid_to or correct the dates",
            );
            return;
        }
        out.push(DiscountTerm {
            contract_id: texts.get(contract_id),
            valid_from,
            valid_to,
            discount_rate: rate,
            customer,
            category,
            part_no,
            source_line: row.line,
        });
    });
}

fn consents(src: &dyn Source, diag: &mut Diagnostics, texts: &mut Texts, out: &mut Vec<Consent>) {
    table(src, &contract::CONSENTS, diag, |row| {
        let hospital_id = row.required(0);
        let granted_on = row.date(1, true);
        let slip_no = row.text(2).map(|t| texts.get(t));
        let part_no = row.text(3).map(|t| texts.get(t));
        let reference = row.text(4).map(str::to_owned);
        let (Some(hospital_id), Some(granted_on)) = (hospital_id, granted_on) else {
            return;
        };
        out.push(Consent {
            hospital_id: texts.get(hospital_id),
            granted_on,
            slip_no,
            part_no,
            reference,
            source_line: row.line,
        });
    });
}

/// Warnings for invoice lines whose `(invoice_no, line_no)` appears more than once, each naming
/// the line of the first occurrence.
pub fn repeated_invoice_lines(set: &FinanceSet) -> Vec<Problem> {
    let mut order: Vec<usize> = (0..set.invoices.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let (x, y) = (&set.invoices[a], &set.invoices[b]);
        (&x.invoice_no, x.line_no, x.source_line).cmp(&(&y.invoice_no, y.line_no, y.source_line))
    });
    let mut diag = Diagnostics::default();
    for pair in order.windows(2) {
        let (first, this) = (&set.invoices[pair[0]], &set.invoices[pair[1]]);
        if first.invoice_no == this.invoice_no && first.line_no == this.line_no {
            diag.warning(
                super::diag::Place {
                    column: None,
                    column_name: Some("invoice_no"),
                    value: Some(&this.invoice_no),
                    ..super::diag::Place::line(INVOICES, this.source_line)
                },
                format!(
                    "the invoice line (invoice_no, line_no) also appears on line {}",
                    first.source_line
                ),
                "reconcile reports it as DUPLICATE_INVOICE; remove the copy if it was entered twice",
            );
        }
    }
    diag.into_sorted()
}
