//! The loaders accept the variety real exports have, and never panic on any bytes.

use proptest::prelude::*;
use spareplan::io::{self, MemorySource};

use crate::common::*;

#[test]
fn bom_crlf_quotes_and_chinese_text_load() {
    let hospitals = "\u{feff}hospital_id,name,lat,lon,city,province\r\n\
                     H1,\"First, \"\"Central\"\"\nHospital\",31.3,121.4,上海市,上海市\r\n\
                     H2,北京协和医院,39.8,116.3,北京市,北京市\r\n";
    let src = planning().with("hospitals.csv", hospitals);
    let ds = io::load_planning(&src).expect("valid").data;
    assert_eq!(ds.hospitals[0].name, "First, \"Central\"\nHospital");
    assert_eq!(ds.hospitals[1].name, "北京协和医院");
}

#[test]
fn line_numbers_follow_the_editor_across_multi_line_fields() {
    let hospitals = "hospital_id,name,lat,lon,city,province\n\
                     H1,\"First\nHospital\",31.3,121.4,上海市,上海市\n\
                     H2,Second,abc,116.3,北京市,北京市\n";
    let src = planning().with("hospitals.csv", hospitals);
    let errors = planning_errors(&src);
    let p = errors
        .iter()
        .find(|p| p.column_name.as_deref() == Some("lat"))
        .expect("bad latitude reported");
    assert_eq!(p.line, Some(4));
}

#[test]
fn a_header_only_optional_file_is_an_empty_table() {
    let src = planning().with("stock.csv", "depot_id,part_no,on_hand,on_order\n");
    let ds = io::load_planning(&src).expect("valid").data;
    assert!(ds.stock.is_empty());
}

#[test]
fn absent_optional_files_are_fine() {
    let src = planning()
        .without("hubs.csv")
        .without("stock.csv")
        .without("engineers.csv")
        .without("fault_history.csv")
        .without("downtime.csv")
        .with(
            "lanes.csv",
            "from_id,to_id,mode,hours\nDC,H1,road,2\nR1,H2,road,3\n",
        );
    let ds = io::load_planning(&src).expect("valid").data;
    assert_eq!(ds.lanes.len(), 2);
    assert!(ds.hubs.is_empty());
}

#[test]
fn binary_content_is_an_error_not_a_panic() {
    let mut bytes = b"hospital_id,name,lat,lon\nH1,".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0x81]);
    bytes.extend_from_slice(b",31.3,121.4\nH2,Second,39.8,116.3\n");
    let src = planning().with("hospitals.csv", bytes);
    let errors = planning_errors(&src);
    assert!(
        errors
            .iter()
            .any(|p| p.line == Some(2) && p.message.contains("not valid UTF-8")),
        "{errors:#?}"
    );
}

/// Loading must return (never panic), and every problem must point into a real file.
fn check_no_panic(src: &MemorySource, finance: bool) {
    let result = if finance {
        io::load_finance(src).map(|_| ())
    } else {
        io::load_planning(src).map(|_| ())
    };
    if let Err(err) = result {
        for p in err.problems() {
            assert!(p.file.ends_with(".csv"), "{p}");
            assert!(p.line.is_none_or(|l| l >= 1), "{p}");
            assert!(!p.message.is_empty());
        }
    }
}

const PLANNING_FILES: [&str; 11] = [
    "depots.csv",
    "hubs.csv",
    "hospitals.csv",
    "lanes.csv",
    "parts.csv",
    "installed_base.csv",
    "part_usage.csv",
    "stock.csv",
    "engineers.csv",
    "fault_history.csv",
    "downtime.csv",
];

type Edit = (prop::sample::Index, u8, prop::sample::Index);

/// Applies byte edits (0 replace, 1 insert, 2 delete) with characters that matter to CSV.
fn mutate(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for (at, op, pick) in edits {
        let c = *pick.get(INTERESTING);
        if bytes.is_empty() {
            bytes.push(c);
            continue;
        }
        let i = at.index(bytes.len());
        match op {
            0 => bytes[i] = c,
            1 => bytes.insert(i, c),
            _ => {
                bytes.remove(i);
            }
        }
    }
    bytes
}

const INTERESTING: &[u8] = b",\"\n\r-.0123456789eE+ \t\xef\xbb\xbf\xff\x00:T*;";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(file in 0usize..11, bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let src = planning().with(PLANNING_FILES[file], bytes);
        check_no_panic(&src, false);
    }

    #[test]
    fn random_bytes_in_finance_never_panic(file in 0usize..4, bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let names = ["slips.csv", "invoices.csv", "discounts.csv", "consents.csv"];
        let src = finance().with(names[file], bytes);
        check_no_panic(&src, true);
    }

    #[test]
    fn mutations_of_valid_files_never_panic(
        file in 0usize..11,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<prop::sample::Index>()), 1..8),
    ) {
        let base = planning();
        let name = PLANNING_FILES[file];
        let bytes = mutate(base.files[name].clone(), &edits);
        check_no_panic(&base.with(name, bytes), false);
    }

    #[test]
    fn mutations_of_finance_files_never_panic(
        file in 0usize..4,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<prop::sample::Index>()), 1..8),
    ) {
        let names = ["slips.csv", "invoices.csv", "discounts.csv", "consents.csv"];
        let base = finance();
        let bytes = mutate(base.files[names[file]].clone(), &edits);
        check_no_panic(&base.with(names[file], bytes), true);
    }
}

/// The same file with LF, CRLF (Excel's default) and CR-only line ends: every error names the
/// line an editor shows, and so does every finding that cites a line.
#[test]
fn line_numbers_are_right_for_lf_crlf_and_cr() {
    let hospitals = "hospital_id,name,lat,lon,city,province\n\
                     H1,\"First\nHospital\",31.3,121.4,上海市,上海市\n\
                     H2,Second,abc,116.3,北京市,北京市\n\
                     H3,Third,31.0,bad,上海市,上海市\n";
    for (ends, sep) in [("LF", "\n"), ("CRLF", "\r\n"), ("CR", "\r")] {
        let text = hospitals.replace('\n', sep);
        let src = planning().with("hospitals.csv", text);
        let errors = planning_errors(&src);
        let line_of = |col: &str| {
            errors
                .iter()
                .find(|p| p.column_name.as_deref() == Some(col))
                .and_then(|p| p.line)
        };
        assert_eq!(line_of("lat"), Some(4), "{ends}: {errors:?}");
        assert_eq!(line_of("lon"), Some(5), "{ends}: {errors:?}");
    }
    // Two overlapping equally specific terms on lines 3 and 4 of discounts.csv.
    let discounts = "contract_id,valid_from,valid_to,discount_rate,customer,category,part_no\n\
                     A,2025-01-01,2025-12-31,0.1000,*,*,*\n\
                     B,2025-01-01,2025-06-30,0.1000,*,tube,*\n\
                     C,2025-03-01,2025-09-30,0.1200,*,tube,*\n";
    for (ends, sep) in [("LF", "\n"), ("CRLF", "\r\n"), ("CR", "\r")] {
        let src = finance().with("discounts.csv", discounts.replace('\n', sep));
        let set = io::load_finance(&src).expect("valid").data;
        let rec = spareplan::recon::reconcile(&set, &spareplan::recon::ReconParams::default())
            .expect("reconciles");
        let f = rec
            .findings
            .iter()
            .find(|f| f.code == spareplan::recon::Code::OverlappingTerms && f.slip_no.is_empty())
            .expect("the overlap of the terms");
        assert!(
            f.detail.contains("discounts.csv lines 3 and 4"),
            "{ends}: {}",
            f.detail
        );
    }
}
