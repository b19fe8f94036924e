//! The planted discrepancies of the bundled finance folder: one function per planted row, each
//! changing the clean slips and invoices and writing its row of `PLANTED.md`. The order of the
//! calls is the order of the rows (and of the slip lines drawn for them).

use std::fmt::Write as _;

use chrono::Duration;

use super::{bill_again, billed_rate, category_of, invoice_line, VAT};
use crate::gen::GenParams;
use crate::model::*;
use crate::money::{Fen, Rate};

/// The clean finance set being planted, the slip lines still free to plant on, and the rows of
/// `PLANTED.md` written so far.
pub(super) struct Planter<'a> {
    ds: &'a Dataset,
    params: &'a GenParams,
    terms: &'a [DiscountTerm],
    slips: Vec<SlipLine>,
    invoices: Vec<InvoiceLine>,
    line_of_slip: Vec<usize>,
    consents: Vec<Consent>,
    candidates: std::vec::IntoIter<usize>,
    used_slips: std::collections::BTreeSet<Text>,
    notes: String,
}

impl<'a> Planter<'a> {
    pub(super) fn new(
        ds: &'a Dataset,
        params: &'a GenParams,
        terms: &'a [DiscountTerm],
        slips: Vec<SlipLine>,
        invoices: Vec<InvoiceLine>,
        line_of_slip: Vec<usize>,
        candidates: Vec<usize>,
    ) -> Planter<'a> {
        Planter {
            ds,
            params,
            terms,
            slips,
            invoices,
            line_of_slip,
            consents: Vec::new(),
            candidates: candidates.into_iter(),
            used_slips: std::collections::BTreeSet::new(),
            notes: String::new(),
        }
    }

    /// The slips, invoices (lines emptied by a plant removed), consents and table rows.
    pub(super) fn finish(mut self) -> (Vec<SlipLine>, Vec<InvoiceLine>, Vec<Consent>, String) {
        self.invoices.retain(|l| l.qty != 0);
        (self.slips, self.invoices, self.consents, self.notes)
    }

    /// The next free slip line whose slip has no plant yet, and its invoice line.
    fn pick(&mut self) -> (usize, usize) {
        loop {
            let i = self
                .candidates
                .next()
                .expect("enough slip lines to plant every finding");
            if self.used_slips.insert(self.slips[i].slip_no.clone()) {
                return (i, self.line_of_slip[i]);
            }
        }
    }

    /// A row of the table: the finding expected, the slip line, the invoice line, what was done.
    fn note(&mut self, code: &str, slip: usize, invoice: Option<&InvoiceLine>, what: &str) {
        let slip = &self.slips[slip];
        let invoice = invoice.map_or("-".to_owned(), |l| {
            format!("{} line {}", l.invoice_no, l.line_no)
        });
        let _ = writeln!(
            self.notes,
            "| {code} | {} line {} | {invoice} | {what} |",
            slip.slip_no, slip.line_no
        );
    }

    /// A row naming the slip line's own invoice line.
    fn note_own(&mut self, code: &str, i: usize, l: usize, what: &str) {
        let line = self.invoices[l].clone();
        self.note(code, i, Some(&line), what);
    }

    /// The agreed unit price as the billing system computes it.
    fn agreed(&self, i: usize) -> Fen {
        let s = &self.slips[i];
        s.list_price.discounted(
            billed_rate(self.terms, s, &category_of(self.ds, &s.part_no)).unwrap_or(Rate(0)),
        )
    }

    /// Bills slip line `i`'s invoice line again at `qty` x `price`.
    fn rebill(&mut self, i: usize, l: usize, qty: i64, price: Fen) {
        let slip = self.slips[i].clone();
        bill_again(&mut self.invoices[l], &slip, qty, price);
    }

    /// A slip line billed again at `price(agreed, list)` per unit, with its table row.
    fn mispriced(&mut self, code: &str, price: impl Fn(Fen, Fen) -> Fen, what: &str) {
        let (i, l) = self.pick();
        let unit = price(self.agreed(i), self.slips[i].list_price);
        self.rebill(i, l, self.slips[i].qty, unit);
        self.note_own(code, i, l, what);
    }

    pub(super) fn price_over(&mut self) {
        self.mispriced(
            "PRICE_OVER",
            |_, list| list,
            "billed at list price, discount not applied",
        );
    }

    pub(super) fn price_under(&mut self) {
        self.mispriced(
            "PRICE_UNDER",
            |agreed, _| Fen((agreed.0 * 9 + 5) / 10),
            "unit price 10 % below the agreed price",
        );
    }

    pub(super) fn rounding(&mut self) {
        self.mispriced(
            "ROUNDING",
            |agreed, _| agreed + Fen(1),
            "unit price 0.01 above the agreed price (within tolerance)",
        );
    }

    pub(super) fn qty_over(&mut self) {
        let (i, l) = self.pick();
        let price = self.invoices[l].unit_price;
        self.rebill(i, l, self.slips[i].qty + 1, price);
        self.note_own("QTY_OVER", i, l, "one unit more invoiced than shipped");
    }

    pub(super) fn shipped_not_invoiced(&mut self) {
        let (i, l) = self.pick();
        self.note(
            "SHIPPED_NOT_INVOICED",
            i,
            None,
            "the invoice line was never issued",
        );
        self.invoices[l].qty = 0; // removed by `finish`
    }

    pub(super) fn part_mismatch(&mut self) {
        let (i, l) = self.pick();
        let other = self
            .ds
            .parts
            .iter()
            .find(|p| {
                *p.part_no != *self.slips[i].part_no && p.category.as_deref() == Some("console")
            })
            .map(|p| p.part_no.clone())
            .unwrap_or_else(|| "CT-CON-MON".to_owned());
        self.invoices[l].part_no = other.as_str().into();
        self.note_own(
            "PART_MISMATCH",
            i,
            l,
            &format!("invoiced as {other}, a part the slip does not carry"),
        );
    }

    pub(super) fn refurb_no_consent(&mut self) {
        let (i, l) = self.pick();
        self.slips[i].condition = Condition::Refurbished;
        self.note_own(
            "REFURB_NO_CONSENT",
            i,
            l,
            "refurbished part shipped, the hospital never consented",
        );
    }

    pub(super) fn refurb_consent_too_late(&mut self) {
        let (i, l) = self.pick();
        self.slips[i].condition = Condition::Refurbished;
        let late = self.slips[i].slip_date + Duration::days(5);
        self.note_own(
            "REFURB_NO_CONSENT",
            i,
            l,
            &format!(
                "refurbished part; the consent was granted only on {late}, after the slip date"
            ),
        );
        self.consents.push(Consent {
            hospital_id: self.slips[i].ship_to.clone(),
            granted_on: late,
            slip_no: Some(self.slips[i].slip_no.clone()),
            part_no: None,
            reference: Some("TY-2026-LATE".to_owned()),
            source_line: 0,
        });
    }

    pub(super) fn refurb_with_consent(&mut self) {
        let (i, l) = self.pick();
        self.slips[i].condition = Condition::Refurbished;
        self.consents.push(Consent {
            hospital_id: self.slips[i].ship_to.clone(),
            granted_on: self.slips[i].slip_date - Duration::days(10),
            slip_no: None,
            part_no: Some(self.slips[i].part_no.clone()),
            reference: Some("TY-2026-001".to_owned()),
            source_line: 0,
        });
        self.note_own(
            "(none)",
            i,
            l,
            "refurbished part covered by consent TY-2026-001: passes",
        );
    }

    pub(super) fn amount_mismatch(&mut self) {
        let (i, l) = self.pick();
        let line = &mut self.invoices[l];
        line.amount += Fen::yuan(100);
        line.tax_amount = Some(line.amount.scaled_by(VAT));
        self.note_own(
            "AMOUNT_MISMATCH",
            i,
            l,
            "amount 100.00 above qty x unit price",
        );
    }

    pub(super) fn tax_mismatch(&mut self) {
        let (i, l) = self.pick();
        let line = &mut self.invoices[l];
        line.tax_amount = Some(line.amount.scaled_by(Rate(600)));
        self.note_own("TAX_MISMATCH", i, l, "tax computed at 6 % on a 13 % line");
    }

    /// A red invoice against `original`, `days` later, for `qty` units (negative).
    fn red_of(original: &InvoiceLine, qty: i64, days: i64) -> InvoiceLine {
        let mut red = original.clone();
        red.invoice_no = format!("{}R", original.invoice_no).into();
        red.line_no = 1;
        red.kind = InvoiceKind::Red;
        red.original_invoice_no = Some(original.invoice_no.clone());
        red.qty = qty;
        red.amount = red.unit_price.times(red.qty);
        red.tax_amount = Some(red.amount.scaled_by(VAT));
        red.invoice_date = original.invoice_date + Duration::days(days);
        red
    }

    pub(super) fn red_exceeds_original(&mut self) {
        let (i, l) = self.pick();
        let original = self.invoices[l].clone();
        let red = Self::red_of(&original, -(original.qty + 1), 2);
        self.note(
            "RED_EXCEEDS_ORIGINAL",
            i,
            Some(&red),
            &format!(
                "credits {} units against {} invoiced",
                -red.qty, original.qty
            ),
        );
        self.invoices.push(red);
    }

    /// A correct credit and re-bill: no finding.
    pub(super) fn credit_and_rebill(&mut self) {
        let (i, l) = self.pick();
        let wrong = self.slips[i].list_price;
        let right = self.invoices[l].unit_price;
        self.rebill(i, l, self.slips[i].qty, wrong);
        let red = Self::red_of(&self.invoices[l], -self.invoices[l].qty, 4);
        let mut rebill = invoice_line(
            &format!("{}C", self.invoices[l].invoice_no),
            1,
            red.invoice_date,
            &self.slips[i],
            self.slips[i].qty,
            right,
        );
        rebill.serials.clone_from(&self.slips[i].serials);
        self.note(
            "(none)",
            i,
            Some(&red),
            &format!(
                "billed at list price, credited in full by the red invoice and re-billed correctly on {}",
                rebill.invoice_no
            ),
        );
        self.invoices.push(red);
        self.invoices.push(rebill);
    }

    /// Partial invoicing of a two-unit line across two invoices: no finding.
    pub(super) fn partial_invoicing(&mut self) {
        let (i, l) = self.pick();
        self.slips[i].qty = 2;
        let price = self.invoices[l].unit_price;
        self.rebill(i, l, 1, price);
        let second = invoice_line(
            &format!("{}P", self.invoices[l].invoice_no),
            1,
            self.invoices[l].invoice_date + Duration::days(20),
            &self.slips[i],
            1,
            price,
        );
        let first_no = self.invoices[l].invoice_no.clone();
        self.note(
            "(none)",
            i,
            Some(&second),
            &format!(
                "two units invoiced one on {first_no} and one on {}",
                second.invoice_no
            ),
        );
        self.invoices.push(second);
    }

    /// Part numbers written differently on the invoice: matched after normalisation.
    pub(super) fn part_numbers_written_differently(&mut self) {
        for (k, style) in ["lower", "spaces", "full-width"].iter().enumerate() {
            let (i, l) = self.pick();
            let p = &self.slips[i].part_no;
            let written: String = match k {
                0 => p.to_lowercase(),
                1 => format!(" {} ", p.replace('-', " - ")),
                _ => p.replace('-', "－").replace('C', "Ｃ"),
            };
            self.invoices[l].part_no = written.as_str().into();
            self.note_own(
                "(none)",
                i,
                l,
                &format!("part number written {style} ({written:?}): matches after normalisation"),
            );
        }
    }

    /// A duplicate invoice: one invoice's lines entered twice.
    pub(super) fn duplicate_invoice(&mut self) {
        let (i, l) = self.pick();
        let dup_no = self.invoices[l].invoice_no.clone();
        let copies: Vec<InvoiceLine> = self
            .invoices
            .iter()
            .filter(|x| x.invoice_no == dup_no)
            .cloned()
            .collect();
        self.note_own(
            "DUPLICATE_INVOICE",
            i,
            l,
            &format!(
                "invoice {dup_no} entered twice ({} lines repeated)",
                copies.len()
            ),
        );
        self.invoices.extend(copies);
    }

    /// An invoice line for a slip that does not exist.
    pub(super) fn invoiced_not_shipped(&mut self) {
        let (i, _) = self.pick();
        let ghost = SlipLine {
            slip_no: "CK20260999999".into(),
            line_no: 1,
            ..self.slips[i].clone()
        };
        let price = ghost.list_price.discounted(Rate(1000));
        let inv = invoice_line("FP20261099999", 1, self.params.as_of, &ghost, 1, price);
        // The row names the ghost slip, not the line it was copied from.
        let _ = writeln!(
            self.notes,
            "| INVOICED_NOT_SHIPPED | {} line {} | {} line {} | no such outbound slip exists |",
            ghost.slip_no, ghost.line_no, inv.invoice_no, inv.line_no
        );
        self.invoices.push(inv);
    }
}
