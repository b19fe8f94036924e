//! Reading a `stock_plan.csv` back (the input of `simulate`): base-stock levels by depot and part,
//! checked against the data set they are meant for.

use std::collections::HashMap;
use std::path::Path;

use super::diag::{Diagnostics, Place};
use super::table::{opt, read_table, req, Col};
use super::{LoadError, Loaded};
use crate::model::{Dataset, DepotId, PartId};

/// Base-stock levels, `[part][depot]` in data-set order; pairs the file does not name hold none.
#[derive(Clone, Debug, PartialEq)]
pub struct StockLevels {
    pub levels: Vec<Vec<u32>>,
}

/// Reads the base stock of every depot and part from a `stock_plan.csv`.
pub fn load_stock_plan(path: &Path, ds: &Dataset) -> Result<Loaded<StockLevels>, LoadError> {
    // The other columns `plan` writes are known and ignored.
    const COLS: [Col; 8] = [
        req("depot_id"),
        req("part_no"),
        req("base_stock"),
        opt("fill_rate"),
        opt("investment"),
        opt("annual_holding_cost"),
        opt("filled_per_year"),
        opt("replenishments_per_year"),
    ];
    let file = path.display().to_string();
    let mut diag = Diagnostics::default();
    let depots: HashMap<&str, DepotId> = ds
        .depot_ids()
        .map(|d| (ds.depot(d).code.as_str(), d))
        .collect();
    let parts: HashMap<&str, PartId> = ds
        .part_ids()
        .map(|p| (ds.part(p).part_no.as_str(), p))
        .collect();
    let mut levels = vec![vec![0u32; ds.depots.len()]; ds.parts.len()];
    let mut seen: HashMap<(DepotId, PartId), u64> = HashMap::new();
    match std::fs::File::open(path) {
        Err(e) => diag.error(
            Place::file(&file),
            format!("cannot open the plan: {e}"),
            "give the stock_plan.csv written by `spareplan plan`",
        ),
        Ok(reader) => {
            read_table(&file, reader, &COLS, &mut diag, |row| {
                let depot = row.required(0).and_then(|code| {
                    let d = depots.get(code).copied();
                    if d.is_none() {
                        row.error(
                            0,
                            code,
                            "no depot of the data set has this id",
                            "plan and simulate the same data set",
                        );
                    }
                    d
                });
                let part = row.required(1).and_then(|code| {
                    let p = parts.get(code).copied();
                    if p.is_none() {
                        row.error(
                            1,
                            code,
                            "no part of the data set has this number",
                            "plan and simulate the same data set",
                        );
                    }
                    p
                });
                let stock = row.integer_in(2, true, 0, 1_000_000);
                if let (Some(d), Some(p), Some(s)) = (depot, part, stock) {
                    if let Some(first) = seen.insert((d, p), row.line) {
                        let code = format!("{},{}", ds.depot(d).code, ds.part(p).part_no);
                        row.error(
                            0,
                            &code,
                            format!("duplicate depot and part: also on line {first}"),
                            "keep one row per depot and part",
                        );
                    } else {
                        levels[p.index()][d.index()] = s as u32;
                    }
                }
            });
        }
    }
    if diag.has_errors() {
        return Err(LoadError::Invalid {
            source_name: file,
            problems: diag.into_sorted(),
        });
    }
    Ok(Loaded {
        data: StockLevels { levels },
        warnings: diag.into_sorted(),
    })
}
