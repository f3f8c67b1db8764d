//! Bar periods. The canonical spelling (`1m`, `5m`, `15m`, `1h`, `1d`) is what the store keys on;
//! provider spellings (`1Min`, `5Min`, `15Min`, `1Hour`, `1Day`) parse to the same value.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;
use crate::time::{NANOS_PER_DAY, NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SECOND};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimeUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

/// `amount` × `unit`, e.g. 5 minutes. Months have no fixed length, so [`Timeframe::nanos`] is
/// `None` for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timeframe {
    pub amount: u32,
    pub unit: TimeUnit,
}

impl Timeframe {
    pub const S1: Self = Self::new(1, TimeUnit::Second);
    pub const M1: Self = Self::new(1, TimeUnit::Minute);
    pub const M5: Self = Self::new(5, TimeUnit::Minute);
    pub const M15: Self = Self::new(15, TimeUnit::Minute);
    pub const H1: Self = Self::new(1, TimeUnit::Hour);
    pub const D1: Self = Self::new(1, TimeUnit::Day);

    pub const fn new(amount: u32, unit: TimeUnit) -> Self {
        Self { amount, unit }
    }

    /// Accepts `1m`, `5min`, `1Min`, `15Min`, `1h`, `1Hour`, `1d`, `1Day`, `1s`, `1w`, `1mo`,
    /// `1Month`, case-insensitively.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let t = text.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let amount: u32 = if num.is_empty() {
            1
        } else {
            num.parse().map_err(|_| bad(t))?
        };
        if amount == 0 {
            return Err(bad(t));
        }
        let unit = match unit.to_ascii_lowercase().as_str() {
            "s" | "sec" | "second" | "seconds" => TimeUnit::Second,
            "m" | "min" | "minute" | "minutes" | "t" => TimeUnit::Minute,
            "h" | "hour" | "hours" => TimeUnit::Hour,
            "d" | "day" | "days" => TimeUnit::Day,
            "w" | "week" | "weeks" => TimeUnit::Week,
            "mo" | "month" | "months" => TimeUnit::Month,
            _ => return Err(bad(t)),
        };
        let tf = Self { amount, unit };
        if unit != TimeUnit::Month && tf.nanos().is_none() {
            return Err(DomainError::new(
                "timeframe",
                format!("{t:?} is longer than nanosecond timestamps can span (292 years)"),
            ));
        }
        Ok(tf)
    }

    /// Length in nanoseconds; `None` for months (and for a length past 292 years, which
    /// [`Timeframe::parse`] refuses).
    pub fn nanos(self) -> Option<i64> {
        let unit = match self.unit {
            TimeUnit::Second => NANOS_PER_SECOND,
            TimeUnit::Minute => NANOS_PER_MINUTE,
            TimeUnit::Hour => NANOS_PER_HOUR,
            TimeUnit::Day => NANOS_PER_DAY,
            TimeUnit::Week => 7 * NANOS_PER_DAY,
            TimeUnit::Month => return None,
        };
        unit.checked_mul(i64::from(self.amount))
    }

    /// Bars of a day or longer are keyed by exchange date rather than an instant within it.
    pub fn is_daily_or_longer(self) -> bool {
        matches!(self.unit, TimeUnit::Day | TimeUnit::Week | TimeUnit::Month)
    }

    /// Alpaca's spelling: `1Min`, `1Hour`, `1Day`, `1Week`, `1Month`.
    pub fn alpaca(self) -> Result<String, DomainError> {
        let unit = match self.unit {
            TimeUnit::Minute => "Min",
            TimeUnit::Hour => "Hour",
            TimeUnit::Day => "Day",
            TimeUnit::Week => "Week",
            TimeUnit::Month => "Month",
            TimeUnit::Second => {
                return Err(DomainError::new("timeframe", "Alpaca has no second bars"));
            }
        };
        Ok(format!("{}{unit}", self.amount))
    }

    /// Polygon's `(multiplier, timespan)`: `(5, "minute")`.
    pub fn polygon(self) -> (u32, &'static str) {
        let span = match self.unit {
            TimeUnit::Second => "second",
            TimeUnit::Minute => "minute",
            TimeUnit::Hour => "hour",
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
        };
        (self.amount, span)
    }
}

fn bad(t: &str) -> DomainError {
    DomainError::new(
        "timeframe",
        format!("{t:?} is not a timeframe (try 1m, 5m, 15m, 1h, 1d or 1Min, 1Hour, 1Day)"),
    )
}

impl fmt::Display for Timeframe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            TimeUnit::Second => "s",
            TimeUnit::Minute => "m",
            TimeUnit::Hour => "h",
            TimeUnit::Day => "d",
            TimeUnit::Week => "w",
            TimeUnit::Month => "mo",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

impl std::str::FromStr for Timeframe {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Timeframe {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timeframe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings() {
        for (a, b) in [
            ("1m", "1Min"),
            ("5m", "5Min"),
            ("15m", "15Min"),
            ("1h", "1Hour"),
            ("1d", "1Day"),
        ] {
            assert_eq!(Timeframe::parse(a).unwrap(), Timeframe::parse(b).unwrap());
            assert_eq!(Timeframe::parse(b).unwrap().to_string(), a);
            assert_eq!(Timeframe::parse(a).unwrap().alpaca().unwrap(), b);
        }
        assert_eq!(Timeframe::parse("1mo").unwrap().nanos(), None);
        assert_eq!(Timeframe::M5.nanos(), Some(300_000_000_000));
        assert_eq!(Timeframe::M15.polygon(), (15, "minute"));
        assert!(Timeframe::parse("0m").is_err());
        assert_eq!(Timeframe::parse("7x").unwrap_err().field, "timeframe");
        // 4e9 hours overflows the nanosecond length: refused, not wrapped.
        assert_eq!(
            Timeframe::parse("4000000000h").unwrap_err().field,
            "timeframe"
        );
        assert_eq!(Timeframe::new(4_000_000_000, TimeUnit::Hour).nanos(), None);
        assert!(Timeframe::parse("4000000000s").is_ok());
    }
}
