//! Book-wide risk: daily loss halts until the next session, drawdown halts the run, flatten at
//! the session close (NYSE calendar) with no fills outside the session.

mod common;

use backtest::{EquityCurve, OrderRequest, Pct};
use common::*;
use domain::{Bar, Money, Timeframe};

fn minutes(start: &str, closes: &[&str]) -> Vec<Bar> {
    let ohlc: Vec<(&str, &str, &str, &str)> = closes.iter().map(|c| (*c, *c, *c, *c)).collect();
    series(start, Timeframe::M1, &ohlc)
}

#[test]
fn max_daily_loss_closes_and_blocks_entries_until_the_next_session() {
    // 2024-01-02 09:30 New York = 14:30Z. Buy 100 at 100; the third bar closes at 94 (−6 %).
    let mut bars = minutes("2024-01-02T14:30:00Z", &["100", "100", "94", "95", "96"]);
    bars.extend(minutes("2024-01-03T14:30:00Z", &["96", "97", "98"]));
    let mut cfg = config("10000", Timeframe::M1);
    cfg.risk.max_daily_loss_pct = Some(Pct::lit("5"));
    let plan = vec![
        (0, OrderRequest::buy(S0)),
        (3, OrderRequest::buy(S0)), // same day, halted: rejected
        (5, OrderRequest::buy(S0)), // next session: accepted
    ];
    let r = run_plan(cfg, plan, bars.clone());
    assert_eq!(
        fills(&r),
        [
            row("buy", "100", "100", "signal"),
            row("sell", "100", "95", "max_daily_loss"),
            row("buy", "97", "97", "signal"),
        ]
    );
    assert_eq!(r.fills[1].timestamp, bars[3].ts);
    assert_eq!(r.fills[2].timestamp, bars[6].ts);
    assert_eq!(r.counts.rejected, 1);
    assert!(r.halted.is_none());
}

#[test]
fn max_drawdown_halts_the_run() {
    let bars = minutes(
        "2024-01-02T14:30:00Z",
        &["100", "100", "89", "90", "120", "130"],
    );
    let mut cfg = config("10000", Timeframe::M1);
    cfg.risk.max_drawdown_pct = Some(Pct::lit("10"));
    cfg.equity_curve = EquityCurve::Bar;
    let plan = vec![
        (0, OrderRequest::buy(S0)),
        (3, OrderRequest::buy(S0)),
        (4, OrderRequest::buy(S0)),
    ];
    let r = run_plan(cfg, plan, bars.clone());
    assert_eq!(
        fills(&r),
        [
            row("buy", "100", "100", "signal"),
            row("sell", "100", "90", "max_drawdown")
        ]
    );
    let halt = r.halted.as_ref().unwrap();
    assert_eq!(
        (halt.at, halt.reason.as_str()),
        (bars[2].ts, "max_drawdown")
    );
    assert_eq!(r.counts.rejected, 2);
    // The curve goes on, flat in cash.
    assert_eq!(r.equity.len(), bars.len());
    assert_eq!(r.final_equity, Money::lit("9000"));
}

#[test]
fn flatten_at_close_and_no_fills_outside_the_session() {
    // 2024-01-02 is EST: the session closes at 21:00Z. Bars 15:58, 15:59, then after hours.
    let mut bars = minutes("2024-01-02T20:58:00Z", &["100", "101", "102", "103"]);
    bars.extend(minutes("2024-01-03T14:30:00Z", &["104", "105"]));
    let mut cfg = config("10000", Timeframe::M1);
    cfg.risk.flatten_at_close = true;
    let plan = vec![(0, OrderRequest::buy(S0)), (2, OrderRequest::buy(S0))];
    let r = run_plan(cfg, plan, bars.clone());
    assert_eq!(
        fills(&r),
        [
            row("buy", "99", "101", "signal"),
            row("sell", "99", "101", "session_close"),
            row("buy", "96", "104", "signal"),
        ]
    );
    assert_eq!(r.fills[1].timestamp, bars[1].ts);
    // Decided after hours, filled at the next session's first open.
    assert_eq!(r.fills[2].timestamp, bars[4].ts);
    // Held into the next session's close? No: the data ends first, so it stays open.
    assert_eq!(r.open_positions.len(), 1);
}

#[test]
fn flatten_at_close_on_daily_bars_is_a_day_trade() {
    let bars = series(
        "2024-01-02",
        Timeframe::D1,
        &[
            ("100", "100", "100", "100"),
            ("100", "110", "95", "105"),
            ("105", "106", "104", "104"),
        ],
    );
    // Consecutive dates in `series` are calendar days; 2024-01-02..04 are all sessions.
    let mut cfg = config("10000", Timeframe::D1);
    cfg.risk.flatten_at_close = true;
    let r = run_plan(cfg, vec![(0, OrderRequest::buy(S0))], bars);
    assert_eq!(
        fills(&r),
        [
            row("buy", "100", "100", "signal"),
            row("sell", "100", "105", "session_close")
        ]
    );
    assert_eq!(r.final_equity, Money::lit("10500"));
}
