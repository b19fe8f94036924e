//! The report as a person sees it: a self-contained page whose key figures are the plan's, drawn
//! by a real browser (headless Chromium) into a screenshot that is not blank.

use std::path::{Path, PathBuf};
use std::process::Command;

use spareplan::stock::{plan, PlanParams};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn china() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china")
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Writes the report of data/china with a small scenario table; returns the page and the plan's
/// total investment as the page should show it.
fn make_report(dir: &Path) -> (PathBuf, String) {
    let scen = dir.join("scen");
    std::fs::create_dir_all(&scen).expect("dir");
    std::fs::write(
        scen.join("scenarios.csv"),
        "scenario,question,annual_holding_cost\nbaseline,the data set as it is,30000000.00\nClose Chengdu,What if?,31000000.00\n",
    )
    .expect("write");
    let out = dir.join("out");
    let run_cmd = Command::new(env!("CARGO_BIN_EXE_spareplan"))
        .arg("report")
        .arg(china())
        .arg("--out")
        .arg(&out)
        .arg("--scenarios")
        .arg(&scen)
        .output()
        .expect("runs");
    assert!(
        run_cmd.status.success(),
        "{}",
        String::from_utf8_lossy(&run_cmd.stderr)
    );
    let ds = spareplan::io::load_planning(&spareplan::io::DirSource::new(china()))
        .expect("valid")
        .data;
    // The plan `plan` writes: planned, then checked and corrected by simulation.
    let analytic = plan(&ds, &PlanParams::default()).expect("plan");
    let plan = spareplan::sim::verified::verified_plan(
        &ds,
        analytic,
        &spareplan::sim::VerifyParams::default(),
        &|_| {},
    )
    .expect("verified")
    .result;
    (
        out.join("report.html"),
        format!("{} yuan", plan.investment.grouped()),
    )
}

#[test]
fn the_report_is_self_contained_and_shows_the_plan() {
    let dir = temp("page");
    let (page, investment) = make_report(&dir);
    let html = std::fs::read_to_string(&page).expect("report.html");
    assert!(
        html.contains(&investment),
        "the total investment {investment} is on the page"
    );
    // data/china's 79 candidate sites, none open, drawn as candidates on the network map.
    let candidates = std::fs::read_to_string(china().join("candidates.csv")).expect("candidates");
    assert_eq!(
        html.matches("<g class=\"candidate\">").count(),
        candidates.lines().count() - 1
    );
    // One inline script (sorting and filtering the tables), nothing loaded.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script>"));
    for needle in [
        " src=",
        " href=",
        "url(",
        "@import",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(
            !html.contains(needle),
            "the page fetches nothing: found {needle:?}"
        );
    }
    assert!(html.contains("<svg") && html.contains("Scenario comparison"));
    assert!(html.contains("Close Chengdu"));

    let Some(browser) = chromium() else {
        println!("skipped the browser check: no Chromium on PATH (.ci/run installs it)");
        return;
    };
    let png = dir.join("shot.png");
    let url = format!("file://{}", page.display());
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1200,1400",
    ];
    let shot = Command::new(&browser)
        .args(common)
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let dom = Command::new(&browser)
        .args(common)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    let text = String::from_utf8_lossy(&dom.stdout);
    assert!(
        text.contains(&investment),
        "the browser's page shows {investment}"
    );
    assert!(text.contains("Cost versus target"));
    // The script ran: every sortable table got its filter box; the province tiles and the run's
    // inputs are on the page.
    let tables = text.matches("class=\"sortable\"").count();
    assert!(tables >= 2, "{tables} sortable tables");
    assert_eq!(text.matches("class=\"filter\"").count(), tables);
    assert_eq!(text.matches("class=\"tile\"").count(), 31);
    assert!(text.contains("This run") && text.contains("records up to"));
    // The screenshot is not blank: many colours, and not all background.
    let decoder = png::Decoder::new(std::fs::File::open(&png).expect("screenshot"));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let bytes = &buf[..info.buffer_size()];
    let step = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut non_white = 0usize;
    for px in bytes.chunks(step) {
        colours.insert(px[..3.min(step)].to_vec());
        if px[..3.min(step)].iter().any(|&c| c < 240) {
            non_white += 1;
        }
    }
    assert!(colours.len() > 20, "{} colours", colours.len());
    assert!(
        non_white > bytes.len() / step / 50,
        "{non_white} drawn pixels"
    );
}

/// `report --plan` shows the plan `plan` wrote (here one planned at a uniform 90 % target, which
/// the report would not make by itself), and `--sim` its simulated on-time beside the analytic.
#[test]
fn the_report_shows_the_plan_it_is_given_and_its_simulation() {
    let dir = temp("given");
    let bin = env!("CARGO_BIN_EXE_spareplan");
    let plan_dir = dir.join("plan");
    let sim_dir = dir.join("sim");
    let out = dir.join("out");
    let run = |args: Vec<&std::ffi::OsStr>| {
        let o = Command::new(bin).args(args).output().expect("runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let china = china();
    run(vec![
        "plan".as_ref(),
        china.as_os_str(),
        "--target".as_ref(),
        "0.9".as_ref(),
        "--out".as_ref(),
        plan_dir.as_os_str(),
    ]);
    let stock = plan_dir.join("stock_plan.csv");
    run(vec![
        "simulate".as_ref(),
        china.as_os_str(),
        "--plan".as_ref(),
        stock.as_os_str(),
        "--years".as_ref(),
        "1".as_ref(),
        "--replications".as_ref(),
        "4".as_ref(),
        "--out".as_ref(),
        sim_dir.as_os_str(),
    ]);
    run(vec![
        "report".as_ref(),
        china.as_os_str(),
        "--plan".as_ref(),
        plan_dir.as_os_str(),
        "--sim".as_ref(),
        sim_dir.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(plan_dir.join("summary.json")).expect("summary"),
    )
    .expect("json");
    let investment = summary["total_investment"].as_str().expect("money");
    let sim: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(sim_dir.join("summary.json")).expect("summary"),
    )
    .expect("json");
    let simulated = sim["on_time_fraction"].as_f64().expect("number");
    let html = std::fs::read_to_string(out.join("report.html")).expect("page");
    let grouped = |text: &str| spareplan::money::Fen::parse(text).expect("money").grouped();
    assert!(
        html.contains(&format!(
            "id=\"total-investment\">{} yuan<",
            grouped(investment)
        )),
        "the page shows the given plan's investment {investment}"
    );
    assert!(
        html.contains(&format!("id=\"simulated-system-on-time\">{simulated:.4}<")),
        "the page shows the simulated on-time {simulated:.4}"
    );
    // The plan's curve (its totals are read back whole) and its expected extension cost.
    let cost = summary["expected_extension_cost"].as_str().expect("money");
    assert!(html.contains(&format!(
        "id=\"expected-extension-cost\">{} yuan<",
        grouped(cost)
    )));
    let curve = std::fs::read_to_string(plan_dir.join("curve.csv")).expect("curve");
    let first_point = curve
        .lines()
        .nth(1)
        .expect("a point")
        .split(',')
        .nth(1)
        .expect("holding");
    assert!(
        html.contains(first_point),
        "the curve's first point {first_point} is shown"
    );
    // The curve marks the plan on the page and has ticks on its cost axis.
    assert!(html.contains(&format!(
        "this plan: {} yuan a year",
        grouped(summary["annual_holding_cost"].as_str().expect("money"))
    )));
    assert!(html.contains(">10 M</text>"), "cost-axis ticks");
    // The plan `plan` writes by default costs more (targets of 95 % and up): the page is not it.
    let ds = spareplan::io::load_planning(&spareplan::io::DirSource::new(&china))
        .expect("valid")
        .data;
    let default = plan(&ds, &PlanParams::quick(None)).expect("plan");
    assert!(!html.contains(&format!(
        "id=\"total-investment\">{} yuan<",
        default.investment.grouped()
    )));
}

#[test]
fn hospitals_below_target_are_listed_by_shortfall_and_drawn_on_top() {
    let ds = spareplan::io::load_planning(&spareplan::io::DirSource::new(china()))
        .expect("valid")
        .data;
    // A plan within 80 % of the least holding cost leaves hospital-tiers below their target.
    let full = plan(&ds, &PlanParams::quick(None)).expect("plan");
    let params = PlanParams {
        budget: Some(spareplan::money::Fen(full.annual_holding_cost.0 * 4 / 5)),
        ..PlanParams::quick(None)
    };
    let r = plan(&ds, &params).expect("plan");
    let html = spareplan::report::html(
        &ds,
        &r,
        "test",
        None,
        None,
        None,
        &spareplan::report::RunInfo::default(),
    );
    let below: Vec<&str> = ds
        .hospital_ids()
        .filter(|&h| r.hospital(h).below_target())
        .map(|h| ds.hospital(h).code.as_str())
        .collect();
    assert!(!below.is_empty(), "a plan short of its budget falls short");
    let tiers_below = r.tiers_below_target();
    assert!(tiers_below >= below.len());
    let title = format!("Hospital-tiers below their target ({tiers_below})");
    let table = &html[html.find(&title).expect("the shortfall table")..];
    // Every hospital below target is in the table, before any that meets its target.
    let rows: Vec<&str> = table
        .split("<tr><td>")
        .skip(1)
        .map(|r| r.split("</td>").next().unwrap())
        .collect();
    assert!(rows.len() >= tiers_below);
    for code in &rows[..tiers_below] {
        assert!(
            below.contains(code),
            "{code} listed among those below target"
        );
    }
    // On the map, the circles of hospitals below target come after (on top of) all others.
    let circles: Vec<&str> = html.split("<circle ").skip(1).collect();
    let first_below = circles
        .iter()
        .position(|c| c.contains("class=\"below\""))
        .expect("marked");
    assert!(circles[first_below..]
        .iter()
        .all(|c| c.contains("class=\"below\"")));
    assert_eq!(circles.len() - first_below, below.len());
    // Depots are named by their city, with a tooltip of what they hold.
    for d in &ds.depots {
        let city = d.city.as_deref().unwrap_or(&d.name);
        assert!(
            html.contains(&format!("<g class=\"depot\"><title>{} ", d.code)),
            "{}",
            d.code
        );
        assert!(html.contains(&format!(">{city}</text></g>")), "{city}");
    }
}
