//! The records of a planning data set that may be absent: stock on hand and on order, engineer
//! bases, the fault history and downtime periods.

use rustc_hash::FxHashMap;

use super::Builder;
use crate::io::contract::{self, ranges};
use crate::io::source::Source;
use crate::model::*;

impl Builder {
    pub(super) fn stock(&mut self, src: &dyn Source) {
        let mut keys: FxHashMap<(DepotId, PartId), u64> = FxHashMap::default();
        let _ = self.table(src, &contract::STOCK, |b, row| {
            let depot = match row.required(0) {
                Some(code) => match b.nodes.get(code) {
                    Some(&(NodeRef::Depot(d), _, _)) => Some(d),
                    _ => {
                        row.error(
                            0,
                            code,
                            "unknown depot: depots.csv has no such depot_id",
                            "add the depot to depots.csv or correct the id",
                        );
                        None
                    }
                },
                None => None,
            };
            let part = b.part(row, 1);
            let on_hand = row.integer_in(2, true, 0, ranges::MAX_STOCK);
            let on_order = row.integer_in(3, false, 0, ranges::MAX_STOCK).unwrap_or(0);
            let (Some(depot), Some(part), Some(on_hand)) = (depot, part, on_hand) else {
                return;
            };
            if let Some(first) = keys.insert((depot, part), row.line) {
                let code = b.ds.part(part).part_no.clone();
                row.error(
                    1,
                    &code,
                    format!("duplicate (depot_id, part_no): also on line {first}"),
                    "keep one row per depot and part",
                );
                return;
            }
            b.ds.stock.push(StockLevel {
                depot,
                part,
                on_hand: on_hand as u32,
                on_order: on_order as u32,
            });
        });
    }

    pub(super) fn engineers(&mut self, src: &dyn Source) {
        let mut keys: FxHashMap<NodeRef, u64> = FxHashMap::default();
        let _ = self.table(src, &contract::ENGINEERS, |b, row| {
            let base = match row.required(0) {
                Some(code) => match b.nodes.get(code) {
                    Some(&(node @ (NodeRef::Depot(_) | NodeRef::Hub(_)), _, _)) => Some(node),
                    Some(_) => {
                        row.error(
                            0,
                            code,
                            "an engineer base must be a depot or a hub, not a hospital",
                            "add a hub at the hospital's location and base the engineers there",
                        );
                        None
                    }
                    None => {
                        row.error(
                            0,
                            code,
                            "unknown base: no depot or hub has this id",
                            "add the base to depots.csv or hubs.csv, or correct the id",
                        );
                        None
                    }
                },
                None => None,
            };
            let engineers = row.integer_in(1, true, 0, ranges::MAX_ENGINEERS);
            let (Some(base), Some(engineers)) = (base, engineers) else {
                return;
            };
            if let Some(first) = keys.insert(base, row.line) {
                let code = b.ds.node_code(base).to_owned();
                row.error(
                    0,
                    &code,
                    format!("duplicate base_id: also on line {first}"),
                    "keep one row per base",
                );
                return;
            }
            b.ds.engineers.push(EngineerBase {
                base,
                engineers: engineers as u32,
            });
        });
    }

    pub(super) fn faults(&mut self, src: &dyn Source) {
        let _ = self.table(src, &contract::FAULT_HISTORY, |b, row| {
            let date = row.date(0, true);
            let unit = b.unit(row, 1);
            let part = b.part(row, 2);
            let qty = row
                .integer_in(3, false, 1, ranges::MAX_FAULT_QTY)
                .unwrap_or(contract::DEFAULT_FAULT_QTY);
            let severity = row.text(4).map(str::to_owned);
            let (Some(date), Some(unit), Some(part)) = (date, unit, part) else {
                return;
            };
            b.ds.faults.push(Fault {
                date,
                unit,
                part,
                qty: qty as u32,
                severity,
            });
        });
    }

    pub(super) fn downtime(&mut self, src: &dyn Source) {
        let _ = self.table(src, &contract::DOWNTIME, |b, row| {
            let unit = b.unit(row, 0);
            let start = row.datetime(1, true);
            let end = row.datetime(2, true);
            let reason = row.text(3).map(str::to_owned);
            let (Some(unit), Some(start), Some(end)) = (unit, start, end) else {
                return;
            };
            if end < start {
                let shown = row.text(2).unwrap_or_default();
                row.error(
                    2,
                    shown,
                    "the period ends before it starts",
                    "swap down_start and down_end or correct the dates",
                );
                return;
            }
            b.ds.downtime.push(Downtime {
                unit,
                start,
                end,
                reason,
            });
        });
    }
}
