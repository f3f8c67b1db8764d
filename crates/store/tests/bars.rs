//! Bar and quote-bar conformance, run against SQLite and PostgreSQL: exact upsert counts, exact
//! round trips, keyset streaming, series summaries, views, and all-or-nothing batches.

mod common;

use common::{TestDb, bar, bars, ts, upserted};
use domain::{Bar, Ohlc, Price, Quantity, QuoteBar, Symbol, Timeframe, UnixNanos};
use store::stream::PAGE_SIZE;
use store::{BarQuery, BarStore, SeriesStatus, StoreError};
use testkit::conformance;

fn query(symbol: &str, tf: Timeframe, start: Option<i64>, end: Option<i64>) -> BarQuery {
    BarQuery {
        symbol: Symbol::lit(symbol),
        timeframe: tf,
        start: start.map(ts),
        end: end.map(ts),
    }
}

fn read_all(s: &dyn BarStore, q: BarQuery) -> Vec<Bar> {
    s.bars(q).collect::<Result<_, _>>().unwrap()
}

fn upsert_counts_are_exact(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let m1 = Timeframe::M1;
    assert_eq!(
        s.upsert_bars(&spy, m1, &bars(0..100)).unwrap(),
        upserted(100, 0, 0)
    );
    assert_eq!(
        s.upsert_bars(&spy, m1, &bars(0..100)).unwrap(),
        upserted(0, 0, 100)
    );

    let mut one_changed = bars(0..100);
    one_changed[42] = bar(42, 7);
    assert_eq!(
        s.upsert_bars(&spy, m1, &one_changed).unwrap(),
        upserted(0, 1, 99)
    );

    // Overlapping the stored range: 50 old (one changed), 50 new; given out of order.
    let mut mixed: Vec<Bar> = (50..150)
        .map(|i| bar(i, if i == 60 { 9 } else { 0 }))
        .collect();
    mixed.reverse();
    assert_eq!(
        s.upsert_bars(&spy, m1, &mixed).unwrap(),
        upserted(50, 1, 49)
    );

    // A vwap that goes from Some to None is a change too.
    let mut nulled = bar(61, 0);
    nulled.vwap = None;
    assert_eq!(
        s.upsert_bars(&spy, m1, &[nulled]).unwrap(),
        upserted(0, 1, 0)
    );

    let stored = read_all(&*s, query("SPY", m1, None, None));
    let mut expected = bars(0..150);
    expected[42] = bar(42, 7);
    expected[60] = bar(60, 9);
    expected[61] = nulled;
    assert_eq!(stored, expected);
    // Another timeframe of the same symbol is another series.
    assert_eq!(
        s.upsert_bars(&spy, Timeframe::M5, &bars(0..10)).unwrap(),
        upserted(10, 0, 0)
    );
    assert_eq!(s.upsert_bars(&spy, m1, &[]).unwrap(), upserted(0, 0, 0));
}

fn duplicate_timestamps_are_refused(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let batch = vec![bar(1, 0), bar(2, 0), bar(1, 5)];
    let e = s
        .upsert_bars(&Symbol::lit("SPY"), Timeframe::M1, &batch)
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
    assert!(e.to_string().contains("2024-01-02T14:31:00Z"), "{e}");
    assert!(s.series().unwrap().is_empty());
}

fn prices_round_trip_exactly(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let p = Price::lit;
    let rows = vec![
        // Six decimals (Yahoo), nine decimals (the smallest unit), FX five, and the extremes.
        Bar::new(
            ts(0),
            p("209.419998"),
            p("212.000001"),
            p("209.000002"),
            p("210.123456"),
            Quantity::lit("123456.78901234"),
            Some(p("210.5")),
            Some(0),
        )
        .unwrap(),
        Bar::new(
            ts(1),
            p("0.000000001"),
            p("0.000000009"),
            p("0"),
            p("0.000000005"),
            Quantity::lit("0.00000001"),
            Some(p("0.000000003")),
            None,
        )
        .unwrap(),
        Bar::new(
            ts(2),
            p("1.07083"),
            p("1.07091"),
            p("1.07077"),
            p("1.0709"),
            Quantity::ZERO,
            None,
            Some(u64::try_from(i64::MAX).unwrap()),
        )
        .unwrap(),
        // Beyond the largest price import accepts (1e9), as a store written before that limit
        // holds: the store still round-trips every value the type holds.
        Bar {
            ts: ts(3),
            open: p("9223372036.854775807"),
            high: p("9223372036.854775807"),
            low: p("9223372036.854775806"),
            close: p("9223372036.854775807"),
            volume: Quantity::from_raw(i64::MAX),
            vwap: Some(p("9223372036.854775807")),
            trade_count: Some(1),
        },
    ];
    s.upsert_bars(&Symbol::lit("EURUSD"), Timeframe::M1, &rows)
        .unwrap();
    let back = read_all(&*s, query("EURUSD", Timeframe::M1, None, None));
    assert_eq!(back, rows);
    assert_eq!(back[0].close.to_string(), "210.123456");
    assert_eq!(back[1].open.to_string(), "0.000000001");
    assert_eq!(back[0].volume.to_string(), "123456.78901234");

    // The readable view: exact NUMERIC in PostgreSQL, REAL (close enough to read) in SQLite.
    let close =
        db.column("SELECT close FROM market_bars WHERE symbol = 'EURUSD' ORDER BY timestamp");
    let first = close[0].as_deref().unwrap();
    if db.is_postgres() {
        assert_eq!(first, "210.123456000");
    } else {
        assert_eq!(first.parse::<f64>().unwrap(), 210.123456);
    }
}

fn streams_page_in_order_within_bounds(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let n = 2 * PAGE_SIZE as i64 + 123;
    // Every other minute, so bounds fall between bars too.
    let rows: Vec<Bar> = (0..n).map(|i| bar(2 * i, 0)).collect();
    let spy = Symbol::lit("SPY");
    s.upsert_bars(&spy, Timeframe::M1, &rows).unwrap();
    s.upsert_bars(&Symbol::lit("QQQ"), Timeframe::M1, &bars(0..10))
        .unwrap();
    s.upsert_bars(&spy, Timeframe::M5, &bars(0..10)).unwrap();

    let all = read_all(&*s, query("SPY", Timeframe::M1, None, None));
    assert_eq!(all.len(), rows.len());
    assert_eq!(all, rows);

    // [start, end): start on a bar is included, end on a bar is excluded.
    let (a, b) = (1000, 2 * (PAGE_SIZE as i64 + 500));
    let part = read_all(&*s, query("SPY", Timeframe::M1, Some(a), Some(b)));
    let expected: Vec<Bar> = rows
        .iter()
        .filter(|r| r.ts >= ts(a) && r.ts < ts(b))
        .copied()
        .collect();
    assert_eq!(part.len(), (b - a) as usize / 2);
    assert_eq!(part, expected);
    // Bounds between bars, open ends, empty ranges, unknown series.
    let odd = read_all(&*s, query("SPY", Timeframe::M1, Some(-5), Some(7)));
    assert_eq!(
        odd.iter().map(|r| r.ts).collect::<Vec<_>>(),
        vec![ts(0), ts(2), ts(4), ts(6)]
    );
    assert_eq!(
        read_all(&*s, query("SPY", Timeframe::M1, Some(2 * n - 3), None)).len(),
        1
    );
    assert!(read_all(&*s, query("SPY", Timeframe::M1, Some(9), Some(9))).is_empty());
    assert!(read_all(&*s, query("SPY", Timeframe::M1, Some(9), Some(3))).is_empty());
    assert!(read_all(&*s, query("DIA", Timeframe::M1, None, None)).is_empty());

    // Two streams open at once on one store, interleaved.
    let mut x = s.bars(query("SPY", Timeframe::M1, None, None));
    let mut y = s.bars(query("QQQ", Timeframe::M1, None, None));
    assert_eq!(x.next().unwrap().unwrap(), rows[0]);
    assert_eq!(y.next().unwrap().unwrap(), bar(0, 0));
    assert_eq!(x.count() + y.count(), rows.len() - 1 + 9);

    // One page directly: keyset after a timestamp.
    let page = s
        .bar_page(&query("SPY", Timeframe::M1, None, None), Some(ts(4)), 3)
        .unwrap();
    assert_eq!(
        page.iter().map(|r| r.ts).collect::<Vec<_>>(),
        vec![ts(6), ts(8), ts(10)]
    );
    assert!(
        s.bar_page(
            &query("SPY", Timeframe::M1, None, None),
            Some(UnixNanos::MAX),
            3
        )
        .unwrap()
        .is_empty()
    );
}

fn series_summarize_every_series(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    assert!(s.series().unwrap().is_empty());
    s.upsert_bars(&Symbol::lit("SPY"), Timeframe::D1, &bars(0..3))
        .unwrap();
    s.upsert_bars(&Symbol::lit("SPY"), Timeframe::M1, &bars(10..20))
        .unwrap();
    s.upsert_bars(&Symbol::lit("AAPL"), Timeframe::M1, &bars(5..8))
        .unwrap();
    // Overlap: only the 5 new rows count, and the range widens both ways.
    s.upsert_bars(&Symbol::lit("SPY"), Timeframe::M1, &bars(5..25))
        .unwrap();
    let status = |sym: &str, tf, rows, first, last| SeriesStatus {
        symbol: Symbol::lit(sym),
        timeframe: tf,
        calendar: domain::calendar::Calendar::Nyse,
        rows,
        first: ts(first),
        last: ts(last),
    };
    assert_eq!(
        s.series().unwrap(),
        vec![
            status("AAPL", Timeframe::M1, 3, 5, 7),
            status("SPY", Timeframe::M1, 20, 5, 24),
            status("SPY", Timeframe::D1, 3, 0, 2),
        ]
    );
    assert!(s.quote_series().unwrap().is_empty());
    assert_eq!(db.count("SELECT count(*) FROM market_bars"), 26);
}

fn quote(i: i64, bid: bool, ask: bool) -> QuoteBar {
    let side = |base: i64| Ohlc {
        open: Price::from_raw(base),
        high: Price::from_raw(base + 30_000_000),
        low: Price::from_raw(base - 20_000_000),
        close: Price::from_raw(base + 10_000_000),
    };
    QuoteBar {
        ts: ts(i),
        bid: bid.then(|| side(167_420_000_000 + i)),
        ask: ask.then(|| side(167_870_000_000 + i)),
        bid_size: Quantity::from_int(200 + i),
        ask_size: Quantity::from_int(300),
    }
}

fn quote_bars_round_trip(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let rows: Vec<QuoteBar> = (0..50).map(|i| quote(i, i % 7 != 3, i % 11 != 4)).collect();
    assert_eq!(
        s.upsert_quote_bars(&spy, Timeframe::M1, &rows).unwrap(),
        upserted(50, 0, 0)
    );
    assert_eq!(
        s.upsert_quote_bars(&spy, Timeframe::M1, &rows).unwrap(),
        upserted(0, 0, 50)
    );
    let mut changed = rows.clone();
    changed[3] = quote(3, true, true);
    changed.push(quote(50, true, false));
    assert_eq!(
        s.upsert_quote_bars(&spy, Timeframe::M1, &changed).unwrap(),
        upserted(1, 1, 49)
    );
    let back: Vec<QuoteBar> = s
        .quote_bars(query("SPY", Timeframe::M1, None, None))
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(back, changed);
    assert_eq!(s.quote_series().unwrap()[0].rows, 51);
    assert!(s.series().unwrap().is_empty());
}

/// A batch that fails part-way (a row the schema's CHECK rejects, or a count beyond i64) leaves
/// the store exactly as it was, on the fast path (new range) and on the merge path.
fn failed_batch_leaves_prior_data(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    s.upsert_bars(&spy, Timeframe::M1, &bars(0..100)).unwrap();
    let before = read_all(&*s, query("SPY", Timeframe::M1, None, None));
    let series = s.series().unwrap();

    let mut broken = bar(130, 0);
    std::mem::swap(&mut broken.high, &mut broken.low); // high below low
    let mut merge: Vec<Bar> = (50..200).map(|i| bar(i, 3)).collect();
    merge[80] = broken;
    let e = s.upsert_bars(&spy, Timeframe::M1, &merge).unwrap_err();
    assert!(
        matches!(e, StoreError::Sqlite(_) | StoreError::Postgres(_)),
        "{e:?}"
    );
    assert!(e.to_string().to_lowercase().contains("check"), "{e}");

    let mut fresh: Vec<Bar> = (1000..1100).map(|i| bar(i, 0)).collect();
    fresh[60] = Bar {
        ts: ts(1060),
        ..broken
    };
    assert!(s.upsert_bars(&spy, Timeframe::M1, &fresh).is_err());

    let mut too_many = bars(2000..2100);
    too_many[70].trade_count = Some(u64::MAX);
    let e = s.upsert_bars(&spy, Timeframe::M1, &too_many).unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");

    // A new symbol whose only batch failed leaves no series (and no orphan symbol).
    assert!(
        s.upsert_bars(&Symbol::lit("NEW"), Timeframe::M1, &fresh)
            .is_err()
    );

    assert_eq!(
        read_all(&*s, query("SPY", Timeframe::M1, None, None)),
        before
    );
    assert_eq!(s.series().unwrap(), series);
    assert_eq!(
        db.count("SELECT count(*) FROM symbols WHERE symbol = 'NEW'"),
        0
    );
    // The store is still usable after the failures.
    assert_eq!(
        s.upsert_bars(&spy, Timeframe::M1, &bars(100..110)).unwrap(),
        upserted(10, 0, 0)
    );
}

conformance!(
    upsert_counts_are_exact,
    duplicate_timestamps_are_refused,
    prices_round_trip_exactly,
    streams_page_in_order_within_bounds,
    series_summarize_every_series,
    quote_bars_round_trip,
    failed_batch_leaves_prior_data,
);
