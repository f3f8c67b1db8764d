//! How far a marketable fill lands from the quoted price: always against the trader (buys
//! higher, sells lower), never below zero. Applied to market and stop fills, not to limits.

use domain::Price;

use crate::order::Side;

pub trait SlippageModel: Send {
    fn apply(&self, side: Side, price: Price) -> Price;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct NoSlippage;

impl SlippageModel for NoSlippage {
    fn apply(&self, _: Side, price: Price) -> Price {
        price
    }
}

/// Basis points of the price; `bps` may be fractional (`0.5`). Exact to the last price unit.
#[derive(Debug, Clone, Copy)]
pub struct BpsSlippage {
    /// Basis points as a fixed-point decimal (raw units of 10^-9 bp).
    pub bps: Price,
}

impl SlippageModel for BpsSlippage {
    fn apply(&self, side: Side, price: Price) -> Price {
        const TEN_THOUSAND: i64 = 10_000 * Price::UNIT;
        let adj = match side {
            Side::Buy => TEN_THOUSAND + self.bps.raw(),
            Side::Sell => TEN_THOUSAND - self.bps.raw(),
        };
        price.mul_ratio(adj, TEN_THOUSAND).max(Price::ZERO)
    }
}

/// A whole number of ticks.
#[derive(Debug, Clone, Copy)]
pub struct TickSlippage {
    pub ticks: u32,
    pub tick: Price,
}

impl SlippageModel for TickSlippage {
    fn apply(&self, side: Side, price: Price) -> Price {
        let d = Price::from_raw(self.tick.raw() * i64::from(self.ticks));
        match side {
            Side::Buy => price + d,
            Side::Sell => (price - d).max(Price::ZERO),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn against_the_trader() {
        let b = BpsSlippage {
            bps: Price::lit("10"),
        };
        assert_eq!(b.apply(Side::Buy, Price::lit("100")), Price::lit("100.1"));
        assert_eq!(b.apply(Side::Sell, Price::lit("100")), Price::lit("99.9"));
        let half = BpsSlippage {
            bps: Price::lit("0.5"),
        };
        assert_eq!(
            half.apply(Side::Buy, Price::lit("167.65")),
            Price::lit("167.6583825")
        );
        let t = TickSlippage {
            ticks: 2,
            tick: Price::lit("0.01"),
        };
        assert_eq!(t.apply(Side::Buy, Price::lit("10")), Price::lit("10.02"));
        assert_eq!(t.apply(Side::Sell, Price::lit("0.01")), Price::ZERO);
        assert_eq!(
            NoSlippage.apply(Side::Sell, Price::lit("3")),
            Price::lit("3")
        );
    }
}
