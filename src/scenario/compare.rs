//! Planning a scenario and comparing it with its baseline.
//!
//! Each scenario, and the unchanged data set it starts from, is planned by the one planning entry
//! ([`crate::stock::plan()`], with the bound and its heuristic as the `plan` command, so a
//! baseline is the plan `plan` writes; within the budget when one is set), checked, costed
//! exactly, priced as `plan` prices it (each scanner's `warranty_day_cost`), and checked by the
//! plan's own verification (`sim::verify` with [`crate::sim::VerifyParams`]'s defaults, as
//! `plan` does); the expected warranty-extension days a year and their cost are the plan's
//! model's, the simulated days beside them.

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::{apply, Loaded, ScenarioError, Settings};
use crate::model::Dataset;
use crate::money::Fen;
use crate::sim;
use crate::stock::{self, PlanError, PlanParams, PlanResult};

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
    /// Expected warranty-extension days a year in the plan's own model.
    pub extension_days_per_year: f64,
    /// Their cost at each scanner's `warranty_day_cost` (zero without one).
    pub extension_cost_per_year: Fen,
    /// The extension days a year the plan's check by simulation measured.
    pub simulated_extension_days_per_year: f64,
    /// Whether every hospital's requirement is met (false when a budget binds).
    pub meets_targets: bool,
    /// Depot, units and investment.
    pub stock_by_depot: Vec<(String, u32, Fen)>,
    /// What the candidate sites the scenario opens cost a year to keep open.
    pub annual_fixed_cost: Fen,
}

impl Outcome {
    /// Holding, expected extension and the opened sites' fixed cost.
    pub fn total_annual_cost(&self) -> Fen {
        self.annual_holding_cost + self.extension_cost_per_year + self.annual_fixed_cost
    }
}

/// The planning parameters of a scenario (or a baseline): the plan `plan` writes for the same
/// data (with the bound and its heuristic, without the curve), or the best plan within a budget.
pub fn params(settings: &Settings) -> PlanParams {
    PlanParams {
        target: settings.target.into(),
        budget: settings.budget,
        curve: Vec::new(),
        ..PlanParams::default()
    }
}

/// Plans and measures a data set under `settings`.
pub fn outcome(
    name: &str,
    question: &str,
    ds: &Dataset,
    settings: &Settings,
) -> Result<Outcome, PlanError> {
    let plan = stock::plan(ds, &params(settings))?;
    // Checked and corrected by simulation as `plan` does (its default parameters, seed 1).
    let verified = sim::verified::verified_plan(ds, plan, &sim::VerifyParams::default(), &|_| {})?;
    Ok(measure(
        name,
        question,
        ds,
        &verified.result,
        &verified.verification,
    ))
}

/// A plan's outcome row, with its simulation.
pub fn measure(
    name: &str,
    question: &str,
    ds: &Dataset,
    plan: &PlanResult,
    verified: &sim::Verification,
) -> Outcome {
    let out: FxHashSet<usize> = plan
        .out_of_reach()
        .iter()
        .map(|o| o.hospital.index())
        .collect();
    let stock_by_depot = ds
        .depot_ids()
        .map(|d| {
            let (units, investment, _) = plan.depot_totals(d);
            (ds.depot(d).code.clone(), units, investment)
        })
        .collect();
    Outcome {
        name: name.to_owned(),
        question: question.to_owned(),
        annual_holding_cost: plan.annual_holding_cost,
        investment: plan.investment,
        units: plan.units(),
        system_on_time: plan.system_on_time(),
        worst_hospital_on_time: plan.min_hospital_on_time(),
        hospitals_out_of_reach: out.len(),
        extension_days_per_year: plan.extension.extension_days(),
        extension_cost_per_year: plan.extension.extension_cost(),
        simulated_extension_days_per_year: verified.extension.extension_days(),
        meets_targets: plan.meets_targets,
        stock_by_depot,
        annual_fixed_cost: Fen::ZERO,
    }
}

/// A scenario's outcome, or why it could not be planned.
pub type Planned = Result<Outcome, String>;

/// Applies and plans one loaded scenario against its data set.
pub fn plan_scenario(loaded: &Loaded, base: &Dataset) -> Result<Planned, ScenarioError> {
    let (ds, settings) = apply(loaded, base)?;
    let s = &loaded.scenario;
    let fixed: Fen = base
        .candidates
        .iter()
        .filter(|c| s.open_sites.contains(&c.code))
        .map(|c| c.annual_fixed_cost)
        .sum();
    Ok(outcome(&s.name, &s.question, &ds, &settings)
        .map(|o| Outcome {
            annual_fixed_cost: fixed,
            ..o
        })
        .map_err(|e| e.to_string()))
}

/// A planned comparison: each data set's baseline and every scenario against its baseline.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Per data set: its label (the folder) and its baseline.
    pub baselines: Vec<(String, Outcome)>,
    /// Per scenario: its file, the index of its data set's baseline, and its outcome.
    pub scenarios: Vec<(String, usize, Outcome)>,
}

/// Plans every data set's baseline and every scenario, in parallel. `data` holds each data set
/// once with its label; `data_of[i]` is the data set of `loaded[i]`. Changes must have been
/// checked with [`apply`]; every scenario or baseline that cannot be planned is named in the
/// error.
pub fn compare(
    loaded: &[Loaded],
    data: &[(String, Dataset)],
    data_of: &[usize],
) -> Result<Comparison, Vec<String>> {
    let baselines: Vec<Planned> = data
        .par_iter()
        .map(|(_, ds)| {
            outcome(
                "baseline",
                "the data set as it is",
                ds,
                &Settings::default(),
            )
            .map_err(|e| e.to_string())
        })
        .collect();
    let planned: Vec<Result<Planned, ScenarioError>> = loaded
        .par_iter()
        .zip(data_of)
        .map(|(l, &k)| plan_scenario(l, &data[k].1))
        .collect();
    let mut failed = Vec::new();
    let mut out = Comparison {
        baselines: Vec::new(),
        scenarios: Vec::new(),
    };
    for ((label, _), b) in data.iter().zip(baselines) {
        match b {
            Ok(b) => out.baselines.push((label.clone(), b)),
            Err(e) => failed.push(format!("baseline of {label}: {e}")),
        }
    }
    for ((l, &k), p) in loaded.iter().zip(data_of).zip(planned) {
        let file = l.file.display().to_string();
        let base = out
            .baselines
            .iter()
            .position(|(label, _)| *label == data[k].0);
        match (p, base) {
            (Ok(Ok(o)), Some(b)) => out.scenarios.push((file, b, o)),
            (Ok(Err(e)), _) => failed.push(format!("{file}: {e}")),
            (Err(e), _) => failed.push(e.to_string()),
            (Ok(Ok(_)), None) => failed.push(format!("{file}: its baseline could not be planned")),
        }
    }
    if failed.is_empty() {
        Ok(out)
    } else {
        Err(failed)
    }
}
