//! `design`: which candidate sites to open as forward stocking locations, and the stock of every
//! location of the network that results.

use std::path::PathBuf;

use super::plan::planned;
use super::{load_planning, Exit};
use crate::design::{self, DesignError, DesignParams, DesignStage};
use crate::io::{self, design_output, plan_output, write};
use crate::money::group_digits;

/// Chooses the forward stocking locations to open (candidates.csv) and plans every location's
/// stock: the least-cost sites that bring the most hospitals (or the share asked) within the
/// emergency deadline, the frontier of reach and cost per number of sites, and the designed
/// network as a data set ready for plan, simulate, scenarios and report.
///
/// Writes sites.csv, frontier.csv, summary.json, network/ (the data set with the opened sites
/// as depots of tier forward) and plan/ (that network's plan, as plan writes it).
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Examples:\n  spareplan design data/china --out out/design\n",
    "  spareplan design data/china --out out/design-80 --reach 0.8 --max-sites 20\n",
    "  spareplan plan out/design/network --out out/design-plan\n\n",
    "Exit status:\n  0  the design was written\n",
    "  1  the data set has errors or no candidates, the reach asked cannot be had, or no stock meets the targets; nothing was written\n",
    "  2  bad arguments, a plan the checker refused, or an output that could not be written"
))]
pub struct Args {
    /// The planning data set folder (with candidates.csv).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// The deadline whose reach the design buys, in hours.
    #[arg(long, default_value_t = design::DESIGN_DEADLINE_HOURS, value_name = "HOURS", value_parser = hours_arg)]
    pub deadline: f64,
    /// Hospitals to bring within the deadline, as a share of all hospitals (default: the most
    /// the candidates can give).
    #[arg(long, value_name = "SHARE", value_parser = super::share_arg)]
    pub reach: Option<f64>,
    /// Open at most this many sites.
    #[arg(long, value_name = "N")]
    pub max_sites: Option<usize>,
    /// Choose the sites and write the frontier and the network only: the designed network is not
    /// planned (plan it with `spareplan plan OUT/network`), and the costs are the design model's.
    #[arg(long)]
    pub sites_only: bool,
    #[command(flatten)]
    pub options: super::plan::PlanOptions,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn hours_arg(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(h) if h > 0.0 && h <= crate::model::limits::MAX_DEADLINE_HOURS => Ok(h),
        _ => Err(format!(
            "{s:?} is not a deadline in hours (write a positive number such as 4)"
        )),
    }
}

impl Args {
    fn params(&self) -> DesignParams {
        DesignParams {
            plan: self.options.params(),
            deadline_hours: self.deadline,
            reach_share: self.reach,
            max_sites: self.max_sites,
        }
    }
}

/// Stages of the design before the designed network is planned.
const DESIGN_STAGES: usize = 3;

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    let mut output = io::OutputDir::create(&a.out, &[&a.dir])?;
    let Some(ds) = load_planning(&a.dir)? else {
        return Ok(Exit::DataErrors);
    };
    let params = a.params();
    let of = DESIGN_STAGES + 6;
    let what = format!(
        "designing {} candidate sites for {} hospitals",
        ds.candidates.len(),
        ds.hospitals.len()
    );
    let bar = super::spinner(&what);
    let stage = |s: DesignStage| {
        let n = match s {
            DesignStage::Reach => 1,
            DesignStage::BasePlan => 2,
            DesignStage::Frontier => 3,
        };
        bar.set_message(format!("{what}: stage {n} of {of}, {}", s.name()));
    };
    let designed = design::design(&ds, &params, &stage);
    bar.finish_and_clear();
    let d = match designed {
        Ok(d) => d,
        Err(
            e @ (DesignError::NoCandidates
            | DesignError::ReachTooHigh { .. }
            | DesignError::TooFewSites { .. }),
        ) => {
            eprintln!("error: {e}; nothing was written");
            return Ok(Exit::DataErrors);
        }
        Err(DesignError::Plan(e)) => {
            eprintln!("error: the network as it is cannot be planned: {e}; nothing was written");
            return Ok(Exit::DataErrors);
        }
        Err(e) => return Err(e.into()),
    };
    let verify = a.options.verify();
    let what = format!("{what}, planning the designed network");
    let (result, verified) = if a.sites_only {
        (None, None)
    } else {
        match planned(
            &d.network,
            &params.plan,
            verify,
            &what,
            DESIGN_STAGES + 1,
            of,
        )? {
            Ok((r, v)) => (Some(r), v),
            Err(exit) => return Ok(exit),
        }
    };
    let result = result.as_ref();
    let summary = design_output::summary_json(&ds, &d, result, verified.as_ref());
    output.stage("sites.csv", &design_output::sites_csv(&ds, &d, result))?;
    output.stage("frontier.csv", &design_output::frontier_csv(&ds, &d))?;
    output.stage("summary.json", summary.as_bytes())?;
    for (name, bytes) in write::dataset_files(&d.network) {
        output.stage(&format!("network/{name}"), &bytes)?;
    }
    if let Some(result) = result {
        let verification = verified.as_ref().map(|v| &v.verification);
        for (name, bytes) in plan_output::files(&d.network, result, verification) {
            output.stage(&format!("plan/{name}"), &bytes)?;
        }
        let plan_summary = plan_output::summary_json(&d.network, result, verified.as_ref());
        output.stage("plan/summary.json", plan_summary.as_bytes())?;
    }
    let written = output.commit()?;
    if a.json {
        out!("{summary}");
        return Ok(Exit::Success);
    }
    print_design(&ds, &d, result);
    for w in written {
        outln!("wrote {}", w.display());
    }
    if result.is_some() {
        outln!(
            "next: spareplan report {} --plan {} --out REPORT_DIR",
            a.out.join("network").display(),
            a.out.join("plan").display()
        );
    } else {
        outln!(
            "next: spareplan plan {} --out PLAN_DIR",
            a.out.join("network").display()
        );
    }
    Ok(Exit::Success)
}

fn print_design(
    ds: &crate::model::Dataset,
    d: &design::Design,
    plan: Option<&crate::stock::PlanResult>,
) {
    let k = d.deadlines[0];
    let after = d.reach_of_chosen();
    let fixed = d.fixed_cost(ds);
    outln!(
        "network design: {} of {} candidate sites open; {} of {} hospitals within {k} h (before: {}, the most the candidates give: {})",
        d.chosen.sites.len(),
        ds.candidates.len(),
        group_digits(after[0] as u64),
        group_digits(ds.hospitals.len() as u64),
        group_digits(d.covers[0].base as u64),
        group_digits(d.covers[0].max_possible() as u64),
    );
    outln!("  annual fixed cost      {:>18} yuan", fixed.grouped());
    let total = match plan {
        Some(plan) => {
            outln!(
                "  annual holding cost    {:>18} yuan",
                plan.annual_holding_cost.grouped()
            );
            outln!(
                "  expected extension     {:>18} yuan",
                plan.extension.extension_cost().grouped()
            );
            fixed + plan.total_annual_cost()
        }
        None => {
            outln!(
                "  sites' stock estimate  {:>18} yuan (design model; the network not planned)",
                (d.chosen_cost() - fixed).grouped()
            );
            d.base_plan_cost + d.chosen_cost()
        }
    };
    outln!("  total annual cost      {:>18} yuan", total.grouped());
    outln!(
        "  the network as it is   {:>18} yuan (the design adds {} yuan a year)",
        d.base_plan_cost.grouped(),
        (total - d.base_plan_cost).grouped()
    );
    if let Some(lb) = plan.and_then(|p| p.lower_bound) {
        let lb = fixed + lb;
        outln!(
            "  lower bound            {:>18} yuan (gap {:.2} %; site choice {})",
            lb.grouped(),
            100.0 * (total.0 - lb.0).max(0) as f64 / total.0.max(1) as f64,
            if d.chosen.proven {
                "proven optimal in the design model"
            } else {
                "not proven"
            }
        );
    }
    outln!(
        "frontier ({} h): sites, hospitals within, least annual cost",
        k
    );
    let mut last = None;
    for row in &d.frontier {
        if last == Some(row.reach[0]) && row.sites_open > 0 {
            continue;
        }
        last = Some(row.reach[0]);
        outln!(
            "  {:>4} {:>7} {:>18} yuan",
            row.sites_open,
            group_digits(row.reach[0] as u64),
            row.annual_cost[0].grouped()
        );
    }
}
