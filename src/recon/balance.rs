//! The books after reconciliation: findings in key order, the balances and the totals by code.
//!
//! `shipped = matched + shipped_not_invoiced` and
//! `invoiced = matched + invoiced_not_shipped + net_difference`, where `net_difference` is
//! explained line by line by the findings that account for it; `unexplained` is what is left
//! (zero when the books balance).

use super::pricing::Priced;
use super::{frame, Accounts, Code, CodeTotal, Finding, ReconError, Totals};
use crate::model::{InvoiceLine, SlipLine};
use crate::money::Fen;
use rayon::slice::ParallelSliceMut;

/// Findings in key order: slip, slip line, invoice, invoice line, code, detail.
pub(super) fn sort_findings(findings: &mut [Finding]) {
    findings.par_sort_by(|a, b| {
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
}

/// The balances of `summary.json`.
pub(super) fn totals(
    slips: &[&SlipLine],
    priced: &[Priced],
    invoices: &[&InvoiceLine],
    matched_value: Fen,
    findings: &[Finding],
) -> Totals {
    let shipped_value: Fen = slips
        .iter()
        .zip(priced)
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
    Totals {
        shipped_value,
        invoiced_value,
        matched_value,
        shipped_not_invoiced_value,
        invoiced_not_shipped_value,
        net_difference,
        explained_difference,
        unexplained,
    }
}

/// Count and money of the findings of each code, in code order (polars group-by).
pub(super) fn by_code(findings: &[Finding]) -> Result<Vec<CodeTotal>, ReconError> {
    let codes: Vec<u32> = findings.iter().map(|f| f.code as u32).collect();
    let exp: Vec<i64> = findings.iter().map(|f| f.expected.0).collect();
    let inv: Vec<i64> = findings.iter().map(|f| f.invoiced.0).collect();
    let diff: Vec<i64> = findings.iter().map(|f| f.difference.0).collect();
    frame::totals_by_code(&codes, &exp, &inv, &diff)?
        .into_iter()
        .map(|(c, n, e, i, d)| {
            let code = Code::from_index(c).ok_or(ReconError::UnknownCode(c))?;
            Ok(CodeTotal {
                code,
                count: n,
                expected: Fen(e),
                invoiced: Fen(i),
                difference: Fen(d),
            })
        })
        .collect()
}
