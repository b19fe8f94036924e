//! The uptime ledger on hand-worked units.

use chrono::NaiveDate;
use spareplan::io;
use spareplan::uptime::ledger;

use crate::common::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ledger_of(units: &str, downtime: &str, as_of: &str) -> spareplan::uptime::Ledger {
    let src = planning()
        .with(
            "installed_base.csv",
            format!("serial,hospital_id,model,accepted_on,warranty_months,uptime_target\n{units}"),
        )
        .with("fault_history.csv", "date,serial,part_no\n")
        .with(
            "downtime.csv",
            format!("serial,down_start,down_end\n{downtime}"),
        );
    let ds = io::load_planning(&src)
        .unwrap_or_else(|e| panic!("{:#?}", e.problems()))
        .data;
    ledger(&ds, d(as_of))
}

#[test]
fn a_leap_year_with_downtime_across_both_period_edges() {
    // Accepted on the leap day: the warranty year runs to 2025-02-28, 366 days.
    let l = ledger_of(
        "S1,H1,uCT 760,2024-02-29,12,0.95\nS2,H2,uCT 510,2025-06-15,12,0.95\n",
        // 2 h before acceptance are outside; 6 h after the end are outside; 20 days inside.
        "S1,2024-02-28 22:00,2024-02-29 02:00\nS1,2025-02-28 20:00,2025-03-01 06:00\nS1,2024-06-01 00:00,2024-06-21 00:00\n",
        "2025-12-31",
    );
    let u = &l.units[0];
    assert_eq!(
        (u.period_start, u.period_end),
        (d("2024-02-29"), d("2025-02-28"))
    );
    assert_eq!(u.downtime_minutes, 2 * 60 + 4 * 60 + 20 * 1440);
    // 366 days x 5 % = 18.3 days allowed; 20.25 days down: 1.95 short, so 2 days, 10 days owed.
    assert_eq!(u.days_short, 2);
    assert_eq!(u.extension_days, 10);
    assert_eq!(u.warranty_end, d("2025-03-10"));
    assert!((u.uptime - (1.0 - 20.25 / 366.0)).abs() < 1e-12);
    assert!(u.complete);
}

#[test]
fn overlapping_periods_count_once_and_a_unit_without_records_is_fully_up() {
    let l = ledger_of(
        "S1,H1,uCT 760,2025-01-10,12,0.95\nS2,H2,uCT 510,2025-03-17,12,0.97\n",
        "S1,2025-02-01 08:00,2025-02-01 20:00\nS1,2025-02-01 12:00,2025-02-02 08:00\n",
        "2026-06-30",
    );
    assert_eq!(l.units[0].downtime_minutes, 24 * 60);
    assert_eq!(l.units[0].days_short, 0);
    // Accepted mid-month: the year ends the day before the same date.
    assert_eq!(l.units[1].period_end, d("2026-03-16"));
    assert_eq!(l.units[1].downtime_minutes, 0);
    assert_eq!(l.units[1].uptime, 1.0);
    assert_eq!(l.units[1].warranty_end, d("2026-03-16"));
}

#[test]
fn a_period_open_at_the_run_date_counts_to_the_run_date() {
    let l = ledger_of(
        "S1,H1,uCT 760,2025-01-01,12,0.95\nS2,H2,uCT 510,2025-09-01,12,0.95\n",
        "S1,2025-01-30 00:00,2025-03-30 00:00\n",
        "2025-01-31",
    );
    let u = &l.units[0];
    assert_eq!(u.period_end, d("2025-01-31"));
    assert_eq!(u.downtime_minutes, 2 * 1440);
    assert!(!u.complete);
    // 31 days at 95 % allow 1.55 days; 2 days down: 0.45 short, which counts as 1 day.
    assert_eq!(u.days_short, 1);
    assert_eq!(u.warranty_end, d("2025-12-31") + chrono::Duration::days(5));
    // A unit accepted after the run date is not measured.
    assert_eq!(l.not_started.len(), 1);
}

#[test]
fn a_reversed_period_is_a_clear_error() {
    let src = planning().with(
        "downtime.csv",
        "serial,down_start,down_end\nS1,2025-07-02 09:00,2025-07-01 15:30\n",
    );
    let errors = planning_errors(&src);
    assert!(errors.iter().any(|p| p.file == "downtime.csv"
        && p.line == Some(2)
        && p.message.contains("ends before it starts")));
}
