//! A check as trades: its legs, each at the side it would trade, and what it is worth.

use domain::{Money, Price, Quantity, Symbol, UnixNanos};
use serde::Serialize;

use super::book::Tradable;

/// Buy at the ask or sell at the bid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Buy,
    Sell,
}

/// One leg of a set: `ratio` contracts (or, for the stock, shares) at `price`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leg {
    pub instrument: Symbol,
    pub side: Side,
    pub ratio: u32,
    /// The ask when buying, the bid when selling.
    pub price: Price,
    /// What the book shows at that side; `None` when the provider gives no sizes.
    pub size: Option<Quantity>,
    pub quoted_at: UnixNanos,
    pub is_stock: bool,
}

impl Leg {
    /// A leg trading `ratio` of `quote` on `side`.
    pub fn new(quote: &Tradable, side: Side, ratio: u32, is_stock: bool) -> Self {
        let (price, size) = match side {
            Side::Buy => (quote.ask, quote.ask_size),
            Side::Sell => (quote.bid, quote.bid_size),
        };
        Self {
            instrument: quote.instrument.clone(),
            side,
            ratio,
            price,
            size,
            quoted_at: quote.at,
            is_stock,
        }
    }

    /// Cash now for one set of `units` per ratio (the multiplier for options, one for the
    /// stock, whose ratio is already in shares): negative when buying.
    pub fn cash(&self, units: u32) -> Option<Money> {
        let qty = Quantity::checked_from_int(i64::from(self.ratio) * i64::from(units))?;
        let value = self.price.notional(qty);
        match self.side {
            Side::Buy => value.checked_neg(),
            Side::Sell => Some(value),
        }
    }

    /// Whole sets this leg's displayed size allows; `None` without a size.
    pub fn sets(&self) -> Option<i64> {
        let size = self.size?;
        let per_set = i64::from(self.ratio).max(1) * Quantity::UNIT;
        Some(size.raw().max(0) / per_set)
    }

    /// A stable text for the leg inside a finding's key: `+2 SPY230901C00430000`.
    pub fn key(&self) -> String {
        let sign = match self.side {
            Side::Buy => '+',
            Side::Sell => '-',
        };
        format!("{sign}{} {}", self.ratio, self.instrument)
    }
}
