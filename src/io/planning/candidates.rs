//! `candidates.csv`: the sites where a network design may open a forward stocking location.

use rustc_hash::FxHashMap;

use super::Builder;
use crate::io::contract::{self, ranges, DEFAULT_HOLDING_RATE};
use crate::io::contract::{DEFAULT_SITE_HANDLING_HOURS, DEFAULT_SITE_RESUPPLY_DAYS};
use crate::io::source::Source;
use crate::model::*;
use crate::money::Fen;

impl Builder {
    pub(super) fn candidates(&mut self, src: &dyn Source) {
        let mut seen: FxHashMap<String, u64> = FxHashMap::default();
        let _ = self.table(src, &contract::CANDIDATES, |b, row| {
            let id = row.required(0);
            let name = row.required(1).unwrap_or_default().to_owned();
            let lat = row.number_in(2, true, -90.0, 90.0).unwrap_or(0.0);
            let lon = row.number_in(3, true, -180.0, 180.0).unwrap_or(0.0);
            let hub = match row.required(4) {
                Some(code) => match b.nodes.get(code) {
                    Some(&(NodeRef::Hub(h), _, _)) => Some(h),
                    _ => {
                        row.error(
                            4,
                            code,
                            "unknown hub: hubs.csv has no such hub_id",
                            "name the hub the site connects to, as hubs.csv spells it",
                        );
                        None
                    }
                },
                None => None,
            };
            let link_hours = row.up_to(5, true, ranges::MAX_LANE_HOURS);
            let fixed = row.money(6, true, false);
            let link_cost = row.money(7, false, false).unwrap_or(Fen::ZERO);
            let handling_hours = row
                .up_to(8, false, ranges::MAX_HANDLING_HOURS)
                .unwrap_or(DEFAULT_SITE_HANDLING_HOURS);
            let resupply_days = row
                .up_to(9, false, ranges::MAX_RESUPPLY_DAYS)
                .unwrap_or(DEFAULT_SITE_RESUPPLY_DAYS);
            let parent = match row.text(10) {
                Some(code) => match b.nodes.get(code) {
                    Some(&(NodeRef::Depot(d), _, _)) => Some(Some(d)),
                    _ => {
                        row.error(
                            10,
                            code,
                            "unknown parent: depots.csv has no such depot_id",
                            "name an existing depot as parent_id, or leave it empty for the regional depot that reaches the site fastest",
                        );
                        None
                    }
                },
                None => Some(None),
            };
            let holding_rate = row.probability(11, false).unwrap_or(DEFAULT_HOLDING_RATE);
            let kind = row.text(12).map(str::to_owned);
            let (Some(id), Some(hub), Some(link_hours), Some(fixed), Some(parent)) =
                (id, hub, link_hours, fixed, parent)
            else {
                return;
            };
            // Sites are nodes once opened: their ids share the depots', hospitals' and hubs' space.
            if let Some(&(_, file, line)) = b.nodes.get(id) {
                super::duplicate(row, 0, id, file, line);
                return;
            }
            if let Some(first) = seen.insert(id.to_owned(), row.line) {
                super::duplicate(row, 0, id, contract::CANDIDATES.name, first);
                return;
            }
            b.ds.candidates.push(Candidate {
                code: id.to_owned(),
                name,
                lat,
                lon,
                hub,
                link_hours,
                link_cost,
                annual_fixed_cost: fixed,
                handling_hours,
                resupply_days,
                parent,
                holding_rate,
                kind,
            });
        });
    }
}
