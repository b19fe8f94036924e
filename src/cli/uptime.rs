//! `uptime`: the uptime and warranty-extension ledger from downtime records.

use std::path::PathBuf;

use anyhow::bail;
use chrono::NaiveDate;

use super::{load_planning, Exit};
use crate::io;
use crate::money::group_digits;
use crate::uptime::{default_as_of, ledger};

/// The uptime and warranty-extension ledger from downtime records.
///
/// Per unit: the warranty period from its acceptance date, downtime merged and clipped to the
/// period (up to the run date), uptime, days short of its target (any started day counts) and
/// the warranty end extended by 5 days per day short. Writes units.csv and summary.json.
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Example:\n  spareplan uptime data/china --out out/uptime --as-of 2026-10-31\n\n",
    "Exit status:\n  0  success\n  1  the data set has errors; nothing was written\n",
    "  2  bad arguments, no installed units, or an output that could not be written"
))]
pub struct Args {
    /// The planning data set folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// Run date, YYYY-MM-DD (default: the latest date in the data set's records).
    #[arg(long, value_parser = super::date_arg)]
    pub as_of: Option<NaiveDate>,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    // The output folder is taken (locked) before any work, and written only at the end.
    let mut output = io::OutputDir::create(&a.out, &[&a.dir])?;
    let Some(ds) = load_planning(&a.dir)? else {
        return Ok(Exit::DataErrors);
    };
    let Some(as_of) = a.as_of.or_else(|| default_as_of(&ds)) else {
        bail!("the data set has no installed units; nothing to measure");
    };
    let ledger = ledger(&ds, as_of);
    let summary_json = io::output::uptime_summary_json(&ds, &ledger);
    output.stage("units.csv", &io::output::uptime_csv(&ds, &ledger))?;
    output.stage("summary.json", summary_json.as_bytes())?;
    let written = output.commit()?;
    if a.json {
        out!("{summary_json}");
        return Ok(Exit::Success);
    }
    let s = ledger.stats();
    outln!(
        "uptime ledger at {as_of}: {} units measured ({} periods ended, {} in progress), {} not measured (not yet accepted, or ended before the records begin{})",
        group_digits(s.units_measured as u64),
        group_digits(s.units_ended as u64),
        group_digits(s.units_in_progress as u64),
        group_digits(s.units_not_measured as u64),
        ledger
            .records_from
            .map(|d| format!(" on {d}"))
            .unwrap_or_default()
    );
    match (s.uptime_mean, s.uptime_min) {
        (Some(mean), Some(min)) => outln!(
            "  mean uptime {mean:.4}, lowest {min:.4}; {} units already short of their target",
            group_digits(s.units_below_target as u64)
        ),
        _ => outln!("  no unit is measured"),
    }
    outln!(
        "  days short (certain so far) {}, warranty extension owed {} days",
        group_digits(s.days_short_total as u64),
        group_digits(s.extension_days_total as u64)
    );
    for u in ledger.worst(10) {
        let unit = ds.unit(u.unit);
        outln!(
            "  {:<18} {:<12} uptime {:.4} (target {}) {} day{} short, warranty to {}",
            unit.serial,
            ds.hospital(unit.hospital).code,
            u.uptime.unwrap_or(f64::NAN),
            u.target,
            u.days_short,
            if u.days_short == 1 { "" } else { "s" },
            u.warranty_end
        );
    }
    for w in written {
        outln!("wrote {}", w.display());
    }
    Ok(Exit::Success)
}
