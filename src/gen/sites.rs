//! Candidate sites for forward stocking locations (`candidates.csv`): a store room at every
//! engineer base outside the depots' cities, and, when asked for more, at the most populous
//! other cities.
//!
//! Fixed costs are illustrative assumptions, reasoned in `data/china/README.md`: a store room of
//! about 15 m2 in an engineer office (rent and utilities), its stock control (the bar-code
//! scanner, the warehouse system's licence, the yearly count, insurance of the stock) and a
//! part-time storekeeper, dearer in larger cities.

use super::network::{is_plateau, road_hours, NetworkIndex};
use crate::io::geo::Geography;
use crate::model::*;
use crate::money::Fen;

/// Which candidate sites a generated data set lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Candidates {
    /// None (no candidates.csv).
    None,
    /// A store room at every engineer base outside the depots' cities.
    #[default]
    EngineerBases,
    /// The engineer bases, then the most populous other cities, `n` sites in all.
    Count(usize),
}

/// Courier time from the store room to its city hub, hours.
pub const LINK_HOURS: f64 = 0.5;
/// Courier cost of that link per shipment.
pub const LINK_COST_YUAN: i64 = 40;
/// Annual fixed cost of a site by the city's 2020 census population: 10 million or more, 5 to 10
/// million, 2 to 5 million, fewer (rents and wages follow the city's size).
pub const FIXED_COST_YUAN: [i64; 4] = [120_000, 96_000, 72_000, 54_000];

/// Adds the candidate sites `which` asks for (after the engineer bases are placed).
pub fn add_candidates(ds: &mut Dataset, geo: &Geography, idx: &NetworkIndex, which: Candidates) {
    let limit = match which {
        Candidates::None => return,
        Candidates::EngineerBases => usize::MAX,
        Candidates::Count(n) => n,
    };
    let hub_city: rustc_hash::FxHashMap<HubId, usize> = idx
        .city_hub
        .iter()
        .enumerate()
        .map(|(c, &h)| (h, c))
        .collect();
    let mut cities: Vec<(usize, &'static str)> = ds
        .engineers
        .iter()
        .filter_map(|e| match e.base {
            NodeRef::Hub(h) => hub_city.get(&h).map(|&c| (c, "engineer_base")),
            _ => None,
        })
        .filter(|(c, _)| !idx.depot_city.contains(c))
        .collect();
    cities.sort_unstable();
    if let Candidates::Count(n) = which {
        let pop = |c: usize| geo.cities[c].population.unwrap_or(0);
        let mut others: Vec<usize> = (0..geo.cities.len())
            .filter(|c| !idx.depot_city.contains(c) && !cities.iter().any(|x| x.0 == *c))
            .collect();
        others.sort_by(|&a, &b| pop(b).cmp(&pop(a)).then(a.cmp(&b)));
        cities.extend(
            others
                .into_iter()
                .take(n.saturating_sub(cities.len()))
                .map(|c| (c, "city_store")),
        );
    }
    cities.truncate(limit);
    let regionals: Vec<usize> = ds
        .depots
        .iter()
        .enumerate()
        .filter(|(_, d)| d.tier == Tier::Regional)
        .map(|(d, _)| idx.depot_city[d])
        .collect();
    for (c, kind) in cities {
        let city = &geo.cities[c];
        let people = city.population.unwrap_or(0);
        let tier = match people {
            10_000_000.. => 0,
            5_000_000.. => 1,
            2_000_000.. => 2,
            _ => 3,
        };
        // Resupply by road from the nearest regional centre: a day's handling plus the drive,
        // in half days (the parent itself is left to the planner's default rule).
        let km = regionals
            .iter()
            .map(|&r| geo.road(r, c))
            .fold(f64::INFINITY, f64::min);
        let resupply = if km.is_finite() {
            ((1.0 + road_hours(km, is_plateau(city.adcode)) / 24.0) * 2.0).ceil() / 2.0
        } else {
            2.0
        };
        ds.candidates.push(Candidate {
            code: format!("CS-{}", city.adcode),
            name: format!("{}工程师站备件间", city.name_short),
            lat: super::network::round6(city.lat + 0.01),
            lon: super::network::round6(city.lon + 0.01),
            hub: idx.city_hub[c],
            link_hours: LINK_HOURS,
            link_cost: Fen::yuan(LINK_COST_YUAN),
            annual_fixed_cost: Fen::yuan(FIXED_COST_YUAN[tier]),
            handling_hours: 1.0,
            resupply_days: resupply,
            parent: None,
            holding_rate: 0.25,
            kind: Some(kind.to_owned()),
        });
    }
}
