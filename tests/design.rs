//! Network design against brute force over every subset of candidates, on small networks whose
//! delivery times the test works out itself (Floyd-Warshall over the lanes).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use spareplan::design::{self, DesignParams};
use spareplan::io::{self, MemorySource};
use spareplan::model::Dataset;
use spareplan::stock::PlanParams;

use crate::common::succeeded;

/// A small network: one central depot at hub 0, `hubs` city hubs joined by roads, hospitals
/// hanging off hubs, candidates linked to hubs.
struct Net {
    hubs: usize,
    /// Road lanes between hubs, both ways: (a, b, hours).
    roads: Vec<(usize, usize, f64)>,
    /// Hospitals: (hub, hours from the hub).
    hospitals: Vec<(usize, f64)>,
    /// Candidates: (hub, link hours, fixed cost in yuan).
    sites: Vec<(usize, f64, u32)>,
}

const DEPOT_HANDLING: f64 = 1.0;
const DEPOT_LINK: f64 = 0.5;
const SITE_HANDLING: f64 = 1.0;

impl Net {
    fn random(seed: u64) -> Net {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let hubs = 6;
        let mut roads = Vec::new();
        for b in 1..hubs {
            // A tree, so every hub is reachable, and a few shortcuts.
            roads.push((rng.random_range(0..b), b, rng.random_range(1.0..6.0)));
        }
        for _ in 0..3 {
            let (a, b) = (rng.random_range(0..hubs), rng.random_range(0..hubs));
            let joined = roads
                .iter()
                .any(|&(x, y, _)| (x, y) == (a, b) || (x, y) == (b, a));
            if a != b && !joined {
                roads.push((a, b, rng.random_range(0.5..4.0)));
            }
        }
        let hospitals = (0..9)
            .map(|_| (rng.random_range(0..hubs), rng.random_range(0.2..2.5)))
            .collect();
        let sites = (0..rng.random_range(3..=6))
            .map(|_| {
                (
                    rng.random_range(0..hubs),
                    rng.random_range(0.2..1.5),
                    rng.random_range(1..20) * 5_000,
                )
            })
            .collect();
        Net {
            hubs,
            roads,
            hospitals,
            sites,
        }
    }

    fn source(&self) -> MemorySource {
        let mut hubs = String::from("hub_id,name,lat,lon,kind\n");
        for h in 0..self.hubs {
            writeln!(
                hubs,
                "C{h},Hub {h},{},{},city",
                30.0 + h as f64,
                110.0 + h as f64
            )
            .unwrap();
        }
        let mut lanes = String::from("from_id,to_id,mode,hours,cost\n");
        writeln!(lanes, "DC,C0,courier,{DEPOT_LINK},10.00").unwrap();
        writeln!(lanes, "C0,DC,courier,{DEPOT_LINK},10.00").unwrap();
        for &(a, b, t) in &self.roads {
            writeln!(lanes, "C{a},C{b},road,{t},100.00").unwrap();
            writeln!(lanes, "C{b},C{a},road,{t},100.00").unwrap();
        }
        let mut hospitals = String::from("hospital_id,name,lat,lon\n");
        let mut units = String::from("serial,hospital_id,model,accepted_on\n");
        for (i, &(hub, t)) in self.hospitals.iter().enumerate() {
            writeln!(hospitals, "H{i},Hospital {i},31.0,111.0").unwrap();
            writeln!(lanes, "C{hub},H{i},courier,{t},20.00").unwrap();
            writeln!(units, "S{i},H{i},CT1,2026-01-01").unwrap();
        }
        let mut candidates = String::from(
            "site_id,name,lat,lon,hub_id,link_hours,annual_fixed_cost,handling_hours,resupply_days\n",
        );
        for (i, &(hub, link, fixed)) in self.sites.iter().enumerate() {
            writeln!(
                candidates,
                "S-{i},Site {i},31.0,111.0,C{hub},{link},{fixed}.00,{SITE_HANDLING},2"
            )
            .unwrap();
        }
        MemorySource::new()
            .with(
                "depots.csv",
                "depot_id,name,lat,lon,tier,handling_hours,resupply_days\nDC,Central,31.0,121.0,central,1,7\n",
            )
            .with("hubs.csv", hubs)
            .with("hospitals.csv", hospitals)
            .with("lanes.csv", lanes)
            .with(
                "parts.csv",
                "part_no,description,unit_cost,deadline_hours\nP72,Detector board,50000.00,72\nP4,Emergency fuse kit,8000.00,4\n",
            )
            .with("installed_base.csv", units)
            .with(
                "part_usage.csv",
                "model,part_no,failures_per_unit_year\nCT1,P72,0.3\nCT1,P4,0.2\n",
            )
            .with("candidates.csv", candidates)
    }

    fn dataset(&self) -> Dataset {
        io::load_planning(&self.source())
            .expect("a valid data set")
            .data
    }

    /// Hours between hubs, by Floyd-Warshall.
    fn hub_hours(&self) -> Vec<Vec<f64>> {
        let n = self.hubs;
        let mut d = vec![vec![f64::INFINITY; n]; n];
        for (i, row) in d.iter_mut().enumerate() {
            row[i] = 0.0;
        }
        for &(a, b, t) in &self.roads {
            d[a][b] = d[a][b].min(t);
            d[b][a] = d[b][a].min(t);
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if d[i][k] + d[k][j] < d[i][j] {
                        d[i][j] = d[i][k] + d[k][j];
                    }
                }
            }
        }
        d
    }

    /// Per hospital: within 4 h of the depot; per site, the hospitals it reaches within 4 h.
    fn reach(&self) -> (Vec<bool>, Vec<Vec<bool>>) {
        let d = self.hub_hours();
        let base = self
            .hospitals
            .iter()
            .map(|&(hub, t)| DEPOT_HANDLING + DEPOT_LINK + d[0][hub] + t <= 4.0 + 1e-9)
            .collect();
        let sites = self
            .sites
            .iter()
            .map(|&(s, link, _)| {
                self.hospitals
                    .iter()
                    .map(|&(hub, t)| SITE_HANDLING + link + d[s][hub] + t <= 4.0 + 1e-9)
                    .collect()
            })
            .collect();
        (base, sites)
    }

    fn reach_of(&self, mask: usize) -> usize {
        let (base, sites) = self.reach();
        (0..self.hospitals.len())
            .filter(|&h| {
                base[h] || (0..self.sites.len()).any(|s| mask >> s & 1 == 1 && sites[s][h])
            })
            .count()
    }
}

fn quick() -> DesignParams {
    DesignParams {
        plan: PlanParams::quick(0.95),
        ..DesignParams::default()
    }
}

fn yuan(f: spareplan::money::Fen) -> f64 {
    f.0 as f64 / 100.0
}

#[test]
fn the_frontier_and_the_choice_match_brute_force_over_every_subset() {
    for seed in 1..=12 {
        let net = Net::random(seed);
        let ds = net.dataset();
        let d = design::design(&ds, &quick(), &|_| {}).expect("designed");
        let k = net.sites.len();
        let cost = |mask: usize| -> f64 {
            (0..k)
                .filter(|s| mask >> s & 1 == 1)
                .map(|s| yuan(d.site_cost[s][0]))
                .sum()
        };
        assert_eq!(d.frontier.len(), k + 1, "seed {seed}");
        for n in 0..=k {
            let masks: Vec<usize> = (0..1usize << k)
                .filter(|m| m.count_ones() as usize <= n)
                .collect();
            let most = masks.iter().map(|&m| net.reach_of(m)).max().unwrap();
            let cheapest = masks
                .iter()
                .filter(|&&m| net.reach_of(m) >= most)
                .map(|&m| cost(m))
                .fold(f64::INFINITY, f64::min);
            let row = &d.frontier[n];
            assert_eq!(row.sites_open, n);
            assert_eq!(row.reach[0], most, "seed {seed}, {n} sites");
            let row_cost = yuan(row.annual_cost[0] - d.base_plan_cost);
            assert!(
                (row_cost - cheapest).abs() < 0.005,
                "seed {seed}, {n} sites: {row_cost} against brute force {cheapest}"
            );
            let mask: usize = row.sites[0].iter().map(|&s| 1 << s).sum();
            assert_eq!(
                net.reach_of(mask),
                most,
                "seed {seed}, {n} sites: the row's sites"
            );
        }
        // The choice: the cheapest subset reaching the most.
        let most = net.reach_of((1 << k) - 1);
        let cheapest = (0..1usize << k)
            .filter(|&m| net.reach_of(m) == most)
            .map(cost)
            .fold(f64::INFINITY, f64::min);
        let chosen: usize = d.chosen.sites.iter().map(|&s| 1 << s).sum();
        assert_eq!(net.reach_of(chosen), most, "seed {seed}");
        assert!((cost(chosen) - cheapest).abs() < 0.005, "seed {seed}");
        assert!(d.chosen.proven);
    }
}

#[test]
fn a_site_stocks_the_poisson_quantile_of_the_emergency_demand_it_newly_reaches() {
    // One site two hours out from the depot's hub reaches hospital 0 only.
    let net = Net {
        hubs: 2,
        roads: vec![(0, 1, 5.0)],
        hospitals: vec![(1, 0.5), (0, 0.5)],
        sites: vec![(1, 0.5, 40_000)],
    };
    let ds = net.dataset();
    let d = design::design(&ds, &quick(), &|_| {}).expect("designed");
    // Demand 0.2 a year of the 4 h part over 2 days' resupply: fill with one unit exp(-m).
    let m: f64 = 0.2 * 2.0 / 365.0;
    let units = if (-m).exp() >= 0.95 { 1 } else { 2 };
    assert_eq!(units, 1);
    let expected = 40_000.0 + 0.25 * 8_000.0 * units as f64;
    assert!((yuan(d.site_cost[0][0]) - expected).abs() < 0.005);
    assert_eq!(
        d.covers[0].base, 1,
        "the depot reaches hospital 1 within 4 h"
    );
    assert_eq!(d.chosen.sites, vec![0]);
    // The designed network: the site as a forward depot linked to its hub, the plan on it.
    let depot = d.network.depots.last().expect("a depot");
    assert_eq!(depot.code, "S-0");
    assert_eq!(depot.tier, spareplan::model::Tier::Forward);
    assert!(d.network.candidates.is_empty());
    let plan = spareplan::stock::plan(&d.network, &PlanParams::quick(0.95)).expect("planned");
    let site = spareplan::model::DepotId::from_index(d.network.depots.len() - 1);
    assert!(
        plan.depot_totals(site).0 >= 1,
        "the site holds the emergency part"
    );
}

#[test]
fn a_candidate_that_reaches_nobody_is_never_opened() {
    for seed in 1..=6 {
        let mut net = Net::random(seed);
        // Eight hours from its hub: no hospital within 4 h, however cheap.
        net.sites.push((0, 8.0, 0));
        let ds = net.dataset();
        let far = net.sites.len() - 1;
        let d = design::design(&ds, &quick(), &|_| {}).expect("designed");
        assert!(!d.chosen.sites.contains(&far), "seed {seed}");
        for row in &d.frontier {
            assert!(
                !row.sites[0].contains(&far),
                "seed {seed}, row {}",
                row.sites_open
            );
        }
    }
}

#[test]
fn with_zero_fixed_costs_every_site_that_helps_is_opened() {
    // Three far cities, each with one hospital and one candidate; a fourth candidate in the
    // depot's city, where the depot already reaches everyone it could.
    let net = Net {
        hubs: 4,
        roads: vec![(0, 1, 9.0), (0, 2, 9.0), (0, 3, 9.0)],
        hospitals: vec![(0, 0.5), (1, 0.5), (2, 0.5), (3, 0.5)],
        sites: vec![(1, 0.5, 0), (2, 0.5, 0), (3, 0.5, 0), (0, 0.5, 0)],
    };
    let ds = net.dataset();
    let d = design::design(&ds, &quick(), &|_| {}).expect("designed");
    assert_eq!(d.chosen.sites, vec![0, 1, 2]);
    assert_eq!(d.reach_of_chosen()[0], 4);
    let reach: Vec<usize> = d.frontier.iter().map(|r| r.reach[0]).collect();
    assert_eq!(reach, vec![1, 2, 3, 4, 4]);
}

#[test]
fn a_reach_share_opens_the_cheapest_sites_that_give_it() {
    let net = Net {
        hubs: 4,
        roads: vec![(0, 1, 9.0), (0, 2, 9.0), (0, 3, 9.0)],
        hospitals: vec![(0, 0.5), (1, 0.5), (2, 0.5), (3, 0.5)],
        sites: vec![(1, 0.5, 30_000), (2, 0.5, 10_000), (3, 0.5, 20_000)],
    };
    let ds = net.dataset();
    let params = DesignParams {
        reach_share: Some(0.75),
        ..quick()
    };
    let d = design::design(&ds, &params, &|_| {}).expect("designed");
    assert_eq!(d.required_reach, 3);
    assert_eq!(d.chosen.sites, vec![1, 2]);
    let too_many = DesignParams {
        reach_share: Some(1.0),
        max_sites: Some(2),
        ..quick()
    };
    assert!(matches!(
        design::design(&ds, &too_many, &|_| {}),
        Err(design::DesignError::TooFewSites { .. })
    ));
}

/// The data set of `net` written to a fresh folder named `name`.
fn written(net: &Net, name: &str) -> PathBuf {
    let data = temp(name);
    for (file, bytes) in &net.source().files {
        std::fs::write(data.join(file), bytes).expect("written");
    }
    data
}

/// `spareplan design DATA --out OUT --no-verify --no-curve`, with `threads` worker threads.
fn design_run(data: &std::path::Path, out: &std::path::Path, threads: &str) {
    succeeded(
        Command::new(env!("CARGO_BIN_EXE_spareplan"))
            .env("RAYON_NUM_THREADS", threads)
            .arg("design")
            .arg(data)
            .arg("--out")
            .arg(out)
            .args(["--no-verify", "--no-curve"]),
    );
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-design-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn design_writes_sites_frontier_and_a_network_plan_takes_as_it_is() {
    let net = Net::random(3);
    let data = written(&net, "data");
    let out = temp("out").join("design");
    design_run(&data, &out, "2");
    let sites = std::fs::read_to_string(out.join("sites.csv")).expect("sites.csv");
    assert!(sites.starts_with(
        "site_id,open,annual_fixed_cost,units,investment,annual_holding_cost,hospitals_within_4h,hospitals_within_72h,"
    ));
    assert_eq!(sites.lines().count(), net.sites.len() + 1);
    let frontier = std::fs::read_to_string(out.join("frontier.csv")).expect("frontier.csv");
    assert!(frontier.starts_with("sites_open,hospitals_within_4h,annual_cost,"));
    assert_eq!(frontier.lines().count(), net.sites.len() + 2);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for key in [
        "open_sites",
        "annual_fixed_cost",
        "annual_holding_cost",
        "total_annual_cost",
        "lower_bound",
        "gap",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    let opened = sites
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1) == Some("true"))
        .count();
    assert_eq!(summary["open_sites"].as_u64(), Some(opened as u64));
    // The network folder is a data set plan takes as it is, its opened sites forward depots.
    let network = io::load_planning(&io::DirSource::new(out.join("network")))
        .expect("loads")
        .data;
    let forward = network
        .depots
        .iter()
        .filter(|d| d.tier == spareplan::model::Tier::Forward)
        .count();
    assert_eq!(forward, opened);
    let plan_out = temp("plan");
    succeeded(
        Command::new(env!("CARGO_BIN_EXE_spareplan"))
            .arg("plan")
            .arg(out.join("network"))
            .arg("--out")
            .arg(&plan_out)
            .args(["--no-verify", "--no-curve"]),
    );
}

#[test]
fn a_design_writes_the_same_bytes_on_one_thread_or_two() {
    let net = Net::random(5);
    let data = written(&net, "threads-data");
    let run = |threads: &str| {
        let out = temp(&format!("threads-{threads}")).join("design");
        design_run(&data, &out, threads);
        [
            "sites.csv",
            "frontier.csv",
            "summary.json",
            "network/depots.csv",
            "plan/stock_plan.csv",
        ]
        .map(|f| std::fs::read(out.join(f)).expect("written"))
    };
    assert_eq!(run("1"), run("2"));
}
