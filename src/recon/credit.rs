//! Red invoices (credit notes) netted against the lines of the invoice they name.

use rustc_hash::FxHashMap;

use super::keys::NumberIndex;
use super::{Code, Finding};
use crate::model::{InvoiceKind, InvoiceLine};
use crate::money::Fen;

/// Working state of a kept invoice line.
#[derive(Clone, Debug)]
pub(super) struct Line {
    pub(super) net_qty: i64,
    pub(super) net_amount: Fen,
    pub(super) credited: bool,
}

/// What netting needs of the keyed invoice lines (in key order).
pub(super) struct CreditInput<'a> {
    pub(super) invoices: &'a [&'a InvoiceLine],
    pub(super) kept: &'a [bool],
    pub(super) inv_no: &'a [u32],
    pub(super) invoice_no_keys: &'a NumberIndex<'a>,
    pub(super) invoice_slip: &'a [u32],
    pub(super) invoice_part: &'a [u32],
}

/// Nets every kept red line against the blue lines of its original invoice with the same slip and
/// part, and returns each line's net quantity and amount (red lines net to zero). Credit beyond
/// what the original still holds is `RED_EXCEEDS_ORIGINAL`; an amount not attached to any
/// credited unit is `AMOUNT_MISMATCH`.
pub(super) fn net_credit_notes(input: &CreditInput<'_>, findings: &mut Vec<Finding>) -> Vec<Line> {
    let CreditInput {
        invoices,
        kept,
        inv_no,
        invoice_no_keys,
        invoice_slip,
        invoice_part,
    } = *input;
    let mut lines: Vec<Line> = invoices
        .iter()
        .map(|l| Line {
            net_qty: l.qty,
            net_amount: l.amount,
            credited: false,
        })
        .collect();
    let mut has_blue = vec![false; invoice_no_keys.len()];
    let mut credited_key = vec![false; invoice_no_keys.len()];
    for (i, l) in invoices.iter().enumerate() {
        match l.kind {
            InvoiceKind::Blue => has_blue[inv_no[i] as usize] = true,
            InvoiceKind::Red => {
                if let Some(k) = l
                    .original_invoice_no
                    .as_deref()
                    .and_then(|o| invoice_no_keys.get(o))
                {
                    credited_key[k as usize] = true;
                }
            }
        }
    }
    let mut blue_by_key: FxHashMap<(u32, u32, u32), Vec<usize>> = FxHashMap::default();
    for (i, l) in invoices.iter().enumerate() {
        if kept[i] && l.kind == InvoiceKind::Blue && credited_key[inv_no[i] as usize] {
            blue_by_key
                .entry((inv_no[i], invoice_slip[i], invoice_part[i]))
                .or_default()
                .push(i);
        }
    }
    for (i, red) in invoices.iter().enumerate() {
        if !kept[i] || red.kind != InvoiceKind::Red {
            continue;
        }
        let original = red.original_invoice_no.as_deref().unwrap_or("");
        let credit = -red.qty;
        let mut left = credit;
        let mut amount_left = red.amount;
        let original_key = invoice_no_keys.get(original);
        let candidates = original_key
            .and_then(|k| blue_by_key.get(&(k, invoice_slip[i], invoice_part[i])))
            .cloned()
            .unwrap_or_default();
        for b in candidates {
            if left == 0 {
                break;
            }
            let c = left.min(lines[b].net_qty.max(0));
            if c == 0 {
                continue;
            }
            let share = if c == left {
                amount_left
            } else {
                Fen((i128::from(red.amount.0) * i128::from(c) / i128::from(credit)) as i64)
            };
            lines[b].net_qty -= c;
            lines[b].net_amount += share;
            lines[b].credited = true;
            left -= c;
            amount_left -= share;
        }
        lines[i].net_qty = 0;
        lines[i].net_amount = Fen::ZERO;
        if left <= 0 && amount_left != Fen::ZERO {
            findings.push(Finding::unshipped(
                Code::AmountMismatch,
                red,
                amount_left,
                format!(
                    "red invoice line credits {credit} unit(s) for an amount of {}, of which {amount_left} is not attached to any credited unit",
                    red.amount
                ),
            ));
        }
        if left > 0 {
            let exists = original_key.is_some_and(|k| has_blue[k as usize]);
            let held = credit - left;
            let why = if !exists {
                format!("the original invoice {original} does not exist")
            } else {
                format!(
                    "invoice {original} holds only {held} unit(s) of this part for slip {} still uncredited",
                    red.slip_no
                )
            };
            findings.push(Finding::unshipped(
                Code::RedExceedsOriginal,
                red,
                amount_left,
                format!("red invoice credits {credit} unit(s) but {why}; {left} unit(s) credited in excess"),
            ));
        }
    }
    lines
}
