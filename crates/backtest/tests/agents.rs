//! Agent files: the reference file is accepted exactly as written and means the reference
//! strategy; every kind of mistake is reported with file, line and field.

use domain::calendar::Calendar;
use std::path::{Path, PathBuf};

use backtest::agent::{AgentError, Costs, FillTiming};
use backtest::strategies::StrategyConfig;
use backtest::{AgentConfig, IntrabarPolicy, Pct, QuantityMode, Sizing};
use domain::{Money, Price, Quantity, Symbol, Timeframe};

const REF_SMA: &str = "id: ref_sma
symbols: [SPY]
timeframe: 1m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 10, slow: 30 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
fill: next_open
";

fn parse(text: &str) -> Result<AgentConfig, AgentError> {
    AgentConfig::parse_file(Path::new("agents/ref_sma.yaml"), text)
}

fn err(text: &str) -> AgentError {
    parse(text).expect_err("must be rejected")
}

#[test]
fn the_reference_file_is_accepted_as_written() {
    let a = parse(REF_SMA).unwrap();
    assert_eq!(a.id, "ref_sma");
    assert_eq!(a.symbols, vec![Symbol::lit("SPY")]);
    assert_eq!(a.timeframe, Timeframe::M1);
    assert_eq!(a.initial_capital, Money::lit("100000"));
    assert_eq!(
        a.strategy,
        StrategyConfig::SmaCrossover { fast: 10, slow: 30 }
    );
    assert_eq!(a.sizing, Sizing::AllCash);
    assert_eq!(a.costs, Costs::default());
    assert_eq!(a.fill, FillTiming::NextOpen);
    assert!(!a.allow_short);
    assert_eq!(a.quantity, QuantityMode::Whole);
    assert_eq!(a.intrabar, IntrabarPolicy::StopFirst);
    assert!(a.risk.default_bracket().is_none());
    a.engine(Calendar::Nyse).unwrap();
}

#[test]
fn only_the_sentiment_strategy_reads_sentiment() {
    let sma = parse(REF_SMA).unwrap();
    assert!(!sma.strategy.reads_sentiment());
    assert!(!StrategyConfig::BuyAndHold {}.reads_sentiment());
    let text = REF_SMA.replace(
        "{ kind: sma_crossover, fast: 10, slow: 30 }",
        "{ kind: technical_sentiment, fast: 10, slow: 30 }",
    );
    assert!(parse(&text).unwrap().strategy.reads_sentiment());
}

#[test]
fn every_option_parses_exactly() {
    let text = r#"id: ref_sma
description: all the knobs
symbols: [spy, QQQ]
timeframe: 1Day
initial_capital: "25000.10"
strategy:
  kind: technical_sentiment
  fast: 5
  slow: 20
  min_score: 0.2
  min_confidence: 0.6
  exit_score: -0.5
  max_age_hours: 48
  require_sentiment: true
  sources:
    news: { weight: 2 }
    reddit: { weight: 0.5, min_confidence: 0.8 }
    sec: { weight: 0 }
sizing: { kind: risk_per_trade, pct: 0.5 }
costs:
  commission_per_share: 0.005
  commission_min: 1
  commission_per_trade: 0
  commission_pct: 0.01
  slippage_ticks: 2
  tick_size: 0.01
fill: next_open
risk:
  stop_loss_pct: 2.5
  take_profit_pct: 5
  max_position_pct: 50
  max_daily_loss_pct: 3
  max_drawdown_pct: 20
  flatten_at_close: true
allow_short: true
benchmark: SPY
quantity: fractional
intrabar: finer_bars
"#;
    let a = parse(text).unwrap();
    assert_eq!(a.symbols[0].as_str(), "SPY");
    assert_eq!(a.timeframe, Timeframe::D1);
    assert_eq!(a.initial_capital.to_string(), "25000.1");
    assert_eq!(
        a.sizing,
        Sizing::RiskPerTrade {
            pct: Pct::lit("0.5")
        }
    );
    assert_eq!(a.costs.commission_per_share, Price::lit("0.005"));
    assert_eq!(a.costs.commission_pct, Pct::lit("0.01"));
    assert_eq!(a.risk.stop_loss_pct, Some(Pct::lit("2.5")));
    assert!(a.risk.flatten_at_close);
    assert_eq!(a.quantity, QuantityMode::Fractional);
    assert_eq!(a.intrabar, IntrabarPolicy::FinerBars);
    let StrategyConfig::TechnicalSentiment(ts) = &a.strategy else {
        panic!()
    };
    assert_eq!(ts.sources.reddit.min_confidence, Some(0.8));
    assert_eq!(ts.sources.sec.weight, 0.0);
    let bench = a.benchmark_agent().unwrap();
    assert_eq!(bench.strategy, StrategyConfig::BuyAndHold {});
    assert_eq!(bench.symbols, vec![Symbol::lit("SPY")]);
    a.engine(Calendar::Nyse).unwrap();
    // The JSON snapshot keeps exact decimals as strings.
    let json = a.to_json().to_string();
    assert!(json.contains("\"initial_capital\":\"25000.1\""), "{json}");
    // ... and reads back into the same agent through the same strict schema.
    let back: AgentConfig = serde_json::from_value(a.to_json()).unwrap();
    assert_eq!(back, a);

    for sizing in [
        "{ kind: percent_equity, pct: 25 }",
        "{ kind: fixed_quantity, quantity: 10 }",
        "{ kind: fixed_cash, amount: 5000 }",
    ] {
        let t = REF_SMA.replace("{ kind: all_cash }", sizing);
        parse(&t).unwrap_or_else(|e| panic!("{sizing}: {e}"));
    }
    let t = REF_SMA.replace(
        "{ kind: all_cash }",
        "{ kind: fixed_quantity, quantity: 2.5 }",
    );
    assert_eq!(
        parse(&t).unwrap().sizing,
        Sizing::FixedQuantity {
            quantity: Quantity::lit("2.5")
        }
    );
    for strategy in [
        "{ kind: ema_crossover, fast: 12, slow: 26 }",
        "{ kind: rsi_reversion, period: 14, oversold: 30, overbought: 70 }",
        "{ kind: bollinger, period: 20, k: 2, mode: breakout }",
        "{ kind: bollinger, mode: reversion }",
        "{ kind: macd, fast: 12, slow: 26, signal: 9 }",
        "{ kind: macd }",
        "{ kind: buy_and_hold }",
    ] {
        let t = REF_SMA.replace("{ kind: sma_crossover, fast: 10, slow: 30 }", strategy);
        parse(&t)
            .unwrap_or_else(|e| panic!("{strategy}: {e}"))
            .engine(Calendar::Nyse)
            .unwrap();
    }
}

/// Each mistake with the line and field the message must name.
#[test]
fn mistakes_name_file_line_and_field() {
    let cases: [(&str, &str, usize, &str, &str); 12] = [
        (
            "unknown top-level field",
            "fill: next_open\n",
            8,
            "fil",
            "fil: next_open\n",
        ),
        (
            "unknown strategy parameter",
            "strategy: { kind: sma_crossover, fast: 10, slow: 30 }",
            5,
            "strategy.fsat",
            "strategy: { kind: sma_crossover, fsat: 10, slow: 30 }",
        ),
        (
            "missing parameter",
            "strategy: { kind: sma_crossover, fast: 10, slow: 30 }",
            5,
            "strategy.slow",
            "strategy: { kind: sma_crossover, fast: 10 }",
        ),
        (
            "fast >= slow",
            "strategy: { kind: sma_crossover, fast: 10, slow: 30 }",
            5,
            "strategy.fast",
            "strategy: { kind: sma_crossover, fast: 30, slow: 10 }",
        ),
        (
            "bad symbol",
            "symbols: [SPY]",
            2,
            "symbols[0]",
            "symbols: [S P Y]",
        ),
        (
            "bad timeframe",
            "timeframe: 1m",
            3,
            "timeframe",
            "timeframe: 7x",
        ),
        (
            "unknown strategy kind",
            "kind: sma_crossover",
            5,
            "strategy.kind",
            "kind: sma_cross",
        ),
        (
            "bad money",
            "initial_capital: 100000",
            4,
            "initial_capital",
            "initial_capital: lots",
        ),
        ("id differs from file", "id: ref_sma", 1, "id", "id: other"),
        (
            "parameter of another kind",
            "strategy: { kind: sma_crossover, fast: 10, slow: 30 }",
            5,
            "strategy.period",
            "strategy: { kind: sma_crossover, fast: 10, slow: 30, period: 3 }",
        ),
        (
            "bad cost",
            "costs: { commission_per_share: 0, slippage_bps: 0 }",
            7,
            "costs.commission_per_share",
            "costs: { commission_per_share: 1.2.3, slippage_bps: 0 }",
        ),
        (
            "unknown adjustment",
            "fill: next_open\n",
            9,
            "adjustment",
            "fill: next_open\nadjustment: dividends\n",
        ),
    ];
    for (what, from, line, field, to) in cases {
        let text = REF_SMA.replace(from, to);
        assert_ne!(text, REF_SMA, "{what}: replacement did not apply");
        let e = err(&text);
        assert_eq!(e.file, PathBuf::from("agents/ref_sma.yaml"), "{what}: {e}");
        assert_eq!(e.line, Some(line), "{what}: {e}");
        assert_eq!(e.field, field, "{what}: {e}");
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("agents/ref_sma.yaml:{line}: {field}: ")),
            "{what}: {shown}"
        );
    }
}

#[test]
fn block_style_errors_point_at_the_key() {
    let text = "id: ref_sma\nsymbols:\n  - SPY\ntimeframe: 1m\ninitial_capital: 100000\nstrategy:\n  kind: sma_crossover\n  fast: 10\n  slow: 30\n  slwo: 3\n";
    let e = err(text);
    assert_eq!(
        (e.line, e.field.as_str()),
        (Some(10), "strategy.slwo"),
        "{e}"
    );
    let text = text
        .replace("  slwo: 3\n", "")
        .replace("fast: 10", "fast: 0");
    let e = err(&text);
    assert_eq!(
        (e.line, e.field.as_str()),
        (Some(8), "strategy.fast"),
        "{e}"
    );
    let text = text.replace("fast: 0", "fast: 10") + "risk:\n  stop_loss_pct: 0\n";
    let e = err(&text);
    assert_eq!(
        (e.line, e.field.as_str()),
        (Some(11), "risk.stop_loss_pct"),
        "{e}"
    );
    let text = text.replace("stop_loss_pct: 0", "stop_loss_pct: 2")
        + "sizing: { kind: all_cash, pct: 3 }\n";
    let e = err(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(12), "sizing.pct"), "{e}");
}

#[test]
fn semantic_checks() {
    let bad = [
        ("symbols: [SPY]", "symbols: [SPY, spy]", "symbols[1]"),
        (
            "initial_capital: 100000",
            "initial_capital: 0",
            "initial_capital",
        ),
        (
            "{ kind: all_cash }",
            "{ kind: risk_per_trade, pct: 1 }",
            "sizing.kind",
        ),
        (
            "{ kind: all_cash }",
            "{ kind: percent_equity, pct: 150 }",
            "sizing.pct",
        ),
        (
            "costs: { commission_per_share: 0, slippage_bps: 0 }",
            "costs: { slippage_bps: 1, slippage_ticks: 1 }",
            "costs.slippage_ticks",
        ),
        (
            "{ kind: sma_crossover, fast: 10, slow: 30 }",
            "{ kind: rsi_reversion, oversold: 80, overbought: 70 }",
            "strategy.overbought",
        ),
        (
            "{ kind: sma_crossover, fast: 10, slow: 30 }",
            "{ kind: bollinger, mode: sideways }",
            "strategy.mode",
        ),
    ];
    for (from, to, field) in bad {
        let e = err(&REF_SMA.replace(from, to));
        assert_eq!(e.field, field, "{to}: {e}");
        assert!(e.line.is_some(), "{to}: {e}");
    }
}

#[test]
fn load_and_load_dir() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("agents_load_dir");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ref_sma.yaml"), REF_SMA).unwrap();
    std::fs::write(
        dir.join("bench.yml"),
        REF_SMA.replace("id: ref_sma", "id: bench").replace(
            "{ kind: sma_crossover, fast: 10, slow: 30 }",
            "{ kind: buy_and_hold }",
        ),
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not an agent").unwrap();
    let all = backtest::agent::load_dir(&dir).unwrap();
    assert_eq!(
        all.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["bench", "ref_sma"]
    );
    assert_eq!(AgentConfig::load(dir.join("ref_sma.yaml")).unwrap(), all[1]);

    std::fs::write(dir.join("broken.yaml"), "id: broken\nsymbols: [SPY]\n").unwrap();
    let e = backtest::agent::load_dir(&dir).unwrap_err();
    assert_eq!(e.file, dir.join("broken.yaml"));
    assert_eq!(e.field, "timeframe", "{e}");
    let scanned = backtest::agent::scan_dir(&dir).unwrap();
    assert_eq!(scanned.len(), 3);
    assert_eq!(scanned.iter().filter(|(_, r)| r.is_err()).count(), 1);

    let missing = AgentConfig::load(dir.join("nope.yaml")).unwrap_err();
    assert!(missing.to_string().contains("nope.yaml"), "{missing}");
    assert!(backtest::agent::load_dir(dir.join("nowhere")).is_err());
}

#[test]
fn adjustment_is_raw_unless_asked_and_kept_in_the_snapshot_when_not() {
    let raw = parse(REF_SMA).unwrap();
    assert_eq!(raw.adjustment, domain::Adjustment::Raw);
    assert!(raw.to_json().get("adjustment").is_none());
    let all = parse(&format!("{REF_SMA}adjustment: all\n")).unwrap();
    assert_eq!(all.adjustment, domain::Adjustment::All);
    assert_eq!(all.to_json()["adjustment"], "all");
    assert_eq!(all.benchmark_agent(), None);
    let with_benchmark = parse(&format!("{REF_SMA}adjustment: split\nbenchmark: SPY\n")).unwrap();
    assert_eq!(
        with_benchmark.benchmark_agent().unwrap().adjustment,
        domain::Adjustment::Split
    );
}
