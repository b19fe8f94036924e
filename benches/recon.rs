//! Reconciliation: the bundled finance folder and a generated set of one million slip lines
//! against about 1.2 million invoice lines; then the `reconcile` command end to end beside the
//! same heavy part of the job written as DuckDB SQL (`benches/peer/recon_duckdb.py`), on the same
//! files in the same run.
//!
//! The DuckDB side needs `python3` with the `duckdb` package (`pip install duckdb`); without it
//! that benchmark is left out, with a note.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use spareplan::io::{self, recon_output, DirSource};
use spareplan::recon::{reconcile, ReconParams};

mod common;

/// Load, validate, reconcile and serialise what `reconcile` writes.
fn run(dir: &Path, statements: bool) -> usize {
    let set = io::load_finance_blocking(&DirSource::new(dir))
        .expect("valid")
        .data;
    let params = ReconParams {
        statements,
        ..ReconParams::default()
    };
    let rec = reconcile(&set, &params).expect("reconciles");
    let mut bytes = recon_output::findings_csv(&rec).len()
        + recon_output::invoice_verdicts_csv(&rec).len()
        + recon_output::recon_summary_json(&rec, &params).len();
    for st in &rec.statements {
        bytes += recon_output::statement_csv(st, "").len();
    }
    bytes
}

fn recon(c: &mut Criterion) {
    let mut group = c.benchmark_group("reconcile");
    group.sample_size(10);
    let china = common::china_dir().join("finance");
    group.bench_function("china", |b| b.iter(|| run(&china, true)));
    // `--xlsx`: the findings and verdicts of the bundled folder as one workbook.
    let set = io::load_finance(&DirSource::new(&china))
        .expect("valid")
        .data;
    let rec = reconcile(&set, &ReconParams::default()).expect("reconciles");
    let tables = vec![
        ("findings.csv".to_owned(), recon_output::findings_csv(&rec)),
        (
            "invoices.csv".to_owned(),
            recon_output::invoice_verdicts_csv(&rec),
        ),
    ];
    group.bench_function("china_workbook", |b| {
        b.iter(|| io::workbook::workbook(&tables).expect("workbook").len())
    });
    let big = common::generated_finance(1_000_000);
    group.bench_function("generated_1m_slip_lines", |b| b.iter(|| run(&big, false)));
    group.bench_function("generated_1m_slip_lines_with_statements", |b| {
        b.iter(|| run(&big, true))
    });
    group.finish();
}

/// Whether `python3 -c "import duckdb"` works here.
fn duckdb_available() -> bool {
    Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The `reconcile` command, end to end as a user runs it (reading, validating, reconciling,
/// writing, process start and exit), findings only and with verdicts, beside DuckDB running the
/// heavy part of the job on the same files with two threads (its own timing of the queries,
/// without the Python start-up).
fn versus_duckdb(c: &mut Criterion) {
    let big = common::generated_finance(1_000_000);
    let out =
        std::env::temp_dir().join(format!("spareplan-bench-recon-out-{}", std::process::id()));
    let mut group = c.benchmark_group("reconcile_vs_duckdb");
    group.sample_size(10);
    let command = |extra: &'static [&'static str]| {
        let (big, out) = (big.clone(), out.clone());
        move || {
            let status = Command::new(env!("CARGO_BIN_EXE_spareplan"))
                .arg("reconcile")
                .arg(&big)
                .arg("--out")
                .arg(&out)
                .args(["--fail-on", "never"])
                .args(extra)
                .stdout(std::process::Stdio::null())
                .status()
                .expect("spareplan runs");
            assert!(status.success());
        }
    };
    // The job DuckDB is measured on: read, validate, reconcile, write the findings.
    let findings_only = command(&["--findings-only"]);
    group.bench_function("spareplan_reconcile_findings_only", |b| {
        b.iter(&findings_only)
    });
    // And with a verdict per invoice (invoices.csv, 674,000 rows) on top.
    let with_verdicts = command(&["--no-statements"]);
    group.bench_function("spareplan_reconcile_with_verdicts", |b| {
        b.iter(&with_verdicts)
    });
    if duckdb_available() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peer/recon_duckdb.py");
        group.bench_function("duckdb_heavy_part_2_threads", |b| {
            b.iter_custom(|iters| {
                let started = Instant::now();
                let run = Command::new("python3")
                    .arg(&script)
                    .arg(&big)
                    .args(["--threads", "2", "--iterations", &iters.to_string()])
                    .output()
                    .expect("python3 runs");
                assert!(
                    run.status.success(),
                    "{}",
                    String::from_utf8_lossy(&run.stderr)
                );
                let text = String::from_utf8_lossy(&run.stdout);
                let seconds = text
                    .lines()
                    .find_map(|l| l.strip_prefix("seconds "))
                    .and_then(|s| s.trim().parse::<f64>().ok());
                seconds.map_or_else(|| started.elapsed(), Duration::from_secs_f64)
            })
        });
    } else {
        eprintln!("reconcile_vs_duckdb: python3 with duckdb not found (pip install duckdb); DuckDB side left out");
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&out);
}

criterion_group!(benches, recon, versus_duckdb);
criterion_main!(benches);
