//! The one planning entry: [`plan`] makes the stock plan of a data set (the `plan` command, every
//! scenario and its baseline, the replenishment batch's targets and the report all call it), and
//! [`evaluate`] gives the same figures for a stock plan made elsewhere (a `stock_plan.csv` read
//! back by `simulate` or `report --plan`).
//!
//! The plan is the optimiser's (greedy, drop, exchange, exhaustive search where small), then,
//! when the bound is computed, a Lagrangian heuristic: the stock minimising the Lagrangian at
//! the bound's multipliers, topped up greedily until every requirement holds and trimmed by the
//! drop pass, replaces it when it costs less (on the generated national set it cuts the cost by
//! 2.1 %, to within 0.01 % of the bound). Without the bound both are skipped. Within a budget the
//! greedy buys the best increments that fit and the result says whether the targets are met. The
//! curve's points are the optimiser's plans for each target: a point at the plan's own
//! requirements is the plan, the points above it are bought greedily from the plan, each from the
//! one below (on 31 locations the curve in half the time, within 0.4 % of the plans from
//! nothing; on data/china its 98 % point 7 % cheaper), and the points below from nothing; any
//! cheaper plan at hand (another point's, or the plan itself) that meets a point's requirements,
//! checked, stands for that point.
//!
//! Deliberately absent: file access and printing; a bound that fails is reported in the result
//! ([`PlanResult::bound_error`]), not printed.

use rayon::prelude::*;

use super::bound::{bound_and_minimisers, Bound};
use super::check::check;
use super::input::{build, PlanInput};
use super::optimise::{
    meets, optimise, optimise_from, optimise_proven, optimise_within, requirements, Costs,
    Infeasible, Plan, Targets,
};
use super::problem::{Requirement, MAX_PIPELINE_UNITS};
use super::result::{money, point_of, tier_label, CurvePoint, PlanResult, Prepared};
use super::stock_plan::StockPlan;
use super::warranty::price::price;
use super::warranty::{expected, floor, ExtensionPoint, Fleet, PartState};
use crate::coverage::{self, CoverageParams};
use crate::model::{Dataset, HospitalId, PartId};
use crate::money::Fen;
use std::sync::Arc;

/// Targets of the cost-versus-target curve.
pub const CURVE_TARGETS: [f64; 4] = [0.90, 0.95, 0.98, 0.99];

/// What to plan.
#[derive(Clone, Debug)]
pub struct PlanParams {
    /// Delivery targets per deadline tier (a hospital's `service_target` comes first).
    pub target: Targets,
    /// Compute the lower bound (and the Lagrangian heuristic that starts from it).
    pub bound: bool,
    /// Targets of the cost-versus-target curve (empty: no curve).
    pub curve: Vec<f64>,
    /// A cap on the annual holding cost: the best plan within it, targets met or not.
    pub budget: Option<Fen>,
    /// What one extended warranty day costs for every unit, in place of each unit's
    /// `warranty_day_cost` (zero: the clause is reported, not priced).
    pub warranty_day_cost: Option<Fen>,
    /// Network-wide demand per year to plan for, per data-set part (`None`: the installed base's).
    /// Each part's failure rates are scaled so that its demand equals the figure; the installed
    /// base's split between hospitals is kept.
    pub demand_per_year: Option<Vec<Option<f64>>>,
}

impl Default for PlanParams {
    fn default() -> Self {
        PlanParams {
            target: Targets::default(),
            bound: true,
            curve: CURVE_TARGETS.to_vec(),
            budget: None,
            warranty_day_cost: None,
            demand_per_year: None,
        }
    }
}

impl PlanParams {
    /// The plan alone: no bound, no curve.
    pub fn quick(target: impl Into<Targets>) -> PlanParams {
        PlanParams {
            target: target.into(),
            bound: false,
            curve: Vec::new(),
            ..PlanParams::default()
        }
    }
}

/// Why a plan could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(
        "no stock meets the requirement of hospital {hospital} in its {deadline} h tier: {detail}"
    )]
    Infeasible {
        hospital: String,
        deadline: f64,
        detail: String,
    },
    #[error(
        "the checker found {count} hospital-tiers below their requirement (first: {first}); the \
         plan is not written"
    )]
    CheckFailed { count: usize, first: String },
    #[error(
        "after {rounds} rounds of simulation and correction, {count} hospital-tiers are still \
         below their target beyond the simulation's noise (first: {first}); the plan is not written"
    )]
    NotVerified {
        count: usize,
        rounds: usize,
        first: String,
    },
    #[error("target {0} is out of range: a target is a probability below 1 (0.95 is 95 %)")]
    Target(f64),
    #[error("the stock plan is sized for another data set")]
    OtherDataset,
    #[error(
        "part {part}: {units:.0} units are in the resupply pipeline at once (demand a year x \
         resupply time up the chain), beyond the {MAX_PIPELINE_UNITS} spareplan plans; check \
         failures_per_unit_year in part_usage.csv and resupply_days in depots.csv"
    )]
    TooLarge { part: String, units: f64 },
}

fn check_target(t: f64) -> Result<(), PlanError> {
    if t.is_finite() && (0.0..1.0).contains(&t) {
        Ok(())
    } else {
        Err(PlanError::Target(t))
    }
}

fn infeasible(ds: &Dataset, input: &PlanInput, e: Infeasible) -> PlanError {
    PlanError::Infeasible {
        hospital: ds.hospital(HospitalId::from_index(e.hospital)).code.clone(),
        deadline: input.groups[e.group].deadline_hours,
        detail: e.detail,
    }
}

/// The checker's refusal of a plan, naming its first hospital-tier below its requirement.
fn check_failed(ds: &Dataset, input: &PlanInput, failures: &[usize]) -> PlanError {
    PlanError::CheckFailed {
        count: failures.len(),
        first: tier_label(ds, input, failures.first().copied().unwrap_or(0)),
    }
}

/// The search's cost weights.
pub fn costs(ds: &Dataset, input: &PlanInput) -> Costs {
    let nd = ds.depots.len();
    let mut per_unit = Vec::with_capacity(input.parts.len() * nd);
    for p in &input.parts {
        let yuan = ds.part(p.part).unit_cost.0 as f64 / 100.0;
        for d in &ds.depots {
            per_unit.push(yuan * d.holding_rate);
        }
    }
    Costs {
        depots: nd,
        per_unit,
    }
}

/// The planning input of a data set under `params`: routes, classes, and demand scaled to
/// `params.demand_per_year` where given; each hospital's requirement and the cost weights.
fn prepare(ds: &Dataset, params: &PlanParams) -> Result<Prepared, PlanError> {
    for t in params.target.values() {
        check_target(t)?;
    }
    for &t in &params.curve {
        check_target(t)?;
    }
    let cov = coverage::compute(ds, &CoverageParams::default());
    let mut input = build(ds, &cov);
    if let Some(demand) = &params.demand_per_year {
        input.scale_demand(|p: PartId| demand.get(p.index()).copied().flatten());
    }
    check_pipelines(ds, &input)?;
    let costs = costs(ds, &input);
    let requirements = requirements(&input, &params.target);
    let fleet = Arc::new(Fleet::new(ds, &cov, &input, params.warranty_day_cost));
    Ok(Prepared {
        coverage: cov,
        input,
        requirements,
        costs,
        fleet,
    })
}

/// Every part's network-wide pipeline within [`MAX_PIPELINE_UNITS`].
fn check_pipelines(ds: &Dataset, input: &PlanInput) -> Result<(), PlanError> {
    let chain = ds.longest_resupply_days() / super::input::DAYS_PER_YEAR;
    for p in &input.parts {
        let demand: f64 = p.network.hospitals.iter().map(|h| h.rate).sum();
        let units = demand * chain;
        if units.is_nan() || units > MAX_PIPELINE_UNITS {
            return Err(PlanError::TooLarge {
                part: ds.part(p.part).part_no.clone(),
                units,
            });
        }
    }
    Ok(())
}

/// Plans, checks and bounds a data set: the one way a stock plan is made.
pub fn plan(ds: &Dataset, params: &PlanParams) -> Result<PlanResult, PlanError> {
    plan_with_progress(ds, params, &|_, _| {})
}

/// A stage of [`plan_with_progress`], as a planner reads it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    Routes = 1,
    Optimise = 2,
    BoundAndCurve = 3,
    Price = 4,
    Check = 5,
}

impl Stage {
    /// Its place among the stages, from 1.
    pub fn number(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Stage::Routes => "routes and planning input",
            Stage::Optimise => "optimise",
            Stage::BoundAndCurve => "lower bound and cost-versus-target curve",
            Stage::Price => "price the uptime clause",
            Stage::Check => "independent check",
        }
    }
}

/// Where a plan stands: its stage, and within it the share done where it can be known
/// (`Some((done, of))`: the bound and the curve's points finished, the pricing's curve points).
pub type Progress<'a> = &'a (dyn Fn(Stage, Option<(usize, usize)>) + Sync);

/// [`plan`], calling `progress` as each stage begins and as parts of a stage end (a terminal's
/// progress line).
pub fn plan_with_progress(
    ds: &Dataset,
    params: &PlanParams,
    progress: Progress<'_>,
) -> Result<PlanResult, PlanError> {
    let stage = |s: Stage| progress(s, None);
    stage(Stage::Routes);
    let prepared = prepare(ds, params)?;
    let (input, costs, req) = (&prepared.input, &prepared.costs, &prepared.requirements);
    if let Some(budget) = params.budget {
        let (plan, within) = optimise_within(input, costs, req, budget.0 as f64 / 100.0);
        let checked = check(input, req, &plan);
        let meets = within && checked.ok();
        return Ok(PlanResult::new(ds, prepared, plan, checked, meets));
    }
    stage(Stage::Optimise);
    let (plan, proven) =
        optimise_proven(input, costs, req).map_err(|e| infeasible(ds, input, e))?;
    // The bound and the curve's points, as they finish.
    let parts = usize::from(params.bound && !proven) + params.curve.len();
    let finished = std::sync::atomic::AtomicUsize::new(0);
    let one_done = || {
        let done = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(Stage::BoundAndCurve, Some((done, parts)));
    };
    if params.bound || !params.curve.is_empty() {
        progress(Stage::BoundAndCurve, Some((0, parts)));
    }
    // The bound and the curve's plans are independent: on two cores the one's sequential parts
    // (the master programme, the greedy's main loop) overlap the other's parallel ones.
    let (bounded, points) = rayon::join(
        || {
            (params.bound && !proven).then(|| {
                let b = bound_and_minimisers(input, costs, req, &plan);
                one_done();
                b
            })
        },
        || curve_points(ds, input, costs, req, &plan, &params.curve, &one_done),
    );
    let points = points?;
    let (plan, bound, bound_error) = match bounded {
        None if params.bound => {
            let cost = plan.cost(costs);
            (plan, Some(Bound::proven_optimum(cost)), None)
        }
        None => (plan, None, None),
        Some(Err(e)) => (plan, None, Some(e.to_string())),
        // A Lagrangian heuristic: the stock that minimises the Lagrangian at the bound's
        // multipliers, topped up greedily until every requirement holds and trimmed by the drop
        // pass, replaces the plan when it costs less.
        Some(Ok((bound, start))) => match optimise_from(input, costs, req, start) {
            Some(better) if better.cost(costs) < plan.cost(costs) => (better, Some(bound), None),
            _ => (plan, Some(bound), None),
        },
    };
    let holding: Fen = money(ds, input, &plan)
        .iter()
        .flatten()
        .map(|m| m.holding)
        .sum();
    let curve = substitute_cheaper(ds, input, costs, points, &plan, holding);
    let fleet = Arc::clone(&prepared.fleet);
    let (plan, extension_curve) = if fleet.priced() {
        stage(Stage::Price);
        let priced = price(input, costs, &fleet, &plan);
        let curve = if params.curve.is_empty() {
            Vec::new()
        } else {
            extension_curve(ds, input, costs, &fleet, &plan, &priced)
        };
        (priced.0, curve)
    } else {
        (plan, Vec::new())
    };
    stage(Stage::Check);
    let checked = check(input, req, &plan);
    if !checked.ok() {
        return Err(check_failed(ds, input, &checked.failures));
    }
    let floor = (bound.is_some() && fleet.priced()).then(|| floor(input, &fleet).extension_cost());
    let mut result =
        PlanResult::new(ds, prepared, plan, checked, true).with_bound(bound, holding, floor);
    result.bound_error = bound_error;
    result.curve = curve;
    result.extension_curve = extension_curve;
    Ok(result)
}

/// The figures of a stock plan made elsewhere (read back from a `stock_plan.csv`): the same
/// service, money and out-of-reach view as [`plan`], without optimising, bounding or a curve.
pub fn evaluate(
    ds: &Dataset,
    stock: &StockPlan,
    params: &PlanParams,
) -> Result<PlanResult, PlanError> {
    if !stock.fits(ds) {
        return Err(PlanError::OtherDataset);
    }
    let prepared = prepare(ds, params)?;
    let plan = Plan::of(&prepared.input, stock);
    let checked = check(&prepared.input, &prepared.requirements, &plan);
    let meets = checked.ok();
    Ok(PlanResult::new(ds, prepared, plan, checked, meets))
}

/// The optimiser is a heuristic: another point's plan, or the plan itself, that also meets a
/// point's requirements (checked) and costs less stands for that point.
fn substitute_cheaper(
    ds: &Dataset,
    input: &PlanInput,
    costs: &Costs,
    mut points: Vec<(CurvePoint, Plan)>,
    plan: &Plan,
    holding: Fen,
) -> Vec<CurvePoint> {
    for i in 0..points.len() {
        let mut cheaper: Vec<(Fen, usize)> = points
            .iter()
            .map(|(c, _)| c.annual_holding_cost)
            .chain(std::iter::once(holding))
            .enumerate()
            .filter(|&(_, cost)| cost < points[i].0.annual_holding_cost)
            .map(|(j, cost)| (cost, j))
            .collect();
        cheaper.sort_unstable();
        let target = points[i].0.target;
        let req_point = requirements(input, &Targets::from(target));
        for (_, j) in cheaper {
            let p = points.get(j).map_or(plan, |(_, p)| p);
            if !meets(input, costs, &req_point, p) {
                continue;
            }
            let c = check(input, &req_point, p);
            if c.ok() {
                let p = p.clone();
                points[i] = (point_of(ds, input, target, &p, &c), p);
                break;
            }
        }
    }
    points.into_iter().map(|(c, _)| c).collect()
}

/// The curve's points, in the order of `targets`. A point whose requirements are the plan's is
/// the plan; the points above the plan (every requirement at least the plan's) are bought by
/// the greedy search from the plan, each from the one below it, in order of target, and trimmed
/// by the drop pass (the stock of a lower target is a start the higher one only adds to); the
/// others are optimised from nothing, in parallel with that chain. Every point is checked.
fn curve_points(
    ds: &Dataset,
    input: &PlanInput,
    costs: &Costs,
    req: &[Requirement],
    plan: &Plan,
    targets: &[f64],
    one_done: &(dyn Fn() + Sync),
) -> Result<Vec<(CurvePoint, Plan)>, PlanError> {
    let reqs: Vec<Vec<Requirement>> = targets
        .iter()
        .map(|&t| requirements(input, &Targets::from(t)))
        .collect();
    let above = |r: &[Requirement]| r.iter().zip(req).all(|(a, b)| a.need >= b.need);
    let mut chain: Vec<usize> = (0..targets.len()).filter(|&i| above(&reqs[i])).collect();
    chain.sort_by(|&a, &b| targets[a].total_cmp(&targets[b]).then(a.cmp(&b)));
    let alone: Vec<usize> = (0..targets.len()).filter(|i| !chain.contains(i)).collect();
    let point = |i: usize, plan: Plan| -> Result<(CurvePoint, Plan), PlanError> {
        let checked = check(input, &reqs[i], &plan);
        if !checked.ok() {
            return Err(check_failed(ds, input, &checked.failures));
        }
        one_done();
        Ok((point_of(ds, input, targets[i], &plan, &checked), plan))
    };
    let (chained, alone) = rayon::join(
        || {
            let mut from = plan.clone();
            let mut out = Vec::with_capacity(chain.len());
            for &i in &chain {
                let p = if reqs[i] == req {
                    from.clone()
                } else {
                    match optimise_from(input, costs, &reqs[i], from.stock.clone()) {
                        Some(p) => p,
                        // Nothing the greedy can buy from there meets them: the search from
                        // nothing names the hospital-tier.
                        None => optimise(input, costs, &reqs[i])
                            .map_err(|e| infeasible(ds, input, e))?,
                    }
                };
                from = p.clone();
                out.push((i, point(i, p)?));
            }
            Ok::<_, PlanError>(out)
        },
        || {
            alone
                .par_iter()
                .map(|&i| {
                    let p =
                        optimise(input, costs, &reqs[i]).map_err(|e| infeasible(ds, input, e))?;
                    Ok((i, point(i, p)?))
                })
                .collect::<Result<Vec<_>, PlanError>>()
        },
    );
    let mut all: Vec<(usize, (CurvePoint, Plan))> = chained?.into_iter().chain(alone?).collect();
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, p)| p).collect())
}

/// Multiples of each unit's warranty-day cost at which the extension curve prices the clause.
pub const EXTENSION_CURVE_MULTIPLIERS: [f64; 5] = [0.0, 0.5, 1.0, 2.0, 4.0];

/// The holding cost the priced plan buys as the price of a warranty day is scaled, and the
/// expected extension it leaves (costed at the units' own price): how much stock the clause
/// pays for.
fn extension_curve(
    ds: &Dataset,
    input: &PlanInput,
    costs: &Costs,
    fleet: &Fleet,
    plan: &Plan,
    priced: &(Plan, Vec<PartState>),
) -> Vec<ExtensionPoint> {
    // Each point above 1 prices anew from the point below it (a dearer day buys at least the
    // stock a cheaper one bought: the search only adds), the points below 1 from the plan that
    // meets the targets; the two chains run side by side.
    let point = |m: f64, p: &Plan, parts: &[PartState]| {
        let e = expected(input, fleet, parts, false);
        ExtensionPoint {
            multiplier: m,
            annual_holding_cost: money(ds, input, p)
                .iter()
                .flatten()
                .map(|x| x.holding)
                .sum(),
            expected_extension_days: e.extension_days(),
            expected_extension_cost: e.extension_cost(),
            units: p.units(),
        }
    };
    let (below, above) = rayon::join(
        || {
            EXTENSION_CURVE_MULTIPLIERS
                .iter()
                .filter(|&&m| m < 1.0)
                .map(|&m| {
                    let (p, parts) = price(input, costs, &fleet.scaled(m), plan);
                    point(m, &p, &parts)
                })
                .collect::<Vec<_>>()
        },
        || {
            let mut from = priced.clone();
            let mut points = vec![point(1.0, &from.0, &from.1)];
            for &m in EXTENSION_CURVE_MULTIPLIERS.iter().filter(|&&m| m > 1.0) {
                from = price(input, costs, &fleet.scaled(m), &from.0);
                points.push(point(m, &from.0, &from.1));
            }
            points
        },
    );
    below.into_iter().chain(above).collect()
}

/// The most a correction may ask of a hospital-tier's on-time in the model.
pub const MAX_ASKED_ON_TIME: f64 = 0.9999;

/// The plan `result`, raised so that the model gives each listed hospital-tier (by
/// [`PlanResult::tier_index`]) at least the on-time asked of it (capped at
/// [`MAX_ASKED_ON_TIME`]): the greedy search from the plan's stock buys what the raised
/// requirements need (no requirement is ever lowered), the drop pass trims, and the checker
/// passes the result. Bound and curve stay those of the analytic plan. This is how the check by
/// simulation corrects a plan whose model is too optimistic somewhere.
pub fn raise(
    ds: &Dataset,
    result: &PlanResult,
    asks: &[(usize, f64)],
) -> Result<PlanResult, PlanError> {
    let input = &result.input;
    let mut req = result.requirements.clone();
    for &(r, on_time) in asks {
        let q = &mut req[r];
        if q.reachable && q.demand > 0.0 {
            q.need = q.need.max(on_time.min(MAX_ASKED_ON_TIME) * q.demand);
        }
    }
    let costs = costs(ds, input);
    let start = result.plan.stock.clone();
    let plan = optimise_from(input, &costs, &req, start).ok_or_else(|| {
        let r = asks.iter().map(|a| a.0).min().unwrap_or(0);
        let nh = input.hospitals();
        infeasible(
            ds,
            input,
            Infeasible {
                hospital: r % nh,
                group: r / nh,
                detail: "no stock gives the on-time the check by simulation asks".to_owned(),
            },
        )
    })?;
    let checked = check(input, &req, &plan);
    if !checked.ok() {
        return Err(check_failed(ds, input, &checked.failures));
    }
    Ok(result.replaced(ds, plan, checked, req))
}
