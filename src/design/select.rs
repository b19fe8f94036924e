//! The site choice as a covering programme, solved exactly.
//!
//! Hospitals that no existing depot reaches within the deadline are grouped by the set of
//! candidates that would (hospitals alike share one row, weighted by their count). Two
//! programmes over binary `x_c` (open candidate c) and `y_g` in [0, 1] (group g reached):
//!
//! - most reach with at most n sites: max `sum w_g y_g`, `y_g <= sum_{c in g} x_c`, `sum x_c <= n`
//!   (maximal covering: Church and ReVelle 1974);
//! - least cost of a reach: min `sum cost_c x_c` subject to `sum w_g y_g >= need` and the same rows.
//!
//! Each is first answered by a greedy (largest gain; least cost per hospital gained, then the
//! redundant sites dropped, dearest first) and the programme's LP relaxation: where the greedy
//! meets the relaxation's bound it is optimal and no branching is needed; otherwise the
//! mixed-integer programme is solved through good_lp (microlp, pure Rust, by default; HiGHS
//! with the `highs` feature), whose optimum is proven.

#[cfg(feature = "highs")]
use good_lp::solvers::highs::highs as solver;
#[cfg(not(feature = "highs"))]
use good_lp::solvers::microlp::microlp as solver;
use good_lp::{constraint, variable, Expression, ProblemVariables, Solution, SolverModel};

/// A tie-break per open site (yuan): of designs that cost the same, the one with fewer sites.
const PER_SITE: f64 = 0.001;

/// The covering problem of one deadline.
#[derive(Clone, Debug)]
pub struct Cover {
    /// Hospitals within the deadline of an existing depot.
    pub base: usize,
    /// Hospitals no existing depot reaches in time that some candidate would: their count and
    /// the candidates that would reach them (ascending).
    pub groups: Vec<(u32, Vec<u32>)>,
    /// What opening each candidate costs a year in the design model (yuan).
    pub cost: Vec<f64>,
}

/// A set of sites and what it gives.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// Candidate indices, ascending.
    pub sites: Vec<usize>,
    /// Hospitals within the deadline, existing depots' included.
    pub reach: usize,
    /// The sites' cost in the design model (yuan).
    pub cost: f64,
    /// Proven best (by the relaxation's bound or the solved programme).
    pub proven: bool,
}

/// The solver failed (it does not on a well-formed covering problem).
#[derive(Debug, thiserror::Error)]
#[error("the site-choice programme could not be solved: {0}")]
pub struct SolveError(String);

impl Cover {
    /// The most hospitals any choice reaches (every coverable group reached).
    pub fn max_possible(&self) -> usize {
        self.base + self.groups.iter().map(|g| g.0 as usize).sum::<usize>()
    }

    /// Hospitals within the deadline when `sites` are open.
    pub fn reach_of(&self, sites: &[usize]) -> usize {
        let mut open = vec![false; self.cost.len()];
        for &s in sites {
            open[s] = true;
        }
        self.base
            + self
                .groups
                .iter()
                .filter(|(_, cs)| cs.iter().any(|&c| open[c as usize]))
                .map(|g| g.0 as usize)
                .sum::<usize>()
    }

    fn cost_of(&self, sites: &[usize]) -> f64 {
        sites.iter().map(|&s| self.cost[s]).sum()
    }

    fn choice(&self, mut sites: Vec<usize>, proven: bool) -> Choice {
        sites.sort_unstable();
        Choice {
            reach: self.reach_of(&sites),
            cost: self.cost_of(&sites),
            sites,
            proven,
        }
    }

    /// Groups each candidate would reach.
    fn groups_of(&self) -> Vec<Vec<usize>> {
        let mut of = vec![Vec::new(); self.cost.len()];
        for (g, (_, cs)) in self.groups.iter().enumerate() {
            for &c in cs {
                of[c as usize].push(g);
            }
        }
        of
    }

    /// Greedy: at each step the candidate whose `score(gain, cost)` is best (lowest), until
    /// `stop` holds or nothing gains.
    fn greedy(
        &self,
        at_most: usize,
        score: impl Fn(usize, f64) -> f64,
        stop: impl Fn(usize) -> bool,
    ) -> Vec<usize> {
        let of = self.groups_of();
        let mut reached = vec![false; self.groups.len()];
        let mut open = vec![false; self.cost.len()];
        let (mut sites, mut gained) = (Vec::new(), 0usize);
        while sites.len() < at_most && !stop(gained) {
            let best = (0..self.cost.len())
                .filter(|&c| !open[c])
                .filter_map(|c| {
                    let gain: usize = of[c]
                        .iter()
                        .filter(|&&g| !reached[g])
                        .map(|&g| self.groups[g].0 as usize)
                        .sum();
                    (gain > 0).then(|| (score(gain, self.cost[c]), c, gain))
                })
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let Some((_, c, gain)) = best else { break };
            open[c] = true;
            sites.push(c);
            gained += gain;
            for &g in &of[c] {
                reached[g] = true;
            }
        }
        sites
    }

    /// The greedy's order of sites by largest gain (ties: the cheaper, then the earlier): its
    /// first n sites are the greedy answer for n.
    fn greedy_order(&self, n: usize) -> Vec<usize> {
        self.greedy(n, |gain, cost| -(gain as f64) + cost * 1e-12, |_| false)
    }

    /// The most hospitals at most `n` open sites reach, and the sites.
    pub fn max_reach(&self, n: usize) -> Result<Choice, SolveError> {
        let order = self.greedy_order(n);
        self.max_reach_from(n, order)
    }

    /// The most hospitals for every number of sites 0..=n (one greedy order for all).
    pub fn max_reach_all(&self, n: usize) -> Result<Vec<Choice>, SolveError> {
        use rayon::prelude::*;
        let order = self.greedy_order(n);
        (0..=n)
            .into_par_iter()
            .map(|k| self.max_reach_from(k, order[..k.min(order.len())].to_vec()))
            .collect()
    }

    fn max_reach_from(&self, n: usize, greedy: Vec<usize>) -> Result<Choice, SolveError> {
        let found = self.reach_of(&greedy);
        if found == self.max_possible() || n == 0 {
            return Ok(self.choice(greedy, true));
        }
        let relaxed = self.solve_reach(n, false)?;
        if found as f64 >= (relaxed.1 + 1e-6).floor() + self.base as f64 {
            return Ok(self.choice(greedy, true));
        }
        let (sites, _) = self.solve_reach(n, true)?;
        let exact = self.choice(sites, true);
        // The programme is exact; a greedy as good is kept for its cheaper sites.
        Ok(if exact.reach > found {
            exact
        } else {
            self.choice(greedy, true)
        })
    }

    /// The cheapest choice of at most `n` sites that reaches at least `reach` hospitals, if any.
    pub fn min_cost(&self, reach: usize, n: usize) -> Result<Option<Choice>, SolveError> {
        let need = reach.saturating_sub(self.base);
        if need == 0 {
            return Ok(Some(self.choice(Vec::new(), true)));
        }
        if reach > self.max_possible() {
            return Ok(None);
        }
        let mut greedy = self.greedy(
            usize::MAX,
            |gain, cost| (cost + PER_SITE) / gain as f64,
            |gained| gained >= need,
        );
        self.prune(&mut greedy, reach);
        let greedy_ok = greedy.len() <= n && self.reach_of(&greedy) >= reach;
        let Some((_, bound)) = self.solve_cost(need, n, false)? else {
            return Ok(None);
        };
        if greedy_ok {
            let objective = self.cost_of(&greedy) + PER_SITE * greedy.len() as f64;
            if objective <= bound + 1e-7 * bound.abs().max(1.0) {
                return Ok(Some(self.choice(greedy, true)));
            }
        }
        let Some((sites, _)) = self.solve_cost(need, n, true)? else {
            return Ok(None);
        };
        let exact = self.choice(sites, true);
        // The programme is exact up to the solver's tolerances; a greedy as cheap is kept.
        let short = exact.reach < reach || exact.sites.len() > n;
        if greedy_ok && (short || self.cost_of(&greedy) <= exact.cost) {
            return Ok(Some(self.choice(greedy, true)));
        }
        if short {
            return Err(SolveError(format!(
                "the solver's choice reaches {} of the {reach} hospitals asked",
                exact.reach
            )));
        }
        Ok(Some(exact))
    }

    /// Drops sites whose reach others give, dearest first.
    fn prune(&self, sites: &mut Vec<usize>, reach: usize) {
        let mut order = sites.clone();
        order.sort_by(|&a, &b| self.cost[b].total_cmp(&self.cost[a]).then(b.cmp(&a)));
        for s in order {
            let without: Vec<usize> = sites.iter().copied().filter(|&x| x != s).collect();
            if self.reach_of(&without) >= reach {
                *sites = without;
            }
        }
    }

    fn rows(
        &self,
        vars: &mut ProblemVariables,
        integer: bool,
    ) -> (Vec<good_lp::Variable>, Vec<good_lp::Variable>) {
        let x: Vec<_> = (0..self.cost.len())
            .map(|_| {
                let v = variable().min(0.0).max(1.0);
                vars.add(if integer { v.integer() } else { v })
            })
            .collect();
        let y: Vec<_> = self
            .groups
            .iter()
            .map(|_| vars.add(variable().min(0.0).max(1.0)))
            .collect();
        (x, y)
    }

    fn covering(
        &self,
        x: &[good_lp::Variable],
        y: &[good_lp::Variable],
        n: usize,
    ) -> Vec<good_lp::Constraint> {
        let mut rows: Vec<good_lp::Constraint> = self
            .groups
            .iter()
            .zip(y)
            .map(|((_, cs), &yg)| {
                let any: Expression = cs.iter().map(|&c| x[c as usize]).sum();
                constraint!(yg <= any)
            })
            .collect();
        if n < self.cost.len() {
            let open: Expression = x.iter().sum();
            rows.push(constraint!(open <= n as f64));
        }
        rows
    }

    /// The reach programme (beyond the base): the open sites and the objective.
    fn solve_reach(&self, n: usize, integer: bool) -> Result<(Vec<usize>, f64), SolveError> {
        let mut vars = ProblemVariables::new();
        let (x, y) = self.rows(&mut vars, integer);
        let objective: Expression = self
            .groups
            .iter()
            .zip(&y)
            .map(|((w, _), &yg)| f64::from(*w) * yg)
            .sum();
        let mut model = vars.maximise(objective.clone()).using(solver);
        for row in self.covering(&x, &y, n) {
            model = model.with(row);
        }
        let solution = model.solve().map_err(|e| SolveError(e.to_string()))?;
        let sites = (0..x.len())
            .filter(|&c| solution.value(x[c]) > 0.5)
            .collect();
        Ok((sites, solution.eval(&objective)))
    }

    /// The cost programme: `None` when no choice of at most `n` sites reaches `need` more.
    fn solve_cost(
        &self,
        need: usize,
        n: usize,
        integer: bool,
    ) -> Result<Option<(Vec<usize>, f64)>, SolveError> {
        let mut vars = ProblemVariables::new();
        let (x, y) = self.rows(&mut vars, integer);
        let objective: Expression = x
            .iter()
            .zip(&self.cost)
            .map(|(&xc, &k)| (k + PER_SITE) * xc)
            .sum();
        let reached: Expression = self
            .groups
            .iter()
            .zip(&y)
            .map(|((w, _), &yg)| f64::from(*w) * yg)
            .sum();
        let mut model = vars
            .minimise(objective.clone())
            .using(solver)
            .with(constraint!(reached >= need as f64));
        for row in self.covering(&x, &y, n) {
            model = model.with(row);
        }
        match model.solve() {
            Ok(solution) => {
                let sites = (0..x.len())
                    .filter(|&c| solution.value(x[c]) > 0.5)
                    .collect();
                Ok(Some((sites, solution.eval(&objective))))
            }
            Err(good_lp::ResolutionError::Infeasible) => Ok(None),
            Err(e) => Err(SolveError(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn brute_reach(c: &Cover, n: usize) -> usize {
        (0..1usize << c.cost.len())
            .filter(|m| m.count_ones() as usize <= n)
            .map(|m| c.reach_of(&sites_of(m)))
            .max()
            .unwrap_or(c.base)
    }

    fn brute_cost(c: &Cover, reach: usize, n: usize) -> Option<f64> {
        (0..1usize << c.cost.len())
            .filter(|m| m.count_ones() as usize <= n)
            .filter(|&m| c.reach_of(&sites_of(m)) >= reach)
            .map(|m| c.cost_of(&sites_of(m)))
            .min_by(f64::total_cmp)
    }

    fn sites_of(mask: usize) -> Vec<usize> {
        (0..usize::BITS as usize)
            .filter(|s| mask >> s & 1 == 1)
            .collect()
    }

    #[test]
    fn the_greedy_trap_is_solved_by_the_programme() {
        // Greedy takes the big set first and ends with 5; the two others give 6.
        let cover = Cover {
            base: 0,
            groups: vec![
                (1, vec![0, 1]),
                (1, vec![0, 1]),
                (1, vec![0, 2]),
                (1, vec![0, 2]),
                (1, vec![1]),
                (1, vec![2]),
            ],
            cost: vec![1.0, 1.0, 1.0],
        };
        let best = cover.max_reach(2).expect("solved");
        assert_eq!(best.reach, 6);
        assert_eq!(best.sites, vec![1, 2]);
        // Least cost of reaching 6: the two, although the big one costs least per hospital.
        let cover = Cover {
            cost: vec![1.0, 2.0, 2.0],
            ..cover
        };
        let cheapest = cover.min_cost(6, 3).expect("solved").expect("feasible");
        assert_eq!(cheapest.sites, vec![1, 2]);
    }

    #[test]
    fn random_covers_match_brute_force() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..40 {
            let k = rng.random_range(3..=9);
            let groups = (0..rng.random_range(2..14))
                .map(|_| {
                    let mut set: Vec<u32> =
                        (0..k as u32).filter(|_| rng.random_bool(0.3)).collect();
                    if set.is_empty() {
                        set.push(rng.random_range(0..k as u32));
                    }
                    (rng.random_range(1..5), set)
                })
                .collect();
            let cover = Cover {
                base: rng.random_range(0..3),
                groups,
                cost: (0..k)
                    .map(|_| f64::from(rng.random_range(1..50)) * 1000.0)
                    .collect(),
            };
            for n in 0..=k {
                let reach = cover.max_reach(n).expect("solved");
                assert_eq!(reach.reach, brute_reach(&cover, n));
                assert!(reach.sites.len() <= n);
                let cheapest = cover
                    .min_cost(reach.reach, n)
                    .expect("solved")
                    .expect("feasible");
                let brute = brute_cost(&cover, reach.reach, n).expect("some subset");
                assert!(
                    (cheapest.cost - brute).abs() < 1e-6,
                    "{} vs {brute}",
                    cheapest.cost
                );
                assert!(cheapest.reach >= reach.reach && cheapest.sites.len() <= n);
            }
        }
    }
}
