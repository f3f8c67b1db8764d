//! The engine benches' data: a seeded random walk of one-minute bars and the reference agent.

use domain::{Bar, Price, Quantity, UnixNanos};

/// The reference agent of the engine benches: SMA 10/30 on SPY one-minute bars, all cash, no
/// costs, next-open fills.
pub const REF_SMA: &str = "id: ref_sma
symbols: [SPY]
timeframe: 1m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 10, slow: 30 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
fill: next_open
";

/// `n` one-minute bars from 2024-01-02 14:30 UTC, a random walk from 100.00 in cent steps
/// (seeded: the same every run).
pub fn minute_bars(n: usize) -> Vec<Bar> {
    let mut s: u64 = 42;
    let mut next = move |m: u64| {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 33) % m
    };
    let t0 = UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z").expect("a valid time");
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
