//! Engine overhead vs a hand-written loop, same process, same data.
//!
//! `cargo run --release -p backtest --example bench_engine [bars]` (default 1,000,000 one-minute
//! bars). Both sides run the reference strategy (SMA 10/30 on exact integer sums, next-open
//! market fills, all cash in whole shares) and record an equity point per bar; the hand loop has
//! no feed, no events, no strategy trait, no order objects. Reported: best of 5 runs, ns/bar,
//! plus the hand loop without its equity curve, to show what the curve itself costs.

use std::time::Instant;

use backtest::{AgentConfig, Inputs};
use domain::{Bar, Money, Price, Quantity, Symbol, Timeframe, UnixNanos};

const REF_SMA: &str = "id: ref_sma
symbols: [SPY]
timeframe: 1m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 10, slow: 30 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
fill: next_open
";

fn synthetic(n: usize) -> Vec<Bar> {
    let mut s: u64 = 42;
    let mut next = move |m: u64| {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 33) % m
    };
    let t0 = UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z").unwrap();
    let mut close: i64 = 10_000;
    (0..n)
        .map(|i| {
            let open = (close + next(5) as i64 - 2).max(100);
            close = (open + next(9) as i64 - 4).max(100);
            let p = |c: i64| Price::from_raw(c * 10_000_000);
            Bar {
                ts: t0.plus(i as i64 * 60_000_000_000),
                open: p(open),
                high: p(open.max(close) + 1),
                low: p(open.min(close) - 1),
                close: p(close),
                volume: Quantity::from_int(100),
                vwap: None,
                trade_count: None,
            }
        })
        .collect()
}

struct HandResult {
    fills: usize,
    equity: Vec<(UnixNanos, Money, Money)>,
}

/// The same strategy and accounting with everything inlined.
fn hand_loop(bars: &[Bar], curve: bool) -> HandResult {
    let mut fast = [0i64; 10];
    let mut slow = [0i64; 30];
    let (mut fs, mut ss): (i128, i128) = (0, 0);
    let mut prev: Option<std::cmp::Ordering> = None;
    let mut cash = Money::from_price(Price::from_int(100_000));
    let mut pos = Quantity::ZERO;
    let mut pending: i8 = 0;
    let mut fills = 0;
    let mut equity = Vec::with_capacity(if curve { bars.len() } else { 1 });
    for (i, b) in bars.iter().enumerate() {
        if pending == 1 {
            let q = cash.max_quantity(b.open, Quantity::from_int(1));
            if !q.is_zero() {
                cash -= b.open.notional(q);
                pos = q;
                fills += 1;
            }
        } else if pending == -1 {
            cash += b.open.notional(pos);
            pos = Quantity::ZERO;
            fills += 1;
        }
        pending = 0;
        let c = b.close.raw();
        fs += i128::from(c) - i128::from(fast[i % 10]);
        fast[i % 10] = c;
        ss += i128::from(c) - i128::from(slow[i % 30]);
        slow[i % 30] = c;
        if i >= 29 {
            let now = (fs * 30).cmp(&(ss * 10));
            if let Some(p) = prev {
                use std::cmp::Ordering::{Greater, Less};
                if p != Greater && now == Greater && pos.is_zero() {
                    pending = 1;
                } else if p != Less && now == Less && pos.raw() > 0 {
                    pending = -1;
                }
            }
            prev = Some(now);
        }
        if curve || i + 1 == bars.len() {
            equity.push((b.ts, cash + b.close.notional(pos), cash));
        }
    }
    HandResult { fills, equity }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let bars = synthetic(n);
    let agent = AgentConfig::from_yaml(REF_SMA).unwrap();
    let (mut best_hand, mut best_engine, mut best_bare) = (f64::MAX, f64::MAX, f64::MAX);
    let mut check = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let h = hand_loop(&bars, true);
        best_hand = best_hand.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let bare = hand_loop(&bars, false);
        best_bare = best_bare.min(t.elapsed().as_secs_f64());
        assert_eq!(bare.fills, h.fills);

        let input = bars.clone();
        let engine = agent.engine().unwrap();
        let t = Instant::now();
        let mut inputs = Inputs::new();
        inputs.bar_vec(Symbol::lit("SPY"), Timeframe::M1, input);
        let r = engine.run(inputs).unwrap();
        best_engine = best_engine.min(t.elapsed().as_secs_f64());

        assert_eq!(h.fills, r.fills.len(), "both sides must trade identically");
        assert_eq!(h.equity.last().unwrap().1, r.final_equity);
        assert_eq!(h.equity.len(), r.equity.len());
        check = (r.fills.len(), r.equity.len());
    }
    let per = |s: f64| s * 1e9 / n as f64;
    println!("bars: {n}, fills: {}, equity points: {}", check.0, check.1);
    println!(
        "hand-written loop: {:8.2} ns/bar ({:.3} s)",
        per(best_hand),
        best_hand
    );
    println!(
        "  (same loop without the equity curve: {:.2} ns/bar)",
        per(best_bare)
    );
    println!(
        "engine:            {:8.2} ns/bar ({:.3} s)",
        per(best_engine),
        best_engine
    );
    println!("ratio engine/hand: {:8.2}x", best_engine / best_hand);
}
