//! `replenish`.

use std::path::PathBuf;

use anyhow::{bail, Context};

use super::{load_planning, Exit};
use crate::io::{self, replenish_output};
use crate::money::group_digits;
use crate::replenish::forecasting::{Month, Smoothing};
use crate::replenish::{self as batch, BatchParams, Kind};
use crate::stock::PlanError;

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
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Example:\n  spareplan replenish data/china --month 2026-11 --out out/replenish\n\n",
    "Exit status:\n  0  success\n",
    "  1  the data set has errors, or no stock meets some hospital's target; nothing was written\n",
    "  2  bad arguments or an output that could not be written"
))]
pub struct Args {
    /// The planning data set folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The batch month, YYYY-MM (history runs to the month before).
    #[arg(long)]
    pub month: String,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// First history month, YYYY-MM (default: 24 months before --month).
    #[arg(long)]
    pub history_from: Option<String>,
    /// Delivery targets per deadline tier, probabilities below 1: `0.95` for every tier, or
    /// per tier in hours (`72=0.95,4=0.9`), or both (`0.95,4=0.9`); a hospital's service_target
    /// comes first (default: 0.95 for every tier).
    #[arg(long, value_parser = super::target_arg)]
    pub target: Option<crate::stock::problem::Targets>,
    /// Months of quarterly-maintenance parts ordered ahead (0 to 24).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=24))]
    pub pm_months: u32,
    /// Croston and SBA smoothing.
    #[arg(long, default_value_t = 0.1)]
    pub alpha: f64,
    /// TSB smoothing of the demand size.
    #[arg(long, default_value_t = 0.1)]
    pub tsb_alpha_d: f64,
    /// TSB smoothing of the demand probability.
    #[arg(long, default_value_t = 0.1)]
    pub tsb_alpha_p: f64,
    /// Run even when the fault history does not reach the month before --month (the missing
    /// months count as zero demand; said loudly and recorded in run_log.json).
    #[arg(long)]
    pub allow_missing_history: bool,
    /// Print the run log as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write replenish.xlsx: a sheet per table, header frozen and filterable, money as numbers
    /// formatted #,##0.00, Chinese text intact.
    #[arg(long)]
    pub xlsx: bool,
}

fn month(text: &str, flag: &str) -> anyhow::Result<Month> {
    Month::parse(text).with_context(|| format!("{flag} {text:?} is not a YYYY-MM month"))
}

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    let batch_month = month(&a.month, "--month")?;
    let history_from = match a.history_from.as_deref() {
        Some(t) => month(t, "--history-from")?,
        None => batch_month.plus(-24),
    };
    if history_from >= batch_month {
        bail!("--history-from {history_from} must be before --month {batch_month}");
    }
    for (name, v) in [
        ("--alpha", a.alpha),
        ("--tsb-alpha-d", a.tsb_alpha_d),
        ("--tsb-alpha-p", a.tsb_alpha_p),
    ] {
        if !(v > 0.0 && v <= 1.0) {
            bail!("{name} must be in (0, 1], not {v}");
        }
    }
    // The output folder is taken (locked) before any work, and written only at the end.
    let mut output = io::OutputDir::create(&a.out, &[&a.dir])?;
    let Some(ds) = load_planning(&a.dir)? else {
        return Ok(Exit::DataErrors);
    };
    let params = BatchParams {
        month: batch_month,
        history_from,
        smoothing: Smoothing {
            croston: a.alpha,
            tsb_size: a.tsb_alpha_d,
            tsb_probability: a.tsb_alpha_p,
        },
        target: a.target.clone().unwrap_or_default(),
        pm_months: a.pm_months,
    };
    let bar = super::spinner(&format!("replenishment batch {batch_month}"));
    let result = batch::run(&ds, &params);
    bar.finish_and_clear();
    let batch = match result {
        Ok(b) => b,
        Err(e @ (PlanError::Infeasible { .. } | PlanError::TooLarge { .. })) => {
            eprintln!("error: {e}; nothing was written");
            return Ok(Exit::DataErrors);
        }
        Err(e) => return Err(e.into()),
    };
    if !batch.missing_months.is_empty() {
        let months: Vec<String> = batch
            .missing_months
            .iter()
            .map(ToString::to_string)
            .collect();
        let what = format!(
            "the fault history does not reach the month before {batch_month}: no records for {} ({} month{}), which the forecasts would count as zero demand",
            months.join(", "),
            months.len(),
            if months.len() == 1 { "" } else { "s" }
        );
        if !a.allow_missing_history {
            eprintln!(
                "error: {what}; add the missing history, choose an earlier --month, or pass --allow-missing-history; nothing was written"
            );
            return Ok(Exit::DataErrors);
        }
        eprintln!("warning: {what} (--allow-missing-history; recorded in run_log.json)");
    }
    for w in &batch.warnings {
        eprintln!("warning: {w}");
    }
    let inputs = replenish_output::input_digests(&a.dir)
        .with_context(|| format!("reading the inputs of {}", a.dir.display()))?;
    let files = replenish_output::files(&ds, &batch, &params, &inputs);
    if a.xlsx {
        output.keep_tables();
    }
    for (name, bytes) in &files {
        output.stage(name, bytes)?;
    }
    if a.xlsx {
        output.stage_workbook("replenish.xlsx", |_| true, Vec::new())?;
    }
    let written = output.commit()?;
    if a.json {
        out!("{}", String::from_utf8_lossy(&files[files.len() - 1].1));
        return Ok(Exit::Success);
    }
    let (transfers, transfer_units) = batch.totals(Kind::Transfer);
    let (purchases, purchase_units) = batch.totals(Kind::Purchase);
    let methods: Vec<String> = batch
        .methods_chosen()
        .into_iter()
        .map(|(m, n)| {
            format!(
                "{} {}",
                m.as_str().replace('_', "-"),
                crate::money::counted(n as u64, "part", "parts")
            )
        })
        .collect();
    outln!(
        "replenishment {batch_month} (history {history_from} to {}, {} months): {} transfer orders ({} units), {} purchase orders ({} units)",
        batch_month.plus(-1),
        batch.forecasts.months,
        group_digits(transfers as u64),
        group_digits(transfer_units),
        group_digits(purchases as u64),
        group_digits(purchase_units)
    );
    outln!("  forecast method chosen per part: {}", methods.join(", "));
    if batch.shortages.is_empty() {
        outln!("  every transfer is covered by its parent's stock");
    } else {
        outln!(
            "  {} depot-part needs the parent could not cover (shortages.csv):",
            batch.shortages.len()
        );
        for s in batch.shortages.iter().take(10) {
            outln!(
                "    {} {}: {} needed, {} allocated",
                ds.depot(s.depot).code,
                ds.part(s.part).part_no,
                s.needed,
                s.allocated
            );
        }
    }
    for w in written {
        outln!("wrote {}", w.display());
    }
    outln!(
        "next: review {} and book the orders in stock.csv; rerunning the month then orders nothing",
        a.out.join("orders.csv").display()
    );
    Ok(Exit::Success)
}
