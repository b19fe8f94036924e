//! The monthly replenishment batch (forecasts, targets from the optimiser, orders) on
//! `data/china` and on a generated national set (5,000 hospitals, 2,000 parts, 24 months of
//! history).

use criterion::{criterion_group, criterion_main, Criterion};
use spareplan::io::{self, DirSource};
use spareplan::replenish::forecasting::{Month, Smoothing};
use spareplan::replenish::{run, BatchParams};

mod common;

fn replenish(c: &mut Criterion) {
    let mut group = c.benchmark_group("replenish");
    group.sample_size(10);
    let month = Month::parse("2026-11").expect("month");
    let params = BatchParams {
        month,
        history_from: month.plus(-24),
        smoothing: Smoothing::default(),
        target: Default::default(),
        pm_months: 3,
    };
    for (name, dir) in [
        ("china", common::china_dir()),
        ("generated_5000h_2000p", common::generated(5_000, 2_000)),
    ] {
        let ds = io::load_planning(&DirSource::new(&dir))
            .expect("valid")
            .data;
        group.bench_function(name, |b| {
            b.iter(|| run(&ds, &params).expect("batch").orders.len())
        });
    }
    group.finish();
}

criterion_group!(benches, replenish);
criterion_main!(benches);
