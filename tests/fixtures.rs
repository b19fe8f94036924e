//! Broken data sets, one per validation rule: each must give the expected error at the expected
//! line and column, naming the offending value.

use crate::common::*;
use crate::fixture_cases::cases;

#[test]
fn the_valid_fixtures_load() {
    assert_eq!(planning_errors(&planning()), vec![]);
    assert_eq!(finance_errors(&finance()), vec![]);
}

#[test]
fn every_broken_fixture_gives_its_error_at_its_place() {
    let cases = cases();
    assert!(cases.len() >= 25);
    let mut failures = Vec::new();
    for c in &cases {
        let base = if c.finance { finance() } else { planning() };
        let src = if c.name == "missing required file" {
            base.without(c.file)
        } else {
            base.with(c.file, c.content.clone())
        };
        let errors = if c.finance {
            finance_errors(&src)
        } else {
            planning_errors(&src)
        };
        let found = errors.iter().any(|p| {
            p.file == c.file
                && p.line == c.line
                && p.column_name.as_deref() == c.column
                && (c.value.is_none() || p.value.as_deref() == c.value)
                && p.message.contains(c.message)
        });
        if !found {
            failures.push(format!(
                "{}: expected {} line {:?} column {:?} value {:?} `{}`; got:\n  {}",
                c.name,
                c.file,
                c.line,
                c.column,
                c.value,
                c.message,
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_problem_names_a_column_position_when_the_column_exists() {
    let src = planning().with(
        "lanes.csv",
        replace_line(LANES, 3, "R1,H9,road,3,120.00,50"),
    );
    let errors = planning_errors(&src);
    let p = errors
        .iter()
        .find(|p| p.value.as_deref() == Some("H9"))
        .expect("the unknown node is reported");
    assert_eq!(p.column, Some(2));
    let text = p.to_string();
    assert!(
        text.contains("lanes.csv line 3, column 2 (to_id), value \"H9\""),
        "{text}"
    );
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let src = planning()
        .with(
            "lanes.csv",
            replace_line(LANES, 3, "R1,H9,road,-3,120.00,50"),
        )
        .with("parts.csv", replace_line(PARTS, 3, "P2,Fuse,abc,power,1,4"))
        .with(
            "installed_base.csv",
            replace_line(UNITS, 2, "S1,H1,uCT 760,2025-02-30,12,0.95"),
        );
    let errors = planning_errors(&src);
    let files: std::collections::BTreeSet<&str> = errors.iter().map(|p| p.file.as_str()).collect();
    assert!(errors.len() >= 4, "{errors:#?}");
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        vec!["installed_base.csv", "lanes.csv", "parts.csv"]
    );
}

#[test]
fn unknown_columns_are_one_warning_and_otherwise_ignored() {
    let src = planning().with(
        "hospitals.csv",
        HOSPITALS
            .replace("province\n", "province,beds,notes\n")
            .replace("上海市\n", "上海市,1200,x\n")
            .replace("北京市\nH", "北京市,800,y\nH")
            .replace("北京市,北京市\n", "北京市,北京市,800,y\n"),
    );
    let loaded = spareplan::io::load_planning(&src).expect("extra columns are not errors");
    let warnings: Vec<_> = loaded
        .warnings
        .iter()
        .filter(|w| w.file == "hospitals.csv")
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].message.contains("\"beds\", \"notes\""));
    assert_eq!(loaded.data.hospitals.len(), 2);
}

#[test]
fn defaults_apply_to_optional_columns() {
    let src = planning()
        .with(
            "parts.csv",
            "part_no,description,unit_cost\nP1,X-ray tube,980000\nP2,Fuse,12.5\n",
        )
        .with(
            "installed_base.csv",
            "serial,hospital_id,model,accepted_on\nS1,H1,uCT 760,2025-03-01\nS2,H2,uCT 510,2025-06-15\n",
        )
        .with(
            "depots.csv",
            "depot_id,name,lat,lon,tier,handling_hours,resupply_days,parent_id\nDC,C,31.2,121.5,central,4,21,\nR1,N,39.9,116.4,regional,2,3,DC\n",
        );
    let ds = spareplan::io::load_planning(&src).expect("valid").data;
    assert_eq!(ds.parts[0].deadline_hours, 72.0);
    assert_eq!(ds.parts[0].repair_hours, 4.0);
    assert_eq!(ds.parts[1].unit_cost, spareplan::money::Fen(1250));
    assert_eq!(ds.units[0].warranty_months, 12);
    assert_eq!(ds.units[0].uptime_target, 0.95);
    assert_eq!(ds.depots[1].holding_rate, 0.25);
    assert_eq!(ds.depots[1].parent, Some(spareplan::model::DepotId(0)));
}
