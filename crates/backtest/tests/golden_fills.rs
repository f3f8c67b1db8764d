//! The engine against the golden fills of the exact Python reference (scripts/peers/reference.py,
//! all integers), trade for trade, on the five datasets of scripts/peers/golden: the LEAN SPY
//! daily file, a week of LEAN SPY minutes (pre- and after-market rows included), and 10k, 100k
//! and 1M synthetic minutes from a byte-exact port of synth.py ([`support::synth`]).
//!
//! Each dataset test first proves it feeds the engine the very bytes the reference read
//! (sha256 against the summary's `input_sha256`), then runs the `ref_sma` agent and requires:
//! the fills CSV line for line (bar index, time, action, quantity, price), its sha256, the fill
//! count, the final cash, position and equity. The engine and the reference share no code;
//! tests/reference.rs is a second, in-Rust reference on more files.

#[allow(dead_code)]
mod support;

use domain::calendar::Calendar;
use std::time::Instant;

use backtest::{AgentConfig, Inputs};
use domain::{Money, Quantity, Symbol};

use support::{Golden, assert_same_lines, fills_csv, load_bars, sha256_hex, synth};

const REF_SMA: &str = "id: ref_sma
symbols: [SPY]
timeframe: 1m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 10, slow: 30 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
fill: next_open
";

/// Runs the reference agent on `text` (the dataset's CSV bytes) and compares with the golden files.
fn check(name: &str, timeframe: &str, text: &str) {
    let golden = Golden::read(name);
    assert_eq!(
        sha256_hex(text.as_bytes()),
        golden.input_sha256,
        "{name}: input is not the data the reference read"
    );
    let t0 = Instant::now();
    let bars = load_bars(name, text);
    assert_eq!(bars.len(), golden.bars, "{name}: bar count");

    let yaml = REF_SMA.replace("timeframe: 1m", &format!("timeframe: {timeframe}"));
    let agent = AgentConfig::from_yaml(&yaml).unwrap();
    let mut inputs = Inputs::new();
    inputs.bar_vec(Symbol::lit("SPY"), agent.timeframe, bars.clone());
    let t1 = Instant::now();
    let result = agent
        .engine(Calendar::Nyse)
        .unwrap()
        .run(inputs)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let t2 = Instant::now();

    assert_eq!(
        result.counts.bars,
        bars.len() as u64,
        "{name}: bars processed"
    );
    assert!(result.halted.is_none(), "{name}: {:?}", result.halted);
    for f in &result.fills {
        assert_eq!(f.commission, Money::ZERO, "{name}: zero costs");
        assert_eq!(f.reason, "signal", "{name}: only signal fills");
    }
    let got = fills_csv(&bars, &result);
    if let Some(want) = &golden.fills_text {
        assert_same_lines(name, &got, want);
    }
    assert_eq!(result.fills.len(), golden.fills, "{name}: fill count");
    assert_eq!(
        sha256_hex(got.as_bytes()),
        golden.fills_sha256,
        "{name}: fills sha256"
    );
    assert_eq!(result.final_cash, golden.final_cash, "{name}: final cash");
    let position: Quantity = result.open_positions.iter().map(|p| p.quantity).sum();
    assert_eq!(
        position,
        Quantity::from_int(golden.final_position),
        "{name}: final position"
    );
    assert_eq!(
        result.final_equity, golden.final_equity,
        "{name}: final equity"
    );
    eprintln!(
        "{name}: {} bars, {} fills, {} exact ties, final equity {} — load {:.2?}, engine {:.2?}",
        bars.len(),
        result.fills.len(),
        golden.exact_ties,
        result.final_equity,
        t1 - t0,
        t2 - t1
    );
}

fn shared_csv(rel: &str) -> String {
    let path = support::shared_data().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn synth_port_reproduces_the_readme_test_vector() {
    // scripts/peers/README.md, "Synthetic data test vector (seed 42)".
    let head = "timestamp,open,high,low,close,volume
2024-01-02T14:30:00Z,100.00,100.02,100.00,100.02,350
2024-01-02T14:31:00Z,100.01,100.03,99.99,100.00,174
2024-01-02T14:32:00Z,100.01,100.06,100.00,100.04,756
";
    assert_eq!(synth::csv(3, 42), head);
    assert!(synth::csv(10_000, 42).starts_with(head));
    assert_eq!(
        sha256_hex(synth::csv(10_000, 42).as_bytes()),
        "a5c659d98218bdb577e226f0ca3757a359a1a19884296c7c5f88bf4848d2dcf4"
    );
    assert_eq!(
        sha256_hex(synth::csv(100_000, 42).as_bytes()),
        "8b7cd7627320ecfd9a46c057ef5506df2ee19d5e893d2eafa97ce28fe248c74f"
    );
    // The seed matters: another seed gives other bars from the first one.
    assert_ne!(synth::csv(1, 43), synth::csv(1, 42));
}

#[test]
fn spy_daily_matches_the_golden_fills() {
    check("spy_daily", "1d", &shared_csv("daily/lean_spy_daily.csv"));
}

#[test]
fn spy_1min_matches_the_golden_fills() {
    let text = shared_csv("intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv");
    check("spy_1min", "1m", &text);
}

#[test]
fn synth_10k_matches_the_golden_fills() {
    check("synth_10k", "1m", &synth::csv(10_000, 42));
}

#[test]
fn synth_100k_matches_the_golden_fills() {
    check("synth_100k", "1m", &synth::csv(100_000, 42));
}

/// 38,510 fills over a million minutes with 2,850 exact ties; the slowest case in a debug build.
#[test]
fn synth_1m_matches_the_golden_fills() {
    let t = Instant::now();
    let text = synth::csv(1_000_000, 42);
    eprintln!(
        "synth_1m: generated {} bytes in {:.2?}",
        text.len(),
        t.elapsed()
    );
    check("synth_1m", "1m", &text);
}
