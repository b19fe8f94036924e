//! The priced plan: stock beyond the delivery targets where the expected extension cost it
//! saves exceeds its holding cost (model.md, Cost: the plan minimises holding plus expected
//! extension cost subject to the targets).
//!
//! From a plan that meets the targets, a greedy search adds one unit at a time, the one whose
//! saving less its holding cost is largest, while that is positive. A part's saving is measured
//! on a linearised objective: a scanner's expected extension cost changes, when one part's
//! downtime distribution changes from `f` to `f'`, by `lambda_p x sum_s (f'(s) - f(s)) x
//! pen(s)` to first order in the part's failure rate, where `pen(s)` is the expected cost of a
//! year with `s` more hours of downtime (the exact derivative of a compound Poisson sum in its
//! rate). Parts are then separable: an addition changes only its own part's term, so only that
//! part's candidates are evaluated again. After a pass the penalties are recomputed from the
//! exact distributions and the search goes on; at the end the exact objective decides, and the
//! start plan is kept where the search found nothing better.
//!
//! Deliberately absent: removing stock the targets bought (the targets hold as they were), and
//! any new delivery requirement.

use rayon::prelude::*;

use super::compound::{bin, YearDowntime, STEP_HOURS};
use super::wait::outcomes;
use super::{expected, Fleet, PartState, YEAR_HOURS};
use crate::stock::input::PlanInput;
use crate::stock::problem::{Costs, Plan};
use crate::stock::service::evaluate_from;
use crate::uptime::EXTENSION_DAYS_PER_DAY_SHORT;

/// Passes of the greedy search between recomputations of the penalties.
const MAX_PASSES: usize = 6;

/// Additions per part and pass at most (a guard: each is a whole unit of stock).
const MAX_ADDITIONS: usize = 100_000;

/// `pen(s)` of one hospital-model on the grid, and its slope beyond.
struct Penalty {
    values: Vec<f64>,
    slope: f64,
}

impl Penalty {
    fn at(&self, hours: f64) -> f64 {
        let k = bin(hours.min(YEAR_HOURS));
        match self.values.get(k) {
            Some(&v) => v,
            None => {
                let last = self.values.len() - 1;
                self.values[last] + (k - last) as f64 * self.slope
            }
        }
    }
}

/// The longest extra downtime tabulated exactly; beyond it the penalty grows linearly.
const TABLE_HOURS: f64 = 1200.0;

/// What the search prices: per hospital-model with priced units, its yuan per day short.
struct Priced<'a> {
    input: &'a PlanInput,
    fleet: &'a Fleet,
    /// Per group of the fleet: `(unit, yuan per day short)` of its priced units in warranty.
    weights: Vec<Vec<(usize, f64)>>,
    /// Per part: `(group, failures per unit-year)` of the groups that use it and are priced.
    users: Vec<Vec<(usize, f64)>>,
}

impl<'a> Priced<'a> {
    fn new(input: &'a PlanInput, fleet: &'a Fleet) -> Priced<'a> {
        let per_day = EXTENSION_DAYS_PER_DAY_SHORT as f64;
        let weights: Vec<Vec<(usize, f64)>> = fleet
            .groups
            .iter()
            .map(|(_, _, members)| {
                members
                    .iter()
                    .filter_map(|&u| {
                        let unit = &fleet.units[u];
                        let cost = unit.day_cost?.0 as f64 / 100.0;
                        let w = cost * per_day * unit.in_warranty;
                        (w > 0.0).then_some((u, w))
                    })
                    .collect()
            })
            .collect();
        let mut users: Vec<Vec<(usize, f64)>> = vec![Vec::new(); input.parts.len()];
        for (g, (_, m, _)) in fleet.groups.iter().enumerate() {
            if weights[g].is_empty() {
                continue;
            }
            for &(p, r) in &fleet.model_parts[*m] {
                users[p].push((g, r));
            }
        }
        Priced {
            input,
            fleet,
            weights,
            users,
        }
    }

    /// The penalties of every priced group at the parts' current state.
    fn penalties(&self, parts: &[PartState]) -> Vec<Option<Penalty>> {
        self.fleet
            .groups
            .par_iter()
            .enumerate()
            .map(|(g, (h, m, _))| {
                let w = &self.weights[g];
                if w.is_empty() {
                    return None;
                }
                let (rate, sev) = super::severity(self.input, self.fleet, parts, *h, *m, false);
                let widest = w
                    .iter()
                    .map(|&(u, _)| self.fleet.units[u].allowance_hours)
                    .fold(0.0, f64::max);
                let year = YearDowntime::new(rate, &sev, widest);
                let n = bin(TABLE_HOURS) + 1;
                let values: Vec<f64> = (0..n)
                    .map(|k| {
                        let shift = k as f64 * STEP_HOURS;
                        w.iter()
                            .map(|&(u, c)| {
                                c * year.days_short(self.fleet.units[u].allowance_hours, shift)
                            })
                            .sum()
                    })
                    .collect();
                let per_hour: f64 = w.iter().map(|&(_, c)| c).sum::<f64>() / 24.0;
                Some(Penalty {
                    values,
                    slope: per_hour * STEP_HOURS,
                })
            })
            .collect()
    }

    /// The linearised extension cost of part `p` in `state`.
    fn part_cost(&self, pen: &[Option<Penalty>], p: usize, state: &PartState) -> f64 {
        let mut total = 0.0;
        for &(g, rate) in &self.users[p] {
            let (Some(pen), (h, _, _)) = (&pen[g], &self.fleet.groups[g]) else {
                continue;
            };
            let Some(x) = self.fleet.failure(self.input, *h, p) else {
                continue;
            };
            let mut s = 0.0;
            outcomes(&state.fill, &state.waits, &x, |t, prob| {
                s += prob * pen.at(t)
            });
            total += rate * s;
        }
        total
    }

    fn state(&self, p: usize, stock: &[u32], start: &[f64]) -> PartState {
        let net = &self.input.parts[p].network;
        let service = evaluate_from(net, stock, Some(start));
        PartState::new(self.input, stock, &service)
    }
}

/// The expected extension cost a year (yuan) of the fleet under `parts`.
fn exact_cost(input: &PlanInput, fleet: &Fleet, parts: &[PartState]) -> f64 {
    let e = expected(input, fleet, parts, false);
    (0..fleet.units.len())
        .filter_map(|u| {
            let c = e.day_cost[u]?.0 as f64 / 100.0;
            Some(c * e.unit_extension_days(u))
        })
        .sum()
}

/// Each part's state under `plan`.
pub fn states(input: &PlanInput, plan: &Plan) -> Vec<PartState> {
    input
        .parts
        .par_iter()
        .zip(&plan.stock)
        .map(|(p, stock)| {
            let service = crate::stock::service::evaluate(&p.network, stock);
            PartState::new(input, stock, &service)
        })
        .collect()
}

/// The best addition to part `p`: `(net gain a year, depot, state)`.
fn best_addition(
    priced: &Priced<'_>,
    pen: &[Option<Penalty>],
    costs: &Costs,
    p: usize,
    stock: &[u32],
    current: &PartState,
) -> Option<(f64, usize, PartState)> {
    if priced.users[p].is_empty() {
        return None;
    }
    let base = priced.part_cost(pen, p, current);
    let mut best: Option<(f64, usize, PartState)> = None;
    for d in 0..stock.len() {
        let mut s = stock.to_vec();
        s[d] += 1;
        let state = priced.state(p, &s, &current.fill);
        let gain = base - priced.part_cost(pen, p, &state) - costs.at(p, d);
        if gain > 1e-9 && best.as_ref().is_none_or(|b| gain > b.0) {
            best = Some((gain, d, state));
        }
    }
    best
}

/// The plan `plan` (meeting the targets) with the stock whose extension saving exceeds its
/// holding cost added, and its parts' states; the plan itself where nothing pays.
pub fn price(
    input: &PlanInput,
    costs: &Costs,
    fleet: &Fleet,
    plan: &Plan,
) -> (Plan, Vec<PartState>) {
    let start_states = states(input, plan);
    if !fleet.priced() {
        return (plan.clone(), start_states);
    }
    let priced = Priced::new(input, fleet);
    let start_total = plan.cost(costs) + exact_cost(input, fleet, &start_states);
    let mut current = plan.clone();
    let mut parts = start_states.clone();
    for _ in 0..MAX_PASSES {
        let pen = priced.penalties(&parts);
        let mut best: Vec<Option<(f64, usize, PartState)>> = (0..input.parts.len())
            .into_par_iter()
            .map(|p| best_addition(&priced, &pen, costs, p, &current.stock[p], &parts[p]))
            .collect();
        let mut added = 0usize;
        loop {
            let pick = best
                .iter()
                .enumerate()
                .filter_map(|(p, b)| b.as_ref().map(|b| (b.0, p)))
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            let Some((_, p)) = pick else { break };
            let (_, d, state) = best[p].take().expect("picked");
            current.stock[p][d] += 1;
            parts[p] = state;
            added += 1;
            if added >= MAX_ADDITIONS {
                break;
            }
            best[p] = best_addition(&priced, &pen, costs, p, &current.stock[p], &parts[p]);
        }
        if added == 0 {
            break;
        }
    }
    let total = current.cost(costs) + exact_cost(input, fleet, &parts);
    if total < start_total {
        (current, parts)
    } else {
        (plan.clone(), start_states)
    }
}
