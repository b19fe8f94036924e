//! Findings of single lines: what each slip line ended with after matching (not invoiced, no
//! terms, overlapping terms, refurbished parts) and the tax of each invoice line.

use super::pricing::normalize_part;
use super::pricing::{pct, term_label, Priced, Pricing};
use super::{Accounts, Code, Finding, ReconParams, Severity};
use crate::model::{Condition, FinanceSet, InvoiceLine, SlipLine};
use crate::money::Fen;
use rustc_hash::FxHashMap;

/// What matching left on each slip line, in slip order.
pub(super) struct SlipOutcome<'a> {
    pub(super) slips: &'a [&'a SlipLine],
    pub(super) priced: &'a [Priced],
    pub(super) remaining: &'a [i64],
    pub(super) slip_invoiced: &'a [Fen],
    pub(super) no_terms_reported: &'a [bool],
    pub(super) slip_part: &'a [u32],
    pub(super) part_names: &'a [String],
}

/// Findings of the slip lines themselves: not invoiced, no terms, overlapping terms, refurbished
/// parts with or without consent.
pub(super) fn slip_line_findings(
    set: &FinanceSet,
    outcome: &SlipOutcome<'_>,
    findings: &mut Vec<Finding>,
) {
    let SlipOutcome {
        slips,
        priced,
        remaining,
        slip_invoiced,
        no_terms_reported,
        slip_part,
        part_names,
    } = *outcome;
    let mut consents_of: FxHashMap<&str, Vec<&crate::model::Consent>> = FxHashMap::default();
    for c in &set.consents {
        consents_of.entry(c.hospital_id.trim()).or_default().push(c);
    }
    for (s, slip) in slips.iter().enumerate() {
        let agreed = priced[s].agreed;
        if remaining[s] > 0 {
            findings.push(check_shipped_not_invoiced(slip, agreed, remaining[s]));
        }
        // The slip line's own findings carry its agreed value and what was invoiced against it.
        let valued = |code: Code| {
            Finding::on_slip_line(code, slip).money(agreed.times(slip.qty), slip_invoiced[s])
        };
        match &priced[s].pricing {
            Pricing::NoTerms if !no_terms_reported[s] => findings.push(
                valued(Code::NoDiscountTerms).detail(format!(
                    "no discount term covers {} for this line; valued at list price until terms are agreed (see the gap in the terms)",
                    slip.slip_date
                )),
            ),
            Pricing::Overlap { chosen, others } => findings.push(
                valued(Code::OverlappingTerms)
                    .severity(Severity::Warning)
                    .detail(format!(
                        "equally specific terms overlap on {}: priced with {} (the later-starting term); also valid: {}",
                        slip.slip_date,
                        term_label(set, *chosen),
                        others.iter().map(|&o| term_label(set, o)).collect::<Vec<_>>().join(", ")
                    )),
            ),
            _ => {}
        }
        if slip.condition == Condition::Refurbished {
            let part = &part_names[slip_part[s] as usize];
            let mine = consents_of
                .get(&*slip.ship_to)
                .map_or(&[][..], Vec::as_slice);
            let consent = mine
                .iter()
                .filter(|c| {
                    c.slip_no
                        .as_deref()
                        .is_none_or(|n| n.trim() == &*slip.slip_no)
                })
                .filter(|c| {
                    c.part_no
                        .as_deref()
                        .is_none_or(|p| normalize_part(p) == *part)
                })
                .filter(|c| c.granted_on <= slip.slip_date)
                .min_by_key(|c| (c.granted_on, c.source_line));
            match consent {
                Some(c) => findings.push(valued(Code::RefurbWithConsent).detail(format!(
                        "refurbished part covered by the consent of {} granted on {}{}",
                        c.hospital_id,
                        c.granted_on,
                        c.reference
                            .as_ref()
                            .map(|r| format!(" (reference {r})"))
                            .unwrap_or_default()
                ))),
                None => {
                    let late = mine
                        .iter()
                        .filter(|c| c.granted_on > slip.slip_date)
                        .filter(|c| {
                            c.slip_no
                                .as_deref()
                                .is_none_or(|n| n.trim() == &*slip.slip_no)
                        })
                        .filter(|c| {
                            c.part_no
                                .as_deref()
                                .is_none_or(|p| normalize_part(p) == *part)
                        })
                        .map(|c| c.granted_on)
                        .min();
                    let why = match late {
                        Some(d) => format!(
                            "the only matching consent was granted on {d}, after the slip date {}",
                            slip.slip_date
                        ),
                        None => format!(
                            "{} has no consent covering this slip and part",
                            slip.ship_to
                        ),
                    };
                    findings.push(valued(Code::RefurbNoConsent).detail(format!(
                        "refurbished part shipped as genuine new parts are contracted: {why}"
                    )));
                }
            }
        }
    }
}

/// `SHIPPED_NOT_INVOICED`: the open units of a slip line at its agreed price.
fn check_shipped_not_invoiced(slip: &SlipLine, agreed: Fen, open: i64) -> Finding {
    let value = agreed.times(open);
    Finding::on_slip_line(Code::ShippedNotInvoiced, slip)
        .money(value, Fen::ZERO)
        .accounts(Accounts::ShippedNotInvoiced)
        .detail(format!(
            "{} of {} unit(s) shipped on {} to {} are not invoiced",
            open, slip.qty, slip.slip_date, slip.ship_to
        ))
}

/// `TAX_MISMATCH` for every kept line whose tax amount is not its amount at its stated rate.
pub(super) fn tax_findings(
    invoices: &[&InvoiceLine],
    kept: &[bool],
    params: &ReconParams,
    findings: &mut Vec<Finding>,
) {
    for (i, l) in invoices.iter().enumerate() {
        if !kept[i] {
            continue;
        }
        if let (Some(rate), Some(tax)) = (l.tax_rate, l.tax_amount) {
            let expected = l.amount.scaled_by(rate);
            let diff = tax - expected;
            if diff != Fen::ZERO && !params.tolerances.tax.within(diff, expected) {
                findings.push(
                    Finding::on_invoice_line(Code::TaxMismatch, l)
                        .money(expected, tax)
                        .detail(format!(
                            "tax {tax} on amount {} should be {expected} at the stated rate {}",
                            l.amount,
                            pct(rate)
                        )),
                );
            }
        }
    }
}
