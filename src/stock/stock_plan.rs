//! The stock plan every stage exchanges: one base-stock level per depot and part, keyed by the
//! typed ids of the data set.
//!
//! The optimiser, the checker and the bound work on their own index order (the parts with demand,
//! in [`super::input::PlanInput::parts`] order); the conversion between that order and this type
//! happens only inside `stock` ([`super::problem::Plan::of`] and
//! [`super::problem::Plan::to_stock_plan`]). Simulation, replenishment, scenarios, the report and
//! the readers and writers of `stock_plan.csv` see this type alone.

use crate::model::{Dataset, DepotId, PartId};

/// Base-stock levels `S(d, p)` of every depot and part of a data set (0 where none is held).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StockPlan {
    depots: usize,
    /// Part-major: `levels[p * depots + d]`.
    levels: Vec<u32>,
}

impl StockPlan {
    /// A plan holding nothing, sized for `depots` depots and `parts` parts.
    pub fn new(depots: usize, parts: usize) -> StockPlan {
        StockPlan {
            depots,
            levels: vec![0; depots * parts],
        }
    }

    /// A plan holding nothing, sized for a data set.
    pub fn empty(ds: &Dataset) -> StockPlan {
        StockPlan::new(ds.depots.len(), ds.parts.len())
    }

    pub fn depots(&self) -> usize {
        self.depots
    }

    pub fn parts(&self) -> usize {
        self.levels.len().checked_div(self.depots).unwrap_or(0)
    }

    /// Whether the plan is sized for this data set.
    pub fn fits(&self, ds: &Dataset) -> bool {
        self.depots == ds.depots.len() && self.parts() == ds.parts.len()
    }

    pub fn get(&self, depot: DepotId, part: PartId) -> u32 {
        self.levels[part.index() * self.depots + depot.index()]
    }

    pub fn set(&mut self, depot: DepotId, part: PartId, level: u32) {
        self.levels[part.index() * self.depots + depot.index()] = level;
    }

    /// The levels of one part, by depot index.
    pub fn of_part(&self, part: PartId) -> &[u32] {
        let start = part.index() * self.depots;
        &self.levels[start..start + self.depots]
    }

    pub(crate) fn of_part_mut(&mut self, part: PartId) -> &mut [u32] {
        let start = part.index() * self.depots;
        &mut self.levels[start..start + self.depots]
    }

    /// Units held by one depot over all parts.
    pub fn depot_units(&self, depot: DepotId) -> u64 {
        self.levels
            .chunks(self.depots.max(1))
            .map(|row| u64::from(row[depot.index()]))
            .sum()
    }

    /// Units held over all depots and parts.
    pub fn units(&self) -> u64 {
        self.levels.iter().map(|&s| u64::from(s)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_kept_by_depot_and_part() {
        let mut plan = StockPlan::new(3, 2);
        plan.set(DepotId::from_index(2), PartId::from_index(1), 7);
        plan.set(DepotId::from_index(0), PartId::from_index(1), 2);
        plan.set(DepotId::from_index(2), PartId::from_index(0), 1);
        assert_eq!(plan.get(DepotId::from_index(2), PartId::from_index(1)), 7);
        assert_eq!(plan.of_part(PartId::from_index(1)), &[2, 0, 7]);
        assert_eq!(plan.depot_units(DepotId::from_index(2)), 8);
        assert_eq!(plan.units(), 10);
        assert_eq!(plan.parts(), 2);
    }
}
