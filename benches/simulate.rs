//! The simulation of a stock plan: on `data/china` (5 years after a 1-year warm-up, 100
//! replications) and on a generated national set (5,000 hospitals, 2,000 parts; 1 year after a
//! half-year warm-up, 10 replications). The plans are the optimiser's.

use criterion::{criterion_group, criterion_main, Criterion};
use spareplan::coverage::{self, CoverageParams};
use spareplan::io::{self, DirSource};
use spareplan::sim::{self, SimSpec};
use spareplan::stock::input::build;
use spareplan::stock::optimise::{optimise, requirements};
use spareplan::stock::plan::costs;

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
        let cov = coverage::compute(&ds, &CoverageParams::default());
        let input = build(&ds, &cov);
        let plan =
            optimise(&input, &costs(&ds, &input), &requirements(&input, None)).expect("feasible");
        let mut levels = vec![vec![0u32; ds.depots.len()]; ds.parts.len()];
        for (p, part) in input.parts.iter().enumerate() {
            levels[part.part.index()] = plan.stock[p].clone();
        }
        let spec = SimSpec::from_dataset(&ds, &cov, &input, &levels, years, warmup);
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
