//! The tables and summary of the `plan` command (the data contract's columns first).

use super::contract;
use super::write::CsvBuf;
use crate::model::Dataset;
use crate::money::Fen;
use crate::sim::verified::Verified;
use crate::sim::Verification;
use crate::stock::{PlanResult, TierFigures};

/// Every table of the plan, by file name, in the order they are written (`summary.json` is
/// [`summary_json`]).
pub fn files(
    ds: &Dataset,
    r: &PlanResult,
    v: Option<&Verification>,
) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (contract::STOCK_PLAN_OUT.name, stock_plan_csv(ds, r)),
        (contract::SERVICE_OUT.name, service_csv(ds, r, v)),
        (contract::STOCK_REASONS_OUT.name, reasons_csv(ds, r)),
        (contract::OUT_OF_REACH_OUT.name, out_of_reach_csv(ds, r)),
        (contract::CURVE_OUT.name, curve_csv(r)),
    ]
    .into_iter()
    .chain(std::iter::once((
        contract::PLAN_UPTIME_OUT.name,
        uptime_csv(ds, r, v),
    )))
    .collect()
}

/// A probability with six decimals.
fn prob(p: f64) -> String {
    format!("{p:.6}")
}

/// `stock_plan.csv`: one row per depot and part with demand.
pub fn stock_plan_csv(ds: &Dataset, r: &PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::STOCK_PLAN_OUT);
    for d in ds.depot_ids() {
        for p in r.parts() {
            let Some(line) = r.line(d, p) else { continue };
            t.row([
                ds.depot(d).code.clone(),
                ds.part(p).part_no.clone(),
                line.base_stock.to_string(),
                prob(line.fill_rate),
                line.money.investment.to_string(),
                line.money.holding.to_string(),
                format!("{:.4}", line.filled),
                format!("{:.4}", line.flow),
            ]);
        }
    }
    t.into_bytes()
}

/// `service.csv`: one row per hospital and deadline tier with demand, in hospital order and
/// increasing deadline. With a verification, the simulated on-time and its interval beside the
/// analytic one.
pub fn service_csv(ds: &Dataset, r: &PlanResult, v: Option<&Verification>) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::SERVICE_OUT);
    let tiers = r.tiers();
    let f = |x: Option<f64>| x.map_or(String::new(), prob);
    for h in ds.hospital_ids() {
        let hospital = ds.hospital(h);
        let fastest = r.fastest(h);
        for &(g, _) in tiers {
            let q = r.tier(h, g);
            if q.demand <= 0.0 {
                continue;
            }
            let i = r.tier_index(h, g);
            let sim = v.and_then(|v| v.tiers.get(i).copied().flatten());
            t.row([
                hospital.code.clone(),
                q.deadline_hours.to_string(),
                format!("{:.6}", q.demand),
                prob(q.on_time),
                f(sim.map(|e| e.mean)),
                f(sim.map(|e| e.low)),
                f(sim.map(|e| e.high)),
                q.target.to_string(),
                q.reachable.to_string(),
                q.meets_target().map_or(String::new(), |m| m.to_string()),
                hospital.name.clone(),
                hospital.province.clone().unwrap_or_default(),
                fastest.map_or(String::new(), |(_, hours)| format!("{hours:.2}")),
                fastest.map_or(String::new(), |(d, _)| ds.depot(d).code.clone()),
                v.and_then(|v| v.tier_requests_per_year.get(i))
                    .map_or(String::new(), |x| format!("{x:.4}")),
                r.verified_requirement(i)
                    .map_or(String::new(), |x| format!("{x:.6}")),
            ]);
        }
    }
    t.into_bytes()
}

/// `uptime.csv`: each scanner's share of the planned year in warranty and its expected days
/// short, extension days and their cost in the plan's model; its depot region and uptime target;
/// with a verification, the extension days the simulation measured.
pub fn uptime_csv(ds: &Dataset, r: &PlanResult, v: Option<&Verification>) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::PLAN_UPTIME_OUT);
    let e = &r.extension;
    for (i, u) in ds.units.iter().enumerate() {
        let region = r.region(u.hospital).map(|d| ds.depot(d).code.clone());
        t.row([
            u.serial.clone(),
            ds.hospital(u.hospital).code.clone(),
            format!("{:.6}", e.in_warranty[i]),
            format!("{:.4}", e.unit_days_short(i)),
            format!("{:.4}", e.unit_extension_days(i)),
            e.unit_extension_cost(i)
                .map(|c| c.to_string())
                .unwrap_or_default(),
            region.unwrap_or_default(),
            u.uptime_target.to_string(),
            v.map(|v| format!("{:.4}", v.extension.unit_extension_days(i)))
                .unwrap_or_default(),
        ]);
    }
    t.into_bytes()
}

/// `stock_reasons.csv`: why each depot holds what it holds.
pub fn reasons_csv(ds: &Dataset, r: &PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::STOCK_REASONS_OUT);
    for d in ds.depot_ids() {
        for p in r.parts() {
            let (Some(line), Some(why)) = (r.line(d, p), r.reason(d, p)) else {
                continue;
            };
            let names: Vec<String> = why
                .largest_first_choice
                .iter()
                .map(|&(h, rate)| {
                    let hospital = ds.hospital(h);
                    format!("{} {} ({rate:.3}/y)", hospital.code, hospital.name)
                })
                .collect();
            t.row([
                ds.depot(d).code.clone(),
                ds.part(p).part_no.clone(),
                line.base_stock.to_string(),
                why.hospitals_within_deadline.to_string(),
                why.first_choice_hospitals.to_string(),
                format!("{:.4}", why.first_choice_demand),
                format!("{:.4}", why.filled),
                format!("{:.4}", why.filled_for_other_depots),
                names.join("; "),
            ]);
        }
    }
    t.into_bytes()
}

/// `out_of_reach.csv`: hospitals no depot serves within a deadline.
pub fn out_of_reach_csv(ds: &Dataset, r: &PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::OUT_OF_REACH_OUT);
    for o in r.out_of_reach() {
        let hospital = ds.hospital(o.hospital);
        let (depot, hours, over) = match o.best {
            Some((d, hours)) => (
                ds.depot(d).code.clone(),
                format!("{hours:.2}"),
                format!("{:.2}", hours - o.deadline_hours),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        t.row([
            hospital.code.clone(),
            hospital.name.clone(),
            hospital.province.clone().unwrap_or_default(),
            o.deadline_hours.to_string(),
            o.parts.to_string(),
            format!("{:.6}", o.demand),
            depot,
            hours,
            over,
        ]);
    }
    t.into_bytes()
}

/// `curve.csv`: the cost-versus-target curve.
pub fn curve_csv(r: &PlanResult) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::CURVE_OUT);
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

/// A yuan amount as JSON: a decimal string, as in every command's summary (a JSON number would
/// be read back as a binary float by most JSON readers).
fn money_json(f: Fen) -> String {
    f.to_string()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A probability rounded to six decimals.
fn prob6(p: f64) -> f64 {
    (p * 1e6).round() / 1e6
}

#[derive(serde::Serialize)]
struct DepotStock<'a> {
    depot_id: &'a str,
    units: u32,
    investment: String,
    annual_holding_cost: String,
}

#[derive(serde::Serialize)]
struct CurveRow {
    target: f64,
    annual_holding_cost: String,
    investment: String,
    units: u32,
    system_on_time: f64,
}

#[derive(serde::Serialize)]
struct TierRow {
    deadline_hours: f64,
    hospitals: usize,
    hospitals_within_reach: usize,
    hospitals_out_of_reach: usize,
    demand_per_year: f64,
    on_time: f64,
    simulated_on_time: Option<f64>,
    below_target: usize,
    simulated_below_target: Option<usize>,
}

fn tier_rows(r: &PlanResult, v: Option<&Verified>) -> Vec<TierRow> {
    let all = r.tiers_with_demand();
    r.tiers()
        .iter()
        .map(|&(g, deadline_hours)| {
            let figures: Vec<(usize, TierFigures)> = all
                .iter()
                .filter(|x| x.2 == g)
                .map(|&(i, _, _, t)| (i, t))
                .collect();
            let demand: f64 = figures.iter().map(|(_, t)| t.demand).sum();
            let simulated = v.map(|v| {
                let (mut n, mut ok) = (0.0, 0.0);
                for &(i, _) in &figures {
                    let w = v.verification.tier_requests_per_year[i];
                    if let Some(e) = v.verification.tiers[i] {
                        n += w;
                        ok += w * e.mean;
                    }
                }
                prob6(if n > 0.0 { ok / n } else { 1.0 })
            });
            TierRow {
                deadline_hours,
                hospitals: figures.len(),
                hospitals_within_reach: figures.iter().filter(|(_, t)| t.reachable).count(),
                hospitals_out_of_reach: figures.iter().filter(|(_, t)| !t.reachable).count(),
                demand_per_year: (demand * 100.0).round() / 100.0,
                on_time: prob6(r.tier_on_time(g)),
                simulated_on_time: simulated,
                below_target: figures.iter().filter(|(_, t)| t.below_target()).count(),
                simulated_below_target: v.map(|v| {
                    figures
                        .iter()
                        .filter(|(i, _)| v.below.binary_search(i).is_ok())
                        .count()
                }),
            }
        })
        .collect()
}

#[derive(serde::Serialize)]
struct Summary<'a> {
    total_investment: String,
    annual_holding_cost: String,
    /// Holding plus the expected extension cost (zero where no warranty_day_cost is given).
    total_annual_cost: String,
    /// The plan's own model: expected extension days in the planned year, and their cost.
    expected_extension_days: f64,
    expected_extension_cost: String,
    /// The same with every scanner counted as in warranty all year.
    expected_extension_days_all_units: f64,
    /// Whether the plan was priced (some scanner in warranty has a warranty-day cost).
    uptime_clause_priced: bool,
    scanners_in_warranty: usize,
    planned_year_from: String,
    /// The analytic plan's extension cost, and the least any stock gives (the bound's share).
    analytic_extension_cost: String,
    extension_cost_floor: Option<String>,
    /// As the check by simulation measured them.
    simulated_expected_extension_days: Option<f64>,
    simulated_expected_extension_cost: Option<String>,
    simulated_expected_extension_days_all_units: Option<f64>,
    /// Per depot region: model and simulation side by side.
    extension_by_region: Vec<RegionRow<'a>>,
    /// How the extension figures were made.
    extension_basis: String,
    /// Holding cost against expected extension cost as the warranty-day price is scaled.
    holding_versus_extension: Vec<ExtensionRow>,
    system_on_time: f64,
    simulated_system_on_time: Option<f64>,
    simulated_system_on_time_ci95: Option<[f64; 2]>,
    min_hospital_on_time: f64,
    /// Per deadline tier, analytic and simulated side by side.
    tiers: Vec<TierRow>,
    hospital_tiers_below_target: usize,
    simulated_hospital_tiers_below_target: Option<usize>,
    /// The analytic plan's holding cost, and what the check by simulation added to it.
    analytic_annual_holding_cost: String,
    verification_added_holding_cost: Option<String>,
    verification_rounds: Option<usize>,
    verification: Option<String>,
    lower_bound: Option<String>,
    /// The gap of the analytic plan; `gap_of_verified_plan` that of the plan written.
    gap: Option<f64>,
    gap_of_verified_plan: Option<f64>,
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

#[derive(serde::Serialize)]
struct RegionRow<'a> {
    depot_id: &'a str,
    scanners: usize,
    scanners_in_warranty: usize,
    expected_extension_days: f64,
    simulated_expected_extension_days: Option<f64>,
}

#[derive(serde::Serialize)]
struct ExtensionRow {
    day_cost_multiplier: f64,
    annual_holding_cost: String,
    expected_extension_days: f64,
    /// At each scanner's own warranty-day cost.
    expected_extension_cost: String,
    total_annual_cost: String,
    units: u32,
}

/// Model and simulation of the extension days per depot region (the regional centre, or the
/// central depot, that a scanner's fastest depot belongs to).
fn region_rows<'a>(
    ds: &'a Dataset,
    r: &PlanResult,
    v: Option<&Verification>,
) -> Vec<RegionRow<'a>> {
    let e = &r.extension;
    let mut by_region: Vec<Vec<usize>> = vec![Vec::new(); ds.depots.len()];
    for (i, u) in ds.units.iter().enumerate() {
        if let Some(d) = r.region(u.hospital) {
            by_region[d.index()].push(i);
        }
    }
    ds.depot_ids()
        .zip(by_region)
        .filter_map(|(d, units)| {
            (!units.is_empty()).then(|| RegionRow {
                depot_id: &ds.depot(d).code,
                scanners: units.len(),
                scanners_in_warranty: units.iter().filter(|&&u| e.in_warranty[u] > 0.0).count(),
                expected_extension_days: round1(
                    units.iter().map(|&u| e.unit_extension_days(u)).sum(),
                ),
                simulated_expected_extension_days: v.map(|v| {
                    round1(
                        units
                            .iter()
                            .map(|&u| v.extension.unit_extension_days(u))
                            .sum(),
                    )
                }),
            })
        })
        .collect()
}

/// `summary.json`: money as decimal strings in yuan.
pub fn summary_json(ds: &Dataset, r: &PlanResult, verified: Option<&Verified>) -> String {
    let v = verified.map(|v| &v.verification);
    let e = &r.extension;
    let stock_by_depot = ds
        .depot_ids()
        .map(|d| DepotStock {
            depot_id: &ds.depot(d).code,
            units: r.depot_totals(d).0,
            investment: money_json(r.depot_totals(d).1),
            annual_holding_cost: money_json(r.depot_totals(d).2),
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
        .filter(|&h| r.hospital(h).below_target())
        .map(|h| ds.hospital(h).code.as_str())
        .collect();
    let summary = Summary {
        total_investment: money_json(r.investment),
        annual_holding_cost: money_json(r.annual_holding_cost),
        total_annual_cost: money_json(r.total_annual_cost()),
        expected_extension_days: round1(e.extension_days()),
        expected_extension_cost: money_json(e.extension_cost()),
        expected_extension_days_all_units: round1(r.extension_all_units().extension_days_all_units()),
        uptime_clause_priced: r.priced(),
        scanners_in_warranty: e.units_in_warranty(),
        planned_year_from: e.year_from.to_string(),
        analytic_extension_cost: money_json(r.analytic_extension_cost),
        extension_cost_floor: r.extension_floor.map(money_json),
        simulated_expected_extension_days: v.map(|v| round1(v.extension.extension_days())),
        simulated_expected_extension_cost: v.map(|v| money_json(v.extension.extension_cost())),
        simulated_expected_extension_days_all_units: v
            .map(|v| round1(v.extension_days_all_units.mean)),
        extension_by_region: region_rows(ds, r, v),
        extension_basis: format!(
            "the year from {}: each scanner's expected days short for a year in warranty in the plan's model (Poisson failures per part; each failure's downtime from stock on hand or a wait up the chain, the engineer's travel and the repair; their compound sum against the scanner's allowance) times the share of the year it is in warranty, 5 extension days per day short; cost at its warranty_day_cost (zero where none is given){}",
            e.year_from,
            v.map(|v| format!("; simulated: the same scanners' extension days in {} replications of a warranty year", v.params.replications)).unwrap_or_default()
        ),
        holding_versus_extension: r
            .extension_curve
            .iter()
            .map(|p| ExtensionRow {
                day_cost_multiplier: p.multiplier,
                annual_holding_cost: money_json(p.annual_holding_cost),
                expected_extension_days: round1(p.expected_extension_days),
                expected_extension_cost: money_json(p.expected_extension_cost),
                total_annual_cost: money_json(p.annual_holding_cost + p.expected_extension_cost),
                units: p.units,
            })
            .collect(),
        system_on_time: prob6(r.system_on_time()),
        simulated_system_on_time: v.map(|v| prob6(v.on_time.mean)),
        simulated_system_on_time_ci95: v.map(|v| [prob6(v.on_time.low), prob6(v.on_time.high)]),
        min_hospital_on_time: prob6(r.min_hospital_on_time()),
        tiers: tier_rows(r, verified),
        hospital_tiers_below_target: r.tiers_below_target(),
        simulated_hospital_tiers_below_target: verified.map(|v| v.below.len()),
        analytic_annual_holding_cost: money_json(r.analytic_holding_cost),
        verification_added_holding_cost: verified.map(|_| money_json(r.added_by_verification())),
        verification_rounds: verified.map(|v| v.rounds.len()),
        verification: verified.map(|v| {
            format!(
                "each round simulates the plan ({}) and raises what the model asks of the hospital-tiers within reach by a quarter of their class's pooled shortfall, and of those below their target beyond the noise (the 95 % interval's upper end under the target) by a quarter of their own, until none is below beyond the noise",
                v.verification.params
            )
        }),
        lower_bound: r.lower_bound.map(money_json),
        gap: r.gap().map(prob6),
        gap_of_verified_plan: verified.and_then(|_| r.gap_of_plan()).map(prob6),
        bound_method: r.bound.as_ref().map(|b| b.method.name()),
        bound_rounds: r.bound.as_ref().map(|b| b.rounds),
        bound_master_value: r.bound.as_ref().map(|b| b.master_value),
        units: r.units(),
        hospitals: ds.hospitals.len(),
        hospitals_meeting_target: ds.hospitals.len() - below.len(),
        hospitals_below_target: below,
        hospital_deadline_pairs_out_of_reach: r.out_of_reach().len(),
        stock_by_depot,
        cost_versus_target,
    };
    serde_json::to_string_pretty(&summary).expect("JSON of plain values") + "\n"
}
