//! The uptime ledger on hand-worked units.

use chrono::NaiveDate;
use spareplan::io;
use spareplan::uptime::{ledger, Status};

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
    assert_eq!(u.status, Status::Ended);
    assert_eq!(u.downtime_minutes, 2 * 60 + 4 * 60 + 20 * 1440);
    // 366 days x 5 % = 18.3 days allowed; 20.25 days down: 1.95 short, so 2 days, 10 days owed.
    assert_eq!(u.days_short, 2);
    assert_eq!(u.extension_days, 10);
    assert_eq!(u.warranty_end, d("2025-03-10"));
    assert!((u.uptime.expect("measured") - (1.0 - 20.25 / 366.0)).abs() < 1e-12);
    assert_eq!(u.allowance_left_minutes, 0.0);
}

#[test]
fn overlapping_periods_count_once_and_a_unit_without_downtime_is_fully_up() {
    let l = ledger_of(
        "S1,H1,uCT 760,2025-01-10,12,0.95\nS2,H2,uCT 510,2025-03-17,12,0.97\n",
        "S1,2025-02-01 08:00,2025-02-01 20:00\nS1,2025-02-01 12:00,2025-02-02 08:00\n",
        "2026-06-30",
    );
    assert_eq!(l.units[0].downtime_minutes, 24 * 60);
    assert_eq!(l.units[0].days_short, 0);
    // 365 days at 95 %: 18.25 days allowed, one day used, 17.25 days (24,840 minutes) left.
    assert_eq!(l.units[0].allowance_left_minutes, 24_840.0);
    // Accepted mid-month: the year ends the day before the same date. Its year lies within the
    // records (which begin on 2025-02-01) and it was never down: fully up.
    assert_eq!(l.units[1].period_end, d("2026-03-16"));
    assert_eq!(l.units[1].status, Status::Ended);
    assert_eq!(l.units[1].downtime_minutes, 0);
    assert_eq!(l.units[1].uptime, Some(1.0));
    assert_eq!(l.units[1].warranty_end, d("2026-03-16"));
}

/// A year in progress is judged against the whole year's allowance: 5 days down in the first 58
/// days of a 95 % year owe nothing yet (18.25 days allowed), and 10 days down by May of a 98 %
/// year are 2.7 days beyond its 7.3-day allowance: 3 days short, 15 days owed, already certain.
#[test]
fn a_period_in_progress_shows_only_the_days_short_already_certain() {
    let l = ledger_of(
        "S1,H1,uCT 760,2025-01-01,12,0.95\nS2,H2,uCT 510,2025-01-01,12,0.98\n",
        "S1,2025-01-20 00:00,2025-01-25 00:00\nS2,2025-03-01 00:00,2025-03-11 00:00\n",
        "2025-05-31",
    );
    let (a, b) = (&l.units[0], &l.units[1]);
    assert_eq!(a.status, Status::InProgress);
    assert_eq!(
        (a.period_end, a.measured_to),
        (d("2025-12-31"), d("2025-05-31"))
    );
    assert_eq!(a.downtime_minutes, 5 * 1440);
    assert_eq!(a.days_short, 0);
    assert_eq!(a.extension_days, 0);
    assert_eq!(a.allowance_left_minutes, (18.25 - 5.0) * 1440.0);
    // Uptime over the 151 days so far.
    assert!((a.uptime.expect("measured") - (1.0 - 5.0 / 151.0)).abs() < 1e-12);
    assert_eq!(b.downtime_minutes, 10 * 1440);
    assert_eq!(b.days_short, 3);
    assert_eq!(b.extension_days, 15);
    assert_eq!(b.allowance_left_minutes, 0.0);
    assert_eq!(b.warranty_end, d("2025-12-31") + chrono::Duration::days(15));
}

#[test]
fn a_downtime_period_open_at_the_run_date_counts_to_the_run_date() {
    let l = ledger_of(
        "S1,H1,uCT 760,2025-01-01,12,0.95\nS2,H2,uCT 510,2025-09-01,12,0.95\n",
        "S1,2025-01-30 00:00,2025-03-30 00:00\n",
        "2025-01-31",
    );
    let u = &l.units[0];
    assert_eq!(u.status, Status::InProgress);
    assert_eq!(u.measured_to, d("2025-01-31"));
    assert_eq!(u.downtime_minutes, 2 * 1440);
    // Two days down so far, well within the whole year's 18.25: nothing certain yet.
    assert_eq!(u.days_short, 0);
    // A unit accepted after the run date is not measured.
    assert_eq!(l.units[1].status, Status::NotMeasured);
    assert_eq!(l.units[1].uptime, None);
}

/// A unit whose warranty year ended before the records begin is not measured (never 100 % up),
/// and the totals count measured units only.
#[test]
fn a_unit_without_records_is_not_measured_and_not_counted() {
    let l = ledger_of(
        "S1,H1,uCT 760,2023-01-01,12,0.95\nS2,H2,uCT 510,2025-01-01,12,0.95\n",
        "S2,2025-03-01 00:00,2025-03-02 00:00\n",
        "2025-12-31",
    );
    assert_eq!(l.records_from, Some(d("2025-03-01")));
    assert_eq!(l.units[0].status, Status::NotMeasured);
    assert_eq!(l.units[0].uptime, None);
    assert_eq!(l.units[1].status, Status::Ended);
    let s = l.stats();
    assert_eq!((s.units_measured, s.units_not_measured), (1, 1));
    assert!((s.uptime_mean.expect("one measured") - (1.0 - 1.0 / 365.0)).abs() < 1e-12);
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
