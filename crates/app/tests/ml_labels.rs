//! `ml labels` and `ml export` end to end on SQLite and PostgreSQL: a stored SMA run on
//! backtesting.py's EURUSD hours is labelled from its opening fills (the interim entry source),
//! every label enters where the engine entered, the labels are stored and replaced, and the
//! dataset is written as CSV and Parquet with its manifest.

use app::labels::dataset::{self, DatasetRequest};
use app::labels::sources::{NoFeatures, TradeEntries};
use app::labels::{LabelRequest, label_run};
use app::run;
use app::time::Window;
use backtest::AgentConfig;
use domain::{Action, Symbol, Timeframe};
use formats::export::Format;
use testkit::{TestDb, conformance};

conformance!(
    labels_enter_where_the_engine_entered,
    export_writes_the_dataset_and_manifest,
    a_journaled_run_labels_its_promoted_entry_signals
);

fn agent() -> AgentConfig {
    AgentConfig::from_yaml(
        "id: sma\nsymbols: [EURUSD]\ntimeframe: 1h\ninitial_capital: 100000\n\
         strategy: { kind: sma_crossover, fast: 5, slow: 20 }\nallow_short: true\n",
    )
    .unwrap()
}

/// The same run stored with its journal: its promoted entry signals are exactly its opening
/// fills, so the labels are the same, each keyed by its signal's id instead of the fill's place.
fn a_journaled_run_labels_its_promoted_entry_signals(db: &TestDb) {
    let (mut s, plain) = stored_run(db);
    let req = run::RunRequest::new(
        agent(),
        Vec::new(),
        Window::default(),
        None,
        true,
        Some(backtest::SnapshotCadence::SessionClose),
    );
    let journaled = run::backtest(s.as_mut(), &req).unwrap().run_id.unwrap();
    let from_fills = app::labels::sources::stored_entries(s.as_ref(), plain).unwrap();
    assert!(from_fills.name().starts_with("backtest_trades"));
    let from_journal = app::labels::sources::stored_entries(s.as_ref(), journaled).unwrap();
    assert!(from_journal.name().starts_with("journal"));
    label_run(s.as_mut(), &request(plain), from_fills.as_ref()).unwrap();
    let report = label_run(s.as_mut(), &request(journaled), from_journal.as_ref()).unwrap();
    assert!(report.labelled > 5, "{report:?}");
    let a = s.labels(plain).unwrap().unwrap().labels;
    let b = s.labels(journaled).unwrap().unwrap().labels;
    assert_eq!(a.len(), b.len());
    let journal = s.journal(journaled).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (x.t0, x.side, x.entry_time, x.entry_price, x.t1, x.ret),
            (y.t0, y.side, y.entry_time, y.entry_price, y.t1, y.ret)
        );
        // Keyed by a promoted signal of that run.
        let signal = journal
            .signals
            .iter()
            .find(|s| s.id as i64 == y.signal_id)
            .expect("a signal");
        assert_eq!(signal.status, domain::journal::SignalStatus::Promoted);
        assert!(y.t0 < signal.ts && signal.ts <= y.entry_time);
    }
}

fn stored_run(db: &TestDb) -> (Box<dyn store::Store>, i64) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let bars = testkit::eurusd_hours()[..600].to_vec();
    s.upsert_bars(&Symbol::lit("EURUSD"), Timeframe::H1, &bars)
        .unwrap();
    let r = run::run(s.as_ref(), &agent(), Window::default(), None).unwrap();
    let id = run::save(s.as_mut(), &r).unwrap();
    (s, id)
}

fn request(run_id: i64) -> LabelRequest {
    LabelRequest {
        run_id,
        take_profit: Some("0.5".into()),
        stop_loss: Some("0.3".into()),
        max_bars: Some(24),
        ..LabelRequest::default()
    }
}

fn labels_enter_where_the_engine_entered(db: &TestDb) {
    let (mut s, id) = stored_run(db);
    let report = label_run(s.as_mut(), &request(id), &TradeEntries).unwrap();
    let stored = s.get_run(id).unwrap();
    let opens: Vec<_> = stored
        .trades
        .iter()
        .filter(|f| matches!(f.action, Action::Buy | Action::Short) && f.pnl.is_none())
        .collect();
    assert!(opens.len() > 5, "the run trades: {}", opens.len());
    assert_eq!(
        (report.entries, report.labelled),
        (opens.len(), opens.len())
    );
    assert_eq!(
        report.barriers.tp + report.barriers.sl + report.barriers.time,
        opens.len()
    );
    let set = s.labels(id).unwrap().unwrap();
    assert_eq!(set.labels.len(), opens.len());
    assert_eq!(set.params["take_profit"], serde_json::json!({"pct": "0.5"}));
    for (l, f) in set.labels.iter().zip(&opens) {
        // Cost-free agent: the label's entry is the engine's fill, bar and price.
        assert_eq!(
            (l.entry_time, l.entry_price),
            (f.timestamp, f.price),
            "{l:?}"
        );
        assert!(l.t0 < l.entry_time && l.entry_time <= l.t1);
        assert_eq!(l.side, Some(if f.action == Action::Buy { 1 } else { -1 }));
        assert!(l.weight_uniqueness > 0.0 && l.weight_uniqueness <= 1.0);
    }
    let total: f64 = set.labels.iter().map(|l| l.weight_return).sum();
    assert!(
        (total - opens.len() as f64).abs() < 1e-9,
        "return weights sum to N: {total}"
    );
    // Labelling again with other barriers replaces the set.
    let mut again = request(id);
    again.take_profit = None;
    again.tp_vol = Some(2.0);
    let r2 = label_run(s.as_mut(), &again, &TradeEntries).unwrap();
    let set2 = s.labels(id).unwrap().unwrap();
    assert_eq!(set2.labels.len(), r2.labelled);
    assert_eq!(set2.params["take_profit"], serde_json::json!({"vol": 2.0}));
    // Bad flags are the user's to fix.
    again.take_profit = Some("1".into());
    let e = label_run(s.as_mut(), &again, &TradeEntries).unwrap_err();
    assert!(matches!(e, app::AppError::Input(_)), "{e}");
}

fn export_writes_the_dataset_and_manifest(db: &TestDb) {
    let (mut s, id) = stored_run(db);
    let dir = tempfile::tempdir().unwrap();
    let req = |format, name: &str| DatasetRequest {
        run_id: id,
        format,
        out: dir.path().join(name),
    };
    let e = dataset::export(s.as_ref(), &req(Format::Csv, "a.csv"), "t", &NoFeatures).unwrap_err();
    assert!(
        matches!(e, app::AppError::NoData(_)),
        "not labelled yet: {e}"
    );
    let labelled = label_run(s.as_mut(), &request(id), &TradeEntries)
        .unwrap()
        .labelled;
    let csv = dataset::export(s.as_ref(), &req(Format::Csv, "a.csv"), "t", &NoFeatures).unwrap();
    let text = std::fs::read_to_string(&csv.file).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "symbol,t0,side,entry_time,entry_price,t1,barrier,ret,label,weight_uniqueness,\
         weight_return,signal_id,meta_label,take_profit,stop_loss,exit_price"
    );
    assert_eq!(lines.count(), labelled);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&csv.manifest_file).unwrap()).unwrap();
    let run = s.get_run(id).unwrap();
    assert_eq!(manifest["data_fingerprint"], run.data_fingerprint.as_str());
    assert_eq!(manifest["rows"], labelled);
    assert_eq!(manifest["features"], serde_json::json!([]));
    assert!(
        manifest["agent_config_hash"]
            .as_str()
            .unwrap()
            .starts_with("xxh3-128:")
    );
    let pq = dataset::export(
        s.as_ref(),
        &req(Format::Parquet, "a.parquet"),
        "t",
        &NoFeatures,
    )
    .unwrap();
    assert!(std::fs::metadata(&pq.file).unwrap().len() > 100);
    assert!(pq.manifest_file.ends_with("a.parquet.manifest.json"));
}
