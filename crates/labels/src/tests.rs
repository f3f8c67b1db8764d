//! Tiny hand-made series where the answer is obvious.

use backtest::{IntrabarPolicy, Pct};
use domain::calendar::Calendar;
use domain::time::NANOS_PER_MINUTE;
use domain::{Bar, Money, Price, Quantity, Timeframe, UnixNanos};

use crate::params::{Level, TimeStop};
use crate::{
    Barrier, Costs, Direction, Entry, Label, LabelParams, Series, label_series, vol, weights,
};

/// 2024-01-02T14:30:00Z, 09:30 New York: the session's first minute.
const OPEN: i64 = 1_704_205_800_000_000_000;

fn at(minute: i64) -> UnixNanos {
    UnixNanos::new(OPEN + minute * NANOS_PER_MINUTE)
}

fn bar(minute: i64, o: &str, h: &str, l: &str, c: &str) -> Bar {
    let p = Price::lit;
    Bar::new(
        at(minute),
        p(o),
        p(h),
        p(l),
        p(c),
        Quantity::from_int(1),
        None,
        None,
    )
    .unwrap()
}

fn series(bars: &[Bar]) -> Series<'_> {
    Series {
        bars,
        finer: &[],
        timeframe: Timeframe::M1,
        calendar: Calendar::Nyse,
    }
}

fn pct(tp: &str, sl: &str) -> LabelParams {
    LabelParams {
        take_profit: Some(Level::Pct(Pct::lit(tp))),
        stop_loss: Some(Level::Pct(Pct::lit(sl))),
        ..LabelParams::default()
    }
}

fn long(id: i64, minute: i64) -> Entry {
    Entry {
        id,
        t0: at(minute),
        side: Some(Direction::Long),
        quantity: None,
    }
}

fn one(s: &Series<'_>, e: Entry, p: &LabelParams) -> Label {
    let out = label_series(s, &[e], p).unwrap();
    assert_eq!(out.labels.len(), 1, "{:?}", out.skipped);
    out.labels[0].clone()
}

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

fn flat(n: i64) -> Vec<Bar> {
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

fn wavy(n: i64) -> Vec<Bar> {
    (0..n)
        .map(|m| {
            let c = 100.0 + ((m * 37) % 11) as f64 * 0.25;
            let c = format!("{c}");
            let hi = format!("{}", c.parse::<f64>().unwrap() + 1.0);
            let lo = format!("{}", c.parse::<f64>().unwrap() - 1.0);
            bar(m, &c, &hi, &lo, &c)
        })
        .collect()
}

#[test]
fn volatility_barriers_read_only_the_past() {
    let bars = wavy(60);
    let p = LabelParams {
        take_profit: Some(Level::Vol(2.0)),
        stop_loss: Some(Level::Vol(1.0)),
        vol_window: 10,
        ..LabelParams::default()
    };
    let entries: Vec<Entry> = (0..59).map(|m| long(m, m)).collect();
    let full = label_series(&series(&bars), &entries, &p).unwrap();
    // The first ten signal bars have fewer than ten returns before them.
    assert_eq!(full.skipped.no_sigma, 10);
    assert_eq!(full.labels.len(), 49);
    for l in &full.labels {
        let signal = l.entry_index - 1;
        let sigma = vol::sigma(&bars, signal, 10).unwrap();
        assert_eq!(vol::sigma(&bars[..=signal], signal, 10), Some(sigma));
        // Truncated at the entry bar (or with a different future), the barriers are the same.
        let mut other = bars[..=l.entry_index].to_vec();
        other.push(bar(l.entry_index as i64 + 1, "1", "1000", "1", "1"));
        let cut = one(&series(&other), long(l.id, l.id), &p);
        assert_eq!(
            (cut.take_profit, cut.stop_loss),
            (l.take_profit, l.stop_loss)
        );
        let tp = l.take_profit.unwrap().to_f64() / l.entry_price.to_f64() - 1.0;
        assert!(
            (tp - 2.0 * sigma).abs() < 2e-9,
            "{tp} vs 2σ = {}",
            2.0 * sigma
        );
    }
}

fn span(id: i64, entry: usize, exit: usize) -> Label {
    Label {
        id,
        t0: at(0),
        side: None,
        entry_index: entry,
        exit_index: exit,
        entry_time: at(0),
        entry_price: Price::ZERO,
        take_profit: None,
        stop_loss: None,
        t1: at(0),
        exit_price: Price::ZERO,
        barrier: Barrier::Time,
        ret: 0.0,
        label: 0,
        meta_label: None,
        weight_uniqueness: 0.0,
        weight_return: 0.0,
    }
}

#[test]
fn weights_by_hand() {
    // Closes 100, 110, 121, 133.1, 133.1: log returns 0, ln 1.1, ln 1.1, ln 1.1, 0.
    let closes = ["100", "110", "121", "133.1", "133.1"];
    let bars: Vec<Bar> = closes
        .iter()
        .enumerate()
        .map(|(i, c)| bar(i as i64, c, c, c, c))
        .collect();
    // A spans bars 0..=2, B 1..=3, C 4: concurrency 1, 2, 2, 1, 1.
    let mut labels = vec![span(1, 0, 2), span(2, 1, 3), span(3, 4, 4)];
    weights::apply(&bars, &mut labels);
    let u: Vec<f64> = labels.iter().map(|l| l.weight_uniqueness).collect();
    for (got, want) in u.iter().zip([2.0 / 3.0, 2.0 / 3.0, 1.0]) {
        assert!((got - want).abs() < 1e-12, "{u:?}");
    }
    // A: 0 + l/2 + l/2 = l; B: l/2 + l/2 + l = 2l; C: 0 (l = ln 1.1) → sum 3l, scaled to 3.
    weights::normalize_returns(&mut labels);
    let w: Vec<f64> = labels.iter().map(|l| l.weight_return).collect();
    for (got, want) in w.iter().zip([1.0, 2.0, 0.0]) {
        assert!((got - want).abs() < 1e-12, "{w:?}");
    }
}

#[test]
fn no_bar_after_the_signal_is_skipped_and_bad_params_are_refused() {
    let bars = flat(3);
    let out = label_series(&series(&bars), &[long(1, 2), long(2, 5)], &pct("1", "1")).unwrap();
    assert_eq!((out.labels.len(), out.skipped.no_next_bar), (0, 2));
    assert!(label_series(&series(&bars), &[], &pct("0", "1")).is_err());
    assert!(label_series(&series(&bars), &[], &pct("1", "100")).is_err());
    let mut p = pct("1", "1");
    p.time.max_bars = Some(0);
    assert!(label_series(&series(&bars), &[], &p).is_err());
}

#[test]
fn entries_in_any_order_get_the_same_labels() {
    let bars = wavy(300);
    let p = pct("0.5", "0.5");
    let sorted: Vec<Entry> = (0..300).step_by(3).map(|m| long(m, m)).collect();
    // Reversed, and dense then far apart (past the cursor's linear walk).
    let mut mixed: Vec<Entry> = sorted.iter().rev().copied().collect();
    mixed.extend([
        long(1000, 0),
        long(1001, 250),
        long(1002, 251),
        long(1003, 2),
    ]);
    let a = label_series(&series(&bars), &sorted, &p).unwrap().labels;
    let b = label_series(&series(&bars), &mixed, &p).unwrap().labels;
    for l in &a {
        let m = b.iter().find(|x| x.id == l.id).unwrap();
        assert_eq!(
            (m.entry_index, m.exit_index, m.barrier),
            (l.entry_index, l.exit_index, l.barrier)
        );
    }
    let far = |id| b.iter().find(|x| x.id == id).unwrap().entry_index;
    assert_eq!(
        (far(1000), far(1001), far(1002), far(1003)),
        (1, 251, 252, 3)
    );
}
