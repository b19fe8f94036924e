//! The files of `design`: `sites.csv`, `frontier.csv` and `summary.json` (the designed
//! network's data set and its plan are written by the data-set and plan writers).

use serde::Serialize;

use crate::design::Design;
use crate::io::write::{num, CsvBuf};
use crate::model::{Dataset, DepotId};
use crate::money::Fen;
use crate::network::to_micros;
use crate::sim::verified::Verified;
use crate::stock::PlanResult;

/// `hospitals_within_4h`, `hospitals_within_72h`, ...
pub fn within_column(hours: f64) -> String {
    format!("hospitals_within_{}h", num(hours))
}

/// Per deadline and open site (in the design's order): hospitals the site is the fastest
/// stocking location for within the deadline (ties go to the earlier location, the existing
/// depots first, as the plan's primary depot does).
pub fn fastest_counts(design: &Design) -> Vec<Vec<usize>> {
    let open = &design.chosen.sites;
    design
        .deadlines
        .iter()
        .map(|&k| {
            let limit = to_micros(k);
            let mut counts = vec![0; open.len()];
            for h in 0..design.reach.base.len() {
                let mut best = design.reach.base[h].map(|t| (t, None));
                for (i, &s) in open.iter().enumerate() {
                    if let Some(t) = design.reach.sites[s].micros[h] {
                        if best.is_none_or(|(b, _)| t < b) {
                            best = Some((t, Some(i)));
                        }
                    }
                }
                if let Some((t, Some(i))) = best {
                    if t <= limit {
                        counts[i] += 1;
                    }
                }
            }
            counts
        })
        .collect()
}

/// `sites.csv`: one row per candidate; an open site's stock from the designed network's plan
/// (empty cells when the network was not planned).
pub fn sites_csv(ds: &Dataset, design: &Design, plan: Option<&PlanResult>) -> Vec<u8> {
    let mut header: Vec<String> = [
        "site_id",
        "open",
        "annual_fixed_cost",
        "units",
        "investment",
        "annual_holding_cost",
    ]
    .map(str::to_owned)
    .to_vec();
    header.extend(design.deadlines.iter().map(|&k| within_column(k)));
    header.extend(["name", "kind", "parent_id", "design_model_cost"].map(str::to_owned));
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = CsvBuf::new(&refs);
    let counts = fastest_counts(design);
    let base_depots = ds.depots.len();
    for (c, site) in ds.candidates.iter().enumerate() {
        let position = design.chosen.sites.iter().position(|&s| s == c);
        let stock = match (position, plan) {
            (Some(i), Some(p)) => {
                let (units, investment, holding) =
                    p.depot_totals(DepotId::from_index(base_depots + i));
                [
                    units.to_string(),
                    investment.to_string(),
                    holding.to_string(),
                ]
            }
            (None, _) => ["0".to_owned(), Fen::ZERO.to_string(), Fen::ZERO.to_string()],
            (Some(_), None) => Default::default(),
        };
        let mut row = vec![
            site.code.clone(),
            position.is_some().to_string(),
            site.annual_fixed_cost.to_string(),
        ];
        row.extend(stock);
        row.extend(
            counts
                .iter()
                .map(|k| position.map_or(0, |i| k[i]).to_string()),
        );
        row.extend([
            site.name.clone(),
            site.kind.clone().unwrap_or_default(),
            ds.depot(design.reach.sites[c].parent).code.clone(),
            design.site_cost[c][0].to_string(),
        ]);
        t.row(row.iter().map(String::as_str));
    }
    t.into_bytes()
}

/// `frontier.csv`: one row per number of open sites from 0 up.
pub fn frontier_csv(ds: &Dataset, design: &Design) -> Vec<u8> {
    let mut header = vec!["sites_open".to_owned(), within_column(design.deadlines[0])];
    header.push("annual_cost".to_owned());
    for &k in &design.deadlines[1..] {
        header.push(within_column(k));
        header.push(format!("annual_cost_{}h", num(k)));
    }
    header.push("sites".to_owned());
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = CsvBuf::new(&refs);
    for row in &design.frontier {
        let mut cells = vec![row.sites_open.to_string()];
        for j in 0..design.deadlines.len() {
            cells.push(row.reach[j].to_string());
            cells.push(row.annual_cost[j].to_string());
        }
        let ids: Vec<&str> = row.sites[0]
            .iter()
            .map(|&s| ds.candidates[s].code.as_str())
            .collect();
        cells.push(ids.join(";"));
        t.row(cells.iter().map(String::as_str));
    }
    t.into_bytes()
}

#[derive(Serialize)]
struct Summary<'a> {
    open_sites: usize,
    open_site_ids: Vec<&'a str>,
    candidates: usize,
    annual_fixed_cost: String,
    annual_holding_cost: Option<String>,
    expected_extension_cost: Option<String>,
    /// Fixed + holding + expected extension cost of the designed network (its plan's; with the
    /// sites only, the design model's: the network as it is plus the sites' estimates).
    total_annual_cost: String,
    cost_basis: &'static str,
    /// Fixed cost plus the plan's proven lower bound on the designed network's stock cost.
    lower_bound: Option<String>,
    gap: Option<f64>,
    lower_bound_basis: &'static str,
    /// The site choice in the design model, proven optimal.
    site_choice_proven: bool,
    design_model_cost: String,
    design_deadline_hours: f64,
    hospitals: usize,
    hospitals_within_deadline_before: usize,
    hospitals_within_deadline_asked: usize,
    hospitals_within_deadline_most: usize,
    hospitals_within_deadline: usize,
    reach_by_deadline: Vec<Reach>,
    /// The analytic plan's annual cost of the data set without any site opened.
    base_total_annual_cost: String,
    /// What the design adds a year over the network as it is.
    added_annual_cost: String,
    system_on_time: Option<f64>,
    simulated_system_on_time: Option<f64>,
    added_by_verification: Option<String>,
    frontier_rows: usize,
}

#[derive(Serialize)]
struct Reach {
    deadline_hours: f64,
    before: usize,
    after: usize,
    most: usize,
}

fn money(f: Fen) -> String {
    f.to_string()
}

/// `summary.json` of a design.
pub fn summary_json(
    ds: &Dataset,
    design: &Design,
    plan: Option<&PlanResult>,
    verified: Option<&Verified>,
) -> String {
    let fixed = design.fixed_cost(ds);
    let total = match plan {
        Some(p) => fixed + p.total_annual_cost(),
        None => design.base_plan_cost + design.chosen_cost(),
    };
    let lower_bound = plan.and_then(|p| p.lower_bound).map(|lb| fixed + lb);
    let gap = lower_bound.map(|lb| {
        if total.0 <= 0 {
            0.0
        } else {
            (total.0 - lb.0).max(0) as f64 / total.0 as f64
        }
    });
    let after = design.reach_of_chosen();
    let summary = Summary {
        open_sites: design.chosen.sites.len(),
        open_site_ids: design
            .chosen
            .sites
            .iter()
            .map(|&s| ds.candidates[s].code.as_str())
            .collect(),
        candidates: ds.candidates.len(),
        annual_fixed_cost: money(fixed),
        annual_holding_cost: plan.map(|p| money(p.annual_holding_cost)),
        expected_extension_cost: plan.map(|p| money(p.extension.extension_cost())),
        total_annual_cost: money(total),
        cost_basis: if plan.is_some() {
            "the designed network's plan (holding and expected extension) plus the sites' fixed cost"
        } else {
            "the design model: the network as it is plus each open site's fixed cost and stock estimate (the designed network not planned)"
        },
        lower_bound: lower_bound.map(money),
        gap: gap.map(|g| (g * 1e6).round() / 1e6),
        lower_bound_basis: "the chosen sites' fixed cost plus the plan's proven lower bound on the designed network's holding and extension cost; the site choice itself is exact in the design model (site_choice_proven)",
        site_choice_proven: design.chosen.proven,
        design_model_cost: money(design.chosen_cost()),
        design_deadline_hours: design.deadlines[0],
        hospitals: ds.hospitals.len(),
        hospitals_within_deadline_before: design.covers[0].base,
        hospitals_within_deadline_asked: design.required_reach,
        hospitals_within_deadline_most: design.covers[0].max_possible(),
        hospitals_within_deadline: after[0],
        reach_by_deadline: design
            .deadlines
            .iter()
            .zip(&design.covers)
            .zip(&after)
            .map(|((&k, c), &a)| Reach {
                deadline_hours: k,
                before: c.base,
                after: a,
                most: c.max_possible(),
            })
            .collect(),
        base_total_annual_cost: money(design.base_plan_cost),
        added_annual_cost: money(total - design.base_plan_cost),
        system_on_time: plan.map(|p| (p.system_on_time() * 1e6).round() / 1e6),
        simulated_system_on_time: verified
            .map(|v| (v.verification.on_time.mean * 1e6).round() / 1e6),
        added_by_verification: plan.map(|p| money(p.added_by_verification())),
        frontier_rows: design.frontier.len(),
    };
    serde_json::to_string_pretty(&summary).expect("JSON of plain values") + "\n"
}
