//! The pricing of the bound: each part's stock vector minimising `cost - sum_k w_k ontime_k`
//! for given class weights, by the relaxation (enumeration over the fill bounds) or by the
//! service model itself (see the parent module's docs).

use rustc_hash::FxHashMap;

use crate::stock::service::{evaluate, evaluate_from, PartNetwork};

/// The service model's on-time of each candidate set, per stock vector, for one part.
pub(super) type OnTimeCache = FxHashMap<Vec<u32>, Vec<f64>>;

/// Candidate vectors an exact pricing may hold at most.
const MAX_CANDIDATES: usize = 20_000;

/// The exact pricing's outcome.
pub(super) struct Priced {
    /// The best vector evaluated.
    pub(super) stock: Vec<u32>,
    /// A lower bound on the part's minimum: the model's minimum less a margin when `complete`.
    pub(super) value: f64,
    /// Whether every candidate that could be best was evaluated.
    pub(super) complete: bool,
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

    /// The stock vector minimising `cost - sum_k w_k ontime_k` under the service model itself.
    ///
    /// Every vector whose cost is below the best known value plus the total weight is a
    /// candidate (no other can be best, as on-time is at most 1); those whose relaxed value (a
    /// lower bound on the model's) cannot beat the best known are dropped, and the rest are
    /// evaluated in increasing order of relaxed value, at most `limit` new evaluations (`cache`
    /// holds the candidate sets' on-time of vectors seen before), until the next relaxed value
    /// cannot beat the best. When the budget runs out first, the value returned is the smaller
    /// of the best evaluated and the next relaxed value: still a lower bound on the minimum.
    /// `None` when the part has free stock (cost bounds no level) or more than
    /// [`MAX_CANDIDATES`] candidates.
    pub(super) fn price_exact(
        &self,
        w: &[f64],
        limit: usize,
        known: &[Vec<u32>],
        cache: &mut OnTimeCache,
    ) -> Option<Priced> {
        if self.unit_cost.iter().any(|&c| c <= 0.0) {
            return None;
        }
        let nd = self.unit_cost.len();
        let total_w: f64 = w.iter().sum();
        let model_value = |stock: &[u32], on_time: &[f64]| {
            self.cost(stock) - on_time.iter().zip(w).map(|(o, w)| o * w).sum::<f64>()
        };
        // The best of the vectors already evaluated starts the search (no stock is worth 0).
        let mut best = (vec![0u32; nd], 0.0);
        for v in known {
            if let Some(on_time) = cache.get(v) {
                let value = model_value(v, on_time);
                if value < best.1 {
                    best = (v.clone(), value);
                }
            }
        }
        let mut candidates = Vec::new();
        let mut stock = vec![0u32; nd];
        let miss = vec![1.0; self.classes.len()];
        if !self.candidates(
            0,
            0.0,
            &miss,
            &mut stock,
            w,
            total_w,
            best.1,
            &mut candidates,
        ) {
            return None;
        }
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let mut left = limit;
        let mut fill = vec![1.0; nd];
        let mut next = None;
        for (relaxed, stock) in candidates {
            if relaxed >= best.1 {
                break;
            }
            let on_time = match cache.get(&stock) {
                Some(on_time) => on_time.clone(),
                None if left == 0 => {
                    next = Some(relaxed);
                    break;
                }
                None => {
                    left -= 1;
                    let f = evaluate_from(&self.net, &stock, Some(&fill)).fill_rate;
                    let on_time = self.sets_on_time(|d| f[d]);
                    fill = f;
                    cache.insert(stock.clone(), on_time.clone());
                    on_time
                }
            };
            let value = model_value(&stock, &on_time);
            if value < best.1 {
                best = (stock, value);
            }
        }
        // The service model's fixed point is solved to 1e-11 in each fill rate: a margin keeps
        // the minimum below the exact one.
        let exact = best.1 - 1e-9 * total_w.max(1.0);
        Some(Priced {
            stock: best.0,
            value: next.map_or(exact, |r| exact.min(r)),
            complete: next.is_none(),
        })
    }

    /// Collects `(relaxed value, vector)` of every vector that could beat `best`, depth-first
    /// over the depots (`miss`: the relaxed product of `1 - fill` of each class over the depots
    /// set so far); false when there are more than [`MAX_CANDIDATES`].
    #[allow(clippy::too_many_arguments)]
    fn candidates(
        &self,
        i: usize,
        cost: f64,
        miss: &[f64],
        stock: &mut [u32],
        w: &[f64],
        total_w: f64,
        best: f64,
        out: &mut Vec<(f64, Vec<u32>)>,
    ) -> bool {
        let nd = self.unit_cost.len();
        if i == nd {
            let relaxed = cost - miss.iter().zip(w).map(|(m, w)| (1.0 - m) * w).sum::<f64>();
            if relaxed < best {
                if out.len() == MAX_CANDIDATES {
                    return false;
                }
                out.push((relaxed, stock.to_vec()));
            }
            return true;
        }
        let d = self.order[i];
        let mut next = miss.to_vec();
        let mut s = 0u32;
        loop {
            let c = cost + f64::from(s) * self.unit_cost[d];
            if c - total_w >= best {
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
            if !self.candidates(i + 1, c, &next, stock, w, total_w, best, out) {
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
            // As in the bound, a column known before (the relaxation's minimiser) starts it.
            let start = vec![o.price(&w).0];
            let mut cache = OnTimeCache::default();
            o.cache_columns(&start, &mut cache);
            let priced = o
                .price_exact(&w, 1_000_000, &start, &mut cache)
                .expect("few candidates");
            assert!(priced.complete, "{w:?}");
            let (stock, v) = (priced.stock, priced.value);
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
    fn past_its_budget_exact_pricing_still_bounds_the_minimum() {
        let o = options();
        let w = [200.0, 150.0];
        let expected = brute_force(&o, &w, 25);
        let relaxed = o.price(&w).1;
        let start = vec![o.price(&w).0];
        let mut cache = OnTimeCache::default();
        o.cache_columns(&start, &mut cache);
        let priced = o
            .price_exact(&w, 3, &start, &mut cache)
            .expect("few candidates");
        assert!(!priced.complete);
        assert_eq!(cache.len(), 1 + 3);
        // Between the relaxation's minimum and the model's.
        assert!(
            priced.value <= expected + 1e-9,
            "{} vs {expected}",
            priced.value
        );
        assert!(
            priced.value >= relaxed - 1e-9,
            "{} vs {relaxed}",
            priced.value
        );
    }
}
