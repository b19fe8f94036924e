//! What-if scenarios: a TOML file names a data set and the changes to make to it; each scenario is
//! planned like the baseline and compared with it ([`compare`]).
//!
//! ```toml
//! name = "Urumqi forward depot"
//! question = "What does a forward depot in Urumqi buy for the far west?"
//! data = "../data/china"              # relative to the scenario file
//! close_depots = ["RDC-CD"]
//! target = 0.98                       # every deadline tier's delivery target
//! deadline_hours = 48                 # the standard (longest) part deadline
//! emergency_deadline_hours = 6        # the emergency (shortest) part deadline
//! budget = "20000000.00"              # cap on the annual holding cost, yuan
//!
//! [[add_depots]]
//! depot_id = "FDC-URC"
//! name = "乌鲁木齐前置仓"
//! hub_id = "C650100"                  # the city hub it sits at (courier lanes both ways)
//! parent_id = "DC-SH"                 # default: the central depot
//! handling_hours = 2
//! resupply_days = 5
//!
//! [[depots]]                          # change an existing depot
//! depot_id = "RDC-BJ"
//! handling_hours = 1
//!
//! [failure_rates]                     # multiply failure rates (factors combine)
//! all = 1.1
//! models = { "uCT 760" = 1.5 }
//! parts = { "CT-XT-50" = 2.0 }
//!
//! [[lanes]]                           # disable or slow lanes, by mode and/or region
//! mode = "air"
//! action = "slow"                     # or "disable"
//! factor = 1.5
//! region = { min_lon = 73, max_lon = 100, min_lat = 26, max_lat = 50 }
//! ```
//!
//! A closed depot loses its lanes (it can serve nobody); its children are resupplied from its
//! parent. A lane is in a region when either end lies in the box. Unknown keys and impossible
//! changes (an unknown depot, closing the central depot, a factor of zero) are errors naming the
//! file and the key.

pub mod compare;
mod sites;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::limits as ranges;
use crate::model::{Dataset, Depot, DepotId, Lane, Mode, NodeRef, Tier};
use crate::money::Fen;

/// A scenario file as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub question: String,
    #[serde(default)]
    pub description: String,
    pub data: String,
    #[serde(default)]
    pub close_depots: Vec<String>,
    #[serde(default)]
    pub add_depots: Vec<AddDepot>,
    /// Candidate sites (`candidates.csv`) opened as forward stocking locations.
    #[serde(default)]
    pub open_sites: Vec<String>,
    /// Forward stocking locations closed.
    #[serde(default)]
    pub close_sites: Vec<String>,
    #[serde(default)]
    pub depots: Vec<DepotChange>,
    #[serde(default)]
    pub failure_rates: Option<RateChange>,
    #[serde(default)]
    pub lanes: Vec<LaneChange>,
    pub target: Option<f64>,
    pub deadline_hours: Option<f64>,
    pub emergency_deadline_hours: Option<f64>,
    pub budget: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddDepot {
    pub depot_id: String,
    pub name: String,
    pub hub_id: String,
    pub parent_id: Option<String>,
    pub handling_hours: f64,
    pub resupply_days: f64,
    #[serde(default = "default_holding")]
    pub holding_rate: f64,
    #[serde(default = "default_hub_hours")]
    pub hub_hours: f64,
}

fn default_holding() -> f64 {
    0.25
}

fn default_hub_hours() -> f64 {
    0.5
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepotChange {
    pub depot_id: String,
    pub handling_hours: Option<f64>,
    pub resupply_days: Option<f64>,
    pub holding_rate: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateChange {
    pub all: Option<f64>,
    #[serde(default)]
    pub models: BTreeMap<String, f64>,
    #[serde(default)]
    pub parts: BTreeMap<String, f64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaneChange {
    pub mode: Option<String>,
    pub action: String,
    pub factor: Option<f64>,
    pub region: Option<Region>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub min_lon: f64,
    pub max_lon: f64,
    pub min_lat: f64,
    pub max_lat: f64,
}

impl Region {
    fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.min_lon..=self.max_lon).contains(&lon) && (self.min_lat..=self.max_lat).contains(&lat)
    }
}

/// A scenario that cannot be read or applied, naming the file and the key.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {key}: {message}")]
pub struct ScenarioError {
    pub file: String,
    pub key: String,
    pub message: String,
}

/// A loaded scenario with its file and resolved data folder.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub file: PathBuf,
    pub data_dir: PathBuf,
    pub scenario: Scenario,
}

/// Reads a scenario file.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    let file = path.display().to_string();
    let err = |key: &str, message: String| ScenarioError {
        file: file.clone(),
        key: key.to_owned(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err("(file)", e.to_string()))?;
    let scenario: Scenario = toml::from_str(&text).map_err(|e| {
        let key = e
            .span()
            .map(|s| {
                let line = text[..s.start].matches('\n').count() + 1;
                format!("line {line}")
            })
            .unwrap_or_else(|| "(file)".to_owned());
        err(&key, e.message().to_owned())
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let data_dir = base.join(&scenario.data);
    Ok(Loaded {
        file: path.to_path_buf(),
        data_dir,
        scenario,
    })
}

/// The planning parameters a scenario sets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub target: Option<f64>,
    pub budget: Option<Fen>,
}

fn node_position(ds: &Dataset, n: NodeRef) -> (f64, f64) {
    match n {
        NodeRef::Depot(d) => (ds.depot(d).lat, ds.depot(d).lon),
        NodeRef::Hospital(h) => (ds.hospital(h).lat, ds.hospital(h).lon),
        NodeRef::Hub(h) => (ds.hubs[h.index()].lat, ds.hubs[h.index()].lon),
    }
}

/// The largest factor a scenario may scale failure rates or lane hours by.
pub const MAX_FACTOR: f64 = 100.0;

/// A positive number no larger than `max` (the data contract's range for the value it replaces).
fn positive(file: &str, key: &str, v: f64, max: f64) -> Result<f64, ScenarioError> {
    if v.is_finite() && v > 0.0 && v <= max {
        Ok(v)
    } else {
        Err(ScenarioError {
            file: file.to_owned(),
            key: key.to_owned(),
            message: if v.is_finite() && v > max {
                format!("{v} is beyond {max}, the largest value that means something here")
            } else {
                format!("{v} must be a positive number")
            },
        })
    }
}

/// Where a scenario's errors are reported: its file.
struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn err(&self, key: String, message: String) -> ScenarioError {
        ScenarioError {
            file: self.file.to_owned(),
            key,
            message,
        }
    }
}

fn depot_of(ds: &Dataset, code: &str) -> Option<DepotId> {
    ds.depot_ids().find(|&d| ds.depot(d).code == code)
}

/// Applies a scenario's changes to a copy of `ds`, in a fixed order: depot changes, added depots,
/// opened sites, closed depots, closed sites, failure rates, lanes, deadlines; then the planning settings.
pub fn apply(loaded: &Loaded, ds: &Dataset) -> Result<(Dataset, Settings), ScenarioError> {
    let file = loaded.file.display().to_string();
    let c = Ctx { file: &file };
    let s = &loaded.scenario;
    let mut ds = ds.clone();
    change_depots(&c, s, &mut ds)?;
    add_depots(&c, s, &mut ds)?;
    sites::open_sites(&c, s, &mut ds)?;
    close_depots(&c, s, &mut ds)?;
    sites::close_sites(&c, s, &mut ds)?;
    scale_failure_rates(&c, s, &mut ds)?;
    change_lanes(&c, s, &mut ds)?;
    change_deadlines(&c, s, &mut ds)?;
    Ok((ds, settings(&c, s)?))
}

/// `[[depots]]`: handling, resupply and holding of existing depots.
fn change_depots(c: &Ctx<'_>, s: &Scenario, ds: &mut Dataset) -> Result<(), ScenarioError> {
    let (file, err) = (c.file, |key: String, message: String| c.err(key, message));
    for (i, c) in s.depots.iter().enumerate() {
        let key = format!("depots[{i}].depot_id");
        let d = depot_of(ds, &c.depot_id)
            .ok_or_else(|| err(key, format!("no depot {:?} in the data set", c.depot_id)))?;
        let depot = &mut ds.depots[d.index()];
        if let Some(h) = c.handling_hours {
            depot.handling_hours = positive(
                file,
                &format!("depots[{i}].handling_hours"),
                h,
                ranges::MAX_HANDLING_HOURS,
            )?;
        }
        if let Some(r) = c.resupply_days {
            depot.resupply_days = positive(
                file,
                &format!("depots[{i}].resupply_days"),
                r,
                ranges::MAX_RESUPPLY_DAYS,
            )?;
        }
        if let Some(r) = c.holding_rate {
            depot.holding_rate = positive(file, &format!("depots[{i}].holding_rate"), r, 1.0)?;
        }
    }
    Ok(())
}

/// `[[add_depots]]`: forward depots at a hub, linked to it by courier both ways.
fn add_depots(c: &Ctx<'_>, s: &Scenario, ds: &mut Dataset) -> Result<(), ScenarioError> {
    let (file, err) = (c.file, |key: String, message: String| c.err(key, message));
    for (i, a) in s.add_depots.iter().enumerate() {
        if depot_of(ds, &a.depot_id).is_some() {
            return Err(err(
                format!("add_depots[{i}].depot_id"),
                format!("depot {:?} already exists", a.depot_id),
            ));
        }
        let hub = ds
            .hubs
            .iter()
            .position(|h| h.code == a.hub_id)
            .ok_or_else(|| {
                err(
                    format!("add_depots[{i}].hub_id"),
                    format!("no hub {:?} in the data set", a.hub_id),
                )
            })?;
        let parent = match &a.parent_id {
            Some(p) => depot_of(ds, p).ok_or_else(|| {
                err(
                    format!("add_depots[{i}].parent_id"),
                    format!("no depot {p:?} in the data set"),
                )
            })?,
            None => ds.central_depot(),
        };
        let h = &ds.hubs[hub];
        let id = DepotId::from_index(ds.depots.len());
        ds.depots.push(Depot {
            code: a.depot_id.clone(),
            name: a.name.clone(),
            lat: h.lat,
            lon: h.lon,
            tier: Tier::Forward,
            handling_hours: positive(
                file,
                &format!("add_depots[{i}].handling_hours"),
                a.handling_hours,
                ranges::MAX_HANDLING_HOURS,
            )?,
            resupply_days: positive(
                file,
                &format!("add_depots[{i}].resupply_days"),
                a.resupply_days,
                ranges::MAX_RESUPPLY_DAYS,
            )?,
            city: None,
            province: None,
            parent: Some(parent),
            holding_rate: positive(
                file,
                &format!("add_depots[{i}].holding_rate"),
                a.holding_rate,
                1.0,
            )?,
        });
        let hours = positive(
            file,
            &format!("add_depots[{i}].hub_hours"),
            a.hub_hours,
            ranges::MAX_LANE_HOURS,
        )?;
        let hub_ref = NodeRef::Hub(crate::model::HubId::from_index(hub));
        for (from, to) in [(NodeRef::Depot(id), hub_ref), (hub_ref, NodeRef::Depot(id))] {
            ds.lanes.push(Lane {
                from,
                to,
                mode: Mode::Courier,
                hours,
                cost: Fen::ZERO,
                distance_km: None,
            });
        }
    }
    Ok(())
}

/// `close_depots`: a closed depot's lanes go, its children are resupplied from its parent.
fn close_depots(c: &Ctx<'_>, s: &Scenario, ds: &mut Dataset) -> Result<(), ScenarioError> {
    let err = |key: String, message: String| c.err(key, message);
    for (i, code) in s.close_depots.iter().enumerate() {
        let key = format!("close_depots[{i}]");
        let d = depot_of(ds, code)
            .ok_or_else(|| err(key.clone(), format!("no depot {code:?} in the data set")))?;
        let Some(parent) = ds.depot(d).parent else {
            return Err(err(
                key,
                format!("{code} is the central depot: every other depot is resupplied from it"),
            ));
        };
        for other in &mut ds.depots {
            if other.parent == Some(d) {
                other.parent = Some(parent);
            }
        }
        ds.lanes
            .retain(|l| l.from != NodeRef::Depot(d) && l.to != NodeRef::Depot(d));
    }
    Ok(())
}

/// `[failure_rates]`: factors for all, per model and per part, multiplied.
fn scale_failure_rates(c: &Ctx<'_>, s: &Scenario, ds: &mut Dataset) -> Result<(), ScenarioError> {
    let (file, err) = (c.file, |key: String, message: String| c.err(key, message));
    if let Some(r) = &s.failure_rates {
        let all = match r.all {
            Some(f) => positive(file, "failure_rates.all", f, MAX_FACTOR)?,
            None => 1.0,
        };
        let mut model_factor = vec![all; ds.models.len()];
        for (name, &f) in &r.models {
            let key = format!("failure_rates.models.{name:?}");
            let m = ds
                .models
                .iter()
                .position(|m| &m.name == name)
                .ok_or_else(|| err(key.clone(), "no such model in the data set".to_owned()))?;
            model_factor[m] *= positive(file, &key, f, MAX_FACTOR)?;
        }
        let mut part_factor = vec![1.0; ds.parts.len()];
        for (no, &f) in &r.parts {
            let key = format!("failure_rates.parts.{no:?}");
            let p = ds
                .parts
                .iter()
                .position(|p| &p.part_no == no)
                .ok_or_else(|| err(key.clone(), "no such part in the data set".to_owned()))?;
            part_factor[p] *= positive(file, &key, f, MAX_FACTOR)?;
        }
        for u in &mut ds.usage {
            u.failures_per_unit_year *= model_factor[u.model.index()] * part_factor[u.part.index()];
        }
    }
    Ok(())
}

/// `[[lanes]]`: disable or slow lanes by mode and/or a longitude-latitude box.
fn change_lanes(c: &Ctx<'_>, s: &Scenario, ds: &mut Dataset) -> Result<(), ScenarioError> {
    let (file, err) = (c.file, |key: String, message: String| c.err(key, message));
    for (i, c) in s.lanes.iter().enumerate() {
        let mode =
            match &c.mode {
                None => None,
                Some(m) => Some(Mode::ALL.into_iter().find(|x| x.as_str() == m).ok_or_else(
                    || {
                        err(
                            format!("lanes[{i}].mode"),
                            format!("{m:?} is not a mode (road, air, rail, courier)"),
                        )
                    },
                )?),
            };
        let region = c.region;
        let hit = |ds: &Dataset, l: &Lane| {
            mode.is_none_or(|m| l.mode == m)
                && region.is_none_or(|r| {
                    let (a, b) = (node_position(ds, l.from), node_position(ds, l.to));
                    r.contains(a.0, a.1) || r.contains(b.0, b.1)
                })
        };
        match c.action.as_str() {
            "disable" => {
                let keep: Vec<bool> = ds.lanes.iter().map(|l| !hit(ds, l)).collect();
                let mut it = keep.into_iter();
                ds.lanes.retain(|_| it.next().unwrap_or(true));
            }
            "slow" => {
                let key = format!("lanes[{i}].factor");
                let f = c
                    .factor
                    .ok_or_else(|| err(key.clone(), "slowing lanes needs a factor".to_owned()))?;
                let f = positive(file, &key, f, MAX_FACTOR)?;
                let hits: Vec<bool> = ds.lanes.iter().map(|l| hit(ds, l)).collect();
                for (l, h) in ds.lanes.iter_mut().zip(hits) {
                    if h {
                        l.hours *= f;
                    }
                }
            }
            other => {
                return Err(err(
                    format!("lanes[{i}].action"),
                    format!("{other:?} is not an action (disable or slow)"),
                ))
            }
        }
    }
    Ok(())
}

/// `deadline_hours` and `emergency_deadline_hours`: the standard (longest) and emergency
/// (shortest) promises.
fn change_deadlines(c: &Ctx<'_>, s: &Scenario, ds: &mut Dataset) -> Result<(), ScenarioError> {
    let file = c.file;
    let longest = ds
        .parts
        .iter()
        .map(|p| p.deadline_hours)
        .fold(0.0, f64::max);
    let shortest = ds
        .parts
        .iter()
        .map(|p| p.deadline_hours)
        .fold(f64::INFINITY, f64::min);
    if let Some(h) = s.deadline_hours {
        let h = positive(file, "deadline_hours", h, ranges::MAX_DEADLINE_HOURS)?;
        for p in &mut ds.parts {
            if p.deadline_hours == longest {
                p.deadline_hours = h;
            }
        }
    }
    if let Some(h) = s.emergency_deadline_hours {
        let h = positive(
            file,
            "emergency_deadline_hours",
            h,
            ranges::MAX_DEADLINE_HOURS,
        )?;
        for p in &mut ds.parts {
            if p.deadline_hours == shortest && shortest < longest {
                p.deadline_hours = h;
            }
        }
    }
    Ok(())
}

/// `target` and `budget`: what the plan is asked for.
fn settings(c: &Ctx<'_>, s: &Scenario) -> Result<Settings, ScenarioError> {
    let err = |key: String, message: String| c.err(key, message);
    if let Some(t) = s.target {
        if !(t > 0.0 && t < 1.0) {
            return Err(err(
                "target".to_owned(),
                format!("{t} must be a probability below 1 (0.95 is 95 %)"),
            ));
        }
    }
    let budget = match &s.budget {
        None => None,
        Some(text) => Some(Fen::parse(text).ok().filter(|f| f.0 > 0).ok_or_else(|| {
            err(
                "budget".to_owned(),
                format!("{text:?} is not a positive amount of yuan such as \"20000000.00\""),
            )
        })?),
    };
    Ok(Settings {
        target: s.target,
        budget,
    })
}
