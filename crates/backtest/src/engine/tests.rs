//! The equity curve's resolution, the per-stamp counts, and the single-stream fast path against
//! the merge it skips.

use domain::{
    Bar, Money, Price, Quantity, SentimentLabel, SentimentRecord, SentimentSource, Symbol,
    Timeframe, UnixNanos,
};

use super::curve::NyDay;
use crate::AgentConfig;
use crate::config::{EngineConfig, EquityCurve};
use crate::error::EngineError;
use crate::feed::{Feed, Inputs};
use crate::result::BacktestResult;
use domain::calendar::Calendar;

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn bar(ts: UnixNanos, close: i64) -> Bar {
    let p = Price::from_int(close);
    Bar {
        ts,
        open: p,
        high: p,
        low: p,
        close: p,
        volume: Quantity::from_int(1),
        vwap: None,
        trade_count: None,
    }
}

/// Bars at the given instants with closes following a zigzag, so an SMA(2/4) cross trades.
fn bars_at(stamps: &[&str]) -> Vec<Bar> {
    let closes = [10, 12, 9, 8, 11, 14, 13, 9, 7, 12, 15, 10];
    stamps
        .iter()
        .enumerate()
        .map(|(i, s)| bar(t(s), closes[i % closes.len()]))
        .collect()
}

fn agent(timeframe: &str, curve: &str) -> AgentConfig {
    AgentConfig::from_yaml(&format!(
        "id: a\nsymbols: [SPY]\ntimeframe: {timeframe}\ninitial_capital: 1000\n\
         strategy: {{ kind: sma_crossover, fast: 2, slow: 4 }}\n{curve}"
    ))
    .unwrap()
}

fn run(agent: &AgentConfig, bars: &[Bar]) -> BacktestResult {
    let mut inputs = Inputs::new();
    inputs.bar_slice(Symbol::lit("SPY"), agent.timeframe, bars);
    agent.engine(Calendar::Nyse).unwrap().run(inputs).unwrap()
}

/// The same run through the heap merge and [`Engine::process`], as before the fast path.
fn run_merged(agent: &AgentConfig, bars: &[Bar]) -> BacktestResult {
    let mut engine = agent.engine(Calendar::Nyse).unwrap();
    let mut inputs = Inputs::new();
    inputs.bar_vec(Symbol::lit("SPY"), agent.timeframe, bars.to_vec());
    for item in Feed::new(&agent.symbols, agent.timeframe, Calendar::Nyse, inputs).unwrap() {
        engine.process(item.unwrap().event).unwrap();
    }
    engine.finish().unwrap()
}

// New York dates: 2024-01-02 until 05:00Z on the 3rd (EST), 2024-03-10 is 23 hours long.
const STAMPS: [&str; 12] = [
    "2024-01-02T14:30:00Z",
    "2024-01-02T20:59:00Z",
    "2024-01-03T04:59:00Z", // 23:59 on the 2nd in New York
    "2024-01-03T05:00:00Z", // midnight: the 3rd
    "2024-01-03T15:00:00Z",
    "2024-01-04T15:00:00Z",
    "2024-03-10T04:59:00Z", // 23:59 EST on the 9th
    "2024-03-10T05:00:00Z", // the 10th
    "2024-03-11T03:59:00Z", // 23:59 EDT on the 10th
    "2024-03-11T04:00:00Z", // the 11th
    "2024-03-11T15:00:00Z",
    "2024-03-11T15:01:00Z",
];

#[test]
fn session_keeps_the_first_bar_and_the_last_of_each_exchange_date() {
    let bars = bars_at(&STAMPS);
    let per_bar = run(&agent("1m", "equity_curve: bar\n"), &bars);
    let session = run(&agent("1m", ""), &bars);
    assert_eq!(per_bar.equity.len(), bars.len());
    let kept: Vec<UnixNanos> = session.equity.iter().map(|p| p.timestamp).collect();
    let want: Vec<UnixNanos> = [0, 2, 4, 5, 6, 8, 11].iter().map(|&k| bars[k].ts).collect();
    assert_eq!(kept, want);
    for p in &session.equity {
        assert!(
            per_bar.equity.contains(p),
            "{p:?} is a point of the bar curve"
        );
    }
    assert!(!session.fills.is_empty(), "the run must trade");
    // Everything but the curve is the same, the counts included.
    let mut b = per_bar.clone();
    b.equity = session.equity.clone();
    assert_eq!(b, session);
    assert_eq!(session.counts.stamps, bars.len() as u64);
    let held = per_bar.equity.iter().filter(|p| p.cash != p.equity).count() as u64;
    assert_eq!(session.counts.stamps_in_market, held);
}

#[test]
fn one_bar_is_one_point_and_daily_bars_keep_every_point() {
    let one = run(&agent("1m", ""), &bars_at(&STAMPS[..1]));
    assert_eq!(one.equity.len(), 1);
    assert_eq!(one.equity[0].equity, Money::lit("1000"));
    let days: Vec<String> = (1..=12).map(|d| format!("2024-01-{d:02}")).collect();
    let days: Vec<&str> = days.iter().map(String::as_str).collect();
    let daily = bars_at(&days);
    let session = run(&agent("1d", ""), &daily);
    assert_eq!(session.equity.len(), daily.len());
    assert_eq!(session, run(&agent("1d", "equity_curve: bar\n"), &daily));
}

#[test]
fn the_single_stream_path_equals_the_merge() {
    let bars = bars_at(&STAMPS);
    for curve in ["", "equity_curve: bar\n"] {
        let a = agent("1m", curve);
        let merged = run_merged(&a, &bars);
        assert_eq!(run(&a, &bars), merged);
        let mut inputs = Inputs::new();
        inputs.bars(
            Symbol::lit("SPY"),
            Timeframe::M1,
            bars.iter().copied().map(Ok),
        );
        let boxed: Result<_, EngineError> = a
            .engine(Calendar::Nyse)
            .unwrap()
            .run::<std::convert::Infallible>(inputs);
        assert_eq!(boxed.unwrap(), merged);
    }
}

#[test]
fn the_single_stream_path_checks_order() {
    let mut bars = bars_at(&STAMPS[..4]);
    bars.swap(2, 3);
    let a = agent("1m", "");
    let mut inputs = Inputs::new();
    inputs.bar_slice(Symbol::lit("SPY"), Timeframe::M1, &bars);
    let e = a.engine(Calendar::Nyse).unwrap().run(inputs).unwrap_err();
    assert!(matches!(e, EngineError::OutOfOrder { .. }), "{e}");
    let mut inputs = Inputs::new();
    inputs.bars(Symbol::lit("SPY"), Timeframe::M1, bars.into_iter().map(Ok));
    let e = a
        .engine(Calendar::Nyse)
        .unwrap()
        .run::<std::convert::Infallible>(inputs)
        .unwrap_err();
    assert!(e.to_string().starts_with("SPY 1m: bar at"), "{e}");
}

#[test]
fn agents_choose_the_curve() {
    assert_eq!(agent("1m", "").equity_curve, EquityCurve::Session);
    let a = agent("1m", "equity_curve: bar\n");
    assert_eq!(a.equity_curve, EquityCurve::Bar);
    assert_eq!(
        a.engine_config(Calendar::Nyse).equity_curve,
        EquityCurve::Bar
    );
    let back: AgentConfig = serde_json::from_value(a.to_json()).unwrap();
    assert_eq!(back, a);
    let e = AgentConfig::from_yaml("id: a\nsymbols: [SPY]\ntimeframe: 1m\ninitial_capital: 1\nstrategy: { kind: buy_and_hold }\nequity_curve: daily\n").unwrap_err();
    assert_eq!((e.field.as_str(), e.line), ("equity_curve", Some(6)), "{e}");
    assert!(
        e.message.contains("session") && e.message.contains("bar"),
        "{e}"
    );
    let cfg = EngineConfig::new(vec![Symbol::lit("SPY")], Timeframe::M1, Money::lit("1"));
    assert_eq!(cfg.equity_curve, EquityCurve::Session);
}

#[test]
fn a_cached_day_is_the_exchange_date() {
    let start = t("2024-03-09T12:00:00Z").as_i64();
    let step = 17 * 60 * 1_000_000_000 + 13; // 17 minutes and change, across two DST changes
    let mut day = NyDay::NONE;
    let mut at = start;
    while at < t("2024-11-04T12:00:00Z").as_i64() {
        let u = UnixNanos::new(at);
        let prev = UnixNanos::new(at - step);
        if !day.contains(u) {
            day = NyDay::of(u);
        }
        assert!(day.contains(u));
        assert_eq!(
            day.contains(prev),
            prev.exchange_date() == u.exchange_date(),
            "{u}"
        );
        at += step;
    }
}

/// Seeded bars every `step` minutes from `t0`, weekdays 14:30–21:00 UTC only, some skipped.
fn market(seed: u64, t0: &str, n: usize, step: i64) -> Vec<Bar> {
    let mut s = seed;
    let mut next = move |m: u64| {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 33) % m
    };
    let (mut ts, mut close, mut out) = (t(t0), 10_000i64, Vec::with_capacity(n));
    while out.len() < n {
        let secs = ts.as_i64() / 1_000_000_000;
        let (day, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let weekday = (day + 4).rem_euclid(7); // 0 = Sunday
        if (1..=5).contains(&weekday) && (52_200..75_600).contains(&sod) && next(100) >= 5 {
            let open = (close + next(21) as i64 - 10).max(100);
            close = (open + next(41) as i64 - 20).max(100);
            let p = |c: i64| Price::from_raw(c * 10_000_000);
            out.push(Bar {
                ts,
                open: p(open),
                high: p(open.max(close) + next(15) as i64),
                low: p(open.min(close) - next(15) as i64),
                close: p(close),
                volume: Quantity::from_int(100),
                vwap: None,
                trade_count: None,
            });
        }
        ts = ts.plus(step * 60_000_000_000);
    }
    out
}

const T0: &str = "2024-03-04T14:30:00Z";

/// Through the merge (several symbols, sentiment, finer bars, risk limits), a `session` curve
/// is the `bar` curve's first point and last point of each exchange date, and nothing else moves.
#[test]
fn session_curves_through_the_merge() {
    let head = |syms: &str, tf: &str| {
        format!("id: a\nsymbols: [{syms}]\ntimeframe: {tf}\ninitial_capital: 100000\n")
    };
    type MakeInputs = fn() -> Inputs<'static, std::convert::Infallible>;
    let cases: [(String, MakeInputs); 3] = [
        (
            head("AAA, BBB", "1m")
                + "strategy: { kind: ema_crossover, fast: 8, slow: 21 }\n\
                   sizing: { kind: percent_equity, pct: 30 }\nallow_short: true\n\
                   risk: { max_daily_loss_pct: 1, max_drawdown_pct: 30, flatten_at_close: true }\n",
            || {
                let mut i = Inputs::new();
                i.bar_vec(Symbol::lit("AAA"), Timeframe::M1, market(1, T0, 3000, 1));
                i.bar_vec(Symbol::lit("BBB"), Timeframe::M1, market(2, T0, 2500, 1));
                i
            },
        ),
        (
            head("AAA", "5m")
                + "strategy: { kind: technical_sentiment, fast: 5, slow: 12, min_score: 0.1 }\n",
            || {
                let mut i = Inputs::new();
                i.bar_vec(Symbol::lit("AAA"), Timeframe::M5, market(3, T0, 1500, 5));
                i.sentiment((0..200u8).map(|k| {
                    let score = f64::from(k % 21) / 10.0 - 1.0;
                    SentimentRecord {
                        symbol: Symbol::lit("AAA"),
                        ts: t(T0).plus(i64::from(k) * 47 * 60_000_000_000),
                        source: SentimentSource::ALL[k as usize % 3],
                        label: SentimentLabel::from_score(score, 0.1),
                        score,
                        confidence: 0.9,
                        metadata: serde_json::Value::Null,
                    }
                }));
                i
            },
        ),
        (
            head("AAA", "5m")
                + "strategy: { kind: sma_crossover, fast: 4, slow: 12 }\n\
                   risk: { stop_loss_pct: 0.3, take_profit_pct: 0.3 }\nintrabar: finer_bars\n",
            || {
                let fine = market(4, T0, 5000, 1);
                let coarse = fine
                    .chunk_by(|a, b| {
                        a.ts.as_i64() / 300_000_000_000 == b.ts.as_i64() / 300_000_000_000
                    })
                    .map(|c| Bar {
                        ts: UnixNanos::new(c[0].ts.as_i64() / 300_000_000_000 * 300_000_000_000),
                        open: c[0].open,
                        high: c.iter().map(|b| b.high).max().unwrap(),
                        low: c.iter().map(|b| b.low).min().unwrap(),
                        close: c[c.len() - 1].close,
                        ..c[0]
                    })
                    .collect();
                let mut i = Inputs::new();
                i.bar_vec(Symbol::lit("AAA"), Timeframe::M5, coarse);
                i.bar_vec(Symbol::lit("AAA"), Timeframe::M1, fine);
                i
            },
        ),
    ];
    for (yaml, inputs) in cases {
        let run = |curve: &str| {
            let a = AgentConfig::from_yaml(&format!("{yaml}equity_curve: {curve}\n")).unwrap();
            a.engine(Calendar::Nyse).unwrap().run(inputs()).unwrap()
        };
        let (per_bar, session) = (run("bar"), run("session"));
        assert!(per_bar.fills.len() > 10, "{yaml}: the run must trade");
        let last_of_date = |k: usize| {
            let p = per_bar.equity.get(k + 1);
            p.is_none_or(|p| {
                p.timestamp.exchange_date() != per_bar.equity[k].timestamp.exchange_date()
            })
        };
        let want: Vec<_> = (0..per_bar.equity.len())
            .filter(|&k| k == 0 || last_of_date(k))
            .map(|k| per_bar.equity[k])
            .collect();
        assert!(want.len() < per_bar.equity.len() / 10, "{yaml}");
        assert_eq!(session.equity, want, "{yaml}");
        assert_eq!(per_bar.counts.stamps, per_bar.equity.len() as u64, "{yaml}");
        let mut b = per_bar.clone();
        b.equity = session.equity.clone();
        assert_eq!(b, session, "{yaml}");
    }
}
