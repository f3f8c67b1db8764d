//! Quote bars: bid and ask OHLC over a period, as LEAN and Alpaca publish them.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::fixed::{Price, Quantity};
use crate::time::UnixNanos;

/// Open, high, low, close of one side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ohlc {
    pub open: Price,
    pub high: Price,
    pub low: Price,
    pub close: Price,
}

impl Ohlc {
    /// One price all period long: open, high, low and close alike.
    pub fn flat(p: Price) -> Self {
        Self {
            open: p,
            high: p,
            low: p,
            close: p,
        }
    }

    /// `side` is `bid` or `ask`; errors name e.g. `bid_low`.
    pub fn validate(&self, side: &'static str) -> Result<(), DomainError> {
        let name = |f: &str| -> &'static str {
            match (side, f) {
                ("bid", "open") => "bid_open",
                ("bid", "high") => "bid_high",
                ("bid", "low") => "bid_low",
                ("bid", "close") => "bid_close",
                ("ask", "open") => "ask_open",
                ("ask", "high") => "ask_high",
                ("ask", "low") => "ask_low",
                _ => "ask_close",
            }
        };
        for (f, p) in [
            ("open", self.open),
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
        ] {
            p.in_range(name(f))?;
        }
        if self.high < self.low {
            return Err(DomainError::new(
                name("high"),
                format!("high {} is below low {}", self.high, self.low),
            ));
        }
        for (f, p) in [("open", self.open), ("close", self.close)] {
            if p < self.low || p > self.high {
                return Err(DomainError::new(
                    name(f),
                    format!("{p} is outside [low {}, high {}]", self.low, self.high),
                ));
            }
        }
        Ok(())
    }
}

/// One quote bar, stamped with the start of its period. A side missing from the source is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteBar {
    pub ts: UnixNanos,
    pub bid: Option<Ohlc>,
    pub ask: Option<Ohlc>,
    pub bid_size: Quantity,
    pub ask_size: Quantity,
}

impl QuoteBar {
    pub fn validate(&self) -> Result<(), DomainError> {
        if let Some(b) = &self.bid {
            b.validate("bid")?;
        }
        if let Some(a) = &self.ask {
            a.validate("ask")?;
        }
        if self.bid_size.is_negative() {
            return Err(DomainError::new("bid_size", "negative size"));
        }
        if self.ask_size.is_negative() {
            return Err(DomainError::new("ask_size", "negative size"));
        }
        Ok(())
    }

    /// Closing ask below closing bid: kept, but worth flagging.
    pub fn is_crossed(&self) -> bool {
        matches!((self.bid, self.ask), (Some(b), Some(a)) if a.close < b.close)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(o: &str, h: &str, l: &str, c: &str) -> Ohlc {
        Ohlc {
            open: Price::lit(o),
            high: Price::lit(h),
            low: Price::lit(l),
            close: Price::lit(c),
        }
    }

    #[test]
    fn validates_each_side() {
        let mut q = QuoteBar {
            ts: UnixNanos::new(0),
            bid: Some(side("167.42", "167.58", "167.42", "167.56")),
            ask: Some(side("167.87", "167.87", "167.6", "167.6")),
            bid_size: Quantity::from_int(20000),
            ask_size: Quantity::from_int(20000),
        };
        assert!(q.validate().is_ok());
        assert!(!q.is_crossed());
        q.ask = Some(side("167.87", "167.5", "167.6", "167.6"));
        assert_eq!(q.validate().unwrap_err().field, "ask_high");
    }
}
