//! One replication: a discrete-event simulation of the stocking policy of model.md.
//!
//! Failures arrive as one Poisson stream of rate `sum over units and parts of the failure rate`;
//! each picks its unit and part by alias tables (a unit by its total rate, a part by its model's
//! rates), which is the superposition of the per-unit, per-part Poisson processes. A request goes
//! to the first candidate depot (within the deadline, fastest first) with stock on hand; if none has
//! any, it waits in the primary depot's first-come-first-served queue. Every unit a depot ships or
//! owes is reordered at once from its parent (one for one), which ships it if it has stock and
//! otherwise queues the order behind its own; the central depot's orders arrive from the factory
//! after its resupply time. An order leaves the parent when stock is there and arrives after the
//! child's resupply time. The unit is down from the failure until the part and the engineer are
//! both on site (engineers travel from the nearest base, without a capacity limit), plus the
//! part's repair time.
//!
//! Statistics count requests made after the warm-up; uptime is measured over the year after the
//! warm-up (each unit's simulated warranty year). Quarterly maintenance visits come every quarter
//! from a random phase per unit; their parts are ordered ahead outside the base stock (model.md),
//! so they neither use nor wait for it, and their planned downtime is not counted as unplanned
//! downtime.

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::SimSpec;

pub const HOURS_PER_YEAR: f64 = 8760.0;

/// Walker's alias table: draws an index with probability proportional to its weight in O(1).
#[derive(Clone, Debug)]
pub struct Alias {
    prob: Vec<f64>,
    alias: Vec<u32>,
}

impl Alias {
    /// `None` when no weight is positive.
    pub fn new(weights: &[f64]) -> Option<Alias> {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        if n == 0 || total <= 0.0 {
            return None;
        }
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut prob = vec![1.0; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            prob[s] = scaled[s];
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        Some(Alias { prob, alias })
    }

    pub fn draw(&self, rng: &mut impl Rng) -> usize {
        let i = rng.random_range(0..self.prob.len());
        if rng.random::<f64>() < self.prob[i] {
            i
        } else {
            self.alias[i] as usize
        }
    }
}

/// What one replication measured.
#[derive(Clone, Debug, Default)]
pub struct Replication {
    pub failures: u64,
    /// Quarterly maintenance visits after the warm-up, and the parts they used.
    pub pm_visits: u64,
    pub pm_parts: f64,
    /// Requests and on-time requests after the warm-up, per hospital, per hospital and deadline
    /// tier (indexed as the plan's requirements, `group x hospitals + hospital`) and per part
    /// (spec order).
    pub hospital_requests: Vec<u32>,
    pub hospital_on_time: Vec<u32>,
    pub tier_requests: Vec<u32>,
    pub tier_on_time: Vec<u32>,
    pub part_requests: Vec<u32>,
    pub part_on_time: Vec<u32>,
    /// Requests filled from stock on hand at a candidate depot the moment they were made (the
    /// analytic model's "on time"; a backorder may still arrive within the deadline).
    pub hospital_filled: Vec<u32>,
    pub part_filled: Vec<u32>,
    /// Hours from request to delivery of each delivered request after the warm-up.
    pub waits: Vec<f32>,
    /// Requests after the warm-up still undelivered at the end.
    pub undelivered: u64,
    /// Down minutes of each unit in its warranty year.
    pub down_minutes: Vec<i64>,
    /// Time-average outstanding replenishment orders of each part and depot after the warm-up.
    pub outstanding: Vec<f64>,
}

enum Waiter {
    Request { at: f64, unit: u32, part: u32 },
    Child(u32),
}

struct State<'a> {
    spec: &'a SimSpec<'a>,
    nd: usize,
    warm: f64,
    end: f64,
    on_hand: Vec<i64>,
    queue: Vec<VecDeque<Waiter>>,
    /// Replenishments on their way to each depot, (arrival time, part), in arrival order: a
    /// depot's lead time is fixed and orders leave in time order, so a first-in-first-out queue
    /// per depot is the event calendar.
    arrivals: Vec<VecDeque<(f64, u32)>>,
    orders: Vec<i64>,
    last_change: Vec<f64>,
    out: Replication,
    down: Vec<Vec<(f64, f64)>>,
}

/// Runs one replication with its own generator.
pub fn replicate(spec: &SimSpec<'_>, seed: u64, index: u64) -> Replication {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    let nd = spec.input.depots.len();
    let np = spec.input.parts.len();
    let nh = spec.input.hospitals();
    let warm = spec.warmup_years * HOURS_PER_YEAR;
    let end = warm + spec.years * HOURS_PER_YEAR;
    let mut on_hand = vec![0i64; np * nd];
    for p in 0..np {
        for d in 0..nd {
            on_hand[p * nd + d] = i64::from(spec.stock[p][d]);
        }
    }
    let mut st = State {
        spec,
        nd,
        warm,
        end,
        on_hand,
        queue: (0..np * nd).map(|_| VecDeque::new()).collect(),
        arrivals: (0..nd).map(|_| VecDeque::new()).collect(),
        orders: vec![0; np * nd],
        last_change: vec![0.0; np * nd],
        out: Replication {
            hospital_requests: vec![0; nh],
            hospital_on_time: vec![0; nh],
            tier_requests: vec![0; nh * spec.input.groups.len()],
            tier_on_time: vec![0; nh * spec.input.groups.len()],
            part_requests: vec![0; np],
            part_on_time: vec![0; np],
            hospital_filled: vec![0; nh],
            part_filled: vec![0; np],
            down_minutes: vec![0; spec.units.len()],
            ..Replication::default()
        },
        down: vec![Vec::new(); spec.units.len()],
    };
    let rate = spec.total_rate / HOURS_PER_YEAR;
    let mut t = 0.0;
    if rate > 0.0 {
        loop {
            t += -(1.0 - rng.random::<f64>()).ln() / rate;
            st.arrive_until(t.min(end));
            if t >= end {
                break;
            }
            let unit = spec
                .unit_alias
                .as_ref()
                .expect("a positive rate")
                .draw(&mut rng);
            let model = spec.units[unit].model;
            let part = spec.part_alias[model]
                .as_ref()
                .expect("a unit with a rate has parts")
                .draw(&mut rng);
            let part = spec.model_parts[model][part];
            st.out.failures += 1;
            st.request(t, unit, part);
        }
    }
    st.finish();
    // Quarterly maintenance: each unit is visited every quarter from a random phase. Its parts are
    // ordered ahead outside the base stock (model.md), so the visits touch neither stock nor the
    // delivery promise; they are counted, and their planned downtime is not unplanned downtime.
    let quarter = HOURS_PER_YEAR / 4.0;
    for unit in &spec.units {
        let phase = rng.random::<f64>() * quarter;
        let first = ((warm - phase) / quarter).ceil().max(0.0);
        let last = ((end - phase) / quarter).ceil();
        let visits = (last - first).max(0.0) as u64;
        st.out.pm_visits += visits;
        st.out.pm_parts += visits as f64 * spec.pm_parts_per_visit[unit.model];
    }
    st.out
}

impl State<'_> {
    fn cell(&self, part: usize, depot: usize) -> usize {
        part * self.nd + depot
    }

    /// Records the change of outstanding orders of a cell at time `t`.
    fn orders_change(&mut self, c: usize, t: f64, delta: i64) {
        let from = self.last_change[c].max(self.warm);
        if t > from {
            self.out_outstanding_add(c, self.orders[c] as f64 * (t - from));
        }
        self.last_change[c] = t;
        self.orders[c] += delta;
    }

    fn out_outstanding_add(&mut self, c: usize, area: f64) {
        if self.out.outstanding.is_empty() {
            self.out.outstanding = vec![0.0; self.on_hand.len()];
        }
        self.out.outstanding[c] += area;
    }

    fn schedule(&mut self, t: f64, depot: usize, part: usize) {
        let q = &mut self.arrivals[depot];
        debug_assert!(q.back().is_none_or(|&(last, _)| last <= t));
        q.push_back((t, part as u32));
    }

    /// The depot with the earliest arrival and its time (ties to the lower depot).
    fn next_arrival(&self) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        for (d, q) in self.arrivals.iter().enumerate() {
            if let Some(&(t, _)) = q.front() {
                if best.is_none_or(|(_, b)| t < b) {
                    best = Some((d, t));
                }
            }
        }
        best
    }

    /// Depot `depot` has shipped or owes one unit: it reorders from its parent at once.
    fn reorder(&mut self, t: f64, depot: usize, part: usize) {
        let c = self.cell(part, depot);
        self.orders_change(c, t, 1);
        let lead = self.spec.input.lead_hours(depot);
        match self.spec.input.depots[depot].parent {
            None => self.schedule(t + lead, depot, part),
            Some(parent) => {
                let pc = self.cell(part, parent);
                if self.on_hand[pc] > 0 {
                    self.on_hand[pc] -= 1;
                    self.schedule(t + lead, depot, part);
                } else {
                    self.queue[pc].push_back(Waiter::Child(depot as u32));
                }
                self.reorder(t, parent, part);
            }
        }
    }

    fn request(&mut self, t: f64, unit: usize, part: usize) {
        let spec = self.spec;
        let hospital = spec.units[unit].hospital;
        let p = &spec.input.parts[part];
        let group = &spec.input.groups[p.group];
        let Some(k) = group.class_of[hospital] else {
            // No depot reaches the hospital: never delivered.
            self.count(t, unit, part, None);
            return;
        };
        let class = &group.classes[k as usize];
        for &d in &class.candidates {
            let c = self.cell(part, d);
            if self.on_hand[c] > 0 {
                self.on_hand[c] -= 1;
                self.reorder(t, d, part);
                let at = t + spec.hours(d, hospital);
                if t >= self.warm {
                    self.out.hospital_filled[hospital] += 1;
                    self.out.part_filled[part] += 1;
                }
                self.count(t, unit, part, Some(at));
                return;
            }
        }
        let primary = class.primary;
        let c = self.cell(part, primary);
        self.queue[c].push_back(Waiter::Request {
            at: t,
            unit: unit as u32,
            part: part as u32,
        });
        self.reorder(t, primary, part);
    }

    /// Counts a request made at `at` and delivered at `delivered` (`None`: never).
    fn count(&mut self, at: f64, unit: usize, part: usize, delivered: Option<f64>) {
        let spec = self.spec;
        let hospital = spec.units[unit].hospital;
        let deadline = spec.deadline_hours[part];
        if at >= self.warm {
            let tier = spec.input.parts[part].group * spec.input.hospitals() + hospital;
            self.out.hospital_requests[hospital] += 1;
            self.out.tier_requests[tier] += 1;
            self.out.part_requests[part] += 1;
            match delivered {
                Some(d) => {
                    let wait = d - at;
                    self.out.waits.push(wait as f32);
                    if wait <= deadline + 1e-9 {
                        self.out.hospital_on_time[hospital] += 1;
                        self.out.tier_on_time[tier] += 1;
                        self.out.part_on_time[part] += 1;
                    }
                }
                None => self.out.undelivered += 1,
            }
        }
        let up_again = match delivered {
            Some(d) => d.max(at + spec.engineer_hours[hospital]) + spec.repair_hours[part],
            None => f64::INFINITY,
        };
        let (from, to) = (self.warm, self.warm + HOURS_PER_YEAR);
        if at < to && up_again > from {
            self.down[unit].push((at.max(from), up_again.min(to)));
        }
    }

    /// Processes replenishment arrivals up to time `t`.
    fn arrive_until(&mut self, t: f64) {
        while let Some((depot, at)) = self.next_arrival() {
            if at > t {
                break;
            }
            let (_, part) = self.arrivals[depot]
                .pop_front()
                .expect("the depot has an arrival");
            let part = part as usize;
            let c = self.cell(part, depot);
            self.orders_change(c, at, -1);
            match self.queue[c].pop_front() {
                None => self.on_hand[c] += 1,
                Some(Waiter::Child(child)) => {
                    let lead = self.spec.input.lead_hours(child as usize);
                    self.schedule(at + lead, child as usize, part);
                }
                Some(Waiter::Request {
                    at: asked,
                    unit,
                    part: p,
                }) => {
                    let hospital = self.spec.units[unit as usize].hospital;
                    let delivered = at + self.spec.hours(depot, hospital);
                    self.count(asked, unit as usize, p as usize, Some(delivered));
                }
            }
        }
    }

    fn finish(&mut self) {
        let end = self.end;
        for c in 0..self.orders.len() {
            self.orders_change(c, end, 0);
        }
        let span = end - self.warm;
        if self.out.outstanding.is_empty() {
            self.out.outstanding = vec![0.0; self.on_hand.len()];
        }
        if span > 0.0 {
            for x in &mut self.out.outstanding {
                *x /= span;
            }
        }
        // Requests still waiting: undelivered, and their units down to the end.
        let waiting: Vec<(f64, usize, usize)> = self
            .queue
            .iter()
            .flatten()
            .filter_map(|w| match *w {
                Waiter::Request { at, unit, part } => Some((at, unit as usize, part as usize)),
                Waiter::Child(_) => None,
            })
            .collect();
        for (at, unit, part) in waiting {
            self.count(at, unit, part, None);
        }
        for (u, intervals) in self.down.iter_mut().enumerate() {
            intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut total = 0.0;
            let mut current: Option<(f64, f64)> = None;
            for &(a, b) in intervals.iter() {
                current = match current {
                    Some((s, e)) if a <= e => Some((s, e.max(b))),
                    Some((s, e)) => {
                        total += e - s;
                        Some((a, b))
                    }
                    None => Some((a, b)),
                };
            }
            if let Some((s, e)) = current {
                total += e - s;
            }
            self.out.down_minutes[u] = (total * 60.0).round() as i64;
        }
    }
}
