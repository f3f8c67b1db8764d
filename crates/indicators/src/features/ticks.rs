//! Tick features, one update per tick, quotes and trades merged in time order (a quote at the
//! same instant as a trade comes first: it prevailed when the trade printed).
//!
//! - [`CumulativeDelta`]: Σ signed trade size. A trade above the prevailing mid (of the last
//!   two-sided quote at or before it) is a buy, below it a sell (the quote rule); at the mid, or
//!   with no two-sided quote yet, the tick rule decides (up from the last different price: buy;
//!   down: sell; the first trade: unsigned). Sizes are summed exactly.
//! - [`BookImbalance`]: (bid size − ask size) / (bid size + ask size) of the last quote, in
//!   [−1, 1]; none for a quote with no size on either side.

use domain::{Price, QuoteTick, TradeTick};

/// How a trade was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeSign {
    Buy,
    Sell,
    Unsigned,
}

#[derive(Debug, Clone, Default)]
pub struct CumulativeDelta {
    /// bid + ask of the last two-sided quote (twice the mid, exact).
    mid2: Option<i128>,
    last_price: Option<Price>,
    /// The tick rule's last non-zero move.
    last_move: i8,
    /// Σ signed size, raw quantity units.
    delta: i128,
}

impl CumulativeDelta {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn on_quote(&mut self, q: &QuoteTick) {
        if q.has_bid() && q.has_ask() {
            self.mid2 = Some(i128::from(q.bid.raw()) + i128::from(q.ask.raw()));
        }
    }

    /// Signs `t`, adds it and returns the delta in shares after it.
    pub fn on_trade(&mut self, t: &TradeTick) -> f64 {
        let sign = self.sign(t.price);
        self.delta += match sign {
            TradeSign::Buy => i128::from(t.size.raw()),
            TradeSign::Sell => -i128::from(t.size.raw()),
            TradeSign::Unsigned => 0,
        };
        self.value()
    }

    fn sign(&mut self, price: Price) -> TradeSign {
        if let Some(last) = self.last_price {
            if price > last {
                self.last_move = 1;
            } else if price < last {
                self.last_move = -1;
            }
        }
        self.last_price = Some(price);
        let by_quote = self.mid2.map(|m| (2 * i128::from(price.raw())).cmp(&m));
        match by_quote {
            Some(std::cmp::Ordering::Greater) => TradeSign::Buy,
            Some(std::cmp::Ordering::Less) => TradeSign::Sell,
            _ => match self.last_move {
                1 => TradeSign::Buy,
                -1 => TradeSign::Sell,
                _ => TradeSign::Unsigned,
            },
        }
    }

    /// The delta in shares (an f64 of the exact raw sum).
    pub fn value(&self) -> f64 {
        self.delta as f64 / domain::Quantity::UNIT as f64
    }

    /// The exact delta in raw quantity units (10⁻⁸ shares).
    pub fn raw(&self) -> i128 {
        self.delta
    }
}

#[derive(Debug, Clone, Default)]
pub struct BookImbalance {
    value: Option<f64>,
}

impl BookImbalance {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn on_quote(&mut self, q: &QuoteTick) -> Option<f64> {
        let (b, a) = (i128::from(q.bid_size.raw()), i128::from(q.ask_size.raw()));
        self.value = (b + a > 0).then(|| (b - a) as f64 / (b + a) as f64);
        self.value
    }

    pub fn value(&self) -> Option<f64> {
        self.value
    }
}
