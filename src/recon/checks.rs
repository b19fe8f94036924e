//! The checks on the extract as a whole before matching: lines blocked at validation
//! (`INVALID_LINE`, with their invoices) and repeated invoice rows or reused numbers
//! (`DUPLICATE_INVOICE`).

use rustc_hash::FxHashMap;

use super::order::same_row;
use super::{Code, Finding, Severity};
use crate::model::{FinanceSet, InvoiceLine, Text};
use crate::money::Fen;

/// `DUPLICATE_INVOICE`: a repeated `(invoice_no, line_no)` row on the same date is a copy that
/// bills again for nothing shipped (set aside, not matched: `kept` false); an invoice number used
/// on several dates is a warning, once per number.
pub(super) fn check_duplicate_invoice(
    invoices: &[&InvoiceLine],
    repeats: &[u32],
    inv_no: &[u32],
    reused: &FxHashMap<u32, Vec<chrono::NaiveDate>>,
    findings: &mut Vec<Finding>,
) -> Vec<bool> {
    let mut kept = vec![true; invoices.len()];
    let mut reported_reuse: rustc_hash::FxHashSet<u32> = Default::default();
    for (i, l) in invoices.iter().enumerate() {
        if repeats[i] > 1 && i > 0 && same_row(invoices[i - 1], l) {
            kept[i] = false;
            findings.push(Finding::unshipped(
                Code::DuplicateInvoice,
                l,
                l.amount,
                format!(
                    "invoice {} line {} appears {} times; this copy bills again for nothing shipped and is not matched",
                    l.invoice_no, l.line_no, repeats[i]
                ),
            ));
        }
        let Some(days) = reused.get(&inv_no[i]) else {
            continue;
        };
        if reported_reuse.insert(inv_no[i]) {
            findings.push(
                Finding {
                    invoice_no: l.invoice_no.clone(),
                    ..Finding::new(Code::DuplicateInvoice)
                }
                .severity(Severity::Warning)
                .detail(format!(
                    "invoice number {} is used on {} different dates ({}); an invoice number identifies one invoice",
                    l.invoice_no,
                    days.len(),
                    days.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                )),
            );
        }
    }
    kept
}

/// `INVALID_LINE`: every line the loader blocked, every other line of an invoice with a blocked
/// line (the invoice is blocked whole), and every line of an invoice that bills a slip with a
/// blocked line (what it bills cannot be checked). Returns the set without the lines blocked
/// with their invoice (`None` when there are none) and their amount.
pub(super) fn check_invalid_line(
    set: &FinanceSet,
    findings: &mut Vec<Finding>,
) -> (Option<FinanceSet>, Fen) {
    for b in &set.blocked {
        let number = Text::from(b.number.as_str());
        let mut f = Finding::new(Code::InvalidLine).detail(format!(
            "{} line {} failed validation and is blocked: {}",
            b.file, b.line, b.problems
        ));
        if b.slip {
            f.slip_no = number;
        } else {
            f.invoice_no = number;
        }
        findings.push(f);
    }
    let numbers = |slip: bool| -> rustc_hash::FxHashSet<&str> {
        set.blocked
            .iter()
            .filter(|b| b.slip == slip && !b.number.is_empty())
            .map(|b| b.number.as_str())
            .collect()
    };
    let (blocked_slips, blocked_invoices) = (numbers(true), numbers(false));
    // An invoice billing a blocked slip is blocked whole too.
    let by_slip: rustc_hash::FxHashSet<&str> = set
        .invoices
        .iter()
        .filter(|l| {
            blocked_slips.contains(&*l.slip_no) && !blocked_invoices.contains(&*l.invoice_no)
        })
        .map(|l| &*l.invoice_no)
        .collect();
    if blocked_invoices.is_empty() && by_slip.is_empty() {
        return (None, Fen::ZERO);
    }
    let why_of = |l: &InvoiceLine| {
        if blocked_invoices.contains(&*l.invoice_no) {
            format!(
                "blocked with invoice {}: another of its lines failed validation",
                l.invoice_no
            )
        } else {
            format!(
                "blocked with invoice {}: it bills slip {}, a line of which failed validation",
                l.invoice_no, l.slip_no
            )
        }
    };
    let mut kept = FinanceSet {
        slips: set.slips.clone(),
        invoices: Vec::with_capacity(set.invoices.len()),
        discounts: set.discounts.clone(),
        consents: set.consents.clone(),
        blocked: Vec::new(),
    };
    let mut value = Fen::ZERO;
    for l in &set.invoices {
        if !blocked_invoices.contains(&*l.invoice_no) && !by_slip.contains(&*l.invoice_no) {
            kept.invoices.push(l.clone());
            continue;
        }
        value += l.amount;
        findings.push(
            Finding::on_invoice_line(Code::InvalidLine, l)
                .money(Fen::ZERO, l.amount)
                .detail(why_of(l)),
        );
    }
    (Some(kept), value)
}
