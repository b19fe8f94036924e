//! A scanner's downtime in a warranty year as a compound Poisson sum, and the days short it
//! gives against an allowance.
//!
//! Failures arrive as a Poisson stream (all parts of the model together); each failure's
//! downtime has a distribution on a grid of [`STEP_HOURS`]. The year's downtime `T` is their
//! sum, computed by Panjer's recursion up to a horizon, with the mass beyond the horizon and its
//! mean excess kept so that no expectation loses it. Days short against an allowance `A` hours
//! are `ceil((T - A) / 24)` where positive (model.md), so
//! `E[days short] = sum over j >= 0 of P(T > A + 24 j)`.
//!
//! Deliberately absent: overlap of two failures' downtime (the simulator merges overlapping
//! periods; at a few failures a year they rarely overlap), and any knowledge of stock: the
//! per-failure distribution comes from [`super::wait`].

/// The grid of downtime, in hours.
pub const STEP_HOURS: f64 = 2.0;

/// Hours per day.
const DAY: f64 = 24.0;

/// Days beyond the largest allowance that the recursion covers exactly; the rest is summed from
/// the mean excess beyond the horizon.
const HORIZON_DAYS: f64 = 40.0;

/// The grid bin of a duration in hours (rounded to the nearest grid point).
pub fn bin(hours: f64) -> usize {
    (hours / STEP_HOURS).round().max(0.0) as usize
}

/// A year's downtime: its distribution on the grid up to the horizon, and beyond it the mass
/// and the mean excess.
#[derive(Clone, Debug)]
pub struct YearDowntime {
    /// `P(T = k x STEP)` for `k < horizon`.
    pmf: Vec<f64>,
    /// `survival[k] = P(T >= k x STEP)` for `k <= horizon`.
    survival: Vec<f64>,
    /// `E[(T - horizon x STEP)^+]`, in hours.
    excess: f64,
}

impl YearDowntime {
    /// The sum of `Poisson(rate)` failures whose downtime has the distribution `severity`
    /// (`severity[k] = P(downtime = k x STEP)`, summing to 1), exact on the grid up to a horizon
    /// of [`HORIZON_DAYS`] beyond `allowance_hours`.
    pub fn new(rate: f64, severity: &[f64], allowance_hours: f64) -> YearDowntime {
        let horizon = bin(allowance_hours + HORIZON_DAYS * DAY) + 1;
        let support: Vec<(usize, f64)> = severity
            .iter()
            .enumerate()
            .filter(|&(j, &f)| j > 0 && f > 1e-14)
            .map(|(j, &f)| (j, f))
            .collect();
        let f0 = severity.first().copied().unwrap_or(0.0);
        let mut pmf = vec![0.0; horizon];
        pmf[0] = (-rate * (1.0 - f0)).exp();
        for k in 1..horizon {
            let mut s = 0.0;
            for &(j, f) in &support {
                if j > k {
                    break;
                }
                s += j as f64 * f * pmf[k - j];
            }
            pmf[k] = rate * s / k as f64;
        }
        let mut survival = vec![0.0; horizon + 1];
        let within: f64 = pmf.iter().sum();
        survival[horizon] = (1.0 - within).max(0.0);
        for k in (0..horizon).rev() {
            survival[k] = survival[k + 1] + pmf[k];
        }
        let mean_steps: f64 = rate * support.iter().map(|&(j, f)| j as f64 * f).sum::<f64>();
        let within_steps: f64 = pmf.iter().enumerate().map(|(k, p)| k as f64 * p).sum();
        let beyond = mean_steps - within_steps - horizon as f64 * survival[horizon];
        YearDowntime {
            pmf,
            survival,
            excess: beyond.max(0.0) * STEP_HOURS,
        }
    }

    /// The horizon, in hours.
    fn horizon_hours(&self) -> f64 {
        self.pmf.len() as f64 * STEP_HOURS
    }

    /// `P(T > x)` for `x` below the horizon.
    fn above(&self, x: f64) -> f64 {
        if x < 0.0 {
            return 1.0;
        }
        let k = (x / STEP_HOURS + 1e-9).floor() as usize + 1;
        self.survival[k.min(self.pmf.len())]
    }

    /// `E[ceil((T + shift - A) / 24)^+]`: the expected days short against an allowance of
    /// `allowance` hours when every year carries `shift` more hours of downtime.
    pub fn days_short(&self, allowance: f64, shift: f64) -> f64 {
        let horizon = self.horizon_hours();
        let mut total = 0.0;
        let mut j = 0.0;
        loop {
            let x = allowance + DAY * j - shift;
            if x >= horizon {
                break;
            }
            total += self.above(x);
            j += 1.0;
        }
        // Beyond the horizon: thresholds x0, x0 + 24, ...; sum of P(T > x) ~ E[(T - x0)^+] / 24
        // plus half a day's worth of the mass beyond x0.
        let x0 = allowance + DAY * j - shift;
        let mass = *self.survival.last().expect("a horizon");
        let excess = (self.excess - (x0 - horizon) * mass).max(0.0);
        total + excess / DAY + 0.5 * mass.min(excess / DAY)
    }

    /// `P(T = k x STEP)`, for tests.
    #[cfg(test)]
    fn at(&self, k: usize) -> f64 {
        self.pmf[k]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: the distribution of a Poisson number of i.i.d. grid downtimes by summing over
    /// the number of failures.
    fn brute(rate: f64, severity: &[f64], n_max: usize, bins: usize) -> Vec<f64> {
        let mut out = vec![0.0; bins];
        let mut conv = vec![0.0; bins];
        conv[0] = 1.0;
        let mut p_n = (-rate).exp();
        for n in 0..=n_max {
            for k in 0..bins {
                out[k] += p_n * conv[k];
            }
            let mut next = vec![0.0; bins];
            for (a, &ca) in conv.iter().enumerate() {
                for (b, &fb) in severity.iter().enumerate() {
                    if a + b < bins {
                        next[a + b] += ca * fb;
                    }
                }
            }
            conv = next;
            p_n *= rate / (n + 1) as f64;
        }
        out
    }

    #[test]
    fn panjer_matches_the_sum_over_failure_counts() {
        let mut severity = vec![0.0; 40];
        severity[0] = 0.1;
        severity[12] = 0.6;
        severity[30] = 0.3;
        let t = YearDowntime::new(2.3, &severity, 10.0);
        let b = brute(2.3, &severity, 40, 200);
        for (k, want) in b.iter().enumerate().take(200) {
            assert!(
                (t.at(k) - want).abs() < 1e-12,
                "bin {k}: {} vs {want}",
                t.at(k)
            );
        }
    }

    #[test]
    fn one_failure_a_year_at_most_gives_days_short_by_hand() {
        // A tiny rate: P(one failure) ~ rate, two ~ rate^2 / 2. One failure of 500 h against an
        // allowance of 438 h is 62 h short: ceil(62 / 24) = 3 days.
        let rate = 1e-4;
        let mut severity = vec![0.0; bin(500.0) + 1];
        severity[bin(500.0)] = 1.0;
        let t = YearDowntime::new(rate, &severity, 438.0);
        let one = rate * (-rate).exp();
        let two = rate * rate / 2.0 * (-rate).exp();
        // Two failures: 1000 h, 562 h short, 24 days; more are negligible.
        let want = 3.0 * one + 24.0 * two;
        let got = t.days_short(438.0, 0.0);
        assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        // A shift of 100 h on every year: the year without failure is 0 short (100 < 438), one
        // failure 162 h short (7 days).
        let got = t.days_short(438.0, 100.0);
        let want = 7.0 * one + ((1100.0f64 - 438.0) / 24.0).ceil() * two;
        assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    }

    #[test]
    fn mass_beyond_the_horizon_keeps_its_mean() {
        // Every failure lasts longer than the horizon: the days short come from the excess.
        let hours = 438.0 + HORIZON_DAYS * DAY + 500.0;
        let mut severity = vec![0.0; bin(hours) + 1];
        severity[bin(hours)] = 1.0;
        let rate = 1e-3;
        let t = YearDowntime::new(rate, &severity, 438.0);
        let want = rate * ((hours - 438.0) / DAY).ceil();
        let got = t.days_short(438.0, 0.0);
        assert!((got - want).abs() / want < 0.01, "{got} vs {want}");
    }
}
