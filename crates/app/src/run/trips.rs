//! From engine fills to the analytics crate's inputs: round trips (flat → position → flat, net
//! of commissions), time in the market, and the metrics with an optional benchmark.

use std::collections::HashMap;

use analytics::{BarExposure, ClosedTrade, Metrics, MetricsInput};
use backtest::{Action, BacktestResult, Fill};
use domain::{Money, Quantity, Symbol, UnixNanos};

use crate::AppError;

/// One round trip per symbol each time its position returns to flat (or flips side). The P&L
/// is the sum of realized P&L of its closing fills minus every commission paid in it; a sum
/// beyond what `Money` holds is an error, not a wrapped amount.
pub fn round_trips(fills: &[Fill]) -> Result<Vec<ClosedTrade>, AppError> {
    struct Open {
        entry: UnixNanos,
        qty: Quantity,
        pnl: Money,
    }
    let mut open: HashMap<&Symbol, Open> = HashMap::new();
    let mut out = Vec::new();
    for f in fills {
        let signed = match f.action {
            Action::Buy | Action::Cover => f.quantity,
            Action::Sell | Action::Short => -f.quantity,
        };
        let pos = open.entry(&f.symbol).or_insert(Open {
            entry: f.timestamp,
            qty: Quantity::ZERO,
            pnl: Money::ZERO,
        });
        if pos.qty.is_zero() {
            pos.entry = f.timestamp;
            pos.pnl = Money::ZERO;
        }
        pos.pnl = f
            .pnl
            .unwrap_or(Money::ZERO)
            .checked_sub(f.commission)
            .and_then(|net| pos.pnl.checked_add(net))
            .ok_or_else(|| {
                AppError::Overflow(format!(
                    "{} round trip P&L exceeds what money can hold",
                    f.symbol
                ))
            })?;
        let before = pos.qty;
        pos.qty = pos.qty.checked_add(signed).ok_or_else(|| {
            AppError::Overflow(format!(
                "{} position exceeds the largest quantity",
                f.symbol
            ))
        })?;
        let flipped =
            !before.is_zero() && (before.raw() > 0) != (pos.qty.raw() > 0) && !pos.qty.is_zero();
        if pos.qty.is_zero() || flipped {
            out.push(ClosedTrade {
                entry_time: pos.entry,
                exit_time: f.timestamp,
                pnl: pos.pnl,
            });
            pos.entry = f.timestamp;
            pos.pnl = Money::ZERO;
        }
    }
    out.sort_by_key(|t| (t.exit_time, t.entry_time));
    Ok(out)
}

/// Metrics of a run, against the benchmark run's equity when there is one. Time in the market
/// comes from the engine's own count of bar stamps with a position held at the close (the stored
/// curve may hold one point per session).
pub fn metrics(
    r: &BacktestResult,
    benchmark: Option<&BacktestResult>,
) -> Result<Metrics, AppError> {
    let curve: Vec<(UnixNanos, Money)> = r.equity.iter().map(|e| (e.timestamp, e.equity)).collect();
    let trades = round_trips(&r.fills)?;
    let bench: Option<Vec<(UnixNanos, Money)>> =
        benchmark.map(|b| b.equity.iter().map(|e| (e.timestamp, e.equity)).collect());
    let mut input = MetricsInput::new(&curve);
    input.trades = &trades;
    input.exposure = Some(BarExposure {
        bars_in_market: r.counts.stamps_in_market,
        total_bars: r.counts.stamps,
    });
    input.benchmark = bench.as_deref();
    Ok(analytics::compute(&input)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Price;

    fn fill(t: i64, action: Action, qty: i64, pnl: Option<&str>, fee: &str) -> Fill {
        Fill {
            timestamp: UnixNanos::new(t),
            symbol: Symbol::lit("SPY"),
            action,
            quantity: Quantity::from_int(qty),
            price: Price::lit("100"),
            commission: Money::lit(fee),
            pnl: pnl.map(Money::lit),
            reason: "signal".into(),
        }
    }

    #[test]
    fn trips_close_when_flat_and_net_commissions() {
        let fills = [
            fill(1, Action::Buy, 10, None, "1"),
            fill(2, Action::Buy, 5, None, "1"),
            fill(3, Action::Sell, 15, Some("30"), "1"),
            fill(4, Action::Short, 3, None, "0.5"),
            fill(5, Action::Cover, 3, Some("-6"), "0.5"),
        ];
        let t = round_trips(&fills).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].entry_time.as_i64(), t[0].exit_time.as_i64()), (1, 3));
        assert_eq!(t[0].pnl, Money::lit("27"));
        assert_eq!(t[1].pnl, Money::lit("-7"));
    }
}
