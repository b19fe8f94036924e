//! The uptime clause in the plan's own model: each scanner's expected days short and extension
//! days in the planned year under a stock plan (model.md, Uptime and the warranty clause), the
//! floor no stock can go below (the bound's share of the priced objective), and the priced plan
//! ([`price`]).
//!
//! A scanner's failures are Poisson per part of its model; each failure's downtime has the
//! distribution of [`wait::Outcomes`] (delivery from stock on hand or a wait up the chain, the
//! engineer's travel, the repair), and a year's downtime is their compound sum
//! ([`compound::YearDowntime`]). Scanners of one model at one hospital share that distribution,
//! so it is computed once per hospital and model and read at each scanner's allowance; the
//! outcomes of a model's parts are summed once per class of hospitals (the same candidates and
//! primary), so each hospital-model applies its own hours to a few sums instead of every part.
//!
//! Deliberately absent: the simulation (which checks these figures, README), and the choice of
//! stock (the optimiser's and [`price`]'s).

pub mod compound;
pub mod price;
pub mod wait;

use rayon::prelude::*;

use super::check::Checked;
use super::input::{Class, PlanInput};
use super::problem::Plan;
use super::service::PartService;
use crate::coverage::Coverage;
use crate::model::Dataset;
use crate::money::Fen;
use crate::network::to_hours;
use crate::uptime::{
    allowance_minutes, in_warranty_shares, planned_year_from, Expected,
    EXTENSION_DAYS_PER_DAY_SHORT,
};
use compound::{YearDowntime, STEP_HOURS};
use wait::{claims, part_waits, Failure, Grid, Outcomes, PartWaits};

/// Days of a warranty year, as the simulation measures it.
pub const WARRANTY_DAYS: i64 = 365;

/// The longest downtime one failure is given: a scanner no engineer reaches is down for the
/// rest of the year.
const YEAR_HOURS: f64 = WARRANTY_DAYS as f64 * 24.0;

/// A scanner as the uptime clause sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetUnit {
    pub hospital: usize,
    pub model: usize,
    /// The downtime a warranty year allows, in hours.
    pub allowance_hours: f64,
    /// The share of the planned year it is in warranty.
    pub in_warranty: f64,
    pub day_cost: Option<Fen>,
}

/// The installed base as the uptime clause sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Fleet {
    /// In data-set unit order.
    pub units: Vec<FleetUnit>,
    /// Travel hours of the nearest engineer to each hospital (infinite when none reaches it).
    pub engineer_hours: Vec<f64>,
    /// Repair hours of each part of the planning input (its order).
    pub repair_hours: Vec<f64>,
    /// The planned year's first day.
    pub year_from: chrono::NaiveDate,
    /// The units of each (hospital, model), in unit order: one downtime distribution each.
    groups: Vec<(usize, usize, Vec<usize>)>,
    /// `(part index, failures per unit-year)` of each model.
    model_parts: Vec<Vec<(usize, f64)>>,
}

impl Fleet {
    /// The fleet of a data set, its units priced at `day_cost` where given (every unit alike)
    /// or at their own `warranty_day_cost`.
    pub fn new(ds: &Dataset, cov: &Coverage, input: &PlanInput, day_cost: Option<Fen>) -> Fleet {
        let year_from = planned_year_from(ds);
        let shares = in_warranty_shares(ds, year_from);
        let units: Vec<FleetUnit> = ds
            .units
            .iter()
            .zip(&shares)
            .map(|(u, &share)| FleetUnit {
                hospital: u.hospital.index(),
                model: u.model.index(),
                allowance_hours: allowance_minutes(WARRANTY_DAYS, u.uptime_target) / 60.0,
                in_warranty: share,
                day_cost: day_cost.or(u.warranty_day_cost),
            })
            .collect();
        let engineer_hours = cov
            .hospitals
            .iter()
            .map(|h| h.engineer_micros.map_or(f64::INFINITY, to_hours))
            .collect();
        let repair_hours = input
            .parts
            .iter()
            .map(|p| ds.part(p.part).repair_hours)
            .collect();
        Fleet::from_units(input, units, engineer_hours, repair_hours, year_from)
    }

    /// A fleet from its parts (tests and generated cases build one directly).
    pub fn from_units(
        input: &PlanInput,
        units: Vec<FleetUnit>,
        engineer_hours: Vec<f64>,
        repair_hours: Vec<f64>,
        year_from: chrono::NaiveDate,
    ) -> Fleet {
        let mut model_parts: Vec<Vec<(usize, f64)>> = vec![Vec::new(); input.models];
        for (i, p) in input.parts.iter().enumerate() {
            for &(m, r) in &p.usage {
                if r > 0.0 {
                    model_parts[m].push((i, r));
                }
            }
        }
        let mut index: rustc_hash::FxHashMap<(usize, usize), usize> = Default::default();
        let mut groups: Vec<(usize, usize, Vec<usize>)> = Vec::new();
        for (u, unit) in units.iter().enumerate() {
            let g = *index.entry((unit.hospital, unit.model)).or_insert_with(|| {
                groups.push((unit.hospital, unit.model, Vec::new()));
                groups.len() - 1
            });
            groups[g].2.push(u);
        }
        Fleet {
            units,
            engineer_hours,
            repair_hours,
            year_from,
            groups,
            model_parts,
        }
    }

    /// The same fleet with every unit's warranty-day cost times `factor`.
    pub fn scaled(&self, factor: f64) -> Fleet {
        let mut f = self.clone();
        for u in &mut f.units {
            u.day_cost = u
                .day_cost
                .map(|c| Fen((c.0 as f64 * factor).round() as i64));
        }
        f
    }

    /// Whether any unit in warranty in the planned year has a price on its extension.
    pub fn priced(&self) -> bool {
        self.units
            .iter()
            .any(|u| u.in_warranty > 0.0 && u.day_cost.is_some_and(|c| c.0 > 0))
    }

    /// What a failure of part `part` (input order) at hospital `h` sees (`None`: no depot
    /// reaches the hospital).
    fn failure<'a>(&'a self, input: &'a PlanInput, h: usize, part: usize) -> Option<Failure<'a>> {
        let p = &input.parts[part];
        let k = input.groups[p.group].class_of[h]?;
        let class = &input.groups[p.group].classes[k as usize];
        Some(self.failure_at(input, class, h, self.repair_hours[part]))
    }

    /// What a failure at hospital `h` of `class` sees, for a part of `repair_hours`.
    fn failure_at<'a>(
        &'a self,
        input: &'a PlanInput,
        class: &'a Class,
        h: usize,
        repair_hours: f64,
    ) -> Failure<'a> {
        Failure {
            class,
            hours: &input.hours,
            hospitals: input.hospitals(),
            hospital: h,
            engineer_hours: self.engineer_hours[h],
            repair_hours,
        }
    }
}

/// What the downtime model needs of one part under a plan: its fill rates and waits.
#[derive(Clone, Debug)]
pub struct PartState {
    pub fill: Vec<f64>,
    pub waits: PartWaits,
}

impl PartState {
    /// The state of part `part` of `input` at base stock `stock` with the service `service` the
    /// model gives it.
    pub fn new(input: &PlanInput, stock: &[u32], service: &PartService) -> PartState {
        PartState::of(input, stock, &service.fill_rate, &service.flow)
    }

    /// From fill rates and each depot's own flow of orders (requests filled or waiting there).
    pub fn of(input: &PlanInput, stock: &[u32], fill: &[f64], flow: &[f64]) -> PartState {
        let total = claims(&input.depots, flow);
        PartState {
            fill: fill.to_vec(),
            waits: part_waits(&input.depots, stock, &total),
        }
    }
}

/// One model's failures in one deadline group of the planning input.
struct ModelGroup {
    /// The group's share of the model's failures.
    share: f64,
    /// `(repair hours, [(part, share of the model's failures)])`, in order of repair hours.
    by_repair: Vec<(f64, Vec<(usize, f64)>)>,
}

/// Each model's failures split by deadline group and repair time: per model, per group.
fn model_groups(input: &PlanInput, fleet: &Fleet) -> Vec<Vec<ModelGroup>> {
    fleet
        .model_parts
        .iter()
        .map(|rates| {
            let total: f64 = rates.iter().map(|&(_, r)| r).sum();
            (0..input.groups.len())
                .map(|g| {
                    let mut by_repair: Vec<(f64, Vec<(usize, f64)>)> = Vec::new();
                    let mut share = 0.0;
                    for &(part, r) in rates {
                        if input.parts[part].group != g {
                            continue;
                        }
                        let w = r / total;
                        share += w;
                        let repair = fleet.repair_hours[part];
                        match by_repair
                            .iter_mut()
                            .find(|(h, _)| h.to_bits() == repair.to_bits())
                        {
                            Some((_, parts)) => parts.push((part, w)),
                            None => by_repair.push((repair, vec![(part, w)])),
                        }
                    }
                    by_repair.sort_by(|a, b| a.0.total_cmp(&b.0));
                    ModelGroup { share, by_repair }
                })
                .collect()
        })
        .collect()
}

/// The outcomes of a failure of each model at the hospitals of each class
/// ([`wait::Outcomes`]), for the (group, class, model) triples some hospital-model needs: the
/// model's parts of the group summed once per class instead of once per hospital.
struct Tables {
    /// Per model and group: the group's share of the model's failures.
    share: Vec<Vec<f64>>,
    index: rustc_hash::FxHashMap<(u32, u32, u32), usize>,
    /// Per triple: one entry per repair time.
    entries: Vec<Vec<Outcomes>>,
}

impl Tables {
    /// The tables at the parts' states `parts` for the hospital-models `needed`.
    fn new(
        input: &PlanInput,
        fleet: &Fleet,
        parts: &[PartState],
        needed: impl Iterator<Item = (usize, usize)>,
    ) -> Tables {
        let split = model_groups(input, fleet);
        let mut index: rustc_hash::FxHashMap<(u32, u32, u32), usize> = Default::default();
        let mut keys: Vec<(usize, usize, usize)> = Vec::new();
        for (h, m) in needed {
            for (g, group) in input.groups.iter().enumerate() {
                let Some(k) = group.class_of[h] else { continue };
                if split[m][g].by_repair.is_empty() {
                    continue;
                }
                index.entry((g as u32, k, m as u32)).or_insert_with(|| {
                    keys.push((g, k as usize, m));
                    keys.len() - 1
                });
            }
        }
        let entries: Vec<Vec<Outcomes>> = keys
            .par_iter()
            .map(|&(g, k, m)| {
                let class = &input.groups[g].classes[k];
                split[m][g]
                    .by_repair
                    .iter()
                    .map(|(repair, members)| {
                        let mut o = Outcomes::new(class.candidates.len(), *repair);
                        for &(part, w) in members {
                            o.add_part(&parts[part].fill, &parts[part].waits, class, w);
                        }
                        o
                    })
                    .collect()
            })
            .collect();
        let share = split
            .iter()
            .map(|groups| groups.iter().map(|g| g.share).collect())
            .collect();
        Tables {
            share,
            index,
            entries,
        }
    }

    /// A hospital-model's per-failure downtime distribution on the grid.
    fn severity(&self, input: &PlanInput, fleet: &Fleet, h: usize, model: usize) -> Vec<f64> {
        let mut grid = Grid::new(YEAR_HOURS);
        for (g, group) in input.groups.iter().enumerate() {
            let share = self.share[model][g];
            if share <= 0.0 {
                continue;
            }
            let Some(k) = group.class_of[h] else {
                grid.add(YEAR_HOURS, share);
                continue;
            };
            let Some(&i) = self.index.get(&(g as u32, k, model as u32)) else {
                continue;
            };
            for o in &self.entries[i] {
                let x = fleet.failure_at(input, &group.classes[k as usize], h, o.repair_hours);
                o.apply(&x, 1.0, &mut grid);
            }
        }
        grid.sev
    }
}

/// A hospital-model's failure rate per unit-year.
fn model_rate(fleet: &Fleet, model: usize) -> f64 {
    fleet.model_parts[model].iter().map(|&(_, r)| r).sum()
}

/// A hospital-model's per-failure downtime distribution at the floor no stock goes below.
fn floor_severity(input: &PlanInput, fleet: &Fleet, h: usize, model: usize) -> Vec<f64> {
    let rates = &fleet.model_parts[model];
    let total = model_rate(fleet, model);
    let mut grid = Grid::new(YEAR_HOURS);
    for &(part, r) in rates {
        let w = r / total;
        match fleet.failure(input, h, part) {
            None => grid.add(YEAR_HOURS, w),
            Some(x) => floor_outcomes(input, &x, part, |t, p| grid.add(t, w * p)),
        }
    }
    grid.sev
}

/// The least downtime one failure can have under any stock: delivered at once from the fastest
/// depot where some depot is within the deadline; where none is, the request waits for the
/// primary's next arrival whatever it holds, and that wait is at least `exp(-lambda w)` likely
/// to exceed `w` below the lead time, `lambda` the part's whole demand (no depot takes more
/// claims than there are requests). Each wait sits at the lower end of its grid bin, so every
/// plan's downtime distribution lies above this one.
fn floor_outcomes(input: &PlanInput, x: &Failure<'_>, part: usize, mut f: impl FnMut(f64, f64)) {
    let down = |delivery: f64| delivery.max(x.engineer_hours) + x.repair_hours;
    let primary = x.class.primary;
    let t = x.hours(primary);
    if !x.class.candidates.is_empty() {
        f(down(t), 1.0);
        return;
    }
    let lead = input.lead_hours(primary);
    let demand: f64 = input.parts[part]
        .network
        .hospitals
        .iter()
        .map(|h| h.rate)
        .sum();
    let per_hour = demand / (super::input::DAYS_PER_YEAR * 24.0);
    let survival = |w: f64| if w < lead { (-per_hour * w).exp() } else { 0.0 };
    let mut k = 0.0;
    while k * STEP_HOURS < lead {
        let m = survival(k * STEP_HOURS) - survival((k + 1.0) * STEP_HOURS);
        f(down(k * STEP_HOURS + t), m);
        k += 1.0;
    }
}

/// The expected days short of every unit for a year wholly in warranty, per group of units
/// alike; only units `counted` are computed (the others get zero).
fn year_days_short(
    input: &PlanInput,
    fleet: &Fleet,
    parts: &[PartState],
    floor: bool,
    counted: &(dyn Fn(&FleetUnit) -> bool + Sync),
) -> Vec<f64> {
    let tables = (!floor).then(|| {
        let needed = fleet
            .groups
            .iter()
            .filter(|(_, _, members)| members.iter().any(|&u| counted(&fleet.units[u])))
            .map(|&(h, m, _)| (h, m));
        Tables::new(input, fleet, parts, needed)
    });
    let per_group: Vec<Vec<(usize, f64)>> = fleet
        .groups
        .par_iter()
        .map(|(h, m, members)| {
            let members: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&u| counted(&fleet.units[u]))
                .collect();
            if members.is_empty() {
                return Vec::new();
            }
            let rate = model_rate(fleet, *m);
            let sev = match &tables {
                Some(t) => t.severity(input, fleet, *h, *m),
                None => floor_severity(input, fleet, *h, *m),
            };
            let widest = members
                .iter()
                .map(|&u| fleet.units[u].allowance_hours)
                .fold(0.0, f64::max);
            let year = YearDowntime::new(rate, &sev, widest);
            members
                .iter()
                .map(|&u| (u, year.days_short(fleet.units[u].allowance_hours, 0.0)))
                .collect()
        })
        .collect();
    let mut out = vec![0.0; fleet.units.len()];
    for (u, d) in per_group.into_iter().flatten() {
        out[u] = d;
    }
    out
}

fn expected_of(fleet: &Fleet, days: Vec<f64>) -> Expected {
    let ext_per_day = EXTENSION_DAYS_PER_DAY_SHORT as f64;
    Expected {
        year_extension_days: days.iter().map(|d| d * ext_per_day).collect(),
        year_days_short: days,
        in_warranty: fleet.units.iter().map(|u| u.in_warranty).collect(),
        day_cost: fleet.units.iter().map(|u| u.day_cost).collect(),
        year_from: fleet.year_from,
    }
}

/// The expected days short and extension days of every unit under a plan whose parts are in
/// `parts` (input order). With `all_units`, units out of warranty in the planned year are
/// computed too (their year wholly in warranty, for the comparison with the simulation).
pub fn expected(
    input: &PlanInput,
    fleet: &Fleet,
    parts: &[PartState],
    all_units: bool,
) -> Expected {
    let days = year_days_short(input, fleet, parts, false, &|u: &FleetUnit| {
        all_units || u.in_warranty > 0.0
    });
    expected_of(fleet, days)
}

/// The least expected extension that any stock can give: every request delivered at once from
/// its fastest depot (every downtime at or below any plan's, so every unit's days short too).
pub fn floor(input: &PlanInput, fleet: &Fleet) -> Expected {
    let days = year_days_short(input, fleet, &[], true, &|u: &FleetUnit| {
        u.in_warranty > 0.0
    });
    expected_of(fleet, days)
}

/// The expected extension of a checked plan, from the fill rates and flows the checker found;
/// with `all_units`, every unit's year (for the comparison with the simulation), else only the
/// units in warranty in the planned year.
pub fn expected_of_plan(
    input: &PlanInput,
    fleet: &Fleet,
    plan: &Plan,
    checked: &Checked,
    all_units: bool,
) -> Expected {
    let parts: Vec<PartState> = plan
        .stock
        .par_iter()
        .zip(&checked.depots)
        .map(|(stock, depots)| {
            let fill: Vec<f64> = depots.iter().map(|d| d.fill_rate).collect();
            let flow: Vec<f64> = depots.iter().map(|d| d.flow).collect();
            PartState::of(input, stock, &fill, &flow)
        })
        .collect();
    expected(input, fleet, &parts, all_units)
}

/// One point of the holding-versus-extension curve.
#[derive(Clone, Debug, PartialEq)]
pub struct ExtensionPoint {
    /// The multiple of each unit's warranty-day cost the plan was priced at.
    pub multiplier: f64,
    pub annual_holding_cost: Fen,
    pub expected_extension_days: f64,
    /// At the units' own warranty-day cost.
    pub expected_extension_cost: Fen,
    pub units: u32,
}

impl super::PlanResult {
    /// The installed base as the plan's model of the uptime clause sees it.
    pub fn fleet(&self) -> &Fleet {
        &self.fleet
    }

    /// Every unit's expected days short and extension days for a year wholly in warranty (the
    /// figure the simulation measures for every scanner), computed once when first asked for.
    pub fn extension_all_units(&self) -> &Expected {
        self.extension_all.get_or_init(|| {
            expected_of_plan(&self.input, &self.fleet, &self.plan, &self.checked, true)
        })
    }

    /// Whether the plan prices the uptime clause (some scanner in warranty in the planned year
    /// has a warranty-day cost).
    pub fn priced(&self) -> bool {
        self.fleet.priced()
    }

    /// A hospital's depot region: the regional centre (or the central depot) above its fastest
    /// depot for the longest deadline (`None` when no depot reaches it).
    pub fn region(&self, h: crate::model::HospitalId) -> Option<crate::model::DepotId> {
        let input = &self.input;
        let g = input
            .groups
            .iter()
            .max_by(|a, b| a.deadline_hours.total_cmp(&b.deadline_hours))?;
        let k = g.class_of[h.index()]?;
        let mut d = g.classes[k as usize].primary;
        while let Some(p) = input.depots[d].parent {
            if input.depots[p].parent.is_none() {
                break;
            }
            d = p;
        }
        Some(crate::model::DepotId::from_index(d))
    }
}
