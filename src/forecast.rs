//! Intermittent-demand forecasts of a monthly series: Croston (1972), the Syntetos-Boylan
//! approximation (SBA, 2005) and Teunter-Syntetos-Babai (TSB, 2011).
//!
//! Conventions (those of statsforecast, so results can be checked against it): exponential
//! smoothing starts at the first observation, `f = a x + (1 - a) f` over the observations, and
//! the one-step forecast is the last smoothed value. Croston smooths the non-zero demand sizes and
//! the intervals between them (the first interval counts the leading zeros) and forecasts
//! size / interval; SBA multiplies that by `1 - a / 2`; TSB smooths the sizes and, every period,
//! the probability that demand occurs, and forecasts their product. A series with no demand
//! forecasts zero.
//!
//! Deliberately absent: the choice between methods and the batch around it.

/// Simple exponential smoothing in the convention above; `None` for an empty series.
pub fn ses(xs: &[f64], alpha: f64) -> Option<f64> {
    let (&first, _) = xs.split_first()?;
    Some(xs.iter().fold(first, |f, &x| alpha * x + (1.0 - alpha) * f))
}

/// Non-zero demand sizes and the intervals before each (the first counts the leading zeros).
pub fn sizes_and_intervals(series: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut sizes = Vec::new();
    let mut intervals = Vec::new();
    let mut since = 0.0;
    for &x in series {
        since += 1.0;
        if x > 0.0 {
            sizes.push(x);
            intervals.push(since);
            since = 0.0;
        }
    }
    (sizes, intervals)
}

/// Croston's classic forecast, per period.
pub fn croston(series: &[f64], alpha: f64) -> f64 {
    let (sizes, intervals) = sizes_and_intervals(series);
    match (ses(&sizes, alpha), ses(&intervals, alpha)) {
        (Some(z), Some(p)) if p > 0.0 => z / p,
        _ => 0.0,
    }
}

/// The Syntetos-Boylan approximation: Croston times `1 - alpha / 2`.
pub fn sba(series: &[f64], alpha: f64) -> f64 {
    croston(series, alpha) * (1.0 - alpha / 2.0)
}

/// Teunter-Syntetos-Babai: smoothed size times smoothed probability of demand.
pub fn tsb(series: &[f64], alpha_d: f64, alpha_p: f64) -> f64 {
    let (sizes, _) = sizes_and_intervals(series);
    let occurs: Vec<f64> = series
        .iter()
        .map(|&x| if x > 0.0 { 1.0 } else { 0.0 })
        .collect();
    match (ses(&sizes, alpha_d), ses(&occurs, alpha_p)) {
        (Some(z), Some(p)) => z * p,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERIES: [f64; 16] = [
        0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 1.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 4.0, 0.0, 1.0,
    ];

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-7
    }

    #[test]
    fn statsforecast_reference_values() {
        let (sizes, intervals) = sizes_and_intervals(&SERIES);
        assert_eq!(sizes, vec![3.0, 1.0, 2.0, 4.0, 1.0]);
        assert_eq!(intervals, vec![3.0, 4.0, 2.0, 5.0, 2.0]);
        assert!(close(ses(&sizes, 0.1).unwrap(), 2.6632));
        assert!(close(ses(&intervals, 0.1).unwrap(), 3.0719));
        assert!(close(croston(&SERIES, 0.1), 0.8669553));
        assert!(close(sba(&SERIES, 0.1), 0.82360754));
        assert!(close(tsb(&SERIES, 0.1, 0.1), 0.78029203));
        assert!(close(tsb(&SERIES, 0.2, 0.2), 0.98976775));
    }

    #[test]
    fn hand_worked_short_series() {
        // No demand at all.
        assert_eq!(croston(&[0.0; 6], 0.1), 0.0);
        assert_eq!(sba(&[0.0; 6], 0.1), 0.0);
        assert_eq!(tsb(&[0.0; 6], 0.1, 0.1), 0.0);
        assert_eq!(croston(&[], 0.1), 0.0);
        // A single demand of 6 in the fourth month: size 6, interval 4.
        let one = [0.0, 0.0, 0.0, 6.0, 0.0, 0.0];
        assert!(close(croston(&one, 0.1), 1.5));
        assert!(close(sba(&one, 0.1), 1.425));
        // Probability: 0, 0, 0, then 0.1, 0.09, 0.081; size 6.
        assert!(close(tsb(&one, 0.1, 0.1), 6.0 * 0.081));
        // Demand every month of 2: every method forecasts 2 (SBA 1.9).
        let flat = [2.0; 5];
        assert!(close(croston(&flat, 0.1), 2.0));
        assert!(close(sba(&flat, 0.1), 1.9));
        assert!(close(tsb(&flat, 0.1, 0.1), 2.0));
    }
}
