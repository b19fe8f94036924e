//! The stock plan: optimiser and checker, the lower bound, and the Lagrangian heuristic from the
//! bound's minimisers, on `data/china` and on a generated national set (5,000 hospitals, 2,000
//! parts); the whole planning entry (bound and curve) on `data/china`, on `data/china` with a
//! forward stocking location in every provincial capital (31 locations) and on the national set;
//! and the check by simulation with its correction rounds on `data/china`; the uptime clause
//! (every scanner's expected extension days, and the pricing) on the three.

use criterion::{criterion_group, criterion_main, Criterion};
use spareplan::coverage::{self, CoverageParams};
use spareplan::io::{self, DirSource};
use spareplan::stock::bound::{bound, bound_and_minimisers};
use spareplan::stock::check::check;
use spareplan::stock::costs;
use spareplan::stock::input::build;
use spareplan::stock::optimise::{optimise, optimise_from, requirements};

mod common;

fn plan(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    for (name, dir) in [
        ("china", common::china_dir()),
        ("generated_5000h_2000p", common::generated(5_000, 2_000)),
    ] {
        let ds = io::load_planning(&DirSource::new(&dir))
            .expect("valid")
            .data;
        let cov = coverage::compute(&ds, &CoverageParams::default());
        let input = build(&ds, &cov);
        let costs = costs(&ds, &input);
        let req = requirements(&input, &spareplan::stock::problem::Targets::default());
        group.bench_function(format!("{name}/optimise_and_check"), |b| {
            b.iter(|| {
                let plan = optimise(&input, &costs, &req).expect("feasible");
                assert!(check(&input, &req, &plan).ok());
                plan.units()
            })
        });
        let plan = optimise(&input, &costs, &req).expect("feasible");
        group.bench_function(format!("{name}/lower_bound"), |b| {
            b.iter(|| {
                bound(&input, &costs, &req, &plan)
                    .expect("bound")
                    .lower_bound
            })
        });
        let (_, start) = bound_and_minimisers(&input, &costs, &req, &plan).expect("bound");
        group.bench_function(format!("{name}/lagrangian_heuristic"), |b| {
            b.iter(|| {
                optimise_from(&input, &costs, &req, start.clone())
                    .expect("feasible")
                    .units()
            })
        });
    }
    group.finish();
}

/// data/china, data/china with 31 stocking locations and the national set, loaded.
fn sizes() -> Vec<(&'static str, spareplan::model::Dataset)> {
    [
        ("china", common::china_dir()),
        ("china_31_locations", common::china_forward_capitals()),
        ("generated_5000h_2000p", common::generated(5_000, 2_000)),
    ]
    .into_iter()
    .map(|(name, dir)| {
        let ds = io::load_planning(&DirSource::new(&dir))
            .expect("valid")
            .data;
        (name, ds)
    })
    .collect()
}

fn entry(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan_entry");
    group.sample_size(10);
    for (name, ds) in sizes() {
        group.bench_function(format!("{name}/plan_bound_curve"), |b| {
            b.iter(|| {
                spareplan::stock::plan(&ds, &spareplan::stock::PlanParams::default())
                    .expect("a plan")
                    .units()
            })
        });
    }
    let ds = io::load_planning(&DirSource::new(common::china_dir()))
        .expect("valid")
        .data;
    let analytic =
        spareplan::stock::plan(&ds, &spareplan::stock::PlanParams::default()).expect("a plan");
    group.bench_function("china/check_by_simulation", |b| {
        b.iter(|| {
            spareplan::sim::verified::verified_plan(
                &ds,
                analytic.clone(),
                &spareplan::sim::VerifyParams::default(),
                &|_| {},
            )
            .expect("verified")
            .rounds
            .len()
        })
    });
    group.finish();
}

/// The uptime clause in the plan's model: every scanner's expected extension days under a plan,
/// and the pricing that adds the stock the clause pays for, from the plan meeting the targets.
fn warranty(c: &mut Criterion) {
    use spareplan::stock::warranty::{expected, price, Fleet};
    let mut group = c.benchmark_group("warranty");
    group.sample_size(10);
    for (name, ds) in sizes() {
        let cov = coverage::compute(&ds, &CoverageParams::default());
        let input = build(&ds, &cov);
        let costs = costs(&ds, &input);
        let req = requirements(&input, &spareplan::stock::problem::Targets::default());
        let plan = optimise(&input, &costs, &req).expect("feasible");
        let fleet = Fleet::new(&ds, &cov, &input, None);
        let parts = price::states(&input, &plan);
        group.bench_function(format!("{name}/expected_extension"), |b| {
            b.iter(|| expected(&input, &fleet, &parts, true).extension_days())
        });
        group.bench_function(format!("{name}/price"), |b| {
            b.iter(|| price::price(&input, &costs, &fleet, &plan).0.units())
        });
    }
    group.finish();
}

criterion_group!(benches, plan, entry, warranty);
criterion_main!(benches);
