//! Scenario files: errors naming file and key, changes applied as written, the budget cap, and
//! the command's comparison table.

use std::path::{Path, PathBuf};
use std::process::Command;

use spareplan::scenario::{self, compare::outcome};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-scen-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn china() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china")
}

/// Writes a scenario file on the bundled data set with `body` after the header.
fn write(dir: &Path, file: &str, body: &str) -> PathBuf {
    let path = dir.join(file);
    let text = format!(
        "name = \"test\"\nquestion = \"a test\"\ndata = {:?}\n{body}",
        china().display().to_string()
    );
    std::fs::write(&path, text).expect("write");
    path
}

fn china_ds() -> spareplan::model::Dataset {
    spareplan::io::load_planning(&spareplan::io::DirSource::new(china()))
        .expect("valid")
        .data
}

#[test]
fn unknown_keys_and_impossible_changes_name_file_and_key() {
    let dir = temp("errors");
    let f = write(&dir, "typo.toml", "clos_depots = [\"RDC-CD\"]\n");
    let e = scenario::load(&f).expect_err("unknown key");
    let text = e.to_string();
    assert!(
        text.contains("typo.toml") && text.contains("line 4"),
        "{text}"
    );
    assert!(text.contains("clos_depots"), "{text}");
    let ds = china_ds();
    for (body, key, what) in [
        ("close_depots = [\"DC-SH\"]\n", "close_depots[0]", "central depot"),
        ("close_depots = [\"RDC-XX\"]\n", "close_depots[0]", "no depot"),
        ("[[depots]]\ndepot_id = \"RDC-BJ\"\nhandling_hours = 0\n", "depots[0].handling_hours", "positive"),
        ("[failure_rates]\nmodels = { \"uCT 999\" = 2.0 }\n", "failure_rates.models.\"uCT 999\"", "no such model"),
        ("[[lanes]]\nmode = \"boat\"\naction = \"disable\"\n", "lanes[0].mode", "not a mode"),
        ("[[lanes]]\nmode = \"air\"\naction = \"slow\"\n", "lanes[0].factor", "needs a factor"),
        ("target = 1.0\n", "target", "below 1"),
        ("budget = \"lots\"\n", "budget", "amount of yuan"),
        ("[[add_depots]]\ndepot_id = \"F1\"\nname = \"x\"\nhub_id = \"C000000\"\nhandling_hours = 2\nresupply_days = 5\n", "add_depots[0].hub_id", "no hub"),
    ] {
        let f = write(&dir, "bad.toml", body);
        let loaded = scenario::load(&f).expect("parses");
        let e = scenario::apply(&loaded, &ds).expect_err(body);
        assert_eq!(e.key, key, "{body}");
        assert!(e.message.contains(what), "{body}: {}", e.message);
        assert!(e.to_string().starts_with(&f.display().to_string()));
    }
}

#[test]
fn changes_are_applied_as_written() {
    let dir = temp("apply");
    let ds = china_ds();
    let f = write(
        &dir,
        "s.toml",
        "close_depots = [\"RDC-CD\"]\ntarget = 0.9\n[failure_rates]\nall = 1.2\nparts = { \"CT-XT-50\" = 2.0 }\n[[lanes]]\nmode = \"air\"\naction = \"slow\"\nfactor = 2.0\n",
    );
    let loaded = scenario::load(&f).expect("parses");
    let (changed, settings) = scenario::apply(&loaded, &ds).expect("applies");
    assert_eq!(settings.target, Some(0.9));
    let cd = ds
        .depot_ids()
        .find(|&d| ds.depot(d).code == "RDC-CD")
        .expect("CD");
    let touches = |l: &spareplan::model::Lane| {
        l.from == spareplan::model::NodeRef::Depot(cd)
            || l.to == spareplan::model::NodeRef::Depot(cd)
    };
    assert!(ds.lanes.iter().any(touches));
    assert!(!changed.lanes.iter().any(touches));
    for (a, b) in ds.usage.iter().zip(&changed.usage) {
        let factor = if ds.part(a.part).part_no == "CT-XT-50" {
            2.4
        } else {
            1.2
        };
        assert!((b.failures_per_unit_year - a.failures_per_unit_year * factor).abs() < 1e-12);
    }
    let air_before: f64 = ds
        .lanes
        .iter()
        .filter(|l| l.mode == spareplan::model::Mode::Air && !touches(l))
        .map(|l| l.hours)
        .sum();
    let air_after: f64 = changed
        .lanes
        .iter()
        .filter(|l| l.mode == spareplan::model::Mode::Air)
        .map(|l| l.hours)
        .sum();
    assert!((air_after - 2.0 * air_before).abs() < 1e-6);
}

#[test]
fn a_budget_caps_the_holding_cost() {
    let dir = temp("budget");
    let ds = china_ds();
    let f = write(&dir, "b.toml", "budget = \"15000000.00\"\n");
    let loaded = scenario::load(&f).expect("parses");
    let (changed, settings) = scenario::apply(&loaded, &ds).expect("applies");
    let o = outcome("b", "q", &changed, &settings).expect("plans");
    assert!(
        o.annual_holding_cost.0 <= 1_500_000_000,
        "{}",
        o.annual_holding_cost
    );
    assert!(!o.meets_targets);
    let free = outcome("free", "q", &ds, &Default::default()).expect("plans");
    assert!(free.meets_targets);
    assert!(free.system_on_time > o.system_on_time);
}

#[test]
fn the_command_compares_scenarios_with_their_baseline() {
    let dir = temp("cli");
    let a = write(&dir, "a.toml", "target = 0.9\n");
    let b = write(&dir, "b.toml", "[failure_rates]\nall = 1.5\n");
    let out = dir.join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_spareplan"))
        .arg("scenarios")
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let table = std::fs::read_to_string(out.join("scenarios.csv")).expect("table");
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(table.as_bytes())
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][0], "baseline");
    assert_eq!(rows[0][10], "0.00");
    let holding = |r: &Vec<String>| spareplan::money::Fen::parse(&r[2]).expect("money").0;
    // A lower target costs less, higher failure rates cost more; changes are exact differences.
    assert!(holding(&rows[1]) < holding(&rows[0]));
    assert!(holding(&rows[2]) > holding(&rows[0]));
    let change = spareplan::money::Fen::parse(rows[2][10].trim_start_matches('+'))
        .expect("money")
        .0;
    assert_eq!(change, holding(&rows[2]) - holding(&rows[0]));
    // A bad file stops everything before any planning.
    let bad = write(&dir, "c.toml", "close_depots = [\"DC-SH\"]\n");
    let out2 = dir.join("out2");
    let run = Command::new(env!("CARGO_BIN_EXE_spareplan"))
        .arg("scenarios")
        .arg(&a)
        .arg(&bad)
        .arg("--out")
        .arg(&out2)
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("close_depots[0]"));
    assert!(!out2.exists());
}

/// A scenario's baseline is the plan `plan` writes for the same data, to the fen, on a generated
/// set where the Lagrangian heuristic (which needs the bound) changes the plan: the greedy alone
/// costs more there, so a baseline planned by the greedy alone would differ.
#[test]
fn the_scenario_baseline_is_the_plan_that_plan_writes() {
    let dir = temp("one-pipeline");
    let data = dir.join("data");
    let bin = env!("CARGO_BIN_EXE_spareplan");
    let run = |args: &[&str]| {
        let out = Command::new(bin).args(args).output().expect("runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let d = data.to_str().expect("utf-8 path");
    run(&[
        "generate",
        "--hospitals",
        "60",
        "--parts",
        "20",
        "--seed",
        "1",
        "--out",
        d,
    ]);
    let holding = |summary: &Path| -> String {
        let text = std::fs::read_to_string(summary).expect("summary");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        v["annual_holding_cost"].as_str().expect("money").to_owned()
    };
    let plan_dir = dir.join("plan");
    run(&["plan", d, "--out", plan_dir.to_str().expect("path")]);
    let greedy_dir = dir.join("greedy");
    run(&[
        "plan",
        d,
        "--no-bound",
        "--out",
        greedy_dir.to_str().expect("path"),
    ]);
    let planned = holding(&plan_dir.join("summary.json"));
    let greedy = holding(&greedy_dir.join("summary.json"));
    assert_ne!(
        planned, greedy,
        "the heuristic changes the plan on this set"
    );
    let file = dir.join("same.toml");
    std::fs::write(
        &file,
        format!("name = \"same\"\nquestion = \"no change\"\ndata = {d:?}\n"),
    )
    .expect("write");
    let scen_dir = dir.join("scen");
    run(&[
        "scenarios",
        file.to_str().expect("path"),
        "--out",
        scen_dir.to_str().expect("path"),
    ]);
    let table = std::fs::read_to_string(scen_dir.join("scenarios.csv")).expect("table");
    let mut rows = csv::Reader::from_reader(table.as_bytes());
    let header = rows.headers().expect("header").clone();
    let col = header
        .iter()
        .position(|h| h == "annual_holding_cost")
        .expect("column");
    let costs: Vec<String> = rows
        .records()
        .map(|r| r.expect("row")[col].to_owned())
        .collect();
    assert_eq!(
        costs,
        vec![planned.clone(), planned],
        "baseline and unchanged scenario"
    );
}
