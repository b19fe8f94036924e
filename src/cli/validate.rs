//! `validate`: check a planning or finance data set and print every problem at once.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;

use super::Exit;
use crate::io::{self, DirSource, LoadError, Problem, Severity};

/// Check a planning or finance data set and print every problem at once.
///
/// DIR is a planning data set (depots.csv, ...), a finance data set (slips.csv, ...) or a
/// planning data set with a finance/ subfolder; each part present is checked. Every problem is
/// named by file, line (the header is line 1), column and value, with what to fix.
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP, after_long_help = long_help())]
pub struct Args {
    /// The data set folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Print the problems as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

const AFTER_HELP: &str = concat!(
    "Example:\n  spareplan validate data/china\n\n",
    "Exit status:\n  0  the data set is valid (warnings may be printed)\n",
    "  1  the data set has errors\n  2  the folder cannot be read"
);

/// The files and columns of the data contract, then the example and exit codes.
fn long_help() -> String {
    format!("{}\n{AFTER_HELP}", crate::io::contract::inputs_help())
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

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    let (dir, json) = (a.dir.as_path(), a.json);
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
                "ok: {} is valid ({})",
                dir.display(),
                crate::money::counted(warnings as u64, "warning", "warnings")
            )?;
        } else {
            writeln!(
                out,
                "{}, {} in {}; fix the errors above, nothing can be planned from this data set",
                crate::money::counted(errors as u64, "error", "errors"),
                crate::money::counted(warnings as u64, "warning", "warnings"),
                dir.display()
            )?;
        }
    }
    Ok(if errors == 0 {
        Exit::Success
    } else {
        Exit::DataErrors
    })
}
