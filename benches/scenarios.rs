//! The ten shipped scenarios and their baseline on `data/china`, planned in parallel (the work of
//! `spareplan scenarios scenarios/*.toml` after loading).

use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;
use spareplan::io::{self, DirSource};
use spareplan::scenario::{self, compare::outcome, Settings};

mod common;

fn scenarios(c: &mut Criterion) {
    let mut group = c.benchmark_group("scenarios");
    group.sample_size(10);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("scenarios/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let loaded: Vec<_> = files
        .iter()
        .map(|f| scenario::load(f).expect("a valid scenario"))
        .collect();
    let ds = io::load_planning(&DirSource::new(common::china_dir()))
        .expect("valid")
        .data;
    let applied: Vec<_> = loaded
        .iter()
        .map(|l| scenario::apply(l, &ds).expect("applies"))
        .collect();
    group.bench_function(
        format!("china_{}_scenarios_and_baseline", applied.len()),
        |b| {
            b.iter(|| {
                let base = outcome("baseline", "", &ds, &Settings::default()).expect("plans");
                let all: Vec<_> = applied
                    .par_iter()
                    .map(|(d, s)| outcome("s", "", d, s).expect("plans").units)
                    .collect();
                (base.units, all)
            })
        },
    );
    group.finish();
}

criterion_group!(benches, scenarios);
criterion_main!(benches);
