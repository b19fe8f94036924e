//! Statements of account (对账单), one per hospital: what was shipped to it at agreed prices,
//! what was invoiced and credited against those shipments, and what is still open (shipped and
//! not invoiced, or invoiced and held back for review), ready to send.

use rayon::iter::{IntoParallelIterator, ParallelIterator};
use rustc_hash::FxHashMap;

use super::verdict::Verdict;
use crate::model::{InvoiceKind, InvoiceLine, SlipLine, Text};
use crate::money::Fen;

/// The part of a statement a row belongs to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// A slip line shipped, at its agreed value.
    Shipped,
    /// A blue invoice line, as billed.
    Invoiced,
    /// A red invoice line (negative).
    Credited,
    /// Units shipped and not invoiced, at their agreed value.
    NotInvoiced,
}

impl Section {
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Shipped => "shipped",
            Section::Invoiced => "invoiced",
            Section::Credited => "credited",
            Section::NotInvoiced => "open: not invoiced",
        }
    }
}

/// One row of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRow {
    pub section: Section,
    pub date: chrono::NaiveDate,
    pub document_no: Text,
    pub line_no: u32,
    pub part_no: Text,
    pub qty: i64,
    pub amount: Fen,
    /// For an invoice line, its invoice's verdict; for a slip line, how far it is invoiced.
    pub status: &'static str,
}

/// The statement of one hospital for the period of the extract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub hospital: Text,
    /// Shipped rows, then invoiced and credited rows, then open items, each by date.
    pub rows: Vec<StatementRow>,
    pub shipped: Fen,
    pub invoiced: Fen,
    pub credited: Fen,
    /// Shipped and not invoiced, at agreed value.
    pub not_invoiced: Fen,
    /// Invoiced on invoices that are blocked (held back for review).
    pub under_review: Fen,
}

impl Statement {
    /// What the hospital owes on cleared invoices: invoiced, less credits, less what is held
    /// back for review.
    pub fn due(&self) -> Fen {
        self.invoiced + self.credited - self.under_review
    }
}

/// What the statements read, all in key order: slip lines with their agreed price and open
/// quantity; kept invoice lines with the slip line index of their customer and the verdict of
/// their invoice.
pub(super) struct StatementInput<'a> {
    pub(super) slips: &'a [&'a SlipLine],
    pub(super) agreed: &'a (dyn Fn(usize) -> Fen + Sync),
    pub(super) remaining: &'a [i64],
    pub(super) invoices: &'a [&'a InvoiceLine],
    pub(super) kept: &'a [bool],
    /// The first slip line of each invoice line's slip (`None`: no such slip).
    pub(super) slip_of: &'a (dyn Fn(usize) -> Option<usize> + Sync),
    pub(super) verdict_of: &'a (dyn Fn(usize) -> Verdict + Sync),
}

fn slip_status(qty: i64, open: i64) -> &'static str {
    if open <= 0 {
        "invoiced"
    } else if open < qty {
        "partly invoiced"
    } else {
        "not invoiced"
    }
}

/// One statement per hospital a slip ships to, in hospital order. Invoice lines whose slip is
/// unknown belong to no hospital's statement (they are `INVOICED_NOT_SHIPPED`).
pub(super) fn statements(s: &StatementInput<'_>) -> Vec<Statement> {
    // Hospitals in text order, and each one's slip and invoice lines.
    let mut index: FxHashMap<&str, u32> = FxHashMap::default();
    let mut of_slip = Vec::with_capacity(s.slips.len());
    for slip in s.slips {
        let next = index.len() as u32;
        of_slip.push(*index.entry(&slip.ship_to).or_insert(next));
    }
    let mut names: Vec<(&str, u32)> = index.into_iter().collect();
    names.sort_unstable();
    let mut rank = vec![0u32; names.len()];
    for (r, &(_, k)) in names.iter().enumerate() {
        rank[k as usize] = r as u32;
    }
    let mut slip_rows: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
    for (i, &k) in of_slip.iter().enumerate() {
        slip_rows[rank[k as usize] as usize].push(i as u32);
    }
    let mut invoice_rows: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
    for i in 0..s.invoices.len() {
        if let Some(first) = (s.slip_of)(i) {
            invoice_rows[rank[of_slip[first] as usize] as usize].push(i as u32);
        }
    }
    (0..names.len())
        .into_par_iter()
        .map(|h| statement(s, &slip_rows[h], &invoice_rows[h]))
        .collect()
}

fn statement(s: &StatementInput<'_>, slips: &[u32], invoices: &[u32]) -> Statement {
    let hospital = s.slips[slips[0] as usize].ship_to.clone();
    let mut st = Statement {
        hospital,
        rows: Vec::with_capacity(slips.len() * 2 + invoices.len()),
        shipped: Fen::ZERO,
        invoiced: Fen::ZERO,
        credited: Fen::ZERO,
        not_invoiced: Fen::ZERO,
        under_review: Fen::ZERO,
    };
    let mut open = Vec::new();
    for &i in slips {
        let (i, slip) = (i as usize, s.slips[i as usize]);
        let agreed = (s.agreed)(i);
        let value = agreed.times(slip.qty);
        st.shipped += value;
        let row = |section, qty, amount, status| StatementRow {
            section,
            date: slip.slip_date,
            document_no: slip.slip_no.clone(),
            line_no: slip.line_no,
            part_no: slip.part_no.clone(),
            qty,
            amount,
            status,
        };
        st.rows.push(row(
            Section::Shipped,
            slip.qty,
            value,
            slip_status(slip.qty, s.remaining[i]),
        ));
        if s.remaining[i] > 0 {
            let left = agreed.times(s.remaining[i]);
            st.not_invoiced += left;
            open.push(row(Section::NotInvoiced, s.remaining[i], left, "open"));
        }
    }
    for &i in invoices {
        let (i, l) = (i as usize, s.invoices[i as usize]);
        if !s.kept[i] {
            continue; // a repeated copy of a row: DUPLICATE_INVOICE, not billed twice here
        }
        let verdict = (s.verdict_of)(i);
        let section = match l.kind {
            InvoiceKind::Blue => {
                st.invoiced += l.amount;
                Section::Invoiced
            }
            InvoiceKind::Red => {
                st.credited += l.amount;
                Section::Credited
            }
        };
        if verdict == Verdict::Blocked {
            st.under_review += l.amount;
        }
        st.rows.push(StatementRow {
            section,
            date: l.invoice_date,
            document_no: l.invoice_no.clone(),
            line_no: l.line_no,
            part_no: l.part_no.clone(),
            qty: l.qty,
            amount: l.amount,
            status: verdict.as_str(),
        });
    }
    st.rows.append(&mut open);
    st.rows.sort_by(|a, b| {
        (a.section, a.date, &a.document_no, a.line_no).cmp(&(
            b.section,
            b.date,
            &b.document_no,
            b.line_no,
        ))
    });
    st
}
