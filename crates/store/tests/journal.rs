//! The journal tables (signals, risk_vetoes, orders, order_events, fills, trade_ledger,
//! account_snapshots, risk_day), run against SQLite and PostgreSQL: a journal round-trips
//! exactly, reads come back in time order, the signal filter picks by status, a run's journal
//! goes with the run, and a journal for a run that does not exist is refused.

mod common;

use common::TestDb;
use common::journal::{journal, new_run};
use domain::Price;
use domain::journal::*;
use store::{RunAttachments, RunFilter, RunSelection, StoreError};
use testkit::conformance;

conformance!(
    a_journal_round_trips_exactly_in_time_order,
    signals_filter_by_status_and_a_journal_goes_with_its_run,
    a_run_and_its_journal_are_stored_together_or_not_at_all,
);

fn a_journal_round_trips_exactly_in_time_order(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let run = s.save_run(&new_run()).unwrap();
    let j = journal();
    let saved = s.save_journal(run, &j).unwrap();
    assert_eq!(saved.rows, j.len() as u64);
    let back = s.journal(run).unwrap();
    let mut expected = j.clone();
    expected.signals.sort_by_key(|x| x.ts);
    assert_eq!(back, expected);
    // A second run's journal is its own.
    let other = s.save_run(&new_run()).unwrap();
    assert!(s.journal(other).unwrap().is_empty());
    // Once per run.
    assert!(s.save_journal(run, &j).is_err());
    assert!(matches!(
        s.save_journal(9_999, &j),
        Err(StoreError::NotFound(_))
    ));
}

fn signals_filter_by_status_and_a_journal_goes_with_its_run(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let run = s.save_run(&new_run()).unwrap();
    s.save_journal(run, &journal()).unwrap();
    let promoted = s.signals(run, &[SignalStatus::Promoted]).unwrap();
    assert_eq!(promoted.iter().map(|x| x.id).collect::<Vec<_>>(), [1, 4]);
    assert_eq!(
        promoted[0].reference_price,
        Some(Price::lit("167.650000001"))
    );
    let some = s
        .signals(run, &[SignalStatus::Blocked, SignalStatus::Generated])
        .unwrap();
    assert_eq!(some.iter().map(|x| x.id).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(s.signals(run, &[]).unwrap().len(), 4);
    s.delete_runs(&RunSelection {
        ids: vec![run],
        ..Default::default()
    })
    .unwrap();
    assert!(s.journal(run).unwrap().is_empty());
}

fn a_run_and_its_journal_are_stored_together_or_not_at_all(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let j = journal();
    let with = RunAttachments {
        features: None,
        journal: Some(&j),
    };
    let saved = s.save_run_with(&new_run(), with).unwrap();
    assert_eq!(saved.journal.rows, j.len() as u64);
    assert_eq!(saved.features, 0);
    assert_eq!(s.journal(saved.id).unwrap().fills, j.fills);
    // A journal the tables refuse (two signals with one id at one time) leaves no run behind:
    // the run's row, trades and equity are in the same transaction.
    let mut bad = journal();
    bad.signals.push(bad.signals[0].clone());
    let before = s.list_runs(&RunFilter::default()).unwrap().len();
    let with = RunAttachments {
        features: None,
        journal: Some(&bad),
    };
    assert!(s.save_run_with(&new_run(), with).is_err());
    assert_eq!(s.list_runs(&RunFilter::default()).unwrap().len(), before);
}
