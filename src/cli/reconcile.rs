//! `reconcile`: outbound slips against invoices and the negotiated discount terms.

use std::path::PathBuf;

use anyhow::bail;

use super::{reported, Exit};
use crate::io::{self, DirSource};
use crate::money::{parse_scaled, Fen};
use crate::recon::{reconcile, ReconParams};

/// Reconcile outbound slips against invoices and the negotiated discount terms.
///
/// FINANCE_DIR holds slips.csv, invoices.csv, discounts.csv and consents.csv (or is a planning
/// folder with a finance/ subfolder). Writes findings.csv and summary.json to OUT and prints the
/// findings grouped by code. A price or amount difference on a line is a finding when it
/// crosses either tolerance; within both it is ROUNDING (informational).
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Example:\n  spareplan reconcile data/china/finance --out out/recon\n\n",
    "Exit status:\n  0  reconciled (findings are in findings.csv)\n",
    "  1  the extract has errors; nothing was written\n",
    "  2  bad arguments or an output that could not be written"
))]
pub struct Args {
    /// The finance data set folder.
    #[arg(value_name = "FINANCE_DIR")]
    pub dir: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// Absolute tolerance per line, in yuan.
    #[arg(long, default_value = "0.50", value_parser = yuan_arg)]
    pub tolerance_abs: Fen,
    /// Relative tolerance per line, in percent of the line's expected value.
    #[arg(long, default_value = "0.1", value_parser = percent_arg)]
    pub tolerance_pct: i64,
    /// Refuse the whole extract when any line fails validation (by default such a line is
    /// blocked as INVALID_LINE, with its whole invoice, and the rest is reconciled).
    #[arg(long)]
    pub strict: bool,
    /// Also write findings_excel.csv (UTF-8 with BOM) for spreadsheet programs.
    #[arg(long)]
    pub excel: bool,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn yuan_arg(s: &str) -> Result<Fen, String> {
    Fen::parse(s)
        .ok()
        .filter(|f| f.0 >= 0)
        .ok_or_else(|| format!("{s:?} is not an amount in yuan such as 0.50"))
}

fn percent_arg(s: &str) -> Result<i64, String> {
    parse_scaled(s, 4)
        .ok()
        .filter(|p| *p >= 0)
        .ok_or_else(|| format!("{s:?} is not a percentage such as 0.1"))
}

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    let dir = &a.dir;
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let folder = if !dir.join("slips.csv").exists() && dir.join("finance").is_dir() {
        dir.join("finance")
    } else {
        dir.to_path_buf()
    };
    // The output folder is taken (locked) before any work, and written only at the end.
    let mut output = io::OutputDir::create(&a.out, &[dir, &folder])?;
    let source = DirSource::new(&folder);
    let loaded = if a.strict {
        io::load_finance(&source)
    } else {
        io::load_finance_blocking(&source)
    };
    let Some(set) = reported(loaded) else {
        return Ok(Exit::DataErrors);
    };
    let params = ReconParams {
        tolerance_abs: a.tolerance_abs,
        tolerance_pct: a.tolerance_pct,
    };
    let rec = reconcile(&set, &params)?;
    // Millions of lines are about to be freed by the process exit anyway; dropping them one by
    // one would cost a noticeable share of the run.
    std::mem::forget(set);
    let summary_json = io::output::recon_summary_json(&rec, &params);
    let findings = io::output::findings_csv(&rec);
    output.stage("findings.csv", &findings)?;
    if a.excel {
        output.stage("findings_excel.csv", &io::output::with_bom(&findings))?;
    }
    output.stage("summary.json", summary_json.as_bytes())?;
    let written = output.commit()?;
    if a.json {
        out!("{summary_json}");
        return Ok(Exit::Success);
    }
    if rec.blocked_lines > 0 {
        outln!(
            "  blocked: {} line(s) failed validation or share an invoice with one (INVALID_LINE in findings.csv), {} yuan of invoice lines held back; the rest is reconciled",
            rec.blocked_lines,
            rec.blocked_invoiced_value
        );
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
    outln!(
        "next: review {} (difference = invoiced - expected; detail says what to correct)",
        a.out.join("findings.csv").display()
    );
    Ok(Exit::Success)
}
