//! `LabelStore` conformance on SQLite and PostgreSQL: a run's labels written in batches and read
//! back exactly, replaced on a second save, gone with their run.

mod common;

use common::{TestDb, ts};
use domain::{Money, Price, Symbol, UnixNanos};
use serde_json::json;
use store::{LabelRow, NewRun, StoreError};
use testkit::conformance;

fn run() -> NewRun {
    NewRun {
        agent_id: "sma".into(),
        start: ts(0),
        end: ts(1000),
        initial_capital: Money::lit("100000"),
        final_capital: Money::lit("100000"),
        total_trades: 0,
        winning_trades: 0,
        losing_trades: 0,
        max_drawdown: 0.0,
        sharpe_ratio: None,
        config: json!({}),
        metrics: analytics::compute(&analytics::MetricsInput::new(&[
            (
                UnixNanos::parse_rfc3339("2024-01-02").unwrap(),
                Money::lit("1"),
            ),
            (
                UnixNanos::parse_rfc3339("2024-01-03").unwrap(),
                Money::lit("1"),
            ),
        ]))
        .unwrap(),
        data_fingerprint: String::new(),
        engine_version: String::new(),
        trades: vec![],
        equity: vec![],
        sweep_id: None,
        params: None,
    }
}

/// Labels whose values move with `i`: sides, barriers and optional levels of every kind.
fn label(i: i64) -> LabelRow {
    let side = [Some(1), Some(-1), None][(i % 3) as usize];
    LabelRow {
        signal_id: i,
        symbol: Symbol::lit(if i % 2 == 0 { "SPY" } else { "QQQ" }),
        t0: ts(i),
        side,
        entry_time: ts(i + 1),
        entry_price: Price::from_raw(100_000_000_001 + i),
        take_profit: (i % 4 != 0).then(|| Price::lit("102.123456789")),
        stop_loss: (i % 5 != 0).then(|| Price::lit("97.5")),
        t1: ts(i + 7),
        exit_price: Price::lit("99.999999999"),
        barrier: ["tp", "sl", "time"][(i % 3) as usize].into(),
        ret: -0.012_345_678_901_234_5 * i as f64,
        label: [1, -1, 0][(i % 3) as usize],
        meta_label: side.map(|_| (i % 2) as i8),
        weight_uniqueness: 1.0 / (1 + i % 7) as f64,
        weight_return: 0.1 + i as f64 / 3.0,
    }
}

fn labels_round_trip(db: &TestDb) {
    db.with(|s| {
        let id = s.save_run(&run()).unwrap();
        assert_eq!(s.labels(id).unwrap(), None, "not labelled yet");
        // More than one insert batch, written out of time order.
        let mut rows: Vec<LabelRow> = (0..100).map(label).collect();
        rows.reverse();
        let params = json!({"take_profit": {"pct": "2"}, "max_bars": 30});
        s.save_labels(id, &params, &rows).unwrap();
        let set = s.labels(id).unwrap().unwrap();
        assert_eq!((set.run_id, &set.params), (id, &params));
        let want: Vec<LabelRow> = (0..100).map(label).collect();
        assert_eq!(set.labels, want, "exact, in t0 order");
        // A second labelling replaces the first.
        s.save_labels(id, &json!({}), &[label(5)]).unwrap();
        assert_eq!(s.labels(id).unwrap().unwrap().labels, vec![label(5)]);
        s.save_labels(id, &json!({}), &[]).unwrap();
        assert_eq!(s.labels(id).unwrap().unwrap().labels, vec![]);
        // Unknown runs are refused; deleting the run deletes its labels.
        let err = s.save_labels(id + 1, &json!({}), &[label(1)]).unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err}");
        s.save_labels(id, &json!({}), &[label(1)]).unwrap();
        s.delete_run(id).unwrap();
        assert_eq!(s.labels(id).unwrap(), None);
    });
    assert_eq!(db.count("SELECT count(*) FROM ml_labels"), 0);
}

fn duplicate_signals_write_nothing(db: &TestDb) {
    db.with(|s| {
        let id = s.save_run(&run()).unwrap();
        s.save_labels(id, &json!({"a": 1}), &[label(1)]).unwrap();
        assert!(
            s.save_labels(id, &json!({}), &[label(2), label(2)])
                .is_err()
        );
        let kept = s.labels(id).unwrap().unwrap();
        assert_eq!(
            (kept.params, kept.labels),
            (json!({"a": 1}), vec![label(1)])
        );
    });
}

conformance!(labels_round_trip, duplicate_signals_write_nothing);
