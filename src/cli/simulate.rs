//! `simulate`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{load_planning, Exit};
use crate::io::sim_output::{self, RunInfo};
use crate::io::{self, stock_plan::load_stock_plan};
use crate::model::HospitalId;
use crate::money::{group_digits, grouped_f};
use crate::sim::{self, stats::summarize, SimSpec};
use crate::stock::{self, PlanParams};

/// Simulate a stock plan: on-time, waiting times and uptime with 95 % confidence intervals.
///
/// A discrete-event simulation of the policy of the planning model (failures per unit and part,
/// fastest depot with stock within the deadline, backorders at the primary depot, one-for-one
/// replenishment with lead times and the central depot's own stock-outs, engineer travel,
/// repair). Replications run in parallel, each seeded from (seed, index): the same seed gives
/// the same bytes on any number of threads. Writes summary.json, units.csv, hospitals.csv and
/// parts.csv, with the plan's analytic on-time beside the simulated one.
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Example:\n  spareplan plan data/china --out out/china\n",
    "  spareplan simulate data/china --plan out/china/stock_plan.csv --out out/sim --replications 100\n\n",
    "Exit status:\n  0  success\n  1  the data set or the plan file has errors; nothing was written\n",
    "  2  bad arguments or an output that could not be written"
))]
pub struct Args {
    /// The planning data set folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The stock_plan.csv to simulate (depot_id, part_no, base_stock).
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// Simulated years after the warm-up.
    #[arg(long, default_value_t = 5.0)]
    pub years: f64,
    /// Years simulated first and discarded.
    #[arg(long, default_value_t = 1.0)]
    pub warmup_years: f64,
    /// Independent replications.
    #[arg(long, default_value_t = 20)]
    pub replications: u64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The longest simulated horizon a run may ask for (warm-up and measured years each).
const MAX_YEARS: f64 = 100.0;
/// The most replications a run may ask for.
const MAX_REPLICATIONS: u64 = 10_000;

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    if !(a.years.is_finite() && a.years > 0.0 && a.years <= MAX_YEARS) {
        bail!(
            "--years must be a positive number of years up to {MAX_YEARS}, not {}",
            a.years
        );
    }
    if !(a.warmup_years.is_finite() && a.warmup_years >= 0.0 && a.warmup_years <= MAX_YEARS) {
        bail!(
            "--warmup-years must be from 0 to {MAX_YEARS}, not {}",
            a.warmup_years
        );
    }
    if a.replications == 0 || a.replications > MAX_REPLICATIONS {
        bail!("--replications must be from 1 to {MAX_REPLICATIONS}");
    }
    // The output folder is taken (locked) before any work, and written only at the end.
    let mut output = io::OutputDir::create(&a.out, &[&a.dir, &a.plan])?;
    let Some(ds) = load_planning(&a.dir)? else {
        return Ok(Exit::DataErrors);
    };
    let Some(levels) = super::reported(load_stock_plan(&a.plan, &ds)) else {
        return Ok(Exit::DataErrors);
    };
    // The plan's analytic figures, and the network facts the simulation reads.
    let plan = stock::evaluate(&ds, &levels, &PlanParams::quick(None))?;
    let spec = SimSpec::from_plan(&ds, &plan, a.years, a.warmup_years);
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(a.replications), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("simulating {bar:40} {pos}/{len} replications ({eta})")
            .expect("a valid template"),
    );
    let started = Instant::now();
    let mut reps = sim::run(&spec, a.replications, a.seed, &|| bar.inc(1));
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let summary = summarize(&spec, &mut reps);
    let run = RunInfo {
        years: a.years,
        warmup_years: a.warmup_years,
        replications: a.replications,
        seed: a.seed,
    };
    let json = sim_output::summary_json(&summary, &plan, &run);
    output.stage("summary.json", json.as_bytes())?;
    output.stage("units.csv", &sim_output::units_csv(&ds, &summary, &plan))?;
    output.stage(
        "hospitals.csv",
        &sim_output::hospitals_csv(&ds, &summary, &plan),
    )?;
    output.stage("parts.csv", &sim_output::parts_csv(&ds, &summary, &plan))?;
    let written = output.commit()?;
    if a.json {
        out!("{json}");
        return Ok(Exit::Success);
    }
    print_summary(&ds, &plan, &summary, a, elapsed);
    for w in written {
        outln!("wrote {}", w.display());
    }
    outln!(
        "next: spareplan report {} --plan {} --sim {} --out REPORT_DIR",
        a.dir.display(),
        a.plan
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .display(),
        a.out.display()
    );
    Ok(Exit::Success)
}

/// The human summary: on-time against the analytic model, waits, uptime, maintenance, and the
/// hospitals where the model is most optimistic.
fn print_summary(
    ds: &crate::model::Dataset,
    plan: &crate::stock::PlanResult,
    summary: &crate::sim::stats::Summary,
    a: &Args,
    elapsed: f64,
) {
    let s = summary;
    outln!(
        "simulated {} replication{} of {} year{} after {} warm-up year{}: {} failures ({:.1} million a second)",
        a.replications,
        if a.replications == 1 { "" } else { "s" },
        a.years,
        if a.years == 1.0 { "" } else { "s" },
        a.warmup_years,
        if a.warmup_years == 1.0 { "" } else { "s" },
        group_digits(s.failures),
        s.failures as f64 / elapsed.max(1e-9) / 1e6
    );
    outln!(
        "  on time: {:.4} (95 % CI {:.4} to {:.4}); the plan's analytic model says {:.4}",
        s.on_time.mean,
        s.on_time.low,
        s.on_time.high,
        plan.system_on_time()
    );
    outln!(
        "  filled from stock at once: {:.4} (CI {:.4} to {:.4}); the rest waited for a replenishment",
        s.fill_rate.mean, s.fill_rate.low, s.fill_rate.high
    );
    outln!(
        "  hours to delivery: mean {:.1}, 95th percentile {:.1}, 99th percentile {:.1}",
        s.wait_mean.mean,
        s.wait_p95.mean,
        s.wait_p99.mean
    );
    outln!(
        "  uptime over the warranty year: mean {:.4}, lowest {:.4}; scanners below target {} a year on average (CI {} to {})",
        s.uptime_mean.mean,
        s.uptime_min.mean,
        grouped_f(s.units_below_target.mean, 1),
        grouped_f(s.units_below_target.low, 1),
        grouped_f(s.units_below_target.high, 1)
    );
    outln!(
        "  days short {} a year, warranty extension owed {} days a year (CI {} to {}); the plan's model says {}",
        grouped_f(s.days_short_total.mean, 1),
        grouped_f(s.extension_days_total.mean, 1),
        grouped_f(s.extension_days_total.low, 1),
        grouped_f(s.extension_days_total.high, 1),
        grouped_f(plan.extension_all_units().extension_days_all_units(), 1)
    );
    outln!(
        "  quarterly maintenance: {} visits and {} parts a year, ordered ahead outside the base stock",
        grouped_f(s.pm_visits_per_year.mean, 0),
        grouped_f(s.pm_parts_per_year.mean, 1)
    );
    let mut worst: Vec<(f64, usize)> = s
        .hospitals
        .iter()
        .enumerate()
        .filter_map(|(h, e)| {
            e.map(|e| (e.mean - plan.hospital(HospitalId::from_index(h)).on_time, h))
        })
        .collect();
    worst.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    outln!("  hospitals where the analytic model is most optimistic (simulated - analytic):");
    for &(d, h) in worst.iter().take(5) {
        let hospital = &ds.hospitals[h];
        outln!("    {} {}: {:+.4}", hospital.code, hospital.name, d);
    }
}
