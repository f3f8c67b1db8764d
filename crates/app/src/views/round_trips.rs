//! Round trips for people: each time a symbol's position goes from flat back to flat (or flips
//! side), its side, size, first entry and last exit with their times and prices, the P&L net of
//! every commission paid on the way, and why it was closed. `backtest run --trades` and
//! `backtest show --trades` print these; the fills stay in `trades`.

use std::collections::HashMap;

use domain::{Action, Fill, Money, Price, Quantity, Timeframe, UnixNanos};
use serde::Serialize;

use super::fmt::stamp;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundTrip {
    pub symbol: String,
    /// `long` or `short`.
    pub side: &'static str,
    /// The largest size held during the trip.
    pub quantity: Quantity,
    pub entry_time: String,
    pub entry_price: Price,
    pub exit_time: String,
    pub exit_price: Price,
    /// Realized P&L of its closing fills minus every commission paid in it.
    pub pnl: Money,
    /// The reason of the fill that closed it (signal, stop_loss, take_profit, …).
    pub exit_reason: String,
    pub fills: usize,
}

/// The columns a round trip is shown in, by the terminal table and the report alike.
pub const ROUND_TRIP_COLUMNS: [&str; 9] = [
    "symbol",
    "side",
    "qty",
    "entry",
    "price",
    "exit",
    "price",
    "P&L",
    "closed by",
];

impl RoundTrip {
    /// Its cells under [`ROUND_TRIP_COLUMNS`], as people read them.
    pub fn cells(&self) -> [String; 9] {
        [
            self.symbol.clone(),
            self.side.to_string(),
            self.quantity.to_string(),
            self.entry_time.clone(),
            self.entry_price.to_string(),
            self.exit_time.clone(),
            self.exit_price.to_string(),
            super::fmt::money(self.pnl),
            self.exit_reason.clone(),
        ]
    }
}

struct Open {
    signed: Quantity,
    largest: Quantity,
    entry: (UnixNanos, Price),
    pnl: Money,
    fills: usize,
}

/// The closed round trips of `fills` in the order they closed; stamps of a daily-or-longer
/// `timeframe` read as dates. A position still open at the end is not a round trip. A P&L
/// beyond what money holds saturates (the run's own metrics would have failed first).
pub fn round_trips(fills: &[Fill], timeframe: Timeframe) -> Vec<RoundTrip> {
    let mut open: HashMap<&str, Open> = HashMap::new();
    let mut out = Vec::new();
    for f in fills {
        let delta = match f.action {
            Action::Buy | Action::Cover => f.quantity,
            Action::Sell | Action::Short => -f.quantity,
        };
        let net = f
            .pnl
            .unwrap_or(Money::ZERO)
            .checked_sub(f.commission)
            .unwrap_or(Money::ZERO);
        let pos = open.entry(f.symbol.as_str()).or_insert(Open {
            signed: Quantity::ZERO,
            largest: Quantity::ZERO,
            entry: (f.timestamp, f.price),
            pnl: Money::ZERO,
            fills: 0,
        });
        if pos.signed.is_zero() {
            pos.entry = (f.timestamp, f.price);
            pos.pnl = Money::ZERO;
            pos.largest = Quantity::ZERO;
            pos.fills = 0;
        }
        let before = pos.signed;
        pos.signed = pos.signed.checked_add(delta).unwrap_or(pos.signed);
        pos.pnl = pos.pnl.checked_add(net).unwrap_or(pos.pnl);
        pos.fills += 1;
        pos.largest = pos.largest.max(pos.signed.abs());
        let flipped = !before.is_zero()
            && !pos.signed.is_zero()
            && (before.raw() > 0) != (pos.signed.raw() > 0);
        if pos.signed.is_zero() || flipped {
            out.push(RoundTrip {
                symbol: f.symbol.to_string(),
                side: if before.raw() > 0 { "long" } else { "short" },
                quantity: if flipped { before.abs() } else { pos.largest },
                entry_time: stamp(pos.entry.0, timeframe),
                entry_price: pos.entry.1,
                exit_time: stamp(f.timestamp, timeframe),
                exit_price: f.price,
                pnl: pos.pnl,
                exit_reason: f.reason.clone(),
                fills: pos.fills,
            });
            // A flip opens the next trip at this fill.
            pos.entry = (f.timestamp, f.price);
            pos.pnl = Money::ZERO;
            pos.largest = pos.signed.abs();
            pos.fills = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Symbol;

    fn fill(day: i64, action: Action, qty: i64, price: &str, pnl: Option<&str>, why: &str) -> Fill {
        Fill {
            timestamp: UnixNanos::new(day * 86_400_000_000_000),
            symbol: Symbol::lit("SPY"),
            action,
            quantity: Quantity::from_int(qty),
            price: Price::lit(price),
            commission: Money::lit("1"),
            pnl: pnl.map(Money::lit),
            reason: why.into(),
        }
    }

    #[test]
    fn trips_from_flat_to_flat_with_net_pnl_and_the_closing_reason() {
        let fills = [
            fill(19_000, Action::Buy, 10, "100", None, "signal"),
            fill(19_001, Action::Buy, 5, "101", None, "signal"),
            fill(19_003, Action::Sell, 15, "98.5", Some("-27.5"), "stop_loss"),
            fill(19_010, Action::Short, 7, "99", None, "signal"),
            fill(19_012, Action::Cover, 7, "97", Some("14"), "signal"),
            fill(19_020, Action::Buy, 3, "90", None, "signal"),
        ];
        let t = round_trips(&fills, Timeframe::D1);
        assert_eq!(t.len(), 2, "the last buy is still open");
        assert_eq!(t[0].side, "long");
        assert_eq!(t[0].quantity, Quantity::from_int(15));
        assert_eq!(
            (t[0].entry_time.as_str(), t[0].exit_time.as_str()),
            ("2022-01-08", "2022-01-11")
        );
        assert_eq!(
            (t[0].entry_price, t[0].exit_price),
            (Price::lit("100"), Price::lit("98.5"))
        );
        assert_eq!(t[0].pnl, Money::lit("-30.5"));
        assert_eq!((t[0].exit_reason.as_str(), t[0].fills), ("stop_loss", 3));
        assert_eq!((t[1].side, t[1].pnl), ("short", Money::lit("12")));
    }
}
