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
//! 4. matches invoice lines to slip lines by slip number and normalised part number (polars join),
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

mod credit;
mod finding;
mod frame;
mod keys;
mod lines;
mod pricing;

use credit::{net_credit_notes, CreditInput, Line};
pub use finding::{Accounts, Code, CodeTotal, Finding, Totals};
use keys::{invoice_numbers, run_keys, slip_index_len, PartKeys};
use lines::{slip_line_findings, tax_findings, SlipOutcome};
pub use pricing::normalize_part;
use pricing::{empty, overlapping_term_findings, term_text, within, Priced, Pricing, Terms};

use std::fmt::Write as _;

use rayon::slice::ParallelSliceMut;
use rustc_hash::FxHashMap;

use crate::model::{FinanceSet, InvoiceKind, InvoiceLine, SlipLine};
use crate::money::Fen;

/// Tolerances of the price and amount checks.
#[derive(Clone, Debug)]
pub struct ReconParams {
    /// A difference above this amount on a line is a finding.
    pub tolerance_abs: Fen,
    /// A difference above this share of the line's expected value is a finding, in
    /// ten-thousandths of a percent (`1000` is 0.1 %).
    pub tolerance_pct: i64,
}

impl Default for ReconParams {
    fn default() -> Self {
        ReconParams {
            tolerance_abs: Fen(50),
            tolerance_pct: 1_000,
        }
    }
}

/// The result of a reconciliation.
#[derive(Clone, Debug)]
pub struct Reconciliation {
    pub findings: Vec<Finding>,
    pub totals: Totals,
    pub by_code: Vec<CodeTotal>,
    pub slip_lines: usize,
    pub invoice_lines: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ReconError {
    #[error("the table engine failed: {0}")]
    Frame(#[from] polars::error::PolarsError),
}

fn line_order(a: &InvoiceLine, b: &InvoiceLine) -> std::cmp::Ordering {
    (
        a.invoice_date,
        &a.invoice_no,
        a.line_no,
        &a.slip_no,
        &a.part_no,
        a.qty,
        a.unit_price,
        a.amount,
    )
        .cmp(&(
            b.invoice_date,
            &b.invoice_no,
            b.line_no,
            &b.slip_no,
            &b.part_no,
            b.qty,
            b.unit_price,
            b.amount,
        ))
        .then_with(|| {
            (a.tax_rate, a.tax_amount, &a.original_invoice_no, &a.serials).cmp(&(
                b.tax_rate,
                b.tax_amount,
                &b.original_invoice_no,
                &b.serials,
            ))
        })
}

/// Reconciles a finance data set.
pub fn reconcile(set: &FinanceSet, params: &ReconParams) -> Result<Reconciliation, ReconError> {
    let mut findings: Vec<Finding> = Vec::new();

    // Key order, so that the input's row order cannot change any result.
    // Rows that compare equal are identical in every field a finding shows, so an unstable
    // (parallel) sort cannot change the result.
    let mut slips: Vec<&SlipLine> = set.slips.iter().collect();
    let mut invoices: Vec<&InvoiceLine> = set.invoices.iter().collect();
    rayon::join(
        || {
            slips.par_sort_unstable_by(|a, b| {
                (
                    &a.slip_no,
                    a.line_no,
                    a.slip_date,
                    &a.part_no,
                    a.qty,
                    a.list_price,
                )
                    .cmp(&(
                        &b.slip_no,
                        b.line_no,
                        b.slip_date,
                        &b.part_no,
                        b.qty,
                        b.list_price,
                    ))
            })
        },
        || invoices.par_sort_unstable_by(|a, b| line_order(a, b)),
    );

    // Keys, then prices, on both cores: slip numbers on one; part numbers, prices and invoice
    // numbers on the other (none depends on another).
    let terms = Terms::new(set);
    let same_row = |a: &InvoiceLine, b: &InvoiceLine| {
        a.invoice_date == b.invoice_date && a.invoice_no == b.invoice_no && a.line_no == b.line_no
    };
    let ((slip_slip, known_slips, invoice_slip), (part_keys, slip_part, invoice_part, priced)) =
        rayon::join(
            || {
                // Slip numbers: slips are sorted, so each number is one run and gets the next key.
                let mut slip_index: FxHashMap<&str, u32> = FxHashMap::default();
                slip_index.reserve(slips.len() / 2);
                let slip_slip = run_keys(&mut slip_index, slips.iter().map(|s| &*s.slip_no));
                let known_slips = slip_index.len() as u32;
                let invoice_slip = run_keys(&mut slip_index, invoices.iter().map(|l| &*l.slip_no));
                (slip_slip, known_slips, invoice_slip)
            },
            || {
                // Part numbers are normalised once per distinct spelling.
                let mut part_keys = PartKeys::default();
                let slip_part: Vec<u32> = slips.iter().map(|s| part_keys.key(&s.part_no)).collect();
                let invoice_part: Vec<u32> =
                    invoices.iter().map(|l| part_keys.key(&l.part_no)).collect();
                let priced: Vec<Priced> = slips
                    .iter()
                    .zip(&slip_part)
                    .map(|(s, &p)| terms.price(s, &part_keys.names[p as usize]))
                    .collect();
                (part_keys, slip_part, invoice_part, priced)
            },
        );
    let part_names = &part_keys.names;
    // 1. The join of invoice lines to slip lines (polars) beside the invoice numbers.
    let (pairs, (invoice_no_keys, inv_no, repeats, dates_of)) = rayon::join(
        || frame::candidates(&invoice_slip, &invoice_part, &slip_slip, &slip_part),
        || invoice_numbers(&invoices, same_row),
    );
    let pairs = pairs?;
    overlapping_term_findings(set, &terms, &mut findings);

    // 2. Duplicate invoice rows and reused invoice numbers.
    let mut kept = vec![true; invoices.len()];
    let mut reported_reuse = vec![false; invoice_no_keys.len()];
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
        if dates_of[inv_no[i] as usize].len() > 1 && !reported_reuse[inv_no[i] as usize] {
            reported_reuse[inv_no[i] as usize] = true;
            let days = &dates_of[inv_no[i] as usize];
            findings.push(Finding {
                code: Code::DuplicateInvoice,
                severity: "warning",
                slip_no: empty(),
                slip_line: None,
                invoice_no: l.invoice_no.clone(),
                invoice_line: None,
                part_no: empty(),
                expected: Fen::ZERO,
                invoiced: Fen::ZERO,
                difference: Fen::ZERO,
                detail: format!(
                    "invoice number {} is used on {} different dates ({}); an invoice number identifies one invoice",
                    l.invoice_no,
                    days.len(),
                    days.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                ),
                accounts: Accounts::Nothing,
            });
        }
    }

    // Tax on every kept line.
    tax_findings(&invoices, &kept, params, &mut findings);

    // 3. Red invoices netted against the invoices they name.
    let lines = net_credit_notes(
        &CreditInput {
            invoices: &invoices,
            kept: &kept,
            inv_no: &inv_no,
            invoice_no_keys: &invoice_no_keys,
            invoice_slip: &invoice_slip,
            invoice_part: &invoice_part,
        },
        &mut findings,
    );

    // 4. Matching, through the join of invoice lines and slip lines.
    let mut cand_start = vec![0usize; invoices.len() + 1];
    for &(inv, _) in &pairs {
        cand_start[inv as usize + 1] += 1;
    }
    for i in 0..invoices.len() {
        cand_start[i + 1] += cand_start[i];
    }
    let mut remaining: Vec<i64> = slips.iter().map(|s| s.qty).collect();
    let mut slip_invoiced = vec![Fen::ZERO; slips.len()];
    let mut no_terms_reported = vec![false; slips.len()];
    let mut matched_value = Fen::ZERO;
    // Slips are in slip-number order, so each slip's lines are contiguous.
    let mut slip_start = vec![0usize; known_slips as usize + 1];
    for &k in &slip_slip {
        slip_start[k as usize + 1] += 1;
    }
    for k in 0..known_slips as usize {
        slip_start[k + 1] += slip_start[k];
    }
    let mut cands_buf: Vec<usize> = Vec::new();
    let mut order_buf: Vec<usize> = Vec::new();
    // An invoice line only ever draws on the lines of its own slip, so matching slip by slip (in
    // key order within a slip) gives the same result as matching in key order overall, and walks
    // the slip tables in order instead of at random.
    let mut by_slip = vec![0usize; slip_index_len(&invoice_slip, known_slips) + 1];
    for &k in &invoice_slip {
        by_slip[k as usize + 1] += 1;
    }
    for k in 1..by_slip.len() {
        by_slip[k] += by_slip[k - 1];
    }
    let mut match_order = vec![0usize; invoices.len()];
    for (i, &k) in invoice_slip.iter().enumerate() {
        match_order[by_slip[k as usize]] = i;
        by_slip[k as usize] += 1;
    }
    for &i in &match_order {
        let l = invoices[i];
        if !kept[i] || l.kind == InvoiceKind::Red {
            continue;
        }
        let Line {
            net_qty,
            net_amount,
            credited,
        } = lines[i].clone();
        if net_qty == 0 && net_amount == Fen::ZERO {
            continue;
        }
        cands_buf.clear();
        cands_buf.extend(
            pairs[cand_start[i]..cand_start[i + 1]]
                .iter()
                .map(|&(_, s)| s as usize),
        );
        let cands = &cands_buf;
        let credit_note = if credited {
            " (net of red invoices)"
        } else {
            ""
        };
        if cands.is_empty() {
            let (code, why) = if invoice_slip[i] < known_slips {
                let k = invoice_slip[i] as usize;
                let carried: Vec<String> = (slip_start[k]..slip_start[k + 1])
                    .map(|s| format!("line {} {}", slips[s].line_no, slips[s].part_no))
                    .collect();
                (
                    Code::PartMismatch,
                    format!(
                        "slip {} does not carry part {:?} (normalised {}); it carries {}",
                        l.slip_no,
                        l.part_no,
                        part_names[invoice_part[i] as usize],
                        carried.join(", ")
                    ),
                )
            } else {
                (
                    Code::InvoicedNotShipped,
                    format!("no outbound slip {} exists", l.slip_no),
                )
            };
            findings.push(Finding {
                code,
                severity: "error",
                slip_no: l.slip_no.clone(),
                slip_line: None,
                invoice_no: l.invoice_no.clone(),
                invoice_line: Some(l.line_no),
                part_no: l.part_no.clone(),
                expected: Fen::ZERO,
                invoiced: net_amount,
                difference: net_amount,
                detail: format!("{why}; {net_qty} unit(s) invoiced for {net_amount}{credit_note}"),
                accounts: Accounts::InvoicedNotShipped,
            });
            continue;
        }
        // Allocation order: a line whose open quantity equals the invoiced quantity, then one
        // whose agreed price equals the invoiced price, then the lowest line number.
        order_buf.clear();
        order_buf.extend_from_slice(cands);
        let order = &mut order_buf;
        order.sort_by_key(|&s| {
            (
                remaining[s] != net_qty,
                priced[s].agreed != l.unit_price,
                slips[s].line_no,
            )
        });
        let mut choice_note = String::new();
        let open: Vec<usize> = if order.len() == 1 {
            Vec::new() // one candidate: nothing to choose, no allocation
        } else {
            order
                .iter()
                .copied()
                .filter(|&s| remaining[s] > 0)
                .collect()
        };
        if open.len() > 1 {
            let _ = write!(
                choice_note,
                "; slip lines {} all carry this part, matched first to line {} (open quantity equal to the invoiced quantity, then agreed price equal to the invoiced price, then lowest line number)",
                open.iter()
                    .map(|&s| slips[s].line_no.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                slips[open[0]].line_no
            );
        }
        let mut left = net_qty;
        let mut residual = net_amount - l.unit_price.times(net_qty);
        let mut first = true;
        for &s in order.iter() {
            if left == 0 {
                break;
            }
            let q = left.min(remaining[s]);
            if q <= 0 {
                continue;
            }
            left -= q;
            remaining[s] -= q;
            let slip = slips[s];
            let agreed = priced[s].agreed;
            let expected = agreed.times(q);
            let amount_part = if first { residual } else { Fen::ZERO };
            let invoiced = l.unit_price.times(q) + amount_part;
            residual -= amount_part;
            first = false;
            matched_value += expected;
            slip_invoiced[s] += invoiced;
            let mut note = String::new();
            if l.part_no.trim() != slip.part_no.trim() {
                let _ = write!(
                    note,
                    "; part number {:?} on the invoice normalised to {} to match {:?} on the slip",
                    l.part_no, part_names[slip_part[s] as usize], slip.part_no
                );
            }
            note.push_str(&choice_note);
            note.push_str(credit_note);
            let base = Finding {
                code: Code::PriceOver,
                severity: "error",
                slip_no: slip.slip_no.clone(),
                slip_line: Some(slip.line_no),
                invoice_no: l.invoice_no.clone(),
                invoice_line: Some(l.line_no),
                part_no: slip.part_no.clone(),
                expected,
                invoiced,
                difference: invoiced - expected,
                detail: String::new(),
                accounts: Accounts::NetDifference,
            };
            if let Pricing::NoTerms = priced[s].pricing {
                no_terms_reported[s] = true;
                findings.push(Finding {
                    code: Code::NoDiscountTerms,
                    detail: format!(
                        "no discount term covers {} for this line, so the agreed price cannot be set: expected at list price {} x {q}, invoiced {} x {q}{}{note}",
                        slip.slip_date,
                        agreed,
                        l.unit_price,
                        if amount_part == Fen::ZERO { String::new() } else { format!(" with amount off by {amount_part}") }
                    ),
                    ..base
                });
                continue;
            }
            let price_diff = (l.unit_price - agreed).times(q);
            if price_diff != Fen::ZERO {
                let (code, severity, what) = if within(price_diff, expected, params) {
                    (Code::Rounding, "info", "within tolerance")
                } else if price_diff.0 > 0 {
                    (Code::PriceOver, "error", "over the agreed price")
                } else {
                    (Code::PriceUnder, "error", "under the agreed price")
                };
                findings.push(Finding {
                    code,
                    severity,
                    expected,
                    invoiced: expected + price_diff,
                    difference: price_diff,
                    detail: format!(
                        "unit price {} is {what}: list {} less {} = {agreed}, x {q} unit(s){note}",
                        l.unit_price,
                        slip.list_price,
                        term_text(set, &priced[s].pricing)
                    ),
                    ..base.clone()
                });
            }
            if amount_part != Fen::ZERO {
                let stated = l.unit_price.times(q);
                let (code, severity) = if within(amount_part, stated, params) {
                    (Code::Rounding, "info")
                } else {
                    (Code::AmountMismatch, "error")
                };
                findings.push(Finding {
                    code,
                    severity,
                    expected: stated,
                    invoiced: stated + amount_part,
                    difference: amount_part,
                    detail: format!(
                        "amount {net_amount} is not quantity {net_qty} x unit price {} = {}{note}",
                        l.unit_price,
                        l.unit_price.times(net_qty)
                    ),
                    ..base
                });
            }
        }
        if left == 0 && residual != Fen::ZERO {
            // Nothing left to match (fully credited) but the amounts do not cancel.
            let s = order[0];
            slip_invoiced[s] += residual;
            findings.push(Finding {
                code: Code::AmountMismatch,
                severity: "error",
                slip_no: slips[s].slip_no.clone(),
                slip_line: Some(slips[s].line_no),
                invoice_no: l.invoice_no.clone(),
                invoice_line: Some(l.line_no),
                part_no: slips[s].part_no.clone(),
                expected: Fen::ZERO,
                invoiced: residual,
                difference: residual,
                detail: format!(
                    "the red invoices credit all {} unit(s) but leave {residual} of the amount standing",
                    l.qty
                ),
                accounts: Accounts::NetDifference,
            });
        }
        if left > 0 {
            let excess = l.unit_price.times(left) + residual;
            let shipped: i64 = cands.iter().map(|&s| slips[s].qty).sum();
            findings.push(Finding {
                code: Code::QtyOver,
                severity: "error",
                slip_no: l.slip_no.clone(),
                slip_line: cands.first().map(|&s| slips[s].line_no),
                invoice_no: l.invoice_no.clone(),
                invoice_line: Some(l.line_no),
                part_no: l.part_no.clone(),
                expected: Fen::ZERO,
                invoiced: excess,
                difference: excess,
                detail: format!(
                    "{left} unit(s) invoiced beyond what slip {} shipped of this part ({shipped} shipped, all already invoiced){credit_note}",
                    l.slip_no
                ),
                accounts: Accounts::InvoicedNotShipped,
            });
        }
    }

    // 5. Slip lines: not invoiced, no terms, overlapping terms, refurbished parts.
    slip_line_findings(
        set,
        &SlipOutcome {
            slips: &slips,
            priced: &priced,
            remaining: &remaining,
            slip_invoiced: &slip_invoiced,
            no_terms_reported: &no_terms_reported,
            slip_part: &slip_part,
            part_names,
        },
        &mut findings,
    );

    findings.sort_by(|a, b| {
        (
            &a.slip_no,
            a.slip_line,
            &a.invoice_no,
            a.invoice_line,
            a.code,
            &a.detail,
        )
            .cmp(&(
                &b.slip_no,
                b.slip_line,
                &b.invoice_no,
                b.invoice_line,
                b.code,
                &b.detail,
            ))
    });

    // Totals.
    let shipped_value: Fen = slips
        .iter()
        .zip(&priced)
        .map(|(s, p)| p.agreed.times(s.qty))
        .sum();
    let invoiced_value: Fen = invoices.iter().map(|l| l.amount).sum();
    let sum_of = |a: Accounts| -> Fen {
        findings
            .iter()
            .filter(|f| f.accounts == a)
            .map(|f| f.difference)
            .sum()
    };
    let invoiced_not_shipped_value = sum_of(Accounts::InvoicedNotShipped);
    let shipped_not_invoiced_value = -sum_of(Accounts::ShippedNotInvoiced);
    let explained_difference = sum_of(Accounts::NetDifference);
    let net_difference = invoiced_value - matched_value - invoiced_not_shipped_value;
    let unexplained = (net_difference - explained_difference)
        + (shipped_value - matched_value - shipped_not_invoiced_value);
    let totals = Totals {
        shipped_value,
        invoiced_value,
        matched_value,
        shipped_not_invoiced_value,
        invoiced_not_shipped_value,
        net_difference,
        explained_difference,
        unexplained,
    };

    let codes: Vec<u32> = findings.iter().map(|f| f.code as u32).collect();
    let exp: Vec<i64> = findings.iter().map(|f| f.expected.0).collect();
    let inv: Vec<i64> = findings.iter().map(|f| f.invoiced.0).collect();
    let diff: Vec<i64> = findings.iter().map(|f| f.difference.0).collect();
    let by_code = frame::totals_by_code(&codes, &exp, &inv, &diff)?
        .into_iter()
        .map(|(c, n, e, i, d)| CodeTotal {
            code: Code::ALL[c as usize],
            count: n,
            expected: Fen(e),
            invoiced: Fen(i),
            difference: Fen(d),
        })
        .collect();
    Ok(Reconciliation {
        findings,
        totals,
        by_code,
        slip_lines: set.slips.len(),
        invoice_lines: set.invoices.len(),
    })
}
