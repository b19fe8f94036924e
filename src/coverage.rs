//! Routes and coverage: for every depot and hospital the fastest route and the cheapest route
//! within the deadline, and the planner's view of where the network is too thin.
//!
//! Delivery time is `handling_hours(depot) + fastest path hours` (model.md). Engineer time is the
//! fastest path from the nearest engineer base, without handling. "By road" means road and
//! courier lanes only: the network a planner has left without air and rail freight.
//!
//! Deliberately absent: graph algorithms (see `network`) and file formats (see `io` and `cli`).

use serde::Serialize;

use crate::model::{Dataset, DepotId, HospitalId, Mode, NodeRef};
use crate::money::Fen;
use crate::network::{to_micros, Network, Route};

/// The contract's parts promise, in hours.
pub const PROMISE_HOURS: f64 = 72.0;

/// What to compute.
#[derive(Clone, Debug)]
pub struct CoverageParams {
    /// The delivery promise the economy routes and the "within" counts use, in hours.
    pub deadline_hours: f64,
    /// The engineer promise, in hours.
    pub engineer_hours: f64,
}

impl Default for CoverageParams {
    fn default() -> Self {
        CoverageParams {
            deadline_hours: 72.0,
            engineer_hours: 24.0,
        }
    }
}

/// Routes from one depot to one hospital.
#[derive(Clone, Debug)]
pub struct PairRoutes {
    pub depot: DepotId,
    pub hospital: HospitalId,
    /// Handling plus travel, micro-hours.
    pub delivery_micros: i64,
    pub fastest: Route,
    /// Cheapest route arriving within the deadline, with its delivery time.
    pub economy: Option<(i64, Route)>,
}

/// The coverage of one hospital.
#[derive(Clone, Debug)]
pub struct HospitalCoverage {
    pub hospital: HospitalId,
    /// Fastest depot and its delivery time.
    pub fastest: Option<(DepotId, i64)>,
    /// Depots that deliver within the deadline, fastest first.
    pub within_deadline: Vec<DepotId>,
    /// Depots that deliver within the contract's 72 hours, fastest first (`depots_within_72h`
    /// counts them whatever `--deadline` says).
    pub within_72h: Vec<DepotId>,
    /// Fastest delivery using road and courier lanes only.
    pub by_road: Option<(DepotId, i64)>,
    /// Travel time from the nearest engineer base.
    pub engineer_micros: Option<i64>,
}

/// Routes and coverage of a data set.
#[derive(Clone, Debug)]
pub struct Coverage {
    pub params: CoverageParams,
    /// One entry per depot and reachable hospital, by depot then hospital.
    pub pairs: Vec<PairRoutes>,
    /// One entry per hospital, in hospital order.
    pub hospitals: Vec<HospitalCoverage>,
    /// Depot-hospital pairs with no route at all.
    pub unreachable: Vec<(DepotId, HospitalId)>,
}

impl Coverage {
    /// A hospital's primary depot: the fastest one (ties to the earlier depot), `None` when no
    /// depot reaches it. The one definition that planning classes, the simulation's backorders
    /// and the replenishment regions use.
    pub fn primary(&self, h: HospitalId) -> Option<DepotId> {
        self.hospitals[h.index()].fastest.map(|(d, _)| d)
    }
}

/// Computes routes and coverage.
pub fn compute(ds: &Dataset, params: &CoverageParams) -> Coverage {
    let net = Network::build(ds);
    let road = Network::build_with(ds, |l| matches!(l.mode, Mode::Road | Mode::Courier));
    let deadline = to_micros(params.deadline_hours);
    let mut pairs = Vec::new();
    let mut unreachable = Vec::new();
    let mut hospitals: Vec<HospitalCoverage> = ds
        .hospital_ids()
        .map(|h| HospitalCoverage {
            hospital: h,
            fastest: None,
            within_deadline: Vec::new(),
            within_72h: Vec::new(),
            by_road: None,
            engineer_micros: None,
        })
        .collect();
    for d in ds.depot_ids() {
        let handling = to_micros(ds.depot(d).handling_hours);
        let origin = NodeRef::Depot(d);
        let tree = net.fastest_from(origin);
        let road_tree = road.fastest_from(origin);
        let economy = net.economy_from(origin, deadline - handling);
        for h in ds.hospital_ids() {
            let target = NodeRef::Hospital(h);
            let cov = &mut hospitals[h.index()];
            if let Some(t) = road.fastest_micros(&road_tree, target) {
                let t = t + handling;
                if cov.by_road.is_none_or(|(_, best)| t < best) {
                    cov.by_road = Some((d, t));
                }
            }
            let Some(fastest) = net.fastest_route(&tree, target) else {
                unreachable.push((d, h));
                continue;
            };
            let delivery = fastest.micros + handling;
            if cov.fastest.is_none_or(|(_, best)| delivery < best) {
                cov.fastest = Some((d, delivery));
            }
            let economy = net
                .economy_route(&economy, target)
                .map(|r| (r.micros + handling, r));
            pairs.push(PairRoutes {
                depot: d,
                hospital: h,
                delivery_micros: delivery,
                fastest,
                economy,
            });
        }
    }
    // Depots within the deadline, fastest first (ties by depot order).
    let mut delivery = vec![Vec::new(); ds.hospitals.len()];
    for p in &pairs {
        delivery[p.hospital.index()].push((p.delivery_micros, p.depot));
    }
    let promise = to_micros(PROMISE_HOURS);
    for (cov, mut times) in hospitals.iter_mut().zip(delivery) {
        times.sort();
        cov.within_deadline = times
            .iter()
            .filter(|&&(t, _)| t <= deadline)
            .map(|&(_, d)| d)
            .collect();
        cov.within_72h = times
            .iter()
            .filter(|&&(t, _)| t <= promise)
            .map(|&(_, d)| d)
            .collect();
    }
    let bases: Vec<NodeRef> = ds
        .engineers
        .iter()
        .filter(|e| e.engineers > 0)
        .map(|e| e.base)
        .collect();
    if !bases.is_empty() {
        let tree = net.fastest_from_many(&bases);
        for cov in &mut hospitals {
            cov.engineer_micros = net.fastest_micros(&tree, NodeRef::Hospital(cov.hospital));
        }
    }
    Coverage {
        params: params.clone(),
        pairs,
        hospitals,
        unreachable,
    }
}

/// A hospital as the summary shows it.
#[derive(Clone, Debug, Serialize)]
pub struct HospitalLine {
    pub hospital_id: String,
    pub name: String,
    pub province: String,
    pub depot_id: String,
    pub hours: f64,
    pub route: String,
    pub modes: String,
}

/// Installed base served fastest by one depot.
#[derive(Clone, Debug, Serialize)]
pub struct DepotShare {
    pub depot_id: String,
    pub hospitals: usize,
    pub units: usize,
    pub share_of_installed_base: f64,
}

/// Reach within one time limit.
#[derive(Clone, Debug, Serialize)]
pub struct Reach {
    pub hours: f64,
    pub hospitals: usize,
    pub share_of_hospitals: f64,
    pub share_of_installed_base: f64,
}

/// The coverage summary (`summary.json` of `routes`).
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub deadline_hours: f64,
    pub hospitals: usize,
    pub depots: usize,
    pub routes: usize,
    pub unreachable_pairs: usize,
    pub reach: Vec<Reach>,
    pub unreachable_hospitals: Vec<String>,
    pub slowest: Vec<HospitalLine>,
    /// Hospitals that miss the deadline by road and make it only by air, with the air route.
    pub need_air: Vec<HospitalLine>,
    pub engineer_limit_hours: f64,
    pub engineer_over_limit: Vec<HospitalLine>,
    pub depot_share: Vec<DepotShare>,
    pub economy_cost_total: String,
    pub fastest_cost_total: String,
}

fn path_text(ds: &Dataset, r: &Route) -> String {
    r.nodes
        .iter()
        .map(|&n| ds.node_code(n))
        .collect::<Vec<_>>()
        .join(">")
}

fn modes_text(r: &Route) -> String {
    r.modes
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(">")
}

/// Route path as node ids joined by `>`.
pub fn route_path(ds: &Dataset, r: &Route) -> String {
    path_text(ds, r)
}

/// Route modes joined by `>`.
pub fn route_modes(r: &Route) -> String {
    modes_text(r)
}

/// Summarises a coverage for planners.
pub fn summarize(ds: &Dataset, cov: &Coverage, slowest: usize) -> Summary {
    let mut units = vec![0usize; ds.hospitals.len()];
    for u in &ds.units {
        units[u.hospital.index()] += 1;
    }
    let total_units = ds.units.len().max(1) as f64;
    let n = ds.hospitals.len().max(1) as f64;
    let pair_index: rustc_hash::FxHashMap<(DepotId, HospitalId), usize> = cov
        .pairs
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.depot, p.hospital), i))
        .collect();
    let fastest_pair = |h: HospitalId, d: DepotId| &cov.pairs[pair_index[&(d, h)]];
    let line = |h: HospitalId, d: DepotId, micros: i64, r: &Route| {
        let hosp = ds.hospital(h);
        HospitalLine {
            hospital_id: hosp.code.clone(),
            name: hosp.name.clone(),
            province: hosp.province.clone().unwrap_or_default(),
            depot_id: ds.depot(d).code.clone(),
            hours: round2(crate::network::to_hours(micros)),
            route: path_text(ds, r),
            modes: modes_text(r),
        }
    };
    let reach = reach(cov, &units, n, total_units);
    let mut by_time: Vec<&HospitalCoverage> = cov
        .hospitals
        .iter()
        .filter(|c| c.fastest.is_some())
        .collect();
    by_time.sort_by_key(|c| (std::cmp::Reverse(c.fastest.map(|f| f.1)), c.hospital));
    let slowest = by_time
        .iter()
        .take(slowest)
        .map(|c| {
            let (d, t) = c.fastest.expect("filtered");
            line(c.hospital, d, t, &fastest_pair(c.hospital, d).fastest)
        })
        .collect();
    let deadline = to_micros(cov.params.deadline_hours);
    let need_air = cov
        .hospitals
        .iter()
        .filter(|c| {
            c.fastest.is_some_and(|(_, t)| t <= deadline)
                && c.by_road.is_none_or(|(_, t)| t > deadline)
        })
        .map(|c| {
            let (d, t) = c.fastest.expect("filtered");
            line(c.hospital, d, t, &fastest_pair(c.hospital, d).fastest)
        })
        .collect();
    let engineer_over_limit = engineer_over_limit(ds, cov);
    let depot_share = depot_share(ds, cov, &units, total_units);
    let economy_cost_total: Fen = cov
        .pairs
        .iter()
        .filter_map(|p| p.economy.as_ref().map(|(_, r)| r.cost))
        .sum();
    let fastest_cost_total: Fen = cov.pairs.iter().map(|p| p.fastest.cost).sum();
    Summary {
        deadline_hours: cov.params.deadline_hours,
        hospitals: ds.hospitals.len(),
        depots: ds.depots.len(),
        routes: cov.pairs.len(),
        unreachable_pairs: cov.unreachable.len(),
        reach,
        unreachable_hospitals: cov
            .hospitals
            .iter()
            .filter(|c| c.fastest.is_none())
            .map(|c| ds.hospital(c.hospital).code.clone())
            .collect(),
        slowest,
        need_air,
        engineer_limit_hours: cov.params.engineer_hours,
        engineer_over_limit,
        depot_share,
        economy_cost_total: economy_cost_total.to_string(),
        fastest_cost_total: fastest_cost_total.to_string(),
    }
}

/// Hospitals and installed base within 4, 24 and 72 h (and the deadline) of the fastest depot.
fn reach(cov: &Coverage, units: &[usize], n: f64, total_units: f64) -> Vec<Reach> {
    let mut limits = vec![4.0, 24.0, 72.0];
    if !limits.contains(&cov.params.deadline_hours) {
        limits.push(cov.params.deadline_hours);
    }
    limits
        .iter()
        .map(|&hours| {
            let limit = to_micros(hours);
            let hit: Vec<&HospitalCoverage> = cov
                .hospitals
                .iter()
                .filter(|c| c.fastest.is_some_and(|(_, t)| t <= limit))
                .collect();
            let hit_units: usize = hit.iter().map(|c| units[c.hospital.index()]).sum();
            Reach {
                hours,
                hospitals: hit.len(),
                share_of_hospitals: round4(hit.len() as f64 / n),
                share_of_installed_base: round4(hit_units as f64 / total_units),
            }
        })
        .collect()
}

/// Hospitals whose nearest engineer is beyond the engineer promise (or unreachable).
fn engineer_over_limit(ds: &Dataset, cov: &Coverage) -> Vec<HospitalLine> {
    let engineer_limit = to_micros(cov.params.engineer_hours);
    cov.hospitals
        .iter()
        .filter(|c| c.engineer_micros.is_none_or(|t| t > engineer_limit))
        .map(|c| {
            let hosp = ds.hospital(c.hospital);
            HospitalLine {
                hospital_id: hosp.code.clone(),
                name: hosp.name.clone(),
                province: hosp.province.clone().unwrap_or_default(),
                depot_id: String::new(),
                hours: c
                    .engineer_micros
                    .map_or(f64::NAN, |t| round2(crate::network::to_hours(t))),
                route: String::new(),
                modes: String::new(),
            }
        })
        .collect()
}

/// Each depot's hospitals and installed base as their fastest depot.
fn depot_share(ds: &Dataset, cov: &Coverage, units: &[usize], total_units: f64) -> Vec<DepotShare> {
    ds.depot_ids()
        .map(|d| {
            let served: Vec<&HospitalCoverage> = cov
                .hospitals
                .iter()
                .filter(|c| c.fastest.is_some_and(|(fd, _)| fd == d))
                .collect();
            let u: usize = served.iter().map(|c| units[c.hospital.index()]).sum();
            DepotShare {
                depot_id: ds.depot(d).code.clone(),
                hospitals: served.len(),
                units: u,
                share_of_installed_base: round4(u as f64 / total_units),
            }
        })
        .collect()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
