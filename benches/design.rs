//! Network design: the site choice and frontier (routes of every candidate, the plan of the
//! network as it is, the covering programmes per number of sites) on data/china (79 candidate
//! sites) and on a generated set of 5,000 hospitals, 200 parts and 300 candidates. The plan of
//! the designed network is `plan`'s benchmark on that network.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use spareplan::design::{self, DesignParams};
use spareplan::io::{self, DirSource};
use spareplan::stock::PlanParams;

fn params() -> DesignParams {
    DesignParams {
        plan: PlanParams::quick(0.95),
        ..DesignParams::default()
    }
}

fn design_sites(c: &mut Criterion) {
    let mut group = c.benchmark_group("design");
    group.sample_size(10);
    let china = io::load_planning(&DirSource::new(common::china_dir()))
        .expect("data/china")
        .data;
    group.bench_function("china_79_candidates", |b| {
        b.iter(|| design::design(&china, &params(), &|_| {}).expect("designed"))
    });
    let dir = common::generated_with_candidates(5_000, 200, 300);
    let large = io::load_planning(&DirSource::new(dir))
        .expect("generated")
        .data;
    group.bench_function("generated_5000_hospitals_300_candidates", |b| {
        b.iter(|| design::design(&large, &params(), &|_| {}).expect("designed"))
    });
    group.finish();
}

criterion_group!(benches, design_sites);
criterion_main!(benches);
