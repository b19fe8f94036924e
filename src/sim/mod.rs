//! Simulation of a stock plan: replications of a discrete-event model of the exact policy
//! ([`engine`]), run in parallel, each with its own generator seeded from (seed, index), and
//! summarised with 95 % confidence intervals across replications ([`stats`]).
//!
//! Deliberately absent: any optimisation, and transport or engineer capacity (the model has
//! none).

pub mod engine;
pub mod stats;
pub mod verified;

use rayon::prelude::*;

use crate::model::Dataset;
use crate::stock::input::PlanInput;
use crate::stock::PlanResult;
use engine::{replicate, Alias, Replication};

/// An installed unit as the simulation sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct SimUnit {
    pub hospital: usize,
    pub model: usize,
    pub target: f64,
}

/// Everything a replication needs, shared read-only by all of them.
pub struct SimSpec<'a> {
    pub input: &'a PlanInput,
    /// Base stock per part (in `input.parts` order) and depot.
    pub stock: Vec<Vec<u32>>,
    pub units: Vec<SimUnit>,
    pub deadline_hours: Vec<f64>,
    pub repair_hours: Vec<f64>,
    /// Travel time of the nearest engineer to each hospital (infinite when none reaches it).
    pub engineer_hours: Vec<f64>,
    pub years: f64,
    pub warmup_years: f64,
    /// Failures per year of all units and parts.
    pub total_rate: f64,
    /// Parts a quarterly maintenance visit uses, per model.
    pub pm_parts_per_visit: Vec<f64>,
    unit_alias: Option<Alias>,
    part_alias: Vec<Option<Alias>>,
    model_parts: Vec<Vec<usize>>,
}

impl<'a> SimSpec<'a> {
    /// A specification from a planning input. `stock` is per part of `input` and depot;
    /// `repair_hours` per part of `input`.
    pub fn new(
        input: &'a PlanInput,
        stock: Vec<Vec<u32>>,
        units: Vec<SimUnit>,
        repair_hours: Vec<f64>,
        engineer_hours: Vec<f64>,
        years: f64,
        warmup_years: f64,
    ) -> SimSpec<'a> {
        let nm = input.models;
        let mut model_parts: Vec<Vec<usize>> = vec![Vec::new(); nm];
        let mut model_rates: Vec<Vec<f64>> = vec![Vec::new(); nm];
        for (p, part) in input.parts.iter().enumerate() {
            for &(m, r) in &part.usage {
                model_parts[m].push(p);
                model_rates[m].push(r);
            }
        }
        let model_total: Vec<f64> = model_rates.iter().map(|r| r.iter().sum()).collect();
        let unit_rates: Vec<f64> = units.iter().map(|u| model_total[u.model]).collect();
        SimSpec {
            input,
            stock,
            deadline_hours: input
                .parts
                .iter()
                .map(|p| input.groups[p.group].deadline_hours)
                .collect(),
            repair_hours,
            engineer_hours,
            years,
            warmup_years,
            total_rate: unit_rates.iter().sum(),
            pm_parts_per_visit: vec![0.0; nm],
            unit_alias: Alias::new(&unit_rates),
            part_alias: model_rates.iter().map(|r| Alias::new(r)).collect(),
            model_parts,
            units,
        }
    }

    /// A specification for a plan of a data set: the plan's own planning input (its network
    /// facts), routes and stock.
    pub fn from_plan(
        ds: &Dataset,
        plan: &'a PlanResult,
        years: f64,
        warmup_years: f64,
    ) -> SimSpec<'a> {
        let input = plan.input();
        let stock = plan.levels_by_input_part();
        let units = ds
            .units
            .iter()
            .map(|u| SimUnit {
                hospital: u.hospital.index(),
                model: u.model.index(),
                target: u.uptime_target,
            })
            .collect();
        // The same repair and engineer hours as the plan's model of the uptime clause.
        let fleet = plan.fleet();
        let (repair, engineer) = (fleet.repair_hours.clone(), fleet.engineer_hours.clone());
        let mut spec = SimSpec::new(input, stock, units, repair, engineer, years, warmup_years);
        for u in &ds.usage {
            spec.pm_parts_per_visit[u.model.index()] += u.pm_qty_per_visit;
        }
        spec
    }

    /// Delivery hours from a depot to a hospital (infinite without a route).
    pub fn hours(&self, depot: usize, hospital: usize) -> f64 {
        self.input.hours[depot * self.input.hospitals() + hospital].unwrap_or(f64::INFINITY)
    }

    /// Expected failures per replication.
    pub fn expected_failures(&self) -> f64 {
        self.total_rate * (self.years + self.warmup_years)
    }
}

/// Runs `replications` replications in parallel; `tick` is called as each one ends. The results
/// are in replication order and do not depend on the number of threads.
pub fn run(
    spec: &SimSpec<'_>,
    replications: u64,
    seed: u64,
    tick: &(dyn Fn() + Sync),
) -> Vec<Replication> {
    (0..replications)
        .into_par_iter()
        .map(|i| {
            let r = replicate(spec, seed, i);
            tick();
            r
        })
        .collect()
}

/// How the `plan` command checks its plan by simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VerifyParams {
    pub years: f64,
    pub warmup_years: f64,
    pub replications: u64,
    pub seed: u64,
}

impl Default for VerifyParams {
    /// 40 replications of 10 years after a year of warm-up: 400 simulated years, so that a
    /// hospital-tier with ten requests a year has about 4,000 and its interval is about a
    /// point wide at 95 % on time.
    fn default() -> Self {
        VerifyParams {
            years: 10.0,
            warmup_years: 1.0,
            replications: 40,
            seed: 1,
        }
    }
}

impl std::fmt::Display for VerifyParams {
    /// `10 years after 1 of warm-up, 40 replications, seed 1`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} years after {} of warm-up, {} replications, seed {}",
            self.years, self.warmup_years, self.replications, self.seed
        )
    }
}

/// A plan's figures as simulated: the system on-time, each hospital's, and the warranty
/// extension days a year, each with its 95 % interval across replications.
#[derive(Clone, Debug)]
pub struct Verification {
    pub params: VerifyParams,
    pub on_time: stats::Estimate,
    /// Per hospital (`None` where the simulation saw no request).
    pub hospitals: Vec<Option<stats::Estimate>>,
    /// Per hospital and deadline tier, indexed as the plan's requirements (`None` where the
    /// simulation saw no request): the pooled on-time and its 95 % interval.
    pub tiers: Vec<Option<stats::Estimate>>,
    /// Per hospital and deadline tier, the simulated requests per year.
    pub tier_requests_per_year: Vec<f64>,
    /// Extension days a simulated year with every unit in warranty (its 95 % interval).
    pub extension_days_all_units: stats::Estimate,
    /// Each unit's mean days short and extension days a simulated year in warranty, weighted by
    /// its share of the planned year in warranty and priced as the plan prices them.
    pub extension: crate::uptime::Expected,
}

/// Simulates a plan with the simulator of `simulate` (same seed, same bytes on any number of
/// threads).
pub fn verify(ds: &Dataset, plan: &PlanResult, params: &VerifyParams) -> Verification {
    verify_with_progress(ds, plan, params, &|| {})
}

/// [`verify`], calling `tick` as each replication ends (from any thread), for a progress display.
pub fn verify_with_progress(
    ds: &Dataset,
    plan: &PlanResult,
    params: &VerifyParams,
    tick: &(dyn Fn() + Sync),
) -> Verification {
    let spec = SimSpec::from_plan(ds, plan, params.years, params.warmup_years);
    let mut reps = run(&spec, params.replications, params.seed, tick);
    let s = stats::summarize(&spec, &mut reps);
    let planned = &plan.extension;
    Verification {
        params: *params,
        on_time: s.on_time,
        hospitals: s.hospitals,
        tiers: s.tiers,
        tier_requests_per_year: s.tier_requests_per_year,
        extension_days_all_units: s.extension_days_total,
        extension: crate::uptime::Expected {
            year_days_short: s.unit_days_short,
            year_extension_days: s.unit_extension_days,
            in_warranty: planned.in_warranty.clone(),
            day_cost: planned.day_cost.clone(),
            year_from: planned.year_from,
        },
    }
}
