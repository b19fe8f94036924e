//! The uptime clause in the plan's model (model.md, Uptime and the warranty clause; Cost): a
//! scanner's expected days short against values worked out independently, and the priced plan
//! against the unpriced one.

use spareplan::money::Fen;
use spareplan::stock::input::{Class, Group, PartInput, PlanInput};
use spareplan::stock::service::{evaluate, DepotSpec, HospitalDemand, PartNetwork};
use spareplan::stock::warranty::{expected, Fleet, FleetUnit, PartState};
use spareplan::stock::{self, PlanParams};

const LEAD_DAYS: f64 = 21.0;
const DELIVERY: f64 = 10.0;
const ENGINEER: f64 = 6.0;
const REPAIR: f64 = 9.0;
const RATE: f64 = 1.5;
/// 95 % of a 365-day year: 438 hours of downtime allowed.
const ALLOWANCE: f64 = 438.0;

/// One central depot (21 days from the factory), one hospital 10 h away, one scanner failing
/// 1.5 times a year with one part.
fn one_depot() -> PlanInput {
    let depots: std::sync::Arc<[DepotSpec]> = vec![DepotSpec {
        parent: None,
        lead_years: LEAD_DAYS / 365.0,
    }]
    .into();
    PlanInput {
        depots: depots.clone(),
        groups: vec![Group {
            deadline_hours: 72.0,
            classes: vec![Class {
                candidates: vec![0],
                primary: 0,
            }],
            class_of: vec![Some(0)],
            members: vec![vec![0]],
        }],
        parts: vec![PartInput {
            part: spareplan::model::PartId::from_index(0),
            group: 0,
            usage: vec![(0, RATE)],
            network: PartNetwork {
                depots,
                hospitals: vec![HospitalDemand {
                    rate: RATE,
                    candidates: vec![0],
                    primary: 0,
                }],
            },
        }],
        models: 1,
        units: vec![1.0],
        service_targets: vec![None],
        hours: vec![Some(DELIVERY)],
    }
}

/// The model's expected days short of the one scanner at base stock `s`.
fn model_days_short(s: u32) -> f64 {
    let input = one_depot();
    let fleet = Fleet::from_units(
        &input,
        vec![FleetUnit {
            hospital: 0,
            model: 0,
            allowance_hours: ALLOWANCE,
            in_warranty: 1.0,
            day_cost: Some(Fen(10_000)),
        }],
        vec![ENGINEER],
        vec![REPAIR],
        chrono::NaiveDate::from_ymd_opt(2027, 1, 1).expect("a date"),
    );
    let stock = vec![s];
    let service = evaluate(&input.parts[0].network, &stock);
    let parts = vec![PartState::new(&input, &stock, &service)];
    let e = expected(&input, &fleet, &parts, true);
    assert!((e.unit_extension_days(0) - 5.0 * e.unit_days_short(0)).abs() < 1e-9);
    e.unit_days_short(0)
}

fn poisson(n: usize, mean: f64) -> f64 {
    let mut p = (-mean).exp();
    for k in 1..=n {
        p *= mean / k as f64;
    }
    p
}

/// By enumeration over the number of failures: `sum_n P(N = n) E[ceil((D_1 + .. + D_n - A) /
/// 24)^+]`, the downtimes convolved on a grid of `step` hours.
fn enumerated_days_short(downtime: &[f64], step: f64) -> f64 {
    let mut total = 0.0;
    let mut conv = vec![1.0];
    for n in 0..=10 {
        let days: f64 = conv
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let short = k as f64 * step - ALLOWANCE;
                if short > 0.0 {
                    p * (short / 24.0).ceil()
                } else {
                    0.0
                }
            })
            .sum();
        total += poisson(n, RATE) * days;
        let mut next = vec![0.0; conv.len() + downtime.len()];
        for (a, &pa) in conv.iter().enumerate() {
            if pa == 0.0 {
                continue;
            }
            for (b, &pb) in downtime.iter().enumerate() {
                next[a + b] += pa * pb;
            }
        }
        conv = next;
    }
    total
}

/// No stock: every failure waits the whole resupply time (504 h) plus delivery and repair, 523 h
/// (the engineer arrives first): one failure is 85 h short (4 days), two 608 h (26), three
/// 1,131 h (48) and so on, weighted by Poisson(1.5).
#[test]
fn without_stock_every_failure_waits_the_resupply_time() {
    let d = LEAD_DAYS * 24.0 + DELIVERY + REPAIR;
    let mut want = 0.0;
    for n in 1..=12 {
        let short = n as f64 * d - ALLOWANCE;
        if short > 0.0 {
            want += poisson(n, RATE) * (short / 24.0).ceil();
        }
    }
    let got = model_days_short(0);
    assert!(
        (got - want).abs() / want < 0.02,
        "model {got}, by hand {want}"
    );
}

/// One unit of stock: a failure finds it with probability `exp(-lambda L)` (19 h down), and
/// otherwise waits `W` with `P(W > w) = 1 - exp(-lambda (L - w))` below `L` (the unit ordered at
/// the previous failure arrives `L` after it); enumerated over failure counts on a half-hour
/// grid.
#[test]
fn one_unit_of_stock_against_enumeration_over_failure_counts() {
    let step = 0.5;
    let lam = RATE / 8760.0;
    let lead = LEAD_DAYS * 24.0;
    let bins = ((lead + DELIVERY + REPAIR) / step) as usize + 2;
    let mut downtime = vec![0.0; bins];
    downtime[((DELIVERY.max(ENGINEER) + REPAIR) / step).round() as usize] += (-lam * lead).exp();
    let survival = |w: f64| {
        if w < lead {
            1.0 - (-lam * (lead - w)).exp()
        } else {
            0.0
        }
    };
    let mut w = 0.0;
    while w < lead {
        let mass = survival(w) - survival(w + step);
        let hours = w + step / 2.0 + DELIVERY + REPAIR;
        downtime[(hours / step).round() as usize] += mass;
        w += step;
    }
    let want = enumerated_days_short(&downtime, step);
    let got = model_days_short(1);
    assert!(want > 0.01);
    assert!(
        (got - want).abs() / want < 0.03,
        "model {got}, enumerated {want}"
    );
    // More stock, fewer days short.
    assert!(model_days_short(2) < got);
}

fn small_set() -> spareplan::model::Dataset {
    use spareplan::gen::{self, GenParams};
    use spareplan::io::geo::{load_geography, EmbeddedGeo};
    let geo = load_geography(&EmbeddedGeo).expect("geography");
    let params = GenParams {
        hospitals: Some(150),
        parts: Some(60),
        seed: 3,
        ..GenParams::default()
    };
    gen::synthetic(&geo, &params).dataset
}

fn quick(day_cost: Option<Fen>) -> PlanParams {
    PlanParams {
        bound: false,
        curve: Vec::new(),
        warranty_day_cost: day_cost,
        ..PlanParams::default()
    }
}

/// The priced plan never costs more in total (holding + expected extension at the scanners' own
/// warranty-day cost) than the plan that ignores the clause; a zero warranty-day cost gives the
/// plan of a data set without any.
#[test]
fn the_priced_plan_costs_no_more_than_the_unpriced_one() {
    let ds = small_set();
    assert!(ds.units.iter().any(|u| u.warranty_day_cost.is_some()));
    // Ten times the generated day costs, so that the clause pays for stock.
    let price = Fen(200_000);
    let priced = stock::plan(&ds, &quick(Some(price))).expect("a priced plan");
    assert!(priced.priced());
    let unpriced = stock::plan(&ds, &quick(Some(Fen::ZERO))).expect("a plan");
    assert!(!unpriced.priced());
    let unpriced_at_price =
        stock::evaluate(&ds, &unpriced.stock, &quick(Some(price))).expect("evaluated");
    assert_eq!(
        unpriced_at_price.annual_holding_cost,
        unpriced.annual_holding_cost
    );
    assert!(
        priced.total_annual_cost() <= unpriced_at_price.total_annual_cost(),
        "priced {} > unpriced {}",
        priced.total_annual_cost(),
        unpriced_at_price.total_annual_cost()
    );
    // At this price the clause buys stock, and the stock buys fewer extension days.
    assert!(priced.annual_holding_cost > unpriced.annual_holding_cost);
    assert!(
        priced.extension.extension_days() < unpriced_at_price.extension.extension_days(),
        "{} vs {}",
        priced.extension.extension_days(),
        unpriced_at_price.extension.extension_days()
    );
    // Zero cost: the plan of the same data without warranty_day_cost.
    let mut bare = ds.clone();
    for u in &mut bare.units {
        u.warranty_day_cost = None;
    }
    let without = stock::plan(&bare, &quick(None)).expect("a plan");
    assert_eq!(without.stock, unpriced.stock);
    assert_eq!(without.extension.extension_cost(), Fen::ZERO);
}

/// The bound covers the priced objective: at most the plan's holding plus extension cost, its
/// extension share at most the plan's extension cost.
#[test]
fn the_bound_covers_the_priced_objective() {
    let ds = small_set();
    let params = PlanParams {
        curve: Vec::new(),
        warranty_day_cost: Some(Fen(200_000)),
        ..PlanParams::default()
    };
    let r = stock::plan(&ds, &params).expect("a plan");
    let floor = r.extension_floor.expect("a floor");
    assert!(floor <= r.extension.extension_cost());
    let lb = r.lower_bound.expect("a bound");
    assert!(
        lb <= r.total_annual_cost(),
        "{lb} > {}",
        r.total_annual_cost()
    );
    assert!(lb >= floor);
}

/// The model's expected extension days of the plan `plan` writes on data/china against the
/// simulation of the same plan (400 warranty years, scanners in warranty alike): within 10 % in
/// total and in every depot region with more than 100 simulated days.
#[test]
fn the_model_extension_days_match_the_simulation_on_data_china() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china");
    let ds = spareplan::io::load_planning(&spareplan::io::DirSource::new(dir))
        .expect("valid")
        .data;
    let r = stock::plan(&ds, &quick(None)).expect("a plan");
    let params = spareplan::sim::VerifyParams {
        years: 1.0,
        warmup_years: 1.0,
        replications: 400,
        seed: 11,
    };
    let v = spareplan::sim::verify(&ds, &r, &params);
    let (model, simulated) = (r.extension.extension_days(), v.extension.extension_days());
    assert!(
        (model - simulated).abs() / simulated < 0.10,
        "model {model}, simulated {simulated}"
    );
    for d in ds.depot_ids() {
        let units: Vec<usize> = (0..ds.units.len())
            .filter(|&u| r.region(ds.units[u].hospital) == Some(d))
            .collect();
        let m: f64 = units
            .iter()
            .map(|&u| r.extension.unit_extension_days(u))
            .sum();
        let s: f64 = units
            .iter()
            .map(|&u| v.extension.unit_extension_days(u))
            .sum();
        if s > 100.0 {
            assert!(
                (m - s).abs() / s < 0.10,
                "{}: model {m}, simulated {s}",
                ds.depot(d).code
            );
        }
    }
}
