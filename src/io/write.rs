//! Writing outputs whole or not at all, and writing data sets back to CSV.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::contract::{self, FileSpec};
use super::output_dir::OutputDir;
use crate::model::*;

/// A CSV table built in memory.
pub struct CsvBuf {
    w: csv::Writer<Vec<u8>>,
    /// Scratch text for a field formatted in place (no allocation per field).
    scratch: String,
}

impl CsvBuf {
    /// A table with the header of a contract file.
    pub fn of(spec: &FileSpec) -> CsvBuf {
        CsvBuf::new(&spec.header())
    }

    /// A table without a header row (a chunk of a table's rows).
    pub fn headerless() -> CsvBuf {
        let w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(1 << 16));
        CsvBuf {
            w,
            scratch: String::new(),
        }
    }

    pub fn new(header: &[&str]) -> CsvBuf {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(1 << 16));
        w.write_record(header).expect("writing to memory");
        CsvBuf {
            w,
            scratch: String::new(),
        }
    }

    /// One field of the row being written, field by field; [`CsvBuf::end_row`] ends it.
    pub fn field(&mut self, text: impl AsRef<[u8]>) {
        self.w.write_field(text).expect("writing to memory");
    }

    /// One field formatted in place (a number, an amount, a date).
    pub fn shown(&mut self, value: impl std::fmt::Display) {
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        self.w
            .write_field(&self.scratch)
            .expect("writing to memory");
    }

    pub fn end_row(&mut self) {
        self.w
            .write_record(None::<&[u8]>)
            .expect("writing to memory");
    }

    pub fn row<I, T>(&mut self, fields: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.w.write_record(fields).expect("writing to memory");
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner().expect("writing to memory")
    }
}

fn opt_str(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn opt_text(s: &Option<Text>) -> &str {
    s.as_deref().unwrap_or("")
}

/// Shortest text that reads back as the same `f64`.
pub fn num(v: f64) -> String {
    let mut s = String::new();
    let _ = write!(s, "{v}");
    s
}

/// Serialises a planning data set into the files of the data contract, by file name.
pub fn dataset_files(ds: &Dataset) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = vec![
        (contract::DEPOTS.name, depots_csv(ds)),
        (contract::HOSPITALS.name, hospitals_csv(ds)),
        (contract::HUBS.name, hubs_csv(ds)),
        (contract::LANES.name, lanes_csv(ds)),
        (contract::PARTS.name, parts_csv(ds)),
        (contract::INSTALLED_BASE.name, installed_base_csv(ds)),
        (contract::PART_USAGE.name, part_usage_csv(ds)),
        (contract::STOCK.name, stock_csv(ds)),
        (contract::ENGINEERS.name, engineers_csv(ds)),
        (contract::FAULT_HISTORY.name, fault_history_csv(ds)),
        (contract::DOWNTIME.name, downtime_csv(ds)),
    ];
    // Candidates may be absent; a data set without any gets no file.
    if !ds.candidates.is_empty() {
        files.push((contract::CANDIDATES.name, candidates_csv(ds)));
    }
    files
}

/// The `candidates` table of the data contract.
fn candidates_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::CANDIDATES);
    for c in &ds.candidates {
        let parent = c.parent.map(|p| ds.depot(p).code.as_str()).unwrap_or("");
        t.row([
            c.code.as_str(),
            &c.name,
            &num(c.lat),
            &num(c.lon),
            &ds.hubs[c.hub.index()].code,
            &num(c.link_hours),
            &c.annual_fixed_cost.to_string(),
            &c.link_cost.to_string(),
            &num(c.handling_hours),
            &num(c.resupply_days),
            parent,
            &num(c.holding_rate),
            opt_str(&c.kind),
        ]);
    }
    t.into_bytes()
}

/// The `depots` table of the data contract.
fn depots_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::DEPOTS);
    for d in &ds.depots {
        let parent = d.parent.map(|p| ds.depot(p).code.as_str()).unwrap_or("");
        t.row([
            d.code.as_str(),
            &d.name,
            &num(d.lat),
            &num(d.lon),
            d.tier.as_str(),
            &num(d.handling_hours),
            &num(d.resupply_days),
            opt_str(&d.city),
            opt_str(&d.province),
            parent,
            &num(d.holding_rate),
        ]);
    }
    t.into_bytes()
}

/// The `hospitals` table of the data contract.
fn hospitals_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::HOSPITALS);
    for h in &ds.hospitals {
        t.row([
            h.code.as_str(),
            &h.name,
            &num(h.lat),
            &num(h.lon),
            opt_str(&h.city),
            opt_str(&h.province),
            &h.service_target.map(num).unwrap_or_default(),
        ]);
    }
    t.into_bytes()
}

/// The `hubs` table of the data contract.
fn hubs_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::HUBS);
    for h in &ds.hubs {
        t.row([
            h.code.as_str(),
            &h.name,
            &num(h.lat),
            &num(h.lon),
            h.kind.map_or("", HubKind::as_str),
        ]);
    }
    t.into_bytes()
}

/// The `lanes` table of the data contract.
fn lanes_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::LANES);
    for l in &ds.lanes {
        t.row([
            ds.node_code(l.from),
            ds.node_code(l.to),
            l.mode.as_str(),
            &num(l.hours),
            &l.cost.to_string(),
            &l.distance_km.map(num).unwrap_or_default(),
        ]);
    }
    t.into_bytes()
}

/// The `parts` table of the data contract.
fn parts_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::PARTS);
    for p in &ds.parts {
        t.row([
            p.part_no.as_str(),
            &p.description,
            &p.unit_cost.to_string(),
            opt_str(&p.category),
            &num(p.repair_hours),
            &num(p.deadline_hours),
        ]);
    }
    t.into_bytes()
}

/// The `installed_base` table of the data contract.
fn installed_base_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::INSTALLED_BASE);
    for u in &ds.units {
        t.row([
            u.serial.as_str(),
            &ds.hospital(u.hospital).code,
            &ds.models[u.model.index()].name,
            &u.accepted_on.to_string(),
            &u.warranty_months.to_string(),
            &num(u.uptime_target),
            &u.warranty_day_cost
                .map(|c| c.to_string())
                .unwrap_or_default(),
        ]);
    }
    t.into_bytes()
}

/// The `part_usage` table of the data contract.
fn part_usage_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::PART_USAGE);
    for u in &ds.usage {
        t.row([
            ds.models[u.model.index()].name.as_str(),
            &ds.part(u.part).part_no,
            &num(u.failures_per_unit_year),
            &num(u.pm_qty_per_visit),
        ]);
    }
    t.into_bytes()
}

/// The `stock` table of the data contract.
fn stock_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::STOCK);
    for s in &ds.stock {
        t.row([
            ds.depot(s.depot).code.as_str(),
            &ds.part(s.part).part_no,
            &s.on_hand.to_string(),
            &s.on_order.to_string(),
        ]);
    }
    t.into_bytes()
}

/// The `engineers` table of the data contract.
fn engineers_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::ENGINEERS);
    for e in &ds.engineers {
        t.row([ds.node_code(e.base), &e.engineers.to_string()]);
    }
    t.into_bytes()
}

/// The `fault_history` table of the data contract.
fn fault_history_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::FAULT_HISTORY);
    for f in &ds.faults {
        t.row([
            f.date.to_string().as_str(),
            &ds.unit(f.unit).serial,
            &ds.part(f.part).part_no,
            &f.qty.to_string(),
            opt_str(&f.severity),
        ]);
    }
    t.into_bytes()
}

/// The `downtime` table of the data contract.
fn downtime_csv(ds: &Dataset) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::DOWNTIME);
    for d in &ds.downtime {
        t.row([
            ds.unit(d.unit).serial.as_str(),
            &d.start.format("%Y-%m-%d %H:%M").to_string(),
            &d.end.format("%Y-%m-%d %H:%M").to_string(),
            opt_str(&d.reason),
        ]);
    }
    t.into_bytes()
}

/// Serialises a finance data set into the files of the data contract, by file name.
pub fn finance_files(set: &FinanceSet) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (contract::SLIPS.name, slips_csv(set)),
        (contract::INVOICES.name, invoices_csv(set)),
        (contract::DISCOUNTS.name, discounts_csv(set)),
        (contract::CONSENTS.name, consents_csv(set)),
    ]
}

/// The `slips` table of the data contract.
fn slips_csv(set: &FinanceSet) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::SLIPS);
    for s in &set.slips {
        t.row([
            &*s.slip_no,
            &s.line_no.to_string(),
            &s.slip_date.to_string(),
            &s.part_no,
            &s.qty.to_string(),
            &s.list_price.to_string(),
            match s.condition {
                Condition::New => "new",
                Condition::Refurbished => "refurbished",
            },
            &s.ship_to,
            opt_text(&s.category),
            &s.serials.join(";"),
        ]);
    }
    t.into_bytes()
}

/// The `invoices` table of the data contract.
fn invoices_csv(set: &FinanceSet) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::INVOICES);
    for i in &set.invoices {
        t.row([
            &*i.invoice_no,
            &i.line_no.to_string(),
            &i.invoice_date.to_string(),
            &i.slip_no,
            &i.part_no,
            &i.qty.to_string(),
            &i.unit_price.to_string(),
            &i.amount.to_string(),
            &i.tax_rate.map(|r| r.to_string()).unwrap_or_default(),
            &i.tax_amount.map(|r| r.to_string()).unwrap_or_default(),
            i.kind.as_str(),
            opt_text(&i.original_invoice_no),
            &i.serials.join(";"),
        ]);
    }
    t.into_bytes()
}

/// The `discounts` table of the data contract.
fn discounts_csv(set: &FinanceSet) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::DISCOUNTS);
    let all = |s: &Option<Text>| s.as_deref().unwrap_or("*").to_owned();
    for d in &set.discounts {
        t.row([
            &*d.contract_id,
            &d.valid_from.to_string(),
            &d.valid_to.to_string(),
            &d.discount_rate.to_string(),
            &all(&d.customer),
            &all(&d.category),
            &all(&d.part_no),
        ]);
    }
    t.into_bytes()
}

/// The `consents` table of the data contract.
fn consents_csv(set: &FinanceSet) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::CONSENTS);
    for c in &set.consents {
        t.row([
            &*c.hospital_id,
            &c.granted_on.to_string(),
            opt_text(&c.slip_no),
            opt_text(&c.part_no),
            opt_str(&c.reference),
        ]);
    }
    t.into_bytes()
}

/// Writes a planning data set (and, when given, its finance folder under `finance/`) to `dir`,
/// whole or not at all.
pub fn write_dataset(
    dir: impl AsRef<Path>,
    ds: &Dataset,
    finance: Option<&FinanceSet>,
    extra: &[(&str, Vec<u8>)],
) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = OutputDir::create(dir, &[])?;
    for (name, bytes) in dataset_files(ds) {
        out.stage(name, &bytes)?;
    }
    if let Some(set) = finance {
        for (name, bytes) in finance_files(set) {
            out.stage(&format!("finance/{name}"), &bytes)?;
        }
    }
    for (name, bytes) in extra {
        out.stage(name, bytes)?;
    }
    out.commit()
}

/// Writes a finance data set to `dir`, whole or not at all.
pub fn write_finance(dir: impl AsRef<Path>, set: &FinanceSet) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = OutputDir::create(dir, &[])?;
    for (name, bytes) in finance_files(set) {
        out.stage(name, &bytes)?;
    }
    out.commit()
}
