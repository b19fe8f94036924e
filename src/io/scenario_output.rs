//! The comparison table of the `scenarios` command.

use super::write::CsvBuf;
use crate::money::Fen;
use crate::scenario::compare::Outcome;

/// One compared row: the outcome, its baseline, the scenario file and data folder.
pub struct Row<'a> {
    pub outcome: &'a Outcome,
    pub baseline: &'a Outcome,
    pub file: String,
    pub data: String,
}

pub const HEADER: [&str; 18] = [
    "scenario",
    "question",
    "annual_holding_cost",
    "investment",
    "units",
    "system_on_time",
    "worst_hospital_on_time",
    "hospitals_out_of_reach",
    "extension_days_per_year",
    "meets_targets",
    "change_holding_cost",
    "change_investment",
    "change_system_on_time",
    "change_worst_hospital_on_time",
    "change_hospitals_out_of_reach",
    "change_extension_days_per_year",
    "file",
    "data",
];

fn signed(f: Fen) -> String {
    if f.0 > 0 {
        format!("+{f}")
    } else {
        f.to_string()
    }
}

/// `scenarios.csv`: baselines and scenarios with their change from the baseline.
pub fn scenarios_csv(rows: &[Row<'_>]) -> Vec<u8> {
    let mut t = CsvBuf::new(&HEADER);
    for r in rows {
        let (o, b) = (r.outcome, r.baseline);
        t.row([
            o.name.clone(),
            o.question.clone(),
            o.annual_holding_cost.to_string(),
            o.investment.to_string(),
            o.units.to_string(),
            format!("{:.6}", o.system_on_time),
            format!("{:.6}", o.worst_hospital_on_time),
            o.hospitals_out_of_reach.to_string(),
            format!("{:.1}", o.extension_days_per_year),
            o.meets_targets.to_string(),
            signed(o.annual_holding_cost - b.annual_holding_cost),
            signed(o.investment - b.investment),
            format!("{:+.6}", o.system_on_time - b.system_on_time),
            format!(
                "{:+.6}",
                o.worst_hospital_on_time - b.worst_hospital_on_time
            ),
            format!(
                "{:+}",
                o.hospitals_out_of_reach as i64 - b.hospitals_out_of_reach as i64
            ),
            format!(
                "{:+.1}",
                o.extension_days_per_year - b.extension_days_per_year
            ),
            r.file.clone(),
            r.data.clone(),
        ]);
    }
    t.into_bytes()
}
