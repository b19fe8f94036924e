//! The pricing of the bound: each part's stock vector minimising `cost - sum_k w_k ontime_k`
//! for given class weights, by the relaxation (enumeration over the fill bounds) or by the
//! service model itself (see the parent module's docs).

use rustc_hash::FxHashMap;

use crate::stock::service::{evaluate, evaluate_from, PartNetwork};

/// The service model's on-time of each candidate set, per stock vector, for one part.
pub(super) type OnTimeCache = FxHashMap<Vec<u32>, Vec<f64>>;

/// The exact pricing's budget, warm start and cache.
struct ExactState<'a> {
    left: usize,
    fill: Vec<f64>,
    cache: &'a mut OnTimeCache,
}

/// One part's relaxed options: the fill bounds, class candidates and unit costs.
pub(super) struct PartOptions {
    pub(super) fills: Vec<Vec<Vec<f64>>>,
    pub(super) classes: Vec<Vec<usize>>,
    pub(super) unit_cost: Vec<f64>,
    pub(super) parent: Vec<Option<usize>>,
    /// Depots with every parent first.
    pub(super) order: Vec<usize>,
    /// The part's service network, for exact pricing.
    pub(super) net: PartNetwork,
}

impl PartOptions {
    pub(super) fn cost(&self, stock: &[u32]) -> f64 {
        stock
            .iter()
            .zip(&self.unit_cost)
            .map(|(&s, c)| f64::from(s) * c)
            .sum()
    }

    /// The row of depot `d`'s table for the stock of its parent.
    fn row(&self, d: usize, stock: &[u32]) -> &[f64] {
        let rows = &self.fills[d];
        let r = match self.parent[d] {
            Some(p) if rows.len() > 1 => (stock[p] as usize).min(rows.len() - 1),
            _ => 0,
        };
        &rows[r]
    }

    fn fill(&self, d: usize, stock: &[u32]) -> f64 {
        let levels = self.row(d, stock);
        levels[(stock[d] as usize).min(levels.len() - 1)]
    }

    /// On-time `1 - prod(1 - fill)` of each candidate set, from a fill rate per depot.
    fn sets_on_time(&self, fill: impl Fn(usize) -> f64) -> Vec<f64> {
        self.classes
            .iter()
            .map(|c| 1.0 - c.iter().map(|&d| 1.0 - fill(d)).product::<f64>())
            .collect()
    }

    /// Puts the service model's on-time of every column into `cache`.
    pub(super) fn cache_columns(&self, columns: &[Vec<u32>], cache: &mut OnTimeCache) {
        for stock in columns {
            if !cache.contains_key(stock) {
                let fill = evaluate(&self.net, stock).fill_rate;
                cache.insert(stock.clone(), self.sets_on_time(|d| fill[d]));
            }
        }
    }

    /// The first columns of the master programme: the plan, its neighbours one unit up or down
    /// at one depot (they give the first duals the plan's marginal trade-offs), and every depot
    /// at its top level (on time everywhere, so the master is feasible).
    pub(super) fn first_columns(&self, plan: &[u32]) -> Vec<Vec<u32>> {
        let mut out = vec![plan.to_vec()];
        for d in 0..plan.len() {
            for delta in [1i64, -1] {
                let level = i64::from(plan[d]) + delta;
                if level >= 0 {
                    let mut v = plan.to_vec();
                    v[d] = level as u32;
                    out.push(v);
                }
            }
        }
        let top: Vec<u32> = self
            .fills
            .iter()
            .map(|rows| rows.last().map_or(0, |r| r.len() as u32 - 1))
            .collect();
        if !out.contains(&top) {
            out.push(top);
        }
        out
    }

    /// The stock vector minimising `cost - sum_k w_k ontime_k` under the service model itself,
    /// by enumerating every vector whose cost is below the best value plus the total weight (no
    /// other can be best, as on-time is at most 1); `None` when that takes more than `limit`
    /// new evaluations (`cache` holds the candidate sets' on-time of vectors seen before).
    pub(super) fn price_exact(
        &self,
        w: &[f64],
        limit: usize,
        known: &[Vec<u32>],
        cache: &mut OnTimeCache,
    ) -> Option<(Vec<u32>, f64)> {
        // Free stock bounds no level by cost: such parts keep the relaxation.
        if self.unit_cost.iter().any(|&c| c <= 0.0) {
            return None;
        }
        let nd = self.unit_cost.len();
        let total_w: f64 = w.iter().sum();
        let mut state = ExactState {
            left: limit,
            fill: vec![1.0; nd],
            cache,
        };
        // The best of the vectors already known starts the search (no stock is worth 0).
        let mut best = (vec![0u32; nd], 0.0);
        for v in known {
            let value = self.exact_value(v, w, &mut state)?;
            if value < best.1 {
                best = (v.clone(), value);
            }
        }
        let mut stock = vec![0u32; nd];
        let done = self.search_exact(0, 0.0, &mut stock, w, total_w, &mut best, &mut state);
        // The service model's fixed point is solved to 1e-11 in each fill rate: a margin keeps
        // the minimum below the exact one.
        done.then(|| (best.0, best.1 - 1e-9 * total_w.max(1.0)))
    }

    /// `cost - sum_k w_k ontime_k` under the service model, from the cache or evaluated (its
    /// fixed point started from the last vector's fill rates); `None` when the budget is spent.
    fn exact_value(&self, stock: &[u32], w: &[f64], state: &mut ExactState) -> Option<f64> {
        if !state.cache.contains_key(stock) {
            if state.left == 0 {
                return None;
            }
            state.left -= 1;
            let f = evaluate_from(&self.net, stock, Some(&state.fill)).fill_rate;
            let on_time = self.sets_on_time(|d| f[d]);
            state.fill = f;
            state.cache.insert(stock.to_vec(), on_time);
        }
        let on_time = &state.cache[stock];
        Some(self.cost(stock) - on_time.iter().zip(w).map(|(o, w)| o * w).sum::<f64>())
    }

    /// Depth-first over the depots; false when the evaluation budget ran out.
    #[allow(clippy::too_many_arguments)]
    fn search_exact(
        &self,
        i: usize,
        cost: f64,
        stock: &mut [u32],
        w: &[f64],
        total_w: f64,
        best: &mut (Vec<u32>, f64),
        state: &mut ExactState,
    ) -> bool {
        let nd = self.unit_cost.len();
        if i == nd {
            // The relaxation's on-time is at least the model's, so its value is a lower bound:
            // a vector it cannot make best needs no evaluation.
            if self.value(stock, w) >= best.1 {
                return true;
            }
            let Some(v) = self.exact_value(stock, w, state) else {
                return false;
            };
            if v < best.1 {
                *best = (stock.to_vec(), v);
            }
            return true;
        }
        let d = self.order[i];
        let mut s = 0u32;
        loop {
            let c = cost + f64::from(s) * self.unit_cost[d];
            if c - total_w >= best.1 {
                break;
            }
            stock[d] = s;
            if !self.search_exact(i + 1, c, stock, w, total_w, best, state) {
                stock[d] = 0;
                return false;
            }
            s += 1;
        }
        stock[d] = 0;
        true
    }

    /// Relaxed on-time of each class.
    fn on_time(&self, stock: &[u32]) -> Vec<f64> {
        self.sets_on_time(|d| self.fill(d, stock))
    }

    /// The stock vector minimising `cost - sum_k w_k ontime_k` under the relaxation, that
    /// minimum, and the number of vectors evaluated.
    pub(super) fn price(&self, w: &[f64]) -> (Vec<u32>, f64, usize) {
        let nd = self.unit_cost.len();
        let total_w: f64 = w.iter().sum();
        let mut best = (vec![0u32; nd], self.value(&vec![0u32; nd], w));
        let mut stock = vec![0u32; nd];
        // Remaining product of (1 - fill) of each class over the depots set so far.
        let miss = vec![1.0; self.classes.len()];
        let mut leaves = 0;
        self.search(
            0,
            0.0,
            &miss,
            &mut stock,
            w,
            total_w,
            &mut best,
            &mut leaves,
        );
        (best.0, best.1, leaves)
    }

    fn value(&self, stock: &[u32], w: &[f64]) -> f64 {
        self.cost(stock)
            - self
                .on_time(stock)
                .iter()
                .zip(w)
                .map(|(o, w)| o * w)
                .sum::<f64>()
    }

    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        i: usize,
        cost: f64,
        miss: &[f64],
        stock: &mut [u32],
        w: &[f64],
        total_w: f64,
        best: &mut (Vec<u32>, f64),
        leaves: &mut usize,
    ) {
        let nd = self.unit_cost.len();
        if i == nd {
            *leaves += 1;
            let v = cost - miss.iter().zip(w).map(|(m, w)| (1.0 - m) * w).sum::<f64>();
            if v < best.1 {
                *best = (stock.to_vec(), v);
            }
            return;
        }
        let d = self.order[i];
        let max_level = self.row(d, stock).len() as u32 - 1;
        let mut next = miss.to_vec();
        for s in 0..=max_level {
            let c = cost + f64::from(s) * self.unit_cost[d];
            // Even on time everywhere, the value cannot beat the best: more stock only costs more.
            if c - total_w >= best.1 {
                break;
            }
            stock[d] = s;
            let keep = 1.0 - self.fill(d, stock);
            for (k, class) in self.classes.iter().enumerate() {
                next[k] = if class.contains(&d) {
                    miss[k] * keep
                } else {
                    miss[k]
                };
            }
            self.search(i + 1, c, &next, stock, w, total_w, best, leaves);
        }
        stock[d] = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stock::bound::fill_bound;
    use crate::stock::input::PlanInput;
    use crate::stock::service::parents_first;
    use crate::stock::service::{DepotSpec, HospitalDemand};

    /// A central depot with two regional ones, two pooled hospitals, as the planner's input of a
    /// single part.
    fn options() -> PartOptions {
        let depots = vec![
            DepotSpec {
                parent: None,
                lead_years: 0.05,
            },
            DepotSpec {
                parent: Some(0),
                lead_years: 0.01,
            },
            DepotSpec {
                parent: Some(0),
                lead_years: 0.012,
            },
        ];
        let net = PartNetwork {
            depots: depots.clone(),
            hospitals: vec![
                HospitalDemand {
                    rate: 40.0,
                    candidates: vec![1, 2, 0],
                    primary: 1,
                },
                HospitalDemand {
                    rate: 25.0,
                    candidates: vec![2, 1],
                    primary: 2,
                },
            ],
        };
        // The relaxation's tables for this network, as `fill_bound` builds them from a plan
        // input; here through a one-part input.
        let input = PlanInput {
            depots: depots.clone(),
            groups: vec![],
            parts: vec![crate::stock::input::PartInput {
                part: crate::model::PartId::from_index(0),
                group: 0,
                usage: vec![],
                network: net.clone(),
            }],
            models: 0,
            units: vec![],
            targets: vec![],
            hours: vec![],
        };
        PartOptions {
            fills: fill_bound(&input, 0),
            classes: vec![vec![0, 1, 2], vec![1, 2]],
            unit_cost: vec![3.0, 2.0, 2.5],
            parent: vec![None, Some(0), Some(0)],
            order: parents_first(&depots),
            net,
        }
    }

    /// `min_S cost(S) - sum_k w_k ontime_k(S)` over every vector with levels up to `max`, straight
    /// from the service model.
    fn brute_force(o: &PartOptions, w: &[f64], max: u32) -> f64 {
        let mut best = f64::INFINITY;
        for a in 0..=max {
            for b in 0..=max {
                for c in 0..=max {
                    let s = [a, b, c];
                    let fill = evaluate(&o.net, &s).fill_rate;
                    let on_time: f64 = o
                        .classes
                        .iter()
                        .zip(w)
                        .map(|(k, w)| w * (1.0 - k.iter().map(|&d| 1.0 - fill[d]).product::<f64>()))
                        .sum();
                    best = best.min(o.cost(&s) - on_time);
                }
            }
        }
        best
    }

    #[test]
    fn exact_pricing_is_the_brute_force_minimum_of_the_model() {
        let o = options();
        for w in [[5.0, 3.0], [40.0, 10.0], [200.0, 150.0], [0.5, 0.1]] {
            // The brute force stops at 25 units a depot (the fill rates have saturated long
            // before); the pricing searches every level its cost pruning allows, so agreement
            // also says its optimum lies within that range.
            let expected = brute_force(&o, &w, 25);
            let mut cache = OnTimeCache::default();
            let (stock, v) = o
                .price_exact(&w, 1_000_000, &[], &mut cache)
                .expect("within the budget");
            // The minimum less its margin for the fixed point's tolerance.
            let margin = 1e-9 * (w[0] + w[1]).max(1.0);
            assert!(
                (v + margin - expected).abs() < 1e-9,
                "{w:?}: {stock:?} {v} vs {expected}"
            );
            // And the relaxation's minimum is below it.
            assert!(o.price(&w).1 <= expected + 1e-9, "{w:?}");
        }
    }

    #[test]
    fn exact_pricing_gives_up_past_its_budget() {
        let o = options();
        let mut cache = OnTimeCache::default();
        assert!(o.price_exact(&[200.0, 150.0], 3, &[], &mut cache).is_none());
    }
}
