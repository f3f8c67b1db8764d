//! Times `compute` on a synthetic one-minute equity curve (1M points, ~2.7 years of minutes) with
//! 20k trades and a benchmark: `cargo run --release -p analytics --example metrics_speed [N]`.

use std::time::Instant;

use analytics::{BarExposure, ClosedTrade, MetricsInput, compute};
use domain::time::NANOS_PER_MINUTE;
use domain::{Money, UnixNanos};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let t0 = UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z").expect("start");
    // A deterministic wiggle: cents added and removed in a fixed pattern.
    let cents = Money::lit("0.01");
    let mut v = Money::lit("100000");
    let mut b = Money::lit("400");
    let mut equity = Vec::with_capacity(n);
    let mut bench = Vec::with_capacity(n);
    for i in 0..n {
        let step = ((i * 7919) % 11) as i128 - 5;
        v += Money::from_raw(cents.raw() * step * 100);
        b += Money::from_raw(cents.raw() * step);
        let t = t0.plus(i as i64 * NANOS_PER_MINUTE);
        equity.push((t, v));
        bench.push((t, b));
    }
    let trades: Vec<ClosedTrade> = (0..n / 50)
        .map(|k| ClosedTrade {
            entry_time: t0.plus((k * 50) as i64 * NANOS_PER_MINUTE),
            exit_time: t0.plus((k * 50 + 20) as i64 * NANOS_PER_MINUTE),
            pnl: Money::from_raw(cents.raw() * (k as i128 % 7 - 3)),
        })
        .collect();
    let stamps: Vec<UnixNanos> = equity.iter().map(|(t, _)| *t).collect();

    let start = Instant::now();
    let mut input = MetricsInput::new(&equity);
    input.trades = &trades;
    input.exposure = Some(BarExposure::from_trades(&stamps, &trades));
    input.benchmark = Some(&bench);
    let m = compute(&input).expect("metrics");
    let took = start.elapsed();
    println!(
        "{n} points, {} trades, {} daily returns: compute (with exposure) {:.1} ms, {:.0} ns/point; sharpe {:?}",
        trades.len(),
        m.periods,
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e9 / n as f64,
        m.sharpe
    );
}
