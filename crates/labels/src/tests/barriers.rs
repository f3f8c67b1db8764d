//! The barrier rules: both touched under each `intrabar` rule, finer bars, gaps, shorts, the
//! time and session-close stops, costs.

use backtest::IntrabarPolicy;
use domain::calendar::Calendar;
use domain::{Bar, Money, Price, Quantity, Timeframe};

use super::{at, bar, long, one, pct, series};
use crate::params::TimeStop;
use crate::{Barrier, Costs, Direction, Entry, LabelParams, Series};

/// Signal at minute 0; entry at minute 1's open (100); minute 2 reaches 103 and 97.
fn both_touched() -> Vec<Bar> {
    vec![
        bar(0, "99", "100", "99", "100"),
        bar(1, "100", "101", "99", "100"),
        bar(2, "100", "103", "97", "100"),
        bar(3, "100", "100", "100", "100"),
    ]
}

#[test]
fn a_bar_touching_both_barriers_follows_the_intrabar_rule() {
    let bars = both_touched();
    let s = series(&bars);
    let mut p = pct("2", "2");
    let l = one(&s, long(7, 0), &p);
    assert_eq!(
        (l.barrier, l.label, l.exit_price),
        (Barrier::StopLoss, -1, Price::lit("98"))
    );
    assert_eq!(
        (l.entry_time, l.entry_price, l.t1),
        (at(1), Price::lit("100"), at(2))
    );
    assert_eq!(
        (l.take_profit, l.stop_loss),
        (Some(Price::lit("102")), Some(Price::lit("98")))
    );
    assert!((l.ret + 0.02).abs() < 1e-15);
    assert_eq!(l.meta_label, Some(0));
    p.intrabar = IntrabarPolicy::TakeProfitFirst;
    let l = one(&s, long(7, 0), &p);
    assert_eq!(
        (l.barrier, l.label, l.exit_price),
        (Barrier::TakeProfit, 1, Price::lit("102"))
    );
    assert_eq!(l.meta_label, Some(1));
}

#[test]
fn finer_bars_decide_which_barrier_came_first() {
    // Five-minute bars; the one at minute 10 reaches both 102 and 98.
    let coarse = vec![
        bar(0, "100", "100", "100", "100"),
        bar(5, "100", "101", "99", "100"),
        bar(10, "100", "103", "97", "100"),
    ];
    let finer_up = vec![
        bar(10, "100", "101", "99.5", "101"),
        bar(11, "101", "103", "100", "101"), // the take-profit first
        bar(12, "101", "101", "97", "98"),
    ];
    let finer_down = vec![
        bar(10, "100", "100", "97", "98"), // the stop first
        bar(11, "98", "103", "98", "102"),
    ];
    let mut p = pct("2", "2");
    p.intrabar = IntrabarPolicy::FinerBars;
    let run = |finer: &[Bar]| {
        let s = Series {
            bars: &coarse,
            finer,
            timeframe: Timeframe::M5,
            calendar: Calendar::Nyse,
        };
        one(&s, long(1, 0), &p)
    };
    assert_eq!(run(&finer_up).barrier, Barrier::TakeProfit);
    assert_eq!(run(&finer_down).barrier, Barrier::StopLoss);
    // No finer bars inside the coarse bar (one outside it): the stop, as the engine falls back.
    assert_eq!(
        run(&[bar(15, "100", "105", "100", "105")]).barrier,
        Barrier::StopLoss
    );
}

#[test]
fn a_gap_through_the_stop_fills_at_the_open() {
    let bars = vec![
        bar(0, "100", "100", "100", "100"),
        bar(1, "100", "101", "99", "100"),
        bar(2, "95", "96", "94", "95"),
    ];
    let l = one(&series(&bars), long(1, 0), &pct("2", "2"));
    assert_eq!(
        (l.barrier, l.exit_price),
        (Barrier::StopLoss, Price::lit("95"))
    );
}

#[test]
fn a_short_takes_profit_below() {
    let bars = vec![
        bar(0, "100", "100", "100", "100"),
        bar(1, "100", "100.5", "99", "99"),
        bar(2, "99", "99", "97.5", "98"),
    ];
    let e = Entry {
        id: 1,
        t0: at(0),
        side: Some(Direction::Short),
        quantity: None,
    };
    let l = one(&series(&bars), e, &pct("2", "2"));
    assert_eq!(
        (l.take_profit, l.stop_loss),
        (Some(Price::lit("98")), Some(Price::lit("102")))
    );
    assert_eq!(
        (l.barrier, l.label, l.exit_price, l.t1),
        (Barrier::TakeProfit, 1, Price::lit("98"), at(2))
    );
    assert!((l.ret - 0.02).abs() < 1e-15);
    // Side-less: labelled as a long, so the same path is the lower barrier, and no meta-label.
    let e = Entry { side: None, ..e };
    let l = one(&series(&bars), e, &pct("2", "2"));
    assert_eq!(
        (l.barrier, l.label, l.meta_label),
        (Barrier::StopLoss, -1, None)
    );
}

pub(super) fn flat(n: i64) -> Vec<Bar> {
    (0..n)
        .map(|m| bar(m, "100", "100.5", "99.5", "100"))
        .collect()
}

#[test]
fn the_time_stop_after_n_bars_or_minutes() {
    let bars = flat(10);
    let mut p = pct("2", "2");
    p.time = TimeStop {
        max_bars: Some(3),
        ..TimeStop::default()
    };
    let l = one(&series(&bars), long(1, 0), &p);
    // Entry bar 1 is the first of three: out at bar 3's close.
    assert_eq!(
        (l.barrier, l.label, l.t1, l.exit_index),
        (Barrier::Time, 0, at(3), 3)
    );
    assert_eq!((l.exit_price, l.ret), (Price::lit("100"), 0.0));
    p.time = TimeStop {
        max_minutes: Some(5),
        ..TimeStop::default()
    };
    // Bars starting before 1 + 5 minutes: minutes 1..=5.
    assert_eq!(one(&series(&bars), long(1, 0), &p).t1, at(5));
    p.time.max_bars = Some(2);
    assert_eq!(
        one(&series(&bars), long(1, 0), &p).t1,
        at(2),
        "the earliest barrier"
    );
    // No barrier at all: held to the end of the series.
    let l = one(&series(&bars), long(1, 0), &LabelParams::default());
    assert_eq!((l.barrier, l.t1), (Barrier::Time, at(9)));
}

#[test]
fn the_session_close_stop() {
    // 15:57..15:59 New York, then the next session's 09:30 (one day later, plus 1 minute).
    let next_day = 24 * 60 + 1;
    let bars = vec![
        bar(386, "100", "100", "100", "100"),
        bar(387, "100", "100.5", "99.5", "100"),
        bar(388, "100", "100.5", "99.5", "100.25"),
        bar(389, "100", "100.5", "99.5", "100.5"),
        bar(next_day, "110", "111", "109", "110"),
    ];
    let mut p = pct("5", "5");
    p.time.session_close = true;
    let l = one(&series(&bars), long(1, 386), &p);
    assert_eq!(
        (l.barrier, l.t1, l.exit_price),
        (Barrier::Time, at(389), Price::lit("100.5"))
    );
    // Without it, the next session's gap reaches the take-profit at its open.
    p.time.session_close = false;
    let l = one(&series(&bars), long(1, 386), &p);
    assert_eq!(
        (l.barrier, l.exit_price),
        (Barrier::TakeProfit, Price::lit("110"))
    );
}

#[test]
fn costs_move_the_entry_and_the_return() {
    let bars = vec![
        bar(0, "100", "100", "100", "100"),
        bar(1, "100", "101", "99.5", "101"),
        bar(2, "101", "103", "100", "102"),
    ];
    let mut p = pct("2", "2");
    p.costs = Costs {
        slippage_bps: Price::lit("10"),
        commission_per_trade: Money::from_price(Price::lit("1")),
        ..Costs::default()
    };
    let l = one(&series(&bars), long(1, 0), &p);
    // Entry 100 slipped 10 bp: 100.1; take-profit 2 % above it, a limit: not slipped.
    assert_eq!(l.entry_price, Price::lit("100.1"));
    assert_eq!(l.take_profit, Some(Price::lit("102.102")));
    assert_eq!(
        (l.barrier, l.exit_price),
        (Barrier::TakeProfit, Price::lit("102.102"))
    );
    // (102.102 − 100.1 − 2 × 1) / 100.1: two one-unit commissions eat most of the gain.
    assert!((l.ret - 0.002 / 100.1).abs() < 1e-15, "{}", l.ret);
    assert_eq!(l.meta_label, Some(1));
    // Ten units: the same fees weigh a tenth as much; an entry's own quantity comes first.
    let ten = Entry {
        quantity: Some(Quantity::from_int(10)),
        ..long(1, 0)
    };
    let l = one(&series(&bars), ten, &p);
    assert!((l.ret - (20.02 - 2.0) / 1001.0).abs() < 1e-15, "{}", l.ret);
    p.quantity = Quantity::from_int(10);
    let l = one(&series(&bars), long(1, 0), &p);
    assert!((l.ret - (20.02 - 2.0) / 1001.0).abs() < 1e-15, "{}", l.ret);
    // A time exit is a market order: slipped. No take-profit reached in one bar.
    p.time.max_bars = Some(1);
    p.quantity = Quantity::from_int(1);
    let l = one(&series(&bars), long(1, 0), &p);
    assert_eq!(
        (l.barrier, l.exit_price),
        (Barrier::Time, Price::lit("100.899"))
    );
}
