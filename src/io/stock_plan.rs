//! Reading a plan back (the input of `simulate` and `report --plan`): base-stock levels by depot
//! and part checked against the data set they are meant for, the plan folder's curve and bound,
//! and a simulation folder's figures.

use std::collections::HashMap;
use std::path::Path;

use super::contract;
use super::diag::{Diagnostics, Place};
use super::table::{opt, read_table, req, Col};
use super::{LoadError, Loaded};
use crate::model::{Dataset, DepotId, PartId};
use crate::money::Fen;
use crate::report::SimView;
use crate::stock::{CurvePoint, StockPlan};

/// Reads the base stock of every depot and part from a `stock_plan.csv`; pairs the file does not
/// name hold none.
pub fn load_stock_plan(path: &Path, ds: &Dataset) -> Result<Loaded<StockPlan>, LoadError> {
    // The other columns `plan` writes are known and ignored; only the first three are read.
    let cols: Vec<Col> = contract::STOCK_PLAN_OUT
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 3 { req(c.name) } else { opt(c.name) })
        .collect();
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
    let mut levels = StockPlan::empty(ds);
    let mut seen: HashMap<(DepotId, PartId), u64> = HashMap::new();
    // Rows, and rows naming a depot or part the data set does not have.
    let (mut rows, mut foreign) = (0usize, 0usize);
    match std::fs::File::open(path) {
        Err(e) => diag.error(
            Place::file(&file),
            format!("cannot open the plan: {e}"),
            "give the stock_plan.csv written by `spareplan plan`",
        ),
        Ok(reader) => {
            read_table(&file, reader, &cols, &mut diag, |row| {
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
                rows += 1;
                if depot.is_none() || part.is_none() {
                    foreign += 1;
                }
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
                        levels.set(d, p, s as u32);
                    }
                }
            });
        }
    }
    if rows > 0 && foreign * 2 > rows {
        // Most rows name ids this data set does not have: a plan made for another data set, said
        // in one line rather than once per row.
        let mut one = Diagnostics::default();
        one.error(
            Place::file(&file),
            format!(
                "the plan was made for another data set: {foreign} of its {rows} rows name depots or parts this data set does not have"
            ),
            "simulate (or report) the data set the plan was made for, or plan this one first",
        );
        diag = one;
    }
    if diag.has_errors() {
        return Err(LoadError::Invalid {
            source_name: file,
            problems: diag.into_sorted(),
        });
    }
    // A plan with no row at all for many parts is likely another data set's (ids that happen to
    // match) or an old plan: said once, since those parts are simulated with no stock.
    let planned: std::collections::HashSet<_> = seen.keys().map(|&(_, p)| p).collect();
    let missing = ds.parts.len() - planned.len().min(ds.parts.len());
    if rows > 0 && missing > 0 {
        diag.warning(
            Place::file(&file),
            format!(
                "the plan has no row for {missing} of the data set's {} parts, which are taken as stocked nowhere",
                ds.parts.len()
            ),
            "check that the plan was made for this data set (plan it again if not)",
        );
    }
    Ok(Loaded {
        data: levels,
        warnings: diag.into_sorted(),
    })
}

/// What `report --plan` reads back of a plan folder written by `spareplan plan`.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedPlan {
    pub stock: StockPlan,
    /// The cost-versus-target curve (`curve.csv`; empty when absent).
    pub curve: Vec<CurvePoint>,
    /// The proven lower bound of `summary.json`, when it has one.
    pub lower_bound: Option<Fen>,
    /// The expected warranty-extension days and their cost a year, when the plan was verified.
    pub extension: Option<(f64, Fen)>,
}

/// Reads a plan folder: `stock_plan.csv` (required), `curve.csv` and `summary.json` (optional).
pub fn load_plan_dir(dir: &Path, ds: &Dataset) -> Result<Loaded<SavedPlan>, LoadError> {
    let loaded = load_stock_plan(&dir.join("stock_plan.csv"), ds)?;
    let mut diag = Diagnostics::default();
    let curve_path = dir.join("curve.csv");
    let mut curve = Vec::new();
    if let Ok(reader) = std::fs::File::open(&curve_path) {
        let file = curve_path.display().to_string();
        read_table(
            &file,
            reader,
            contract::CURVE_OUT.columns,
            &mut diag,
            |row| {
                let target = row.probability(0, true);
                let holding = row.money_up_to(1, true, false, i64::MAX / 100);
                let investment = row.money_up_to(2, true, false, i64::MAX / 100);
                let units = row.integer_in(3, true, 0, i64::from(u32::MAX));
                let on_time = row.probability(4, true);
                if let (Some(t), Some(h), Some(i), Some(u), Some(o)) =
                    (target, holding, investment, units, on_time)
                {
                    curve.push(CurvePoint {
                        target: t,
                        annual_holding_cost: h,
                        investment: i,
                        units: u as u32,
                        system_on_time: o,
                    });
                }
            },
        );
    }
    let summary_path = dir.join("summary.json");
    let mut lower_bound = None;
    let mut extension = None;
    if let Ok(text) = std::fs::read_to_string(&summary_path) {
        let file = summary_path.display().to_string();
        match serde_json::from_str::<serde_json::Value>(&text) {
            Err(e) => diag.error(
                Place::file(&file),
                format!("not valid JSON: {e}"),
                "give the folder `spareplan plan` wrote",
            ),
            Ok(v) => {
                let money = |x: &serde_json::Value| match x {
                    serde_json::Value::String(s) => Fen::parse(s).ok(),
                    serde_json::Value::Number(n) => Fen::parse(&n.to_string()).ok(),
                    _ => None,
                };
                lower_bound = money(&v["lower_bound"]);
                extension = v["expected_extension_days"]
                    .as_f64()
                    .zip(money(&v["expected_extension_cost"]));
            }
        }
    }
    if diag.has_errors() {
        return Err(LoadError::Invalid {
            source_name: dir.display().to_string(),
            problems: diag.into_sorted(),
        });
    }
    let mut warnings = loaded.warnings;
    warnings.extend(diag.into_sorted());
    Ok(Loaded {
        data: SavedPlan {
            stock: loaded.data,
            curve,
            lower_bound,
            extension,
        },
        warnings,
    })
}

/// Reads a simulation folder written by `spareplan simulate`: the system on-time with its
/// interval (`summary.json`) and each hospital's simulated on-time (`hospitals.csv`).
pub fn load_sim_dir(dir: &Path, ds: &Dataset) -> Result<Loaded<SimView>, LoadError> {
    let mut diag = Diagnostics::default();
    let mut view = SimView {
        hospitals: vec![None; ds.hospitals.len()],
        ..SimView::default()
    };
    let summary_path = dir.join("summary.json");
    let file = summary_path.display().to_string();
    let parsed = std::fs::read_to_string(&summary_path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).map_err(|e| e.to_string()));
    match parsed {
        Err(e) => diag.error(
            Place::file(&file),
            format!("cannot read the simulation summary: {e}"),
            "give the folder `spareplan simulate` wrote",
        ),
        Ok(v) => {
            let num = |x: &serde_json::Value| x.as_f64().unwrap_or(f64::NAN);
            view.on_time = (
                num(&v["on_time_fraction"]),
                num(&v["on_time_fraction_ci95"][0]),
                num(&v["on_time_fraction_ci95"][1]),
            );
        }
    }
    let hospitals: HashMap<&str, usize> = ds
        .hospital_ids()
        .map(|h| (ds.hospital(h).code.as_str(), h.index()))
        .collect();
    let path = dir.join("hospitals.csv");
    let file = path.display().to_string();
    match std::fs::File::open(&path) {
        Err(e) => diag.error(
            Place::file(&file),
            format!("cannot open the simulated hospitals: {e}"),
            "give the folder `spareplan simulate` wrote",
        ),
        Ok(reader) => {
            const COLS: [Col; 2] = [req("hospital_id"), opt("on_time")];
            read_table(&file, reader, &COLS, &mut diag, |row| {
                let Some(code) = row.required(0) else { return };
                let Some(&h) = hospitals.get(code) else {
                    row.error(
                        0,
                        code,
                        "no hospital of the data set has this id",
                        "report the simulation of this data set's plan",
                    );
                    return;
                };
                view.hospitals[h] = row.probability(1, false);
            });
        }
    }
    if diag.has_errors() {
        return Err(LoadError::Invalid {
            source_name: dir.display().to_string(),
            problems: diag.into_sorted(),
        });
    }
    Ok(Loaded {
        data: view,
        warnings: diag.into_sorted(),
    })
}
