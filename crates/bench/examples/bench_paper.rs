//! What a day of paper trading costs, in CPU and storage, next to the backtest of that day.
//!
//! `cargo run --release -p bench --example bench_paper [STORE_URL]` (default: a SQLite file in
//! a temp dir; a `postgres://` URL for PostgreSQL, whose schema is reset). The real SPY day of
//! `../shared/data/intraday/lean_spy_1min_trade_2023-08-03.csv` (its 390 regular-session
//! minute bars) goes into a fresh store; then
//! - **paper**: an SMA crossover session (`app::paper::PaperSession`) is opened at 09:30 and
//!   stepped once per simulated second until 16:01 — 23,460 steps, what the loop's default
//!   1-second poll does over a trading day — each step reading the store for new bars,
//!   recording the ones completed and storing the journal when something was decided;
//! - **baseline**: the backtest of the same day with its journal stored
//!   (`app::run::backtest`), in the same process.
//!
//! Printed: the CPU seconds (user + system, from `/proc/self/stat`) and wall seconds of each,
//! their ratio, and the bytes the session added to the store.

use std::time::Instant;

use app::paper::{PaperSession, PaperSpec, Timing};
use app::run::RunRequest;
use backtest::{AgentConfig, SnapshotCadence};
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};
use store::PaperBroker;

const AGENT: &str = "id: sma
symbols: [SPY]
timeframe: 1Min
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 5, slow: 20 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
fill: next_open
";

/// CPU seconds (user + system) of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // After the name: state is field 0, utime field 11, stime field 12; 100 ticks a second.
    (ticks(11) + ticks(12)) / 100.0
}

fn day_bars() -> Vec<Bar> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/intraday/lean_spy_1min_trade_2023-08-03.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (open, close) = (at("2023-08-03T13:30:00Z"), at("2023-08-03T20:00:00Z"));
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let ts = UnixNanos::parse_rfc3339(f[0]).unwrap();
            let p = |i: usize| f[i].parse::<Price>().unwrap();
            let v: Quantity = f[5].parse().unwrap();
            (ts >= open && ts < close)
                .then(|| Bar::new(ts, p(1), p(2), p(3), p(4), v, None, None).unwrap())
        })
        .collect()
}

fn at(t: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(t).unwrap()
}

/// Bytes the store takes now, its connections closed: the SQLite file (and a WAL left), or PostgreSQL's paper and journal
/// tables with their indexes.
fn store_bytes(url: &str, file: Option<&std::path::Path>) -> u64 {
    match file {
        Some(f) => {
            let size = |p: std::path::PathBuf| std::fs::metadata(p).map_or(0, |m| m.len());
            size(f.to_path_buf()) + size(f.with_extension("db-wal"))
        }
        None => {
            let tables = "paper_sessions paper_inputs signals risk_vetoes orders order_events fills \
                          trade_ledger account_snapshots risk_day";
            let sum: Vec<String> = tables
                .split_whitespace()
                .map(|t| format!("pg_total_relation_size('{t}')"))
                .collect();
            let out = std::process::Command::new("psql")
                .args([url, "-tA", "-c", &format!("SELECT {}", sum.join(" + "))])
                .output()
                .expect("psql");
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .unwrap_or(0)
        }
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("paper.db");
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("sqlite://{}", file.display()));
    let sqlite = url.starts_with("sqlite://").then_some(file.as_path());
    if !url.starts_with("sqlite://") {
        let reset = "DROP SCHEMA public CASCADE; CREATE SCHEMA public;";
        std::process::Command::new("psql")
            .args([&url, "-qc", reset])
            .status()
            .expect("psql");
    }
    let mut store = store::open_migrated(&url).unwrap();
    let spy = Symbol::lit("SPY");
    let bars = day_bars();
    store.upsert_bars(&spy, Timeframe::M1, &bars).unwrap();
    let agent = AgentConfig::from_yaml(AGENT).unwrap();

    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let req = RunRequest::new(
        agent.clone(),
        vec![],
        app::time::Window::default(),
        None,
        true,
        Some(SnapshotCadence::SessionClose),
    );
    let run = app::run::backtest(store.as_mut(), &req).unwrap();
    let (backtest_cpu, backtest_wall) = (cpu_seconds() - cpu, wall.elapsed().as_secs_f64());
    assert!(run.run_id.is_some());

    // Closing the last connection checkpoints SQLite's WAL into the file.
    drop(store);
    let before = store_bytes(&url, sqlite);
    let mut store = store::open_migrated(&url).unwrap();
    let spec = PaperSpec {
        name: "bench".into(),
        agent,
        broker: PaperBroker::Sim,
        timing: Timing::default(),
    };
    let open = at("2023-08-03T13:30:00Z");
    let end = at("2023-08-03T20:01:00Z");
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let mut session = PaperSession::open(store.as_mut(), &spec, open).unwrap();
    let (mut steps, mut decided, mut t) = (0u64, 0usize, open);
    while t <= end {
        decided += session.step(store.as_mut(), t).unwrap().decided;
        steps += 1;
        t = t.plus(1_000_000_000);
    }
    let (paper_cpu, paper_wall) = (cpu_seconds() - cpu, wall.elapsed().as_secs_f64());
    let journal = session.journal().clone();
    drop(store);
    let after = store_bytes(&url, sqlite);
    // PostgreSQL keeps the journal's replaced rows until vacuum: the live size after one.
    let vacuumed = (sqlite.is_none()).then(|| {
        let full = "VACUUM FULL paper_inputs, signals, orders, order_events, fills, trade_ledger, account_snapshots, risk_day";
        std::process::Command::new("psql").args([&url, "-qc", full]).status().expect("psql");
        store_bytes(&url, None)
    });
    println!(
        "store: {}",
        if sqlite.is_some() {
            "SQLite"
        } else {
            "PostgreSQL"
        }
    );
    println!(
        "day: {} bars, {decided} decided in {steps} steps, {} orders, {} fills",
        bars.len(),
        journal.orders.len(),
        journal.fills.len()
    );
    println!(
        "backtest of the day, journal stored: cpu {backtest_cpu:.3} s, wall {backtest_wall:.3} s"
    );
    println!(
        "paper day (1 step per simulated second): cpu {paper_cpu:.3} s, wall {paper_wall:.3} s, {:.1} µs/step; {:.1}x the backtest's wall",
        paper_wall * 1e6 / steps as f64,
        paper_wall / backtest_wall
    );
    println!(
        "storage the session added: {} bytes ({} per bar)",
        after.saturating_sub(before),
        after.saturating_sub(before) / bars.len().max(1) as u64
    );
    if let Some(v) = vacuumed {
        println!(
            "after VACUUM FULL of those tables: {v} bytes in all (the backtest's journal included)"
        );
    }
}
