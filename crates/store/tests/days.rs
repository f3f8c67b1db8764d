//! The day index (`BarStore::bar_days`, `quote_bar_days`), on SQLite and PostgreSQL: after every
//! kind of write it equals the summaries `domain::grid::days` computes from the stored rows, and a
//! store written before the index existed gets it when it migrates.

mod common;

use chrono::NaiveDate;
use common::{MINUTE, TestDb, bar, bars, ts};
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

/// The index as stored, and as computed from the stored bars: they must be equal.
fn check(s: &dyn BarStore, symbol: &Symbol, tf: Timeframe) -> Vec<DaySummary> {
    let stored: Vec<Bar> = s.bars(all(symbol, tf)).collect::<Result<_, _>>().unwrap();
    let index = s.bar_days(symbol, tf, None, None).unwrap();
    assert_eq!(index, summarize_bars(tf, &stored).unwrap());
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
    assert_eq!(index, summarize_stamps(m1, &stamps).unwrap());
    assert!(index.iter().all(|d| d.ohlcv.is_none()));
    assert!(s.bar_days(&spy, m1, None, None).unwrap().is_empty());
}

/// A store migrated before the index existed: dropping the table and its migration row and
/// migrating again builds it from the bars, across the pages the build reads them in.
fn a_store_from_before_the_index_gets_one_when_it_migrates(db: &TestDb) {
    let spy = Symbol::lit("SPY");
    let m1 = Timeframe::M1;
    let rows = bars(0..120_000);
    let expected = {
        let mut s = store::open_migrated(&db.url).unwrap();
        s.upsert_bars(&spy, m1, &rows).unwrap();
        s.upsert_quote_bars(&spy, m1, &[quote(5)]).unwrap();
        check(s.as_ref(), &spy, m1)
    };
    assert_eq!(expected.len(), 84);
    // A store from before migration 8 has none of the later ones either.
    db.exec(
        "DROP TABLE series_days; DROP TABLE rollup_checkpoints;
         DELETE FROM schema_migrations WHERE version >= 8;",
    );
    let s = store::open_migrated(&db.url).unwrap();
    assert_eq!(check(s.as_ref(), &spy, m1), expected);
    assert_eq!(s.quote_bar_days(&spy, m1, None, None).unwrap().len(), 1);
    assert_eq!(rows[119_999].ts, ts(0).plus(119_999 * MINUTE));
}

conformance!(
    the_day_index_follows_every_write,
    quote_bars_have_their_own_index_without_prices,
    a_store_from_before_the_index_gets_one_when_it_migrates,
);
