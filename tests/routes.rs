//! Routes against hand-worked small networks, and the constrained route against brute force.

use proptest::prelude::*;
use spareplan::coverage::{self, CoverageParams};
use spareplan::io::{self, MemorySource};
use spareplan::model::*;
use spareplan::money::Fen;
use spareplan::network::{to_micros, Network};

/// A network of depots D1 (handling 2 h) and D2 (handling 1 h), hubs X, Y, A1 (airport), A2
/// (airport), Z (isolated), and hospitals; lanes are given per test.
fn dataset(lanes: &str, hospitals: &[&str]) -> Dataset {
    let mut hosp = String::from("hospital_id,name,lat,lon\n");
    for h in hospitals {
        hosp.push_str(&format!("{h},{h},30,110\n"));
    }
    let src = MemorySource::new()
        .with(
            "depots.csv",
            "depot_id,name,lat,lon,tier,handling_hours,resupply_days,parent_id\n\
             D1,One,30,110,central,2,20,\n\
             D2,Two,31,111,regional,1,3,D1\n",
        )
        .with(
            "hubs.csv",
            "hub_id,name,lat,lon,kind\nX,X,30,110,city\nY,Y,30,110,city\nA1,A1,30,110,airport\nA2,A2,30,110,airport\nZ,Z,30,110,city\n",
        )
        .with("hospitals.csv", hosp)
        .with("lanes.csv", format!("from_id,to_id,mode,hours,cost\n{lanes}"))
        .with("parts.csv", "part_no,description,unit_cost\nP,Part,1\n")
        .with(
            "installed_base.csv",
            format!(
                "serial,hospital_id,model,accepted_on\nS,{},M,2025-01-01\n",
                hospitals[0]
            ),
        )
        .with("part_usage.csv", "model,part_no,failures_per_unit_year\nM,P,1\n");
    io::load_planning(&src)
        .unwrap_or_else(|e| panic!("{:#?}", e.problems()))
        .data
}

fn route_text(ds: &Dataset, r: &spareplan::network::Route) -> String {
    coverage::route_path(ds, r) + " / " + &coverage::route_modes(r)
}

fn pair<'a>(
    cov: &'a coverage::Coverage,
    ds: &Dataset,
    d: &str,
    h: &str,
) -> &'a coverage::PairRoutes {
    cov.pairs
        .iter()
        .find(|p| ds.depot(p.depot).code == d && ds.hospital(p.hospital).code == h)
        .unwrap_or_else(|| panic!("no route {d} -> {h}"))
}

#[test]
fn fastest_route_adds_handling_and_prefers_the_cheaper_of_equal_times() {
    // D1 -> H: via X 3 + 4 = 7 h costing 10 + 10; via Y 5 + 2 = 7 h costing 5 + 5; direct 8 h.
    let ds = dataset(
        "D1,X,road,3,10\nX,H,road,4,10\nD1,Y,road,5,5\nY,H,road,2,5\nD1,H,road,8,1\n",
        &["H"],
    );
    let cov = coverage::compute(&ds, &CoverageParams::default());
    let p = pair(&cov, &ds, "D1", "H");
    assert_eq!(p.delivery_micros, to_micros(9.0)); // 2 h handling + 7 h
    assert_eq!(route_text(&ds, &p.fastest), "D1>Y>H / road>road");
    assert_eq!(p.fastest.cost, Fen::yuan(10));
    // The economy route within 72 h is the direct lane: cost 1.
    let (t, r) = p.economy.as_ref().expect("within deadline");
    assert_eq!(*t, to_micros(10.0));
    assert_eq!(route_text(&ds, r), "D1>H / road");
}

#[test]
fn parallel_lanes_of_different_modes_are_distinct_choices() {
    // X -> H by road 10 h (cost 20) or air 2 h (cost 900); D1 -> X courier 1 h (cost 5).
    let ds = dataset("D1,X,courier,1,5\nX,H,road,10,20\nX,H,air,2,900\n", &["H"]);
    let cov = coverage::compute(
        &ds,
        &CoverageParams {
            deadline_hours: 12.0,
            ..CoverageParams::default()
        },
    );
    let p = pair(&cov, &ds, "D1", "H");
    assert_eq!(route_text(&ds, &p.fastest), "D1>X>H / courier>air");
    assert_eq!(p.delivery_micros, to_micros(5.0));
    // Within 12 h (2 h handling leaves 10 h of travel) road takes 11 h: only air fits.
    let (_, r) = p.economy.as_ref().expect("air fits");
    assert_eq!(route_text(&ds, r), "D1>X>H / courier>air");
    // Within 72 h the road is cheaper.
    let cov72 = coverage::compute(&ds, &CoverageParams::default());
    let (t, r) = pair(&cov72, &ds, "D1", "H")
        .economy
        .clone()
        .expect("road fits");
    assert_eq!(route_text(&ds, &r), "D1>X>H / courier>road");
    assert_eq!(t, to_micros(13.0));
    assert_eq!(r.cost, Fen::yuan(25));
}

#[test]
fn one_way_lanes_are_not_used_backwards() {
    // H2 is reached from D2 only through D1's hub X, and X -> D2 does not exist, so D1 cannot use
    // D2's short lane backwards.
    let ds = dataset(
        "D1,X,road,1,1\nX,H1,road,1,1\nH2,D2,road,1,1\nD2,H2,road,30,1\nX,H2,road,50,1\n",
        &["H1", "H2"],
    );
    let cov = coverage::compute(&ds, &CoverageParams::default());
    assert_eq!(pair(&cov, &ds, "D1", "H2").delivery_micros, to_micros(53.0));
    assert_eq!(pair(&cov, &ds, "D2", "H2").delivery_micros, to_micros(31.0));
    assert!(cov
        .pairs
        .iter()
        .all(|p| !(ds.depot(p.depot).code == "D2" && ds.hospital(p.hospital).code == "H1")));
}

#[test]
fn a_hospital_reachable_only_by_air_shows_its_air_route_and_an_unreachable_one_is_reported() {
    let ds = dataset(
        "D1,X,road,1,10\nX,A1,courier,3,50\nA1,A2,air,4,900\nA2,H,courier,2,50\nZ,HZ,road,1,1\nD1,H0,road,1,1\n",
        &["H0", "H", "HZ"],
    );
    let cov = coverage::compute(&ds, &CoverageParams::default());
    let p = pair(&cov, &ds, "D1", "H");
    assert_eq!(
        route_text(&ds, &p.fastest),
        "D1>X>A1>A2>H / road>courier>air>courier"
    );
    assert_eq!(p.delivery_micros, to_micros(12.0));
    let hz = ds.hospitals.iter().position(|h| h.code == "HZ").unwrap();
    assert!(cov.hospitals[hz].fastest.is_none());
    // D1 cannot reach HZ; D2 has no lane out at all.
    assert_eq!(cov.unreachable.len(), 4);
    let summary = coverage::summarize(&ds, &cov, 5);
    assert_eq!(summary.unreachable_hospitals, vec!["HZ".to_owned()]);
    assert_eq!(summary.need_air.len(), 1);
    assert_eq!(summary.need_air[0].hospital_id, "H");
    assert_eq!(summary.need_air[0].modes, "road>courier>air>courier");
}

#[test]
fn engineer_time_is_from_the_nearest_base_without_handling() {
    let src_lanes = "D1,X,road,3,1\nX,H,road,4,1\nY,H,road,30,1\n";
    let mut ds = dataset(src_lanes, &["H"]);
    ds.engineers = vec![
        EngineerBase {
            base: NodeRef::Hub(HubId(1)), // Y: 30 h
            engineers: 2,
        },
        EngineerBase {
            base: NodeRef::Depot(DepotId(0)), // D1: 7 h
            engineers: 1,
        },
    ];
    let cov = coverage::compute(&ds, &CoverageParams::default());
    assert_eq!(cov.hospitals[0].engineer_micros, Some(to_micros(7.0)));
}

#[test]
fn the_bundled_data_needs_air_for_ali() {
    let ds = io::load_planning(&io::DirSource::new(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china"),
    ))
    .expect("valid")
    .data;
    let cov = coverage::compute(&ds, &CoverageParams::default());
    let summary = coverage::summarize(&ds, &cov, 10);
    let ali = summary
        .need_air
        .iter()
        .find(|h| h.hospital_id == "H542500-01")
        .expect("Ali cannot be reached within 72 h by road");
    assert!(ali.modes.contains("air"));
    assert!(ali.hours <= 72.0);
    assert_eq!(
        summary
            .reach
            .iter()
            .find(|r| r.hours == 72.0)
            .unwrap()
            .hospitals,
        740
    );
}

// ---- brute force on random small graphs ----

#[derive(Clone, Debug)]
struct RandomLane {
    from: usize,
    to: usize,
    tenths: i64,
    cost: i64,
}

/// Every simple path from node 0, as (micros, cost, hops) per end node.
fn all_simple_paths(n: usize, lanes: &[RandomLane]) -> Vec<Vec<(i64, i64, usize)>> {
    let mut out = vec![Vec::new(); n];
    let mut visited = vec![false; n];
    fn dfs(
        at: usize,
        t: i64,
        c: i64,
        hops: usize,
        lanes: &[RandomLane],
        visited: &mut Vec<bool>,
        out: &mut Vec<Vec<(i64, i64, usize)>>,
    ) {
        out[at].push((t, c, hops));
        visited[at] = true;
        for l in lanes.iter().filter(|l| l.from == at) {
            if !visited[l.to] {
                dfs(
                    l.to,
                    t + l.tenths * 100_000,
                    c + l.cost,
                    hops + 1,
                    lanes,
                    visited,
                    out,
                );
            }
        }
        visited[at] = false;
    }
    dfs(0, 0, 0, 0, lanes, &mut visited, &mut out);
    out
}

fn random_network() -> impl Strategy<Value = (usize, Vec<RandomLane>, i64)> {
    (3usize..8).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec(
                (0..n, 0..n, 0i64..60, 0i64..50).prop_map(|(from, to, tenths, cost)| RandomLane {
                    from,
                    to,
                    tenths,
                    cost,
                }),
                1..20,
            ),
            0i64..150,
        )
    })
}

/// Node 0 is a depot (no handling), nodes 1.. are hubs.
fn to_dataset(n: usize, lanes: &[RandomLane]) -> Dataset {
    let mut ds = Dataset::default();
    ds.depots.push(Depot {
        code: "D".into(),
        name: "D".into(),
        lat: 0.0,
        lon: 0.0,
        tier: Tier::Central,
        handling_hours: 0.0,
        resupply_days: 1.0,
        city: None,
        province: None,
        parent: None,
        holding_rate: 0.25,
    });
    for i in 1..n {
        ds.hubs.push(Hub {
            code: format!("N{i}"),
            name: String::new(),
            lat: 0.0,
            lon: 0.0,
            kind: None,
        });
    }
    let node = |i: usize| {
        if i == 0 {
            NodeRef::Depot(DepotId(0))
        } else {
            NodeRef::Hub(HubId::from_index(i - 1))
        }
    };
    for (k, l) in lanes.iter().enumerate() {
        if l.from == l.to {
            continue;
        }
        ds.lanes.push(Lane {
            from: node(l.from),
            to: node(l.to),
            mode: Mode::ALL[k % 4],
            hours: l.tenths as f64 / 10.0,
            cost: Fen::yuan(l.cost),
            distance_km: None,
        });
    }
    ds
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn routes_match_brute_force_over_all_simple_paths((n, lanes, budget_tenths) in random_network()) {
        let lanes: Vec<RandomLane> = lanes.into_iter().filter(|l| l.from != l.to).collect();
        let ds = to_dataset(n, &lanes);
        let net = Network::build(&ds);
        let origin = NodeRef::Depot(DepotId(0));
        let fastest = net.fastest_from(origin);
        let budget = budget_tenths * 100_000;
        let economy = net.economy_from(origin, budget);
        let paths = all_simple_paths(n, &lanes);
        for (i, found) in paths.iter().enumerate().skip(1) {
            let target = NodeRef::Hub(HubId::from_index(i - 1));
            let best_fast = found.iter().map(|&(t, c, h)| (t, c, h)).min();
            let got_fast = net.fastest_route(&fastest, target).map(|r| (r.micros, r.cost.0 / 100, r.hops()));
            prop_assert_eq!(got_fast, best_fast, "fastest to node {}", i);
            let best_econ = found.iter().filter(|p| p.0 <= budget).map(|&(t, c, _)| (c, t)).min();
            let got_econ = net.economy_route(&economy, target).map(|r| (r.cost.0 / 100, r.micros));
            prop_assert_eq!(got_econ, best_econ, "economy to node {}", i);
            if let Some(r) = net.economy_route(&economy, target) {
                // The route is a real path of the graph, within the budget.
                let mut seen = std::collections::BTreeSet::new();
                prop_assert!(r.nodes.iter().all(|n| seen.insert(*n)), "simple path");
                prop_assert!(r.micros <= budget);
            }
        }
    }
}

#[test]
fn the_72_hour_count_does_not_follow_the_deadline_option() {
    // D1 reaches H in 2 + 30 = 32 h, D2 in 1 + 80 = 81 h.
    let ds = dataset("D1,H,road,30,1\nD2,H,road,80,1\n", &["H"]);
    let cov = coverage::compute(
        &ds,
        &CoverageParams {
            deadline_hours: 24.0,
            ..CoverageParams::default()
        },
    );
    assert_eq!(cov.hospitals[0].within_72h, vec![DepotId(0)]);
    assert!(cov.hospitals[0].within_deadline.is_empty());
    assert!(pair(&cov, &ds, "D1", "H").economy.is_none());
    let csv = String::from_utf8(spareplan::io::output::coverage_csv(&ds, &cov)).unwrap();
    assert!(
        csv.lines().nth(1).unwrap().starts_with("H,D1,32,1,,D1,0,"),
        "{csv}"
    );
}
