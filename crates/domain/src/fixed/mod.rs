//! Exact fixed-point numbers: prices, quantities and money.
//!
//! Each is an integer count of a fixed smallest unit. Text is parsed digit by digit (never through
//! f64), so `209.419998` stored and printed again is `209.419998`. Arithmetic that could lose
//! precision is not offered; products widen (`Price × Quantity → Money`) instead of rounding.
//!
//! | type       | raw  | decimals | the type holds | accepted as input |
//! |------------|------|----------|----------------|-------------------|
//! | `Price`    | i64  | 9        | ±9.2e9         | 0 to 1e9 ([`Price::MAX_INPUT`]) |
//! | `Quantity` | i64  | 8        | ±9.2e10        | what the type holds (shares, BTC, volume) |
//! | `Money`    | i128 | 17       | ±1.7e21        | capital up to 1e15 ([`Money::MAX_CAPITAL`]) |
//!
//! `Price × Quantity` always fits `Money` (2^126 < 2^127). Arithmetic never wraps or saturates:
//! the `checked_*` methods return `None` when a result does not fit, and the operators (`+`, `-`,
//! unary `-`, `abs`, `Sum`) panic on overflow in every build, so a missed case stops loudly
//! instead of printing a wrong number. Code that handles input or stored data uses the checked
//! forms and turns `None` into an error naming the value.
//!
//! - `decimal`: parsing and printing ([`parse_decimal`], [`format_decimal`]).
//! - `ratio`: `a × num / den` rounded half to even without intermediate overflow
//!   ([`mul_div_round`], [`div_round_half_even`]).

mod decimal;
mod ratio;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

pub use decimal::{ParseFixedError, format_decimal, parse_decimal};
pub use ratio::{div_round_half_even, mul_div_round};

/// The operators' failure: a bug in the caller, which should have used a checked method.
#[cold]
#[track_caller]
fn overflow(type_name: &str, op: &str) -> ! {
    panic!("{type_name} overflow in `{op}` (input paths must use the checked methods)")
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
            /// A whole number of units, e.g. `Price::from_int(100)` = 100.00; panics if it does
            /// not fit (constants and tests; see [`Self::checked_from_int`]).
            #[track_caller]
            pub const fn from_int(v: i64) -> Self {
                match Self::checked_from_int(v) {
                    Some(x) => x,
                    None => panic!("whole number out of range"),
                }
            }
            pub const fn checked_from_int(v: i64) -> Option<Self> {
                match (v as $raw).checked_mul(Self::UNIT) {
                    Some(raw) => Some(Self(raw)),
                    None => None,
                }
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
            #[track_caller]
            pub fn abs(self) -> Self {
                self.checked_abs().unwrap_or_else(|| overflow(stringify!($name), "abs"))
            }
            pub fn checked_abs(self) -> Option<Self> {
                self.0.checked_abs().map(Self)
            }
            pub fn checked_neg(self) -> Option<Self> {
                self.0.checked_neg().map(Self)
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
            #[track_caller]
            fn add(self, o: Self) -> Self {
                self.checked_add(o).unwrap_or_else(|| overflow(stringify!($name), "+"))
            }
        }
        impl std::ops::Sub for $name {
            type Output = Self;
            #[track_caller]
            fn sub(self, o: Self) -> Self {
                self.checked_sub(o).unwrap_or_else(|| overflow(stringify!($name), "-"))
            }
        }
        impl std::ops::Neg for $name {
            type Output = Self;
            #[track_caller]
            fn neg(self) -> Self {
                self.checked_neg().unwrap_or_else(|| overflow(stringify!($name), "neg"))
            }
        }
        impl std::ops::AddAssign for $name {
            #[track_caller]
            fn add_assign(&mut self, o: Self) {
                *self = *self + o;
            }
        }
        impl std::ops::SubAssign for $name {
            #[track_caller]
            fn sub_assign(&mut self, o: Self) {
                *self = *self - o;
            }
        }
        impl std::iter::Sum for $name {
            #[track_caller]
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
    /// The largest price a bar, quote, tick or option may carry: 1,000,000,000. The type holds
    /// 9.2e9; the headroom keeps what a backtest does to an accepted price representable: a
    /// slippage or bracket offset of up to 100 %, or a distance of up to another 1e9, added to it.
    /// (BTC is quoted near 1e5, BRK.A near 1e6; BTC in VND or IDR, near 2e9, is outside.)
    pub const MAX_INPUT: Price = Price(1_000_000_000 * Price::UNIT);

    /// Exact notional value of `qty` at this price. Always fits: |raw| < 2^63 each, so the
    /// product is below 2^126.
    #[inline]
    pub fn notional(self, qty: Quantity) -> Money {
        Money(i128::from(self.0) * i128::from(qty.0))
    }

    /// A record's price for field `field`: from zero to [`Price::MAX_INPUT`].
    pub fn in_range(self, field: &'static str) -> Result<Self, DomainError> {
        if self.0 < 0 {
            Err(DomainError::new(field, format!("negative price {self}")))
        } else if self > Self::MAX_INPUT {
            Err(DomainError::new(
                field,
                format!(
                    "price {self} is above the largest supported price {}",
                    Self::MAX_INPUT
                ),
            ))
        } else {
            Ok(self)
        }
    }

    /// `self × num / den`, half to even at the last unit (split adjustment, bps, percentages);
    /// `None` when `den` is zero or the result leaves the type.
    #[inline]
    pub fn checked_mul_ratio(self, num: i64, den: i64) -> Option<Price> {
        let raw = mul_div_round(i128::from(self.0), num, den)?;
        i64::try_from(raw).ok().map(Price)
    }

    /// Rounded to a multiple of `tick` (half to even); `None` for a non-positive tick or a
    /// result outside the type.
    pub fn checked_round_to(self, tick: Price) -> Option<Price> {
        if tick.0 <= 0 {
            return None;
        }
        let steps = div_round_half_even(i128::from(self.0), i128::from(tick.0));
        i64::try_from(steps * i128::from(tick.0)).ok().map(Price)
    }
}

impl Quantity {
    /// The largest quantity the type holds (92,233,720,368.54775807).
    pub const MAX: Quantity = Quantity(i64::MAX);

    /// Whole units only (floor toward zero).
    pub fn trunc(self) -> Quantity {
        Quantity(self.0 / Self::UNIT * Self::UNIT)
    }
    pub fn is_whole(self) -> bool {
        self.0 % Self::UNIT == 0
    }
}

impl Money {
    /// The largest initial capital a backtest accepts: 1,000,000,000,000,000 (1e15) in account
    /// currency. Every percentage, fee and pro-rata cost of amounts this size is exact; the
    /// six orders of magnitude up to what the type holds (1.7e21) leave room for gains, and a
    /// result beyond that is an error, never a wrapped number.
    pub const MAX_CAPITAL: Money = Money(1_000_000_000_000_000 * Money::UNIT);

    /// The largest quantity, in steps of `step`, whose notional at `price` is at most `self`:
    /// `floor(cash / price)` shares when `step` is one share. Zero for non-positive input;
    /// `None` when that quantity is larger than [`Quantity::MAX`].
    pub fn checked_max_quantity(self, price: Price, step: Quantity) -> Option<Quantity> {
        if self.0 <= 0 || price.0 <= 0 || step.0 <= 0 {
            return Some(Quantity::ZERO);
        }
        let per_step = i128::from(price.0) * i128::from(step.0);
        let steps = self.0 / per_step;
        let raw = steps.checked_mul(i128::from(step.0))?;
        i64::try_from(raw).ok().map(Quantity)
    }

    /// From a price-scaled amount (e.g. a commission of 1.00 written as a Price).
    pub fn from_price(p: Price) -> Money {
        Money(i128::from(p.0) * i128::from(Quantity::UNIT))
    }

    /// `self × num / den`, half to even at the last unit (percent commissions, returns,
    /// pro-rata cost), exact for every amount; `None` when `den` is zero or the result does not
    /// fit (never for `|num| ≤ |den|`).
    #[inline]
    pub fn checked_mul_ratio(self, num: i64, den: i64) -> Option<Money> {
        mul_div_round(self.0, num, den).map(Money)
    }

    /// Rounded to `decimals` places, half to even (cents: 2), for display. An amount within half
    /// a unit of the type's limit, whose rounding would not fit, is returned unrounded.
    pub fn round_dp(self, decimals: u32) -> Money {
        let unit = 10i128.pow(Self::SCALE - decimals.min(Self::SCALE));
        div_round_half_even(self.0, unit)
            .checked_mul(unit)
            .map_or(self, Money)
    }
}

#[cfg(test)]
mod tests;
