//! Arbitrage opportunities (`arbitrage_opportunities`): upserts counted, every column round
//! trips, the range and open-streak reads; run against SQLite and PostgreSQL.

mod common;

use common::{MINUTE, TestDb, ts, upserted};
use domain::{Price, Quantity, Symbol, UnixNanos};
use serde_json::json;
use store::{ArbitrageRecord, StoreError};
use testkit::conformance;

conformance!(
    opportunities_upsert_and_round_trip,
    ranges_and_open_streaks,
    bad_batches_and_corrupt_rows,
);

/// A streak of `kind` on legs `key` from minute `first` to minute `last`.
fn record(underlying: &str, kind: &str, key: &str, first: i64, last: i64) -> ArbitrageRecord {
    ArbitrageRecord {
        underlying: Symbol::lit(underlying),
        kind: kind.into(),
        key: key.into(),
        expiry: "2024-01-19".parse().unwrap(),
        legs: json!([
            {"occ": "SPY240119C00470000", "side": "buy", "ratio": 1},
            {"occ": "SPY240119P00470000", "side": "sell", "ratio": 1, "price": 5.25},
        ]),
        edge: Price::lit("0.125"),
        quantity: Quantity::from_int(12),
        total_edge: Price::lit("150"),
        first_seen: ts(first),
        last_seen: ts(last),
        snapshots: u32::try_from(last - first + 1).unwrap(),
        next_edge: None,
        detail: json!({"fees": "0.65", "note": "ünïcode", "nested": {"b": 1, "a": [1.5, null]}}),
    }
}

fn opportunities_upsert_and_round_trip(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let batch = vec![
        record("SPY", "parity", "k2", 0, 2),
        record("SPY", "box", "k1", 0, 0),
        record("SPY", "box", "k1", 5, 6),
    ];
    assert_eq!(s.upsert_opportunities(&batch).unwrap(), upserted(3, 0, 0));
    assert_eq!(s.upsert_opportunities(&batch).unwrap(), upserted(0, 0, 3));
    // Ordered by first_seen, kind, key; every column comes back.
    let back = s.opportunities(&spy, None, None).unwrap();
    assert_eq!(
        back,
        vec![batch[1].clone(), batch[0].clone(), batch[2].clone()]
    );

    // The streak goes on: every other column updates in place.
    let mut longer = batch[0].clone();
    longer.last_seen = ts(3);
    longer.snapshots = 4;
    longer.next_edge = Some(Price::lit("-0.02"));
    longer.edge = Price::lit("0.5");
    longer.quantity = Quantity::lit("3.5");
    longer.total_edge = Price::lit("175");
    longer.kind = "conversion".into();
    longer.expiry = "2024-01-12".parse().unwrap();
    longer.legs = json!([]);
    longer.detail = json!({"changed": true});
    assert_eq!(
        s.upsert_opportunities(&[longer.clone(), batch[1].clone()])
            .unwrap(),
        upserted(0, 1, 1)
    );
    let back = s.opportunities(&spy, None, None).unwrap();
    assert_eq!(back, vec![batch[1].clone(), longer, batch[2].clone()]);
    assert_eq!(db.count("SELECT count(*) FROM arbitrage_opportunities"), 3);
    assert!(s.upsert_opportunities(&[]).unwrap() == upserted(0, 0, 0));
}

fn ranges_and_open_streaks(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    s.upsert_opportunities(&[
        record("SPY", "box", "a", 0, 2),
        record("SPY", "box", "b", 2, 4),
        record("SPY", "box", "c", 5, 5),
        record("QQQ", "box", "a", 2, 4),
    ])
    .unwrap();
    let keys = |v: Vec<ArbitrageRecord>| -> Vec<String> { v.into_iter().map(|r| r.key).collect() };
    // last_seen ≥ start and first_seen < end.
    assert_eq!(
        keys(s.opportunities(&spy, Some(ts(2)), Some(ts(5))).unwrap()),
        ["a", "b"]
    );
    assert_eq!(
        keys(s.opportunities(&spy, Some(ts(3)), None).unwrap()),
        ["b", "c"]
    );
    assert_eq!(
        keys(s.opportunities(&spy, None, Some(ts(2))).unwrap()),
        ["a"]
    );
    assert!(s.opportunities(&spy, Some(ts(6)), None).unwrap().is_empty());
    assert!(
        s.opportunities(&Symbol::lit("NOPE"), None, None)
            .unwrap()
            .is_empty()
    );
    // The streaks seen in the snapshot at minute 4, to continue with the next one.
    assert_eq!(keys(s.open_opportunities(&spy, ts(4)).unwrap()), ["b"]);
    let qqq = s.open_opportunities(&Symbol::lit("QQQ"), ts(4)).unwrap();
    assert_eq!(qqq, vec![record("QQQ", "box", "a", 2, 4)]);
    assert!(s.open_opportunities(&spy, ts(3)).unwrap().is_empty());
    assert!(
        s.open_opportunities(&spy, UnixNanos::new(ts(4).as_i64() + MINUTE))
            .unwrap()
            .len()
            == 1
    );
}

fn bad_batches_and_corrupt_rows(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let good = record("SPY", "box", "a", 0, 1);
    let mut backwards = good.clone();
    backwards.last_seen = ts(-1);
    let mut none = good.clone();
    none.snapshots = 0;
    let mut short = good.clone();
    short.quantity = Quantity::lit("-1");
    for bad in [
        vec![good.clone(), good.clone()],
        vec![good.clone(), backwards],
        vec![none],
        vec![short],
    ] {
        assert!(
            matches!(s.upsert_opportunities(&bad), Err(StoreError::Invalid(_))),
            "{bad:?}"
        );
    }
    assert_eq!(db.count("SELECT count(*) FROM arbitrage_opportunities"), 0);

    s.upsert_opportunities(&[good]).unwrap();
    common::corrupt(db, "arbitrage_opportunities", "snapshots", "0");
    let e = s
        .opportunities(&Symbol::lit("SPY"), None, None)
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Corrupt { table: "arbitrage_opportunities", reason } if reason.contains("snapshots")),
        "{e:?}"
    );
    if !db.is_postgres() {
        // SQLite keeps JSON as text: a broken one is named, not a panic.
        common::corrupt(db, "arbitrage_opportunities", "snapshots", "1");
        common::corrupt(db, "arbitrage_opportunities", "legs", "'[1,'");
        let e = s
            .opportunities(&Symbol::lit("SPY"), None, None)
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Corrupt { table: "arbitrage_opportunities", reason } if reason.contains("legs")),
            "{e:?}"
        );
    }
}
