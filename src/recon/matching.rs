//! Matching invoice lines to slip lines, one check per finding code: an invoice line without a
//! slip (`INVOICED_NOT_SHIPPED`) or for a part its slip does not carry (`PART_MISMATCH`), a line
//! priced without terms (`NO_DISCOUNT_TERMS`), a unit price off the agreed price (`PRICE_OVER`,
//! `PRICE_UNDER`, `ROUNDING` within tolerance), an amount that is not quantity times price
//! (`AMOUNT_MISMATCH`) and units beyond what was shipped (`QTY_OVER`).
//!
//! Allocation: an invoice line draws on the candidate slip lines of its slip and part in this
//! order: a line whose open quantity equals the invoiced quantity, then one whose agreed price
//! equals the invoiced price, then the lowest line number; the choice is said in the detail.

use std::fmt::Write as _;

use super::credit::Line;
use super::keys::slip_index_len;
use super::pricing::{term_text, Priced, Pricing};
use super::{Accounts, Code, Finding, ReconParams};
use crate::model::{FinanceSet, InvoiceKind, InvoiceLine, SlipLine};
use crate::money::Fen;

/// What matching reads: the keyed lines (in key order), the netted invoice lines and the join.
pub(super) struct MatchInput<'a> {
    pub(super) set: &'a FinanceSet,
    pub(super) params: &'a ReconParams,
    pub(super) slips: &'a [&'a SlipLine],
    pub(super) invoices: &'a [&'a InvoiceLine],
    pub(super) kept: &'a [bool],
    pub(super) lines: &'a [Line],
    pub(super) slip_slip: &'a [u32],
    pub(super) invoice_slip: &'a [u32],
    pub(super) known_slips: u32,
    pub(super) slip_part: &'a [u32],
    pub(super) invoice_part: &'a [u32],
    pub(super) part_names: &'a [String],
    pub(super) priced: &'a [Priced],
}

/// What matching leaves on the slip lines.
pub(super) struct Matched {
    /// Open quantity of each slip line.
    pub(super) remaining: Vec<i64>,
    /// Amount invoiced against each slip line.
    pub(super) slip_invoiced: Vec<Fen>,
    /// Whether a slip line's missing terms were reported on a match.
    pub(super) no_terms_reported: Vec<bool>,
    /// Agreed value of everything matched.
    pub(super) matched_value: Fen,
}

/// Start offsets of runs keyed `0..n` (a counting sort's prefix sums).
fn starts(keys: impl Iterator<Item = usize>, n: usize) -> Vec<usize> {
    let mut start = vec![0usize; n + 1];
    for k in keys {
        start[k + 1] += 1;
    }
    for k in 0..n {
        start[k + 1] += start[k];
    }
    start
}

/// Matches every kept blue invoice line, slip by slip, the slips in two halves on both cores.
pub(super) fn match_lines(m: &MatchInput<'_>, findings: &mut Vec<Finding>) -> Matched {
    let n = m.invoices.len();
    // Slips are in slip-number order, so each slip's lines are contiguous.
    let slip_start = starts(
        m.slip_slip.iter().map(|&k| k as usize),
        m.known_slips as usize,
    );
    // An invoice line only ever draws on the lines of its own slip, so matching slip by slip (in
    // key order within a slip) gives the same result as matching in key order overall, walks
    // the slip tables in order instead of at random, and lets two sets of slips be matched at
    // once.
    let mut by_slip = starts(
        m.invoice_slip.iter().map(|&k| k as usize),
        slip_index_len(m.invoice_slip, m.known_slips),
    );
    let mut match_order = vec![0usize; n];
    for (i, &k) in m.invoice_slip.iter().enumerate() {
        match_order[by_slip[k as usize]] = i;
        by_slip[k as usize] += 1;
    }
    // Split between two slips, near the middle of the invoice lines.
    let mut split = n / 2;
    while split > 0
        && split < n
        && m.invoice_slip[match_order[split]] == m.invoice_slip[match_order[split - 1]]
    {
        split += 1;
    }
    let (first, second) = match_order.split_at(split.min(n));
    let fresh = || Matched {
        remaining: m.slips.iter().map(|s| s.qty).collect(),
        slip_invoiced: vec![Fen::ZERO; m.slips.len()],
        no_terms_reported: vec![false; m.slips.len()],
        matched_value: Fen::ZERO,
    };
    let ((mut a, fa), (b, fb)) = rayon::join(
        || match_in_order(m, first, &slip_start, fresh()),
        || match_in_order(m, second, &slip_start, fresh()),
    );
    // The second half's slips start at the slip of its first line (every slip line before it
    // belongs to the first half).
    let from = second.first().map_or(m.slips.len(), |&i| {
        let k = m.invoice_slip[i] as usize;
        if k < m.known_slips as usize {
            slip_start[k]
        } else {
            m.slips.len()
        }
    });
    a.remaining[from..].copy_from_slice(&b.remaining[from..]);
    a.slip_invoiced[from..].copy_from_slice(&b.slip_invoiced[from..]);
    a.no_terms_reported[from..].copy_from_slice(&b.no_terms_reported[from..]);
    a.matched_value += b.matched_value;
    findings.extend(fa);
    findings.extend(fb);
    a
}

/// Matches the invoice lines of `order` (whole slips) into `state`.
fn match_in_order(
    m: &MatchInput<'_>,
    order: &[usize],
    slip_start: &[usize],
    mut state: Matched,
) -> (Matched, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut cands: Vec<usize> = Vec::new();
    for &i in order {
        let l = m.invoices[i];
        if !m.kept[i] || l.kind == InvoiceKind::Red {
            continue;
        }
        let net = &m.lines[i];
        if net.net_qty == 0 && net.net_amount == Fen::ZERO {
            continue;
        }
        // The candidates: the lines of its slip (one run, slips being in key order) that carry
        // its normalised part number, in line order.
        cands.clear();
        let k = m.invoice_slip[i] as usize;
        if k < m.known_slips as usize {
            let part = m.invoice_part[i];
            cands.extend((slip_start[k]..slip_start[k + 1]).filter(|&s| m.slip_part[s] == part));
        }
        if cands.is_empty() {
            findings.push(check_invoiced_not_shipped_or_part_mismatch(
                m, i, net, slip_start,
            ));
            continue;
        }
        match_one(m, i, &cands, &mut state, &mut findings);
    }
    (state, findings)
}

/// The note on a line netted against red invoices.
fn credit_note(net: &Line) -> &'static str {
    if net.credited {
        " (net of red invoices)"
    } else {
        ""
    }
}

/// `PART_MISMATCH` (the slip exists but does not carry the part) or `INVOICED_NOT_SHIPPED` (no
/// such slip) for an invoice line without candidates.
fn check_invoiced_not_shipped_or_part_mismatch(
    m: &MatchInput<'_>,
    i: usize,
    net: &Line,
    slip_start: &[usize],
) -> Finding {
    let l = m.invoices[i];
    let (code, why) = if m.invoice_slip[i] < m.known_slips {
        let k = m.invoice_slip[i] as usize;
        let carried: Vec<String> = (slip_start[k]..slip_start[k + 1])
            .map(|s| format!("line {} {}", m.slips[s].line_no, m.slips[s].part_no))
            .collect();
        (
            Code::PartMismatch,
            format!(
                "slip {} does not carry part {:?} (normalised {}); it carries {}",
                l.slip_no,
                l.part_no,
                m.part_names[m.invoice_part[i] as usize],
                carried.join(", ")
            ),
        )
    } else {
        (
            Code::InvoicedNotShipped,
            format!("no outbound slip {} exists", l.slip_no),
        )
    };
    let (qty, amount) = (net.net_qty, net.net_amount);
    Finding::unshipped(
        code,
        l,
        amount,
        format!(
            "{why}; {qty} unit(s) invoiced for {amount}{}",
            credit_note(net)
        ),
    )
}

/// Allocates one invoice line over its candidate slip lines and checks each allocation.
fn match_one(
    m: &MatchInput<'_>,
    i: usize,
    cands: &[usize],
    state: &mut Matched,
    findings: &mut Vec<Finding>,
) {
    let l = m.invoices[i];
    let net = &m.lines[i];
    let net_qty = net.net_qty;
    let mut order: Vec<usize> = cands.to_vec();
    order.sort_by_key(|&s| {
        (
            state.remaining[s] != net_qty,
            m.priced[s].agreed != l.unit_price,
            m.slips[s].line_no,
        )
    });
    let choice_note = choice_note(m, &order, &state.remaining);
    let mut left = net_qty;
    let mut residual = net.net_amount - l.unit_price.times(net_qty);
    let mut first = true;
    for &s in &order {
        if left == 0 {
            break;
        }
        let q = left.min(state.remaining[s]);
        if q <= 0 {
            continue;
        }
        left -= q;
        state.remaining[s] -= q;
        let slip = m.slips[s];
        let expected = m.priced[s].agreed.times(q);
        let amount_part = if first { residual } else { Fen::ZERO };
        let invoiced = l.unit_price.times(q) + amount_part;
        residual -= amount_part;
        first = false;
        state.matched_value += expected;
        state.slip_invoiced[s] += invoiced;
        let no_terms = matches!(m.priced[s].pricing, Pricing::NoTerms);
        if !no_terms && m.priced[s].agreed == l.unit_price && amount_part == Fen::ZERO {
            continue; // agreed price, amount quantity x price: nothing to report
        }
        let mut note = String::new();
        if l.part_no.trim() != slip.part_no.trim() {
            let _ = write!(
                note,
                "; part number {:?} on the invoice normalised to {} to match {:?} on the slip",
                l.part_no, m.part_names[m.slip_part[s] as usize], slip.part_no
            );
        }
        note.push_str(&choice_note);
        note.push_str(credit_note(net));
        let base = Finding::on_match(Code::PriceOver, slip, l)
            .money(expected, invoiced)
            .accounts(Accounts::NetDifference);
        let a = Allocation {
            net,
            s,
            q,
            amount_part,
            note: &note,
        };
        if no_terms {
            state.no_terms_reported[s] = true;
            findings.push(check_no_discount_terms(m, l, &a, base));
            continue;
        }
        findings.extend(check_price(m, l, &a, base.clone()));
        findings.extend(check_amount_mismatch(m, l, &a, base));
    }
    if left == 0 && residual != Fen::ZERO {
        let s = order[0];
        state.slip_invoiced[s] += residual;
        findings.push(check_amount_left_after_credit(m, l, s, residual));
    }
    if left > 0 {
        findings.push(check_qty_over(m, l, net, cands, left, residual));
    }
}

/// The note naming the allocation's choice when several slip lines are open.
fn choice_note(m: &MatchInput<'_>, order: &[usize], remaining: &[i64]) -> String {
    let open: Vec<usize> = if order.len() == 1 {
        Vec::new() // one candidate: nothing to choose, no allocation
    } else {
        order
            .iter()
            .copied()
            .filter(|&s| remaining[s] > 0)
            .collect()
    };
    if open.len() <= 1 {
        return String::new();
    }
    format!(
        "; slip lines {} all carry this part, matched first to line {} (open quantity equal to the invoiced quantity, then agreed price equal to the invoiced price, then lowest line number)",
        open.iter()
            .map(|&s| m.slips[s].line_no.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        m.slips[open[0]].line_no
    )
}

/// One allocation of an invoice line to a slip line.
struct Allocation<'n> {
    /// The invoice line's quantity and amount net of red invoices.
    net: &'n Line,
    s: usize,
    q: i64,
    /// The amount's difference from quantity x price carried by this allocation.
    amount_part: Fen,
    note: &'n str,
}

/// `NO_DISCOUNT_TERMS` on a matched line: expected at list price.
fn check_no_discount_terms(
    m: &MatchInput<'_>,
    l: &InvoiceLine,
    a: &Allocation<'_>,
    base: Finding,
) -> Finding {
    let slip = m.slips[a.s];
    let q = a.q;
    Finding {
        code: Code::NoDiscountTerms,
        severity: Code::NoDiscountTerms.severity(),
        ..base
    }
    .detail(format!(
        "no discount term covers {} for this line (see the gap in the terms), so the agreed price cannot be set: expected at list price {} x {q}, invoiced {} x {q}{}{}",
        slip.slip_date,
        m.priced[a.s].agreed,
        l.unit_price,
        if a.amount_part == Fen::ZERO {
            String::new()
        } else {
            format!(" with amount off by {}", a.amount_part)
        },
        a.note
    ))
}

/// `PRICE_OVER`, `PRICE_UNDER`, or `ROUNDING` when the price difference is within tolerance.
fn check_price(
    m: &MatchInput<'_>,
    l: &InvoiceLine,
    a: &Allocation<'_>,
    base: Finding,
) -> Option<Finding> {
    let agreed = m.priced[a.s].agreed;
    let expected = agreed.times(a.q);
    let price_diff = (l.unit_price - agreed).times(a.q);
    if price_diff == Fen::ZERO {
        return None;
    }
    let (code, what) = if m.params.tolerances.price.within(price_diff, expected) {
        (Code::Rounding, "within tolerance")
    } else if price_diff.0 > 0 {
        (Code::PriceOver, "over the agreed price")
    } else {
        (Code::PriceUnder, "under the agreed price")
    };
    let slip = m.slips[a.s];
    Some(
        Finding {
            code,
            severity: code.severity(),
            ..base
        }
        .money(expected, expected + price_diff)
        .detail(format!(
            "unit price {} is {what}: list {} less {} = {agreed}, x {} unit(s){}",
            l.unit_price,
            slip.list_price,
            term_text(m.set, &m.priced[a.s].pricing),
            a.q,
            a.note
        )),
    )
}

/// `AMOUNT_MISMATCH`, or `ROUNDING` within tolerance, when the amount is not quantity x price.
fn check_amount_mismatch(
    m: &MatchInput<'_>,
    l: &InvoiceLine,
    a: &Allocation<'_>,
    base: Finding,
) -> Option<Finding> {
    if a.amount_part == Fen::ZERO {
        return None;
    }
    let stated = l.unit_price.times(a.q);
    let code = if m.params.tolerances.amount.within(a.amount_part, stated) {
        Code::Rounding
    } else {
        Code::AmountMismatch
    };
    Some(
        Finding {
            code,
            severity: code.severity(),
            ..base
        }
        .money(stated, stated + a.amount_part)
        .detail(format!(
            "amount {} is not quantity {} x unit price {} = {}{}",
            a.net.net_amount,
            a.net.net_qty,
            l.unit_price,
            l.unit_price.times(a.net.net_qty),
            a.note
        )),
    )
}

/// `AMOUNT_MISMATCH` on a line whose red invoices credit every unit but not the whole amount.
fn check_amount_left_after_credit(
    m: &MatchInput<'_>,
    l: &InvoiceLine,
    s: usize,
    residual: Fen,
) -> Finding {
    Finding::on_match(Code::AmountMismatch, m.slips[s], l)
        .money(Fen::ZERO, residual)
        .accounts(Accounts::NetDifference)
        .detail(format!(
            "the red invoices credit all {} unit(s) but leave {residual} of the amount standing",
            l.qty
        ))
}

/// `QTY_OVER`: units invoiced beyond what the slip shipped of the part; informational when the
/// excess stays within the quantity tolerance (its value against the shipped units at the
/// invoiced price).
fn check_qty_over(
    m: &MatchInput<'_>,
    l: &InvoiceLine,
    net: &Line,
    cands: &[usize],
    left: i64,
    residual: Fen,
) -> Finding {
    let excess = l.unit_price.times(left) + residual;
    let shipped: i64 = cands.iter().map(|&s| m.slips[s].qty).sum();
    let tolerated = m
        .params
        .tolerances
        .quantity
        .within(excess, l.unit_price.times(shipped));
    let finding = Finding {
        slip_line: cands.first().map(|&s| m.slips[s].line_no),
        ..Finding::unshipped(
            Code::QtyOver,
            l,
            excess,
            format!(
                "{left} unit(s) invoiced beyond what slip {} shipped of this part ({shipped} shipped, all already invoiced){}{}",
                l.slip_no,
                credit_note(net),
                if tolerated { "; within the quantity tolerance" } else { "" }
            ),
        )
    };
    if tolerated {
        finding.severity(super::Severity::Info)
    } else {
        finding
    }
}
