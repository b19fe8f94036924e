//! The uptime and warranty-extension ledger from real downtime records.
//!
//! Per unit: the warranty period runs from the acceptance date for `warranty_months` months (the
//! last covered day is the day before the same date `warranty_months` later). The clause is
//! judged over the whole period (model.md): the allowance is `(1 - target) x period length`, and
//! the days short are the downtime beyond it, any started day counting as a whole day; each day
//! short extends the warranty by [`EXTENSION_DAYS_PER_DAY_SHORT`] days.
//!
//! As of a run date each unit's period is
//! - **ended** (its last day is on or before the run date): downtime over the whole period;
//! - **in progress**: the downtime so far (a downtime period still open counts to the end of the
//!   run date), the allowance left of the whole period's, uptime over the days so far, and only
//!   the days short already certain (downtime so far beyond the whole period's allowance);
//! - **not measured**: the period has not begun, or it ended before the downtime records begin
//!   (the earliest downtime or fault record), so nothing is known of it; it is never counted as
//!   100 % up, and totals leave it out.
//!
//! Downtime periods of a unit are merged where they overlap and clipped to the period. Time is
//! counted in whole minutes, so merging and clipping are exact.
//!
//! Deliberately absent: simulated downtime (the simulator's), and extensions of extensions: the
//! measured period is the original warranty period.

use chrono::{Duration, Months, NaiveDate, NaiveDateTime, NaiveTime};

use crate::model::{Dataset, UnitId};
use crate::money::{div_round_half_away, Fen};

/// Warranty days owed per day short of the uptime target (the contract clause).
pub const EXTENSION_DAYS_PER_DAY_SHORT: i64 = 5;

const MINUTES_PER_DAY: i64 = 24 * 60;

/// Where a unit's warranty period stands at the run date.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Ended,
    InProgress,
    NotMeasured,
}

impl Status {
    /// As the data contract spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ended => "ended",
            Status::InProgress => "in progress",
            Status::NotMeasured => "not measured",
        }
    }
}

/// One unit's line of the ledger.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitLedger {
    pub unit: UnitId,
    pub status: Status,
    /// The whole warranty period, first and last day (inclusive).
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The last day measured: the period's last day, or the run date while in progress.
    pub measured_to: NaiveDate,
    /// Downtime in the measured days (0 when not measured).
    pub downtime_minutes: i64,
    /// What is left of the whole period's allowance, in minutes (never negative).
    pub allowance_left_minutes: f64,
    /// Uptime over the measured days (`None` when not measured).
    pub uptime: Option<f64>,
    pub target: f64,
    /// Days short already certain (all of them once the period has ended).
    pub days_short: i64,
    pub extension_days: i64,
    /// Last day of warranty (inclusive), after the extension so far.
    pub warranty_end: NaiveDate,
}

impl UnitLedger {
    pub fn measured(&self) -> bool {
        self.status != Status::NotMeasured
    }
}

/// The ledger of a data set at a run date: every unit, in unit order.
#[derive(Clone, Debug)]
pub struct Ledger {
    pub as_of: NaiveDate,
    /// The first day the downtime records cover (the earliest downtime or fault record).
    pub records_from: Option<NaiveDate>,
    pub units: Vec<UnitLedger>,
}

/// The ledger's totals, over the measured units only.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerStats {
    pub units_measured: usize,
    pub units_ended: usize,
    pub units_in_progress: usize,
    pub units_not_measured: usize,
    pub units_below_target: usize,
    pub days_short_total: i64,
    pub extension_days_total: i64,
    /// Mean and lowest uptime over the measured units (`None` when none is measured).
    pub uptime_mean: Option<f64>,
    pub uptime_min: Option<f64>,
}

impl Ledger {
    /// The totals over the measured units.
    pub fn stats(&self) -> LedgerStats {
        let measured: Vec<&UnitLedger> = self.units.iter().filter(|u| u.measured()).collect();
        let n = measured.len();
        let count = |s: Status| self.units.iter().filter(|u| u.status == s).count();
        let uptimes: Vec<f64> = measured.iter().filter_map(|u| u.uptime).collect();
        LedgerStats {
            units_measured: n,
            units_ended: count(Status::Ended),
            units_in_progress: count(Status::InProgress),
            units_not_measured: count(Status::NotMeasured),
            // Below target: short already (days short certain), or an ended period below it.
            units_below_target: measured.iter().filter(|u| u.days_short > 0).count(),
            days_short_total: measured.iter().map(|u| u.days_short).sum(),
            extension_days_total: measured.iter().map(|u| u.extension_days).sum(),
            uptime_mean: (!uptimes.is_empty())
                .then(|| uptimes.iter().sum::<f64>() / uptimes.len() as f64),
            uptime_min: uptimes.iter().copied().reduce(f64::min),
        }
    }

    /// The units with the most days short, most first (ties by unit), those with none left out.
    pub fn worst(&self, n: usize) -> Vec<&UnitLedger> {
        let mut worst: Vec<&UnitLedger> = self.units.iter().filter(|u| u.days_short > 0).collect();
        worst.sort_by_key(|u| (std::cmp::Reverse(u.days_short), u.unit));
        worst.into_iter().take(n).collect()
    }
}

/// The default run date of the ledger: the latest date in the data set's records (downtime ends,
/// faults, acceptances), `None` when it has none.
pub fn default_as_of(ds: &Dataset) -> Option<NaiveDate> {
    ds.downtime
        .iter()
        .map(|d| d.end.date())
        .chain(ds.faults.iter().map(|f| f.date))
        .chain(ds.units.iter().map(|u| u.accepted_on))
        .max()
}

/// The last day covered by a warranty of `months` from `accepted_on`: the day before the same
/// date `months` later, or the last day of that month when the date does not exist there (a
/// warranty of a year from 29 February ends on 28 February).
pub fn warranty_last_day(accepted_on: NaiveDate, months: u32) -> NaiveDate {
    use chrono::Datelike;
    match accepted_on.checked_add_months(Months::new(months)) {
        Some(d) if d.day() == accepted_on.day() => d - Duration::days(1),
        Some(clamped) => clamped,
        None => NaiveDate::MAX,
    }
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// Total minutes covered by `periods` (merged where they overlap) within `[from, to)`.
pub fn merged_minutes(
    periods: &mut [(NaiveDateTime, NaiveDateTime)],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> i64 {
    periods.sort();
    let mut total = 0;
    let mut current: Option<(NaiveDateTime, NaiveDateTime)> = None;
    for &(start, end) in periods.iter() {
        let (start, end) = (start.max(from), end.min(to));
        if end <= start {
            continue;
        }
        match current {
            Some((cs, ce)) if start <= ce => current = Some((cs, ce.max(end))),
            Some((cs, ce)) => {
                total += (ce - cs).num_minutes();
                current = Some((start, end));
            }
            None => current = Some((start, end)),
        }
    }
    if let Some((cs, ce)) = current {
        total += (ce - cs).num_minutes();
    }
    total
}

/// The allowance of a period of `period_days` at `target`, in minutes, rounded to the
/// microsecond of a minute so that 0.05 x 525600 is 26280 and not 26279.999....
pub fn allowance_minutes(period_days: i64, target: f64) -> f64 {
    let period = period_days * MINUTES_PER_DAY;
    ((1.0 - target) * period as f64 * 1e6).round() / 1e6
}

/// Days short for `downtime_minutes` against an allowance: the excess, any started day counting
/// as a whole day.
pub fn days_beyond(allowance_minutes: f64, downtime_minutes: i64) -> i64 {
    let short = downtime_minutes as f64 - allowance_minutes;
    if short <= 0.0 {
        0
    } else {
        (short / MINUTES_PER_DAY as f64).ceil() as i64
    }
}

/// Days short of `target` over a period of `period_days` with `downtime_minutes` down: the
/// shortfall in minutes, any started day counting as a whole day.
pub fn days_short(period_days: i64, downtime_minutes: i64, target: f64) -> i64 {
    days_beyond(allowance_minutes(period_days, target), downtime_minutes)
}

/// The first day the downtime records cover: the earliest downtime start or fault date.
fn records_from(ds: &Dataset) -> Option<NaiveDate> {
    ds.downtime
        .iter()
        .map(|d| d.start.date())
        .chain(ds.faults.iter().map(|f| f.date))
        .min()
}

/// Computes the ledger of every unit at `as_of`.
pub fn ledger(ds: &Dataset, as_of: NaiveDate) -> Ledger {
    let mut periods: Vec<Vec<(NaiveDateTime, NaiveDateTime)>> = vec![Vec::new(); ds.units.len()];
    for d in &ds.downtime {
        periods[d.unit.index()].push((d.start, d.end));
    }
    let records_from = records_from(ds);
    let units = ds
        .units
        .iter()
        .enumerate()
        .map(|(i, unit)| {
            let last = warranty_last_day(unit.accepted_on, unit.warranty_months);
            let unmeasured = unit.accepted_on > as_of || records_from.is_none_or(|r| last < r);
            let status = if unmeasured {
                Status::NotMeasured
            } else if last <= as_of {
                Status::Ended
            } else {
                Status::InProgress
            };
            judge(
                UnitId::from_index(i),
                status,
                (unit.accepted_on, last, as_of),
                unit.uptime_target,
                &mut periods[i],
            )
        })
        .collect();
    Ledger {
        as_of,
        records_from,
        units,
    }
}

/// One unit's line: `period` is (first day, last day, run date).
fn judge(
    unit: UnitId,
    status: Status,
    period: (NaiveDate, NaiveDate, NaiveDate),
    target: f64,
    downtime: &mut [(NaiveDateTime, NaiveDateTime)],
) -> UnitLedger {
    let (start, last, as_of) = period;
    let period_days = (last - start).num_days() + 1;
    let allowance = allowance_minutes(period_days, target);
    if status == Status::NotMeasured {
        return UnitLedger {
            unit,
            status,
            period_start: start,
            period_end: last,
            measured_to: start,
            downtime_minutes: 0,
            allowance_left_minutes: allowance,
            uptime: None,
            target,
            days_short: 0,
            extension_days: 0,
            warranty_end: last,
        };
    }
    let measured_to = last.min(as_of);
    let down = merged_minutes(
        downtime,
        midnight(start),
        midnight(measured_to) + Duration::days(1),
    );
    let days_so_far = (measured_to - start).num_days() + 1;
    let short = days_beyond(allowance, down);
    let extension = short * EXTENSION_DAYS_PER_DAY_SHORT;
    UnitLedger {
        unit,
        status,
        period_start: start,
        period_end: last,
        measured_to,
        downtime_minutes: down,
        allowance_left_minutes: (allowance - down as f64).max(0.0),
        uptime: Some(1.0 - down as f64 / (days_so_far * MINUTES_PER_DAY) as f64),
        target,
        days_short: short,
        extension_days: extension,
        warranty_end: last + Duration::days(extension),
    }
}

/// The planned year starts the day after the data set's last record.
pub fn planned_year_from(ds: &Dataset) -> NaiveDate {
    default_as_of(ds).map_or(NaiveDate::MIN, |d| d + Duration::days(1))
}

/// Each unit's share of the 365 days from `from` that its warranty period covers.
pub fn in_warranty_shares(ds: &Dataset, from: NaiveDate) -> Vec<f64> {
    let to = from + Duration::days(364);
    ds.units
        .iter()
        .map(|u| {
            let last = warranty_last_day(u.accepted_on, u.warranty_months);
            let (a, b) = (u.accepted_on.max(from), last.min(to));
            if b < a {
                0.0
            } else {
                ((b - a).num_days() + 1) as f64 / 365.0
            }
        })
        .collect()
}

/// Expected days short and extension days of every unit in the planned year, from the plan's
/// model or from its simulation: each unit's figures for a year wholly in warranty times the
/// share of the planned year it is in warranty (model.md: only units in warranty during the
/// planned year count, each for the part of the year it is), priced at its
/// `warranty_day_cost`.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    /// Per unit, for a year wholly in warranty.
    pub year_days_short: Vec<f64>,
    pub year_extension_days: Vec<f64>,
    /// Per unit, the share of the planned year it is in warranty.
    pub in_warranty: Vec<f64>,
    /// Per unit, what one extended warranty day costs (`None`: not priced).
    pub day_cost: Vec<Option<Fen>>,
    /// The planned year's first day.
    pub year_from: NaiveDate,
}

impl Expected {
    pub fn unit_days_short(&self, unit: usize) -> f64 {
        self.year_days_short[unit] * self.in_warranty[unit]
    }

    pub fn unit_extension_days(&self, unit: usize) -> f64 {
        self.year_extension_days[unit] * self.in_warranty[unit]
    }

    /// Expected extension days of all units in the planned year.
    pub fn extension_days(&self) -> f64 {
        (0..self.in_warranty.len())
            .map(|u| self.unit_extension_days(u))
            .sum()
    }

    /// Extension days a year if every unit were in warranty all year.
    pub fn extension_days_all_units(&self) -> f64 {
        self.year_extension_days.iter().sum()
    }

    /// Units in warranty for some of the planned year.
    pub fn units_in_warranty(&self) -> usize {
        self.in_warranty.iter().filter(|&&f| f > 0.0).count()
    }

    /// A unit's expected extension cost in the planned year in fen (the days read to the
    /// millionth, rounded half away from zero); `None` without a cost.
    pub fn unit_extension_cost(&self, unit: usize) -> Option<Fen> {
        let cost = self.day_cost[unit]?;
        let micro_days = (self.unit_extension_days(unit) * 1e6).round() as i128;
        Some(Fen(
            div_round_half_away(i128::from(cost.0) * micro_days, 1_000_000) as i64,
        ))
    }

    /// The expected extension cost a year over all units (zero for units without a cost).
    pub fn extension_cost(&self) -> Fen {
        (0..self.day_cost.len())
            .filter_map(|u| self.unit_extension_cost(u))
            .sum()
    }

    /// Whether any unit's extension is priced.
    pub fn priced(&self) -> bool {
        self.day_cost.iter().any(Option::is_some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn warranty_periods_follow_the_calendar() {
        assert_eq!(warranty_last_day(d(2025, 3, 15), 12), d(2026, 3, 14));
        // No 29 February in 2025: the year from the leap day ends on 28 February.
        assert_eq!(warranty_last_day(d(2024, 2, 29), 12), d(2025, 2, 28));
        assert_eq!(warranty_last_day(d(2025, 1, 31), 1), d(2025, 2, 28));
        assert_eq!(warranty_last_day(d(2023, 3, 1), 12), d(2024, 2, 29));
        assert_eq!(warranty_last_day(d(2024, 3, 1), 12), d(2025, 2, 28));
    }

    #[test]
    fn overlaps_merge_and_edges_clip() {
        let mut p = vec![
            (t(2025, 1, 1, 8, 0), t(2025, 1, 1, 12, 0)),
            (t(2025, 1, 1, 10, 0), t(2025, 1, 1, 14, 0)), // overlaps: 8-14 = 360 min
            (t(2025, 1, 2, 0, 0), t(2025, 1, 2, 1, 0)),   // 60 min
            (t(2024, 12, 31, 23, 0), t(2025, 1, 1, 0, 30)), // clipped at the start: 30 min
        ];
        let total = merged_minutes(&mut p, t(2025, 1, 1, 0, 0), t(2025, 1, 3, 0, 0));
        assert_eq!(total, 360 + 60 + 30);
        let mut p = vec![(t(2025, 1, 2, 23, 0), t(2025, 1, 5, 0, 0))];
        assert_eq!(
            merged_minutes(&mut p, t(2025, 1, 1, 0, 0), t(2025, 1, 3, 0, 0)),
            60
        );
    }

    #[test]
    fn any_started_day_short_counts_whole() {
        // 365 days at 95 %: 26,280 minutes may be down.
        assert_eq!(days_short(365, 26_280, 0.95), 0);
        assert_eq!(days_short(365, 26_281, 0.95), 1);
        assert_eq!(days_short(365, 26_280 + 1440, 0.95), 1);
        assert_eq!(days_short(365, 26_280 + 1441, 0.95), 2);
        assert_eq!(days_short(366, 26_352, 0.95), 0); // leap year: 18.3 days allowed
        assert_eq!(days_short(30, 0, 0.95), 0);
    }
}
