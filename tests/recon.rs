//! Reconciliation against hand-worked cases, one per finding code and rule, and properties over
//! random finance sets: totals balance to the fen and row order changes nothing.

use crate::common::assert_balanced;
use proptest::prelude::*;
use spareplan::io::{self, MemorySource};
use spareplan::money::Fen;
use spareplan::recon::{reconcile, Code, Finding, ReconParams, Reconciliation, Tolerances};

const SLIP_HEAD: &str =
    "slip_no,line_no,slip_date,part_no,qty,list_price,condition,ship_to,category,serials\n";
const INV_HEAD: &str = "invoice_no,line_no,invoice_date,slip_no,part_no,qty,unit_price,amount,tax_rate,tax_amount,kind,original_invoice_no,serials\n";
const TERM_HEAD: &str = "contract_id,valid_from,valid_to,discount_rate,customer,category,part_no\n";
const CONSENT_HEAD: &str = "hospital_id,granted_on,slip_no,part_no,reference\n";
/// 10 % for everything in 2026.
const TERMS: &str = "HT,2026-01-01,2026-12-31,0.1000,*,*,*\n";

fn run_with(slips: &str, invoices: &str, terms: &str, consents: &str) -> Reconciliation {
    let src = MemorySource::new()
        .with("slips.csv", format!("{SLIP_HEAD}{slips}"))
        .with("invoices.csv", format!("{INV_HEAD}{invoices}"))
        .with("discounts.csv", format!("{TERM_HEAD}{terms}"))
        .with("consents.csv", format!("{CONSENT_HEAD}{consents}"));
    let set = io::load_finance(&src)
        .unwrap_or_else(|e| panic!("{:#?}", e.problems()))
        .data;
    let rec = reconcile(&set, &ReconParams::default()).expect("reconciles");
    assert_balanced(&rec);
    rec
}

fn run(slips: &str, invoices: &str) -> Reconciliation {
    run_with(slips, invoices, TERMS, "")
}

fn codes(rec: &Reconciliation) -> Vec<Code> {
    rec.findings.iter().map(|f| f.code).collect()
}

fn only(rec: &Reconciliation, code: Code) -> &Finding {
    let found: Vec<&Finding> = rec.findings.iter().filter(|f| f.code == code).collect();
    assert_eq!(found.len(), 1, "{code:?} in {:#?}", rec.findings);
    found[0]
}

fn fen(s: &str) -> Fen {
    Fen::parse(s).unwrap()
}

const ONE: &str = "CK1,1,2026-03-02,P1,1,1000.00,new,H1,tube,\n";

#[test]
fn a_clean_line_gives_no_finding_and_balances() {
    let rec = run(
        ONE,
        "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,0.13,117.00,blue,,\n",
    );
    assert_eq!(codes(&rec), vec![]);
    assert_eq!(rec.totals.shipped_value, fen("900.00"));
    assert_eq!(rec.totals.invoiced_value, fen("900.00"));
    assert_eq!(rec.totals.matched_value, fen("900.00"));
}

#[test]
fn price_over_and_under() {
    let rec = run(ONE, "FP1,1,2026-03-05,CK1,P1,1,1000.00,1000.00,,,,,\n");
    let f = only(&rec, Code::PriceOver);
    assert_eq!(
        (f.expected, f.invoiced, f.difference),
        (fen("900.00"), fen("1000.00"), fen("100.00"))
    );
    assert_eq!(rec.totals.net_difference, fen("100.00"));
    let rec = run(ONE, "FP1,1,2026-03-05,CK1,P1,1,800.00,800.00,,,,,\n");
    assert_eq!(only(&rec, Code::PriceUnder).difference, fen("-100.00"));
    assert_eq!(rec.totals.net_difference, fen("-100.00"));
}

#[test]
fn rounding_within_both_tolerances_and_a_finding_beyond_either() {
    // 0.01 on 900.00: within 0.50 and within 0.1 % (0.90).
    let rec = run(ONE, "FP1,1,2026-03-05,CK1,P1,1,900.01,900.01,,,,,\n");
    let f = only(&rec, Code::Rounding);
    assert_eq!(f.severity, spareplan::recon::Severity::Info);
    assert_eq!(f.difference, fen("0.01"));
    // 0.02 on 9.00: within 0.50 but beyond 0.1 % (0.009).
    let rec = run(
        "CK1,1,2026-03-02,P1,1,10.00,new,H1,,\n",
        "FP1,1,2026-03-05,CK1,P1,1,9.02,9.02,,,,,\n",
    );
    assert_eq!(only(&rec, Code::PriceOver).difference, fen("0.02"));
    // 0.60 on 9000.00: within 0.1 % (9.00) but beyond 0.50.
    let rec = run(
        "CK1,1,2026-03-02,P1,1,10000.00,new,H1,,\n",
        "FP1,1,2026-03-05,CK1,P1,1,9000.60,9000.60,,,,,\n",
    );
    assert_eq!(only(&rec, Code::PriceOver).difference, fen("0.60"));
}

#[test]
fn tolerances_are_configurable() {
    let src = MemorySource::new()
        .with("slips.csv", format!("{SLIP_HEAD}{ONE}"))
        .with(
            "invoices.csv",
            format!("{INV_HEAD}FP1,1,2026-03-05,CK1,P1,1,900.60,900.60,,,,,\n"),
        )
        .with("discounts.csv", format!("{TERM_HEAD}{TERMS}"));
    let set = io::load_finance(&src).unwrap().data;
    let strict = reconcile(&set, &ReconParams::default()).unwrap();
    assert_eq!(codes(&strict), vec![Code::PriceOver]);
    let mut tolerances = Tolerances::default();
    tolerances.apply("price.yuan=1.00").unwrap();
    tolerances.apply("price.fraction=0.01").unwrap();
    let loose = reconcile(
        &set,
        &ReconParams {
            tolerances,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(codes(&loose), vec![Code::Rounding]);
    // Tolerances are per side: 0.60 over is beyond an upper limit of 0.50 even with a lower
    // limit of 1.00.
    let mut tolerances = Tolerances::default();
    tolerances.apply("price.lower_yuan=1.00").unwrap();
    let upper = reconcile(
        &set,
        &ReconParams {
            tolerances,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(codes(&upper), vec![Code::PriceOver]);
}

#[test]
fn units_beyond_the_slip_within_the_quantity_tolerance_are_informational() {
    // 10 shipped, 11 invoiced: one unit (10 % of the shipped value) beyond the slip.
    let slip = "CK1,1,2026-03-02,P1,10,1000.00,new,H1,,\n";
    let invoice = "FP1,1,2026-03-05,CK1,P1,11,900.00,9900.00,,,,,\n";
    let rec = run(slip, invoice);
    let f = only(&rec, Code::QtyOver);
    assert_eq!(f.severity, spareplan::recon::Severity::Error);
    assert_eq!(f.difference, fen("900.00"));
    let src = MemorySource::new()
        .with("slips.csv", format!("{SLIP_HEAD}{slip}"))
        .with("invoices.csv", format!("{INV_HEAD}{invoice}"))
        .with("discounts.csv", format!("{TERM_HEAD}{TERMS}"));
    let set = io::load_finance(&src).unwrap().data;
    let mut tolerances = Tolerances::default();
    tolerances.apply("quantity.upper_fraction=0.10").unwrap();
    tolerances.apply("quantity.upper_yuan=900.00").unwrap();
    let rec = reconcile(
        &set,
        &ReconParams {
            tolerances: tolerances.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    let f = only(&rec, Code::QtyOver);
    assert_eq!(f.severity, spareplan::recon::Severity::Info);
    assert_eq!(
        f.difference,
        fen("900.00"),
        "still accounted for in the books"
    );
    tolerances.apply("quantity.upper_fraction=0.0999").unwrap();
    let rec = reconcile(
        &set,
        &ReconParams {
            tolerances,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        only(&rec, Code::QtyOver).severity,
        spareplan::recon::Severity::Error
    );
}

#[test]
fn the_agreed_price_rounds_half_away_from_zero() {
    // 0.30 less 15 % = 0.255, which rounds to 0.26.
    let terms = "HT,2026-01-01,2026-12-31,0.1500,*,*,*\n";
    let slip = "CK1,1,2026-03-02,P1,1,0.30,new,H1,,\n";
    let rec = run_with(
        slip,
        "FP1,1,2026-03-05,CK1,P1,1,0.26,0.26,,,,,\n",
        terms,
        "",
    );
    assert_eq!(codes(&rec), vec![]);
    assert_eq!(rec.totals.shipped_value, fen("0.26"));
    let rec = run_with(
        slip,
        "FP1,1,2026-03-05,CK1,P1,1,0.25,0.25,,,,,\n",
        terms,
        "",
    );
    assert_eq!(only(&rec, Code::PriceUnder).expected, fen("0.26"));
}

#[test]
fn quantities_over_partial_and_not_invoiced() {
    let rec = run(ONE, "FP1,1,2026-03-05,CK1,P1,2,900.00,1800.00,,,,,\n");
    let f = only(&rec, Code::QtyOver);
    assert_eq!(f.difference, fen("900.00"));
    assert_eq!(rec.totals.matched_value, fen("900.00"));
    assert_eq!(rec.totals.invoiced_not_shipped_value, fen("900.00"));

    // One slip line of two units invoiced on two invoices: nothing to report.
    let two = "CK1,1,2026-03-02,P1,2,1000.00,new,H1,,\n";
    let rec = run(
        two,
        "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,,,,,\nFP2,1,2026-04-05,CK1,P1,1,900.00,900.00,,,,,\n",
    );
    assert_eq!(codes(&rec), vec![]);

    // Three shipped, two invoiced: one unit not invoiced.
    let three = "CK1,1,2026-03-02,P1,3,1000.00,new,H1,,\n";
    let rec = run(three, "FP1,1,2026-03-05,CK1,P1,2,900.00,1800.00,,,,,\n");
    let f = only(&rec, Code::ShippedNotInvoiced);
    assert_eq!((f.expected, f.difference), (fen("900.00"), fen("-900.00")));
    assert_eq!(rec.totals.shipped_not_invoiced_value, fen("900.00"));

    let rec = run(ONE, "");
    assert_eq!(only(&rec, Code::ShippedNotInvoiced).expected, fen("900.00"));
}

#[test]
fn invoiced_not_shipped_and_part_mismatch() {
    let rec = run(ONE, "FP1,1,2026-03-05,CK9,P1,1,900.00,900.00,,,,,\n");
    let f = only(&rec, Code::InvoicedNotShipped);
    assert_eq!(f.difference, fen("900.00"));
    assert!(f.detail.contains("no outbound slip CK9"));
    let rec = run(ONE, "FP1,1,2026-03-05,CK1,P2,1,900.00,900.00,,,,,\n");
    let f = only(&rec, Code::PartMismatch);
    assert!(f.detail.contains("carries line 1 P1"), "{}", f.detail);
    assert_eq!(only(&rec, Code::ShippedNotInvoiced).expected, fen("900.00"));
}

#[test]
fn part_numbers_match_after_normalisation_and_say_so() {
    let slip = "CK1,1,2026-03-02,CT-DET-M64,1,1000.00,new,H1,,\n";
    let rec = run(
        slip,
        "FP1,1,2026-03-05,CK1,\" ct - det－m64 \",1,900.00,900.00,,,,,\n",
    );
    assert_eq!(codes(&rec), vec![]);
    let rec = run(
        slip,
        "FP1,1,2026-03-05,CK1,ＣＴ－ＤＥＴ－Ｍ６４,1,950.00,950.00,,,,,\n",
    );
    let f = only(&rec, Code::PriceOver);
    assert!(f.detail.contains("normalised to CTDETM64"), "{}", f.detail);
}

#[test]
fn refurbished_parts_need_a_consent_granted_by_the_slip_date() {
    let slip = "CK1,1,2026-03-02,P1,1,1000.00,refurbished,H1,,\n";
    let inv = "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,,,,,\n";
    let rec = run_with(slip, inv, TERMS, "");
    assert!(only(&rec, Code::RefurbNoConsent)
        .detail
        .contains("no consent"));
    let rec = run_with(slip, inv, TERMS, "H1,2026-03-02,CK1,,TY-7\n");
    assert_eq!(codes(&rec), vec![Code::RefurbWithConsent]);
    assert!(rec.findings[0].detail.contains("TY-7"));
    let rec = run_with(slip, inv, TERMS, "H1,2026-03-03,,,late\n");
    assert!(only(&rec, Code::RefurbNoConsent)
        .detail
        .contains("granted on 2026-03-03, after"));
    // A consent for another slip or another hospital does not cover it.
    let rec = run_with(slip, inv, TERMS, "H1,2026-01-01,CK2,,\nH2,2026-01-01,,,\n");
    assert_eq!(codes(&rec), vec![Code::RefurbNoConsent]);
    // A consent naming the part covers it, whatever the part number's spelling.
    let rec = run_with(slip, inv, TERMS, "H1,2026-01-01,,p-1,\n");
    assert_eq!(codes(&rec), vec![Code::RefurbWithConsent]);
}

#[test]
fn the_most_specific_term_sets_the_price() {
    let terms = "ALL,2026-01-01,2026-12-31,0.1000,*,*,*\n\
                 CAT,2026-01-01,2026-12-31,0.0800,*,tube,*\n\
                 CUSTCAT,2026-01-01,2026-12-31,0.0700,H1,tube,*\n\
                 PART,2026-01-01,2026-12-31,0.0500,*,*,P1\n\
                 CUST,2026-01-01,2026-12-31,0.1500,H2,*,*\n";
    let slips = "CK1,1,2026-03-02,P1,1,1000.00,new,H1,tube,\n\
                 CK1,2,2026-03-02,P2,1,1000.00,new,H1,tube,\n\
                 CK1,3,2026-03-02,P3,1,1000.00,new,H3,tube,\n\
                 CK1,4,2026-03-02,P3,1,1000.00,new,H2,power,\n\
                 CK1,5,2026-03-02,P4,1,1000.00,new,H3,power,\n";
    let rec = run_with(slips, "", terms, "");
    let expected: Vec<Fen> = rec
        .findings
        .iter()
        .filter(|f| f.code == Code::ShippedNotInvoiced)
        .map(|f| f.expected)
        .collect();
    // part 5 %, customer+category 7 %, category 8 %, customer 15 %, all 10 %.
    assert_eq!(
        expected,
        vec![
            fen("950.00"),
            fen("930.00"),
            fen("920.00"),
            fen("850.00"),
            fen("900.00")
        ]
    );
}

#[test]
fn a_rate_change_on_the_last_day_of_a_term() {
    let terms = "OLD,2026-01-01,2026-03-31,0.1000,*,*,*\nNEW,2026-04-01,2026-12-31,0.1200,*,*,*\n";
    let slips = "CK1,1,2026-03-31,P1,1,1000.00,new,H1,,\nCK2,1,2026-04-01,P1,1,1000.00,new,H1,,\n";
    let inv = "FP1,1,2026-04-02,CK1,P1,1,900.00,900.00,,,,,\nFP1,2,2026-04-02,CK2,P1,1,880.00,880.00,,,,,\n";
    let rec = run_with(slips, inv, terms, "");
    assert_eq!(codes(&rec), vec![]);
    assert_eq!(rec.totals.shipped_value, fen("1780.00"));
}

#[test]
fn no_discount_terms_is_never_a_silent_zero() {
    let terms = "OLD,2026-01-01,2026-03-01,0.1000,*,*,*\n";
    let rec = run_with(
        ONE,
        "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,,,,,\n",
        terms,
        "",
    );
    let (gap, lines): (Vec<&Finding>, Vec<&Finding>) = rec
        .findings
        .iter()
        .filter(|f| f.code == Code::NoDiscountTerms)
        .partition(|f| f.slip_line.is_none());
    assert_eq!((gap.len(), lines.len()), (1, 1), "{:#?}", rec.findings);
    let f = lines[0];
    assert_eq!(f.severity, spareplan::recon::Severity::Warning);
    assert_eq!(f.expected, fen("1000.00"));
    assert_eq!(f.difference, fen("-100.00"));
    assert!(f.detail.contains("2026-03-02"));
    let g = gap[0];
    assert_eq!(g.severity, spareplan::recon::Severity::Error);
    assert!(
        g.detail.contains("every day from 2026-03-02 on"),
        "{}",
        g.detail
    );
    assert!(g.detail.contains("OLD ends 2026-03-01"), "{}", g.detail);
    assert!(g.detail.contains("1 slip line(s)"), "{}", g.detail);
    // Not invoiced at all: still reported.
    let rec = run_with(ONE, "", terms, "");
    assert_eq!(
        codes(&rec)
            .into_iter()
            .filter(|c| *c == Code::NoDiscountTerms)
            .count(),
        2
    );
}

#[test]
fn a_gap_in_the_terms_is_one_finding_counting_the_lines_it_leaves_unpriced() {
    // A ends 03-09, B starts 03-13: 03-10 to 03-12 uncovered. Three slip lines fall there, one
    // of them a tube part covered by the tube term; a fourth line is dated inside A.
    let terms = "A,2026-01-01,2026-03-09,0.1000,*,*,*\n\
                 B,2026-03-13,2026-12-31,0.1100,*,*,*\n\
                 T,2026-01-01,2026-12-31,0.0500,*,tube,*\n";
    let slips = "CK1,1,2026-03-10,P1,1,1000.00,new,H1,,\n\
                 CK2,1,2026-03-12,P2,2,500.00,new,H2,,\n\
                 CK3,1,2026-03-11,P3,1,800.00,new,H1,tube,\n\
                 CK4,1,2026-03-09,P1,1,1000.00,new,H1,,\n";
    let invoices = "FP1,1,2026-03-15,CK1,P1,1,900.00,900.00,,,,,\n";
    let rec = run_with(slips, invoices, terms, "");
    let gaps: Vec<&Finding> = rec
        .findings
        .iter()
        .filter(|f| f.code == Code::NoDiscountTerms && f.slip_line.is_none())
        .collect();
    assert_eq!(gaps.len(), 1, "{:#?}", rec.findings);
    let d = &gaps[0].detail;
    assert!(d.contains("2026-03-10 to 2026-03-12"), "{d}");
    assert!(d.contains("A ends 2026-03-09, B starts 2026-03-13"), "{d}");
    // CK1 and CK2 are unpriced (CK3 is a tube part): 1,000.00 + 2 x 500.00 at list price.
    assert!(d.contains("2 slip line(s)"), "{d}");
    assert!(
        d.contains("(1 invoiced; 2,000.00 yuan at list price)"),
        "{d}"
    );
    let unpriced: Vec<&str> = rec
        .findings
        .iter()
        .filter(|f| f.code == Code::NoDiscountTerms && f.slip_line.is_some())
        .map(|f| &*f.slip_no)
        .collect();
    assert_eq!(unpriced, vec!["CK1", "CK2"]);
    assert_balanced(&rec);
}

#[test]
fn overlapping_equally_specific_terms_are_reported() {
    let terms = "A,2026-01-01,2026-06-30,0.1000,*,*,*\nB,2026-03-01,2026-12-31,0.1200,*,*,*\n";
    let rec = run_with(
        ONE,
        "FP1,1,2026-03-05,CK1,P1,1,880.00,880.00,,,,,\n",
        terms,
        "",
    );
    let term_level: Vec<&Finding> = rec
        .findings
        .iter()
        .filter(|f| f.code == Code::OverlappingTerms && f.slip_no.is_empty())
        .collect();
    assert_eq!(term_level.len(), 1);
    let d = &term_level[0].detail;
    assert!(d.contains("overlap from 2026-03-01 to 2026-06-30"), "{d}");
    assert!(d.contains("(all parts, all customers)"), "{d}");
    assert!(d.contains("1 slip line(s) fall in the overlap"), "{d}");
    // The line is priced with the later-starting term (12 %) and says so.
    let line = rec
        .findings
        .iter()
        .find(|f| f.code == Code::OverlappingTerms && &*f.slip_no == "CK1")
        .expect("line-level finding");
    assert!(line.detail.contains("priced with B"), "{}", line.detail);
    assert!(!codes(&rec).contains(&Code::PriceUnder));
}

#[test]
fn duplicate_invoices_are_flagged_and_not_matched_twice() {
    let inv = "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,,,,,\n";
    let rec = run(ONE, &format!("{inv}{inv}"));
    let f = only(&rec, Code::DuplicateInvoice);
    assert_eq!(f.difference, fen("900.00"));
    assert!(!codes(&rec).contains(&Code::QtyOver));
    assert_eq!(rec.totals.invoiced_value, fen("1800.00"));
    // The same number on another date.
    let rec = run(
        "CK1,1,2026-03-02,P1,1,1000.00,new,H1,,\nCK1,2,2026-03-02,P2,1,1000.00,new,H1,,\n",
        "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,,,,,\nFP1,2,2026-04-05,CK1,P2,1,900.00,900.00,,,,,\n",
    );
    let f = only(&rec, Code::DuplicateInvoice);
    assert!(f.detail.contains("2 different dates"));
}

#[test]
fn red_invoices_net_against_their_originals() {
    let two = "CK1,1,2026-03-02,P1,2,1000.00,new,H1,,\n";
    let rec = run(
        two,
        "FP1,1,2026-03-05,CK1,P1,2,900.00,1800.00,,,,,\nFP1R,1,2026-03-09,CK1,P1,-1,900.00,-900.00,,,red,FP1,\n",
    );
    assert_eq!(only(&rec, Code::ShippedNotInvoiced).expected, fen("900.00"));
    assert_eq!(rec.totals.invoiced_value, fen("900.00"));
    // Billed at list price, credited in full and billed again correctly: nothing to report.
    let rec = run(
        ONE,
        "FP1,1,2026-03-05,CK1,P1,1,1000.00,1000.00,,,,,\nFP1R,1,2026-03-09,CK1,P1,-1,1000.00,-1000.00,,,red,FP1,\nFP2,1,2026-03-09,CK1,P1,1,900.00,900.00,,,,,\n",
    );
    assert_eq!(codes(&rec), vec![]);
}

#[test]
fn a_red_invoice_may_not_credit_more_than_its_original_holds() {
    let rec = run(
        ONE,
        "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,,,,,\nFP1R,1,2026-03-09,CK1,P1,-2,900.00,-1800.00,,,red,FP1,\n",
    );
    let f = only(&rec, Code::RedExceedsOriginal);
    assert_eq!(f.difference, fen("-900.00"));
    let rec = run(
        ONE,
        "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,,,,,\nFP9R,1,2026-03-09,CK1,P1,-1,900.00,-900.00,,,red,FP9,\n",
    );
    assert!(only(&rec, Code::RedExceedsOriginal)
        .detail
        .contains("FP9 does not exist"));
}

#[test]
fn amount_and_tax_mismatches() {
    let rec = run(
        ONE,
        "FP1,1,2026-03-05,CK1,P1,1,900.00,905.00,0.13,117.65,,,\n",
    );
    assert_eq!(only(&rec, Code::AmountMismatch).difference, fen("5.00"));
    assert_eq!(codes(&rec).len(), 1, "tax 13 % of 905.00 is 117.65");
    let rec = run(
        ONE,
        "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,0.13,54.00,,,\n",
    );
    let f = only(&rec, Code::TaxMismatch);
    assert_eq!((f.expected, f.difference), (fen("117.00"), fen("-63.00")));
}

#[test]
fn equal_candidates_are_chosen_deterministically_and_the_detail_says_so() {
    let slips = "CK1,1,2026-03-02,P1,1,1000.00,new,H1,,\nCK1,2,2026-03-02,P1,1,1000.00,new,H1,,\n";
    let rec = run(slips, "FP1,1,2026-03-05,CK1,P1,1,950.00,950.00,,,,,\n");
    let f = only(&rec, Code::PriceOver);
    assert_eq!(f.slip_line, Some(1));
    assert!(
        f.detail.contains("slip lines 1, 2 all carry this part"),
        "{}",
        f.detail
    );
    assert_eq!(only(&rec, Code::ShippedNotInvoiced).slip_line, Some(2));
}

#[test]
fn one_invoice_covers_several_slips() {
    let slips = "CK1,1,2026-03-02,P1,1,1000.00,new,H1,,\nCK2,1,2026-03-03,P2,1,500.00,new,H1,,\n";
    let rec = run(
        slips,
        "FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,,,,,\nFP1,2,2026-03-05,CK2,P2,1,450.00,450.00,,,,,\n",
    );
    assert_eq!(codes(&rec), vec![]);
    assert_eq!(rec.totals.matched_value, fen("1350.00"));
}

#[test]
fn the_bundled_finance_folder_shows_every_planted_kind() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china/finance");
    let set = io::load_finance(&io::DirSource::new(dir)).unwrap().data;
    let rec = reconcile(&set, &ReconParams::default()).unwrap();
    assert_balanced(&rec);
    let found: std::collections::BTreeSet<Code> = codes(&rec).into_iter().collect();
    // Every code of the contract, and the consent that passes.
    // INVALID_LINE is for lines that fail validation; the bundled folder has none (tested apart).
    for code in Code::ALL.iter().filter(|&&c| c != Code::InvalidLine) {
        assert!(found.contains(code), "{code:?} missing");
    }
    // Exactly the planted price findings, nothing more.
    assert_eq!(
        codes(&rec)
            .iter()
            .filter(|c| **c == Code::PriceOver)
            .count(),
        1
    );
    assert_eq!(
        codes(&rec)
            .iter()
            .filter(|c| **c == Code::PriceUnder)
            .count(),
        1
    );
    assert_eq!(
        codes(&rec).iter().filter(|c| **c == Code::QtyOver).count(),
        1
    );
    assert_eq!(
        codes(&rec)
            .iter()
            .filter(|c| **c == Code::RefurbNoConsent)
            .count(),
        2
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn totals_balance_and_row_order_changes_nothing(
        seed in 0u64..1_000_000,
        lines in 1usize..120,
        swaps in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..40),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..5), 0..10),
    ) {
        let mut set = spareplan::gen::finance::synthetic(lines, seed);
        // Random damage: prices, quantities, lost and repeated lines, credits.
        for (at, what) in edits {
            if set.invoices.is_empty() { break; }
            let i = at.index(set.invoices.len());
            match what {
                0 => set.invoices[i].unit_price += Fen(137),
                1 => { set.invoices[i].qty += 1; }
                2 => { set.invoices.remove(i); }
                3 => { let copy = set.invoices[i].clone(); set.invoices.push(copy); }
                _ => {
                    let mut red = set.invoices[i].clone();
                    red.kind = spareplan::model::InvoiceKind::Red;
                    red.original_invoice_no = Some(red.invoice_no.clone());
                    red.invoice_no = format!("{}R", red.invoice_no).into();
                    red.qty = -red.qty.abs();
                    red.amount = red.unit_price.times(red.qty);
                    set.invoices.push(red);
                }
            }
        }
        let params = ReconParams::default();
        let a = reconcile(&set, &params).unwrap();
        assert_balanced(&a);
        let mut shuffled = set.clone();
        for (x, y) in &swaps {
            let n = shuffled.invoices.len();
            if n > 0 { shuffled.invoices.swap(x.index(n), y.index(n)); }
            let m = shuffled.slips.len();
            shuffled.slips.swap(x.index(m), y.index(m));
        }
        shuffled.invoices.reverse();
        shuffled.discounts.reverse();
        let b = reconcile(&shuffled, &params).unwrap();
        prop_assert_eq!(&a.findings, &b.findings);
        prop_assert_eq!(&a.totals, &b.totals);
    }
}

/// A line that fails validation is blocked as INVALID_LINE with its validation message, the other
/// lines of its invoice are blocked with it, the rest is reconciled and the books still balance;
/// `--strict` (the strict loader) refuses the extract instead.
#[test]
fn an_invalid_line_is_blocked_with_its_invoice_and_the_rest_reconciled() {
    let invoices = "invoice_no,line_no,invoice_date,slip_no,part_no,qty,unit_price,amount,tax_rate,tax_amount,kind,original_invoice_no,serials\n\
                    FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,0.13,117.00,blue,,S1\n\
                    FP1,2,2026-03-05,CK1,P2,abc,9.00,18.00,0.13,2.34,blue,,\n\
                    FP2,1,2026-03-06,CK1,P2,2,9.00,18.00,0.13,2.34,blue,,\n";
    let src = crate::common::finance().with("invoices.csv", invoices);
    assert!(io::load_finance(&src).is_err(), "the strict loader refuses");
    let set = io::load_finance_blocking(&src)
        .expect("blocked, not refused")
        .data;
    assert_eq!(set.blocked.len(), 1);
    assert_eq!(
        (set.blocked[0].line, set.blocked[0].number.as_str()),
        (3, "FP1")
    );
    let rec = reconcile(&set, &ReconParams::default()).expect("reconciles");
    assert_balanced(&rec);
    let invalid: Vec<&spareplan::recon::Finding> = rec
        .findings
        .iter()
        .filter(|f| f.code == Code::InvalidLine)
        .collect();
    assert_eq!(invalid.len(), 2, "the bad line and the other line of FP1");
    assert!(invalid
        .iter()
        .any(|f| f.detail.contains("invoices.csv line 3") && f.detail.contains("qty")));
    assert!(invalid.iter().all(|f| &*f.invoice_no == "FP1"));
    assert_eq!(rec.blocked_lines, 2);
    assert_eq!(rec.blocked_invoiced_value, spareplan::money::Fen(90_000));
    // FP2 is reconciled as usual.
    assert!(rec
        .findings
        .iter()
        .all(|f| &*f.invoice_no != "FP2" || f.code != Code::InvalidLine));
}
