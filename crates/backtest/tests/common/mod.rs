//! Shared test helpers: bar builders and a scripted strategy.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use backtest::{
    BacktestResult, Context, Engine, EngineConfig, Inputs, OrderRequest, Strategy, SymbolId,
};
use domain::{Bar, Money, Price, Quantity, Symbol, Timeframe, UnixNanos};

pub fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

pub fn bar(ts: UnixNanos, o: &str, h: &str, l: &str, c: &str) -> Bar {
    Bar::new(
        ts,
        Price::lit(o),
        Price::lit(h),
        Price::lit(l),
        Price::lit(c),
        Quantity::from_int(100),
        None,
        None,
    )
    .unwrap()
}

/// Consecutive bars of `step` starting at `start`, each `(open, high, low, close)`.
pub fn series(start: &str, step: Timeframe, ohlc: &[(&str, &str, &str, &str)]) -> Vec<Bar> {
    let t0 = t(start);
    let n = step.nanos().unwrap();
    ohlc.iter()
        .enumerate()
        .map(|(i, (o, h, l, c))| bar(t0.plus(n * i as i64), o, h, l, c))
        .collect()
}

/// What [`Script`] saw at each call: (now, symbol, position).
pub type Seen = Arc<Mutex<Vec<(UnixNanos, SymbolId, Quantity)>>>;

/// Emits planned requests on the n-th `on_bar` call (counted across symbols) and records what
/// it saw: (now, symbol, position).
pub struct Script {
    pub n: usize,
    pub plan: Vec<(usize, OrderRequest)>,
    pub seen: Seen,
}

impl Script {
    pub fn new(plan: Vec<(usize, OrderRequest)>) -> Self {
        Self {
            n: 0,
            plan,
            seen: Arc::default(),
        }
    }
}

impl Strategy for Script {
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, _bar: &Bar, out: &mut Vec<OrderRequest>) {
        for (k, r) in &self.plan {
            if *k == self.n {
                out.push(*r);
            }
        }
        self.seen
            .lock()
            .unwrap()
            .push((ctx.now(), s, ctx.position(s)));
        self.n += 1;
    }
}

pub fn spy() -> Symbol {
    Symbol::lit("SPY")
}

pub const S0: SymbolId = SymbolId(0);

pub fn config(capital: &str, tf: Timeframe) -> EngineConfig {
    EngineConfig::new(vec![spy()], tf, Money::lit(capital))
}

pub fn run(engine: Engine, bars: Vec<Bar>) -> BacktestResult {
    let tf = engine.config().timeframe;
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), tf, bars);
    engine.run(inputs).unwrap()
}

pub fn run_plan(
    cfg: EngineConfig,
    plan: Vec<(usize, OrderRequest)>,
    bars: Vec<Bar>,
) -> BacktestResult {
    run(Engine::new(cfg, Box::new(Script::new(plan))).unwrap(), bars)
}

/// `(action, quantity, price, reason)` of each fill, as text, for compact assertions.
pub fn fills(r: &BacktestResult) -> Vec<(String, String, String, String)> {
    r.fills
        .iter()
        .map(|f| {
            (
                f.action.as_str().to_owned(),
                f.quantity.to_string(),
                f.price.to_string(),
                f.reason.clone(),
            )
        })
        .collect()
}

pub fn row(a: &str, q: &str, p: &str, reason: &str) -> (String, String, String, String) {
    (a.to_owned(), q.to_owned(), p.to_owned(), reason.to_owned())
}

/// A seeded random walk of `n` one-minute bars on a cent grid from 2024-01-02 14:30 UTC
/// (the journal tests' data: the same seed gives the same bars).
pub fn seeded_walk(n: usize, seed: u64) -> Vec<Bar> {
    let t0 = t("2024-01-02T14:30:00Z");
    let (mut state, mut price) = (seed, 10_000i64);
    (0..n)
        .map(|i| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let step = ((state >> 33) % 41) as i64 - 20;
            let open = price;
            price = (price + step).max(100);
            let p = |c: i64| Price::from_raw(c * 10_000_000);
            let (high, low) = (open.max(price) + 3, open.min(price) - 3);
            let ts = t0.plus(60_000_000_000 * i as i64);
            let (o, h, l, c) = (p(open), p(high), p(low), p(price));
            Bar::new(ts, o, h, l, c, Quantity::from_int(100), None, None).unwrap()
        })
        .collect()
}
