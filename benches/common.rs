//! Shared set-up for the benchmarks: the bundled data set and generated national-scale sets.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use spareplan::gen::{self, GenParams};
use spareplan::io::{self, geo::EmbeddedGeo};

pub fn china_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china")
}

/// Writes (once per process) a generated data set and returns its folder.
pub fn generated(hospitals: usize, parts: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-bench-{hospitals}h-{parts}p"));
    if !dir.join("downtime.csv").exists() {
        let geo = io::geo::load_geography(&EmbeddedGeo).expect("geography");
        let params = GenParams {
            hospitals: Some(hospitals),
            parts: Some(parts),
            seed: 1,
            ..GenParams::default()
        };
        let g = gen::synthetic(&geo, &params);
        io::write_dataset(&dir, &g.dataset, None, &[]).expect("write generated set");
    }
    dir
}

/// Total size of the CSV files in a folder.
pub fn csv_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}

/// Writes (once per process) a generated finance set of `slip_lines` slip lines.
pub fn generated_finance(slip_lines: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-bench-finance-{slip_lines}"));
    if !dir.join("invoices.csv").exists() {
        let set = gen::finance::synthetic(slip_lines, 1);
        io::write_finance(&dir, &set).expect("write generated finance set");
    }
    dir
}

/// Writes (once per process) data/china with a forward stocking location in every provincial
/// capital (31 stocking locations) and returns its folder.
pub fn china_forward_capitals() -> PathBuf {
    let dir = std::env::temp_dir().join("spareplan-bench-china-31-locations");
    if !dir.join("downtime.csv").exists() {
        let geo = io::geo::load_geography(&EmbeddedGeo).expect("geography");
        let g = gen::china_with(
            &geo,
            gen::network::Forward::Capitals,
            gen::sites::Candidates::EngineerBases,
        );
        io::write_dataset(&dir, &g.dataset, None, &[]).expect("write generated set");
    }
    dir
}

/// Writes (once per process) a generated set of `hospitals` hospitals and `parts` parts with
/// `candidates` candidate sites, and returns its folder.
pub fn generated_with_candidates(hospitals: usize, parts: usize, candidates: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "spareplan-bench-{hospitals}h-{parts}p-{candidates}c"
    ));
    if !dir.join("candidates.csv").exists() {
        let geo = io::geo::load_geography(&EmbeddedGeo).expect("geography");
        let params = GenParams {
            hospitals: Some(hospitals),
            parts: Some(parts),
            seed: 1,
            candidates: gen::sites::Candidates::Count(candidates),
            ..GenParams::default()
        };
        let g = gen::synthetic(&geo, &params);
        io::write_dataset(&dir, &g.dataset, None, &[]).expect("write generated set");
    }
    dir
}
