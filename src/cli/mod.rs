//! Command-line interface: one file per command (its arguments and `run`), the exit codes, and
//! the helpers every command shares (loading with its problems printed, the progress spinner).
//!
//! Every command reads through `io`, computes with the library and writes through
//! [`crate::io::OutputDir`]; nothing here computes a planning figure. The human summaries go
//! through [`outln!`], which stops quietly when standard output is closed
//! (`spareplan plan ... | head`) instead of panicking; files are written before any of it.

/// `println!` to standard output, ignoring a closed pipe.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `print!` to standard output, ignoring a closed pipe.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

mod design;
mod generate;
mod plan;
mod reconcile;
mod replenish;
mod report;
mod routes;
mod scenarios;
mod simulate;
mod uptime;
mod validate;

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Parser, Subcommand};

use crate::io::{self, DirSource};
use crate::model::Dataset;

/// How a command ends, as its exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The command did what it was asked.
    Success = 0,
    /// The input has errors (each printed with file, line, column and value), or no plan meets
    /// the targets; nothing was written.
    DataErrors = 1,
    /// The command failed: bad arguments, an unreadable folder, a plan the checker refused, a
    /// file that could not be written; nothing was written.
    Failed = 2,
    /// `reconcile` wrote its results and found what `--fail-on` names (by default errors).
    Findings = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// The exit codes as `--help` lists them.
pub const EXIT_CODES: &str = "Exit status:\n  0  success\n  1  the data has errors (each \
     named by file, line, column and value) or no stock meets the targets; nothing was written\n  \
     2  the command failed (bad arguments, unreadable input, a plan the checker refused, an \
     output that could not be written); nothing was written";

#[derive(Parser, Debug)]
#[command(
    name = "spareplan",
    version,
    about = "Spare-parts logistics planning for a CT scanner service network",
    long_about = None,
    after_help = EXIT_CODES,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Validate(validate::Args),
    Routes(routes::Args),
    Reconcile(reconcile::Args),
    Plan(plan::Args),
    Design(design::Args),
    Simulate(simulate::Args),
    Replenish(replenish::Args),
    Scenarios(scenarios::Args),
    Report(report::Args),
    Uptime(uptime::Args),
    Generate(generate::Args),
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
            let code = if err.use_stderr() {
                Exit::Failed
            } else {
                Exit::Success
            };
            let _ = err.print();
            return Ok(code.into());
        }
    };
    let exit = match cli.command {
        Command::Validate(a) => validate::run(&a),
        Command::Routes(a) => routes::run(&a),
        Command::Reconcile(a) => reconcile::run(&a),
        Command::Plan(a) => plan::run(&a),
        Command::Design(a) => design::run(&a),
        Command::Simulate(a) => simulate::run(&a),
        Command::Replenish(a) => replenish::run(&a),
        Command::Scenarios(a) => scenarios::run(&a),
        Command::Report(a) => report::run(&a),
        Command::Uptime(a) => uptime::run(&a),
        Command::Generate(a) => generate::run(&a),
    }?;
    Ok(exit.into())
}

/// Loads a planning data set, printing warnings and errors to standard error. `Ok(None)` means
/// the data has errors ([`Exit::DataErrors`]).
fn load_planning(dir: &Path) -> anyhow::Result<Option<Dataset>> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    Ok(reported(io::load_planning(&DirSource::new(dir))))
}

/// A spinner with the elapsed time on standard error while a long step runs; hidden when standard
/// error is not a terminal.
fn spinner(message: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .expect("a valid template"),
    );
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Prints a load's warnings, or its problems and verdict; `None` means the input has errors
/// ([`Exit::DataErrors`]).
fn reported<T>(result: Result<io::Loaded<T>, io::LoadError>) -> Option<T> {
    match result {
        Ok(loaded) => {
            for w in &loaded.warnings {
                eprintln!("{w}");
            }
            Some(loaded.data)
        }
        Err(err) => {
            print_problems(err.problems());
            eprintln!("{err}");
            None
        }
    }
}

/// Problems of one kind (same severity, file, column and fix) printed in full up to this many;
/// beyond it, the first few and a count.
const SHOWN_OF_A_KIND: usize = 10;

/// Prints problems to standard error, each naming file, line, column and value. Thousands of one
/// kind (a column exported wrongly, a file from another data set) are summarised: the first
/// few, then how many more and where they are.
pub(crate) fn print_problems(problems: &[io::Problem]) {
    let kind = |p: &io::Problem| {
        (
            p.severity,
            p.file.clone(),
            p.column_name.clone(),
            p.fix.clone(),
        )
    };
    let mut count: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for p in problems {
        *count.entry(kind(p)).or_default() += 1;
    }
    if count.values().all(|&n| n <= SHOWN_OF_A_KIND) {
        for p in problems {
            eprintln!("{p}");
        }
        return;
    }
    // Kinds in the order they first appear; each printed together.
    let mut order: Vec<_> = Vec::new();
    for p in problems {
        let k = kind(p);
        if !order.contains(&k) {
            order.push(k);
        }
    }
    for k in order {
        let of: Vec<&io::Problem> = problems.iter().filter(|p| kind(p) == k).collect();
        let shown = if of.len() > SHOWN_OF_A_KIND {
            3
        } else {
            of.len()
        };
        for p in &of[..shown] {
            eprintln!("{p}");
        }
        if of.len() > shown {
            let lines: Vec<u64> = of.iter().filter_map(|p| p.line).collect();
            let span = match (lines.iter().min(), lines.iter().max()) {
                (Some(a), Some(b)) => format!(" on lines {a} to {b}"),
                _ => String::new(),
            };
            let column =
                k.2.as_deref()
                    .map(|c| format!(", column {c}"))
                    .unwrap_or_default();
            eprintln!(
                "... and {} more like these in {}{column}{span} (spareplan validate --json lists every one)",
                crate::money::group_digits((of.len() - shown) as u64),
                k.1
            );
        }
    }
}

/// A target given on the command line: a probability below 1.
fn target_arg(s: &str) -> Result<crate::stock::problem::Targets, String> {
    crate::stock::problem::Targets::parse(s)
}

/// A date given on the command line, `YYYY-MM-DD`.
/// A money amount in yuan (at most two decimals), not negative.
/// A share in [0, 1] (`0.8`).
fn share_arg(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "{s:?} is not a share between 0 and 1 (write 0.8 for 80 %)"
        )),
    }
}

fn yuan_arg(s: &str) -> Result<crate::money::Fen, String> {
    match crate::money::Fen::parse(s.trim()) {
        Ok(f) if f.0 >= 0 => Ok(f),
        Ok(_) => Err(format!("{s}: an amount in yuan is not negative")),
        Err(e) => Err(format!("{s}: not an amount in yuan ({e})")),
    }
}

fn date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a YYYY-MM-DD date"))
}
