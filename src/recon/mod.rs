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

mod attach;
mod balance;
mod checks;
mod credit;
mod finding;
mod frame;
mod keys;
mod lines;
mod matching;
mod order;
mod pricing;
mod statement;
pub mod tolerance;
mod verdict;

use attach::{name_customers, on_invoices};
use balance::{by_code, sort_findings, totals};
use checks::{check_duplicate_invoice, check_invalid_line};
use credit::{net_credit_notes, CreditInput};
pub use finding::{Accounts, Code, CodeTotal, Finding, Severity, Totals};
use keys::{InvoiceNumbers, NumberIndex};
use lines::{slip_line_findings, tax_findings, SlipOutcome};
use matching::{match_lines, MatchInput};
use order::{keyed, Keyed};
pub use pricing::normalize_part;
use pricing::{gap_findings, overlapping_term_findings, Terms};
use statement::{statements, StatementInput};
pub use statement::{Section, Statement, StatementRow};
pub use tolerance::{Kind, Limits, Tolerances};
use verdict::{verdicts, VerdictInput};
pub use verdict::{InvoiceVerdict, Verdict};

use crate::model::{FinanceSet, InvoiceLine, SlipLine};
use crate::money::Fen;

/// What a reconciliation is asked to tolerate, and to produce.
#[derive(Clone, Debug, Default)]
pub struct ReconParams {
    /// Tolerances per kind of difference (price, quantity, amount, tax).
    pub tolerances: Tolerances,
    /// Whether to draw up a statement of account per hospital.
    pub statements: bool,
    /// Findings and totals only: no verdict per invoice (and no statements).
    pub findings_only: bool,
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
    let work = Work {
        slips: &slips,
        invoices: &invoices,
        k: &k,
        inv_no: &inv_no,
        invoice_no_keys: &invoice_no_keys,
        kept: &kept,
        lines: &lines,
        matched: &matched,
    };
    let (invoices_out, statements, totals, by_code) = verdicts_and_books(&work, &findings, params);
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

/// What the reconciliation has worked out by the time its findings are complete.
struct Work<'w, 's> {
    slips: &'w [&'s SlipLine],
    invoices: &'w [&'s InvoiceLine],
    k: &'w Keyed<'s>,
    inv_no: &'w [u32],
    invoice_no_keys: &'w NumberIndex<'s>,
    kept: &'w [bool],
    lines: &'w [credit::Line],
    matched: &'w matching::Matched,
}

/// The verdicts (unless findings only) beside the totals and the totals by code, then the
/// statements when asked for.
#[allow(clippy::type_complexity)]
fn verdicts_and_books(
    w: &Work<'_, '_>,
    findings: &[Finding],
    params: &ReconParams,
) -> (
    Vec<InvoiceVerdict>,
    Vec<Statement>,
    Totals,
    Result<Vec<CodeTotal>, ReconError>,
) {
    let k = w.k;
    let slip_first = k.slip_first();
    let slip_of = |i: usize| {
        let key = k.invoice_slip[i];
        (key < k.known_slips).then(|| slip_first[key as usize] as usize)
    };
    let customer = |i: usize| slip_of(i).map(|s| w.slips[s].ship_to.clone());
    let ((invoices_out, verdict_of_key), (totals, by_code)) = rayon::join(
        || {
            if params.findings_only {
                return (Vec::new(), Vec::new());
            }
            let related = on_invoices(findings, w.slips, k, w.kept, w.inv_no);
            verdicts(&VerdictInput {
                invoices: w.invoices,
                inv_no: w.inv_no,
                numbers: w.invoice_no_keys.len(),
                keys: w.invoice_no_keys,
                lines: w.lines,
                findings,
                related: &related,
                customer: &customer,
            })
        },
        || {
            let totals = totals(
                w.slips,
                &k.priced,
                w.invoices,
                w.matched.matched_value,
                findings,
            );
            (totals, by_code(findings))
        },
    );
    let statements = if params.statements && !params.findings_only {
        statements(&StatementInput {
            slips: w.slips,
            agreed: &|s| k.priced[s].agreed,
            remaining: &w.matched.remaining,
            invoices: w.invoices,
            kept: w.kept,
            slip_of: &slip_of,
            verdict_of: &|i| verdict_of_key[w.inv_no[i] as usize],
        })
    } else {
        Vec::new()
    };
    (invoices_out, statements, totals, by_code)
}
