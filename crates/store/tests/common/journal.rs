//! A small hand-made journal (every table, exact decimals, text with tabs and quotes) for the
//! journal tables' conformance tests, under a run or a paper session.

use domain::journal::*;
use domain::{Action, Money, Price, Quantity, Symbol};
use serde_json::json;
use store::NewRun;

use super::ts;

/// An empty backtest run to hang a journal on.
pub fn new_run() -> NewRun {
    NewRun {
        agent_id: "j".into(),
        start: ts(0),
        end: ts(100),
        initial_capital: Money::lit("10000"),
        final_capital: Money::lit("10000"),
        total_trades: 0,
        winning_trades: 0,
        losing_trades: 0,
        max_drawdown: 0.0,
        sharpe_ratio: None,
        config: json!({}),
        metrics: {
            let curve = [(ts(0), Money::lit("10000")), (ts(100), Money::lit("10000"))];
            analytics::compute(&analytics::MetricsInput::new(&curve)).unwrap()
        },
        data_fingerprint: String::new(),
        engine_version: String::new(),
        trades: vec![],
        equity: vec![],
        sweep_id: None,
        params: None,
    }
}

/// Signal `id` at `minute`, SPY, buy, with filters that match its status.
pub fn signal(id: u64, minute: i64, status: SignalStatus) -> SignalRecord {
    SignalRecord {
        id,
        symbol: Symbol::lit("SPY"),
        ts: ts(minute),
        session: Some("2024-01-02".into()),
        setup: "technical_sentiment:cross_up".into(),
        side: OrderSide::Buy,
        score: (status == SignalStatus::Blocked).then_some(-0.123456789),
        reference_price: Some(Price::lit("167.650000001")),
        features_ref: None,
        filters_passed: vec!["fast sma crossed above slow sma".into()].into(),
        filters_blocked: match status {
            SignalStatus::Blocked => {
                vec!["sentiment >= 0.1\t(blend \"-0.12\")\nline \\ two".into()].into()
            }
            _ => vec![].into(),
        },
        status,
    }
}

/// A small journal of every table, with signals out of time order and decimals beyond the
/// default scale.
pub fn journal() -> Journal {
    let m = Money::lit;
    Journal {
        // Stored out of time order on purpose: reads sort by time.
        signals: vec![
            signal(1, 5, SignalStatus::Promoted),
            signal(2, 3, SignalStatus::Blocked),
            signal(3, 9, SignalStatus::Generated),
            signal(4, 12, SignalStatus::Promoted),
        ],
        vetoes: vec![RiskVeto {
            signal_id: 2,
            ts: ts(3),
            symbol: Symbol::lit("SPY"),
            rule: "max_daily_loss".into(),
            observed: m("9400.000000001"),
            limit: m("9500"),
        }],
        orders: vec![
            OrderRecord {
                id: 1,
                signal_id: Some(1),
                parent_id: None,
                symbol: Symbol::lit("SPY"),
                ts: ts(5),
                side: OrderSide::Buy,
                qty_rule: QtyRule::Sized,
                quantity: None,
                order_type: OrderType::Market,
                limit_price: None,
                stop_price: None,
                legs: vec!["stop_loss_pct: 2%".into()].into(),
                time_in_force: TimeInForce::Day,
                reason: "signal".into(),
                payload: Some("{\"id\": \"b-1\",\t\"qty\": \"10\"}".into()),
            },
            OrderRecord {
                id: 2,
                signal_id: None,
                parent_id: Some(1),
                symbol: Symbol::lit("SPY"),
                ts: ts(7),
                side: OrderSide::Sell,
                qty_rule: QtyRule::Close,
                quantity: Some(Quantity::lit("10")),
                order_type: OrderType::Stop,
                limit_price: None,
                stop_price: Some(Price::lit("164.3")),
                legs: vec![].into(),
                time_in_force: TimeInForce::Gtc,
                reason: "stop_loss".into(),
                payload: None,
            },
        ],
        order_events: vec![
            OrderEvent {
                order_id: 1,
                ts: ts(5),
                kind: OrderEventKind::Submitted,
                reason: None,
            },
            OrderEvent {
                order_id: 1,
                ts: ts(5),
                kind: OrderEventKind::Accepted,
                reason: None,
            },
            OrderEvent {
                order_id: 1,
                ts: ts(6),
                kind: OrderEventKind::Filled,
                reason: None,
            },
            OrderEvent {
                order_id: 2,
                ts: ts(7),
                kind: OrderEventKind::Rejected,
                reason: Some("buying_power: 1 available, 2 needed".into()),
            },
        ],
        fills: vec![JournalFill {
            order_id: 1,
            ts: ts(6),
            symbol: Symbol::lit("SPY"),
            action: Action::Buy,
            quantity: Quantity::lit("596"),
            price: Price::lit("167.7"),
            fee: m("1.00000000000000001"),
            pnl: None,
            slippage: Some(Price::lit("-0.05")),
            latency_ns: Some(0),
            reason: "signal".into(),
        }],
        ledger: vec![RoundTrip {
            id: 1,
            symbol: Symbol::lit("SPY"),
            side: OrderSide::Buy,
            signal_id: Some(1),
            entry_order_id: 1,
            exit_order_id: Some(2),
            entry_ts: ts(6),
            exit_ts: Some(ts(7)),
            quantity: Quantity::lit("596"),
            entry_price: Price::lit("167.7"),
            exit_price: Some(Price::lit("164.3")),
            pnl: Some(m("-2026.4")),
            fees: m("2"),
            exit_reason: Some("stop_loss".into()),
        }],
        snapshots: (0..300)
            .map(|i| AccountSnapshot {
                ts: ts(i),
                cash: m("80.6"),
                equity: m("10000") + Money::from_raw(i as i128),
                unrealized: m("-1.5"),
                realized: m("0"),
            })
            .collect(),
        risk_days: vec![RiskDay {
            date: "2024-01-02".into(),
            ts: ts(0),
            trades: 1,
            realized_pnl: m("-2026.4"),
            realized_r: Some(-1.0),
            max_drawdown: m("600"),
            daily_loss_breached: true,
            drawdown_breached: false,
        }],
    }
}
