//! The tables commands write, as CSV bytes (the data contract's output columns first).

use super::contract;
use super::write::CsvBuf;
use crate::coverage::{route_modes, route_path, Coverage};
use crate::model::Dataset;

/// Micro-hours as decimal hours, exact, without trailing zeros (`12.35`, `4`).
pub fn hours_text(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.unsigned_abs();
    let whole = m / 1_000_000;
    let frac = m % 1_000_000;
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{frac:06}");
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

/// `routes.csv`: one row per depot and reachable hospital.
pub fn routes_csv(ds: &Dataset, cov: &Coverage) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::ROUTES_OUT);
    for p in &cov.pairs {
        let (eh, ec, ep, em) = match &p.economy {
            Some((micros, r)) => (
                hours_text(*micros),
                r.cost.to_string(),
                route_path(ds, r),
                route_modes(r),
            ),
            None => Default::default(),
        };
        t.row([
            ds.depot(p.depot).code.as_str(),
            &ds.hospital(p.hospital).code,
            &hours_text(p.delivery_micros),
            &p.fastest.cost.to_string(),
            &p.fastest.hops().to_string(),
            &route_path(ds, &p.fastest),
            &eh,
            &ec,
            &ep,
            &route_modes(&p.fastest),
            &em,
        ]);
    }
    t.into_bytes()
}

/// `coverage.csv`: one row per hospital.
pub fn coverage_csv(ds: &Dataset, cov: &Coverage) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::COVERAGE_OUT);
    for c in &cov.hospitals {
        let h = ds.hospital(c.hospital);
        let (depot, hours) = match c.fastest {
            Some((d, t)) => (ds.depot(d).code.as_str(), hours_text(t)),
            None => ("", String::new()),
        };
        let ids: Vec<&str> = c
            .within_72h
            .iter()
            .map(|&d| ds.depot(d).code.as_str())
            .collect();
        t.row([
            h.code.as_str(),
            depot,
            &hours,
            &c.within_72h.len().to_string(),
            &c.engineer_micros.map(hours_text).unwrap_or_default(),
            &ids.join(";"),
            &c.within_deadline.len().to_string(),
            &c.by_road.map(|(_, t)| hours_text(t)).unwrap_or_default(),
            &h.name,
            h.province.as_deref().unwrap_or(""),
        ]);
    }
    t.into_bytes()
}

/// The same table for spreadsheet programs that need a BOM to read UTF-8.
pub fn with_bom(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 3);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    out.extend_from_slice(bytes);
    out
}

/// Pretty JSON text with a final newline.
pub fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("JSON of plain values") + "\n"
}

/// `summary.json` of `routes`.
pub fn routes_summary_json(summary: &crate::coverage::Summary) -> String {
    json_text(summary)
}

/// `summary.json` of `uptime`.
pub fn uptime_summary_json(ds: &Dataset, ledger: &crate::uptime::Ledger) -> String {
    let s = ledger.stats();
    let r6 = |x: f64| (x * 1e6).round() / 1e6;
    json_text(&serde_json::json!({
        "as_of": ledger.as_of.to_string(),
        "records_from": ledger.records_from.map(|d| d.to_string()),
        "units": ds.units.len(),
        "units_measured": s.units_measured,
        "units_ended": s.units_ended,
        "units_in_progress": s.units_in_progress,
        "units_not_measured": s.units_not_measured,
        "units_below_target": s.units_below_target,
        "days_short_total": s.days_short_total,
        "extension_days_total": s.extension_days_total,
        "uptime_mean": s.uptime_mean.map(r6),
        "uptime_min": s.uptime_min.map(r6),
    }))
}

/// `units.csv` of `uptime`: the contract's columns, then the unit's target and the last day
/// measured. A unit not measured has empty downtime, allowance and uptime.
pub fn uptime_csv(ds: &crate::model::Dataset, ledger: &crate::uptime::Ledger) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::UPTIME_UNITS_OUT);
    for u in &ledger.units {
        let unit = ds.unit(u.unit);
        let measured = u.measured();
        let if_measured = |text: String| if measured { text } else { String::new() };
        t.row([
            unit.serial.clone(),
            ds.hospital(unit.hospital).code.clone(),
            u.period_start.to_string(),
            u.period_end.to_string(),
            u.status.as_str().to_owned(),
            if_measured(format!("{:.4}", u.downtime_minutes as f64 / 60.0)),
            if_measured(format!("{:.4}", u.allowance_left_minutes / 60.0)),
            u.uptime.map_or(String::new(), |x| format!("{x:.6}")),
            u.days_short.to_string(),
            u.extension_days.to_string(),
            u.warranty_end.to_string(),
            super::write::num(u.target),
            if_measured(u.measured_to.to_string()),
        ]);
    }
    t.into_bytes()
}
