//! The bundled data set and generated sets load, round-trip and are deterministic.

use std::path::Path;

use spareplan::gen::{self, GenParams};
use spareplan::io::{self, geo::EmbeddedGeo, DirSource, MemorySource};
use spareplan::model::{NodeRef, Tier};

fn china_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china")
}

fn to_source(files: Vec<(&'static str, Vec<u8>)>) -> MemorySource {
    let mut src = MemorySource::new();
    for (name, bytes) in files {
        src.files.insert(name.to_owned(), bytes);
    }
    src
}

#[test]
fn the_bundled_china_data_set_loads_clean() {
    let loaded = io::load_planning(&DirSource::new(china_dir())).expect("data/china is valid");
    let ds = &loaded.data;
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    assert_eq!(ds.depots.len(), 5);
    assert_eq!(
        ds.depots.iter().filter(|d| d.tier == Tier::Central).count(),
        1
    );
    assert!(ds.hospitals.len() >= 300);
    assert!(ds.parts.len() >= 40);
    assert!((1000..20_000).contains(&ds.units.len()));
    let engineers: u32 = ds.engineers.iter().map(|e| e.engineers).sum();
    assert!((500..=700).contains(&engineers), "{engineers}");
    assert!(ds.parts.iter().any(|p| p.deadline_hours == 4.0));
    // Every mainland province has hospitals.
    let provinces: std::collections::BTreeSet<_> = ds
        .hospitals
        .iter()
        .filter_map(|h| h.province.clone())
        .collect();
    assert_eq!(provinces.len(), 31, "{provinces:?}");
    // Air lanes between airport hubs exist.
    assert!(ds
        .lanes
        .iter()
        .any(|l| l.mode == spareplan::model::Mode::Air
            && matches!((l.from, l.to), (NodeRef::Hub(_), NodeRef::Hub(_)))));
    let finance = io::load_finance(&DirSource::new(china_dir().join("finance"))).expect("valid");
    assert!(finance.data.slips.len() > 1000);
}

#[test]
fn the_bundled_data_set_is_what_the_generator_writes() {
    let geo = io::geo::load_geography(&EmbeddedGeo).expect("geography");
    let generated = gen::china(&geo);
    for (name, bytes) in io::write::dataset_files(&generated.dataset) {
        let on_disk = std::fs::read(china_dir().join(name)).expect("file exists");
        assert!(on_disk == bytes, "data/china/{name} differs from the generator's output; rerun `spareplan generate --china --out data/china`");
    }
    for (name, bytes) in io::write::finance_files(generated.finance.as_ref().expect("finance")) {
        let on_disk = std::fs::read(china_dir().join("finance").join(name)).expect("file exists");
        assert!(
            on_disk == bytes,
            "data/china/finance/{name} differs from the generator's output"
        );
    }
}

#[test]
fn synthetic_sets_load_round_trip_and_are_deterministic() {
    let geo = io::geo::load_geography(&EmbeddedGeo).expect("geography");
    let params = GenParams {
        hospitals: Some(400),
        parts: Some(120),
        seed: 7,
        ..GenParams::default()
    };
    let a = io::write::dataset_files(&gen::synthetic(&geo, &params).dataset);
    let b = io::write::dataset_files(&gen::synthetic(&geo, &params).dataset);
    assert!(a == b, "same seed, same bytes");
    let other = io::write::dataset_files(
        &gen::synthetic(
            &geo,
            &GenParams {
                seed: 8,
                ..params.clone()
            },
        )
        .dataset,
    );
    assert!(a != other, "another seed, another data set");

    let loaded = io::load_planning(&to_source(a.clone())).expect("generated sets are valid");
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    let ds = loaded.data;
    assert_eq!(ds.hospitals.len(), 400);
    assert_eq!(ds.parts.len(), 120);
    // Writing what was loaded gives the same bytes back.
    assert!(io::write::dataset_files(&ds) == a);
}

#[test]
fn tiny_and_wide_synthetic_sets_are_valid() {
    let geo = io::geo::load_geography(&EmbeddedGeo).expect("geography");
    for (hospitals, parts) in [(1, 1), (3, 52), (50, 600)] {
        let params = GenParams {
            hospitals: Some(hospitals),
            parts: Some(parts),
            seed: 1,
            history_months: 6,
            ..GenParams::default()
        };
        let files = io::write::dataset_files(&gen::synthetic(&geo, &params).dataset);
        let ds = io::load_planning(&to_source(files))
            .unwrap_or_else(|e| panic!("{hospitals} x {parts}: {:#?}", e.problems()))
            .data;
        assert_eq!(ds.hospitals.len(), hospitals);
        assert_eq!(ds.parts.len(), parts);
    }
}

#[test]
fn finance_sets_round_trip() {
    let loaded = io::load_finance(&DirSource::new(china_dir().join("finance"))).expect("valid");
    let files = io::write::finance_files(&loaded.data);
    let again = io::load_finance(&to_source(files.clone())).expect("valid");
    assert!(io::write::finance_files(&again.data) == files);
}
