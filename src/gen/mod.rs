//! Data-set generators on the real geography of `data/geo`.
//!
//! [`china`] builds the bundled `data/china` set (hospital sites at real city points, an installed
//! base sized by the 2020 census, the illustrative parts catalogue, a planted finance folder).
//! [`synthetic`] builds a set of any size on the same geography for benchmarks and what-if work.
//! Both are deterministic for a seed: the same call writes the same bytes.
//!
//! Deliberately absent: any file access (the caller loads the geography and writes the result
//! through `io`), and any claim that the figures are real: they are illustrative assumptions.

pub mod catalogue;
pub mod finance;
pub mod network;
pub mod sites;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::io::geo::Geography;
use crate::model::*;
use crate::money::Fen;
use catalogue::{MODELS, PARTS};
use network::{round6, NetworkIndex};

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenParams {
    /// Number of hospitals; `None` sizes them by census population (the `data/china` set).
    pub hospitals: Option<usize>,
    /// Number of parts; `None` is the 52-part catalogue.
    pub parts: Option<usize>,
    pub seed: u64,
    /// The day the data set is a snapshot of.
    pub as_of: NaiveDate,
    /// Months of fault and downtime history before `as_of`.
    pub history_months: u32,
    /// Forward stocking locations below the regional centres.
    pub forward: network::Forward,
    /// Candidate sites for forward stocking locations (`candidates.csv`).
    pub candidates: sites::Candidates,
}

impl Default for GenParams {
    fn default() -> Self {
        GenParams {
            hospitals: None,
            parts: None,
            seed: CHINA_SEED,
            as_of: NaiveDate::from_ymd_opt(2026, 10, 31).expect("valid date"),
            history_months: 24,
            forward: network::Forward::None,
            candidates: sites::Candidates::EngineerBases,
        }
    }
}

/// Seed of the bundled data set (the date of the tender document).
pub const CHINA_SEED: u64 = 20_241_224;
/// One installed CT scanner of this maker per this many inhabitants (bundled set).
pub const PEOPLE_PER_UNIT: f64 = 280_000.0;
/// Population assumed where the census has no figure (Xinjiang Production and Construction Corps cities).
pub const DEFAULT_POPULATION: u64 = 300_000;
/// Installed units per hospital site, at most, in the bundled set.
pub const UNITS_PER_SITE: usize = 9;

/// A generated data set.
pub struct Generated {
    pub dataset: Dataset,
    pub finance: Option<FinanceSet>,
    /// Extra files to write beside the data (name, bytes).
    pub extra: Vec<(String, Vec<u8>)>,
}

fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// The bundled `data/china` data set, with its finance folder.
pub fn china(geo: &Geography) -> Generated {
    china_with(
        geo,
        network::Forward::None,
        sites::Candidates::EngineerBases,
    )
}

/// The bundled data set with forward stocking locations added (the same hospitals, installed
/// base and parts; more depots).
pub fn china_with(
    geo: &Geography,
    forward: network::Forward,
    candidates: sites::Candidates,
) -> Generated {
    let params = GenParams {
        forward,
        candidates,
        ..GenParams::default()
    };
    let dataset = build(geo, &params);
    let (finance, planted) = finance::generate(&dataset, &params);
    Generated {
        dataset,
        finance: Some(finance),
        extra: vec![("finance/PLANTED.md".to_owned(), planted.into_bytes())],
    }
}

/// A synthetic data set of any size on the same geography.
pub fn synthetic(geo: &Geography, params: &GenParams) -> Generated {
    Generated {
        dataset: build(geo, params),
        finance: None,
        extra: Vec::new(),
    }
}

fn population(geo: &Geography, c: usize) -> u64 {
    geo.cities[c].population.unwrap_or(DEFAULT_POPULATION)
}

/// Builds the planning data set.
pub fn build(geo: &Geography, params: &GenParams) -> Dataset {
    let mut ds = Dataset::default();
    let mut idx = network::add_depots_and_hubs(&mut ds, geo);
    network::add_forward_depots(&mut ds, geo, &mut idx, params.forward);
    network::add_trunk_lanes(&mut ds, geo, &idx);
    ds.models = MODELS
        .iter()
        .map(|m| ScannerModel {
            name: m.name.to_owned(),
        })
        .collect();
    add_parts(&mut ds, params);
    add_sites_and_units(&mut ds, geo, &idx, params);
    add_engineers(&mut ds, geo, &idx);
    sites::add_candidates(&mut ds, geo, &idx, params.candidates);
    add_stock(&mut ds, params);
    add_history(&mut ds, params);
    ds
}

fn round_rate(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn add_parts(ds: &mut Dataset, params: &GenParams) {
    let mut rng = rng_for(params.seed, 1);
    let count = params.parts.unwrap_or(PARTS.len()).max(1);
    // Past the catalogue, parts are variants of catalogue parts sharing the demand of their
    // template, so the demand per scanner stays that of the catalogue.
    let share = if count > PARTS.len() {
        PARTS.len() as f64 / count as f64
    } else {
        1.0
    };
    for i in 0..count {
        let spec = &PARTS[i % PARTS.len()];
        let variant = i / PARTS.len();
        let (part_no, description, cost) = if variant == 0 {
            (
                spec.part_no.to_owned(),
                spec.description.to_owned(),
                spec.unit_cost,
            )
        } else {
            let factor = 0.8 + 0.4 * rng.random::<f64>();
            (
                format!("{}-V{variant:04}", spec.part_no),
                format!("{} (variant {variant})", spec.description),
                ((spec.unit_cost as f64) * factor).round().max(1.0) as i64,
            )
        };
        let part = PartId::from_index(ds.parts.len());
        ds.parts.push(Part {
            part_no,
            description,
            unit_cost: Fen::yuan(cost),
            category: Some(spec.category.to_owned()),
            repair_hours: spec.repair_hours,
            deadline_hours: spec.deadline_hours,
        });
        for m in 0..MODELS.len() {
            if let Some(rate) = catalogue::rate(spec, m) {
                ds.usage.push(Usage {
                    model: ModelId::from_index(m),
                    part,
                    failures_per_unit_year: round_rate(rate * share),
                    pm_qty_per_visit: round_rate(spec.pm_qty_per_visit * share),
                });
            }
        }
    }
}

const SITE_NAMES: [&str; 12] = [
    "人民医院",
    "第一人民医院",
    "中心医院",
    "第二人民医院",
    "中医医院",
    "第三人民医院",
    "肿瘤医院",
    "妇幼保健院",
    "儿童医院",
    "第四人民医院",
    "骨科医院",
    "胸科医院",
];

/// Largest-remainder apportionment of `total` by `weights`.
fn apportion(total: usize, weights: &[f64]) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    let quotas: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut counts: Vec<usize> = quotas.iter().map(|q| q.floor() as usize).collect();
    let mut rest: Vec<usize> = (0..weights.len()).collect();
    rest.sort_by(|&a, &b| {
        let ra = quotas[a] - quotas[a].floor();
        let rb = quotas[b] - quotas[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let missing = total - counts.iter().sum::<usize>();
    for &i in rest.iter().take(missing) {
        counts[i] += 1;
    }
    counts
}

fn add_sites_and_units(ds: &mut Dataset, geo: &Geography, idx: &NetworkIndex, params: &GenParams) {
    let mut rng = rng_for(params.seed, 2);
    let n = geo.cities.len();
    // Units and sites per city.
    let plan: Vec<(usize, Vec<usize>)> = match params.hospitals {
        None => (0..n)
            .map(|c| {
                let units = ((population(geo, c) as f64 / PEOPLE_PER_UNIT).round() as usize).max(1);
                let sites = units.div_ceil(UNITS_PER_SITE);
                let per_site = (0..sites)
                    .map(|k| units / sites + usize::from(k < units % sites))
                    .collect();
                (sites, per_site)
            })
            .collect(),
        Some(total) => {
            let weights: Vec<f64> = (0..n).map(|c| population(geo, c) as f64).collect();
            apportion(total, &weights)
                .into_iter()
                .map(|sites| {
                    let per_site = (0..sites)
                        .map(|_| 1 + (-(1.0 - rng.random::<f64>()).ln() * 6.5) as usize)
                        .collect();
                    (sites, per_site)
                })
                .collect()
        }
    };
    let first_accept = NaiveDate::from_ymd_opt(2019, 7, 1).expect("valid date");
    let accept_span = (params.as_of - first_accept).num_days().max(31) - 30;
    for (c, (sites, per_site)) in plan.into_iter().enumerate() {
        let city = &geo.cities[c];
        let big = population(geo, c) >= 8_000_000;
        for k in 0..sites {
            let (lat, lon) = if k == 0 {
                (city.lat, city.lon)
            } else {
                let d = 2.0 + 20.0 * rng.random::<f64>();
                let a = std::f64::consts::TAU * rng.random::<f64>();
                (
                    city.lat + d / 111.0 * a.cos(),
                    city.lon + d / (111.0 * city.lat.to_radians().cos()) * a.sin(),
                )
            };
            let (code, name) = if params.hospitals.is_none() {
                let name = match SITE_NAMES.get(k) {
                    Some(suffix) => format!("{}{}", city.name_short, suffix),
                    None => format!("{}第{}医院", city.name_short, k + 1),
                };
                (format!("H{}-{:02}", city.adcode, k + 1), name)
            } else {
                (
                    format!("H{}-{:04}", city.adcode, k + 1),
                    format!("{}医院{:04}", city.name_short, k + 1),
                )
            };
            let hospital = HospitalId::from_index(ds.hospitals.len());
            ds.hospitals.push(Hospital {
                code,
                name,
                lat: round6(lat),
                lon: round6(lon),
                city: Some(city.name_zh.clone()),
                province: Some(city.province_zh.clone()),
                service_target: Default::default(),
            });
            network::add_hospital_lane(ds, idx.city_hub[c], hospital);
            // Flagship hospitals of provincial capitals negotiated a higher uptime.
            let target = if k == 0 && city.is_capital {
                0.97
            } else {
                0.95
            };
            let weights: [f64; 5] = if big {
                [0.15, 0.2, 0.3, 0.2, 0.15]
            } else {
                [0.35, 0.3, 0.25, 0.08, 0.02]
            };
            for _ in 0..per_site[k] {
                let mut u = rng.random::<f64>();
                let mut model = 0;
                while model + 1 < weights.len() && u >= weights[model] {
                    u -= weights[model];
                    model += 1;
                }
                let accepted_on = first_accept + Duration::days(rng.random_range(0..accept_span));
                let warranty_months = if rng.random::<f64>() < 0.1 { 24 } else { 12 };
                ds.units.push(Unit {
                    serial: format!(
                        "UCT{}-{}{:06}",
                        MODELS[model].code,
                        accepted_on.year() % 100,
                        ds.units.len() + 1
                    ),
                    hospital,
                    model: ModelId::from_index(model),
                    accepted_on,
                    warranty_months,
                    uptime_target: target,
                    // A day of service owed without pay: a 365th of the model's yearly contract.
                    warranty_day_cost: Some(crate::money::Fen(crate::money::div_round_half_away(
                        i128::from(MODELS[model].service_contract_yuan) * 100,
                        365,
                    ) as i64)),
                });
            }
        }
    }
}

/// About one engineer per eight scanners, based at the depots, the provincial capitals and the
/// cities with the most scanners; each city is served from the nearest base by road.
fn add_engineers(ds: &mut Dataset, geo: &Geography, idx: &NetworkIndex) {
    let n = geo.cities.len();
    let mut units_in_city = vec![0usize; n];
    let hub_city: rustc_hash::FxHashMap<HubId, usize> = idx
        .city_hub
        .iter()
        .enumerate()
        .map(|(c, &h)| (h, c))
        .collect();
    let mut hospital_city = vec![0usize; ds.hospitals.len()];
    for lane in &ds.lanes {
        if let (NodeRef::Hub(h), NodeRef::Hospital(hosp)) = (lane.from, lane.to) {
            if let Some(&c) = hub_city.get(&h) {
                hospital_city[hosp.index()] = c;
            }
        }
    }
    for u in &ds.units {
        units_in_city[hospital_city[u.hospital.index()]] += 1;
    }
    let total: usize = units_in_city.iter().sum();
    let threshold = (total / 250).max(1);
    let bases: Vec<usize> = (0..n)
        .filter(|&c| {
            geo.cities[c].is_capital || idx.depot_city.contains(&c) || units_in_city[c] >= threshold
        })
        .collect();
    let mut covered = vec![0usize; bases.len()];
    for c in 0..n {
        let nearest = (0..bases.len())
            .min_by(|&a, &b| geo.road(c, bases[a]).total_cmp(&geo.road(c, bases[b])))
            .expect("there are bases");
        covered[nearest] += units_in_city[c];
    }
    for (i, &c) in bases.iter().enumerate() {
        let engineers = ((covered[i] as f64) / 8.0).round().max(1.0) as u32;
        let base = match idx.depot_city.iter().position(|&dc| dc == c) {
            Some(d) => NodeRef::Depot(DepotId::from_index(d)),
            None => NodeRef::Hub(idx.city_hub[c]),
        };
        ds.engineers.push(EngineerBase { base, engineers });
    }
}

/// Current stock: a rough cover of each depot's share of demand over its resupply time, as a
/// planner without spareplan might have set it.
fn add_stock(ds: &mut Dataset, params: &GenParams) {
    let mut rng = rng_for(params.seed, 3);
    let mut units_of_model = vec![0f64; ds.models.len()];
    for u in &ds.units {
        units_of_model[u.model.index()] += 1.0;
    }
    let mut demand = vec![0f64; ds.parts.len()];
    for u in &ds.usage {
        demand[u.part.index()] +=
            units_of_model[u.model.index()] * (u.failures_per_unit_year + 4.0 * u.pm_qty_per_visit);
    }
    let regionals = ds
        .depots
        .iter()
        .filter(|d| d.tier != Tier::Central)
        .count()
        .max(1) as f64;
    for (d, depot) in ds.depots.iter().enumerate() {
        for (p, &yearly) in demand.iter().enumerate() {
            let (share, days) = match depot.tier {
                Tier::Central => (1.0, depot.resupply_days),
                _ => (1.0 / regionals, depot.resupply_days + 7.0),
            };
            let mean = yearly * share * days / 365.0;
            let on_hand = (mean + mean.sqrt()).round() as u32;
            let on_order = if mean > 0.5 && rng.random::<f64>() < 0.3 {
                1
            } else {
                0
            };
            ds.stock.push(StockLevel {
                depot: DepotId::from_index(d),
                part: PartId::from_index(p),
                on_hand,
                on_order,
            });
        }
    }
}

/// First day of the history window.
pub fn history_start(as_of: NaiveDate, months: u32) -> NaiveDate {
    let index = as_of.year() * 12 + as_of.month0() as i32 + 1 - months as i32;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("valid month")
}

/// Fault history and downtime: every unit fails as a Poisson process at its model's total rate,
/// each failure consuming one part drawn in proportion to the part rates.
fn add_history(ds: &mut Dataset, params: &GenParams) {
    let mut rng = rng_for(params.seed, 4);
    let start = history_start(params.as_of, params.history_months);
    let end = params.as_of + Duration::days(1);
    // Cumulative rates per model.
    let mut per_model: Vec<(Vec<f64>, Vec<PartId>)> =
        vec![(Vec::new(), Vec::new()); ds.models.len()];
    for u in &ds.usage {
        let (cum, parts) = &mut per_model[u.model.index()];
        let last = cum.last().copied().unwrap_or(0.0);
        cum.push(last + u.failures_per_unit_year);
        parts.push(u.part);
    }
    let midnight = NaiveTime::MIN;
    for (i, unit) in ds.units.iter().enumerate() {
        let (cum, parts) = &per_model[unit.model.index()];
        let Some(&total) = cum.last() else { continue };
        if total <= 0.0 {
            continue;
        }
        let from = unit.accepted_on.max(start);
        let span_days = (end - from).num_days() as f64;
        let mut t = 0.0;
        loop {
            t += -(1.0 - rng.random::<f64>()).ln() / total * 365.0;
            if t >= span_days {
                break;
            }
            let pick = rng.random::<f64>() * total;
            let k = cum.partition_point(|&c| c <= pick).min(parts.len() - 1);
            let part = parts[k];
            let day = from + Duration::days(t as i64);
            let spec = &ds.parts[part.index()];
            let severity = if spec.deadline_hours <= 4.0 || spec.unit_cost >= Fen::yuan(200_000) {
                "critical"
            } else if spec.unit_cost >= Fen::yuan(20_000) {
                "major"
            } else {
                "minor"
            };
            ds.faults.push(Fault {
                date: day,
                unit: UnitId::from_index(i),
                part,
                qty: 1,
                severity: Some(severity.to_owned()),
            });
            // Downtime: call at a daytime hour, wait for engineer and part, repair.
            let call =
                day.and_time(midnight) + Duration::minutes(rng.random_range(7 * 60..21 * 60));
            let mut wait = if spec.deadline_hours <= 4.0 {
                1.0 - 3.0 * (1.0 - rng.random::<f64>()).ln()
            } else {
                6.0 - 20.0 * (1.0 - rng.random::<f64>()).ln()
            };
            if rng.random::<f64>() < 0.03 {
                wait -= 72.0 * (1.0 - rng.random::<f64>()).ln(); // a stock-out
            }
            let minutes = ((wait + spec.repair_hours) * 60.0).round() as i64;
            ds.downtime.push(Downtime {
                unit: UnitId::from_index(i),
                start: call,
                end: call + Duration::minutes(minutes),
                reason: Some(format!("{}: {}", severity, spec.part_no)),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportionment_sums_to_total() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[5.0, 0.0, 2.0]), vec![5, 0, 2]);
    }

    #[test]
    fn history_window_starts_on_the_first_of_a_month() {
        let as_of = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        assert_eq!(
            history_start(as_of, 24),
            NaiveDate::from_ymd_opt(2024, 11, 1).unwrap()
        );
        assert_eq!(
            history_start(as_of, 10),
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
        );
    }
}
