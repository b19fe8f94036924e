//! A synthetic finance set of any size, for benchmarks and property tests.

use chrono::Duration;
use rand::Rng;

use super::{billed_rate, date, invoice_line, term};
use crate::gen::rng_for;
use crate::model::*;
use crate::money::{Fen, Rate};

/// A synthetic finance set of `slip_lines` slip lines for benchmarks and property tests: slips of
/// one to three lines over a year, invoiced one line per slip line except that most two-unit lines
/// are split over two invoices (about 1.2 invoice lines per slip line), with a small share of
/// discrepancies: list price billed, a fen over, lines not invoiced, a unit too many, part numbers
/// in lower case, invoices for slips that do not exist, refurbished parts with and without consent.
pub fn synthetic(slip_lines: usize, seed: u64) -> FinanceSet {
    use crate::gen::catalogue::PARTS;
    let mut rng = rng_for(seed, 6);
    let start = date(2025, 1, 1);
    let categories = [
        "tube",
        "detector",
        "generator",
        "gantry",
        "table",
        "cooling",
        "power",
        "console",
    ];
    let mut terms = vec![
        term(
            "G-2025",
            start,
            date(2025, 6, 30),
            1000,
            None,
            None,
            None,
            2,
        ),
        term(
            "G-2025B",
            date(2025, 7, 4),
            date(2025, 12, 31),
            1100,
            None,
            None,
            None,
            3,
        ),
        term(
            "T-2025",
            start,
            date(2025, 12, 31),
            500,
            None,
            Some("tube"),
            None,
            4,
        ),
        term(
            "K-2025",
            start,
            date(2025, 12, 31),
            1500,
            Some("H00001"),
            None,
            None,
            5,
        ),
        term(
            "P-2025",
            start,
            date(2025, 12, 31),
            800,
            None,
            None,
            Some("CT-DET-M64"),
            6,
        ),
        term(
            "P-2025-PROMO",
            date(2025, 3, 1),
            date(2025, 3, 31),
            750,
            None,
            None,
            Some("CT-DET-M64"),
            7,
        ),
    ];
    for (i, t) in terms.iter_mut().enumerate() {
        t.source_line = i as u64 + 2;
    }
    let mut slips = Vec::with_capacity(slip_lines);
    let mut invoices = Vec::with_capacity(slip_lines * 6 / 5);
    let mut consents = Vec::new();
    let mut n = 0usize;
    let mut slip_seq = 0usize;
    while n < slip_lines {
        slip_seq += 1;
        let slip_no = format!("CK{slip_seq:08}");
        let day = start + Duration::days(rng.random_range(0..365));
        let hospital = format!("H{:05}", rng.random_range(1..=5000));
        let lines = rng.random_range(1..=3usize).min(slip_lines - n);
        let invoice_no = format!("FP{slip_seq:08}");
        let inv_date = day + Duration::days(rng.random_range(1..20));
        for k in 0..lines {
            n += 1;
            let spec = &PARTS[rng.random_range(0..PARTS.len())];
            let qty = if rng.random::<f64>() < 0.25 { 2 } else { 1 };
            let list = Fen::yuan((spec.unit_cost as f64 * 1.45).round() as i64);
            let refurbished = rng.random::<f64>() < 0.01;
            let slip = SlipLine {
                slip_no: slip_no.as_str().into(),
                line_no: k as u32 + 1,
                slip_date: day,
                part_no: spec.part_no.into(),
                qty,
                list_price: list,
                condition: if refurbished {
                    Condition::Refurbished
                } else {
                    Condition::New
                },
                ship_to: hospital.as_str().into(),
                category: Some(
                    categories
                        .iter()
                        .find(|c| **c == spec.category)
                        .copied()
                        .unwrap_or("console")
                        .into(),
                ),
                serials: Vec::new(),
                source_line: 0,
            };
            if refurbished && rng.random::<f64>() < 0.5 {
                consents.push(Consent {
                    hospital_id: hospital.as_str().into(),
                    granted_on: day - Duration::days(3),
                    slip_no: Some(slip_no.as_str().into()),
                    part_no: None,
                    reference: None,
                    source_line: 0,
                });
            }
            let rate = billed_rate(&terms, &slip, spec.category).unwrap_or(Rate(1000));
            let mut price = list.discounted(rate);
            let roll = rng.random::<f64>();
            if roll < 0.01 {
                price = list; // discount not applied
            } else if roll < 0.015 {
                price += Fen(1);
            }

            if roll > 0.99 {
                // not invoiced
            } else if qty == 2 && (0.015..0.815).contains(&roll) {
                invoices.push(invoice_line(
                    &invoice_no,
                    k as u32 + 1,
                    inv_date,
                    &slip,
                    1,
                    price,
                ));
                invoices.push(invoice_line(
                    &format!("{invoice_no}P"),
                    k as u32 + 1,
                    inv_date + Duration::days(30),
                    &slip,
                    1,
                    price,
                ));
            } else {
                let q = if roll > 0.985 { qty + 1 } else { qty };
                let mut line = invoice_line(&invoice_no, k as u32 + 1, inv_date, &slip, q, price);
                if roll > 0.98 && roll <= 0.985 {
                    line.part_no = line.part_no.to_lowercase().into();
                }
                invoices.push(line);
            }
            slips.push(slip);
        }
        if rng.random::<f64>() < 0.002 {
            // an invoice for a slip that does not exist
            let mut ghost = invoices.last().cloned().expect("an invoice exists");
            ghost.slip_no = format!("CKX{slip_seq:07}").into();
            ghost.invoice_no = format!("FPX{slip_seq:07}").into();
            invoices.push(ghost);
        }
    }
    for (i, l) in invoices.iter_mut().enumerate() {
        l.source_line = i as u64 + 2;
    }
    for (i, s) in slips.iter_mut().enumerate() {
        s.source_line = i as u64 + 2;
    }
    FinanceSet {
        slips,
        invoices,
        discounts: terms,
        consents,
    }
}
