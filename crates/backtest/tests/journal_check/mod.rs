//! What the journal tests share: the reference agent, a seeded walk of bars, a journaled run,
//! and the checks every journal must pass (fills as the result's, round trips linked back to
//! promoted signals and orders, each fill the way its order says).
#![allow(dead_code)]

use backtest::journal::{OrderEventKind, OrderSide, SignalStatus};
use backtest::{AgentConfig, BacktestResult, Inputs, JournalConfig, SnapshotCadence};
use domain::calendar::Calendar;
use domain::journal::Journal;
use domain::{Bar, SentimentRecord};

use crate::common::*;

pub const REF_SMA: &str = "id: ref_sma
symbols: [SPY]
timeframe: 1m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 10, slow: 30 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
fill: next_open
";

pub fn journaled(
    agent: &AgentConfig,
    bars: Vec<Bar>,
    records: Vec<SentimentRecord>,
) -> BacktestResult {
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), agent.timeframe, bars);
    inputs.sentiment(records);
    let cfg = JournalConfig {
        strategy: agent.strategy.kind().to_owned(),
        snapshots: SnapshotCadence::SessionClose,
    };
    agent
        .engine(Calendar::Nyse)
        .unwrap()
        .with_journal(cfg)
        .run(inputs)
        .unwrap()
}

pub fn check_links(j: &Journal) {
    assert!(!j.ledger.is_empty());
    // Every fill goes the way its order (and the order's signal) says: a short is closed by
    // a buy.
    for f in &j.fills {
        let order = &j.orders[f.order_id as usize - 1];
        let buying = matches!(f.action, domain::Action::Buy | domain::Action::Cover);
        let side = if buying {
            OrderSide::Buy
        } else {
            OrderSide::Sell
        };
        assert_eq!(order.side, side, "{f:?} of {order:?}");
        if let Some(s) = order.signal_id {
            assert_eq!(j.signals[s as usize - 1].side, side, "{order:?}");
        }
    }
    for trip in &j.ledger {
        let signal = &j.signals[trip.signal_id.expect("a signal") as usize - 1];
        assert_eq!(signal.status, SignalStatus::Promoted, "{trip:?}");
        assert_eq!(signal.symbol, trip.symbol);
        let order = &j.orders[trip.entry_order_id as usize - 1];
        assert_eq!(order.signal_id, Some(signal.id));
        assert!(signal.ts <= trip.entry_ts);
        if let Some(exit) = trip.exit_order_id {
            assert!(j.orders.get(exit as usize - 1).is_some());
            assert!(
                j.order_events
                    .iter()
                    .any(|e| e.order_id == exit && e.kind == OrderEventKind::Filled)
            );
        }
    }
}

/// The journal's fills are the result's, trade for trade.
pub fn assert_same_fills(j: &Journal, plain: &BacktestResult) {
    assert_eq!(j.fills.len(), plain.fills.len());
    for (a, b) in j.fills.iter().zip(&plain.fills) {
        assert_eq!(
            (
                a.ts,
                &a.symbol,
                a.action,
                a.quantity,
                a.price,
                a.fee,
                a.pnl,
                a.reason.as_ref()
            ),
            (
                b.timestamp,
                &b.symbol,
                b.action,
                b.quantity,
                b.price,
                b.commission,
                b.pnl,
                b.reason.as_str()
            )
        );
        // Every fill belongs to an order that was filled.
        assert!(a.order_id > 0);
        // Next-open fills: no time passes from the decision (bar close) to the fill (a stop
        // leg has no decision of its own).
        if j.orders[a.order_id as usize - 1].signal_id.is_some() {
            assert_eq!(a.latency_ns, Some(0));
        }
    }
}
