//! From a validated data set and its routes to the planning input.
//!
//! Which depots can serve a hospital depends only on the part's deadline, so hospitals are grouped
//! once per distinct deadline: within a deadline group, hospitals with the same candidate depots
//! (those within the deadline, fastest first, ties by depot order) and the same primary (fastest
//! overall) depot form one *class*, and every hospital of a class gets the same on-time
//! probability for every part of the group. Each part's service network therefore has one demand
//! entry per class, whatever the number of hospitals, and a hospital's demand for a part is
//! `sum over models of units(h, m) x rate(m, p)`, computed when needed instead of stored.
//!
//! A hospital with demand but no candidate for a group is out of reach for that deadline and is
//! reported with its best time and the depot that gives it; a hospital no depot reaches at all has
//! no class and adds no flow.
//!
//! Deliberately absent: stock levels and any optimisation.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::coverage::Coverage;
use crate::model::{Dataset, DepotId, HospitalId, PartId};
use crate::network::{to_hours, to_micros};

use super::service::{DepotSpec, HospitalDemand, PartNetwork};

/// Days per year for lead times given in days.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// A hospital that no depot serves within a deadline.
#[derive(Clone, Debug, PartialEq)]
pub struct OutOfReach {
    pub hospital: HospitalId,
    /// The fastest depot and its delivery hours, if any route exists.
    pub best: Option<(DepotId, f64)>,
}

/// Hospitals served alike for one deadline.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Class {
    /// Depots within the deadline, fastest first.
    pub candidates: Vec<usize>,
    /// The fastest depot overall.
    pub primary: usize,
}

/// The classes of one deadline.
#[derive(Clone, Debug)]
pub struct Group {
    pub deadline_hours: f64,
    pub classes: Vec<Class>,
    /// The class of each hospital; `None` when no depot reaches it at all.
    pub class_of: Vec<Option<u32>>,
    /// The hospitals of each class, in hospital order.
    pub members: Vec<Vec<u32>>,
}

/// One part's planning input.
#[derive(Clone, Debug)]
pub struct PartInput {
    pub part: PartId,
    /// Index into [`PlanInput::groups`].
    pub group: usize,
    /// `(model index, failures per unit-year)` of the models that use the part.
    pub usage: Vec<(usize, f64)>,
    /// The service network: one demand entry per class of the group, in class order.
    pub network: PartNetwork,
}

/// The planning input of a data set.
#[derive(Clone, Debug)]
pub struct PlanInput {
    /// Parent and resupply time of every depot: the one copy that every part's network, the
    /// checker and the simulation read.
    pub depots: Arc<[DepotSpec]>,
    pub groups: Vec<Group>,
    /// Parts with demand, in part order.
    pub parts: Vec<PartInput>,
    /// Number of models; `units` is hospital-major.
    pub models: usize,
    /// Installed units per hospital and model.
    pub units: Vec<f64>,
    /// Each hospital's contracted delivery target (`service_target`), which no override replaces.
    pub service_targets: Vec<Option<f64>>,
    /// Delivery hours of every depot-hospital pair with a route, depot-major.
    pub hours: Vec<Option<f64>>,
}

impl PlanInput {
    pub fn hospitals(&self) -> usize {
        self.service_targets.len()
    }

    /// The deadline tiers: `(group, deadline hours)` in increasing deadline.
    pub fn tiers(&self) -> Vec<(usize, f64)> {
        let mut t: Vec<(usize, f64)> = self
            .groups
            .iter()
            .enumerate()
            .map(|(g, grp)| (g, grp.deadline_hours))
            .collect();
        t.sort_by(|a, b| a.1.total_cmp(&b.1));
        t
    }

    /// Replenishment lead time of a depot, in hours.
    pub fn lead_hours(&self, depot: usize) -> f64 {
        self.depots[depot].lead_years * DAYS_PER_YEAR * 24.0
    }

    /// The index in [`PlanInput::parts`] of each data-set part (`None`: the part has no demand).
    pub fn slots(&self, parts: usize) -> Vec<Option<usize>> {
        let mut slot = vec![None; parts];
        for (i, p) in self.parts.iter().enumerate() {
            slot[p.part.index()] = Some(i);
        }
        slot
    }

    /// Demand of hospital `h` for the part at `part` (an index into `parts`), per year.
    pub fn rate(&self, h: usize, part: usize) -> f64 {
        let row = &self.units[h * self.models..(h + 1) * self.models];
        self.parts[part]
            .usage
            .iter()
            .map(|&(m, r)| row[m] * r)
            .sum()
    }

    /// The class of hospital `h` for the part at `part`.
    pub fn class(&self, h: usize, part: usize) -> Option<usize> {
        let p = &self.parts[part];
        self.groups[p.group].class_of[h].map(|k| k as usize)
    }

    /// Hospitals with demand that no depot serves within the deadline of `group`.
    pub fn out_of_reach(&self, group: usize) -> Vec<OutOfReach> {
        let g = &self.groups[group];
        let nh = self.hospitals();
        let parts: Vec<usize> = (0..self.parts.len())
            .filter(|&i| self.parts[i].group == group)
            .collect();
        (0..nh)
            .filter(|&h| {
                let unserved = match g.class_of[h] {
                    None => true,
                    Some(k) => g.classes[k as usize].candidates.is_empty(),
                };
                unserved && parts.iter().any(|&p| self.rate(h, p) > 0.0)
            })
            .map(|h| OutOfReach {
                hospital: HospitalId::from_index(h),
                best: g.class_of[h].map(|k| {
                    let d = g.classes[k as usize].primary;
                    let hours = self.hours[d * nh + h].expect("the primary depot has a route");
                    (DepotId::from_index(d), hours)
                }),
            })
            .collect()
    }

    /// Scales each part's failure rates so that its network-wide demand per year is
    /// `demand(part)` where that gives a figure (the installed base's split between hospitals is
    /// kept; a part without demand stays without).
    pub fn scale_demand(&mut self, demand: impl Fn(PartId) -> Option<f64>) {
        for part in &mut self.parts {
            let Some(wanted) = demand(part.part) else {
                continue;
            };
            let now: f64 = part.network.hospitals.iter().map(|h| h.rate).sum();
            if now <= 0.0 {
                continue;
            }
            let factor = wanted / now;
            for u in &mut part.usage {
                u.1 *= factor;
            }
            for h in &mut part.network.hospitals {
                h.rate *= factor;
            }
        }
    }

    /// One part's network with one demand entry per hospital (in hospital order, hospitals without
    /// demand or without any route left out), built from the data directly rather than from the
    /// classes: the checker's view.
    pub fn per_hospital_network(&self, part: usize) -> (Vec<usize>, PartNetwork) {
        let p = &self.parts[part];
        let g = &self.groups[p.group];
        let mut ids = Vec::new();
        let mut hospitals = Vec::new();
        for h in 0..self.hospitals() {
            let rate = self.rate(h, part);
            let Some(k) = g.class_of[h] else { continue };
            if rate <= 0.0 {
                continue;
            }
            let class = &g.classes[k as usize];
            ids.push(h);
            hospitals.push(HospitalDemand {
                rate,
                candidates: class.candidates.clone(),
                primary: class.primary,
            });
        }
        let net = PartNetwork {
            depots: self.depots.clone(),
            hospitals,
        };
        (ids, net)
    }
}

/// Builds the planning input from a data set and its routes.
pub fn build(ds: &Dataset, cov: &Coverage) -> PlanInput {
    let nd = ds.depots.len();
    let nh = ds.hospitals.len();
    let nm = ds.models.len();
    let mut time: Vec<Option<i64>> = vec![None; nd * nh];
    for p in &cov.pairs {
        time[p.depot.index() * nh + p.hospital.index()] = Some(p.delivery_micros);
    }
    let depots: Arc<[DepotSpec]> = ds
        .depots
        .iter()
        .map(|d| DepotSpec {
            parent: d.parent.map(DepotId::index),
            lead_years: d.resupply_days / DAYS_PER_YEAR,
        })
        .collect();
    // The primary depot of each hospital is the coverage's fastest depot (ties by depot order).
    let primary: Vec<Option<usize>> = ds
        .hospital_ids()
        .map(|h| cov.primary(h).map(DepotId::index))
        .collect();
    let mut units = vec![0f64; nh * nm];
    for u in &ds.units {
        units[u.hospital.index() * nm + u.model.index()] += 1.0;
    }
    let mut usage_of_part: Vec<Vec<(usize, f64)>> = vec![Vec::new(); ds.parts.len()];
    for u in &ds.usage {
        if u.failures_per_unit_year > 0.0 {
            usage_of_part[u.part.index()].push((u.model.index(), u.failures_per_unit_year));
        }
    }
    // Depots reaching each hospital, fastest first (ties by depot order).
    let reach: Vec<Vec<(i64, usize)>> = (0..nh)
        .map(|h| {
            let mut r: Vec<(i64, usize)> = (0..nd)
                .filter_map(|d| time[d * nh + h].map(|t| (t, d)))
                .collect();
            r.sort();
            r
        })
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of_deadline: FxHashMap<i64, usize> = FxHashMap::default();
    let mut parts = Vec::new();
    for p in ds.part_ids() {
        let mut usage = std::mem::take(&mut usage_of_part[p.index()]);
        usage.sort_by_key(|&(m, _)| m);
        if usage.is_empty() {
            continue;
        }
        let deadline = to_micros(ds.part(p).deadline_hours);
        let group = *group_of_deadline.entry(deadline).or_insert_with(|| {
            groups.push(make_group(
                ds.part(p).deadline_hours,
                deadline,
                &reach,
                &primary,
            ));
            groups.len() - 1
        });
        parts.push(PartInput {
            part: p,
            group,
            usage,
            network: PartNetwork {
                depots: depots.clone(),
                hospitals: Vec::new(),
            },
        });
    }
    let hours = time.iter().map(|t| t.map(to_hours)).collect();
    let mut input = PlanInput {
        depots,
        groups,
        parts,
        models: nm,
        units,
        service_targets: ds.hospitals.iter().map(|h| h.service_target).collect(),
        hours,
    };
    // Class demand: the sum of its hospitals' demand.
    for i in 0..input.parts.len() {
        let g = &input.groups[input.parts[i].group];
        let demands: Vec<HospitalDemand> = g
            .classes
            .iter()
            .zip(&g.members)
            .map(|(c, members)| HospitalDemand {
                rate: members.iter().map(|&h| input.rate(h as usize, i)).sum(),
                candidates: c.candidates.clone(),
                primary: c.primary,
            })
            .collect();
        input.parts[i].network.hospitals = demands;
    }
    input
}

fn make_group(
    deadline_hours: f64,
    deadline: i64,
    reach: &[Vec<(i64, usize)>],
    primary: &[Option<usize>],
) -> Group {
    let mut classes: Vec<Class> = Vec::new();
    let mut index: FxHashMap<Class, u32> = FxHashMap::default();
    let mut members: Vec<Vec<u32>> = Vec::new();
    let class_of = reach
        .iter()
        .enumerate()
        .map(|(h, r)| {
            let primary = primary[h]?;
            let class = Class {
                candidates: r
                    .iter()
                    .filter(|&&(t, _)| t <= deadline)
                    .map(|&(_, d)| d)
                    .collect(),
                primary,
            };
            let k = *index.entry(class.clone()).or_insert_with(|| {
                classes.push(class);
                members.push(Vec::new());
                (classes.len() - 1) as u32
            });
            members[k as usize].push(h as u32);
            Some(k)
        })
        .collect();
    Group {
        deadline_hours,
        classes,
        class_of,
        members,
    }
}
