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
//! part's candidates are evaluated again, and within a pass each part's term is a sum over the
//! classes of its deadline of weights computed once (every outcome's penalty summed over the
//! class's hospital-models), not a walk over every hospital. After a pass the penalties are recomputed from the
//! exact distributions and the search goes on; at the end the exact objective decides, and the
//! start plan is kept where the search found nothing better.
//!
//! Deliberately absent: removing stock the targets bought (the targets hold as they were), and
//! any new delivery requirement.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::compound::{bin, YearDowntime, STEP_HOURS};
use super::wait::wait_shift;
use super::{Fleet, PartState, YEAR_HOURS};
use crate::stock::input::PlanInput;
use crate::stock::problem::{Costs, Plan};
use crate::stock::service::evaluate_from;
use crate::uptime::EXTENSION_DAYS_PER_DAY_SHORT;

/// Passes of the greedy search between recomputations of the penalties.
const MAX_PASSES: usize = 6;

/// Additions per pass at most (a guard: each is a whole unit of stock).
const MAX_ADDITIONS: usize = 100_000;

/// Per class of a part's deadline, the linearised cost of each outcome of a failure, summed
/// over the class's priced hospital-models.
#[derive(Clone, Debug)]
struct ClassWeights {
    /// Per candidate (class order): delivered from it.
    near: Vec<f64>,
    /// Per grid bin of the wait at the primary (at its midpoint).
    wait: Vec<f64>,
    /// Delivered from the primary without a wait.
    zero: f64,
}

/// The penalties of a failure's outcomes summed over the priced hospital-models of each
/// (deadline group, class, model), one [`ClassWeights`] per repair time of the model's parts in
/// the group, for a failure rate of one: a part's class weights are these times its models'
/// rates, whatever its number of users.
struct PenaltySums {
    /// Per (deadline group, model): `(class, entry)` of each class with priced hospital-models.
    by_model: FxHashMap<(u32, u32), Vec<(usize, usize)>>,
    /// Per entry: `(repair hours, weights)`.
    entries: Vec<Vec<(f64, ClassWeights)>>,
}

/// The longest wait of a part's state, in grid bins.
fn part_longest(state: &PartState) -> usize {
    state
        .waits
        .claim
        .iter()
        .chain(&state.waits.next_arrival)
        .map(|w| w.bins.len())
        .max()
        .unwrap_or(0)
}

/// `pen(s)` of one hospital-model on the grid, and its slope beyond.
struct Penalty {
    values: Vec<f64>,
    slope: f64,
}

impl Penalty {
    fn at(&self, hours: f64) -> f64 {
        self.at_bin(bin(hours.min(YEAR_HOURS)))
    }

    /// The penalty at grid bin `k` (no further than the year's).
    fn at_bin(&self, k: usize) -> f64 {
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
        let needed = self
            .fleet
            .groups
            .iter()
            .zip(&self.weights)
            .filter(|(_, w)| !w.is_empty())
            .map(|(&(h, m, _), _)| (h, m));
        let tables = super::Tables::new(self.input, self.fleet, parts, needed);
        self.fleet
            .groups
            .par_iter()
            .enumerate()
            .map(|(g, (h, m, _))| {
                let w = &self.weights[g];
                if w.is_empty() {
                    return None;
                }
                let rate = super::model_rate(self.fleet, *m);
                let sev = tables.severity(self.input, self.fleet, *h, *m);
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

    /// The penalties of each outcome of a failure summed over the priced hospital-models of each
    /// class and model, per repair time of the model's parts in each deadline group (see
    /// [`PenaltySums`]), with waits tabulated up to `longest` bins per deadline group.
    fn penalty_sums(&self, pen: &[Option<Penalty>], longest: &[usize]) -> PenaltySums {
        let split = super::model_groups(self.input, self.fleet);
        let mut index: FxHashMap<(u32, u32, u32), usize> = FxHashMap::default();
        let mut members: Vec<((usize, usize, usize), Vec<usize>)> = Vec::new();
        for (g, &(h, m, _)) in self.fleet.groups.iter().enumerate() {
            if pen[g].is_none() {
                continue;
            }
            for (gd, group) in self.input.groups.iter().enumerate() {
                let Some(k) = group.class_of[h] else { continue };
                if split[m][gd].by_repair.is_empty() {
                    continue;
                }
                let i = *index.entry((gd as u32, k, m as u32)).or_insert_with(|| {
                    members.push(((gd, k as usize, m), Vec::new()));
                    members.len() - 1
                });
                members[i].1.push(g);
            }
        }
        let cap = bin(YEAR_HOURS);
        let entries: Vec<Vec<(f64, ClassWeights)>> = members
            .par_iter()
            .map(|&((gd, k, m), ref gs)| {
                let class = &self.input.groups[gd].classes[k];
                split[m][gd]
                    .by_repair
                    .iter()
                    .map(|&(repair, _)| {
                        let mut w = ClassWeights {
                            near: vec![0.0; class.candidates.len()],
                            wait: vec![0.0; longest[gd]],
                            zero: 0.0,
                        };
                        for &g in gs {
                            let pen = pen[g].as_ref().expect("priced");
                            let h = self.fleet.groups[g].0;
                            let x = self.fleet.failure_at(self.input, class, h, repair);
                            let down = |delivery: f64| delivery.max(x.engineer_hours) + repair;
                            for (j, &d) in class.candidates.iter().enumerate() {
                                w.near[j] += pen.at(down(x.hours(d)));
                            }
                            let t = x.hours(class.primary);
                            // The wait's bins the engineer's travel covers cost the same; past
                            // them, bin kk's downtime lies in grid bin kk + offset
                            // (`wait_shift`), up to the year's.
                            if !(t + repair).is_finite() {
                                for (kk, v) in w.wait.iter_mut().enumerate() {
                                    *v += pen.at(down((kk as f64 + 0.5) * STEP_HOURS + t));
                                }
                            } else {
                                let (covered, offset) =
                                    wait_shift(w.wait.len(), t, x.engineer_hours, repair);
                                let early = pen.at(x.engineer_hours + repair);
                                for v in &mut w.wait[..covered] {
                                    *v += early;
                                }
                                for (kk, v) in w.wait.iter_mut().enumerate().skip(covered) {
                                    *v += pen.at_bin((kk + offset).min(cap));
                                }
                            }
                            w.zero += pen.at(down(t));
                        }
                        (repair, w)
                    })
                    .collect()
            })
            .collect();
        let mut by_model: FxHashMap<(u32, u32), Vec<(usize, usize)>> = FxHashMap::default();
        for (i, &((gd, k, m), _)) in members.iter().enumerate() {
            by_model
                .entry((gd as u32, m as u32))
                .or_default()
                .push((k, i));
        }
        PenaltySums { by_model, entries }
    }

    /// The linearised cost's weights of part `p` at the penalty sums `sums`, per class of its
    /// deadline: for every outcome of a failure (a candidate's delivery, a wait of each grid
    /// length at the primary), the penalties of the priced hospital-models of the class times
    /// their models' failure rates of the part, so that a stock is evaluated by a pass over the
    /// classes. Waits are tabulated up to the longest the current state has: more stock only
    /// shortens them.
    fn class_weights(
        &self,
        sums: &PenaltySums,
        p: usize,
        state: &PartState,
    ) -> Vec<Option<ClassWeights>> {
        let part = &self.input.parts[p];
        let group = &self.input.groups[part.group];
        let longest = part_longest(state);
        let repair = self.fleet.repair_hours[p];
        let mut out: Vec<Option<ClassWeights>> = vec![None; group.classes.len()];
        for &(m, rate) in &part.usage {
            if rate <= 0.0 {
                continue;
            }
            let Some(classes) = sums.by_model.get(&(part.group as u32, m as u32)) else {
                continue;
            };
            for &(k, i) in classes {
                let Some((_, e)) = sums.entries[i]
                    .iter()
                    .find(|(r, _)| r.to_bits() == repair.to_bits())
                else {
                    continue;
                };
                let w = out[k].get_or_insert_with(|| ClassWeights {
                    near: vec![0.0; e.near.len()],
                    wait: vec![0.0; longest],
                    zero: 0.0,
                });
                for (a, b) in w.near.iter_mut().zip(&e.near) {
                    *a += rate * b;
                }
                for (a, b) in w.wait.iter_mut().zip(&e.wait) {
                    *a += rate * b;
                }
                w.zero += rate * e.zero;
            }
        }
        out
    }

    /// The linearised extension cost of part `p` in `state`, from its class weights (the same
    /// outcomes as [`super::wait::Outcomes`]).
    fn part_cost(&self, weights: &[Option<ClassWeights>], p: usize, state: &PartState) -> f64 {
        let group = &self.input.groups[self.input.parts[p].group];
        let (fill, waits) = (&state.fill, &state.waits);
        let mut total = 0.0;
        for (k, w) in weights.iter().enumerate() {
            let Some(w) = w else { continue };
            let class = &group.classes[k];
            let mut reach = 1.0;
            for (j, &d) in class.candidates.iter().enumerate() {
                total += reach * fill[d] * w.near[j];
                reach *= 1.0 - fill[d];
            }
            if reach <= 0.0 {
                continue;
            }
            let (wait, positive) = waits.when_every_candidate_is_empty(class);
            let scale = reach / positive;
            let mut placed = 0.0;
            let last = w.wait.last().copied().unwrap_or(w.zero);
            for (kk, &m) in wait.bins.iter().enumerate() {
                if m > 0.0 {
                    total += scale * m * w.wait.get(kk).copied().unwrap_or(last);
                    placed += scale * m;
                }
            }
            if placed < reach * (1.0 - 1e-9) {
                total += (reach - placed) * w.zero;
            }
        }
        total
    }

    fn state(&self, p: usize, stock: &[u32], start: &[f64]) -> PartState {
        let net = &self.input.parts[p].network;
        let service = evaluate_from(net, stock, Some(start));
        PartState::new(self.input, stock, &service)
    }
}

/// The expected extension cost a year (yuan) of the priced units under the state the penalties
/// were computed at: each group's penalty without extra downtime is exactly its units' cost.
fn exact_cost(pen: &[Option<Penalty>]) -> f64 {
    pen.iter().flatten().map(|p| p.values[0]).sum()
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
    weights: &[Option<ClassWeights>],
    costs: &Costs,
    p: usize,
    stock: &[u32],
    current: &PartState,
) -> Option<(f64, usize, PartState)> {
    if priced.users[p].is_empty() {
        return None;
    }
    let base = priced.part_cost(weights, p, current);
    // No stock saves more than the part's whole linearised cost (it never goes below zero): a
    // depot where one unit costs more a year is not worth evaluating.
    let worth: Vec<usize> = (0..stock.len())
        .filter(|&d| costs.at(p, d) + 1e-9 < base)
        .collect();
    worth
        .into_par_iter()
        .filter_map(|d| {
            let mut s = stock.to_vec();
            s[d] += 1;
            let state = priced.state(p, &s, &current.fill);
            let gain = base - priced.part_cost(weights, p, &state) - costs.at(p, d);
            (gain > 1e-9).then_some((gain, d, state))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
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
    // The penalties at the state the search stands at; their cost without extra downtime is
    // the exact objective there, so each recomputation also costs the state exactly.
    let mut pen = priced.penalties(&start_states);
    let start_total = plan.cost(costs) + exact_cost(&pen);
    let mut current = plan.clone();
    let mut parts = start_states.clone();
    let mut stale = false;
    for _ in 0..MAX_PASSES {
        if stale {
            pen = priced.penalties(&parts);
            stale = false;
        }
        let mut longest = vec![0usize; input.groups.len()];
        for (p, state) in parts.iter().enumerate() {
            let g = input.parts[p].group;
            longest[g] = longest[g].max(part_longest(state));
        }
        let sums = priced.penalty_sums(&pen, &longest);
        let weights: Vec<Vec<Option<ClassWeights>>> = (0..input.parts.len())
            .into_par_iter()
            .map(|p| {
                if priced.users[p].is_empty() {
                    Vec::new()
                } else {
                    priced.class_weights(&sums, p, &parts[p])
                }
            })
            .collect();
        let mut best: Vec<Option<(f64, usize, PartState)>> = (0..input.parts.len())
            .into_par_iter()
            .map(|p| best_addition(&priced, &weights[p], costs, p, &current.stock[p], &parts[p]))
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
            best[p] = best_addition(&priced, &weights[p], costs, p, &current.stock[p], &parts[p]);
        }
        if added == 0 {
            break;
        }
        stale = true;
    }
    if stale {
        pen = priced.penalties(&parts);
    }
    let total = current.cost(costs) + exact_cost(&pen);
    if total < start_total {
        (current, parts)
    } else {
        (plan.clone(), start_states)
    }
}
