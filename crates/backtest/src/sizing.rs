//! How much a [`crate::OrderQty::Sized`] order trades, decided at the fill price.
//!
//! The rule gives a target; then the engine caps it by what cash can pay including the fee (no
//! margin), by `max_position_pct`, and rounds down to the quantity step (whole shares or 10^-8).

use domain::{Money, Price, Quantity};
use serde::{Deserialize, Serialize};

use crate::models::FeeModel;
use crate::pct::Pct;

/// The agent's sizing rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Sizing {
    /// Every unit of available cash (for a short: notional up to equity).
    #[default]
    AllCash,
    /// `pct` % of equity at the fill.
    PercentEquity { pct: Pct },
    /// A fixed number of shares.
    FixedQuantity { quantity: Quantity },
    /// A fixed amount of cash.
    FixedCash { amount: Money },
    /// Lose `pct` % of equity if the stop is hit: quantity = risk / (entry − stop). Needs a stop.
    RiskPerTrade { pct: Pct },
}

/// Whole shares or fractional ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityMode {
    #[default]
    Whole,
    Fractional,
}

impl QuantityMode {
    pub fn step(self) -> Quantity {
        match self {
            Self::Whole => Quantity::from_int(1),
            Self::Fractional => Quantity::from_raw(1),
        }
    }

    pub fn round_down(self, q: Quantity) -> Quantity {
        let step = self.step().raw();
        Quantity::from_raw(q.raw().max(0) / step * step)
    }
}

/// The facts a sizing decision reads.
#[derive(Debug, Clone, Copy)]
pub struct SizingInput {
    pub price: Price,
    pub equity: Money,
    /// Cash that may be spent (for a short: the collateral, equity).
    pub budget: Money,
    /// `|entry − stop|` when the order has a stop leg.
    pub stop_distance: Option<Price>,
}

impl Sizing {
    /// The rule's quantity before caps, rounded down to `mode`'s step. `None` when the rule
    /// cannot apply (risk sizing without a stop).
    pub fn target(self, input: &SizingInput, mode: QuantityMode) -> Option<Quantity> {
        let step = mode.step();
        let by_cash = |m: Money| m.max_quantity(input.price, step);
        Some(match self {
            Self::AllCash => by_cash(input.budget),
            Self::PercentEquity { pct } => by_cash(pct.of_money(input.equity)),
            Self::FixedQuantity { quantity } => mode.round_down(quantity),
            Self::FixedCash { amount } => by_cash(amount),
            Self::RiskPerTrade { pct } => {
                let d = input.stop_distance.filter(|d| d.raw() > 0)?;
                pct.of_money(input.equity).max_quantity(d, step)
            }
        })
    }
}

/// The largest quantity (in `mode` steps, at most `want`) whose cost plus fee fits in `cash`.
/// Fees grow with quantity, so one step back from "cash minus the fee at `want`" always fits;
/// a second pass recovers most of what that gives away.
pub fn affordable(
    want: Quantity,
    price: Price,
    cash: Money,
    fees: &dyn FeeModel,
    mode: QuantityMode,
) -> Quantity {
    let step = mode.step();
    let fits = |q: Quantity| price.notional(q) + fees.commission(price, q) <= cash;
    if want.raw() <= 0 || cash.raw() <= 0 {
        return Quantity::ZERO;
    }
    if fits(want) {
        return want;
    }
    let mut q = want.min(cash.max_quantity(price, step));
    for _ in 0..2 {
        if fits(q) {
            break;
        }
        let fee = fees.commission(price, q);
        q = (cash - fee).max_quantity(price, step).min(q);
    }
    // Fee schedules with a large minimum can still leave one step over; walk down a little.
    let mut tries = 0;
    while !q.is_zero() && !fits(q) && tries < 64 {
        q -= step;
        tries += 1;
    }
    if fits(q) { q } else { Quantity::ZERO }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{NoFees, PerShare, PercentOfNotional};

    fn input(price: &str, equity: &str) -> SizingInput {
        SizingInput {
            price: Price::lit(price),
            equity: Money::lit(equity),
            budget: Money::lit(equity),
            stop_distance: Some(Price::lit("2")),
        }
    }

    #[test]
    fn rules() {
        let i = input("167.65", "100000");
        let w = QuantityMode::Whole;
        assert_eq!(Sizing::AllCash.target(&i, w), Some(Quantity::from_int(596)));
        let pe = Sizing::PercentEquity {
            pct: Pct::lit("50"),
        };
        assert_eq!(pe.target(&i, w), Some(Quantity::from_int(298)));
        let fq = Sizing::FixedQuantity {
            quantity: Quantity::lit("10.7"),
        };
        assert_eq!(fq.target(&i, w), Some(Quantity::from_int(10)));
        assert_eq!(
            fq.target(&i, QuantityMode::Fractional),
            Some(Quantity::lit("10.7"))
        );
        let fc = Sizing::FixedCash {
            amount: Money::lit("1000"),
        };
        assert_eq!(fc.target(&i, w), Some(Quantity::from_int(5)));
        // risk 1% of 100000 = 1000 over a 2.00 stop distance = 500 shares
        let r = Sizing::RiskPerTrade { pct: Pct::lit("1") };
        assert_eq!(r.target(&i, w), Some(Quantity::from_int(500)));
        let no_stop = SizingInput {
            stop_distance: None,
            ..i
        };
        assert_eq!(r.target(&no_stop, w), None);
        let frac = Sizing::AllCash
            .target(&input("3", "10"), QuantityMode::Fractional)
            .unwrap();
        assert_eq!(frac, Quantity::lit("3.33333333"));
    }

    #[test]
    fn affordability_includes_fees() {
        let p = Price::lit("100");
        let cash = Money::lit("1000");
        let w = QuantityMode::Whole;
        assert_eq!(
            affordable(Quantity::from_int(10), p, cash, &NoFees, w),
            Quantity::from_int(10)
        );
        let min_fee = PerShare {
            rate: Price::lit("0.01"),
            minimum: Money::lit("1"),
        };
        assert_eq!(
            affordable(Quantity::from_int(10), p, cash, &min_fee, w),
            Quantity::from_int(9)
        );
        let pct = PercentOfNotional(Pct::lit("1"));
        let q = affordable(
            Quantity::from_int(100_000),
            Price::lit("1"),
            Money::lit("1000"),
            &pct,
            w,
        );
        assert_eq!(q, Quantity::from_int(990));
        assert_eq!(
            affordable(Quantity::from_int(1), p, Money::lit("50"), &NoFees, w),
            Quantity::ZERO
        );
    }
}
