//! Pricing slip lines by the negotiated terms, and the terms' own findings.

use super::finding::empty;
use super::{Code, Finding};
use crate::model::{FinanceSet, SlipLine, Text};
use crate::money::{Fen, Rate};

/// Normalises a part number for matching: full-width forms to ASCII, every dash to `-`, then
/// upper case with spaces and hyphens removed (`" ct－det - m64 "` -> `CTDETM64`).
pub fn normalize_part(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        let c = match ch {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
            '\u{3000}' => ' ',
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
            _ => ch,
        };
        if c.is_whitespace() || c == '-' {
            continue;
        }
        out.extend(c.to_uppercase());
    }
    out
}

/// How a slip line was priced.
#[derive(Clone, Debug)]
pub(super) enum Pricing {
    Term(usize),
    NoTerms,
    Overlap { chosen: usize, others: Vec<usize> },
}

pub(super) struct Priced {
    pub(super) agreed: Fen,
    pub(super) pricing: Pricing,
}

pub(super) fn norm_scope(s: &Option<Text>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_lowercase())
}

pub(super) fn specificity(part: bool, category: bool, customer: bool) -> u8 {
    let scope = if part {
        2
    } else if category {
        1
    } else {
        0
    };
    scope * 2 + u8::from(customer)
}

pub(super) struct Terms<'a> {
    set: &'a FinanceSet,
    pub(super) part: Vec<Option<String>>,
    pub(super) category: Vec<Option<String>>,
    rank: Vec<u8>,
}

impl<'a> Terms<'a> {
    pub(super) fn new(set: &'a FinanceSet) -> Self {
        let part: Vec<Option<String>> = set
            .discounts
            .iter()
            .map(|t| t.part_no.as_deref().map(normalize_part))
            .collect();
        let category: Vec<Option<String>> = set
            .discounts
            .iter()
            .map(|t| norm_scope(&t.category))
            .collect();
        let rank = set
            .discounts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                specificity(
                    part[i].is_some(),
                    category[i].is_some(),
                    t.customer.is_some(),
                )
            })
            .collect();
        Terms {
            set,
            part,
            category,
            rank,
        }
    }

    pub(super) fn price(&self, slip: &SlipLine, part: &str) -> Priced {
        let category = norm_scope(&slip.category);
        let mut best: Vec<usize> = Vec::new();
        let mut best_rank = 0u8;
        for (i, t) in self.set.discounts.iter().enumerate() {
            if slip.slip_date < t.valid_from || slip.slip_date > t.valid_to {
                continue;
            }
            if t.customer
                .as_deref()
                .is_some_and(|c| c.trim() != &*slip.ship_to)
            {
                continue;
            }
            if self.category[i]
                .as_ref()
                .is_some_and(|c| Some(c) != category.as_ref())
            {
                continue;
            }
            if self.part[i].as_deref().is_some_and(|p| p != part) {
                continue;
            }
            let r = self.rank[i];
            if best.is_empty() || r > best_rank {
                best.clear();
                best.push(i);
                best_rank = r;
            } else if r == best_rank {
                best.push(i);
            }
        }
        match best.len() {
            0 => Priced {
                agreed: slip.list_price,
                pricing: Pricing::NoTerms,
            },
            1 => Priced {
                agreed: slip
                    .list_price
                    .discounted(self.set.discounts[best[0]].discount_rate),
                pricing: Pricing::Term(best[0]),
            },
            _ => {
                let terms = &self.set.discounts;
                let chosen = *best
                    .iter()
                    .max_by_key(|&&i| {
                        (terms[i].valid_from, std::cmp::Reverse(terms[i].source_line))
                    })
                    .expect("non-empty");
                let mut others: Vec<usize> = best.into_iter().filter(|&i| i != chosen).collect();
                others.sort_by_key(|&i| (&terms[i].contract_id, terms[i].source_line));
                Priced {
                    agreed: slip.list_price.discounted(terms[chosen].discount_rate),
                    pricing: Pricing::Overlap { chosen, others },
                }
            }
        }
    }
}

pub(super) fn pct(rate: Rate) -> String {
    let r = rate.0;
    let whole = r / 100;
    let frac = r % 100;
    if frac == 0 {
        format!("{whole} %")
    } else {
        format!("{whole}.{frac:02} %")
            .replace("0 %", " %")
            .replace(". %", " %")
    }
}

pub(super) fn term_label(set: &FinanceSet, i: usize) -> String {
    let t = &set.discounts[i];
    format!(
        "{} ({}, {} to {})",
        t.contract_id,
        pct(t.discount_rate),
        t.valid_from,
        t.valid_to
    )
}

pub(super) fn term_text(set: &FinanceSet, pricing: &Pricing) -> String {
    match pricing {
        Pricing::Term(i) | Pricing::Overlap { chosen: i, .. } => {
            format!(
                "{} {}",
                pct(set.discounts[*i].discount_rate),
                set.discounts[*i].contract_id
            )
        }
        Pricing::NoTerms => "no discount".to_owned(),
    }
}

/// Term-level `OVERLAPPING_TERMS`: two terms of the same scope whose validity overlaps.
pub(super) fn overlapping_term_findings(
    set: &FinanceSet,
    terms: &Terms<'_>,
    findings: &mut Vec<Finding>,
) {
    let d = &set.discounts;
    for i in 0..d.len() {
        for j in i + 1..d.len() {
            let same_scope = terms.part[i] == terms.part[j]
                && terms.category[i] == terms.category[j]
                && d[i].customer.as_deref().map(str::trim)
                    == d[j].customer.as_deref().map(str::trim);
            if !same_scope {
                continue;
            }
            let from = d[i].valid_from.max(d[j].valid_from);
            let to = d[i].valid_to.min(d[j].valid_to);
            if from > to {
                continue;
            }
            let (a, b) =
                if (&d[i].contract_id, d[i].source_line) <= (&d[j].contract_id, d[j].source_line) {
                    (i, j)
                } else {
                    (j, i)
                };
            findings.push(
                Finding {
                    part_no: d[a].part_no.clone().unwrap_or_else(empty),
                    ..Finding::new(Code::OverlappingTerms)
                }
                .detail(format!(
                    "discount terms {} and {} have the same scope and overlap from {from} to {to}; correct the terms (discounts.csv lines {} and {})",
                    term_label(set, a),
                    term_label(set, b),
                    d[a].source_line,
                    d[b].source_line
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rate;

    #[test]
    fn part_numbers_normalise() {
        assert_eq!(normalize_part(" ct-det-m64 "), "CTDETM64");
        assert_eq!(normalize_part("ＣT－DET－M64"), "CTDETM64");
        assert_eq!(normalize_part("CT - DET\u{3000}M64"), "CTDETM64");
        assert_eq!(normalize_part("CT\u{2013}DET\u{2212}M64"), "CTDETM64");
    }

    #[test]
    fn percentages_read_naturally() {
        assert_eq!(pct(Rate(1000)), "10 %");
        assert_eq!(pct(Rate(1250)), "12.5 %");
        assert_eq!(pct(Rate(1255)), "12.55 %");
        assert_eq!(pct(Rate(750)), "7.5 %");
    }
}
