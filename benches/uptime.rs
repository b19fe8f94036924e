//! The uptime ledger on `data/china` and on a generated national set (141,331 scanners, 485,416
//! downtime records).

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use spareplan::io::{self, DirSource};

mod common;

fn uptime(c: &mut Criterion) {
    let mut group = c.benchmark_group("uptime");
    group.sample_size(10);
    let as_of = NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    for (name, dir) in [
        ("china", common::china_dir()),
        ("generated_20000h", common::generated(20_000, 2_000)),
    ] {
        let ds = io::load_planning(&DirSource::new(&dir))
            .expect("valid")
            .data;
        group.bench_function(name, |b| {
            b.iter(|| spareplan::uptime::ledger(&ds, as_of).units.len())
        });
    }
    group.finish();
}

criterion_group!(benches, uptime);
criterion_main!(benches);
