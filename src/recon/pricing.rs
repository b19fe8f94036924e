//! Pricing slip lines by the negotiated terms, and the terms' own findings.

use super::finding::empty;
use super::{Code, Finding};
use chrono::NaiveDate;

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

/// Term-level `OVERLAPPING_TERMS`: two terms of the same scope whose validity overlaps, with the
/// slip lines priced in the overlap counted.
pub(super) fn overlapping_term_findings(
    set: &FinanceSet,
    terms: &Terms<'_>,
    priced: &[Priced],
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
            let lines = priced
                .iter()
                .filter(|p| match &p.pricing {
                    Pricing::Overlap { chosen, others } => {
                        let has = |t: usize| *chosen == t || others.contains(&t);
                        has(a) && has(b)
                    }
                    _ => false,
                })
                .count();
            let scope = scope_text(set, a);
            findings.push(
                Finding {
                    part_no: d[a].part_no.clone().unwrap_or_else(empty),
                    customer: d[a].customer.clone().unwrap_or_else(empty),
                    slip_date: Some(from),
                    ..Finding::new(Code::OverlappingTerms)
                }
                .detail(format!(
                    "discount terms {} and {} have the same scope ({scope}) and overlap from {from} to {to}; {lines} slip line(s) fall in the overlap and are priced with the later-starting term; correct the terms (discounts.csv lines {} and {})",
                    term_label(set, a),
                    term_label(set, b),
                    d[a].source_line,
                    d[b].source_line
                )),
            );
        }
    }
}

/// The scope of a term as a clerk reads it: `part CT-DET-M64, all customers`.
fn scope_text(set: &FinanceSet, i: usize) -> String {
    let t = &set.discounts[i];
    let what = match (&t.part_no, &t.category) {
        (Some(p), _) => format!("part {p}"),
        (None, Some(c)) => format!("category {c}"),
        (None, None) => "all parts".to_owned(),
    };
    let who = match &t.customer {
        Some(c) => format!("customer {c}"),
        None => "all customers".to_owned(),
    };
    format!("{what}, {who}")
}

/// A stretch of days no term for all customers and parts covers, with the terms either side.
#[derive(Debug)]
struct Gap {
    /// First and last day uncovered (`None`: unbounded).
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    /// The general terms ending the day before and starting the day after.
    before: Option<usize>,
    after: Option<usize>,
}

/// The gaps in the cover of the general terms (no customer, category or part), in date order.
fn gaps(set: &FinanceSet) -> Vec<Gap> {
    let d = &set.discounts;
    let mut general: Vec<usize> = (0..d.len())
        .filter(|&i| d[i].customer.is_none() && d[i].category.is_none() && d[i].part_no.is_none())
        .collect();
    general.sort_by_key(|&i| (d[i].valid_from, d[i].valid_to, d[i].source_line));
    let mut out = Vec::new();
    let mut covered_to: Option<(NaiveDate, usize)> = None;
    for &i in &general {
        let t = &d[i];
        match covered_to {
            None => out.push(Gap {
                from: None,
                to: t.valid_from.pred_opt(),
                before: None,
                after: Some(i),
            }),
            Some((end, last)) if t.valid_from > end.succ_opt().unwrap_or(end) => out.push(Gap {
                from: end.succ_opt(),
                to: t.valid_from.pred_opt(),
                before: Some(last),
                after: Some(i),
            }),
            _ => {}
        }
        if covered_to.is_none_or(|(end, _)| t.valid_to > end) {
            covered_to = Some((t.valid_to, i));
        }
    }
    out.push(Gap {
        from: covered_to.and_then(|(end, _)| end.succ_opt()),
        to: None,
        before: covered_to.map(|(_, i)| i),
        after: None,
    });
    out
}

/// `NO_DISCOUNT_TERMS` for the terms: one error per gap in the cover of the general terms that
/// leaves slip lines without an agreed price, naming the dates and the terms either side, with
/// the lines affected counted and valued. (Each such line also has its own warning, which
/// carries its money.)
pub(super) fn gap_findings(
    set: &FinanceSet,
    slips: &[&SlipLine],
    priced: &[Priced],
    slip_invoiced: &[Fen],
    findings: &mut Vec<Finding>,
) {
    let gaps = gaps(set);
    // Lines, invoiced lines and list value of each gap.
    let mut hit = vec![(0usize, 0usize, Fen::ZERO); gaps.len()];
    for (s, slip) in slips.iter().enumerate() {
        if !matches!(priced[s].pricing, Pricing::NoTerms) {
            continue;
        }
        let day = slip.slip_date;
        let g = gaps.partition_point(|g| g.to.is_some_and(|to| to < day));
        if let Some(h) = hit.get_mut(g) {
            h.0 += 1;
            h.1 += usize::from(slip_invoiced[s] != Fen::ZERO);
            h.2 += slip.list_price.times(slip.qty);
        }
    }
    let d = &set.discounts;
    for (g, &(lines, invoiced, value)) in gaps.iter().zip(&hit) {
        if lines == 0 {
            continue;
        }
        let dates = match (g.from, g.to) {
            (Some(f), Some(t)) if f == t => format!("{f}"),
            (Some(f), Some(t)) => format!("{f} to {t}"),
            (None, Some(t)) => format!("every day up to {t}"),
            (Some(f), None) => format!("every day from {f} on"),
            (None, None) => "any day (there is no such term at all)".to_owned(),
        };
        let mut sides = Vec::new();
        if let Some(b) = g.before {
            sides.push(format!("{} ends {}", d[b].contract_id, d[b].valid_to));
        }
        if let Some(a) = g.after {
            sides.push(format!("{} starts {}", d[a].contract_id, d[a].valid_from));
        }
        let sides = if sides.is_empty() {
            String::new()
        } else {
            format!(" ({})", sides.join(", "))
        };
        findings.push(
            Finding {
                slip_date: g.from,
                ..Finding::new(Code::NoDiscountTerms)
            }
            .severity(super::Severity::Error)
            .detail(format!(
                "gap in the discount terms: no term for all customers and parts covers {dates}{sides}; {lines} slip line(s) dated then have no agreed price ({invoiced} invoiced; {} yuan at list price); add or extend a term in discounts.csv",
                value.grouped()
            )),
        );
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
