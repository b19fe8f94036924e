//! Depots, hubs and the multimodal lane network on the real geography.
//!
//! The speed model (stated in `data/china/README.md`):
//! - road line-haul: OpenStreetMap road km at 65 km/h average including stops, with relay drivers
//!   (no overnight rest); on the Qinghai-Tibet plateau and in western Sichuan the simplified road
//!   graph straightens mountain roads, so km are scaled by 1.35 and driven at 40 km/h;
//! - local courier from a city hub to a hospital: 0.5 h pick-up plus 30 km/h;
//! - air: 2 h cargo acceptance before departure, 3 h average wait for a flight with cargo space,
//!   0.5 h taxi, 750 km/h block speed on the great circle, 1.5 h unloading after arrival;
//! - rail (high-speed express parcels) between depot cities and provincial capitals: 5 h station
//!   handling at both ends plus 180 km/h on the rail km.

use crate::io::geo::Geography;
use crate::model::*;
use crate::money::Fen;

/// Plateau prefectures: Tibet, Qinghai and the Aba, Ganzi and Liangshan prefectures of Sichuan.
pub fn is_plateau(adcode: u32) -> bool {
    let province = adcode / 10_000;
    province == 54 || province == 63 || matches!(adcode, 513200 | 513300 | 513400)
}

pub const ROAD_KMH: f64 = 65.0;
pub const PLATEAU_KMH: f64 = 40.0;
pub const PLATEAU_DISTANCE_FACTOR: f64 = 1.35;
pub const COURIER_KMH: f64 = 30.0;
pub const AIR_ACCEPT_H: f64 = 2.0;
pub const AIR_WAIT_H: f64 = 3.0;
pub const AIR_TAXI_H: f64 = 0.5;
pub const AIR_KMH: f64 = 750.0;
pub const AIR_UNLOAD_H: f64 = 1.5;
pub const RAIL_HANDLING_H: f64 = 5.0;
pub const RAIL_KMH: f64 = 180.0;

/// The depot network named in the service promise: depot code, name, city adcode, tier,
/// handling hours, resupply days.
pub const DEPOTS: [(&str, &str, u32, Tier, f64, f64); 5] = [
    (
        "DC-SH",
        "上海全球备件中心",
        310100,
        Tier::Central,
        4.0,
        21.0,
    ),
    (
        "RDC-BJ",
        "北京区域备件中心",
        110100,
        Tier::Regional,
        2.0,
        3.0,
    ),
    (
        "RDC-WH",
        "武汉区域备件中心",
        420100,
        Tier::Regional,
        2.0,
        2.5,
    ),
    (
        "RDC-GZ",
        "广州区域备件中心",
        440100,
        Tier::Regional,
        2.0,
        3.0,
    ),
    (
        "RDC-CD",
        "成都区域备件中心",
        510100,
        Tier::Regional,
        2.0,
        4.0,
    ),
];

/// Airports with scheduled freighter or belly-cargo connections to every other airport.
pub const AIR_HUBS: [&str; 10] = [
    "PVG", "PEK", "WUH", "CAN", "CTU", "URC", "XIY", "KMG", "LXA", "HRB",
];

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Great-circle distance in km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

/// Road hours over `km` between two cities.
pub fn road_hours(km: f64, plateau: bool) -> f64 {
    if plateau {
        km * PLATEAU_DISTANCE_FACTOR / PLATEAU_KMH
    } else {
        km / ROAD_KMH
    }
}

fn yuan(v: f64) -> Fen {
    Fen::yuan(v.round() as i64)
}

/// What the network builder produces besides the data set's vectors.
pub struct NetworkIndex {
    /// Hub of each city (index into `Dataset::hubs`), by city index.
    pub city_hub: Vec<HubId>,
    /// City index of each depot.
    pub depot_city: Vec<usize>,
}

/// Adds the depots and the city and airport hubs.
pub fn add_depots_and_hubs(ds: &mut Dataset, geo: &Geography) -> NetworkIndex {
    let mut city_hub = Vec::with_capacity(geo.cities.len());
    for c in &geo.cities {
        city_hub.push(HubId::from_index(ds.hubs.len()));
        ds.hubs.push(Hub {
            code: format!("C{}", c.adcode),
            name: format!("{}城市集散点", c.name_short),
            lat: c.lat,
            lon: c.lon,
            kind: Some(HubKind::City),
        });
    }
    for a in usable_airports(geo) {
        ds.hubs.push(Hub {
            code: format!("A-{}", a.iata),
            name: a.name.clone(),
            lat: a.lat,
            lon: a.lon,
            kind: Some(HubKind::Airport),
        });
    }
    let mut depot_city = Vec::new();
    for (code, name, adcode, tier, handling, resupply) in DEPOTS {
        let city = geo
            .city_index(adcode)
            .expect("depot cities are in the geography");
        let c = &geo.cities[city];
        depot_city.push(city);
        ds.depots.push(Depot {
            code: code.to_owned(),
            name: name.to_owned(),
            // Logistics parks lie a few km from the city point.
            lat: round6(c.lat + 0.03),
            lon: round6(c.lon + 0.04),
            tier,
            handling_hours: handling,
            resupply_days: resupply,
            city: Some(c.name_zh.clone()),
            province: Some(c.province_zh.clone()),
            parent: (tier != Tier::Central).then_some(DepotId(0)),
            holding_rate: 0.25,
        });
    }
    NetworkIndex {
        city_hub,
        depot_city,
    }
}

/// Forward stocking locations a generated network adds below its regional centres.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Forward {
    /// The five centres alone.
    #[default]
    None,
    /// One in every provincial capital without a centre.
    Capitals,
    /// One in each of the `n` most populous cities without a centre.
    Largest(usize),
}

/// Handling hours of a forward stocking location (a small store at an engineer base).
pub const FORWARD_HANDLING_HOURS: f64 = 1.0;

/// Adds forward stocking locations (tier `forward`), each replenished from the regional centre
/// nearest by road (resupply: a day's handling plus the road time, in half days).
pub fn add_forward_depots(ds: &mut Dataset, geo: &Geography, idx: &mut NetworkIndex, f: Forward) {
    let mut cities: Vec<usize> = (0..geo.cities.len())
        .filter(|c| !idx.depot_city.contains(c))
        .collect();
    match f {
        Forward::None => return,
        Forward::Capitals => cities.retain(|&c| geo.cities[c].is_capital),
        Forward::Largest(n) => {
            let pop = |c: usize| geo.cities[c].population.unwrap_or(0);
            cities.sort_by(|&a, &b| pop(b).cmp(&pop(a)).then(a.cmp(&b)));
            cities.truncate(n);
            cities.sort_unstable();
        }
    }
    let regionals: Vec<(usize, usize)> = ds
        .depots
        .iter()
        .enumerate()
        .filter(|(_, d)| d.tier == Tier::Regional)
        .map(|(d, _)| (d, idx.depot_city[d]))
        .collect();
    for c in cities {
        let city = &geo.cities[c];
        let Some(&(parent, pc)) = regionals.iter().min_by(|a, b| {
            geo.road(a.1, c)
                .total_cmp(&geo.road(b.1, c))
                .then(a.0.cmp(&b.0))
        }) else {
            return;
        };
        let hours = road_hours(geo.road(pc, c), is_plateau(city.adcode));
        idx.depot_city.push(c);
        ds.depots.push(Depot {
            code: format!("FSL-{}", city.adcode),
            name: format!("{}前置备件库", city.name_short),
            lat: round6(city.lat + 0.02),
            lon: round6(city.lon + 0.02),
            tier: Tier::Forward,
            handling_hours: FORWARD_HANDLING_HOURS,
            resupply_days: ((1.0 + hours / 24.0) * 2.0).ceil() / 2.0,
            city: Some(city.name_zh.clone()),
            province: Some(city.province_zh.clone()),
            parent: Some(DepotId::from_index(parent)),
            holding_rate: 0.25,
        });
    }
}

/// Civil airports close enough to a city to serve it.
pub fn usable_airports(geo: &Geography) -> impl Iterator<Item = &crate::io::geo::Airport> {
    geo.airports
        .iter()
        .filter(|a| !a.name.contains("Air Base") && a.iata != "NAY" && a.city_km <= 150.0)
}

fn lane(ds: &mut Dataset, from: NodeRef, to: NodeRef, mode: Mode, hours: f64, cost: Fen, km: f64) {
    ds.lanes.push(Lane {
        from,
        to,
        mode,
        hours: round2(hours),
        cost,
        distance_km: Some((km * 10.0).round() / 10.0),
    });
}

/// Adds every lane between depots and hubs (hospital lanes are added with the hospitals): depot
/// line-haul, the city road network, airports and flights, high-speed rail.
pub fn add_trunk_lanes(ds: &mut Dataset, geo: &Geography, idx: &NetworkIndex) {
    add_depot_lanes(ds, geo, idx);
    add_city_roads(ds, geo, idx);
    add_air_lanes(ds, geo, idx);
    add_rail_lanes(ds, geo, idx);
}

/// Depot <-> its own city hub, and depot line-haul to every other city.
fn add_depot_lanes(ds: &mut Dataset, geo: &Geography, idx: &NetworkIndex) {
    let n = geo.cities.len();
    let hub = |c: usize| NodeRef::Hub(idx.city_hub[c]);
    for (d, &dc) in idx.depot_city.iter().enumerate() {
        let depot = NodeRef::Depot(DepotId::from_index(d));
        lane(ds, depot, hub(dc), Mode::Courier, 0.75, Fen::yuan(60), 15.0);
        lane(ds, hub(dc), depot, Mode::Courier, 0.75, Fen::yuan(60), 15.0);
        for c in 0..n {
            if c == dc {
                continue;
            }
            let km = geo.road(dc, c);
            let plateau = is_plateau(geo.cities[c].adcode);
            lane(
                ds,
                depot,
                hub(c),
                Mode::Road,
                road_hours(km, plateau),
                yuan(300.0 + 1.6 * km),
                km,
            );
        }
    }
}

/// City hub road network: each city to its six nearest by road, both ways.
fn add_city_roads(ds: &mut Dataset, geo: &Geography, idx: &NetworkIndex) {
    let n = geo.cities.len();
    let hub = |c: usize| NodeRef::Hub(idx.city_hub[c]);
    let mut pairs = std::collections::BTreeSet::new();
    for i in 0..n {
        let mut near: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        near.sort_by(|&a, &b| geo.road(i, a).total_cmp(&geo.road(i, b)).then(a.cmp(&b)));
        for &j in near.iter().take(6) {
            pairs.insert((i.min(j), i.max(j)));
        }
    }
    for (i, j) in pairs {
        let km = geo.road(i, j);
        let plateau = is_plateau(geo.cities[i].adcode) || is_plateau(geo.cities[j].adcode);
        let hours = road_hours(km, plateau);
        let cost = yuan(200.0 + 1.2 * km);
        lane(ds, hub(i), hub(j), Mode::Road, hours, cost, km);
        lane(ds, hub(j), hub(i), Mode::Road, hours, cost, km);
    }
}

/// Airports: ground legs to and from the nearest city, and flights from the air hubs.
fn add_air_lanes(ds: &mut Dataset, geo: &Geography, idx: &NetworkIndex) {
    let hub = |c: usize| NodeRef::Hub(idx.city_hub[c]);
    let airports: Vec<(HubId, &crate::io::geo::Airport)> = usable_airports(geo)
        .map(|a| {
            let code = format!("A-{}", a.iata);
            let id = ds
                .hubs
                .iter()
                .position(|h| h.code == code)
                .expect("airport hubs were added");
            (HubId::from_index(id), a)
        })
        .collect();
    for &(h, a) in &airports {
        let km = a.city_km * 1.3 + 5.0;
        let ground = km / 50.0;
        let cost = yuan(150.0 + 2.0 * km);
        lane(
            ds,
            hub(a.city),
            NodeRef::Hub(h),
            Mode::Courier,
            ground + AIR_ACCEPT_H,
            cost,
            km,
        );
        lane(
            ds,
            NodeRef::Hub(h),
            hub(a.city),
            Mode::Courier,
            ground + AIR_UNLOAD_H,
            cost,
            km,
        );
    }
    for &(h, a) in airports
        .iter()
        .filter(|(_, a)| AIR_HUBS.contains(&a.iata.as_str()))
    {
        for &(h2, a2) in &airports {
            if h2 == h || a2.city == a.city {
                continue;
            }
            let km = haversine_km(a.lat, a.lon, a2.lat, a2.lon);
            let hours = AIR_WAIT_H + AIR_TAXI_H + km / AIR_KMH;
            let cost = yuan(600.0 + 3.0 * km);
            lane(
                ds,
                NodeRef::Hub(h),
                NodeRef::Hub(h2),
                Mode::Air,
                hours,
                cost,
                km,
            );
            if !AIR_HUBS.contains(&a2.iata.as_str()) {
                lane(
                    ds,
                    NodeRef::Hub(h2),
                    NodeRef::Hub(h),
                    Mode::Air,
                    hours,
                    cost,
                    km,
                );
            }
        }
    }
}

/// High-speed rail express between depot cities and provincial capitals with a station.
fn add_rail_lanes(ds: &mut Dataset, geo: &Geography, idx: &NetworkIndex) {
    let n = geo.cities.len();
    let hub = |c: usize| NodeRef::Hub(idx.city_hub[c]);
    let has_rail = |c: usize| geo.cities[c].rail_snap_km < 30.0;
    for &dc in &idx.depot_city {
        for c in 0..n {
            if c == dc || !geo.cities[c].is_capital || !has_rail(dc) || !has_rail(c) {
                continue;
            }
            let km = geo.rail(dc, c);
            if !km.is_finite() || km <= 0.0 {
                continue;
            }
            let hours = RAIL_HANDLING_H + km / RAIL_KMH;
            let cost = yuan(150.0 + 0.5 * km);
            lane(ds, hub(dc), hub(c), Mode::Rail, hours, cost, km);
            if !idx.depot_city.contains(&c) {
                lane(ds, hub(c), hub(dc), Mode::Rail, hours, cost, km);
            }
        }
    }
}

/// Adds the courier lane from a hospital's city hub to the hospital.
pub fn add_hospital_lane(ds: &mut Dataset, city_hub: HubId, hospital: HospitalId) {
    let hub = &ds.hubs[city_hub.index()];
    let h = &ds.hospitals[hospital.index()];
    let km = haversine_km(hub.lat, hub.lon, h.lat, h.lon) * 1.3 + 3.0;
    let hours = 0.5 + km / COURIER_KMH;
    let cost = yuan(50.0 + 2.0 * km);
    lane(
        ds,
        NodeRef::Hub(city_hub),
        NodeRef::Hospital(hospital),
        Mode::Courier,
        hours,
        cost,
        km,
    );
}
