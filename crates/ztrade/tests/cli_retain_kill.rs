//! A killed `data retain --apply` leaves whole batches: what is left is the series minus its
//! oldest rows, with `series_stats` and the day index saying exactly that, and a rerun finishes
//! with the store an uninterrupted run leaves. On SQLite and PostgreSQL.

mod common;

use common::BIN;
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::grid::days::summarize_bars;
use domain::{Bar, Symbol, Timeframe};
use std::time::Duration;

use testkit::Cli;
use testkit::cli::killed_after;

testkit::both_backends!(killed_retain_leaves_whole_batches);

fn stored(db: &Cli) -> Vec<Bar> {
    let s = store::open_ready(&db.url).unwrap();
    s.bars(store::BarQuery {
        symbol: Symbol::lit("KILL"),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    })
    .collect::<Result<Vec<_>, _>>()
    .unwrap()
}

/// The derived rows agree with the bars left; returns the bars.
fn consistent(db: &Cli) -> Vec<Bar> {
    let bars = stored(db);
    let s = store::open_ready(&db.url).unwrap();
    let stats = s.series().unwrap();
    let m1 = stats.iter().find(|x| x.timeframe == Timeframe::M1).unwrap();
    let nyse_minutes = BarGrid::new(Timeframe::M1, Calendar::Nyse).unwrap();
    assert_eq!(m1.rows, bars.len() as u64);
    assert_eq!((m1.first, m1.last), (bars[0].ts, bars[bars.len() - 1].ts));
    assert_eq!(
        s.bar_days(&Symbol::lit("KILL"), Timeframe::M1, None, None)
            .unwrap(),
        summarize_bars(Timeframe::M1, Some(&nyse_minutes), &bars).unwrap()
    );
    bars
}

fn killed_retain_leaves_whole_batches(backend: &str) {
    let db = Cli::of(BIN, backend, "retain_kill");
    // 400 sessions of regular-hours minutes, rolled up to days.
    db.ok(&[
        "data",
        "seed",
        "--symbols",
        "KILL",
        "--days",
        "400",
        "--timeframe",
        "1m",
    ]);
    db.ok(&[
        "data", "rollup", "--symbol", "KILL", "--from", "1m", "--to", "1d",
    ]);
    let all = stored(&db);
    std::fs::write(db.path("c.yaml"), "retention:\n  1m: 30d\n").unwrap();
    let retain = [
        "data",
        "retain",
        "--config",
        "c.yaml",
        "--as-of",
        "2030-01-01",
        "--batch",
        "500",
        "--apply",
    ];
    for delay_ms in [150u64, 400, 800] {
        killed_after(db.cmd(&retain), Duration::from_millis(delay_ms));
        let left = consistent(&db);
        // Oldest first: what is left is the series without a prefix.
        assert_eq!(
            left[..],
            all[all.len() - left.len()..],
            "killed after {delay_ms} ms"
        );
    }
    let done = db.json(&retain);
    let left = consistent(&db);
    // Everything but the last session, whose daily bucket holds the roll-up's checkpoint.
    let last_date = all[all.len() - 1].ts.exchange_date();
    let want: Vec<Bar> = all
        .iter()
        .filter(|b| b.ts.exchange_date() == last_date)
        .copied()
        .collect();
    assert_eq!(left, want, "{done}");
    assert_eq!(db.json(&retain)["rows"], 0);
}
