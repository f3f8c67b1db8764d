//! Exact accounting: cash, signed positions with their cost basis, marks, fees and realized P&L.
//!
//! A position's `cost` is the signed cash that opened it (positive paid for a long, negative
//! received for a short). Reducing a position removes the pro-rata share of `cost`; whatever that
//! share rounds to, unrealized P&L is defined from the remaining cost, so the identity
//! `realized + unrealized − fees = equity − initial capital` holds exactly at every event
//! (property-tested in `tests/invariants.rs`).
//!
//! Every sum is checked: a fill whose cash, quantity or P&L would not fit is refused with an
//! [`Overflow`] before anything is booked, and equity that does not fit is an error when it is
//! asked for, never a wrapped amount.

use domain::{Money, Price, Quantity};
use serde::Serialize;

use crate::overflow::{Overflow, add, sub};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Signed: negative is short.
    pub qty: Quantity,
    /// Signed cash that opened what is left of the position.
    pub cost: Money,
    /// Last close seen; `None` before the symbol's first bar.
    pub mark: Option<Price>,
}

impl Position {
    #[inline]
    pub fn market_value(&self) -> Money {
        match self.mark {
            Some(m) if !self.qty.is_zero() => m.notional(self.qty),
            _ => Money::ZERO,
        }
    }

    pub fn unrealized(&self) -> Result<Money, Overflow> {
        sub(self.market_value(), self.cost, "unrealized P&L")
    }
}

#[derive(Debug, Clone)]
pub struct Portfolio {
    initial: Money,
    cash: Money,
    fees: Money,
    realized: Money,
    positions: Vec<Position>,
    /// Positions with a non-zero quantity, so a flat book skips the marking arithmetic.
    open: usize,
}

impl Portfolio {
    pub fn new(initial: Money, symbols: usize) -> Self {
        Self {
            initial,
            cash: initial,
            fees: Money::ZERO,
            realized: Money::ZERO,
            positions: vec![Position::default(); symbols],
            open: 0,
        }
    }

    #[inline]
    pub fn cash(&self) -> Money {
        self.cash
    }
    pub fn initial(&self) -> Money {
        self.initial
    }
    pub fn fees(&self) -> Money {
        self.fees
    }
    pub fn realized(&self) -> Money {
        self.realized
    }
    #[inline]
    pub fn position(&self, i: usize) -> &Position {
        &self.positions[i]
    }
    pub fn positions(&self) -> &[Position] {
        &self.positions
    }

    #[inline]
    pub fn set_mark(&mut self, i: usize, price: Price) {
        self.positions[i].mark = Some(price);
    }

    /// Whether any position is open.
    #[inline]
    pub fn has_positions(&self) -> bool {
        self.open > 0
    }

    /// Cash plus every position at its mark.
    #[inline]
    pub fn equity(&self) -> Result<Money, Overflow> {
        if self.open == 0 {
            return Ok(self.cash);
        }
        let mut e = self.cash;
        for p in &self.positions {
            e = add(e, p.market_value(), "equity")?;
        }
        Ok(e)
    }

    pub fn unrealized(&self) -> Result<Money, Overflow> {
        let mut u = Money::ZERO;
        for p in &self.positions {
            u = add(u, p.unrealized()?, "unrealized P&L")?;
        }
        Ok(u)
    }

    /// Books a fill of signed `delta` at `price` paying `fee`. The fill must not cross zero (the
    /// engine splits a reversal into a close and an open). Returns the realized P&L (before this
    /// fill's fee) when it reduces the position. On an error nothing is booked.
    pub fn apply_fill(
        &mut self,
        i: usize,
        delta: Quantity,
        price: Price,
        fee: Money,
    ) -> Result<Option<Money>, Overflow> {
        let flow = price.notional(delta); // signed cash spent
        let cash = sub(self.cash, add(flow, fee, "a fill's cash")?, "cash")?;
        let fees = add(self.fees, fee, "total commission")?;
        let p = self.positions[i];
        let before = p.qty;
        // i64::MIN is refused too, so that every position has a magnitude.
        let after = before
            .checked_add(delta)
            .filter(|q| q.raw() != i64::MIN)
            .ok_or_else(|| {
                Overflow::quantity(format_args!("a position of {before} plus {delta}"))
            })?;
        let reducing = !before.is_zero() && (before.raw() > 0) != (delta.raw() > 0);
        let (cost, pnl, realized) = if !reducing {
            (add(p.cost, flow, "a position's cost")?, None, self.realized)
        } else {
            debug_assert!(
                after.is_zero() || (after.raw() > 0) == (before.raw() > 0),
                "fill crosses zero"
            );
            // |delta| ≤ |before|: the share of the cost never exceeds the cost.
            let removed = if after.is_zero() {
                Some(p.cost)
            } else {
                p.cost
                    .checked_mul_ratio(delta.raw().abs(), before.raw().abs())
            };
            let removed = removed.ok_or_else(|| Overflow::new("a position's pro-rata cost"))?;
            let pnl = sub(
                Money::ZERO,
                add(flow, removed, "a closing fill")?,
                "realized P&L",
            )?;
            let realized = add(self.realized, pnl, "realized P&L")?;
            (
                sub(p.cost, removed, "a position's cost")?,
                Some(pnl),
                realized,
            )
        };
        if before.is_zero() != after.is_zero() {
            if before.is_zero() {
                self.open += 1;
            } else {
                self.open -= 1;
            }
        }
        self.cash = cash;
        self.fees = fees;
        self.realized = realized;
        let p = &mut self.positions[i];
        p.qty = after;
        p.cost = cost;
        Ok(pnl)
    }

    /// `realized + unrealized − fees − (equity − initial)`: zero unless the books are broken.
    pub fn identity_gap(&self) -> Result<Money, Overflow> {
        let pnl = sub(
            add(self.realized, self.unrealized()?, "P&L")?,
            self.fees,
            "P&L",
        )?;
        sub(
            pnl,
            sub(self.equity()?, self.initial, "gain")?,
            "identity gap",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> Quantity {
        Quantity::from_int(n)
    }

    #[test]
    fn long_round_trip() {
        let mut p = Portfolio::new(Money::lit("1000"), 1);
        assert!(!p.has_positions());
        assert_eq!(
            p.apply_fill(0, q(5), Price::lit("100"), Money::lit("1")),
            Ok(None)
        );
        assert!(p.has_positions());
        p.set_mark(0, Price::lit("110"));
        assert_eq!(p.cash(), Money::lit("499"));
        assert_eq!(p.equity(), Ok(Money::lit("1049")));
        assert_eq!(p.unrealized(), Ok(Money::lit("50")));
        let pnl = p
            .apply_fill(0, q(-2), Price::lit("110"), Money::ZERO)
            .unwrap()
            .unwrap();
        assert_eq!(pnl, Money::lit("20"));
        let pnl = p
            .apply_fill(0, q(-3), Price::lit("90"), Money::ZERO)
            .unwrap()
            .unwrap();
        assert_eq!(pnl, Money::lit("-30"));
        assert!(!p.has_positions());
        assert_eq!(p.position(0).cost, Money::ZERO);
        assert_eq!(p.equity(), Ok(Money::lit("989")));
        assert_eq!(p.identity_gap(), Ok(Money::ZERO));
    }

    #[test]
    fn short_round_trip() {
        let mut p = Portfolio::new(Money::lit("1000"), 2);
        p.apply_fill(1, q(2), Price::lit("1"), Money::ZERO).unwrap();
        p.apply_fill(1, q(-2), Price::lit("1"), Money::ZERO)
            .unwrap();
        assert!(!p.has_positions());
        p.apply_fill(0, q(-10), Price::lit("50"), Money::ZERO)
            .unwrap();
        assert!(p.has_positions());
        p.set_mark(0, Price::lit("40"));
        assert_eq!(p.cash(), Money::lit("1500"));
        assert_eq!(p.equity(), Ok(Money::lit("1100")));
        let pnl = p
            .apply_fill(0, q(4), Price::lit("40"), Money::ZERO)
            .unwrap()
            .unwrap();
        assert_eq!(pnl, Money::lit("40"));
        assert_eq!(p.identity_gap(), Ok(Money::ZERO));
    }

    #[test]
    fn thirds_stay_exact() {
        let mut p = Portfolio::new(Money::lit("1000"), 1);
        p.apply_fill(0, q(3), Price::lit("0.01"), Money::ZERO)
            .unwrap();
        p.set_mark(0, Price::lit("0.02"));
        p.apply_fill(0, Quantity::lit("-1"), Price::lit("0.02"), Money::ZERO)
            .unwrap();
        p.apply_fill(0, Quantity::lit("-1"), Price::lit("0.02"), Money::ZERO)
            .unwrap();
        assert_eq!(p.identity_gap(), Ok(Money::ZERO));
        p.apply_fill(0, Quantity::lit("-1"), Price::lit("0.02"), Money::ZERO)
            .unwrap();
        assert_eq!(p.realized(), Money::lit("0.03"));
    }

    #[test]
    fn a_fill_that_does_not_fit_books_nothing() {
        let mut p = Portfolio::new(Money::MAX_CAPITAL, 1);
        let top = Price::from_raw(i64::MAX);
        p.apply_fill(0, Quantity::MAX, top, Money::ZERO).unwrap();
        p.set_mark(0, top);
        let before = (p.cash(), p.position(0).qty, p.fees());
        // Another maximal position would need more than Quantity holds.
        let e = p.apply_fill(0, Quantity::from_raw(1), Price::lit("1"), Money::lit("1"));
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("largest supported quantity")
        );
        assert_eq!((p.cash(), p.position(0).qty, p.fees()), before);
        // Half of a huge position: its pro-rata cost is exact, and the books still balance.
        let half = Quantity::from_raw(-(i64::MAX / 2));
        p.apply_fill(0, half, top, Money::ZERO).unwrap();
        assert_eq!(p.identity_gap(), Ok(Money::ZERO));
    }
}
