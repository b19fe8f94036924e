//! A mutation campaign over every reader: each cell of the small planning and finance data sets
//! set to each of a list of hostile values, and each reader fed random edits. A mutant must be
//! refused with its problems named, or planned (or reconciled) with the answer's invariants
//! intact; it must never panic. The counts are printed (`cargo test mutants -- --nocapture`) and
//! quoted in the README.

use std::panic::{catch_unwind, AssertUnwindSafe};

use proptest::prelude::*;
use spareplan::io::{self, MemorySource};
use spareplan::recon::{reconcile, ReconParams};
use spareplan::stock::{self, PlanParams};

use crate::common::*;

/// Values a careless export or a hostile user puts in a cell.
const HOSTILE: [&str; 16] = [
    "1e308",
    "-1e308",
    "1e20",
    "-1",
    "0",
    "NaN",
    "inf",
    "4294967296",
    "1e-300",
    "",
    "4.42026E+12",
    "１２３",
    "99999999999999999999.99",
    "2026-02-30",
    "\"",
    "x,y",
];

/// Every planning mutant: (file, line, column, value).
fn planning_mutants() -> Vec<(&'static str, usize, usize, &'static str)> {
    let base = planning();
    let mut out = Vec::new();
    for (name, bytes) in &base.files {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let lines: Vec<&str> = text.lines().collect();
        let width = lines[0].split(',').count();
        let name: &'static str = Box::leak(name.clone().into_boxed_str());
        for line in 2..=lines.len() {
            for col in 0..width {
                for v in HOSTILE {
                    out.push((name, line, col, v));
                }
            }
        }
    }
    out
}

fn set(text: &str, line: usize, col: usize, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut cells: Vec<String> = lines[line - 1].split(',').map(str::to_owned).collect();
    if col < cells.len() {
        cells[col] = value.to_owned();
    }
    lines[line - 1] = cells.join(",");
    lines.join("\n") + "\n"
}

/// What one mutant came to.
#[derive(Default, Debug)]
struct Tally {
    mutants: usize,
    refused: usize,
    answered: usize,
    panics: usize,
    wrong: usize,
}

/// Loads, routes and plans a planning mutant; `Err` names a broken invariant of an answer.
fn plan_mutant(src: &MemorySource) -> Result<bool, String> {
    let Ok(loaded) = io::load_planning(src) else {
        return Ok(false);
    };
    let ds = loaded.data;
    let Ok(r) = stock::plan(&ds, &PlanParams::quick(None)) else {
        return Ok(true); // refused by the plan with its error, after validation
    };
    for p in &r.coverage.pairs {
        if p.delivery_micros < 0 {
            return Err(format!("a negative delivery time {}", p.delivery_micros));
        }
    }
    if r.annual_holding_cost.0 < 0 || r.investment.0 < 0 {
        return Err("negative money".to_owned());
    }
    let sum: i64 = ds
        .depot_ids()
        .flat_map(|d| r.parts().map(move |p| (d, p)))
        .filter_map(|(d, p)| r.line(d, p))
        .map(|l| l.money.investment.0)
        .sum();
    if sum != r.investment.0 {
        return Err("the investment is not the sum of its rows".to_owned());
    }
    if !r.meets_targets {
        return Err("a plan was returned that misses its targets".to_owned());
    }
    Ok(true)
}

#[test]
fn every_planning_cell_set_to_a_hostile_value() {
    let base = planning();
    let mut t = Tally::default();
    let mut wrong = Vec::new();
    for (name, line, col, value) in planning_mutants() {
        let text = String::from_utf8_lossy(&base.files[name]).into_owned();
        let src = base.clone().with(name, set(&text, line, col, value));
        t.mutants += 1;
        match catch_unwind(AssertUnwindSafe(|| plan_mutant(&src))) {
            Err(_) => t.panics += 1,
            Ok(Err(why)) => {
                t.wrong += 1;
                wrong.push(format!(
                    "{name} line {line} column {col} = {value:?}: {why}"
                ));
            }
            Ok(Ok(true)) => t.answered += 1,
            Ok(Ok(false)) => t.refused += 1,
        }
    }
    println!("planning mutants: {t:?}");
    assert_eq!(t.panics, 0, "{t:?}");
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(
        t.mutants > 1_000 && t.refused > 0 && t.answered > 0,
        "{t:?}"
    );
}

#[test]
fn every_finance_cell_set_to_a_hostile_value() {
    let base = finance();
    let mut t = Tally::default();
    let mut wrong = Vec::new();
    for (name, bytes) in &base.files {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let lines: Vec<&str> = text.lines().collect();
        let width = lines[0].split(',').count();
        for line in 2..=lines.len() {
            for col in 0..width {
                for value in HOSTILE {
                    let src = base.clone().with(name, set(&text, line, col, value));
                    t.mutants += 1;
                    let run = catch_unwind(AssertUnwindSafe(|| match io::load_finance(&src) {
                        Err(_) => None,
                        Ok(l) => Some(reconcile(&l.data, &ReconParams::default())),
                    }));
                    match run {
                        Err(_) => t.panics += 1,
                        Ok(None) => t.refused += 1,
                        Ok(Some(Err(e))) => {
                            t.wrong += 1;
                            wrong.push(format!("{name} {line}:{col}={value:?}: {e}"));
                        }
                        Ok(Some(Ok(rec))) => {
                            t.answered += 1;
                            if rec.totals.unexplained.0 != 0 {
                                t.wrong += 1;
                                wrong.push(format!("{name} {line}:{col}={value:?}: unbalanced"));
                            }
                        }
                    }
                }
            }
        }
    }
    println!("finance mutants: {t:?}");
    assert_eq!(t.panics, 0, "{t:?}");
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(t.mutants > 500, "{t:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The plan-file reader (`simulate`, `report --plan`) on random edits of a valid plan.
    #[test]
    fn the_stock_plan_reader_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
    ) {
        let ds = io::load_planning(&planning()).expect("valid").data;
        let mut text = b"depot_id,part_no,base_stock,fill_rate,investment\nDC,P1,2,0.9,1960000.00\nR1,P2,1,0.5,12.50\n".to_vec();
        for (at, b) in edits {
            let i = at.index(text.len());
            text[i] = b;
        }
        let dir = std::env::temp_dir().join(format!("spareplan-mutant-plan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("stock_plan.csv");
        std::fs::write(&path, &text).expect("write");
        if let Ok(loaded) = io::stock_plan::load_stock_plan(&path, &ds) {
            let _ = stock::evaluate(&ds, &loaded.data, &PlanParams::quick(None));
        }
    }

    /// The scenario reader on random edits of a valid scenario file.
    #[test]
    fn the_scenario_reader_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
    ) {
        let mut text = b"name = \"x\"\nquestion = \"y\"\ndata = \"/nonexistent\"\n[failure_rates]\nall = 1.2\n[[lanes]]\nmode = \"air\"\naction = \"slow\"\nfactor = 2\n".to_vec();
        for (at, b) in edits {
            let i = at.index(text.len());
            text[i] = b;
        }
        let dir = std::env::temp_dir().join(format!("spareplan-mutant-scen-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("s.toml");
        std::fs::write(&path, &text).expect("write");
        if let Ok(loaded) = spareplan::scenario::load(&path) {
            let ds = io::load_planning(&planning()).expect("valid").data;
            let _ = spareplan::scenario::apply(&loaded, &ds);
        }
    }
}
