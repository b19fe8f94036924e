//! Loads and validates the planning data set of the data contract into a [`Dataset`].
//!
//! Every file is read in full and every problem is collected; a `Dataset` is returned only when
//! there is no error at all. Rows with errors still register their ids, so one bad cell does not
//! cascade into "unknown id" errors elsewhere.

use rustc_hash::FxHashMap;

mod candidates;
mod checks;
mod records;

use super::contract::{self, ranges, FileSpec};
use super::diag::Diagnostics;
use super::source::Source;
use super::table::{read_table, Row};
use super::{open_file, LoadError, Loaded};
use crate::model::*;
use crate::money::Fen;

const DEPOTS: &str = contract::DEPOTS.name;
const HOSPITALS: &str = contract::HOSPITALS.name;
const USAGE: &str = contract::PART_USAGE.name;

pub use super::contract::{
    DEFAULT_DEADLINE_HOURS, DEFAULT_HOLDING_RATE, DEFAULT_REPAIR_HOURS, DEFAULT_UPTIME_TARGET,
    DEFAULT_WARRANTY_MONTHS,
};

#[derive(Default)]
struct Builder {
    ds: Dataset,
    diag: Diagnostics,
    nodes: FxHashMap<String, (NodeRef, &'static str, u64)>,
    depot_lines: Vec<u64>,
    depot_parents: Vec<Option<(String, u64)>>,
    depot_columns: Vec<Option<usize>>,
    hospital_lines: Vec<u64>,
    hospital_id_column: Option<usize>,
    parts: FxHashMap<String, (PartId, u64)>,
    units: FxHashMap<String, (UnitId, u64)>,
    models: FxHashMap<String, ModelId>,
    models_with_units: Vec<bool>,
}

/// Loads the planning data set from `src`.
pub fn load_planning(src: &dyn Source) -> Result<Loaded<Dataset>, LoadError> {
    let mut b = Builder::default();
    b.depots(src);
    b.hubs(src);
    b.hospitals(src);
    b.lanes(src);
    b.parts(src);
    b.units(src);
    b.usage(src);
    b.stock(src);
    b.engineers(src);
    b.faults(src);
    b.downtime(src);
    b.candidates(src);
    b.check_depot_tree();
    b.check_hospitals_reachable();
    b.check_pipelines();
    let Builder { ds, diag, .. } = b;
    if diag.has_errors() {
        return Err(LoadError::Invalid {
            source_name: src.describe(),
            problems: diag.into_sorted(),
        });
    }
    Ok(Loaded {
        data: ds,
        warnings: diag.into_sorted(),
    })
}

fn duplicate(row: &mut Row<'_>, c: usize, value: &str, first_file: &str, first_line: u64) {
    let message = if first_file == row.file {
        format!("duplicate id: also on line {first_line}")
    } else {
        format!("duplicate id: {first_file} line {first_line} already uses it (ids are unique across depots, hospitals, hubs and candidate sites)")
    };
    row.error(c, value, message, "give every row its own id");
}

impl Builder {
    fn table(
        &mut self,
        src: &dyn Source,
        spec: &'static FileSpec,
        mut on_row: impl FnMut(&mut Self, &mut Row<'_>),
    ) -> Option<Vec<Option<usize>>> {
        let file = spec.name;
        let reader = open_file(src, file, spec.required, &mut self.diag)?;
        // The row borrows the diagnostics; the closure gets the rest of the builder.
        let mut diag = std::mem::take(&mut self.diag);
        let mut rows = 0usize;
        let map = read_table(file, reader, spec.columns, &mut diag, |row| {
            rows += 1;
            on_row(self, row);
        });
        if map.is_some() && rows == 0 && spec.required && !diag.has_errors_in(spec.name) {
            diag.error(
                super::diag::Place::line(file, 2),
                "the file has a header but no rows, and a data set needs them",
                "fill in the table (see validate --help for its columns)",
            );
        }
        self.diag = diag;
        map
    }

    fn register_node(&mut self, row: &mut Row<'_>, c: usize, code: &str, node: NodeRef) -> bool {
        if let Some(&(_, file, line)) = self.nodes.get(code) {
            duplicate(row, c, code, file, line);
            return false;
        }
        self.nodes
            .insert(code.to_owned(), (node, leak_file(row.file), row.line));
        true
    }

    fn depots(&mut self, src: &dyn Source) {
        let map = self.table(src, &contract::DEPOTS, |b, row| {
            let id = row.required(0);
            let name = row.required(1).unwrap_or_default().to_owned();
            let lat = row.number_in(2, true, -90.0, 90.0).unwrap_or(0.0);
            let lon = row.number_in(3, true, -180.0, 180.0).unwrap_or(0.0);
            let tier = match row.required(4) {
                Some(t) if t.eq_ignore_ascii_case("central") => Some(Tier::Central),
                Some(t) if t.eq_ignore_ascii_case("regional") => Some(Tier::Regional),
                Some(t) if t.eq_ignore_ascii_case("forward") => Some(Tier::Forward),
                Some(t) => {
                    row.error(4, t, "unknown tier", "write central, regional or forward");
                    None
                }
                None => None,
            };
            let handling_hours = row
                .up_to(5, true, ranges::MAX_HANDLING_HOURS)
                .unwrap_or(0.0);
            let resupply_days = row.up_to(6, true, ranges::MAX_RESUPPLY_DAYS).unwrap_or(0.0);
            let city = row.text(7).map(str::to_owned);
            let province = row.text(8).map(str::to_owned);
            let parent = row.text(9).map(|p| (p.to_owned(), row.line));
            let holding_rate = row.probability(10, false).unwrap_or(DEFAULT_HOLDING_RATE);
            let Some(id) = id else { return };
            let depot = DepotId::from_index(b.ds.depots.len());
            if !b.register_node(row, 0, id, NodeRef::Depot(depot)) {
                return;
            }
            b.ds.depots.push(Depot {
                code: id.to_owned(),
                name,
                lat,
                lon,
                // A bad tier is already an error; Regional keeps the tree checks quiet about it.
                tier: tier.unwrap_or(Tier::Regional),
                handling_hours,
                resupply_days,
                city,
                province,
                parent: None,
                holding_rate,
            });
            b.depot_lines.push(row.line);
            b.depot_parents.push(parent);
        });
        self.depot_columns = map.unwrap_or_default();
    }

    fn hubs(&mut self, src: &dyn Source) {
        let _ = self.table(src, &contract::HUBS, |b, row| {
            let id = row.required(0);
            let name = row.required(1).unwrap_or_default().to_owned();
            let lat = row.number_in(2, true, -90.0, 90.0).unwrap_or(0.0);
            let lon = row.number_in(3, true, -180.0, 180.0).unwrap_or(0.0);
            let kind = match row.text(4) {
                Some(k) if k.eq_ignore_ascii_case("city") => Some(HubKind::City),
                Some(k) if k.eq_ignore_ascii_case("airport") => Some(HubKind::Airport),
                Some(k) if k.eq_ignore_ascii_case("rail") => Some(HubKind::Rail),
                Some(k) => {
                    row.error(4, k, "unknown hub kind", "write city, airport or rail");
                    None
                }
                None => None,
            };
            let Some(id) = id else { return };
            let hub = HubId::from_index(b.ds.hubs.len());
            if !b.register_node(row, 0, id, NodeRef::Hub(hub)) {
                return;
            }
            b.ds.hubs.push(Hub {
                code: id.to_owned(),
                name,
                lat,
                lon,
                kind,
            });
        });
    }

    fn hospitals(&mut self, src: &dyn Source) {
        let map = self.table(src, &contract::HOSPITALS, |b, row| {
            let id = row.required(0);
            let name = row.required(1).unwrap_or_default().to_owned();
            let lat = row.number_in(2, true, -90.0, 90.0).unwrap_or(0.0);
            let lon = row.number_in(3, true, -180.0, 180.0).unwrap_or(0.0);
            let city = row.text(4).map(str::to_owned);
            let province = row.text(5).map(str::to_owned);
            let service_target = row.below_one(6, false);
            let Some(id) = id else { return };
            let hospital = HospitalId::from_index(b.ds.hospitals.len());
            if !b.register_node(row, 0, id, NodeRef::Hospital(hospital)) {
                return;
            }
            b.ds.hospitals.push(Hospital {
                code: id.to_owned(),
                name,
                lat,
                lon,
                city,
                province,
                service_target,
            });
            b.hospital_lines.push(row.line);
        });
        self.hospital_id_column = map.and_then(|m| m[0]).map(|p| p + 1);
    }

    fn node(&self, row: &mut Row<'_>, c: usize) -> Option<NodeRef> {
        let code = row.required(c)?;
        match self.nodes.get(code) {
            Some(&(node, _, _)) => Some(node),
            None => {
                row.error(
                    c,
                    code,
                    "no depot, hospital or hub has this id",
                    "add the node to depots.csv, hospitals.csv or hubs.csv, or correct the id",
                );
                None
            }
        }
    }

    fn lanes(&mut self, src: &dyn Source) {
        let mut keys: FxHashMap<(NodeRef, NodeRef, Mode), u64> = FxHashMap::default();
        let _ = self.table(src, &contract::LANES, |b, row| {
            let from = b.node(row, 0);
            let to = b.node(row, 1);
            let mode = match row.required(2) {
                Some(m) => match Mode::ALL
                    .iter()
                    .find(|x| x.as_str().eq_ignore_ascii_case(m))
                {
                    Some(&mode) => Some(mode),
                    None => {
                        row.error(2, m, "unknown mode", "write road, air, rail or courier");
                        None
                    }
                },
                None => None,
            };
            let hours = row.up_to(3, true, ranges::MAX_LANE_HOURS);
            let cost = row.money(4, false, false).unwrap_or(Fen::ZERO);
            let distance_km = row.up_to(5, false, ranges::MAX_DISTANCE_KM);
            let (Some(from), Some(to), Some(mode), Some(hours)) = (from, to, mode, hours) else {
                return;
            };
            if from == to {
                let code = b.ds.node_code(to).to_owned();
                row.error(
                    1,
                    &code,
                    "the lane starts and ends at the same node",
                    "remove the row or correct to_id",
                );
                return;
            }
            if let Some(first) = keys.insert((from, to, mode), row.line) {
                let code = b.ds.node_code(to).to_owned();
                row.error(
                    1,
                    &code,
                    format!("duplicate lane (from_id, to_id, mode): also on line {first}"),
                    "keep one row per lane and mode",
                );
                return;
            }
            b.ds.lanes.push(Lane {
                from,
                to,
                mode,
                hours,
                cost,
                distance_km,
            });
        });
    }

    fn parts(&mut self, src: &dyn Source) {
        let _ = self.table(src, &contract::PARTS, |b, row| {
            let id = row.required(0);
            let description = row.required(1).unwrap_or_default().to_owned();
            let unit_cost = row.money(2, true, false).unwrap_or(Fen::ZERO);
            let category = row.text(3).map(str::to_owned);
            let repair_hours = row
                .up_to(4, false, ranges::MAX_REPAIR_HOURS)
                .unwrap_or(DEFAULT_REPAIR_HOURS);
            let deadline_hours = match row.up_to(5, false, ranges::MAX_DEADLINE_HOURS) {
                Some(0.0) => {
                    row.error(
                        5,
                        "0",
                        "a delivery deadline of zero hours cannot be met",
                        "write a positive number of hours, such as 72 or 4",
                    );
                    DEFAULT_DEADLINE_HOURS
                }
                Some(d) => d,
                None => DEFAULT_DEADLINE_HOURS,
            };
            let Some(id) = id else { return };
            if let Some(&(_, first)) = b.parts.get(id) {
                row.error(
                    0,
                    id,
                    format!("duplicate part_no: also on line {first}"),
                    "keep one row per part",
                );
                return;
            }
            let part = PartId::from_index(b.ds.parts.len());
            b.parts.insert(id.to_owned(), (part, row.line));
            b.ds.parts.push(Part {
                part_no: id.to_owned(),
                description,
                unit_cost,
                category,
                repair_hours,
                deadline_hours,
            });
        });
    }

    fn part(&self, row: &mut Row<'_>, c: usize) -> Option<PartId> {
        let code = row.required(c)?;
        match self.parts.get(code) {
            Some(&(id, _)) => Some(id),
            None => {
                row.error(
                    c,
                    code,
                    "unknown part: parts.csv has no such part_no",
                    "add the part to parts.csv or correct the part number",
                );
                None
            }
        }
    }

    fn model(&mut self, name: &str) -> ModelId {
        if let Some(&id) = self.models.get(name) {
            return id;
        }
        let id = ModelId::from_index(self.ds.models.len());
        self.ds.models.push(ScannerModel {
            name: name.to_owned(),
        });
        self.models.insert(name.to_owned(), id);
        self.models_with_units.push(false);
        id
    }

    fn units(&mut self, src: &dyn Source) {
        let _ = self.table(src, &contract::INSTALLED_BASE, |b, row| {
            let serial = row.required(0);
            let hospital = match row.required(1) {
                Some(code) => match b.nodes.get(code) {
                    Some(&(NodeRef::Hospital(h), _, _)) => Some(h),
                    Some(_) => {
                        row.error(
                            1,
                            code,
                            "this id is a depot or hub, not a hospital",
                            "name a hospital from hospitals.csv",
                        );
                        None
                    }
                    None => {
                        row.error(
                            1,
                            code,
                            "unknown hospital: hospitals.csv has no such hospital_id",
                            "add the hospital to hospitals.csv or correct the id",
                        );
                        None
                    }
                },
                None => None,
            };
            let model = row.required(2).map(|m| b.model(m));
            let accepted_on = row.date(3, true);
            let warranty_months = row
                .integer_in(4, false, 1, ranges::MAX_WARRANTY_MONTHS)
                .map_or(DEFAULT_WARRANTY_MONTHS, |m| m as u32);
            let uptime_target = row.below_one(5, false).unwrap_or(DEFAULT_UPTIME_TARGET);
            let warranty_day_cost = row.money(6, false, false);
            let Some(serial) = serial else { return };
            if let Some(&(_, first)) = b.units.get(serial) {
                row.error(
                    0,
                    serial,
                    format!("duplicate serial: also on line {first}"),
                    "keep one row per installed unit",
                );
                return;
            }
            let unit = UnitId::from_index(b.ds.units.len());
            b.units.insert(serial.to_owned(), (unit, row.line));
            if let Some(m) = model {
                b.models_with_units[m.index()] = true;
            }
            b.ds.units.push(Unit {
                serial: serial.to_owned(),
                hospital: hospital.unwrap_or(HospitalId(0)),
                model: model.unwrap_or(ModelId(0)),
                accepted_on: accepted_on.unwrap_or_default(),
                warranty_months,
                uptime_target,
                warranty_day_cost,
            });
        });
    }

    fn unit(&self, row: &mut Row<'_>, c: usize) -> Option<UnitId> {
        let serial = row.required(c)?;
        match self.units.get(serial) {
            Some(&(id, _)) => Some(id),
            None => {
                row.error(
                    c,
                    serial,
                    "unknown serial: installed_base.csv has no such unit",
                    "add the unit to installed_base.csv or correct the serial",
                );
                None
            }
        }
    }

    fn usage(&mut self, src: &dyn Source) {
        let mut keys: FxHashMap<(ModelId, PartId), u64> = FxHashMap::default();
        let _ = self.table(src, &contract::PART_USAGE, |b, row| {
            let model_name = row.required(0);
            let part = b.part(row, 1);
            let rate = row.up_to(2, true, ranges::MAX_FAILURES_PER_UNIT_YEAR);
            let pm = row
                .up_to(3, false, ranges::MAX_PM_QTY)
                .unwrap_or(contract::DEFAULT_PM_QTY);
            let Some(model_name) = model_name else { return };
            let known = b.models.contains_key(model_name);
            let model = b.model(model_name);
            if !known {
                row.warning(
                    0,
                    model_name,
                    "no unit in installed_base.csv has this model; the row has no effect",
                    "check the model name against installed_base.csv",
                );
            }
            let (Some(part), Some(rate)) = (part, rate) else {
                return;
            };
            if let Some(first) = keys.insert((model, part), row.line) {
                let code = b.ds.part(part).part_no.clone();
                row.error(
                    1,
                    &code,
                    format!("duplicate (model, part_no): also on line {first}"),
                    "keep one row per model and part",
                );
                return;
            }
            b.ds.usage.push(Usage {
                model,
                part,
                failures_per_unit_year: rate,
                pm_qty_per_visit: pm,
            });
        });
    }
}

/// File names are static strings of this module; the node map keeps them without allocation.
fn leak_file(file: &str) -> &'static str {
    contract::PLANNING
        .iter()
        .map(|f| f.name)
        .find(|f| *f == file)
        .unwrap_or("input")
}
