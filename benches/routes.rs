//! Fastest and constrained (cheapest within 72 h) routes from every depot to every hospital, on
//! `data/china` and on a generated network of 20,000 hospitals.

use criterion::{criterion_group, criterion_main, Criterion};
use spareplan::coverage::{self, CoverageParams};
use spareplan::io::{self, DirSource};
use spareplan::model::NodeRef;
use spareplan::network::{to_micros, Network};

mod common;

fn routes(c: &mut Criterion) {
    let mut group = c.benchmark_group("routes");
    group.sample_size(10);
    for (name, dir) in [
        ("china", common::china_dir()),
        ("generated_20000h", common::generated(20_000, 2_000)),
    ] {
        let ds = io::load_planning(&DirSource::new(&dir))
            .expect("valid")
            .data;
        let net = Network::build(&ds);
        group.bench_function(format!("fastest_all_pairs/{name}"), |b| {
            b.iter(|| {
                let mut n = 0usize;
                for d in ds.depot_ids() {
                    let tree = net.fastest_from(NodeRef::Depot(d));
                    for h in ds.hospital_ids() {
                        n += net
                            .fastest_route(&tree, NodeRef::Hospital(h))
                            .map_or(0, |r| r.hops());
                    }
                }
                n
            })
        });
        group.bench_function(format!("economy_all_pairs/{name}"), |b| {
            b.iter(|| {
                let mut n = 0usize;
                for d in ds.depot_ids() {
                    let budget = to_micros(72.0 - ds.depot(d).handling_hours);
                    let tree = net.economy_from(NodeRef::Depot(d), budget);
                    for h in ds.hospital_ids() {
                        n += net
                            .economy_route(&tree, NodeRef::Hospital(h))
                            .map_or(0, |r| r.hops());
                    }
                }
                n
            })
        });
        group.bench_function(format!("coverage_command/{name}"), |b| {
            b.iter(|| coverage::compute(&ds, &CoverageParams::default()))
        });
    }
    group.finish();
}

criterion_group!(benches, routes);
criterion_main!(benches);
