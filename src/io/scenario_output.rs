//! The comparison table of the `scenarios` command.

use super::contract;
use super::write::CsvBuf;
use crate::money::Fen;
use crate::scenario::compare::{Comparison, Outcome};

/// One compared row: the outcome, its baseline, the scenario file and data folder.
pub struct Row<'a> {
    pub outcome: &'a Outcome,
    pub baseline: &'a Outcome,
    pub file: String,
    pub data: String,
}

fn signed(f: Fen) -> String {
    if f.0 > 0 {
        format!("+{f}")
    } else {
        f.to_string()
    }
}

/// The rows of a comparison: the baselines first, then the scenarios in the order given.
pub fn rows(c: &Comparison) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = c
        .baselines
        .iter()
        .map(|(data, b)| Row {
            outcome: b,
            baseline: b,
            file: String::new(),
            data: data.clone(),
        })
        .collect();
    for (file, b, o) in &c.scenarios {
        let (data, baseline) = &c.baselines[*b];
        rows.push(Row {
            outcome: o,
            baseline,
            file: file.clone(),
            data: data.clone(),
        });
    }
    rows
}

/// `summary.json`: one entry per row, money as decimal strings in yuan.
pub fn summary_json(rows: &[Row<'_>]) -> String {
    let summary: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let o = r.outcome;
            serde_json::json!({
                "scenario": o.name,
                "question": o.question,
                "annual_holding_cost": o.annual_holding_cost.to_string(),
                "investment": o.investment.to_string(),
                "system_on_time": (o.system_on_time * 1e6).round() / 1e6,
                "worst_hospital_on_time": (o.worst_hospital_on_time * 1e6).round() / 1e6,
                "hospitals_out_of_reach": o.hospitals_out_of_reach,
                "extension_days_per_year": (o.extension_days_per_year * 10.0).round() / 10.0,
                "extension_cost_per_year": o.extension_cost_per_year.to_string(),
                "simulated_extension_days_per_year": (o.simulated_extension_days_per_year * 10.0).round() / 10.0,
                "annual_fixed_cost": o.annual_fixed_cost.to_string(),
                "total_annual_cost": o.total_annual_cost().to_string(),
                "meets_targets": o.meets_targets,
                "change_holding_cost": (o.annual_holding_cost - r.baseline.annual_holding_cost).to_string(),
                "file": r.file,
            })
        })
        .collect();
    super::output::json_text(&summary)
}

/// `scenarios.csv`: baselines and scenarios with their change from the baseline.
pub fn scenarios_csv(rows: &[Row<'_>]) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::SCENARIOS_OUT);
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
            o.extension_cost_per_year.to_string(),
            signed(o.extension_cost_per_year - b.extension_cost_per_year),
            o.annual_fixed_cost.to_string(),
        ]);
    }
    t.into_bytes()
}
