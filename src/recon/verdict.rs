//! A verdict per invoice, as invoice verification in an ERP system gives it: cleared, cleared
//! with a note, or blocked with the reason.
//!
//! An invoice is `blocked` when a finding on it is an error, or when a line of it has no agreed
//! price (the terms leave a gap), or when it was blocked at validation (`INVALID_LINE`); it is
//! `cleared with note` when its findings are warnings or informational only, or when red invoices
//! credited it; otherwise `cleared`. `expected` is what it should bill at agreed prices for what
//! was shipped: `invoiced - credited - ` the differences its findings account for; an invoice
//! blocked at validation is not reconciled and has no expected value.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rayon::iter::{IndexedParallelIterator, IntoParallelRefIterator, ParallelIterator};
use rustc_hash::FxHashMap;

use super::credit::Line;
use super::keys::NumberIndex;
use super::{Accounts, Code, Finding, Severity};
use crate::model::{InvoiceKind, InvoiceLine, Text};
use crate::money::Fen;

/// What became of an invoice.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Cleared,
    ClearedWithNote,
    Blocked,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Cleared, Verdict::ClearedWithNote, Verdict::Blocked];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Cleared => "cleared",
            Verdict::ClearedWithNote => "cleared with note",
            Verdict::Blocked => "blocked",
        }
    }
}

/// One invoice and its verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceVerdict {
    pub invoice_no: Text,
    /// The earliest date the number is used on (`None` when no line of it could be read).
    pub invoice_date: Option<NaiveDate>,
    pub kind: InvoiceKind,
    /// The hospital its first line's slip ships to (empty when the slip is unknown).
    pub customer: Text,
    pub lines: u32,
    /// The sum of its line amounts as billed (negative for a red invoice).
    pub invoiced: Fen,
    /// What red invoices credited against it (negative, as on the red invoices).
    pub credited: Fen,
    /// What it should bill at agreed prices for what was shipped (`None`: not reconciled).
    pub expected: Option<Fen>,
    pub verdict: Verdict,
    /// The codes of its findings, one bit per code in declaration order.
    codes: u32,
    /// Why it is blocked, or its note.
    pub reason: String,
}

impl InvoiceVerdict {
    /// The codes of its findings, in summary order.
    pub fn codes(&self) -> impl Iterator<Item = Code> + '_ {
        Code::ALL
            .iter()
            .copied()
            .filter(|&c| self.codes & (1 << c as u32) != 0)
    }
}

/// Whether a finding stops its invoice from being cleared.
fn blocks(f: &Finding) -> bool {
    f.severity == Severity::Error || f.code == Code::NoDiscountTerms
}

/// No line or finding yet.
const NONE: u32 = u32::MAX;

/// The running state of one invoice (small: there is one per invoice number).
struct Acc {
    first: u32,
    lines: u32,
    invoiced: Fen,
    credited: Fen,
    accounted: Fen,
    codes: u32,
    /// The first finding that blocks it, and how many more do.
    blocking: u32,
    more: u32,
    /// The first finding that notes something.
    noted: u32,
    red: bool,
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            first: NONE,
            lines: 0,
            invoiced: Fen::ZERO,
            credited: Fen::ZERO,
            accounted: Fen::ZERO,
            codes: 0,
            blocking: NONE,
            more: 0,
            noted: NONE,
            red: false,
        }
    }
}

impl Acc {
    fn see(&mut self, i: usize, f: &Finding) {
        self.codes |= 1 << f.code as u32;
        if f.accounts != Accounts::Nothing {
            self.accounted += f.difference;
        }
        if blocks(f) {
            if self.blocking == NONE {
                self.blocking = i as u32;
            } else {
                self.more += 1;
            }
        } else if self.noted == NONE {
            self.noted = i as u32;
        }
    }

    fn reason(&self, findings: &[Finding], credited_by: Option<&Vec<Text>>) -> (Verdict, String) {
        if self.blocking != NONE {
            let (i, more) = (self.blocking as usize, self.more);
            let also = match more {
                0 => String::new(),
                n => format!(" (and {n} more)"),
            };
            return (
                Verdict::Blocked,
                format!(
                    "{}: {}{also}",
                    findings[i].code.as_str(),
                    findings[i].detail
                ),
            );
        }
        if self.noted != NONE {
            let f = &findings[self.noted as usize];
            return (
                Verdict::ClearedWithNote,
                format!("{}: {}", f.code.as_str(), f.detail),
            );
        }
        if self.credited != Fen::ZERO {
            let by: Vec<&str> = credited_by.into_iter().flatten().map(|t| &**t).collect();
            return (
                Verdict::ClearedWithNote,
                format!(
                    "credited {} yuan by {}",
                    (-self.credited).grouped(),
                    by.join(", ")
                ),
            );
        }
        (Verdict::Cleared, String::new())
    }
}

/// What the verdicts read: the kept invoice lines in key order and their numbers' keys, the
/// lines net of red invoices, and the findings (in their final order).
pub(super) struct VerdictInput<'a> {
    pub(super) invoices: &'a [&'a InvoiceLine],
    pub(super) inv_no: &'a [u32],
    pub(super) numbers: usize,
    pub(super) keys: &'a NumberIndex<'a>,
    pub(super) lines: &'a [Line],
    pub(super) findings: &'a [Finding],
    /// Findings raised on a slip line (a refurbished part, terms that overlap) and the key of
    /// each invoice that bills that line.
    pub(super) related: &'a [(usize, u32)],
    /// The customer of each kept invoice line (by its slip).
    pub(super) customer: &'a (dyn Fn(usize) -> Option<Text> + Sync),
}

/// One verdict per invoice number, in number order, and the verdict of each kept number's key.
pub(super) fn verdicts(v: &VerdictInput<'_>) -> (Vec<InvoiceVerdict>, Vec<Verdict>) {
    let mut acc: Vec<Acc> = (0..v.numbers).map(|_| Acc::default()).collect();
    // The red invoices that credit each invoice (few).
    let mut credited_by: FxHashMap<u32, Vec<Text>> = FxHashMap::default();
    for (i, l) in v.invoices.iter().enumerate() {
        let a = &mut acc[v.inv_no[i] as usize];
        if a.first == NONE {
            a.first = i as u32;
        }
        a.lines += 1;
        a.invoiced += l.amount;
        match l.kind {
            InvoiceKind::Red => {
                a.red = true;
                if let Some(o) = l.original_invoice_no.as_deref().and_then(|o| v.keys.get(o)) {
                    let by = credited_by.entry(o).or_default();
                    if !by.contains(&l.invoice_no) {
                        by.push(l.invoice_no.clone());
                    }
                }
            }
            InvoiceKind::Blue if v.lines[i].credited => {
                a.credited += v.lines[i].net_amount - (l.amount);
            }
            InvoiceKind::Blue => {}
        }
    }
    // Invoices blocked at validation are not among the kept lines: only their findings say so.
    let mut held: BTreeMap<&str, (Acc, Option<NaiveDate>, Text)> = BTreeMap::new();
    for (i, f) in v.findings.iter().enumerate() {
        if f.invoice_no.is_empty() {
            continue;
        }
        match v.keys.get(&f.invoice_no) {
            Some(r) => acc[r as usize].see(i, f),
            None => {
                let (a, date, customer) = held.entry(&f.invoice_no).or_default();
                a.see(i, f);
                // The line that failed validation, or a readable line blocked with it.
                if f.invoice_line.is_some() || f.code == Code::InvalidLine {
                    a.lines += 1;
                    a.invoiced += f.invoiced;
                }
                *date = match (*date, f.invoice_date) {
                    (Some(d), Some(e)) => Some(d.min(e)),
                    (d, e) => d.or(e),
                };
                if customer.is_empty() {
                    *customer = f.customer.clone();
                }
            }
        }
    }
    for &(i, r) in v.related {
        acc[r as usize].see(i, &v.findings[i]);
    }
    // Every key has a line (keys are given to the numbers of the lines), so each gives one verdict.
    let made: Vec<InvoiceVerdict> = acc
        .par_iter()
        .enumerate()
        .map(|(key, a)| {
            let (verdict, reason) = a.reason(v.findings, credited_by.get(&(key as u32)));
            let i = a.first as usize;
            let l = v.invoices[i];
            InvoiceVerdict {
                invoice_no: l.invoice_no.clone(),
                invoice_date: Some(l.invoice_date),
                kind: if a.red {
                    InvoiceKind::Red
                } else {
                    InvoiceKind::Blue
                },
                customer: (v.customer)(i).unwrap_or_else(super::finding::empty),
                lines: a.lines,
                invoiced: a.invoiced,
                credited: a.credited,
                expected: Some(a.invoiced + a.credited - a.accounted),
                verdict,
                codes: a.codes,
                reason,
            }
        })
        .collect();
    let by_key: Vec<Verdict> = made.iter().map(|m| m.verdict).collect();
    let mut out = made;
    out.reserve(held.len());
    let sort = !held.is_empty();
    for (number, (a, date, customer)) in held {
        let (verdict, reason) = a.reason(v.findings, None);
        out.push(InvoiceVerdict {
            invoice_no: Text::from(number),
            invoice_date: date,
            kind: InvoiceKind::Blue,
            customer,
            lines: a.lines,
            invoiced: a.invoiced,
            credited: Fen::ZERO,
            expected: None,
            verdict,
            codes: a.codes,
            reason,
        });
    }
    if sort {
        // Keys rank the kept numbers in text order already; only the blocked ones are merged.
        out.sort_by(|a, b| a.invoice_no.cmp(&b.invoice_no));
    }
    (out, by_key)
}
