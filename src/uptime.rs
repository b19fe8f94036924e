//! The uptime and warranty-extension ledger from real downtime records.
//!
//! Per unit: the warranty period runs from the acceptance date for `warranty_months` months (the
//! last covered day is the day before the same date `warranty_months` later); the measured period
//! ends at that last day or at the run date, whichever comes first. Downtime periods of the unit
//! are merged where they overlap and clipped to the measured period (a period still open at the
//! run date counts up to the end of the run date). Then (model.md):
//!
//! - uptime = 1 - downtime / period length;
//! - days short = max(0, target x period days - up days), any started day counting as a whole day;
//! - each day short extends the warranty by [`EXTENSION_DAYS_PER_DAY_SHORT`] days.
//!
//! Time is counted in whole minutes, so merging and clipping are exact.
//!
//! Deliberately absent: simulated downtime (the simulator's), and extensions of extensions: the
//! measured period is the original warranty period.

use chrono::{Duration, Months, NaiveDate, NaiveDateTime, NaiveTime};

use crate::model::{Dataset, UnitId};

/// Warranty days owed per day short of the uptime target (the contract clause).
pub const EXTENSION_DAYS_PER_DAY_SHORT: i64 = 5;

const MINUTES_PER_DAY: i64 = 24 * 60;

/// One unit's line of the ledger.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitLedger {
    pub unit: UnitId,
    pub period_start: NaiveDate,
    /// Last day measured (inclusive).
    pub period_end: NaiveDate,
    pub downtime_minutes: i64,
    pub uptime: f64,
    pub target: f64,
    pub days_short: i64,
    pub extension_days: i64,
    /// Last day of warranty (inclusive), after the extension.
    pub warranty_end: NaiveDate,
    /// Whether the warranty period is over at the run date.
    pub complete: bool,
}

/// The ledger of a data set at a run date.
#[derive(Clone, Debug)]
pub struct Ledger {
    pub as_of: NaiveDate,
    pub units: Vec<UnitLedger>,
    /// Units accepted after the run date, not measured.
    pub not_started: Vec<UnitId>,
}

/// The ledger's totals.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerStats {
    pub units_measured: usize,
    pub units_period_complete: usize,
    pub units_below_target: usize,
    pub days_short_total: i64,
    pub extension_days_total: i64,
    /// Mean and lowest uptime over the measured units (1 when none is measured).
    pub uptime_mean: f64,
    pub uptime_min: f64,
}

impl Ledger {
    /// The totals over the measured units.
    pub fn stats(&self) -> LedgerStats {
        let n = self.units.len();
        LedgerStats {
            units_measured: n,
            units_period_complete: self.units.iter().filter(|u| u.complete).count(),
            units_below_target: self.units.iter().filter(|u| u.uptime < u.target).count(),
            days_short_total: self.units.iter().map(|u| u.days_short).sum(),
            extension_days_total: self.units.iter().map(|u| u.extension_days).sum(),
            uptime_mean: if n == 0 {
                1.0
            } else {
                self.units.iter().map(|u| u.uptime).sum::<f64>() / n as f64
            },
            uptime_min: self.units.iter().map(|u| u.uptime).fold(1.0f64, f64::min),
        }
    }

    /// The units with the most days short, most first (ties by unit), those with none left out.
    pub fn worst(&self, n: usize) -> Vec<&UnitLedger> {
        let mut worst: Vec<&UnitLedger> = self.units.iter().collect();
        worst.sort_by_key(|u| (std::cmp::Reverse(u.days_short), u.unit));
        worst
            .into_iter()
            .take(n)
            .filter(|u| u.days_short > 0)
            .collect()
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

/// Days short of `target` over a period of `period_days` with `downtime_minutes` down: the
/// shortfall in minutes, any started day counting as a whole day.
pub fn days_short(period_days: i64, downtime_minutes: i64, target: f64) -> i64 {
    let period = period_days * MINUTES_PER_DAY;
    // Allowed downtime in minutes, rounded to the microsecond of a minute so that 0.95 x 525600
    // is 26280 and not 26279.999....
    let allowed = ((1.0 - target) * period as f64 * 1e6).round() / 1e6;
    let short = downtime_minutes as f64 - allowed;
    if short <= 0.0 {
        0
    } else {
        (short / MINUTES_PER_DAY as f64).ceil() as i64
    }
}

/// Computes the ledger of every unit at `as_of`.
pub fn ledger(ds: &Dataset, as_of: NaiveDate) -> Ledger {
    let mut periods: Vec<Vec<(NaiveDateTime, NaiveDateTime)>> = vec![Vec::new(); ds.units.len()];
    for d in &ds.downtime {
        periods[d.unit.index()].push((d.start, d.end));
    }
    let mut units = Vec::with_capacity(ds.units.len());
    let mut not_started = Vec::new();
    for (i, unit) in ds.units.iter().enumerate() {
        let id = UnitId::from_index(i);
        if unit.accepted_on > as_of {
            not_started.push(id);
            continue;
        }
        let last = warranty_last_day(unit.accepted_on, unit.warranty_months);
        let period_end = last.min(as_of);
        let from = midnight(unit.accepted_on);
        let to = midnight(period_end) + Duration::days(1);
        let period_days = (period_end - unit.accepted_on).num_days() + 1;
        let downtime = merged_minutes(&mut periods[i], from, to);
        let uptime = 1.0 - downtime as f64 / (period_days * MINUTES_PER_DAY) as f64;
        let short = days_short(period_days, downtime, unit.uptime_target);
        let extension = short * EXTENSION_DAYS_PER_DAY_SHORT;
        units.push(UnitLedger {
            unit: id,
            period_start: unit.accepted_on,
            period_end,
            downtime_minutes: downtime,
            uptime,
            target: unit.uptime_target,
            days_short: short,
            extension_days: extension,
            warranty_end: last + Duration::days(extension),
            complete: last <= as_of,
        });
    }
    Ledger {
        as_of,
        units,
        not_started,
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
