//! The tables and summary of the `plan` command (the data contract's columns first).

use serde_json::value::RawValue;

use super::write::CsvBuf;
use crate::model::{Dataset, HospitalId};
use crate::money::Fen;
use crate::stock::plan::PlanResult;

/// A probability with six decimals.
fn prob(p: f64) -> String {
    format!("{p:.6}")
}

/// `stock_plan.csv`: one row per depot and part with demand.
pub fn stock_plan_csv(ds: &Dataset, r: &PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::new(&[
        "depot_id",
        "part_no",
        "base_stock",
        "fill_rate",
        "investment",
        "annual_holding_cost",
        "filled_per_year",
        "replenishments_per_year",
    ]);
    for d in ds.depot_ids() {
        for (p, part) in r.input.parts.iter().enumerate() {
            let s = r.plan.stock[p][d.index()];
            let dp = &r.checked.depots[p][d.index()];
            let m = r.money[p][d.index()];
            t.row([
                ds.depot(d).code.clone(),
                ds.part(part.part).part_no.clone(),
                s.to_string(),
                prob(dp.fill_rate),
                m.investment.to_string(),
                m.holding.to_string(),
                format!("{:.4}", dp.filled),
                format!("{:.4}", dp.flow),
            ]);
        }
    }
    t.into_bytes()
}

/// `service.csv`: one row per hospital.
pub fn service_csv(ds: &Dataset, r: &PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::new(&[
        "hospital_id",
        "demand_per_year",
        "on_time_probability",
        "target",
        "meets_target",
        "reachable_demand_per_year",
        "requirement",
        "name",
        "province",
    ]);
    for h in ds.hospital_ids() {
        let s = &r.checked.hospitals[h.index()];
        let q = &r.requirements[h.index()];
        let hospital = ds.hospital(h);
        t.row([
            hospital.code.clone(),
            format!("{:.6}", s.demand),
            prob(s.on_time),
            q.target.to_string(),
            (s.on_time >= q.target).to_string(),
            format!("{:.6}", q.reachable),
            if q.reachable_only {
                "99.9 % of reachable parts".to_owned()
            } else {
                "all parts".to_owned()
            },
            hospital.name.clone(),
            hospital.province.clone().unwrap_or_default(),
        ]);
    }
    t.into_bytes()
}

/// `stock_reasons.csv`: why each depot holds what it holds.
pub fn reasons_csv(ds: &Dataset, r: &PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::new(&[
        "depot_id",
        "part_no",
        "base_stock",
        "hospitals_within_deadline",
        "first_choice_hospitals",
        "first_choice_demand_per_year",
        "filled_per_year",
        "filled_for_other_depots_per_year",
        "largest_first_choice_hospitals",
    ]);
    let input = &r.input;
    for d in ds.depot_ids() {
        for (p, part) in input.parts.iter().enumerate() {
            let s = r.plan.stock[p][d.index()];
            if s == 0 {
                continue;
            }
            let g = &input.groups[part.group];
            let mut within = 0usize;
            let mut first: Vec<(f64, usize)> = Vec::new();
            for (k, class) in g.classes.iter().enumerate() {
                if !class.candidates.contains(&d.index()) {
                    continue;
                }
                for &h in &g.members[k] {
                    let rate = input.rate(h as usize, p);
                    if rate <= 0.0 {
                        continue;
                    }
                    within += 1;
                    if class.candidates[0] == d.index() {
                        first.push((rate, h as usize));
                    }
                }
            }
            let first_demand: f64 = first.iter().map(|f| f.0).sum();
            let dp = &r.checked.depots[p][d.index()];
            let first_filled = first_demand * dp.fill_rate;
            first.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let names: Vec<String> = first
                .iter()
                .take(3)
                .map(|&(rate, h)| {
                    let hospital = ds.hospital(HospitalId::from_index(h));
                    format!("{} {} ({rate:.3}/y)", hospital.code, hospital.name)
                })
                .collect();
            t.row([
                ds.depot(d).code.clone(),
                ds.part(part.part).part_no.clone(),
                s.to_string(),
                within.to_string(),
                first.len().to_string(),
                format!("{first_demand:.4}"),
                format!("{:.4}", dp.filled),
                format!("{:.4}", (dp.filled - first_filled).max(0.0)),
                names.join("; "),
            ]);
        }
    }
    t.into_bytes()
}

/// `out_of_reach.csv`: hospitals no depot serves within a deadline.
pub fn out_of_reach_csv(ds: &Dataset, r: &PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::new(&[
        "hospital_id",
        "name",
        "province",
        "deadline_hours",
        "parts",
        "demand_per_year",
        "fastest_depot",
        "fastest_hours",
        "hours_over",
    ]);
    for (g, list) in r.out_of_reach.iter().enumerate() {
        let deadline = r.input.groups[g].deadline_hours;
        let parts: Vec<usize> = (0..r.input.parts.len())
            .filter(|&p| r.input.parts[p].group == g)
            .collect();
        for o in list {
            let h = o.hospital.index();
            let rates: Vec<f64> = parts.iter().map(|&p| r.input.rate(h, p)).collect();
            let hospital = ds.hospital(o.hospital);
            let (depot, hours, over) = match o.best {
                Some((d, hours)) => (
                    ds.depot(d).code.clone(),
                    format!("{hours:.2}"),
                    format!("{:.2}", hours - deadline),
                ),
                None => (String::new(), String::new(), String::new()),
            };
            t.row([
                hospital.code.clone(),
                hospital.name.clone(),
                hospital.province.clone().unwrap_or_default(),
                deadline.to_string(),
                rates.iter().filter(|&&x| x > 0.0).count().to_string(),
                format!("{:.6}", rates.iter().sum::<f64>()),
                depot,
                hours,
                over,
            ]);
        }
    }
    t.into_bytes()
}

/// `curve.csv`: the cost-versus-target curve.
pub fn curve_csv(r: &PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::new(&[
        "target",
        "annual_holding_cost",
        "investment",
        "units",
        "system_on_time",
    ]);
    for c in &r.curve {
        t.row([
            c.target.to_string(),
            c.annual_holding_cost.to_string(),
            c.investment.to_string(),
            c.units.to_string(),
            prob(c.system_on_time),
        ]);
    }
    t.into_bytes()
}

/// A yuan amount as an exact decimal JSON number. The summary is serialised from the structs
/// below straight to text: a `serde_json::Value` would hold the number as a binary float.
fn money_json(f: Fen) -> Box<RawValue> {
    RawValue::from_string(f.to_string()).expect("a decimal is a JSON number")
}

/// A probability rounded to six decimals.
fn prob6(p: f64) -> f64 {
    (p * 1e6).round() / 1e6
}

#[derive(serde::Serialize)]
struct DepotStock<'a> {
    depot_id: &'a str,
    units: u32,
    investment: Box<RawValue>,
    annual_holding_cost: Box<RawValue>,
}

#[derive(serde::Serialize)]
struct CurveRow {
    target: f64,
    annual_holding_cost: Box<RawValue>,
    investment: Box<RawValue>,
    units: u32,
    system_on_time: f64,
}

#[derive(serde::Serialize)]
struct Summary<'a> {
    total_investment: Box<RawValue>,
    annual_holding_cost: Box<RawValue>,
    system_on_time: f64,
    min_hospital_on_time: f64,
    lower_bound: Option<Box<RawValue>>,
    gap: Option<f64>,
    bound_method: Option<&'static str>,
    bound_rounds: Option<usize>,
    bound_master_value: Option<f64>,
    units: u32,
    hospitals: usize,
    hospitals_meeting_target: usize,
    hospitals_below_target: Vec<&'a str>,
    hospital_deadline_pairs_out_of_reach: usize,
    stock_by_depot: Vec<DepotStock<'a>>,
    cost_versus_target: Vec<CurveRow>,
}

/// `summary.json`: money as exact decimal numbers in yuan.
pub fn summary_json(ds: &Dataset, r: &PlanResult) -> String {
    let stock_by_depot = ds
        .depot_ids()
        .map(|d| DepotStock {
            depot_id: &ds.depot(d).code,
            units: r.plan.stock.iter().map(|s| s[d.index()]).sum(),
            investment: money_json(r.money.iter().map(|m| m[d.index()].investment).sum()),
            annual_holding_cost: money_json(r.money.iter().map(|m| m[d.index()].holding).sum()),
        })
        .collect();
    let cost_versus_target = r
        .curve
        .iter()
        .map(|c| CurveRow {
            target: c.target,
            annual_holding_cost: money_json(c.annual_holding_cost),
            investment: money_json(c.investment),
            units: c.units,
            system_on_time: prob6(c.system_on_time),
        })
        .collect();
    let below: Vec<&str> = ds
        .hospital_ids()
        .filter(|h| {
            let s = &r.checked.hospitals[h.index()];
            s.demand > 0.0 && s.on_time < r.requirements[h.index()].target
        })
        .map(|h| ds.hospital(h).code.as_str())
        .collect();
    let summary = Summary {
        total_investment: money_json(r.investment),
        annual_holding_cost: money_json(r.annual_holding_cost),
        system_on_time: prob6(r.checked.system_on_time()),
        min_hospital_on_time: prob6(r.min_hospital_on_time()),
        lower_bound: r.lower_bound().map(money_json),
        gap: r.gap().map(prob6),
        bound_method: r.bound.as_ref().map(|b| b.method.name()),
        bound_rounds: r.bound.as_ref().map(|b| b.rounds),
        bound_master_value: r.bound.as_ref().map(|b| b.master_value),
        units: r.plan.units(),
        hospitals: ds.hospitals.len(),
        hospitals_meeting_target: ds.hospitals.len() - below.len(),
        hospitals_below_target: below,
        hospital_deadline_pairs_out_of_reach: r.out_of_reach.iter().map(Vec::len).sum(),
        stock_by_depot,
        cost_versus_target,
    };
    serde_json::to_string_pretty(&summary).expect("JSON of plain values") + "\n"
}
