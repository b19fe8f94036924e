//! The finance folder of the bundled data set: outbound slips for the parts consumed by repairs in
//! the last four months, the invoices that bill them at the negotiated discount, the discount
//! terms, consents to refurbished parts, and a set of planted discrepancies of every finding kind,
//! listed in `finance/PLANTED.md`.

use std::fmt::Write as _;

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;

use plant::Planter;

mod plant;
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
    let slips = slips(ds, params);
    let t = terms_of(ds, &slips);
    let (invoices, line_of_slip) = clean_invoices(ds, params, &slips, &t.terms);
    // Plant one discrepancy of each kind on distinct clean slip lines (each the only line of
    // its invoice's slip, so that each finding stands alone).
    let mut candidates: Vec<usize> = (0..slips.len())
        .filter(|&i| !t.in_gap(slips[i].slip_date) && !t.in_promo(&slips[i]))
        .filter(|&i| *slips[i].ship_to != *t.big_customer)
        .collect();
    candidates.shuffle(&mut rng);
    let mut p = Planter::new(
        ds,
        params,
        &t.terms,
        slips,
        invoices,
        line_of_slip,
        candidates,
    );
    p.price_over();
    p.price_under();
    p.rounding();
    p.qty_over();
    p.shipped_not_invoiced();
    p.part_mismatch();
    p.refurb_no_consent();
    p.refurb_consent_too_late();
    p.refurb_with_consent();
    p.amount_mismatch();
    p.tax_mismatch();
    p.red_exceeds_original();
    p.credit_and_rebill();
    p.partial_invoicing();
    p.part_numbers_written_differently();
    p.duplicate_invoice();
    p.invoiced_not_shipped();
    let (slips, mut invoices, consents, notes) = p.finish();
    let text = planted_md(&t, &slips, &notes);
    let mut seen = 0u64;
    for l in &mut invoices {
        seen += 1;
        l.source_line = seen + 1;
    }
    (
        FinanceSet {
            slips,
            invoices,
            discounts: t.terms,
            consents,
            blocked: Vec::new(),
        },
        text,
    )
}

/// Slips: one per hospital and day, a line per part consumed by the repairs since July.
fn slips(ds: &Dataset, params: &GenParams) -> Vec<SlipLine> {
    let from = date(2026, 7, 1);
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
    slips
}

/// The discount terms and the two faults planted in them.
struct PlantedTerms {
    terms: Vec<DiscountTerm>,
    /// No term covers these days (`NO_DISCOUNT_TERMS`).
    gap_from: NaiveDate,
    gap_to: NaiveDate,
    /// Two equally specific terms overlap on this part around this day (`OVERLAPPING_TERMS`).
    promo_part: &'static str,
    promo_day: NaiveDate,
    /// The customer of the key-account term.
    big_customer: String,
}

impl PlantedTerms {
    fn in_gap(&self, d: NaiveDate) -> bool {
        d >= self.gap_from && d <= self.gap_to
    }

    fn in_promo(&self, s: &SlipLine) -> bool {
        &*s.part_no == self.promo_part
            && s.slip_date >= self.promo_day - Duration::days(3)
            && s.slip_date <= self.promo_day + Duration::days(3)
    }
}

/// Discount terms: a gap in October (NO_DISCOUNT_TERMS) around a day with slips, and an
/// overlapping promotion on the 64-row detector module (OVERLAPPING_TERMS) around one of its
/// slips.
fn terms_of(ds: &Dataset, slips: &[SlipLine]) -> PlantedTerms {
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
    let ends = [
        ("HT-2025-GEN", date(2025, 1, 1), date(2025, 12, 31), 1200),
        (
            "HT-2026-GEN",
            date(2026, 1, 1),
            gap_from - Duration::days(1),
            1000,
        ),
        (
            "HT-2026B-GEN",
            gap_to + Duration::days(1),
            date(2027, 12, 31),
            1100,
        ),
    ];
    let mut terms: Vec<DiscountTerm> = ends
        .iter()
        .map(|&(id, from, to, rate)| term(id, from, to, rate, None, None, None, 0))
        .collect();
    let year = (date(2026, 1, 1), date(2026, 12, 31));
    terms.push(term(
        "HT-2026-TUBE",
        year.0,
        year.1,
        500,
        None,
        Some("tube"),
        None,
        0,
    ));
    terms.push(term(
        "HT-2026-KEY",
        year.0,
        year.1,
        1500,
        Some(&big_customer),
        None,
        None,
        0,
    ));
    terms.push(term(
        "HT-2026-DET",
        date(2026, 7, 1),
        year.1,
        800,
        None,
        None,
        Some(promo_part),
        0,
    ));
    terms.push(term(
        "HT-2026-DET-PROMO",
        promo_day - Duration::days(3),
        promo_day + Duration::days(3),
        750,
        None,
        None,
        Some(promo_part),
        0,
    ));
    for (i, t) in terms.iter_mut().enumerate() {
        t.source_line = i as u64 + 2;
    }
    PlantedTerms {
        terms,
        gap_from,
        gap_to,
        promo_part,
        promo_day,
        big_customer,
    }
}

/// The category of a part number (empty when it has none).
fn category_of(ds: &Dataset, part_no: &str) -> String {
    ds.parts
        .iter()
        .find(|p| p.part_no == part_no)
        .and_then(|p| p.category.clone())
        .unwrap_or_default()
}

/// Clean invoices: one per hospital and month, covering all its slips of the month; and the
/// invoice line of each slip line.
fn clean_invoices(
    ds: &Dataset,
    params: &GenParams,
    slips: &[SlipLine],
    terms: &[DiscountTerm],
) -> (Vec<InvoiceLine>, Vec<usize>) {
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
            let rate = billed_rate(terms, s, &category_of(ds, &s.part_no)).unwrap_or(Rate(1000));
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
    (invoices, line_of_slip)
}

/// `PLANTED.md`: the table of planted rows, then what the terms cause.
fn planted_md(t: &PlantedTerms, slips: &[SlipLine], notes: &str) -> String {
    let gap_lines = slips.iter().filter(|s| t.in_gap(s.slip_date)).count();
    let promo_lines = slips.iter().filter(|s| t.in_promo(s)).count();
    let (gap_from, gap_to, promo_part, big_customer) =
        (t.gap_from, t.gap_to, t.promo_part, &t.big_customer);
    let mut text = String::from(
        "# Planted discrepancies in `data/china/finance`\n\n\
         Generated by `spareplan generate --china`; every row below is deliberate. `reconcile` must \
         report each coded row and nothing else of consequence (apart from what the terms cause, listed after the table).\n\n\
         | expected finding | slip line | invoice line | what was planted |\n|---|---|---|---|\n",
    );
    text.push_str(notes);
    let _ = write!(
        text,
        "\nFrom the terms:\n\n\
         - `NO_DISCOUNT_TERMS`: no term covers {gap_from} to {gap_to} (HT-2026-GEN ends the day before, HT-2026B-GEN starts the day after); the {gap_lines} slip line(s) dated then were billed at the old 10 % rate.\n\
         - `OVERLAPPING_TERMS`: HT-2026-DET and HT-2026-DET-PROMO both name {promo_part} for all customers and overlap from {} to {}; {promo_lines} slip line(s) fall in the overlap.\n\
         - The key-account term HT-2026-KEY (15 %, customer {big_customer}) beats the general term for that hospital; the tube term HT-2026-TUBE (5 %) beats the general term for category `tube`.\n",
        t.promo_day - Duration::days(3),
        t.promo_day + Duration::days(3),
    );
    text
}
