//! What a fill costs. Every model returns exact [`Money`]; nothing is rounded to cents, so the
//! accounting identity holds to the last unit. A fee that does not fit [`Money`] is an
//! [`Overflow`] naming the setting, never a wrapped amount.

use domain::{Money, Price, Quantity};

use crate::overflow::Overflow;
use crate::pct::Pct;

pub trait FeeModel: Send {
    /// Commission for one fill of `qty` (positive) at `price`.
    fn commission(&self, price: Price, qty: Quantity) -> Result<Money, Overflow>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct NoFees;

impl FeeModel for NoFees {
    #[inline]
    fn commission(&self, _: Price, _: Quantity) -> Result<Money, Overflow> {
        Ok(Money::ZERO)
    }
}

/// `rate` per share with a per-fill `minimum` (IBKR-style).
#[derive(Debug, Clone, Copy)]
pub struct PerShare {
    pub rate: Price,
    pub minimum: Money,
}

impl FeeModel for PerShare {
    fn commission(&self, _: Price, qty: Quantity) -> Result<Money, Overflow> {
        // A price times a quantity always fits Money.
        Ok(self.rate.notional(qty).abs().max(self.minimum))
    }
}

/// A flat amount per fill.
#[derive(Debug, Clone, Copy)]
pub struct PerTrade(pub Money);

impl FeeModel for PerTrade {
    fn commission(&self, _: Price, _: Quantity) -> Result<Money, Overflow> {
        Ok(self.0)
    }
}

/// A percentage of the fill's notional.
#[derive(Debug, Clone, Copy)]
pub struct PercentOfNotional(pub Pct);

impl FeeModel for PercentOfNotional {
    fn commission(&self, price: Price, qty: Quantity) -> Result<Money, Overflow> {
        let notional = price.notional(qty).abs();
        self.0.of_money(notional).ok_or_else(|| {
            Overflow::money(format_args!(
                "costs.commission_pct: {} of {qty} at {price}",
                self.0
            ))
        })
    }
}

/// The sum of several schedules (e.g. per share plus an exchange percentage).
#[derive(Default)]
pub struct Fees(pub Vec<Box<dyn FeeModel>>);

impl FeeModel for Fees {
    fn commission(&self, price: Price, qty: Quantity) -> Result<Money, Overflow> {
        let mut total = Money::ZERO;
        for m in &self.0 {
            let fee = m.commission(price, qty)?;
            total = crate::overflow::add(total, fee, "costs: the commissions of one fill")?;
        }
        Ok(total)
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
            m.commission(Price::lit("100"), Quantity::from_int(100))
                .unwrap(),
            Money::lit("1")
        );
        assert_eq!(
            m.commission(Price::lit("100"), Quantity::from_int(1000))
                .unwrap(),
            Money::lit("5")
        );
        assert_eq!(
            m.commission(Price::lit("100"), Quantity::lit("0.5"))
                .unwrap(),
            Money::lit("1")
        );
    }

    #[test]
    fn per_trade_and_percent() {
        assert_eq!(
            PerTrade(Money::lit("4.95"))
                .commission(Price::lit("1"), Quantity::from_int(7))
                .unwrap(),
            Money::lit("4.95")
        );
        let p = PercentOfNotional(Pct::lit("0.1"));
        assert_eq!(
            p.commission(Price::lit("167.65"), Quantity::from_int(596))
                .unwrap(),
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
            f.commission(Price::lit("10"), Quantity::from_int(10))
                .unwrap(),
            Money::lit("2")
        );
        assert_eq!(
            Fees::default()
                .commission(Price::lit("10"), Quantity::from_int(10))
                .unwrap(),
            Money::ZERO
        );
    }

    #[test]
    fn a_percent_of_a_large_notional_is_exact() {
        let p = PercentOfNotional(Pct::lit("1"));
        let fee = p.commission(Price::lit("100"), Quantity::from_int(20_000_000_000));
        assert_eq!(fee, Ok(Money::lit("20000000000")));
        let huge = PercentOfNotional(Pct::lit("1000000"));
        let top = Price::from_raw(i64::MAX);
        let e = huge.commission(top, Quantity::MAX).unwrap_err();
        assert!(
            e.to_string().starts_with("costs.commission_pct: 1000000%"),
            "{e}"
        );
    }
}
