//! The data contract's edges, declared once: every file users hand in and every table spareplan
//! hands back, with its columns (required first, in the order they are written) and the defaults
//! of optional columns. The readers take their columns from here, the writers their headers, and
//! `validate --help` its list of files.
//!
//! Deliberately absent: parsing and validation (the readers in `io::planning` and
//! `io::finance` do that, column by column, in the order given here).

mod outputs;

pub use outputs::*;

use super::table::{opt, req, Col};

/// The default of an optional column.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum DefaultValue {
    Number(f64),
    Integer(i64),
    Text(&'static str),
}

impl std::fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DefaultValue::Number(x) => write!(f, "{x}"),
            DefaultValue::Integer(x) => write!(f, "{x}"),
            DefaultValue::Text(x) => write!(f, "{x}"),
        }
    }
}

/// One file of the contract.
#[derive(Copy, Clone, Debug)]
pub struct FileSpec {
    pub name: &'static str,
    /// Whether a data set must have the file (inputs only).
    pub required: bool,
    pub columns: &'static [Col],
    /// Defaults of optional columns, by column name.
    pub defaults: &'static [(&'static str, DefaultValue)],
}

impl FileSpec {
    /// The header row: every column's name, in order.
    pub fn header(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// One line per file for help texts: required columns, then optional ones with defaults.
    pub fn describe(&self) -> String {
        let required: Vec<&str> = self
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        let optional: Vec<String> = self
            .columns
            .iter()
            .filter(|c| !c.required)
            .map(|c| match self.defaults.iter().find(|(n, _)| *n == c.name) {
                Some((_, d)) => format!("{} (default {d})", c.name),
                None => c.name.to_owned(),
            })
            .collect();
        let mut s = format!(
            "  {}{}: {}",
            self.name,
            if self.required {
                ""
            } else {
                " (may be absent)"
            },
            required.join(", ")
        );
        if !optional.is_empty() {
            s.push_str("; optional ");
            s.push_str(&optional.join(", "));
        }
        s
    }
}

/// Yearly carrying cost as a fraction of unit cost.
pub const DEFAULT_HOLDING_RATE: f64 = 0.25;
/// Repair time on site once engineer and part are there.
pub const DEFAULT_REPAIR_HOURS: f64 = 4.0;
/// The contract's delivery promise.
pub const DEFAULT_DEADLINE_HOURS: f64 = 72.0;
pub const DEFAULT_WARRANTY_MONTHS: u32 = 12;
pub const DEFAULT_UPTIME_TARGET: f64 = 0.95;
pub const DEFAULT_PM_QTY: f64 = 0.0;
pub const DEFAULT_FAULT_QTY: i64 = 1;

/// What each number of the contract can meaningfully be (declared with the model).
pub use crate::model::limits as ranges;

// ---- planning data set ----

pub const DEPOTS: FileSpec = FileSpec {
    name: "depots.csv",
    required: true,
    columns: &[
        req("depot_id"),
        req("name"),
        req("lat"),
        req("lon"),
        req("tier"),
        req("handling_hours"),
        req("resupply_days"),
        opt("city"),
        opt("province"),
        opt("parent_id"),
        opt("holding_rate"),
    ],
    defaults: &[("holding_rate", DefaultValue::Number(DEFAULT_HOLDING_RATE))],
};

pub const HUBS: FileSpec = FileSpec {
    name: "hubs.csv",
    required: false,
    columns: &[
        req("hub_id"),
        req("name"),
        req("lat"),
        req("lon"),
        opt("kind"),
    ],
    defaults: &[],
};

pub const HOSPITALS: FileSpec = FileSpec {
    name: "hospitals.csv",
    required: true,
    columns: &[
        req("hospital_id"),
        req("name"),
        req("lat"),
        req("lon"),
        opt("city"),
        opt("province"),
        opt("service_target"),
    ],
    defaults: &[],
};

pub const LANES: FileSpec = FileSpec {
    name: "lanes.csv",
    required: true,
    columns: &[
        req("from_id"),
        req("to_id"),
        req("mode"),
        req("hours"),
        opt("cost"),
        opt("distance_km"),
    ],
    defaults: &[("cost", DefaultValue::Text("0.00"))],
};

pub const PARTS: FileSpec = FileSpec {
    name: "parts.csv",
    required: true,
    columns: &[
        req("part_no"),
        req("description"),
        req("unit_cost"),
        opt("category"),
        opt("repair_hours"),
        opt("deadline_hours"),
    ],
    defaults: &[
        ("repair_hours", DefaultValue::Number(DEFAULT_REPAIR_HOURS)),
        (
            "deadline_hours",
            DefaultValue::Number(DEFAULT_DEADLINE_HOURS),
        ),
    ],
};

pub const INSTALLED_BASE: FileSpec = FileSpec {
    name: "installed_base.csv",
    required: true,
    columns: &[
        req("serial"),
        req("hospital_id"),
        req("model"),
        req("accepted_on"),
        opt("warranty_months"),
        opt("uptime_target"),
        opt("warranty_day_cost"),
    ],
    defaults: &[
        (
            "warranty_months",
            DefaultValue::Integer(DEFAULT_WARRANTY_MONTHS as i64),
        ),
        ("uptime_target", DefaultValue::Number(DEFAULT_UPTIME_TARGET)),
    ],
};

pub const PART_USAGE: FileSpec = FileSpec {
    name: "part_usage.csv",
    required: true,
    columns: &[
        req("model"),
        req("part_no"),
        req("failures_per_unit_year"),
        opt("pm_qty_per_visit"),
    ],
    defaults: &[("pm_qty_per_visit", DefaultValue::Number(DEFAULT_PM_QTY))],
};

pub const STOCK: FileSpec = FileSpec {
    name: "stock.csv",
    required: false,
    columns: &[
        req("depot_id"),
        req("part_no"),
        req("on_hand"),
        opt("on_order"),
    ],
    defaults: &[("on_order", DefaultValue::Integer(0))],
};

pub const ENGINEERS: FileSpec = FileSpec {
    name: "engineers.csv",
    required: false,
    columns: &[req("base_id"), req("engineers")],
    defaults: &[],
};

pub const FAULT_HISTORY: FileSpec = FileSpec {
    name: "fault_history.csv",
    required: false,
    columns: &[
        req("date"),
        req("serial"),
        req("part_no"),
        opt("qty"),
        opt("severity"),
    ],
    defaults: &[("qty", DefaultValue::Integer(DEFAULT_FAULT_QTY))],
};

pub const DOWNTIME: FileSpec = FileSpec {
    name: "downtime.csv",
    required: false,
    columns: &[
        req("serial"),
        req("down_start"),
        req("down_end"),
        opt("reason"),
    ],
    defaults: &[],
};

pub const CANDIDATES: FileSpec = FileSpec {
    name: "candidates.csv",
    required: false,
    columns: &[
        req("site_id"),
        req("name"),
        req("lat"),
        req("lon"),
        req("hub_id"),
        req("link_hours"),
        req("annual_fixed_cost"),
        opt("link_cost"),
        opt("handling_hours"),
        opt("resupply_days"),
        opt("parent_id"),
        opt("holding_rate"),
        opt("kind"),
    ],
    defaults: &[
        ("link_cost", DefaultValue::Integer(0)),
        (
            "handling_hours",
            DefaultValue::Number(DEFAULT_SITE_HANDLING_HOURS),
        ),
        (
            "resupply_days",
            DefaultValue::Number(DEFAULT_SITE_RESUPPLY_DAYS),
        ),
        (
            "parent_id",
            DefaultValue::Text("the regional depot that reaches it fastest"),
        ),
        ("holding_rate", DefaultValue::Number(DEFAULT_HOLDING_RATE)),
    ],
};

/// A candidate site's handling time (a small store at an engineer base).
pub const DEFAULT_SITE_HANDLING_HOURS: f64 = 1.0;
/// A candidate site's replenishment lead time from its parent.
pub const DEFAULT_SITE_RESUPPLY_DAYS: f64 = 2.0;

/// The planning data set's files, in the order they are written.
pub const PLANNING: [&FileSpec; 12] = [
    &DEPOTS,
    &HOSPITALS,
    &HUBS,
    &LANES,
    &PARTS,
    &INSTALLED_BASE,
    &PART_USAGE,
    &STOCK,
    &ENGINEERS,
    &FAULT_HISTORY,
    &DOWNTIME,
    &CANDIDATES,
];

// ---- finance data set ----

pub const SLIPS: FileSpec = FileSpec {
    name: "slips.csv",
    required: true,
    columns: &[
        req("slip_no"),
        req("line_no"),
        req("slip_date"),
        req("part_no"),
        req("qty"),
        req("list_price"),
        req("condition"),
        req("ship_to"),
        opt("category"),
        opt("serials"),
    ],
    defaults: &[],
};

pub const INVOICES: FileSpec = FileSpec {
    name: "invoices.csv",
    required: true,
    columns: &[
        req("invoice_no"),
        req("line_no"),
        req("invoice_date"),
        req("slip_no"),
        req("part_no"),
        req("qty"),
        req("unit_price"),
        req("amount"),
        opt("tax_rate"),
        opt("tax_amount"),
        opt("kind"),
        opt("original_invoice_no"),
        opt("serials"),
    ],
    defaults: &[("kind", DefaultValue::Text("blue"))],
};

pub const DISCOUNTS: FileSpec = FileSpec {
    name: "discounts.csv",
    required: true,
    columns: &[
        req("contract_id"),
        req("valid_from"),
        req("valid_to"),
        req("discount_rate"),
        opt("customer"),
        opt("category"),
        opt("part_no"),
    ],
    defaults: &[
        ("customer", DefaultValue::Text("*")),
        ("category", DefaultValue::Text("*")),
        ("part_no", DefaultValue::Text("*")),
    ],
};

pub const CONSENTS: FileSpec = FileSpec {
    name: "consents.csv",
    required: false,
    columns: &[
        req("hospital_id"),
        req("granted_on"),
        opt("slip_no"),
        opt("part_no"),
        opt("reference"),
    ],
    defaults: &[],
};

/// Reconciliation tolerances (optional, beside the finance files or named by `--tolerances`):
/// one row per kind (`price`, `quantity`, `amount`, `tax` or `all`); an empty cell keeps the
/// default.
pub const TOLERANCES: FileSpec = FileSpec {
    name: "tolerances.csv",
    required: false,
    columns: &[
        req("kind"),
        opt("lower_yuan"),
        opt("upper_yuan"),
        opt("lower_fraction"),
        opt("upper_fraction"),
    ],
    defaults: &[],
};

/// The finance data set's files.
pub const FINANCE: [&FileSpec; 4] = [&SLIPS, &INVOICES, &DISCOUNTS, &CONSENTS];

/// The input files of both data sets, one line each, for `validate --help`.
pub fn inputs_help() -> String {
    let mut s = String::from("Planning data set (a folder):\n");
    for f in PLANNING {
        s.push_str(&f.describe());
        s.push('\n');
    }
    s.push_str("Finance data set (a folder, or finance/ inside a planning one):\n");
    for f in FINANCE {
        s.push_str(&f.describe());
        s.push('\n');
    }
    s.push_str(&TOLERANCES.describe());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_columns_come_first_in_inputs_and_names_are_unique() {
        for f in PLANNING.iter().chain(FINANCE.iter()) {
            let first_optional = f.columns.iter().position(|c| !c.required);
            if let Some(i) = first_optional {
                assert!(
                    f.columns[i..].iter().all(|c| !c.required),
                    "{}: required after optional",
                    f.name
                );
            }
            let mut names = f.header();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), f.columns.len(), "{}", f.name);
            for (name, _) in f.defaults {
                assert!(
                    f.columns.iter().any(|c| c.name == *name && !c.required),
                    "{}: default for {name}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn help_lists_every_file_with_its_defaults() {
        let text = inputs_help();
        assert!(text.contains("  depots.csv: depot_id, name, lat, lon, tier"));
        assert!(text.contains("holding_rate (default 0.25)"));
        assert!(text.contains("warranty_months (default 12)"));
        assert!(text.contains("stock.csv (may be absent)"));
    }
}
