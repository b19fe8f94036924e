//! `routes` and `uptime`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use chrono::NaiveDate;

use super::load_planning;
use crate::coverage::{self, CoverageParams};
use crate::io;

pub(super) fn routes(
    dir: &Path,
    out: &Path,
    deadline: f64,
    slowest: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if !(deadline.is_finite() && deadline > 0.0) {
        bail!("--deadline must be a positive number of hours, not {deadline}");
    }
    let Some(ds) = load_planning(dir)? else {
        return Ok(ExitCode::from(1));
    };
    let params = CoverageParams {
        deadline_hours: deadline,
        ..CoverageParams::default()
    };
    let cov = coverage::compute(&ds, &params);
    let summary = coverage::summarize(&ds, &cov, slowest);
    let summary_json = serde_json::to_string_pretty(&summary)? + "\n";
    let mut output = io::OutputDir::create(out)?;
    output.stage("routes.csv", &io::output::routes_csv(&ds, &cov))?;
    output.stage("coverage.csv", &io::output::coverage_csv(&ds, &cov))?;
    output.stage("summary.json", summary_json.as_bytes())?;
    let written = output.commit()?;
    if json {
        out!("{summary_json}");
        return Ok(ExitCode::SUCCESS);
    }
    print_coverage(&summary);
    for w in written {
        outln!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_coverage(s: &coverage::Summary) {
    outln!(
        "routes: {} hospitals, {} depots, {} depot-hospital routes ({} pairs unreachable); deadline {} h",
        s.hospitals, s.depots, s.routes, s.unreachable_pairs, s.deadline_hours
    );
    outln!("reach from the fastest depot:");
    for r in &s.reach {
        outln!(
            "  within {:>3} h: {:>6} hospitals ({:>5.1} %), {:>5.1} % of the installed base",
            r.hours,
            r.hospitals,
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

pub(super) fn uptime(
    dir: &Path,
    out: &Path,
    as_of: Option<NaiveDate>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let Some(ds) = load_planning(dir)? else {
        return Ok(ExitCode::from(1));
    };
    let as_of = match as_of {
        Some(d) => d,
        None => {
            let latest = ds
                .downtime
                .iter()
                .map(|d| d.end.date())
                .chain(ds.faults.iter().map(|f| f.date))
                .chain(ds.units.iter().map(|u| u.accepted_on))
                .max();
            match latest {
                Some(d) => d,
                None => bail!("the data set has no installed units; nothing to measure"),
            }
        }
    };
    let ledger = crate::uptime::ledger(&ds, as_of);
    let n = ledger.units.len();
    let below: Vec<&crate::uptime::UnitLedger> = ledger
        .units
        .iter()
        .filter(|u| u.uptime < u.target)
        .collect();
    let short: i64 = ledger.units.iter().map(|u| u.days_short).sum();
    let extension: i64 = ledger.units.iter().map(|u| u.extension_days).sum();
    let mean = if n == 0 {
        1.0
    } else {
        ledger.units.iter().map(|u| u.uptime).sum::<f64>() / n as f64
    };
    let min = ledger.units.iter().map(|u| u.uptime).fold(1.0f64, f64::min);
    let summary = serde_json::json!({
        "as_of": as_of.to_string(),
        "units": ds.units.len(),
        "units_measured": n,
        "units_not_yet_accepted": ledger.not_started.len(),
        "units_period_complete": ledger.units.iter().filter(|u| u.complete).count(),
        "units_below_target": below.len(),
        "days_short_total": short,
        "extension_days_total": extension,
        "uptime_mean": (mean * 1e6).round() / 1e6,
        "uptime_min": (min * 1e6).round() / 1e6,
    });
    let summary_json = serde_json::to_string_pretty(&summary)? + "\n";
    let mut output = io::OutputDir::create(out)?;
    output.stage("units.csv", &io::output::uptime_csv(&ds, &ledger))?;
    output.stage("summary.json", summary_json.as_bytes())?;
    let written = output.commit()?;
    if json {
        out!("{summary_json}");
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "uptime ledger at {as_of}: {n} units measured ({} not yet accepted)",
        ledger.not_started.len()
    );
    outln!(
        "  mean uptime {:.4}, lowest {:.4}; {} units below their target",
        mean,
        min,
        below.len()
    );
    outln!("  days short {short}, warranty extension owed {extension} days");
    let mut worst: Vec<&crate::uptime::UnitLedger> = ledger.units.iter().collect();
    worst.sort_by_key(|u| (std::cmp::Reverse(u.days_short), u.unit));
    for u in worst.iter().take(10).filter(|u| u.days_short > 0) {
        let unit = ds.unit(u.unit);
        outln!(
            "  {:<18} {:<12} uptime {:.4} (target {}) {} days short, warranty to {}",
            unit.serial,
            ds.hospital(unit.hospital).code,
            u.uptime,
            u.target,
            u.days_short,
            u.warranty_end
        );
    }
    for w in written {
        outln!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}
