//! `validate` and `generate`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};

use crate::gen::{self, GenParams};
use crate::io::{self, DirSource, LoadError, MemorySource, Problem, Severity};

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

pub(super) fn validate(dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
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

pub(super) fn generate(
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
    outln!(
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
    Ok(ExitCode::SUCCESS)
}
