//! The monthly replenishment batch: forecasts ([`forecasting`]), target base stock from the
//! plan's optimiser, and the orders that bring every depot's inventory position back to its target.
//!
//! - **Targets**: each part's failure rates are scaled so that its network-wide demand equals the
//!   forecast (the sum over regions of the chosen monthly rates, times 12); the plan's optimiser
//!   then sets the base stock. The forecast's split between regions is reported but the optimiser
//!   sees the installed base's split.
//! - **Position**: on hand + on order - backorders (`stock.csv` holds no backorders, so they are 0).
//! - **Maintenance ahead**: the quarterly-maintenance parts of a region's units for the next
//!   `pm_months` months (rounded up) are ordered on top of the target.
//! - **Orders**: a depot short of target + maintenance gets a transfer from its parent, up to what
//!   the parent holds on hand; the central depot buys from the factory what brings it back to its
//!   own target and maintenance after its transfers, plus what its children still miss. When a
//!   parent cannot cover its children, it allocates unit by unit to the child where the unit
//!   protects most demand: the child's first-choice demand times the probability that the unit is
//!   needed (its pipeline, Poisson with mean demand x lead time, reaching the unit), ties to the
//!   earlier depot; what is left unallocated is reported as a shortage.
//! - **Identity**: an order's id is `month-kind-depot-part` (`2026-11-T-RDC-BJ-CT-XT-50`); the
//!   same inputs give the same orders, and once orders are booked (`on_order` of the receiving
//!   depot up, `on_hand` of the shipping depot down) the same month orders nothing again.

pub mod forecasting;

use rayon::prelude::*;

use crate::coverage::{self, CoverageParams};
use crate::model::{Dataset, DepotId, PartId};
use crate::stock::dist::Pmf;
use crate::stock::input::PlanInput;
use crate::stock::service::parents_first;
use crate::stock::{self, PlanError, PlanParams};
use forecasting::{forecast, Forecasts, Month, Smoothing};

/// The batch's parameters.
#[derive(Clone, Debug)]
pub struct BatchParams {
    pub month: Month,
    pub history_from: Month,
    pub smoothing: Smoothing,
    /// One on-time target for every hospital instead of the installed base's.
    pub target: crate::stock::problem::Targets,
    /// Months of quarterly-maintenance parts ordered ahead.
    pub pm_months: u32,
}

/// Transfer from the parent depot or purchase from the factory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Transfer,
    Purchase,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Transfer => "transfer",
            Kind::Purchase => "purchase",
        }
    }
}

/// One order line.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub id: String,
    pub kind: Kind,
    /// `None`: the factory.
    pub from: Option<DepotId>,
    pub to: DepotId,
    pub part: PartId,
    pub qty: u32,
    pub reason: String,
}

/// A depot's need its parent could not cover.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortage {
    pub depot: DepotId,
    pub part: PartId,
    pub needed: u32,
    pub allocated: u32,
}

/// One depot and part in the batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub target: u32,
    pub maintenance: u32,
    pub position: i64,
    pub need: u32,
}

/// The batch's result.
#[derive(Clone, Debug)]
pub struct Batch {
    pub forecasts: Forecasts,
    /// `[part][depot]`, data-set order.
    pub lines: Vec<Vec<Line>>,
    pub orders: Vec<Order>,
    pub shortages: Vec<Shortage>,
    /// What the batch did that the data set did not say (for the run log and the operator).
    pub warnings: Vec<String>,
    /// Months before the batch month that the fault history does not reach (counted as zero
    /// demand by the forecasts): the months after the last fault record, up to the month before.
    pub missing_months: Vec<Month>,
}

impl Batch {
    /// Order lines and units of one kind.
    pub fn totals(&self, kind: Kind) -> (usize, u64) {
        let of_kind = self.orders.iter().filter(|o| o.kind == kind);
        let lines = of_kind.clone().count();
        (lines, of_kind.map(|o| u64::from(o.qty)).sum())
    }

    /// How many parts each forecasting method was chosen for.
    pub fn methods_chosen(&self) -> Vec<(forecasting::Method, usize)> {
        forecasting::Method::ALL
            .into_iter()
            .map(|m| (m, self.forecasts.chosen.iter().filter(|&&c| c == m).count()))
            .collect()
    }
}

/// Runs the batch.
pub fn run(ds: &Dataset, params: &BatchParams) -> Result<Batch, PlanError> {
    let nd = ds.depots.len();
    let np = ds.parts.len();
    // The regions first (each hospital's primary depot by the routes), then the targets: the
    // plan of the one planning entry for the forecast demand.
    let cov = coverage::compute(ds, &CoverageParams::default());
    let primary: Vec<Option<usize>> = ds
        .hospital_ids()
        .map(|h| cov.primary(h).map(DepotId::index))
        .collect();
    let forecasts = forecast(
        ds,
        &primary,
        params.history_from,
        params.month,
        &params.smoothing,
    );
    let demand: Vec<Option<f64>> = (0..np)
        .map(|p| Some((0..nd).map(|d| forecasts.monthly_rate(p, d)).sum::<f64>() * 12.0))
        .collect();
    let (rated, warnings) = rates_from_history(ds, params);
    let planned = stock::plan(
        rated.as_ref().unwrap_or(ds),
        &PlanParams {
            demand_per_year: Some(demand),
            ..PlanParams::quick(params.target.clone())
        },
    )?;
    let input = planned.input();
    // Position and maintenance ahead.
    let mut position = vec![vec![0i64; nd]; np];
    let mut on_hand = vec![vec![0i64; nd]; np];
    for s in &ds.stock {
        on_hand[s.part.index()][s.depot.index()] = i64::from(s.on_hand);
        position[s.part.index()][s.depot.index()] = i64::from(s.on_hand) + i64::from(s.on_order);
    }
    let mut region_units = vec![vec![0.0; ds.models.len()]; nd];
    for u in &ds.units {
        if let Some(d) = primary[u.hospital.index()] {
            region_units[d][u.model.index()] += 1.0;
        }
    }
    let visits = f64::from(params.pm_months) / 3.0;
    let mut maintenance = vec![vec![0u32; nd]; np];
    for u in &ds.usage {
        for d in 0..nd {
            maintenance[u.part.index()][d] = (f64::from(maintenance[u.part.index()][d])
                + region_units[d][u.model.index()] * u.pm_qty_per_visit * visits)
                .ceil() as u32;
        }
    }
    let order = parents_first(&input.depots);
    let children: Vec<Vec<usize>> = (0..nd)
        .map(|d| {
            (0..nd)
                .filter(|&c| input.depots[c].parent == Some(d))
                .collect()
        })
        .collect();
    let results: Vec<(Vec<Line>, Vec<Order>, Vec<Shortage>)> = (0..np)
        .into_par_iter()
        .map(|p| {
            let ctx = PartCtx {
                ds,
                input,
                forecasts: &forecasts,
                part: p,
                month: params.month,
                order: &order,
                children: &children,
            };
            ctx.orders(
                planned.stock.of_part(PartId::from_index(p)),
                &maintenance[p],
                &position[p],
                &on_hand[p],
            )
        })
        .collect();
    let mut lines = Vec::with_capacity(np);
    let mut orders = Vec::new();
    let mut shortages = Vec::new();
    for (l, o, s) in results {
        lines.push(l);
        orders.extend(o);
        shortages.extend(s);
    }
    orders.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Batch {
        forecasts,
        lines,
        orders,
        shortages,
        warnings,
        missing_months: missing_months(ds, params),
    })
}

/// The months from the one after the last fault record up to the month before the batch month
/// (every history month when there is no record at all).
pub fn missing_months(ds: &Dataset, params: &BatchParams) -> Vec<Month> {
    let last = ds.faults.iter().map(|f| f.date).max();
    let first_missing = match last {
        Some(d) => Month::of(d).plus(1).max(params.history_from),
        None => params.history_from,
    };
    let mut out = Vec::new();
    let mut m = first_missing;
    while m < params.month {
        out.push(m);
        m = m.plus(1);
    }
    out
}

/// Parts the catalogue gives no failure rate for (every rate zero or absent) but that the fault
/// history shows consumed: without a rate the plan would hold none of them, whatever the
/// forecast. They get a rate per model from the history (parts consumed by units of the model
/// over their unit-years in the history window), so the targets follow the forecast, and a
/// warning says so. `None` when no part needs it.
fn rates_from_history(ds: &Dataset, params: &BatchParams) -> (Option<Dataset>, Vec<String>) {
    let (from, to) = (params.history_from.first_day(), params.month.first_day());
    let years = (to - from).num_days() as f64 / 365.0;
    let mut rated = vec![false; ds.parts.len()];
    for u in &ds.usage {
        if u.failures_per_unit_year > 0.0 {
            rated[u.part.index()] = true;
        }
    }
    let nm = ds.models.len();
    let mut consumed: Vec<Vec<f64>> = vec![Vec::new(); ds.parts.len()];
    for f in ds.faults.iter().filter(|f| f.date >= from && f.date < to) {
        let p = f.part.index();
        if rated[p] {
            continue;
        }
        if consumed[p].is_empty() {
            consumed[p] = vec![0.0; nm];
        }
        consumed[p][ds.unit(f.unit).model.index()] += f64::from(f.qty);
    }
    let mut units = vec![0.0; nm];
    for u in &ds.units {
        units[u.model.index()] += 1.0;
    }
    let mut warnings = Vec::new();
    let mut out = ds.clone();
    for (p, by_model) in consumed.iter().enumerate() {
        let total: f64 = by_model.iter().sum();
        if total <= 0.0 || years <= 0.0 {
            continue;
        }
        let part = PartId::from_index(p);
        for (m, &q) in by_model.iter().enumerate() {
            if q <= 0.0 || units[m] <= 0.0 {
                continue;
            }
            let rate = q / (units[m] * years);
            let model = crate::model::ModelId::from_index(m);
            match out
                .usage
                .iter_mut()
                .find(|u| u.part == part && u.model == model)
            {
                Some(u) => u.failures_per_unit_year = rate,
                None => out.usage.push(crate::model::Usage {
                    model,
                    part,
                    failures_per_unit_year: rate,
                    pm_qty_per_visit: 0.0,
                }),
            }
        }
        warnings.push(format!(
            "part {}: part_usage.csv gives no failure rate, but the history shows {total} consumed; \
             the targets follow the history (rates from the consumption per unit-year)",
            ds.part(part).part_no
        ));
    }
    if warnings.is_empty() {
        (None, warnings)
    } else {
        (Some(out), warnings)
    }
}

struct PartCtx<'a> {
    ds: &'a Dataset,
    input: &'a PlanInput,
    forecasts: &'a Forecasts,
    part: usize,
    month: Month,
    order: &'a [usize],
    children: &'a [Vec<usize>],
}

impl PartCtx<'_> {
    fn orders(
        &self,
        target: &[u32],
        maintenance: &[u32],
        position: &[i64],
        on_hand: &[i64],
    ) -> (Vec<Line>, Vec<Order>, Vec<Shortage>) {
        let nd = target.len();
        let mut pos = position.to_vec();
        let mut need = vec![0u32; nd];
        let mut unmet = vec![0u32; nd];
        let mut allocated = vec![0u32; nd];
        let mut orders = Vec::new();
        let mut shortages = Vec::new();
        let part_id = PartId::from_index(self.part);
        // Deepest first: a parent allocates to its children before it works out its own need.
        for &d in self.order.iter().rev() {
            let kids = &self.children[d];
            if !kids.is_empty() {
                let available = on_hand[d].clamp(0, i64::from(u32::MAX)) as u32;
                let got = self.allocate(kids, &need, &pos, available);
                for (&c, &g) in kids.iter().zip(&got) {
                    allocated[c] = g;
                    pos[d] -= i64::from(g);
                    unmet[d] = unmet[d].saturating_add(need[c] - g);
                    if g < need[c] {
                        shortages.push(Shortage {
                            depot: DepotId::from_index(c),
                            part: part_id,
                            needed: need[c],
                            allocated: g,
                        });
                    }
                }
            }
            let want =
                i64::from(target[d]) + i64::from(maintenance[d]) + i64::from(unmet[d]) - pos[d];
            need[d] = want.clamp(0, i64::from(u32::MAX)) as u32;
        }
        for d in 0..nd {
            let parent = self.input.depots[d].parent;
            let qty = if parent.is_some() {
                allocated[d]
            } else {
                need[d]
            };
            if qty == 0 {
                continue;
            }
            let kind = if parent.is_some() {
                Kind::Transfer
            } else {
                Kind::Purchase
            };
            orders.push(self.order_line(
                d,
                kind,
                qty,
                target,
                maintenance,
                position,
                unmet[d],
                need[d],
            ));
        }
        let lines = (0..nd)
            .map(|d| Line {
                target: target[d],
                maintenance: maintenance[d],
                position: position[d],
                need: need[d],
            })
            .collect();
        (lines, orders, shortages)
    }

    #[allow(clippy::too_many_arguments)]
    fn order_line(
        &self,
        d: usize,
        kind: Kind,
        qty: u32,
        target: &[u32],
        maintenance: &[u32],
        position: &[i64],
        unmet: u32,
        need: u32,
    ) -> Order {
        let ds = self.ds;
        let depot = DepotId::from_index(d);
        let part = PartId::from_index(self.part);
        let code = &ds.depot(depot).code;
        let part_no = &ds.part(part).part_no;
        let letter = match kind {
            Kind::Transfer => "T",
            Kind::Purchase => "P",
        };
        let f = &self.forecasts;
        let mut reason = format!(
            "base stock {} (forecast {:.3}/month in its region, {}), position {}",
            target[d],
            f.monthly_rate(self.part, d),
            f.chosen[self.part].as_str(),
            position[d]
        );
        if maintenance[d] > 0 {
            reason += &format!(", maintenance ahead {}", maintenance[d]);
        }
        if unmet > 0 {
            reason += &format!(", {unmet} still missing at its depots");
        }
        if qty < need {
            reason += &format!("; {need} needed, {qty} allocated: the parent is short");
        }
        Order {
            id: format!("{}-{letter}-{code}-{part_no}", self.month),
            kind,
            from: self.input.depots[d].parent.map(DepotId::from_index),
            to: depot,
            part,
            qty,
            reason,
        }
    }

    /// Splits `available` units among `kids` by protected demand (see the module docs).
    fn allocate(&self, kids: &[usize], need: &[u32], pos: &[i64], available: u32) -> Vec<u32> {
        let mut got = vec![0u32; kids.len()];
        let total: u64 = kids.iter().map(|&c| u64::from(need[c])).sum();
        if total <= u64::from(available) {
            return kids.iter().map(|&c| need[c]).collect();
        }
        let pipelines: Vec<Pmf> = kids
            .iter()
            .map(|&c| {
                let per_year = self.forecasts.monthly_rate(self.part, c) * 12.0;
                let lead = self.input.depots[c].lead_years;
                Pmf::poisson(per_year * lead)
            })
            .collect();
        for _ in 0..available {
            let mut best: Option<(f64, usize)> = None;
            for (i, &c) in kids.iter().enumerate() {
                if got[i] >= need[c] {
                    continue;
                }
                let level = pos[c] + i64::from(got[i]);
                let demand = self.forecasts.monthly_rate(self.part, c) * 12.0;
                // Probability that the unit at this level is needed: the pipeline reaches it.
                let needed = 1.0 - pipelines[i].cdf(level);
                let value = demand * needed;
                if best.is_none_or(|(v, _)| value > v) {
                    best = Some((value, i));
                }
            }
            match best {
                Some((_, i)) => got[i] += 1,
                None => break,
            }
        }
        got
    }
}
