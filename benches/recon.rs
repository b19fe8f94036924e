//! Reconciliation from CSV to written findings: the bundled finance folder, and a generated set of
//! one million slip lines against about 1.2 million invoice lines.

use criterion::{criterion_group, criterion_main, Criterion};
use spareplan::io::{self, DirSource};
use spareplan::recon::{reconcile, ReconParams};

mod common;

fn run(dir: &std::path::Path) -> usize {
    let set = io::load_finance(&DirSource::new(dir)).expect("valid").data;
    let rec = reconcile(&set, &ReconParams::default()).expect("reconciles");
    let csv = io::output::findings_csv(&rec);
    let summary = io::output::recon_summary_json(&rec, &ReconParams::default());
    csv.len() + summary.len()
}

fn recon(c: &mut Criterion) {
    let mut group = c.benchmark_group("reconcile");
    group.sample_size(10);
    let china = common::china_dir().join("finance");
    group.bench_function("china", |b| b.iter(|| run(&china)));
    let big = common::generated_finance(1_000_000);
    group.bench_function("generated_1m_slip_lines", |b| b.iter(|| run(&big)));
    group.finish();
}

criterion_group!(benches, recon);
criterion_main!(benches);
