//! A plan's figures, keyed by typed ids: what the writers, the report, scenarios, replenishment
//! and the simulation read of a plan.
//!
//! Money is exact: investment is `unit_cost x base_stock` in fen, annual holding cost is
//! `unit_cost x base_stock x holding_rate` rounded half away from zero to the fen per depot and
//! part (the holding rate read to the millionth), and totals are sums of those rows. The
//! optimiser's own cost is a floating-point weight that never reaches an output.

use super::bound::{Bound, BoundMethod};
use super::check::Checked;
use super::input::{OutOfReach, PlanInput};
use super::problem::Costs;
use super::problem::{req_index, Plan, Requirement};
use super::stock_plan::StockPlan;
use super::warranty::{expected_of_plan, ExtensionPoint, Fleet};
use crate::coverage::Coverage;
use crate::model::{Dataset, DepotId, HospitalId, PartId};
use crate::money::{div_round_half_away, Fen};
use crate::uptime::Expected;
use std::sync::Arc;

/// One point of the cost-versus-target curve.
#[derive(Clone, Debug, PartialEq)]
pub struct CurvePoint {
    pub target: f64,
    pub annual_holding_cost: Fen,
    pub investment: Fen,
    pub system_on_time: f64,
    pub units: u32,
}

/// Money of one depot and part.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Money {
    pub investment: Fen,
    pub holding: Fen,
}

/// One depot and part of a plan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DepotLine {
    pub base_stock: u32,
    pub fill_rate: f64,
    /// Requests per year the depot fills within the deadline.
    pub filled: f64,
    /// Replenishment orders per year.
    pub flow: f64,
    pub money: Money,
}

/// One hospital in one deadline tier under a plan (model.md, Service).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TierFigures {
    pub deadline_hours: f64,
    /// Requests per year for the tier's parts.
    pub demand: f64,
    pub on_time: f64,
    pub target: f64,
    /// Whether some stocking location reaches the hospital within the deadline.
    pub reachable: bool,
    /// Whether the checker found the tier's on-time requests at its requirement (always for an
    /// out-of-reach tier, which is held to nothing).
    pub meets_requirement: bool,
}

impl TierFigures {
    /// Whether the tier meets its target: `None` when it is out of reach.
    pub fn meets_target(&self) -> Option<bool> {
        self.reachable.then_some(self.meets_requirement)
    }

    /// Whether the tier has demand, is within reach and is below its target.
    pub fn below_target(&self) -> bool {
        self.demand > 0.0 && self.meets_target() == Some(false)
    }
}

/// One hospital under a plan, over all its tiers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HospitalFigures {
    /// Requests per year, all parts.
    pub demand: f64,
    /// On-time over all parts (out-of-reach tiers count as late).
    pub on_time: f64,
    /// Its reachable tier with demand furthest below (or least above) its target.
    pub worst: Option<TierFigures>,
}

impl HospitalFigures {
    /// Whether some reachable tier with demand is below its target.
    pub fn below_target(&self) -> bool {
        self.worst.is_some_and(|t| t.below_target())
    }
}

/// Why a depot holds what it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    pub hospitals_within_deadline: usize,
    pub first_choice_hospitals: usize,
    pub first_choice_demand: f64,
    pub filled: f64,
    pub filled_for_other_depots: f64,
    /// The largest first-choice hospitals (at most three) and their demand per year.
    pub largest_first_choice: Vec<(HospitalId, f64)>,
}

/// A hospital that no depot serves within one deadline.
#[derive(Clone, Debug, PartialEq)]
pub struct OutOfReachRow {
    pub deadline_hours: f64,
    pub hospital: HospitalId,
    /// Parts of the deadline the hospital uses, and its demand for them per year.
    pub parts: usize,
    pub demand: f64,
    /// The fastest depot and its delivery hours, if any route exists.
    pub best: Option<(DepotId, f64)>,
}

/// What every plan of a data set starts from.
pub(in crate::stock) struct Prepared {
    pub(in crate::stock) coverage: Coverage,
    pub(in crate::stock) input: PlanInput,
    pub(in crate::stock) requirements: Vec<Requirement>,
    pub(in crate::stock) costs: Costs,
    pub(in crate::stock) fleet: Arc<Fleet>,
}

/// A plan with its figures.
#[derive(Clone, Debug)]
pub struct PlanResult {
    pub stock: StockPlan,
    /// The routes the plan was made on.
    pub coverage: Coverage,
    pub investment: Fen,
    pub annual_holding_cost: Fen,
    /// The annual holding cost of the analytic plan, before any correction by the check by
    /// simulation ([`super::raise`]); the bound and the gap are its.
    pub analytic_holding_cost: Fen,
    pub bound: Option<Bound>,
    /// The proven lower bound on the annual holding cost, rounded down to the fen so it stays a
    /// bound (the plan's own cost when the exhaustive search proved it optimal).
    pub lower_bound: Option<Fen>,
    /// Why the bound could not be computed, when it failed.
    pub bound_error: Option<String>,
    pub curve: Vec<CurvePoint>,
    /// Whether every hospital's requirement is met (false when a budget binds, or for a plan
    /// made elsewhere that falls short).
    pub meets_targets: bool,
    /// The plan's expected days short and extension days from its own model (the units in
    /// warranty in the planned year, each for its share of it; [`PlanResult::extension_all_units`]
    /// has every unit's year).
    pub extension: Expected,
    /// Every unit's, computed when first asked for.
    pub(in crate::stock) extension_all: std::sync::OnceLock<Expected>,
    /// The expected extension cost of the analytic plan, before any correction by simulation.
    pub analytic_extension_cost: Fen,
    /// The least expected extension cost any stock gives (the bound's share of the priced
    /// objective), when the bound is computed.
    pub extension_floor: Option<Fen>,
    /// Holding cost against expected extension cost as the price of a warranty day is scaled
    /// (empty when the clause is not priced or no curve is asked for).
    pub extension_curve: Vec<ExtensionPoint>,
    pub(in crate::stock) fleet: Arc<Fleet>,
    pub(in crate::stock) input: PlanInput,
    pub(in crate::stock) requirements: Vec<Requirement>,
    pub(in crate::stock) plan: Plan,
    pub(in crate::stock) checked: Checked,
    /// Per part (input order) and depot.
    pub(in crate::stock) money: Vec<Vec<Money>>,
    /// Index in the input's parts of each data-set part.
    pub(in crate::stock) slot: Vec<Option<usize>>,
    /// The deadline tiers in increasing deadline (computed once: every per-hospital figure
    /// walks them).
    pub(in crate::stock) tiers: Vec<(usize, f64)>,
}

impl PlanResult {
    /// The result of `plan` for a prepared data set, without bound or curve.
    pub(in crate::stock) fn new(
        ds: &Dataset,
        prepared: Prepared,
        plan: Plan,
        checked: Checked,
        meets_targets: bool,
    ) -> PlanResult {
        let Prepared {
            coverage,
            input,
            requirements,
            fleet,
            ..
        } = prepared;
        let money = money(ds, &input, &plan);
        let extension = expected_of_plan(&input, &fleet, &plan, &checked, false);
        let investment = money.iter().flatten().map(|m| m.investment).sum();
        let annual_holding_cost: Fen = money.iter().flatten().map(|m| m.holding).sum();
        PlanResult {
            stock: plan.to_stock_plan(&input, ds.parts.len()),
            coverage,
            investment,
            annual_holding_cost,
            analytic_holding_cost: annual_holding_cost,
            bound: None,
            lower_bound: None,
            bound_error: None,
            curve: Vec::new(),
            meets_targets,
            analytic_extension_cost: extension.extension_cost(),
            extension,
            extension_all: std::sync::OnceLock::new(),
            extension_floor: None,
            extension_curve: Vec::new(),
            fleet,
            slot: input.slots(ds.parts.len()),
            tiers: input.tiers(),
            input,
            requirements,
            plan,
            checked,
            money,
        }
    }

    /// With the lower bound: rounded down to the fen so it stays a bound, the plan's own cost
    /// when the exhaustive search proved it optimal.
    /// With the lower bound on the plan's objective: the bound on the holding cost (rounded down
    /// to the fen so it stays a bound; the targets' plan's own cost `holding` when the
    /// exhaustive search proved it optimal) plus the floor of the expected extension cost when
    /// the clause is priced.
    pub(in crate::stock) fn with_bound(
        mut self,
        bound: Option<Bound>,
        holding: Fen,
        extension_floor: Option<Fen>,
    ) -> PlanResult {
        self.lower_bound = bound.as_ref().map(|b| {
            let h = match b.method {
                BoundMethod::Exhaustive => holding,
                BoundMethod::Lagrangian => Fen((b.lower_bound * 100.0).floor() as i64).min(holding),
            };
            h + extension_floor.unwrap_or(Fen::ZERO)
        });
        self.extension_floor = extension_floor;
        self.bound = bound;
        self
    }

    /// The same result with another plan (meeting `requirements`, checked): money and service
    /// are the new plan's; routes, bound and curve stay.
    pub(in crate::stock) fn replaced(
        &self,
        ds: &Dataset,
        plan: Plan,
        checked: Checked,
        requirements: Vec<Requirement>,
    ) -> PlanResult {
        let money = money(ds, &self.input, &plan);
        let extension = expected_of_plan(&self.input, &self.fleet, &plan, &checked, false);
        PlanResult {
            extension,
            extension_all: std::sync::OnceLock::new(),
            stock: plan.to_stock_plan(&self.input, ds.parts.len()),
            investment: money.iter().flatten().map(|m| m.investment).sum(),
            annual_holding_cost: money.iter().flatten().map(|m| m.holding).sum(),
            meets_targets: checked.ok(),
            requirements,
            plan,
            checked,
            money,
            ..self.clone()
        }
    }

    /// The planning input the plan was made on (the network facts the simulation reads).
    pub fn input(&self) -> &PlanInput {
        &self.input
    }

    /// Base stock per part of [`PlanResult::input`] (its part order) and depot: the form the
    /// simulation's event loop indexes.
    pub fn levels_by_input_part(&self) -> Vec<Vec<u32>> {
        self.plan.stock.clone()
    }

    /// The parts with demand, in part order.
    pub fn parts(&self) -> impl Iterator<Item = PartId> + '_ {
        self.input.parts.iter().map(|p| p.part)
    }

    /// A depot and part with demand.
    pub fn line(&self, depot: DepotId, part: PartId) -> Option<DepotLine> {
        let p = self.slot.get(part.index()).copied().flatten()?;
        let d = depot.index();
        let state = &self.checked.depots[p][d];
        Some(DepotLine {
            base_stock: self.plan.stock[p][d],
            fill_rate: state.fill_rate,
            filled: state.filled,
            flow: state.flow,
            money: self.money[p][d],
        })
    }

    /// The deadline tiers, fastest last: `(group, deadline hours)` in increasing deadline.
    pub fn tiers(&self) -> &[(usize, f64)] {
        &self.tiers
    }

    /// One hospital in the tier of group `group` (see [`PlanResult::tiers`]).
    pub fn tier(&self, h: HospitalId, group: usize) -> TierFigures {
        let r = req_index(&self.input, group, h.index());
        let s = &self.checked.tiers[r];
        let q = &self.requirements[r];
        TierFigures {
            deadline_hours: self.input.groups[group].deadline_hours,
            demand: s.demand,
            on_time: s.on_time,
            target: q.target,
            reachable: q.reachable,
            meets_requirement: s.meets_requirement,
        }
    }

    /// One hospital's tiers with demand, in increasing deadline.
    pub fn hospital_tiers(&self, h: HospitalId) -> Vec<TierFigures> {
        self.tiers
            .iter()
            .map(|&(g, _)| self.tier(h, g))
            .filter(|t| t.demand > 0.0)
            .collect()
    }

    /// The index of a hospital-tier among the plan's requirements (and the verification's tiers).
    pub fn tier_index(&self, h: HospitalId, group: usize) -> usize {
        req_index(&self.input, group, h.index())
    }

    /// The on-time the plan was made to give hospital-tier `i` in the model where the check by
    /// simulation raised it above the target (`None` where it did not).
    pub fn verified_requirement(&self, i: usize) -> Option<f64> {
        let q = &self.requirements[i];
        (q.reachable && q.demand > 0.0 && q.need > q.target * q.demand * (1.0 + 1e-12))
            .then(|| q.need / q.demand)
    }

    /// The fastest stocking location of a hospital and its delivery hours (handling included).
    pub fn fastest(&self, h: HospitalId) -> Option<(DepotId, f64)> {
        let d = self.coverage.primary(h)?;
        let hours = self.input.hours[d.index() * self.input.hospitals() + h.index()]?;
        Some((d, hours))
    }

    pub fn hospital(&self, h: HospitalId) -> HospitalFigures {
        let tiers = self.hospital_tiers(h);
        let demand: f64 = tiers.iter().map(|t| t.demand).sum();
        let on_time: f64 = tiers.iter().map(|t| t.demand * t.on_time).sum();
        HospitalFigures {
            demand,
            on_time: if demand > 0.0 { on_time / demand } else { 1.0 },
            worst: tiers
                .iter()
                .filter(|t| t.reachable)
                .max_by(|a, b| (a.target - a.on_time).total_cmp(&(b.target - b.on_time)))
                .copied(),
        }
    }

    /// Every hospital-tier with demand, in the order of [`PlanResult::tier_index`] (tier by
    /// tier, hospitals in id order): its index, hospital, group and figures.
    pub fn tiers_with_demand(&self) -> Vec<(usize, HospitalId, usize, TierFigures)> {
        let nh = self.input.hospitals();
        (0..self.requirements.len())
            .filter(|&i| self.checked.tiers[i].demand > 0.0)
            .map(|i| {
                let (g, h) = (i / nh, HospitalId::from_index(i % nh));
                (i, h, g, self.tier(h, g))
            })
            .collect()
    }

    /// A hospital-tier named for a message: `H110100-01 (72 h)`.
    pub fn tier_label(&self, ds: &Dataset, i: usize) -> String {
        tier_label(ds, &self.input, i)
    }

    /// Hospital-tiers with demand, within reach and below their target.
    pub fn tiers_below_target(&self) -> usize {
        self.checked
            .tiers
            .iter()
            .zip(&self.requirements)
            .filter(|(s, q)| s.demand > 0.0 && q.reachable && !s.meets_requirement)
            .count()
    }

    /// Requests on time over all requests of one tier (1 without demand).
    pub fn tier_on_time(&self, group: usize) -> f64 {
        let nh = self.input.hospitals();
        let rows = &self.checked.tiers[group * nh..(group + 1) * nh];
        let demand: f64 = rows.iter().map(|t| t.demand).sum();
        let on_time: f64 = rows.iter().map(|t| t.on_time_requests).sum();
        if demand > 0.0 {
            on_time / demand
        } else {
            1.0
        }
    }

    /// Units held over all depots and parts.
    pub fn units(&self) -> u32 {
        self.plan.units()
    }

    /// Units, investment and annual holding cost of one depot.
    pub fn depot_totals(&self, depot: DepotId) -> (u32, Fen, Fen) {
        let d = depot.index();
        let units = self.plan.stock.iter().map(|s| s[d]).sum();
        let investment = self.money.iter().map(|m| m[d].investment).sum();
        let holding = self.money.iter().map(|m| m[d].holding).sum();
        (units, investment, holding)
    }

    /// Requests on time over all requests.
    pub fn system_on_time(&self) -> f64 {
        self.checked.system_on_time()
    }

    /// The lowest on-time of a hospital-tier with demand within reach (1 without any).
    pub fn min_hospital_on_time(&self) -> f64 {
        self.checked
            .tiers
            .iter()
            .zip(&self.requirements)
            .filter(|(s, q)| s.demand > 0.0 && q.reachable)
            .map(|(s, _)| s.on_time)
            .fold(1.0, f64::min)
    }

    /// On-time of one part over the hospitals some depot reaches (1 without demand).
    pub fn part_on_time(&self, part: PartId) -> Option<f64> {
        let p = self.slot.get(part.index()).copied().flatten()?;
        let (demand, on_time) = self.checked.parts[p];
        Some(if demand > 0.0 { on_time / demand } else { 1.0 })
    }

    /// `(cost - lower_bound) / cost` of the analytic plan (before any correction by simulation),
    /// its cost the holding cost plus the expected extension cost.
    pub fn gap(&self) -> Option<f64> {
        gap_of(
            self.analytic_holding_cost + self.analytic_extension_cost,
            self.lower_bound?,
        )
    }

    /// `(cost - lower_bound) / cost` of this plan, corrections by simulation included.
    pub fn gap_of_plan(&self) -> Option<f64> {
        gap_of(self.total_annual_cost(), self.lower_bound?)
    }

    /// The plan's objective: annual holding cost plus expected extension cost (model.md, Cost).
    pub fn total_annual_cost(&self) -> Fen {
        self.annual_holding_cost + self.extension.extension_cost()
    }

    /// The annual holding cost the check by simulation added to the analytic plan.
    pub fn added_by_verification(&self) -> Fen {
        self.annual_holding_cost - self.analytic_holding_cost
    }

    /// Why a depot holds its stock of a part (`None` when it holds none or the part has no demand).
    pub fn reason(&self, depot: DepotId, part: PartId) -> Option<Reason> {
        let p = self.slot.get(part.index()).copied().flatten()?;
        let d = depot.index();
        if self.plan.stock[p][d] == 0 {
            return None;
        }
        let input = &self.input;
        let g = &input.groups[input.parts[p].group];
        let mut within = 0usize;
        let mut first: Vec<(f64, usize)> = Vec::new();
        for (k, class) in g.classes.iter().enumerate() {
            if !class.candidates.contains(&d) {
                continue;
            }
            for &h in &g.members[k] {
                let rate = input.rate(h as usize, p);
                if rate <= 0.0 {
                    continue;
                }
                within += 1;
                if class.candidates[0] == d {
                    first.push((rate, h as usize));
                }
            }
        }
        let first_demand: f64 = first.iter().map(|f| f.0).sum();
        let state = &self.checked.depots[p][d];
        let first_filled = first_demand * state.fill_rate;
        first.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Some(Reason {
            hospitals_within_deadline: within,
            first_choice_hospitals: first.len(),
            first_choice_demand: first_demand,
            filled: state.filled,
            filled_for_other_depots: (state.filled - first_filled).max(0.0),
            largest_first_choice: first
                .iter()
                .take(3)
                .map(|&(rate, h)| (HospitalId::from_index(h), rate))
                .collect(),
        })
    }

    /// Hospitals no depot serves within a deadline, deadline by deadline (in the order the
    /// deadlines first occur among the parts), hospitals in id order.
    pub fn out_of_reach(&self) -> Vec<OutOfReachRow> {
        let input = &self.input;
        let mut rows = Vec::new();
        for g in 0..input.groups.len() {
            let deadline = input.groups[g].deadline_hours;
            let parts: Vec<usize> = (0..input.parts.len())
                .filter(|&p| input.parts[p].group == g)
                .collect();
            for OutOfReach { hospital, best } in input.out_of_reach(g) {
                let rates: Vec<f64> = parts
                    .iter()
                    .map(|&p| input.rate(hospital.index(), p))
                    .collect();
                rows.push(OutOfReachRow {
                    deadline_hours: deadline,
                    hospital,
                    parts: rates.iter().filter(|&&x| x > 0.0).count(),
                    demand: rates.iter().sum(),
                    best,
                });
            }
        }
        rows
    }
}

/// Hospital-tier `i` ([`req_index`]) named for a message: `H110100-01 (72 h)`.
pub(in crate::stock) fn tier_label(ds: &Dataset, input: &PlanInput, i: usize) -> String {
    let nh = input.hospitals();
    format!(
        "{} ({} h)",
        ds.hospital(HospitalId::from_index(i % nh)).code,
        input.groups[i / nh].deadline_hours
    )
}

fn gap_of(cost: Fen, lower_bound: Fen) -> Option<f64> {
    Some(if cost.0 == 0 {
        0.0
    } else {
        (cost.0 - lower_bound.0) as f64 / cost.0 as f64
    })
}

/// Holding rates in millionths.
fn holding_ppm(ds: &Dataset) -> Vec<i64> {
    ds.depots
        .iter()
        .map(|d| (d.holding_rate * 1e6).round() as i64)
        .collect()
}

/// Exact investment and holding cost of each part (input order) and depot.
pub(in crate::stock) fn money(ds: &Dataset, input: &PlanInput, plan: &Plan) -> Vec<Vec<Money>> {
    let ppm = holding_ppm(ds);
    input
        .parts
        .iter()
        .zip(&plan.stock)
        .map(|(p, levels)| {
            let unit = ds.part(p.part).unit_cost;
            levels
                .iter()
                .zip(&ppm)
                .map(|(&s, &rate)| {
                    let investment = unit.times(i64::from(s));
                    let holding = Fen(div_round_half_away(
                        i128::from(investment.0) * i128::from(rate),
                        1_000_000,
                    ) as i64);
                    Money {
                        investment,
                        holding,
                    }
                })
                .collect()
        })
        .collect()
}

/// The curve's point of a checked plan.
pub(in crate::stock) fn point_of(
    ds: &Dataset,
    input: &PlanInput,
    target: f64,
    plan: &Plan,
    checked: &Checked,
) -> CurvePoint {
    let money = money(ds, input, plan);
    CurvePoint {
        target,
        annual_holding_cost: money.iter().flatten().map(|m| m.holding).sum(),
        investment: money.iter().flatten().map(|m| m.investment).sum(),
        system_on_time: checked.system_on_time(),
        units: plan.units(),
    }
}
