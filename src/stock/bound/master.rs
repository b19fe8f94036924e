//! The restricted master programme of the bound: hospital rows over aggregates per candidate
//! set and model, solved by good_lp (Clarabel by default, HiGHS with the `highs` feature); its
//! duals are the multipliers of the next pricing round.

#[cfg(not(feature = "highs"))]
use good_lp::solvers::clarabel::clarabel as solver;
#[cfg(feature = "highs")]
use good_lp::solvers::highs::highs as solver;
use good_lp::{
    constraint, variable, DualValues, Expression, ProblemVariables, Solution, SolutionWithDual,
    SolverModel, Variable,
};
use rustc_hash::FxHashMap;

use super::{BoundError, OnTimeCache, PartOptions};
use crate::stock::input::PlanInput;
use crate::stock::problem::Requirement;

/// The distinct candidate sets of one deadline group: a class's on-time `1 - prod(1 - fill)`
/// depends on its candidates as a set (their order only routes the flows, which the relaxation
/// does not see), so classes with the same set share their columns' entries and their rows.
pub(super) struct Sets {
    /// Each distinct set, its depots in ascending order.
    pub(super) sets: Vec<Vec<usize>>,
    /// The set of each class.
    pub(super) of_class: Vec<usize>,
}

pub(super) fn candidate_sets(input: &PlanInput) -> Vec<Sets> {
    input
        .groups
        .iter()
        .map(|g| {
            let mut index: FxHashMap<Vec<usize>, usize> = FxHashMap::default();
            let mut sets = Vec::new();
            let of_class = g
                .classes
                .iter()
                .map(|c| {
                    let mut set = c.candidates.clone();
                    set.sort_unstable();
                    *index.entry(set.clone()).or_insert_with(|| {
                        sets.push(set);
                        sets.len() - 1
                    })
                })
                .collect();
            Sets { sets, of_class }
        })
        .collect()
}

/// A hospital-tier requirement as a row over per-model aggregates; identical hospital-tiers
/// share a row.
pub(super) struct Row {
    /// `(group, candidate set)` of the hospital in the row's tier.
    pub(super) classes: Vec<(usize, usize)>,
    pub(super) units: Vec<f64>,
    /// Requests per year that must be on time, per hospital of the row.
    pub(super) need: f64,
}

/// Class, unit counts divided by their greatest common divisor (as bits; fractional counts as
/// they are) and the need per divided unit count (as bits).
type RowKey = ((usize, usize), Vec<u64>, u64);

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

pub(super) fn hospital_rows(input: &PlanInput, sets: &[Sets], req: &[Requirement]) -> Vec<Row> {
    let nm = input.models;
    let nh = input.hospitals();
    let mut index: FxHashMap<RowKey, usize> = FxHashMap::default();
    let mut rows: Vec<Row> = Vec::new();
    for (r, q) in req.iter().enumerate() {
        let (g, h) = (r / nh, r % nh);
        if q.need <= 0.0 {
            continue;
        }
        let Some(k) = input.groups[g].class_of[h] else {
            continue;
        };
        let class = (g, sets[g].of_class[k as usize]);
        // The requirement is linear in the units (target times a sum of unit rates), so
        // hospital-tiers whose unit counts are multiples of one another share one row.
        let counts = &input.units[h * nm..(h + 1) * nm];
        let whole = counts.iter().all(|&u| u.fract() == 0.0 && u < 1e15);
        let div = if whole {
            counts.iter().map(|&u| u as u64).fold(0, gcd).max(1) as f64
        } else {
            1.0
        };
        let units: Vec<f64> = counts.iter().map(|&u| u / div).collect();
        let key = (
            class,
            units.iter().map(|u| u.to_bits()).collect(),
            (q.need / div).to_bits(),
        );
        if let std::collections::hash_map::Entry::Vacant(e) = index.entry(key) {
            e.insert(rows.len());
            rows.push(Row {
                classes: vec![class],
                units,
                need: q.need / div,
            });
        }
    }
    rows
}

/// Solves the restricted master programme; returns its value and each row's multiplier per
/// hospital of the row.
pub(super) fn solve_master(
    input: &PlanInput,
    options: &[PartOptions],
    caches: &[OnTimeCache],
    columns: &[Vec<Vec<u32>>],
    rows: &[Row],
) -> Result<Master, BoundError> {
    // Scaled for the interior-point solver: costs relative to the dearest column, each hospital
    // row relative to its need.
    let scale = columns
        .iter()
        .enumerate()
        .flat_map(|(p, cols)| cols.iter().map(move |c| options[p].cost(c)))
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let mut vars = ProblemVariables::new();
    let x: Vec<Vec<Variable>> = columns
        .iter()
        .map(|c| c.iter().map(|_| vars.add(variable().min(0.0))).collect())
        .collect();
    // Aggregates Y[(group, class, model)] = sum_p r_mp sum_j ontime_k(column j) x_pj.
    let mut aggregate: FxHashMap<(usize, usize, usize), Expression> = FxHashMap::default();
    let mut objective = Expression::from(0.0);
    for (p, cols) in columns.iter().enumerate() {
        let part = &input.parts[p];
        for (j, stock) in cols.iter().enumerate() {
            objective += (options[p].cost(stock) / scale) * x[p][j];
            for (k, &ot) in caches[p][stock].iter().enumerate() {
                if ot <= 0.0 {
                    continue;
                }
                for &(m, r) in &part.usage {
                    *aggregate
                        .entry((part.group, k, m))
                        .or_insert_with(|| Expression::from(0.0)) += (r * ot) * x[p][j];
                }
            }
        }
    }
    // One variable per aggregate, so that hospital rows stay short.
    let mut keys: Vec<(usize, usize, usize)> = aggregate.keys().copied().collect();
    keys.sort_unstable();
    let y: FxHashMap<(usize, usize, usize), Variable> = keys
        .iter()
        .map(|&key| (key, vars.add(variable())))
        .collect();
    let mut model = vars.minimise(objective.clone()).using(solver);
    for (p, cols) in columns.iter().enumerate() {
        let sum: Expression = cols.iter().enumerate().map(|(j, _)| x[p][j]).sum();
        model.add_constraint(constraint!(sum == 1.0));
    }
    for key in &keys {
        let e = aggregate.remove(key).expect("a key of the map");
        model.add_constraint(constraint!(y[key] == e));
    }
    let mut refs = Vec::with_capacity(rows.len());
    for row in rows {
        let mut lhs = Expression::from(0.0);
        for &(g, k) in &row.classes {
            for (m, &n) in row.units.iter().enumerate() {
                if n > 0.0 {
                    if let Some(&v) = y.get(&(g, k, m)) {
                        lhs += (n / row.need) * v;
                    }
                }
            }
        }
        refs.push(model.add_constraint(constraint!(lhs >= 1.0)));
    }
    let mut solution = model.solve().map_err(|e| BoundError(e.to_string()))?;
    let value = solution.eval(&objective) * scale;
    let weights = x
        .iter()
        .map(|v| v.iter().map(|&v| solution.value(v)).collect())
        .collect();
    let dual = solution.compute_dual();
    let mu = refs
        .into_iter()
        .zip(rows)
        .map(|(r, row)| (dual.dual(r) * scale / row.need).max(0.0))
        .collect();
    Ok(Master {
        value,
        duals: mu,
        weights,
    })
}

/// The restricted master programme's solution.
pub(super) struct Master {
    pub(super) value: f64,
    /// Each row's multiplier per hospital of the row.
    pub(super) duals: Vec<f64>,
    /// Each column's weight, per part.
    pub(super) weights: Vec<Vec<f64>>,
}
