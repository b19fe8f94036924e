//! The checker: every hospital-tier's on-time probability recomputed from a plan and the model,
//! independently of the optimiser's bookkeeping.
//!
//! The optimiser works on classes of hospitals and updates running totals; the checker builds
//! each part's network with one demand entry per hospital straight from the installed base,
//! evaluates it once with the plan's stock, and sums `lambda(h,p) x ontime(h,p)` per hospital and
//! deadline tier from scratch. A plan is accepted only when every hospital-tier's on-time
//! requests reach its requirement.

use rayon::prelude::*;

use super::input::PlanInput;
use super::problem::{req_index, Plan, Requirement};
use super::service::evaluate;

/// Parts evaluated together before their results are added up, to bound memory.
const CHUNK: usize = 64;

/// One hospital's service in one deadline tier under a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct TierService {
    /// Requests per year for the tier's parts.
    pub demand: f64,
    /// Requests per year delivered within their part's deadline.
    pub on_time_requests: f64,
    /// `on_time_requests / demand` (1 when the hospital has no demand).
    pub on_time: f64,
    /// Whether the on-time requests reach the hospital-tier's requirement.
    pub meets_requirement: bool,
}

/// One part at one depot under a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct DepotPart {
    pub fill_rate: f64,
    /// Requests per year the depot fills within the deadline.
    pub filled: f64,
    /// Replenishment orders per year.
    pub flow: f64,
}

/// The checker's verdict.
#[derive(Clone, Debug)]
pub struct Checked {
    /// Per hospital-tier, indexed by [`req_index`].
    pub tiers: Vec<TierService>,
    /// Per part (in `PlanInput::parts` order) and depot.
    pub depots: Vec<Vec<DepotPart>>,
    /// Per part (in `PlanInput::parts` order): requests per year of the hospitals some depot
    /// reaches, and of those the requests on time.
    pub parts: Vec<(f64, f64)>,
    /// Hospital-tiers ([`req_index`]) whose requirement is not met.
    pub failures: Vec<usize>,
}

impl Checked {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// Requests on time over all requests.
    pub fn system_on_time(&self) -> f64 {
        let demand: f64 = self.tiers.iter().map(|h| h.demand).sum();
        let on_time: f64 = self.tiers.iter().map(|h| h.on_time_requests).sum();
        if demand > 0.0 {
            on_time / demand
        } else {
            1.0
        }
    }
}

/// Recomputes the service of `plan`.
pub fn check(input: &PlanInput, req: &[Requirement], plan: &Plan) -> Checked {
    let nh = input.hospitals();
    let nr = nh * input.groups.len();
    let mut demand = vec![0.0; nr];
    let mut on_time = vec![0.0; nr];
    let mut depots = Vec::with_capacity(input.parts.len());
    let mut parts_on_time = Vec::with_capacity(input.parts.len());
    let parts: Vec<usize> = (0..input.parts.len()).collect();
    for chunk in parts.chunks(CHUNK) {
        let results: Vec<_> = chunk
            .par_iter()
            .map(|&p| {
                let (ids, net) = input.per_hospital_network(p);
                let service = evaluate(&net, &plan.stock[p]);
                (ids, net, service)
            })
            .collect();
        for (&p, (ids, net, service)) in chunk.iter().zip(results) {
            let group = input.parts[p].group;
            let mut part = (0.0, 0.0);
            for ((&h, demand_of), ot) in ids.iter().zip(&net.hospitals).zip(&service.on_time) {
                let r = req_index(input, group, h);
                demand[r] += demand_of.rate;
                on_time[r] += demand_of.rate * ot;
                part.0 += demand_of.rate;
                part.1 += demand_of.rate * ot;
            }
            parts_on_time.push(part);
            depots.push(
                (0..input.depots.len())
                    .map(|d| DepotPart {
                        fill_rate: service.fill_rate[d],
                        filled: service.filled[d],
                        flow: service.flow[d],
                    })
                    .collect(),
            );
        }
    }
    // Hospitals no depot reaches at all are in no network: their demand is counted, never on time.
    for (p, _) in input.parts.iter().enumerate() {
        let g = &input.groups[input.parts[p].group];
        for h in 0..nh {
            if g.class_of[h].is_none() {
                demand[req_index(input, input.parts[p].group, h)] += input.rate(h, p);
            }
        }
    }
    let tiers: Vec<TierService> = (0..nr)
        .map(|r| TierService {
            demand: demand[r],
            on_time_requests: on_time[r],
            on_time: if demand[r] > 0.0 {
                on_time[r] / demand[r]
            } else {
                1.0
            },
            meets_requirement: on_time[r] >= req[r].need,
        })
        .collect();
    let failures = (0..nr).filter(|&r| !tiers[r].meets_requirement).collect();
    Checked {
        tiers,
        depots,
        parts: parts_on_time,
        failures,
    }
}
