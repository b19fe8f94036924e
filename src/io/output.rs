//! The tables commands write, as CSV bytes (the data contract's output columns first).

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
    let mut t = CsvBuf::new(&[
        "depot_id",
        "hospital_id",
        "hours",
        "cost",
        "hops",
        "path",
        "economy_hours",
        "economy_cost",
        "economy_path",
        "modes",
        "economy_modes",
    ]);
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
    let mut t = CsvBuf::new(&[
        "hospital_id",
        "fastest_depot_id",
        "fastest_hours",
        "depots_within_72h",
        "engineer_hours",
        "depot_ids_within_72h",
        "road_only_hours",
        "name",
        "province",
    ]);
    for c in &cov.hospitals {
        let h = ds.hospital(c.hospital);
        let (depot, hours) = match c.fastest {
            Some((d, t)) => (ds.depot(d).code.as_str(), hours_text(t)),
            None => ("", String::new()),
        };
        let ids: Vec<&str> = c
            .within_deadline
            .iter()
            .map(|&d| ds.depot(d).code.as_str())
            .collect();
        t.row([
            h.code.as_str(),
            depot,
            &hours,
            &c.within_deadline.len().to_string(),
            &c.engineer_micros.map(hours_text).unwrap_or_default(),
            &ids.join(";"),
            &c.by_road.map(|(_, t)| hours_text(t)).unwrap_or_default(),
            &h.name,
            h.province.as_deref().unwrap_or(""),
        ]);
    }
    t.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_written_exactly() {
        assert_eq!(hours_text(12_350_000), "12.35");
        assert_eq!(hours_text(4_000_000), "4");
        assert_eq!(hours_text(1), "0.000001");
        assert_eq!(hours_text(0), "0");
    }
}
