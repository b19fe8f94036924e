//! Command-line interface: argument parsing, human summaries, exit codes.
//!
//! Every command reads through `io`, computes with the library and writes through
//! [`crate::io::OutputDir`]. Exit codes: 0 success, 1 the data has errors, 2 the command failed.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::coverage::{self, CoverageParams};
use crate::gen::{self, GenParams};
use crate::io::{self, DirSource, LoadError, MemorySource, Problem, Severity, Source};
use crate::model::Dataset;

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
                println!(
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

/// What kinds of data set a folder holds.
fn kinds(dir: &Path) -> (bool, Option<PathBuf>) {
    let planning = dir.join("depots.csv").exists() || !dir.join("slips.csv").exists();
    let finance = if dir.join("slips.csv").exists() {
        Some(dir.to_path_buf())
    } else if dir.join("finance").is_dir() {
        Some(dir.join("finance"))
    } else {
        None
    };
    (planning, finance)
}

fn validate(dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let (planning, finance) = kinds(dir);
    let mut problems: Vec<Problem> = Vec::new();
    let mut summary = Vec::new();
    if planning {
        match io::load_planning(&DirSource::new(dir)) {
            Ok(loaded) => {
                let d = &loaded.data;
                summary.push(format!(
                    "planning data set: {} depots, {} hubs, {} hospitals, {} lanes, {} parts, {} models, {} installed units, {} usage rates, {} stock rows, {} engineer bases ({} engineers), {} fault records, {} downtime periods",
                    d.depots.len(),
                    d.hubs.len(),
                    d.hospitals.len(),
                    d.lanes.len(),
                    d.parts.len(),
                    d.models.len(),
                    d.units.len(),
                    d.usage.len(),
                    d.stock.len(),
                    d.engineers.len(),
                    d.engineers.iter().map(|e| u64::from(e.engineers)).sum::<u64>(),
                    d.faults.len(),
                    d.downtime.len(),
                ));
                problems.extend(loaded.warnings);
            }
            Err(LoadError::Invalid { problems: p, .. }) => problems.extend(p),
        }
    }
    if let Some(fdir) = &finance {
        let prefix = if fdir == dir { "" } else { "finance/" };
        let result = io::load_finance(&DirSource::new(fdir));
        let found = match result {
            Ok(loaded) => {
                let f = &loaded.data;
                summary.push(format!(
                    "finance data set: {} slip lines, {} invoice lines, {} discount terms, {} consents",
                    f.slips.len(),
                    f.invoices.len(),
                    f.discounts.len(),
                    f.consents.len()
                ));
                let mut warnings = loaded.warnings;
                warnings.extend(io::finance::repeated_invoice_lines(f));
                warnings
            }
            Err(LoadError::Invalid { problems: p, .. }) => p,
        };
        problems.extend(found.into_iter().map(|mut p| {
            p.file = format!("{prefix}{}", p.file);
            p
        }));
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        let report = serde_json::json!({
            "folder": dir.display().to_string(),
            "errors": errors,
            "warnings": warnings,
            "problems": problems,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        for p in &problems {
            writeln!(out, "{p}")?;
        }
        for s in &summary {
            writeln!(out, "{s}")?;
        }
        if errors == 0 {
            writeln!(
                out,
                "ok: {} is valid ({warnings} warning(s))",
                dir.display()
            )?;
        } else {
            writeln!(
                out,
                "{errors} error(s), {warnings} warning(s) in {}; fix the errors above, nothing can be planned from this data set",
                dir.display()
            )?;
        }
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn generate(
    china: bool,
    params: &GenParams,
    geo: Option<&Path>,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    if let Some(h) = params.hospitals {
        if h == 0 {
            bail!("--hospitals must be at least 1");
        }
    }
    if params.parts == Some(0) {
        bail!("--parts must be at least 1");
    }
    let geography = match geo {
        Some(dir) => io::geo::load_geography(&DirSource::new(dir)),
        None => io::geo::load_geography(&io::geo::EmbeddedGeo),
    }
    .context("loading the geography")?;
    let generated = if china {
        gen::china(&geography)
    } else {
        gen::synthetic(&geography, params)
    };
    // Check the set as a user's would be checked before anything is written.
    let mut mem = MemorySource::new();
    for (name, bytes) in io::write::dataset_files(&generated.dataset) {
        mem.files.insert(name.to_owned(), bytes);
    }
    if let Err(err) = io::load_planning(&mem) {
        for p in err.problems() {
            eprintln!("{p}");
        }
        bail!("the generated data set does not validate; nothing was written");
    }
    let extra: Vec<(&str, Vec<u8>)> = generated
        .extra
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    let files = io::write_dataset(out, &generated.dataset, generated.finance.as_ref(), &extra)?;
    let d = &generated.dataset;
    println!(
        "wrote {} files to {}: {} depots, {} hubs, {} hospitals, {} lanes, {} parts, {} installed units, {} fault records",
        files.len(),
        out.display(),
        d.depots.len(),
        d.hubs.len(),
        d.hospitals.len(),
        d.lanes.len(),
        d.parts.len(),
        d.units.len(),
        d.faults.len()
    );
    let _ = mem.describe();
    Ok(ExitCode::SUCCESS)
}

/// Loads a planning data set, printing warnings and errors to standard error. `Ok(None)` means
/// the data has errors (exit code 1).
fn load_planning(dir: &Path) -> anyhow::Result<Option<Dataset>> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    match io::load_planning(&DirSource::new(dir)) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                eprintln!("{w}");
            }
            Ok(Some(loaded.data))
        }
        Err(err) => {
            for p in err.problems() {
                eprintln!("{p}");
            }
            eprintln!("{err}");
            Ok(None)
        }
    }
}

fn routes(
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
        print!("{summary_json}");
        return Ok(ExitCode::SUCCESS);
    }
    print_coverage(&summary);
    for w in written {
        println!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_coverage(s: &coverage::Summary) {
    println!(
        "routes: {} hospitals, {} depots, {} depot-hospital routes ({} pairs unreachable); deadline {} h",
        s.hospitals, s.depots, s.routes, s.unreachable_pairs, s.deadline_hours
    );
    println!("reach from the fastest depot:");
    for r in &s.reach {
        println!(
            "  within {:>3} h: {:>6} hospitals ({:>5.1} %), {:>5.1} % of the installed base",
            r.hours,
            r.hospitals,
            100.0 * r.share_of_hospitals,
            100.0 * r.share_of_installed_base
        );
    }
    if !s.unreachable_hospitals.is_empty() {
        println!(
            "hospitals no depot can reach ({}): {}",
            s.unreachable_hospitals.len(),
            s.unreachable_hospitals.join(", ")
        );
    }
    println!("slowest hospitals (fastest depot, delivery hours, modes):");
    for h in &s.slowest {
        println!(
            "  {:<12} {} ({}): {} {:.2} h, {}",
            h.hospital_id, h.name, h.province, h.depot_id, h.hours, h.modes
        );
    }
    println!(
        "hospitals that miss {} h by road and need air ({}):",
        s.deadline_hours,
        s.need_air.len()
    );
    for h in &s.need_air {
        println!(
            "  {:<12} {} ({}): {} {:.2} h via {} ({})",
            h.hospital_id, h.name, h.province, h.depot_id, h.hours, h.route, h.modes
        );
    }
    println!(
        "hospitals whose nearest engineer is over {} h away ({}):",
        s.engineer_limit_hours,
        s.engineer_over_limit.len()
    );
    for h in s.engineer_over_limit.iter().take(20) {
        if h.hours.is_nan() {
            println!(
                "  {:<12} {} ({}): no engineer base reaches it",
                h.hospital_id, h.name, h.province
            );
        } else {
            println!(
                "  {:<12} {} ({}): {:.2} h",
                h.hospital_id, h.name, h.province, h.hours
            );
        }
    }
    if s.engineer_over_limit.len() > 20 {
        println!(
            "  ... and {} more (see coverage.csv)",
            s.engineer_over_limit.len() - 20
        );
    }
    println!("installed base by fastest depot:");
    for d in &s.depot_share {
        println!(
            "  {:<8} {:>6} hospitals {:>7} units {:>5.1} %",
            d.depot_id,
            d.hospitals,
            d.units,
            100.0 * d.share_of_installed_base
        );
    }
}

fn reconcile(
    dir: &Path,
    out: &Path,
    params: &crate::recon::ReconParams,
    excel: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let folder = if !dir.join("slips.csv").exists() && dir.join("finance").is_dir() {
        dir.join("finance")
    } else {
        dir.to_path_buf()
    };
    let set = match io::load_finance(&DirSource::new(&folder)) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                eprintln!("{w}");
            }
            loaded.data
        }
        Err(err) => {
            for p in err.problems() {
                eprintln!("{p}");
            }
            eprintln!("{err}");
            return Ok(ExitCode::from(1));
        }
    };
    let rec = crate::recon::reconcile(&set, params)?;
    // Millions of lines are about to be freed by the process exit anyway; dropping them one by
    // one would cost a noticeable share of the run.
    std::mem::forget(set);
    let summary = io::output::recon_summary(&rec, params);
    let summary_json = serde_json::to_string_pretty(&summary)? + "\n";
    let findings = io::output::findings_csv(&rec);
    let mut output = io::OutputDir::create(out)?;
    output.stage("findings.csv", &findings)?;
    if excel {
        output.stage("findings_excel.csv", &io::output::with_bom(&findings))?;
    }
    output.stage("summary.json", summary_json.as_bytes())?;
    let written = output.commit()?;
    if json {
        print!("{summary_json}");
        return Ok(ExitCode::SUCCESS);
    }
    let t = &rec.totals;
    println!(
        "reconciled {} slip lines against {} invoice lines in {}",
        rec.slip_lines,
        rec.invoice_lines,
        folder.display()
    );
    println!(
        "  shipped at agreed prices     {:>18}",
        t.shipped_value.to_string()
    );
    println!(
        "  invoiced (net of red)        {:>18}",
        t.invoiced_value.to_string()
    );
    println!(
        "  matched at agreed prices     {:>18}",
        t.matched_value.to_string()
    );
    println!(
        "  shipped, not invoiced        {:>18}",
        t.shipped_not_invoiced_value.to_string()
    );
    println!(
        "  invoiced, not shipped        {:>18}",
        t.invoiced_not_shipped_value.to_string()
    );
    println!(
        "  net over(+)/under(-) billing {:>18}",
        t.net_difference.to_string()
    );
    println!(
        "  unexplained                  {:>18}",
        t.unexplained.to_string()
    );
    println!("findings by code:            count           expected           invoiced         difference");
    for c in &rec.by_code {
        println!(
            "  {:<24} {:>7} {:>18} {:>18} {:>18}",
            c.code.as_str(),
            c.count,
            c.expected.to_string(),
            c.invoiced.to_string(),
            c.difference.to_string()
        );
    }
    for w in written {
        println!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn uptime(
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
        print!("{summary_json}");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "uptime ledger at {as_of}: {n} units measured ({} not yet accepted)",
        ledger.not_started.len()
    );
    println!(
        "  mean uptime {:.4}, lowest {:.4}; {} units below their target",
        mean,
        min,
        below.len()
    );
    println!("  days short {short}, warranty extension owed {extension} days");
    let mut worst: Vec<&crate::uptime::UnitLedger> = ledger.units.iter().collect();
    worst.sort_by_key(|u| (std::cmp::Reverse(u.days_short), u.unit));
    for u in worst.iter().take(10).filter(|u| u.days_short > 0) {
        let unit = ds.unit(u.unit);
        println!(
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
        println!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}
