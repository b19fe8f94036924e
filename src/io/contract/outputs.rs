//! The tables spareplan hands back: the data contract's columns are required (first, in the
//! order written), spareplan's extra columns optional.

use super::FileSpec;
use crate::io::table::{opt, req, Col};

pub const ROUTES_OUT: FileSpec = FileSpec {
    name: "routes.csv",
    required: true,
    columns: &[
        req("depot_id"),
        req("hospital_id"),
        req("hours"),
        req("cost"),
        req("hops"),
        req("path"),
        req("economy_hours"),
        req("economy_cost"),
        req("economy_path"),
        opt("modes"),
        opt("economy_modes"),
    ],
    defaults: &[],
};

pub const COVERAGE_OUT: FileSpec = FileSpec {
    name: "coverage.csv",
    required: true,
    columns: &[
        req("hospital_id"),
        req("fastest_depot_id"),
        req("fastest_hours"),
        req("depots_within_72h"),
        req("engineer_hours"),
        opt("depot_ids_within_72h"),
        opt("depots_within_deadline"),
        opt("road_only_hours"),
        opt("name"),
        opt("province"),
    ],
    defaults: &[],
};

pub const STOCK_PLAN_OUT: FileSpec = FileSpec {
    name: "stock_plan.csv",
    required: true,
    columns: &[
        req("depot_id"),
        req("part_no"),
        req("base_stock"),
        req("fill_rate"),
        req("investment"),
        opt("annual_holding_cost"),
        opt("filled_per_year"),
        opt("replenishments_per_year"),
    ],
    defaults: &[],
};

pub const SERVICE_OUT: FileSpec = FileSpec {
    name: "service.csv",
    required: true,
    columns: &[
        req("hospital_id"),
        req("deadline_hours"),
        req("demand_per_year"),
        req("on_time_probability"),
        req("simulated_on_time"),
        req("simulated_ci_low"),
        req("simulated_ci_high"),
        req("target"),
        req("reachable"),
        req("meets_target"),
        opt("name"),
        opt("province"),
        opt("fastest_hours"),
        opt("fastest_depot"),
        opt("simulated_requests_per_year"),
        opt("verified_requirement"),
    ],
    defaults: &[],
};

pub const STOCK_REASONS_OUT: FileSpec = FileSpec {
    name: "stock_reasons.csv",
    required: true,
    columns: &[
        req("depot_id"),
        req("part_no"),
        req("base_stock"),
        opt("hospitals_within_deadline"),
        opt("first_choice_hospitals"),
        opt("first_choice_demand_per_year"),
        opt("filled_per_year"),
        opt("filled_for_other_depots_per_year"),
        opt("largest_first_choice_hospitals"),
    ],
    defaults: &[],
};

pub const OUT_OF_REACH_OUT: FileSpec = FileSpec {
    name: "out_of_reach.csv",
    required: true,
    columns: &[
        req("hospital_id"),
        opt("name"),
        opt("province"),
        req("deadline_hours"),
        opt("parts"),
        opt("demand_per_year"),
        opt("fastest_depot"),
        opt("fastest_hours"),
        opt("hours_over"),
    ],
    defaults: &[],
};

pub const PLAN_UPTIME_OUT: FileSpec = FileSpec {
    name: "uptime.csv",
    required: true,
    columns: &[
        req("serial"),
        req("hospital_id"),
        req("in_warranty_fraction"),
        req("expected_days_short"),
        req("expected_extension_days"),
        req("expected_extension_cost"),
        opt("region"),
        opt("uptime_target"),
        opt("simulated_extension_days"),
    ],
    defaults: &[],
};

pub const CURVE_OUT: FileSpec = FileSpec {
    name: "curve.csv",
    required: true,
    columns: &[
        req("target"),
        req("annual_holding_cost"),
        req("investment"),
        req("units"),
        req("system_on_time"),
    ],
    defaults: &[],
};

pub const SIM_UNITS_OUT: FileSpec = FileSpec {
    name: "units.csv",
    required: true,
    columns: &[
        req("serial"),
        req("hospital_id"),
        req("uptime"),
        req("days_short"),
        req("extension_days"),
        opt("target"),
        opt("model_extension_days"),
    ],
    defaults: &[],
};

/// The columns of `simulate`'s `hospitals.csv` and `parts.csv` after their first (the id).
pub const SIM_COMPARISON: [Col; 7] = [
    req("requests_per_year"),
    req("on_time"),
    req("ci_low"),
    req("ci_high"),
    req("analytic_on_time"),
    req("difference"),
    req("filled_from_stock"),
];

pub const ORDERS_OUT: FileSpec = FileSpec {
    name: "orders.csv",
    required: true,
    columns: &[
        req("order_id"),
        req("month"),
        req("kind"),
        req("from_id"),
        req("to_id"),
        req("part_no"),
        req("qty"),
        req("reason"),
    ],
    defaults: &[],
};

pub const FORECAST_OUT: FileSpec = FileSpec {
    name: "forecast.csv",
    required: true,
    columns: &[
        req("depot_id"),
        req("part_no"),
        req("history_months"),
        req("demand_in_history"),
        req("croston"),
        req("sba"),
        req("tsb"),
        req("chosen_method"),
        req("monthly_rate"),
        opt("installed_base"),
        opt("base_stock"),
        opt("maintenance_ahead"),
        opt("position"),
    ],
    defaults: &[],
};

pub const SHORTAGES_OUT: FileSpec = FileSpec {
    name: "shortages.csv",
    required: true,
    columns: &[
        req("depot_id"),
        req("part_no"),
        req("needed"),
        req("allocated"),
        req("short"),
    ],
    defaults: &[],
};

pub const FINDINGS_OUT: FileSpec = FileSpec {
    name: "findings.csv",
    required: true,
    columns: &[
        req("code"),
        req("severity"),
        req("slip_no"),
        req("slip_line"),
        req("invoice_no"),
        req("invoice_line"),
        req("part_no"),
        req("expected"),
        req("invoiced"),
        req("difference"),
        req("detail"),
        opt("accounts_for"),
        opt("customer"),
        opt("slip_date"),
        opt("invoice_date"),
    ],
    defaults: &[],
};

/// The verdict per invoice of `reconcile`.
pub const INVOICE_VERDICTS_OUT: FileSpec = FileSpec {
    name: "invoices.csv",
    required: true,
    columns: &[
        req("invoice_no"),
        req("verdict"),
        req("codes"),
        req("invoiced"),
        req("expected"),
        opt("invoice_date"),
        opt("kind"),
        opt("customer"),
        opt("lines"),
        opt("credited"),
        opt("difference"),
        opt("reason"),
    ],
    defaults: &[],
};

/// A hospital's statement of account, `statements/<hospital_id>.csv`: its rows, then one total
/// row per figure (the figure's name in `section`, the period in `date`).
pub const STATEMENT_OUT: FileSpec = FileSpec {
    name: "statements/<hospital_id>.csv",
    required: false,
    columns: &[
        req("hospital_id"),
        req("section"),
        req("date"),
        req("document_no"),
        req("line_no"),
        req("part_no"),
        req("qty"),
        req("amount"),
        req("status"),
    ],
    defaults: &[],
};

/// `statements/index.csv`: one line per hospital with its statement's totals.
pub const STATEMENTS_INDEX_OUT: FileSpec = FileSpec {
    name: "statements/index.csv",
    required: false,
    columns: &[
        req("hospital_id"),
        req("file"),
        req("shipped"),
        req("invoiced"),
        req("credited"),
        req("not_invoiced"),
        req("under_review"),
        req("due"),
    ],
    defaults: &[],
};

pub const UPTIME_UNITS_OUT: FileSpec = FileSpec {
    name: "units.csv",
    required: true,
    columns: &[
        req("serial"),
        req("hospital_id"),
        req("period_start"),
        req("period_end"),
        req("status"),
        req("downtime_hours"),
        req("allowance_left_hours"),
        req("uptime"),
        req("days_short"),
        req("extension_days"),
        req("warranty_end"),
        opt("uptime_target"),
        opt("measured_to"),
    ],
    defaults: &[],
};

pub const SCENARIOS_OUT: FileSpec = FileSpec {
    name: "scenarios.csv",
    required: true,
    columns: &[
        req("scenario"),
        req("question"),
        req("annual_holding_cost"),
        req("investment"),
        req("units"),
        req("system_on_time"),
        req("worst_hospital_on_time"),
        req("hospitals_out_of_reach"),
        req("extension_days_per_year"),
        req("meets_targets"),
        req("change_holding_cost"),
        req("change_investment"),
        req("change_system_on_time"),
        req("change_worst_hospital_on_time"),
        req("change_hospitals_out_of_reach"),
        req("change_extension_days_per_year"),
        req("file"),
        req("data"),
        opt("extension_cost_per_year"),
        opt("change_extension_cost"),
        opt("annual_fixed_cost"),
    ],
    defaults: &[],
};
