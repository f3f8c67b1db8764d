//! Issue 11 on both backends: ticks with the vendor's suspicious flag and one-sided quotes, large
//! batches through the multi-row path (insert, then every row unchanged), and bars made from
//! ticks recorded in `bar_origins` with their bars.

mod common;

use common::{TestDb, bars, seq, trade, ts, upserted};
use domain::{Price, Quantity, QuoteTick, Symbol, Timeframe};
use store::{BarOrigin, Seq};
use testkit::conformance;

conformance!(
    suspicious_flag_round_trips,
    one_sided_quotes_round_trip,
    many_ticks_then_unchanged,
    aggregated_bars_record_their_origin,
);

fn suspicious_flag_round_trips(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let mut odd = trade(0, 7, "");
    odd.suspicious = true;
    let batch = vec![seq(0, trade(0, 1, "")), seq(1, odd)];
    assert_eq!(
        s.upsert_trades(&spy, &batch, None).unwrap(),
        upserted(2, 0, 0)
    );
    assert_eq!(s.trades(&spy, None, None).unwrap(), batch);
    s.upsert_trades(&spy, &[seq(0, trade(3, 1, ""))], None)
        .unwrap();
    assert_eq!(s.trade_span(&spy).unwrap(), Some((ts(0), ts(3))));
    assert_eq!(s.trade_span(&Symbol::lit("QQQ")).unwrap(), None);
    // Clearing the flag is a change.
    let mut cleared = batch.clone();
    cleared[1].tick.suspicious = false;
    assert_eq!(
        s.upsert_trades(&spy, &cleared, None).unwrap(),
        upserted(0, 1, 1)
    );
}

fn one_sided_quotes_round_trip(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let ask_only = QuoteTick {
        ts: ts(0),
        bid: Price::ZERO,
        ask: Price::lit("167.42"),
        bid_size: Quantity::ZERO,
        ask_size: Quantity::from_int(300),
        bid_exchange: "P".into(),
        ask_exchange: "P".into(),
        conditions: vec!["0".into()],
        suspicious: false,
    };
    assert!(!ask_only.has_bid() && ask_only.has_ask() && !ask_only.is_crossed());
    let batch = vec![seq(0, ask_only)];
    assert_eq!(
        s.upsert_quotes(&spy, &batch, None).unwrap(),
        upserted(1, 0, 0)
    );
    assert_eq!(s.quotes(&spy, None, None).unwrap(), batch);
}

fn many_ticks_then_unchanged(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    // 1000 ticks, ten per instant: more than one multi-row statement, and a remainder.
    let batch: Vec<Seq<_>> = (0..1000)
        .map(|i| seq((i % 10) as u32, trade(i / 10, i % 97, "")))
        .collect();
    assert_eq!(
        s.upsert_trades(&spy, &batch, None).unwrap(),
        upserted(1000, 0, 0)
    );
    assert_eq!(
        s.upsert_trades(&spy, &batch, None).unwrap(),
        upserted(0, 0, 1000)
    );
    let mut more = batch[990..].to_vec();
    more.push(seq(10, trade(99, 5, "")));
    more[0].tick.price = Price::lit("1");
    assert_eq!(
        s.upsert_trades(&spy, &more, None).unwrap(),
        upserted(1, 1, 9)
    );
    assert_eq!(s.trades(&spy, None, None).unwrap().len(), 1001);
}

fn aggregated_bars_record_their_origin(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let written = bars(0..10);
    let origin = |first: i64, last: i64, ticks: u64| BarOrigin {
        first: ts(first),
        last: ts(last),
        aggregated_from: "trades".into(),
        rules: "lean".into(),
        ticks,
        bars: (last - first + 1) as u64,
    };
    let o = origin(0, 9, 123);
    assert_eq!(
        s.upsert_aggregated_bars(&spy, Timeframe::M1, &written, &o)
            .unwrap(),
        upserted(10, 0, 0)
    );
    // Again: the bars are unchanged and the origin is replaced, not repeated.
    assert_eq!(
        s.upsert_aggregated_bars(&spy, Timeframe::M1, &written, &o)
            .unwrap(),
        upserted(0, 0, 10)
    );
    let o2 = origin(10, 14, 7);
    s.upsert_aggregated_bars(&spy, Timeframe::M1, &bars(10..15), &o2)
        .unwrap();
    assert_eq!(s.bar_origins(&spy, Timeframe::M1).unwrap(), vec![o, o2]);
    assert!(s.bar_origins(&spy, Timeframe::M5).unwrap().is_empty());
    let stored: Vec<_> = s
        .bars(store::BarQuery {
            symbol: spy,
            timeframe: Timeframe::M1,
            start: None,
            end: None,
        })
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored.len(), 15);
}
