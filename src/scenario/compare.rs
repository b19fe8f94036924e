//! Planning a scenario and comparing it with its baseline.
//!
//! Each scenario, and the unchanged data set it starts from, is planned by the optimiser (within
//! the budget when one is set), checked, costed exactly, and simulated briefly
//! ([`SIM_YEARS`] years after a half-year warm-up, [`SIM_REPLICATIONS`] replications, seed 1) for
//! the expected warranty-extension days a year.

use rustc_hash::FxHashSet;

use super::{apply, Loaded, ScenarioError, Settings};
use crate::coverage::{self, Coverage, CoverageParams};
use crate::model::Dataset;
use crate::money::Fen;
use crate::sim::{self, stats::summarize, SimSpec};
use crate::stock::check::check;
use crate::stock::input::{build, PlanInput};
use crate::stock::optimise::{optimise, optimise_within, requirements, Infeasible, Plan};
use crate::stock::plan::{costs, money};

/// Simulated years per scenario for the warranty-extension estimate.
pub const SIM_YEARS: f64 = 2.0;
/// Replications per scenario.
pub const SIM_REPLICATIONS: u64 = 8;

/// What a scenario (or a baseline) comes to.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub question: String,
    pub annual_holding_cost: Fen,
    pub investment: Fen,
    pub units: u32,
    pub system_on_time: f64,
    pub worst_hospital_on_time: f64,
    /// Hospitals out of reach of every depot for some part.
    pub hospitals_out_of_reach: usize,
    pub extension_days_per_year: f64,
    /// Whether every hospital's requirement is met (false when a budget binds).
    pub meets_targets: bool,
    /// Depot, units and investment.
    pub stock_by_depot: Vec<(String, u32, Fen)>,
}

/// Plans and measures a data set under `settings`.
pub fn outcome(
    name: &str,
    question: &str,
    ds: &Dataset,
    settings: &Settings,
) -> Result<Outcome, Infeasible> {
    let cov = coverage::compute(ds, &CoverageParams::default());
    let input = build(ds, &cov);
    let c = costs(ds, &input);
    let req = requirements(&input, settings.target);
    let (plan, meets) = match settings.budget {
        None => (optimise(&input, &c, &req)?, true),
        Some(b) => optimise_within(&input, &c, &req, b.0 as f64 / 100.0),
    };
    let checked = check(&input, &req, &plan);
    let m = money(ds, &input, &plan);
    let out: FxHashSet<usize> = (0..input.groups.len())
        .flat_map(|g| input.out_of_reach(g))
        .map(|o| o.hospital.index())
        .collect();
    let worst = checked
        .hospitals
        .iter()
        .filter(|h| h.demand > 0.0)
        .map(|h| h.on_time)
        .fold(1.0, f64::min);
    let stock_by_depot = ds
        .depot_ids()
        .map(|d| {
            let units: u32 = plan.stock.iter().map(|s| s[d.index()]).sum();
            let inv: Fen = m.iter().map(|row| row[d.index()].investment).sum();
            (ds.depot(d).code.clone(), units, inv)
        })
        .collect();
    Ok(Outcome {
        name: name.to_owned(),
        question: question.to_owned(),
        annual_holding_cost: m.iter().flatten().map(|x| x.holding).sum(),
        investment: m.iter().flatten().map(|x| x.investment).sum(),
        units: plan.units(),
        system_on_time: checked.system_on_time(),
        worst_hospital_on_time: worst,
        hospitals_out_of_reach: out.len(),
        extension_days_per_year: extension_days(ds, &cov, &input, &plan),
        meets_targets: meets && checked.ok(),
        stock_by_depot,
    })
}

fn extension_days(ds: &Dataset, cov: &Coverage, input: &PlanInput, plan: &Plan) -> f64 {
    let mut levels = vec![vec![0u32; ds.depots.len()]; ds.parts.len()];
    for (p, part) in input.parts.iter().enumerate() {
        levels[part.part.index()] = plan.stock[p].clone();
    }
    let spec = SimSpec::from_dataset(ds, cov, input, &levels, SIM_YEARS, 0.5);
    let mut reps = sim::run(&spec, SIM_REPLICATIONS, 1, &|| {});
    summarize(&spec, &mut reps).extension_days_total.mean
}

/// A scenario's outcome, or why it could not be planned.
pub type Planned = Result<Outcome, String>;

/// Applies and plans one loaded scenario against its data set.
pub fn plan_scenario(loaded: &Loaded, base: &Dataset) -> Result<Planned, ScenarioError> {
    let (ds, settings) = apply(loaded, base)?;
    let s = &loaded.scenario;
    Ok(outcome(&s.name, &s.question, &ds, &settings).map_err(|e| {
        format!(
            "no stock meets the requirement of hospital {}: {}",
            ds.hospitals[e.hospital].code, e.detail
        )
    }))
}
