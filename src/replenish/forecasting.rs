//! Demand re-estimated from the fault history and the installed base, per depot region and part.
//!
//! - **Region**: a depot's region is the hospitals whose fastest depot it is (their primary depot).
//! - **Monthly series**: parts consumed by faults of the region's units, per calendar month from
//!   the first history month to the month before the batch month; months without records are 0.
//! - **Installed-base rate** per model and part: observed failures over the unit-years of exposure
//!   (each unit counted from its acceptance date), shrunk toward the catalogue rate by a
//!   Gamma-Poisson prior worth [`PRIOR_UNIT_YEARS`] unit-years: `(failures + catalogue x prior) /
//!   (exposure + prior)`. With thin history the catalogue rate dominates; with much, the history.
//!   A region's installed-base forecast is the sum of its units' rates, per month.
//! - **Croston, SBA, TSB** on the monthly series (see [`crate::forecast`]).
//! - **Choice per part**: the last [`HOLDOUT_MONTHS`] months are held out; each method is fitted
//!   on the months before and scored by the squared error of its rate against each held-out month,
//!   summed over the part's regions; the lowest error wins (ties in the order Croston, SBA, TSB,
//!   installed base). Every method is then refitted on the whole history and the chosen one gives
//!   the monthly rate. A part whose history is shorter than the holdout plus two months, or with
//!   no demand in it at all, takes the installed-base rate.

use chrono::{Datelike, NaiveDate};

use crate::forecast::{croston, sba, tsb};
use crate::model::Dataset;

/// Unit-years the catalogue rate is worth as a prior.
pub const PRIOR_UNIT_YEARS: f64 = 50.0;

/// Months held out to choose a method.
pub const HOLDOUT_MONTHS: usize = 6;

/// Smoothing constants.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Smoothing {
    pub croston: f64,
    pub tsb_size: f64,
    pub tsb_probability: f64,
}

impl Default for Smoothing {
    fn default() -> Self {
        Smoothing {
            croston: 0.1,
            tsb_size: 0.1,
            tsb_probability: 0.1,
        }
    }
}

/// The forecasting methods, in tie-breaking order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Croston,
    Sba,
    Tsb,
    InstalledBase,
}

impl Method {
    pub const ALL: [Method; 4] = [
        Method::Croston,
        Method::Sba,
        Method::Tsb,
        Method::InstalledBase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Croston => "croston",
            Method::Sba => "sba",
            Method::Tsb => "tsb",
            Method::InstalledBase => "installed_base",
        }
    }
}

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let month = Month {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        (1..=12).contains(&month.month).then_some(month)
    }

    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    pub fn plus(self, months: i64) -> Month {
        let i = self.index() + months;
        Month {
            year: i.div_euclid(12) as i32,
            month: i.rem_euclid(12) as u32 + 1,
        }
    }

    /// Months from `self` to `other` (negative when `other` is earlier).
    pub fn until(self, other: Month) -> i64 {
        other.index() - self.index()
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month")
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The forecast of one region and part, in units per month.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    pub demand_in_history: f64,
    pub croston: f64,
    pub sba: f64,
    pub tsb: f64,
    pub installed_base: f64,
}

impl Forecast {
    pub fn rate(&self, m: Method) -> f64 {
        match m {
            Method::Croston => self.croston,
            Method::Sba => self.sba,
            Method::Tsb => self.tsb,
            Method::InstalledBase => self.installed_base,
        }
    }
}

/// Forecasts of every depot region and part.
#[derive(Clone, Debug)]
pub struct Forecasts {
    pub from: Month,
    pub months: usize,
    /// `[part][depot]`, data-set order.
    pub cells: Vec<Vec<Forecast>>,
    /// The method chosen for each part.
    pub chosen: Vec<Method>,
    /// Installed-base rate per model and part (failures per unit-year, shrunk).
    pub unit_rates: Vec<Vec<f64>>,
}

impl Forecasts {
    /// The chosen monthly rate of a region and part.
    pub fn monthly_rate(&self, part: usize, depot: usize) -> f64 {
        self.cells[part][depot].rate(self.chosen[part])
    }
}

fn fit(series: &[f64], ib: f64, s: &Smoothing) -> Forecast {
    Forecast {
        demand_in_history: series.iter().sum(),
        croston: croston(series, s.croston),
        sba: sba(series, s.croston),
        tsb: tsb(series, s.tsb_size, s.tsb_probability),
        installed_base: ib,
    }
}

/// Forecasts demand for the months from `from` up to the month before `month`.
pub fn forecast(
    ds: &Dataset,
    primary: &[Option<usize>],
    from: Month,
    month: Month,
    s: &Smoothing,
) -> Forecasts {
    let nd = ds.depots.len();
    let np = ds.parts.len();
    let nm = ds.models.len();
    let months = from.until(month).max(0) as usize;
    // Monthly series per part and region.
    let mut series = vec![vec![vec![0.0; months]; nd]; np];
    let mut failures = vec![vec![0.0; np]; nm];
    for f in &ds.faults {
        let i = from.until(Month::of(f.date));
        if i < 0 || i >= months as i64 {
            continue;
        }
        let unit = ds.unit(f.unit);
        failures[unit.model.index()][f.part.index()] += f64::from(f.qty);
        if let Some(d) = primary[unit.hospital.index()] {
            series[f.part.index()][d][i as usize] += f64::from(f.qty);
        }
    }
    // Exposure in unit-years per model, each unit from its acceptance (or the history start).
    let (start, end) = (from.first_day(), month.first_day());
    let mut exposure = vec![0.0; nm];
    for u in &ds.units {
        let begin = u.accepted_on.max(start);
        if begin < end {
            exposure[u.model.index()] += (end - begin).num_days() as f64 / 365.0;
        }
    }
    let mut unit_rates = vec![vec![0.0; np]; nm];
    for u in &ds.usage {
        let (m, p) = (u.model.index(), u.part.index());
        unit_rates[m][p] = (failures[m][p] + u.failures_per_unit_year * PRIOR_UNIT_YEARS)
            / (exposure[m] + PRIOR_UNIT_YEARS);
    }
    // Units per region and model.
    let mut region_units = vec![vec![0.0; nm]; nd];
    for u in &ds.units {
        if let Some(d) = primary[u.hospital.index()] {
            region_units[d][u.model.index()] += 1.0;
        }
    }
    let ib = |p: usize, d: usize| -> f64 {
        (0..nm)
            .map(|m| region_units[d][m] * unit_rates[m][p])
            .sum::<f64>()
            / 12.0
    };
    let mut cells = Vec::with_capacity(np);
    let mut chosen = Vec::with_capacity(np);
    for p in 0..np {
        let mut errors = [0.0f64; 4];
        let holdout = months >= HOLDOUT_MONTHS + 2;
        for d in 0..nd {
            if !holdout {
                break;
            }
            let (train, test) = series[p][d].split_at(months - HOLDOUT_MONTHS);
            let f = fit(train, ib(p, d), s);
            for (e, m) in errors.iter_mut().zip(Method::ALL) {
                let r = f.rate(m);
                *e += test.iter().map(|x| (x - r).powi(2)).sum::<f64>();
            }
        }
        let seen: f64 = series[p].iter().flatten().sum();
        // A part never consumed in the history would forecast zero by every series method;
        // its demand comes from the installed base.
        let best = if holdout && seen > 0.0 {
            let mut best = 0;
            for i in 1..4 {
                if errors[i] < errors[best] {
                    best = i;
                }
            }
            Method::ALL[best]
        } else {
            Method::InstalledBase
        };
        chosen.push(best);
        cells.push((0..nd).map(|d| fit(&series[p][d], ib(p, d), s)).collect());
    }
    Forecasts {
        from,
        months,
        cells,
        chosen,
        unit_rates,
    }
}
