//! The simulation of a stock plan: on `data/china` (5 years after a 1-year warm-up, 100
//! replications) and on a generated national set (5,000 hospitals, 2,000 parts; 1 year after a
//! half-year warm-up, 10 replications). The plans are the planning entry's without the bound.

use criterion::{criterion_group, criterion_main, Criterion};
use spareplan::io::{self, DirSource};
use spareplan::sim::{self, SimSpec};
use spareplan::stock::{self, PlanParams};

mod common;

fn simulate(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    for (name, dir, years, warmup, reps) in [
        ("china_5y_100r", common::china_dir(), 5.0, 1.0, 100),
        (
            "generated_5000h_2000p_1y_10r",
            common::generated(5_000, 2_000),
            1.0,
            0.5,
            10,
        ),
    ] {
        let ds = io::load_planning(&DirSource::new(&dir))
            .expect("valid")
            .data;
        let plan = stock::plan(&ds, &PlanParams::quick(None)).expect("feasible");
        let spec = SimSpec::from_plan(&ds, &plan, years, warmup);
        eprintln!(
            "{name}: about {:.0} failures per run",
            spec.expected_failures() * reps as f64
        );
        group.bench_function(name, |b| b.iter(|| sim::run(&spec, reps, 1, &|| {}).len()));
    }
    group.finish();
}

criterion_group!(benches, simulate);
criterion_main!(benches);
