//! Careless and hostile inputs, one regression test per defect found: absurd numbers refused at
//! validation (never a panic, an unbounded allocation or a wrong answer with exit 0), encodings
//! and delimiters named, ids that cannot be right refused, a target of 1 refused by validate as
//! by plan, long values cut in messages.

use std::path::{Path, PathBuf};
use std::process::Command;

use spareplan::io::{self, MemorySource};

use crate::common::*;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spareplan"))
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Sets one cell (line as an editor counts, column by name) of a CSV text.
fn set_cell(text: &str, line: usize, column: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let col = lines[0]
        .split(',')
        .position(|h| h == column)
        .expect("the column");
    let mut cells: Vec<String> = lines[line - 1].split(',').map(str::to_owned).collect();
    cells[col] = value.to_owned();
    lines[line - 1] = cells.join(",");
    lines.join("\n") + "\n"
}

/// The error of a planning set with one cell set, which must name file, line, column and value.
fn refused(file: &str, content: &str, line: usize, column: &str, value: &str) -> String {
    let src = planning().with(file, set_cell(content, line, column, value));
    let errors = planning_errors(&src);
    let p = errors
        .iter()
        .find(|p| p.file == file && p.column_name.as_deref() == Some(column))
        .unwrap_or_else(|| panic!("{file} {column}={value} refused: {errors:?}"));
    assert_eq!(p.line, Some(line as u64), "{p}");
    assert_eq!(p.value.as_deref(), Some(value), "{p}");
    p.message.clone()
}

#[test]
fn absurd_numbers_are_refused_at_validation() {
    for (file, content, column, value) in [
        ("depots.csv", DEPOTS, "resupply_days", "1e20"),
        ("depots.csv", DEPOTS, "resupply_days", "1e9"),
        ("depots.csv", DEPOTS, "handling_hours", "1e26"),
        ("lanes.csv", LANES, "hours", "1e308"),
        ("lanes.csv", LANES, "cost", "1e12"),
        ("part_usage.csv", USAGE, "failures_per_unit_year", "1e308"),
        ("part_usage.csv", USAGE, "pm_qty_per_visit", "1000000000"),
        ("parts.csv", PARTS, "repair_hours", "1e9"),
        ("parts.csv", PARTS, "deadline_hours", "1e9"),
        ("parts.csv", PARTS, "unit_cost", "99999999999999.00"),
        ("installed_base.csv", UNITS, "warranty_months", "100000"),
        ("stock.csv", STOCK, "on_hand", "4294967295"),
    ] {
        let message = refused(file, content, 2, column, value);
        assert!(!message.is_empty());
    }
}

#[test]
fn a_target_of_one_is_refused_by_validate_as_by_plan() {
    let message = refused("installed_base.csv", UNITS, 3, "uptime_target", "1");
    assert!(message.contains("cannot be met"), "{message}");
}

#[test]
fn a_pipeline_no_plan_can_hold_is_refused_at_validation() {
    // 1,000 units of a model failing 365 times a year each, a year of resupply: 365,000 units
    // in the pipeline.
    let mut units =
        String::from("serial,hospital_id,model,accepted_on,warranty_months,uptime_target\n");
    for i in 0..1000 {
        units.push_str(&format!("S{i},H1,uCT 760,2025-03-01,12,0.95\n"));
    }
    let src = planning()
        .with("installed_base.csv", units)
        .with(
            "part_usage.csv",
            set_cell(USAGE, 2, "failures_per_unit_year", "365"),
        )
        .with("depots.csv", set_cell(DEPOTS, 2, "resupply_days", "365"));
    let errors = planning_errors(&src);
    assert!(
        errors
            .iter()
            .any(|p| p.file == "part_usage.csv" && p.message.contains("pipeline")),
        "{errors:?}"
    );
}

#[test]
fn encodings_and_delimiters_are_named_in_one_error() {
    // GB18030 text (as Excel saves CSV on Chinese Windows): 北京 is B1 B1 BE A9.
    let mut gbk = b"hospital_id,name,lat,lon,city,province\n".to_vec();
    for i in 0..50 {
        gbk.extend_from_slice(format!("H{i},").as_bytes());
        gbk.extend_from_slice(&[0xb1, 0xb1, 0xbe, 0xa9]);
        gbk.extend_from_slice(b",39.9,116.4,,\n");
    }
    let errors = planning_errors(&planning().with("hospitals.csv", gbk));
    let mine: Vec<_> = errors
        .iter()
        .filter(|p| p.file == "hospitals.csv")
        .collect();
    assert_eq!(mine.len(), 1, "one error for the file: {mine:?}");
    assert!(mine[0].message.contains("GBK"), "{}", mine[0]);
    for (sep, name) in [('\t', "tabs"), (';', "semicolons")] {
        let text = HOSPITALS.replace(',', &sep.to_string());
        let errors = planning_errors(&planning().with("hospitals.csv", text));
        let mine: Vec<_> = errors
            .iter()
            .filter(|p| p.file == "hospitals.csv")
            .collect();
        assert_eq!(mine.len(), 1, "{mine:?}");
        assert!(mine[0].message.contains(name), "{}", mine[0]);
    }
    let mut utf16 = vec![0xff, 0xfe];
    for c in HOSPITALS.encode_utf16() {
        utf16.extend_from_slice(&c.to_le_bytes());
    }
    let errors = planning_errors(&planning().with("hospitals.csv", utf16));
    assert!(
        errors
            .iter()
            .any(|p| p.file == "hospitals.csv" && p.message.contains("UTF-16")),
        "{errors:?}"
    );
}

#[test]
fn empty_required_tables_are_named() {
    let errors = planning_errors(&planning().with("depots.csv", ""));
    assert!(
        errors
            .iter()
            .any(|p| p.file == "depots.csv" && p.message.contains("empty")),
        "{errors:?}"
    );
    let header_only = "hospital_id,name,lat,lon,city,province\n";
    let errors = planning_errors(&planning().with("hospitals.csv", header_only));
    assert!(
        errors
            .iter()
            .any(|p| p.file == "hospitals.csv" && p.message.contains("no rows")),
        "{errors:?}"
    );
    // A header-only finance extract loads, with a warning naming it.
    let src = finance().with(
        "slips.csv",
        SLIPS.lines().next().expect("header").to_owned() + "\n",
    );
    let loaded = io::load_finance(&src).expect("loads");
    assert!(
        loaded
            .warnings
            .iter()
            .any(|p| p.file == "slips.csv" && p.message.contains("no rows")),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn ids_in_scientific_notation_full_width_or_with_stray_quotes_are_refused() {
    for (value, words) in [
        ("4.42026E+12", "scientific notation"),
        ("ＣＫ１", "full-width"),
        ("CK\"1", "quote"),
    ] {
        let src: MemorySource =
            finance().with("invoices.csv", set_cell(INVOICES, 2, "slip_no", value));
        let problems = finance_errors(&src);
        let p = problems
            .iter()
            .find(|p| p.column_name.as_deref() == Some("slip_no"))
            .unwrap_or_else(|| panic!("{value} refused: {problems:?}"));
        assert_eq!(p.line, Some(2));
        assert!(p.message.contains(words), "{p}");
    }
}

#[test]
fn a_huge_cell_is_not_echoed_whole() {
    let huge = "x".repeat(10_000_000);
    let src = planning().with("parts.csv", set_cell(PARTS, 2, "unit_cost", &huge));
    let errors = planning_errors(&src);
    let p = errors
        .iter()
        .find(|p| p.column_name.as_deref() == Some("unit_cost"))
        .expect("refused");
    assert!(p.to_string().len() < 1_000, "{} bytes", p.to_string().len());
    assert!(p.to_string().contains("10000000 bytes"));
}

fn china_copy(root: &Path) -> PathBuf {
    let data = root.join("data");
    copy_china(&data);
    data
}

#[test]
fn absurd_scenario_factors_and_batch_arguments_are_refused() {
    let root = temp("scen");
    let data = china_copy(&root);
    for (body, key) in [
        ("[failure_rates]\nall = 1e308\n", "failure_rates.all"),
        (
            "[[lanes]]\nmode = \"road\"\naction = \"slow\"\nfactor = 1e300\n",
            "lanes[0].factor",
        ),
    ] {
        let file = root.join("s.toml");
        std::fs::write(
            &file,
            format!(
                "name = \"x\"\nquestion = \"y\"\ndata = {:?}\n{body}",
                data.display().to_string()
            ),
        )
        .expect("write");
        let run = bin()
            .arg("scenarios")
            .arg(&file)
            .arg("--out")
            .arg(root.join("out"))
            .output()
            .expect("runs");
        assert_eq!(run.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains(key) && stderr.contains("beyond"),
            "{stderr}"
        );
    }
    let run = bin()
        .arg("replenish")
        .arg(&data)
        .args(["--month", "2026-11", "--pm-months", "4294967295", "--out"])
        .arg(root.join("repl"))
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(2));
    assert!(!root.join("repl").exists());
}

/// A plan made for another data set is named as such in one line, not once per row.
#[test]
fn a_plan_of_another_data_set_is_named_in_one_line() {
    let root = temp("foreign");
    let data = china_copy(&root);
    let mut plan = String::from("depot_id,part_no,base_stock\n");
    for i in 0..500 {
        plan.push_str(&format!("X-{i},Q-{i},1\n"));
    }
    let path = root.join("stock_plan.csv");
    std::fs::write(&path, plan).expect("write");
    let run = bin()
        .arg("simulate")
        .arg(&data)
        .arg("--plan")
        .arg(&path)
        .arg("--out")
        .arg(root.join("sim"))
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    let errors = stderr.lines().filter(|l| l.starts_with("error:")).count();
    assert_eq!(errors, 1, "{stderr}");
    assert!(
        stderr.contains("another data set") && stderr.contains("500 of its 500 rows"),
        "{stderr}"
    );
}
