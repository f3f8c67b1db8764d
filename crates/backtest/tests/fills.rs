//! Fill semantics: next-open market orders, limits and stops (reached or gapped through),
//! brackets and the intrabar policies, shorts, sizing, costs and position limits.

mod common;

use backtest::models::{BpsSlippage, PerShare};
use backtest::{
    Bracket, Engine, EquityCurve, Inputs, IntrabarPolicy, Offset, OrderRequest, Pct, QuantityMode,
    Side, Sizing,
};
use common::*;
use domain::{Money, Price, Quantity, Timeframe};

const T0: &str = "2024-01-02T14:30:00Z";

fn m1(ohlc: &[(&str, &str, &str, &str)]) -> Vec<domain::Bar> {
    series(T0, Timeframe::M1, ohlc)
}

#[test]
fn market_orders_fill_at_the_next_open_and_a_last_bar_signal_never_fills() {
    let bars = m1(&[
        ("10", "11", "9", "10.5"),
        ("11", "12", "10", "11.5"),
        ("12", "13", "11", "12"),
    ]);
    let mut cfg = config("1000", Timeframe::M1);
    cfg.equity_curve = EquityCurve::Bar;
    let r = run_plan(
        cfg,
        vec![(0, OrderRequest::buy(S0)), (2, OrderRequest::close(S0))],
        bars.clone(),
    );
    assert_eq!(fills(&r), [row("buy", "90", "11", "signal")]);
    assert_eq!(r.fills[0].timestamp, bars[1].ts);
    assert_eq!(r.fills[0].pnl, None);
    assert_eq!(r.counts.unfilled, 1);
    let eq: Vec<String> = r.equity.iter().map(|p| p.equity.to_string()).collect();
    assert_eq!(eq, ["1000", "1045", "1090"]);
    assert_eq!(r.final_equity, Money::lit("1090"));
    assert_eq!(r.final_cash, Money::lit("10"));
    assert_eq!(r.open_positions.len(), 1);
    assert_eq!(r.open_positions[0].mark, Price::lit("12"));
}

#[test]
fn the_strategy_sees_the_position_after_the_bars_fills() {
    let bars = m1(&[("10", "10", "10", "10"); 3]);
    let script = Script::new(vec![(0, OrderRequest::buy(S0))]);
    let seen = script.seen.clone();
    run(
        Engine::new(config("100", Timeframe::M1), Box::new(script)).unwrap(),
        bars.clone(),
    );
    let seen = seen.lock().unwrap();
    let pos: Vec<Quantity> = seen.iter().map(|s| s.2).collect();
    assert_eq!(
        pos,
        [
            Quantity::ZERO,
            Quantity::from_int(10),
            Quantity::from_int(10)
        ]
    );
    // now = the bar's close time
    assert_eq!(seen[0].0, bars[0].ts.plus(60_000_000_000));
}

#[test]
fn limits_fill_at_their_price_or_at_a_better_open() {
    let bars = m1(&[
        ("10", "10", "10", "10"),
        ("11", "12", "10", "11.5"),
        ("10", "10.5", "9", "9.8"),
    ]);
    let one =
        |p: &str, side| OrderRequest::exact(S0, side, Quantity::from_int(1)).limit(Price::lit(p));
    let cases = [
        (one("10.5", Side::Buy), row("buy", "1", "10.5", "signal"), 1),
        (one("12", Side::Buy), row("buy", "1", "11", "signal"), 1), // opened below the limit
        (one("9.5", Side::Buy), row("buy", "1", "9.5", "signal"), 2), // waits a bar
    ];
    for (order, want, bar_index) in cases {
        let r = run_plan(
            config("1000", Timeframe::M1),
            vec![(0, order)],
            bars.clone(),
        );
        assert_eq!(fills(&r), std::slice::from_ref(&want), "{want:?}");
        assert_eq!(r.fills[0].timestamp, bars[bar_index].ts);
    }
    let never = run_plan(
        config("1000", Timeframe::M1),
        vec![(0, one("5", Side::Buy))],
        bars,
    );
    assert!(never.fills.is_empty());
    assert_eq!(never.counts.unfilled, 1);
}

#[test]
fn stops_fill_at_their_price_or_at_a_worse_open() {
    let bars = m1(&[("10", "10", "10", "10"), ("11", "12", "10", "11.5")]);
    let stop =
        |p: &str| OrderRequest::exact(S0, Side::Buy, Quantity::from_int(1)).stop(Price::lit(p));
    let r = run_plan(
        config("1000", Timeframe::M1),
        vec![(0, stop("11.8"))],
        bars.clone(),
    );
    assert_eq!(fills(&r), [row("buy", "1", "11.8", "signal")]);
    let r = run_plan(
        config("1000", Timeframe::M1),
        vec![(0, stop("10.8"))],
        bars.clone(),
    );
    assert_eq!(fills(&r), [row("buy", "1", "11", "signal")]);
    // A working order can be cancelled before it fills.
    let r = run_plan(
        config("1000", Timeframe::M1),
        vec![(0, stop("20")), (0, OrderRequest::cancel(S0))],
        bars,
    );
    assert!(r.fills.is_empty());
    assert_eq!(r.counts.unfilled, 0);
}

fn bracketed(sl: &str, tp: &str) -> backtest::EngineConfig {
    let mut cfg = config("10000", Timeframe::M1);
    cfg.risk.stop_loss_pct = Some(Pct::lit(sl));
    cfg.risk.take_profit_pct = Some(Pct::lit(tp));
    cfg
}

#[test]
fn bracket_legs_and_the_intrabar_policy() {
    // Entry at 100: stop 90, target 110. Bar 2 reaches both.
    let bars = m1(&[
        ("100", "100", "100", "100"),
        ("100", "105", "95", "102"),
        ("101", "111", "89", "100"),
    ]);
    let plan = || vec![(0, OrderRequest::buy(S0))];
    let r = run_plan(bracketed("10", "10"), plan(), bars.clone());
    assert_eq!(
        fills(&r),
        [
            row("buy", "100", "100", "signal"),
            row("sell", "100", "90", "stop_loss")
        ]
    );
    assert_eq!(r.fills[1].pnl, Some(Money::lit("-1000")));
    assert_eq!(r.counts.intrabar_ambiguous, 1);
    assert_eq!((r.counts.winning, r.counts.losing), (0, 1));

    let mut tp_first = bracketed("10", "10");
    tp_first.intrabar = IntrabarPolicy::TakeProfitFirst;
    let r = run_plan(tp_first, plan(), bars.clone());
    assert_eq!(r.fills[1].reason, "take_profit");
    assert_eq!(r.fills[1].price, Price::lit("110"));

    // Gapping through the stop fills at the open, not at the stop.
    let mut gap = bars.clone();
    gap[2] = bar(gap[2].ts, "85", "86", "80", "82");
    let r = run_plan(bracketed("10", "10"), plan(), gap);
    assert_eq!(fills(&r)[1], row("sell", "100", "85", "stop_loss"));
    assert_eq!(r.counts.intrabar_ambiguous, 0);

    // An entry at the open can hit its target later in the same bar.
    let mut same = bars;
    same[1] = bar(same[1].ts, "100", "115", "99", "101");
    let r = run_plan(bracketed("10", "10"), plan(), same.clone());
    assert_eq!(fills(&r)[1], row("sell", "100", "110", "take_profit"));
    assert_eq!(r.fills[1].timestamp, same[1].ts);

    // An explicit bracket with absolute distances overrides the agent's.
    let b = Bracket {
        stop_loss: Some(Offset::Distance(Price::lit("3"))),
        take_profit: None,
    };
    let r = run_plan(
        bracketed("10", "10"),
        vec![(0, OrderRequest::buy(S0).with_bracket(b))],
        same,
    );
    assert_eq!(fills(&r)[1], row("sell", "100", "97", "stop_loss"));
}

#[test]
fn finer_bars_decide_which_leg_came_first() {
    let five = series(
        T0,
        Timeframe::M5,
        &[
            ("100", "100", "100", "100"),
            ("100", "101", "99", "100"),
            ("101", "111", "89", "100"),
        ],
    );
    // Inside the third 5-minute bar the target (110) trades before the stop (90).
    let fine_start = five[2].ts.to_rfc3339();
    let fine = series(
        &fine_start,
        Timeframe::M1,
        &[
            ("101", "105", "100", "104"),
            ("104", "111", "103", "110"),
            ("110", "110", "89", "90"),
            ("90", "95", "90", "95"),
            ("95", "100", "95", "100"),
        ],
    );
    let run_with = |policy, finer: Option<Vec<domain::Bar>>| {
        let mut cfg = bracketed("10", "10");
        cfg.timeframe = Timeframe::M5;
        cfg.intrabar = policy;
        let engine =
            Engine::new(cfg, Box::new(Script::new(vec![(0, OrderRequest::buy(S0))]))).unwrap();
        let mut inputs = Inputs::new();
        inputs.bar_vec(spy(), Timeframe::M5, five.clone());
        if let Some(f) = finer {
            inputs.bar_vec(spy(), Timeframe::M1, f);
        }
        engine.run(inputs).unwrap()
    };
    let r = run_with(IntrabarPolicy::FinerBars, Some(fine.clone()));
    assert_eq!(fills(&r)[1], row("sell", "100", "110", "take_profit"));
    assert_eq!(r.counts.finer_bars, 5);
    assert_eq!(r.counts.finer_fallbacks, 0);
    // Without finer data it falls back to the conservative choice and says so.
    let r = run_with(IntrabarPolicy::FinerBars, None);
    assert_eq!(fills(&r)[1], row("sell", "100", "90", "stop_loss"));
    assert_eq!(r.counts.finer_fallbacks, 1);
    // The stop-first policy ignores finer bars.
    let r = run_with(IntrabarPolicy::StopFirst, Some(fine));
    assert_eq!(fills(&r)[1].3, "stop_loss");
}

#[test]
fn shorts_need_allow_short() {
    let bars = m1(&[
        ("10", "10", "10", "10"),
        ("10", "10", "9", "9"),
        ("8", "8", "8", "8"),
    ]);
    let plan = || {
        vec![
            (0, OrderRequest::sell_short(S0)),
            (1, OrderRequest::close(S0)),
        ]
    };
    let r = run_plan(config("1000", Timeframe::M1), plan(), bars.clone());
    assert!(r.fills.is_empty());
    assert_eq!(r.counts.rejected, 1);
    let mut cfg = config("1000", Timeframe::M1);
    cfg.allow_short = true;
    cfg.equity_curve = EquityCurve::Bar;
    let r = run_plan(cfg, plan(), bars);
    assert_eq!(
        fills(&r),
        [
            row("short", "100", "10", "signal"),
            row("cover", "100", "8", "signal")
        ]
    );
    assert_eq!(r.fills[1].pnl, Some(Money::lit("200")));
    assert_eq!(r.final_equity, Money::lit("1200"));
    assert_eq!(r.equity[1].cash, Money::lit("2000"));
    assert_eq!(r.equity[1].equity, Money::lit("1100"));
}

#[test]
fn a_sized_order_against_a_position_reverses_it() {
    let bars = m1(&[
        ("10", "10", "10", "10"),
        ("10", "10", "10", "10"),
        ("20", "20", "20", "20"),
    ]);
    let mut cfg = config("1000", Timeframe::M1);
    cfg.allow_short = true;
    let r = run_plan(
        cfg,
        vec![
            (0, OrderRequest::buy(S0)),
            (1, OrderRequest::sell_short(S0)),
        ],
        bars,
    );
    assert_eq!(
        fills(&r),
        [
            row("buy", "100", "10", "signal"),
            row("sell", "100", "20", "signal"),
            row("short", "100", "20", "signal")
        ]
    );
}

#[test]
fn sizing_rules_at_the_fill_price() {
    let bars = m1(&[("100", "100", "100", "100"), ("100", "100", "100", "100")]);
    let qty = |sizing, mode, stop: Option<&str>| {
        let mut cfg = config("10000", Timeframe::M1);
        cfg.sizing = sizing;
        cfg.quantity = mode;
        cfg.risk.stop_loss_pct = stop.map(Pct::lit);
        let r = run_plan(cfg, vec![(0, OrderRequest::buy(S0))], bars.clone());
        r.fills[0].quantity.to_string()
    };
    let w = QuantityMode::Whole;
    assert_eq!(qty(Sizing::AllCash, w, None), "100");
    assert_eq!(
        qty(
            Sizing::PercentEquity {
                pct: Pct::lit("25")
            },
            w,
            None
        ),
        "25"
    );
    assert_eq!(
        qty(
            Sizing::FixedQuantity {
                quantity: Quantity::from_int(7)
            },
            w,
            None
        ),
        "7"
    );
    assert_eq!(
        qty(
            Sizing::FixedCash {
                amount: Money::lit("1234")
            },
            w,
            None
        ),
        "12"
    );
    // 1% of 10000 at risk over a 5% (= 5.00) stop: 20 shares.
    assert_eq!(
        qty(Sizing::RiskPerTrade { pct: Pct::lit("1") }, w, Some("5")),
        "20"
    );
    assert_eq!(
        qty(
            Sizing::FixedCash {
                amount: Money::lit("1234")
            },
            QuantityMode::Fractional,
            None
        ),
        "12.34"
    );
    let odd = m1(&[("3", "3", "3", "3"), ("3", "3", "3", "3")]);
    let r = run_plan(
        {
            let mut c = config("10", Timeframe::M1);
            c.quantity = QuantityMode::Fractional;
            c
        },
        vec![(0, OrderRequest::buy(S0))],
        odd,
    );
    assert_eq!(r.fills[0].quantity, Quantity::lit("3.33333333"));
    assert!(r.final_cash >= Money::ZERO);
}

#[test]
fn max_position_pct_caps_entries() {
    let bars = m1(&[("100", "100", "100", "100"), ("100", "100", "100", "100")]);
    let mut cfg = config("10000", Timeframe::M1);
    cfg.risk.max_position_pct = Some(Pct::lit("50"));
    let r = run_plan(
        cfg,
        vec![(0, OrderRequest::buy(S0)), (0, OrderRequest::buy(S0))],
        bars,
    );
    // The second buy finds the position already at its limit.
    assert_eq!(fills(&r), [row("buy", "50", "100", "signal")]);
    assert_eq!(r.counts.rejected, 1);
}

#[test]
fn commissions_and_slippage() {
    let bars = m1(&[
        ("10", "10", "10", "10"),
        ("10", "10", "10", "10"),
        ("10", "10", "10", "10"),
    ]);
    let fees = PerShare {
        rate: Price::lit("0.01"),
        minimum: Money::lit("1"),
    };
    let e = Engine::new(
        config("1000", Timeframe::M1),
        Box::new(Script::new(vec![(0, OrderRequest::buy(S0))])),
    )
    .unwrap()
    .with_fees(Box::new(fees));
    let r = run(e, bars.clone());
    assert_eq!(fills(&r), [row("buy", "99", "10", "signal")]);
    assert_eq!(r.fills[0].commission, Money::lit("1"));
    assert_eq!(r.final_cash, Money::lit("9"));
    assert_eq!(r.total_commission, Money::lit("1"));

    let slip = BpsSlippage {
        bps: Price::lit("10"),
    };
    let plan = vec![
        (0, OrderRequest::buy(S0)),
        (
            1,
            OrderRequest::exact(S0, Side::Sell, Quantity::from_int(1)).limit(Price::lit("9")),
        ),
    ];
    let e = Engine::new(config("1000", Timeframe::M1), Box::new(Script::new(plan)))
        .unwrap()
        .with_slippage(Box::new(slip));
    let r = run(e, bars);
    // Market buy pays 10 bps; the limit sell fills at the open (better than 9) without slippage.
    assert_eq!(
        fills(&r),
        [
            row("buy", "99", "10.01", "signal"),
            row("sell", "1", "10", "signal")
        ]
    );
}
