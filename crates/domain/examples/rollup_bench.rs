//! The roll-up's speed (docs/BENCHMARKS.md, "Roll-ups"): 1M one-minute bars in memory rolled to
//! 5m, 1h and 1d by `domain::grid::rollup::roll`, against a hand-written loop in the same run
//! (integer bucketing by `ts − ts mod length`, no calendar, no checks: the floor). With
//! `--csv FILE` it also writes the bars for the pandas baseline
//! (`scripts/bench/rollup_pandas.py`).
//!
//! `cargo run --release -p domain --example rollup_bench [-- --csv /tmp/minutes.csv]`

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use domain::calendar::Calendar;
use domain::grid::rollup::{Hours, Rollup, roll};
use domain::time::{NANOS_PER_DAY, NANOS_PER_MINUTE};
use domain::{Bar, Price, Quantity, Timeframe, UnixNanos};

const N: usize = 1_000_000;

/// Every minute, around the clock, from 2020-01-01: a deterministic random walk in cents.
fn bars() -> Vec<Bar> {
    let start = UnixNanos::parse_rfc3339("2020-01-01T00:00:00Z").unwrap();
    let mut x: u64 = 42;
    let mut p: i64 = 30_000;
    (0..N)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            p = (p + (x % 21) as i64 - 10).max(100);
            let c = |v: i64| Price::from_raw(v * 10_000_000);
            let spread = (x >> 8) as i64 % 9;
            Bar::new(
                start.plus(i as i64 * NANOS_PER_MINUTE),
                c(p),
                c(p + spread),
                c(p - spread),
                c(p + spread / 2),
                Quantity::from_int(100 + (x >> 16) as i64 % 1000),
                None,
                None,
            )
            .unwrap()
        })
        .collect()
}

/// The floor: fixed-length buckets by integer arithmetic, no calendar, unchecked sums.
fn hand_loop(bars: &[Bar], len: i64) -> Vec<(i64, i64, i64, i64, i64, i64)> {
    let mut out: Vec<(i64, i64, i64, i64, i64, i64)> = Vec::new();
    for b in bars {
        let t = b.ts.as_i64();
        let k = t - t.rem_euclid(len);
        match out.last_mut() {
            Some(o) if o.0 == k => {
                o.2 = o.2.max(b.high.raw());
                o.3 = o.3.min(b.low.raw());
                o.4 = b.close.raw();
                o.5 += b.volume.raw();
            }
            _ => out.push((
                k,
                b.open.raw(),
                b.high.raw(),
                b.low.raw(),
                b.close.raw(),
                b.volume.raw(),
            )),
        }
    }
    out
}

fn best_of_3(mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..3 {
        let t0 = Instant::now();
        n = black_box(f());
        best = best.min(t0.elapsed().as_secs_f64());
    }
    (best, n)
}

fn main() {
    let bars = bars();
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--csv") {
        let path = &args[i + 1];
        let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        writeln!(w, "ts,open,high,low,close,volume").unwrap();
        for b in &bars {
            writeln!(
                w,
                "{},{},{},{},{},{}",
                b.ts.as_i64(),
                b.open,
                b.high,
                b.low,
                b.close,
                b.volume
            )
            .unwrap();
        }
    }
    println!("{N} one-minute bars in memory, best of 3");
    println!("| what | ms | ns/bar | vs hand loop |");
    println!("|---|---:|---:|---:|");
    for (to, len) in [
        (Timeframe::M5, 5 * NANOS_PER_MINUTE),
        (Timeframe::H1, 60 * NANOS_PER_MINUTE),
        (Timeframe::D1, NANOS_PER_DAY),
    ] {
        let (base, nb) = best_of_3(|| hand_loop(&bars, len).len());
        println!(
            "| hand loop → {to} ({nb} buckets, UTC days) | {:.1} | {:.1} | 1.00× |",
            base * 1e3,
            base * 1e9 / N as f64
        );
        for hours in [Hours::Extended, Hours::Regular] {
            let r = Rollup::new(Timeframe::M1, to, hours, Calendar::Nyse).unwrap();
            let (s, n) = best_of_3(|| roll(r, &bars).unwrap().len());
            println!(
                "| `roll` → {to}, {} hours ({n} buckets) | {:.1} | {:.1} | {:.2}× |",
                hours.as_str(),
                s * 1e3,
                s * 1e9 / N as f64,
                s / base
            );
        }
    }
}
