//! Network design: which candidate sites to open as forward stocking locations, so that the
//! emergency promise reaches as many hospitals as asked at the least annual cost (model.md,
//! Forward stocking locations).
//!
//! The decision is split where it is exact and where it is not:
//!
//! 1. `reach`: every candidate's delivery time to every hospital, as if it were a depot linked
//!    to its hub, and the depot it would be replenished from.
//! 2. `select`: for the design's deadline (4 h by default) and every other deadline of the
//!    parts, the covering programme of the sites: the most hospitals each number of sites can
//!    bring within the deadline, and the least design-model cost of a choice reaching a given
//!    number (exact: a greedy certified by the LP relaxation, else the mixed-integer programme).
//!    A site's design-model cost is its `annual_fixed_cost` plus the holding cost of the stock
//!    it needs for the hospitals it would newly reach: for each part of the deadline the least
//!    base stock whose Poisson fill rate over the site's resupply time meets the highest target
//!    among those hospitals (the site alone serving them; its parent's delays not counted).
//! 3. The chosen sites are added to the data set as depots of tier `forward` (`network`), and
//!    the stock of every location is planned on that network by `stock::plan` (and checked by
//!    simulation, by the caller): the plan, not the design model, gives the design's holding and
//!    extension cost, so 72 h parts are stocked forward wherever the plan finds it pays.
//!
//! Approximations the simulation and the plan measure: the design model's site stock is an
//! estimate (the plan replaces it), and the frontier's cost is the base network's plan plus each
//! open site's design-model cost, not a plan per row.

pub mod network;
pub mod reach;
pub mod select;

use rayon::prelude::*;

use crate::model::{Dataset, HospitalId, PartId};
use crate::money::{div_round_half_away, Fen};
use crate::network::to_micros;
use crate::stock::dist::poisson_fill;
use crate::stock::{self, PlanError, PlanParams};
pub use reach::Reach;
pub use select::{Choice, Cover, SolveError};

/// The deadline whose reach a design buys unless told otherwise: the emergency promise.
pub const DESIGN_DEADLINE_HOURS: f64 = 4.0;

/// What a network design is asked.
#[derive(Clone, Debug)]
pub struct DesignParams {
    /// How the stock of the designed network is planned (targets, the uptime clause's price).
    pub plan: PlanParams,
    /// The deadline whose reach the design buys, in hours.
    pub deadline_hours: f64,
    /// Hospitals to bring within the deadline as a share of all hospitals (`None`: the most the
    /// candidates can give).
    pub reach_share: Option<f64>,
    /// At most this many sites open (`None`: as many as the reach needs).
    pub max_sites: Option<usize>,
}

impl Default for DesignParams {
    fn default() -> Self {
        DesignParams {
            plan: PlanParams::default(),
            deadline_hours: DESIGN_DEADLINE_HOURS,
            reach_share: None,
            max_sites: None,
        }
    }
}

/// Why no design was made.
#[derive(Debug, thiserror::Error)]
pub enum DesignError {
    #[error("the data set has no candidate sites: add candidates.csv (site_id, name, lat, lon, hub_id, link_hours, annual_fixed_cost)")]
    NoCandidates,
    #[error("{asked} hospitals within {hours} h were asked, and at most {most} can be ({within} already are; candidates bring the rest)")]
    ReachTooHigh {
        asked: usize,
        most: usize,
        within: usize,
        hours: f64,
    },
    #[error("no choice of at most {sites} sites brings {asked} hospitals within {hours} h (at most {most} can)")]
    TooFewSites {
        sites: usize,
        asked: usize,
        most: usize,
        hours: f64,
    },
    #[error(transparent)]
    Solve(#[from] SolveError),
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// One row of the frontier: a number of open sites, and per deadline the most hospitals within
/// it and the least annual cost of a design reaching that many.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontierRow {
    pub sites_open: usize,
    /// Per deadline (in `Design::deadlines` order).
    pub reach: Vec<usize>,
    /// Per deadline: the base network's plan plus the open sites' design-model cost.
    pub annual_cost: Vec<Fen>,
    /// Per deadline: the sites of that least-cost design.
    pub sites: Vec<Vec<usize>>,
}

/// A network design.
#[derive(Clone, Debug)]
pub struct Design {
    /// The deadlines counted: the design's first, then the parts' other deadlines ascending.
    pub deadlines: Vec<f64>,
    /// The covering problem of each deadline.
    pub covers: Vec<Cover>,
    /// Each candidate's design-model cost per deadline: fixed cost plus stock estimate.
    pub site_cost: Vec<Vec<Fen>>,
    pub reach: Reach,
    /// Hospitals asked within the design's deadline.
    pub required_reach: usize,
    /// The chosen sites (least design-model cost reaching `required_reach`).
    pub chosen: Choice,
    pub frontier: Vec<FrontierRow>,
    /// The analytic plan's annual cost (holding + expected extension) on the data set as given.
    pub base_plan_cost: Fen,
    /// The data set with the chosen sites as forward depots.
    pub network: Dataset,
}

impl Design {
    /// The design's reach with the chosen sites, per deadline.
    pub fn reach_of_chosen(&self) -> Vec<usize> {
        self.covers
            .iter()
            .map(|c| c.reach_of(&self.chosen.sites))
            .collect()
    }

    /// The chosen sites' design-model cost (fixed cost and stock estimate, design deadline).
    pub fn chosen_cost(&self) -> Fen {
        self.chosen
            .sites
            .iter()
            .map(|&s| self.site_cost[s][0])
            .sum()
    }

    /// The chosen sites' fixed cost.
    pub fn fixed_cost(&self, ds: &Dataset) -> Fen {
        self.chosen
            .sites
            .iter()
            .map(|&s| ds.candidates[s].annual_fixed_cost)
            .sum()
    }
}

/// Stages of a design, for progress.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DesignStage {
    Reach,
    BasePlan,
    Frontier,
}

impl DesignStage {
    pub fn name(self) -> &'static str {
        match self {
            DesignStage::Reach => "routes of the candidate sites",
            DesignStage::BasePlan => "plan of the network as it is",
            DesignStage::Frontier => "site choice and frontier",
        }
    }
}

/// Designs the network: the sites to open and the frontier. The caller plans the stock of
/// `Design::network` (and checks it by simulation).
pub fn design(
    ds: &Dataset,
    params: &DesignParams,
    progress: &(dyn Fn(DesignStage) + Sync),
) -> Result<Design, DesignError> {
    if ds.candidates.is_empty() {
        return Err(DesignError::NoCandidates);
    }
    progress(DesignStage::Reach);
    let reach = Reach::compute(ds);
    let deadlines = deadlines(ds, params.deadline_hours);
    let demand = Demand::of(ds);
    let site_cost: Vec<Vec<Fen>> = ds
        .candidates
        .iter()
        .enumerate()
        .map(|(c, site)| {
            deadlines
                .iter()
                .map(|&k| {
                    site.annual_fixed_cost + stock_estimate(ds, &demand, &reach, params, c, k)
                })
                .collect()
        })
        .collect();
    let covers: Vec<Cover> = deadlines
        .iter()
        .enumerate()
        .map(|(j, &k)| cover(&reach, k, site_cost.iter().map(|s| s[j]).collect()))
        .collect();
    let design_cover = &covers[0];
    let hospitals = ds.hospitals.len();
    let most = design_cover.max_possible();
    let required_reach = match params.reach_share {
        Some(share) => ((share * hospitals as f64) - 1e-9).ceil().max(0.0) as usize,
        None => most,
    };
    if required_reach > most {
        return Err(DesignError::ReachTooHigh {
            asked: required_reach,
            most,
            within: design_cover.base,
            hours: params.deadline_hours,
        });
    }
    progress(DesignStage::BasePlan);
    let base_params = PlanParams {
        bound: false,
        curve: Vec::new(),
        ..params.plan.clone()
    };
    let base_plan_cost = stock::plan(ds, &base_params)?.total_annual_cost();
    progress(DesignStage::Frontier);
    let at_most = params.max_sites.unwrap_or(ds.candidates.len());
    let chosen = design_cover
        .min_cost(required_reach, at_most)?
        .ok_or_else(|| DesignError::TooFewSites {
            sites: at_most,
            asked: required_reach,
            most: design_cover
                .max_reach(at_most)
                .map(|c| c.reach)
                .unwrap_or(most),
            hours: params.deadline_hours,
        })?;
    let per_deadline: Vec<Vec<(usize, Choice)>> = covers
        .par_iter()
        .map(|c| frontier_of(c, ds.candidates.len()))
        .collect::<Result<_, SolveError>>()?;
    let frontier = (0..=ds.candidates.len())
        .map(|n| FrontierRow {
            sites_open: n,
            reach: per_deadline.iter().map(|f| f[n].0).collect(),
            annual_cost: per_deadline
                .iter()
                .enumerate()
                .map(|(j, f)| {
                    base_plan_cost + f[n].1.sites.iter().map(|&s| site_cost[s][j]).sum::<Fen>()
                })
                .collect(),
            sites: per_deadline.iter().map(|f| f[n].1.sites.clone()).collect(),
        })
        .collect();
    let network = network::with_sites(ds, &reach, &chosen.sites);
    Ok(Design {
        deadlines,
        covers,
        site_cost,
        reach,
        required_reach,
        chosen,
        frontier,
        base_plan_cost,
        network,
    })
}

/// The design's deadline first, then every other deadline of the parts, ascending.
fn deadlines(ds: &Dataset, design: f64) -> Vec<f64> {
    let mut other: Vec<f64> = ds
        .parts
        .iter()
        .map(|p| p.deadline_hours)
        .filter(|&k| k != design)
        .collect();
    other.sort_by(f64::total_cmp);
    other.dedup();
    std::iter::once(design).chain(other).collect()
}

fn cover(reach: &Reach, hours: f64, cost: Vec<Fen>) -> Cover {
    let limit = to_micros(hours);
    let within = |t: Option<i64>| t.is_some_and(|t| t <= limit);
    let mut base = 0;
    let mut groups: rustc_hash::FxHashMap<Vec<u32>, u32> = Default::default();
    for h in 0..reach.base.len() {
        if within(reach.base[h]) {
            base += 1;
            continue;
        }
        let set: Vec<u32> = (0..reach.sites.len())
            .filter(|&c| within(reach.sites[c].micros[h]))
            .map(|c| c as u32)
            .collect();
        if !set.is_empty() {
            *groups.entry(set).or_default() += 1;
        }
    }
    let mut groups: Vec<(u32, Vec<u32>)> = groups.into_iter().map(|(s, w)| (w, s)).collect();
    groups.sort_by(|a, b| a.1.cmp(&b.1));
    Cover {
        base,
        groups,
        cost: cost.iter().map(|f| f.0 as f64 / 100.0).collect(),
    }
}

/// Per number of sites 0..=n: the most hospitals within the deadline and the least-cost
/// choice reaching that many with at most that many sites.
fn frontier_of(cover: &Cover, n: usize) -> Result<Vec<(usize, Choice)>, SolveError> {
    let most = cover.max_possible();
    // Reach: rows stop growing at the first count that gives the most.
    let reach: Vec<usize> = cover
        .max_reach_all(n)?
        .into_iter()
        .map(|c| c.reach)
        .collect();
    // The cheapest way to the most: every row with at least its sites shares it.
    let cheapest = cover
        .min_cost(most, n)?
        .expect("every candidate open reaches the most");
    (0..=n)
        .into_par_iter()
        .map(|k| {
            if reach[k] == most && k >= cheapest.sites.len() {
                return Ok((most, cheapest.clone()));
            }
            let choice = cover
                .min_cost(reach[k], k)?
                .expect("the reach of k sites is reachable with k sites");
            Ok((reach[k], choice))
        })
        .collect()
}

/// Demand per hospital and part (failures a year), from the installed base.
struct Demand {
    /// Per hospital: `(part, rate)`.
    of_hospital: Vec<Vec<(PartId, f64)>>,
}

impl Demand {
    fn of(ds: &Dataset) -> Demand {
        let mut by_model: Vec<Vec<(PartId, f64)>> = vec![Vec::new(); ds.models.len()];
        for u in &ds.usage {
            by_model[u.model.index()].push((u.part, u.failures_per_unit_year));
        }
        let mut of_hospital: Vec<Vec<(PartId, f64)>> = vec![Vec::new(); ds.hospitals.len()];
        for unit in &ds.units {
            let rows = &mut of_hospital[unit.hospital.index()];
            for &(p, rate) in &by_model[unit.model.index()] {
                match rows.iter_mut().find(|(q, _)| *q == p) {
                    Some(row) => row.1 += rate,
                    None => rows.push((p, rate)),
                }
            }
        }
        Demand { of_hospital }
    }
}

/// The holding cost of the stock site `c` needs for the hospitals of deadline `hours` it would
/// newly reach: per part of the deadline, the least base stock whose Poisson fill over the
/// site's resupply time meets the highest target among those hospitals.
fn stock_estimate(
    ds: &Dataset,
    demand: &Demand,
    reach: &Reach,
    params: &DesignParams,
    c: usize,
    hours: f64,
) -> Fen {
    let limit = to_micros(hours);
    let site = &ds.candidates[c];
    let mut rates: Vec<f64> = vec![0.0; ds.parts.len()];
    let mut target: f64 = 0.0;
    for h in 0..ds.hospitals.len() {
        let newly = reach.sites[c].micros[h].is_some_and(|t| t <= limit)
            && reach.base[h].is_none_or(|t| t > limit);
        if !newly {
            continue;
        }
        let mut any = false;
        for &(p, rate) in &demand.of_hospital[h] {
            if ds.part(p).deadline_hours == hours && rate > 0.0 {
                rates[p.index()] += rate;
                any = true;
            }
        }
        if any {
            let hospital = ds.hospital(HospitalId::from_index(h));
            let t = hospital
                .service_target
                .unwrap_or_else(|| params.plan.target.of_deadline(hours));
            target = target.max(t);
        }
    }
    let lead_years = site.resupply_days / 365.0;
    let mut investment = Fen::ZERO;
    for (p, &rate) in rates.iter().enumerate() {
        if rate <= 0.0 {
            continue;
        }
        let mean = rate * lead_years;
        let mut s = 1u32;
        while poisson_fill(mean, s) < target && s < 1_000 {
            s += 1;
        }
        investment += ds.parts[p].unit_cost.times(i64::from(s));
    }
    let ppm = (site.holding_rate * 1e6).round() as i128;
    Fen(div_round_half_away(i128::from(investment.0) * ppm, 1_000_000) as i64)
}
