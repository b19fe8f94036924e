//! The pricing of the bound: each part's stock vector minimising `cost - sum_k w_k ontime_k`
//! for given class weights, by the relaxation (enumeration over the fill bounds) or by the
//! service model itself (see the parent module's docs).

use rustc_hash::FxHashMap;

use crate::stock::service::{evaluate, evaluate_from, PartNetwork};

mod boxes;

/// The service model's on-time of each candidate set, per stock vector, for one part.
pub(super) type OnTimeCache = FxHashMap<Vec<u32>, Vec<f64>>;

/// Stock vectors the relaxed pricing of one part enumerates at most before it falls back to the
/// separable bound.
pub(super) const MAX_LEAVES: usize = 200_000;

/// Candidate vectors an exact pricing may hold at most.
const MAX_CANDIDATES: usize = 50_000;

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
    /// Requests a year each depot can fill at most, by its level ([`super::capacity_bound`]).
    pub(super) capacity: Vec<Vec<f64>>,
    /// Requests a year of each candidate set's classes.
    pub(super) set_rate: Vec<f64>,
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

    /// The most requests a year depot `d` can fill at level `s`.
    fn cap(&self, d: usize, s: u32) -> f64 {
        let c = &self.capacity[d];
        c[(s as usize).min(c.len() - 1)]
    }

    /// The relaxed weights of one pricing: the classes in decreasing weight per request, for the
    /// capacity knapsack of [`Weights::value`].
    fn weights<'a>(&'a self, w: &'a [f64]) -> Weights<'a> {
        let mut order: Vec<usize> = (0..w.len()).collect();
        let per = |k: usize| {
            if self.set_rate[k] > 0.0 {
                w[k] / self.set_rate[k]
            } else {
                f64::INFINITY
            }
        };
        order.sort_by(|&a, &b| per(b).total_cmp(&per(a)).then(a.cmp(&b)));
        Weights {
            w,
            rate: &self.set_rate,
            order,
        }
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

    /// The first columns of the master programme: the plan (which keeps the master feasible and
    /// is never dropped), its neighbours one unit up or down at one depot (they give the first
    /// duals the plan's marginal trade-offs), and every depot at its top level (on time
    /// everywhere: the far end of the trade-off).
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
        let model_value = |stock: &[u32], on_time: &[f64]| self.model_value(w, stock, on_time);
        // The best of the vectors already evaluated starts the search (no stock is worth 0).
        let mut best = self.best_known(w, known, cache);
        let mut found = Candidates {
            w: self.weights(w),
            best: best.1,
            out: Vec::new(),
        };
        if !self.walk(w, false, &mut found) {
            return None;
        }
        let mut candidates = found.out;
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let mut left = limit;
        let mut fill = vec![1.0; nd];
        let mut next = None;
        for (relaxed, stock) in candidates {
            if relaxed >= best.1 {
                break;
            }
            let value = match cache.get(&stock) {
                Some(on_time) => model_value(&stock, on_time),
                None if left == 0 => {
                    next = Some(relaxed);
                    break;
                }
                None => {
                    left -= 1;
                    let f = evaluate_from(&self.net, &stock, Some(&fill)).fill_rate;
                    let on_time = self.sets_on_time(|d| f[d]);
                    fill = f;
                    let value = model_value(&stock, &on_time);
                    cache.insert(stock.clone(), on_time);
                    value
                }
            };
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

    /// `cost - sum_k w_k ontime_k` of `stock` from its classes' on-time.
    fn model_value(&self, w: &[f64], stock: &[u32], on_time: &[f64]) -> f64 {
        self.cost(stock) - on_time.iter().zip(w).map(|(o, w)| o * w).sum::<f64>()
    }

    /// The best of the `known` vectors whose on-time `cache` holds, or no stock (worth 0).
    fn best_known(&self, w: &[f64], known: &[Vec<u32>], cache: &OnTimeCache) -> (Vec<u32>, f64) {
        let mut best = (vec![0u32; self.unit_cost.len()], 0.0);
        for v in known {
            if let Some(on_time) = cache.get(v) {
                let value = self.model_value(w, v, on_time);
                if value < best.1 {
                    best = (v.clone(), value);
                }
            }
        }
        best
    }

    /// Relaxed on-time of each class.
    fn on_time(&self, stock: &[u32]) -> Vec<f64> {
        self.sets_on_time(|d| self.fill(d, stock))
    }

    /// The stock vector minimising `cost - sum_k w_k ontime_k` under the relaxation, that
    /// minimum, and the number of vectors evaluated. When the enumeration would visit more than
    /// [`MAX_LEAVES`] vectors (many stocking locations), the separable bound
    /// ([`PartOptions::price_separable`]) instead, with `usize::MAX` vectors.
    pub(super) fn price(&self, w: &[f64]) -> (Vec<u32>, f64, usize) {
        let nd = self.unit_cost.len();
        let mut least = Least {
            w: self.weights(w),
            best: (vec![0u32; nd], self.value(&vec![0u32; nd], w)),
            leaves: 0,
        };
        if !self.walk(w, true, &mut least) {
            let (stock, value) = self.price_separable(w);
            return (stock, value, usize::MAX);
        }
        (least.best.0, least.best.1, least.leaves)
    }

    /// A lower bound on the relaxed minimum that is separable by depot: a class's on-time is at
    /// most 1 and at most the sum of its candidates' fill bounds (the union bound), so
    /// `cost - sum_k w_k ontime_k >= max(sum_d min_s [c_d s - fill_d(s) W_d], -sum_k w_k)`
    /// with `W_d` the weight of the classes depot `d` serves and `fill_d` its fill bound at the
    /// most favourable parent level. Returns each depot's minimiser and the bound.
    pub(super) fn price_separable(&self, w: &[f64]) -> (Vec<u32>, f64) {
        let nd = self.unit_cost.len();
        let total_w: f64 = w.iter().sum();
        let mut weight = vec![0.0; nd];
        for (k, class) in self.classes.iter().enumerate() {
            for &d in class {
                weight[d] += w[k];
            }
        }
        let mut stock = vec![0u32; nd];
        let mut value = 0.0;
        for d in 0..nd {
            let rows = &self.fills[d];
            let levels = rows.iter().map(Vec::len).max().unwrap_or(1);
            let fill = |s: usize| {
                rows.iter()
                    .map(|r| r[s.min(r.len() - 1)])
                    .fold(0.0f64, f64::max)
            };
            let (mut best_s, mut best) = (0usize, 0.0f64);
            for s in 1..levels {
                let v = self.unit_cost[d] * s as f64 - fill(s) * weight[d];
                if v < best {
                    (best_s, best) = (s, v);
                }
                // More stock costs more and adds at most the whole weight.
                if self.unit_cost[d] * s as f64 - weight[d] >= best {
                    break;
                }
            }
            stock[d] = best_s as u32;
            value += best;
        }
        (stock, value.max(-total_w))
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

    /// Visits stock vectors depth-first over the depots (parents first), keeping the relaxed
    /// product of `1 - fill` of each class over the depots set so far, so that each vector's
    /// relaxed value costs one pass over the classes. A depot's levels stop where even on time
    /// everywhere the value could not reach the visitor's limit (more stock only costs more) and,
    /// when `capped`, at the top of the relaxation's table (beyond it the fill rate no longer
    /// rises). Returns false when the visitor stopped the walk.
    fn walk(&self, w: &[f64], capped: bool, visitor: &mut impl Visitor) -> bool {
        let nd = self.unit_cost.len();
        let total_w: f64 = w.iter().sum();
        let mut stock = vec![0u32; nd];
        let miss = vec![1.0; self.classes.len()];
        self.walk_from(0, 0.0, 0.0, &miss, &mut stock, total_w, capped, visitor)
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_from(
        &self,
        i: usize,
        cost: f64,
        cap: f64,
        miss: &[f64],
        stock: &mut [u32],
        total_w: f64,
        capped: bool,
        visitor: &mut impl Visitor,
    ) -> bool {
        if i == self.unit_cost.len() {
            return visitor.leaf(cost, cap, miss, stock);
        }
        let d = self.order[i];
        let top = if capped {
            self.row(d, stock).len() as u32 - 1
        } else {
            u32::MAX
        };
        let mut next = miss.to_vec();
        for s in 0..=top {
            let c = cost + f64::from(s) * self.unit_cost[d];
            if c - total_w >= visitor.limit() {
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
            let cap = cap + self.cap(d, s);
            if !self.walk_from(i + 1, c, cap, &next, stock, total_w, capped, visitor) {
                stock[d] = 0;
                return false;
            }
        }
        stock[d] = 0;
        true
    }
}

/// What [`PartOptions::walk`] does at each vector.
trait Visitor {
    /// A vector whose cost less the total weight reaches this cannot matter.
    fn limit(&self) -> f64;
    /// Takes a vector, its cost, its depots' capacity and its classes' relaxed miss products;
    /// false stops the walk.
    fn leaf(&mut self, cost: f64, cap: f64, miss: &[f64], stock: &[u32]) -> bool;
}

/// The class weights of one pricing, with the classes in decreasing weight per request.
struct Weights<'a> {
    w: &'a [f64],
    rate: &'a [f64],
    order: Vec<usize>,
}

impl Weights<'_> {
    /// The relaxation's value of a vector: its cost less the most weighted on-time its classes
    /// can have, each at most its relaxed on-time `1 - miss` and all of them together filling at
    /// most `cap` requests a year (a fractional knapsack, best weight per request first).
    fn value(&self, cost: f64, cap: f64, miss: &[f64]) -> f64 {
        let mut left = cap;
        let mut gain = 0.0;
        for &k in &self.order {
            let most = 1.0 - miss[k];
            if most <= 0.0 {
                continue;
            }
            let r = self.rate[k];
            let y = if r > 0.0 { most.min(left / r) } else { most };
            if y <= 0.0 {
                break;
            }
            gain += y * self.w[k];
            left -= y * r;
        }
        cost - gain
    }
}

/// The relaxed minimum.
struct Least<'a> {
    w: Weights<'a>,
    best: (Vec<u32>, f64),
    leaves: usize,
}

impl Visitor for Least<'_> {
    fn limit(&self) -> f64 {
        self.best.1
    }

    fn leaf(&mut self, cost: f64, cap: f64, miss: &[f64], stock: &[u32]) -> bool {
        self.leaves += 1;
        let v = self.w.value(cost, cap, miss);
        if v < self.best.1 {
            self.best = (stock.to_vec(), v);
        }
        self.leaves <= MAX_LEAVES
    }
}

/// Every vector whose relaxed value is below `best`, with that value; at most
/// [`MAX_CANDIDATES`].
struct Candidates<'a> {
    w: Weights<'a>,
    best: f64,
    out: Vec<(f64, Vec<u32>)>,
}

impl Visitor for Candidates<'_> {
    fn limit(&self) -> f64 {
        self.best
    }

    fn leaf(&mut self, cost: f64, cap: f64, miss: &[f64], stock: &[u32]) -> bool {
        let v = self.w.value(cost, cap, miss);
        if v < self.best {
            if self.out.len() == MAX_CANDIDATES {
                return false;
            }
            self.out.push((v, stock.to_vec()));
        }
        true
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
            depots: depots.clone().into(),
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
            depots: depots.clone().into(),
            groups: vec![],
            parts: vec![crate::stock::input::PartInput {
                part: crate::model::PartId::from_index(0),
                group: 0,
                usage: vec![],
                network: net.clone(),
            }],
            models: 0,
            units: vec![],
            service_targets: vec![],
            hours: vec![],
        };
        let fills = fill_bound(&input, 0);
        let levels: Vec<usize> = fills
            .iter()
            .map(|rows| rows.iter().map(Vec::len).max().unwrap_or(1))
            .collect();
        PartOptions {
            capacity: crate::stock::bound::capacity_bound(&input, 0, &levels),
            set_rate: net.hospitals.iter().map(|h| h.rate).collect(),
            fills,
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
    fn branch_and_bound_over_boxes_is_the_brute_force_minimum_of_the_model() {
        let o = options();
        assert!(o.is_star());
        for w in [
            [5.0, 3.0],
            [40.0, 10.0],
            [200.0, 150.0],
            [0.5, 0.1],
            [900.0, 20.0],
        ] {
            let expected = brute_force(&o, &w, 25);
            let mut cache = OnTimeCache::default();
            let priced = o
                .price_boxes(&w, 1_000_000, &[], &mut cache)
                .expect("a star");
            assert!(priced.complete, "{w:?}");
            let margin = 1e-9 * (w[0] + w[1]).max(1.0);
            assert!(
                (priced.value + margin - expected).abs() < 1e-9,
                "{w:?}: {:?} {} vs {expected}",
                priced.stock,
                priced.value
            );
            // Its vector has that value in the model.
            let fill = evaluate(&o.net, &priced.stock).fill_rate;
            let on_time: f64 = o
                .sets_on_time(|d| fill[d])
                .iter()
                .zip(&w)
                .map(|(t, w)| t * w)
                .sum();
            assert!((o.cost(&priced.stock) - on_time - expected).abs() < 1e-7);
            // Stopped early, its value is still below the minimum, from no more evaluations
            // than it was allowed.
            for limit in [0, 1, 5, 20] {
                let mut cache = OnTimeCache::default();
                let early = o.price_boxes(&w, limit, &[], &mut cache).expect("a star");
                assert!(early.value <= expected + 1e-9, "{w:?} {limit}");
                assert!(cache.len() <= limit);
            }
        }
    }

    #[test]
    fn branch_and_bound_over_boxes_is_kept_to_stars() {
        let mut o = options();
        o.parent = vec![None, Some(0), Some(1)];
        assert!(!o.is_star());
        let mut cache = OnTimeCache::default();
        assert!(o.price_boxes(&[5.0, 3.0], 100, &[], &mut cache).is_none());
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
