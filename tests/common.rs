//! A small valid planning and finance data set, held in memory, for tests to break.

use spareplan::io::{self, MemorySource, Problem, Severity};

pub const DEPOTS: &str = "\
depot_id,name,lat,lon,tier,handling_hours,resupply_days,city,province,parent_id,holding_rate
DC,Central,31.2,121.5,central,4,21,上海市,上海市,,0.25
R1,North,39.9,116.4,regional,2,3,北京市,北京市,DC,0.25
";
pub const HUBS: &str = "\
hub_id,name,lat,lon,kind
C1,Hub one,35.0,118.0,city
";
pub const HOSPITALS: &str = "\
hospital_id,name,lat,lon,city,province
H1,First,31.3,121.4,上海市,上海市
H2,Second,39.8,116.3,北京市,北京市
";
pub const LANES: &str = "\
from_id,to_id,mode,hours,cost,distance_km
DC,H1,courier,2,80.00,20
R1,H2,road,3,120.00,50
DC,C1,road,10,500.00,600
C1,H2,road,8,400.00,500
";
pub const PARTS: &str = "\
part_no,description,unit_cost,category,repair_hours,deadline_hours
P1,X-ray tube,980000.00,tube,10,72
P2,Fuse,12.50,power,1,4
";
pub const UNITS: &str = "\
serial,hospital_id,model,accepted_on,warranty_months,uptime_target
S1,H1,uCT 760,2025-03-01,12,0.95
S2,H2,uCT 510,2025-06-15,12,0.97
";
pub const USAGE: &str = "\
model,part_no,failures_per_unit_year,pm_qty_per_visit
uCT 760,P1,0.25,0
uCT 510,P2,0.1,0.5
";
pub const STOCK: &str = "\
depot_id,part_no,on_hand,on_order
DC,P1,2,0
R1,P2,5,1
";
pub const ENGINEERS: &str = "\
base_id,engineers
R1,3
C1,2
";
pub const FAULTS: &str = "\
date,serial,part_no,qty,severity
2025-07-01,S1,P1,1,critical
";
pub const DOWNTIME: &str = "\
serial,down_start,down_end,reason
S1,2025-07-01 09:00,2025-07-02 15:30,tube
";

pub const SLIPS: &str = "\
slip_no,line_no,slip_date,part_no,qty,list_price,condition,ship_to,category,serials
CK1,1,2026-03-02,P1,1,1000.00,new,H1,tube,S1
CK1,2,2026-03-02,P2,2,10.00,refurbished,H1,power,
";
pub const INVOICES: &str = "\
invoice_no,line_no,invoice_date,slip_no,part_no,qty,unit_price,amount,tax_rate,tax_amount,kind,original_invoice_no,serials
FP1,1,2026-03-05,CK1,P1,1,900.00,900.00,0.13,117.00,blue,,S1
FP1R,1,2026-03-09,CK1,P1,-1,900.00,-900.00,0.13,-117.00,red,FP1,S1
";
pub const DISCOUNTS: &str = "\
contract_id,valid_from,valid_to,discount_rate,customer,category,part_no
HT1,2026-01-01,2026-12-31,0.1000,*,*,*
";
pub const CONSENTS: &str = "\
hospital_id,granted_on,slip_no,part_no,reference
H1,2026-01-10,,,TY-1
";

/// The valid planning data set.
pub fn planning() -> MemorySource {
    MemorySource::new()
        .with("depots.csv", DEPOTS)
        .with("hubs.csv", HUBS)
        .with("hospitals.csv", HOSPITALS)
        .with("lanes.csv", LANES)
        .with("parts.csv", PARTS)
        .with("installed_base.csv", UNITS)
        .with("part_usage.csv", USAGE)
        .with("stock.csv", STOCK)
        .with("engineers.csv", ENGINEERS)
        .with("fault_history.csv", FAULTS)
        .with("downtime.csv", DOWNTIME)
}

/// The valid finance data set.
pub fn finance() -> MemorySource {
    MemorySource::new()
        .with("slips.csv", SLIPS)
        .with("invoices.csv", INVOICES)
        .with("discounts.csv", DISCOUNTS)
        .with("consents.csv", CONSENTS)
}

/// Errors of loading `src` as a planning set (empty when it loads).
pub fn planning_errors(src: &MemorySource) -> Vec<Problem> {
    match io::load_planning(src) {
        Ok(_) => Vec::new(),
        Err(err) => errors_of(err.problems()),
    }
}

/// Errors of loading `src` as a finance set (empty when it loads).
pub fn finance_errors(src: &MemorySource) -> Vec<Problem> {
    match io::load_finance(src) {
        Ok(_) => Vec::new(),
        Err(err) => errors_of(err.problems()),
    }
}

fn errors_of(problems: &[Problem]) -> Vec<Problem> {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .cloned()
        .collect()
}

/// Replaces line `line` (1-based, as an editor counts) of `text` with `with`.
pub fn replace_line(text: &str, line: usize, with: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines[line - 1] = with;
    lines.join("\n") + "\n"
}

/// Appends a line.
pub fn append(text: &str, line: &str) -> String {
    format!("{text}{line}\n")
}

/// Copies the files of the bundled data set (not its finance folder) to `to`.
pub fn copy_china(to: &std::path::Path) {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china");
    std::fs::create_dir_all(to).expect("dir");
    for e in std::fs::read_dir(from).expect("data/china").flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

/// The books of a reconciliation balance to the fen: nothing unexplained, shipped = matched +
/// shipped not invoiced, invoiced = matched + invoiced not shipped + net difference.
pub fn assert_balanced(rec: &spareplan::recon::Reconciliation) {
    let t = &rec.totals;
    assert_eq!(t.unexplained, spareplan::money::Fen::ZERO, "{t:#?}");
    assert_eq!(
        t.shipped_value,
        t.matched_value + t.shipped_not_invoiced_value
    );
    assert_eq!(
        t.invoiced_value,
        t.matched_value + t.invoiced_not_shipped_value + t.net_difference
    );
}

/// The output of `cmd`, failing the test with its stdout and stderr unless it succeeded.
pub fn succeeded(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
