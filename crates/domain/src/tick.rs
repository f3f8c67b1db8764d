//! Trade and quote ticks.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::fixed::{Price, Quantity};
use crate::time::UnixNanos;

/// One print. `conditions` are the provider's codes as given (e.g. `@`, `T`, `20002000`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeTick {
    pub ts: UnixNanos,
    pub price: Price,
    pub size: Quantity,
    pub exchange: String,
    pub conditions: Vec<String>,
    /// The provider's trade id where it sends one; with `ts` it tells true duplicates apart.
    pub trade_id: Option<String>,
    /// The vendor marked the print as suspicious (LEAN/AlgoSeek's `suspicious` column). Kept in
    /// the store; bars made from ticks leave it out.
    #[serde(default)]
    pub suspicious: bool,
}

impl TradeTick {
    pub fn validate(&self) -> Result<(), DomainError> {
        self.price.in_range("price")?;
        if self.size.is_negative() {
            return Err(DomainError::new(
                "size",
                format!("negative size {}", self.size),
            ));
        }
        Ok(())
    }
}

/// Top of book. A crossed quote (ask below bid) is real data from some feeds, so it is stored
/// and flagged by [`QuoteTick::is_crossed`], not rejected. A side with price 0 and size 0 is
/// absent from this update (a one-sided quote, as LEAN writes them): see [`QuoteTick::has_bid`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTick {
    pub ts: UnixNanos,
    pub bid: Price,
    pub ask: Price,
    pub bid_size: Quantity,
    pub ask_size: Quantity,
    pub bid_exchange: String,
    pub ask_exchange: String,
    pub conditions: Vec<String>,
    /// The vendor marked the update as suspicious.
    #[serde(default)]
    pub suspicious: bool,
}

impl QuoteTick {
    pub fn validate(&self) -> Result<(), DomainError> {
        self.bid.in_range("bid")?;
        self.ask.in_range("ask")?;
        if self.bid_size.is_negative() {
            return Err(DomainError::new("bid_size", "negative size"));
        }
        if self.ask_size.is_negative() {
            return Err(DomainError::new("ask_size", "negative size"));
        }
        Ok(())
    }

    /// The bid side is part of this update (not price 0 with size 0).
    pub fn has_bid(&self) -> bool {
        !(self.bid.is_zero() && self.bid_size.is_zero())
    }

    /// The ask side is part of this update (not price 0 with size 0).
    pub fn has_ask(&self) -> bool {
        !(self.ask.is_zero() && self.ask_size.is_zero())
    }

    /// Ask below bid, with both sides present.
    pub fn is_crossed(&self) -> bool {
        !self.bid.is_zero() && !self.ask.is_zero() && self.ask < self.bid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossed_quote_is_flagged() {
        // Alpaca fixture: pre-market 2022-03-09, bid 159.52, ask 158.65.
        let q = QuoteTick {
            ts: UnixNanos::new(0),
            bid: Price::lit("159.52"),
            ask: Price::lit("158.65"),
            bid_size: Quantity::from_int(1),
            ask_size: Quantity::from_int(1),
            bid_exchange: "P".into(),
            ask_exchange: "P".into(),
            conditions: vec![],
            suspicious: false,
        };
        assert!(q.validate().is_ok());
        assert!(q.is_crossed());
    }
}
