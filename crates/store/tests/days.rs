//! The day index (`BarStore::bar_days`, `quote_bar_days`), on SQLite and PostgreSQL: after every
//! kind of write it equals the summaries `domain::grid::days` computes from the stored rows, and a
//! store written before the index existed gets it when it migrates.

mod common;

use chrono::NaiveDate;
use common::{MINUTE, TestDb, bar, bars, ts};
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::grid::days::{DaySummary, summarize_bars, summarize_stamps};
use domain::{Bar, Ohlc, Price, Quantity, QuoteBar, Symbol, Timeframe};
use store::{BarQuery, BarStore};
use testkit::conformance;

fn all(symbol: &Symbol, tf: Timeframe) -> BarQuery {
    BarQuery {
        symbol: symbol.clone(),
        timeframe: tf,
        start: None,
        end: None,
    }
}

/// The index as stored, and as computed from the stored bars on NYSE (the default calendar):
/// they must be equal.
fn check(s: &dyn BarStore, symbol: &Symbol, tf: Timeframe) -> Vec<DaySummary> {
    let stored: Vec<Bar> = s.bars(all(symbol, tf)).collect::<Result<_, _>>().unwrap();
    let index = s.bar_days(symbol, tf, None, None).unwrap();
    let nyse = BarGrid::new(tf, Calendar::Nyse).ok();
    assert_eq!(index, summarize_bars(tf, nyse.as_ref(), &stored).unwrap());
    index
}

/// 1m bars from 2024-01-02 09:30 New York, a minute apart day and night (pre- and after-hours
/// too), written in every way the store writes: fresh ranges that start or end on a date already
/// holding rows, an earlier range after a later one, updates that lower a high, identical rows.
fn the_day_index_follows_every_write(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let m1 = Timeframe::M1;
    s.upsert_bars(&spy, m1, &bars(0..150)).unwrap();
    assert_eq!(check(s.as_ref(), &spy, m1).len(), 1);
    // Fresh range from the same date to two dates later.
    s.upsert_bars(&spy, m1, &bars(150..3_000)).unwrap();
    let index = check(s.as_ref(), &spy, m1);
    assert_eq!(index.len(), 3);
    assert_eq!(index[0].rows, 870, "09:30 to midnight in New York");
    assert_eq!(
        index[0].filled, 390,
        "the session's minutes, not the evening's"
    );
    // A later range, then the hole before it.
    s.upsert_bars(&spy, m1, &bars(5_000..6_000)).unwrap();
    s.upsert_bars(&spy, m1, &bars(3_000..5_000)).unwrap();
    check(s.as_ref(), &spy, m1);
    // Updates across two dates, one lowering a date's high and low, with new rows among them.
    let mut changed: Vec<Bar> = (1_000..1_100).map(|i| bar(i, -400_000_000)).collect();
    changed.extend(bars(6_000..6_010));
    s.upsert_bars(&spy, m1, &changed).unwrap();
    let before = check(s.as_ref(), &spy, m1);
    s.upsert_bars(&spy, m1, &changed).unwrap();
    assert_eq!(
        check(s.as_ref(), &spy, m1),
        before,
        "identical rows change nothing"
    );
    // A date range.
    let from = NaiveDate::from_ymd_opt(2024, 1, 3).unwrap();
    let some = s.bar_days(&spy, m1, Some(from), Some(from)).unwrap();
    assert_eq!(some.len(), 1);
    assert_eq!(some[0], before[1]);
    assert!(
        s.bar_days(&Symbol::lit("QQQ"), m1, None, None)
            .unwrap()
            .is_empty()
    );
    assert!(
        s.bar_days(&spy, Timeframe::M5, None, None)
            .unwrap()
            .is_empty()
    );
}

fn quote(i: i64) -> QuoteBar {
    let side = |base: i64| Ohlc {
        open: Price::from_raw(base),
        high: Price::from_raw(base + 30),
        low: Price::from_raw(base - 20),
        close: Price::from_raw(base + 10),
    };
    QuoteBar {
        ts: ts(i),
        bid: (i % 7 != 3).then(|| side(167_420_000_000 + i)),
        ask: Some(side(167_870_000_000 + i)),
        bid_size: Quantity::from_int(200),
        ask_size: Quantity::from_int(300),
    }
}

fn quote_bars_have_their_own_index_without_prices(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let m1 = Timeframe::M1;
    let rows: Vec<QuoteBar> = (0..2_000).map(quote).collect();
    s.upsert_quote_bars(&spy, m1, &rows[..700]).unwrap();
    s.upsert_quote_bars(&spy, m1, &rows[500..]).unwrap();
    let index = s.quote_bar_days(&spy, m1, None, None).unwrap();
    let stamps: Vec<_> = rows.iter().map(|q| q.ts).collect();
    let nyse = BarGrid::new(m1, Calendar::Nyse).ok();
    assert_eq!(index, summarize_stamps(m1, nyse.as_ref(), &stamps).unwrap());
    assert!(index.iter().all(|d| d.ohlcv.is_none()));
    assert!(s.bar_days(&spy, m1, None, None).unwrap().is_empty());
}

/// A store at version 7, made by the migrations as they were then, with bars written by the
/// store of then (rows and `series_stats` only): migrating builds the day index from them.
fn a_store_from_before_the_index_gets_one_when_it_migrates(db: &TestDb) {
    let list = if db.is_postgres() {
        store::migrations::POSTGRES
    } else {
        store::migrations::SQLITE
    };
    // The table as each backend's migrator creates it.
    let applied_at = if db.is_postgres() {
        "TIMESTAMPTZ"
    } else {
        "TEXT"
    };
    let mut sql = format!(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                                         applied_at {applied_at} NOT NULL);\n"
    );
    for m in list.iter().filter(|m| m.version <= 7) {
        sql.push_str(m.sql);
        sql.push_str(&format!(
            ";\nINSERT INTO schema_migrations VALUES ({}, '{}', '2026-01-01T00:00:00Z');\n",
            m.version, m.name
        ));
    }
    let rows = bars(0..3_000);
    sql.push_str("INSERT INTO symbols (id, symbol) VALUES (1, 'SPY');\n");
    for chunk in rows.chunks(500) {
        let values: Vec<String> = chunk
            .iter()
            .map(|b| {
                format!(
                    "(1, '1m', {}, {}, {}, {}, {}, {})",
                    b.ts.as_i64(),
                    b.open.raw(),
                    b.high.raw(),
                    b.low.raw(),
                    b.close.raw(),
                    b.volume.raw()
                )
            })
            .collect();
        sql.push_str(&format!(
            "INSERT INTO bars (symbol_id, timeframe, ts, open, high, low, close, volume) VALUES {};\n",
            values.join(", ")
        ));
    }
    sql.push_str(&format!(
        "INSERT INTO series_stats VALUES ('bars', 1, '1m', 3000, {}, {});\n",
        rows[0].ts.as_i64(),
        rows[2_999].ts.as_i64()
    ));
    db.exec(&sql);
    let spy = Symbol::lit("SPY");
    let s = store::open_migrated(&db.url).unwrap();
    let index = check(s.as_ref(), &spy, Timeframe::M1);
    assert_eq!(index.len(), 3);
    assert_eq!(index.iter().map(|d| d.rows).sum::<u64>(), 3_000);
    assert_eq!(rows[2_999].ts, ts(0).plus(2_999 * MINUTE));
}

conformance!(
    the_day_index_follows_every_write,
    quote_bars_have_their_own_index_without_prices,
    a_store_from_before_the_index_gets_one_when_it_migrates,
);
