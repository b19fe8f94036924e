//! `reconcile`: outbound slips against invoices and the negotiated discount terms.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::{reported, Exit};
use crate::io::{self, DirSource};
use rayon::iter::{IntoParallelRefIterator, ParallelIterator};

use crate::io::recon_output as out;
use crate::money::group_digits;
use crate::recon::{reconcile, ReconParams, Reconciliation, Severity, Tolerances, Verdict};

/// Reconcile outbound slips against invoices and the negotiated discount terms.
///
/// FINANCE_DIR holds slips.csv, invoices.csv, discounts.csv and consents.csv (or is a planning
/// folder with a finance/ subfolder). Writes findings.csv (one row per finding), invoices.csv
/// (a verdict per invoice: cleared, cleared with note, or blocked and why), statements/ (a
/// statement of account per hospital, and index.csv) and summary.json to OUT, and prints the
/// totals, the findings by severity and code, and the verdicts. A line that fails validation is
/// blocked (INVALID_LINE) with its whole invoice and the rest is reconciled, unless --strict.
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Examples:\n  spareplan reconcile data/china/finance --out out/recon\n",
    "  spareplan reconcile data/china/finance --out out/recon --tolerance price.upper_yuan=1.00 --fail-on never\n\n",
    "Exit status:\n  0  reconciled, and no finding at or above the --fail-on severity\n",
    "  1  the extract cannot be read (or, with --strict, a line has errors); nothing was written\n",
    "  2  bad arguments or an output that could not be written\n",
    "  3  reconciled and written, with findings at or above the --fail-on severity (default: errors)"
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
    /// Also write reconcile.xlsx: a sheet per table (findings, invoices, the statement index and
    /// every hospital's statement rows), header frozen and filterable, money as numbers.
    #[arg(long)]
    pub xlsx: bool,
    /// Do not draw up the statements of account (statements/).
    #[arg(long)]
    pub no_statements: bool,
    /// Write findings.csv and summary.json only (no invoices.csv, no statements): the quickest
    /// check of a large extract.
    #[arg(long)]
    pub findings_only: bool,
    /// The least severity of a finding that makes the exit status 3: error, warning, or never.
    #[arg(long, value_name = "SEVERITY", default_value = "error", value_parser = ["error", "warning", "never"])]
    pub fail_on: String,
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
    let both = [
        ("tolerance-abs", "yuan", &a.tolerance_abs),
        ("tolerance-fraction", "fraction", &a.tolerance_fraction),
    ];
    for (flag, limit, value) in both {
        if let Some(v) = value {
            for kind in ["price", "amount", "tax"] {
                t.set(kind, limit, v)
                    .map_err(|why| anyhow::anyhow!("--{flag} {v:?}: {why}"))?;
            }
        }
    }
    for s in &a.tolerance {
        t.apply(s)
            .map_err(|why| anyhow::anyhow!("--tolerance {s:?}: {why}"))?;
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
    let params = ReconParams {
        tolerances,
        statements: !a.no_statements && !a.findings_only,
        findings_only: a.findings_only,
    };
    let rec = reconcile(&set, &params)?;
    let period = if params.statements {
        period(&set)
    } else {
        String::new()
    };
    // Millions of lines are about to be freed by the process exit anyway; dropping them one by
    // one would cost a noticeable share of the run.
    std::mem::forget(set);
    let summary_json = out::recon_summary_json(&rec, &params);
    let ((findings, invoices), statements) = rayon::join(
        || {
            rayon::join(
                || out::findings_csv(&rec),
                || (!params.findings_only).then(|| out::invoice_verdicts_csv(&rec)),
            )
        },
        || {
            rec.statements
                .par_iter()
                .map(|st| out::statement_csv(st, &period))
                .collect::<Vec<_>>()
        },
    );
    if a.xlsx {
        output.keep_tables();
    }
    output.stage("findings.csv", &findings)?;
    if a.excel {
        output.stage("findings_excel.csv", &io::output::with_bom(&findings))?;
    }
    if let Some(invoices) = &invoices {
        output.stage("invoices.csv", invoices)?;
    }
    if params.statements {
        let files = out::statement_files(&rec);
        output.stage(
            "statements/index.csv",
            &out::statements_index_csv(&rec, &files),
        )?;
        for (name, bytes) in files.iter().zip(&statements) {
            output.stage(name, bytes)?;
        }
    }
    if a.xlsx {
        let all = vec![("statements.csv".to_owned(), one_table(&statements))];
        let index = |n: &str| !n.starts_with("statements/") || n == "statements/index.csv";
        output.stage_workbook("reconcile.xlsx", index, all)?;
    }
    output.stage("summary.json", summary_json.as_bytes())?;
    output.commit()?;
    let exit = exit_status(&rec, &a.fail_on);
    if a.json {
        out!("{summary_json}");
    } else {
        print_summary(&rec, &folder, a, exit);
    }
    // The reconciliation too is freed by the exit.
    std::mem::forget(rec);
    Ok(exit)
}

/// Tables of one header as one table: the first with its header, the others' rows after it
/// (each one's BOM and header left out).
fn one_table(tables: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        let t = t.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(t);
        let body = if i == 0 {
            t
        } else {
            t.iter()
                .position(|&b| b == b'\n')
                .map_or(&t[t.len()..], |at| &t[at + 1..])
        };
        out.extend_from_slice(body);
    }
    out
}

/// The period the extract covers, from its first to its last slip or invoice date.
fn period(set: &crate::model::FinanceSet) -> String {
    let dates = set
        .slips
        .iter()
        .map(|s| s.slip_date)
        .chain(set.invoices.iter().map(|l| l.invoice_date));
    let (mut first, mut last) = (None, None);
    for d in dates {
        first = Some(first.map_or(d, |f: chrono::NaiveDate| f.min(d)));
        last = Some(last.map_or(d, |l: chrono::NaiveDate| l.max(d)));
    }
    match (first, last) {
        (Some(f), Some(l)) => format!("{f} to {l}"),
        _ => String::new(),
    }
}

/// 3 when a finding reaches the `--fail-on` severity.
fn exit_status(rec: &Reconciliation, fail_on: &str) -> Exit {
    let least = match fail_on {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        _ => return Exit::Success,
    };
    if rec.findings.iter().any(|f| f.severity >= least) {
        Exit::Findings
    } else {
        Exit::Success
    }
}

fn print_summary(rec: &Reconciliation, folder: &Path, a: &Args, exit: Exit) {
    let t = &rec.totals;
    outln!(
        "reconciled {} slip lines against {} invoice lines in {}",
        group_digits(rec.slip_lines as u64),
        group_digits(rec.invoice_lines as u64),
        folder.display()
    );
    if rec.blocked_lines > 0 {
        outln!(
            "  blocked: {} line(s) failed validation or belong to an invoice blocked with one (INVALID_LINE), {} yuan of invoice lines held back; the rest is reconciled",
            group_digits(rec.blocked_lines as u64),
            rec.blocked_invoiced_value.grouped()
        );
    }
    let money = [
        ("shipped at agreed prices", t.shipped_value),
        ("invoiced (net of red)", t.invoiced_value),
        ("matched at agreed prices", t.matched_value),
        ("shipped, not invoiced", t.shipped_not_invoiced_value),
        ("invoiced, not shipped", t.invoiced_not_shipped_value),
        ("net over(+)/under(-) billing", t.net_difference),
        ("unexplained", t.unexplained),
    ];
    for (what, amount) in money {
        outln!("  {what:<30} {:>20} yuan", amount.grouped());
    }
    let count = |s, one, many| crate::money::counted(out::severity_count(rec, s) as u64, one, many);
    outln!(
        "findings: {}, {}, {} informational",
        count(Severity::Error, "error", "errors"),
        count(Severity::Warning, "warning", "warnings"),
        group_digits(out::severity_count(rec, Severity::Info) as u64)
    );
    outln!(
        "  {:<24} {:>9} {:>20} {:>20} {:>20}",
        "code",
        "count",
        "expected (yuan)",
        "invoiced (yuan)",
        "difference (yuan)"
    );
    for c in &rec.by_code {
        outln!(
            "  {:<24} {:>9} {:>20} {:>20} {:>20}",
            c.code.as_str(),
            group_digits(u64::from(c.count)),
            c.expected.grouped(),
            c.invoiced.grouped(),
            c.difference.grouped()
        );
    }
    if !a.findings_only {
        outln!("invoices:");
        for verdict in Verdict::ALL {
            let of: Vec<&crate::recon::InvoiceVerdict> = rec
                .invoices
                .iter()
                .filter(|v| v.verdict == verdict)
                .collect();
            let value: crate::money::Fen = of.iter().map(|v| v.invoiced).sum();
            outln!(
                "  {:<24} {:>9} {:>20} yuan",
                verdict.as_str(),
                group_digits(of.len() as u64),
                value.grouped()
            );
        }
    }
    let statements = if rec.statements.is_empty() {
        String::new()
    } else {
        format!(
            ", statements/ ({} hospitals)",
            group_digits(rec.statements.len() as u64)
        )
    };
    outln!(
        "wrote {}: findings.csv{}{statements}, summary.json{}",
        a.out.display(),
        if a.findings_only {
            ""
        } else {
            ", invoices.csv"
        },
        if a.xlsx { ", reconcile.xlsx" } else { "" }
    );
    if exit == Exit::Findings {
        outln!(
            "exit status 3: there are findings at or above {} (--fail-on never for 0)",
            a.fail_on
        );
    }
    if a.findings_only {
        outln!(
            "next: review {} (difference = invoiced - expected; detail says what to correct)",
            a.out.join("findings.csv").display()
        );
    } else {
        outln!(
            "next: review the blocked invoices in {} (reason says why), then {} (difference = invoiced - expected)",
            a.out.join("invoices.csv").display(),
            a.out.join("findings.csv").display()
        );
    }
}
