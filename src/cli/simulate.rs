//! `simulate`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::load_planning;
use crate::coverage::{self, CoverageParams};
use crate::io::sim_output::{self, Analytic, RunInfo};
use crate::io::{self, stock_plan::load_stock_plan};
use crate::sim::{self, stats::summarize, SimSpec};
use crate::stock::check::check;
use crate::stock::input::build;
use crate::stock::optimise::{requirements, Plan};
use crate::stock::service::evaluate;

/// What to simulate.
#[derive(clap::Args, Debug)]
pub struct SimArgs {
    pub dir: PathBuf,
    /// The stock_plan.csv to simulate (depot_id, part_no, base_stock).
    #[arg(long)]
    pub plan: PathBuf,
    /// Output folder.
    #[arg(long)]
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

pub(super) fn simulate(a: &SimArgs) -> anyhow::Result<ExitCode> {
    if !(a.years.is_finite() && a.years > 0.0) {
        bail!(
            "--years must be a positive number of years, not {}",
            a.years
        );
    }
    if !(a.warmup_years.is_finite() && a.warmup_years >= 0.0) {
        bail!(
            "--warmup-years must be zero or more, not {}",
            a.warmup_years
        );
    }
    if a.replications == 0 {
        bail!("--replications must be at least 1");
    }
    let Some(ds) = load_planning(&a.dir)? else {
        return Ok(ExitCode::from(1));
    };
    let Some(levels) = super::reported(load_stock_plan(&a.plan, &ds)) else {
        return Ok(ExitCode::from(1));
    };
    let cov = coverage::compute(&ds, &CoverageParams::default());
    let input = build(&ds, &cov);
    let spec = SimSpec::from_dataset(&ds, &cov, &input, &levels.levels, a.years, a.warmup_years);
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
    // The plan's analytic figures for the same hospitals and parts.
    let plan = Plan {
        stock: spec.stock.clone(),
    };
    let checked = check(&input, &requirements(&input, None), &plan);
    let analytic = Analytic {
        system: checked.system_on_time(),
        hospitals: checked.hospitals.iter().map(|h| h.on_time).collect(),
        parts: input
            .parts
            .iter()
            .zip(&plan.stock)
            .map(|(p, s)| {
                let service = evaluate(&p.network, s);
                let total: f64 = p.network.hospitals.iter().map(|h| h.rate).sum();
                let on: f64 = p
                    .network
                    .hospitals
                    .iter()
                    .zip(&service.on_time)
                    .map(|(h, o)| h.rate * o)
                    .sum();
                if total > 0.0 {
                    on / total
                } else {
                    1.0
                }
            })
            .collect(),
    };
    let run = RunInfo {
        years: a.years,
        warmup_years: a.warmup_years,
        replications: a.replications,
        seed: a.seed,
    };
    let json = sim_output::summary_json(&summary, &analytic, &run);
    let mut output = io::OutputDir::create(&a.out)?;
    output.stage("summary.json", json.as_bytes())?;
    output.stage("units.csv", &sim_output::units_csv(&ds, &summary))?;
    output.stage(
        "hospitals.csv",
        &sim_output::hospitals_csv(&ds, &summary, &analytic),
    )?;
    output.stage(
        "parts.csv",
        &sim_output::parts_csv(&ds, &input, &summary, &analytic),
    )?;
    let written = output.commit()?;
    if a.json {
        out!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    let s = &summary;
    outln!(
        "simulated {} replications of {} years after {} warm-up years: {} failures ({:.1} million a second)",
        a.replications,
        a.years,
        a.warmup_years,
        s.failures,
        s.failures as f64 / elapsed.max(1e-9) / 1e6
    );
    outln!(
        "  on time: {:.4} (95 % CI {:.4} to {:.4}); the plan's analytic model says {:.4}",
        s.on_time.mean,
        s.on_time.low,
        s.on_time.high,
        analytic.system
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
        "  uptime over the warranty year: mean {:.4}, lowest {:.4}; units below target {:.1} (CI {:.1} to {:.1})",
        s.uptime_mean.mean,
        s.uptime_min.mean,
        s.units_below_target.mean,
        s.units_below_target.low,
        s.units_below_target.high
    );
    outln!(
        "  days short {:.1}, warranty extension owed {:.1} days a year (CI {:.1} to {:.1})",
        s.days_short_total.mean,
        s.extension_days_total.mean,
        s.extension_days_total.low,
        s.extension_days_total.high
    );
    outln!(
        "  quarterly maintenance: {:.0} visits and {:.1} parts a year, ordered ahead outside the base stock",
        s.pm_visits_per_year.mean, s.pm_parts_per_year.mean
    );
    let mut worst: Vec<(f64, usize)> = s
        .hospitals
        .iter()
        .enumerate()
        .filter_map(|(h, e)| e.map(|e| (e.mean - analytic.hospitals[h], h)))
        .collect();
    worst.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    outln!("  hospitals where the analytic model is most optimistic (simulated - analytic):");
    for &(d, h) in worst.iter().take(5) {
        let hospital = &ds.hospitals[h];
        outln!("    {} {}: {:+.4}", hospital.code, hospital.name, d);
    }
    for w in written {
        outln!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}
