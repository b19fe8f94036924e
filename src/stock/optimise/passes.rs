//! The optimiser's improvement passes over a plan that meets every requirement: the drop pass
//! (remove units, dearest first, while every requirement holds) and the exchange pass (try each
//! held unit out, buy back greedily, drop; keep cheaper plans).

use super::State;
use crate::stock::service::{evaluate, evaluate_from};

impl State<'_> {
    /// Removes units, dearest first, while every requirement holds.
    pub(super) fn drop_pass(&mut self) {
        loop {
            let mut held = self.held();
            held.sort_by(|a, b| {
                self.costs
                    .at(b.0, b.1)
                    .total_cmp(&self.costs.at(a.0, a.1))
                    .then(a.cmp(b))
            });
            let mut dropped = false;
            for (p, d) in held {
                while self.plan.stock[p][d] > 0 {
                    let mut stock = self.plan.stock[p].clone();
                    stock[d] -= 1;
                    let service =
                        evaluate_from(&self.input.parts[p].network, &stock, Some(&self.fill[p]));
                    if !self.keeps_targets(p, &service.on_time) {
                        break;
                    }
                    self.set(p, d, stock[d], service.on_time, service.fill_rate);
                    dropped = true;
                }
            }
            if !dropped {
                return;
            }
        }
    }

    /// Tries each held unit out: remove it, buy back greedily, drop; keeps cheaper plans.
    pub(super) fn exchange_pass(&mut self) {
        let mut improved = true;
        while improved {
            improved = false;
            let cost = self.plan.cost(self.costs);
            let held = self.held();
            for (p, d) in held {
                let mut trial = self.clone();
                let mut stock = trial.plan.stock[p].clone();
                stock[d] -= 1;
                let service = evaluate(&self.input.parts[p].network, &stock);
                trial.set(p, d, stock[d], service.on_time, service.fill_rate);
                // The removed unit may not be bought straight back in this trial.
                if trial.greedy(Some((p, d))).is_err() {
                    continue;
                }
                trial.drop_pass();
                if trial.plan.cost(self.costs) < cost * (1.0 - 1e-12) - 1e-9 {
                    *self = trial;
                    improved = true;
                    break;
                }
            }
        }
    }
}
