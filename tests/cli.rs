//! The `spareplan` binary as a user runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spareplan"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs `plan DATA --out OUT`, asserting success; returns standard output.
fn run_plan(data: &Path, out: &Path) -> String {
    let run = bin()
        .arg("plan")
        .arg(data)
        .arg("--out")
        .arg(out)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(run.status.success(), "{stdout}");
    stdout
}

fn china() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china")
}

#[test]
fn validate_accepts_the_bundled_data_set() {
    let out = bin().arg("validate").arg(china()).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("planning data set: 5 depots"), "{stdout}");
    assert!(stdout.contains("finance data set:"), "{stdout}");
}

#[test]
fn validate_reports_every_error_and_fails() {
    let dir = temp_dir("broken");
    for entry in std::fs::read_dir(china()).expect("data/china") {
        let entry = entry.expect("entry");
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
        }
    }
    let lanes = std::fs::read_to_string(dir.join("lanes.csv")).expect("lanes");
    let mut lines: Vec<String> = lanes.lines().map(str::to_owned).collect();
    lines[2] = "DC-SH,NOWHERE,road,5,10.00,1".to_owned();
    lines[3] = "DC-SH,C310100,road,-1,10.00,1".to_owned();
    std::fs::write(dir.join("lanes.csv"), lines.join("\n") + "\n").expect("write");
    let out = bin().arg("validate").arg(&dir).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("lanes.csv line 3, column 2 (to_id), value \"NOWHERE\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("lanes.csv line 4, column 4 (hours), value \"-1\""),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn validate_json_lists_problems() {
    let dir = temp_dir("json");
    std::fs::write(dir.join("depots.csv"), "").expect("write");
    let out = bin()
        .args(["validate", "--json"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(report["errors"].as_u64().unwrap_or(0) >= 1);
    assert_eq!(report["problems"][0]["file"], "depots.csv");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn generate_writes_a_valid_set_deterministically() {
    let a = temp_dir("gen-a");
    let b = temp_dir("gen-b");
    for dir in [&a, &b] {
        let out = bin()
            .args([
                "generate",
                "--hospitals",
                "120",
                "--parts",
                "80",
                "--seed",
                "3",
                "--out",
            ])
            .arg(dir)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for name in [
        "lanes.csv",
        "installed_base.csv",
        "fault_history.csv",
        "stock.csv",
    ] {
        let x = std::fs::read(a.join(name)).expect("written");
        let y = std::fs::read(b.join(name)).expect("written");
        assert!(x == y, "{name} differs between two runs");
    }
    let out = bin().arg("validate").arg(&a).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let out = bin()
        .args(["validate", "/no/such/folder"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/folder is not a folder"));
}

#[test]
fn reconcile_writes_findings_and_a_balanced_summary() {
    let out = temp_dir("recon");
    let run = bin()
        .arg("reconcile")
        .arg(china())
        .arg("--out")
        .arg(&out)
        .arg("--excel")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    // The planted set has errors: written, and exit status 3.
    assert_eq!(run.status.code(), Some(3), "{stdout}");
    let unexplained = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("unexplained"))
        .expect("unexplained line");
    assert!(unexplained.ends_with(" 0.00 yuan"), "{stdout}");
    assert!(
        stdout.contains("findings: 13 errors, 83 warnings, 2 informational"),
        "{stdout}"
    );
    assert!(stdout.contains("588,839,904.99 yuan"), "{stdout}");
    let verdicts = std::fs::read_to_string(out.join("invoices.csv")).expect("invoices");
    assert!(verdicts.starts_with("invoice_no,verdict,codes,invoiced,expected"));
    let index = std::fs::read(out.join("statements/index.csv")).expect("statements");
    assert_eq!(
        &index[..3],
        b"\xEF\xBB\xBF",
        "statements carry a BOM for Excel"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(summary["unexplained"], "0.00");
    for key in [
        "shipped_value",
        "invoiced_value",
        "matched_value",
        "shipped_not_invoiced_value",
        "invoiced_not_shipped_value",
        "net_difference",
    ] {
        assert!(summary[key].is_string(), "{key}");
    }
    let findings = std::fs::read_to_string(out.join("findings.csv")).expect("findings");
    assert!(findings.starts_with(
        "code,severity,slip_no,slip_line,invoice_no,invoice_line,part_no,expected,invoiced,difference,detail"
    ));
    let excel = std::fs::read(out.join("findings_excel.csv")).expect("excel");
    assert_eq!(&excel[..3], b"\xEF\xBB\xBF");
    assert_eq!(&excel[3..], findings.as_bytes());
    // Same inputs, same bytes.
    let again = temp_dir("recon-again");
    let run = bin()
        .arg("reconcile")
        .arg(china())
        .arg("--out")
        .arg(&again)
        .args(["--fail-on", "never"])
        .output()
        .expect("runs");
    assert!(run.status.success(), "--fail-on never exits 0");
    assert!(std::fs::read(again.join("findings.csv")).unwrap() == findings.as_bytes());
    for file in [
        "invoices.csv",
        "statements/index.csv",
        "statements/H110100-01.csv",
    ] {
        assert!(
            std::fs::read(again.join(file)).unwrap() == std::fs::read(out.join(file)).unwrap(),
            "{file}"
        );
    }
    assert!(
        std::fs::read(again.join("summary.json")).unwrap()
            == std::fs::read(out.join("summary.json")).unwrap()
    );
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&again);
}

#[test]
fn reconcile_refuses_bad_data_and_writes_nothing() {
    let dir = temp_dir("recon-bad");
    let out = dir.join("out");
    std::fs::write(
        dir.join("slips.csv"),
        "slip_no,line_no,slip_date,part_no,qty,list_price,condition,ship_to\nCK1,1,2026-02-30,P1,1,10.00,new,H1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("invoices.csv"),
        "invoice_no,line_no,invoice_date,slip_no,part_no,qty,unit_price,amount\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("discounts.csv"),
        "contract_id,valid_from,valid_to,discount_rate\nHT,2026-01-01,2026-12-31,0.1\n",
    )
    .unwrap();
    // With --strict a bad line refuses the extract, naming its place.
    let run = bin()
        .arg("reconcile")
        .arg(&dir)
        .args(["--strict", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("slips.csv line 2, column 3 (slip_date), value \"2026-02-30\""),
        "{stderr}"
    );
    assert!(!out.join("findings.csv").exists());
    // Without it the line is blocked (INVALID_LINE, naming the same place) and the rest reconciled.
    let run = bin()
        .arg("reconcile")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(
        run.status.code(),
        Some(3),
        "a blocked line is an error finding"
    );
    let findings = std::fs::read_to_string(out.join("findings.csv")).expect("findings");
    assert!(
        findings.contains("INVALID_LINE")
            && findings.contains("slips.csv line 2, column 3 (slip_date)"),
        "{findings}"
    );
    // A file that cannot be read as the contract says (a required column missing) still refuses.
    std::fs::write(
        dir.join("invoices.csv"),
        "invoice_no,line_no,invoice_date,slip_no,part_no,qty,unit_price\n",
    )
    .unwrap();
    let out2 = dir.join("out2");
    let run = bin()
        .arg("reconcile")
        .arg(&dir)
        .arg("--out")
        .arg(&out2)
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("amount"));
    assert!(!out2.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn routes_writes_the_contract_files() {
    let out = temp_dir("routes");
    let run = bin()
        .arg("routes")
        .arg(china())
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(run.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json on stdout");
    assert_eq!(summary["hospitals"], 740);
    let routes = std::fs::read_to_string(out.join("routes.csv")).unwrap();
    assert!(routes.starts_with(
        "depot_id,hospital_id,hours,cost,hops,path,economy_hours,economy_cost,economy_path"
    ));
    assert_eq!(routes.lines().count(), 1 + 5 * 740);
    let coverage = std::fs::read_to_string(out.join("coverage.csv")).unwrap();
    assert!(coverage.starts_with(
        "hospital_id,fastest_depot_id,fastest_hours,depots_within_72h,engineer_hours"
    ));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn plan_writes_a_checked_plan_of_the_bundled_data_set() {
    let out = temp_dir("plan");
    let stdout = run_plan(&china(), &out);
    assert!(stdout.contains("annual holding cost"), "{stdout}");
    let plan = std::fs::read_to_string(out.join("stock_plan.csv")).expect("stock_plan.csv");
    assert!(plan.starts_with("depot_id,part_no,base_stock,fill_rate,investment"));
    // 5 depots x 52 parts.
    assert_eq!(plan.lines().count(), 1 + 5 * 52);
    let service = std::fs::read_to_string(out.join("service.csv")).expect("service.csv");
    assert!(
        service.starts_with("hospital_id,deadline_hours,demand_per_year,on_time_probability,simulated_on_time,simulated_ci_low,simulated_ci_high,target,reachable,meets_target")
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("json"))
            .expect("valid JSON");
    for key in [
        "total_investment",
        "annual_holding_cost",
        "system_on_time",
        "min_hospital_on_time",
        "lower_bound",
        "gap",
    ] {
        assert!(summary.get(key).is_some_and(|v| !v.is_null()), "{key}");
    }
    // Investment and holding cost are the sums of the rows, to the fen.
    let mut investment = 0i64;
    let mut holding = 0i64;
    for line in plan.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let fen = |s: &str| spareplan::money::Fen::parse(s).expect("money").0;
        investment += fen(f[4]);
        holding += fen(f[5]);
    }
    // Money is a decimal string in every command's summary.
    let fen_of = |v: &serde_json::Value| {
        spareplan::money::Fen::parse(v.as_str().expect("money as a decimal string"))
            .expect("decimal")
            .0
    };
    assert_eq!(fen_of(&summary["total_investment"]), investment);
    assert_eq!(fen_of(&summary["annual_holding_cost"]), holding);
    assert!(fen_of(&summary["lower_bound"]) <= holding);
    // Every hospital-tier within reach meets its target; the out-of-reach ones are those of
    // out_of_reach.csv, held to nothing (meets_target empty).
    let reach = std::fs::read_to_string(out.join("out_of_reach.csv")).expect("out_of_reach.csv");
    let unreached: std::collections::HashSet<(String, String)> = reach
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_owned(), f[3].to_owned())
        })
        .collect();
    let mut out_of_reach_rows = 0;
    for line in service.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let key = (f[0].to_owned(), f[1].to_owned());
        if unreached.contains(&key) {
            out_of_reach_rows += 1;
            assert_eq!((f[8], f[9]), ("false", ""), "{line}");
        } else {
            assert_eq!((f[8], f[9]), ("true", "true"), "{line}");
            let on_time: f64 = f[3].parse().expect("on-time");
            let target: f64 = f[7].parse().expect("target");
            assert!(on_time >= target - 1e-9, "{line}");
        }
    }
    assert_eq!(out_of_reach_rows, unreached.len());
    // Same inputs, same bytes.
    let again = temp_dir("plan-again");
    let rerun = bin()
        .args(["plan"])
        .arg(china())
        .arg("--out")
        .arg(&again)
        .output()
        .expect("runs");
    assert!(rerun.status.success());
    for f in [
        "stock_plan.csv",
        "service.csv",
        "summary.json",
        "stock_reasons.csv",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).expect("first"),
            std::fs::read(again.join(f)).expect("second"),
            "{f}"
        );
    }
}

/// The small fixture set: one X-ray tube demand of 0.25 a year at H1, which only the central
/// depot reaches (21 days' resupply, pipeline 0.25 x 21 / 365 = 0.0144): one unit fills
/// `exp(-0.0144) = 0.986 >= 0.95`, none fills nothing, so the optimum is one tube at DC,
/// 980,000 x 0.25 = 245,000 yuan a year. The exhaustive search proves it: bound = cost.
#[test]
fn plan_proves_a_small_plan_optimal() {
    let data = temp_dir("small-plan-data");
    for (name, text) in [
        ("depots.csv", crate::common::DEPOTS),
        ("hubs.csv", crate::common::HUBS),
        ("hospitals.csv", crate::common::HOSPITALS),
        ("lanes.csv", crate::common::LANES),
        ("parts.csv", crate::common::PARTS),
        ("installed_base.csv", crate::common::UNITS),
        ("part_usage.csv", crate::common::USAGE),
        ("stock.csv", crate::common::STOCK),
        ("engineers.csv", crate::common::ENGINEERS),
        ("fault_history.csv", crate::common::FAULTS),
        ("downtime.csv", crate::common::DOWNTIME),
    ] {
        std::fs::write(data.join(name), text).expect("fixture");
    }
    let out = temp_dir("small-plan-out");
    run_plan(&data, &out);
    let text = std::fs::read_to_string(out.join("summary.json")).expect("json");
    assert!(
        text.contains("\"annual_holding_cost\": \"245000.00\","),
        "{text}"
    );
    assert!(text.contains("\"lower_bound\": \"245000.00\","), "{text}");
    let summary: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(summary["gap"].as_f64(), Some(0.0));
    assert_eq!(summary["bound_method"], "exhaustive search");
    let plan = std::fs::read_to_string(out.join("stock_plan.csv")).expect("stock_plan.csv");
    assert!(plan.contains("\nDC,P1,1,"), "{plan}");
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn plan_refuses_a_target_of_one_and_writes_nothing() {
    let out = temp_dir("plan-target");
    let dest = out.join("plan");
    let run = bin()
        .args(["plan"])
        .arg(china())
        .arg("--out")
        .arg(&dest)
        .args(["--target", "1.0", "--no-curve", "--no-bound"])
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("target 1"));
    assert!(!dest.exists());
}

#[test]
fn a_closed_output_pipe_is_not_a_crash() {
    let out = temp_dir("pipe");
    let mut child = bin()
        .arg("routes")
        .arg(china())
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Close the reading end before the summary is printed, as `| head -0` would.
    drop(child.stdout.take());
    let status = child.wait().expect("waits");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("reads");
    assert!(status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.join("routes.csv").exists());
}

/// `plan` checks its plan by simulation (with the simulator of `simulate`): the summary carries
/// the simulated on-time and extension days beside the model's, and with a `warranty_day_cost`
/// on every scanner the model's extension cost is that cost times its extension days (to the
/// rounding of each unit's fen), added to the holding cost in the total. `--no-verify` leaves
/// the simulated figures out.
#[test]
fn plan_prices_the_extension_days_of_its_model() {
    let root = temp_dir("verify");
    let data = root.join("data");
    crate::common::copy_china(&data);
    let units = std::fs::read_to_string(data.join("installed_base.csv")).expect("units");
    assert!(units
        .lines()
        .next()
        .expect("header")
        .ends_with(",warranty_day_cost"));
    let priced: String = units
        .lines()
        .enumerate()
        .map(|(i, l)| {
            // The last column is warranty_day_cost: 100.00 yuan a day on every scanner.
            if i == 0 {
                format!("{l}\n")
            } else {
                let (head, _) = l.rsplit_once(',').expect("columns");
                format!("{head},100.00\n")
            }
        })
        .collect();
    std::fs::write(data.join("installed_base.csv"), priced).expect("write");
    let out = root.join("out");
    run_plan(&data, &out);
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("json"))
            .expect("valid");
    let fen = |v: &serde_json::Value| {
        spareplan::money::Fen::parse(v.as_str().expect("money"))
            .expect("decimal")
            .0
    };
    let days = s["expected_extension_days"].as_f64().expect("days");
    let cost = fen(&s["expected_extension_cost"]);
    assert!(days > 0.0);
    assert!(
        ((cost as f64) - days * 100.0 * 100.0).abs() <= 5038.0 + 1000.0,
        "{cost} fen for {days} days"
    );
    assert_eq!(
        fen(&s["total_annual_cost"]),
        fen(&s["annual_holding_cost"]) + cost
    );
    // uptime.csv: a scanner out of warranty in the planned year owes nothing, and the scanners'
    // costs add up to the summary's, to the fen.
    let uptime = std::fs::read_to_string(out.join("uptime.csv")).expect("uptime.csv");
    let mut rows = csv::Reader::from_reader(uptime.as_bytes());
    assert_eq!(
        rows.headers().expect("header").iter().collect::<Vec<_>>(),
        vec![
            "serial",
            "hospital_id",
            "in_warranty_fraction",
            "expected_days_short",
            "expected_extension_days",
            "expected_extension_cost",
            "region",
            "uptime_target",
            "simulated_extension_days"
        ]
    );
    let (mut total, mut n) = (0i64, 0);
    for r in rows.records() {
        let r = r.expect("row");
        let share: f64 = r[2].parse().expect("share");
        assert!((0.0..=1.0).contains(&share));
        if share == 0.0 {
            assert_eq!(&r[4], "0.0000", "a scanner out of warranty owes nothing");
        }
        total += spareplan::money::Fen::parse(&r[5]).expect("cost").0;
        n += 1;
    }
    assert_eq!(n, 5038);
    assert_eq!(total, cost);
    let simulated = s["simulated_system_on_time"].as_f64().expect("simulated");
    let model = s["system_on_time"].as_f64().expect("model");
    assert!(
        simulated > 0.85 && (simulated - model).abs() < 0.05,
        "{simulated} vs {model}"
    );
    let quick = root.join("quick");
    let run = bin()
        .arg("plan")
        .arg(&data)
        .args(["--no-verify", "--no-curve", "--no-bound", "--out"])
        .arg(&quick)
        .output()
        .expect("runs");
    assert!(run.status.success());
    let q: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(quick.join("summary.json")).expect("json"))
            .expect("valid");
    assert!(q["simulated_system_on_time"].is_null());
    assert!(q["simulated_expected_extension_days"].is_null());
}

#[test]
fn thousands_of_errors_of_one_kind_are_summarised() {
    let dir = temp_dir("many-errors");
    let mut invoices =
        String::from("invoice_no,line_no,invoice_date,slip_no,part_no,qty,unit_price,amount\n");
    for i in 1..=2000 {
        invoices.push_str(&format!("FP{i},1,2026-03-05,CK1,P1,1,-9.00,9.00\n"));
    }
    std::fs::write(
        dir.join("slips.csv"),
        "slip_no,line_no,slip_date,part_no,qty,list_price,condition,ship_to\nCK1,1,2026-02-03,P1,1,10.00,new,H1\n",
    )
    .unwrap();
    std::fs::write(dir.join("invoices.csv"), invoices).unwrap();
    std::fs::write(
        dir.join("discounts.csv"),
        "contract_id,valid_from,valid_to,discount_rate\nHT,2026-01-01,2026-12-31,0.1\n",
    )
    .unwrap();
    let run = bin()
        .arg("reconcile")
        .arg(&dir)
        .args(["--strict", "--out"])
        .arg(dir.join("out"))
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.lines().count() < 10, "{stderr}");
    assert!(
        stderr.contains("invoices.csv line 2, column 7 (unit_price), value \"-9.00\""),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "... and 1,997 more like these in invoices.csv, column unit_price on lines 2 to 2001"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("2,000 errors"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Reads one part of a workbook (a zip of XML parts).
fn xlsx_part(book: &Path, part: &str) -> String {
    let file = std::fs::File::open(book).expect("workbook");
    let mut zip = zip::ZipArchive::new(file).expect("a zip archive");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(part).expect(part), &mut text).expect("utf-8");
    text
}

#[test]
fn workbooks_carry_every_table_with_money_as_numbers_and_chinese_text() {
    let out = temp_dir("xlsx");
    let run = bin()
        .arg("plan")
        .arg(china())
        .args(["--no-verify", "--no-bound", "--xlsx", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let book = out.join("plan.xlsx");
    let workbook = xlsx_part(&book, "xl/workbook.xml");
    for sheet in ["stock_plan", "service", "stock_reasons", "out_of_reach"] {
        assert!(
            workbook.contains(&format!("<sheet name=\"{sheet}\"")),
            "{workbook}"
        );
    }
    let styles = xlsx_part(&book, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"#,##0.00\""), "{styles}");
    assert!(xlsx_part(&book, "xl/sharedStrings.xml").contains("北京第一人民医院"));
    let sheet = xlsx_part(&book, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("state=\"frozen\""), "the header is frozen");
    assert!(
        sheet.contains("<autoFilter ref=\"A1:"),
        "the header filters"
    );
    // The first row's investment (column E) is a number in the money style, the depot (A) text.
    let plan = std::fs::read_to_string(out.join("stock_plan.csv")).unwrap();
    let first: Vec<&str> = plan.lines().nth(1).unwrap().split(',').collect();
    let investment: f64 = first[4].parse().unwrap();
    assert!(
        sheet.contains(&format!("<c r=\"E2\" s=\"2\"><v>{investment}</v></c>")),
        "{}",
        &sheet[..sheet.len().min(1500)]
    );
    assert!(sheet.contains("<c r=\"A2\" t=\"s\">"));
    let _ = std::fs::remove_dir_all(&out);
}
