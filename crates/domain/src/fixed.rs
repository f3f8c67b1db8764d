//! Exact fixed-point numbers: prices, quantities and money.
//!
//! Each is an integer count of a fixed smallest unit. Text is parsed digit by digit (never through
//! f64), so `209.419998` stored and printed again is `209.419998`. Arithmetic that could lose
//! precision is not offered; products widen (`Price × Quantity → Money`) instead of rounding.
//!
//! | type       | raw   | decimals | largest value            |
//! |------------|-------|----------|--------------------------|
//! | `Price`    | i64   | 9        | ≈ 9.2 billion            |
//! | `Quantity` | i64   | 8        | ≈ 92 billion (shares, BTC) |
//! | `Money`    | i128  | 17       | ≈ 1.7e21 (exact Price × Quantity) |

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

/// Why a decimal text could not become a fixed-point value. The caller adds the field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseFixedError {
    Empty,
    Invalid,
    TooPrecise { max_decimals: u32 },
    Overflow,
}

impl fmt::Display for ParseFixedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty value"),
            Self::Invalid => f.write_str("not a decimal number"),
            Self::TooPrecise { max_decimals } => {
                write!(f, "more than {max_decimals} decimal places")
            }
            Self::Overflow => f.write_str("out of range"),
        }
    }
}

impl std::error::Error for ParseFixedError {}

/// Parses decimal text (`-12.5`, `1e-3`, `.5`, `+3.`) into an integer count of `10^-scale` units.
/// With `round`, extra digits are rounded half to even; without it they are an error unless zero.
pub fn parse_decimal(text: &str, scale: u32, round: bool) -> Result<i128, ParseFixedError> {
    let b = text.trim().as_bytes();
    if b.is_empty() {
        return Err(ParseFixedError::Empty);
    }
    let (neg, mut i) = match b[0] {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    // Collect significant digits into an i128 mantissa with a decimal exponent.
    let mut mantissa: i128 = 0;
    let mut exp10: i64 = 0;
    let mut digits = 0usize;
    let mut dropped_nonzero = false; // digits past i128 capacity (never in real data)
    let mut seen_dot = false;
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                digits += 1;
                if mantissa < i128::MAX / 100 {
                    mantissa = mantissa * 10 + i128::from(c - b'0');
                    if seen_dot {
                        exp10 -= 1;
                    }
                } else {
                    dropped_nonzero |= c != b'0';
                    if !seen_dot {
                        exp10 += 1;
                    }
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            b'e' | b'E' => break,
            _ => return Err(ParseFixedError::Invalid),
        }
        i += 1;
    }
    if digits == 0 {
        return Err(ParseFixedError::Invalid);
    }
    if i < b.len() {
        // exponent
        let e: i64 = std::str::from_utf8(&b[i + 1..])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(ParseFixedError::Invalid)?;
        if e.abs() > 60 {
            return Err(ParseFixedError::Overflow);
        }
        exp10 += e;
    }
    let shift = exp10 + i64::from(scale);
    let value = if shift >= 0 {
        let mut v = mantissa;
        for _ in 0..shift {
            v = v.checked_mul(10).ok_or(ParseFixedError::Overflow)?;
        }
        v
    } else {
        let div = 10i128.checked_pow((-shift) as u32);
        let Some(div) = div else {
            return if mantissa == 0 || round {
                Ok(0)
            } else {
                Err(ParseFixedError::TooPrecise {
                    max_decimals: scale,
                })
            };
        };
        let (q, r) = (mantissa / div, mantissa % div);
        if r == 0 && !dropped_nonzero {
            q
        } else if !round {
            return Err(ParseFixedError::TooPrecise {
                max_decimals: scale,
            });
        } else {
            let twice = r * 2;
            if twice > div || (twice == div && (q % 2 == 1 || dropped_nonzero)) {
                q + 1
            } else {
                q
            }
        }
    };
    Ok(if neg { -value } else { value })
}

/// Writes `raw × 10^-scale` with no trailing zeros (`1.5`, `100`, `-0.000001`).
pub fn format_decimal(raw: i128, scale: u32, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let unit = 10u128.pow(scale);
    let abs = raw.unsigned_abs();
    let (int, frac) = (abs / unit, abs % unit);
    if raw < 0 {
        f.write_str("-")?;
    }
    write!(f, "{int}")?;
    if frac != 0 {
        let mut s = format!("{frac:0width$}", width = scale as usize);
        while s.ends_with('0') {
            s.pop();
        }
        write!(f, ".{s}")?;
    }
    Ok(())
}

macro_rules! fixed_type {
    ($(#[$doc:meta])* $name:ident, $raw:ty, $scale:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name($raw);

        impl $name {
            /// Decimal places of the smallest unit.
            pub const SCALE: u32 = $scale;
            /// Raw units in one whole unit (10^SCALE).
            pub const UNIT: $raw = (10 as $raw).pow($scale);
            pub const ZERO: Self = Self(0);

            /// From raw units of 10^-SCALE.
            pub const fn from_raw(raw: $raw) -> Self {
                Self(raw)
            }
            pub const fn raw(self) -> $raw {
                self.0
            }
            /// A whole number of units, e.g. `Price::from_int(100)` = 100.00.
            pub const fn from_int(v: i64) -> Self {
                Self((v as $raw) * Self::UNIT)
            }
            /// Exact parse; more decimals than SCALE is an error unless they are zeros.
            pub fn parse(text: &str) -> Result<Self, ParseFixedError> {
                Self::from_i128(parse_decimal(text, $scale, false)?)
            }
            /// Parse, rounding extra decimals half to even (for provider floats such as vwap).
            pub fn parse_rounded(text: &str) -> Result<Self, ParseFixedError> {
                Self::from_i128(parse_decimal(text, $scale, true)?)
            }
            /// Checked conversion from a wide raw value.
            pub fn from_i128(raw: i128) -> Result<Self, ParseFixedError> {
                <$raw>::try_from(raw).map(Self).map_err(|_| ParseFixedError::Overflow)
            }
            /// Parse a literal; panics on bad input. For tests and constants only.
            pub fn lit(text: &str) -> Self {
                Self::parse(text).unwrap_or_else(|e| panic!("bad {} literal {text:?}: {e}", stringify!($name)))
            }
            /// Float view for statistics and charts only; never feed it back into accounting.
            pub fn to_f64(self) -> f64 {
                self.0 as f64 / Self::UNIT as f64
            }
            pub fn is_negative(self) -> bool {
                self.0 < 0
            }
            pub fn is_zero(self) -> bool {
                self.0 == 0
            }
            pub fn abs(self) -> Self {
                Self(self.0.abs())
            }
            pub fn checked_add(self, o: Self) -> Option<Self> {
                self.0.checked_add(o.0).map(Self)
            }
            pub fn checked_sub(self, o: Self) -> Option<Self> {
                self.0.checked_sub(o.0).map(Self)
            }
        }

        impl std::ops::Add for $name {
            type Output = Self;
            fn add(self, o: Self) -> Self {
                Self(self.0 + o.0)
            }
        }
        impl std::ops::Sub for $name {
            type Output = Self;
            fn sub(self, o: Self) -> Self {
                Self(self.0 - o.0)
            }
        }
        impl std::ops::Neg for $name {
            type Output = Self;
            fn neg(self) -> Self {
                Self(-self.0)
            }
        }
        impl std::ops::AddAssign for $name {
            fn add_assign(&mut self, o: Self) {
                self.0 += o.0;
            }
        }
        impl std::ops::SubAssign for $name {
            fn sub_assign(&mut self, o: Self) {
                self.0 -= o.0;
            }
        }
        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(it: I) -> Self {
                it.fold(Self::ZERO, |a, b| a + b)
            }
        }

        impl FromStr for $name {
            type Err = ParseFixedError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                format_decimal(i128::from(self.0), $scale, f)
            }
        }

        /// Serialized as a decimal string so that JSON readers never see a rounded float.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        /// Accepts a decimal string or a JSON number (read from its text, not from f64).
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = serde_json::Value::deserialize(d)?;
                let text = match &v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => return Err(serde::de::Error::custom("expected a decimal number or string")),
                };
                Self::parse_rounded(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

fixed_type!(
    /// A price in units of 10^-9 (nine decimals covers Yahoo's six and FX's five).
    Price,
    i64,
    9
);
fixed_type!(
    /// A quantity or volume in units of 10^-8 (whole shares, fractional shares, satoshis).
    Quantity,
    i64,
    8
);
fixed_type!(
    /// Cash in units of 10^-17, the exact scale of `Price × Quantity`, so fills never round.
    Money,
    i128,
    17
);

impl Price {
    /// Exact notional value of `qty` at this price.
    pub fn notional(self, qty: Quantity) -> Money {
        Money(i128::from(self.0) * i128::from(qty.0))
    }

    /// Validated price for field `field`: finite and not negative.
    pub fn non_negative(self, field: &'static str) -> Result<Self, DomainError> {
        if self.0 < 0 {
            Err(DomainError::new(field, format!("negative price {self}")))
        } else {
            Ok(self)
        }
    }

    /// Multiplies by `num / den`, rounding half to even at the last unit (split adjustment, bps).
    pub fn mul_ratio(self, num: i64, den: i64) -> Price {
        Price(div_round_half_even(i128::from(self.0) * i128::from(num), i128::from(den)) as i64)
    }

    /// Rounds to a multiple of `tick` (half to even); `tick` must be positive.
    pub fn round_to(self, tick: Price) -> Price {
        Price(
            (div_round_half_even(i128::from(self.0), i128::from(tick.0)) * i128::from(tick.0))
                as i64,
        )
    }
}

impl Quantity {
    /// Whole units only (floor toward zero).
    pub fn trunc(self) -> Quantity {
        Quantity(self.0 / Self::UNIT * Self::UNIT)
    }
    pub fn is_whole(self) -> bool {
        self.0 % Self::UNIT == 0
    }
}

impl Money {
    /// The largest quantity, in steps of `step`, whose notional at `price` is at most `self`.
    /// `floor(cash / price)` shares when `step` is one share. Returns zero for non-positive input.
    pub fn max_quantity(self, price: Price, step: Quantity) -> Quantity {
        if self.0 <= 0 || price.0 <= 0 || step.0 <= 0 {
            return Quantity::ZERO;
        }
        let per_step = i128::from(price.0) * i128::from(step.0);
        let steps = self.0 / per_step;
        Quantity((steps * i128::from(step.0)).min(i128::from(i64::MAX)) as i64)
    }

    /// From a price-scaled amount (e.g. a commission of 1.00 written as a Price).
    pub fn from_price(p: Price) -> Money {
        Money(i128::from(p.0) * i128::from(Quantity::UNIT))
    }

    /// `self × num / den`, half to even at the last unit (percent commissions, returns).
    pub fn mul_ratio(self, num: i128, den: i128) -> Money {
        Money(div_round_half_even(self.0 * num, den))
    }

    /// Rounded to `decimals` places, half to even (cents: 2).
    pub fn round_dp(self, decimals: u32) -> Money {
        let unit = 10i128.pow(Self::SCALE - decimals.min(Self::SCALE));
        Money(div_round_half_even(self.0, unit) * unit)
    }

    /// Integer multiple.
    pub fn times(self, n: i128) -> Money {
        Money(self.0 * n)
    }
}

/// Integer division rounding half to even. `den` must not be zero.
pub fn div_round_half_even(num: i128, den: i128) -> i128 {
    let (q, r) = (num / den, num % den);
    if r == 0 {
        return q;
    }
    let twice = (r.abs()) * 2;
    let away = if num.signum() * den.signum() < 0 {
        -1
    } else {
        1
    };
    match twice.cmp(&den.abs()) {
        std::cmp::Ordering::Greater => q + away,
        std::cmp::Ordering::Equal if q % 2 != 0 => q + away,
        _ => q,
    }
}

#[cfg(test)]
#[path = "fixed_tests.rs"]
mod tests;
