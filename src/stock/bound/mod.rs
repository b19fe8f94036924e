//! A proven lower bound on the least annual holding cost, from a relaxation solved by column
//! generation on a linear programme (good_lp with the pure-Rust Clarabel solver).
//!
//! **Relaxation.** In the service model a depot's fill rate depends on every stock level of the
//! part (overflow from other depots, the parent's delay). It is bounded above by a function of the
//! depot's own level alone, [`fill_bound`]:
//! - the root depot's replenishment orders are all the part's requests (each request is filled or
//!   backordered at exactly one depot, and every order climbs the tree to the root), so its
//!   pipeline is Poisson with mean `demand x lead time` whatever the other levels: exact;
//! - any other depot places at least the orders of the requests it fills as first choice plus the
//!   backorders of the hospitals it is primary for that no depot serves in time, over a lead time
//!   at least its own; with a Poisson pipeline the fill rate falls as the pipeline grows, so its
//!   fill rate is at most the fixed point `a = F(S - 1; (first-choice demand x a + backorders) x
//!   lead)`. Graves' correction widens the pipeline, which lowers fill rates where plans operate
//!   but can raise the fill rate of a level below the pipeline mean; the bound therefore takes the
//!   larger of the Poisson value and the negative binomial at the same least mean with the widest
//!   variance the parent's backorders allow. This last step is checked, not proven: the property
//!   tests compare the bound with the full model on random networks.
//!
//! Besides, the on-time requests of a part are at most the sum over depots of what each depot's
//! own stock can turn over, [`capacity_bound`]: the classes' relaxed on-time is capped by that
//! capacity in a fractional knapsack (best weight per request first). With many stocking
//! locations, a part whose enumeration would pass [`pricing::MAX_LEAVES`] vectors is priced by
//! a bound separable by depot (union bound on each class's on-time), valid but weak.
//!
//! A class's on-time `1 - prod(1 - fill)` over its candidates is increasing in each fill rate, so
//! replacing fill rates by their bounds gives every plan at least its true on-time: every feasible
//! plan stays feasible and the relaxed minimum is no higher than the true one.
//!
//! **Bound.** For multipliers `mu_h >= 0` on the hospital requirements, the Lagrangian
//! `sum_h mu_h need_h + sum_p min_S [cost_p(S) - sum_k W_pk ontime_k(S)]` (with `W_pk` the
//! multiplier-weighted demand of class `k`) is at most the least cost for any `mu`, as long as
//! each part's minimum is not overstated: it is found by enumerating stock vectors, pruned by
//! cost (no vector whose cost exceeds the best value plus the total weight can be best), with
//! the relaxed on-time (an overstatement, so the minimum is understated) or, where affordable,
//! the model's own (below). The multipliers come from a restricted master programme (column
//! generation, Dantzig-Wolfe): one convexity row per part, hospital rows through aggregates per
//! candidate set and model, every column valued with the service model. It starts from the
//! plan and its neighbours one unit up or down at each depot (so that the first duals already
//! price the plan's trade-offs); each round prices at a mix of the master's duals and the
//! multipliers of the best Lagrangian so far (Wentges' smoothing; the master's own duals when
//! the mix finds no new column), adds each part's best vector as a column, and drops columns
//! the master has left unused for two rounds. The loop stops when the bound meets the master's
//! value (relative 1e-6), when no column is new, when over three rounds neither the bound rose
//! nor the master's value fell by 1e-4 of it, or after [`MAX_ROUNDS`] rounds. The bound
//! reported is the largest Lagrangian value seen, so inexact duals never make it invalid.
//!
//! **Exact pricing.** A part whose relaxed pricing enumerates at most [`EXACT_PRICING`] vectors is
//! priced with the service model itself: every vector within the cost pruning whose relaxed value
//! (a lower bound on its model value) can beat the best known is a candidate (at most 50,000; a
//! part with more keeps the relaxation that round), and the candidates are evaluated in increasing
//! order of relaxed value (at most [`EXACT_EVALUATIONS`] new ones a round, cached across rounds,
//! the fixed point warm-started) until the next relaxed value cannot beat the best. The minimum
//! less a margin for the fixed point's tolerance enters the Lagrangian; when the budget runs out
//! first, the smaller of the best evaluated and the next relaxed value does, which is still a bound
//! and above the relaxation's. A part that runs out of evaluations is priced from its cache alone
//! for 2, then 4, 8, ... rounds before new evaluations are tried again (brought forward once when
//! no new column comes). Where every part is priced exactly, only the duality gap of the model's
//! own problem remains: on the generated national set (5,000 hospitals, 2,000 parts) the bound
//! meets the master's value and the gap is 0.12 %. Pooled parts (data/china's 72 h parts, shared
//! by five depots; the dearest parts of smaller generated sets) run out of evaluations, and their
//! bound stays between the relaxation, which is loose for them, and the model.
//!
//! **Certificate.** After the loop, the Lagrangian at the best multipliers is evaluated once more
//! with the parts of a star network (every depot below the root is its child) priced by branch
//! and bound over boxes of stock vectors (`pricing::boxes`): within a box with the
//! same depots stocked the model's on-time is highest at the box's top corner (checked on random
//! stars by the property tests, not proven: the structural choice of each depot's pipeline makes
//! it hold there), so the corner bounds every vector of the box. A part whose search runs out of
//! [`CERTIFICATE_EVALUATIONS`] keeps the least bound of its open boxes, still a bound. The
//! minimisers stay the loop's. On data/china this raised the bound from 4.8 M to 18.8 M yuan
//! (gap 79.9 % to 21.8 % of the priced objective); the multipliers, found with the loop's weaker
//! pricing, are what keeps it from the master's 21.7 M. Forward depots (a depot below a depot
//! below the root) are not a star: one's stock loads its parent and the monotonicity fails.
//!
//! **Minimisers.** The stock vectors that minimise the Lagrangian at the best multipliers are
//! returned with the bound: cheap for the service they give, they start the plan's Lagrangian
//! heuristic (see [`super::plan`]).

use rayon::prelude::*;
use rustc_hash::FxHashMap;

mod master;
mod pricing;
use master::{candidate_sets, hospital_rows, solve_master};
use pricing::{OnTimeCache, PartOptions};

use super::dist::{poisson_fill, Pmf};
use super::input::PlanInput;
use super::problem::{Costs, Plan, Requirement};
use super::service::parents_first;

/// Stock vectors a part's relaxed pricing may enumerate for the part to be priced with the
/// service model itself instead.
pub const EXACT_PRICING: usize = 20_000;

/// Service-model evaluations a part's exact pricing may take in one round; a part that needs
/// more is priced by the relaxation from then on.
pub const EXACT_EVALUATIONS: usize = 4_000;

/// Service-model evaluations a part's branch and bound may take in the certificate, the last
/// pricing at the best multipliers.
pub const CERTIFICATE_EVALUATIONS: usize = 40_000;

/// Column-generation rounds at most.
pub const MAX_ROUNDS: usize = 40;

/// Relative distance between bound and master value at which the loop stops.
const CONVERGED: f64 = 1e-6;

/// Fill-rate tail below which more stock is not enumerated (its value is below any unit cost).
const TAIL: f64 = 1e-12;

/// How a bound was proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundMethod {
    /// The optimiser's exhaustive search evaluated every cheaper stock vector: the plan is the
    /// optimum and the bound is its cost.
    Exhaustive,
    /// The Lagrangian bound of the relaxation below.
    Lagrangian,
}

impl BoundMethod {
    pub fn name(self) -> &'static str {
        match self {
            BoundMethod::Exhaustive => "exhaustive search",
            BoundMethod::Lagrangian => "lagrangian relaxation",
        }
    }
}

/// The bound and how it was found.
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    pub method: BoundMethod,
    /// Proven lower bound on the least annual holding cost, in yuan.
    pub lower_bound: f64,
    /// The relaxed master programme's value at the last round.
    pub master_value: f64,
    pub rounds: usize,
    pub columns: usize,
}

impl Bound {
    /// The bound of a plan the exhaustive search proved optimal: its own cost.
    pub fn proven_optimum(cost: f64) -> Bound {
        Bound {
            method: BoundMethod::Exhaustive,
            lower_bound: cost,
            master_value: cost,
            rounds: 0,
            columns: 0,
        }
    }
}

/// The bound could not be computed.
#[derive(Debug, thiserror::Error)]
#[error("the lower bound's linear programme failed: {0}")]
pub struct BoundError(String);

/// Upper bounds on one part's depot fill rates by stock level: `[d][s_parent][s]` (a root depot
/// has a single row), each row up to the level where the tail is below [`TAIL`].
///
/// A child's bound uses its parent's delay: the root's orders are all the part's requests, so the
/// METRIC delay at the root, `EBO_root(S_root) / demand`, is exact whatever the other levels, and
/// the child's pipeline is at least its own orders times `lead + delay`. Deeper depots use their
/// own lead time only.
pub fn fill_bound(input: &PlanInput, part: usize) -> Vec<Vec<Vec<f64>>> {
    let net = &input.parts[part].network;
    let nd = net.depots.len();
    let mut first = vec![0.0; nd];
    let mut backorders = vec![0.0; nd];
    let mut total = 0.0;
    for h in &net.hospitals {
        total += h.rate;
        match h.candidates.first() {
            Some(&d) => first[d] += h.rate,
            None => backorders[h.primary] += h.rate,
        }
    }
    let root_pipeline = |d: usize| Pmf::poisson(total * net.depots[d].lead_years);
    let levels = |f: &dyn Fn(u32) -> f64| {
        let mut out = Vec::new();
        for s in 0..=MAX_LEVEL {
            let a = f(s);
            out.push(a);
            if 1.0 - a <= TAIL {
                break;
            }
        }
        out
    };
    (0..nd)
        .map(|d| {
            let lead = net.depots[d].lead_years;
            match net.depots[d].parent {
                None => {
                    let pmf = root_pipeline(d);
                    vec![levels(&|s| pmf.fill_rate(s))]
                }
                Some(p) if net.depots[p].parent.is_none() && total > 0.0 => {
                    let parent = root_pipeline(p);
                    let parent_levels = levels(&|s| parent.fill_rate(s)).len() as u32;
                    (0..parent_levels)
                        .map(|sp| {
                            let ebo = parent.expected_backorders(sp);
                            let delay = ebo / total;
                            // Graves widens the pipeline by at most the whole of the parent's
                            // backorder over-dispersion (a share of 1).
                            let widen = (parent.backorder_variance(sp) - ebo).max(0.0);
                            levels(&|s| {
                                let a = fixed_point(s, first[d], backorders[d], lead + delay);
                                let mean = (first[d] * a + backorders[d]) * (lead + delay);
                                let wide = if widen > 0.0 && s > 0 {
                                    Pmf::with_variance(mean, mean + widen).fill_rate(s)
                                } else {
                                    0.0
                                };
                                a.max(wide).max(loss_fill(s, first[d] * (lead + delay)))
                            })
                        })
                        .collect()
                }
                Some(_) => vec![levels(&|s| {
                    fixed_point(s, first[d], backorders[d], lead).max(loss_fill(s, first[d] * lead))
                })],
            }
        })
        .collect()
}

/// Upper bounds on the requests a year each depot can fill within the deadline, by its own stock
/// level: `[d][s]`, as long as the depot's rows of [`fill_bound`].
///
/// A depot fills the requests that try it while it has stock: at most `A_d x fill_d`, with
/// `A_d` the demand of the hospitals it is a candidate for. What it fills it reorders, so its
/// pipeline's mean is at least `filled x lead` (its parent's delay and the backorders it takes
/// only add to it) and its fill rate at most `F(s - 1; filled x lead)`, the larger of the
/// Poisson and the widest negative binomial the parent's backorders allow (as in
/// [`fill_bound`]); the root's pipeline is exact. So `filled_d <= g_d(s)`, the largest `x` with
/// `x <= A_d F(s - 1; x lead)`. However the other depots are stocked, the on-time requests of the
/// part are at most `sum_d g_d(S_d)`: thin stock spread over many depots cannot fill more
/// than each depot's own stock turns over, which the fill bounds alone (each depot seeing only
/// its first-choice demand) miss.
pub fn capacity_bound(input: &PlanInput, part: usize, levels: &[usize]) -> Vec<Vec<f64>> {
    let net = &input.parts[part].network;
    let nd = net.depots.len();
    let mut attempts = vec![0.0; nd];
    let mut total = 0.0;
    for h in &net.hospitals {
        total += h.rate;
        for &d in &h.candidates {
            attempts[d] += h.rate;
        }
    }
    (0..nd)
        .map(|d| {
            let spec = &net.depots[d];
            let a = attempts[d];
            let n = levels[d];
            match spec.parent {
                None => {
                    let pmf = Pmf::poisson(total * spec.lead_years);
                    (0..n).map(|s| a * pmf.fill_rate(s as u32)).collect()
                }
                Some(p) => {
                    // The widest over-dispersion the parent's backorders allow, at any level.
                    let widen = if net.depots[p].parent.is_none() && total > 0.0 {
                        let parent = Pmf::poisson(total * net.depots[p].lead_years);
                        (0..levels[p].max(1) as u32)
                            .map(|sp| {
                                parent.backorder_variance(sp) - parent.expected_backorders(sp)
                            })
                            .fold(0.0f64, f64::max)
                    } else {
                        f64::INFINITY
                    };
                    // Requests filled while the depot has stock hold one of its units each
                    // for at least its lead time, so it fills at most `s / lead` a year
                    // (Little's law), whether requests that find none wait or go elsewhere.
                    (0..n)
                        .map(|s| {
                            let little = s as f64 / spec.lead_years.max(1e-12);
                            capacity_at(s as u32, a, spec.lead_years, widen).max(little.min(a))
                        })
                        .collect()
                }
            }
        })
        .collect()
}

/// The largest `x` in `[0, a]` with `x <= a F(s - 1; x lead)`, `F` the larger of the Poisson
/// and the negative binomial widened by `widen` (an infinite `widen`: no bound but `a`).
fn capacity_at(s: u32, a: f64, lead: f64, widen: f64) -> f64 {
    if s == 0 || a <= 0.0 {
        return 0.0;
    }
    if !widen.is_finite() {
        return a;
    }
    let fill = |x: f64| {
        let mean = x * lead;
        let wide = if widen > 0.0 {
            Pmf::with_variance(mean, mean + widen).fill_rate(s)
        } else {
            0.0
        };
        poisson_fill(mean, s).max(wide)
    };
    if a * fill(a) >= a {
        return a;
    }
    let (mut lo, mut hi) = (0.0, a);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if a * fill(mid) >= mid {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// `1 - ErlangB(s, load)`: the fill rate of `s` units when requests that find none go elsewhere,
/// the most any depot's fill rate can be at that offered load (requests that wait instead only
/// lower it; see `dist::partial_loss`).
fn loss_fill(s: u32, load: f64) -> f64 {
    if s == 0 {
        return 0.0;
    }
    let mut b = 1.0;
    for k in 1..=s {
        b = load * b / (f64::from(k) + load * b);
    }
    1.0 - b
}

/// Stock levels enumerated per depot at most.
const MAX_LEVEL: u32 = 10_000;

/// The largest `a` in `[0, 1]` with `a <= F(s - 1; (first x a + backorders) x lead)`.
fn fixed_point(s: u32, first: f64, backorders: f64, lead: f64) -> f64 {
    if s == 0 {
        return 0.0;
    }
    let g = |a: f64| poisson_fill((first * a + backorders) * lead, s) - a;
    if g(1.0) >= 0.0 {
        return 1.0;
    }
    // g is decreasing: bisect to a root and return its upper end, so the bound stays above.
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if g(mid) >= 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// Computes the bound, starting the columns from `plan` (which meets every requirement).
pub fn bound(
    input: &PlanInput,
    costs: &Costs,
    req: &[Requirement],
    plan: &Plan,
) -> Result<Bound, BoundError> {
    bound_and_minimisers(input, costs, req, plan).map(|(b, _)| b)
}

/// [`bound`], and each part's stock vector minimising the Lagrangian at the multipliers of the
/// bound (stock that is cheap for the service it gives: the start of a Lagrangian heuristic).
pub fn bound_and_minimisers(
    input: &PlanInput,
    costs: &Costs,
    req: &[Requirement],
    plan: &Plan,
) -> Result<(Bound, Vec<Vec<u32>>), BoundError> {
    let sets = candidate_sets(input);
    let options = part_options(input, costs, &sets);
    // Hospital rows, one per distinct (candidate sets, units, need).
    let rows = hospital_rows(input, &sets, req);
    let mut columns: Vec<Vec<Vec<u32>>> = options
        .iter()
        .enumerate()
        .map(|(p, o)| o.first_columns(&plan.stock[p]))
        .collect();
    // The round each column entered the master programme.
    let mut born: Vec<Vec<usize>> = columns.iter().map(|c| vec![0; c.len()]).collect();
    // The service model's on-time of every column (and of every vector the exact pricing
    // evaluated), per part.
    let mut caches: Vec<OnTimeCache> = (0..input.parts.len())
        .map(|_| OnTimeCache::default())
        .collect();
    let mut pricing: Vec<Pricing> = vec![Pricing::default(); input.parts.len()];
    let mut best = f64::NEG_INFINITY;
    // The best bound and the master's value at the end of each round.
    let mut history: Vec<(f64, f64)> = Vec::new();
    let mut forced = 0;
    let mut minimisers = plan.stock.clone();
    // The multipliers of the best Lagrangian so far: the pricing looks between them and the
    // master's duals, which damps the duals' swings between rounds (Wentges' smoothing).
    let mut centre: Option<Vec<f64>> = None;
    let mut master_value = f64::NAN;
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        rounds += 1;
        caches
            .par_iter_mut()
            .zip(&columns)
            .zip(&options)
            .for_each(|((cache, cols), o)| o.cache_columns(cols, cache));
        let master = solve_master(input, &options, &caches, &columns, &rows)?;
        master_value = master.value;
        // Columns the master has not used for a while leave it (the plan's stays): the
        // programme stays small, and a column the pricing still finds best comes back.
        drop_unused(&mut columns, &mut born, &master.weights, rounds);
        // Smoothed multipliers first; the master's own when those find no new column.
        let mut tries = Vec::with_capacity(2);
        if let Some(c) = &centre {
            let smoothed = c
                .iter()
                .zip(&master.duals)
                .map(|(c, d)| SMOOTHING * c + (1.0 - SMOOTHING) * d)
                .collect();
            tries.push(smoothed);
        }
        tries.push(master.duals);
        let mut added = 0;
        for mu in tries {
            let (value, priced) = lagrangian(
                input,
                &options,
                &rows,
                &mu,
                &columns,
                &mut caches,
                &mut pricing,
                rounds,
                false,
            );
            if value > best {
                best = value;
                minimisers.clone_from(&priced);
                centre = Some(mu);
            }
            for (p, stock) in priced.into_iter().enumerate() {
                if !columns[p].contains(&stock) {
                    columns[p].push(stock);
                    born[p].push(rounds);
                    added += 1;
                }
            }
            if added > 0 {
                break;
            }
        }
        history.push((best, master_value));
        // Stalled: over the last rounds neither the bound rose nor the master's value fell by
        // STALLED of that value (parts whose exact pricing runs out of evaluations creep).
        let stalled = stalled(&history);
        // No new column: the master would give the same duals, so parts waiting to retry their
        // exact pricing retry now (at most FORCED_RETRIES times); otherwise the loop is done.
        let waiting = forced < FORCED_RETRIES && pricing.iter().any(|s| s.next_exact > rounds);
        if added == 0 && waiting {
            forced += 1;
            for s in &mut pricing {
                s.next_exact = s.next_exact.min(rounds + 1);
            }
        }
        if (added == 0 && !waiting) || best >= master_value * (1.0 - CONVERGED) || stalled {
            break;
        }
    }
    // The certificate: at the best multipliers, the parts of a star are priced once more by
    // the branch and bound over the model itself, with a full budget, which raises the pooled
    // parts' minima from their relaxation towards the model's. The minimisers stay those of
    // the loop: the plan built from them is what the loop's pricing found cheap.
    if let Some(mu) = &centre {
        let (value, _) = lagrangian(
            input,
            &options,
            &rows,
            mu,
            &columns,
            &mut caches,
            &mut pricing,
            usize::MAX,
            true,
        );
        best = best.max(value);
    }
    let bound = Bound {
        method: BoundMethod::Lagrangian,
        lower_bound: best.max(0.0),
        master_value,
        rounds,
        columns: columns.iter().map(Vec::len).sum(),
    };
    Ok((bound, minimisers))
}

/// Each part's pricing options: relaxed fill rates, candidate sets, cost weights and network.
fn part_options(input: &PlanInput, costs: &Costs, sets: &[master::Sets]) -> Vec<PartOptions> {
    let nd = input.depots.len();
    (0..input.parts.len())
        .into_par_iter()
        .map(|p| {
            let fills = fill_bound(input, p);
            let levels: Vec<usize> = fills
                .iter()
                .map(|rows| rows.iter().map(Vec::len).max().unwrap_or(1))
                .collect();
            let sets_of = &sets[input.parts[p].group];
            let mut set_rate = vec![0.0; sets_of.sets.len()];
            for (k, h) in input.parts[p].network.hospitals.iter().enumerate() {
                set_rate[sets_of.of_class[k]] += h.rate;
            }
            PartOptions {
                capacity: capacity_bound(input, p, &levels),
                set_rate,
                fills,
                classes: sets[input.parts[p].group].sets.clone(),
                unit_cost: (0..nd).map(|d| costs.at(p, d)).collect(),
                parent: input.depots.iter().map(|d| d.parent).collect(),
                order: parents_first(&input.depots),
                net: input.parts[p].network.clone(),
            }
        })
        .collect()
}

/// Columns the master has not used for a while leave it (the plan's, first, stays).
fn drop_unused(
    columns: &mut [Vec<Vec<u32>>],
    born: &mut [Vec<usize>],
    weights: &[Vec<f64>],
    rounds: usize,
) {
    for (p, cols) in columns.iter_mut().enumerate() {
        let keep: Vec<bool> = (0..cols.len())
            .map(|j| j == 0 || weights[p][j] > UNUSED || born[p][j] + KEEP > rounds)
            .collect();
        let mut flags = keep.iter();
        cols.retain(|_| *flags.next().expect("a flag per column"));
        let mut flags = keep.iter();
        born[p].retain(|_| *flags.next().expect("a flag per column"));
    }
}

/// Whether over the last rounds of `history` (best bound, master value) neither the bound rose
/// nor the master's value fell by `STALLED` of that value.
fn stalled(history: &[(f64, f64)]) -> bool {
    let Some(&(best, master_value)) = history.last() else {
        return false;
    };
    history.len() > STALL_ROUNDS && {
        let (then_best, then_master) = history[history.len() - 1 - STALL_ROUNDS];
        let step = STALLED * master_value.abs();
        best - then_best < step && then_master - master_value < step
    }
}

/// Rounds that may bring forward the exact pricing of parts waiting for a retry because no
/// new column came.
const FORCED_RETRIES: usize = 1;

/// Rounds over which the bound must rise by [`STALLED`] of the master's value to go on.
const STALL_ROUNDS: usize = 3;

/// See [`STALL_ROUNDS`].
const STALLED: f64 = 1e-4;

/// A column whose weight in the master programme is at most this is unused.
const UNUSED: f64 = 1e-6;

/// Rounds a new column stays in the master programme, used or not.
const KEEP: usize = 2;

/// Weight of the best multipliers so far in the multipliers priced.
const SMOOTHING: f64 = 0.5;

/// When a part's exact pricing may run: after it runs out of budget, the part is priced by the
/// relaxation for a number of rounds that doubles with each failure (the multipliers of early
/// rounds swing widely and make the model's search large; later ones rarely do).
#[derive(Clone, Copy, Debug, Default)]
struct Pricing {
    failures: u32,
    next_exact: usize,
}

/// The Lagrangian value at multipliers `mu` (one per row, per hospital of the row), and each
/// part's best stock vector: priced by the service model where that stays within its budget,
/// by the relaxation otherwise (a lower value, so the Lagrangian stays a bound).
#[allow(clippy::too_many_arguments)]
fn lagrangian(
    input: &PlanInput,
    options: &[PartOptions],
    rows: &[master::Row],
    mu: &[f64],
    columns: &[Vec<Vec<u32>>],
    caches: &mut [OnTimeCache],
    pricing: &mut [Pricing],
    round: usize,
    boxes: bool,
) -> (f64, Vec<Vec<u32>>) {
    // Class weights per part from the multipliers.
    let mut weight: FxHashMap<(usize, usize, usize), f64> = FxHashMap::default();
    let mut constant = 0.0;
    for (row, &m) in rows.iter().zip(mu) {
        if m <= 0.0 {
            continue;
        }
        constant += m * row.need;
        for &(g, k) in &row.classes {
            for (model, &n) in row.units.iter().enumerate() {
                if n > 0.0 {
                    *weight.entry((g, k, model)).or_default() += m * n;
                }
            }
        }
    }
    let priced: Vec<(Vec<u32>, f64)> = caches
        .par_iter_mut()
        .zip(pricing.par_iter_mut())
        .enumerate()
        .map(|(p, (cache, state))| {
            let part = &input.parts[p];
            let w: Vec<f64> = (0..options[p].classes.len())
                .map(|k| {
                    part.usage
                        .iter()
                        .map(|&(m, r)| r * weight.get(&(part.group, k, m)).unwrap_or(&0.0))
                        .sum()
                })
                .collect();
            let (stock, v, leaves) = options[p].price(&w);
            // Between retries a part's exact pricing uses only the vectors evaluated before.
            let budget = if boxes {
                CERTIFICATE_EVALUATIONS
            } else if round >= state.next_exact {
                EXACT_EVALUATIONS
            } else {
                0
            };
            let mut exact = if leaves <= EXACT_PRICING {
                options[p].price_exact(&w, budget, &columns[p], cache)
            } else {
                None
            };
            // Where the relaxation's order runs out (pooled stock), a star's model is searched
            // by branch and bound, from the best vector found so far.
            if boxes && exact.as_ref().is_none_or(|e| !e.complete) {
                let mut known = columns[p].clone();
                if let Some(e) = &exact {
                    known.push(e.stock.clone());
                }
                if let Some(b) = options[p].price_boxes(&w, budget, &known, cache) {
                    if exact
                        .as_ref()
                        .is_none_or(|e| b.complete || b.value > e.value)
                    {
                        exact = Some(b);
                    }
                }
            }
            match exact {
                Some(exact) => {
                    if !exact.complete && budget > 0 {
                        state.failures += 1;
                        state.next_exact = round + (1usize << state.failures.min(16));
                    }
                    // Both are lower bounds on the part's minimum: the larger is the better.
                    (exact.stock, exact.value.max(v))
                }
                None => (stock, v),
            }
        })
        .collect();
    let value = constant + priced.iter().map(|(_, v)| v).sum::<f64>();
    (value, priced.into_iter().map(|(s, _)| s).collect())
}
