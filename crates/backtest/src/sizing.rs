//! How much a [`crate::OrderQty::Sized`] order trades, decided at the fill price.
//!
//! The rule gives a target; then the engine caps it by what cash can pay including the fee (no
//! margin), by `max_position_pct`, and rounds down to the quantity step (whole shares or 10^-8).
//! A target larger than [`Quantity::MAX`] (a large capital at a tiny price) is an [`Overflow`]
//! naming the rule, never a quantity quietly capped at the type's limit.

use domain::{Money, Price, Quantity};
use serde::{Deserialize, Serialize};

use crate::models::FeeModel;
use crate::overflow::{Overflow, sub};
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
    /// The rule's name as agent files spell it.
    pub fn kind(self) -> &'static str {
        match self {
            Self::AllCash => "all_cash",
            Self::PercentEquity { .. } => "percent_equity",
            Self::FixedQuantity { .. } => "fixed_quantity",
            Self::FixedCash { .. } => "fixed_cash",
            Self::RiskPerTrade { .. } => "risk_per_trade",
        }
    }

    /// The rule's quantity before caps, rounded down to `mode`'s step. `Ok(None)` when the rule
    /// cannot apply (risk sizing without a stop).
    pub fn target(
        self,
        input: &SizingInput,
        mode: QuantityMode,
    ) -> Result<Option<Quantity>, Overflow> {
        let step = mode.step();
        // `amount` buys (or risks, over `per_unit`) how many units.
        let units = |amount: Money, per_unit: Price| {
            amount.checked_max_quantity(per_unit, step).ok_or_else(|| {
                Overflow::quantity(format_args!(
                    "sizing {}: {amount} at {per_unit} a unit",
                    self.kind()
                ))
            })
        };
        let share = |pct: Pct| {
            pct.of_money(input.equity).ok_or_else(|| {
                Overflow::money(format_args!("sizing.pct: {pct} of equity {}", input.equity))
            })
        };
        Ok(Some(match self {
            Self::AllCash => units(input.budget, input.price)?,
            Self::PercentEquity { pct } => units(share(pct)?, input.price)?,
            Self::FixedQuantity { quantity } => mode.round_down(quantity),
            Self::FixedCash { amount } => units(amount, input.price)?,
            Self::RiskPerTrade { pct } => {
                let Some(d) = input.stop_distance.filter(|d| d.raw() > 0) else {
                    return Ok(None);
                };
                units(share(pct)?, d)?
            }
        }))
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
) -> Result<Quantity, Overflow> {
    let step = mode.step();
    if want.raw() <= 0 || cash.raw() <= 0 {
        return Ok(Quantity::ZERO);
    }
    // A notional and its fee that do not even fit Money are beyond any cash.
    let fits = |q: Quantity| -> Result<bool, Overflow> {
        let fee = fees.commission(price, q)?;
        Ok(price
            .notional(q)
            .checked_add(fee)
            .is_some_and(|c| c <= cash))
    };
    if fits(want)? {
        return Ok(want);
    }
    // Beyond Quantity::MAX the cash is not the limit: `want` is.
    let by_cash = |c: Money| {
        c.checked_max_quantity(price, step)
            .map_or(want, |q| q.min(want))
    };
    let mut q = by_cash(cash);
    for _ in 0..2 {
        if fits(q)? {
            break;
        }
        let fee = fees.commission(price, q)?;
        q = by_cash(sub(cash, fee, "cash less the commission")?).min(q);
    }
    // Fee schedules with a large minimum can still leave one step over; walk down a little.
    let mut tries = 0;
    while !q.is_zero() && !fits(q)? && tries < 64 {
        q = q.checked_sub(step).unwrap_or(Quantity::ZERO);
        tries += 1;
    }
    Ok(if fits(q)? { q } else { Quantity::ZERO })
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
        assert_eq!(
            Sizing::AllCash.target(&i, w).unwrap(),
            Some(Quantity::from_int(596))
        );
        let pe = Sizing::PercentEquity {
            pct: Pct::lit("50"),
        };
        assert_eq!(pe.target(&i, w).unwrap(), Some(Quantity::from_int(298)));
        let fq = Sizing::FixedQuantity {
            quantity: Quantity::lit("10.7"),
        };
        assert_eq!(fq.target(&i, w).unwrap(), Some(Quantity::from_int(10)));
        assert_eq!(
            fq.target(&i, QuantityMode::Fractional).unwrap(),
            Some(Quantity::lit("10.7"))
        );
        let fc = Sizing::FixedCash {
            amount: Money::lit("1000"),
        };
        assert_eq!(fc.target(&i, w).unwrap(), Some(Quantity::from_int(5)));
        // risk 1% of 100000 = 1000 over a 2.00 stop distance = 500 shares
        let r = Sizing::RiskPerTrade { pct: Pct::lit("1") };
        assert_eq!(r.target(&i, w).unwrap(), Some(Quantity::from_int(500)));
        let no_stop = SizingInput {
            stop_distance: None,
            ..i
        };
        assert_eq!(r.target(&no_stop, w).unwrap(), None);
        let frac = Sizing::AllCash
            .target(&input("3", "10"), QuantityMode::Fractional)
            .unwrap()
            .unwrap();
        assert_eq!(frac, Quantity::lit("3.33333333"));
    }

    #[test]
    fn affordability_includes_fees() {
        let p = Price::lit("100");
        let cash = Money::lit("1000");
        let w = QuantityMode::Whole;
        assert_eq!(
            affordable(Quantity::from_int(10), p, cash, &NoFees, w).unwrap(),
            Quantity::from_int(10)
        );
        let min_fee = PerShare {
            rate: Price::lit("0.01"),
            minimum: Money::lit("1"),
        };
        assert_eq!(
            affordable(Quantity::from_int(10), p, cash, &min_fee, w).unwrap(),
            Quantity::from_int(9)
        );
        let pct = PercentOfNotional(Pct::lit("1"));
        let q = affordable(
            Quantity::from_int(100_000),
            Price::lit("1"),
            Money::lit("1000"),
            &pct,
            w,
        )
        .unwrap();
        assert_eq!(q, Quantity::from_int(990));
        assert_eq!(
            affordable(Quantity::from_int(1), p, Money::lit("50"), &NoFees, w).unwrap(),
            Quantity::ZERO
        );
    }

    #[test]
    fn targets_beyond_the_largest_quantity_are_errors() {
        let big = SizingInput {
            price: Price::lit("1"),
            equity: Money::MAX_CAPITAL,
            budget: Money::MAX_CAPITAL,
            stop_distance: Some(Price::lit("0.000000001")),
        };
        let w = QuantityMode::Whole;
        let e = Sizing::AllCash.target(&big, w).unwrap_err().to_string();
        assert_eq!(
            e,
            "sizing all_cash: 1000000000000000 at 1 a unit is more than the largest supported quantity 92233720368.54775807"
        );
        let r = Sizing::RiskPerTrade { pct: Pct::lit("1") };
        assert!(
            r.target(&big, w)
                .unwrap_err()
                .to_string()
                .starts_with("sizing risk_per_trade:")
        );
        // A fixed quantity below the limit is never refused because cash could buy more.
        let fq = Sizing::FixedQuantity {
            quantity: Quantity::from_int(5),
        };
        assert_eq!(fq.target(&big, w).unwrap(), Some(Quantity::from_int(5)));
        let q = affordable(Quantity::from_int(5), big.price, big.budget, &NoFees, w).unwrap();
        assert_eq!(q, Quantity::from_int(5));
    }
}
