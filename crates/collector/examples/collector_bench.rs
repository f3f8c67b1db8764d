//! Rough timings of the collector's hot pure functions on this machine:
//! `cargo run --release -p collector --example collector_bench`.
//! Compare the scorer with Python's vaderSentiment on the same headlines (see the crate report).

use std::time::Instant;

use collector::Provider;
use collector::schedule::{Hours, Job, Task, next_due};
use domain::grid::BarGrid;
use domain::{Symbol, Timeframe, UnixNanos};
use sentiment::{Lexicon, Scorer};

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/news/news_headlines.csv"
    );
    let mut rdr = csv::Reader::from_path(path).expect("shared news data");
    let headlines: Vec<String> = rdr
        .records()
        .map(|r| r.expect("row")[3].to_string())
        .collect();

    let t0 = Instant::now();
    let n = Lexicon::finance().len();
    println!(
        "lexicon load: {:.1} ms ({n} terms)",
        t0.elapsed().as_secs_f64() * 1e3
    );

    let scorer = Scorer::default();
    let reps = 200;
    let t0 = Instant::now();
    let mut sum = 0.0;
    for _ in 0..reps {
        for h in &headlines {
            sum += scorer.score(h).compound;
        }
    }
    let per = t0.elapsed().as_secs_f64() / (reps * headlines.len()) as f64;
    println!(
        "score: {:.1} µs/headline ({:.0}/s; checksum {sum:.2})",
        per * 1e6,
        1.0 / per
    );

    let job = Job {
        name: "bars".into(),
        provider: Some(Provider::Alpaca),
        every: Timeframe::M1,
        hours: Hours::Market,
        symbols: vec![Symbol::lit("SPY")],
        task: Task::Bars {
            timeframe: Timeframe::M1,
            lookback: Timeframe::M15,
            after: Default::default(),
        },
    };
    let start = UnixNanos::parse_rfc3339("2024-01-01T00:00:00Z").unwrap();
    let end = UnixNanos::parse_rfc3339("2025-01-01T00:00:00Z").unwrap();
    let t0 = Instant::now();
    let (mut t, mut runs) = (start, 0u64);
    while t < end {
        t = next_due(&job, t);
        runs += 1;
    }
    let el = t0.elapsed().as_secs_f64();
    println!(
        "next_due: {runs} runs through 2024 in {:.1} ms ({:.2} µs/run)",
        el * 1e3,
        el / runs as f64 * 1e6
    );

    let grid = BarGrid::new(Timeframe::M1, domain::calendar::Calendar::Nyse).unwrap();
    let stored: Vec<UnixNanos> = grid
        .expected(start, end)
        .unwrap()
        .enumerate()
        .filter(|(i, _)| i % 97 != 0)
        .map(|(_, t)| t)
        .collect();
    let t0 = Instant::now();
    let gaps = grid.gaps(start, end, &stored).unwrap();
    println!(
        "grid gaps: a year of 1m bars ({} stored) → {} gaps in {:.1} ms",
        stored.len(),
        gaps.len(),
        t0.elapsed().as_secs_f64() * 1e3
    );
}
