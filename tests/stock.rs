//! Inventory distributions against values computed outside this project (references.md) and
//! against a naive independent computation.

use spareplan::stock::dist::{base_pipeline, Pmf};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn poisson_base_stock_table_for_pipeline_mean_two_and_a_half() {
    // S, expected backorders, expected on hand, fill rate F(S-1), F(S) (stockpyl, scipy).
    let table = [
        (0, 2.5000000000, 0.0000000000, 0.0000000000, 0.0820849986),
        (1, 1.5820849986, 0.0820849986, 0.0820849986, 0.2872974952),
        (2, 0.8693824938, 0.3693824938, 0.2872974952, 0.5438131159),
        (3, 0.4131956097, 0.9131956097, 0.5438131159, 0.7575761331),
        (4, 0.1707717428, 1.6707717428, 0.7575761331, 0.8911780189),
        (5, 0.0619497617, 2.5619497617, 0.8911780189, 0.9579789618),
        (6, 0.0199287235, 3.5199287235, 0.9579789618, 0.9858126880),
    ];
    let d = Pmf::poisson(2.5);
    for (s, ebo, on_hand, fill, no_stockout) in table {
        assert!(close(d.expected_backorders(s), ebo, 1e-9), "EBO({s})");
        assert!(close(d.expected_on_hand(s), on_hand, 1e-9), "on hand({s})");
        assert!(close(d.fill_rate(s), fill, 1e-9), "fill({s})");
        assert!(close(d.cdf(i64::from(s)), no_stockout, 1e-9), "F({s})");
    }
}

#[test]
fn poisson_loss_values_asserted_by_stockpyl() {
    let d = Pmf::poisson(7.0);
    assert!(close(d.expected_backorders(5), 2.292600125697305, 1e-10));
    assert!(close(d.expected_on_hand(5), 0.292600125697305, 1e-10));
    let d = Pmf::poisson(200.0);
    assert!(close(d.expected_backorders(220), 0.536005857158494, 1e-9));
    assert!(close(d.expected_on_hand(220), 20.536005857158482, 1e-9));
}

/// The smallest S whose fill rate reaches `target`, by naive summation of e^-m m^k / k!.
fn naive_base_stock(mean: f64, target: f64) -> u32 {
    let mut term = (-mean).exp();
    let mut cdf = term; // P(X <= 0) = fill rate of S = 1
    if target <= 0.0 {
        return 0;
    }
    let mut s = 1;
    while cdf < target {
        term *= mean / s as f64;
        cdf += term;
        s += 1;
    }
    s
}

#[test]
fn base_stock_levels_match_poisson_quantiles() {
    for rate in [0.5, 2.0, 12.0, 40.0, 150.0] {
        for days in [3.0, 7.0, 21.0, 45.0] {
            for target in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999] {
                let mean = rate * days / 365.0;
                let d = Pmf::poisson(mean);
                let s = (0..).find(|&s| d.fill_rate(s) >= target).unwrap();
                assert_eq!(
                    s,
                    naive_base_stock(mean, target),
                    "rate {rate} days {days} target {target}"
                );
            }
        }
    }
}

/// Sherbrooke's five-base example (references.md): depot pipeline 92.8 x 0.02531.
fn sherbrooke_base_mean(depot: &Pmf, depot_stock: u32) -> f64 {
    let p = base_pipeline(23.2 * 0.8, 0.01, 92.8, depot, depot_stock, false);
    23.2 * 0.2 * 0.01 + p.mean
}

#[test]
fn metric_depot_backorders_of_the_five_base_example() {
    let depot = Pmf::poisson(92.8 * 0.02531);
    assert!(close(depot.mean(), 2.348768, 1e-9));
    let expected = [
        2.348768, 1.444255, 0.764018, 0.347167, 0.136527, 0.046973, 0.014300,
    ];
    for (s, ebo) in expected.iter().enumerate() {
        assert!(
            close(depot.expected_backorders(s as u32), *ebo, 5e-7),
            "depot stock {s}"
        );
    }
}

#[test]
fn metric_minimum_base_backorders_by_total_stock() {
    let depot = Pmf::poisson(92.8 * 0.02531);
    // Every depot stock; the rest split over the five identical bases as evenly as possible,
    // which is optimal because a base's EBO is convex in its stock.
    let best = |total: u32| -> (f64, u32) {
        let mut best = (f64::INFINITY, 0);
        for s0 in 0..=total {
            let base = Pmf::poisson(sherbrooke_base_mean(&depot, s0));
            let rest = total - s0;
            let (q, r) = (rest / 5, rest % 5);
            let ebo = f64::from(5 - r) * base.expected_backorders(q)
                + f64::from(r) * base.expected_backorders(q + 1);
            if ebo < best.0 {
                best = (ebo, s0);
            }
        }
        best
    };
    let (ebo, s0) = best(6);
    assert!(close(ebo, 0.574329, 5e-6) && s0 == 1, "{ebo} {s0}");
    let (ebo, s0) = best(12);
    assert!(close(ebo, 0.039317, 5e-6) && s0 == 2, "{ebo} {s0}");
    let (ebo, s0) = best(17);
    assert!(close(ebo, 0.003637, 5e-6) && s0 == 2, "{ebo} {s0}");
}

#[test]
fn graves_variance_exceeds_the_poisson_variance_when_the_depot_backorders() {
    let depot = Pmf::poisson(2.348768);
    let p = base_pipeline(18.56, 0.01, 92.8, &depot, 1, true);
    assert!(p.variance > p.mean);
    let plain = base_pipeline(18.56, 0.01, 92.8, &depot, 1, false);
    assert_eq!(plain.mean, p.mean);
    // With ample depot stock the correction vanishes.
    let p = base_pipeline(18.56, 0.01, 92.8, &depot, 40, true);
    assert!(close(p.variance, p.mean, 1e-9));
}

#[test]
fn planning_input_from_the_small_data_set() {
    use spareplan::coverage::{self, CoverageParams};
    use spareplan::model::{DepotId, HospitalId, PartId};
    use spareplan::stock::input;

    let ds = spareplan::io::load_planning(&crate::common::planning())
        .expect("valid")
        .data;
    let cov = coverage::compute(&ds, &CoverageParams::default());
    let plan = input::build(&ds, &cov);
    assert_eq!(plan.parts.len(), 2);
    // P1 (72 h) at H1 (one uCT 760 at 0.25 a year): only DC reaches it, in 4 + 2 = 6 h.
    let p1 = &plan.parts[0];
    assert_eq!(p1.part, PartId(0));
    assert_eq!(plan.rate(0, 0), 0.25);
    let k = plan.class(0, 0).expect("H1 is reached");
    assert_eq!(p1.network.hospitals[k].candidates, vec![0]);
    assert_eq!(p1.network.hospitals[k].rate, 0.25);
    assert!(plan.out_of_reach(p1.group).is_empty());
    assert_eq!(p1.network.depots[1].parent, Some(0));
    assert!((p1.network.depots[0].lead_years - 21.0 / 365.0).abs() < 1e-15);
    // P2 (4 h) at H2: R1 in 2 + 3 = 5 h and DC in 4 + 10 + 8 = 22 h, neither within 4 h.
    let p2 = &plan.parts[1];
    let k = plan.class(1, 1).expect("H2 is reached");
    assert_eq!(p2.network.hospitals[k].candidates, Vec::<usize>::new());
    assert_eq!(p2.network.hospitals[k].primary, 1);
    assert_eq!(
        plan.out_of_reach(p2.group),
        vec![input::OutOfReach {
            hospital: HospitalId(1),
            best: Some((DepotId(1), 5.0)),
        }]
    );
}
