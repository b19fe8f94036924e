//! `report`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::load_planning;
use crate::coverage::{self, CoverageParams};
use crate::io;
use crate::report::{html, Table};
use crate::stock::plan::{run, PlanParams};

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

pub(super) fn report(
    dir: &Path,
    out: &Path,
    scenarios: Option<&Path>,
    target: Option<f64>,
) -> anyhow::Result<ExitCode> {
    let table = match scenarios {
        Some(d) => Some(read_table(&d.join("scenarios.csv"))?),
        None => None,
    };
    let Some(ds) = load_planning(dir)? else {
        return Ok(ExitCode::from(1));
    };
    let cov = coverage::compute(&ds, &CoverageParams::default());
    let params = PlanParams {
        target,
        ..PlanParams::default()
    };
    let bar = super::spinner("planning for the report");
    let result = run(&ds, &cov, &params);
    bar.finish_and_clear();
    let result = result?;
    let title = format!("Spare-parts plan: {}", dir.display());
    let page = html(&ds, &cov, &result, &title, table.as_ref());
    let mut output = io::OutputDir::create(out)?;
    output.stage("report.html", page.as_bytes())?;
    for w in output.commit()? {
        outln!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}
