//! What a strategy may ask for. An [`OrderRequest`] names a symbol, a side, how much
//! ([`OrderQty`]: sized by the engine at the fill price, exact, or the whole position), how it
//! fills ([`OrderKind`]), optional [`Bracket`] exits and the [`Reason`] stamped on its fills.
//! Requests are decided at an event and can fill no earlier than the next bar of their symbol.

use domain::{Price, Quantity, UnixNanos};

use crate::event::SymbolId;
use crate::pct::Pct;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn opposite(self) -> Self {
        match self {
            Self::Buy => Self::Sell,
            Self::Sell => Self::Buy,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    /// At the next bar's open.
    Market,
    /// At this price or better: at the open if the bar opens through it, else at the price if
    /// the bar's range reaches it. Works until filled or cancelled.
    Limit(Price),
    /// Becomes a market order when the price trades through it: at the open if the bar gaps
    /// through, else at the stop price. Works until filled or cancelled.
    Stop(Price),
    /// Cancels this symbol's working orders (not the position's bracket) at once.
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderQty {
    /// The agent's sizing rule, evaluated at the fill price. A position on the other side is
    /// closed first, so `Sized` on a reversal means "close, then open a sized position".
    Sized,
    /// Exactly this many (positive); still capped by cash and the position limit.
    Exact(Quantity),
    /// The whole position at fill time, whichever side it is on; nothing if flat.
    ClosePosition,
}

/// How far from the entry fill a bracket leg sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offset {
    Percent(Pct),
    /// An absolute price distance (e.g. 1.50 below a long entry).
    Distance(Price),
}

impl Offset {
    /// The level `self` away from `entry`, on the losing (`toward_loss`) or winning side of a
    /// position on `side`; `None` when it lies beyond the largest price. (A level below zero is
    /// kept: a stop nothing can reach.)
    pub fn level(self, entry: Price, side: Side, toward_loss: bool) -> Option<Price> {
        let down = (side == Side::Buy) == toward_loss;
        match (self, down) {
            (Self::Percent(p), true) => p.below(entry),
            (Self::Percent(p), false) => p.above(entry),
            (Self::Distance(d), true) => entry.checked_sub(d),
            (Self::Distance(d), false) => entry.checked_add(d),
        }
    }
}

impl Offset {
    /// The setting that gives this offset for `leg` (`stop_loss`, `take_profit`), with its
    /// value, for messages: `take_profit_pct: 100%` (an agent's `risk.` block adds its prefix).
    pub fn setting(self, leg: &str) -> String {
        match self {
            Self::Percent(p) => format!("{leg}_pct: {p}"),
            Self::Distance(d) => format!("{leg}_abs: {d}"),
        }
    }
}

/// Stop-loss and take-profit legs placed when an entry fills, cancelled together (one-cancels-
/// other) and when the position is closed by anything else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bracket {
    pub stop_loss: Option<Offset>,
    pub take_profit: Option<Offset>,
}

impl Bracket {
    pub fn is_empty(&self) -> bool {
        self.stop_loss.is_none() && self.take_profit.is_none()
    }
}

/// Why a fill happened; its text is stored with each trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    Signal,
    StopLoss,
    TakeProfit,
    SessionClose,
    MaxDailyLoss,
    MaxDrawdown,
    /// A custom strategy's own label.
    Custom(&'static str),
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signal => "signal",
            Self::StopLoss => "stop_loss",
            Self::TakeProfit => "take_profit",
            Self::SessionClose => "session_close",
            Self::MaxDailyLoss => "max_daily_loss",
            Self::MaxDrawdown => "max_drawdown",
            Self::Custom(s) => s,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderRequest {
    pub symbol: SymbolId,
    pub side: Side,
    pub qty: OrderQty,
    pub kind: OrderKind,
    /// `None` takes the agent's `risk.stop_loss_pct` / `take_profit_pct`, if any.
    pub bracket: Option<Bracket>,
    pub reason: Reason,
}

impl OrderRequest {
    fn market(symbol: SymbolId, side: Side, qty: OrderQty) -> Self {
        Self {
            symbol,
            side,
            qty,
            kind: OrderKind::Market,
            bracket: None,
            reason: Reason::Signal,
        }
    }

    /// Market buy sized by the agent's sizing rule (closing any short first).
    pub fn buy(symbol: SymbolId) -> Self {
        Self::market(symbol, Side::Buy, OrderQty::Sized)
    }

    /// Market short sale sized by the agent's sizing rule (closing any long first); needs
    /// `allow_short`.
    pub fn sell_short(symbol: SymbolId) -> Self {
        Self::market(symbol, Side::Sell, OrderQty::Sized)
    }

    /// Market order for exactly `qty`.
    pub fn exact(symbol: SymbolId, side: Side, qty: Quantity) -> Self {
        Self::market(symbol, side, OrderQty::Exact(qty))
    }

    /// Market order closing the whole position.
    pub fn close(symbol: SymbolId) -> Self {
        Self::market(symbol, Side::Sell, OrderQty::ClosePosition)
    }

    /// Cancels `symbol`'s working orders.
    pub fn cancel(symbol: SymbolId) -> Self {
        Self {
            kind: OrderKind::Cancel,
            ..Self::market(symbol, Side::Buy, OrderQty::ClosePosition)
        }
    }

    pub fn limit(mut self, price: Price) -> Self {
        self.kind = OrderKind::Limit(price);
        self
    }

    pub fn stop(mut self, price: Price) -> Self {
        self.kind = OrderKind::Stop(price);
        self
    }

    pub fn with_bracket(mut self, bracket: Bracket) -> Self {
        self.bracket = Some(bracket);
        self
    }

    pub fn because(mut self, reason: Reason) -> Self {
        self.reason = reason;
        self
    }
}

/// An order waiting for a bar: decided at `decided_at`, eligible on bars opening at or after it.
/// The engine keeps them; a strategy's [`crate::Context`] reads them.
#[derive(Debug, Clone, Copy)]
pub struct WorkingOrder {
    pub request: OrderRequest,
    pub decided_at: UnixNanos,
    /// The journal's order id; 0 when the engine keeps no journal.
    pub id: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_levels_sit_on_the_right_side() {
        let e = Price::lit("100");
        let sl = Offset::Percent(Pct::lit("2"));
        let tp = Offset::Distance(Price::lit("5"));
        assert_eq!(sl.level(e, Side::Buy, true), Some(Price::lit("98")));
        assert_eq!(tp.level(e, Side::Buy, false), Some(Price::lit("105")));
        assert_eq!(sl.level(e, Side::Sell, true), Some(Price::lit("102")));
        assert_eq!(tp.level(e, Side::Sell, false), Some(Price::lit("95")));
        let top = Price::from_raw(i64::MAX - 1);
        assert_eq!(tp.level(top, Side::Buy, false), None);
        assert_eq!(
            Offset::Percent(Pct::lit("3")).level(top, Side::Buy, false),
            None
        );
    }
}
