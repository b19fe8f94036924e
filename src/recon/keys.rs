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

/// The rank of each text among the distinct texts in text (byte) order (equal texts share a
/// rank), and the distinct texts in that order. Texts of at most 16 bytes without a NUL byte (as
/// nearly all document numbers are) compare as big-endian integers padded with zeros, which is
/// the same order, without following a pointer per comparison.
fn rank_texts<'a>(texts: &[&'a str]) -> (Vec<u32>, Vec<&'a str>) {
    let mut rank = vec![0u32; texts.len()];
    let mut distinct: Vec<&str> = Vec::new();
    let short = texts
        .iter()
        .all(|t| t.len() <= 16 && !t.as_bytes().contains(&0));
    if short {
        let mut packed: Vec<(u128, u32)> = texts
            .iter()
            .enumerate()
            .map(|(k, t)| {
                let mut a = [0u8; 16];
                a[..t.len()].copy_from_slice(t.as_bytes());
                (u128::from_be_bytes(a), k as u32)
            })
            .collect();
        packed.par_sort_unstable();
        let mut last = None;
        for &(key, k) in &packed {
            if last != Some(key) {
                distinct.push(texts[k as usize]);
                last = Some(key);
            }
            rank[k as usize] = distinct.len() as u32 - 1;
        }
    } else {
        let mut by_text: Vec<u32> = (0..texts.len() as u32).collect();
        by_text.par_sort_unstable_by(|&a, &b| texts[a as usize].cmp(texts[b as usize]));
        for &k in &by_text {
            let t = texts[k as usize];
            if distinct.last() != Some(&t) {
                distinct.push(t);
            }
            rank[k as usize] = distinct.len() as u32 - 1;
        }
    }
    (rank, distinct)
}

/// Invoice numbers by key, a key being the number's rank in text order.
pub(super) struct NumberIndex<'a> {
    names: Vec<&'a str>,
}

impl NumberIndex<'_> {
    /// The key of a number, if any line carries it.
    pub(super) fn get(&self, number: &str) -> Option<u32> {
        self.names.binary_search(&number).ok().map(|k| k as u32)
    }

    pub(super) fn len(&self) -> usize {
        self.names.len()
    }
}

/// Invoice numbers as integer keys: a key is the number's rank in text order.
pub(super) struct InvoiceNumbers<'a> {
    /// The key of each number.
    pub(super) keys: NumberIndex<'a>,
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
/// the sort compares integers and only rows equal on all three fall back to `rest`; what follows
/// the sort reads the integer keys, not the lines.
pub(super) fn sort_and_number<'a>(
    lines: &'a [InvoiceLine],
    rest: fn(&InvoiceLine, &InvoiceLine) -> Ordering,
) -> (Vec<&'a InvoiceLine>, InvoiceNumbers<'a>) {
    // One text per run of lines sharing the loader's text (the lines of an invoice), ranked.
    let mut runs: Vec<&str> = Vec::new();
    let mut line_run = Vec::with_capacity(lines.len());
    let mut last: *const u8 = std::ptr::null();
    for l in lines {
        let text: &str = &l.invoice_no;
        if runs.is_empty() || !std::ptr::eq(last, text.as_ptr()) {
            runs.push(text);
            last = text.as_ptr();
        }
        line_run.push(runs.len() as u32 - 1);
    }
    let (run_rank, names) = rank_texts(&runs);
    let rank = |i: usize| run_rank[line_run[i] as usize];
    let first = lines
        .iter()
        .map(|l| l.invoice_date)
        .min()
        .unwrap_or_default();
    // (day, rank, line number) of each line, as one integer in that order.
    let row_key = |i: usize| -> RowKey {
        let l = &lines[i];
        RowKey {
            day: (l.invoice_date - first).num_days() as u32,
            rank: rank(i),
            line: l.line_no,
        }
    };
    let order = sorted_rows(lines.len(), row_key, |a, b| {
        rest(&lines[a as usize], &lines[b as usize])
    });
    let sorted: Vec<&InvoiceLine> = order.iter().map(|&(_, i)| &lines[i as usize]).collect();
    let inv_no: Vec<u32> = order.iter().map(|(k, _)| k.rank).collect();
    // Rows equal on (date, number, line) are repeats of one row.
    let mut repeats = vec![1u32; order.len()];
    let mut start = 0;
    for i in 1..=order.len() {
        if i == order.len() || order[i].0 != order[start].0 {
            repeats[start..i].fill((i - start) as u32);
            start = i;
        }
    }
    // Days come in order, so a number used on several days shows a second day after its first.
    let mut seen_on = vec![None::<u32>; names.len()];
    let mut reused: FxHashMap<u32, Vec<NaiveDate>> = FxHashMap::default();
    let date = |day: u32| first + chrono::Days::new(u64::from(day));
    for (k, _) in &order {
        match seen_on[k.rank as usize] {
            None => seen_on[k.rank as usize] = Some(k.day),
            Some(d) if d == k.day => {}
            Some(d) => {
                let days = reused.entry(k.rank).or_insert_with(|| vec![date(d)]);
                if days.last() != Some(&date(k.day)) {
                    days.push(date(k.day));
                }
            }
        }
    }
    (
        sorted,
        InvoiceNumbers {
            keys: NumberIndex { names },
            inv_no,
            repeats,
            reused,
        },
    )
}

/// The integer part of an invoice row's key, compared in field order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct RowKey {
    day: u32,
    rank: u32,
    line: u32,
}

/// Row indices `0..n` sorted by `key`, then `tie` for rows of equal keys, each with its key. When
/// the keys fit (under 65,536 days, 2^28 numbers, 2^20 lines) they are packed into one `u64`, and
/// 16-byte elements sort about twice as fast as wide ones.
fn sorted_rows(
    n: usize,
    key: impl Fn(usize) -> RowKey + Sync,
    tie: impl Fn(u32, u32) -> Ordering + Sync,
) -> Vec<(RowKey, u32)> {
    let keys: Vec<RowKey> = (0..n).map(&key).collect();
    let narrow = keys
        .iter()
        .all(|k| k.day < 1 << 16 && k.rank < 1 << 28 && k.line < 1 << 20);
    if narrow {
        let pack =
            |k: &RowKey| u64::from(k.day) << 48 | u64::from(k.rank) << 20 | u64::from(k.line);
        let mut order: Vec<(u64, u32)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (pack(k), i as u32))
            .collect();
        order.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| tie(a.1, b.1)));
        order
            .into_iter()
            .map(|(_, i)| (keys[i as usize], i))
            .collect()
    } else {
        let mut order: Vec<(RowKey, u32)> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect();
        order.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| tie(a.1, b.1)));
        order
    }
}
