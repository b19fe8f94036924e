//! The replenishment batch: forecasts against hand-worked values, orders on a small network
//! worked by hand, reruns, booking and a killed batch.

use std::path::{Path, PathBuf};
use std::process::Command;

use spareplan::forecast::{croston, sba, tsb};
use spareplan::io::MemorySource;
use spareplan::replenish::forecasting::{Method, Month, Smoothing};
use spareplan::replenish::{run, BatchParams, Kind};

use crate::common::{self, copy_china};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn forecasts_of_short_series_by_hand() {
    // No demand: every method forecasts zero.
    let none = [0.0; 6];
    assert_eq!(croston(&none, 0.1), 0.0);
    assert_eq!(sba(&none, 0.1), 0.0);
    assert_eq!(tsb(&none, 0.1, 0.1), 0.0);
    // One demand of 5 in the third month: the first interval counts the leading zeros (3), so
    // Croston is 5 / 3 and SBA 0.95 of that. TSB: size 5; occurrence smoothed from the first
    // month, 0, 0, 0.1, then 0.9 x 0.1 = 0.09: 0.45.
    let one = [0.0, 0.0, 5.0, 0.0];
    assert!(close(croston(&one, 0.1), 5.0 / 3.0));
    assert!(close(sba(&one, 0.1), 0.95 * 5.0 / 3.0));
    assert!(close(tsb(&one, 0.1, 0.1), 0.45));
    // Two demands: sizes 2, 4 and intervals 2, 3 smoothed with 0.1 from the first:
    // size 2 -> 2.2 after 4 ... ses([2, 4]) = 0.1 x 4 + 0.9 x (0.1 x 2 + 0.9 x 2) = 2.2,
    // ses([2, 3]) = 2.1: Croston 2.2 / 2.1.
    let two = [0.0, 2.0, 0.0, 0.0, 4.0];
    assert!(close(croston(&two, 0.1), 2.2 / 2.1));
}

#[test]
fn months_count_across_years() {
    let m = Month::parse("2026-01").expect("a month");
    assert_eq!(m.plus(-1).to_string(), "2025-12");
    assert_eq!(m.plus(-24).to_string(), "2024-01");
    assert_eq!(Month::parse("2024-11").expect("m").until(m), 14);
    assert!(Month::parse("2026-13").is_none());
    assert!(Month::parse("26-01").is_none());
}

fn small(stock: &str) -> spareplan::model::Dataset {
    let src: MemorySource = common::planning().with("stock.csv", stock);
    spareplan::io::load_planning(&src).expect("valid").data
}

fn params() -> BatchParams {
    BatchParams {
        month: Month::parse("2026-01").expect("month"),
        history_from: Month::parse("2025-01").expect("month"),
        smoothing: Smoothing::default(),
        target: Default::default(),
        pm_months: 3,
    }
}

#[test]
fn orders_on_the_small_network_by_hand() {
    // DC holds no P1 and no P2; R1 holds no P2.
    let ds = small("depot_id,part_no,on_hand,on_order\nDC,P1,0,0\nR1,P2,0,0\n");
    let b = run(&ds, &params()).expect("batch");
    // P1: one failure in 2025-07 at H1 (DC's region). The holdout (2025-07 .. 2025-12 against
    // six empty training months) prefers the installed base: (1 + 0.25 x 50) / (306/365 + 50)
    // failures per unit-year, 1 unit, per month.
    let p1 = 0;
    assert_eq!(b.forecasts.chosen[p1], Method::InstalledBase);
    let rate = (1.0 + 0.25 * 50.0) / (306.0 / 365.0 + 50.0) / 12.0;
    assert!(close(b.forecasts.monthly_rate(p1, 0), rate));
    // P2 was never consumed: installed base, S2 (uCT 510) from 2025-06-15, 200 days.
    assert_eq!(b.forecasts.chosen[1], Method::InstalledBase);
    let rate2 = (0.1 * 50.0) / (200.0 / 365.0 + 50.0) / 12.0;
    assert!(close(b.forecasts.monthly_rate(1, 1), rate2));
    // Target: H1 needs 0.95 on P1 from DC (21 days): pipeline 12 x rate x 21/365 = 0.0153, one
    // unit fills 98.5 %. P2 (4 h) reaches H2 from no depot in time: no target.
    assert_eq!(b.lines[p1][0].target, 1);
    assert_eq!(b.lines[1][1].target, 0);
    // Maintenance ahead at R1: S2 uses 0.5 P2 a visit, one visit in 3 months: 1.
    assert_eq!(b.lines[1][1].maintenance, 1);
    // Orders: R1 needs 1 P2, DC has none to send (a shortage), so DC buys it; DC buys 1 P1.
    let got: Vec<(Kind, String, u32)> = b
        .orders
        .iter()
        .map(|o| (o.kind, o.id.clone(), o.qty))
        .collect();
    assert_eq!(
        got,
        vec![
            (Kind::Purchase, "2026-01-P-DC-P1".to_owned(), 1),
            (Kind::Purchase, "2026-01-P-DC-P2".to_owned(), 1),
        ]
    );
    assert_eq!(b.shortages.len(), 1);
    assert_eq!((b.shortages[0].needed, b.shortages[0].allocated), (1, 0));
    // With three P2 at DC, R1 gets its unit by transfer and DC buys nothing for it.
    let ds = small("depot_id,part_no,on_hand,on_order\nDC,P1,0,1\nDC,P2,3,0\nR1,P2,0,0\n");
    let b = run(&ds, &params()).expect("batch");
    let got: Vec<(Kind, String, u32)> = b
        .orders
        .iter()
        .map(|o| (o.kind, o.id.clone(), o.qty))
        .collect();
    assert_eq!(got, vec![(Kind::Transfer, "2026-01-T-R1-P2".to_owned(), 1)]);
    assert!(b.shortages.is_empty());
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spareplan"))
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-rep-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn replenish(dir: &Path, out: &Path) -> std::process::Output {
    bin()
        .arg("replenish")
        .arg(dir)
        .args(["--month", "2026-11", "--out"])
        .arg(out)
        .output()
        .expect("runs")
}

type StockRow = (String, String, i64, i64);

fn row_of(rows: &mut Vec<StockRow>, depot: &str, part: &str) -> usize {
    match rows.iter().position(|x| x.0 == depot && x.1 == part) {
        Some(i) => i,
        None => {
            rows.push((depot.to_owned(), part.to_owned(), 0, 0));
            rows.len() - 1
        }
    }
}

/// Books orders into stock.csv: the receiver's on_order up, a transfer's sender's on_hand down.
fn book(dir: &Path, orders: &str) {
    let stock = std::fs::read_to_string(dir.join("stock.csv")).expect("stock");
    let mut rows: Vec<StockRow> = stock
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_owned(),
                f[1].to_owned(),
                f[2].parse().expect("on_hand"),
                f.get(3).map_or(0, |x| x.parse().expect("on_order")),
            )
        })
        .collect();
    let mut rdr = csv::Reader::from_reader(orders.as_bytes());
    for r in rdr.records() {
        let r = r.expect("row");
        let (kind, from, to, part, qty) = (
            &r[2],
            &r[3],
            &r[4],
            &r[5],
            r[6].parse::<i64>().expect("qty"),
        );
        let i = row_of(&mut rows, to, part);
        rows[i].3 += qty;
        if kind == "transfer" {
            let j = row_of(&mut rows, from, part);
            rows[j].2 -= qty;
            assert!(rows[j].2 >= 0, "a transfer ships only stock on hand");
        }
    }
    let mut text = String::from("depot_id,part_no,on_hand,on_order\n");
    for (d, p, h, o) in rows {
        text += &format!("{d},{p},{h},{o}\n");
    }
    std::fs::write(dir.join("stock.csv"), text).expect("write");
}

#[test]
fn reruns_are_identical_and_booked_orders_are_not_repeated() {
    let root = temp("rerun");
    let data = root.join("data");
    copy_china(&data);
    let (a, b) = (root.join("a"), root.join("b"));
    assert!(replenish(&data, &a).status.success());
    assert!(replenish(&data, &b).status.success());
    for f in [
        "orders.csv",
        "forecast.csv",
        "shortages.csv",
        "run_log.json",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).expect("a"),
            std::fs::read(b.join(f)).expect("b"),
            "{f}"
        );
    }
    let orders = std::fs::read_to_string(a.join("orders.csv")).expect("orders");
    assert!(orders.starts_with("order_id,month,kind,from_id,to_id,part_no,qty,reason\n"));
    assert!(
        orders.lines().count() > 1,
        "the bundled stock is short somewhere"
    );
    book(&data, &orders);
    let c = root.join("c");
    assert!(replenish(&data, &c).status.success());
    let again = std::fs::read_to_string(c.join("orders.csv")).expect("orders");
    assert_eq!(
        again.lines().count(),
        1,
        "booked orders are not ordered again:\n{again}"
    );
}

#[test]
fn a_killed_batch_leaves_the_old_files_or_the_new_ones() {
    let root = temp("kill");
    let data = root.join("data");
    copy_china(&data);
    let full = root.join("full");
    assert!(replenish(&data, &full).status.success());
    let expected = std::fs::read(full.join("orders.csv")).expect("orders");
    for (i, delay_ms) in [0u64, 50, 200, 600, 1200, 1800].into_iter().enumerate() {
        let out = root.join(format!("k{i}"));
        std::fs::create_dir_all(&out).expect("dir");
        std::fs::write(out.join("orders.csv"), b"old\n").expect("old file");
        let mut child = bin()
            .arg("replenish")
            .arg(&data)
            .args(["--month", "2026-11", "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(out.join("orders.csv")).expect("orders.csv is always there");
        assert!(
            now == b"old\n" || now == expected,
            "after a kill at {delay_ms} ms orders.csv is neither old nor new"
        );
        // Rerunning finishes the job.
        assert!(replenish(&data, &out).status.success());
        assert_eq!(
            std::fs::read(out.join("orders.csv")).expect("orders"),
            expected
        );
    }
}

/// A part the catalogue gives no failure rate for, but the history shows consumed, is stocked
/// for its forecast (with a warning in the output and the run log), not silently left out.
#[test]
fn history_that_contradicts_a_zero_catalogue_rate_is_used_and_said() {
    let root = temp("zero-rate");
    let data = root.join("data");
    copy_china(&data);
    let usage = std::fs::read_to_string(data.join("part_usage.csv")).expect("usage");
    let mut zeroed = 0;
    let edited: Vec<String> = usage
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let f: Vec<&str> = l.split(',').collect();
            if i > 0 && f[1] == "CT-XT-50" {
                zeroed += 1;
                let mut f: Vec<String> = f.iter().map(|s| (*s).to_owned()).collect();
                f[2] = "0".to_owned();
                f.join(",")
            } else {
                l.to_owned()
            }
        })
        .collect();
    assert!(zeroed > 0);
    std::fs::write(data.join("part_usage.csv"), edited.join("\n") + "\n").expect("write");
    let out = root.join("out");
    let run = replenish(&data, &out);
    assert!(run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("CT-XT-50") && stderr.contains("no failure rate"),
        "{stderr}"
    );
    let log = std::fs::read_to_string(out.join("run_log.json")).expect("log");
    assert!(log.contains("CT-XT-50"), "{log}");
    let forecast = std::fs::read_to_string(out.join("forecast.csv")).expect("forecast");
    let header: Vec<&str> = forecast
        .lines()
        .next()
        .expect("header")
        .split(',')
        .collect();
    let col = header
        .iter()
        .position(|h| *h == "base_stock")
        .expect("base_stock");
    let held: u32 = forecast
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1) == Some("CT-XT-50"))
        .map(|l| {
            l.split(',')
                .nth(col)
                .expect("cell")
                .parse::<u32>()
                .expect("a count")
        })
        .sum();
    assert!(held > 0, "CT-XT-50 is stocked for its consumption");
}

/// A batch month the history does not reach is refused, naming the missing months; with
/// `--allow-missing-history` it runs, says so and records them in the run log.
#[test]
fn a_batch_beyond_the_history_is_refused_or_recorded() {
    let root = temp("gap");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china");
    let out = root.join("out");
    let run = bin()
        .arg("replenish")
        .arg(&data)
        .args(["--month", "2027-01", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    // The bundled history ends on 2026-10-31.
    assert!(
        stderr.contains("2026-11, 2026-12") && stderr.contains("2 months"),
        "{stderr}"
    );
    assert!(!out.exists());
    let run = bin()
        .arg("replenish")
        .arg(&data)
        .args(["--month", "2027-01", "--allow-missing-history", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(run.status.success());
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run_log.json")).expect("log"))
            .expect("json");
    assert_eq!(
        log["missing_history_months"],
        serde_json::json!(["2026-11", "2026-12"])
    );
}
