//! How long one failure keeps a scanner down under a plan: the distribution of each part's
//! delivery (from stock on hand at a candidate depot, or a wait for a replenishment), the
//! engineer's travel and the repair.
//!
//! A request that finds stock at its `j`-th candidate (probability `prod_{i<j} (1 - f_i) f_j`
//! with the service model's fill rates) is delivered in that depot's delivery hours. One that
//! finds every candidate empty waits at its primary depot for the depot's next free unit:
//! - a *claim* on a depot (a request or a child's order that finds it empty) in a
//!   one-for-one system with a fixed lead time `L` and claims at rate `lambda` waits
//!   `(t_{n-S} + L - t_n)^+` (first come, first served: the n-th claim gets the unit ordered by
//!   the (n-S)-th), so `P(W > w) = P(Poisson(lambda (L - w)) >= S)` (Kruse 1981) at the central
//!   depot. A child's order itself waits at its parent, so below the root
//!   `P(W > w) = E_D[P(Poisson(lambda (L + D - w)) >= S)]` over the parent's claim wait `D`: a
//!   parent out of stock delays every order of the child at once, the way stock-outs cluster;
//! - a request no candidate reaches within the deadline waits at its primary for the next
//!   arrival whatever the depot holds: `P(W > w) = exp(-lambda w) P(L + D > w)` (arrivals about
//!   as frequent as orders, and its own order arrives after `L + D` at the latest).
//!
//! The downtime of the failure is `max(delivery, engineer travel) + repair` (model.md).
//! Waits are kept on the grid of [`STEP_HOURS`], each bin at its midpoint.
//!
//! Deliberately absent: the service model's fill rates are taken as they are (the probability
//! of waiting at all is the model's own); only the length of the wait is added here.

use super::compound::{bin, STEP_HOURS};
use crate::stock::dist::ln_gamma;
use crate::stock::input::{Class, DAYS_PER_YEAR};
use crate::stock::service::{parents_first, DepotSpec};

/// Hours per year, as lead times in years count them.
const HOURS_PER_YEAR: f64 = DAYS_PER_YEAR * 24.0;

/// A wait: an atom at zero and the rest in grid bins `[k STEP, (k + 1) STEP)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    pub zero: f64,
    pub bins: Vec<f64>,
    /// `E[W | W > 0]`, each bin at its midpoint (0 when it never waits).
    pub mean_if_waiting: f64,
}

impl Wait {
    /// `P(W > 0)`.
    pub fn positive(&self) -> f64 {
        (1.0 - self.zero).max(0.0)
    }

    /// A wait from its survival function at the grid points `0, STEP, ..` (`survival[k] =
    /// P(W > k STEP)`, zero at the end).
    fn from_survival(survival: &[f64]) -> Wait {
        let zero = 1.0 - survival.first().copied().unwrap_or(0.0);
        let bins: Vec<f64> = survival
            .windows(2)
            .map(|w| (w[0] - w[1]).max(0.0))
            .collect();
        let mass: f64 = bins.iter().sum();
        let mean_if_waiting = if mass > 0.0 {
            bins.iter()
                .enumerate()
                .map(|(k, m)| (k as f64 + 0.5) * STEP_HOURS * m)
                .sum::<f64>()
                / mass
        } else {
            0.0
        };
        Wait {
            zero,
            bins,
            mean_if_waiting,
        }
    }
}

/// `P(Poisson(mean) >= s)`: the regularised lower incomplete gamma function `P(s, mean)`, by its
/// series below `s + 1` and its continued fraction (Lentz) above (Numerical Recipes' `gammp`),
/// a few dozen terms whatever `s`, where summing the Poisson terms takes `s`.
fn at_least(mean: f64, s: u32) -> f64 {
    if s == 0 {
        return 1.0;
    }
    if mean <= 0.0 {
        return 0.0;
    }
    let a = f64::from(s);
    let log_front = -mean + a * mean.ln() - ln_gamma(a);
    let p = if mean < a + 1.0 {
        let (mut term, mut sum, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            n += 1.0;
            term *= mean / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        sum * log_front.exp()
    } else {
        let tiny = 1e-300;
        let mut b = mean + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -f64::from(i) * (f64::from(i) - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        1.0 - (log_front.exp() * h)
    };
    p.clamp(0.0, 1.0)
}

/// The waits of one part at every depot.
#[derive(Clone, Debug)]
pub struct PartWaits {
    /// A claim's wait at each depot.
    pub claim: Vec<Wait>,
    /// The wait for the next arrival at each depot (requests no candidate reaches).
    pub next_arrival: Vec<Wait>,
}

impl PartWaits {
    /// The wait of a request at a hospital of `class` that finds every candidate empty, and
    /// its chance of being positive: a claim's wait at the primary given that it waits; with no
    /// candidate, or at a depot the wait model never finds empty, the next arrival there.
    pub fn when_every_candidate_is_empty(&self, class: &Class) -> (&Wait, f64) {
        let claim = &self.claim[class.primary];
        if !class.candidates.is_empty() && claim.positive() > 1e-12 {
            (claim, claim.positive())
        } else {
            let w = &self.next_arrival[class.primary];
            (w, w.positive().max(f64::MIN_POSITIVE))
        }
    }
}

/// The waits of one part under base stock `stock` with `claims` per year at each depot (requests
/// it fills or keeps waiting, and its children's orders).
pub fn part_waits(depots: &[DepotSpec], stock: &[u32], claims: &[f64]) -> PartWaits {
    let n = depots.len();
    let mut claim: Vec<Option<Wait>> = vec![None; n];
    let mut next_arrival: Vec<Option<Wait>> = vec![None; n];
    for d in parents_first(depots) {
        let lead = depots[d].lead_years * HOURS_PER_YEAR;
        let per_hour = claims[d] / HOURS_PER_YEAR;
        let parent = depots[d]
            .parent
            .map(|p| claim[p].as_ref().expect("parents first"));
        let longest = lead + parent.map_or(0.0, |w| w.bins.len() as f64 * STEP_HOURS);
        let k_max = (longest / STEP_HOURS).ceil() as usize + 1;
        // F(z) = P(Poisson(per_hour z) >= S) on the half-step grid z = lead + h STEP / 2.
        let half = STEP_HOURS / 2.0;
        let h_min = -2 * k_max as i64;
        let h_max = 2 * k_max as i64 + 1;
        let f: Vec<f64> = (h_min..=h_max)
            .map(|h| {
                let z = lead + h as f64 * half;
                if z <= 0.0 {
                    0.0
                } else {
                    at_least(per_hour * z, stock[d])
                }
            })
            .collect();
        let f_at = |h: i64| f[(h.clamp(h_min, h_max) - h_min) as usize];
        // Where F is exactly 0 (below `h_pos`) and exactly 1 (from `h_sat` on, the clamped
        // values beyond the grid included), its terms are the parent's bins themselves or
        // nothing: the sums over them are read off the parent's tail sums, and only the bins
        // where F is strictly between are multiplied out (a depot without stock has none).
        let h_pos = h_min + f.iter().take_while(|&&x| x == 0.0).count() as i64;
        let h_sat = h_max + 1 - f.iter().rev().take_while(|&&x| x == 1.0).count() as i64;
        let bins: &[f64] = parent.map_or(&[], |p| &p.bins);
        // tail[k] = sum of the parent's bins from k on.
        let mut tail = vec![0.0; bins.len() + 1];
        for k in (0..bins.len()).rev() {
            tail[k] = tail[k + 1] + bins[k];
        }
        // The first bin whose midpoint delay keeps a claim past w: it only moves up with w.
        let mut k_late = 0usize;
        let mut survival = vec![0.0; k_max + 1];
        let mut arrival = vec![0.0; k_max + 1];
        for (i, (s, a)) in survival.iter_mut().zip(arrival.iter_mut()).enumerate() {
            let w = i as f64 * STEP_HOURS;
            let i = i as i64;
            // P(L + D > w) and E_D[F(L + D - w)], the parent's bin k at h = 2k + 1 - 2i.
            let (mut late, mut g) = match parent {
                None => (if lead > w { 1.0 } else { 0.0 }, f_at(-2 * i)),
                Some(p) => (if lead > w { p.zero } else { 0.0 }, p.zero * f_at(-2 * i)),
            };
            if parent.is_some() {
                while k_late < bins.len() && lead + (k_late as f64 + 0.5) * STEP_HOURS <= w {
                    k_late += 1;
                }
                late += tail[k_late];
                // Bins k with h_pos <= 2k + 1 - 2i < h_sat, then the rest at F = 1.
                let first = ((h_pos + 2 * i - 1).max(0) as usize)
                    .div_ceil(2)
                    .min(bins.len());
                let past = if h_sat > h_max {
                    bins.len()
                } else {
                    ((h_sat + 2 * i - 1).max(0) as usize)
                        .div_ceil(2)
                        .clamp(first, bins.len())
                };
                for k in first..past {
                    g += bins[k] * f_at(2 * k as i64 + 1 - 2 * i);
                }
                g += tail[past];
            }
            *s = g.clamp(0.0, 1.0);
            *a = ((-per_hour * w).exp() * late).clamp(0.0, 1.0);
        }
        survival[k_max] = 0.0;
        arrival[k_max] = 0.0;
        let trim = |v: &mut Vec<f64>| {
            while v.len() > 1 && v[v.len() - 2] < 1e-15 {
                v.pop();
                let last = v.len() - 1;
                v[last] = 0.0;
            }
        };
        trim(&mut survival);
        trim(&mut arrival);
        claim[d] = Some(Wait::from_survival(&survival));
        next_arrival[d] = Some(Wait::from_survival(&arrival));
    }
    let claim: Vec<Wait> = claim.into_iter().map(|w| w.expect("every depot")).collect();
    PartWaits {
        claim,
        next_arrival: next_arrival
            .into_iter()
            .map(|w| w.expect("every depot"))
            .collect(),
    }
}

/// Claims per year at each depot: its own requests (`flow`) and its descendants' orders.
pub fn claims(depots: &[DepotSpec], flow: &[f64]) -> Vec<f64> {
    let mut total = flow.to_vec();
    for &d in parents_first(depots).iter().rev() {
        if let Some(p) = depots[d].parent {
            total[p] += total[d];
        }
    }
    total
}

/// What a failure at one hospital sees of one part: its class, the delivery hours of each
/// depot, the engineer's travel and the repair.
pub struct Failure<'a> {
    pub class: &'a Class,
    /// Delivery hours of every depot to every hospital with a route, depot-major.
    pub hours: &'a [Option<f64>],
    pub hospitals: usize,
    pub hospital: usize,
    pub engineer_hours: f64,
    pub repair_hours: f64,
}

impl Failure<'_> {
    /// Delivery hours from depot `d` (infinite without a route).
    pub fn hours(&self, d: usize) -> f64 {
        self.hours[d * self.hospitals + self.hospital].unwrap_or(f64::INFINITY)
    }
}

/// The chance of a wait below which its length is taken in the grid bin of its mean.
const COLLAPSE: f64 = 1e-4;

/// A per-failure downtime distribution being built on the grid of [`STEP_HOURS`]: each outcome
/// at the bin nearest its hours, capped at `cap_hours`.
pub struct Grid {
    pub sev: Vec<f64>,
    cap_hours: f64,
    cap_bin: usize,
}

impl Grid {
    pub fn new(cap_hours: f64) -> Grid {
        Grid {
            sev: Vec::new(),
            cap_hours,
            cap_bin: bin(cap_hours),
        }
    }

    /// Probability `p` at `hours`.
    pub fn add(&mut self, hours: f64, p: f64) {
        let k = bin(hours.min(self.cap_hours));
        self.grow(k);
        self.sev[k] += p;
    }

    fn grow(&mut self, k: usize) {
        if self.sev.len() <= k {
            self.sev.resize(k + 1, 0.0);
        }
    }

    /// `scale x` each wait bin `k` (its midpoint `(k + 1/2) STEP`) at the downtime
    /// `max(t + wait, engineer) + repair`: the bins the engineer's travel covers in the bin of
    /// `engineer + repair`, the rest one for one shifted by the bin of `STEP / 2 + t + repair`
    /// (the nearest grid point of a shifted midpoint is the shifted nearest one), none past the
    /// cap.
    fn add_wait(&mut self, bins: &[f64], t: f64, engineer: f64, repair: f64, scale: f64) {
        if !(t + repair).is_finite() {
            for (k, &m) in bins.iter().enumerate() {
                let delivery = (k as f64 + 0.5) * STEP_HOURS + t;
                self.add(delivery.max(engineer) + repair, scale * m);
            }
            return;
        }
        let (covered, offset) = wait_shift(bins.len(), t, engineer, repair);
        let early: f64 = bins[..covered].iter().sum();
        if early > 0.0 {
            self.add(engineer + repair, scale * early);
        }
        if covered == bins.len() {
            return;
        }
        self.grow((bins.len() - 1 + offset).min(self.cap_bin));
        for (k, &m) in bins.iter().enumerate().skip(covered) {
            self.sev[(k + offset).min(self.cap_bin)] += scale * m;
        }
    }
}

/// Where `n` wait bins land on the grid for a delivery `t` hours after the wait, an engineer
/// `engineer` hours away and a repair of `repair` hours (both finite): the bins before `covered`
/// end when the engineer arrives (downtime `engineer + repair`), and bin `k` from there on in
/// grid bin `k + offset` (the nearest grid point of a shifted midpoint is the shifted nearest
/// one).
pub fn wait_shift(n: usize, t: f64, engineer: f64, repair: f64) -> (usize, usize) {
    let covered = (0..n)
        .position(|k| (k as f64 + 0.5) * STEP_HOURS + t >= engineer)
        .unwrap_or(n);
    (covered, bin(0.5 * STEP_HOURS + t + repair))
}

/// The outcomes of one failure before a hospital's own hours are applied: the chance of a
/// delivery from each candidate of its class (class order), of each wait bin at the primary,
/// and of a delivery from the primary without a wait. Summed over the parts of a model that
/// share a repair time, they are the same for every hospital of a class, so each hospital only
/// applies its hours ([`Outcomes::apply`]) instead of walking every part.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcomes {
    pub repair_hours: f64,
    pub near: Vec<f64>,
    pub wait: Vec<f64>,
    pub zero: f64,
}

impl Outcomes {
    pub fn new(candidates: usize, repair_hours: f64) -> Outcomes {
        Outcomes {
            repair_hours,
            near: vec![0.0; candidates],
            wait: Vec::new(),
            zero: 0.0,
        }
    }

    /// Adds `weight x` the chance of every outcome of a failure of a part whose depots fill at
    /// `fill` and wait as `waits`, at a hospital of `class`; the chances sum to `weight`.
    /// A request that finds every candidate empty waits as
    /// [`PartWaits::when_every_candidate_is_empty`] says. A wait less likely than [`COLLAPSE`] changes a year's
    /// days short by less than it could cost to spread it: it is taken in the bin of its mean.
    pub fn add_part(&mut self, fill: &[f64], waits: &PartWaits, class: &Class, weight: f64) {
        let mut reach = 1.0;
        for (j, &d) in class.candidates.iter().enumerate() {
            let p = reach * fill[d];
            if p > 0.0 {
                self.near[j] += weight * p;
            }
            reach *= 1.0 - fill[d];
        }
        if reach <= 0.0 {
            return;
        }
        let (wait, positive) = waits.when_every_candidate_is_empty(class);
        let mass: f64 = wait.bins.iter().sum();
        if mass <= 0.0 {
            self.zero += weight * reach;
            return;
        }
        if reach < COLLAPSE {
            let k = ((wait.mean_if_waiting / STEP_HOURS).floor().max(0.0) as usize)
                .min(wait.bins.len() - 1);
            self.grow(k + 1);
            self.wait[k] += weight * reach;
            return;
        }
        let scale = reach / positive;
        self.grow(wait.bins.len());
        for (v, &m) in self.wait.iter_mut().zip(&wait.bins) {
            *v += weight * scale * m;
        }
        let placed = scale * mass;
        if placed < reach * (1.0 - 1e-9) {
            // Rounding left some of the wait's mass unplaced (a wait without bins): at no wait.
            self.zero += weight * (reach - placed);
        }
    }

    fn grow(&mut self, n: usize) {
        if self.wait.len() < n {
            self.wait.resize(n, 0.0);
        }
    }

    /// Adds `scale x` these outcomes onto `grid` at the downtime they mean at the hospital of
    /// `x` (its delivery hours from each candidate and the primary, its engineer's travel; the
    /// repair is this entry's): `max(delivery, engineer) + repair`.
    pub fn apply(&self, x: &Failure<'_>, scale: f64, grid: &mut Grid) {
        let down = |delivery: f64| delivery.max(x.engineer_hours) + self.repair_hours;
        for (&d, &p) in x.class.candidates.iter().zip(&self.near) {
            if p > 0.0 {
                grid.add(down(x.hours(d)), scale * p);
            }
        }
        let t = x.hours(x.class.primary);
        if !self.wait.is_empty() {
            grid.add_wait(&self.wait, t, x.engineer_hours, self.repair_hours, scale);
        }
        if self.zero > 0.0 {
            grid.add(down(t), scale * self.zero);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depot(parent: Option<usize>, lead_days: f64) -> DepotSpec {
        DepotSpec {
            parent,
            lead_years: lead_days / 365.0,
        }
    }

    fn one_depot(lead_days: f64) -> Vec<DepotSpec> {
        vec![depot(None, lead_days)]
    }

    #[test]
    fn a_central_claim_waits_as_kruse_says() {
        // 20 claims a year, 21 days' lead time, S = 2: P(W > w) = P(Poisson(20 (504 - w) /
        // 8760) >= 2).
        let w = part_waits(&one_depot(21.0), &[2], &[20.0]);
        let c = &w.claim[0];
        let tail = |w: f64| at_least(20.0 * (504.0 - w) / 8760.0, 2);
        assert!((c.positive() - tail(0.0)).abs() < 1e-12);
        let beyond_100: f64 = c.bins[bin_of(100.0)..].iter().sum();
        assert!((beyond_100 - tail(100.0)).abs() < 1e-12);
        // Nothing waits longer than the lead time.
        assert!(c.bins.len() as f64 * STEP_HOURS <= 504.0 + 2.0 * STEP_HOURS);
        let total: f64 = c.zero + c.bins.iter().sum::<f64>();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn at_least_is_the_poisson_tail() {
        for &(mean, s) in &[
            (0.3, 1u32),
            (2.5, 3),
            (7.0, 4),
            (7.0, 12),
            (40.0, 30),
            (40.0, 55),
            (300.0, 280),
            (300.0, 330),
        ] {
            let want = 1.0 - crate::stock::dist::poisson_fill(mean, s);
            let got = at_least(mean, s);
            assert!((got - want).abs() < 1e-10, "{mean} {s}: {got} vs {want}");
        }
        assert_eq!(at_least(0.0, 0), 1.0);
        assert_eq!(at_least(0.0, 3), 0.0);
    }

    fn bin_of(hours: f64) -> usize {
        (hours / STEP_HOURS) as usize
    }

    #[test]
    fn no_stock_waits_the_lead_time_and_the_parents_delay() {
        let depots = vec![depot(None, 21.0), depot(Some(0), 3.0)];
        // The root never runs out (huge stock): a child without stock waits exactly 72 h.
        let w = part_waits(&depots, &[1000, 0], &[5.0, 5.0]);
        assert!((w.claim[0].zero - 1.0).abs() < 1e-12);
        let child = &w.claim[1];
        assert!(child.zero.abs() < 1e-12);
        let mass_at_72: f64 = child.bins[bin_of(72.0) - 1..].iter().sum();
        assert!((mass_at_72 - 1.0).abs() < 1e-9, "{:?}", child.bins);
        // A root without stock: the child's claim waits 72 h plus the root's 504 h.
        let w = part_waits(&depots, &[0, 0], &[5.0, 5.0]);
        let child = &w.claim[1];
        let mean: f64 = child
            .bins
            .iter()
            .enumerate()
            .map(|(k, m)| (k as f64 + 0.5) * STEP_HOURS * m)
            .sum();
        assert!((mean - 576.0).abs() < 2.0, "{mean}");
    }

    /// The claim waits by the direct double sum over the parent's bins (no tail sums).
    fn direct(depots: &[DepotSpec], stock: &[u32], claims: &[f64]) -> Vec<Vec<f64>> {
        let mut out: Vec<Option<Wait>> = vec![None; depots.len()];
        let mut survivals = vec![Vec::new(); depots.len()];
        for d in parents_first(depots) {
            let lead = depots[d].lead_years * HOURS_PER_YEAR;
            let per_hour = claims[d] / HOURS_PER_YEAR;
            let parent = depots[d]
                .parent
                .map(|p| out[p].clone().expect("parents first"));
            let longest = lead
                + parent
                    .as_ref()
                    .map_or(0.0, |w| w.bins.len() as f64 * STEP_HOURS);
            let k_max = (longest / STEP_HOURS).ceil() as usize + 1;
            let f = |z: f64| {
                if z <= 0.0 {
                    0.0
                } else {
                    at_least(per_hour * z, stock[d])
                }
            };
            let mut survival = vec![0.0; k_max + 1];
            for (i, s) in survival.iter_mut().enumerate() {
                let w = i as f64 * STEP_HOURS;
                let mut g = parent.as_ref().map_or(1.0, |p| p.zero) * f(lead - w);
                for (k, &m) in parent.iter().flat_map(|p| p.bins.iter().enumerate()) {
                    g += m * f(lead + (k as f64 + 0.5) * STEP_HOURS - w);
                }
                *s = g.clamp(0.0, 1.0);
            }
            survival[k_max] = 0.0;
            out[d] = Some(Wait::from_survival(&survival));
            survivals[d] = survival;
        }
        survivals
    }

    #[test]
    fn claim_waits_match_the_direct_sum_over_the_parents_delay() {
        // Central, two regionals, a forward site under each: stock from none to plenty.
        let depots = vec![
            depot(None, 21.0),
            depot(Some(0), 3.0),
            depot(Some(0), 2.0),
            depot(Some(1), 1.0),
            depot(Some(2), 1.5),
        ];
        let claims = [60.0, 25.0, 30.0, 6.0, 0.5];
        for stock in [
            [0, 0, 0, 0, 0],
            [1, 0, 2, 0, 1],
            [3, 2, 0, 1, 0],
            [8, 4, 5, 2, 3],
            [0, 30, 1, 0, 7],
        ] {
            let want = direct(&depots, &stock, &claims);
            let got = part_waits(&depots, &stock, &claims);
            for d in 0..depots.len() {
                let w = &got.claim[d];
                let mut survival = 1.0 - w.zero;
                for (k, &m) in w.bins.iter().enumerate() {
                    let expected = want[d].get(k).copied().unwrap_or(0.0);
                    assert!(
                        (survival - expected).abs() < 1e-12,
                        "{stock:?} depot {d} bin {k}"
                    );
                    survival -= m;
                }
            }
        }
    }

    /// Two grids equal bin by bin within 1e-12 (a missing bin is zero).
    fn assert_same_grid(a: &Grid, b: &Grid, label: &str) {
        for k in 0..a.sev.len().max(b.sev.len()) {
            let (x, y) = (
                a.sev.get(k).copied().unwrap_or(0.0),
                b.sev.get(k).copied().unwrap_or(0.0),
            );
            assert!((x - y).abs() < 1e-12, "{label} bin {k}: {x} vs {y}");
        }
    }

    #[test]
    fn a_wait_on_the_grid_lands_where_each_bin_would() {
        // The shifted spread against one add per bin, over engineers before, inside and after
        // the wait, delays on and off the grid, and a cap inside the wait.
        let bins: Vec<f64> = (0..40).map(|k| ((k * 7 + 3) % 11) as f64 / 100.0).collect();
        for &(t, engineer, repair, cap) in &[
            (0.0, 0.0, 0.0, 1e9),
            (3.0, 30.0, 4.0, 1e9),
            (2.5, 7.25, 1.5, 1e9),
            (11.0, 200.0, 6.0, 1e9),
            (0.75, 20.0, 0.25, 40.0),
            (5.0, 1.0, 3.0, 61.0),
        ] {
            let mut fast = Grid::new(cap);
            fast.add_wait(&bins, t, engineer, repair, 0.5);
            let mut slow = Grid::new(cap);
            for (k, &m) in bins.iter().enumerate() {
                let delivery = (k as f64 + 0.5) * STEP_HOURS + t;
                slow.add(delivery.max(engineer) + repair, 0.5 * m);
            }
            assert_same_grid(&fast, &slow, &format!("t {t} engineer {engineer}"));
        }
    }

    /// One failure's outcomes at their downtime, one add per outcome (the reference for the
    /// class sums and the shifted waits of [`Outcomes`]).
    fn outcomes_one_by_one(
        fill: &[f64],
        waits: &PartWaits,
        x: &Failure<'_>,
        weight: f64,
        grid: &mut Grid,
    ) {
        let down = |delivery: f64| delivery.max(x.engineer_hours) + x.repair_hours;
        let mut reach = 1.0;
        for &d in &x.class.candidates {
            grid.add(down(x.hours(d)), weight * reach * fill[d]);
            reach *= 1.0 - fill[d];
        }
        let t = x.hours(x.class.primary);
        let claim = &waits.claim[x.class.primary];
        let wait = if !x.class.candidates.is_empty() && claim.positive() > 1e-12 {
            claim
        } else {
            &waits.next_arrival[x.class.primary]
        };
        let mass: f64 = wait.bins.iter().sum();
        if mass <= 0.0 {
            grid.add(down(t), weight * reach);
        } else if reach < COLLAPSE {
            let k = (wait.mean_if_waiting / STEP_HOURS).floor();
            grid.add(down((k + 0.5) * STEP_HOURS + t), weight * reach);
        } else {
            for (k, &m) in wait.bins.iter().enumerate() {
                let delivery = (k as f64 + 0.5) * STEP_HOURS + t;
                grid.add(down(delivery), weight * reach * m / mass);
            }
        }
    }

    #[test]
    fn a_class_sum_applied_at_a_hospital_is_every_parts_outcomes() {
        // A central depot (0) and a regional one (1); a hospital 5 h from the regional depot
        // and 30 h from the central one, its engineer 9 h away; four parts of two repair
        // times, one stocked so well that its wait collapses to its mean, one with no stock.
        let depots = vec![depot(None, 21.0), depot(Some(0), 3.0)];
        let class = Class {
            candidates: vec![1, 0],
            primary: 1,
        };
        let hours = vec![Some(30.0), Some(5.0)];
        let parts: Vec<(Vec<u32>, Vec<f64>, f64, f64)> = vec![
            (vec![2, 1], vec![0.7, 0.5], 4.0, 0.3),
            (vec![0, 0], vec![0.0, 0.0], 4.0, 0.2),
            (vec![6, 3], vec![0.9999, 0.99], 7.5, 0.4),
            (vec![1, 0], vec![0.4, 0.0], 7.5, 0.1),
        ];
        for engineer in [9.0, 0.0, 400.0] {
            let at = |repair_hours: f64| Failure {
                class: &class,
                hours: &hours,
                hospitals: 1,
                hospital: 0,
                engineer_hours: engineer,
                repair_hours,
            };
            let mut reference = Grid::new(8760.0);
            let mut by_repair: Vec<Outcomes> = Vec::new();
            for (stock, fill, repair, weight) in &parts {
                let waits = part_waits(&depots, stock, &[12.0, 8.0]);
                outcomes_one_by_one(fill, &waits, &at(*repair), *weight, &mut reference);
                let i = match by_repair.iter().position(|o| o.repair_hours == *repair) {
                    Some(i) => i,
                    None => {
                        by_repair.push(Outcomes::new(class.candidates.len(), *repair));
                        by_repair.len() - 1
                    }
                };
                by_repair[i].add_part(fill, &waits, &class, *weight);
            }
            let mut fast = Grid::new(8760.0);
            for o in &by_repair {
                o.apply(&at(o.repair_hours), 1.0, &mut fast);
            }
            let total: f64 = fast.sev.iter().sum();
            assert!((total - 1.0).abs() < 1e-12, "total {total}");
            assert_same_grid(&fast, &reference, &format!("engineer {engineer}"));
        }
    }
}
