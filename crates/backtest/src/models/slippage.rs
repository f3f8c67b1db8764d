//! How far a marketable fill lands from the quoted price: always against the trader (buys
//! higher, sells lower). Applied to market and stop fills, not to limits. It is a cost, not a
//! print, so a slipped price may lie outside the bar's range (a buy at an open equal to the high
//! pays above the high).
//!
//! Never a silent number: a buy slipped above the largest price [`Price`] holds, or a sell
//! slipped to zero or below (a sale for nothing, e.g. one tick of 0.01 on a 0.005 stock), is an
//! [`Overflow`] naming the setting, the value and the price. Agent files cannot ask for a
//! `slippage_bps` of 10000 (every sell at zero) or more.

use domain::Price;

use crate::order::Side;
use crate::overflow::Overflow;

pub trait SlippageModel: Send {
    fn apply(&self, side: Side, price: Price) -> Result<Price, Overflow>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct NoSlippage;

impl SlippageModel for NoSlippage {
    #[inline]
    fn apply(&self, _: Side, price: Price) -> Result<Price, Overflow> {
        Ok(price)
    }
}

/// Basis points of the price; `bps` may be fractional (`0.5`). Exact to the last price unit.
#[derive(Debug, Clone, Copy)]
pub struct BpsSlippage {
    /// Basis points as a fixed-point decimal (raw units of 10^-9 bp).
    pub bps: Price,
}

impl SlippageModel for BpsSlippage {
    fn apply(&self, side: Side, price: Price) -> Result<Price, Overflow> {
        const TEN_THOUSAND: i64 = 10_000 * Price::UNIT;
        let adj = match side {
            Side::Buy => TEN_THOUSAND.checked_add(self.bps.raw()),
            Side::Sell => TEN_THOUSAND.checked_sub(self.bps.raw()),
        };
        let slipped = adj.and_then(|a| price.checked_mul_ratio(a, TEN_THOUSAND));
        checked(slipped, side, price, || {
            format!("costs.slippage_bps: {}", self.bps)
        })
    }
}

/// A whole number of ticks.
#[derive(Debug, Clone, Copy)]
pub struct TickSlippage {
    pub ticks: u32,
    pub tick: Price,
}

impl SlippageModel for TickSlippage {
    fn apply(&self, side: Side, price: Price) -> Result<Price, Overflow> {
        let distance = self
            .tick
            .raw()
            .checked_mul(i64::from(self.ticks))
            .map(Price::from_raw);
        let slipped = distance.and_then(|d| match side {
            Side::Buy => price.checked_add(d),
            Side::Sell => price.checked_sub(d),
        });
        checked(slipped, side, price, || {
            let s = if self.ticks == 1 { "" } else { "s" };
            format!(
                "costs.slippage_ticks: {} tick{s} of {}",
                self.ticks, self.tick
            )
        })
    }
}

/// The slipped price, or the error for one that does not exist: `None` (beyond the type) or a
/// sell taken from a positive price to zero or below.
#[inline]
fn checked(
    slipped: Option<Price>,
    side: Side,
    price: Price,
    setting: impl FnOnce() -> String,
) -> Result<Price, Overflow> {
    match (slipped, side) {
        (Some(p), Side::Buy) => Ok(p),
        (Some(p), Side::Sell) if p.raw() > 0 || price.raw() <= 0 => Ok(p.max(Price::ZERO)),
        (Some(p), Side::Sell) => Err(Overflow::new(format!(
            "{} takes a sell at {price} to {p}, at or below zero",
            setting()
        ))),
        (None, Side::Buy) => Err(Overflow::price(format_args!(
            "{} moves a buy at {price}",
            setting()
        ))),
        (None, Side::Sell) => Err(Overflow::new(format!(
            "{} takes a sell at {price} below the smallest price",
            setting()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(m: &dyn SlippageModel, side: Side, p: &str) -> Result<String, String> {
        m.apply(side, Price::lit(p))
            .map(|p| p.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn against_the_trader() {
        let b = BpsSlippage {
            bps: Price::lit("10"),
        };
        assert_eq!(at(&b, Side::Buy, "100"), Ok("100.1".into()));
        assert_eq!(at(&b, Side::Sell, "100"), Ok("99.9".into()));
        let half = BpsSlippage {
            bps: Price::lit("0.5"),
        };
        assert_eq!(at(&half, Side::Buy, "167.65"), Ok("167.6583825".into()));
        let t = TickSlippage {
            ticks: 2,
            tick: Price::lit("0.01"),
        };
        assert_eq!(at(&t, Side::Buy, "10"), Ok("10.02".into()));
        assert_eq!(at(&NoSlippage, Side::Sell, "3"), Ok("3".into()));
        // A zero price (in the data) has nothing to slip.
        assert_eq!(at(&t, Side::Sell, "0"), Ok("0".into()));
    }

    #[test]
    fn no_price_beyond_the_type_and_no_sale_for_nothing() {
        let t = TickSlippage {
            ticks: 2,
            tick: Price::lit("0.01"),
        };
        assert_eq!(
            at(&t, Side::Sell, "0.01"),
            Err(
                "costs.slippage_ticks: 2 ticks of 0.01 takes a sell at 0.01 to -0.01, at or below zero"
                    .into()
            )
        );
        assert_eq!(
            at(&t, Side::Buy, "9223372036.85"),
            Err("costs.slippage_ticks: 2 ticks of 0.01 moves a buy at 9223372036.85 above the largest price 9223372036.854775807".into())
        );
        let b = BpsSlippage {
            bps: Price::lit("10000"),
        };
        assert_eq!(at(&b, Side::Buy, "1000000000"), Ok("2000000000".into()));
        assert!(
            at(&b, Side::Sell, "5")
                .unwrap_err()
                .contains("at or below zero")
        );
        assert!(
            at(&b, Side::Buy, "9000000000")
                .unwrap_err()
                .contains("costs.slippage_bps: 10000 moves a buy at 9000000000")
        );
    }
}
