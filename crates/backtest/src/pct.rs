//! Exact percentages for stops, sizing, fees and slippage. `Pct` holds the percent number itself
//! (`2.5` means 2.5 %) as a fixed-point decimal with nine places, so `stop_loss_pct: 2.5` in an
//! agent file is applied exactly, with one half-to-even rounding at the last price unit.

use std::fmt;

use domain::{Money, Price};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pct(Price);

/// 100 % in raw units.
const HUNDRED: i64 = 100 * Price::UNIT;

impl Pct {
    pub const ZERO: Self = Self(Price::ZERO);

    /// Parses `"2.5"` as 2.5 %; panics on bad text (tests and constants).
    pub fn lit(text: &str) -> Self {
        Self(Price::lit(text))
    }

    pub fn from_percent(p: Price) -> Self {
        Self(p)
    }

    pub fn as_percent(self) -> Price {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `m × pct / 100`, exact for every amount; `None` only when the result leaves [`Money`]
    /// (a percentage above 100 of an amount near the type's limit).
    #[inline]
    pub fn of_money(self, m: Money) -> Option<Money> {
        m.checked_mul_ratio(self.0.raw(), HUNDRED)
    }

    /// `p × pct / 100`.
    pub fn of_price(self, p: Price) -> Option<Price> {
        p.checked_mul_ratio(self.0.raw(), HUNDRED)
    }

    /// `p × (1 + pct/100)`; `None` beyond the largest price.
    pub fn above(self, p: Price) -> Option<Price> {
        p.checked_mul_ratio(HUNDRED.checked_add(self.0.raw())?, HUNDRED)
    }

    /// `p × (1 − pct/100)`.
    pub fn below(self, p: Price) -> Option<Price> {
        p.checked_mul_ratio(HUNDRED.checked_sub(self.0.raw())?, HUNDRED)
    }

    pub fn to_f64(self) -> f64 {
        self.0.to_f64()
    }
}

impl fmt::Display for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

impl Serialize for Pct {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Pct {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Price::deserialize(d).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_percentages() {
        let p = Pct::lit("2.5");
        assert_eq!(p.below(Price::lit("100")), Some(Price::lit("97.5")));
        assert_eq!(p.above(Price::lit("100")), Some(Price::lit("102.5")));
        assert_eq!(p.of_money(Money::lit("1000")), Some(Money::lit("25")));
        assert_eq!(
            Pct::lit("0.01").of_price(Price::lit("167.65")),
            Some(Price::lit("0.016765"))
        );
        // 50 % of 1e15: the raw product (1e32 × 5e10) is beyond i128, the result is not.
        assert_eq!(
            Pct::lit("50").of_money(Money::MAX_CAPITAL),
            Some(Money::lit("500000000000000"))
        );
        assert_eq!(
            Pct::lit("100").above(Price::from_raw(i64::MAX / 2 + 1)),
            None
        );
        assert_eq!(p.to_string(), "2.5%");
    }
}
