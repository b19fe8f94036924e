//! Plain domain types of the planning and finance data sets.
//!
//! Entities refer to each other by typed ids (`DepotId`, `HospitalId`, ...), small indices into the
//! vectors of [`Dataset`]. The external codes users write (`depot_id`, `serial`, ...) are kept on
//! the entities only for output; nothing inside the model looks anything up by string.
//!
//! Deliberately absent: file formats (see `io`), graphs (see `network`), and any validation. A
//! `Dataset` is only ever built by the validating loader, so its invariants (one central depot, an
//! acyclic parent tree, every hospital reachable by at least one lane, ids resolved) hold.

use chrono::{NaiveDate, NaiveDateTime};

use crate::money::{Fen, Rate};

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The index into the owning vector.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// Id of the element at `index`.
            pub fn from_index(index: usize) -> Self {
                Self(u32::try_from(index).expect("fewer than 2^32 elements"))
            }
        }
    };
}

typed_id!(
    /// Index into [`Dataset::depots`].
    DepotId
);
typed_id!(
    /// Index into [`Dataset::hospitals`].
    HospitalId
);
typed_id!(
    /// Index into [`Dataset::hubs`].
    HubId
);
typed_id!(
    /// Index into [`Dataset::parts`].
    PartId
);
typed_id!(
    /// Index into [`Dataset::models`].
    ModelId
);
typed_id!(
    /// Index into [`Dataset::units`].
    UnitId
);

/// A node of the transport network.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeRef {
    Depot(DepotId),
    Hospital(HospitalId),
    Hub(HubId),
}

/// Echelon of a depot.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Tier {
    Central,
    Regional,
    Forward,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Central => "central",
            Tier::Regional => "regional",
            Tier::Forward => "forward",
        }
    }
}

/// Transport mode of a lane.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Road,
    Air,
    Rail,
    Courier,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Road, Mode::Air, Mode::Rail, Mode::Courier];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Road => "road",
            Mode::Air => "air",
            Mode::Rail => "rail",
            Mode::Courier => "courier",
        }
    }
}

/// What a hub is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum HubKind {
    City,
    Airport,
    Rail,
}

impl HubKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HubKind::City => "city",
            HubKind::Airport => "airport",
            HubKind::Rail => "rail",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Depot {
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub tier: Tier,
    /// Hours from a request reaching the depot until the part leaves it.
    pub handling_hours: f64,
    /// Replenishment lead time from the parent (the factory for the central depot), in days.
    pub resupply_days: f64,
    pub city: Option<String>,
    pub province: Option<String>,
    /// The depot this one is replenished from; `None` only for the central depot.
    pub parent: Option<DepotId>,
    /// Yearly carrying cost as a fraction of unit cost.
    pub holding_rate: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hospital {
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub city: Option<String>,
    pub province: Option<String>,
    /// The hospital's delivery target for each of its tiers, where its contract sets one.
    pub service_target: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hub {
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub kind: Option<HubKind>,
}

/// A directed transport lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub from: NodeRef,
    pub to: NodeRef,
    pub mode: Mode,
    pub hours: f64,
    /// Cost per shipment; zero when not given.
    pub cost: Fen,
    pub distance_km: Option<f64>,
}

/// A scanner model (`uCT 760`).
#[derive(Clone, Debug, PartialEq)]
pub struct ScannerModel {
    pub name: String,
}

/// One installed scanner.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub serial: String,
    pub hospital: HospitalId,
    pub model: ModelId,
    pub accepted_on: NaiveDate,
    pub warranty_months: u32,
    pub uptime_target: f64,
    /// What one extended warranty day of the unit costs (`None`: the clause is reported, not
    /// priced).
    pub warranty_day_cost: Option<crate::money::Fen>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub part_no: String,
    pub description: String,
    pub unit_cost: Fen,
    pub category: Option<String>,
    pub repair_hours: f64,
    pub deadline_hours: f64,
}

/// How often one unit of a model needs one part.
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    pub model: ModelId,
    pub part: PartId,
    pub failures_per_unit_year: f64,
    pub pm_qty_per_visit: f64,
}

/// Current stock of one part at one depot.
#[derive(Clone, Debug, PartialEq)]
pub struct StockLevel {
    pub depot: DepotId,
    pub part: PartId,
    pub on_hand: u32,
    pub on_order: u32,
}

/// Where engineers start their journey.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineerBase {
    pub base: NodeRef,
    pub engineers: u32,
}

/// One part consumed by a repair.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub date: NaiveDate,
    pub unit: UnitId,
    pub part: PartId,
    pub qty: u32,
    pub severity: Option<String>,
}

/// One period a unit was down.
#[derive(Clone, Debug, PartialEq)]
pub struct Downtime {
    pub unit: UnitId,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub reason: Option<String>,
}

/// A place where a forward stocking location could be opened (`candidates.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// The hub it connects to, both ways.
    pub hub: HubId,
    pub link_hours: f64,
    /// Per shipment over the link.
    pub link_cost: Fen,
    /// What keeping it open costs a year.
    pub annual_fixed_cost: Fen,
    pub handling_hours: f64,
    pub resupply_days: f64,
    /// The depot it would be replenished from; `None`: the regional depot that reaches it fastest.
    pub parent: Option<DepotId>,
    pub holding_rate: f64,
    /// What the site is (an engineer base, a rented store room).
    pub kind: Option<String>,
}

/// A validated planning data set.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub depots: Vec<Depot>,
    pub hospitals: Vec<Hospital>,
    pub hubs: Vec<Hub>,
    pub lanes: Vec<Lane>,
    pub models: Vec<ScannerModel>,
    pub units: Vec<Unit>,
    pub parts: Vec<Part>,
    pub usage: Vec<Usage>,
    pub stock: Vec<StockLevel>,
    pub engineers: Vec<EngineerBase>,
    pub faults: Vec<Fault>,
    pub downtime: Vec<Downtime>,
    /// Sites where a forward stocking location could be opened; nothing plans from them until a
    /// network design opens them.
    pub candidates: Vec<Candidate>,
}

impl Dataset {
    pub fn depot(&self, id: DepotId) -> &Depot {
        &self.depots[id.index()]
    }

    pub fn hospital(&self, id: HospitalId) -> &Hospital {
        &self.hospitals[id.index()]
    }

    pub fn part(&self, id: PartId) -> &Part {
        &self.parts[id.index()]
    }

    pub fn unit(&self, id: UnitId) -> &Unit {
        &self.units[id.index()]
    }

    /// The longest resupply chain, from a depot up its parents to the factory, in days (a walk
    /// stops after as many steps as there are depots, so a cycle cannot hang it).
    pub fn longest_resupply_days(&self) -> f64 {
        (0..self.depots.len())
            .map(|d| {
                let (mut days, mut at, mut steps) = (0.0, Some(d), 0);
                while let (Some(x), true) = (at, steps <= self.depots.len()) {
                    days += self.depots[x].resupply_days;
                    at = self.depots[x].parent.map(|p| p.index());
                    steps += 1;
                }
                days
            })
            .fold(0.0, f64::max)
    }

    /// The single central depot (the loader guarantees there is exactly one).
    pub fn central_depot(&self) -> DepotId {
        let index = self
            .depots
            .iter()
            .position(|d| d.tier == Tier::Central)
            .expect("a validated data set has a central depot");
        DepotId::from_index(index)
    }

    /// The external code of a node.
    pub fn node_code(&self, node: NodeRef) -> &str {
        match node {
            NodeRef::Depot(d) => &self.depots[d.index()].code,
            NodeRef::Hospital(h) => &self.hospitals[h.index()].code,
            NodeRef::Hub(h) => &self.hubs[h.index()].code,
        }
    }

    /// Depot ids in order.
    pub fn depot_ids(&self) -> impl Iterator<Item = DepotId> {
        (0..self.depots.len()).map(DepotId::from_index)
    }

    /// Hospital ids in order.
    pub fn hospital_ids(&self) -> impl Iterator<Item = HospitalId> {
        (0..self.hospitals.len()).map(HospitalId::from_index)
    }

    /// Part ids in order.
    pub fn part_ids(&self) -> impl Iterator<Item = PartId> {
        (0..self.parts.len()).map(PartId::from_index)
    }
}

/// Shared, immutable text for finance fields that repeat across many lines (slip and invoice
/// numbers, part numbers, hospitals, categories): one allocation per distinct value.
pub type Text = std::sync::Arc<str>;

/// Condition of a shipped part.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Condition {
    New,
    Refurbished,
}

/// Blue (ordinary) or red (credit) invoice.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum InvoiceKind {
    Blue,
    Red,
}

impl InvoiceKind {
    /// The kind as `invoices.csv` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Blue => "blue",
            InvoiceKind::Red => "red",
        }
    }
}

/// One line of an outbound slip (出库单).
#[derive(Clone, Debug, PartialEq)]
pub struct SlipLine {
    pub slip_no: Text,
    pub line_no: u32,
    pub slip_date: NaiveDate,
    pub part_no: Text,
    pub qty: i64,
    pub list_price: Fen,
    pub condition: Condition,
    /// Hospital id the slip ships to.
    pub ship_to: Text,
    pub category: Option<Text>,
    pub serials: Vec<String>,
    /// Line in `slips.csv`, for findings.
    pub source_line: u64,
}

/// One line of an invoice.
#[derive(Clone, Debug, PartialEq)]
pub struct InvoiceLine {
    pub invoice_no: Text,
    pub line_no: u32,
    pub invoice_date: NaiveDate,
    pub slip_no: Text,
    pub part_no: Text,
    pub qty: i64,
    pub unit_price: Fen,
    pub amount: Fen,
    pub tax_rate: Option<Rate>,
    pub tax_amount: Option<Fen>,
    pub kind: InvoiceKind,
    pub original_invoice_no: Option<Text>,
    pub serials: Vec<String>,
    /// Line in `invoices.csv`, for findings.
    pub source_line: u64,
}

/// A negotiated discount term. `None` in a scope field means "all".
#[derive(Clone, Debug, PartialEq)]
pub struct DiscountTerm {
    pub contract_id: Text,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub discount_rate: Rate,
    pub customer: Option<Text>,
    pub category: Option<Text>,
    pub part_no: Option<Text>,
    pub source_line: u64,
}

/// A purchaser's consent to refurbished or non-original parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Consent {
    pub hospital_id: Text,
    pub granted_on: NaiveDate,
    pub slip_no: Option<Text>,
    pub part_no: Option<Text>,
    pub reference: Option<String>,
    pub source_line: u64,
}

/// A validated finance data set.
#[derive(Clone, Debug, Default)]
pub struct FinanceSet {
    pub slips: Vec<SlipLine>,
    pub invoices: Vec<InvoiceLine>,
    pub discounts: Vec<DiscountTerm>,
    pub consents: Vec<Consent>,
    /// Slip and invoice lines that failed validation: blocked, not reconciled.
    pub blocked: Vec<BlockedLine>,
}

/// A slip or invoice line that failed validation, blocked with its problems.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockedLine {
    /// `slips.csv` or `invoices.csv`.
    pub file: &'static str,
    /// Whether it is a slip line (else an invoice line).
    pub slip: bool,
    pub line: u64,
    /// The slip or invoice number as written (empty when it could not be read).
    pub number: String,
    /// The validation problems of the line, as the loader states them.
    pub problems: String,
}

/// What each number of the contract can meaningfully be; a value outside is an error at
/// validation (named by file, line, column and value), so nothing downstream overflows, wraps or
/// allocates without bound.
pub mod limits {
    /// Handling time at a depot: at most a week.
    pub const MAX_HANDLING_HOURS: f64 = 168.0;
    /// Resupply from the parent (or the factory): at most a year.
    pub const MAX_RESUPPLY_DAYS: f64 = 365.0;
    /// One lane: at most 30 days.
    pub const MAX_LANE_HOURS: f64 = 720.0;
    pub const MAX_DISTANCE_KM: f64 = 20_000.0;
    /// Repair on site: at most 30 days.
    pub const MAX_REPAIR_HOURS: f64 = 720.0;
    /// A delivery promise: at most a year.
    pub const MAX_DEADLINE_HOURS: f64 = 8760.0;
    /// Failures of one part per installed unit and year: at most one a day.
    pub const MAX_FAILURES_PER_UNIT_YEAR: f64 = 365.0;
    /// Parts per maintenance visit.
    pub const MAX_PM_QTY: f64 = 100.0;
    pub const MAX_WARRANTY_MONTHS: i64 = 240;
    /// Units on hand or on order at one depot, of one part.
    pub const MAX_STOCK: i64 = 1_000_000;
    pub const MAX_ENGINEERS: i64 = 100_000;
    /// Parts consumed by one repair.
    pub const MAX_FAULT_QTY: i64 = 1_000;
    /// Any amount of money in one cell, in yuan (a unit price, an amount, a lane's cost).
    pub const MAX_YUAN: i64 = 100_000_000;
    /// Units of one part in its resupply pipeline at once (demand a year x the resupply time up
    /// the chain): far beyond spare parts, and small enough that every inventory distribution
    /// stays a table of bounded size.
    pub const MAX_PIPELINE_UNITS: f64 = 100_000.0;
    /// Units on one slip or invoice line.
    pub const MAX_LINE_QTY: i64 = 100_000;
}
