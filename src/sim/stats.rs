//! Summaries across replications, each with a 95 % confidence interval from Student's t over the
//! replications' own values (the replications are independent; requests within one are not).

use super::engine::Replication;
use super::SimSpec;
use crate::uptime::{days_short, EXTENSION_DAYS_PER_DAY_SHORT};

/// Days of the simulated warranty year.
pub const WARRANTY_DAYS: i64 = crate::stock::warranty::WARRANTY_DAYS;

/// A mean with its 95 % confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    /// Replications that had a value.
    pub n: usize,
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (Cornish-Fisher expansion
/// around the normal quantile; within 0.3 % of the table from 3 degrees of freedom, exact
/// table values below).
pub fn t975(df: usize) -> f64 {
    const TABLE: [f64; 3] = [12.706, 4.303, 3.182];
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= TABLE.len() {
        return TABLE[df - 1];
    }
    let z = 1.959_963_985_f64;
    let v = df as f64;
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / (384.0 * v.powi(3))
}

/// Mean and 95 % interval of independent values (the interval is a point for one value).
pub fn estimate(values: &[f64]) -> Estimate {
    let n = values.len();
    if n == 0 {
        return Estimate {
            mean: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
            n,
        };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Estimate {
            mean,
            low: mean,
            high: mean,
            n,
        };
    }
    let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t975(n - 1) * (var / n as f64).sqrt();
    Estimate {
        mean,
        low: mean - half,
        high: mean + half,
        n,
    }
}

/// What a simulation found.
#[derive(Clone, Debug)]
pub struct Summary {
    pub replications: usize,
    pub failures: u64,
    /// Quarterly maintenance visits and their parts, per year.
    pub pm_visits_per_year: Estimate,
    pub pm_parts_per_year: Estimate,
    pub on_time: Estimate,
    /// Requests filled from stock at once, over all requests.
    pub fill_rate: Estimate,
    pub wait_mean: Estimate,
    pub wait_p95: Estimate,
    pub wait_p99: Estimate,
    pub undelivered: Estimate,
    /// Per hospital (`None`: no request in any replication) and its requests per year.
    pub hospitals: Vec<Option<Estimate>>,
    pub hospital_fill: Vec<Option<Estimate>>,
    pub hospital_requests_per_year: Vec<f64>,
    /// Per hospital and deadline tier (the plan's requirement index): the pooled on-time of its
    /// requests over all replications ([`pooled_ratio_estimates`]) and its requests per year.
    pub tiers: Vec<Option<Estimate>>,
    pub tier_requests_per_year: Vec<f64>,
    pub parts: Vec<Option<Estimate>>,
    pub part_fill: Vec<Option<Estimate>>,
    pub part_requests_per_year: Vec<f64>,
    /// Per unit, means across replications.
    pub unit_uptime: Vec<f64>,
    pub unit_days_short: Vec<f64>,
    pub unit_extension_days: Vec<f64>,
    pub uptime_mean: Estimate,
    pub uptime_min: Estimate,
    pub units_below_target: Estimate,
    pub days_short_total: Estimate,
    pub extension_days_total: Estimate,
    /// Mean outstanding replenishment orders per part and depot (cell `part x depots + depot`).
    pub outstanding: Vec<f64>,
}

/// The `q` quantile (nearest rank) of sorted values.
fn quantile(sorted: &[f32], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1])
}

fn ratio_estimates(req: &[&[u32]], ok: &[&[u32]], n: usize) -> Vec<Option<Estimate>> {
    (0..n)
        .map(|i| {
            let values: Vec<f64> = req
                .iter()
                .zip(ok)
                .filter(|(r, _)| r[i] > 0)
                .map(|(r, o)| f64::from(o[i]) / f64::from(r[i]))
                .collect();
            (!values.is_empty()).then(|| estimate(&values))
        })
        .collect()
}

/// The ratio estimator `sum ok / sum requests` over the replications of each cell, with its 95 %
/// interval from the replications' residuals `ok_i - R x requests_i` (the delta method: sound
/// when a cell sees few requests per replication, where the mean of per-replication ratios is
/// biased and skips the replications without a request). `None` without any request.
pub fn pooled_ratio_estimates(req: &[&[u32]], ok: &[&[u32]], n: usize) -> Vec<Option<Estimate>> {
    let reps = req.len();
    (0..n)
        .map(|i| {
            let total: f64 = req.iter().map(|r| f64::from(r[i])).sum();
            if total <= 0.0 {
                return None;
            }
            let hits: f64 = ok.iter().map(|o| f64::from(o[i])).sum();
            let ratio = hits / total;
            if reps < 2 {
                return Some(Estimate {
                    mean: ratio,
                    low: ratio,
                    high: ratio,
                    n: reps,
                });
            }
            let mean_req = total / reps as f64;
            let ss: f64 = req
                .iter()
                .zip(ok)
                .map(|(r, o)| (f64::from(o[i]) - ratio * f64::from(r[i])).powi(2))
                .sum();
            let var = ss / ((reps - 1) as f64 * reps as f64 * mean_req * mean_req);
            let half = t975(reps - 1) * var.sqrt();
            Some(Estimate {
                mean: ratio,
                low: (ratio - half).max(0.0),
                high: (ratio + half).min(1.0),
                n: reps,
            })
        })
        .collect()
}

fn per_year(req: &[&[u32]], n: usize, years: f64) -> Vec<f64> {
    (0..n)
        .map(|i| req.iter().map(|r| f64::from(r[i])).sum::<f64>() / (req.len() as f64 * years))
        .collect()
}

/// Summarises replications of `spec`.
pub fn summarize(spec: &SimSpec<'_>, reps: &mut [Replication]) -> Summary {
    let r = reps.len();
    let system = |ok: fn(&Replication) -> &[u32]| -> Vec<f64> {
        reps.iter()
            .map(|x| {
                let req: u64 = x.part_requests.iter().map(|&v| u64::from(v)).sum();
                let ok: u64 = ok(x).iter().map(|&v| u64::from(v)).sum();
                if req == 0 {
                    1.0
                } else {
                    ok as f64 / req as f64
                }
            })
            .collect()
    };
    let on_time = system(|x| &x.part_on_time);
    let fill = system(|x| &x.part_filled);
    let mut means = Vec::with_capacity(r);
    let mut p95 = Vec::with_capacity(r);
    let mut p99 = Vec::with_capacity(r);
    for x in reps.iter_mut() {
        x.waits.sort_by(f32::total_cmp);
        if !x.waits.is_empty() {
            means.push(x.waits.iter().map(|&w| f64::from(w)).sum::<f64>() / x.waits.len() as f64);
            p95.push(quantile(&x.waits, 0.95));
            p99.push(quantile(&x.waits, 0.99));
        }
    }
    let hreq: Vec<&[u32]> = reps
        .iter()
        .map(|x| x.hospital_requests.as_slice())
        .collect();
    let hok: Vec<&[u32]> = reps.iter().map(|x| x.hospital_on_time.as_slice()).collect();
    let treq: Vec<&[u32]> = reps.iter().map(|x| x.tier_requests.as_slice()).collect();
    let tok: Vec<&[u32]> = reps.iter().map(|x| x.tier_on_time.as_slice()).collect();
    let nt = reps.first().map_or(0, |x| x.tier_requests.len());
    let preq: Vec<&[u32]> = reps.iter().map(|x| x.part_requests.as_slice()).collect();
    let pok: Vec<&[u32]> = reps.iter().map(|x| x.part_on_time.as_slice()).collect();
    let hfill: Vec<&[u32]> = reps.iter().map(|x| x.hospital_filled.as_slice()).collect();
    let pfill: Vec<&[u32]> = reps.iter().map(|x| x.part_filled.as_slice()).collect();
    let nh = spec.input.hospitals();
    let np = spec.input.parts.len();
    let nu = spec.units.len();
    let period_minutes = (WARRANTY_DAYS * 24 * 60) as f64;
    let mut unit_uptime = vec![0.0; nu];
    let mut unit_short = vec![0.0; nu];
    let mut unit_ext = vec![0.0; nu];
    let mut up_mean = Vec::with_capacity(r);
    let mut up_min = Vec::with_capacity(r);
    let mut below = Vec::with_capacity(r);
    let mut short_total = Vec::with_capacity(r);
    let mut ext_total = Vec::with_capacity(r);
    for x in reps.iter() {
        let (mut sum, mut min, mut b, mut s_tot, mut e_tot) = (0.0, 1.0f64, 0.0, 0.0, 0.0);
        for (u, unit) in spec.units.iter().enumerate() {
            let down = x.down_minutes[u];
            let up = 1.0 - down as f64 / period_minutes;
            let short = days_short(WARRANTY_DAYS, down, unit.target);
            let ext = short * EXTENSION_DAYS_PER_DAY_SHORT;
            unit_uptime[u] += up / r as f64;
            unit_short[u] += short as f64 / r as f64;
            unit_ext[u] += ext as f64 / r as f64;
            sum += up;
            min = min.min(up);
            if up < unit.target {
                b += 1.0;
            }
            s_tot += short as f64;
            e_tot += ext as f64;
        }
        up_mean.push(if nu == 0 { 1.0 } else { sum / nu as f64 });
        up_min.push(min);
        below.push(b);
        short_total.push(s_tot);
        ext_total.push(e_tot);
    }
    let cells = reps.first().map_or(0, |x| x.outstanding.len());
    let outstanding = (0..cells)
        .map(|c| reps.iter().map(|x| x.outstanding[c]).sum::<f64>() / r as f64)
        .collect();
    Summary {
        replications: r,
        failures: reps.iter().map(|x| x.failures).sum(),
        pm_visits_per_year: estimate(
            &reps
                .iter()
                .map(|x| x.pm_visits as f64 / spec.years)
                .collect::<Vec<_>>(),
        ),
        pm_parts_per_year: estimate(
            &reps
                .iter()
                .map(|x| x.pm_parts / spec.years)
                .collect::<Vec<_>>(),
        ),
        on_time: estimate(&on_time),
        fill_rate: estimate(&fill),
        wait_mean: estimate(&means),
        wait_p95: estimate(&p95),
        wait_p99: estimate(&p99),
        undelivered: estimate(
            &reps
                .iter()
                .map(|x| x.undelivered as f64)
                .collect::<Vec<_>>(),
        ),
        hospitals: ratio_estimates(&hreq, &hok, nh),
        hospital_fill: ratio_estimates(&hreq, &hfill, nh),
        hospital_requests_per_year: per_year(&hreq, nh, spec.years),
        tiers: pooled_ratio_estimates(&treq, &tok, nt),
        tier_requests_per_year: per_year(&treq, nt, spec.years),
        parts: ratio_estimates(&preq, &pok, np),
        part_fill: ratio_estimates(&preq, &pfill, np),
        part_requests_per_year: per_year(&preq, np, spec.years),
        unit_uptime,
        unit_days_short: unit_short,
        unit_extension_days: unit_ext,
        uptime_mean: estimate(&up_mean),
        uptime_min: estimate(&up_min),
        units_below_target: estimate(&below),
        days_short_total: estimate(&short_total),
        extension_days_total: estimate(&ext_total),
        outstanding,
    }
}
