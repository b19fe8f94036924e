//! How fast the existing depots and each candidate site would deliver to every hospital.
//!
//! A site's delivery time to a hospital is its handling time plus its link to its hub plus the
//! fastest route from the hub (model.md, Forward stocking locations): the site as a depot with
//! the two lanes of its link, without building that network for every candidate. A site is
//! replenished from its `parent_id`, or from the regional depot that reaches it fastest
//! (handling, route to the site's hub and the link).

use rayon::prelude::*;

use crate::model::{Dataset, DepotId, NodeRef, Tier};
use crate::network::{to_micros, Network};

/// One depot's delivery times: to every hospital, and to every candidate site.
type DepotTimes = (Vec<Option<i64>>, Vec<Option<i64>>);

/// What one candidate would reach.
#[derive(Clone, Debug)]
pub struct SiteReach {
    /// The depot it would be replenished from.
    pub parent: DepotId,
    /// Delivery time to each hospital (micro-hours), by hospital; `None` where no route leads.
    pub micros: Vec<Option<i64>>,
}

/// Delivery times of the existing depots and of every candidate.
#[derive(Clone, Debug)]
pub struct Reach {
    /// The fastest existing depot's delivery time to each hospital.
    pub base: Vec<Option<i64>>,
    /// One entry per candidate, in `candidates.csv` order.
    pub sites: Vec<SiteReach>,
}

impl Reach {
    pub fn compute(ds: &Dataset) -> Reach {
        let net = Network::build(ds);
        let hospitals: Vec<NodeRef> = ds.hospital_ids().map(NodeRef::Hospital).collect();
        // Each depot's delivery to every hospital and to every candidate's hub.
        let depot_times: Vec<DepotTimes> = ds
            .depot_ids()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&d| {
                let handling = to_micros(ds.depot(d).handling_hours);
                let tree = net.fastest_from(NodeRef::Depot(d));
                let at = |n: NodeRef| net.fastest_micros(&tree, n).map(|t| t + handling);
                let to_hospitals = hospitals.iter().map(|&h| at(h)).collect();
                let to_sites = ds
                    .candidates
                    .iter()
                    .map(|c| at(NodeRef::Hub(c.hub)).map(|t| t + to_micros(c.link_hours)))
                    .collect();
                (to_hospitals, to_sites)
            })
            .collect();
        let base = (0..ds.hospitals.len())
            .map(|h| depot_times.iter().filter_map(|(t, _)| t[h]).min())
            .collect();
        // One tree per hub that some candidate links to.
        let mut hubs: Vec<usize> = ds.candidates.iter().map(|c| c.hub.index()).collect();
        hubs.sort_unstable();
        hubs.dedup();
        let from_hub: Vec<Vec<Option<i64>>> = hubs
            .par_iter()
            .map(|&h| {
                let tree = net.fastest_from(NodeRef::Hub(crate::model::HubId::from_index(h)));
                hospitals
                    .iter()
                    .map(|&x| net.fastest_micros(&tree, x))
                    .collect()
            })
            .collect();
        let feeders: Vec<DepotId> = {
            let regional: Vec<DepotId> = ds
                .depot_ids()
                .filter(|&d| ds.depot(d).tier == Tier::Regional)
                .collect();
            if regional.is_empty() {
                vec![ds.central_depot()]
            } else {
                regional
            }
        };
        let sites = ds
            .candidates
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let own = to_micros(c.handling_hours + c.link_hours);
                let tree = &from_hub[hubs.binary_search(&c.hub.index()).expect("hub listed")];
                let micros = tree.iter().map(|t| t.map(|t| t + own)).collect();
                let parent = c.parent.unwrap_or_else(|| {
                    *feeders
                        .iter()
                        .min_by_key(|d| {
                            (depot_times[d.index()].1[i].unwrap_or(i64::MAX), d.index())
                        })
                        .expect("at least one depot")
                });
                SiteReach { parent, micros }
            })
            .collect();
        Reach { base, sites }
    }

    /// Hospitals within `hours` of an existing depot.
    pub fn base_within(&self, hours: f64) -> usize {
        let limit = to_micros(hours);
        self.base
            .iter()
            .filter(|t| t.is_some_and(|t| t <= limit))
            .count()
    }
}
