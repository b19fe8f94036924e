//! Tolerances per kind of difference, as ERP invoice verification keys them: price, quantity,
//! amount and tax, each with a lower and an upper limit in yuan and as a fraction of the line's
//! value. A difference is tolerated when it stays within both limits on its side.

use std::fmt;

use crate::money::{parse_scaled, Fen};

/// The kinds of difference a tolerance applies to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Unit price against the agreed price, times the quantity, against the line's agreed value.
    Price,
    /// Units invoiced beyond those shipped, valued at the invoiced price, against the shipped
    /// value; only the upper limits apply (units not invoiced are `SHIPPED_NOT_INVOICED`).
    Quantity,
    /// Amount against quantity x unit price.
    Amount,
    /// Tax amount against the amount at the stated rate.
    Tax,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Price, Kind::Quantity, Kind::Amount, Kind::Tax];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Price => "price",
            Kind::Quantity => "quantity",
            Kind::Amount => "amount",
            Kind::Tax => "tax",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || (s == "qty" && *k == Kind::Quantity))
    }
}

/// Millionths of a unit: fractions are held exactly as integers.
pub const PPM: i64 = 1_000_000;

/// The limits of one kind.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How far below the expected value a difference may go, in yuan.
    pub lower_yuan: Fen,
    /// How far above, in yuan.
    pub upper_yuan: Fen,
    /// How far below, as a fraction of the expected value, in millionths.
    pub lower_ppm: i64,
    /// How far above, in millionths.
    pub upper_ppm: i64,
}

impl Limits {
    /// The same limit on both sides.
    pub const fn both(yuan: Fen, ppm: i64) -> Limits {
        Limits {
            lower_yuan: yuan,
            upper_yuan: yuan,
            lower_ppm: ppm,
            upper_ppm: ppm,
        }
    }

    /// Whether `diff` (actual minus expected) stays within both limits of its side, the fraction
    /// taken of `base`.
    pub fn within(&self, diff: Fen, base: Fen) -> bool {
        let (yuan, ppm) = if diff.0 >= 0 {
            (self.upper_yuan, self.upper_ppm)
        } else {
            (self.lower_yuan, self.lower_ppm)
        };
        let d = i128::from(diff.0).abs();
        d <= i128::from(yuan.0) && d * i128::from(PPM) <= i128::from(ppm) * i128::from(base.0).abs()
    }
}

/// The tolerances of a reconciliation, per kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tolerances {
    pub price: Limits,
    pub quantity: Limits,
    pub amount: Limits,
    pub tax: Limits,
}

impl Default for Tolerances {
    /// 0.50 yuan and 0.1 % either way for price, amount and tax; no quantity beyond what was
    /// shipped.
    fn default() -> Self {
        let usual = Limits::both(Fen(50), 1_000);
        Tolerances {
            price: usual,
            quantity: Limits::both(Fen::ZERO, 0),
            amount: usual,
            tax: usual,
        }
    }
}

impl Tolerances {
    pub fn of(&self, kind: Kind) -> &Limits {
        match kind {
            Kind::Price => &self.price,
            Kind::Quantity => &self.quantity,
            Kind::Amount => &self.amount,
            Kind::Tax => &self.tax,
        }
    }

    fn of_mut(&mut self, kind: Kind) -> &mut Limits {
        match kind {
            Kind::Price => &mut self.price,
            Kind::Quantity => &mut self.quantity,
            Kind::Amount => &mut self.amount,
            Kind::Tax => &mut self.tax,
        }
    }

    /// Sets one limit (`lower_yuan`, `upper_yuan`, `lower_fraction`, `upper_fraction`, or
    /// `yuan` / `fraction` for both sides) of one kind (or `all`) from its text.
    pub fn set(&mut self, kind: &str, limit: &str, value: &str) -> Result<(), String> {
        let kinds: Vec<Kind> = if kind == "all" {
            Kind::ALL.to_vec()
        } else {
            vec![Kind::parse(kind).ok_or_else(|| {
                format!("unknown kind {kind:?}: write price, quantity, amount, tax or all")
            })?]
        };
        let yuan = || {
            Fen::parse(value)
                .ok()
                .filter(|f| f.0 >= 0)
                .ok_or_else(|| format!("{value:?} is not an amount in yuan such as 0.50"))
        };
        let fraction = || {
            parse_scaled(value, 6)
                .ok()
                .filter(|p| (0..=PPM).contains(p))
                .ok_or_else(|| format!("{value:?} is not a fraction from 0 to 1 such as 0.001"))
        };
        for k in kinds {
            let l = self.of_mut(k);
            match limit {
                "lower_yuan" => l.lower_yuan = yuan()?,
                "upper_yuan" => l.upper_yuan = yuan()?,
                "yuan" => (l.lower_yuan, l.upper_yuan) = (yuan()?, yuan()?),
                "lower_fraction" => l.lower_ppm = fraction()?,
                "upper_fraction" => l.upper_ppm = fraction()?,
                "fraction" => (l.lower_ppm, l.upper_ppm) = (fraction()?, fraction()?),
                _ => {
                    return Err(format!(
                        "unknown limit {limit:?}: write lower_yuan, upper_yuan, lower_fraction, upper_fraction, yuan or fraction"
                    ))
                }
            }
        }
        Ok(())
    }

    /// Applies a setting written `KIND.LIMIT=VALUE` (as `--tolerance` takes it), for example
    /// `price.upper_yuan=1.00` or `all.fraction=0.001`.
    pub fn apply(&mut self, setting: &str) -> Result<(), String> {
        let (name, value) = setting.split_once('=').ok_or_else(|| {
            format!("{setting:?} is not KIND.LIMIT=VALUE, such as price.upper_yuan=1.00")
        })?;
        let (kind, limit) = name
            .trim()
            .split_once('.')
            .ok_or_else(|| format!("{name:?} is not KIND.LIMIT, such as price.upper_yuan"))?;
        self.set(kind.trim(), limit.trim(), value.trim())
    }
}

/// A fraction in millionths as decimal text (`1000` -> `0.001`).
pub fn fraction_text(ppm: i64) -> String {
    let s = format!("{}.{:06}", ppm / PPM, ppm % PPM);
    let s = s.trim_end_matches('0');
    s.strip_suffix('.')
        .map_or_else(|| s.to_owned(), |w| w.to_owned())
}

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "-{} yuan / -{} .. +{} yuan / +{}",
            self.lower_yuan,
            fraction_text(self.lower_ppm),
            self.upper_yuan,
            fraction_text(self.upper_ppm)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_is_tolerated_within_both_limits_of_its_side() {
        let l = Limits {
            lower_yuan: Fen(100),
            upper_yuan: Fen(50),
            lower_ppm: 10_000, // 1 %
            upper_ppm: 1_000,  // 0.1 %
        };
        // Above: 0.50 yuan and 0.1 % of 1,000.00 = 1.00 yuan; the yuan limit binds.
        assert!(l.within(Fen(50), Fen(100_000)));
        assert!(!l.within(Fen(51), Fen(100_000)));
        // Above on 100.00: 0.1 % is 0.10 yuan, which binds.
        assert!(l.within(Fen(10), Fen(10_000)));
        assert!(!l.within(Fen(11), Fen(10_000)));
        // Below: 1.00 yuan and 1 % of 50.00 = 0.50 yuan.
        assert!(l.within(Fen(-50), Fen(5_000)));
        assert!(!l.within(Fen(-51), Fen(5_000)));
        assert!(l.within(Fen(-100), Fen(100_000)));
        assert!(!l.within(Fen(-101), Fen(100_000)));
        assert!(l.within(Fen::ZERO, Fen::ZERO));
    }

    #[test]
    fn settings_read_as_a_clerk_writes_them() {
        let mut t = Tolerances::default();
        t.apply("price.upper_yuan=1.00").unwrap();
        t.apply("tax.fraction=0.002").unwrap();
        t.apply("qty.upper_fraction=0.05").unwrap();
        assert_eq!(t.price.upper_yuan, Fen(100));
        assert_eq!(t.price.lower_yuan, Fen(50));
        assert_eq!((t.tax.lower_ppm, t.tax.upper_ppm), (2_000, 2_000));
        assert_eq!(t.quantity.upper_ppm, 50_000);
        t.apply("all.yuan=0").unwrap();
        assert!(Kind::ALL.iter().all(|&k| t.of(k).upper_yuan == Fen::ZERO));
        assert!(t.apply("price.upper=1").is_err());
        assert!(t.apply("freight.yuan=1").is_err());
        assert!(t.apply("price.fraction=1.5").is_err());
        assert!(t.apply("price.yuan=-1").is_err());
        assert!(t.apply("price").is_err());
        assert_eq!(fraction_text(1_000), "0.001");
        assert_eq!(fraction_text(0), "0");
        assert_eq!(fraction_text(PPM), "1");
    }
}
