//! The live position per symbol, built from the broker's fills at average cost, and each fill
//! as the journal records it: its action (buy, sell, short, cover), realized P&L, slippage
//! against the signal's reference price and latency from the signal.
//!
//! Exact and checked: a fill whose arithmetic would overflow is an error naming it, never a
//! wrapped number.

use std::collections::HashMap;

use domain::journal::{JournalFill, OrderSide, Text};
use domain::{Action, Money, Price, Quantity, Symbol, UnixNanos};

/// One symbol's live position: signed quantity (short below zero) and what the open quantity
/// cost (positive, at average cost).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    pub qty: Quantity,
    pub cost: Money,
}

/// A fill to book: what the broker reported, with the engine order's context.
#[derive(Debug, Clone)]
pub struct Execution<'a> {
    pub order_id: u64,
    pub symbol: &'a Symbol,
    pub side: OrderSide,
    pub qty: Quantity,
    pub price: Price,
    pub ts: UnixNanos,
    /// The signal's reference price and time, when the order had a signal.
    pub reference: Option<Price>,
    pub signal_ts: Option<UnixNanos>,
    pub reason: Text,
}

/// Live positions by symbol.
#[derive(Debug, Clone, Default)]
pub struct Book {
    positions: HashMap<Symbol, Position>,
}

impl Book {
    /// The position in `symbol` (flat when never traded).
    pub fn position(&self, symbol: &Symbol) -> Position {
        self.positions.get(symbol).copied().unwrap_or_default()
    }

    /// Books `e` and returns it as the journal's fills: one, or two for a fill that takes the
    /// position through zero (the close of what was held, then the opening of the rest), as
    /// the ledger counts round trips from flat to flat.
    pub fn book(&mut self, e: &Execution<'_>) -> Result<Vec<JournalFill>, String> {
        let pos = self.position(e.symbol);
        let held = pos.qty.abs();
        let reverses = (e.side == OrderSide::Buy) == pos.qty.is_negative() && !pos.qty.is_zero();
        if reverses && e.qty > held {
            let rest = e.qty.checked_sub(held).ok_or("fill quantity overflows")?;
            let close = self.book_one(&Execution {
                qty: held,
                ..e.clone()
            })?;
            let open = self.book_one(&Execution {
                qty: rest,
                ..e.clone()
            })?;
            return Ok(vec![close, open]);
        }
        Ok(vec![self.book_one(e)?])
    }

    /// Books a fill that closes at most the position held.
    fn book_one(&mut self, e: &Execution<'_>) -> Result<JournalFill, String> {
        let overflow = || {
            format!(
                "fill of order {} ({} {} @ {}) overflows",
                e.order_id, e.qty, e.symbol, e.price
            )
        };
        let pos = self.position(e.symbol);
        let buy = e.side == OrderSide::Buy;
        let held = pos.qty.abs();
        let closing = (buy && pos.qty.is_negative())
            || (!buy && !pos.qty.is_negative() && !pos.qty.is_zero());
        let notional = e.price.notional(e.qty);
        let (action, next, pnl) = if closing {
            // The closed part's cost, at average cost.
            let basis = pos
                .cost
                .checked_mul_ratio(e.qty.raw(), held.raw())
                .ok_or_else(overflow)?;
            let pnl = if buy {
                basis.checked_sub(notional)
            } else {
                notional.checked_sub(basis)
            }
            .ok_or_else(overflow)?;
            let qty = if buy {
                pos.qty.checked_add(e.qty)
            } else {
                pos.qty.checked_sub(e.qty)
            }
            .ok_or_else(overflow)?;
            let cost = pos.cost.checked_sub(basis).ok_or_else(overflow)?;
            let action = if buy { Action::Cover } else { Action::Sell };
            (action, Position { qty, cost }, Some(pnl))
        } else {
            let qty = if buy {
                pos.qty.checked_add(e.qty)
            } else {
                pos.qty.checked_sub(e.qty)
            }
            .ok_or_else(overflow)?;
            let cost = pos.cost.checked_add(notional).ok_or_else(overflow)?;
            let action = if buy { Action::Buy } else { Action::Short };
            (action, Position { qty, cost }, None)
        };
        // Positive when worse for the order's side.
        let slippage = match e.reference {
            Some(r) if buy => Some(e.price.checked_sub(r).ok_or_else(overflow)?),
            Some(r) => Some(r.checked_sub(e.price).ok_or_else(overflow)?),
            None => None,
        };
        let latency_ns = e
            .signal_ts
            .and_then(|s| e.ts.as_i64().checked_sub(s.as_i64()));
        self.positions.insert(e.symbol.clone(), next);
        Ok(JournalFill {
            order_id: e.order_id,
            ts: e.ts,
            symbol: e.symbol.clone(),
            action,
            quantity: e.qty,
            price: e.price,
            fee: Money::ZERO,
            pnl,
            slippage,
            latency_ns,
            reason: e.reason.clone(),
        })
    }

    /// Books a fill already in the journal again (a resumed route rebuilding its positions).
    pub fn rebook(&mut self, f: &JournalFill) -> Result<(), String> {
        let side = match f.action {
            Action::Buy | Action::Cover => OrderSide::Buy,
            Action::Sell | Action::Short => OrderSide::Sell,
        };
        self.book(&Execution {
            order_id: f.order_id,
            symbol: &f.symbol,
            side,
            qty: f.quantity,
            price: f.price,
            ts: f.ts,
            reference: None,
            signal_ts: None,
            reason: f.reason.clone(),
        })
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec(side: OrderSide, qty: &str, price: &str) -> (Symbol, OrderSide, Quantity, Price) {
        (
            Symbol::lit("SPY"),
            side,
            Quantity::lit(qty),
            Price::lit(price),
        )
    }

    fn book(b: &mut Book, e: (Symbol, OrderSide, Quantity, Price)) -> Result<JournalFill, String> {
        let mut fills = book_all(b, e)?;
        assert_eq!(fills.len(), 1);
        Ok(fills.remove(0))
    }

    fn book_all(
        b: &mut Book,
        (symbol, side, qty, price): (Symbol, OrderSide, Quantity, Price),
    ) -> Result<Vec<JournalFill>, String> {
        b.book(&Execution {
            order_id: 1,
            symbol: &symbol,
            side,
            qty,
            price,
            ts: UnixNanos::new(5_000),
            reference: Some(Price::lit("100")),
            signal_ts: Some(UnixNanos::new(1_000)),
            reason: "signal".into(),
        })
    }

    #[test]
    fn average_cost_pnl_slippage_and_latency() {
        let mut b = Book::default();
        let f = book(&mut b, exec(OrderSide::Buy, "60", "100.10")).unwrap();
        assert_eq!((f.action, f.pnl), (Action::Buy, None));
        assert_eq!(f.slippage, Some(Price::lit("0.10")));
        assert_eq!(f.latency_ns, Some(4_000));
        book(&mut b, exec(OrderSide::Buy, "40", "100.20")).unwrap();
        let spy = Symbol::lit("SPY");
        assert_eq!(b.position(&spy).qty, Quantity::lit("100"));
        assert_eq!(b.position(&spy).cost, Money::lit("10014"));
        // Half out at 101: (101 − 100.14) × 50.
        let f = book(&mut b, exec(OrderSide::Sell, "50", "101")).unwrap();
        assert_eq!(f.action, Action::Sell);
        assert_eq!(f.pnl, Some(Money::lit("43")));
        assert_eq!(
            f.slippage,
            Some(Price::lit("-1")),
            "a sell above the reference is better"
        );
        let f = book(&mut b, exec(OrderSide::Sell, "50", "99")).unwrap();
        assert_eq!(f.pnl, Some(Money::lit("-57")));
        assert_eq!(b.position(&spy), Position::default());
        // A short, then its cover.
        let f = book(&mut b, exec(OrderSide::Sell, "10", "50")).unwrap();
        assert_eq!((f.action, f.pnl), (Action::Short, None));
        let f = book(&mut b, exec(OrderSide::Buy, "10", "45")).unwrap();
        assert_eq!((f.action, f.pnl), (Action::Cover, Some(Money::lit("50"))));
    }

    #[test]
    fn a_fill_through_zero_closes_then_opens_the_rest() {
        let mut b = Book::default();
        book(&mut b, exec(OrderSide::Buy, "5", "10")).unwrap();
        let fills = book_all(&mut b, exec(OrderSide::Sell, "8", "12")).unwrap();
        let got: Vec<_> = fills
            .iter()
            .map(|f| (f.action, f.quantity, f.pnl))
            .collect();
        assert_eq!(
            got,
            [
                (Action::Sell, Quantity::lit("5"), Some(Money::lit("10"))),
                (Action::Short, Quantity::lit("3"), None),
            ]
        );
        let p = b.position(&Symbol::lit("SPY"));
        assert_eq!((p.qty, p.cost), (Quantity::lit("-3"), Money::lit("36")));
    }

    #[test]
    fn rebooking_recorded_fills_gives_the_same_position() {
        let mut live = Book::default();
        let fills = [
            book(&mut live, exec(OrderSide::Buy, "3", "10")).unwrap(),
            book(&mut live, exec(OrderSide::Buy, "1", "14")).unwrap(),
            book(&mut live, exec(OrderSide::Sell, "2", "12")).unwrap(),
        ];
        let mut again = Book::default();
        for f in &fills {
            again.rebook(f).unwrap();
        }
        let spy = Symbol::lit("SPY");
        assert_eq!(again.position(&spy), live.position(&spy));
        assert_eq!(live.position(&spy).cost, Money::lit("22"));
    }
}
