//! Reconciliation of genuine-part outbound slips (出库单) against invoices and the negotiated
//! discount terms.
//!
//! What it does, in order:
//! 1. prices every slip line at the agreed price: list price less the most specific discount term
//!    valid on the slip date (part beats category beats all; then customer-specific beats all
//!    customers), rounded half away from zero to the fen; no term is `NO_DISCOUNT_TERMS` (priced
//!    at list price, never a silent 0 %), equally specific overlapping terms are
//!    `OVERLAPPING_TERMS` (priced with the later-starting term, said in the detail);
//! 2. sets aside repeated `(invoice_no, line_no)` rows as `DUPLICATE_INVOICE` copies;
//! 3. nets red invoices against the lines of the invoice they name (`RED_EXCEEDS_ORIGINAL` for
//!    any credit beyond what that invoice still holds);
//! 4. matches invoice lines to slip lines by slip number and normalised part number (the lines of
//!    the invoice's slip, one run of the slip-ordered lines, that carry its part),
//!    one invoice line across several slip lines and several invoices against one slip line,
//!    and splits each difference into a price part (`PRICE_OVER`, `PRICE_UNDER`, `ROUNDING`
//!    within tolerance) and an amount part (`AMOUNT_MISMATCH`);
//! 5. reports what was shipped and not invoiced, invoiced and not shipped, refurbished parts
//!    without consent, and tax that does not match its rate.
//!
//! Every amount is integer fen. The balances hold by construction and are checked:
//! `shipped = matched + shipped_not_invoiced` and
//! `invoiced = matched + invoiced_not_shipped + net_difference`, where `net_difference` is
//! explained line by line by the price and amount findings; `unexplained` is what is left.
//! Results do not depend on the order of input rows: lines are processed in key order.
//!
//! Deliberately absent: file formats (see `io`), and any judgement of which party is right.

mod balance;
mod credit;
mod finding;
mod frame;
mod keys;
mod lines;
mod matching;
mod pricing;
mod statement;
pub mod tolerance;
mod verdict;

use balance::{by_code, sort_findings, totals};
use credit::{net_credit_notes, CreditInput};
pub use finding::{Accounts, Code, CodeTotal, Finding, Severity, Totals};
use keys::{run_keys, sort_and_number, InvoiceNumbers, PartKeys};
use lines::{slip_line_findings, tax_findings, SlipOutcome};
use matching::{match_lines, MatchInput};
pub use pricing::normalize_part;
use pricing::{gap_findings, overlapping_term_findings, Priced, Terms};
use statement::{statements, StatementInput};
pub use statement::{Section, Statement, StatementRow};
pub use tolerance::{Kind, Limits, Tolerances};
use verdict::{verdicts, VerdictInput};
pub use verdict::{InvoiceVerdict, Verdict};

use rayon::iter::{IntoParallelRefIterator, ParallelIterator};
use rayon::slice::ParallelSliceMut;
use rustc_hash::FxHashMap;

use crate::model::{FinanceSet, InvoiceLine, SlipLine, Text};
use crate::money::Fen;

/// What a reconciliation is asked to tolerate, and to produce.
#[derive(Clone, Debug, Default)]
pub struct ReconParams {
    /// Tolerances per kind of difference (price, quantity, amount, tax).
    pub tolerances: Tolerances,
    /// Whether to draw up a statement of account per hospital.
    pub statements: bool,
}

/// The result of a reconciliation.
#[derive(Clone, Debug)]
pub struct Reconciliation {
    pub findings: Vec<Finding>,
    /// Lines blocked: failed validation, or on an invoice with such a line.
    pub blocked_lines: usize,
    /// Amount of the invoice lines blocked with their invoice (those that could be read).
    pub blocked_invoiced_value: Fen,
    pub totals: Totals,
    pub by_code: Vec<CodeTotal>,
    /// One verdict per invoice number, in number order.
    pub invoices: Vec<InvoiceVerdict>,
    /// One statement per hospital, in hospital order (empty unless asked for).
    pub statements: Vec<Statement>,
    pub slip_lines: usize,
    pub invoice_lines: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ReconError {
    #[error("the table engine failed: {0}")]
    Frame(#[from] polars::error::PolarsError),
    #[error("the table engine returned finding code {0}, which does not exist")]
    UnknownCode(u32),
}

/// The key order of invoice lines after the date: number, line, then the rest.
fn line_order_after_date(a: &InvoiceLine, b: &InvoiceLine) -> std::cmp::Ordering {
    text_order(&a.invoice_no, &b.invoice_no)
        .then(a.line_no.cmp(&b.line_no))
        .then_with(|| text_order(&a.slip_no, &b.slip_no))
        .then_with(|| text_order(&a.part_no, &b.part_no))
        .then(a.qty.cmp(&b.qty))
        .then(a.unit_price.cmp(&b.unit_price))
        .then(a.amount.cmp(&b.amount))
        .then_with(|| {
            (a.tax_rate, a.tax_amount, &a.original_invoice_no, &a.serials).cmp(&(
                b.tax_rate,
                b.tax_amount,
                &b.original_invoice_no,
                &b.serials,
            ))
        })
}

/// The key order of slip lines.
fn slip_order(a: &SlipLine, b: &SlipLine) -> std::cmp::Ordering {
    text_order(&a.slip_no, &b.slip_no)
        .then(a.line_no.cmp(&b.line_no))
        .then(a.slip_date.cmp(&b.slip_date))
        .then_with(|| text_order(&a.part_no, &b.part_no))
        .then(a.qty.cmp(&b.qty))
        .then(a.list_price.cmp(&b.list_price))
}

/// Slip lines in key order; slips already in order (as extracts usually are) are only checked.
fn sorted_slips(set: &FinanceSet) -> Vec<&SlipLine> {
    let mut slips: Vec<&SlipLine> = set.slips.iter().collect();
    if !slips.windows(2).all(|w| slip_order(w[0], w[1]).is_le()) {
        slips.par_sort_unstable_by(|a, b| slip_order(a, b));
    }
    slips
}

/// Whether two invoice rows are the same row of the same invoice.
fn same_row(a: &InvoiceLine, b: &InvoiceLine) -> bool {
    a.invoice_date == b.invoice_date
        && a.line_no == b.line_no
        && same_text(&a.invoice_no, &b.invoice_no)
}

/// Whether two texts are equal; the loader shares one text between adjacent equal values, so
/// most equal texts are the same allocation.
fn same_text(a: &Text, b: &Text) -> bool {
    std::sync::Arc::ptr_eq(a, b) || a == b
}

/// Text order, without comparing the bytes of a shared text with themselves.
fn text_order(a: &Text, b: &Text) -> std::cmp::Ordering {
    if std::sync::Arc::ptr_eq(a, b) {
        std::cmp::Ordering::Equal
    } else {
        a.cmp(b)
    }
}

/// The interned keys of slip numbers and normalised part numbers, and every slip line's price.
struct Keyed<'s> {
    /// The key of every slip number (and of the unknown numbers invoices name).
    slip_index: FxHashMap<&'s str, u32>,
    /// Slip-number key of each slip line, and of each invoice line (keys at or above
    /// `known_slips` name slips that do not exist).
    slip_slip: Vec<u32>,
    invoice_slip: Vec<u32>,
    known_slips: u32,
    part_keys: PartKeys,
    slip_part: Vec<u32>,
    invoice_part: Vec<u32>,
    priced: Vec<Priced>,
}

/// The slip-number key of every invoice line: look-ups on both cores, then a new key (in line
/// order) for each number no slip has.
fn invoice_slip_keys<'a>(
    slip_index: &mut FxHashMap<&'a str, u32>,
    invoices: &[&'a InvoiceLine],
) -> Vec<u32> {
    let index = &*slip_index;
    let mut keys: Vec<u32> = invoices
        .par_iter()
        .map(|l| index.get(&*l.slip_no).copied().unwrap_or(u32::MAX))
        .collect();
    for (k, l) in keys.iter_mut().zip(invoices) {
        if *k == u32::MAX {
            let next = slip_index.len() as u32;
            *k = *slip_index.entry(&l.slip_no).or_insert(next);
        }
    }
    keys
}

/// Lines in key order, invoice numbers, slip and part keys and slip prices, on both cores: the
/// slip side (order, slip-number keys, part keys and prices) beside the invoice side (order and
/// invoice numbers); then the invoices' slip keys (look-ups on both cores) beside their part keys.
fn keyed<'s>(
    set: &'s FinanceSet,
    terms: &Terms<'_>,
) -> (
    Vec<&'s SlipLine>,
    Vec<&'s InvoiceLine>,
    InvoiceNumbers<'s>,
    Keyed<'s>,
) {
    let ((slips, mut slip_index, slip_slip, mut part_keys, slip_part, priced), (invoices, numbers)) =
        rayon::join(
            || {
                let slips = sorted_slips(set);
                // Slips are sorted, so each number is one run and gets the next key.
                let mut slip_index: FxHashMap<&str, u32> = FxHashMap::default();
                slip_index.reserve(slips.len() / 2);
                let slip_slip = run_keys(&mut slip_index, slips.iter().map(|s| &*s.slip_no));
                // Part numbers are normalised once per distinct spelling.
                let mut part_keys = PartKeys::default();
                let slip_part: Vec<u32> = slips.iter().map(|s| part_keys.key(&s.part_no)).collect();
                let priced: Vec<Priced> = slips
                    .iter()
                    .zip(&slip_part)
                    .map(|(s, &p)| terms.price(s, &part_keys.names[p as usize]))
                    .collect();
                (slips, slip_index, slip_slip, part_keys, slip_part, priced)
            },
            || sort_and_number(&set.invoices, line_order_after_date),
        );
    let known_slips = slip_index.len() as u32;
    let (invoice_slip, invoice_part) = rayon::join(
        || invoice_slip_keys(&mut slip_index, &invoices),
        || {
            invoices
                .iter()
                .map(|l| part_keys.key(&l.part_no))
                .collect::<Vec<u32>>()
        },
    );
    let keyed = Keyed {
        slip_index,
        slip_slip,
        invoice_slip,
        known_slips,
        part_keys,
        slip_part,
        invoice_part,
        priced,
    };
    (slips, invoices, numbers, keyed)
}

/// `DUPLICATE_INVOICE`: a repeated `(invoice_no, line_no)` row on the same date is a copy that
/// bills again for nothing shipped (set aside, not matched: `kept` false); an invoice number used
/// on several dates is a warning, once per number.
fn check_duplicate_invoice(
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
fn check_invalid_line(set: &FinanceSet, findings: &mut Vec<Finding>) -> (Option<FinanceSet>, Fen) {
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

/// The customer and slip date of findings raised on an invoice line that names a known slip.
fn name_customers(findings: &mut [Finding], slips: &[&SlipLine], k: &Keyed<'_>) {
    for f in findings
        .iter_mut()
        .filter(|f| f.customer.is_empty() && !f.slip_no.is_empty())
    {
        let Some(&key) = k.slip_index.get(&*f.slip_no) else {
            continue;
        };
        if key >= k.known_slips {
            continue;
        }
        // Slip keys run in slip order: the slip's first line is where its key starts.
        let first = k.slip_slip.partition_point(|&x| x < key);
        let line = f
            .slip_line
            .and_then(|n| {
                (first..k.slip_slip.len())
                    .take_while(|&s| k.slip_slip[s] == key)
                    .find(|&s| slips[s].line_no == n)
            })
            .unwrap_or(first);
        f.customer = slips[line].ship_to.clone();
        f.slip_date = Some(slips[line].slip_date);
    }
}

/// The findings raised on a slip line that concern what invoices bill for it (a refurbished
/// part, with or without consent; terms that overlap), each with the key of every invoice that
/// bills the line's slip and part.
fn on_invoices(
    findings: &[Finding],
    slips: &[&SlipLine],
    k: &Keyed<'_>,
    kept: &[bool],
    inv_no: &[u32],
) -> Vec<(usize, u32)> {
    let concerns = |f: &Finding| {
        f.invoice_no.is_empty()
            && f.slip_line.is_some()
            && matches!(
                f.code,
                Code::RefurbNoConsent | Code::RefurbWithConsent | Code::OverlappingTerms
            )
    };
    if !findings.iter().any(concerns) {
        return Vec::new();
    }
    // The invoice lines of each slip key concerned, in line order.
    let mut by_slip: FxHashMap<u32, Vec<usize>> = findings
        .iter()
        .filter(|f| concerns(f))
        .filter_map(|f| k.slip_index.get(&*f.slip_no))
        .map(|&key| (key, Vec::new()))
        .collect();
    for (i, &key) in k.invoice_slip.iter().enumerate() {
        if kept[i] {
            if let Some(lines) = by_slip.get_mut(&key) {
                lines.push(i);
            }
        }
    }
    let mut out = Vec::new();
    for (fi, f) in findings.iter().enumerate().filter(|(_, f)| concerns(f)) {
        let Some(&key) = k.slip_index.get(&*f.slip_no) else {
            continue;
        };
        let first = k.slip_slip.partition_point(|&x| x < key);
        let Some(s) = (first..k.slip_slip.len())
            .take_while(|&s| k.slip_slip[s] == key)
            .find(|&s| Some(slips[s].line_no) == f.slip_line)
        else {
            continue;
        };
        let mut ranks: Vec<u32> = by_slip
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|&&i| k.invoice_part[i] == k.slip_part[s])
            .map(|&i| inv_no[i])
            .collect();
        ranks.dedup();
        out.extend(ranks.into_iter().map(|r| (fi, r)));
    }
    out
}

/// Reconciles a finance data set.
pub fn reconcile(set: &FinanceSet, params: &ReconParams) -> Result<Reconciliation, ReconError> {
    let mut findings: Vec<Finding> = Vec::new();
    let (unblocked, blocked_invoiced_value) = check_invalid_line(set, &mut findings);
    let blocked_lines = findings.len();
    let set = unblocked.as_ref().unwrap_or(set);
    let terms = Terms::new(set);
    let (slips, invoices, numbers, k) = keyed(set, &terms);
    let part_names = &k.part_keys.names;
    let InvoiceNumbers {
        keys: invoice_no_keys,
        inv_no,
        repeats,
        reused,
    } = numbers;
    overlapping_term_findings(set, &terms, &k.priced, &mut findings);
    // 2. Duplicate invoice rows and reused invoice numbers.
    let kept = check_duplicate_invoice(&invoices, &repeats, &inv_no, &reused, &mut findings);
    // Tax on every kept line, beside 3. red invoices netted against the invoices they name.
    let mut tax = Vec::new();
    let lines = rayon::join(
        || tax_findings(&invoices, &kept, params, &mut tax),
        || {
            net_credit_notes(
                &CreditInput {
                    invoices: &invoices,
                    kept: &kept,
                    inv_no: &inv_no,
                    invoice_no_keys: &invoice_no_keys,
                    invoice_slip: &k.invoice_slip,
                    invoice_part: &k.invoice_part,
                },
                &mut findings,
            )
        },
    )
    .1;
    findings.append(&mut tax);
    // 4. Matching, through the join of invoice lines and slip lines.
    let matched = match_lines(
        &MatchInput {
            set,
            params,
            slips: &slips,
            invoices: &invoices,
            kept: &kept,
            lines: &lines,
            slip_slip: &k.slip_slip,
            invoice_slip: &k.invoice_slip,
            known_slips: k.known_slips,
            slip_part: &k.slip_part,
            invoice_part: &k.invoice_part,
            part_names,
            priced: &k.priced,
        },
        &mut findings,
    );
    // 5. Slip lines: not invoiced, no terms, overlapping terms, refurbished parts.
    slip_line_findings(
        set,
        &SlipOutcome {
            slips: &slips,
            priced: &k.priced,
            remaining: &matched.remaining,
            slip_invoiced: &matched.slip_invoiced,
            no_terms_reported: &matched.no_terms_reported,
            slip_part: &k.slip_part,
            part_names,
        },
        &mut findings,
    );
    gap_findings(
        set,
        &slips,
        &k.priced,
        &matched.slip_invoiced,
        &mut findings,
    );
    name_customers(&mut findings, &slips, &k);
    sort_findings(&mut findings);
    // The first line of each known slip, for the customer of an invoice line.
    let mut slip_first: Vec<u32> = Vec::with_capacity(k.known_slips as usize);
    for (s, &key) in k.slip_slip.iter().enumerate() {
        if key as usize == slip_first.len() {
            slip_first.push(s as u32);
        }
    }
    let slip_of = |i: usize| {
        let key = k.invoice_slip[i];
        (key < k.known_slips).then(|| slip_first[key as usize] as usize)
    };
    let customer = |i: usize| slip_of(i).map(|s| slips[s].ship_to.clone());
    let related = on_invoices(&findings, &slips, &k, &kept, &inv_no);
    let ((invoices_out, verdict_of_key), (totals, by_code)) = rayon::join(
        || {
            verdicts(&VerdictInput {
                invoices: &invoices,
                inv_no: &inv_no,
                numbers: invoice_no_keys.len(),
                keys: &invoice_no_keys,
                lines: &lines,
                findings: &findings,
                related: &related,
                customer: &customer,
            })
        },
        || {
            let totals = totals(
                &slips,
                &k.priced,
                &invoices,
                matched.matched_value,
                &findings,
            );
            (totals, by_code(&findings))
        },
    );
    let statements = if params.statements {
        statements(&StatementInput {
            slips: &slips,
            agreed: &|s| k.priced[s].agreed,
            remaining: &matched.remaining,
            invoices: &invoices,
            kept: &kept,
            slip_of: &slip_of,
            verdict_of: &|i| verdict_of_key[inv_no[i] as usize],
        })
    } else {
        Vec::new()
    };
    Ok(Reconciliation {
        findings,
        statements,
        blocked_lines,
        blocked_invoiced_value,
        totals,
        by_code: by_code?,
        invoices: invoices_out,
        slip_lines: set.slips.len(),
        invoice_lines: set.invoices.len(),
    })
}
