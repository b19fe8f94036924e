//! The designed network as a planning data set: the opened sites as depots of tier `forward`,
//! each linked both ways to its hub, replenished from its parent; the candidates not opened stay
//! candidates.

use super::reach::Reach;
use crate::model::{Dataset, Depot, DepotId, Lane, Mode, NodeRef, Tier};

/// `ds` with the candidates `open` (indices into `ds.candidates`) as forward depots.
pub fn with_sites(ds: &Dataset, reach: &Reach, open: &[usize]) -> Dataset {
    let mut net = ds.clone();
    for &i in open {
        let c = &ds.candidates[i];
        let depot = NodeRef::Depot(DepotId::from_index(net.depots.len()));
        net.depots.push(Depot {
            code: c.code.clone(),
            name: c.name.clone(),
            lat: c.lat,
            lon: c.lon,
            tier: Tier::Forward,
            handling_hours: c.handling_hours,
            resupply_days: c.resupply_days,
            // The hub's name is no city name; the data set's city and province stay unknown.
            city: None,
            province: None,
            parent: Some(reach.sites[i].parent),
            holding_rate: c.holding_rate,
        });
        for (from, to) in [(depot, NodeRef::Hub(c.hub)), (NodeRef::Hub(c.hub), depot)] {
            net.lanes.push(Lane {
                from,
                to,
                mode: Mode::Courier,
                hours: c.link_hours,
                cost: c.link_cost,
                distance_km: None,
            });
        }
    }
    net.candidates = ds
        .candidates
        .iter()
        .enumerate()
        .filter(|(i, _)| !open.contains(i))
        .map(|(_, c)| c.clone())
        .collect();
    net
}
