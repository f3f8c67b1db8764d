//! What a fill costs. Every model returns exact [`Money`]; nothing is rounded to cents, so the
//! accounting identity holds to the last unit.

use domain::{Money, Price, Quantity};

use crate::pct::Pct;

pub trait FeeModel: Send {
    /// Commission for one fill of `qty` (positive) at `price`.
    fn commission(&self, price: Price, qty: Quantity) -> Money;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct NoFees;

impl FeeModel for NoFees {
    fn commission(&self, _: Price, _: Quantity) -> Money {
        Money::ZERO
    }
}

/// `rate` per share with a per-fill `minimum` (IBKR-style).
#[derive(Debug, Clone, Copy)]
pub struct PerShare {
    pub rate: Price,
    pub minimum: Money,
}

impl FeeModel for PerShare {
    fn commission(&self, _: Price, qty: Quantity) -> Money {
        self.rate.notional(qty.abs()).max(self.minimum)
    }
}

/// A flat amount per fill.
#[derive(Debug, Clone, Copy)]
pub struct PerTrade(pub Money);

impl FeeModel for PerTrade {
    fn commission(&self, _: Price, _: Quantity) -> Money {
        self.0
    }
}

/// A percentage of the fill's notional.
#[derive(Debug, Clone, Copy)]
pub struct PercentOfNotional(pub Pct);

impl FeeModel for PercentOfNotional {
    fn commission(&self, price: Price, qty: Quantity) -> Money {
        self.0.of_money(price.notional(qty.abs()))
    }
}

/// The sum of several schedules (e.g. per share plus an exchange percentage).
#[derive(Default)]
pub struct Fees(pub Vec<Box<dyn FeeModel>>);

impl FeeModel for Fees {
    fn commission(&self, price: Price, qty: Quantity) -> Money {
        self.0.iter().map(|m| m.commission(price, qty)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_share_with_minimum() {
        let m = PerShare {
            rate: Price::lit("0.005"),
            minimum: Money::lit("1"),
        };
        assert_eq!(
            m.commission(Price::lit("100"), Quantity::from_int(100)),
            Money::lit("1")
        );
        assert_eq!(
            m.commission(Price::lit("100"), Quantity::from_int(1000)),
            Money::lit("5")
        );
        assert_eq!(
            m.commission(Price::lit("100"), Quantity::lit("0.5")),
            Money::lit("1")
        );
    }

    #[test]
    fn per_trade_and_percent() {
        assert_eq!(
            PerTrade(Money::lit("4.95")).commission(Price::lit("1"), Quantity::from_int(7)),
            Money::lit("4.95")
        );
        let p = PercentOfNotional(Pct::lit("0.1"));
        assert_eq!(
            p.commission(Price::lit("167.65"), Quantity::from_int(596)),
            Money::lit("99.9194")
        );
    }

    #[test]
    fn sums() {
        let f = Fees(vec![
            Box::new(PerTrade(Money::lit("1"))),
            Box::new(PercentOfNotional(Pct::lit("1"))),
        ]);
        assert_eq!(
            f.commission(Price::lit("10"), Quantity::from_int(10)),
            Money::lit("2")
        );
        assert_eq!(
            Fees::default().commission(Price::lit("10"), Quantity::from_int(10)),
            Money::ZERO
        );
    }
}
