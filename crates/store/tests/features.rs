//! The feature store on SQLite and PostgreSQL: a run's features written in one go, read back
//! row by row with their provenance, rewritten whole, found by config hash and range, and
//! deleted with their run.

mod common;

use chrono::NaiveDate;
use common::{TestDb, ts};
use domain::{Money, Symbol, UnixNanos};
use store::{FeatureInfo, FeatureProvenance, NewFeatures, NewRun, StoreError};
use testkit::conformance;

fn run() -> NewRun {
    NewRun {
        agent_id: "f".into(),
        start: ts(0),
        end: ts(1000),
        initial_capital: Money::lit("100000"),
        final_capital: Money::lit("100000"),
        total_trades: 0,
        winning_trades: 0,
        losing_trades: 0,
        max_drawdown: 0.0,
        sharpe_ratio: None,
        config: serde_json::json!({"id": "f", "features": ["vwap", "rvol"]}),
        metrics: analytics::compute(&analytics::MetricsInput::new(&[
            (ts(0), Money::lit("100000")),
            (ts(1000), Money::lit("100000")),
        ]))
        .unwrap(),
        data_fingerprint: String::new(),
        engine_version: "backtest 0.1.0".into(),
        trades: Vec::new(),
        equity: Vec::new(),
        sweep_id: None,
        params: None,
    }
}

fn provenance(hash: &str) -> FeatureProvenance {
    FeatureProvenance {
        calendar: "nyse".into(),
        timeframe: "1m".into(),
        config_hash: hash.into(),
        engine_version: "backtest 0.1.0".into(),
        features: vec![
            FeatureInfo {
                name: "vwap".into(),
                params: String::new(),
                warmup_bars: 1,
                warmup_sessions: 0,
            },
            FeatureInfo {
                name: "rvol".into(),
                params: "sessions=20".into(),
                warmup_bars: 1,
                warmup_sessions: 20,
            },
        ],
    }
}

/// `rows` bars alternating between two symbols, values that move with the row, rvol warming
/// up (None) on the first half. Enough rows to cross the SQLite chunk and a COPY flush or two.
struct Frame {
    symbols: Vec<Symbol>,
    symbol: Vec<u32>,
    ts: Vec<UnixNanos>,
    session: Vec<NaiveDate>,
    values: Vec<Option<f64>>,
}

fn frame(rows: usize) -> Frame {
    let day = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    let mut f = Frame {
        symbols: vec![Symbol::lit("SPY"), Symbol::lit("QQQ")],
        symbol: Vec::new(),
        ts: Vec::new(),
        session: Vec::new(),
        values: Vec::new(),
    };
    for r in 0..rows {
        f.symbol.push((r % 2) as u32);
        f.ts.push(ts((r / 2) as i64));
        f.session.push(day);
        f.values.push(Some(470.0 + r as f64 / 7.0));
        f.values
            .push((r >= rows / 2).then(|| 1.0 / (r as f64 + 1.0)));
    }
    f
}

fn new<'a>(f: &'a Frame, p: &'a FeatureProvenance) -> NewFeatures<'a> {
    NewFeatures {
        provenance: p,
        symbols: &f.symbols,
        symbol: &f.symbol,
        ts: &f.ts,
        session: &f.session,
        values: &f.values,
    }
}

fn features_round_trip_and_go_with_their_run(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let id = s.save_run(&run()).unwrap();
    let p = provenance("sha256:aaa");
    let f = frame(1200);
    assert_eq!(s.save_features(id, &new(&f, &p)).unwrap(), 2400);

    let back = s.run_features(id).unwrap();
    assert_eq!(back.run_id, id);
    // Provenance: per feature, by name.
    let mut want = p.clone();
    want.features.reverse();
    assert_eq!(back.provenance, want);
    assert_eq!(back.rows.len(), 1200);
    // Rows in (symbol, ts) order: QQQ first; every value exact (f64 bits), NULLs kept.
    let qqq0 = &back.rows[0];
    assert_eq!(qqq0.symbol.as_str(), "QQQ");
    assert_eq!(qqq0.ts, ts(0));
    assert_eq!(qqq0.session, NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
    assert_eq!(qqq0.values["vwap"], Some(470.0 + 1.0 / 7.0));
    assert_eq!(qqq0.values["rvol"], None);
    let spy_last = back.rows.last().unwrap();
    assert_eq!(spy_last.symbol.as_str(), "SPY");
    assert_eq!(spy_last.ts, ts(599));
    assert_eq!(spy_last.values["vwap"], Some(470.0 + 1198.0 / 7.0));
    assert_eq!(spy_last.values["rvol"], Some(1.0 / 1199.0));

    // By symbol, range and config hash.
    let some = s
        .features_in(&Symbol::lit("SPY"), ts(10), ts(20), "sha256:aaa")
        .unwrap();
    assert_eq!(some.rows.len(), 10);
    assert!(some.rows.iter().all(|r| r.symbol.as_str() == "SPY"));
    assert_eq!(some.rows[0].ts, ts(10));
    assert!(matches!(
        s.features_in(&Symbol::lit("SPY"), ts(0), ts(9), "sha256:zzz"),
        Err(StoreError::NotFound(_))
    ));

    // Saving again replaces the run's features whole.
    let small = frame(4);
    let p2 = provenance("sha256:bbb");
    assert_eq!(s.save_features(id, &new(&small, &p2)).unwrap(), 8);
    let back = s.run_features(id).unwrap();
    assert_eq!(back.rows.len(), 4);
    assert_eq!(back.provenance.config_hash, "sha256:bbb");

    // Bad columns and unknown runs are refused, nothing written.
    let mut bad = frame(4);
    bad.values.pop();
    assert!(matches!(
        s.save_features(id, &new(&bad, &p2)),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.save_features(id + 1000, &new(&small, &p2)),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.run_features(id).unwrap().rows.len(), 4);

    // Deleting the run deletes its features.
    s.delete_run(id).unwrap();
    assert!(matches!(s.run_features(id), Err(StoreError::NotFound(_))));
    let other = s.save_run(&run()).unwrap();
    assert!(matches!(
        s.run_features(other),
        Err(StoreError::NotFound(_))
    ));
}

conformance!(features_round_trip_and_go_with_their_run);
