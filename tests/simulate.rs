//! The simulator against independent values: the exact Poisson fill rate of a single depot,
//! M/G/infinity outstanding orders, a case where the analytic model is exact, determinism.

use std::path::{Path, PathBuf};
use std::process::Command;

use spareplan::sim::{self, stats::summarize, SimSpec, SimUnit};
use spareplan::stock::service::evaluate;

use crate::plan::Net;

/// Units of the single model at each hospital of `net`, with a 0.95 target.
fn units(net: &Net) -> Vec<SimUnit> {
    net.hospitals
        .iter()
        .enumerate()
        .flat_map(|(h, x)| {
            (0..x.0 as usize).map(move |_| SimUnit {
                hospital: h,
                model: 0,
                target: 0.95,
            })
        })
        .collect()
}

/// `P(Poisson(m) <= s - 1)` by summing the terms.
fn poisson_fill(m: f64, s: u32) -> f64 {
    let mut term = (-m).exp();
    let mut sum = 0.0;
    for k in 0..s {
        sum += term;
        term *= m / f64::from(k + 1);
    }
    sum
}

#[test]
fn a_single_depot_fills_at_the_exact_poisson_rate() {
    // 10 units failing 2 times a year each: 20 requests a year, lead time 0.1 year: pipeline 2.
    let net = Net {
        depots: vec![(None, 0.1)],
        hospitals: vec![(10.0, 0.95, vec![0], 0)],
        rates: vec![2.0],
        unit_costs: vec![1.0],
    };
    let input = net.input();
    for s in [1u32, 2, 3, 4, 5] {
        let spec = SimSpec::new(
            &input,
            vec![vec![s]],
            units(&net),
            vec![4.0],
            vec![0.0],
            20.0,
            1.0,
        );
        let mut reps = sim::run(&spec, 200, 99, &|| {});
        let out = summarize(&spec, &mut reps);
        let exact = poisson_fill(2.0, s);
        assert!(
            out.fill_rate.low <= exact && exact <= out.fill_rate.high,
            "S = {s}: exact {exact} outside [{}, {}]",
            out.fill_rate.low,
            out.fill_rate.high
        );
        // A backorder can still arrive within the deadline: on time is at least the fill rate.
        assert!(out.on_time.mean >= out.fill_rate.mean);
        // M/G/infinity: the mean number of outstanding orders is demand x lead time, whatever S.
        let outstanding = out.outstanding[0];
        assert!((outstanding - 2.0).abs() < 0.05, "{outstanding}");
        // The analytic model is exact here.
        let analytic = evaluate(&input.parts[0].network, &[s]).on_time[0];
        assert!((analytic - exact).abs() < 1e-9);
    }
}

#[test]
fn hospitals_of_a_single_depot_get_the_analytic_on_time() {
    // Two hospitals and two parts on one depot, no lateral shipment: the analytic model is exact.
    let net = Net {
        depots: vec![(None, 0.05)],
        hospitals: vec![(6.0, 0.95, vec![0], 0), (3.0, 0.95, vec![0], 0)],
        rates: vec![3.0, 1.0],
        unit_costs: vec![1.0, 1.0],
    };
    let input = net.input();
    let stock = vec![vec![2], vec![1]];
    let spec = SimSpec::new(
        &input,
        stock.clone(),
        units(&net),
        vec![2.0, 2.0],
        vec![0.0, 0.0],
        20.0,
        1.0,
    );
    let mut reps = sim::run(&spec, 20, 11, &|| {});
    let out = summarize(&spec, &mut reps);
    // Each hospital's on-time is the demand-weighted mix of the two parts' fill rates.
    let f0 = poisson_fill(27.0 * 0.05, 2);
    let f1 = poisson_fill(9.0 * 0.05, 1);
    let expected = (3.0 * f0 + 1.0 * f1) / 4.0;
    for h in 0..2 {
        let e = out.hospital_fill[h].expect("requests");
        assert!(
            e.low <= expected && expected <= e.high,
            "hospital {h}: {expected} outside [{}, {}]",
            e.low,
            e.high
        );
    }
}

#[test]
fn uptime_with_ample_stock_is_the_repair_time_over_the_year() {
    // Every request is filled at once: each failure takes delivery (1 h, the route of the test
    // network) plus repair (2 h); a unit fails 3 + 1 = 4 times a year: 12 hours down a year.
    let net = Net {
        depots: vec![(None, 0.05)],
        hospitals: vec![(6.0, 0.95, vec![0], 0), (3.0, 0.95, vec![0], 0)],
        rates: vec![3.0, 1.0],
        unit_costs: vec![1.0, 1.0],
    };
    let input = net.input();
    let spec = SimSpec::new(
        &input,
        vec![vec![40], vec![40]],
        units(&net),
        vec![2.0, 2.0],
        vec![0.0, 0.0],
        2.0,
        0.5,
    );
    let mut reps = sim::run(&spec, 40, 5, &|| {});
    let out = summarize(&spec, &mut reps);
    let expected = 1.0 - 12.0 / 8760.0;
    let e = out.uptime_mean;
    assert!(
        e.low <= expected && expected <= e.high,
        "{expected} outside [{}, {}]",
        e.low,
        e.high
    );
    assert_eq!(out.fill_rate.mean, 1.0);
    assert_eq!(out.days_short_total.mean, 0.0);
    // Four maintenance visits a unit and year, whatever the phase: 9 units x 4 x 2 years.
    assert_eq!(out.pm_visits_per_year.mean, 36.0);
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let net = Net {
        depots: vec![(None, 0.08), (Some(0), 0.01), (Some(0), 0.012)],
        hospitals: vec![(3.0, 0.95, vec![1, 2], 1), (2.0, 0.95, vec![2, 0], 2)],
        rates: vec![2.0, 0.5],
        unit_costs: vec![1.0, 1.0],
    };
    let input = net.input();
    let spec = SimSpec::new(
        &input,
        vec![vec![1, 1, 1], vec![0, 1, 0]],
        units(&net),
        vec![4.0, 4.0],
        vec![3.0, 3.0],
        3.0,
        0.5,
    );
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let mut reps = sim::run(&spec, 8, 3, &|| {});
            format!("{:?}", summarize(&spec, &mut reps))
        })
    };
    assert_eq!(run(1), run(2));
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spareplan"))
}

fn china() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-sim-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn simulate_runs_a_plan_of_the_bundled_data_set() {
    let dir = temp("run");
    let plan = dir.join("plan");
    let ok = bin()
        .arg("plan")
        .arg(china())
        .arg("--out")
        .arg(&plan)
        .args(["--no-curve", "--no-bound"])
        .output()
        .expect("runs");
    assert!(ok.status.success());
    let sim_out = |name: &str| {
        let out = dir.join(name);
        let run = bin()
            .arg("simulate")
            .arg(china())
            .arg("--plan")
            .arg(plan.join("stock_plan.csv"))
            .args([
                "--years",
                "1",
                "--replications",
                "4",
                "--seed",
                "5",
                "--out",
            ])
            .arg(&out)
            .output()
            .expect("runs");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(
            run.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        out
    };
    let a = sim_out("a");
    let units = std::fs::read_to_string(a.join("units.csv")).expect("units.csv");
    assert!(units.starts_with("serial,hospital_id,uptime,days_short,extension_days"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("summary.json")).expect("json"))
            .expect("valid");
    let p = summary["on_time_fraction"].as_f64().expect("number");
    let ci = summary["on_time_fraction_ci95"]
        .as_array()
        .expect("interval");
    assert!(ci[0].as_f64().expect("low") <= p && p <= ci[1].as_f64().expect("high"));
    assert!(summary["uptime"]["mean"]["mean"].as_f64().expect("uptime") > 0.9);
    // Same seed, same bytes.
    let b = sim_out("b");
    for f in ["summary.json", "units.csv", "hospitals.csv", "parts.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).expect("a"),
            std::fs::read(b.join(f)).expect("b"),
            "{f}"
        );
    }
}

#[test]
fn simulate_names_the_line_and_column_of_a_bad_plan() {
    let dir = temp("bad");
    let plan = dir.join("stock_plan.csv");
    std::fs::write(
        &plan,
        "depot_id,part_no,base_stock\nDC-SH,CT-XT-50,3\nRDC-XX,CT-XT-50,2\nRDC-BJ,CT-XT-50,-1\n",
    )
    .expect("write");
    let out = dir.join("out");
    let run = bin()
        .arg("simulate")
        .arg(china())
        .arg("--plan")
        .arg(&plan)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("line 3, column 1 (depot_id), value \"RDC-XX\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 4, column 3 (base_stock), value \"-1\""),
        "{stderr}"
    );
    assert!(!out.exists());
}
