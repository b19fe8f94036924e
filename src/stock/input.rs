//! From a validated data set and its routes to one service network per part.
//!
//! For part `p` with deadline `D`: each hospital's demand is the sum over its units of the
//! model's failure rate for `p`; its candidates are the depots whose delivery time
//! (handling + fastest path) is within `D`, fastest first (ties by depot order); its primary depot
//! is the fastest overall. A hospital with demand but no candidate is out of reach for that part
//! and is reported with its best time and the depot that gives it.
//!
//! Deliberately absent: stock levels and any optimisation.

use crate::coverage::Coverage;
use crate::model::{Dataset, DepotId, HospitalId, PartId};
use crate::network::{to_hours, to_micros};

use super::service::{DepotSpec, HospitalDemand, PartNetwork};

/// Days per year for lead times given in days.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// A hospital that no depot serves within a part's deadline.
#[derive(Clone, Debug, PartialEq)]
pub struct OutOfReach {
    pub hospital: HospitalId,
    /// The fastest depot and its delivery hours, if any route exists.
    pub best: Option<(DepotId, f64)>,
}

/// One part's planning input.
#[derive(Clone, Debug)]
pub struct PartInput {
    pub part: PartId,
    pub network: PartNetwork,
    /// The hospital of each entry of `network.hospitals`.
    pub hospitals: Vec<HospitalId>,
    pub out_of_reach: Vec<OutOfReach>,
}

/// The planning input of a data set.
#[derive(Clone, Debug)]
pub struct PlanInput {
    /// Parts with demand, in part order.
    pub parts: Vec<PartInput>,
    /// Each hospital's on-time target: the strictest `uptime_target` of its units.
    pub targets: Vec<Option<f64>>,
}

/// Builds the planning input from a data set and its routes.
pub fn build(ds: &Dataset, cov: &Coverage) -> PlanInput {
    let nd = ds.depots.len();
    let nh = ds.hospitals.len();
    let mut time: Vec<Option<i64>> = vec![None; nd * nh];
    for p in &cov.pairs {
        time[p.depot.index() * nh + p.hospital.index()] = Some(p.delivery_micros);
    }
    let depots: Vec<DepotSpec> = ds
        .depots
        .iter()
        .map(|d| DepotSpec {
            parent: d.parent.map(DepotId::index),
            lead_years: d.resupply_days / DAYS_PER_YEAR,
        })
        .collect();
    // Units of each model at each hospital.
    let mut units = vec![0u32; nh * ds.models.len()];
    let mut targets: Vec<Option<f64>> = vec![None; nh];
    for u in &ds.units {
        units[u.hospital.index() * ds.models.len() + u.model.index()] += 1;
        let t = &mut targets[u.hospital.index()];
        *t = Some(t.map_or(u.uptime_target, |x: f64| x.max(u.uptime_target)));
    }
    let mut usage_of_part: Vec<Vec<(usize, f64)>> = vec![Vec::new(); ds.parts.len()];
    for u in &ds.usage {
        if u.failures_per_unit_year > 0.0 {
            usage_of_part[u.part.index()].push((u.model.index(), u.failures_per_unit_year));
        }
    }
    let mut parts = Vec::new();
    for p in ds.part_ids() {
        let usage = &usage_of_part[p.index()];
        if usage.is_empty() {
            continue;
        }
        let deadline = to_micros(ds.part(p).deadline_hours);
        let mut hospitals = Vec::new();
        let mut demands = Vec::new();
        let mut out_of_reach = Vec::new();
        for h in ds.hospital_ids() {
            let rate: f64 = usage
                .iter()
                .map(|&(m, r)| f64::from(units[h.index() * ds.models.len() + m]) * r)
                .sum();
            if rate <= 0.0 {
                continue;
            }
            let mut reach: Vec<(i64, usize)> = (0..nd)
                .filter_map(|d| time[d * nh + h.index()].map(|t| (t, d)))
                .collect();
            reach.sort();
            let Some(&(best_time, primary)) = reach.first() else {
                out_of_reach.push(OutOfReach {
                    hospital: h,
                    best: None,
                });
                continue;
            };
            let candidates: Vec<usize> = reach
                .iter()
                .filter(|&&(t, _)| t <= deadline)
                .map(|&(_, d)| d)
                .collect();
            if candidates.is_empty() {
                out_of_reach.push(OutOfReach {
                    hospital: h,
                    best: Some((DepotId::from_index(primary), to_hours(best_time))),
                });
            }
            hospitals.push(h);
            demands.push(HospitalDemand {
                rate,
                candidates,
                primary,
            });
        }
        parts.push(PartInput {
            part: p,
            network: PartNetwork {
                depots: depots.clone(),
                hospitals: demands,
            },
            hospitals,
            out_of_reach,
        });
    }
    PlanInput { parts, targets }
}
