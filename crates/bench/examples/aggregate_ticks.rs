//! Ticks → one-minute bars in memory, best of many runs: `ticks_to_bars` with LEAN's rules vs the
//! hand-written OHLCV loop, on N synthetic ticks (`ztrade bench ticks`'s file) and, when given,
//! a real tick file (LEAN's SPY 2013-10-07).
//!
//! `cargo run --release -p bench --example aggregate_ticks -- 1000000 50 [TICKS.csv.gz]`

use std::path::Path;
use std::time::Instant;

use domain::aggregate::{Conditions, ticks_to_bars};
use domain::{Timeframe, TradeTick};
use formats::import::ticks::{TickKind, TickOptions, TickRows, read_ticks};

fn read(path: &Path) -> Vec<TradeTick> {
    let opts = TickOptions {
        kind: TickKind::Trades,
        tz: domain::time::NEW_YORK,
        skip_invalid: false,
    };
    match read_ticks(path, &opts, &mut |_| {})
        .expect("a tick file")
        .rows
    {
        TickRows::Trades(t) => t,
        TickRows::Quotes(_) => unreachable!("read as trades"),
    }
}

fn best(runs: usize, mut f: impl FnMut() -> usize) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn measure(what: &str, ticks: &[TradeTick], runs: usize) {
    let hand = best(runs, || bench::ticks::hand_bars(ticks).len());
    let pure = best(runs, || {
        ticks_to_bars(ticks, Timeframe::M1, Conditions::Lean)
            .expect("valid ticks")
            .0
            .len()
    });
    let n = ticks.len() as f64;
    println!(
        "{what}: {} ticks; hand loop {:.1} ms ({:.1} M ticks/s); ticks_to_bars {:.1} ms \
         ({:.1} M ticks/s, {:.2}× the hand loop)",
        ticks.len(),
        hand * 1e3,
        n / hand / 1e6,
        pure * 1e3,
        n / pure / 1e6,
        pure / hand
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(1_000_000, |a| a.parse().expect("N"));
    let runs: usize = args.get(2).map_or(50, |a| a.parse().expect("RUNS"));
    let dir = tempfile::tempdir().expect("a temp dir");
    let csv = dir.path().join("ticks.csv");
    bench::ticks::write_lean_ticks(&csv, n).expect("written");
    measure("synthetic", &read(&csv), runs);
    if let Some(real) = args.get(3) {
        measure(real, &read(Path::new(real)), runs);
    }
}
