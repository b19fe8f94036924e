//! Findings attached to whom they concern: the customer and slip date of a finding raised on an
//! invoice line, and the invoices that bill a slip line a finding was raised on.

use rustc_hash::FxHashMap;

use super::order::Keyed;
use super::{Code, Finding};
use crate::model::SlipLine;

/// The customer and slip date of findings raised on an invoice line that names a known slip.
pub(super) fn name_customers(findings: &mut [Finding], slips: &[&SlipLine], k: &Keyed<'_>) {
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
pub(super) fn on_invoices(
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
