//! Command-line interface: argument parsing, human summaries, exit codes.
//!
//! Every command reads through `io`, computes with the library and writes through
//! [`crate::io::OutputDir`]. Exit codes: 0 success, 1 the data has errors, 2 the command failed.
//! The human summaries go through [`outln!`], which stops quietly when standard output is
//! closed (`spareplan plan ... | head`) instead of panicking; files are written before any of it.

/// `println!` to standard output, ignoring a closed pipe.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `print!` to standard output, ignoring a closed pipe.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

mod data;
mod finance;
mod plan;
mod planning;
mod replenish;
mod report;
mod scenarios;
mod simulate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::gen::{self, GenParams};
use crate::io::{self, DirSource};
use crate::model::Dataset;
use data::{generate, validate};
use finance::reconcile;
use plan::plan;
use planning::{routes, uptime};

#[derive(Parser, Debug)]
#[command(
    name = "spareplan",
    version,
    about = "Spare-parts logistics planning for a CT scanner service network",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a planning or finance data set and print every problem at once.
    ///
    /// DIR is a planning data set (depots.csv, ...), a finance data set (slips.csv, ...) or a
    /// planning data set with a finance/ subfolder; each part present is checked.
    Validate {
        dir: PathBuf,
        /// Print the problems as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Fastest and cheapest-within-deadline routes from every depot to every hospital, and coverage.
    ///
    /// Writes routes.csv, coverage.csv and summary.json to OUT and prints the coverage summary:
    /// reach within 4, 24 and 72 h, the slowest hospitals, hospitals that need air to make the
    /// deadline, hospitals whose nearest engineer is over 24 h away, and each depot's share of the
    /// installed base.
    Routes {
        dir: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Delivery deadline in hours for the economy routes and the "within" counts.
        #[arg(long, default_value_t = 72.0)]
        deadline: f64,
        /// How many of the slowest hospitals to list.
        #[arg(long, default_value_t = 10)]
        slowest: usize,
        /// Print the summary as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Reconcile outbound slips against invoices and the negotiated discount terms.
    ///
    /// FINANCE_DIR holds slips.csv, invoices.csv, discounts.csv and consents.csv (or is a planning
    /// folder with a finance/ subfolder). Writes findings.csv and summary.json to OUT and prints the
    /// findings grouped by code. A price or amount difference on a line is a finding when it
    /// crosses either tolerance; within both it is ROUNDING (informational).
    Reconcile {
        dir: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Absolute tolerance per line, in yuan.
        #[arg(long, default_value = "0.50")]
        tolerance_abs: String,
        /// Relative tolerance per line, in percent of the line's expected value.
        #[arg(long, default_value = "0.1")]
        tolerance_pct: String,
        /// Also write findings_excel.csv (UTF-8 with BOM) for spreadsheet programs.
        #[arg(long)]
        excel: bool,
        /// Print the summary as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The least-cost stock plan that meets every hospital's on-time target.
    ///
    /// Base-stock levels per depot and part (greedy marginal analysis, then drop and exchange
    /// passes, then a Lagrangian heuristic from the bound's multipliers), checked by an
    /// independent recomputation before anything is written, with a proven lower bound on the
    /// annual holding cost. Writes stock_plan.csv, service.csv,
    /// stock_reasons.csv, out_of_reach.csv, curve.csv and summary.json.
    Plan {
        dir: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// One on-time target for every hospital (default: each hospital's strictest
        /// uptime_target in the installed base).
        #[arg(long)]
        target: Option<f64>,
        /// Skip the lower bound (and the Lagrangian heuristic that starts from it).
        #[arg(long)]
        no_bound: bool,
        /// Skip the cost-versus-target curve.
        #[arg(long)]
        no_curve: bool,
        /// Print the summary as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Simulate a stock plan: on-time, waiting times and uptime with 95 % confidence intervals.
    ///
    /// A discrete-event simulation of the policy of the planning model (failures per unit and part,
    /// fastest depot with stock within the deadline, backorders at the primary depot, one-for-one
    /// replenishment with lead times and the central depot's own stock-outs, engineer travel,
    /// repair). Replications run in parallel, each seeded from (seed, index): the same seed gives
    /// the same bytes on any number of threads. Writes summary.json, units.csv, hospitals.csv and
    /// parts.csv, with the plan's analytic on-time beside the simulated one.
    Simulate(simulate::SimArgs),
    /// The monthly replenishment batch: forecasts, target base stock and orders.
    ///
    /// Re-estimates demand per depot region and part from fault_history.csv and the installed
    /// base (installed-base rate with shrinkage, Croston, SBA, TSB; a holdout picks the method per
    /// part), recomputes target base stock with the plan's optimiser, and orders what brings each
    /// depot's position (on hand + on order) back to target plus maintenance ahead: transfers from
    /// the parent depot, purchases from the factory for the central depot. Order ids are
    /// month-kind-depot-part: rerunning the same inputs gives the same bytes, and once the orders
    /// are booked in stock.csv the month orders nothing again. Writes orders.csv, forecast.csv,
    /// shortages.csv and run_log.json.
    Replenish(replenish::ReplenishArgs),
    /// Plan what-if scenarios and compare each with its baseline.
    ///
    /// Each FILE is a scenario (TOML: name, question, data folder, changes; see scenarios/README.md).
    /// All are planned in parallel with their unchanged data sets; writes scenarios.csv (holding
    /// cost, investment, system and worst-hospital on-time, hospitals out of reach, expected
    /// warranty-extension days, and the change from the baseline) and summary.json.
    Scenarios {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Print the summary as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The planner's report: one self-contained HTML page.
    ///
    /// Plans DIR (with the cost-versus-target curve and the lower bound) and writes report.html:
    /// key figures, a map of depots and hospitals coloured by on-time with each depot's 72-hour
    /// reach, the curve, stock by depot and part category, the hospitals with the lowest on-time,
    /// and with --scenarios the comparison written by `spareplan scenarios`.
    Report {
        dir: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// A folder written by `spareplan scenarios` (its scenarios.csv is shown).
        #[arg(long)]
        scenarios: Option<PathBuf>,
        /// One on-time target for every hospital.
        #[arg(long)]
        target: Option<f64>,
    },
    /// The uptime and warranty-extension ledger from downtime records.
    ///
    /// Per unit: the warranty period from its acceptance date, downtime merged and clipped to the
    /// period (up to the run date), uptime, days short of its target (any started day counts) and
    /// the warranty end extended by 5 days per day short. Writes units.csv and summary.json.
    Uptime {
        dir: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Run date (default: the latest date in the data set's records).
        #[arg(long)]
        as_of: Option<String>,
        /// Print the summary as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a data set on the real geography.
    ///
    /// With --china, the bundled data/china set (census-sized installed base, 52-part catalogue,
    /// planted finance folder). Otherwise a synthetic set of the given size, deterministic for a seed.
    Generate {
        /// Build the bundled data/china set.
        #[arg(long, conflicts_with_all = ["hospitals", "parts"])]
        china: bool,
        /// Number of hospitals (1 to 20,000 is the tested range).
        #[arg(long, default_value_t = 1000)]
        hospitals: usize,
        /// Number of parts.
        #[arg(long, default_value_t = 200)]
        parts: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Snapshot date of the data set (history runs up to it).
        #[arg(long, default_value = "2026-10-31")]
        as_of: String,
        /// Months of fault and downtime history.
        #[arg(long, default_value_t = 24)]
        history_months: u32,
        /// Geography folder (default: the copy of data/geo built into spareplan).
        #[arg(long)]
        geo: Option<PathBuf>,
        /// Write a synthetic finance data set of this many slip lines instead of a planning set.
        #[arg(long, conflicts_with = "china")]
        finance_slips: Option<usize>,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs the program on `args` and returns its exit code.
pub fn run<I, T>(args: I) -> anyhow::Result<ExitCode>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return Ok(ExitCode::from(code));
        }
    };
    match cli.command {
        Command::Validate { dir, json } => validate(&dir, json),
        Command::Routes {
            dir,
            out,
            deadline,
            slowest,
            json,
        } => routes(&dir, &out, deadline, slowest, json),
        Command::Plan {
            dir,
            out,
            target,
            no_bound,
            no_curve,
            json,
        } => {
            let params = crate::stock::plan::PlanParams {
                target,
                bound: !no_bound,
                curve: if no_curve {
                    Vec::new()
                } else {
                    crate::stock::plan::CURVE_TARGETS.to_vec()
                },
            };
            plan(&dir, &out, &params, json)
        }
        Command::Simulate(args) => simulate::simulate(&args),
        Command::Replenish(args) => replenish::replenish(&args),
        Command::Scenarios { files, out, json } => scenarios::scenarios(&files, &out, json),
        Command::Report {
            dir,
            out,
            scenarios,
            target,
        } => report::report(&dir, &out, scenarios.as_deref(), target),
        Command::Uptime {
            dir,
            out,
            as_of,
            json,
        } => {
            let as_of = match as_of {
                Some(text) => Some(
                    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                        .with_context(|| format!("--as-of {text:?} is not a YYYY-MM-DD date"))?,
                ),
                None => None,
            };
            uptime(&dir, &out, as_of, json)
        }
        Command::Reconcile {
            dir,
            out,
            tolerance_abs,
            tolerance_pct,
            excel,
            json,
        } => {
            let abs = crate::money::Fen::parse(&tolerance_abs)
                .ok()
                .filter(|f| f.0 >= 0)
                .with_context(|| {
                    format!(
                        "--tolerance-abs {tolerance_abs:?} is not an amount in yuan such as 0.50"
                    )
                })?;
            let pct = crate::money::parse_scaled(&tolerance_pct, 4)
                .ok()
                .filter(|p| *p >= 0)
                .with_context(|| {
                    format!("--tolerance-pct {tolerance_pct:?} is not a percentage such as 0.1")
                })?;
            let params = crate::recon::ReconParams {
                tolerance_abs: abs,
                tolerance_pct: pct,
            };
            reconcile(&dir, &out, &params, excel, json)
        }
        Command::Generate {
            china,
            hospitals,
            parts,
            seed,
            as_of,
            history_months,
            geo,
            finance_slips,
            out,
        } => {
            if let Some(n) = finance_slips {
                let set = gen::finance::synthetic(n, seed);
                let files = io::write_finance(&out, &set)?;
                outln!(
                    "wrote {} files to {}: {} slip lines, {} invoice lines",
                    files.len(),
                    out.display(),
                    set.slips.len(),
                    set.invoices.len()
                );
                return Ok(ExitCode::SUCCESS);
            }
            let as_of = NaiveDate::parse_from_str(&as_of, "%Y-%m-%d")
                .with_context(|| format!("--as-of {as_of:?} is not a YYYY-MM-DD date"))?;
            let params = GenParams {
                hospitals: (!china).then_some(hospitals),
                parts: (!china).then_some(parts),
                seed,
                as_of,
                history_months,
            };
            generate(china, &params, geo.as_deref(), &out)
        }
    }
}

/// Loads a planning data set, printing warnings and errors to standard error. `Ok(None)` means
/// the data has errors (exit code 1).
pub(super) fn load_planning(dir: &Path) -> anyhow::Result<Option<Dataset>> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    Ok(reported(io::load_planning(&DirSource::new(dir))))
}

/// A spinner with the elapsed time on standard error while a long step runs; hidden when standard
/// error is not a terminal.
pub(super) fn spinner(message: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .expect("a valid template"),
    );
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Prints a load's warnings, or its problems and verdict; `None` means the input has errors
/// (exit code 1).
pub(super) fn reported<T>(result: Result<io::Loaded<T>, io::LoadError>) -> Option<T> {
    match result {
        Ok(loaded) => {
            for w in &loaded.warnings {
                eprintln!("{w}");
            }
            Some(loaded.data)
        }
        Err(err) => {
            for p in err.problems() {
                eprintln!("{p}");
            }
            eprintln!("{err}");
            None
        }
    }
}
