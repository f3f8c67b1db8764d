//! Sentiment and backtest-run conformance, run against SQLite and PostgreSQL.

mod common;

use common::{TestDb, ts};
use domain::{
    Action, Money, Price, Quantity, SentimentLabel, SentimentRecord, SentimentSource, Symbol,
    UnixNanos,
};
use serde_json::json;
use store::{
    EquityPoint, Fill, NewRun, NewSweep, RunFilter, RunSelection, StoreError, UpsertCounts,
};
use testkit::conformance;

fn rec(sym: &str, minute: i64, source: SentimentSource, score: f64) -> SentimentRecord {
    SentimentRecord::new(
        Symbol::lit(sym),
        ts(minute),
        source,
        SentimentLabel::from_score(score, 0.05),
        score,
        0.75,
        json!({"headline": format!("{sym} at {minute}"), "tickers": [sym], "n": minute}),
    )
    .unwrap()
}

fn sentiment_upserts_and_reads(db: &TestDb) {
    use SentimentSource::*;
    let mut s = store::open_migrated(&db.url).unwrap();
    let batch = vec![
        rec("SPY", 0, News, 0.5),
        rec("SPY", 0, Reddit, -0.25),
        rec("SPY", 10, News, 0.1),
        rec("AAPL", 5, Sec, 0.0),
        rec("AAPL", 20, News, -0.9),
        rec("QQQ", 7, News, 0.3333333333333333),
    ];
    let n = |inserted, updated, unchanged| UpsertCounts {
        inserted,
        updated,
        unchanged,
        skipped: 0,
    };
    assert_eq!(s.upsert_sentiment(&batch).unwrap(), n(6, 0, 0));
    assert_eq!(s.upsert_sentiment(&batch).unwrap(), n(0, 0, 6));
    let mut changed = batch.clone();
    changed[2].score = 0.2;
    changed[4].metadata = json!({"headline": "revised"});
    changed.push(rec("SPY", 30, Sec, 1.0));
    assert_eq!(s.upsert_sentiment(&changed).unwrap(), n(1, 2, 4));

    // All symbols, ordered by (ts, symbol, source).
    let all = s.sentiment(&[], None, None).unwrap();
    let key = |r: &SentimentRecord| (r.ts, r.symbol.to_string(), r.source);
    let mut expected = changed.clone();
    expected.sort_by_key(key);
    assert_eq!(all, expected);
    // A symbol filter and [start, end).
    let spy = s
        .sentiment(
            &[Symbol::lit("SPY"), Symbol::lit("QQQ")],
            Some(ts(0)),
            Some(ts(30)),
        )
        .unwrap();
    assert_eq!(
        spy.iter().map(key).collect::<Vec<_>>(),
        vec![
            (ts(0), "SPY".into(), News),
            (ts(0), "SPY".into(), Reddit),
            (ts(7), "QQQ".into(), News),
            (ts(10), "SPY".into(), News),
        ]
    );
    assert_eq!(spy[3].score, 0.2);
    assert!(
        s.sentiment(&[Symbol::lit("DIA")], None, None)
            .unwrap()
            .is_empty()
    );
    assert!(
        s.sentiment(&[], Some(ts(5)), Some(ts(5)))
            .unwrap()
            .is_empty()
    );

    // latest_sentiment: one row per (symbol, source), the newest.
    let latest = db.column(
        "SELECT symbol || ':' || source || ':' || CAST(timestamp AS TEXT) FROM latest_sentiment
         ORDER BY symbol, source",
    );
    let t = |m: i64| ts(m).as_i64();
    let expect: Vec<Option<String>> = [
        format!("AAPL:news:{}", t(20)),
        format!("AAPL:sec:{}", t(5)),
        format!("QQQ:news:{}", t(7)),
        format!("SPY:news:{}", t(10)),
        format!("SPY:reddit:{}", t(0)),
        format!("SPY:sec:{}", t(30)),
    ]
    .into_iter()
    .map(Some)
    .collect();
    assert_eq!(latest, expect);

    let dup = vec![rec("SPY", 0, News, 0.5), rec("SPY", 0, News, 0.6)];
    let e = s.upsert_sentiment(&dup).unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
}

/// Real metrics of a small curve: the typed struct is stored as its JSON and read back equal,
/// floats to the last bit.
fn metrics() -> analytics::Metrics {
    let t = |d: &str| UnixNanos::parse_rfc3339(d).unwrap();
    let curve = [
        (t("2024-01-02"), Money::lit("100000")),
        (t("2024-01-03"), Money::lit("100123.45678901234567891")),
        (t("2024-01-04"), Money::lit("99876.5")),
        (t("2024-01-05"), Money::lit("100123.45678901234567891")),
    ];
    analytics::compute(&analytics::MetricsInput::new(&curve)).unwrap()
}

fn run(agent: &str, equity_points: usize) -> NewRun {
    let m = Money::lit;
    NewRun {
        agent_id: agent.to_string(),
        start: UnixNanos::parse_rfc3339("2024-01-02").unwrap(),
        end: UnixNanos::parse_rfc3339("2024-06-28").unwrap(),
        initial_capital: m("100000"),
        final_capital: m("100123.45678901234567891"),
        total_trades: 3,
        winning_trades: 1,
        losing_trades: 0,
        max_drawdown: 0.0421,
        sharpe_ratio: Some(1.2345678901234),
        config: json!({"strategy": "sma_cross", "fast": 10, "slow": 30, "symbols": ["SPY"]}),
        metrics: metrics(),
        data_fingerprint: "sha256:abc123".into(),
        engine_version: "0.1.0".into(),
        trades: vec![
            Fill {
                timestamp: ts(1),
                symbol: Symbol::lit("SPY"),
                action: Action::Buy,
                quantity: Quantity::lit("596"),
                price: Price::lit("167.65"),
                commission: m("1.00000000000000001"),
                pnl: None,
                reason: "fast crossed\tabove slow\nline two \\ backslash".into(),
            },
            Fill {
                timestamp: ts(90),
                symbol: Symbol::lit("SPY"),
                action: Action::Sell,
                quantity: Quantity::lit("596"),
                price: Price::lit("167.850000001"),
                commission: m("1"),
                pnl: Some(m("-0.00000000000000001")),
                reason: String::new(),
            },
        ],
        equity: (0..equity_points)
            .map(|i| EquityPoint {
                timestamp: ts(i as i64),
                equity: m("100000") + Money::from_raw(i as i128),
                cash: m("80.6"),
            })
            .collect(),
        sweep_id: None,
        params: Some(json!({"fast": 10, "slow": 30})),
    }
}

fn runs_save_list_get_delete(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let a = s.save_run(&run("sma", 20_000)).unwrap();
    let b = s.save_run(&run("rsi", 3)).unwrap();
    let c = s.save_run(&run("sma", 0)).unwrap();

    let ids =
        |f: RunFilter| -> Vec<i64> { s.list_runs(&f).unwrap().iter().map(|r| r.id).collect() };
    assert_eq!(ids(RunFilter::default()), vec![c, b, a]);
    let sma = RunFilter {
        agent_id: Some("sma".into()),
        ..RunFilter::default()
    };
    assert_eq!(ids(sma.clone()), vec![c, a]);
    assert_eq!(
        ids(RunFilter {
            limit: Some(1),
            ..sma
        }),
        vec![c]
    );

    let want = run("sma", 20_000);
    let got = s.get_run(a).unwrap();
    assert_eq!(got.summary.id, a);
    assert_eq!(got.summary.agent_id, "sma");
    assert_eq!((got.summary.start, got.summary.end), (want.start, want.end));
    assert_eq!(got.summary.initial_capital, want.initial_capital);
    assert_eq!(
        got.summary.final_capital.to_string(),
        "100123.45678901234567891"
    );
    assert_eq!(
        (
            got.summary.total_trades,
            got.summary.winning_trades,
            got.summary.losing_trades
        ),
        (3, 1, 0)
    );
    assert_eq!(got.summary.max_drawdown, want.max_drawdown);
    assert_eq!(got.summary.sharpe_ratio, want.sharpe_ratio);
    assert!(
        UnixNanos::parse_rfc3339(&got.summary.created_at).is_ok(),
        "{}",
        got.summary.created_at
    );
    assert_eq!(got.config, want.config);
    assert_eq!(got.metrics, want.metrics);
    assert_eq!(got.data_fingerprint, want.data_fingerprint);
    assert_eq!(got.engine_version, want.engine_version);
    assert_eq!(got.summary.params, want.params);
    assert_eq!(got.summary.sweep_id, None);
    assert_eq!(got.trades, want.trades);
    assert_eq!(got.equity, want.equity);
    assert_eq!(s.list_runs(&RunFilter::default()).unwrap()[2], got.summary);

    let perf = db.column(&format!(
        "SELECT CAST(round(return_pct, 4) AS TEXT) FROM backtest_performance WHERE run_id = {a}"
    ));
    assert_eq!(perf[0].as_deref().unwrap().parse::<f64>().unwrap(), 0.1235);

    let e = s.get_run(9_999_999).unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");

    s.delete_run(a).unwrap();
    assert!(matches!(s.get_run(a), Err(StoreError::NotFound(_))));
    assert!(matches!(s.delete_run(a), Err(StoreError::NotFound(_))));
    for t in ["backtest_trades", "backtest_equity"] {
        assert_eq!(
            db.count(&format!("SELECT count(*) FROM {t} WHERE run_id = {a}")),
            0,
            "{t}"
        );
    }
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) FROM backtest_equity WHERE run_id = {b}"
        )),
        3
    );
}

/// A run whose second trade the database refuses (a trigger standing in for any failure part
/// way through the save) is not stored at all.
fn failed_run_is_not_stored(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    if db.is_postgres() {
        db.exec(
            "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.reason = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$; \
             CREATE TRIGGER refuse_boom BEFORE INSERT ON backtest_trades \
             FOR EACH ROW EXECUTE FUNCTION refuse_boom();",
        );
    } else {
        db.exec(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON backtest_trades \
             WHEN NEW.reason = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        );
    }
    let mut bad = run("sma", 100);
    bad.trades[1].reason = "boom".into();
    assert!(s.save_run(&bad).is_err());
    assert!(s.list_runs(&RunFilter::default()).unwrap().is_empty());
    assert_eq!(db.count("SELECT count(*) FROM backtest_equity"), 0);
    assert!(s.save_run(&run("sma", 1)).is_ok());
}

/// A sweep: recorded, its runs stored with it and their parameters, listed apart from the
/// standalone runs, its report kept, and deleted with its runs in one go. Deletes are all or
/// nothing: a selection with one unknown run deletes none.
fn sweeps_record_list_and_delete(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let alone = s.save_run(&run("sma", 2)).unwrap();
    let sweep = s
        .create_sweep(&NewSweep {
            agent_id: "sma".into(),
            metric: "sharpe".into(),
            grid: json!({"fast": [5, 6], "slow": [20]}),
            keep: "top:1".into(),
        })
        .unwrap();
    let mut members = Vec::new();
    for fast in [5, 6] {
        let mut r = run("sma", if fast == 5 { 2 } else { 0 });
        r.sweep_id = Some(sweep);
        r.params = Some(json!({"fast": fast, "slow": 20}));
        members.push(s.save_run(&r).unwrap());
    }
    s.finish_sweep(sweep, &json!({"runs": members})).unwrap();

    let listed = s.list_sweeps(None).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, listed[0].runs), (sweep, 2));
    assert_eq!(listed[0].grid, json!({"fast": [5, 6], "slow": [20]}));
    let got = s.get_sweep(sweep).unwrap();
    assert_eq!(got.report, json!({"runs": members}));
    assert_eq!(got.summary.keep, "top:1");
    let standalone = s
        .list_runs(&RunFilter {
            standalone: true,
            ..RunFilter::default()
        })
        .unwrap();
    assert_eq!(standalone.iter().map(|r| r.id).collect::<Vec<_>>(), [alone]);
    let of_sweep = s
        .list_runs(&RunFilter {
            sweep_id: Some(sweep),
            ..RunFilter::default()
        })
        .unwrap();
    assert_eq!(of_sweep.len(), 2);
    assert_eq!(of_sweep[1].params, Some(json!({"fast": 5, "slow": 20})));
    assert_eq!(of_sweep[1].sweep_id, Some(sweep));

    // Nothing selected, or an unknown run among known ones: an error, nothing deleted.
    assert!(matches!(
        s.delete_runs(&RunSelection::default()),
        Err(StoreError::Invalid(_))
    ));
    let e = s
        .delete_runs(&RunSelection {
            ids: vec![alone, 9_999_999],
            ..RunSelection::default()
        })
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
    assert!(s.get_run(alone).is_ok());

    // Conditions combine: run `alone`, of agent sma, created before 2200 is that one run; the
    // sweep's runs stay until the sweep is deleted, which takes them with it.
    let later = UnixNanos::parse_rfc3339("2200-01-01T00:00:00Z").unwrap();
    let d = s
        .delete_runs(&RunSelection {
            ids: vec![alone],
            agent_id: Some("sma".into()),
            before: Some(later),
            ..RunSelection::default()
        })
        .unwrap();
    assert_eq!((d.runs, d.sweeps), (1, 0));
    let d = s
        .delete_runs(&RunSelection {
            sweep_id: Some(sweep),
            ..RunSelection::default()
        })
        .unwrap();
    assert_eq!((d.runs, d.sweeps), (2, 1));
    assert!(s.list_sweeps(None).unwrap().is_empty());
    assert_eq!(db.count("SELECT count(*) FROM backtest_runs"), 0);
    assert_eq!(db.count("SELECT count(*) FROM backtest_trades"), 0);
    let before_anything = UnixNanos::parse_rfc3339("2000-01-01T00:00:00Z").unwrap();
    let kept = s.save_run(&run("sma", 0)).unwrap();
    let d = s
        .delete_runs(&RunSelection {
            agent_id: Some("sma".into()),
            before: Some(before_anything),
            ..RunSelection::default()
        })
        .unwrap();
    assert_eq!(d.runs, 0);
    assert!(s.get_run(kept).is_ok());
}

conformance!(
    sentiment_upserts_and_reads,
    runs_save_list_get_delete,
    failed_run_is_not_stored,
    sweeps_record_list_and_delete,
);
