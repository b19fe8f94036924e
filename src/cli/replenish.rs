//! `replenish`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::load_planning;
use crate::coverage::{self, CoverageParams};
use crate::io::{self, replenish_output as out};
use crate::model::HospitalId;
use crate::replenish::forecasting::{Month, Smoothing};
use crate::replenish::{run, BatchParams, Kind};

/// The command's arguments.
#[derive(clap::Args, Debug)]
pub struct ReplenishArgs {
    pub dir: PathBuf,
    /// The batch month, YYYY-MM (history runs to the month before).
    #[arg(long)]
    pub month: String,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// First history month, YYYY-MM (default: 24 months before --month).
    #[arg(long)]
    pub history_from: Option<String>,
    /// One on-time target for every hospital (default: the installed base's).
    #[arg(long)]
    pub target: Option<f64>,
    /// Months of quarterly-maintenance parts ordered ahead.
    #[arg(long, default_value_t = 3)]
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
    /// Print the run log as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn month(text: &str, flag: &str) -> anyhow::Result<Month> {
    Month::parse(text).with_context(|| format!("{flag} {text:?} is not a YYYY-MM month"))
}

pub(super) fn replenish(a: &ReplenishArgs) -> anyhow::Result<ExitCode> {
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
    if let Some(t) = a.target {
        if !(t.is_finite() && (0.0..1.0).contains(&t)) {
            bail!("--target {t} is out of range: a probability below 1 (0.95 is 95 %)");
        }
    }
    let Some(ds) = load_planning(&a.dir)? else {
        return Ok(ExitCode::from(1));
    };
    let params = BatchParams {
        month: batch_month,
        history_from,
        smoothing: Smoothing {
            croston: a.alpha,
            tsb_size: a.tsb_alpha_d,
            tsb_probability: a.tsb_alpha_p,
        },
        target: a.target,
        pm_months: a.pm_months,
    };
    let cov = coverage::compute(&ds, &CoverageParams::default());
    let bar = super::spinner(&format!("replenishment batch {batch_month}"));
    let batch = run(&ds, &cov, &params);
    bar.finish_and_clear();
    let batch = match batch {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "error: no stock meets the requirement of hospital {}: {}; nothing was written",
                ds.hospital(HospitalId::from_index(e.hospital)).code,
                e.detail
            );
            return Ok(ExitCode::from(1));
        }
    };
    let orders = out::orders_csv(&ds, &batch, &params);
    let forecast = out::forecast_csv(&ds, &batch);
    let shortages = out::shortages_csv(&ds, &batch);
    // Checksums of the inputs, in name order.
    let mut inputs = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&a.dir)
        .with_context(|| format!("listing {}", a.dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    names.sort();
    for p in names {
        let bytes = std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
        inputs.push(serde_json::json!({
            "file": p.file_name().map(|f| f.to_string_lossy().into_owned()),
            "bytes": bytes.len(),
            "fnv1a64": format!("{:016x}", out::fnv1a(&bytes)),
        }));
    }
    let count = |k: Kind| batch.orders.iter().filter(|o| o.kind == k).count();
    let units = |k: Kind| -> u64 {
        batch
            .orders
            .iter()
            .filter(|o| o.kind == k)
            .map(|o| u64::from(o.qty))
            .sum()
    };
    let mut methods = serde_json::Map::new();
    for m in crate::replenish::forecasting::Method::ALL {
        let n = batch.forecasts.chosen.iter().filter(|&&c| c == m).count();
        methods.insert(m.as_str().to_owned(), n.into());
    }
    let log = serde_json::json!({
        "month": batch_month.to_string(),
        "history_from": history_from.to_string(),
        "history_months": batch.forecasts.months,
        "parameters": {
            "target": a.target,
            "pm_months": a.pm_months,
            "alpha": a.alpha,
            "tsb_alpha_d": a.tsb_alpha_d,
            "tsb_alpha_p": a.tsb_alpha_p,
        },
        "inputs": inputs,
        "counts": {
            "depots": ds.depots.len(),
            "parts": ds.parts.len(),
            "transfer_orders": count(Kind::Transfer),
            "transfer_units": units(Kind::Transfer),
            "purchase_orders": count(Kind::Purchase),
            "purchase_units": units(Kind::Purchase),
            "shortages": batch.shortages.len(),
            "methods_chosen": methods,
        },
        "outputs": {
            "orders.csv": format!("{:016x}", out::fnv1a(&orders)),
            "forecast.csv": format!("{:016x}", out::fnv1a(&forecast)),
            "shortages.csv": format!("{:016x}", out::fnv1a(&shortages)),
        },
    });
    let log = serde_json::to_string_pretty(&log)? + "\n";
    let mut output = io::OutputDir::create(&a.out)?;
    output.stage("orders.csv", &orders)?;
    output.stage("forecast.csv", &forecast)?;
    output.stage("shortages.csv", &shortages)?;
    // Renamed last: a complete run log names the checksums of the files of its run.
    output.stage("run_log.json", log.as_bytes())?;
    let written = output.commit()?;
    if a.json {
        out!("{log}");
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "replenishment {batch_month} (history {history_from} to {}, {} months): {} transfer orders ({} units), {} purchase orders ({} units)",
        batch_month.plus(-1),
        batch.forecasts.months,
        count(Kind::Transfer),
        units(Kind::Transfer),
        count(Kind::Purchase),
        units(Kind::Purchase)
    );
    outln!(
        "  methods chosen per part: {}",
        serde_json::Value::Object(methods)
    );
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
    Ok(ExitCode::SUCCESS)
}
