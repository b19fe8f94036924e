//! Exact money and rate arithmetic.
//!
//! Money is held as integer fen (`Fen`, 0.01 CNY) and rates such as a discount rate as integer
//! ten-thousandths (`Rate`, 0.0001). Parsing reads decimal text digit by digit, so a value never
//! passes through binary floating point. Rounding is half away from zero, as the contract says.
//!
//! Deliberately absent: currency conversion and tax rules beyond a single rate.

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount of money in fen (1/100 yuan).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

/// A rate in ten-thousandths (`Rate(1250)` is 0.1250).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(pub i64);

/// Why a decimal text is not a valid amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("not a decimal number")]
    NotANumber,
    #[error("more than {0} decimals")]
    TooManyDecimals(u32),
    #[error("too large")]
    Overflow,
}

/// Parses decimal text (`-12.5`, `+3`, `0.1250`, `.5`) into an integer scaled by `10^scale`.
/// Rejects exponents, thousands separators and more than `scale` decimals.
pub fn parse_scaled(text: &str, scale: u32) -> Result<i64, DecimalError> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let mut whole: i64 = 0;
    let mut frac: i64 = 0;
    let mut frac_digits = 0u32;
    let mut seen_point = false;
    let mut seen_digit = false;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                seen_digit = true;
                let d = i64::from(b - b'0');
                if seen_point {
                    frac_digits += 1;
                    if frac_digits > scale {
                        // Trailing zeros beyond the scale are harmless ("12.500").
                        if d != 0 {
                            return Err(DecimalError::TooManyDecimals(scale));
                        }
                        continue;
                    }
                    frac = frac * 10 + d;
                } else {
                    whole = whole
                        .checked_mul(10)
                        .and_then(|w| w.checked_add(d))
                        .ok_or(DecimalError::Overflow)?;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => return Err(DecimalError::NotANumber),
        }
    }
    if !seen_digit {
        return Err(DecimalError::NotANumber);
    }
    let used = frac_digits.min(scale);
    let frac = frac * 10i64.pow(scale - used);
    let value = whole
        .checked_mul(10i64.pow(scale))
        .and_then(|w| w.checked_add(frac))
        .ok_or(DecimalError::Overflow)?;
    Ok(if negative { -value } else { value })
}

/// Divides with rounding half away from zero.
pub fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let q = numerator / denominator;
    let r = numerator % denominator;
    if 2 * r.abs() >= denominator {
        q + numerator.signum()
    } else {
        q
    }
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Parses yuan text with at most two decimals.
    pub fn parse(text: &str) -> Result<Fen, DecimalError> {
        parse_scaled(text, 2).map(Fen)
    }

    /// Whole yuan.
    pub fn yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    /// `self x qty`.
    pub fn times(self, qty: i64) -> Fen {
        Fen(self.0 * qty)
    }

    /// `self x (1 - rate)`, rounded half away from zero to the fen: the agreed unit price.
    pub fn discounted(self, rate: Rate) -> Fen {
        let n = i128::from(self.0) * i128::from(10_000 - rate.0);
        Fen(div_round_half_away(n, 10_000) as i64)
    }

    /// `self x rate`, rounded half away from zero to the fen (tax on an amount).
    pub fn scaled_by(self, rate: Rate) -> Fen {
        let n = i128::from(self.0) * i128::from(rate.0);
        Fen(div_round_half_away(n, 10_000) as i64)
    }

    pub fn abs(self) -> Fen {
        Fen(self.0.abs())
    }
}

impl Rate {
    /// Parses a rate with at most four decimals (`0.1250`).
    pub fn parse(text: &str) -> Result<Rate, DecimalError> {
        parse_scaled(text, 4).map(Rate)
    }

    /// The rate as a fraction, for display and for non-monetary arithmetic only.
    pub fn as_fraction(self) -> f64 {
        self.0 as f64 / 10_000.0
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Fen {
    /// The amount with its thousands grouped, as a person reads it: `4,204,391.00`.
    pub fn grouped(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", group_digits(abs / 100), abs % 100)
    }
}

/// A decimal number (a count of days, a rate) with its thousands grouped and `decimals` places:
/// `grouped_f(11908.06, 1)` -> `11,908.1`. For figures shown to people, not for money.
pub fn grouped_f(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if x < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        "-"
    } else {
        ""
    };
    let whole = group_digits(whole.parse().unwrap_or(0));
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// A whole number with its thousands grouped: `1234567` -> `1,234,567`.
/// A count with its noun, grouped and in the right number: `1 error`, `1,204 errors`.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", group_digits(n), if n == 1 { one } else { many })
}

pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:04}", abs / 10_000, abs % 10_000)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0 + rhs.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0 - rhs.0)
    }
}

impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, rhs: Fen) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, rhs: Fen) {
        self.0 -= rhs.0;
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        Fen(iter.map(|f| f.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_with_grouped_thousands() {
        assert_eq!(Fen(420_439_100).grouped(), "4,204,391.00");
        assert_eq!(Fen(-5).grouped(), "-0.05");
        assert_eq!(Fen(99_999).grouped(), "999.99");
        assert_eq!(Fen(100_000).grouped(), "1,000.00");
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(1_234_567), "1,234,567");
        assert_eq!(group_digits(123_456), "123,456");
        assert_eq!(grouped_f(11_908.06, 1), "11,908.1");
        assert_eq!(grouped_f(-1_137_769.4, 0), "-1,137,769");
        assert_eq!(grouped_f(-0.04, 1), "0.0");
        assert_eq!(grouped_f(909.25, 2), "909.25");
    }

    #[test]
    fn parses_money_exactly() {
        assert_eq!(Fen::parse("12.34"), Ok(Fen(1234)));
        assert_eq!(Fen::parse("12.3"), Ok(Fen(1230)));
        assert_eq!(Fen::parse("12"), Ok(Fen(1200)));
        assert_eq!(Fen::parse("-0.05"), Ok(Fen(-5)));
        assert_eq!(Fen::parse(".5"), Ok(Fen(50)));
        assert_eq!(Fen::parse("12.500"), Ok(Fen(1250)));
        assert_eq!(Fen::parse("12.345"), Err(DecimalError::TooManyDecimals(2)));
        assert_eq!(Fen::parse("1e3"), Err(DecimalError::NotANumber));
        assert_eq!(Fen::parse("1,000"), Err(DecimalError::NotANumber));
        assert_eq!(Fen::parse("-"), Err(DecimalError::NotANumber));
        assert_eq!(Fen::parse("1.2.3"), Err(DecimalError::NotANumber));
        assert_eq!(
            Fen::parse("99999999999999999999"),
            Err(DecimalError::Overflow)
        );
        assert_eq!(Rate::parse("0.1250"), Ok(Rate(1250)));
        assert_eq!(
            Rate::parse("0.12505"),
            Err(DecimalError::TooManyDecimals(4))
        );
    }

    #[test]
    fn discount_rounds_half_away_from_zero() {
        // 100.01 x 0.875 = 87.50875 -> 87.51
        assert_eq!(Fen(10001).discounted(Rate(1250)), Fen(8751));
        // 0.10 x 0.95 = 0.095 -> 0.10 (half away from zero)
        assert_eq!(Fen(10).discounted(Rate(500)), Fen(10));
        // 0.30 x 0.85 = 0.255 -> 0.26
        assert_eq!(Fen(30).discounted(Rate(1500)), Fen(26));
        // negative amounts round away from zero as well: -0.255 -> -0.26
        assert_eq!(Fen(-30).discounted(Rate(1500)), Fen(-26));
        // 13 % tax on 0.50 = 0.065 -> 0.07
        assert_eq!(Fen(50).scaled_by(Rate(1300)), Fen(7));
    }

    #[test]
    fn displays_with_fixed_decimals() {
        assert_eq!(Fen(123456).to_string(), "1234.56");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(Fen(0).to_string(), "0.00");
        assert_eq!(Rate(1250).to_string(), "0.1250");
    }
}
