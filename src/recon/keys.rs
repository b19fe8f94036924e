//! Interning of slip, invoice and part numbers into integer keys.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rayon::slice::ParallelSliceMut;
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
            Some((prev, k)) if std::ptr::eq(prev, t) || prev == t => k,
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

/// Invoice numbers as integer keys: a key is the number's rank in text order.
pub(super) struct InvoiceNumbers<'a> {
    /// The key of each number.
    pub(super) keys: FxHashMap<&'a str, u32>,
    /// The key of each line, in key order.
    pub(super) inv_no: Vec<u32>,
    /// How many times each row repeats (repeated rows are adjacent in key order).
    pub(super) repeats: Vec<u32>,
    /// The dates of the numbers used on more than one date, in order.
    pub(super) reused: FxHashMap<u32, Vec<NaiveDate>>,
}

/// Invoice lines in key order (date, number, line number, then `rest` for rows equal on those)
/// and their invoice numbers. The numbers are interned once (one hash look-up per run of equal
/// numbers: the loader shares one text between the adjacent lines of an invoice) and ranked, so
/// the sort compares integers and only ties on all three fall back to `rest`.
pub(super) fn sort_and_number<'a>(
    lines: &'a [InvoiceLine],
    rest: fn(&InvoiceLine, &InvoiceLine) -> Ordering,
    same_row: fn(&InvoiceLine, &InvoiceLine) -> bool,
) -> (Vec<&'a InvoiceLine>, InvoiceNumbers<'a>) {
    let mut keys: FxHashMap<&str, u32> = FxHashMap::default();
    let mut names: Vec<&str> = Vec::new();
    let mut line_key = Vec::with_capacity(lines.len());
    let mut last: Option<(*const u8, u32)> = None;
    for l in lines {
        let text: &str = &l.invoice_no;
        let k = match last {
            Some((at, k)) if std::ptr::eq(at, text.as_ptr()) => k,
            _ => {
                let next = names.len() as u32;
                let k = *keys.entry(text).or_insert(next);
                if k == next {
                    names.push(text);
                }
                k
            }
        };
        last = Some((text.as_ptr(), k));
        line_key.push(k);
    }
    let mut by_text: Vec<u32> = (0..names.len() as u32).collect();
    by_text.par_sort_unstable_by(|&a, &b| names[a as usize].cmp(names[b as usize]));
    let mut rank = vec![0u32; names.len()];
    for (r, &k) in by_text.iter().enumerate() {
        rank[k as usize] = r as u32;
    }
    for k in keys.values_mut() {
        *k = rank[*k as usize];
    }
    let first = lines
        .iter()
        .map(|l| l.invoice_date)
        .min()
        .unwrap_or_default();
    let mut order: Vec<(u128, u32)> = lines
        .iter()
        .zip(&line_key)
        .enumerate()
        .map(|(i, (l, &k))| {
            let day = (l.invoice_date - first).num_days() as u128;
            let packed = (day << 64) | (u128::from(rank[k as usize]) << 32) | u128::from(l.line_no);
            (packed, i as u32)
        })
        .collect();
    order.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| rest(&lines[a.1 as usize], &lines[b.1 as usize]))
    });
    let sorted: Vec<&InvoiceLine> = order.iter().map(|&(_, i)| &lines[i as usize]).collect();
    let inv_no: Vec<u32> = order
        .iter()
        .map(|&(_, i)| rank[line_key[i as usize] as usize])
        .collect();
    let mut repeats = vec![1u32; sorted.len()];
    let mut start = 0;
    for i in 1..=sorted.len() {
        if i == sorted.len() || !same_row(sorted[i], sorted[start]) {
            repeats[start..i].fill((i - start) as u32);
            start = i;
        }
    }
    // A number's lines are adjacent when it is used on one date; a number seen again after
    // another number is used on several dates.
    let mut seen_on = vec![None::<NaiveDate>; names.len()];
    let mut reused: FxHashMap<u32, Vec<NaiveDate>> = FxHashMap::default();
    for (l, &k) in sorted.iter().zip(&inv_no) {
        match seen_on[k as usize] {
            None => seen_on[k as usize] = Some(l.invoice_date),
            Some(d) if d == l.invoice_date => {}
            Some(d) => {
                let days = reused.entry(k).or_insert_with(|| vec![d]);
                if !days.contains(&l.invoice_date) {
                    days.push(l.invoice_date);
                }
            }
        }
    }
    for days in reused.values_mut() {
        days.sort();
    }
    (
        sorted,
        InvoiceNumbers {
            keys,
            inv_no,
            repeats,
            reused,
        },
    )
}
