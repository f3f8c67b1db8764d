//! The merged feed: clear errors for bad inputs, one strict order across symbols and kinds,
//! no look-ahead for sentiment, and byte-identical results.

mod common;

use domain::calendar::Calendar;
use std::sync::{Arc, Mutex};

use backtest::strategies::{SourceRules, StrategyConfig, TechnicalSentimentConfig};
use backtest::{
    AgentConfig, Context, Engine, EngineConfig, EngineError, EquityCurve, Event, Inputs,
    OrderRequest, Strategy, SymbolId,
};
use common::*;
use domain::{
    Bar, Money, SentimentLabel, SentimentRecord, SentimentSource, Symbol, Timeframe, UnixNanos,
};

fn qqq() -> Symbol {
    Symbol::lit("QQQ")
}

fn flat(start: &str, n: usize) -> Vec<Bar> {
    series(start, Timeframe::M1, &vec![("10", "10", "10", "10"); n])
}

fn record(
    symbol: Symbol,
    ts: UnixNanos,
    source: SentimentSource,
    score: f64,
    confidence: f64,
) -> SentimentRecord {
    SentimentRecord::new(
        symbol,
        ts,
        source,
        SentimentLabel::from_score(score, 0.05),
        score,
        confidence,
        serde_json::Value::Null,
    )
    .unwrap()
}

fn engine(symbols: Vec<Symbol>) -> Engine {
    Engine::new(
        EngineConfig::new(symbols, Timeframe::M1, Money::lit("1000")),
        Box::new(Script::new(vec![])),
    )
    .unwrap()
}

#[derive(Debug)]
struct Broken;
impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("disk on fire")
    }
}
impl std::error::Error for Broken {}

#[test]
fn bad_inputs_are_clear_errors() {
    const T0: &str = "2024-01-02T14:30:00Z";
    let err = |inputs: Inputs<'_, std::convert::Infallible>, symbols: Vec<Symbol>| {
        engine(symbols).run(inputs).unwrap_err()
    };
    let mut i = Inputs::new();
    i.bar_vec(qqq(), Timeframe::M1, flat(T0, 3));
    let e = err(i, vec![spy()]);
    assert!(matches!(e, EngineError::UnknownSymbol { .. }), "{e}");
    assert!(
        e.to_string().contains("\"QQQ\"") && e.to_string().contains("SPY"),
        "{e}"
    );

    let mut i = Inputs::new();
    i.bar_vec(spy(), Timeframe::M1, flat(T0, 3));
    let e = err(i, vec![spy(), qqq()]);
    assert_eq!(e.to_string(), "no 1m bar stream was given for QQQ");

    let mut i = Inputs::new();
    i.bar_vec(spy(), Timeframe::M1, vec![]);
    let e = err(i, vec![spy()]);
    assert_eq!(e.to_string(), "no 1m bars for SPY in the requested range");

    let mut i = Inputs::new();
    i.bar_vec(spy(), Timeframe::M1, flat(T0, 3));
    i.sentiment([record(qqq(), t(T0), SentimentSource::News, 0.5, 0.9)]);
    assert!(matches!(
        err(i, vec![spy()]),
        EngineError::UnknownSymbol {
            what: "sentiment record",
            ..
        }
    ));

    for bars in [
        {
            let mut b = flat(T0, 3);
            b.swap(1, 2);
            b
        },
        {
            let mut b = flat(T0, 3);
            b[2].ts = b[1].ts;
            b
        },
    ] {
        let mut i = Inputs::new();
        i.bar_vec(spy(), Timeframe::M1, bars);
        let e = err(i, vec![spy()]);
        assert!(matches!(e, EngineError::OutOfOrder { .. }), "{e}");
        assert!(e.to_string().starts_with("SPY 1m: bar at"), "{e}");
    }

    let mut i = Inputs::new();
    i.bar_vec(spy(), Timeframe::M1, flat(T0, 3));
    i.bar_vec(spy(), Timeframe::M5, flat(T0, 3));
    assert!(matches!(err(i, vec![spy()]), EngineError::Timeframe { .. }));

    let mut i: Inputs<'_, Broken> = Inputs::new();
    let bars = flat(T0, 2);
    i.bars(
        spy(),
        Timeframe::M1,
        bars.into_iter().map(Ok).chain(std::iter::once(Err(Broken))),
    );
    let e = engine(vec![spy()]).run(i).unwrap_err();
    assert_eq!(e.to_string(), "reading SPY 1m bars: disk on fire");

    // Through `process`, the clock refuses to go back.
    let mut e = engine(vec![spy()]);
    let b = flat(T0, 2);
    let ev = |bar: Bar| Event::Bar {
        symbol: S0,
        timeframe: Timeframe::M1,
        bar,
    };
    e.process(ev(b[1])).unwrap();
    let back = e.process(ev(b[0])).unwrap_err();
    assert!(
        matches!(back, EngineError::TimeWentBackwards { .. }),
        "{back}"
    );
    let unknown = e.process(Event::Bar {
        symbol: SymbolId(7),
        timeframe: Timeframe::M1,
        bar: b[1],
    });
    assert!(matches!(unknown, Err(EngineError::UnknownSymbol { .. })));
    assert!(matches!(
        engine(vec![spy()]).finish(),
        Err(EngineError::NoBars { .. })
    ));
}

#[test]
fn symbols_replay_in_one_order_with_one_equity_point_per_timestamp() {
    let spy_bars = flat("2024-01-02T14:30:00Z", 3);
    let qqq_bars = flat("2024-01-02T14:31:00Z", 3); // one bar later, so 4 timestamps in all
    let script = Script::new(vec![
        (0, OrderRequest::buy(SymbolId(1))),
        (1, OrderRequest::buy(S0)),
    ]);
    let seen = script.seen.clone();
    let mut cfg = EngineConfig::new(vec![spy(), qqq()], Timeframe::M1, Money::lit("1000"));
    cfg.equity_curve = EquityCurve::Bar;
    let e = Engine::new(cfg, Box::new(script)).unwrap();
    let mut inputs = Inputs::new();
    // Given in the "wrong" order: the run's symbol order breaks ties.
    inputs.bar_vec(qqq(), Timeframe::M1, qqq_bars.clone());
    inputs.bar_vec(spy(), Timeframe::M1, spy_bars.clone());
    let r = e.run(inputs).unwrap();
    let order: Vec<(i64, u32)> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(now, s, _)| (now.as_i64(), s.0))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(order.len(), 6);
    assert_eq!(r.equity.len(), 4);
    assert_eq!(r.counts.stamps, 4);
    assert_eq!(r.equity[0].timestamp, spy_bars[0].ts);
    assert_eq!(r.equity[3].timestamp, qqq_bars[2].ts);
    // A buy of QQQ decided on SPY's first bar fills at QQQ's first bar (which opens after it).
    assert_eq!(r.fills[0].symbol, qqq());
    assert_eq!(r.fills[0].timestamp, qqq_bars[0].ts);
    assert_eq!(r.counts.bars, 6);
}

/// (bar close, newest sentiment stamp shown so far) per bar.
type Log = Arc<Mutex<Vec<(UnixNanos, Option<UnixNanos>)>>>;

/// Records, at each bar, the newest sentiment stamp it has been shown.
struct Watcher {
    newest: Option<UnixNanos>,
    log: Log,
}

impl Strategy for Watcher {
    fn on_bar(&mut self, ctx: &Context<'_>, _: SymbolId, _: &Bar, _: &mut Vec<OrderRequest>) {
        self.log.lock().unwrap().push((ctx.now(), self.newest));
    }
    fn on_sentiment(
        &mut self,
        ctx: &Context<'_>,
        _: SymbolId,
        r: &SentimentRecord,
        _: &mut Vec<OrderRequest>,
    ) {
        assert!(r.ts <= ctx.now());
        self.newest = Some(r.ts);
    }
}

#[test]
fn sentiment_is_seen_only_after_its_stamp() {
    // Daily bars: the 2024-01-02 bar closes at 21:00Z. News at 20:00Z counts for that close,
    // news at 22:00Z only for the next one.
    let bars = series(
        "2024-01-02",
        Timeframe::D1,
        &[("10", "10", "10", "10"), ("10", "10", "10", "10")],
    );
    let log = Arc::default();
    let w = Watcher {
        newest: None,
        log: Arc::clone(&log),
    };
    let e = Engine::new(
        EngineConfig::new(vec![spy()], Timeframe::D1, Money::lit("1000")),
        Box::new(w),
    )
    .unwrap();
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), Timeframe::D1, bars);
    let (a, b) = (t("2024-01-02T20:00:00Z"), t("2024-01-02T22:00:00Z"));
    inputs.sentiment([
        record(spy(), b, SentimentSource::Reddit, -0.4, 0.7),
        record(spy(), a, SentimentSource::News, 0.3, 0.9),
    ]);
    let r = e.run(inputs).unwrap();
    assert_eq!(r.counts.sentiment, 2);
    let log = log.lock().unwrap();
    assert_eq!(log[0], (t("2024-01-02T21:00:00Z"), Some(a)));
    assert_eq!(log[1], (t("2024-01-03T21:00:00Z"), Some(b)));
}

/// Deterministic synthetic market with news, reddit and SEC sentiment (fixed-seed LCG).
fn synthetic_market(seed: u64) -> (Vec<Bar>, Vec<SentimentRecord>) {
    let mut s = seed;
    let mut next = move || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 33) as f64 / (1u64 << 31) as f64
    };
    let t0 = t("2024-01-02T14:30:00Z");
    let mut close = 10_000i64;
    let mut bars = Vec::new();
    let mut records = Vec::new();
    for i in 0..6_000 {
        let ts = t0.plus(i * 60_000_000_000);
        let open = close;
        close = (open + (next() * 41.0) as i64 - 20).max(100);
        let (hi, lo) = (open.max(close) + 3, open.min(close) - 3);
        let p = |c: i64| domain::Price::from_raw(c * 10_000_000);
        bars.push(
            Bar::new(
                ts,
                p(open),
                p(hi),
                p(lo),
                p(close),
                domain::Quantity::from_int(1000),
                None,
                None,
            )
            .unwrap(),
        );
        if i % 7 == 3 {
            let source = SentimentSource::ALL[(i / 7) as usize % 3];
            let score = ((next() * 2.0 - 1.0) * 1000.0).round() / 1000.0;
            let confidence = (next() * 1000.0).round() / 1000.0;
            records.push(record(
                spy(),
                ts.plus(30_000_000_000),
                source,
                score,
                confidence,
            ));
        }
    }
    (bars, records)
}

fn sentiment_agent(strategy: StrategyConfig) -> AgentConfig {
    let mut a = AgentConfig::from_yaml(
        "id: ts\nsymbols: [SPY]\ntimeframe: 1m\ninitial_capital: 100000\nstrategy: { kind: sma_crossover, fast: 10, slow: 30 }\n",
    )
    .unwrap();
    a.strategy = strategy;
    a
}

fn run_agent(
    a: &AgentConfig,
    bars: &[Bar],
    records: &[SentimentRecord],
) -> backtest::BacktestResult {
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), Timeframe::M1, bars.to_vec());
    inputs.sentiment(records.to_vec());
    a.engine(Calendar::Nyse).unwrap().run(inputs).unwrap()
}

#[test]
fn technical_sentiment_confirms_and_vetoes_on_seeded_data() {
    let (bars, records) = synthetic_market(2024);
    for src in SentimentSource::ALL {
        assert!(records.iter().any(|r| r.source == src), "{src:?} records");
    }
    let ts = run_agent(&sentiment_agent(ts_config()), &bars, &records);
    let sma = run_agent(
        &sentiment_agent(StrategyConfig::SmaCrossover { fast: 10, slow: 30 }),
        &bars,
        &records,
    );
    let diag = ts.strategy.clone().unwrap();
    let n = |k: &str| diag[k].as_u64().unwrap();
    assert!(n("confirmed") > 0 && n("vetoed") > 0, "{diag}");
    let entries = |r: &backtest::BacktestResult| {
        r.fills
            .iter()
            .filter(|f| f.action == backtest::Action::Buy)
            .count()
    };
    assert!(entries(&ts) > 0);
    assert!(entries(&ts) < entries(&sma), "vetoes must remove entries");
    assert_eq!(ts.counts.sentiment, records.len() as u64);
    // Same inputs, same bytes.
    let again = run_agent(&sentiment_agent(ts_config()), &bars, &records);
    let once = run_agent(&sentiment_agent(ts_config()), &bars, &records);
    assert_eq!(again.to_json(), once.to_json());
    // Weights matter: ignoring every source but SEC changes the decisions.
    let mut sec_only = ts_config_inner();
    sec_only.sources.news.weight = 0.0;
    sec_only.sources.reddit.weight = 0.0;
    let sec = run_agent(
        &sentiment_agent(StrategyConfig::TechnicalSentiment(sec_only)),
        &bars,
        &records,
    );
    assert_ne!(sec.fills, ts.fills);
}

fn ts_config_inner() -> TechnicalSentimentConfig {
    TechnicalSentimentConfig {
        fast: 10,
        slow: 30,
        min_score: 0.1,
        min_confidence: 0.3,
        exit_score: Some(-0.8),
        max_age_hours: Some(2),
        require_sentiment: false,
        sources: SourceRules::default(),
    }
}

fn ts_config() -> StrategyConfig {
    StrategyConfig::TechnicalSentiment(ts_config_inner())
}

#[test]
fn every_builtin_runs_deterministically() {
    let (bars, records) = synthetic_market(7);
    use backtest::strategies::BollingerMode;
    for strategy in [
        StrategyConfig::SmaCrossover { fast: 10, slow: 30 },
        StrategyConfig::EmaCrossover { fast: 12, slow: 26 },
        StrategyConfig::RsiReversion {
            period: 14,
            oversold: 30.0,
            overbought: 70.0,
            cooldown_bars: 0,
        },
        StrategyConfig::Bollinger {
            period: 20,
            k: 2.0,
            mode: BollingerMode::Breakout,
            cooldown_bars: 0,
        },
        StrategyConfig::Bollinger {
            period: 20,
            k: 2.0,
            mode: BollingerMode::Reversion,
            cooldown_bars: 0,
        },
        StrategyConfig::Macd {
            fast: 12,
            slow: 26,
            signal: 9,
        },
        StrategyConfig::BuyAndHold {},
        ts_config(),
    ] {
        for short in [false, true] {
            let mut a = sentiment_agent(strategy.clone());
            a.allow_short = short;
            let one = run_agent(&a, &bars, &records);
            let two = run_agent(&a, &bars, &records);
            assert_eq!(one.to_json(), two.to_json(), "{}", strategy.kind());
            assert!(
                !one.fills.is_empty(),
                "{} short={short} never traded",
                strategy.kind()
            );
            if short && !matches!(strategy, StrategyConfig::BuyAndHold {}) {
                assert!(
                    one.fills
                        .iter()
                        .any(|f| f.action == backtest::Action::Short),
                    "{} never shorted",
                    strategy.kind()
                );
            }
        }
    }
}
