//! `plan`: the least-cost stock plan that meets every hospital's delivery target in every
//! deadline tier, checked by simulation.

use std::path::PathBuf;

use super::{load_planning, Exit};
use crate::io::{self, plan_output};
use crate::model::Dataset;
use crate::money::{group_digits, grouped_f};
use crate::sim::verified::{Progress, Verified};
use crate::sim::{self, VerifyParams};
use crate::stock::{self, CurvePoint, PlanError, PlanParams, PlanResult, Stage, CURVE_TARGETS};

/// The least-cost stock plan that meets every hospital's delivery target in every deadline tier.
///
/// Base-stock levels per depot and part (greedy marginal analysis, then drop and exchange
/// passes, then a Lagrangian heuristic from the bound's multipliers), checked by an
/// independent recomputation, with a proven lower bound on the annual holding cost, then
/// checked by simulation and raised until no hospital-tier within reach is below its target
/// beyond the simulation's noise; nothing is written before. Writes stock_plan.csv, service.csv,
/// stock_reasons.csv, uptime.csv (with the simulation),
/// out_of_reach.csv, curve.csv and summary.json.
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Examples:\n  spareplan plan data/china --out out/china\n",
    "  spareplan plan data/china --out out/china-95 --target 0.95 --no-curve\n\n",
    "Exit status:\n  0  the plan was written\n",
    "  1  the data set has errors, or no stock meets some hospital's target; nothing was written\n",
    "  2  bad arguments, a plan the checker refused, or an output that could not be written"
))]
pub struct Args {
    /// The planning data set folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    #[command(flatten)]
    pub options: PlanOptions,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write plan.xlsx: a sheet per table, header frozen and filterable, money as numbers
    /// formatted #,##0.00, Chinese text intact.
    #[arg(long)]
    pub xlsx: bool,
}

/// How a plan is made and checked: the options `plan` and `design` share.
#[derive(clap::Args, Debug, Clone)]
pub struct PlanOptions {
    /// Delivery targets per deadline tier, probabilities below 1: `0.95` for every tier, or
    /// per tier in hours (`72=0.95,4=0.9`), or both (`0.95,4=0.9`); a hospital's service_target
    /// comes first (default: 0.95 for every tier).
    #[arg(long, value_parser = super::target_arg)]
    pub target: Option<crate::stock::problem::Targets>,
    /// What one extended warranty day costs, in yuan, for every scanner in place of each one's
    /// warranty_day_cost; the plan then minimises holding plus expected extension cost (0:
    /// the clause is reported, not priced).
    #[arg(long, value_name = "YUAN", value_parser = super::yuan_arg)]
    pub warranty_day_cost: Option<crate::money::Fen>,
    /// Skip the lower bound (and the Lagrangian heuristic that starts from it).
    #[arg(long)]
    pub no_bound: bool,
    /// Skip the cost-versus-target curve.
    #[arg(long)]
    pub no_curve: bool,
    /// Skip the check of the plan by simulation (10 years after a year of warm-up, 40
    /// replications, each round raising the plan where a hospital-tier within reach is below its
    /// target beyond the noise, until none is) and its expected warranty-extension days.
    #[arg(long)]
    pub no_verify: bool,
    /// Seed of the verification's simulation.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl PlanOptions {
    pub(super) fn params(&self) -> PlanParams {
        PlanParams {
            target: self.target.clone().unwrap_or_default(),
            bound: !self.no_bound,
            curve: if self.no_curve {
                Vec::new()
            } else {
                CURVE_TARGETS.to_vec()
            },
            warranty_day_cost: self.warranty_day_cost,
            ..PlanParams::default()
        }
    }

    /// The check by simulation's parameters, `None` with `--no-verify`.
    pub(super) fn verify(&self) -> Option<VerifyParams> {
        (!self.no_verify).then(|| VerifyParams {
            seed: self.seed,
            ..VerifyParams::default()
        })
    }
}

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    // The output folder is taken (locked) before any work, and written only at the end.
    let mut output = io::OutputDir::create(&a.out, &[&a.dir])?;
    let Some(ds) = load_planning(&a.dir)? else {
        return Ok(Exit::DataErrors);
    };
    let what = format!(
        "planning {} parts for {} hospitals",
        ds.parts.len(),
        ds.hospitals.len()
    );
    let (result, verified) =
        match planned(&ds, &a.options.params(), a.options.verify(), &what, 1, 6)? {
            Ok(planned) => planned,
            Err(exit) => return Ok(exit),
        };
    let verification = verified.as_ref().map(|v| &v.verification);
    let summary = plan_output::summary_json(&ds, &result, verified.as_ref());
    if a.xlsx {
        output.keep_tables();
    }
    for (name, bytes) in plan_output::files(&ds, &result, verification) {
        output.stage(name, &bytes)?;
    }
    if a.xlsx {
        output.stage_workbook("plan.xlsx", |_| true, Vec::new())?;
    }
    output.stage("summary.json", summary.as_bytes())?;
    let written = output.commit()?;
    if a.json {
        out!("{summary}");
        return Ok(Exit::Success);
    }
    print_plan(&ds, &result);
    if let Some(checked) = &verified {
        print_verification(&result, checked);
    }
    if let Some(v) = verification {
        outln!(
            "  simulated ({} years, {} replications): on time {:.4} (95 % CI {:.4} to {:.4}) against the model's {:.4}",
            v.params.years,
            v.params.replications,
            v.on_time.mean,
            v.on_time.low,
            v.on_time.high,
            result.system_on_time(),
        );
    }
    print_extension(&result, verification);
    for w in written {
        outln!("wrote {}", w.display());
    }
    outln!(
        "next: spareplan simulate {} --plan {} --out SIM_DIR, then spareplan report {} --plan {} --sim SIM_DIR --out REPORT_DIR",
        a.dir.display(),
        a.out.join("stock_plan.csv").display(),
        a.dir.display(),
        a.out.display()
    );
    Ok(Exit::Success)
}

/// Plans `ds` and checks the plan by simulation (unless `verify` is `None`), showing progress by
/// stage numbered from `first` of `of` (five stages of planning, then the check). A plan that
/// cannot be made or verified is reported on standard error and comes back as its exit status.
pub(super) fn planned(
    ds: &Dataset,
    params: &PlanParams,
    verify: Option<VerifyParams>,
    what: &str,
    first: usize,
    of: usize,
) -> anyhow::Result<Result<(PlanResult, Option<Verified>), Exit>> {
    let bar = super::spinner(what);
    let result = stock::plan_with_progress(ds, params, &|s: Stage, share| {
        let done = share.map_or(String::new(), |(d, of)| format!(", {d} of {of} finished"));
        bar.set_message(format!(
            "{what}: stage {} of {of}, {}{done}",
            first - 1 + s.number(),
            s.name()
        ));
    });
    bar.finish_and_clear();
    let result = match result {
        Ok(r) => r,
        Err(e @ PlanError::CheckFailed { .. }) => {
            eprintln!("error: {e}; nothing was written");
            return Ok(Err(Exit::Failed));
        }
        Err(e @ (PlanError::Infeasible { .. } | PlanError::TooLarge { .. })) => {
            eprintln!("error: {e}; nothing was written");
            return Ok(Err(Exit::DataErrors));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(e) = &result.bound_error {
        eprintln!("warning: the lower bound could not be computed: {e}");
    }
    let Some(params) = verify else {
        return Ok(Ok((result, None)));
    };
    let stage = format!("{what}: stage {} of {of}, check by simulation", first + 5);
    let bar = super::spinner(&stage);
    // Each round's replications take about as long as each other: the time left in the round
    // from the ones done.
    let round_start = std::sync::Mutex::new((0usize, std::time::Instant::now()));
    let verified = sim::verified::verified_plan(ds, result, &params, &|p| match p {
        Progress::Replication { round, done } => {
            let mut start = round_start.lock().unwrap_or_else(|e| e.into_inner());
            if start.0 != round {
                *start = (round, std::time::Instant::now());
            }
            let left = (done > 0).then(|| {
                let per = start.1.elapsed().as_secs_f64() / done as f64;
                per * params.replications.saturating_sub(done) as f64
            });
            bar.set_message(format!(
                "{stage}: round {round}, {done} of {} replications{}",
                params.replications,
                left.map_or(String::new(), |s| format!(
                    ", about {s:.0} s left in the round"
                ))
            ));
        }
        Progress::Raising { round } => {
            bar.set_message(format!("{stage}: raising the plan after round {round}"));
        }
    });
    bar.finish_and_clear();
    match verified {
        Ok(v) => Ok(Ok((v.result.clone(), Some(v)))),
        Err(e @ PlanError::NotVerified { .. }) => {
            eprintln!("error: {e}");
            Ok(Err(Exit::Failed))
        }
        Err(e) => {
            eprintln!("error: {e}; nothing was written");
            Ok(Err(Exit::Failed))
        }
    }
}

fn print_plan(ds: &Dataset, r: &PlanResult) {
    let hospitals = ds
        .hospital_ids()
        .filter(|&h| r.hospital(h).demand > 0.0)
        .count();
    outln!(
        "stock plan: {} units of {} parts at {} depots for {} hospitals",
        group_digits(r.units() as u64),
        r.parts().count(),
        ds.depots.len(),
        group_digits(hospitals as u64)
    );
    outln!("  total investment     {:>18} yuan", r.investment.grouped());
    outln!(
        "  annual holding cost  {:>18} yuan",
        r.annual_holding_cost.grouped()
    );
    match (r.lower_bound, r.gap()) {
        (Some(lb), Some(gap)) => outln!(
            "  lower bound          {:>18} yuan (gap {:.2} %, {})",
            lb.grouped(),
            100.0 * gap,
            r.bound.as_ref().map_or("", |b| b.method.name())
        ),
        _ => outln!("  lower bound          not computed"),
    }
    outln!(
        "  on time: system {:.4}, lowest hospital-tier within reach {:.4}",
        r.system_on_time(),
        r.min_hospital_on_time()
    );
    for &(g, deadline) in r.tiers() {
        outln!(
            "  on time within {deadline} h: {:.4} of the tier's requests",
            r.tier_on_time(g)
        );
    }
    outln!("stock by depot:");
    for d in ds.depot_ids() {
        let (units, investment, _) = r.depot_totals(d);
        outln!(
            "  {:<8} {:>7} units {:>18} yuan",
            ds.depot(d).code,
            group_digits(units as u64),
            investment.grouped()
        );
    }
    print_curve(&r.curve);
    print_out_of_reach(ds, r);
    outln!(
        "hospital-tiers within reach below their target: {}",
        r.tiers_below_target()
    );
}

fn print_curve(curve: &[CurvePoint]) {
    if curve.is_empty() {
        return;
    }
    outln!("cost versus target (every tier of every hospital at the target):");
    let mut previous: Option<&CurvePoint> = None;
    for c in curve {
        let step = previous.map(|p| {
            let points = (c.target - p.target) * 100.0;
            (c.annual_holding_cost - p.annual_holding_cost).0 as f64 / 100.0 / points
        });
        outln!(
            "  {:>5.1} %  holding {:>16} yuan/y  investment {:>18} yuan{}",
            100.0 * c.target,
            c.annual_holding_cost.grouped(),
            c.investment.grouped(),
            step.map(|s| if s >= 0.0 {
                format!("  (+{} yuan/y per point)", grouped_f(s, 0))
            } else {
                format!("  ({} yuan/y per point)", grouped_f(s, 0))
            })
            .unwrap_or_default()
        );
        previous = Some(c);
    }
}

fn print_out_of_reach(ds: &Dataset, r: &PlanResult) {
    let rows = r.out_of_reach();
    if rows.is_empty() {
        return;
    }
    outln!(
        "out of reach: {} hospital-tiers have no stocking location within the deadline \
         (out_of_reach.csv); they are held to no target and cost nothing",
        rows.len()
    );
    let mut deadlines: Vec<f64> = Vec::new();
    for o in &rows {
        if !deadlines.contains(&o.deadline_hours) {
            deadlines.push(o.deadline_hours);
        }
    }
    for deadline in deadlines {
        let list: Vec<_> = rows
            .iter()
            .filter(|o| o.deadline_hours == deadline)
            .collect();
        for o in list.iter().take(5) {
            let h = ds.hospital(o.hospital);
            match o.best {
                Some((d, hours)) => outln!(
                    "  {} {} ({} h parts): fastest {} in {:.1} h",
                    h.code,
                    h.name,
                    deadline,
                    ds.depot(d).code,
                    hours
                ),
                None => outln!("  {} {}: no route from any depot", h.code, h.name),
            }
        }
        if list.len() > 5 {
            outln!("  ... and {} more", list.len() - 5);
        }
    }
}

/// The uptime clause: holding, expected extension days and cost, their total; the simulation's
/// days beside the model's.
fn print_extension(r: &PlanResult, v: Option<&sim::Verification>) {
    let e = &r.extension;
    outln!(
        "uptime clause in the year from {} ({} scanners in warranty for some of it){}:",
        e.year_from,
        group_digits(e.units_in_warranty() as u64),
        if r.priced() {
            ", priced in the plan"
        } else {
            ", reported, not priced"
        }
    );
    outln!(
        "  expected warranty extension {} days ({} if every scanner were in warranty all year){}",
        grouped_f(e.extension_days(), 1),
        grouped_f(r.extension_all_units().extension_days_all_units(), 1),
        v.map(|v| format!(
            "; simulated {} days ({})",
            grouped_f(v.extension.extension_days(), 1),
            grouped_f(v.extension_days_all_units.mean, 1)
        ))
        .unwrap_or_default()
    );
    outln!(
        "  holding {} + expected extension {} = {} yuan a year",
        r.annual_holding_cost.grouped(),
        e.extension_cost().grouped(),
        r.total_annual_cost().grouped()
    );
    for p in &r.extension_curve {
        outln!(
            "  priced at {} x the warranty-day cost: holding {} yuan, extension {} days ({} yuan)",
            p.multiplier,
            p.annual_holding_cost.grouped(),
            grouped_f(p.expected_extension_days, 1),
            p.expected_extension_cost.grouped()
        );
    }
}

/// The rounds of the check by simulation and what they added.
fn print_verification(r: &PlanResult, v: &Verified) {
    let first = &v.rounds[0];
    outln!("check by simulation ({}):", v.verification.params);
    outln!(
        "  the analytic plan: simulated on time {:.4}, {} hospital-tiers within reach below their target beyond the noise",
        first.on_time,
        group_digits(first.below as u64)
    );
    if v.rounds.len() > 1 {
        outln!(
            "  raised in {} rounds until none is: holding cost {} yuan a year more ({} -> {})",
            v.rounds.len() - 1,
            r.added_by_verification().grouped(),
            r.analytic_holding_cost.grouped(),
            r.annual_holding_cost.grouped()
        );
        if let Some(gap) = r.gap_of_plan() {
            outln!(
                "  gap of the verified plan to the analytic bound {:.2} % (of the analytic plan {:.2} %)",
                100.0 * gap,
                100.0 * r.gap().unwrap_or(0.0)
            );
        }
    }
}
