//! `report`: the planner's report, one self-contained HTML page.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{load_planning, reported, Exit};
use crate::io::{self, stock_plan};
use crate::report::{html, RunInfo, Table};
use crate::sim;
use crate::stock::{self, PlanParams};

/// The planner's report: one self-contained HTML page.
///
/// Shows the plan `spareplan plan` wrote (--plan; without it, DIR is planned here through the
/// same entry, with the curve and the lower bound): the run's inputs and data date, key
/// figures, a tile map of the provinces with the 4-hour reach and the hospitals below target, a
/// map of depots and hospitals coloured by on-time with each depot's 72-hour and 4-hour reach,
/// the curve, stock by depot and part category (tables sortable and filterable), the hospitals with the lowest on-time, with --sim the simulated figures beside the
/// analytic ones, and with --scenarios the comparison written by `spareplan scenarios`.
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Example:\n  spareplan plan data/china --out out/china\n",
    "  spareplan simulate data/china --plan out/china/stock_plan.csv --out out/sim\n",
    "  spareplan report data/china --plan out/china --sim out/sim --out out/report\n\n",
    "Exit status:\n  0  success\n  1  the data set, the plan or the simulation has errors; nothing was written\n",
    "  2  bad arguments, a folder that cannot be read, or an output that could not be written"
))]
pub struct Args {
    /// The planning data set folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// A folder written by `spareplan plan` for DIR (its stock_plan.csv, curve.csv and
    /// summary.json are shown).
    #[arg(long, value_name = "PLAN_DIR")]
    pub plan: Option<PathBuf>,
    /// A folder written by `spareplan simulate` for that plan.
    #[arg(long, value_name = "SIM_DIR")]
    pub sim: Option<PathBuf>,
    /// A folder written by `spareplan scenarios` (its scenarios.csv is shown).
    #[arg(long, value_name = "SCEN_DIR")]
    pub scenarios: Option<PathBuf>,
    /// Delivery targets per deadline tier, probabilities below 1: `0.95` for every tier, or
    /// per tier in hours (`72=0.95,4=0.9`), or both (`0.95,4=0.9`); a hospital's service_target
    /// comes first (default: 0.95 for every tier).
    #[arg(long, value_parser = super::target_arg)]
    pub target: Option<crate::stock::problem::Targets>,
}

/// The run's inputs, parameters and data date, as the page shows them.
fn run_info(a: &Args, ds: &crate::model::Dataset, r: &stock::PlanResult) -> RunInfo {
    let shown = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let data_date = crate::uptime::default_as_of(ds).map_or("no dated records".to_owned(), |d| {
        format!("records up to {d}")
    });
    let plan = shown(&a.plan).map_or_else(
        || {
            format!(
                "planned for this page as `plan` plans: lower bound, curve, check by simulation ({})",
                sim::VerifyParams::default()
            )
        },
        |p| format!("{p} (written by `spareplan plan`)"),
    );
    let lines = vec![
        (
            "Data set".to_owned(),
            format!("{} ({data_date})", a.dir.display()),
        ),
        ("Plan".to_owned(), plan),
        (
            "Delivery targets".to_owned(),
            format!(
                "{} per deadline tier; a hospital's service_target comes first",
                a.target.clone().unwrap_or_default()
            ),
        ),
        (
            "Uptime clause".to_owned(),
            if r.priced() {
                format!(
                    "priced at each scanner's warranty_day_cost, the year from {}",
                    r.extension.year_from
                )
            } else {
                "reported, not priced".to_owned()
            },
        ),
        (
            "Simulation shown".to_owned(),
            shown(&a.sim).unwrap_or_else(|| "none".to_owned()),
        ),
        (
            "Scenarios".to_owned(),
            shown(&a.scenarios).unwrap_or_else(|| "none".to_owned()),
        ),
        (
            "spareplan".to_owned(),
            format!("version {}", env!("CARGO_PKG_VERSION")),
        ),
    ];
    RunInfo { lines }
}

fn read_table(path: &Path) -> anyhow::Result<Table> {
    let mut rdr =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let header = rdr
        .headers()
        .with_context(|| format!("reading the header of {}", path.display()))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = Vec::new();
    for (i, r) in rdr.records().enumerate() {
        let r = r.with_context(|| format!("{} line {}", path.display(), i + 2))?;
        rows.push(r.iter().map(str::to_owned).collect());
    }
    Ok(Table { header, rows })
}

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    let table = match &a.scenarios {
        Some(d) => Some(read_table(&d.join("scenarios.csv"))?),
        None => None,
    };
    // The output folder is taken (locked) before any work, and written only at the end.
    let mut inputs: Vec<&std::path::Path> = vec![&a.dir];
    inputs.extend(a.plan.as_deref());
    inputs.extend(a.sim.as_deref());
    inputs.extend(a.scenarios.as_deref());
    let mut output = io::OutputDir::create(&a.out, &inputs)?;
    let Some(ds) = load_planning(&a.dir)? else {
        return Ok(Exit::DataErrors);
    };
    let result = match &a.plan {
        Some(plan_dir) => {
            let Some(saved) = reported(stock_plan::load_plan_dir(plan_dir, &ds)) else {
                return Ok(Exit::DataErrors);
            };
            let mut r = stock::evaluate(
                &ds,
                &saved.stock,
                &PlanParams::quick(a.target.clone().unwrap_or_default()),
            )?;
            r.curve = saved.curve;
            r.lower_bound = saved.lower_bound;
            (r, saved.extension)
        }
        None => {
            let params = PlanParams {
                target: a.target.clone().unwrap_or_default(),
                ..PlanParams::default()
            };
            let bar = super::spinner("planning for the report");
            // The plan `plan` writes: planned, then checked and corrected by simulation.
            let result = stock::plan(&ds, &params).and_then(|r| {
                sim::verified::verified_plan(&ds, r, &sim::VerifyParams::default(), &|_| {})
            });
            bar.finish_and_clear();
            let checked = result?;
            let e = &checked.result.extension;
            let extension = Some((e.extension_days(), e.extension_cost()));
            (checked.result, extension)
        }
    };
    let (result, extension) = result;
    let sim = match &a.sim {
        Some(d) => match reported(stock_plan::load_sim_dir(d, &ds)) {
            Some(v) => Some(v),
            None => return Ok(Exit::DataErrors),
        },
        None => None,
    };
    let title = format!("Spare-parts plan: {}", a.dir.display());
    let run = run_info(a, &ds, &result);
    let page = html(
        &ds,
        &result,
        &title,
        table.as_ref(),
        sim.as_ref(),
        extension,
        &run,
    );
    output.stage("report.html", page.as_bytes())?;
    for w in output.commit()? {
        outln!("wrote {}", w.display());
    }
    Ok(Exit::Success)
}
