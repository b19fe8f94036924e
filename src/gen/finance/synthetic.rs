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
    let mut rng = rng_for(seed, 6);
    let start = date(2025, 1, 1);
    let terms = synthetic_terms();
    let mut set = FinanceSet {
        slips: Vec::with_capacity(slip_lines),
        invoices: Vec::with_capacity(slip_lines * 6 / 5),
        discounts: Vec::new(),
        consents: Vec::new(),
        blocked: Vec::new(),
    };
    let mut n = 0usize;
    let mut slip_seq = 0usize;
    while n < slip_lines {
        slip_seq += 1;
        let day = start + Duration::days(rng.random_range(0..365));
        let slip = SlipHead {
            slip_no: format!("CK{slip_seq:08}"),
            day,
            hospital: format!("H{:05}", rng.random_range(1..=5000)),
            invoice_no: format!("FP{slip_seq:08}"),
            lines: rng.random_range(1..=3usize).min(slip_lines - n),
            inv_date: day + Duration::days(rng.random_range(1..20)),
        };
        for k in 0..slip.lines {
            n += 1;
            synthetic_line(&mut rng, &terms, &slip, k, &mut set);
        }
        if rng.random::<f64>() < 0.002 {
            // an invoice for a slip that does not exist
            let mut ghost = set.invoices.last().cloned().expect("an invoice exists");
            ghost.slip_no = format!("CKX{slip_seq:07}").into();
            ghost.invoice_no = format!("FPX{slip_seq:07}").into();
            set.invoices.push(ghost);
        }
    }
    for (i, l) in set.invoices.iter_mut().enumerate() {
        l.source_line = i as u64 + 2;
    }
    for (i, s) in set.slips.iter_mut().enumerate() {
        s.source_line = i as u64 + 2;
    }
    set.discounts = terms;
    set
}

/// One outbound slip: its number, date, customer, invoice and number of lines.
struct SlipHead {
    slip_no: String,
    day: chrono::NaiveDate,
    hospital: String,
    invoice_no: String,
    lines: usize,
    inv_date: chrono::NaiveDate,
}

/// The terms: two general terms with a gap from 1 to 3 July, a tube term, a key-account term and
/// a detector term with an overlapping promotion in March.
fn synthetic_terms() -> Vec<DiscountTerm> {
    let start = date(2025, 1, 1);
    let end = date(2025, 12, 31);
    let mut terms = vec![
        term(
            "G-2025",
            start,
            date(2025, 6, 30),
            1000,
            None,
            None,
            None,
            0,
        ),
        term("G-2025B", date(2025, 7, 4), end, 1100, None, None, None, 0),
        term("T-2025", start, end, 500, None, Some("tube"), None, 0),
        term("K-2025", start, end, 1500, Some("H00001"), None, None, 0),
        term("P-2025", start, end, 800, None, None, Some("CT-DET-M64"), 0),
        term(
            "P-2025-PROMO",
            date(2025, 3, 1),
            date(2025, 3, 31),
            750,
            None,
            None,
            Some("CT-DET-M64"),
            0,
        ),
    ];
    for (i, t) in terms.iter_mut().enumerate() {
        t.source_line = i as u64 + 2;
    }
    terms
}

/// Slip line `k` of `slip`, its consent (for half of the refurbished lines) and its invoice
/// lines, with the planted share of discrepancies.
fn synthetic_line(
    rng: &mut impl Rng,
    terms: &[DiscountTerm],
    head: &SlipHead,
    k: usize,
    set: &mut FinanceSet,
) {
    use crate::gen::catalogue::PARTS;
    const CATEGORIES: [&str; 8] = [
        "tube",
        "detector",
        "generator",
        "gantry",
        "table",
        "cooling",
        "power",
        "console",
    ];
    let spec = &PARTS[rng.random_range(0..PARTS.len())];
    let qty = if rng.random::<f64>() < 0.25 { 2 } else { 1 };
    let list = Fen::yuan((spec.unit_cost as f64 * 1.45).round() as i64);
    let refurbished = rng.random::<f64>() < 0.01;
    let slip = SlipLine {
        slip_no: head.slip_no.as_str().into(),
        line_no: k as u32 + 1,
        slip_date: head.day,
        part_no: spec.part_no.into(),
        qty,
        list_price: list,
        condition: if refurbished {
            Condition::Refurbished
        } else {
            Condition::New
        },
        ship_to: head.hospital.as_str().into(),
        category: Some(
            CATEGORIES
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
        set.consents.push(Consent {
            hospital_id: head.hospital.as_str().into(),
            granted_on: head.day - Duration::days(3),
            slip_no: Some(head.slip_no.as_str().into()),
            part_no: None,
            reference: None,
            source_line: 0,
        });
    }
    let rate = billed_rate(terms, &slip, spec.category).unwrap_or(Rate(1000));
    let mut price = list.discounted(rate);
    let roll = rng.random::<f64>();
    if roll < 0.01 {
        price = list; // discount not applied
    } else if roll < 0.015 {
        price += Fen(1);
    }
    let (invoice_no, inv_date, line_no) = (&head.invoice_no, head.inv_date, k as u32 + 1);
    if roll > 0.99 {
        // not invoiced
    } else if qty == 2 && (0.015..0.815).contains(&roll) {
        set.invoices
            .push(invoice_line(invoice_no, line_no, inv_date, &slip, 1, price));
        set.invoices.push(invoice_line(
            &format!("{invoice_no}P"),
            line_no,
            inv_date + Duration::days(30),
            &slip,
            1,
            price,
        ));
    } else {
        let q = if roll > 0.985 { qty + 1 } else { qty };
        let mut line = invoice_line(invoice_no, line_no, inv_date, &slip, q, price);
        if roll > 0.98 && roll <= 0.985 {
            line.part_no = line.part_no.to_lowercase().into();
        }
        set.invoices.push(line);
    }
    set.slips.push(slip);
}
