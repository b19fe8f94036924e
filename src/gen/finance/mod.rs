//! The finance folder of the bundled data set: outbound slips for the parts consumed by repairs in
//! the last four months, the invoices that bill them at the negotiated discount, the discount
//! terms, consents to refurbished parts, and a set of planted discrepancies of every finding kind,
//! listed in `finance/PLANTED.md`.

use std::fmt::Write as _;

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;

mod synthetic;

pub use synthetic::synthetic;

use super::{rng_for, GenParams};
use crate::model::*;
use crate::money::{Fen, Rate};

const VAT: Rate = Rate(1300);

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The rate a billing system applied: the most specific term covering the date (between equally
/// specific ones the later-starting), or `None`. The reconciliation has its own, stricter
/// implementation that also reports the overlaps.
fn billed_rate(terms: &[DiscountTerm], slip: &SlipLine, category: &str) -> Option<Rate> {
    terms
        .iter()
        .filter(|t| t.valid_from <= slip.slip_date && slip.slip_date <= t.valid_to)
        .filter(|t| t.customer.as_ref().is_none_or(|c| *c == slip.ship_to))
        .filter(|t| t.category.as_deref().is_none_or(|c| c == category))
        .filter(|t| t.part_no.as_ref().is_none_or(|p| *p == slip.part_no))
        .max_by_key(|t| {
            let spec = if t.part_no.is_some() {
                2
            } else if t.category.is_some() {
                1
            } else {
                0
            };
            (
                spec,
                t.customer.is_some(),
                t.valid_from,
                std::cmp::Reverse(t.source_line),
            )
        })
        .map(|t| t.discount_rate)
}

#[allow(clippy::too_many_arguments)] // a table row constructor
fn term(
    id: &str,
    from: NaiveDate,
    to: NaiveDate,
    rate: i64,
    customer: Option<&str>,
    category: Option<&str>,
    part_no: Option<&str>,
    line: u64,
) -> DiscountTerm {
    DiscountTerm {
        contract_id: id.into(),
        valid_from: from,
        valid_to: to,
        discount_rate: Rate(rate),
        customer: customer.map(Text::from),
        category: category.map(Text::from),
        part_no: part_no.map(Text::from),
        source_line: line,
    }
}

fn invoice_line(
    invoice_no: &str,
    line_no: u32,
    invoice_date: NaiveDate,
    slip: &SlipLine,
    qty: i64,
    unit_price: Fen,
) -> InvoiceLine {
    let amount = unit_price.times(qty);
    InvoiceLine {
        invoice_no: invoice_no.into(),
        line_no,
        invoice_date,
        slip_no: slip.slip_no.clone(),
        part_no: slip.part_no.clone(),
        qty,
        unit_price,
        amount,
        tax_rate: Some(VAT),
        tax_amount: Some(amount.scaled_by(VAT)),
        kind: InvoiceKind::Blue,
        original_invoice_no: None,
        serials: slip.serials.clone(),
        source_line: 0,
    }
}

/// Bills `line` again for `slip` at `qty` x `unit_price`, keeping its invoice number, line and date.
fn bill_again(line: &mut InvoiceLine, slip: &SlipLine, qty: i64, unit_price: Fen) {
    let invoice_no = line.invoice_no.clone();
    *line = InvoiceLine {
        line_no: line.line_no,
        ..invoice_line(&invoice_no, 1, line.invoice_date, slip, qty, unit_price)
    };
}

/// Generates the finance set and the text of `PLANTED.md`.
pub fn generate(ds: &Dataset, params: &GenParams) -> (FinanceSet, String) {
    let mut rng = rng_for(params.seed, 5);
    let from = date(2026, 7, 1);
    let category_of = |part_no: &str| {
        ds.parts
            .iter()
            .find(|p| p.part_no == part_no)
            .and_then(|p| p.category.clone())
            .unwrap_or_default()
    };

    // Slips: one per hospital and day, a line per part consumed.
    let mut faults: Vec<&Fault> = ds
        .faults
        .iter()
        .filter(|f| f.date >= from && f.date <= params.as_of)
        .collect();
    faults.sort_by_key(|f| (f.date, ds.unit(f.unit).hospital, f.part, f.unit));
    let mut slips: Vec<SlipLine> = Vec::new();
    let mut seq = 0;
    let mut prev: Option<(NaiveDate, HospitalId)> = None;
    for f in faults {
        let unit = ds.unit(f.unit);
        let key = (f.date, unit.hospital);
        if prev != Some(key) {
            seq += 1;
            prev = Some(key);
        }
        let part = ds.part(f.part);
        let slip_no = format!("CK{}{:05}", f.date.format("%Y%m"), seq);
        let line_no = slips
            .iter()
            .rev()
            .take_while(|s| *s.slip_no == *slip_no)
            .count() as u32
            + 1;
        // List price: the company's cost plus 45 %, to the yuan.
        let list = Fen::yuan((part.unit_cost.0 as f64 * 1.45 / 100.0).round() as i64);
        slips.push(SlipLine {
            slip_no: slip_no.into(),
            line_no,
            slip_date: f.date,
            part_no: part.part_no.as_str().into(),
            qty: i64::from(f.qty),
            list_price: list,
            condition: Condition::New,
            ship_to: ds.hospital(unit.hospital).code.as_str().into(),
            category: part.category.as_deref().map(Text::from),
            serials: vec![unit.serial.clone()],
            source_line: 0,
        });
    }

    // Discount terms: a gap in October (NO_DISCOUNT_TERMS) around a day with slips, and an
    // overlapping promotion on the 64-row detector module (OVERLAPPING_TERMS) around one of its
    // slips.
    let gap_day = slips
        .iter()
        .map(|s| s.slip_date)
        .find(|d| d.month() == 10 && d.day() >= 10)
        .unwrap_or(date(2026, 10, 17));
    let (gap_from, gap_to) = (gap_day - Duration::days(1), gap_day + Duration::days(1));
    let promo_part = "CT-DET-M64";
    let promo_day = slips
        .iter()
        .find(|s| &*s.part_no == promo_part && s.slip_date.month() == 9)
        .or_else(|| slips.iter().find(|s| &*s.part_no == promo_part))
        .map_or(date(2026, 9, 15), |s| s.slip_date);
    let big_customer = ds
        .hospitals
        .first()
        .map(|h| h.code.clone())
        .unwrap_or_default();
    let mut terms = vec![
        term(
            "HT-2025-GEN",
            date(2025, 1, 1),
            date(2025, 12, 31),
            1200,
            None,
            None,
            None,
            2,
        ),
        term(
            "HT-2026-GEN",
            date(2026, 1, 1),
            gap_from - Duration::days(1),
            1000,
            None,
            None,
            None,
            3,
        ),
        term(
            "HT-2026B-GEN",
            gap_to + Duration::days(1),
            date(2027, 12, 31),
            1100,
            None,
            None,
            None,
            4,
        ),
        term(
            "HT-2026-TUBE",
            date(2026, 1, 1),
            date(2026, 12, 31),
            500,
            None,
            Some("tube"),
            None,
            5,
        ),
        term(
            "HT-2026-KEY",
            date(2026, 1, 1),
            date(2026, 12, 31),
            1500,
            Some(&big_customer),
            None,
            None,
            6,
        ),
        term(
            "HT-2026-DET",
            date(2026, 7, 1),
            date(2026, 12, 31),
            800,
            None,
            None,
            Some(promo_part),
            7,
        ),
        term(
            "HT-2026-DET-PROMO",
            promo_day - Duration::days(3),
            promo_day + Duration::days(3),
            750,
            None,
            None,
            Some(promo_part),
            8,
        ),
    ];
    for (i, t) in terms.iter_mut().enumerate() {
        t.source_line = i as u64 + 2;
    }
    let in_gap = |d: NaiveDate| d >= gap_from && d <= gap_to;
    let in_promo = |s: &SlipLine| {
        &*s.part_no == promo_part
            && s.slip_date >= promo_day - Duration::days(3)
            && s.slip_date <= promo_day + Duration::days(3)
    };

    // Clean invoices: one per hospital and month, covering all its slips of the month.
    let mut by_invoice: std::collections::BTreeMap<(String, String), Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, s) in slips.iter().enumerate() {
        by_invoice
            .entry((
                s.slip_date.format("%Y%m").to_string(),
                s.ship_to.to_string(),
            ))
            .or_default()
            .push(i);
    }
    let mut invoices: Vec<InvoiceLine> = Vec::new();
    let mut line_of_slip: Vec<usize> = vec![0; slips.len()];
    for (n, ((month, _), members)) in by_invoice.iter().enumerate() {
        let invoice_no = format!("FP{month}{:05}", n + 1);
        let last = members
            .iter()
            .map(|&i| slips[i].slip_date)
            .max()
            .expect("non-empty");
        let invoice_date = (last + Duration::days(3)).min(params.as_of);
        for (k, &i) in members.iter().enumerate() {
            let s = &slips[i];
            // In the gap the billing system kept the old general rate.
            let rate = billed_rate(&terms, s, &category_of(&s.part_no)).unwrap_or(Rate(1000));
            line_of_slip[i] = invoices.len();
            invoices.push(invoice_line(
                &invoice_no,
                k as u32 + 1,
                invoice_date,
                s,
                s.qty,
                s.list_price.discounted(rate),
            ));
        }
    }

    // Plant one discrepancy of each kind on distinct clean slip lines (each the only line of
    // its invoice's slip, so that each finding stands alone).
    let mut candidates: Vec<usize> = (0..slips.len())
        .filter(|&i| !in_gap(slips[i].slip_date) && !in_promo(&slips[i]))
        .filter(|&i| *slips[i].ship_to != *big_customer)
        .collect();
    candidates.shuffle(&mut rng);
    let mut pick = {
        let mut used_slips = std::collections::BTreeSet::new();
        let mut it = candidates.into_iter();
        move |slips: &[SlipLine]| loop {
            let i = it.next().expect("enough slip lines to plant every finding");
            if used_slips.insert(slips[i].slip_no.clone()) {
                return i;
            }
        }
    };
    let mut notes = String::new();
    let mut note = |code: &str, slip: &SlipLine, inv: Option<&InvoiceLine>, what: &str| {
        let invoice = inv.map_or("-".to_owned(), |l| {
            format!("{} line {}", l.invoice_no, l.line_no)
        });
        let _ = writeln!(
            notes,
            "| {code} | {} line {} | {invoice} | {what} |",
            slip.slip_no, slip.line_no
        );
    };
    let agreed = |s: &SlipLine| {
        s.list_price
            .discounted(billed_rate(&terms, s, &category_of(&s.part_no)).unwrap_or(Rate(0)))
    };

    let i = pick(&slips);
    let l = line_of_slip[i];
    let list = slips[i].list_price;
    bill_again(&mut invoices[l], &slips[i], slips[i].qty, list);
    note(
        "PRICE_OVER",
        &slips[i],
        Some(&invoices[l]),
        "billed at list price, discount not applied",
    );

    let i = pick(&slips);
    let l = line_of_slip[i];
    let low = Fen((agreed(&slips[i]).0 * 9 + 5) / 10);
    bill_again(&mut invoices[l], &slips[i], slips[i].qty, low);
    note(
        "PRICE_UNDER",
        &slips[i],
        Some(&invoices[l]),
        "unit price 10 % below the agreed price",
    );

    let i = pick(&slips);
    let l = line_of_slip[i];
    let off = agreed(&slips[i]) + Fen(1);
    bill_again(&mut invoices[l], &slips[i], slips[i].qty, off);
    note(
        "ROUNDING",
        &slips[i],
        Some(&invoices[l]),
        "unit price 0.01 above the agreed price (within tolerance)",
    );

    let i = pick(&slips);
    let l = line_of_slip[i];
    let price = invoices[l].unit_price;
    bill_again(&mut invoices[l], &slips[i], slips[i].qty + 1, price);
    note(
        "QTY_OVER",
        &slips[i],
        Some(&invoices[l]),
        "one unit more invoiced than shipped",
    );

    let i = pick(&slips);
    let l = line_of_slip[i];
    note(
        "SHIPPED_NOT_INVOICED",
        &slips[i],
        None,
        "the invoice line was never issued",
    );
    invoices[l].qty = 0; // removed below

    let i = pick(&slips);
    let l = line_of_slip[i];
    let other = ds
        .parts
        .iter()
        .find(|p| *p.part_no != *slips[i].part_no && p.category.as_deref() == Some("console"))
        .map(|p| p.part_no.clone())
        .unwrap_or_else(|| "CT-CON-MON".to_owned());
    invoices[l].part_no = other.as_str().into();
    note(
        "PART_MISMATCH",
        &slips[i],
        Some(&invoices[l]),
        &format!("invoiced as {other}, a part the slip does not carry"),
    );

    let i = pick(&slips);
    slips[i].condition = Condition::Refurbished;
    note(
        "REFURB_NO_CONSENT",
        &slips[i],
        Some(&invoices[line_of_slip[i]]),
        "refurbished part shipped, the hospital never consented",
    );

    let i = pick(&slips);
    slips[i].condition = Condition::Refurbished;
    let late = slips[i].slip_date + Duration::days(5);
    note(
        "REFURB_NO_CONSENT",
        &slips[i],
        Some(&invoices[line_of_slip[i]]),
        &format!("refurbished part; the consent was granted only on {late}, after the slip date"),
    );
    let mut consents = vec![Consent {
        hospital_id: slips[i].ship_to.clone(),
        granted_on: late,
        slip_no: Some(slips[i].slip_no.clone()),
        part_no: None,
        reference: Some("TY-2026-LATE".to_owned()),
        source_line: 0,
    }];

    let i = pick(&slips);
    slips[i].condition = Condition::Refurbished;
    consents.push(Consent {
        hospital_id: slips[i].ship_to.clone(),
        granted_on: slips[i].slip_date - Duration::days(10),
        slip_no: None,
        part_no: Some(slips[i].part_no.clone()),
        reference: Some("TY-2026-001".to_owned()),
        source_line: 0,
    });
    note(
        "(none)",
        &slips[i],
        Some(&invoices[line_of_slip[i]]),
        "refurbished part covered by consent TY-2026-001: passes",
    );

    let i = pick(&slips);
    let l = line_of_slip[i];
    invoices[l].amount += Fen::yuan(100);
    invoices[l].tax_amount = Some(invoices[l].amount.scaled_by(VAT));
    note(
        "AMOUNT_MISMATCH",
        &slips[i],
        Some(&invoices[l]),
        "amount 100.00 above qty x unit price",
    );

    let i = pick(&slips);
    let l = line_of_slip[i];
    invoices[l].tax_amount = Some(invoices[l].amount.scaled_by(Rate(600)));
    note(
        "TAX_MISMATCH",
        &slips[i],
        Some(&invoices[l]),
        "tax computed at 6 % on a 13 % line",
    );

    let i = pick(&slips);
    let l = line_of_slip[i];
    let original = invoices[l].clone();
    let mut red = original.clone();
    red.invoice_no = format!("{}R", original.invoice_no).into();
    red.line_no = 1;
    red.kind = InvoiceKind::Red;
    red.original_invoice_no = Some(original.invoice_no.clone());
    red.qty = -(original.qty + 1);
    red.amount = red.unit_price.times(red.qty);
    red.tax_amount = Some(red.amount.scaled_by(VAT));
    red.invoice_date = original.invoice_date + Duration::days(2);
    note(
        "RED_EXCEEDS_ORIGINAL",
        &slips[i],
        Some(&red),
        &format!(
            "credits {} units against {} invoiced",
            -red.qty, original.qty
        ),
    );
    invoices.push(red);

    // A correct credit and re-bill: no finding.
    let i = pick(&slips);
    let l = line_of_slip[i];
    let wrong = slips[i].list_price;
    let right = invoices[l].unit_price;
    bill_again(&mut invoices[l], &slips[i], slips[i].qty, wrong);
    let mut red = invoices[l].clone();
    red.invoice_no = format!("{}R", invoices[l].invoice_no).into();
    red.line_no = 1;
    red.kind = InvoiceKind::Red;
    red.original_invoice_no = Some(invoices[l].invoice_no.clone());
    red.qty = -red.qty;
    red.amount = red.unit_price.times(red.qty);
    red.tax_amount = Some(red.amount.scaled_by(VAT));
    red.invoice_date = invoices[l].invoice_date + Duration::days(4);
    let mut rebill = invoice_line(
        &format!("{}C", invoices[l].invoice_no),
        1,
        red.invoice_date,
        &slips[i],
        slips[i].qty,
        right,
    );
    rebill.serials.clone_from(&slips[i].serials);
    note("(none)", &slips[i], Some(&red), &format!("billed at list price, credited in full by the red invoice and re-billed correctly on {}", rebill.invoice_no));
    invoices.push(red);
    invoices.push(rebill);

    // Partial invoicing of a two-unit line across two invoices: no finding.
    let i = pick(&slips);
    let l = line_of_slip[i];
    slips[i].qty = 2;
    let price = invoices[l].unit_price;
    bill_again(&mut invoices[l], &slips[i], 1, price);
    let second = invoice_line(
        &format!("{}P", invoices[l].invoice_no),
        1,
        invoices[l].invoice_date + Duration::days(20),
        &slips[i],
        1,
        price,
    );
    note(
        "(none)",
        &slips[i],
        Some(&second),
        &format!(
            "two units invoiced one on {} and one on {}",
            invoices[l].invoice_no, second.invoice_no
        ),
    );
    invoices.push(second);

    // Part numbers written differently on the invoice: matched after normalisation.
    for (k, style) in ["lower", "spaces", "full-width"].iter().enumerate() {
        let i = pick(&slips);
        let l = line_of_slip[i];
        let p = &slips[i].part_no;
        invoices[l].part_no = match k {
            0 => p.to_lowercase(),
            1 => format!(" {} ", p.replace('-', " - ")),
            _ => p.replace('-', "－").replace('C', "Ｃ"),
        }
        .into();
        note(
            "(none)",
            &slips[i],
            Some(&invoices[l]),
            &format!(
                "part number written {style} ({:?}): matches after normalisation",
                invoices[l].part_no
            ),
        );
    }

    // A duplicate invoice: one invoice's lines entered twice.
    let i = pick(&slips);
    let l = line_of_slip[i];
    let dup_no = invoices[l].invoice_no.clone();
    let copies: Vec<InvoiceLine> = invoices
        .iter()
        .filter(|x| x.invoice_no == dup_no)
        .cloned()
        .collect();
    note(
        "DUPLICATE_INVOICE",
        &slips[i],
        Some(&invoices[l]),
        &format!(
            "invoice {dup_no} entered twice ({} lines repeated)",
            copies.len()
        ),
    );
    invoices.extend(copies);

    // An invoice line for a slip that does not exist.
    let ghost = SlipLine {
        slip_no: "CK20260999999".into(),
        line_no: 1,
        ..slips[pick(&slips)].clone()
    };
    let price = ghost.list_price.discounted(Rate(1000));
    let inv = invoice_line("FP20261099999", 1, params.as_of, &ghost, 1, price);
    note(
        "INVOICED_NOT_SHIPPED",
        &ghost,
        Some(&inv),
        "no such outbound slip exists",
    );
    invoices.push(inv);

    invoices.retain(|l| l.qty != 0);
    // Findings that arise from the terms themselves.
    let gap_lines = slips.iter().filter(|s| in_gap(s.slip_date)).count();
    let promo_lines = slips.iter().filter(|s| in_promo(s)).count();

    let mut text = String::from(
        "# Planted discrepancies in `data/china/finance`\n\n\
         Generated by `spareplan generate --china`; every row below is deliberate. `reconcile` must \
         report each coded row and nothing else of consequence (apart from what the terms cause, listed after the table).\n\n\
         | expected finding | slip line | invoice line | what was planted |\n|---|---|---|---|\n",
    );
    text.push_str(&notes);
    let _ = write!(
        text,
        "\nFrom the terms:\n\n\
         - `NO_DISCOUNT_TERMS`: no term covers {gap_from} to {gap_to} (HT-2026-GEN ends the day before, HT-2026B-GEN starts the day after); the {gap_lines} slip line(s) dated then were billed at the old 10 % rate.\n\
         - `OVERLAPPING_TERMS`: HT-2026-DET and HT-2026-DET-PROMO both name {promo_part} for all customers and overlap from {} to {}; {promo_lines} slip line(s) fall in the overlap.\n\
         - The key-account term HT-2026-KEY (15 %, customer {big_customer}) beats the general term for that hospital; the tube term HT-2026-TUBE (5 %) beats the general term for category `tube`.\n",
        promo_day - Duration::days(3),
        promo_day + Duration::days(3),
    );
    let mut seen = 0u64;
    for l in &mut invoices {
        seen += 1;
        l.source_line = seen + 1;
    }
    (
        FinanceSet {
            slips,
            invoices,
            discounts: terms,
            consents,
        },
        text,
    )
}
