//! The optimisation problem every search and check shares: the requirement of each hospital
//! and deadline tier, the cost weights, a plan in the planning input's part order (and its
//! conversion to and from the [`StockPlan`] other stages read), infeasibility, and how a part's
//! class on-time changes the on-time requests of the hospital-tiers it serves.
//!
//! Deliberately absent: any search (`optimise`, `exhaustive`, `bound`) and the checker.

use super::input::PlanInput;
use super::stock_plan::StockPlan;

pub use crate::model::limits::MAX_PIPELINE_UNITS;

/// Relative margin kept above each requirement, so that an independent recomputation, which
/// adds the same numbers in another order, agrees.
pub(super) const MARGIN: f64 = 1e-9;

/// The delivery target of a tier when nothing else sets one (model.md, Service).
pub const DEFAULT_TARGET: f64 = 0.95;

/// Delivery targets per deadline tier: one for every tier, and any tier's own.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Targets {
    /// The target of every tier without one of its own (`None`: [`DEFAULT_TARGET`]).
    pub all: Option<f64>,
    /// `(deadline hours, target)` of tiers with their own target.
    pub by_deadline: Vec<(f64, f64)>,
}

impl From<Option<f64>> for Targets {
    fn from(all: Option<f64>) -> Targets {
        Targets {
            all,
            by_deadline: Vec::new(),
        }
    }
}

impl From<f64> for Targets {
    fn from(all: f64) -> Targets {
        Targets::from(Some(all))
    }
}

impl Targets {
    /// The target of the tier of `deadline_hours`.
    pub fn of_deadline(&self, deadline_hours: f64) -> f64 {
        self.by_deadline
            .iter()
            .find(|(k, _)| (k - deadline_hours).abs() < 1e-9)
            .map(|&(_, t)| t)
            .or(self.all)
            .unwrap_or(DEFAULT_TARGET)
    }

    /// Every target given.
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.all
            .into_iter()
            .chain(self.by_deadline.iter().map(|&(_, t)| t))
    }

    /// Parses `0.95` (every tier), `72=0.95,4=0.9` (per tier, in hours) or both
    /// (`0.95,4=0.9`: 0.9 for the 4-hour tier, 0.95 for every other).
    pub fn parse(s: &str) -> Result<Targets, String> {
        let mut t = Targets::default();
        for item in s.split(',').map(str::trim) {
            let (hours, value) = match item.split_once('=') {
                Some((k, v)) => (Some(k.trim()), v.trim()),
                None => (None, item),
            };
            let target = parse_target(value)?;
            match hours {
                None if t.all.is_some() => {
                    return Err(format!("{s:?} gives the target of every tier twice"))
                }
                None => t.all = Some(target),
                Some(k) => {
                    let k = k.strip_suffix('h').unwrap_or(k);
                    let hours: f64 = k
                        .parse()
                        .ok()
                        .filter(|h: &f64| h.is_finite() && *h > 0.0)
                        .ok_or_else(|| {
                            format!("{k:?} is not a deadline in hours (as in 72=0.95)")
                        })?;
                    if t.by_deadline.iter().any(|&(x, _)| x == hours) {
                        return Err(format!("{s:?} gives the {hours} h tier's target twice"));
                    }
                    t.by_deadline.push((hours, target));
                }
            }
        }
        Ok(t)
    }
}

impl std::fmt::Display for Targets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut items: Vec<String> = self.all.iter().map(f64::to_string).collect();
        items.extend(self.by_deadline.iter().map(|(k, t)| format!("{k}={t}")));
        if items.is_empty() {
            items.push(DEFAULT_TARGET.to_string());
        }
        f.write_str(&items.join(","))
    }
}

/// A delivery target: a probability below 1.
pub fn parse_target(s: &str) -> Result<f64, String> {
    let t: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number such as 0.95"))?;
    if t.is_finite() && (0.0..1.0).contains(&t) {
        Ok(t)
    } else {
        Err(format!(
            "target {s} is out of range: a target is a probability below 1 (0.95 is 95 %)"
        ))
    }
}

/// What one hospital must get for the parts of one deadline tier (model.md, Service).
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub target: f64,
    /// Requests per year for the tier's parts.
    pub demand: f64,
    /// Whether some stocking location reaches the hospital within the tier's deadline; an
    /// out-of-reach hospital-tier is held to nothing.
    pub reachable: bool,
    /// Requests per year that must be on time: `target x demand` within reach, else 0.
    pub need: f64,
}

/// The index of the requirement of hospital `h` in tier (group) `group`: tier-major.
pub fn req_index(input: &PlanInput, group: usize, h: usize) -> usize {
    group * input.hospitals() + h
}

/// Each hospital-tier's requirement, indexed by [`req_index`]: its `service_target` where
/// hospitals.csv gives one, else the tier's target, times its demand for the tier's parts when
/// some stocking location reaches it within the deadline, and nothing when none does. No tier
/// makes up for another.
pub fn requirements(input: &PlanInput, targets: &Targets) -> Vec<Requirement> {
    let nh = input.hospitals();
    let ng = input.groups.len();
    let mut demand = vec![0.0; ng * nh];
    for (i, part) in input.parts.iter().enumerate() {
        for h in 0..nh {
            let rate = input.rate(h, i);
            if rate > 0.0 {
                demand[part.group * nh + h] += rate;
            }
        }
    }
    (0..ng * nh)
        .map(|r| {
            let (g, h) = (r / nh, r % nh);
            let grp = &input.groups[g];
            let t = input
                .service_targets
                .get(h)
                .copied()
                .flatten()
                .unwrap_or_else(|| targets.of_deadline(grp.deadline_hours));
            let reachable =
                grp.class_of[h].is_some_and(|k| !grp.classes[k as usize].candidates.is_empty());
            Requirement {
                target: t,
                demand: demand[r],
                reachable,
                need: if reachable { t * demand[r] } else { 0.0 },
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
#[error("no stock meets the requirement of hospital index {hospital} (tier {group}): {detail}")]
pub struct Infeasible {
    pub hospital: usize,
    /// The tier (group) of the requirement.
    pub group: usize,
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

/// Adds to each hospital-tier's on-time requests (indexed by [`req_index`]) the change of one
/// part's class on-time from `old` to `new`.
pub(super) fn add_change(
    input: &PlanInput,
    got: &mut [f64],
    part: usize,
    old: &[f64],
    new: &[f64],
) {
    for_each_change(input, part, old, new, |h, gain| got[h] += gain);
}

/// Calls `f(requirement index, change of its on-time requests)` for every hospital whose
/// class's on-time of one part changes from `old` to `new`.
pub(super) fn for_each_change(
    input: &PlanInput,
    part: usize,
    old: &[f64],
    new: &[f64],
    mut f: impl FnMut(usize, f64),
) {
    let group = input.parts[part].group;
    let base = group * input.hospitals();
    let g = &input.groups[group];
    for (k, members) in g.members.iter().enumerate() {
        let delta = new[k] - old[k];
        if delta == 0.0 {
            continue;
        }
        for &h in members {
            f(base + h as usize, input.rate(h as usize, part) * delta);
        }
    }
}
