//! The multimodal transport graph and its route algorithms. The only module that imports petgraph.
//!
//! Nodes are depots, hospitals and hubs; edges are the rows of `lanes.csv`. Hours are summed as
//! integer micro-hours and costs as fen, so equal times are exact ties:
//!
//! - [`Network::fastest_from`]: Dijkstra on the key (hours, cost, hops), which gives the fastest
//!   route and, among equally fast routes, the cheaper one (then the one with fewer legs).
//! - [`Network::economy_from`]: the cheapest route arriving within a time budget, a
//!   resource-constrained shortest path solved exactly by label setting: labels (cost, hours) are
//!   expanded in order of cost, a label is discarded when another at the same node is no more
//!   expensive and no slower, and a label over the budget is never created. Lane hours and costs
//!   are non-negative (the loader guarantees it), so every discarded label is truly dominated and
//!   the first label popped within the budget at a node is the cheapest feasible route to it.
//!
//! Deliberately absent: handling times (callers add a depot's `handling_hours`), stock, and any
//! notion of capacity or departure schedules: a lane's hours already average the wait for it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{Dataset, Lane, Mode, NodeRef};
use crate::money::Fen;

/// Micro-hours per hour.
pub const MICROS_PER_HOUR: f64 = 1_000_000.0;

/// Hours as exact integer micro-hours.
pub fn to_micros(hours: f64) -> i64 {
    (hours * MICROS_PER_HOUR).round() as i64
}

/// Micro-hours as hours.
pub fn to_hours(micros: i64) -> f64 {
    micros as f64 / MICROS_PER_HOUR
}

#[derive(Copy, Clone, Debug)]
struct Leg {
    mode: Mode,
    micros: i64,
    cost: Fen,
}

/// A route through the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// Travel time, in micro-hours (no handling time).
    pub micros: i64,
    pub cost: Fen,
    /// The nodes from origin to destination.
    pub nodes: Vec<NodeRef>,
    /// The mode of each leg (`nodes.len() - 1` of them).
    pub modes: Vec<Mode>,
}

impl Route {
    pub fn hours(&self) -> f64 {
        to_hours(self.micros)
    }

    pub fn hops(&self) -> usize {
        self.modes.len()
    }

    /// Whether any leg uses `mode`.
    pub fn uses(&self, mode: Mode) -> bool {
        self.modes.contains(&mode)
    }
}

/// The directed multimodal graph of a data set.
pub struct Network {
    graph: DiGraph<NodeRef, Leg>,
    depot_base: usize,
    hospital_base: usize,
    hub_base: usize,
}

/// Shortest-path tree from one origin.
pub struct FastestTree {
    key: Vec<Option<(i64, Fen, u32)>>,
    pred: Vec<Option<EdgeIndex>>,
}

/// Pareto labels from one origin under a time budget.
pub struct EconomyTree {
    labels: Vec<Label>,
    /// Best (cheapest, then fastest) label reaching each node, if any.
    best: Vec<Option<usize>>,
}

#[derive(Clone, Copy, Debug)]
struct Label {
    node: NodeIndex,
    micros: i64,
    cost: Fen,
    prev: Option<(usize, EdgeIndex)>,
}

impl Network {
    /// Builds the graph from every lane of the data set.
    pub fn build(ds: &Dataset) -> Network {
        Network::build_with(ds, |_| true)
    }

    /// Builds the graph from the lanes `keep` accepts (road only, no air, ...).
    pub fn build_with(ds: &Dataset, keep: impl Fn(&Lane) -> bool) -> Network {
        let nodes = ds.depots.len() + ds.hospitals.len() + ds.hubs.len();
        let mut graph = DiGraph::with_capacity(nodes, ds.lanes.len());
        for d in ds.depot_ids() {
            graph.add_node(NodeRef::Depot(d));
        }
        for h in ds.hospital_ids() {
            graph.add_node(NodeRef::Hospital(h));
        }
        for i in 0..ds.hubs.len() {
            graph.add_node(NodeRef::Hub(crate::model::HubId::from_index(i)));
        }
        let mut net = Network {
            graph,
            depot_base: 0,
            hospital_base: ds.depots.len(),
            hub_base: ds.depots.len() + ds.hospitals.len(),
        };
        for lane in ds.lanes.iter().filter(|l| keep(l)) {
            let (from, to) = (net.index(lane.from), net.index(lane.to));
            net.graph.add_edge(
                from,
                to,
                Leg {
                    mode: lane.mode,
                    micros: to_micros(lane.hours),
                    cost: lane.cost,
                },
            );
        }
        net
    }

    fn index(&self, node: NodeRef) -> NodeIndex {
        NodeIndex::new(match node {
            NodeRef::Depot(d) => self.depot_base + d.index(),
            NodeRef::Hospital(h) => self.hospital_base + h.index(),
            NodeRef::Hub(h) => self.hub_base + h.index(),
        })
    }

    /// Fastest routes from `origin` to every node.
    pub fn fastest_from(&self, origin: NodeRef) -> FastestTree {
        self.fastest_from_many(&[origin])
    }

    /// Fastest routes from the nearest of several origins (engineer bases) to every node.
    pub fn fastest_from_many(&self, origins: &[NodeRef]) -> FastestTree {
        let n = self.graph.node_count();
        let mut key: Vec<Option<(i64, Fen, u32)>> = vec![None; n];
        let mut pred = vec![None; n];
        let mut heap = BinaryHeap::new();
        for &o in origins {
            let i = self.index(o);
            key[i.index()] = Some((0, Fen::ZERO, 0));
            heap.push(Reverse((0i64, Fen::ZERO, 0u32, i.index())));
        }
        while let Some(Reverse((t, c, h, u))) = heap.pop() {
            if key[u] != Some((t, c, h)) {
                continue;
            }
            for e in self.graph.edges(NodeIndex::new(u)) {
                let leg = e.weight();
                let next = (t + leg.micros, c + leg.cost, h + 1);
                let v = e.target().index();
                if key[v].is_none_or(|k| next < k) {
                    key[v] = Some(next);
                    pred[v] = Some(e.id());
                    heap.push(Reverse((next.0, next.1, next.2, v)));
                }
            }
        }
        FastestTree { key, pred }
    }

    /// Cheapest routes from `origin` arriving within `budget_micros` of travel time.
    pub fn economy_from(&self, origin: NodeRef, budget_micros: i64) -> EconomyTree {
        let n = self.graph.node_count();
        let start = self.index(origin);
        let mut labels = vec![Label {
            node: start,
            micros: 0,
            cost: Fen::ZERO,
            prev: None,
        }];
        let mut alive = vec![true];
        // Non-dominated labels per node, as (cost, micros, label).
        let mut front: Vec<Vec<(Fen, i64, usize)>> = vec![Vec::new(); n];
        let mut best: Vec<Option<usize>> = vec![None; n];
        front[start.index()].push((Fen::ZERO, 0, 0));
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((Fen::ZERO, 0i64, 0usize)));
        if budget_micros < 0 {
            return EconomyTree {
                labels,
                best: vec![None; n],
            };
        }
        while let Some(Reverse((cost, micros, id))) = heap.pop() {
            if !alive[id] {
                continue;
            }
            let u = labels[id].node;
            if best[u.index()].is_none() {
                best[u.index()] = Some(id);
            }
            for e in self.graph.edges(u) {
                let leg = e.weight();
                let t = micros + leg.micros;
                if t > budget_micros {
                    continue;
                }
                let c = cost + leg.cost;
                let v = e.target().index();
                if front[v].iter().any(|&(fc, ft, _)| fc <= c && ft <= t) {
                    continue;
                }
                front[v].retain(|&(fc, ft, l)| {
                    let dominated = c <= fc && t <= ft;
                    if dominated {
                        alive[l] = false;
                    }
                    !dominated
                });
                let l = labels.len();
                labels.push(Label {
                    node: e.target(),
                    micros: t,
                    cost: c,
                    prev: Some((id, e.id())),
                });
                alive.push(true);
                front[v].push((c, t, l));
                heap.push(Reverse((c, t, l)));
            }
        }
        EconomyTree { labels, best }
    }

    fn route_from_edges(
        &self,
        mut edges: Vec<EdgeIndex>,
        micros: i64,
        cost: Fen,
        end: NodeIndex,
    ) -> Route {
        edges.reverse();
        let mut nodes = Vec::with_capacity(edges.len() + 1);
        let mut modes = Vec::with_capacity(edges.len());
        for &e in &edges {
            let (a, _) = self.graph.edge_endpoints(e).expect("edge of this graph");
            nodes.push(self.graph[a]);
            modes.push(self.graph[e].mode);
        }
        nodes.push(self.graph[end]);
        Route {
            micros,
            cost,
            nodes,
            modes,
        }
    }

    /// The fastest route to `to` in `tree`, or `None` when unreachable.
    pub fn fastest_route(&self, tree: &FastestTree, to: NodeRef) -> Option<Route> {
        let end = self.index(to);
        let (micros, cost, _) = tree.key[end.index()]?;
        let mut edges = Vec::new();
        let mut at = end;
        while let Some(e) = tree.pred[at.index()] {
            edges.push(e);
            at = self.graph.edge_endpoints(e).expect("edge of this graph").0;
        }
        Some(self.route_from_edges(edges, micros, cost, end))
    }

    /// Travel time to `to` in `tree`, in micro-hours, or `None` when unreachable.
    pub fn fastest_micros(&self, tree: &FastestTree, to: NodeRef) -> Option<i64> {
        tree.key[self.index(to).index()].map(|k| k.0)
    }

    /// The cheapest route to `to` within the budget of `tree`, or `None` when none arrives in time.
    pub fn economy_route(&self, tree: &EconomyTree, to: NodeRef) -> Option<Route> {
        let end = self.index(to);
        let id = tree.best[end.index()]?;
        let label = tree.labels[id];
        let mut edges = Vec::new();
        let mut at = label.prev;
        while let Some((prev, e)) = at {
            edges.push(e);
            at = tree.labels[prev].prev;
        }
        Some(self.route_from_edges(edges, label.micros, label.cost, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_hours_are_exact_for_decimal_inputs() {
        assert_eq!(to_micros(0.1) + to_micros(0.2), to_micros(0.3));
        assert_eq!(to_micros(72.0), 72_000_000);
        assert_eq!(to_hours(1_500_000), 1.5);
    }
}
