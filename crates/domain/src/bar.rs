//! OHLCV bars, validated on construction.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::fixed::{Price, Quantity};
use crate::time::UnixNanos;

/// One bar, stamped with the **start** of its period (UTC). Daily bars are stamped at midnight UTC
/// of their exchange date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub ts: UnixNanos,
    pub open: Price,
    pub high: Price,
    pub low: Price,
    pub close: Price,
    pub volume: Quantity,
    pub vwap: Option<Price>,
    pub trade_count: Option<u64>,
}

impl Bar {
    /// Checks the invariants every stored bar satisfies: prices from zero to
    /// [`Price::MAX_INPUT`], `low ≤ high`,
    /// open and close within `[low, high]`, volume not negative. The error names the field.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        ts: UnixNanos,
        open: Price,
        high: Price,
        low: Price,
        close: Price,
        volume: Quantity,
        vwap: Option<Price>,
        trade_count: Option<u64>,
    ) -> Result<Self, DomainError> {
        let bar = Self {
            ts,
            open,
            high,
            low,
            close,
            volume,
            vwap,
            trade_count,
        };
        bar.validate()?;
        Ok(bar)
    }

    pub fn validate(&self) -> Result<(), DomainError> {
        for (field, p) in [
            ("open", self.open),
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
        ] {
            p.in_range(field)?;
        }
        if self.high < self.low {
            return Err(DomainError::new(
                "high",
                format!("high {} is below low {}", self.high, self.low),
            ));
        }
        for (field, p) in [("open", self.open), ("close", self.close)] {
            if p < self.low || p > self.high {
                return Err(DomainError::new(
                    field,
                    format!(
                        "{field} {p} is outside [low {}, high {}]",
                        self.low, self.high
                    ),
                ));
            }
        }
        if self.volume.is_negative() {
            return Err(DomainError::new(
                "volume",
                format!("negative volume {}", self.volume),
            ));
        }
        if let Some(v) = self.vwap {
            v.in_range("vwap")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bar(o: &str, h: &str, l: &str, c: &str, v: &str) -> Result<Bar, DomainError> {
        Bar::new(
            UnixNanos::new(0),
            Price::lit(o),
            Price::lit(h),
            Price::lit(l),
            Price::lit(c),
            Quantity::lit(v),
            None,
            None,
        )
    }

    #[test]
    fn names_the_bad_field() {
        assert!(bar("10", "11", "9", "10.5", "100").is_ok());
        assert_eq!(bar("10", "9", "11", "10", "1").unwrap_err().field, "high");
        // Yahoo SPY 2015-03-05: the low is above the open.
        let e = bar("209.42", "212.0", "209.85", "210", "1").unwrap_err();
        assert_eq!(e.field, "open");
        assert_eq!(
            e.to_string(),
            "open: open 209.42 is outside [low 209.85, high 212]"
        );
        assert_eq!(bar("10", "11", "9", "12", "1").unwrap_err().field, "close");
        assert_eq!(bar("-1", "11", "-2", "10", "1").unwrap_err().field, "open");
        assert_eq!(
            bar("10", "11", "9", "10", "-1").unwrap_err().field,
            "volume"
        );
    }

    #[test]
    fn prices_above_the_supported_range_are_refused() {
        let top = "1000000000";
        assert!(bar(top, top, top, top, "1").is_ok());
        let e = bar("10", "1000000000.000000001", "9", "10", "1").unwrap_err();
        assert_eq!(
            e.to_string(),
            "high: price 1000000000.000000001 is above the largest supported price 1000000000"
        );
        assert_eq!(
            bar("9223372036", "9223372036", "1", "2", "1")
                .unwrap_err()
                .field,
            "open"
        );
    }

    proptest! {
        /// Any four prices sorted into a consistent bar are accepted; swapping high and low is not.
        #[test]
        fn consistent_bars_pass(mut p in proptest::collection::vec(0i64..1_000_000_000_000, 4), v in 0i64..i64::MAX) {
            p.sort();
            let [l, a, b, h] = [p[0], p[1], p[2], p[3]].map(Price::from_raw);
            let ok = Bar::new(UnixNanos::new(1), a, h, l, b, Quantity::from_raw(v), None, None);
            prop_assert!(ok.is_ok());
            if h != l {
                let swapped = Bar::new(UnixNanos::new(1), a, l, h, b, Quantity::from_raw(v), None, None);
                prop_assert!(swapped.is_err());
            }
        }
    }
}
