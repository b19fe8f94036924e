//! Verdicts per invoice, statements per hospital, and lines blocked at validation.

use crate::common::assert_balanced;
use proptest::prelude::*;
use spareplan::io::{self, MemorySource};
use spareplan::money::Fen;
use spareplan::recon::{
    reconcile, Code, InvoiceVerdict, ReconParams, Reconciliation, Section, Verdict,
};

fn fen(s: &str) -> Fen {
    Fen::parse(s).unwrap()
}

fn verdict<'r>(rec: &'r Reconciliation, number: &str) -> &'r InvoiceVerdict {
    rec.invoices
        .iter()
        .find(|v| &*v.invoice_no == number)
        .unwrap_or_else(|| panic!("no verdict for {number}"))
}

/// The planted discrepancies of `data/china/finance/PLANTED.md`, invoice by invoice: each
/// expected value is the invoice's billed total less the planted difference.
#[test]
fn the_planted_invoices_get_the_verdicts_a_clerk_would_give() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china/finance");
    let set = io::load_finance(&io::DirSource::new(dir)).unwrap().data;
    let rec = reconcile(&set, &ReconParams::default()).unwrap();
    let check = |number: &str, v: Verdict, code: Option<Code>, invoiced: &str, expected: &str| {
        let got = verdict(&rec, number);
        assert_eq!(got.verdict, v, "{number}: {got:#?}");
        if let Some(c) = code {
            assert!(got.codes().any(|x| x == c), "{number}: {got:#?}");
        }
        assert_eq!(got.invoiced, fen(invoiced), "{number}");
        assert_eq!(got.expected, Some(fen(expected)), "{number}");
    };
    // Billed at list price 66,700.00 where 60,030.00 was agreed (10 % off): 6,670.00 over.
    check(
        "FP20260800528",
        Verdict::Blocked,
        Some(Code::PriceOver),
        "82360.00",
        "75690.00",
    );
    // 10 % under the agreed 6,003.00: 600.30 under.
    check(
        "FP20260901137",
        Verdict::Blocked,
        Some(Code::PriceUnder),
        "21062.70",
        "21663.00",
    );
    // 0.01 over, within the tolerance: a note, not a block.
    check(
        "FP20260800859",
        Verdict::ClearedWithNote,
        Some(Code::Rounding),
        "28710.01",
        "28710.00",
    );
    // One unit more than shipped, at 12,259.75.
    check(
        "FP20261001712",
        Verdict::Blocked,
        Some(Code::QtyOver),
        "112273.50",
        "100013.75",
    );
    // A part the slip does not carry: 14,355.00 billed for nothing shipped.
    check(
        "FP20260901330",
        Verdict::Blocked,
        Some(Code::PartMismatch),
        "28710.00",
        "14355.00",
    );
    // Refurbished parts without consent; one with consent passes with a note.
    assert_eq!(verdict(&rec, "FP20260901351").verdict, Verdict::Blocked);
    assert_eq!(verdict(&rec, "FP20261001480").verdict, Verdict::Blocked);
    let consented = verdict(&rec, "FP20261001539");
    assert_eq!(consented.verdict, Verdict::ClearedWithNote);
    assert!(consented.codes().any(|c| c == Code::RefurbWithConsent));
    // 100.00 more than quantity x price.
    check(
        "FP20260901256",
        Verdict::Blocked,
        Some(Code::AmountMismatch),
        "435709.00",
        "435609.00",
    );
    // Tax at 6 % on a 13 % line: the amount is right, the invoice is still blocked.
    let tax = verdict(&rec, "FP20260700182");
    assert_eq!(
        (tax.verdict, tax.expected),
        (Verdict::Blocked, Some(tax.invoiced))
    );
    // Entered twice: the copy (1,349,950.00) is not owed.
    check(
        "FP20260700388",
        Verdict::Blocked,
        Some(Code::DuplicateInvoice),
        "2699900.00",
        "1349950.00",
    );
    // No such slip: nothing is owed.
    check(
        "FP20261099999",
        Verdict::Blocked,
        Some(Code::InvoicedNotShipped),
        "203580.00",
        "0.00",
    );
    // Credits 2 units against 1 invoiced: the original is credited in full (a note), the red
    // invoice is blocked for the unit it credits too many.
    let original = verdict(&rec, "FP20260901257");
    assert_eq!(original.verdict, Verdict::ClearedWithNote);
    assert_eq!(
        (original.credited, original.expected),
        (fen("-52345.00"), Some(Fen::ZERO))
    );
    let red = verdict(&rec, "FP20260901257R");
    assert_eq!(red.verdict, Verdict::Blocked);
    assert_eq!(
        (red.invoiced, red.expected),
        (fen("-104690.00"), Some(fen("-52345.00")))
    );
    // Billed at list price, credited in full and billed again correctly: cleared.
    let rebilled = verdict(&rec, "FP20261001579");
    assert_eq!(rebilled.verdict, Verdict::ClearedWithNote);
    assert_eq!(rebilled.credited, fen("-66700.00"));
    assert_eq!(verdict(&rec, "FP20261001579C").verdict, Verdict::Cleared);
    // Normalised part numbers and an invoice split in two pass.
    for clean in [
        "FP20261001838",
        "FP20260700330",
        "FP20260800891",
        "FP20261001927",
        "FP20261001927P",
    ] {
        assert_eq!(verdict(&rec, clean).verdict, Verdict::Cleared, "{clean}");
    }
    // Every invoice with a line in the gap of the terms is blocked: its price cannot be checked.
    let in_gap: std::collections::BTreeSet<&str> = rec
        .findings
        .iter()
        .filter(|f| f.code == Code::NoDiscountTerms && !f.invoice_no.is_empty())
        .map(|f| &*f.invoice_no)
        .collect();
    assert!(!in_gap.is_empty());
    for number in in_gap {
        assert_eq!(verdict(&rec, number).verdict, Verdict::Blocked, "{number}");
    }
    // One verdict per invoice number, in number order; a clean invoice expects what it bills.
    let numbers: std::collections::BTreeSet<&str> =
        set.invoices.iter().map(|l| &*l.invoice_no).collect();
    assert_eq!(rec.invoices.len(), numbers.len());
    assert!(rec
        .invoices
        .windows(2)
        .all(|w| w[0].invoice_no < w[1].invoice_no));
    let clean = verdict(&rec, "FP20260700001");
    assert_eq!(clean.verdict, Verdict::Cleared);
    assert_eq!(clean.expected, Some(clean.invoiced));
}

const SLIP_HEAD: &str =
    "slip_no,line_no,slip_date,part_no,qty,list_price,condition,ship_to,category,serials\n";
const INV_HEAD: &str = "invoice_no,line_no,invoice_date,slip_no,part_no,qty,unit_price,amount,tax_rate,tax_amount,kind,original_invoice_no,serials\n";
const TERMS: &str = "contract_id,valid_from,valid_to,discount_rate,customer,category,part_no\nHT,2026-01-01,2026-12-31,0.1000,*,*,*\n";

/// A statement worked by hand: H1 is shipped 2 x 1,000.00 and 1 x 500.00 (10 % off: 1,800.00
/// and 450.00 agreed), billed 1 unit of P1 (900.00) and P2 at list price (500.00, blocked),
/// credited 0.00; one unit of P1 is open (900.00).
#[test]
fn a_statement_lists_shipments_invoices_and_open_items_with_totals_worked_by_hand() {
    let src = MemorySource::new()
        .with(
            "slips.csv",
            format!(
                "{SLIP_HEAD}CK1,1,2026-03-02,P1,2,1000.00,new,H1,,\nCK1,2,2026-03-02,P2,1,500.00,new,H1,,\nCK2,1,2026-03-04,P1,1,1000.00,new,H2,,\n"
            ),
        )
        .with(
            "invoices.csv",
            format!(
                "{INV_HEAD}FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,,,,,\nFP2,1,2026-03-06,CK1,P2,1,500.00,500.00,,,,,\nFP3,1,2026-03-07,CK2,P1,1,900.00,900.00,,,,,\n"
            ),
        )
        .with("discounts.csv", TERMS);
    let set = io::load_finance(&src).unwrap().data;
    let params = ReconParams {
        statements: true,
        ..ReconParams::default()
    };
    let rec = reconcile(&set, &params).unwrap();
    assert_eq!(rec.statements.len(), 2);
    let h1 = &rec.statements[0];
    assert_eq!(&*h1.hospital, "H1");
    assert_eq!(h1.shipped, fen("2250.00"));
    assert_eq!(h1.invoiced, fen("1400.00"));
    assert_eq!(h1.credited, Fen::ZERO);
    assert_eq!(h1.not_invoiced, fen("900.00"));
    assert_eq!(
        h1.under_review,
        fen("500.00"),
        "FP2 is blocked (PRICE_OVER)"
    );
    assert_eq!(h1.due(), fen("900.00"));
    let sections: Vec<(Section, &str, &str)> = h1
        .rows
        .iter()
        .map(|r| (r.section, &*r.document_no, r.status))
        .collect();
    assert_eq!(
        sections,
        vec![
            (Section::Shipped, "CK1", "partly invoiced"),
            (Section::Shipped, "CK1", "invoiced"),
            (Section::Invoiced, "FP1", "cleared"),
            (Section::Invoiced, "FP2", "blocked"),
            (Section::NotInvoiced, "CK1", "open"),
        ]
    );
    let h2 = &rec.statements[1];
    assert_eq!(
        (h2.shipped, h2.invoiced, h2.due()),
        (fen("900.00"), fen("900.00"), fen("900.00"))
    );
    // Without asking, none.
    assert!(reconcile(&set, &ReconParams::default())
        .unwrap()
        .statements
        .is_empty());
}

/// One way a cell can fail validation: the file (slips or invoices), the column and the value.
const DAMAGE: &[(bool, &str, &str)] = &[
    (true, "qty", "0"),
    (true, "qty", "abc"),
    (true, "list_price", "-5.00"),
    (true, "list_price", "12.345"),
    (true, "slip_date", "2026-02-30"),
    (true, "condition", "used"),
    (true, "line_no", "x"),
    (true, "part_no", ""),
    (true, "ship_to", "1.2E+05"),
    (false, "qty", "abc"),
    (false, "qty", "-1"),
    (false, "unit_price", "-1.00"),
    (false, "amount", "1.234"),
    (false, "invoice_date", "2026-13-01"),
    (false, "kind", "green"),
    (false, "slip_no", ""),
    (false, "invoice_no", "ＦＰ1"),
    (false, "tax_rate", "2.5"),
];

/// Replaces the cell of `column` on data line `row` (0-based after the header) of a CSV text.
fn damage(csv: &str, row: usize, column: &str, value: &str) -> String {
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    let col = lines[0]
        .split(',')
        .position(|c| c == column)
        .expect("column");
    let at = 1 + row % (lines.len() - 1);
    let mut cells: Vec<String> = lines[at].split(',').map(str::to_owned).collect();
    cells[col] = value.to_owned();
    lines[at] = cells.join(",");
    lines.join("\n") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Lines blocked by any validation rule are left out whole with their invoices, and what is
    /// reconciled still balances to the fen; the invoiced amount held back is exactly the amount
    /// of the readable lines of the blocked invoices.
    #[test]
    fn blocked_lines_keep_the_books_balanced_to_the_fen(
        seed in 0u64..1_000_000,
        lines in 4usize..60,
        hits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..1000), 1..6),
    ) {
        let set = spareplan::gen::finance::synthetic(lines, seed);
        let files = io::write::finance_files(&set);
        let text = |name: &str| {
            String::from_utf8(files.iter().find(|(n, _)| *n == name).unwrap().1.clone()).unwrap()
        };
        let (mut slips, mut invoices) = (text("slips.csv"), text("invoices.csv"));
        for (rule, row) in &hits {
            let (slip, column, value) = DAMAGE[rule.index(DAMAGE.len())];
            if slip {
                slips = damage(&slips, *row, column, value);
            } else if invoices.lines().count() > 1 {
                invoices = damage(&invoices, *row, column, value);
            }
        }
        let mut src = MemorySource::new()
            .with("slips.csv", slips)
            .with("invoices.csv", invoices)
            .with("discounts.csv", text("discounts.csv"));
        if let Some((_, c)) = files.iter().find(|(n, _)| *n == "consents.csv") {
            src = src.with("consents.csv", c.clone());
        }
        let loaded = io::load_finance_blocking(&src);
        prop_assert!(loaded.is_ok(), "a bad line blocks, it does not refuse the extract");
        let set = loaded.unwrap().data;
        prop_assert!(!set.blocked.is_empty());
        let rec = reconcile(&set, &ReconParams::default()).unwrap();
        assert_balanced(&rec);
        // The invoices blocked: those with a bad line, and those billing a slip with one.
        let bad_slips: std::collections::BTreeSet<&str> =
            set.blocked.iter().filter(|b| b.slip).map(|b| b.number.as_str()).collect();
        let mut blocked: std::collections::BTreeSet<&str> =
            set.blocked.iter().filter(|b| !b.slip && !b.number.is_empty()).map(|b| b.number.as_str()).collect();
        for l in &set.invoices {
            if bad_slips.contains(&*l.slip_no) {
                blocked.insert(&l.invoice_no);
            }
        }
        let held: Fen = set
            .invoices
            .iter()
            .filter(|l| blocked.contains(&*l.invoice_no))
            .map(|l| l.amount)
            .sum();
        prop_assert_eq!(rec.blocked_invoiced_value, held);
        // No blocked invoice is reconciled: its only findings are INVALID_LINE, its verdict blocked.
        for f in &rec.findings {
            if blocked.contains(&*f.invoice_no) {
                prop_assert_eq!(f.code, Code::InvalidLine, "{:?}", f);
            }
        }
        for number in &blocked {
            prop_assert_eq!(verdict(&rec, number).verdict, Verdict::Blocked);
            prop_assert_eq!(verdict(&rec, number).expected, None);
        }
        // What is reconciled is exactly the rest.
        let reconciled: Fen = set
            .invoices
            .iter()
            .filter(|l| !blocked.contains(&*l.invoice_no))
            .map(|l| l.amount)
            .sum();
        prop_assert_eq!(rec.totals.invoiced_value, reconciled);
    }
}

/// Statement files are named by hospital id, made safe for a file name and never the same twice.
#[test]
fn statement_files_are_one_per_hospital_even_when_ids_look_alike() {
    let src = MemorySource::new()
        .with(
            "slips.csv",
            format!(
                "{SLIP_HEAD}CK1,1,2026-03-02,P1,1,10.00,new,A/1,,\nCK2,1,2026-03-02,P1,1,10.00,new,A_1,,\nCK3,1,2026-03-02,P1,1,10.00,new,index,,\n"
            ),
        )
        .with("invoices.csv", INV_HEAD)
        .with("discounts.csv", TERMS);
    let set = io::load_finance(&src).unwrap().data;
    let params = ReconParams {
        statements: true,
        ..ReconParams::default()
    };
    let rec = reconcile(&set, &params).unwrap();
    let files = io::recon_output::statement_files(&rec);
    assert_eq!(
        files,
        vec![
            "statements/A_1.csv",
            "statements/A_1-2.csv",
            "statements/index-2.csv"
        ]
    );
}
