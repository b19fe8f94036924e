//! `reconcile`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use crate::io::{self, DirSource};

pub(super) fn reconcile(
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
    let Some(set) = super::reported(io::load_finance(&DirSource::new(&folder))) else {
        return Ok(ExitCode::from(1));
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
        out!("{summary_json}");
        return Ok(ExitCode::SUCCESS);
    }
    let t = &rec.totals;
    outln!(
        "reconciled {} slip lines against {} invoice lines in {}",
        rec.slip_lines,
        rec.invoice_lines,
        folder.display()
    );
    outln!(
        "  shipped at agreed prices     {:>18}",
        t.shipped_value.to_string()
    );
    outln!(
        "  invoiced (net of red)        {:>18}",
        t.invoiced_value.to_string()
    );
    outln!(
        "  matched at agreed prices     {:>18}",
        t.matched_value.to_string()
    );
    outln!(
        "  shipped, not invoiced        {:>18}",
        t.shipped_not_invoiced_value.to_string()
    );
    outln!(
        "  invoiced, not shipped        {:>18}",
        t.invoiced_not_shipped_value.to_string()
    );
    outln!(
        "  net over(+)/under(-) billing {:>18}",
        t.net_difference.to_string()
    );
    outln!(
        "  unexplained                  {:>18}",
        t.unexplained.to_string()
    );
    outln!("findings by code:            count           expected           invoiced         difference");
    for c in &rec.by_code {
        outln!(
            "  {:<24} {:>7} {:>18} {:>18} {:>18}",
            c.code.as_str(),
            c.count,
            c.expected.to_string(),
            c.invoiced.to_string(),
            c.difference.to_string()
        );
    }
    for w in written {
        outln!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}
