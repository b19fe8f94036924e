//! Loading and validating planning data sets, and generating them: the bundled `data/china` and
//! a generated national-scale set of 20,000 hospitals and 2,000 parts.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use spareplan::io::{self, DirSource};

mod common;

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    let china = common::china_dir();
    group.throughput(Throughput::Bytes(common::csv_bytes(&china)));
    group.bench_function("china", |b| {
        b.iter(|| io::load_planning(&DirSource::new(&china)).expect("valid"))
    });
    let big = common::generated(20_000, 2_000);
    group.throughput(Throughput::Bytes(common::csv_bytes(&big)));
    group.bench_function("generated_20000h_2000p", |b| {
        b.iter(|| io::load_planning(&DirSource::new(&big)).expect("valid"))
    });
    group.finish();
}

fn generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    let geo = spareplan::io::geo::load_geography(&spareplan::io::geo::EmbeddedGeo).expect("geo");
    group.bench_function("china", |b| {
        b.iter(|| spareplan::gen::china(&geo).dataset.units.len())
    });
    let params = spareplan::gen::GenParams {
        hospitals: Some(20_000),
        parts: Some(2_000),
        seed: 1,
        ..spareplan::gen::GenParams::default()
    };
    group.bench_function("generated_20000h_2000p", |b| {
        b.iter(|| spareplan::gen::synthetic(&geo, &params).dataset.units.len())
    });
    group.finish();
}

criterion_group!(benches, load, generate);
criterion_main!(benches);
