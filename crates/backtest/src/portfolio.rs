//! Exact accounting: cash, signed positions with their cost basis, marks, fees and realized P&L.
//!
//! A position's `cost` is the signed cash that opened it (positive paid for a long, negative
//! received for a short). Reducing a position removes the pro-rata share of `cost`; whatever that
//! share rounds to, unrealized P&L is defined from the remaining cost, so the identity
//! `realized + unrealized − fees = equity − initial capital` holds exactly at every event
//! (property-tested in `tests/invariants.rs`).

use domain::{Money, Price, Quantity};
use serde::Serialize;

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

    pub fn unrealized(&self) -> Money {
        self.market_value() - self.cost
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
    pub fn equity(&self) -> Money {
        if self.open == 0 {
            return self.cash;
        }
        let mut e = self.cash;
        for p in &self.positions {
            e += p.market_value();
        }
        e
    }

    pub fn unrealized(&self) -> Money {
        self.positions.iter().map(Position::unrealized).sum()
    }

    /// Books a fill of signed `delta` at `price` paying `fee`. The fill must not cross zero (the
    /// engine splits a reversal into a close and an open). Returns the realized P&L (before this
    /// fill's fee) when it reduces the position.
    pub fn apply_fill(
        &mut self,
        i: usize,
        delta: Quantity,
        price: Price,
        fee: Money,
    ) -> Option<Money> {
        let flow = price.notional(delta); // signed cash spent
        self.cash -= flow + fee;
        self.fees += fee;
        let p = &mut self.positions[i];
        let before = p.qty;
        let after = before + delta;
        let reducing = !before.is_zero() && (before.raw() > 0) != (delta.raw() > 0);
        if before.is_zero() != after.is_zero() {
            if before.is_zero() {
                self.open += 1;
            } else {
                self.open -= 1;
            }
        }
        if !reducing {
            p.qty = after;
            p.cost += flow;
            return None;
        }
        debug_assert!(
            after.is_zero() || (after.raw() > 0) == (before.raw() > 0),
            "fill crosses zero"
        );
        let removed = if after.is_zero() {
            p.cost
        } else {
            p.cost.mul_ratio(
                i128::from(delta.raw().abs()),
                i128::from(before.raw().abs()),
            )
        };
        p.qty = after;
        p.cost -= removed;
        let pnl = -flow - removed;
        self.realized += pnl;
        Some(pnl)
    }

    /// `realized + unrealized − fees − (equity − initial)`: zero unless the books are broken.
    pub fn identity_gap(&self) -> Money {
        self.realized + self.unrealized() - self.fees - (self.equity() - self.initial)
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
            None
        );
        assert!(p.has_positions());
        p.set_mark(0, Price::lit("110"));
        assert_eq!(p.cash(), Money::lit("499"));
        assert_eq!(p.equity(), Money::lit("1049"));
        assert_eq!(p.unrealized(), Money::lit("50"));
        let pnl = p
            .apply_fill(0, q(-2), Price::lit("110"), Money::ZERO)
            .unwrap();
        assert_eq!(pnl, Money::lit("20"));
        let pnl = p
            .apply_fill(0, q(-3), Price::lit("90"), Money::ZERO)
            .unwrap();
        assert_eq!(pnl, Money::lit("-30"));
        assert!(!p.has_positions());
        assert_eq!(p.position(0).cost, Money::ZERO);
        assert_eq!(p.equity(), Money::lit("989"));
        assert_eq!(p.identity_gap(), Money::ZERO);
    }

    #[test]
    fn short_round_trip() {
        let mut p = Portfolio::new(Money::lit("1000"), 2);
        p.apply_fill(1, q(2), Price::lit("1"), Money::ZERO);
        p.apply_fill(1, q(-2), Price::lit("1"), Money::ZERO);
        assert!(!p.has_positions());
        p.apply_fill(0, q(-10), Price::lit("50"), Money::ZERO);
        assert!(p.has_positions());
        p.set_mark(0, Price::lit("40"));
        assert_eq!(p.cash(), Money::lit("1500"));
        assert_eq!(p.equity(), Money::lit("1100"));
        let pnl = p
            .apply_fill(0, q(4), Price::lit("40"), Money::ZERO)
            .unwrap();
        assert_eq!(pnl, Money::lit("40"));
        assert_eq!(p.identity_gap(), Money::ZERO);
    }

    #[test]
    fn thirds_stay_exact() {
        let mut p = Portfolio::new(Money::lit("1000"), 1);
        p.apply_fill(0, q(3), Price::lit("0.01"), Money::ZERO);
        p.set_mark(0, Price::lit("0.02"));
        p.apply_fill(0, Quantity::lit("-1"), Price::lit("0.02"), Money::ZERO);
        p.apply_fill(0, Quantity::lit("-1"), Price::lit("0.02"), Money::ZERO);
        assert_eq!(p.identity_gap(), Money::ZERO);
        p.apply_fill(0, Quantity::lit("-1"), Price::lit("0.02"), Money::ZERO);
        assert_eq!(p.realized(), Money::lit("0.03"));
    }
}
