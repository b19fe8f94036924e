//! Interning of slip, invoice and part numbers into integer keys.

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use super::pricing::normalize_part;
use crate::model::{InvoiceLine, Text};

/// Part numbers by spelling and by normalised form.
#[derive(Default)]
pub(super) struct PartKeys {
    /// By the address of the shared text: the loader shares one allocation per spelling, so
    /// this avoids hashing every line's part number.
    raw: FxHashMap<usize, u32>,
    normal: FxHashMap<String, u32>,
    pub(super) names: Vec<String>,
}

impl PartKeys {
    pub(super) fn key(&mut self, raw: &Text) -> u32 {
        let address = Text::as_ptr(raw) as *const u8 as usize;
        if let Some(&k) = self.raw.get(&address) {
            return k;
        }
        let normal = normalize_part(raw);
        let next = self.names.len() as u32;
        let k = *self.normal.entry(normal.clone()).or_insert(next);
        if k == next {
            self.names.push(normal);
        }
        self.raw.insert(address, k);
        k
    }
}

/// Number of distinct slip keys (known slips and the unknown numbers invoices name).
pub(super) fn slip_index_len(invoice_slip: &[u32], known_slips: u32) -> usize {
    invoice_slip
        .iter()
        .map(|&k| k + 1)
        .max()
        .unwrap_or(0)
        .max(known_slips) as usize
}

/// Keys of a sequence of texts, one hash look-up per run of equal values (the lines of one slip or
/// invoice are adjacent in key order); a new text gets the next key.
pub(super) fn run_keys<'a>(
    map: &mut FxHashMap<&'a str, u32>,
    texts: impl Iterator<Item = &'a str>,
) -> Vec<u32> {
    let mut keys = Vec::with_capacity(texts.size_hint().0);
    let mut last: Option<(&str, u32)> = None;
    for t in texts {
        let k = match last {
            Some((prev, k)) if prev == t => k,
            _ => {
                let n = map.len() as u32;
                *map.entry(t).or_insert(n)
            }
        };
        last = Some((t, k));
        keys.push(k);
    }
    keys
}

/// Invoice-number keys (one hash look-up per run of equal numbers), how many times each row
/// repeats (repeated rows are adjacent in key order), and the dates each number is used on.
#[allow(clippy::type_complexity)]
pub(super) fn invoice_numbers<'a>(
    invoices: &[&'a InvoiceLine],
    same_row: impl Fn(&InvoiceLine, &InvoiceLine) -> bool,
) -> (
    FxHashMap<&'a str, u32>,
    Vec<u32>,
    Vec<u32>,
    Vec<Vec<NaiveDate>>,
) {
    let mut keys: FxHashMap<&str, u32> = FxHashMap::default();
    let inv_no = run_keys(&mut keys, invoices.iter().map(|l| &*l.invoice_no));
    let mut repeats = vec![1u32; invoices.len()];
    let mut start = 0;
    for i in 1..=invoices.len() {
        if i == invoices.len() || !same_row(invoices[i], invoices[start]) {
            repeats[start..i].fill((i - start) as u32);
            start = i;
        }
    }
    let mut dates_of: Vec<Vec<NaiveDate>> = vec![Vec::new(); keys.len()];
    for (i, l) in invoices.iter().enumerate() {
        let days = &mut dates_of[inv_no[i] as usize];
        if !days.contains(&l.invoice_date) {
            days.push(l.invoice_date);
        }
    }
    for days in &mut dates_of {
        days.sort();
    }
    (keys, inv_no, repeats, dates_of)
}
