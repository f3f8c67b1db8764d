//! The session close and the trading day on other calendars than NYSE: an fx position is
//! flattened at 17:00 New York on Friday and may reopen on Sunday evening; an fx daily-loss halt
//! ends at 17:00 New York, not at midnight.

mod common;

use backtest::{OrderRequest, Pct};
use common::*;
use domain::calendar::Calendar;
use domain::{Bar, Timeframe};

fn bars(tf: Timeframe, start: &str, closes: &[&str]) -> Vec<Bar> {
    let ohlc: Vec<(&str, &str, &str, &str)> = closes.iter().map(|c| (*c, *c, *c, *c)).collect();
    series(start, tf, &ohlc)
}

/// Friday 2024-03-15 19:00 and 20:00 UTC (15:00 and 16:00 EDT), then Sunday 21:00 and 22:00
/// UTC, when the fx week opens at 17:00 EDT.
fn friday_to_sunday() -> Vec<Bar> {
    let mut b = bars(Timeframe::H1, "2024-03-15T19:00:00Z", &["100", "101"]);
    b.extend(bars(Timeframe::H1, "2024-03-17T21:00:00Z", &["102", "103"]));
    b
}

#[test]
fn fx_flattens_at_friday_17_00_new_york_and_fills_again_on_sunday_evening() {
    let mut cfg = config("10000", Timeframe::H1);
    cfg.calendar = Calendar::Fx;
    cfg.risk.flatten_at_close = true;
    let plan = vec![(0, OrderRequest::buy(S0)), (1, OrderRequest::buy(S0))];
    let b = friday_to_sunday();
    let r = run_plan(cfg.clone(), plan.clone(), b.clone());
    assert_eq!(
        fills(&r),
        [
            row("buy", "99", "101", "signal"),
            row("sell", "99", "101", "session_close"),
            row("buy", "98", "102", "signal"),
        ]
    );
    // The 20:00 bar ends at 17:00 EDT, the fx close; the next order fills at the week's open.
    assert_eq!(r.fills[1].timestamp, b[1].ts);
    assert_eq!(r.fills[2].timestamp, b[2].ts);
    // On NYSE the same bars are after its 16:00 close and on a Sunday: nothing fills.
    cfg.calendar = Calendar::Nyse;
    assert!(fills(&run_plan(cfg, plan, b)).is_empty());
}

#[test]
fn an_fx_daily_loss_halt_ends_at_17_00_new_york() {
    // Thursday 2024-03-14, 16:57..17:02 EDT: the fx day rolls at 21:00 UTC.
    let b = bars(
        Timeframe::M1,
        "2024-03-14T20:57:00Z",
        &["100", "100", "94", "95", "96", "97"],
    );
    let plan = vec![(0, OrderRequest::buy(S0)), (3, OrderRequest::buy(S0))];
    let run = |cal| {
        let mut cfg = config("10000", Timeframe::M1);
        cfg.calendar = cal;
        cfg.risk.max_daily_loss_pct = Some(Pct::lit("5"));
        fills(&run_plan(cfg, plan.clone(), b.clone()))
    };
    let halted = [
        row("buy", "100", "100", "signal"),
        row("sell", "100", "95", "max_daily_loss"),
    ];
    // Fx: the buy decided at 17:00 is on a new trading day, so the halt is over.
    let mut fx = halted.to_vec();
    fx.push(row("buy", "98", "96", "signal"));
    assert_eq!(run(Calendar::Fx), fx);
    // NYSE: the same New York date, still halted.
    assert_eq!(run(Calendar::Nyse), halted);
}

#[test]
fn flatten_at_close_needs_a_calendar_with_sessions() {
    let mut cfg = config("10000", Timeframe::H1);
    cfg.calendar = Calendar::None;
    assert!(!cfg.uses_calendar());
    cfg.risk.flatten_at_close = true;
    assert!(cfg.uses_calendar());
    let e = cfg.validate().unwrap_err().to_string();
    assert!(
        e.contains("risk.flatten_at_close: the none calendar"),
        "{e}"
    );
    cfg.calendar = Calendar::Crypto;
    cfg.validate().unwrap();
}
