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

/// `findings.csv` of `reconcile`.
pub fn findings_csv(rec: &crate::recon::Reconciliation) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::FINDINGS_OUT);
    let num = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for f in &rec.findings {
        t.row([
            f.code.as_str(),
            f.severity.as_str(),
            &f.slip_no,
            &num(f.slip_line),
            &f.invoice_no,
            &num(f.invoice_line),
            &f.part_no,
            &f.expected.to_string(),
            &f.invoiced.to_string(),
            &f.difference.to_string(),
            &f.detail,
            f.accounts.as_str(),
            &f.customer,
            &date(f.slip_date),
            &date(f.invoice_date),
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

/// `summary.json` of `reconcile`: every amount as a decimal string in yuan.
pub fn recon_summary_json(
    rec: &crate::recon::Reconciliation,
    params: &crate::recon::ReconParams,
) -> String {
    let t = &rec.totals;
    let mut by_code = serde_json::Map::new();
    for c in &rec.by_code {
        by_code.insert(
            c.code.as_str().to_owned(),
            serde_json::json!({
                "count": c.count,
                "expected": c.expected.to_string(),
                "invoiced": c.invoiced.to_string(),
                "difference": c.difference.to_string(),
            }),
        );
    }
    let mut tolerances = serde_json::Map::new();
    for kind in crate::recon::Kind::ALL {
        let l = params.tolerances.of(kind);
        let fraction = crate::recon::tolerance::fraction_text;
        tolerances.insert(
            kind.as_str().to_owned(),
            serde_json::json!({
                "lower_yuan": l.lower_yuan.to_string(),
                "upper_yuan": l.upper_yuan.to_string(),
                "lower_fraction": fraction(l.lower_ppm),
                "upper_fraction": fraction(l.upper_ppm),
            }),
        );
    }
    json_text(&serde_json::json!({
        "slip_lines": rec.slip_lines,
        "invoice_lines": rec.invoice_lines,
        "findings_total": rec.findings.len(),
        "blocked_lines": rec.blocked_lines,
        "blocked_invoiced_value": rec.blocked_invoiced_value.to_string(),
        "shipped_value": t.shipped_value.to_string(),
        "invoiced_value": t.invoiced_value.to_string(),
        "matched_value": t.matched_value.to_string(),
        "shipped_not_invoiced_value": t.shipped_not_invoiced_value.to_string(),
        "invoiced_not_shipped_value": t.invoiced_not_shipped_value.to_string(),
        "net_difference": t.net_difference.to_string(),
        "explained_difference": t.explained_difference.to_string(),
        "unexplained": t.unexplained.to_string(),
        "balanced": t.unexplained.0 == 0,
        "tolerances": tolerances,
        "findings": by_code,
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
