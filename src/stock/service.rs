//! The analytic service model of one part: given base-stock levels at every depot, the
//! probability that each hospital's request is filled within the part's deadline.
//!
//! The policy (model.md): a request at a hospital is filled from the fastest depot within the
//! deadline that has stock on hand (its candidates, fastest first); if none has stock it waits at
//! the hospital's primary (fastest) depot and is late. Every unit shipped, and every backorder, is
//! reordered one for one from the depot's parent; the central depot reorders from the factory.
//!
//! Approximations, named because the simulator measures them:
//! - depots are treated as independent: a request finds stock at a depot with that depot's
//!   steady-state fill rate `P(X <= S - 1)`, whatever happened at the depots tried before it;
//! - the pipeline of a depot carries the requests it fills plus the backorders it takes, found by
//!   a fixed point (fill rates set the flows, flows set the pipelines). Requests that try a depot
//!   and find it empty go on to the next candidate: they are lost to it, and only the requests
//!   that wait there (its hospitals that found every candidate empty, its children's orders)
//!   join its pipeline while it is empty. Its outstanding orders are then the birth-death
//!   process of [`partial_loss`] (Erlang's loss system when nothing waits, the Poisson pipeline
//!   when everything does), exact for exponential lead times; treating lost requests as
//!   backorders made the model optimistic by up to 6 points on data/china's pooled stock;
//! - a depot's replenishment time is its lead time plus the mean delay at its parent,
//!   `EBO_parent / demand_parent` (METRIC); a depot where every unfilled request waits keeps
//!   Graves' variance correction fitted by a negative binomial; the central depot's pipeline is
//!   Poisson (exact: every request's order climbs to it).
//!
//! Each evaluation first merges the demand entries the policy cannot tell apart at this stock:
//! the same candidates with stock (a depot without stock fills nothing and changes no flow),
//! in the same order, and the same primary depot. With many stocking locations of which few
//! hold a part, hundreds of entries become a handful.
//!
//! Deliberately absent: optimisation (the optimiser calls this), and transport capacity.

use std::sync::Arc;

use super::dist::{backorders_with_variance, fill_rate, partial_loss, pipeline_of, Pmf};

/// A depot as one part sees it.
#[derive(Clone, Debug)]
pub struct DepotSpec {
    /// Index of the parent depot; `None` for the central depot.
    pub parent: Option<usize>,
    /// Replenishment lead time from the parent (or the factory), in years.
    pub lead_years: f64,
}

/// A hospital's demand for one part.
#[derive(Clone, Debug)]
pub struct HospitalDemand {
    /// Requests per year.
    pub rate: f64,
    /// Depots within the part's deadline, fastest first.
    pub candidates: Vec<usize>,
    /// The fastest depot overall, where a request waits when no candidate has stock.
    pub primary: usize,
}

/// One part's network.
#[derive(Clone, Debug)]
pub struct PartNetwork {
    /// The depots, shared by every part of a planning input (one copy of each network fact).
    pub depots: Arc<[DepotSpec]>,
    pub hospitals: Vec<HospitalDemand>,
}

/// The service a stock vector gives.
#[derive(Clone, Debug)]
pub struct PartService {
    /// Fill rate of each depot.
    pub fill_rate: Vec<f64>,
    /// Replenishment orders per year each depot places (requests filled plus backorders taken).
    pub flow: Vec<f64>,
    /// Requests per year each depot fills within the deadline.
    pub filled: Vec<f64>,
    /// On-time probability of each hospital.
    pub on_time: Vec<f64>,
}

const MAX_ITERATIONS: usize = 2000;
const TOLERANCE: f64 = 1e-11;

/// Evaluates the service of `stock` (one base-stock level per depot).
pub fn evaluate(net: &PartNetwork, stock: &[u32]) -> PartService {
    evaluate_from(net, stock, None)
}

/// [`evaluate`], starting the fixed point from `start` fill rates (those of a nearby stock
/// vector converge in a few steps) instead of from full fill rates.
pub fn evaluate_from(net: &PartNetwork, stock: &[u32], start: Option<&[f64]>) -> PartService {
    let n = net.depots.len();
    assert_eq!(stock.len(), n, "one stock level per depot");
    let order = parents_first(&net.depots);
    let roots = RootPipelines::new(net, stock);
    let mut has_children = vec![false; n];
    for c in net.depots.iter() {
        if let Some(p) = c.parent {
            has_children[p] = true;
        }
    }
    let cells = Cells::new(net, stock);
    let mut fill = start.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
    // A depot without stock fills nothing, whatever its pipeline.
    for (f, &s) in fill.iter_mut().zip(stock) {
        if s == 0 {
            *f = 0.0;
        }
    }
    let mut flow = vec![0.0; n];
    // The map from fill rates to fill rates is decreasing (a depot that fills more attracts more
    // orders and a longer pipeline), so the plain iteration can oscillate between two states.
    // Each depot's fill rate instead takes a secant step on its own residual `G(f) - f` (which
    // falls with slope below -1), with a half step where no secant is available or it points
    // the wrong way, kept within [0, 1]; once two iterates are known, Anderson's mixing of the
    // last few replaces those steps (the depots are coupled: 61 steps an evaluation on
    // data/china's plan fell to 10), and its history restarts when a residual more than
    // doubles.
    let mut previous: Option<(Vec<f64>, Vec<f64>)> = None;
    // The last iterates: fill rates and their residuals; and the largest residual of the last.
    let mut history: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
    let mut last_norm = f64::INFINITY;
    let mut restarts = 0;
    let (mut least, mut since_least) = (f64::INFINITY, 0);
    for _ in 0..MAX_ITERATIONS {
        // Flows from the fill rates.
        let mut new_flow = vec![0.0; n];
        // Per depot: requests that try it (accepted while it has stock), and requests that wait
        // there when it has none (given that it has none).
        let mut attempts = vec![0.0; n];
        let mut waiting = vec![0.0; n];
        for c in 0..cells.rate.len() {
            let rate = cells.rate[c];
            let primary = cells.primary[c];
            let mut reach = 1.0;
            let mut primary_tried = false;
            for &d in cells.candidates(c) {
                attempts[d] += rate * reach;
                new_flow[d] += rate * reach * fill[d];
                reach *= 1.0 - fill[d];
                primary_tried |= d == primary;
            }
            new_flow[primary] += rate * reach;
            if primary_tried {
                let out = 1.0 - fill[primary];
                if out > 1e-12 {
                    waiting[primary] += rate * reach / out;
                }
            } else {
                // Never tries its primary: waits there whatever the primary holds.
                attempts[primary] += rate * reach;
                waiting[primary] += rate * reach;
            }
        }
        // Demand on each depot from its children's replenishment orders.
        let mut total = new_flow.clone();
        for &d in order.iter().rev() {
            if let Some(p) = net.depots[d].parent {
                total[p] += total[d];
            }
        }
        for (d, fixed) in roots.fixed.iter().enumerate() {
            if let Some(f) = fixed {
                total[d] = f.total;
            }
        }
        // Pipelines, parents first, and the fill rates they give; each depot with children
        // passes on its expected backorders and their variance.
        let mut backorders = vec![(0.0, 0.0); n];
        let mut new_fill = vec![1.0; n];
        for &d in &order {
            let spec = &net.depots[d];
            match spec.parent {
                None => match &roots.fixed[d] {
                    Some(f) => {
                        new_fill[d] = f.fill;
                        backorders[d] = f.backorders;
                    }
                    None => {
                        let pmf = Pmf::poisson(total[d] * spec.lead_years);
                        new_fill[d] = pmf.fill_rate(stock[d]);
                        backorders[d] = backorders_of(&pmf, stock[d]);
                    }
                },
                Some(p) => {
                    // Requests find stock here only while it has some; child orders and
                    // requests that wait here come whatever it holds (see `partial_loss`). The
                    // lead time is the own resupply plus the parent's METRIC delay.
                    let (ebo, var) = backorders[p];
                    if stock[d] == 0 && !has_children[d] {
                        // Nothing on hand ever, and nobody below it: it fills nothing.
                        new_fill[d] = 0.0;
                    } else if cells.all_wait[d] {
                        // Every request that finds no stock here waits here: METRIC with
                        // Graves' variance correction.
                        let pipe = pipeline_of(total[d], spec.lead_years, total[p], ebo, var, true);
                        new_fill[d] = fill_rate(pipe.mean, pipe.variance, stock[d]);
                        if has_children[d] {
                            backorders[d] =
                                backorders_with_variance(pipe.mean, pipe.variance, stock[d]);
                        }
                    } else {
                        let delay = if total[p] > 0.0 { ebo / total[p] } else { 0.0 };
                        let lead = spec.lead_years + delay;
                        let children = (total[d] - new_flow[d]).max(0.0);
                        let (f, b, v) = partial_loss(
                            stock[d],
                            (attempts[d] + children) * lead,
                            (waiting[d] + children) * lead,
                        );
                        new_fill[d] = f;
                        if has_children[d] {
                            backorders[d] = (b, v);
                        }
                    }
                }
            }
        }
        let change = new_fill
            .iter()
            .zip(&fill)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        flow = new_flow;
        if change < TOLERANCE {
            fill = new_fill;
            break;
        }
        let residual: Vec<f64> = new_fill.iter().zip(&fill).map(|(g, f)| g - f).collect();
        let mut next = fill.clone();
        for d in 0..n {
            let half = fill[d] + 0.5 * residual[d];
            next[d] = match &previous {
                Some((pf, pr)) => {
                    let (df, dr) = (fill[d] - pf[d], residual[d] - pr[d]);
                    if df.abs() > 1e-300 && dr / df < -1.0 + 1e-9 {
                        fill[d] - residual[d] * df / dr
                    } else {
                        half
                    }
                }
                None => half,
            }
            .clamp(0.0, 1.0);
        }
        // Anderson's mixing over the last iterates, where it has them and its step is sound:
        // the depots' fill rates are coupled (overflow, the parent's delay), which a step per
        // depot does not see.
        let norm = residual.iter().fold(0.0f64, |m, r| m.max(r.abs()));
        if norm > 2.0 * last_norm {
            history.clear();
            restarts += 1;
        }
        last_norm = norm;
        if norm < least {
            (least, since_least) = (norm, 0);
        } else {
            since_least += 1;
            if since_least > STALL_STEPS {
                restarts = MAX_RESTARTS + 1;
            }
        }
        // Mixing that keeps failing (it can cycle where the steps meet the bounds [0, 1]) or
        // stalls is given up for the depots' own steps, which converge.
        if restarts <= MAX_RESTARTS {
            history.push((fill.clone(), residual.clone()));
            if history.len() > ANDERSON_DEPTH + 1 {
                history.remove(0);
            }
            if let Some(step) = anderson_step(&history) {
                next = step;
            }
        }
        previous = Some((std::mem::replace(&mut fill, next), residual));
    }
    let mut filled = vec![0.0; n];
    let mut cell_on_time = Vec::with_capacity(cells.rate.len());
    for c in 0..cells.rate.len() {
        let rate = cells.rate[c];
        let mut reach = 1.0;
        for &d in cells.candidates(c) {
            filled[d] += rate * reach * fill[d];
            reach *= 1.0 - fill[d];
        }
        // No candidate with stock: the empty product is 1 and the hospital is never on time.
        cell_on_time.push(1.0 - reach);
    }
    let on_time = cells.of_hospital.iter().map(|&c| cell_on_time[c]).collect();
    PartService {
        fill_rate: fill,
        flow,
        filled,
        on_time,
    }
}

/// Iterates Anderson's mixing combines at most.
const ANDERSON_DEPTH: usize = 4;

/// Restarts of Anderson's mixing (a residual more than doubling) before an evaluation gives it
/// up.
const MAX_RESTARTS: usize = 2;

/// Steps without a new least residual after which an evaluation gives Anderson's mixing up.
const STALL_STEPS: usize = 8;

/// Anderson's step from the last iterates `(x, r)` (oldest first): the combination of the
/// last differences that least-squares cancels the newest residual, `x + r - (dX + dR) g`,
/// kept within [0, 1]; `None` with fewer than two iterates or a system too ill-conditioned.
fn anderson_step(history: &[(Vec<f64>, Vec<f64>)]) -> Option<Vec<f64>> {
    let m = history.len().checked_sub(1).filter(|&m| m > 0)?;
    let (x, r) = &history[m];
    // Consecutive differences of the iterates' fill rates (`dX`) or residuals (`dR`).
    let diffs = |residuals: bool| -> Vec<Vec<f64>> {
        let of = |i: usize| {
            if residuals {
                &history[i].1
            } else {
                &history[i].0
            }
        };
        (0..m)
            .map(|j| of(j + 1).iter().zip(of(j)).map(|(b, a)| b - a).collect())
            .collect()
    };
    let (dx, dr) = (diffs(false), diffs(true));
    let n = x.len();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>();
    // Normal equations, lightly regularised, by Gaussian elimination with partial pivoting.
    let mut a = vec![vec![0.0; m + 1]; m];
    let scale = (0..m).map(|i| dot(&dr[i], &dr[i])).fold(0.0f64, f64::max);
    if scale <= 0.0 || !scale.is_finite() {
        return None;
    }
    for i in 0..m {
        for j in 0..m {
            a[i][j] = dot(&dr[i], &dr[j]);
        }
        a[i][i] += 1e-10 * scale;
        a[i][m] = dot(&dr[i], r);
    }
    for c in 0..m {
        let p = (c..m).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        a.swap(c, p);
        if a[c][c].abs() <= 1e-14 * scale {
            return None;
        }
        for i in c + 1..m {
            let f = a[i][c] / a[c][c];
            for j in c..=m {
                a[i][j] -= f * a[c][j];
            }
        }
    }
    let mut g = vec![0.0; m];
    for c in (0..m).rev() {
        let tail: f64 = (c + 1..m).map(|j| a[c][j] * g[j]).sum();
        g[c] = (a[c][m] - tail) / a[c][c];
    }
    let step: Vec<f64> = (0..n)
        .map(|d| {
            let mix: f64 = (0..m).map(|j| g[j] * (dx[j][d] + dr[j][d])).sum();
            (x[d] + r[d] - mix).clamp(0.0, 1.0)
        })
        .collect();
    step.iter().all(|v| v.is_finite()).then_some(step)
}

/// The demand entries of one evaluation merged by what the policy sees of them: their candidates
/// with stock (in order; a depot without stock fills nothing, so it changes no flow and no
/// on-time) and their primary depot. With many stocking locations of which few hold a part,
/// hundreds of entries become a handful of cells.
struct Cells {
    rate: Vec<f64>,
    primary: Vec<usize>,
    /// Candidates with stock of each cell: `flat[start[c]..start[c + 1]]`.
    start: Vec<usize>,
    flat: Vec<usize>,
    /// The cell of each demand entry.
    of_hospital: Vec<usize>,
    /// Per depot: whether every request that tries it and finds it empty waits there (every
    /// cell that tries it has it as primary and as its last candidate with stock). Read from
    /// the cells, never from fill rates, so that the branch a depot's pipeline takes is the
    /// same for every stock vector with the same depots stocked: a branch chosen by comparing
    /// rates flipped when an earlier candidate's fill neared 1, and the fill rates jumped.
    all_wait: Vec<bool>,
}

impl Cells {
    fn new(net: &PartNetwork, stock: &[u32]) -> Cells {
        let entries = net.hospitals.len();
        let mut cells = Cells {
            rate: Vec::with_capacity(entries),
            primary: Vec::with_capacity(entries),
            start: Vec::with_capacity(entries + 1),
            flat: Vec::new(),
            of_hospital: Vec::with_capacity(entries),
            all_wait: vec![true; net.depots.len()],
        };
        cells.start.push(0);
        // Every candidate stocked: the entries are distinct already, one cell each.
        let all_stocked = net
            .hospitals
            .iter()
            .all(|h| h.candidates.iter().all(|&d| stock[d] > 0));
        // Otherwise entries are merged by a hash of (stocked candidates, primary); a collision
        // whose candidates differ makes a cell of its own (merging only saves work).
        let mut index: rustc_hash::FxHashMap<u64, usize> = rustc_hash::FxHashMap::default();
        for h in &net.hospitals {
            let from = cells.flat.len();
            cells
                .flat
                .extend(h.candidates.iter().copied().filter(|&d| stock[d] > 0));
            let found = if all_stocked {
                None
            } else {
                let mut hasher = rustc_hash::FxHasher::default();
                std::hash::Hash::hash(&cells.flat[from..], &mut hasher);
                std::hash::Hash::hash(&h.primary, &mut hasher);
                let key = std::hash::Hasher::finish(&hasher);
                match index.get(&key) {
                    Some(&c)
                        if cells.primary[c] == h.primary
                            && cells.flat[cells.start[c]..cells.start[c + 1]]
                                == cells.flat[from..] =>
                    {
                        Some(c)
                    }
                    Some(_) => None,
                    None => {
                        index.insert(key, cells.rate.len());
                        None
                    }
                }
            };
            let c = match found {
                Some(c) => {
                    cells.flat.truncate(from);
                    c
                }
                None => {
                    cells.start.push(cells.flat.len());
                    cells.rate.push(0.0);
                    cells.primary.push(h.primary);
                    cells.rate.len() - 1
                }
            };
            cells.rate[c] += h.rate;
            cells.of_hospital.push(c);
        }
        for c in 0..cells.rate.len() {
            let tried = &cells.flat[cells.start[c]..cells.start[c + 1]];
            for (i, &d) in tried.iter().enumerate() {
                if d != cells.primary[c] || i + 1 < tried.len() {
                    cells.all_wait[d] = false;
                }
            }
        }
        cells
    }

    fn candidates(&self, c: usize) -> &[usize] {
        &self.flat[self.start[c]..self.start[c + 1]]
    }
}

/// Expected backorders and their variance at base stock `s`.
fn backorders_of(pmf: &Pmf, s: u32) -> (f64, f64) {
    (pmf.expected_backorders(s), pmf.backorder_variance(s))
}

/// A root depot whose replenishment orders are every request of the part: each request is
/// filled or backordered at exactly one depot and every order climbs to the root, so when every
/// hospital's candidates and primary lie below the root its pipeline is `Poisson(sum of rates x
/// lead time)` whatever the fill rates, and is computed once per evaluation.
struct FixedRoot {
    total: f64,
    fill: f64,
    backorders: (f64, f64),
}

struct RootPipelines {
    fixed: Vec<Option<FixedRoot>>,
}

impl RootPipelines {
    fn new(net: &PartNetwork, stock: &[u32]) -> RootPipelines {
        let n = net.depots.len();
        let root_of = |mut d: usize| {
            while let Some(p) = net.depots[d].parent {
                d = p;
            }
            d
        };
        // The one root every hospital's depots lie under, if there is one. When every depot of
        // the network has the same root (a data set's tree always does) that is it, found in
        // one walk per depot; otherwise the hospitals' depots are walked.
        let mut only: Option<usize> = None;
        let mut single = true;
        let roots: Vec<usize> = (0..n).map(root_of).collect();
        if !roots.is_empty() && roots.iter().all(|&r| r == roots[0]) {
            only = (!net.hospitals.is_empty()).then_some(roots[0]);
        } else {
            for h in &net.hospitals {
                for &d in h.candidates.iter().chain(std::iter::once(&h.primary)) {
                    let r = roots[d];
                    match only {
                        None => only = Some(r),
                        Some(o) if o != r => single = false,
                        _ => {}
                    }
                }
            }
        }
        let mut fixed: Vec<Option<FixedRoot>> = (0..n).map(|_| None).collect();
        if let (true, Some(r)) = (single, only) {
            let total: f64 = net.hospitals.iter().map(|h| h.rate).sum();
            let pmf = Pmf::poisson(total * net.depots[r].lead_years);
            fixed[r] = Some(FixedRoot {
                total,
                fill: pmf.fill_rate(stock[r]),
                backorders: backorders_of(&pmf, stock[r]),
            });
        }
        RootPipelines { fixed }
    }
}

/// Depot indices with every parent before its children.
pub fn parents_first(depots: &[DepotSpec]) -> Vec<usize> {
    let n = depots.len();
    let depth = |mut d: usize| {
        let mut k = 0;
        while let Some(p) = depots[d].parent {
            d = p;
            k += 1;
            assert!(k <= n, "the depot tree has no cycle");
        }
        k
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&d| (depth(d), d));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_depot(rate: f64, lead_years: f64) -> PartNetwork {
        PartNetwork {
            depots: Arc::from(vec![DepotSpec {
                parent: None,
                lead_years,
            }]),
            hospitals: vec![HospitalDemand {
                rate,
                candidates: vec![0],
                primary: 0,
            }],
        }
    }

    #[test]
    fn a_single_depot_is_the_poisson_fill_rate() {
        // Pipeline 10 / year x 0.25 year = 2.5: fill rates from the reference table.
        let net = one_depot(10.0, 0.25);
        for (s, fill) in [
            (0, 0.0),
            (1, 0.0820849986),
            (3, 0.5438131159),
            (6, 0.9579789618),
        ] {
            let out = evaluate(&net, &[s]);
            assert!((out.on_time[0] - fill).abs() < 1e-9, "S = {s}");
            // Every request is reordered, filled or backordered.
            assert!((out.flow[0] - 10.0).abs() < 1e-9);
        }
    }

    #[test]
    fn a_hospital_out_of_reach_is_never_on_time() {
        let mut net = one_depot(10.0, 0.25);
        net.hospitals[0].candidates.clear();
        assert_eq!(evaluate(&net, &[50]).on_time[0], 0.0);
    }

    #[test]
    fn two_echelons_follow_metric() {
        // Central (lead 0.1 y) supplies one regional depot (lead 0.02 y) serving one hospital.
        let net = PartNetwork {
            depots: Arc::from(vec![
                DepotSpec {
                    parent: None,
                    lead_years: 0.1,
                },
                DepotSpec {
                    parent: Some(0),
                    lead_years: 0.02,
                },
            ]),
            hospitals: vec![HospitalDemand {
                rate: 20.0,
                candidates: vec![1],
                primary: 1,
            }],
        };
        let out = evaluate(&net, &[1, 2]);
        // By hand: central pipeline 2.0; EBO(1) = 2 - 1 + e^-2 = 1.135335; regional pipeline
        // mean 20 x 0.02 + 1.135335 = 1.535335 (Graves widens it).
        let central = Pmf::poisson(2.0);
        let ebo = central.expected_backorders(1);
        assert!((ebo - (1.0 + (-2.0f64).exp())).abs() < 1e-12);
        let pipe = super::super::dist::base_pipeline(20.0, 0.02, 20.0, &central, 1, true);
        assert!((pipe.mean - (0.4 + ebo)).abs() < 1e-12);
        let expected = Pmf::with_variance(pipe.mean, pipe.variance).fill_rate(2);
        assert!((out.on_time[0] - expected).abs() < 1e-12);
        // More central stock shortens the regional delay.
        assert!(evaluate(&net, &[3, 2]).on_time[0] > out.on_time[0]);
    }

    #[test]
    fn the_root_pipeline_computed_once_matches_the_iterated_one() {
        // Central 0 with regional 1 and 2, hospitals pooled over all three.
        let net = PartNetwork {
            depots: Arc::from(vec![
                DepotSpec {
                    parent: None,
                    lead_years: 0.06,
                },
                DepotSpec {
                    parent: Some(0),
                    lead_years: 0.01,
                },
                DepotSpec {
                    parent: Some(0),
                    lead_years: 0.008,
                },
            ]),
            hospitals: vec![
                HospitalDemand {
                    rate: 120.0,
                    candidates: vec![1, 2, 0],
                    primary: 1,
                },
                HospitalDemand {
                    rate: 80.0,
                    candidates: vec![2, 0, 1],
                    primary: 2,
                },
            ],
        };
        // A second, unused root and a hospital without demand waiting there: the flows are
        // unchanged, but the root's pipeline is no longer known in advance and is iterated.
        let mut forest = net.clone();
        let mut depots = forest.depots.to_vec();
        depots.push(DepotSpec {
            parent: None,
            lead_years: 0.05,
        });
        forest.depots = depots.into();
        forest.hospitals.push(HospitalDemand {
            rate: 0.0,
            candidates: vec![],
            primary: 3,
        });
        for stock in [[3, 1, 2], [8, 4, 1], [0, 2, 2], [20, 0, 3]] {
            let a = evaluate(&net, &stock);
            let b = evaluate(&forest, &[stock[0], stock[1], stock[2], 0]);
            for h in 0..2 {
                assert!((a.on_time[h] - b.on_time[h]).abs() < 1e-9, "{stock:?}");
            }
            for d in 0..3 {
                assert!((a.fill_rate[d] - b.fill_rate[d]).abs() < 1e-9, "{stock:?}");
            }
        }
    }

    #[test]
    fn a_second_depot_within_the_deadline_helps() {
        let single = PartNetwork {
            depots: Arc::from(vec![
                DepotSpec {
                    parent: None,
                    lead_years: 0.05,
                },
                DepotSpec {
                    parent: Some(0),
                    lead_years: 0.01,
                },
            ]),
            hospitals: vec![HospitalDemand {
                rate: 30.0,
                candidates: vec![1],
                primary: 1,
            }],
        };
        let mut pooled = single.clone();
        pooled.hospitals[0].candidates = vec![1, 0];
        let a = evaluate(&single, &[2, 1]).on_time[0];
        let b = evaluate(&pooled, &[2, 1]).on_time[0];
        assert!(b > a, "{b} > {a}");
    }
}
