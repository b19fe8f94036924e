//! The optimisation problem every search and check shares: each hospital's requirement, the
//! cost weights, a plan in the planning input's part order (and its conversion to and from the
//! [`StockPlan`] other stages read), infeasibility, and how a part's class on-time changes a
//! hospital's on-time requests.
//!
//! Deliberately absent: any search (`optimise`, `exhaustive`, `bound`) and the checker.

use super::input::PlanInput;
use super::stock_plan::StockPlan;

/// The highest on-time a requirement asks of the parts within reach.
pub const MAX_REACHABLE_ON_TIME: f64 = 0.999;

pub use crate::model::limits::MAX_PIPELINE_UNITS;

/// Relative margin kept above each requirement, so that an independent recomputation, which
/// adds the same numbers in another order, agrees.
pub(super) const MARGIN: f64 = 1e-9;

/// What one hospital must get.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub target: f64,
    /// Requests per year, all parts.
    pub demand: f64,
    /// Requests per year for parts some depot serves within the deadline.
    pub reachable: f64,
    /// Whether the requirement is capped by the reachable demand (the target on all demand is out
    /// of reach).
    pub reachable_only: bool,
    /// Requests per year that must be on time.
    pub need: f64,
}

/// Each hospital's requirement: `min(target x demand, MAX_REACHABLE_ON_TIME x reachable demand)`
/// requests a year on time. It rises with the target (a higher target never asks less), equals
/// the model's guarantee for every hospital within reach of all its parts, and for the others asks
/// as much as 99.9 % on the parts within reach allows.
pub fn requirements(input: &PlanInput, target: Option<f64>) -> Vec<Requirement> {
    let nh = input.hospitals();
    let mut demand = vec![0.0; nh];
    let mut reachable = vec![0.0; nh];
    for (i, part) in input.parts.iter().enumerate() {
        let g = &input.groups[part.group];
        for h in 0..nh {
            let rate = input.rate(h, i);
            if rate <= 0.0 {
                continue;
            }
            demand[h] += rate;
            if let Some(k) = g.class_of[h] {
                if !g.classes[k as usize].candidates.is_empty() {
                    reachable[h] += rate;
                }
            }
        }
    }
    (0..nh)
        .map(|h| {
            // A hospital's contracted service_target first, then the override, then the
            // strictest uptime target of its scanners.
            let t = input
                .service_targets
                .get(h)
                .copied()
                .flatten()
                .or(target)
                .or(input.targets[h])
                .unwrap_or(0.0);
            let full = t * demand[h];
            let cap = MAX_REACHABLE_ON_TIME * reachable[h];
            let reachable_only = full > cap;
            let need = full.min(cap);
            Requirement {
                target: t,
                demand: demand[h],
                reachable: reachable[h],
                reachable_only,
                need,
            }
        })
        .collect()
}

/// Yearly holding cost of one unit of each part at each depot, part-major, in yuan (a weight for
/// the search; reported money is computed exactly elsewhere).
#[derive(Clone, Debug)]
pub struct Costs {
    pub depots: usize,
    pub per_unit: Vec<f64>,
}

impl Costs {
    pub fn at(&self, part: usize, depot: usize) -> f64 {
        self.per_unit[part * self.depots + depot]
    }
}

/// A stock plan: base-stock levels per part (in `PlanInput::parts` order) and depot.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub stock: Vec<Vec<u32>>,
}

impl Plan {
    pub fn cost(&self, costs: &Costs) -> f64 {
        let mut total = 0.0;
        for (p, levels) in self.stock.iter().enumerate() {
            for (d, &s) in levels.iter().enumerate() {
                total += f64::from(s) * costs.at(p, d);
            }
        }
        total
    }

    pub fn units(&self) -> u32 {
        self.stock.iter().flatten().sum()
    }
}

/// The optimiser failed: some requirement cannot be met by any stock.
#[derive(Debug, thiserror::Error)]
#[error("no stock meets the requirement of hospital index {hospital}: {detail}")]
pub struct Infeasible {
    pub hospital: usize,
    pub detail: String,
}

impl Plan {
    /// A stock plan in the input's part order (parts without demand are left out).
    pub fn of(input: &PlanInput, stock: &StockPlan) -> Plan {
        Plan {
            stock: input
                .parts
                .iter()
                .map(|p| stock.of_part(p.part).to_vec())
                .collect(),
        }
    }

    /// The stock plan of this plan, sized for `parts` data-set parts.
    pub fn to_stock_plan(&self, input: &PlanInput, parts: usize) -> StockPlan {
        let mut stock = StockPlan::new(input.depots.len(), parts);
        for (p, levels) in input.parts.iter().zip(&self.stock) {
            stock.of_part_mut(p.part).copy_from_slice(levels);
        }
        stock
    }
}

/// Adds to each hospital's on-time requests the change of one part's class on-time from `old`
/// to `new`.
pub(super) fn add_change(
    input: &PlanInput,
    got: &mut [f64],
    part: usize,
    old: &[f64],
    new: &[f64],
) {
    for_each_change(input, part, old, new, |h, gain| got[h] += gain);
}

/// Calls `f(hospital, change of its on-time requests)` for every hospital whose class's on-time
/// of one part changes from `old` to `new`.
pub(super) fn for_each_change(
    input: &PlanInput,
    part: usize,
    old: &[f64],
    new: &[f64],
    mut f: impl FnMut(usize, f64),
) {
    let g = &input.groups[input.parts[part].group];
    for (k, members) in g.members.iter().enumerate() {
        let delta = new[k] - old[k];
        if delta == 0.0 {
            continue;
        }
        for &h in members {
            f(h as usize, input.rate(h as usize, part) * delta);
        }
    }
}
