//! The plan checked by simulation and corrected until the simulation agrees (model.md, Service:
//! "guarantees" means delivered, not only modelled).
//!
//! The analytic service model treats the depots' stock-outs as independent; they are not (the
//! overflow of one depot lands on the others when they are low too, and every regional depot
//! waits on the same central depot), so the model is optimistic where a tier leans on lateral
//! shipments. The simulation of the same policy is the referee. Each round simulates the plan
//! (same seed every round, so rounds differ only by their stock) and finds the reachable
//! hospital-tiers whose simulated on-time is below the target beyond the noise: the upper end
//! of its 95 % interval (the ratio estimator over all replications' requests) under the target.
//! While there are any, the plan is raised ([`stock::raise`]) so that the model asks more of
//! the hospital-tiers concerned:
//! - every hospital-tier of a class (hospitals with the same candidate depots and primary depot,
//!   which the policy serves alike) is asked its model on-time plus a quarter ([`STEP`]) of the
//!   class's shortfall, the target less the simulated on-time pooled over the class's requests,
//!   where that is positive (pooled, the estimate is tight; a quarter, because the bias shrinks
//!   as stock rises, so the rounds approach the least stock from below);
//! - a hospital-tier below beyond the noise is asked, besides, its model on-time plus a quarter
//!   of its own shortfall (target less simulated on-time).
//!
//! Requirements only ever rise, so the rounds end: when no reachable hospital-tier is below
//! beyond the noise, or after [`MAX_ROUNDS`] rounds with an error naming what is still short.
//!
//! Deliberately absent: any change to the bound and the curve, which are the analytic plan's.

use rustc_hash::FxHashMap;

use super::{verify_with_progress, Verification, VerifyParams};
use crate::model::Dataset;
use crate::stock::{self, PlanError, PlanResult};

/// Rounds of simulation and correction at most.
pub const MAX_ROUNDS: usize = 16;

/// The share of a shortfall one round asks more of the model: the model's bias shrinks as stock
/// rises, so asking the whole shortfall overshoots. On data/china the whole shortfall adds
/// 12.8 million yuan a year of holding cost in one round, half of it 8.4 million in two, a
/// quarter 6.1 million in three, an eighth 6.0 million in seven.
pub const STEP: f64 = 0.25;

/// One round of the check by simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct Round {
    /// Simulated on-time over all requests.
    pub on_time: f64,
    /// Reachable hospital-tiers below their target beyond the noise.
    pub below: usize,
}

/// A plan that its simulation passed, with that simulation and the rounds it took.
#[derive(Clone, Debug)]
pub struct Verified {
    pub result: PlanResult,
    pub verification: Verification,
    pub rounds: Vec<Round>,
    /// The hospital-tiers (by [`PlanResult::tier_index`]) still below their target beyond the
    /// noise in the last round: none, unless the plan was made within a budget.
    pub below: Vec<usize>,
}

/// What the check by simulation is doing, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// A replication of round `round` (from 1) ended; `done` of the round's replications.
    Replication { round: usize, done: u64 },
    /// The plan is being raised after round `round`.
    Raising { round: usize },
}

/// The reachable hospital-tiers (by [`PlanResult::tier_index`]) whose simulated on-time is below
/// the target beyond the noise, in index order.
pub fn below_beyond_noise(result: &PlanResult, v: &Verification) -> Vec<usize> {
    result
        .tiers_with_demand()
        .into_iter()
        .filter(|(i, _, _, t)| t.reachable && v.tiers[*i].is_some_and(|e| e.high < t.target))
        .map(|(i, ..)| i)
        .collect()
}

/// Simulates `result` and raises it until no reachable hospital-tier is below its target
/// beyond the noise (see the module docs). A plan made within a budget is simulated once and not
/// raised (it is not asked to meet its targets).
pub fn verified_plan(
    ds: &Dataset,
    mut result: PlanResult,
    params: &VerifyParams,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Verified, PlanError> {
    let mut rounds = Vec::new();
    loop {
        let round = rounds.len() + 1;
        let done = std::sync::atomic::AtomicU64::new(0);
        let tick = || {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(Progress::Replication { round, done: n });
        };
        let v = verify_with_progress(ds, &result, params, &tick);
        let below = below_beyond_noise(&result, &v);
        rounds.push(Round {
            on_time: v.on_time.mean,
            below: below.len(),
        });
        if below.is_empty() || !result.meets_targets {
            return Ok(Verified {
                result,
                verification: v,
                rounds,
                below,
            });
        }
        if round == MAX_ROUNDS {
            return Err(PlanError::NotVerified {
                count: below.len(),
                rounds: MAX_ROUNDS,
                first: result.tier_label(ds, below[0]),
            });
        }
        progress(Progress::Raising { round });
        let asks = asks(&result, &v, &below);
        result = stock::raise(ds, &result, &asks)?;
    }
}

/// The on-time each hospital-tier is asked in the model next (see the module docs).
fn asks(result: &PlanResult, v: &Verification, below: &[usize]) -> Vec<(usize, f64)> {
    let input = result.input();
    // Shortfall per class: (target - simulated) weighted by simulated requests.
    let mut short: FxHashMap<(usize, u32), (f64, f64)> = FxHashMap::default();
    let mut tiers = Vec::new();
    for (i, h, g, t) in result.tiers_with_demand() {
        let (Some(e), Some(class)) = (v.tiers[i], input.groups[g].class_of[h.index()]) else {
            continue;
        };
        if !t.reachable {
            continue;
        }
        let w = v.tier_requests_per_year[i];
        let s = short.entry((g, class)).or_default();
        s.0 += (t.target - e.mean) * w;
        s.1 += w;
        tiers.push((i, (g, class), t, e));
    }
    let mut asks = Vec::new();
    for (i, class, t, e) in tiers {
        let (sum, w) = short[&class];
        let class_short = if w > 0.0 { sum / w } else { 0.0 };
        let mut ask = t.on_time + STEP * class_short;
        if below.binary_search(&i).is_ok() {
            ask = ask.max(t.on_time + STEP * (t.target - e.mean));
        }
        if ask > t.on_time {
            asks.push((i, ask));
        }
    }
    asks
}
