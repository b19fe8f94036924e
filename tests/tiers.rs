//! Service per hospital and deadline tier (model.md, Service): each reachable hospital-tier meets
//! its own target, no tier makes up for another, out-of-reach hospital-tiers cost nothing; and the
//! plan `plan` writes is met when simulated.

use spareplan::stock::check::check;
use spareplan::stock::input::{Class, Group, PartInput, PlanInput};
use spareplan::stock::optimise::{
    optimise, optimise_proven, req_index, requirements, Costs, Plan, Requirement, Targets,
};
use spareplan::stock::service::{evaluate, DepotSpec, HospitalDemand, PartNetwork};

/// Each hospital's (candidates fastest first, primary depot) in one deadline tier.
type Reach = Vec<(Vec<usize>, usize)>;

/// A hand-built network with deadline tiers.
struct TierNet {
    /// (parent, lead years) of each depot.
    depots: Vec<(Option<usize>, f64)>,
    /// Units (one model) of each hospital.
    units: Vec<f64>,
    /// Per group: deadline hours and each hospital's (candidates, primary).
    groups: Vec<(f64, Reach)>,
    /// Per part: group, failures per unit-year, unit cost.
    parts: Vec<(usize, f64, f64)>,
}

impl TierNet {
    fn input(&self) -> PlanInput {
        let depots: std::sync::Arc<[DepotSpec]> = self
            .depots
            .iter()
            .map(|&(parent, lead_years)| DepotSpec { parent, lead_years })
            .collect();
        let nh = self.units.len();
        let groups: Vec<Group> = self
            .groups
            .iter()
            .map(|(deadline, reach)| Group {
                deadline_hours: *deadline,
                classes: reach
                    .iter()
                    .map(|(c, p)| Class {
                        candidates: c.clone(),
                        primary: *p,
                    })
                    .collect(),
                class_of: (0..nh).map(|h| Some(h as u32)).collect(),
                members: (0..nh).map(|h| vec![h as u32]).collect(),
            })
            .collect();
        let parts = self
            .parts
            .iter()
            .enumerate()
            .map(|(p, &(g, rate, _))| PartInput {
                part: spareplan::model::PartId::from_index(p),
                group: g,
                usage: vec![(0, rate)],
                network: PartNetwork {
                    depots: depots.clone(),
                    hospitals: self.groups[g]
                        .1
                        .iter()
                        .zip(&self.units)
                        .map(|((c, p), &u)| HospitalDemand {
                            rate: u * rate,
                            candidates: c.clone(),
                            primary: *p,
                        })
                        .collect(),
                },
            })
            .collect();
        PlanInput {
            depots,
            groups,
            parts,
            models: 1,
            units: self.units.clone(),
            service_targets: vec![None; nh],
            hours: vec![Some(1.0); self.depots.len() * nh],
        }
    }

    fn costs(&self) -> Costs {
        Costs {
            depots: self.depots.len(),
            per_unit: self
                .parts
                .iter()
                .flat_map(|&(_, _, c)| self.depots.iter().map(move |_| c))
                .collect(),
        }
    }
}

/// Two depots (a central one with a regional one below it) and three hospitals; two 72-hour
/// parts every hospital reaches from both depots, one 4-hour part only hospital 0 reaches (from
/// the regional depot): hospitals 1 and 2 are out of reach in the 4-hour tier.
fn two_tiers() -> TierNet {
    TierNet {
        depots: vec![(None, 0.08), (Some(0), 0.02)],
        units: vec![3.0, 2.0, 1.0],
        groups: vec![
            (
                72.0,
                vec![(vec![1, 0], 1), (vec![0, 1], 0), (vec![1, 0], 1)],
            ),
            (4.0, vec![(vec![1], 1), (vec![], 0), (vec![], 1)]),
        ],
        parts: vec![(0, 1.5, 100.0), (0, 0.7, 260.0), (1, 0.9, 40.0)],
    }
}

/// Whether `stock` meets every hospital-tier's requirement, computed from scratch with the
/// service model: per hospital and tier, the demand-weighted on-time of the tier's parts.
fn meets_per_tier(input: &PlanInput, req: &[Requirement], stock: &[Vec<u32>]) -> bool {
    let nh = input.hospitals();
    let mut got = vec![0.0; req.len()];
    for (p, part) in input.parts.iter().enumerate() {
        let s = evaluate(&part.network, &stock[p]);
        for h in 0..nh {
            got[part.group * nh + h] += part.network.hospitals[h].rate * s.on_time[h];
        }
    }
    got.iter().zip(req).all(|(g, r)| *g >= r.need)
}

/// The least cost of any stock vector with levels up to `max` meeting every tier's requirement.
fn brute_force(net: &TierNet, req: &[Requirement], max: u32) -> f64 {
    let input = net.input();
    let costs = net.costs();
    let nd = net.depots.len();
    let cells = net.parts.len() * nd;
    let mut levels = vec![0u32; cells];
    let mut best = f64::INFINITY;
    loop {
        let stock: Vec<Vec<u32>> = levels.chunks(nd).map(<[u32]>::to_vec).collect();
        let plan = Plan { stock };
        let cost = plan.cost(&costs);
        if cost < best && meets_per_tier(&input, req, &plan.stock) {
            best = cost;
        }
        let mut i = 0;
        while i < cells && levels[i] == max {
            levels[i] = 0;
            i += 1;
        }
        if i == cells {
            return best;
        }
        levels[i] += 1;
    }
}

#[test]
fn the_per_tier_rule_matches_brute_force_and_ignores_out_of_reach_tiers() {
    let net = two_tiers();
    let input = net.input();
    for targets in ["0.9", "0.95", "72=0.95,4=0.8", "72=0.8,4=0.99"] {
        let t = Targets::parse(targets).expect("targets");
        let req = requirements(&input, &t);
        // Out-of-reach hospital-tiers are held to nothing; the others to target x demand.
        for h in 0..3 {
            let q = &req[req_index(&input, 1, h)];
            assert_eq!(q.reachable, h == 0, "{targets}: hospital {h}");
            if h > 0 {
                assert_eq!(q.need, 0.0, "{targets}: hospital {h}");
            }
            let q72 = &req[req_index(&input, 0, h)];
            let demand = net.units[h] * (1.5 + 0.7);
            assert!((q72.demand - demand).abs() < 1e-12);
            assert!((q72.need - t.of_deadline(72.0) * demand).abs() < 1e-12);
        }
        let (plan, proven) = optimise_proven(&input, &net.costs(), &req).expect("feasible");
        // The search space of the brute force holds the plan, so it finds no more than its cost.
        assert!(plan.stock.iter().flatten().all(|&s| s <= 6), "{targets}");
        let best = brute_force(&net, &req, 6);
        let cost = plan.cost(&net.costs());
        assert!(meets_per_tier(&input, &req, &plan.stock), "{targets}");
        assert!(check(&input, &req, &plan).ok(), "{targets}");
        assert!(
            cost >= best - 1e-9,
            "{targets}: {cost} below the optimum {best}"
        );
        assert!(proven, "{targets}: a small plan is proven optimal");
        assert!((cost - best).abs() < 1e-6, "{targets}: {cost} vs {best}");
    }
    // No tier makes up for another: stock of the 4-hour part alone never meets the 72-hour tier,
    // and a 72-hour tier over its target does not excuse the 4-hour one.
    let req = requirements(&input, &Targets::from(0.9));
    assert!(!meets_per_tier(
        &input,
        &req,
        &[vec![0, 0], vec![0, 0], vec![0, 30]]
    ));
    assert!(!meets_per_tier(
        &input,
        &req,
        &[vec![30, 30], vec![30, 30], vec![0, 0]]
    ));
}

/// `P(X <= k)` of a Poisson variable with mean `m`, summed term by term.
fn poisson_cdf(k: u32, m: f64) -> f64 {
    let mut term = (-m).exp();
    let mut sum = term;
    for i in 1..=k {
        term *= m / f64::from(i);
        sum += term;
    }
    sum
}

#[test]
fn a_single_depot_with_two_tiers_holds_each_tiers_poisson_quantile() {
    // One depot, one hospital with 4 units: a 72-hour part at 0.6 and a 4-hour part at 0.35
    // failures a unit-year, lead time 0.1 years. On-time of a part is P(pipeline <= S - 1).
    for (t72, t4) in [(0.95, 0.9), (0.9, 0.99), (0.8, 0.8)] {
        let net = TierNet {
            depots: vec![(None, 0.1)],
            units: vec![4.0],
            groups: vec![(72.0, vec![(vec![0], 0)]), (4.0, vec![(vec![0], 0)])],
            parts: vec![(0, 0.6, 50.0), (1, 0.35, 50.0)],
        };
        let input = net.input();
        let t = Targets::parse(&format!("72={t72},4={t4}")).expect("targets");
        let req = requirements(&input, &t);
        let plan = optimise(&input, &net.costs(), &req).expect("feasible");
        let quantile = |mean: f64, target: f64| (1..).find(|&s| poisson_cdf(s - 1, mean) >= target);
        assert_eq!(Some(plan.stock[0][0]), quantile(4.0 * 0.6 * 0.1, t72));
        assert_eq!(Some(plan.stock[1][0]), quantile(4.0 * 0.35 * 0.1, t4));
    }
}

#[test]
fn the_plan_never_costs_less_at_a_higher_target_of_either_tier() {
    let net = two_tiers();
    let input = net.input();
    let cost = |t: &str| {
        let req = requirements(&input, &Targets::parse(t).expect("targets"));
        optimise(&input, &net.costs(), &req)
            .expect("feasible")
            .cost(&net.costs())
    };
    let mut last = 0.0;
    for t72 in [0.8, 0.85, 0.9, 0.95, 0.98, 0.99] {
        let c = cost(&format!("72={t72},4=0.9"));
        assert!(c >= last - 1e-9, "72 h at {t72}: {c} < {last}");
        last = c;
    }
    let mut last = 0.0;
    for t4 in [0.8, 0.85, 0.9, 0.95, 0.98, 0.99] {
        let c = cost(&format!("72=0.9,4={t4}"));
        assert!(c >= last - 1e-9, "4 h at {t4}: {c} < {last}");
        last = c;
    }
}

/// The verified plan of a generated set, simulated again with another seed and by the test's own
/// ratio estimator: every hospital-tier within reach meets its target within four standard
/// errors of its estimate.
#[test]
fn a_verified_plan_meets_every_reachable_target_when_simulated_again() {
    use spareplan::gen::{self, GenParams};
    use spareplan::io::geo::{load_geography, EmbeddedGeo};
    use spareplan::sim::{self, SimSpec, VerifyParams};
    use spareplan::stock::{plan, PlanParams};
    let geo = load_geography(&EmbeddedGeo).expect("geography");
    let params = GenParams {
        hospitals: Some(80),
        parts: Some(12),
        seed: 3,
        ..GenParams::default()
    };
    let ds = gen::synthetic(&geo, &params).dataset;
    let analytic = plan(&ds, &PlanParams::quick(None)).expect("a plan");
    let verified = sim::verified::verified_plan(&ds, analytic, &VerifyParams::default(), &|_| {})
        .expect("verified");
    let r = &verified.result;
    let spec = SimSpec::from_plan(&ds, r, 10.0, 1.0);
    let reps = sim::run(&spec, 40, 99, &|| {});
    let (mut tiers, mut checked) = (0, 0);
    for h in ds.hospital_ids() {
        for &(g, _) in r.tiers() {
            let t = r.tier(h, g);
            if !t.reachable || t.demand <= 0.0 {
                continue;
            }
            tiers += 1;
            let i = r.tier_index(h, g);
            let n: Vec<f64> = reps.iter().map(|x| f64::from(x.tier_requests[i])).collect();
            let ok: Vec<f64> = reps.iter().map(|x| f64::from(x.tier_on_time[i])).collect();
            let total: f64 = n.iter().sum();
            if total < 30.0 {
                continue;
            }
            checked += 1;
            let ratio = ok.iter().sum::<f64>() / total;
            let mean_n = total / n.len() as f64;
            let ss: f64 = n
                .iter()
                .zip(&ok)
                .map(|(n, o)| (o - ratio * n).powi(2))
                .sum();
            let se = (ss / ((n.len() - 1) as f64 * n.len() as f64)).sqrt() / mean_n;
            assert!(
                ratio + 4.0 * se >= t.target,
                "{} ({} h): simulated {ratio:.4} +- {se:.4} against {}",
                ds.hospital(h).code,
                t.deadline_hours,
                t.target
            );
        }
    }
    assert!(
        tiers > 0 && checked * 2 >= tiers,
        "{checked} of {tiers} checked"
    );
    // Requirements only rise: the verified plan costs no less than the analytic one, and the
    // summary's added cost is the difference.
    assert!(r.analytic_holding_cost <= r.annual_holding_cost);
    assert_eq!(
        r.added_by_verification(),
        r.annual_holding_cost - r.analytic_holding_cost
    );
}
