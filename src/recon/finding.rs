//! What a reconciliation reports: finding codes (declared once, with their contract spelling
//! and usual severity), findings and their builders, totals.

use serde::Serialize;

use crate::model::{InvoiceLine, SlipLine, Text};
use crate::money::Fen;

/// How much a finding matters.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: nothing to correct.
    Info,
    /// To look at; the books still close.
    Warning,
    /// A billing error to correct.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Declares the finding codes once: the enum (in summary order), its list, the contract's
/// spelling and each code's usual severity.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident => $text:literal, $severity:ident;)*) => {
        /// Finding codes; the order is the order of the summary.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Code {
            $($(#[$doc])* #[serde(rename = $text)] $name,)*
        }

        impl Code {
            /// Every code, in declaration (summary) order: `Code::ALL[c as usize] == c`.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as the data contract spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $text,)*
                }
            }

            /// The severity a finding of this code has unless its check says otherwise.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$name => Severity::$severity,)*
                }
            }
        }
    };
}

codes! {
    /// The unit price is over the agreed price beyond the tolerance.
    PriceOver => "PRICE_OVER", Error;
    /// The unit price is under the agreed price beyond the tolerance.
    PriceUnder => "PRICE_UNDER", Error;
    /// A price or amount difference within both tolerances.
    Rounding => "ROUNDING", Info;
    /// More units invoiced than the slip shipped.
    QtyOver => "QTY_OVER", Error;
    /// Shipped units no invoice bills.
    ShippedNotInvoiced => "SHIPPED_NOT_INVOICED", Warning;
    /// An invoice line for a slip that does not exist.
    InvoicedNotShipped => "INVOICED_NOT_SHIPPED", Error;
    /// An invoice line for a part its slip does not carry.
    PartMismatch => "PART_MISMATCH", Error;
    /// A refurbished part without the purchaser's consent.
    RefurbNoConsent => "REFURB_NO_CONSENT", Error;
    /// A refurbished part the purchaser consented to.
    RefurbWithConsent => "REFURB_WITH_CONSENT", Info;
    /// No discount term covers the slip date: one error per gap in the terms, and a warning on
    /// each line it leaves without an agreed price.
    NoDiscountTerms => "NO_DISCOUNT_TERMS", Warning;
    /// Equally specific discount terms overlap.
    OverlappingTerms => "OVERLAPPING_TERMS", Error;
    /// A repeated invoice row, or an invoice number reused on another date.
    DuplicateInvoice => "DUPLICATE_INVOICE", Error;
    /// The amount is not quantity times unit price.
    AmountMismatch => "AMOUNT_MISMATCH", Error;
    /// The tax amount is not the amount at the stated rate.
    TaxMismatch => "TAX_MISMATCH", Error;
    /// A red invoice credits more than its original still holds.
    RedExceedsOriginal => "RED_EXCEEDS_ORIGINAL", Error;
    /// A slip or invoice line that failed validation, blocked (with its whole invoice).
    InvalidLine => "INVALID_LINE", Error;
}

impl Code {
    /// The code of a declaration index (as the group-by of findings returns it).
    pub fn from_index(i: u32) -> Option<Code> {
        Code::ALL.get(i as usize).copied()
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
    pub severity: Severity,
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
    /// The hospital the slip ships to (empty when no slip is known).
    pub customer: Text,
    pub slip_date: Option<chrono::NaiveDate>,
    pub invoice_date: Option<chrono::NaiveDate>,
}

/// The empty text of a finding field that does not apply.
pub(super) fn empty() -> Text {
    Text::from("")
}

impl Finding {
    /// A finding of `code` that names no line yet: the code's severity, no money, accounting
    /// for nothing.
    pub(super) fn new(code: Code) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            slip_no: empty(),
            slip_line: None,
            invoice_no: empty(),
            invoice_line: None,
            part_no: empty(),
            expected: Fen::ZERO,
            invoiced: Fen::ZERO,
            difference: Fen::ZERO,
            detail: String::new(),
            accounts: Accounts::Nothing,
            customer: empty(),
            slip_date: None,
            invoice_date: None,
        }
    }

    /// A finding on one invoice line (its slip number and part as invoiced).
    pub(super) fn on_invoice_line(code: Code, line: &InvoiceLine) -> Finding {
        Finding {
            slip_no: line.slip_no.clone(),
            invoice_no: line.invoice_no.clone(),
            invoice_line: Some(line.line_no),
            part_no: line.part_no.clone(),
            invoice_date: Some(line.invoice_date),
            ..Finding::new(code)
        }
    }

    /// A finding on one slip line.
    pub(super) fn on_slip_line(code: Code, slip: &SlipLine) -> Finding {
        Finding {
            slip_no: slip.slip_no.clone(),
            slip_line: Some(slip.line_no),
            part_no: slip.part_no.clone(),
            customer: slip.ship_to.clone(),
            slip_date: Some(slip.slip_date),
            ..Finding::new(code)
        }
    }

    /// A finding on an invoice line matched to a slip line (the slip's part).
    pub(super) fn on_match(code: Code, slip: &SlipLine, line: &InvoiceLine) -> Finding {
        Finding {
            invoice_no: line.invoice_no.clone(),
            invoice_line: Some(line.line_no),
            invoice_date: Some(line.invoice_date),
            ..Finding::on_slip_line(code, slip)
        }
    }

    /// With `expected` and `invoiced` (and their difference).
    pub(super) fn money(self, expected: Fen, invoiced: Fen) -> Finding {
        Finding {
            expected,
            invoiced,
            difference: invoiced - expected,
            ..self
        }
    }

    pub(super) fn severity(self, severity: Severity) -> Finding {
        Finding { severity, ..self }
    }

    pub(super) fn accounts(self, accounts: Accounts) -> Finding {
        Finding { accounts, ..self }
    }

    pub(super) fn detail(self, detail: String) -> Finding {
        Finding { detail, ..self }
    }

    /// A finding on one invoice line that no shipment accounts for: nothing expected, `amount`
    /// invoiced, counted in the invoiced-not-shipped balance.
    pub(super) fn unshipped(
        code: Code,
        line: &InvoiceLine,
        amount: Fen,
        detail: String,
    ) -> Finding {
        Finding::on_invoice_line(code, line)
            .money(Fen::ZERO, amount)
            .accounts(Accounts::InvoicedNotShipped)
            .detail(detail)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_its_own_index_and_spelled_as_the_contract() {
        for (i, &c) in Code::ALL.iter().enumerate() {
            assert_eq!(c as usize, i);
            assert_eq!(Code::from_index(i as u32), Some(c));
            assert_eq!(
                serde_json::to_string(&c).expect("json"),
                format!("\"{}\"", c.as_str())
            );
        }
        assert_eq!(Code::from_index(Code::ALL.len() as u32), None);
        for text in [
            "PRICE_OVER",
            "PRICE_UNDER",
            "ROUNDING",
            "QTY_OVER",
            "SHIPPED_NOT_INVOICED",
            "INVOICED_NOT_SHIPPED",
            "PART_MISMATCH",
            "REFURB_NO_CONSENT",
            "NO_DISCOUNT_TERMS",
            "OVERLAPPING_TERMS",
            "DUPLICATE_INVOICE",
            "AMOUNT_MISMATCH",
            "TAX_MISMATCH",
            "RED_EXCEEDS_ORIGINAL",
            "INVALID_LINE",
        ] {
            assert!(Code::ALL.iter().any(|c| c.as_str() == text), "{text}");
        }
    }

    #[test]
    fn a_finding_takes_its_code_s_severity_and_balances_its_difference() {
        let f = Finding::new(Code::Rounding).money(Fen(1000), Fen(1001));
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.difference, Fen(1));
        let f = Finding::new(Code::DuplicateInvoice).severity(Severity::Warning);
        assert_eq!(f.severity, Severity::Warning);
    }
}
