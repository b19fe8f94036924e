//! The least-cost base-stock plan: greedy marginal analysis on the hospitals' shortfalls, then
//! a drop pass and (on small instances) an exchange pass.
//!
//! Every hospital must reach its on-time target in every deadline tier within reach (model.md):
//! `sum_{p in k} lambda(h,p) x ontime(h,p)` at least `target x demand` of tier k. The optimiser
//! keeps each hospital-tier's shortfall below that line and repeatedly buys the stock increment
//! (one to a few units of one part at one depot) with the largest reduction of the total
//! shortfall per unit of annual holding cost, until no hospital-tier falls short. Looking a few
//! units ahead gets past the flat start of a fill-rate curve (the first unit of a part with a long
//! pipeline adds little; the third may add much). Increments are kept in a lazily re-evaluated
//! heap: a hospital's shortfall only shrinks, so an increment's value only falls, and the top of
//! the heap is re-priced before it is bought.
//!
//! Then every unit whose removal keeps every target is removed, dearest first; on instances of at
//! most [`EXCHANGE_LIMIT`] units each unit is also tried out in turn (remove it, buy back greedily,
//! drop again) and the exchange kept when it lowers the cost. Finally, when searching every
//! stock vector cheaper than the plan takes at most [`EXACT_LIMIT`] service evaluations, they
//! are all searched, so that small instances get the proven optimum.
//!
//! A hospital-tier that no stocking location reaches within the tier's deadline is held to
//! nothing (see [`requirements`]); the plan reports it as out of reach. Requirements are indexed
//! tier-major ([`req_index`]): a part's stock changes only the requirements of its own tier.
//!
//! Deliberately absent: the service model (see [`super::service`]) and the proof of quality (see
//! [`super::bound`]).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::exhaustive::{exact, Exhaustive};
pub use super::exhaustive::{useful_depots, EXACT_LIMIT};
use super::input::PlanInput;
use super::problem::{for_each_change, MARGIN, MAX_PIPELINE_UNITS};
pub use super::problem::{req_index, requirements, Costs, Infeasible, Plan, Requirement, Targets};
use super::service::{evaluate, evaluate_from};

mod passes;

/// Units of one part at one depot bought in one step, at most (a jump past a flat stretch aside).
const LOOKAHEAD: u32 = 6;

/// Instances with at most this many units get the exchange pass.
pub const EXCHANGE_LIMIT: u32 = 40;

/// The least-cost plan found for `req` (see the module docs).
pub fn optimise(input: &PlanInput, costs: &Costs, req: &[Requirement]) -> Result<Plan, Infeasible> {
    optimise_proven(input, costs, req).map(|(plan, _)| plan)
}

/// [`optimise`], and whether the plan is proven optimal: the exhaustive search ran, so no
/// cheaper stock vector meets the requirements (with the optimiser's relative margin of
/// `1e-9`).
pub fn optimise_proven(
    input: &PlanInput,
    costs: &Costs,
    req: &[Requirement],
) -> Result<(Plan, bool), Infeasible> {
    let mut state = State::new(input, costs, req);
    state.greedy(None)?;
    state.drop_pass();
    if state.plan.units() <= EXCHANGE_LIMIT {
        state.exchange_pass();
    }
    Ok(match exact(input, costs, &state.need, &state.plan) {
        Exhaustive::TooLarge => (state.plan, false),
        Exhaustive::Searched(None) => (state.plan, true),
        Exhaustive::Searched(Some(better)) => (better, true),
    })
}

/// The plan the greedy search buys within a cap on the annual holding cost (yuan): the least-cost
/// plan when it fits, otherwise the increments with the most shortfall reduction per yuan that
/// fit. Returns the plan and whether it meets every requirement.
pub fn optimise_within(
    input: &PlanInput,
    costs: &Costs,
    req: &[Requirement],
    cap: f64,
) -> (Plan, bool) {
    if let Ok(plan) = optimise(input, costs, req) {
        if plan.cost(costs) <= cap {
            return (plan, true);
        }
    }
    let mut state = State::new(input, costs, req);
    state.cap = Some(cap);
    let met = state.greedy(None).is_ok();
    (state.plan, met)
}

/// The plan the greedy search and the drop pass make from `start` (which may fall short of the
/// requirements or exceed them), if it meets every requirement.
pub fn optimise_from(
    input: &PlanInput,
    costs: &Costs,
    req: &[Requirement],
    start: Vec<Vec<u32>>,
) -> Option<Plan> {
    let mut state = State::with_stock(input, costs, req, start);
    state.greedy(None).ok()?;
    state.drop_pass();
    Some(state.plan)
}

/// Whether `plan` meets every requirement by the optimiser's own bookkeeping (per class, with
/// its margin): a quick test before the checker's independent one.
pub fn meets(input: &PlanInput, costs: &Costs, req: &[Requirement], plan: &Plan) -> bool {
    State::with_stock(input, costs, req, plan.stock.clone())
        .short()
        .is_none()
}

/// Bookkeeping of the search.
#[derive(Clone)]
struct State<'a> {
    input: &'a PlanInput,
    costs: &'a Costs,
    need: Vec<f64>,
    plan: Plan,
    /// On-time of each class of each part.
    on_time: Vec<Vec<f64>>,
    /// Fill rate of each depot of each part (the start of the next evaluation).
    fill: Vec<Vec<f64>>,
    /// On-time requests per year of each hospital-tier ([`req_index`]).
    got: Vec<f64>,
    /// Bumped whenever a part's stock changes.
    version: Vec<u32>,
    /// A cap on the plan's holding cost, if any.
    cap: Option<f64>,
    /// Per group and class, the members that may be short in the group's tier: every short
    /// hospital-tier is listed (`listed`, by requirement), some listed ones may have been served
    /// since the last compaction. A gain reaches only short hospital-tiers, so
    /// [`State::benefit`] walks these lists.
    short_members: Vec<Vec<Vec<u32>>>,
    listed: Vec<bool>,
    /// Stock changes since the lists were last compacted.
    since_compaction: u32,
    /// Installed units of each hospital, all models.
    total_units: Vec<f64>,
    /// Per group and class: the installed units per model of the members that are short now,
    /// and a floor under their `shortfall / total units`. While a part's gain per unit
    /// (`delta x` its largest failure rate) stays under the floor, no member's gain is capped by
    /// its shortfall and [`State::benefit`] sums the class in one step.
    short_units: Vec<Vec<ClassShort>>,
    /// The largest failure rate of each part over the models that use it.
    max_rate: Vec<f64>,
    /// Per part, the depots whose stock can change an on-time ([`useful_depots`]): no other
    /// depot's increment gains anything, so none is priced.
    useful: Vec<Vec<bool>>,
}

#[derive(Clone)]
struct ClassShort {
    units: Vec<f64>,
    floor: f64,
}

/// Stock changes between two compactions of the short lists.
const COMPACT_EVERY: u32 = 64;

/// A priced increment.
struct Step {
    ratio: f64,
    part: usize,
    depot: usize,
    units: u32,
    version: u32,
    on_time: Vec<f64>,
    fill: Vec<f64>,
}

impl PartialEq for Step {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Step {}
impl PartialOrd for Step {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Step {
    /// Larger ratio first; ties to the lower part, depot and unit count, so the search is
    /// deterministic.
    fn cmp(&self, other: &Self) -> Ordering {
        self.ratio
            .total_cmp(&other.ratio)
            .then(other.part.cmp(&self.part))
            .then(other.depot.cmp(&self.depot))
            .then(other.units.cmp(&self.units))
    }
}

impl<'a> State<'a> {
    fn new(input: &'a PlanInput, costs: &'a Costs, req: &[Requirement]) -> State<'a> {
        let nd = input.depots.len();
        State::with_stock(input, costs, req, vec![vec![0u32; nd]; input.parts.len()])
    }

    fn with_stock(
        input: &'a PlanInput,
        costs: &'a Costs,
        req: &[Requirement],
        stock: Vec<Vec<u32>>,
    ) -> State<'a> {
        let (on_time, fill): (Vec<Vec<f64>>, Vec<Vec<f64>>) = input
            .parts
            .par_iter()
            .zip(&stock)
            .map(|(p, s)| {
                let service = evaluate(&p.network, s);
                (service.on_time, service.fill_rate)
            })
            .unzip();
        let mut state = State {
            input,
            costs,
            need: req.iter().map(|r| r.need * (1.0 + MARGIN)).collect(),
            plan: Plan { stock },
            on_time,
            fill,
            got: vec![0.0; req.len()],
            version: vec![0; input.parts.len()],
            cap: None,
            short_members: input.groups.iter().map(|g| g.members.clone()).collect(),
            listed: vec![true; req.len()],
            since_compaction: 0,
            total_units: (0..input.hospitals())
                .map(|h| {
                    input.units[h * input.models..(h + 1) * input.models]
                        .iter()
                        .sum()
                })
                .collect(),
            max_rate: input
                .parts
                .iter()
                .map(|p| p.usage.iter().map(|&(_, r)| r).fold(0.0, f64::max))
                .collect(),
            useful: input
                .parts
                .par_iter()
                .map(|p| useful_depots(&p.network))
                .collect(),
            short_units: input
                .groups
                .iter()
                .map(|g| {
                    let empty = ClassShort {
                        units: vec![0.0; input.models],
                        floor: 0.0,
                    };
                    vec![empty; g.classes.len()]
                })
                .collect(),
        };
        for p in 0..input.parts.len() {
            let zero = vec![0.0; state.on_time[p].len()];
            let now = state.on_time[p].clone();
            state.apply(p, &zero, &now);
        }
        state.compact();
        state
    }

    /// Adds the change of one part's class on-time from `old` to `new` to the hospital-tiers.
    fn apply(&mut self, part: usize, old: &[f64], new: &[f64]) {
        let input = self.input;
        let nm = input.models;
        let nh = input.hospitals();
        let gi = input.parts[part].group;
        let grp = &input.groups[gi];
        for_each_change(input, part, old, new, |r, gain| {
            let h = r % nh;
            let before = self.need[r] - self.got[r];
            self.got[r] += gain;
            let after = self.need[r] - self.got[r];
            let row = &input.units[h * nm..(h + 1) * nm];
            // Keep the class's short units and floor true for this hospital-tier.
            let sign = match (before > 0.0, after > 0.0) {
                (true, false) => -1.0,
                (false, true) => 1.0,
                _ => 0.0,
            };
            let Some(c) = grp.class_of[h] else { return };
            let class = &mut self.short_units[gi][c as usize];
            if sign != 0.0 {
                for (u, &n) in class.units.iter_mut().zip(row) {
                    *u += sign * n;
                }
            }
            if after > 0.0 {
                class.floor = class.floor.min(after / self.total_units[h]);
            }
            // A loss can make a served hospital-tier short again: list it.
            if after > 0.0 && !self.listed[r] {
                self.listed[r] = true;
                self.short_members[gi][c as usize].push(h as u32);
            }
        });
    }

    /// Drops served hospital-tiers from the short lists.
    fn compact(&mut self) {
        let (need, got) = (&self.need, &self.got);
        let nh = self.input.hospitals();
        for (g, lists) in self.short_members.iter_mut().enumerate() {
            for list in lists.iter_mut() {
                list.retain(|&h| {
                    let r = g * nh + h as usize;
                    need[r] - got[r] > 0.0
                });
            }
        }
        for r in 0..self.listed.len() {
            self.listed[r] = self.shortfall(r) > 0.0;
        }
        let nm = self.input.models;
        let (need, got) = (&self.need, &self.got);
        for (g, (lists, classes)) in self
            .short_members
            .iter()
            .zip(&mut self.short_units)
            .enumerate()
        {
            for (list, class) in lists.iter().zip(classes.iter_mut()) {
                class.units.iter_mut().for_each(|u| *u = 0.0);
                class.floor = f64::INFINITY;
                for &h in list {
                    let h = h as usize;
                    for (u, &n) in class.units.iter_mut().zip(&self.input.units[h * nm..]) {
                        *u += n;
                    }
                    let short = (need[g * nh + h] - got[g * nh + h]).max(0.0);
                    class.floor = class.floor.min(short / self.total_units[h]);
                }
            }
        }
        self.since_compaction = 0;
    }

    /// The shortfall of requirement `r`.
    fn shortfall(&self, r: usize) -> f64 {
        (self.need[r] - self.got[r]).max(0.0)
    }

    /// The first requirement that falls short.
    fn short(&self) -> Option<usize> {
        (0..self.need.len()).find(|&r| self.shortfall(r) > 0.0)
    }

    /// Reduction of the total shortfall if the part's class on-time became `new`.
    fn benefit(&self, part: usize, new: &[f64]) -> f64 {
        let group = self.input.parts[part].group;
        let g = &self.input.groups[group];
        let base = group * self.input.hospitals();
        let old = &self.on_time[part];
        let mut total = 0.0;
        for (k, all) in g.members.iter().enumerate() {
            let delta = new[k] - old[k];
            if delta == 0.0 {
                continue;
            }
            // A gain no member's shortfall caps: the class's short units at once.
            let class = &self.short_units[group][k];
            if delta > 0.0 && class.floor >= delta * self.max_rate[part] {
                total += delta
                    * self.input.parts[part]
                        .usage
                        .iter()
                        .map(|&(m, r)| r * class.units[m])
                        .sum::<f64>();
                continue;
            }
            // A gain changes only the shortfalls of short hospitals; a loss can reach anyone.
            let members = if delta > 0.0 {
                &self.short_members[group][k]
            } else {
                all
            };
            for &h in members {
                let h = h as usize;
                let r = base + h;
                let before = self.shortfall(r);
                let gain = self.input.rate(h, part) * delta;
                let after = (self.need[r] - self.got[r] - gain).max(0.0);
                total += before - after;
            }
        }
        total
    }

    /// The best increment of one part at one depot, looking up to [`LOOKAHEAD`] units ahead.
    fn price(&self, part: usize, depot: usize) -> Option<Step> {
        let net = &self.input.parts[part].network;
        let unit = self.unit_cost(part, depot);
        let mut stock = self.plan.stock[part].clone();
        let mut best: Option<Step> = None;
        for q in 1..=LOOKAHEAD {
            stock[depot] += 1;
            let service = evaluate_from(net, &stock, Some(&self.fill[part]));
            let on_time = service.on_time;
            let gain = self.benefit(part, &on_time);
            let ratio = gain / (unit * f64::from(q));
            if gain > 0.0 && best.as_ref().is_none_or(|b| ratio > b.ratio) {
                best = Some(Step {
                    ratio,
                    part,
                    depot,
                    units: q,
                    version: self.version[part],
                    on_time,
                    fill: service.fill_rate,
                });
            } else if best.is_some() {
                break;
            }
        }
        best.or_else(|| self.jump(part, depot))
    }

    /// When no unit within the look-ahead gains anything (a depot far below its pipeline, where
    /// the fill rate is flat at zero: a high-volume part), the smallest jump `LOOKAHEAD x 2^k`
    /// units up that gains; the drop pass trims what the jump overshoots.
    fn jump(&self, part: usize, depot: usize) -> Option<Step> {
        let net = &self.input.parts[part].network;
        let unit = self.unit_cost(part, depot);
        let base = self.plan.stock[part][depot];
        let mut q = LOOKAHEAD * 2;
        while f64::from(q) <= 2.0 * MAX_PIPELINE_UNITS {
            let mut stock = self.plan.stock[part].clone();
            stock[depot] = base + q;
            let service = evaluate_from(net, &stock, Some(&self.fill[part]));
            let gain = self.benefit(part, &service.on_time);
            if gain > 0.0 {
                return Some(Step {
                    ratio: gain / (unit * f64::from(q)),
                    part,
                    depot,
                    units: q,
                    version: self.version[part],
                    on_time: service.on_time,
                    fill: service.fill_rate,
                });
            }
            q *= 2;
        }
        None
    }

    /// Every depot's best increment of one part (the depots priced in parallel; the order of
    /// the result is the depots' whatever the threads).
    fn price_part(&self, part: usize) -> Vec<Step> {
        (0..self.input.depots.len())
            .into_par_iter()
            .filter(|&d| self.useful[part][d])
            .filter_map(|d| self.price(part, d))
            .collect()
    }

    fn set(&mut self, part: usize, depot: usize, level: u32, on_time: Vec<f64>, fill: Vec<f64>) {
        self.fill[part] = fill;
        let old = std::mem::take(&mut self.on_time[part]);
        self.apply(part, &old, &on_time);
        self.on_time[part] = on_time;
        self.plan.stock[part][depot] = level;
        self.version[part] += 1;
        self.since_compaction += 1;
        if self.since_compaction >= COMPACT_EVERY {
            self.compact();
        }
    }

    /// Buys increments until no hospital falls short, leaving the `frozen` (part, depot) pair
    /// at its level.
    fn greedy(&mut self, frozen: Option<(usize, usize)>) -> Result<(), Infeasible> {
        if self.short().is_none() {
            return Ok(());
        }
        let this = &*self;
        let allowed = |s: &Step| Some((s.part, s.depot)) != frozen;
        let mut heap: BinaryHeap<Step> = (0..self.input.parts.len())
            .into_par_iter()
            .map(|p| this.price_part(p))
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .filter(allowed)
            .collect();
        while let Some(top) = heap.pop() {
            if top.version != self.version[top.part] {
                continue;
            }
            // Re-price with today's shortfalls.
            let gain = self.benefit(top.part, &top.on_time);
            if gain <= 0.0 {
                continue;
            }
            let ratio = gain / (self.unit_cost(top.part, top.depot) * f64::from(top.units));
            if heap.peek().is_some_and(|next| ratio < next.ratio) {
                heap.push(Step { ratio, ..top });
                continue;
            }
            let extra = self.costs.at(top.part, top.depot) * f64::from(top.units);
            if self
                .cap
                .is_some_and(|cap| self.plan.cost(self.costs) + extra > cap)
            {
                // Over the budget: this increment is out, cheaper ones may still fit.
                continue;
            }
            let level = self.plan.stock[top.part][top.depot] + top.units;
            self.set(top.part, top.depot, level, top.on_time, top.fill);
            if self.short().is_none() {
                return Ok(());
            }
            heap.extend(self.price_part(top.part).into_iter().filter(allowed));
        }
        let r = self
            .short()
            .expect("the loop ends early when no hospital is short");
        let nh = self.input.hospitals();
        Err(Infeasible {
            hospital: r % nh,
            group: r / nh,
            detail: format!(
                "{:.6} on-time requests a year short of {:.6}, and no more stock helps",
                self.shortfall(r),
                self.need[r]
            ),
        })
    }

    /// The search's cost of one unit: the holding cost, kept above zero so that free parts
    /// are still bought in order of their benefit.
    fn unit_cost(&self, part: usize, depot: usize) -> f64 {
        self.costs.at(part, depot).max(1e-9)
    }

    /// Whether lowering a part's class on-time to `new` keeps every requirement.
    fn keeps_targets(&self, part: usize, new: &[f64]) -> bool {
        let group = self.input.parts[part].group;
        let g = &self.input.groups[group];
        let base = group * self.input.hospitals();
        let old = &self.on_time[part];
        g.members.iter().enumerate().all(|(k, members)| {
            let delta = new[k] - old[k];
            delta >= 0.0
                || members.iter().all(|&h| {
                    let r = base + h as usize;
                    self.got[r] + self.input.rate(h as usize, part) * delta >= self.need[r]
                })
        })
    }

    /// The (part, depot) pairs holding stock.
    fn held(&self) -> Vec<(usize, usize)> {
        let nd = self.input.depots.len();
        (0..self.plan.stock.len())
            .flat_map(|p| (0..nd).map(move |d| (p, d)))
            .filter(|&(p, d)| self.plan.stock[p][d] > 0)
            .collect()
    }
}
