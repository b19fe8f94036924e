//! The structural checks of a planning data set: the depot tree (one central depot, every other
//! depot's parent known, no cycle) and a lane into every hospital.

use super::{Builder, DEPOTS, HOSPITALS, USAGE};
use crate::io::diag::Place;
use crate::model::limits::MAX_PIPELINE_UNITS;
use crate::model::{NodeRef, Tier};

impl Builder {
    fn depot_place(&self, depot: usize, name: &'static str) -> Place<'static> {
        let index = match name {
            "tier" => 4,
            _ => 9,
        };
        let column = self
            .depot_columns
            .get(index)
            .copied()
            .flatten()
            .map(|p| p + 1);
        Place {
            file: DEPOTS,
            line: Some(self.depot_lines[depot]),
            column,
            column_name: Some(name),
            value: None,
        }
    }

    pub(super) fn check_depot_tree(&mut self) {
        if self.ds.depots.is_empty() {
            if !self.diag.has_errors() {
                self.diag.error(
                    Place::line(DEPOTS, 1),
                    "the data set has no depot",
                    "add the central depot and the regional depots",
                );
            }
            return;
        }
        let centrals: Vec<usize> = (0..self.ds.depots.len())
            .filter(|&i| self.ds.depots[i].tier == Tier::Central)
            .collect();
        if centrals.is_empty() {
            self.diag.error(
                Place {
                    column_name: Some("tier"),
                    ..Place::line(DEPOTS, 1)
                },
                "no depot is central",
                "set tier to central on exactly one depot (the one replenished from the factory)",
            );
        }
        for &extra in centrals.iter().skip(1) {
            let first = self.depot_lines[centrals[0]];
            let place = Place {
                value: Some("central"),
                ..self.depot_place(extra, "tier")
            };
            self.diag.error(
                place,
                format!("a second central depot (the first is on line {first})"),
                "keep exactly one central depot; make the others regional with a parent_id",
            );
        }
        let parents = std::mem::take(&mut self.depot_parents);
        self.resolve_parents(&parents);
        self.check_parent_cycles(&parents);
        self.depot_parents = parents;
    }

    /// Each depot's parent: none for the central depot, an existing depot for the others.
    fn resolve_parents(&mut self, parents: &[Option<(String, u64)>]) {
        for (i, parent) in parents.iter().enumerate() {
            let central = self.ds.depots[i].tier == Tier::Central;
            match (parent, central) {
                (None, true) => {}
                (Some((code, _)), true) => {
                    let place = Place {
                        value: Some(code),
                        ..self.depot_place(i, "parent_id")
                    };
                    self.diag.error(
                        place,
                        "the central depot is replenished from the factory and has no parent",
                        "leave parent_id empty on the central depot",
                    );
                }
                (None, false) => {
                    let place = Place {
                        value: Some(""),
                        ..self.depot_place(i, "parent_id")
                    };
                    self.diag.error(
                        place,
                        "a regional or forward depot must name the depot it is replenished from",
                        "fill in parent_id with the depot_id of its parent",
                    );
                }
                (Some((code, _)), false) => match self.nodes.get(code.as_str()) {
                    Some(&(NodeRef::Depot(d), _, _)) => self.ds.depots[i].parent = Some(d),
                    _ => {
                        let place = Place {
                            value: Some(code),
                            ..self.depot_place(i, "parent_id")
                        };
                        self.diag.error(
                            place,
                            "unknown parent: depots.csv has no such depot_id",
                            "name an existing depot as parent_id",
                        );
                    }
                },
            }
        }
    }

    /// A depot is on a cycle when walking up from its parent comes back to it.
    fn check_parent_cycles(&mut self, parents: &[Option<(String, u64)>]) {
        let n = self.ds.depots.len();
        for i in 0..n {
            let mut chain = vec![i];
            let mut at = self.ds.depots[i].parent;
            let mut on_cycle = false;
            for _ in 0..n {
                match at {
                    Some(p) if p.index() == i => {
                        on_cycle = true;
                        break;
                    }
                    Some(p) => {
                        chain.push(p.index());
                        at = self.ds.depots[p.index()].parent;
                    }
                    None => break,
                }
            }
            if on_cycle {
                let path: Vec<&str> = chain
                    .iter()
                    .chain(std::iter::once(&i))
                    .map(|&d| self.ds.depots[d].code.as_str())
                    .collect();
                let value = parents[i]
                    .as_ref()
                    .map(|(c, _)| c.clone())
                    .unwrap_or_default();
                let place = Place {
                    value: Some(&value),
                    ..self.depot_place(i, "parent_id")
                };
                self.diag.error(
                    place,
                    format!(
                        "the parent chain forms a cycle ({}) and never reaches the central depot",
                        path.join(" > ")
                    ),
                    "point one depot of the cycle at the central depot",
                );
            }
        }
    }

    pub(super) fn check_hospitals_reachable(&mut self) {
        let mut has_in = vec![false; self.ds.hospitals.len()];
        for lane in &self.ds.lanes {
            if let NodeRef::Hospital(h) = lane.to {
                has_in[h.index()] = true;
            }
        }
        for (i, reached) in has_in.iter().enumerate() {
            if !reached {
                let h = &self.ds.hospitals[i];
                self.diag.error(
                    Place {
                        file: HOSPITALS,
                        line: Some(self.hospital_lines[i]),
                        column: self.hospital_id_column,
                        column_name: Some("hospital_id"),
                        value: Some(&h.code),
                    },
                    "no lane leads into this hospital, so no part can reach it",
                    "add a row to lanes.csv with this hospital as to_id",
                );
            }
        }
        for (m, used) in self.models_with_units.iter().enumerate() {
            let has_usage = self.ds.usage.iter().any(|u| u.model.index() == m);
            if *used && !has_usage {
                self.diag.warning(
                    Place {
                        column_name: Some("model"),
                        value: Some(&self.ds.models[m].name),
                        ..Place::file(USAGE)
                    },
                    "installed units of this model have no failure rates, so they create no demand",
                    "add rows for this model to part_usage.csv",
                );
            }
        }
    }

    /// Every part's network-wide pipeline (installed demand a year x the longest resupply chain)
    /// within what a plan can hold; the plan refuses more, so validation refuses it first.
    pub(super) fn check_pipelines(&mut self) {
        if self.diag.has_errors() {
            return;
        }
        let chain = self.ds.longest_resupply_days() / 365.0;
        let mut units = vec![0.0; self.ds.models.len()];
        for u in &self.ds.units {
            units[u.model.index()] += 1.0;
        }
        let mut demand = vec![0.0; self.ds.parts.len()];
        for u in &self.ds.usage {
            demand[u.part.index()] += units[u.model.index()] * u.failures_per_unit_year;
        }
        for (p, d) in demand.iter().enumerate() {
            let pipeline = d * chain;
            if pipeline > MAX_PIPELINE_UNITS {
                let part = &self.ds.parts[p].part_no;
                self.diag.error(
                    Place {
                        column_name: Some("failures_per_unit_year"),
                        value: Some(part),
                        ..Place::file(USAGE)
                    },
                    format!(
                        "part {part} would have {pipeline:.0} units in its resupply pipeline at once (installed demand {d:.0} a year x {:.0} days of resupply up the chain), beyond the {MAX_PIPELINE_UNITS} a plan can hold",
                        chain * 365.0
                    ),
                    "check failures_per_unit_year in part_usage.csv and resupply_days in depots.csv",
                );
            }
        }
    }
}
