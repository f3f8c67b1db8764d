//! Retention's store role (`RetentionStore`), on SQLite and PostgreSQL: range deletes in batches
//! keep `series_stats`, the day index and `bar_origins` equal to what the rows left say after
//! every batch; ticks sharing a stamp go together; counts, sizes, checkpoints and runs read back;
//! SQLite gives deleted pages back to the file system, and converts a store made before
//! incremental vacuum once.

mod common;

use common::{TestDb, bars, seq, trade, ts};
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::grid::days::summarize_bars;
use domain::grid::rollup::Hours;
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use store::retain::TickTable;
use store::{BarOrigin, BarQuery, RollupCheckpoint, SeriesRef, Span, Store};
use testkit::conformance;

conformance!(
    batches_keep_the_derived_tables_true,
    ticks_at_one_stamp_go_together,
    counts_sizes_and_what_retention_reads,
    deleted_pages_go_back_to_the_file_system,
);

fn spy() -> Symbol {
    Symbol::lit("SPY")
}

fn m1() -> SeriesRef {
    SeriesRef::Bars {
        symbol: spy(),
        timeframe: Timeframe::M1,
    }
}

fn span(a: UnixNanos, b: UnixNanos) -> Span {
    Span { start: a, end: b }
}

fn stored(s: &dyn Store) -> Vec<Bar> {
    s.bars(BarQuery {
        symbol: spy(),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    })
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The stats row and the day index say what the rows say.
fn check(s: &dyn Store) -> Vec<Bar> {
    let rows = stored(s);
    let stats = s.series().unwrap();
    match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => {
            assert_eq!(stats.len(), 1);
            assert_eq!(stats[0].rows, rows.len() as u64);
            assert_eq!((stats[0].first, stats[0].last), (first.ts, last.ts));
        }
        _ => assert!(stats.is_empty(), "{stats:?}"),
    }
    assert_eq!(
        s.bar_days(&spy(), Timeframe::M1, None, None).unwrap(),
        summarize_bars(
            Timeframe::M1,
            BarGrid::new(Timeframe::M1, Calendar::Nyse).ok().as_ref(),
            &rows
        )
        .unwrap()
    );
    rows
}

/// Five days of minutes day and night from 2024-01-02 09:30 New York, an origin row per day;
/// deleting two spans 300 rows at a time.
fn batches_keep_the_derived_tables_true(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let all = bars(0..5 * 1440);
    for day in all.chunks(1440) {
        let origin = BarOrigin {
            first: day[0].ts,
            last: day[day.len() - 1].ts,
            aggregated_from: "trades".into(),
            rules: "lean".into(),
            ticks: 10,
            bars: day.len() as u64,
        };
        s.upsert_aggregated_bars(&spy(), Timeframe::M1, day, &origin)
            .unwrap();
    }
    check(s.as_ref());
    // Everything before the middle of day two, and an afternoon of day four.
    let mut spans = vec![
        span(UnixNanos::MIN, ts(1440 + 600)),
        span(ts(3 * 1440 + 100), ts(3 * 1440 + 400)),
    ];
    let mut total = 0;
    let mut batches = 0;
    loop {
        let done = s.delete_spans(&m1(), &spans, 300).unwrap();
        total += done.rows;
        batches += 1;
        assert!(done.rows <= 300);
        let left = check(s.as_ref());
        // Oldest first: what is left of the first span is a suffix of it.
        assert!(left.iter().all(|b| b.ts >= ts(0)));
        if done.done {
            break;
        }
        let t = done.reached.unwrap();
        spans = spans
            .into_iter()
            .filter(|x| x.end > t)
            .map(|x| span(x.start.max(t), x.end))
            .collect();
    }
    assert_eq!(total, 1440 + 600 + 300);
    assert_eq!(batches, (total as usize).div_ceil(300));
    let left = check(s.as_ref());
    assert_eq!(left.len(), 5 * 1440 - total as usize);
    assert_eq!(left[0].ts, ts(1440 + 600));
    // Day one's origin row lost every bar and is gone; day two's and four's keep some.
    let origins = s.bar_origins(&spy(), Timeframe::M1).unwrap();
    assert_eq!(origins.len(), 4);
    assert_eq!(origins[0].first, ts(1440));
    // Deleting the rest empties the series: no stats row, no index.
    let everything = [span(UnixNanos::MIN, UnixNanos::MAX)];
    while !s.delete_spans(&m1(), &everything, 10_000).unwrap().done {}
    assert!(check(s.as_ref()).is_empty());
    assert!(s.bar_origins(&spy(), Timeframe::M1).unwrap().is_empty());
    // A series never stored: nothing to do.
    let none = SeriesRef::Bars {
        symbol: Symbol::lit("NONE"),
        timeframe: Timeframe::M1,
    };
    let d = s.delete_spans(&none, &everything, 10).unwrap();
    assert_eq!((d.rows, d.done), (0, true));
}

/// Ticks at one stamp share it; a batch smaller than them still takes them all (and so always
/// makes progress), and never splits a stamp.
fn ticks_at_one_stamp_go_together(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let mut rows = Vec::new();
    for m in 0..4 {
        for k in 0..5 {
            rows.push(seq(k, trade(m, k as i64, "")));
        }
    }
    s.upsert_trades(&spy(), &rows, None).unwrap();
    let trades = SeriesRef::Trades { symbol: spy() };
    let spans = [span(UnixNanos::MIN, ts(3))];
    assert_eq!(s.count_in(&trades, &spans).unwrap(), 15);
    let d = s.delete_spans(&trades, &spans, 2).unwrap();
    assert_eq!((d.rows, d.reached, d.done), (5, Some(ts(0).plus(1)), false));
    let d = s.delete_spans(&trades, &spans, 7).unwrap();
    assert_eq!((d.rows, d.reached, d.done), (5, Some(ts(2)), false));
    let d = s.delete_spans(&trades, &spans, 100).unwrap();
    assert_eq!((d.rows, d.done), (5, true));
    let left = s.trades(&spy(), None, None).unwrap();
    assert_eq!(left.len(), 5);
    assert!(left.iter().all(|t| t.tick.ts == ts(3)));
    assert_eq!(s.first_stamp(&trades).unwrap(), Some(ts(3)));
    assert_eq!(s.tick_symbols(TickTable::Trades).unwrap(), vec![spy()]);
    assert!(s.tick_symbols(TickTable::Quotes).unwrap().is_empty());
}

fn counts_sizes_and_what_retention_reads(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    s.upsert_bars(&spy(), Timeframe::M1, &bars(0..1000))
        .unwrap();
    let spans = [span(ts(10), ts(20)), span(ts(500), ts(2000))];
    assert_eq!(s.count_in(&m1(), &spans).unwrap(), 510);
    assert_eq!(s.first_stamp(&m1()).unwrap(), Some(ts(0)));
    let size = s.table_size(&m1()).unwrap();
    assert_eq!(size.rows, 1000);
    // Some tens of bytes a bar, pages and index included.
    assert!(
        size.bytes > 20 * 1000 && size.bytes < 1000 * 1000,
        "{size:?}"
    );
    let overlapping = [span(ts(10), ts(20)), span(ts(15), ts(30))];
    assert!(s.count_in(&m1(), &overlapping).is_err());
    // Roll-up checkpoints from 1m, and stored runs' periods with their config.
    for (to, last) in [(Timeframe::H1, 600), (Timeframe::M5, 900)] {
        let cp = RollupCheckpoint {
            symbol: spy(),
            from: Timeframe::M1,
            to,
            hours: Hours::Regular,
            last_source: ts(last),
        };
        s.upsert_rolled_bars(&[], &cp).unwrap();
    }
    let cps = s.rollups_from(&spy(), Timeframe::M1).unwrap();
    let got: Vec<(Timeframe, UnixNanos)> = cps.iter().map(|c| (c.to, c.last_source)).collect();
    assert_eq!(got.len(), 2);
    assert!(got.contains(&(Timeframe::H1, ts(600))) && got.contains(&(Timeframe::M5, ts(900))));
    assert!(s.rollups_from(&spy(), Timeframe::M5).unwrap().is_empty());
    assert!(s.run_periods().unwrap().is_empty());
}

fn deleted_pages_go_back_to_the_file_system(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    s.upsert_bars(&spy(), Timeframe::M1, &bars(0..60_000))
        .unwrap();
    let everything = [span(UnixNanos::MIN, ts(50_000))];
    while !s.delete_spans(&m1(), &everything, 20_000).unwrap().done {}
    let r = s.reclaim().unwrap();
    if db.is_postgres() {
        assert_eq!(r.bytes, None, "{r:?}");
        return;
    }
    // 50,000 bars of about 60 bytes.
    let bytes = r.bytes.unwrap();
    assert!(bytes > 1_000_000, "{r:?}");
    assert!(r.how.contains("incremental vacuum"), "{r:?}");
    // Nothing more to give back.
    assert_eq!(s.reclaim().unwrap().bytes, Some(0));
    drop(s);

    // A store created before incremental vacuum (its first page written before ztrade opened
    // it) is converted once, by a VACUUM.
    let path = db.path("old.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x)")
            .unwrap();
    }
    let url = format!("sqlite://{}", path.display());
    let mut s = store::open_migrated(&url).unwrap();
    s.upsert_bars(&spy(), Timeframe::M1, &bars(0..30_000))
        .unwrap();
    while !s.delete_spans(&m1(), &everything, 50_000).unwrap().done {}
    let r = s.reclaim().unwrap();
    assert!(r.how.contains("one-time VACUUM"), "{r:?}");
    assert!(r.bytes.unwrap() > 1_000_000, "{r:?}");
    let mode: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA auto_vacuum", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, 2, "incremental from now on");
}
