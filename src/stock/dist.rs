//! Demand distributions of one-for-one (S-1, S) inventory: Poisson pipelines, their expected
//! backorders and on-hand stock, and the two-echelon METRIC delay with Graves' variance
//! correction (a negative binomial fitted to mean and variance).
//!
//! With base stock `S` and a pipeline `X` of outstanding orders:
//! - fill rate (a request finds stock on hand) = `P(X <= S - 1)`;
//! - expected backorders `EBO(S) = E[(X - S)^+]`, expected on hand `E[(S - X)^+]`;
//! - METRIC (Sherbrooke 1968): a base's replenishment time is its own lead time plus the mean
//!   delay at the depot, `EBO_0(S_0) / demand_0` (Little's law);
//! - Graves (1985): the base pipeline is then over-dispersed; its variance adds the share of the
//!   depot's backorder variance that falls on the base.
//!
//! Deliberately absent: any optimisation (that is the caller's), and closed forms beyond these.

/// Probabilities of a discrete distribution on `0..=n`, with the tail mass above `n` implied.
#[derive(Clone, Debug)]
pub struct Pmf {
    p: Vec<f64>,
    mean: f64,
}

/// `ln Γ(x)` for `x > 0` (Lanczos approximation, relative error below 1e-14).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

impl Pmf {
    /// Poisson with the given mean, on `0..=n` where `n` leaves less than 1e-15 in the tail.
    pub fn poisson(mean: f64) -> Pmf {
        assert!(
            mean >= 0.0 && mean.is_finite(),
            "a Poisson mean is finite and non-negative"
        );
        if mean == 0.0 {
            return Pmf { p: vec![1.0], mean };
        }
        let n = (mean + 12.0 * mean.sqrt() + 30.0).ceil() as usize;
        let mode = mean.floor() as usize;
        let mut p = vec![0.0; n + 1];
        // Start at the mode in log space and recur outwards: stable for any mean.
        p[mode] = (mode as f64 * mean.ln() - mean - ln_gamma(mode as f64 + 1.0)).exp();
        for k in (0..mode).rev() {
            p[k] = p[k + 1] * (k + 1) as f64 / mean;
        }
        for k in mode + 1..=n {
            p[k] = p[k - 1] * mean / k as f64;
        }
        Pmf { p, mean }
    }

    /// Negative binomial with the given mean and variance (variance > mean), or Poisson when the
    /// variance does not exceed the mean.
    pub fn with_variance(mean: f64, variance: f64) -> Pmf {
        if variance <= mean * (1.0 + 1e-12) || mean == 0.0 {
            return Pmf::poisson(mean);
        }
        // P(X = k) = C(k + r - 1, k) q^r (1 - q)^k with q = mean / variance, r = mean q / (1 - q).
        let q = mean / variance;
        let r = mean * q / (1.0 - q);
        let sd = variance.sqrt();
        let n = (mean + 14.0 * sd + 30.0).ceil() as usize;
        let mut p = vec![0.0; n + 1];
        p[0] = (r * q.ln()).exp();
        for k in 1..=n {
            p[k] = p[k - 1] * (k as f64 - 1.0 + r) / k as f64 * (1.0 - q);
        }
        Pmf { p, mean }
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// `P(X = k)`.
    pub fn pmf(&self, k: usize) -> f64 {
        self.p.get(k).copied().unwrap_or(0.0)
    }

    /// `P(X <= k)`; `P(X <= -1) = 0`.
    pub fn cdf(&self, k: i64) -> f64 {
        if k < 0 {
            return 0.0;
        }
        let k = (k as usize).min(self.p.len() - 1);
        self.p[..=k].iter().sum::<f64>().min(1.0)
    }

    /// Fill rate of base stock `s`: `P(X <= s - 1)`.
    pub fn fill_rate(&self, s: u32) -> f64 {
        self.cdf(i64::from(s) - 1)
    }

    /// Expected on hand `E[(s - X)^+]`.
    pub fn expected_on_hand(&self, s: u32) -> f64 {
        let s = s as usize;
        // Terms beyond the table carry less than 1e-15 of mass.
        (0..s.min(self.p.len()))
            .map(|k| (s - k) as f64 * self.p[k])
            .sum::<f64>()
    }

    /// Expected backorders `E[(X - s)^+] = mean - s + E[(s - X)^+]`.
    pub fn expected_backorders(&self, s: u32) -> f64 {
        (self.mean - f64::from(s) + self.expected_on_hand(s)).max(0.0)
    }

    /// Variance of backorders `Var[(X - s)^+]`.
    pub fn backorder_variance(&self, s: u32) -> f64 {
        let s = s as usize;
        let mut m1 = 0.0;
        let mut m2 = 0.0;
        for (k, &p) in self.p.iter().enumerate().skip(s + 1) {
            let b = (k - s) as f64;
            m1 += b * p;
            m2 += b * b * p;
        }
        (m2 - m1 * m1).max(0.0)
    }
}

/// `P(Poisson(mean) <= s - 1)`, the fill rate of base stock `s`, without building a [`Pmf`]
/// (the inner loop of the service model; large means go through [`Pmf`], whose table starts at
/// the mode).
pub fn poisson_fill(mean: f64, s: u32) -> f64 {
    if s == 0 {
        return 0.0;
    }
    if mean > 50.0 {
        return Pmf::poisson(mean).fill_rate(s);
    }
    let mut term = (-mean).exp();
    let mut sum = term;
    for k in 1..s {
        term *= mean / f64::from(k);
        sum += term;
    }
    sum.min(1.0)
}

/// `P(X <= s - 1)` for the pipeline of [`Pmf::with_variance`], without building the table.
pub fn fill_rate(mean: f64, variance: f64, s: u32) -> f64 {
    if variance <= mean * (1.0 + 1e-12) || mean == 0.0 {
        return poisson_fill(mean, s);
    }
    if s == 0 {
        return 0.0;
    }
    let q = mean / variance;
    let r = mean * q / (1.0 - q);
    let mut term = (r * q.ln()).exp();
    let mut sum = term;
    for k in 1..s {
        term *= (f64::from(k) - 1.0 + r) / f64::from(k) * (1.0 - q);
        sum += term;
    }
    sum.min(1.0)
}

/// Expected backorders `E[(X - s)^+]` and their variance at base stock `s` for the pipeline of
/// [`Pmf::with_variance`]: the same terms summed in the same order as that table's
/// [`Pmf::expected_backorders`] and [`Pmf::backorder_variance`], in one pass without building
/// it (the service model asks this of every depot with children at every fixed-point step).
pub fn backorders_with_variance(mean: f64, variance: f64, s: u32) -> (f64, f64) {
    if variance <= mean * (1.0 + 1e-12) || mean == 0.0 {
        let pmf = Pmf::poisson(mean);
        return (pmf.expected_backorders(s), pmf.backorder_variance(s));
    }
    let q = mean / variance;
    let r = mean * q / (1.0 - q);
    let sd = variance.sqrt();
    let n = (mean + 14.0 * sd + 30.0).ceil() as usize;
    let s_at = s as usize;
    let mut term = (r * q.ln()).exp();
    let mut on_hand = -0.0;
    let (mut m1, mut m2) = (0.0, 0.0);
    for k in 0..=n {
        if k > 0 {
            term = term * (k as f64 - 1.0 + r) / k as f64 * (1.0 - q);
        }
        if k < s_at {
            on_hand += (s_at - k) as f64 * term;
        } else if k > s_at {
            let b = (k - s_at) as f64;
            m1 += b * term;
            m2 += b * b * term;
        }
    }
    (
        (mean - f64::from(s) + on_hand).max(0.0),
        (m2 - m1 * m1).max(0.0),
    )
}

/// The METRIC view of one base supplied by a depot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BasePipeline {
    pub mean: f64,
    pub variance: f64,
}

/// Pipeline of a base with `demand` per year, `own_years` of its own replenishment time, supplied
/// by a depot with total demand `depot_demand` whose stock leaves `depot` as the pipeline there.
/// With `graves`, the variance carries the base's share of the depot backorder variance.
pub fn base_pipeline(
    demand: f64,
    own_years: f64,
    depot_demand: f64,
    depot: &Pmf,
    depot_stock: u32,
    graves: bool,
) -> BasePipeline {
    let ebo = depot.expected_backorders(depot_stock);
    let variance = if graves {
        depot.backorder_variance(depot_stock)
    } else {
        0.0
    };
    pipeline_of(demand, own_years, depot_demand, ebo, variance, graves)
}

/// [`base_pipeline`] from the depot's expected backorders and their variance.
pub fn pipeline_of(
    demand: f64,
    own_years: f64,
    depot_demand: f64,
    ebo: f64,
    backorder_variance: f64,
    graves: bool,
) -> BasePipeline {
    let share = if depot_demand > 0.0 {
        demand / depot_demand
    } else {
        0.0
    };
    let mean = demand * own_years + share * ebo;
    let variance = if graves {
        demand * own_years + share * share * backorder_variance + share * (1.0 - share) * ebo
    } else {
        mean
    };
    BasePipeline { mean, variance }
}

/// The outstanding orders of a depot whose arrivals are accepted at rate `a / lead` while it has
/// stock on hand (requests filled from stock: when it has none they go elsewhere) and at rate
/// `b / lead` when it has none (requests and child orders that wait there), each order
/// outstanding for the lead time: the birth-death process with `P(x) ~ a^x / x!` up to `s` and
/// `a^s b^(x - s) / x!` beyond (exact for exponential lead times; Erlang's loss system when
/// `b = 0`, the Poisson pipeline when `b = a`). Returns the fill rate `P(X < s)`, the expected
/// backorders `E[(X - s)^+]` and their variance. The terms are summed in one pass by their
/// ratios, rescaled before they overflow.
pub fn partial_loss(s: u32, a: f64, b: f64) -> (f64, f64, f64) {
    if a <= 0.0 && b <= 0.0 {
        return (if s > 0 { 1.0 } else { 0.0 }, 0.0, 0.0);
    }
    // The terms up to s by their ratio a / x (rescaled before they overflow), then the tail by
    // b / x until it is negligible.
    let mut t = 1.0f64;
    let mut below = 0.0f64;
    for x in 1..=s {
        below += t;
        t *= a / f64::from(x);
        if t > 1e200 {
            t *= 1e-200;
            below *= 1e-200;
        }
        // Past the mode, once the terms no longer change the sum, the s-th term in logs: a
        // depot with far more stock than its pipeline costs a few dozen terms, not s.
        if x < s && f64::from(x) > a && t < below * 1e-18 {
            let log_ratio = (t / below).ln() + f64::from(s - x) * a.ln()
                - (ln_gamma(f64::from(s) + 1.0) - ln_gamma(f64::from(x) + 1.0));
            t = below * log_ratio.exp();
            break;
        }
    }
    let mut z = below + t;
    let (mut m1, mut m2) = (0.0f64, 0.0f64);
    if b > 0.0 {
        let mut x = f64::from(s);
        let mut k = 0.0f64;
        loop {
            x += 1.0;
            k += 1.0;
            t *= b / x;
            z += t;
            m1 += k * t;
            m2 += k * k * t;
            if (x > b && t < z * 1e-18) || k > 1e6 {
                break;
            }
            if t > 1e200 {
                t *= 1e-200;
                z *= 1e-200;
                below *= 1e-200;
                m1 *= 1e-200;
                m2 *= 1e-200;
            }
        }
    }
    let ebo = m1 / z;
    (below / z, ebo, (m2 / z - ebo * ebo).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut f = 1.0f64;
        for n in 1..30 {
            f *= n as f64;
            assert!(close(ln_gamma(n as f64 + 1.0), f.ln(), 1e-10), "{n}");
        }
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
    }

    #[test]
    fn negative_binomial_has_its_mean_and_variance() {
        let d = Pmf::with_variance(4.0, 9.0);
        let m: f64 = (0..400).map(|k| k as f64 * d.pmf(k)).sum();
        let v: f64 = (0..400).map(|k| (k as f64 - m).powi(2) * d.pmf(k)).sum();
        assert!(close(m, 4.0, 1e-9) && close(v, 9.0, 1e-7), "{m} {v}");
    }

    #[test]
    fn partial_loss_is_poisson_when_everything_waits_and_erlang_when_nothing_does() {
        // b = a: the Poisson pipeline.
        let pmf = Pmf::poisson(2.5);
        let (f, ebo, var) = partial_loss(3, 2.5, 2.5);
        assert!(close(f, pmf.fill_rate(3), 1e-12));
        assert!(close(ebo, pmf.expected_backorders(3), 1e-12));
        assert!(close(var, pmf.backorder_variance(3), 1e-10));
        // b = 0: Erlang's loss formula, B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2.
        let (f, ebo, _) = partial_loss(2, 1.0, 0.0);
        assert!(close(f, 0.8, 1e-12));
        assert_eq!(ebo, 0.0);
        // In between, by hand: s = 1, a = 1, b = 0.5: P(0) ~ 1, P(x) ~ 0.5^(x-1) / x! for x >= 1,
        // whose sum is (e^0.5 - 1) / 0.5 = 2(e^0.5 - 1).
        let z = 1.0 + 2.0 * (0.5f64.exp() - 1.0);
        let (f, _, _) = partial_loss(1, 1.0, 0.5);
        assert!(close(f, 1.0 / z, 1e-12));
    }

    /// The partial-loss sums term by term up to `s` (no jump past the mode).
    fn partial_loss_direct(s: u32, a: f64, b: f64) -> (f64, f64, f64) {
        let mut t = 1.0f64;
        let mut below = 0.0f64;
        for x in 1..=s {
            below += t;
            t *= a / f64::from(x);
        }
        let mut z = below + t;
        let (mut m1, mut m2) = (0.0f64, 0.0f64);
        let (mut x, mut k) = (f64::from(s), 0.0f64);
        while b > 0.0 && k < 1e5 {
            x += 1.0;
            k += 1.0;
            t *= b / x;
            z += t;
            m1 += k * t;
            m2 += k * k * t;
        }
        let ebo = m1 / z;
        (below / z, ebo, (m2 / z - ebo * ebo).max(0.0))
    }

    #[test]
    fn partial_loss_past_the_mode_matches_the_sum_term_by_term() {
        for &(s, a, b) in &[
            (40u32, 3.0, 2.0),
            (60, 20.0, 25.0),
            (120, 60.0, 30.0),
            (150, 90.0, 120.0),
            (200, 5.0, 8.0),
            (25, 0.4, 0.1),
            (80, 40.0, 0.0),
            (80, 20.0, 60.0),
            (300, 150.0, 250.0),
            // A jump past the mode, then a long tail of waiting claims: backorders that matter.
            (60, 10.0, 200.0),
            (100, 30.0, 400.0),
        ] {
            let (f, e, v) = partial_loss(s, a, b);
            let (f0, e0, v0) = partial_loss_direct(s, a, b);
            // The tail stops at terms below 1e-18 of the total, so tiny figures agree absolutely.
            let near = |x: f64, y: f64| (x - y).abs() <= 1e-12 + 1e-9 * y.abs();
            assert!(near(f, f0), "{s} {a} {b}: fill {f} vs {f0}");
            assert!(near(e, e0), "{s} {a} {b}: backorders {e} vs {e0}");
            assert!(near(v, v0), "{s} {a} {b}: variance {v} vs {v0}");
        }
        // Against the sums in exact rational arithmetic (Python's fractions, 2,000 tail terms).
        let (f, e, _) = partial_loss(60, 10.0, 200.0);
        assert!((f - 3.514_252_122_049_636e-5).abs() < 1e-14, "{f}");
        assert!((e - 139.995_080_047_029_12).abs() < 1e-8, "{e}");
    }

    #[test]
    fn backorders_without_the_table_are_the_tables() {
        for &(mean, variance) in &[
            (0.4, 0.9),
            (3.0, 3.0),
            (3.0, 7.5),
            (12.0, 30.0),
            (60.0, 61.0),
            (150.0, 900.0),
        ] {
            let pmf = Pmf::with_variance(mean, variance);
            for s in [0u32, 1, 2, 5, 11, 40, 80, 200, 2000] {
                let (ebo, var) = backorders_with_variance(mean, variance, s);
                assert_eq!(ebo, pmf.expected_backorders(s), "{mean} {variance} {s}");
                assert_eq!(var, pmf.backorder_variance(s), "{mean} {variance} {s}");
            }
        }
    }
}
