//! `routes`: fastest and economy routes, and the coverage summary.

use std::path::PathBuf;

use anyhow::bail;

use super::{load_planning, Exit};
use crate::coverage::{self, CoverageParams};
use crate::io;

/// Fastest and cheapest-within-deadline routes from every depot to every hospital, and coverage.
///
/// Writes routes.csv, coverage.csv and summary.json to OUT and prints the coverage summary:
/// reach within 4, 24 and 72 h, the slowest hospitals, hospitals that need air to make the
/// deadline, hospitals whose nearest engineer is over 24 h away, and each depot's share of the
/// installed base.
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Example:\n  spareplan routes data/china --out out/routes\n\n",
    "Exit status:\n  0  success\n  1  the data set has errors; nothing was written\n",
    "  2  bad arguments or an output that could not be written"
))]
pub struct Args {
    /// The planning data set folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// Delivery deadline in hours for the economy routes and the "within" counts.
    #[arg(long, default_value_t = 72.0)]
    pub deadline: f64,
    /// How many of the slowest hospitals to list.
    #[arg(long, default_value_t = 10)]
    pub slowest: usize,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    let max = crate::model::limits::MAX_DEADLINE_HOURS;
    if !(a.deadline.is_finite() && a.deadline > 0.0 && a.deadline <= max) {
        bail!(
            "--deadline must be a positive number of hours up to {max}, not {}",
            a.deadline
        );
    }
    // The output folder is taken (locked) before any work, and written only at the end.
    let mut output = io::OutputDir::create(&a.out, &[&a.dir])?;
    let Some(ds) = load_planning(&a.dir)? else {
        return Ok(Exit::DataErrors);
    };
    let params = CoverageParams {
        deadline_hours: a.deadline,
        ..CoverageParams::default()
    };
    let cov = coverage::compute(&ds, &params);
    let summary = coverage::summarize(&ds, &cov, a.slowest);
    let summary_json = io::output::routes_summary_json(&summary);
    output.stage("routes.csv", &io::output::routes_csv(&ds, &cov))?;
    output.stage("coverage.csv", &io::output::coverage_csv(&ds, &cov))?;
    output.stage("summary.json", summary_json.as_bytes())?;
    let written = output.commit()?;
    if a.json {
        out!("{summary_json}");
        return Ok(Exit::Success);
    }
    print_coverage(&summary);
    for w in written {
        outln!("wrote {}", w.display());
    }
    outln!("next: spareplan plan {} --out PLAN_DIR", a.dir.display());
    Ok(Exit::Success)
}

fn print_coverage(s: &coverage::Summary) {
    outln!(
        "routes: {}, {}, {} ({} unreachable); deadline {} h",
        crate::money::counted(s.hospitals as u64, "hospital", "hospitals"),
        crate::money::counted(s.depots as u64, "depot", "depots"),
        crate::money::counted(
            s.routes as u64,
            "depot-hospital route",
            "depot-hospital routes"
        ),
        crate::money::counted(s.unreachable_pairs as u64, "pair", "pairs"),
        s.deadline_hours
    );
    outln!("reach from the fastest depot:");
    for r in &s.reach {
        outln!(
            "  within {:>3} h: {:>6} hospitals ({:>5.1} %), {:>5.1} % of the installed base",
            r.hours,
            crate::money::group_digits(r.hospitals as u64),
            100.0 * r.share_of_hospitals,
            100.0 * r.share_of_installed_base
        );
    }
    if !s.unreachable_hospitals.is_empty() {
        outln!(
            "hospitals no depot can reach ({}): {}",
            s.unreachable_hospitals.len(),
            s.unreachable_hospitals.join(", ")
        );
    }
    outln!("slowest hospitals (fastest depot, delivery hours, modes):");
    for h in &s.slowest {
        outln!(
            "  {:<12} {} ({}): {} {:.2} h, {}",
            h.hospital_id,
            h.name,
            h.province,
            h.depot_id,
            h.hours,
            h.modes
        );
    }
    outln!(
        "hospitals that miss {} h by road and need air ({}):",
        s.deadline_hours,
        s.need_air.len()
    );
    for h in &s.need_air {
        outln!(
            "  {:<12} {} ({}): {} {:.2} h via {} ({})",
            h.hospital_id,
            h.name,
            h.province,
            h.depot_id,
            h.hours,
            h.route,
            h.modes
        );
    }
    outln!(
        "hospitals whose nearest engineer is over {} h away ({}):",
        s.engineer_limit_hours,
        s.engineer_over_limit.len()
    );
    for h in s.engineer_over_limit.iter().take(20) {
        if h.hours.is_nan() {
            outln!(
                "  {:<12} {} ({}): no engineer base reaches it",
                h.hospital_id,
                h.name,
                h.province
            );
        } else {
            outln!(
                "  {:<12} {} ({}): {:.2} h",
                h.hospital_id,
                h.name,
                h.province,
                h.hours
            );
        }
    }
    if s.engineer_over_limit.len() > 20 {
        outln!(
            "  ... and {} more (see coverage.csv)",
            s.engineer_over_limit.len() - 20
        );
    }
    outln!("installed base by fastest depot:");
    for d in &s.depot_share {
        outln!(
            "  {:<8} {:>6} hospitals {:>7} units {:>5.1} %",
            d.depot_id,
            d.hospitals,
            d.units,
            100.0 * d.share_of_installed_base
        );
    }
}
