//! Option contracts and quotes (`option_contracts`, `option_quotes`): every field round trips,
//! `chain_at` picks the latest snapshot per live contract and is an index seek, and
//! `option_snapshot_times`; run against SQLite and PostgreSQL.

mod common;

use common::{MINUTE, TestDb, contract, full_option, ts, upserted};
use domain::{OptionContract, OptionQuote, OptionRight, OptionStyle, Symbol, UnixNanos};
use store::{Backend, StoreError};
use testkit::conformance;

conformance!(
    every_field_round_trips,
    contracts_update_in_place,
    chain_at_picks_the_latest_per_live_contract,
    snapshot_times_are_distinct_and_ascending,
    chain_at_is_an_index_seek,
);

fn spx() -> OptionContract {
    contract(
        "SPX",
        "2024-01-19",
        OptionRight::Put,
        "4700",
        OptionStyle::European,
        10,
    )
}

fn spy(expiry: &str, right: OptionRight, strike: &str) -> OptionContract {
    contract("SPY", expiry, right, strike, OptionStyle::American, 100)
}

fn every_field_round_trips(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let call = spy("2024-01-19", OptionRight::Call, "470.5");
    let batch = vec![
        full_option(&spx(), 1, 3),
        full_option(&spx(), 0, 0),
        full_option(&call, 0, 1),
        OptionQuote::empty(call.clone(), ts(1)),
    ];
    assert_eq!(s.upsert_options(&batch, None).unwrap(), upserted(4, 0, 0));
    assert_eq!(s.upsert_options(&batch, None).unwrap(), upserted(0, 0, 4));
    let back = s.options(&Symbol::lit("SPX"), None, None).unwrap();
    assert_eq!(back, vec![batch[1].clone(), batch[0].clone()]);
    assert_eq!(back[0].contract.style, OptionStyle::European);
    assert_eq!(back[0].contract.multiplier, 10);
    let back = s.options(&Symbol::lit("SPY"), None, None).unwrap();
    assert_eq!(back, vec![batch[2].clone(), batch[3].clone()]);

    // One changed field is an update; the range is half-open.
    let mut changed = batch[0].clone();
    changed.rho = Some(0.5);
    assert_eq!(
        s.upsert_options(&[changed.clone()], None).unwrap(),
        upserted(0, 1, 0)
    );
    let back = s
        .options(&Symbol::lit("SPX"), Some(ts(1)), Some(ts(2)))
        .unwrap();
    assert_eq!(back, vec![changed]);
    assert!(
        s.options(&Symbol::lit("SPX"), Some(ts(0)), Some(ts(1)))
            .unwrap()
            .len()
            == 1
    );

    // Two snapshots of one key, or two contracts under one OCC symbol, are refused.
    let twice = vec![batch[0].clone(), batch[0].clone()];
    assert!(matches!(
        s.upsert_options(&twice, None),
        Err(StoreError::Invalid(_))
    ));
    let mut other = batch[1].clone();
    other.contract.multiplier = 100;
    let clash = vec![batch[0].clone(), other];
    let mut zero = batch[0].clone();
    zero.contract.multiplier = 0;
    assert!(matches!(
        s.upsert_options(&[zero], None),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.upsert_options(&clash, None),
        Err(StoreError::Invalid(_))
    ));
    // The old view still reads the snapshots under their 0002 names.
    assert_eq!(db.count("SELECT count(*) FROM options_chain"), 4);
    assert_eq!(
        db.count("SELECT count(*) FROM options_chain WHERE contract = 'SPX240119P04700000'"),
        2
    );
}

fn contracts_update_in_place(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let c = spx();
    s.upsert_options(&[full_option(&c, 0, 0)], None).unwrap();
    let mut restyled = full_option(&c, 1, 0);
    restyled.contract.style = OptionStyle::American;
    restyled.contract.multiplier = 100;
    assert_eq!(
        s.upsert_options(&[restyled], None).unwrap(),
        upserted(1, 0, 0)
    );
    assert_eq!(db.count("SELECT count(*) FROM option_contracts"), 1);
    let back = s.options(&Symbol::lit("SPX"), None, None).unwrap();
    assert!(
        back.iter()
            .all(|q| q.contract.style == OptionStyle::American && q.contract.multiplier == 100)
    );

    // A corrupt stored value is an error naming the table and field, not a panic.
    for (column, value) in [
        ("multiplier", "-1"),
        ("style", "'bermudan'"),
        ("option_right", "'x'"),
    ] {
        common::corrupt(db, "option_contracts", column, value);
        let e = s.options(&Symbol::lit("SPX"), None, None).unwrap_err();
        assert!(
            matches!(&e, StoreError::Corrupt { table: "option_contracts", reason } if reason.contains(column)),
            "{e:?}"
        );
        db.exec(&format!(
            "UPDATE option_contracts SET {column} = {}",
            match column {
                "multiplier" => "100",
                "style" => "'american'",
                _ => "'put'",
            }
        ));
    }
    assert_eq!(s.options(&Symbol::lit("SPX"), None, None).unwrap().len(), 2);
}

/// Snapshots: `(contract, minute)`.
fn chain_rows() -> Vec<OptionQuote> {
    let a = spy("2024-01-19", OptionRight::Call, "470");
    let b = spy("2024-01-19", OptionRight::Put, "470");
    let c = spy("2024-01-19", OptionRight::Call, "460");
    let d = spy("2024-01-05", OptionRight::Call, "470");
    let today = spy("2024-01-02", OptionRight::Call, "470");
    let expired = spy("2024-01-01", OptionRight::Call, "470");
    let qqq = contract(
        "QQQ",
        "2024-01-19",
        OptionRight::Call,
        "400",
        OptionStyle::American,
        100,
    );
    [
        (&a, 0),
        (&a, 10),
        (&a, 20),
        (&b, 12),
        (&b, 20),
        (&c, 0),
        (&d, 10),
        (&today, 5),
        (&expired, 10),
        (&qqq, 14),
    ]
    .into_iter()
    .map(|(c, m)| full_option(c, m, m))
    .collect()
}

fn occ_and_minute(chain: &[OptionQuote]) -> Vec<(String, i64)> {
    chain
        .iter()
        .map(|q| {
            (
                q.contract.occ.to_string(),
                (q.ts.as_i64() - ts(0).as_i64()) / MINUTE,
            )
        })
        .collect()
}

fn chain_at_picks_the_latest_per_live_contract(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let rows = chain_rows();
    s.upsert_options(&rows, None).unwrap();
    let spy = Symbol::lit("SPY");
    let pairs = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
        v.iter().map(|(o, m)| (o.to_string(), *m)).collect()
    };
    // Ordered by expiry, strike, right; the expired contract is gone, B's only snapshots are
    // after `at` until minute 12.
    let chain = s.chain_at(&spy, ts(15), None).unwrap();
    assert_eq!(
        occ_and_minute(&chain),
        pairs(&[
            ("SPY240102C00470000", 5),
            ("SPY240105C00470000", 10),
            ("SPY240119C00460000", 0),
            ("SPY240119C00470000", 10),
            ("SPY240119P00470000", 12),
        ])
    );
    // Whole snapshots come back.
    let a10 = rows
        .iter()
        .find(|q| q.contract.occ.as_str() == "SPY240119C00470000" && q.ts == ts(10));
    assert_eq!(chain.get(3), a10);
    // `at` itself counts; max_age drops the stale ones.
    let chain = s.chain_at(&spy, ts(10), Some(5 * MINUTE)).unwrap();
    assert_eq!(
        occ_and_minute(&chain),
        pairs(&[
            ("SPY240102C00470000", 5),
            ("SPY240105C00470000", 10),
            ("SPY240119C00470000", 10),
        ])
    );
    let chain = s.chain_at(&spy, ts(10), Some(0)).unwrap();
    assert_eq!(chain.len(), 2);
    // Before every snapshot, for an unknown underlying, and on a later day: nothing.
    assert!(s.chain_at(&spy, ts(-1), None).unwrap().is_empty());
    assert!(
        s.chain_at(&Symbol::lit("NOPE"), ts(15), None)
            .unwrap()
            .is_empty()
    );
    let jan_3 = UnixNanos::new(ts(0).as_i64() + 24 * 60 * MINUTE);
    assert_eq!(
        occ_and_minute(&s.chain_at(&spy, jan_3, None).unwrap()).len(),
        4,
        "the contract expiring on Jan 2 is gone on Jan 3"
    );
    assert!(matches!(
        s.chain_at(&spy, ts(10), Some(-1)),
        Err(StoreError::Invalid(_))
    ));
}

fn snapshot_times_are_distinct_and_ascending(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    s.upsert_options(&chain_rows(), None).unwrap();
    let spy = Symbol::lit("SPY");
    let minutes = |v: Vec<UnixNanos>| -> Vec<i64> {
        v.iter()
            .map(|t| (t.as_i64() - ts(0).as_i64()) / MINUTE)
            .collect()
    };
    assert_eq!(
        minutes(s.option_snapshot_times(&spy, None, None).unwrap()),
        vec![0, 5, 10, 12, 20]
    );
    assert_eq!(
        minutes(
            s.option_snapshot_times(&spy, Some(ts(5)), Some(ts(20)))
                .unwrap()
        ),
        vec![5, 10, 12]
    );
    assert_eq!(
        minutes(
            s.option_snapshot_times(&Symbol::lit("QQQ"), None, None)
                .unwrap()
        ),
        vec![14]
    );
    assert!(
        s.option_snapshot_times(&Symbol::lit("NOPE"), None, None)
            .unwrap()
            .is_empty()
    );
}

/// A chain of 40 strikes × 2 rights × 3 expiries with 30 snapshots each, so the planner has
/// statistics to choose by.
fn chain_at_is_an_index_seek(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let mut rows = Vec::new();
    for expiry in ["2024-01-05", "2024-01-12", "2024-01-19"] {
        for k in 0..40 {
            for right in [OptionRight::Call, OptionRight::Put] {
                let c = spy(expiry, right, &(450 + k).to_string());
                rows.extend((0..30).map(|m| full_option(&c, m, 0)));
            }
        }
    }
    s.upsert_options(&rows, None).unwrap();
    let sql = store::chain_at_sql(if db.is_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    })
    .unwrap();
    let (date, lo, at) = ("2024-01-02", ts(0).as_i64(), ts(15).as_i64());
    let plan = if db.is_postgres() {
        db.exec("ANALYZE");
        db.column(&format!(
            "PREPARE chain(text, text, int8, int8) AS {sql};
             EXPLAIN EXECUTE chain('SPY', '{date}', {lo}, {at})"
        ))
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
    } else {
        let bound = sql
            .replace("?1", "'SPY'")
            .replace("?2", &format!("'{date}'"))
            .replace("?3", &lo.to_string())
            .replace("?4", &at.to_string());
        let c = rusqlite::Connection::open(db.path("t.db")).unwrap();
        let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {bound}")).unwrap();
        stmt.query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
            .join("\n")
    };
    println!("{plan}");
    if db.is_postgres() {
        assert!(
            plan.contains("Index Scan Backward using option_quotes_pkey"),
            "{plan}"
        );
        assert!(!plan.contains("Seq Scan on option_quotes"), "{plan}");
    } else {
        assert!(
            plan.contains("USING PRIMARY KEY (contract_id=? AND ts>? AND ts<?)"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN q"), "{plan}");
    }
    assert_eq!(
        s.chain_at(&Symbol::lit("SPY"), ts(15), None).unwrap().len(),
        240
    );
}
