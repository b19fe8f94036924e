//! The exhaustive search: every stock vector cheaper than the heuristic plan, when there are few
//! enough, so that small instances get the proven optimum.
//!
//! Parts are searched one after another, depot by depot, with the plan's cost as the budget; a
//! branch is cut when its cost reaches the best plan found, or when some hospital can no longer
//! reach the requirement of one of its tiers even if every later part were on time everywhere.
//! Depots whose stock can change no on-time probability ([`useful_depots`]) hold nothing.

use super::input::PlanInput;
use super::problem::{add_change, Costs, Plan};
use super::service::{evaluate, PartNetwork};

/// Service evaluations the exhaustive search may take: within them it visits every stock vector
/// cheaper than the heuristic plan, so that small plans are optimal, not merely good.
pub const EXACT_LIMIT: f64 = 200_000.0;

/// The outcome of the exhaustive search.
pub(super) enum Exhaustive {
    /// Searching every stock vector cheaper than the heuristic plan takes more than
    /// [`EXACT_LIMIT`] service evaluations.
    TooLarge,
    /// Every cheaper vector was evaluated: the least-cost one that meets the requirements, or
    /// `None` when the heuristic plan is already optimal.
    Searched(Option<Plan>),
}

/// The least-cost plan among all stock vectors cheaper than `plan`, by exhaustive search, when
/// it takes at most [`EXACT_LIMIT`] evaluations of a part's service (the search is tried when an
/// estimate of the vectors cheaper than the plan is at most four times that, and abandoned when
/// the count is reached).
pub(super) fn exact(input: &PlanInput, costs: &Costs, need: &[f64], plan: &Plan) -> Exhaustive {
    let nd = input.depots.len();
    let budget = plan.cost(costs);
    let useful: Vec<Vec<bool>> = input
        .parts
        .iter()
        .map(|p| useful_depots(&p.network))
        .collect();
    // Lattice points under the cost budget: with m cells of equal cost and N units in the
    // budget this is C(N + m, m) exactly; unequal costs give an estimate.
    // An evaluation's work grows with the stock levels (its tables reach them): large levels
    // count as several evaluations.
    let top = plan.stock.iter().flatten().copied().max().unwrap_or(0);
    let mut estimate = (f64::from(top) / 50.0).max(1.0);
    let mut cells = 0.0;
    for p in 0..input.parts.len() {
        for d in (0..nd).filter(|&d| useful[p][d]) {
            let c = costs.at(p, d);
            if c <= 0.0 {
                return Exhaustive::TooLarge;
            }
            cells += 1.0;
            estimate *= ((budget / c).floor() + cells) / cells;
            if estimate > 4.0 * EXACT_LIMIT {
                return Exhaustive::TooLarge;
            }
        }
    }
    let mut search = Exact {
        input,
        costs,
        need,
        best_cost: budget * (1.0 - 1e-12) - 1e-9,
        best: None,
        useful,
        stock: vec![vec![0; nd]; input.parts.len()],
        got: vec![0.0; need.len()],
        evaluations: 0,
        rest: reachable_after(input),
    };
    search.part(0, 0.0);
    if search.evaluations > EXACT_LIMIT as u64 {
        return Exhaustive::TooLarge;
    }
    Exhaustive::Searched(search.best.map(|stock| Plan { stock }))
}

/// `rest[p][r]`, the demand of hospital-tier `r` ([`super::problem::req_index`]) for parts
/// `p..` within some depot's reach (one row per part and a last row of zeros).
fn reachable_after(input: &PlanInput) -> Vec<Vec<f64>> {
    let nh = input.hospitals();
    let np = input.parts.len();
    let mut rest = vec![vec![0.0; nh * input.groups.len()]; np + 1];
    for p in (0..np).rev() {
        let group = input.parts[p].group;
        let g = &input.groups[group];
        let mut row = rest[p + 1].clone();
        for h in 0..nh {
            let reached =
                g.class_of[h].is_some_and(|k| !g.classes[k as usize].candidates.is_empty());
            if reached {
                row[group * nh + h] += input.rate(h, p);
            }
        }
        rest[p] = row;
    }
    rest
}

/// The depots whose stock can change some on-time probability of the part: those within the
/// deadline of some hospital, and their ancestors (whose stock sets their delays). Any other
/// depot's fill rate reaches no hospital's on-time, and its replenishment orders (backorders of
/// the hospitals it is primary for) do not depend on its own stock, so holding none there is
/// optimal.
pub fn useful_depots(net: &PartNetwork) -> Vec<bool> {
    let mut useful = vec![false; net.depots.len()];
    for h in &net.hospitals {
        for &d in &h.candidates {
            let mut at = Some(d);
            while let Some(a) = at {
                if useful[a] {
                    break;
                }
                useful[a] = true;
                at = net.depots[a].parent;
            }
        }
    }
    useful
}

struct Exact<'a> {
    input: &'a PlanInput,
    costs: &'a Costs,
    need: &'a [f64],
    best_cost: f64,
    best: Option<Vec<Vec<u32>>>,
    /// Per part, the depots whose stock can change an on-time probability; the others stay at 0.
    useful: Vec<Vec<bool>>,
    stock: Vec<Vec<u32>>,
    got: Vec<f64>,
    /// Part services evaluated so far; past [`EXACT_LIMIT`] the search stops unfinished.
    evaluations: u64,
    /// `rest[p][r]`: requests a year of hospital-tier `r` for parts `p..` that some depot
    /// reaches within the deadline, the most those parts can add to its on-time requests.
    rest: Vec<Vec<f64>>,
}

impl Exact<'_> {
    /// Enumerates the levels of part `p`, then the parts after it.
    fn part(&mut self, p: usize, cost: f64) {
        if p == self.input.parts.len() {
            if self.got.iter().zip(self.need).all(|(g, n)| g >= n) {
                self.best_cost = cost;
                self.best = Some(self.stock.clone());
            }
            return;
        }
        self.depot(p, 0, cost);
    }

    fn depot(&mut self, p: usize, d: usize, cost: f64) {
        let nd = self.input.depots.len();
        if self.evaluations > EXACT_LIMIT as u64 {
            return;
        }
        if d == nd {
            self.evaluations += 1;
            let on_time = evaluate(&self.input.parts[p].network, &self.stock[p]).on_time;
            let none = vec![0.0; on_time.len()];
            add_change(self.input, &mut self.got, p, &none, &on_time);
            // Only if every hospital can still reach its need with the parts after this one
            // always on time where a depot reaches it.
            let rest = &self.rest[p + 1];
            if self
                .got
                .iter()
                .zip(rest)
                .zip(self.need)
                .all(|((g, r), n)| g + r >= *n)
            {
                self.part(p + 1, cost);
            }
            add_change(self.input, &mut self.got, p, &on_time, &none);
            return;
        }
        if !self.useful[p][d] {
            self.depot(p, d + 1, cost);
            return;
        }
        let unit = self.costs.at(p, d);
        let mut level = 0u32;
        while cost + f64::from(level) * unit < self.best_cost {
            self.stock[p][d] = level;
            self.depot(p, d + 1, cost + f64::from(level) * unit);
            level += 1;
        }
        self.stock[p][d] = 0;
    }
}
