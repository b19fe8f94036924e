//! Lines in key order and their integer keys: slip and invoice lines sorted so that the input's
//! row order cannot change any result, slip numbers, invoice numbers and normalised part numbers
//! interned, and every slip line priced, on both cores.

use rayon::iter::{IntoParallelRefIterator, ParallelIterator};
use rayon::slice::ParallelSliceMut;
use rustc_hash::FxHashMap;

use super::keys::{run_keys, sort_and_number, InvoiceNumbers, PartKeys};
use super::pricing::{Priced, Terms};
use crate::model::{FinanceSet, InvoiceLine, SlipLine, Text};

/// The key order of invoice lines after the date: number, line, then the rest.
pub(super) fn line_order_after_date(a: &InvoiceLine, b: &InvoiceLine) -> std::cmp::Ordering {
    text_order(&a.invoice_no, &b.invoice_no)
        .then(a.line_no.cmp(&b.line_no))
        .then_with(|| text_order(&a.slip_no, &b.slip_no))
        .then_with(|| text_order(&a.part_no, &b.part_no))
        .then(a.qty.cmp(&b.qty))
        .then(a.unit_price.cmp(&b.unit_price))
        .then(a.amount.cmp(&b.amount))
        .then_with(|| {
            (a.tax_rate, a.tax_amount, &a.original_invoice_no, &a.serials).cmp(&(
                b.tax_rate,
                b.tax_amount,
                &b.original_invoice_no,
                &b.serials,
            ))
        })
}

/// The key order of slip lines.
pub(super) fn slip_order(a: &SlipLine, b: &SlipLine) -> std::cmp::Ordering {
    text_order(&a.slip_no, &b.slip_no)
        .then(a.line_no.cmp(&b.line_no))
        .then(a.slip_date.cmp(&b.slip_date))
        .then_with(|| text_order(&a.part_no, &b.part_no))
        .then(a.qty.cmp(&b.qty))
        .then(a.list_price.cmp(&b.list_price))
}

/// Slip lines in key order; slips already in order (as extracts usually are) are only checked.
pub(super) fn sorted_slips(set: &FinanceSet) -> Vec<&SlipLine> {
    let mut slips: Vec<&SlipLine> = set.slips.iter().collect();
    if !slips.windows(2).all(|w| slip_order(w[0], w[1]).is_le()) {
        slips.par_sort_unstable_by(|a, b| slip_order(a, b));
    }
    slips
}

/// Whether two invoice rows are the same row of the same invoice.
pub(super) fn same_row(a: &InvoiceLine, b: &InvoiceLine) -> bool {
    a.invoice_date == b.invoice_date
        && a.line_no == b.line_no
        && same_text(&a.invoice_no, &b.invoice_no)
}

/// Whether two texts are equal; the loader shares one text between adjacent equal values, so
/// most equal texts are the same allocation.
pub(super) fn same_text(a: &Text, b: &Text) -> bool {
    std::sync::Arc::ptr_eq(a, b) || a == b
}

/// Text order, without comparing the bytes of a shared text with themselves.
pub(super) fn text_order(a: &Text, b: &Text) -> std::cmp::Ordering {
    if std::sync::Arc::ptr_eq(a, b) {
        std::cmp::Ordering::Equal
    } else {
        a.cmp(b)
    }
}

/// The interned keys of slip numbers and normalised part numbers, and every slip line's price.
pub(super) struct Keyed<'s> {
    /// The key of every slip number (and of the unknown numbers invoices name).
    pub(super) slip_index: FxHashMap<&'s str, u32>,
    /// Slip-number key of each slip line, and of each invoice line (keys at or above
    /// `known_slips` name slips that do not exist).
    pub(super) slip_slip: Vec<u32>,
    pub(super) invoice_slip: Vec<u32>,
    pub(super) known_slips: u32,
    pub(super) part_keys: PartKeys,
    pub(super) slip_part: Vec<u32>,
    pub(super) invoice_part: Vec<u32>,
    pub(super) priced: Vec<Priced>,
}

impl Keyed<'_> {
    /// The first line of each known slip (slip keys run in slip order).
    pub(super) fn slip_first(&self) -> Vec<u32> {
        let mut first: Vec<u32> = Vec::with_capacity(self.known_slips as usize);
        for (s, &key) in self.slip_slip.iter().enumerate() {
            if key as usize == first.len() {
                first.push(s as u32);
            }
        }
        first
    }
}

/// The slip-number key of every invoice line: look-ups on both cores, then a new key (in line
/// order) for each number no slip has.
pub(super) fn invoice_slip_keys<'a>(
    slip_index: &mut FxHashMap<&'a str, u32>,
    invoices: &[&'a InvoiceLine],
) -> Vec<u32> {
    let index = &*slip_index;
    let mut keys: Vec<u32> = invoices
        .par_iter()
        .map(|l| index.get(&*l.slip_no).copied().unwrap_or(u32::MAX))
        .collect();
    for (k, l) in keys.iter_mut().zip(invoices) {
        if *k == u32::MAX {
            let next = slip_index.len() as u32;
            *k = *slip_index.entry(&l.slip_no).or_insert(next);
        }
    }
    keys
}

/// Lines in key order, invoice numbers, slip and part keys and slip prices, on both cores: the
/// slip side (order, slip-number keys, part keys and prices) beside the invoice side (order and
/// invoice numbers); then the invoices' slip keys (look-ups on both cores) beside their part keys.
pub(super) fn keyed<'s>(
    set: &'s FinanceSet,
    terms: &Terms<'_>,
) -> (
    Vec<&'s SlipLine>,
    Vec<&'s InvoiceLine>,
    InvoiceNumbers<'s>,
    Keyed<'s>,
) {
    let ((slips, mut slip_index, slip_slip, mut part_keys, slip_part, priced), (invoices, numbers)) =
        rayon::join(
            || {
                let slips = sorted_slips(set);
                // Slips are sorted, so each number is one run and gets the next key.
                let mut slip_index: FxHashMap<&str, u32> = FxHashMap::default();
                slip_index.reserve(slips.len() / 2);
                let slip_slip = run_keys(&mut slip_index, slips.iter().map(|s| &*s.slip_no));
                // Part numbers are normalised once per distinct spelling.
                let mut part_keys = PartKeys::default();
                let slip_part: Vec<u32> = slips.iter().map(|s| part_keys.key(&s.part_no)).collect();
                let priced: Vec<Priced> = slips
                    .iter()
                    .zip(&slip_part)
                    .map(|(s, &p)| terms.price(s, &part_keys.names[p as usize]))
                    .collect();
                (slips, slip_index, slip_slip, part_keys, slip_part, priced)
            },
            || sort_and_number(&set.invoices, line_order_after_date),
        );
    let known_slips = slip_index.len() as u32;
    let (invoice_slip, invoice_part) = rayon::join(
        || invoice_slip_keys(&mut slip_index, &invoices),
        || {
            invoices
                .iter()
                .map(|l| part_keys.key(&l.part_no))
                .collect::<Vec<u32>>()
        },
    );
    let keyed = Keyed {
        slip_index,
        slip_slip,
        invoice_slip,
        known_slips,
        part_keys,
        slip_part,
        invoice_part,
        priced,
    };
    (slips, invoices, numbers, keyed)
}
