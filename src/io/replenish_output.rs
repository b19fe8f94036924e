//! The files of the `replenish` command (the data contract's columns first).

use super::write::CsvBuf;
use crate::model::Dataset;
use crate::replenish::{Batch, BatchParams};

/// `orders.csv`.
pub fn orders_csv(ds: &Dataset, b: &Batch, params: &BatchParams) -> Vec<u8> {
    let mut t = CsvBuf::new(&[
        "order_id", "month", "kind", "from_id", "to_id", "part_no", "qty", "reason",
    ]);
    for o in &b.orders {
        t.row([
            o.id.clone(),
            params.month.to_string(),
            o.kind.as_str().to_owned(),
            o.from
                .map_or_else(|| "FACTORY".to_owned(), |d| ds.depot(d).code.clone()),
            ds.depot(o.to).code.clone(),
            ds.part(o.part).part_no.clone(),
            o.qty.to_string(),
            o.reason.clone(),
        ]);
    }
    t.into_bytes()
}

/// `forecast.csv`: every region and part with demand in the catalogue or the history.
pub fn forecast_csv(ds: &Dataset, b: &Batch) -> Vec<u8> {
    let mut t = CsvBuf::new(&[
        "depot_id",
        "part_no",
        "history_months",
        "demand_in_history",
        "croston",
        "sba",
        "tsb",
        "chosen_method",
        "monthly_rate",
        "installed_base",
        "base_stock",
        "maintenance_ahead",
        "position",
    ]);
    let f = &b.forecasts;
    for d in ds.depot_ids() {
        for p in ds.part_ids() {
            let c = &f.cells[p.index()][d.index()];
            let line = &b.lines[p.index()][d.index()];
            t.row([
                ds.depot(d).code.clone(),
                ds.part(p).part_no.clone(),
                f.months.to_string(),
                format!("{}", c.demand_in_history),
                format!("{:.6}", c.croston),
                format!("{:.6}", c.sba),
                format!("{:.6}", c.tsb),
                f.chosen[p.index()].as_str().to_owned(),
                format!("{:.6}", f.monthly_rate(p.index(), d.index())),
                format!("{:.6}", c.installed_base),
                line.target.to_string(),
                line.maintenance.to_string(),
                line.position.to_string(),
            ]);
        }
    }
    t.into_bytes()
}

/// `shortages.csv`: needs a parent could not cover.
pub fn shortages_csv(ds: &Dataset, b: &Batch) -> Vec<u8> {
    let mut t = CsvBuf::new(&["depot_id", "part_no", "needed", "allocated", "short"]);
    for s in &b.shortages {
        t.row([
            ds.depot(s.depot).code.clone(),
            ds.part(s.part).part_no.clone(),
            s.needed.to_string(),
            s.allocated.to_string(),
            (s.needed - s.allocated).to_string(),
        ]);
    }
    t.into_bytes()
}

/// FNV-1a, 64 bits: a checksum to tell input files apart in the run log (not a security hash).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
