//! The tables and summary of the `simulate` command (the data contract's columns first).

use super::contract;
use super::write::CsvBuf;
use crate::model::Dataset;
use crate::sim::stats::{Estimate, Summary};
use crate::stock::PlanResult;

fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn est_json(e: &Estimate) -> serde_json::Value {
    serde_json::json!({
        "mean": r6(e.mean),
        "ci95": [r6(e.low), r6(e.high)],
    })
}

fn f6(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

/// `units.csv`: per unit, means across replications, and the extension days the plan's model
/// expects for a year in warranty.
pub fn units_csv(ds: &Dataset, s: &Summary, plan: &crate::stock::PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::SIM_UNITS_OUT);
    for (u, unit) in ds.units.iter().enumerate() {
        t.row([
            unit.serial.clone(),
            ds.hospital(unit.hospital).code.clone(),
            f6(s.unit_uptime[u]),
            format!("{:.3}", s.unit_days_short[u]),
            format!("{:.3}", s.unit_extension_days[u]),
            unit.uptime_target.to_string(),
            format!("{:.3}", plan.extension_all_units().year_extension_days[u]),
        ]);
    }
    t.into_bytes()
}

/// One row of simulated on-time with its interval beside the analytic value.
fn comparison_row(
    id: String,
    per_year: f64,
    on_time: Option<Estimate>,
    fill: Option<Estimate>,
    analytic: f64,
) -> [String; 8] {
    let (m, lo, hi) = on_time.map_or((f64::NAN, f64::NAN, f64::NAN), |e| (e.mean, e.low, e.high));
    [
        id,
        format!("{per_year:.4}"),
        f6(m),
        f6(lo),
        f6(hi),
        f6(analytic),
        f6(m - analytic),
        f6(fill.map_or(f64::NAN, |e| e.mean)),
    ]
}

fn comparison_table(first: &str) -> CsvBuf {
    let mut header = vec![first];
    header.extend(contract::SIM_COMPARISON.iter().map(|c| c.name));
    CsvBuf::new(&header)
}

/// `hospitals.csv`: simulated on-time with its interval beside the plan's analytic value.
pub fn hospitals_csv(ds: &Dataset, s: &Summary, a: &PlanResult) -> Vec<u8> {
    let mut t = comparison_table("hospital_id");
    for h in ds.hospital_ids() {
        let i = h.index();
        t.row(comparison_row(
            ds.hospital(h).code.clone(),
            s.hospital_requests_per_year[i],
            s.hospitals[i],
            s.hospital_fill[i],
            a.hospital(h).on_time,
        ));
    }
    t.into_bytes()
}

/// `parts.csv`: the same per part.
/// The simulation's parts are those of the plan, in the plan's order.
pub fn parts_csv(ds: &Dataset, s: &Summary, a: &PlanResult) -> Vec<u8> {
    let mut t = comparison_table("part_no");
    for (p, part) in a.parts().enumerate() {
        t.row(comparison_row(
            ds.part(part).part_no.clone(),
            s.part_requests_per_year[p],
            s.parts[p],
            s.part_fill[p],
            a.part_on_time(part).unwrap_or(1.0),
        ));
    }
    t.into_bytes()
}

/// What `summary.json` records of the run itself.
pub struct RunInfo {
    pub years: f64,
    pub warmup_years: f64,
    pub replications: u64,
    pub seed: u64,
}

/// `summary.json`.
pub fn summary_json(s: &Summary, a: &PlanResult, run: &RunInfo) -> String {
    let v = serde_json::json!({
        "on_time_fraction": r6(s.on_time.mean),
        "on_time_fraction_ci95": [r6(s.on_time.low), r6(s.on_time.high)],
        "filled_from_stock_fraction": r6(s.fill_rate.mean),
        "filled_from_stock_fraction_ci95": [r6(s.fill_rate.low), r6(s.fill_rate.high)],
        "analytic_on_time_fraction": r6(a.system_on_time()),
        "wait_hours": {
            "mean": est_json(&s.wait_mean),
            "p95": est_json(&s.wait_p95),
            "p99": est_json(&s.wait_p99),
        },
        "undelivered_requests_at_end": est_json(&s.undelivered),
        "maintenance": {
            "visits_per_year": est_json(&s.pm_visits_per_year),
            "parts_per_year": est_json(&s.pm_parts_per_year),
        },
        "uptime": {
            "mean": est_json(&s.uptime_mean),
            "min": est_json(&s.uptime_min),
            "units_below_target": est_json(&s.units_below_target),
            "days_short_total": est_json(&s.days_short_total),
            "extension_days_total": est_json(&s.extension_days_total),
            "model_extension_days_total": (a.extension_all_units().extension_days_all_units() * 10.0).round() / 10.0,
        },
        "units": s.unit_uptime.len(),
        "failures_simulated": s.failures,
        "years": run.years,
        "warmup_years": run.warmup_years,
        "replications": run.replications,
        "seed": run.seed,
    });
    serde_json::to_string_pretty(&v).expect("JSON of plain values") + "\n"
}
