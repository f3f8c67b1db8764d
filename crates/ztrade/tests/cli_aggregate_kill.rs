//! A killed `data aggregate` leaves whole batches (each bar with its `bar_origins` row), never
//! part of one, and a rerun finishes with exactly the bars of an uninterrupted run. On SQLite
//! and PostgreSQL.

mod common;

use common::BIN;
use domain::aggregate::{Conditions, ticks_to_bars};
use domain::{Bar, Price, Quantity, Symbol, Timeframe, TradeTick, UnixNanos};
use testkit::Cli;

testkit::both_backends!(killed_aggregate_leaves_whole_batches);

const DAYS: i64 = 8;
const PER_DAY: i64 = 25_000;

fn ticks() -> Vec<TradeTick> {
    let mut out = Vec::new();
    for d in 0..DAYS {
        // 2024-01-02 14:30 UTC, then a day later each time: 24 one-second bars a day, so a killed
        // run stops between days (each a transaction).
        let open = 1_704_205_800i64 + d * 86_400;
        for k in 0..PER_DAY {
            let ts = UnixNanos::new((open * 1_000_000 + k * 937) * 1_000);
            out.push(TradeTick {
                ts,
                price: Price::from_raw((100 + (k * 7 + d) % 13) * 1_000_000_000),
                size: Quantity::from_int(1 + k % 5),
                exchange: "P".into(),
                conditions: vec![],
                trade_id: None,
                suspicious: false,
            });
        }
    }
    out
}

fn stored(db: &Cli) -> (Vec<Bar>, i64) {
    let s = store::open_ready(&db.url).unwrap();
    let bars = s
        .bars(store::BarQuery {
            symbol: Symbol::lit("KILL"),
            timeframe: Timeframe::S1,
            start: None,
            end: None,
        })
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let origins = s.bar_origins(&Symbol::lit("KILL"), Timeframe::S1).unwrap();
    (bars, origins.iter().map(|o| o.bars as i64).sum())
}

fn killed_aggregate_leaves_whole_batches(backend: &str) {
    let db = Cli::of(BIN, backend, "agg_kill");
    let ticks = ticks();
    let file = db.path("ticks.csv");
    let mut text = String::from("timestamp,price,size,exchange\n");
    for t in &ticks {
        text.push_str(&format!("{},{},{},P\n", t.ts.to_rfc3339(), t.price, t.size));
    }
    std::fs::write(&file, text).unwrap();
    db.ok(&[
        "data",
        "import",
        file.to_str().unwrap(),
        "--kind",
        "trades",
        "--symbol",
        "KILL",
    ]);
    let (want, _) = ticks_to_bars(&ticks, Timeframe::S1, Conditions::Lean).unwrap();
    let aggregate = [
        "data",
        "aggregate",
        "--symbol",
        "KILL",
        "--from",
        "trades",
        "--to",
        "1s",
    ];
    for delay_ms in [200u64, 600, 1200] {
        let mut child = db
            .cmd(&aggregate)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let (bars, in_origins) = stored(&db);
        // A prefix of the full result, and exactly the bars the committed origin rows count.
        assert_eq!(bars[..], want[..bars.len()], "killed after {delay_ms} ms");
        assert_eq!(bars.len() as i64, in_origins, "killed after {delay_ms} ms");
    }
    let done = db.json(&aggregate);
    let (bars, in_origins) = stored(&db);
    assert_eq!(bars, want, "{done}");
    assert_eq!(in_origins, want.len() as i64);
}
