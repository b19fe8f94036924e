//! What a reconciliation reports: finding codes, findings, totals.

use serde::Serialize;

use crate::model::{InvoiceLine, Text};
use crate::money::Fen;

/// Finding codes; the order is the order of the summary.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    PriceOver,
    PriceUnder,
    Rounding,
    QtyOver,
    ShippedNotInvoiced,
    InvoicedNotShipped,
    PartMismatch,
    RefurbNoConsent,
    RefurbWithConsent,
    NoDiscountTerms,
    OverlappingTerms,
    DuplicateInvoice,
    AmountMismatch,
    TaxMismatch,
    RedExceedsOriginal,
}

impl Code {
    pub const ALL: [Code; 15] = [
        Code::PriceOver,
        Code::PriceUnder,
        Code::Rounding,
        Code::QtyOver,
        Code::ShippedNotInvoiced,
        Code::InvoicedNotShipped,
        Code::PartMismatch,
        Code::RefurbNoConsent,
        Code::RefurbWithConsent,
        Code::NoDiscountTerms,
        Code::OverlappingTerms,
        Code::DuplicateInvoice,
        Code::AmountMismatch,
        Code::TaxMismatch,
        Code::RedExceedsOriginal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::PriceOver => "PRICE_OVER",
            Code::PriceUnder => "PRICE_UNDER",
            Code::Rounding => "ROUNDING",
            Code::QtyOver => "QTY_OVER",
            Code::ShippedNotInvoiced => "SHIPPED_NOT_INVOICED",
            Code::InvoicedNotShipped => "INVOICED_NOT_SHIPPED",
            Code::PartMismatch => "PART_MISMATCH",
            Code::RefurbNoConsent => "REFURB_NO_CONSENT",
            Code::RefurbWithConsent => "REFURB_WITH_CONSENT",
            Code::NoDiscountTerms => "NO_DISCOUNT_TERMS",
            Code::OverlappingTerms => "OVERLAPPING_TERMS",
            Code::DuplicateInvoice => "DUPLICATE_INVOICE",
            Code::AmountMismatch => "AMOUNT_MISMATCH",
            Code::TaxMismatch => "TAX_MISMATCH",
            Code::RedExceedsOriginal => "RED_EXCEEDS_ORIGINAL",
        }
    }
}

/// Which balance a finding's difference accounts for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Accounts {
    /// Informational: the difference is accounted for by another finding, or is not money billed.
    Nothing,
    /// Billing differences on matched lines (price, amount, no terms).
    NetDifference,
    InvoicedNotShipped,
    ShippedNotInvoiced,
}

impl Accounts {
    pub fn as_str(self) -> &'static str {
        match self {
            Accounts::Nothing => "",
            Accounts::NetDifference => "net_difference",
            Accounts::InvoicedNotShipped => "invoiced_not_shipped",
            Accounts::ShippedNotInvoiced => "shipped_not_invoiced",
        }
    }
}

/// One finding: `difference = invoiced - expected`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: &'static str,
    pub slip_no: Text,
    pub slip_line: Option<u32>,
    pub invoice_no: Text,
    pub invoice_line: Option<u32>,
    pub part_no: Text,
    pub expected: Fen,
    pub invoiced: Fen,
    pub difference: Fen,
    pub detail: String,
    pub accounts: Accounts,
}

impl Finding {
    /// A finding on one invoice line that no shipment accounts for: nothing expected, `amount`
    /// invoiced, counted in the invoiced-not-shipped balance.
    pub(super) fn unshipped(
        code: Code,
        line: &InvoiceLine,
        amount: Fen,
        detail: String,
    ) -> Finding {
        Finding {
            code,
            severity: "error",
            slip_no: line.slip_no.clone(),
            slip_line: None,
            invoice_no: line.invoice_no.clone(),
            invoice_line: Some(line.line_no),
            part_no: line.part_no.clone(),
            expected: Fen::ZERO,
            invoiced: amount,
            difference: amount,
            detail,
            accounts: Accounts::InvoicedNotShipped,
        }
    }
}

/// The totals of `summary.json`, in fen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub shipped_value: Fen,
    pub invoiced_value: Fen,
    pub matched_value: Fen,
    pub shipped_not_invoiced_value: Fen,
    pub invoiced_not_shipped_value: Fen,
    pub net_difference: Fen,
    pub explained_difference: Fen,
    pub unexplained: Fen,
}

/// Findings of one code, summed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeTotal {
    pub code: Code,
    pub count: u32,
    pub expected: Fen,
    pub invoiced: Fen,
    pub difference: Fen,
}
