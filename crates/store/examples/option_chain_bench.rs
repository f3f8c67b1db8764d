//! Option-chain writes and `chain_at` reads on both backends, in one run.
//!
//! ```text
//! cargo build --release -p store --examples
//! target/release/examples/option_chain_bench [SNAPSHOTS] [POSTGRES_URL]
//! ```
//!
//! A synthetic SPY chain of 600 contracts (3 expiries × 100 strikes × call and put) is written
//! one snapshot a minute (SNAPSHOTS of them, default 390: one session), each snapshot one
//! `upsert_options` batch, into a fresh SQLite file and a fresh PostgreSQL schema; then
//! `chain_at` is asked for the chain at 200 times spread over the session (each answer 600
//! quotes), and `option_snapshot_times` for the whole session. Prints one line per
//! measurement.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use domain::{
    OptionContract, OptionQuote, OptionRight, OptionStyle, Price, Quantity, Symbol, UnixNanos,
};
use store::Store;

const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";
const MINUTE: i64 = 60_000_000_000;

fn contracts() -> Vec<OptionContract> {
    let spy = Symbol::lit("SPY");
    let mut out = Vec::new();
    for expiry in ["2024-01-05", "2024-01-12", "2024-01-19"] {
        let expiry: NaiveDate = expiry.parse().unwrap();
        for k in 0..100 {
            for right in [OptionRight::Call, OptionRight::Put] {
                let strike = Price::from_raw((420 + k) * Price::UNIT);
                out.push(
                    OptionContract::new(
                        spy.clone(),
                        expiry,
                        right,
                        strike,
                        OptionStyle::American,
                        100,
                    )
                    .unwrap(),
                );
            }
        }
    }
    out
}

fn snapshot(contracts: &[OptionContract], at: UnixNanos, i: i64) -> Vec<OptionQuote> {
    contracts
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let mut q = OptionQuote::empty(c.clone(), at);
            let mid = 100_000_000 + ((n as i64 * 7919 + i * 104_729) % 2_000) * 10_000_000;
            q.bid = Some(Price::from_raw(mid - 5_000_000));
            q.ask = Some(Price::from_raw(mid + 5_000_000));
            q.bid_size = Some(Quantity::from_int(10 + i % 7));
            q.ask_size = Some(Quantity::from_int(12));
            q.quoted_at = Some(at);
            q.underlying_price = Some(Price::from_raw(470 * Price::UNIT + i * 1_000_000));
            q.iv = Some(0.2 + (n % 50) as f64 / 1000.0);
            q.delta = Some(0.5);
            q
        })
        .collect()
}

fn run(name: &str, s: &mut dyn Store, snapshots: i64) {
    let cs = contracts();
    let t0 = UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z").unwrap();
    let at = |i: i64| UnixNanos::new(t0.as_i64() + i * MINUTE);
    let mut write = Duration::ZERO;
    for i in 0..snapshots {
        let batch = snapshot(&cs, at(i), i);
        let t = Instant::now();
        s.upsert_options(&batch, None).unwrap();
        write += t.elapsed();
    }
    let rows = snapshots as usize * cs.len();
    println!(
        "{name}: wrote {snapshots} snapshots of {} contracts ({rows} quotes) in {:.3} s: {:.1} ms a snapshot, {:.0} quotes/s",
        cs.len(),
        write.as_secs_f64(),
        write.as_secs_f64() * 1e3 / snapshots as f64,
        rows as f64 / write.as_secs_f64()
    );
    let asks = 200;
    let t = Instant::now();
    let mut got = 0;
    for k in 0..asks {
        let i = k * snapshots / asks;
        got += s.chain_at(&Symbol::lit("SPY"), at(i), None).unwrap().len();
    }
    let el = t.elapsed();
    assert_eq!(got, asks as usize * cs.len());
    println!(
        "{name}: chain_at {asks} times ({} quotes each): {:.2} ms a chain",
        cs.len(),
        el.as_secs_f64() * 1e3 / asks as f64
    );
    // The baseline: what a caller without `chain_at` would do, the whole window read by
    // `options` (here the session so far, max age unbounded) and the latest per contract kept.
    let t = Instant::now();
    let mut got = 0;
    for k in 0..asks / 10 {
        let i = (k * 10) * snapshots / asks;
        let all = s
            .options(&Symbol::lit("SPY"), None, Some(at(i).plus(1)))
            .unwrap();
        let mut latest = std::collections::HashMap::new();
        for q in all {
            latest.insert(q.contract.occ.clone(), q);
        }
        got += latest.len();
    }
    let base = t.elapsed();
    assert_eq!(got, (asks / 10) as usize * cs.len());
    println!(
        "{name}: baseline (read the window, keep the latest per contract) {} times: {:.2} ms a chain, {:.0}x chain_at",
        asks / 10,
        base.as_secs_f64() * 1e3 / (asks / 10) as f64,
        (base.as_secs_f64() / (asks / 10) as f64) / (el.as_secs_f64() / asks as f64)
    );
    let t = Instant::now();
    let times = s
        .option_snapshot_times(&Symbol::lit("SPY"), None, None)
        .unwrap();
    assert_eq!(times.len() as i64, snapshots);
    println!(
        "{name}: option_snapshot_times over {rows} quotes: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let snapshots: i64 = args.next().map_or(390, |a| a.parse().expect("SNAPSHOTS"));
    let pg = args.next().unwrap_or_else(|| DEFAULT_PG.to_string());
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("chain.db").display());
    run(
        "sqlite",
        &mut *store::open_migrated(&url).unwrap(),
        snapshots,
    );
    if pg != "-" {
        let mut c = postgres::Client::connect(&pg, postgres::NoTls).unwrap();
        c.batch_execute("DROP SCHEMA IF EXISTS zt_bench_chain CASCADE")
            .unwrap();
        let sep = if pg.contains('?') { '&' } else { '?' };
        let url = format!("{pg}{sep}schema=zt_bench_chain");
        run(
            "postgres",
            &mut *store::open_migrated(&url).unwrap(),
            snapshots,
        );
        c.batch_execute("DROP SCHEMA zt_bench_chain CASCADE")
            .unwrap();
    }
}
