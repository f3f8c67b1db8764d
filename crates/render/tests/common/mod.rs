//! A store with bars and saved runs for the report's tests.
#![allow(dead_code)]

use app::run;
use app::time::Window;
use backtest::AgentConfig;
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};
use store::Store;

pub const DAY: i64 = 86_400_000_000_000;

pub fn bar(i: usize, p: i64) -> Bar {
    let t0 = UnixNanos::parse_rfc3339("2023-01-02T00:00:00Z").unwrap();
    let (o, c) = (Price::from_int(p), Price::from_int(p + 1));
    Bar {
        ts: t0.plus(i as i64 * DAY),
        open: o,
        high: Price::from_int(p + 3),
        low: Price::from_int(p - 2),
        close: c,
        volume: Quantity::from_int(1000),
        vwap: None,
        trade_count: None,
    }
}

/// 400 daily bars of SPY (a wave, so a crossover trades) and 400 of a flat QQQ.
pub fn store() -> (tempfile::TempDir, Box<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    let mut s = store::open_migrated(&url).unwrap();
    let spy: Vec<Bar> = (0..400)
        .map(|i| bar(i, 100 + ((i as i64 * 7) % 40) - 20 + i as i64 / 10))
        .collect();
    let qqq: Vec<Bar> = (0..400).map(|i| bar(i, 50)).collect();
    s.upsert_bars(&Symbol::new("SPY").unwrap(), Timeframe::D1, &spy)
        .unwrap();
    s.upsert_bars(&Symbol::new("QQQ").unwrap(), Timeframe::D1, &qqq)
        .unwrap();
    (dir, s)
}

pub fn agent(id: &str, symbol: &str, strategy: &str) -> AgentConfig {
    AgentConfig::from_yaml(&format!(
        "id: {id}\ndescription: \"<script>alert('{id}')</script>\"\nsymbols: [{symbol}]\n\
         timeframe: 1d\ninitial_capital: 100000\nstrategy: {strategy}\nbenchmark: QQQ\n"
    ))
    .unwrap()
}

pub fn saved(s: &mut Box<dyn Store>, a: &AgentConfig, w: Window) -> i64 {
    let r = run::run(s.as_ref(), a, w, None).unwrap();
    run::save(s.as_mut(), &r).unwrap()
}

/// Two edge runs: one that never leaves cash (a crossover on the flat QQQ) and one of one day.
pub fn edge_runs(s: &mut Box<dyn Store>) -> (i64, i64) {
    // Never leaves cash: a crossover on a flat series.
    let flat = saved(
        s,
        &agent("flat", "QQQ", "{ kind: sma_crossover, fast: 3, slow: 9 }"),
        Window::default(),
    );
    // One day.
    let t = UnixNanos::parse_rfc3339("2023-03-01T00:00:00Z").unwrap();
    let one = saved(
        s,
        &agent("one", "SPY", "{ kind: buy_and_hold }"),
        Window {
            start: Some(t),
            end: Some(t.plus(DAY)),
        },
    );
    (flat, one)
}
