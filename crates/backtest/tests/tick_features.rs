//! Tick features in the engine: `cvd` and `obi` read at each bar's close from the timeline the
//! caller supplies per symbol, recorded with the bar features, and gating entries through
//! `filters: ["obi > 0"]`; a symbol without ticks has no values, so such a filter lets nothing in.

mod common;
#[allow(dead_code)]
mod support;

use backtest::features::{Feature, TickTimeline};
use backtest::{AgentConfig, BacktestResult, EngineError, Inputs};
use domain::calendar::Calendar;
use domain::{Bar, Price, Quantity, QuoteTick, Timeframe, TradeTick, UnixNanos};

use common::spy;

const SECOND: i64 = 1_000_000_000;

use support::{sma_agent as agent, spy_week};

fn run(agent: &AgentConfig, bars: &[Bar], ticks: Option<TickTimeline>) -> BacktestResult {
    let engine = agent.engine(Calendar::Nyse).unwrap();
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), Timeframe::parse("1m").unwrap(), bars.to_vec());
    if let Some(t) = ticks {
        inputs.tick_features(spy(), t);
    }
    engine.run(inputs).unwrap()
}

/// The bid and ask sizes of bar `i`'s quote: more bid than ask in 3 bars of every 7.
fn sizes(i: usize) -> (u32, u32) {
    if i % 7 < 3 {
        (300 + i as u32 % 5, 100)
    } else {
        (100, 200 + i as u32 % 3)
    }
}

/// One quote 30 s into each bar (bid at the bar's low, ask a cent above) and one trade 40 s in
/// at the ask, 10 shares: a buy by the quote rule.
fn ticks(bars: &[Bar]) -> (Vec<QuoteTick>, Vec<TradeTick>) {
    let cent = Price::parse("0.01").unwrap();
    let qty = |n: u32| Quantity::parse(&n.to_string()).unwrap();
    let mut quotes = Vec::new();
    let mut trades = Vec::new();
    for (i, b) in bars.iter().enumerate() {
        let (bid_size, ask_size) = sizes(i);
        let ask = b.low.checked_add(cent).unwrap();
        quotes.push(QuoteTick {
            ts: UnixNanos::new(b.ts.as_i64() + 30 * SECOND),
            bid: b.low,
            ask,
            bid_size: qty(bid_size),
            ask_size: qty(ask_size),
            bid_exchange: String::new(),
            ask_exchange: String::new(),
            conditions: Vec::new(),
            suspicious: false,
        });
        trades.push(TradeTick {
            ts: UnixNanos::new(b.ts.as_i64() + 40 * SECOND),
            price: ask,
            size: qty(10),
            exchange: String::new(),
            conditions: Vec::new(),
            trade_id: None,
            suspicious: false,
        });
    }
    (quotes, trades)
}

fn obi(i: usize) -> f64 {
    let (b, a) = sizes(i);
    (f64::from(b) - f64::from(a)) / (f64::from(b) + f64::from(a))
}

#[test]
fn tick_features_are_read_at_each_close_and_gate_entries() {
    let bars = spy_week();
    let (quotes, trades) = ticks(&bars);
    let timeline = TickTimeline::build(Calendar::Nyse, &quotes, &trades);
    let free = run(
        &agent("features: [obi, cvd]\n"),
        &bars,
        Some(timeline.clone()),
    );
    let frame = free.features.as_ref().unwrap();
    assert_eq!(frame.features.as_slice(), &[Feature::Cvd, Feature::Obi]);
    assert_eq!(frame.len(), bars.len());
    // The CVD counts the day's trades so far: 10 shares a bar since the day's first bar.
    let mut day_bars = 0.0;
    for (r, b) in bars.iter().enumerate() {
        let new_day = r == 0 || bars[r - 1].ts.exchange_date() != b.ts.exchange_date();
        day_bars = if new_day { 1.0 } else { day_bars + 1.0 };
        assert_eq!(
            frame.row(r),
            &[Some(10.0 * day_bars), Some(obi(r))],
            "bar {r}"
        );
    }

    let gated = run(
        &agent("features: [obi, cvd]\nfilters: [\"obi > 0\"]\n"),
        &bars,
        Some(timeline),
    );
    let buys = |r: &BacktestResult| {
        r.fills
            .iter()
            .filter(|f| f.action.as_str() == "buy")
            .map(|f| f.timestamp)
            .collect::<Vec<_>>()
    };
    let (free_buys, gated_buys) = (buys(&free), buys(&gated));
    assert!(!gated_buys.is_empty() && gated_buys.len() < free_buys.len());
    // Each gated entry was decided at the bar before its fill, where the book leaned to the bid.
    for ts in gated_buys {
        let r = bars.iter().position(|b| b.ts == ts).unwrap() - 1;
        assert!(obi(r) > 0.0, "entry decided at bar {r}");
    }
}

#[test]
fn without_ticks_the_values_are_none_and_a_filter_fails_closed() {
    let bars = spy_week();
    let a = agent("features: [vwap, obi]\nfilters: [\"obi > -1\"]\n");
    let r = run(&a, &bars, None);
    let frame = r.features.as_ref().unwrap();
    assert!((0..frame.len()).all(|i| frame.row(i)[1].is_none()));
    assert!(
        frame.row(frame.len() - 1)[0].is_some(),
        "bar features still computed"
    );
    assert!(r.fills.is_empty(), "no entry without the book's imbalance");
    assert!(r.strategy.unwrap()["entries_filtered"].as_u64().unwrap() > 0);
}

#[test]
fn a_timeline_for_a_symbol_the_run_does_not_trade_is_refused() {
    let bars = spy_week();
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), Timeframe::parse("1m").unwrap(), bars);
    inputs.tick_features("QQQ".parse().unwrap(), TickTimeline::default());
    let e = agent("features: [cvd]\n")
        .engine(Calendar::Nyse)
        .unwrap()
        .run(inputs)
        .unwrap_err();
    assert!(
        matches!(
            e,
            EngineError::UnknownSymbol {
                what: "tick features",
                ..
            }
        ),
        "{e}"
    );
}
