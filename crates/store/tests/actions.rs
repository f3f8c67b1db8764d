//! Corporate-action conformance (splits and cash dividends), on SQLite and PostgreSQL: the
//! upsert counts, idempotent re-writes, a batch refused whole, and the reads in ex-date order.

mod common;

use chrono::NaiveDate;
use common::{TestDb, upserted};
use domain::{CorporateAction, CorporateActionKind, Price, Symbol};
use store::StoreError;
use testkit::conformance;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn split(sym: &str, ex: &str, from: u32, to: u32) -> CorporateAction {
    CorporateAction::new(
        Symbol::lit(sym),
        d(ex),
        CorporateActionKind::Split { from, to },
    )
    .unwrap()
}

fn dividend(sym: &str, ex: &str, amount: &str) -> CorporateAction {
    CorporateAction::new(
        Symbol::lit(sym),
        d(ex),
        CorporateActionKind::CashDividend {
            amount: Price::lit(amount),
        },
    )
    .unwrap()
}

fn actions_upsert_and_read_in_ex_date_order(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let batch = vec![
        split("AAPL", "2014-06-09", 1, 7),
        dividend("AAPL", "2012-08-09", "2.6499"),
        // A split and a dividend on one ex-date are two rows.
        dividend("AAPL", "2014-06-09", "0.000000001"),
        dividend("SPY", "1998-03-20", "0.3134"),
    ];
    assert_eq!(s.upsert_actions(&batch).unwrap(), upserted(4, 0, 0));
    assert_eq!(s.upsert_actions(&batch).unwrap(), upserted(0, 0, 4));
    let mut changed = batch.clone();
    changed[1] = dividend("AAPL", "2012-08-09", "2.65");
    changed[0] = split("AAPL", "2014-06-09", 2, 14);
    changed.push(split("AAPL", "2020-08-31", 1, 4));
    assert_eq!(s.upsert_actions(&changed).unwrap(), upserted(1, 2, 2));

    let aapl = s.actions(&Symbol::lit("AAPL")).unwrap();
    assert_eq!(
        aapl,
        vec![
            dividend("AAPL", "2012-08-09", "2.65"),
            dividend("AAPL", "2014-06-09", "0.000000001"),
            split("AAPL", "2014-06-09", 2, 14),
            split("AAPL", "2020-08-31", 1, 4),
        ]
    );
    assert_eq!(
        s.actions(&Symbol::lit("SPY")).unwrap(),
        vec![dividend("SPY", "1998-03-20", "0.3134")]
    );
    assert!(s.actions(&Symbol::lit("QQQ")).unwrap().is_empty());
    assert_eq!(
        db.count("SELECT count(*) FROM corporate_actions WHERE kind = 'cash_dividend'"),
        3
    );
}

fn a_batch_with_a_repeated_key_stores_nothing(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let batch = vec![
        dividend("SPY", "2020-03-20", "1.4056"),
        split("SPY", "2020-03-20", 1, 2),
        dividend("SPY", "2020-03-20", "1.4"),
    ];
    let err = s.upsert_actions(&batch).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("two cash_dividend actions for SPY on 2020-03-20")),
        "{err}"
    );
    assert!(s.actions(&Symbol::lit("SPY")).unwrap().is_empty());
    assert_eq!(s.upsert_actions(&[]).unwrap(), upserted(0, 0, 0));
}

conformance!(
    actions_upsert_and_read_in_ex_date_order,
    a_batch_with_a_repeated_key_stores_nothing,
);
