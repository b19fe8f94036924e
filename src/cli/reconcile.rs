//! `reconcile`: outbound slips against invoices and the negotiated discount terms.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::{reported, Exit};
use crate::io::{self, DirSource};
use crate::recon::{reconcile, ReconParams, Tolerances};

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
    /// Price, amount and tax tolerance per line either way, in yuan (default 0.50).
    #[arg(long, value_name = "YUAN")]
    pub tolerance_abs: Option<String>,
    /// Price, amount and tax tolerance per line either way, as a fraction of the line's value
    /// (default 0.001, that is 0.1 %).
    #[arg(long, value_name = "FRACTION")]
    pub tolerance_fraction: Option<String>,
    /// One limit of one kind: KIND.LIMIT=VALUE with KIND price, quantity, amount, tax or all and
    /// LIMIT lower_yuan, upper_yuan, lower_fraction, upper_fraction, yuan or fraction (both
    /// sides); repeatable, applied after the tolerances file. Example: price.upper_yuan=1.00
    #[arg(long = "tolerance", value_name = "KIND.LIMIT=VALUE")]
    pub tolerance: Vec<String>,
    /// A tolerances file (kind, lower_yuan, upper_yuan, lower_fraction, upper_fraction); by
    /// default tolerances.csv in the finance folder, when there is one.
    #[arg(long, value_name = "FILE")]
    pub tolerances: Option<PathBuf>,
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

/// The tolerances: defaults, then the tolerances file, then the flags.
fn tolerances(a: &Args, folder: &Path) -> anyhow::Result<Option<Tolerances>> {
    let (source, shown): (Box<dyn io::Source>, String) = match &a.tolerances {
        Some(file) => {
            let bytes = std::fs::read(file)
                .with_context(|| format!("reading the tolerances file {}", file.display()))?;
            let src = io::MemorySource::new().with(io::contract::TOLERANCES.name, bytes);
            (Box::new(src), file.display().to_string())
        }
        None => (
            Box::new(DirSource::new(folder)),
            io::contract::TOLERANCES.name.to_owned(),
        ),
    };
    let loaded =
        io::tolerances::load_tolerances(&*source, &shown, Tolerances::default()).map(|data| {
            io::Loaded {
                data,
                warnings: Vec::new(),
            }
        });
    let Some(mut t) = reported(loaded) else {
        return Ok(None);
    };
    let flag = |t: &mut Tolerances, name: &str, setting: String| {
        t.apply(&setting)
            .map_err(|why| anyhow::anyhow!("--{name} {setting:?}: {why}"))
    };
    if let Some(y) = &a.tolerance_abs {
        for kind in ["price", "amount", "tax"] {
            flag(&mut t, "tolerance-abs", format!("{kind}.yuan={y}"))?;
        }
    }
    if let Some(f) = &a.tolerance_fraction {
        for kind in ["price", "amount", "tax"] {
            flag(&mut t, "tolerance-fraction", format!("{kind}.fraction={f}"))?;
        }
    }
    for s in &a.tolerance {
        flag(&mut t, "tolerance", s.clone())?;
    }
    Ok(Some(t))
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
    let mut inputs: Vec<&Path> = vec![dir, &folder];
    inputs.extend(a.tolerances.as_deref());
    let mut output = io::OutputDir::create(&a.out, &inputs)?;
    let Some(tolerances) = tolerances(a, &folder)? else {
        return Ok(Exit::DataErrors);
    };
    let source = DirSource::new(&folder);
    let loaded = if a.strict {
        io::load_finance(&source)
    } else {
        io::load_finance_blocking(&source)
    };
    let Some(set) = reported(loaded) else {
        return Ok(Exit::DataErrors);
    };
    let params = ReconParams { tolerances };
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
