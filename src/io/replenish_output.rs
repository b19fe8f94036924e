//! The files of the `replenish` command (the data contract's columns first).

use std::path::Path;

use super::contract;
use super::write::CsvBuf;
use crate::model::Dataset;
use crate::replenish::{Batch, BatchParams, Kind};

/// One input file as the run log records it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FileDigest {
    pub file: String,
    pub bytes: usize,
    pub fnv1a64: String,
}

/// Checksums of the CSV files of a data set folder, in name order.
pub fn input_digests(dir: &Path) -> std::io::Result<Vec<FileDigest>> {
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    names.sort();
    let mut out = Vec::with_capacity(names.len());
    for p in names {
        let bytes = std::fs::read(&p)?;
        out.push(FileDigest {
            file: p
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: bytes.len(),
            fnv1a64: format!("{:016x}", fnv1a(&bytes)),
        });
    }
    Ok(out)
}

/// Every file of the batch, by name, in the order they are written: the run log last, since a
/// complete run log names the checksums of the files of its run.
pub fn files(
    ds: &Dataset,
    b: &Batch,
    params: &BatchParams,
    inputs: &[FileDigest],
) -> Vec<(&'static str, Vec<u8>)> {
    let orders = orders_csv(ds, b, params);
    let forecast = forecast_csv(ds, b);
    let shortages = shortages_csv(ds, b);
    let log = run_log_json(ds, b, params, inputs, [&orders, &forecast, &shortages]);
    vec![
        (contract::ORDERS_OUT.name, orders),
        (contract::FORECAST_OUT.name, forecast),
        (contract::SHORTAGES_OUT.name, shortages),
        ("run_log.json", log.into_bytes()),
    ]
}

/// `run_log.json`: the month, parameters, input checksums, counts and output checksums.
fn run_log_json(
    ds: &Dataset,
    b: &Batch,
    params: &BatchParams,
    inputs: &[FileDigest],
    outputs: [&[u8]; 3],
) -> String {
    let (transfer_orders, transfer_units) = b.totals(Kind::Transfer);
    let (purchase_orders, purchase_units) = b.totals(Kind::Purchase);
    let mut methods = serde_json::Map::new();
    for (m, n) in b.methods_chosen() {
        methods.insert(m.as_str().to_owned(), n.into());
    }
    let log = serde_json::json!({
        "month": params.month.to_string(),
        "history_from": params.history_from.to_string(),
        "history_months": b.forecasts.months,
        "parameters": {
            "target": params.target.to_string(),
            "pm_months": params.pm_months,
            "alpha": params.smoothing.croston,
            "tsb_alpha_d": params.smoothing.tsb_size,
            "tsb_alpha_p": params.smoothing.tsb_probability,
        },
        "inputs": inputs,
        "warnings": b.warnings,
        "missing_history_months": b.missing_months.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "counts": {
            "depots": ds.depots.len(),
            "parts": ds.parts.len(),
            "transfer_orders": transfer_orders,
            "transfer_units": transfer_units,
            "purchase_orders": purchase_orders,
            "purchase_units": purchase_units,
            "shortages": b.shortages.len(),
            "methods_chosen": methods,
        },
        "outputs": {
            "orders.csv": format!("{:016x}", fnv1a(outputs[0])),
            "forecast.csv": format!("{:016x}", fnv1a(outputs[1])),
            "shortages.csv": format!("{:016x}", fnv1a(outputs[2])),
        },
    });
    super::output::json_text(&log)
}

/// `orders.csv`.
pub fn orders_csv(ds: &Dataset, b: &Batch, params: &BatchParams) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::ORDERS_OUT);
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
    let mut t = CsvBuf::of(&contract::FORECAST_OUT);
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
    let mut t = CsvBuf::of(&contract::SHORTAGES_OUT);
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
