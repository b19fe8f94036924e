//! Branch and bound over boxes of stock vectors: a star network's part priced under the
//! service model itself (see [`PartOptions::price_boxes`]).

use super::{OnTimeCache, PartOptions, Priced};
use crate::stock::service::evaluate_from;

impl PartOptions {
    /// Whether every depot below the root is the root's child: where the service model's fill
    /// rates rise with every stocked depot's level (a property the tests check on random stars;
    /// one level deeper a forward depot's stock loads its parent and they need not).
    pub(in crate::stock::bound) fn is_star(&self) -> bool {
        self.parent
            .iter()
            .all(|p| p.is_none_or(|q| self.parent[q].is_none()))
    }

    /// The stock vector minimising `cost - sum_k w_k ontime_k` under the service model, by
    /// branch and bound over boxes of stock vectors, for a star ([`Self::is_star`]).
    ///
    /// A box holds every vector between `lo` and `hi`, with the same depots stocked (a depot
    /// going from no stock to some changes the requests' paths, so the search starts from one
    /// box per set of stocked depots). Within a box the model's on-time is highest at `hi`, so
    /// `cost(lo) - sum_k w_k ontime_k(hi)` bounds every vector in it from below; boxes are
    /// opened lowest bound first, split in half along the depot of the widest cost span, and
    /// every `hi` evaluated is a candidate for the best. A box waits unevaluated, at its
    /// parent's bound, until it is opened. The search ends when no open box can beat the best
    /// (complete), or when it needs more than `limit` new evaluations: the value returned is
    /// then the least bound of the open boxes, still a lower bound on the minimum. `None` for
    /// a part with free stock, a network that is not a star or one with more than
    /// [`MAX_BOX_DEPOTS`] depots.
    pub(in crate::stock::bound) fn price_boxes(
        &self,
        w: &[f64],
        limit: usize,
        known: &[Vec<u32>],
        cache: &mut OnTimeCache,
    ) -> Option<Priced> {
        let nd = self.unit_cost.len();
        if !self.is_star() || nd > MAX_BOX_DEPOTS || self.unit_cost.iter().any(|&c| c <= 0.0) {
            return None;
        }
        let total_w: f64 = w.iter().sum();
        let gain = |on_time: &[f64]| -self.model_value(w, &[], on_time);
        // No stock is worth 0; the vectors evaluated before may be better.
        let mut best = self.best_known(w, known, cache);
        // No level whose cost alone, less the whole weight, reaches the best can be in the best.
        let top: Vec<u32> = self
            .unit_cost
            .iter()
            .map(|&c| {
                let most = (best.1 + total_w) / c;
                if most <= 0.0 {
                    0
                } else {
                    (most.ceil() as u32).saturating_sub(1)
                }
            })
            .collect();
        let mut open = std::collections::BinaryHeap::new();
        for mask in 1u32..(1 << nd) {
            let stocked = |d: usize| mask & (1 << d) != 0;
            if (0..nd).any(|d| stocked(d) && top[d] == 0) {
                continue;
            }
            let lo: Vec<u32> = (0..nd).map(|d| u32::from(stocked(d))).collect();
            let hi: Vec<u32> = (0..nd)
                .map(|d| if stocked(d) { top[d] } else { 0 })
                .collect();
            open.push(Boxed::new(self.cost(&lo) - total_w, lo, hi, false));
        }
        let margin = 1e-9 * total_w.max(1.0);
        let mut left = limit;
        let mut fill = vec![1.0; nd];
        let mut complete = true;
        let mut floor = best.1;
        while let Some(b) = open.pop() {
            if b.bound >= best.1 - margin {
                break;
            }
            // Every vector of the box gains at most `gain_most`, so at a depot no level whose
            // cost with the rest at `lo` less that gain reaches the best can beat it: `hi`
            // shrinks to the levels that can (and is evaluated again where it does).
            let gain_most = self.cost(&b.lo) - b.bound;
            let room = best.1 + gain_most - self.cost(&b.lo);
            let mut hi = b.hi.clone();
            for d in 0..nd {
                let most = f64::from(b.lo[d]) + room / self.unit_cost[d];
                // `room` is positive here (the box's bound is below the best), so is `most`.
                hi[d] = hi[d].min((most + 1e-9).floor() as u32);
            }
            if hi != b.hi {
                open.push(Boxed::new(b.bound, b.lo, hi, false));
                continue;
            }
            if !b.evaluated {
                let on_time = match cache.get(&b.hi) {
                    Some(on_time) => on_time.clone(),
                    None if left == 0 => {
                        complete = false;
                        floor = b.bound;
                        break;
                    }
                    None => {
                        left -= 1;
                        let f = evaluate_from(&self.net, &b.hi, Some(&fill)).fill_rate;
                        let on_time = self.sets_on_time(|d| f[d]);
                        fill = f;
                        cache.insert(b.hi.clone(), on_time.clone());
                        on_time
                    }
                };
                let g = gain(&on_time);
                let at_hi = self.cost(&b.hi) - g;
                if at_hi < best.1 {
                    best = (b.hi.clone(), at_hi);
                }
                let bound = b.bound.max(self.cost(&b.lo) - g);
                open.push(Boxed::new(bound, b.lo, b.hi, true));
                continue;
            }
            // The depot of the widest cost span splits the box.
            let Some(d) = (0..nd).filter(|&d| b.hi[d] > b.lo[d]).max_by(|&x, &y| {
                let span = |d: usize| f64::from(b.hi[d] - b.lo[d]) * self.unit_cost[d];
                span(x).total_cmp(&span(y)).then(y.cmp(&x))
            }) else {
                // A single vector: its value is known.
                continue;
            };
            let mid = b.lo[d] + (b.hi[d] - b.lo[d]) / 2;
            let mut low_hi = b.hi.clone();
            low_hi[d] = mid;
            let mut high_lo = b.lo.clone();
            high_lo[d] = mid + 1;
            // The upper half keeps the box's `hi` and so its on-time bound.
            let upper = b.bound + f64::from(mid + 1 - b.lo[d]) * self.unit_cost[d];
            open.push(Boxed::new(upper, high_lo, b.hi, true));
            open.push(Boxed::new(b.bound, b.lo, low_hi, false));
        }
        if complete {
            floor = best.1;
        }
        Some(Priced {
            stock: best.0,
            value: floor.min(best.1) - margin,
            complete,
        })
    }
}

/// Depots a network may have at most for [`PartOptions::price_boxes`] (one starting box per
/// set of stocked depots).
const MAX_BOX_DEPOTS: usize = 10;

/// A box of stock vectors for [`PartOptions::price_boxes`], ordered lowest bound first.
struct Boxed {
    bound: f64,
    lo: Vec<u32>,
    hi: Vec<u32>,
    /// Whether `bound` uses the model's on-time at `hi` (else it is the parent box's).
    evaluated: bool,
}

impl Boxed {
    fn new(bound: f64, lo: Vec<u32>, hi: Vec<u32>, evaluated: bool) -> Boxed {
        Boxed {
            bound,
            lo,
            hi,
            evaluated,
        }
    }
}

impl PartialEq for Boxed {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Boxed {}

impl PartialOrd for Boxed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Boxed {
    /// Reversed, so that the heap pops the lowest bound; ties by the vectors, so that the
    /// search is the same on every run.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .bound
            .total_cmp(&self.bound)
            .then_with(|| other.lo.cmp(&self.lo))
            .then_with(|| other.hi.cmp(&self.hi))
    }
}
