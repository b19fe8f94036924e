//! Broken data sets, one per validation rule: each must give the expected error at the expected
//! line and column, naming the offending value.

use crate::common::*;

struct Case {
    name: &'static str,
    finance: bool,
    file: &'static str,
    content: String,
    /// Expected: file, line, column name, value, words in the message.
    line: Option<u64>,
    column: Option<&'static str>,
    value: Option<&'static str>,
    message: &'static str,
}

fn case(
    name: &'static str,
    file: &'static str,
    content: String,
    line: Option<u64>,
    column: Option<&'static str>,
    value: Option<&'static str>,
    message: &'static str,
) -> Case {
    Case {
        name,
        finance: false,
        file,
        content,
        line,
        column,
        value,
        message,
    }
}

fn fin(mut c: Case) -> Case {
    c.finance = true;
    c
}

fn cases() -> Vec<Case> {
    vec![
        case(
            "missing required column",
            "depots.csv",
            DEPOTS.replace(",tier,", ",level,"),
            Some(1),
            Some("tier"),
            None,
            "required column is missing",
        ),
        case(
            "missing required file",
            "hospitals.csv",
            String::new(), // removed below
            None,
            None,
            None,
            "file is missing",
        ),
        case(
            "empty file",
            "parts.csv",
            String::new(),
            Some(1),
            None,
            None,
            "file is empty",
        ),
        case(
            "lane to an unknown node",
            "lanes.csv",
            replace_line(LANES, 3, "R1,H9,road,3,120.00,50"),
            Some(3),
            Some("to_id"),
            Some("H9"),
            "no depot, hospital or hub has this id",
        ),
        case(
            "lane from an unknown node",
            "lanes.csv",
            append(LANES, "X7,H1,road,3,,"),
            Some(6),
            Some("from_id"),
            Some("X7"),
            "no depot, hospital or hub has this id",
        ),
        case(
            "part usage of an unknown part",
            "part_usage.csv",
            replace_line(USAGE, 2, "uCT 760,P9,0.25,0"),
            Some(2),
            Some("part_no"),
            Some("P9"),
            "unknown part",
        ),
        case(
            "fault of an unknown serial",
            "fault_history.csv",
            append(FAULTS, "2025-08-01,S99,P1,1,minor"),
            Some(3),
            Some("serial"),
            Some("S99"),
            "unknown serial",
        ),
        case(
            "fault of an unknown part",
            "fault_history.csv",
            append(FAULTS, "2025-08-01,S1,P7,1,minor"),
            Some(3),
            Some("part_no"),
            Some("P7"),
            "unknown part",
        ),
        case(
            "unit at an unknown hospital",
            "installed_base.csv",
            replace_line(UNITS, 3, "S2,H8,uCT 510,2025-06-15,12,0.97"),
            Some(3),
            Some("hospital_id"),
            Some("H8"),
            "unknown hospital",
        ),
        case(
            "stock at an unknown depot",
            "stock.csv",
            append(STOCK, "R9,P1,1,0"),
            Some(4),
            Some("depot_id"),
            Some("R9"),
            "unknown depot",
        ),
        case(
            "engineers based at a hospital",
            "engineers.csv",
            append(ENGINEERS, "H1,4"),
            Some(4),
            Some("base_id"),
            Some("H1"),
            "must be a depot or a hub",
        ),
        case(
            "duplicate depot id",
            "depots.csv",
            append(DEPOTS, "R1,Again,30.0,114.3,regional,2,3,,,DC,0.25"),
            Some(4),
            Some("depot_id"),
            Some("R1"),
            "duplicate id",
        ),
        case(
            "id shared by a hub and a hospital",
            "hospitals.csv",
            append(HOSPITALS, "C1,Clash,30.0,114.3,,"),
            Some(4),
            Some("hospital_id"),
            Some("C1"),
            "hubs.csv line 2 already uses it",
        ),
        case(
            "duplicate lane",
            "lanes.csv",
            append(LANES, "DC,H1,courier,3,90.00,20"),
            Some(6),
            Some("to_id"),
            Some("H1"),
            "duplicate lane",
        ),
        case(
            "duplicate part",
            "parts.csv",
            append(PARTS, "P1,Another tube,1.00,tube,1,72"),
            Some(4),
            Some("part_no"),
            Some("P1"),
            "duplicate part_no",
        ),
        case(
            "duplicate serial",
            "installed_base.csv",
            append(UNITS, "S1,H2,uCT 510,2025-06-15,12,0.95"),
            Some(4),
            Some("serial"),
            Some("S1"),
            "duplicate serial",
        ),
        case(
            "duplicate usage row",
            "part_usage.csv",
            append(USAGE, "uCT 760,P1,0.3,0"),
            Some(4),
            Some("part_no"),
            Some("P1"),
            "duplicate (model, part_no)",
        ),
        case(
            "duplicate stock row",
            "stock.csv",
            append(STOCK, "DC,P1,3,0"),
            Some(4),
            Some("part_no"),
            Some("P1"),
            "duplicate (depot_id, part_no)",
        ),
        case(
            "negative lane hours",
            "lanes.csv",
            replace_line(LANES, 2, "DC,H1,courier,-2,80.00,20"),
            Some(2),
            Some("hours"),
            Some("-2"),
            "negative",
        ),
        case(
            "non-finite handling hours",
            "depots.csv",
            replace_line(
                DEPOTS,
                3,
                "R1,North,39.9,116.4,regional,NaN,3,北京市,北京市,DC,0.25",
            ),
            Some(3),
            Some("handling_hours"),
            Some("NaN"),
            "not finite",
        ),
        case(
            "infinite failure rate",
            "part_usage.csv",
            replace_line(USAGE, 2, "uCT 760,P1,inf,0"),
            Some(2),
            Some("failures_per_unit_year"),
            Some("inf"),
            "not finite",
        ),
        case(
            "negative unit cost",
            "parts.csv",
            replace_line(PARTS, 3, "P2,Fuse,-12.50,power,1,4"),
            Some(3),
            Some("unit_cost"),
            Some("-12.50"),
            "negative",
        ),
        case(
            "money with three decimals",
            "parts.csv",
            replace_line(PARTS, 3, "P2,Fuse,12.505,power,1,4"),
            Some(3),
            Some("unit_cost"),
            Some("12.505"),
            "more than 2 decimals",
        ),
        case(
            "not a number",
            "lanes.csv",
            replace_line(LANES, 4, "DC,C1,road,ten,500.00,600"),
            Some(4),
            Some("hours"),
            Some("ten"),
            "not a number",
        ),
        case(
            "negative stock",
            "stock.csv",
            replace_line(STOCK, 2, "DC,P1,-1,0"),
            Some(2),
            Some("on_hand"),
            Some("-1"),
            "negative",
        ),
        case(
            "fractional stock",
            "stock.csv",
            replace_line(STOCK, 2, "DC,P1,2.5,0"),
            Some(2),
            Some("on_hand"),
            Some("2.5"),
            "not a whole number",
        ),
        case(
            "uptime target as a percentage",
            "installed_base.csv",
            replace_line(UNITS, 2, "S1,H1,uCT 760,2025-03-01,12,95"),
            Some(2),
            Some("uptime_target"),
            Some("95"),
            "between 0 and 1",
        ),
        case(
            "holding rate above one",
            "depots.csv",
            replace_line(
                DEPOTS,
                2,
                "DC,Central,31.2,121.5,central,4,21,上海市,上海市,,1.5",
            ),
            Some(2),
            Some("holding_rate"),
            Some("1.5"),
            "between 0 and 1",
        ),
        case(
            "latitude out of range",
            "hospitals.csv",
            replace_line(HOSPITALS, 3, "H2,Second,139.8,116.3,北京市,北京市"),
            Some(3),
            Some("lat"),
            Some("139.8"),
            "outside -90..90",
        ),
        case(
            "malformed acceptance date",
            "installed_base.csv",
            replace_line(UNITS, 3, "S2,H2,uCT 510,2025-13-01,12,0.97"),
            Some(3),
            Some("accepted_on"),
            Some("2025-13-01"),
            "not a valid date",
        ),
        case(
            "date in another format",
            "fault_history.csv",
            replace_line(FAULTS, 2, "01/07/2025,S1,P1,1,critical"),
            Some(2),
            Some("date"),
            Some("01/07/2025"),
            "not a valid date",
        ),
        case(
            "malformed date-time",
            "downtime.csv",
            replace_line(DOWNTIME, 2, "S1,2025-07-01 25:00,2025-07-02 15:30,tube"),
            Some(2),
            Some("down_start"),
            Some("2025-07-01 25:00"),
            "not a valid date-time",
        ),
        case(
            "reversed downtime period",
            "downtime.csv",
            replace_line(DOWNTIME, 2, "S1,2025-07-02 09:00,2025-07-01 15:30,tube"),
            Some(2),
            Some("down_end"),
            Some("2025-07-01 15:30"),
            "ends before it starts",
        ),
        case(
            "no central depot",
            "depots.csv",
            replace_line(
                DEPOTS,
                2,
                "DC,Central,31.2,121.5,regional,4,21,上海市,上海市,R1,0.25",
            ),
            Some(1),
            Some("tier"),
            None,
            "no depot is central",
        ),
        case(
            "two central depots",
            "depots.csv",
            replace_line(
                DEPOTS,
                3,
                "R1,North,39.9,116.4,central,2,3,北京市,北京市,,0.25",
            ),
            Some(3),
            Some("tier"),
            Some("central"),
            "a second central depot",
        ),
        case(
            "cycle in the depot tree",
            "depots.csv",
            append(
                &append(DEPOTS, "R2,West,30.6,104.0,regional,2,4,,,R3,0.25"),
                "R3,South,23.1,113.3,forward,2,1,,,R2,0.25",
            ),
            Some(4),
            Some("parent_id"),
            Some("R3"),
            "cycle",
        ),
        case(
            "regional depot without parent",
            "depots.csv",
            replace_line(
                DEPOTS,
                3,
                "R1,North,39.9,116.4,regional,2,3,北京市,北京市,,0.25",
            ),
            Some(3),
            Some("parent_id"),
            Some(""),
            "must name the depot it is replenished from",
        ),
        case(
            "unknown parent depot",
            "depots.csv",
            replace_line(
                DEPOTS,
                3,
                "R1,North,39.9,116.4,regional,2,3,北京市,北京市,DX,0.25",
            ),
            Some(3),
            Some("parent_id"),
            Some("DX"),
            "unknown parent",
        ),
        case(
            "unknown tier",
            "depots.csv",
            replace_line(
                DEPOTS,
                3,
                "R1,North,39.9,116.4,hub,2,3,北京市,北京市,DC,0.25",
            ),
            Some(3),
            Some("tier"),
            Some("hub"),
            "unknown tier",
        ),
        case(
            "hospital with no lane into it",
            "hospitals.csv",
            append(HOSPITALS, "H3,Third,30.6,114.3,武汉市,湖北省"),
            Some(4),
            Some("hospital_id"),
            Some("H3"),
            "no lane leads into this hospital",
        ),
        case(
            "unknown mode",
            "lanes.csv",
            replace_line(LANES, 5, "C1,H2,boat,8,400.00,500"),
            Some(5),
            Some("mode"),
            Some("boat"),
            "unknown mode",
        ),
        case(
            "lane from a node to itself",
            "lanes.csv",
            append(LANES, "C1,C1,road,1,,"),
            Some(6),
            Some("to_id"),
            Some("C1"),
            "starts and ends at the same node",
        ),
        case(
            "ragged row",
            "lanes.csv",
            replace_line(LANES, 3, "R1,H2,road,3,120.00,50,extra"),
            Some(3),
            None,
            None,
            "the row has 7 fields but the header has 6",
        ),
        case(
            "empty required value",
            "hospitals.csv",
            replace_line(HOSPITALS, 3, "H2,,39.8,116.3,北京市,北京市"),
            Some(3),
            Some("name"),
            Some(""),
            "a value is required",
        ),
        case(
            "zero deadline",
            "parts.csv",
            replace_line(PARTS, 3, "P2,Fuse,12.50,power,1,0"),
            Some(3),
            Some("deadline_hours"),
            Some("0"),
            "deadline of zero hours",
        ),
        fin(case(
            "slip quantity zero",
            "slips.csv",
            replace_line(SLIPS, 2, "CK1,1,2026-03-02,P1,0,1000.00,new,H1,tube,S1"),
            Some(2),
            Some("qty"),
            Some("0"),
            "outside 1..",
        )),
        fin(case(
            "duplicate slip line",
            "slips.csv",
            append(SLIPS, "CK1,2,2026-03-02,P2,1,10.00,new,H1,power,"),
            Some(4),
            Some("line_no"),
            Some("2"),
            "duplicate (slip_no, line_no)",
        )),
        fin(case(
            "unknown slip condition",
            "slips.csv",
            replace_line(SLIPS, 3, "CK1,2,2026-03-02,P2,2,10.00,used,H1,power,"),
            Some(3),
            Some("condition"),
            Some("used"),
            "unknown condition",
        )),
        fin(case(
            "red invoice with a positive quantity",
            "invoices.csv",
            replace_line(
                INVOICES,
                3,
                "FP1R,1,2026-03-09,CK1,P1,1,900.00,-900.00,0.13,-117.00,red,FP1,S1",
            ),
            Some(3),
            Some("qty"),
            Some("1"),
            "red (credit) invoice line carries a negative quantity",
        )),
        fin(case(
            "red invoice without its original",
            "invoices.csv",
            replace_line(
                INVOICES,
                3,
                "FP1R,1,2026-03-09,CK1,P1,-1,900.00,-900.00,0.13,-117.00,red,,S1",
            ),
            Some(3),
            Some("original_invoice_no"),
            Some(""),
            "must name the invoice it credits",
        )),
        fin(case(
            "discount rate above one",
            "discounts.csv",
            replace_line(DISCOUNTS, 2, "HT1,2026-01-01,2026-12-31,1.5,*,*,*"),
            Some(2),
            Some("discount_rate"),
            Some("1.5"),
            "between 0 and 1",
        )),
        fin(case(
            "discount term ending before it starts",
            "discounts.csv",
            replace_line(DISCOUNTS, 2, "HT1,2026-12-31,2026-01-01,0.1000,*,*,*"),
            Some(2),
            Some("valid_to"),
            Some("2026-01-01"),
            "ends before it starts",
        )),
        fin(case(
            "consent with a malformed date",
            "consents.csv",
            replace_line(CONSENTS, 2, "H1,2026-02-30,,,TY-1"),
            Some(2),
            Some("granted_on"),
            Some("2026-02-30"),
            "not a valid date",
        )),
    ]
}

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
