//! `plan`.

use std::path::Path;
use std::process::ExitCode;

use super::load_planning;
use crate::coverage::{self, CoverageParams};
use crate::io::{self, plan_output};
use crate::model::{Dataset, HospitalId};
use crate::stock::plan::{run, PlanError, PlanParams, PlanResult};

pub(super) fn plan(
    dir: &Path,
    out: &Path,
    params: &PlanParams,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let Some(ds) = load_planning(dir)? else {
        return Ok(ExitCode::from(1));
    };
    let cov = coverage::compute(&ds, &CoverageParams::default());
    let bar = super::spinner(&format!(
        "planning {} parts for {} hospitals",
        ds.parts.len(),
        ds.hospitals.len()
    ));
    let result = run(&ds, &cov, params);
    bar.finish_and_clear();
    let result = match result {
        Ok(r) => r,
        Err(PlanError::CheckFailed { count, first }) => {
            eprintln!(
                "error: the checker found {count} hospitals below their requirement (first: {}); \
                 nothing was written",
                ds.hospital(HospitalId::from_index(first)).code
            );
            return Ok(ExitCode::from(2));
        }
        Err(PlanError::Infeasible(e)) => {
            eprintln!(
                "error: no stock meets the requirement of hospital {}: {}; nothing was written",
                ds.hospital(HospitalId::from_index(e.hospital)).code,
                e.detail
            );
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let summary = plan_output::summary_json(&ds, &result);
    let mut output = io::OutputDir::create(out)?;
    output.stage("stock_plan.csv", &plan_output::stock_plan_csv(&ds, &result))?;
    output.stage("service.csv", &plan_output::service_csv(&ds, &result))?;
    output.stage("stock_reasons.csv", &plan_output::reasons_csv(&ds, &result))?;
    output.stage(
        "out_of_reach.csv",
        &plan_output::out_of_reach_csv(&ds, &result),
    )?;
    output.stage("curve.csv", &plan_output::curve_csv(&result))?;
    output.stage("summary.json", summary.as_bytes())?;
    let written = output.commit()?;
    if json {
        out!("{summary}");
        return Ok(ExitCode::SUCCESS);
    }
    print_plan(&ds, &result);
    for w in written {
        outln!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_plan(ds: &Dataset, r: &PlanResult) {
    let hospitals = r
        .checked
        .hospitals
        .iter()
        .filter(|h| h.demand > 0.0)
        .count();
    outln!(
        "stock plan: {} units of {} parts at {} depots for {hospitals} hospitals",
        r.plan.units(),
        r.input.parts.len(),
        ds.depots.len()
    );
    outln!(
        "  total investment     {:>16} yuan",
        r.investment.to_string()
    );
    outln!(
        "  annual holding cost  {:>16} yuan",
        r.annual_holding_cost.to_string()
    );
    match (r.lower_bound(), r.gap()) {
        (Some(lb), Some(gap)) => outln!(
            "  lower bound          {:>16} yuan (gap {:.2} %, {})",
            lb.to_string(),
            100.0 * gap,
            r.bound.as_ref().map_or("", |b| b.method.name())
        ),
        _ => outln!("  lower bound          not computed"),
    }
    outln!(
        "  on time: system {:.4}, lowest hospital {:.4}",
        r.checked.system_on_time(),
        r.min_hospital_on_time()
    );
    outln!("stock by depot:");
    for d in ds.depot_ids() {
        let units: u32 = r.plan.stock.iter().map(|s| s[d.index()]).sum();
        let inv: crate::money::Fen = r.money.iter().map(|m| m[d.index()].investment).sum();
        outln!(
            "  {:<8} {:>7} units {:>16} yuan",
            ds.depot(d).code,
            units,
            inv.to_string()
        );
    }
    if !r.curve.is_empty() {
        outln!("cost versus target (every hospital at the target):");
        let mut previous: Option<&crate::stock::plan::CurvePoint> = None;
        for c in &r.curve {
            let step = previous.map(|p| {
                let points = (c.target - p.target) * 100.0;
                (c.annual_holding_cost - p.annual_holding_cost).0 as f64 / 100.0 / points
            });
            outln!(
                "  {:>5.1} %  holding {:>14} yuan/y  investment {:>16} yuan{}",
                100.0 * c.target,
                c.annual_holding_cost.to_string(),
                c.investment.to_string(),
                step.map(|s| if s >= 0.0 {
                    format!("  (+{s:.0} yuan/y per point)")
                } else {
                    format!(
                        "  ({s:.0} yuan/y per point: more hospitals out of reach for some part \
                         are held to their reachable parts at this target)"
                    )
                })
                .unwrap_or_default()
            );
            previous = Some(c);
        }
    }
    let below: Vec<usize> = (0..r.checked.hospitals.len())
        .filter(|&h| {
            r.checked.hospitals[h].demand > 0.0
                && r.checked.hospitals[h].on_time < r.requirements[h].target
        })
        .collect();
    let out: usize = r.out_of_reach.iter().map(Vec::len).sum();
    if out > 0 {
        outln!(
            "out of reach: {out} hospital-deadline pairs have no depot within the deadline \
             (out_of_reach.csv); each is held to at most 99.9 % on the parts within reach"
        );
        for (g, list) in r.out_of_reach.iter().enumerate() {
            for o in list.iter().take(5) {
                let h = ds.hospital(o.hospital);
                match o.best {
                    Some((d, hours)) => outln!(
                        "  {} {} ({} h parts): fastest {} in {:.1} h",
                        h.code,
                        h.name,
                        r.input.groups[g].deadline_hours,
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
    outln!(
        "hospitals below their target on all parts: {} (each is out of reach for some part)",
        below.len()
    );
}
