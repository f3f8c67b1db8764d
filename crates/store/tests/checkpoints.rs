//! Checkpoints (committed with their rows or not at all), the job-run log and its status, and
//! the key tables' rows, run against SQLite and PostgreSQL.

mod common;

use common::{TestDb, bar, bars, option, seq, trade, ts, upserted};
use domain::{Price, Symbol, Timeframe, UnixNanos};
use store::{
    ApiKeyRow, Checkpoint, CheckpointKey, ChunkProgress, CollectionRun, DataKind, KeyAuditRow,
    StoreError, VaultHeaderRow,
};
use testkit::conformance;

conformance!(
    bars_and_checkpoint_commit_together,
    ticks_and_checkpoint_commit_together,
    runs_record_list_and_status,
    key_rows_and_audit,
);

fn key(kind: DataKind, tf: Option<Timeframe>) -> CheckpointKey {
    CheckpointKey {
        provider: "alpaca".into(),
        symbol: Symbol::lit("SPY"),
        kind,
        timeframe: tf,
    }
}

fn bars_and_checkpoint_commit_together(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let k = key(DataKind::Bars, Some(Timeframe::M1));
    assert_eq!(s.checkpoint(&k).unwrap(), None);
    let mut cp = Checkpoint::new(k.clone(), UnixNanos::new(7));
    cp.chunk = Some(ChunkProgress {
        start: ts(0),
        end: ts(100),
        cursor: Some("token-1".into()),
        tick_ts: None,
        tick_seq: 0,
    });
    cp.rows = 10;
    cp.pages = 1;
    let counts = s
        .upsert_bars_with_checkpoint(&spy, Timeframe::M1, &bars(0..10), &cp)
        .unwrap();
    assert_eq!(counts, upserted(10, 0, 0));
    assert_eq!(s.checkpoint(&k).unwrap().as_ref(), Some(&cp));

    // A batch the store refuses (high below low) leaves both the bars and the checkpoint.
    let mut bad = bars(10..20);
    bad[3].high = Price::from_raw(1);
    let mut next = cp.clone();
    next.chunk.as_mut().unwrap().cursor = Some("token-2".into());
    next.rows = 20;
    assert!(
        s.upsert_bars_with_checkpoint(&spy, Timeframe::M1, &bad, &next)
            .is_err()
    );
    assert_eq!(s.checkpoint(&k).unwrap().as_ref(), Some(&cp));
    assert_eq!(db.count("SELECT count(*) FROM bars"), 10);

    // No rows still moves the checkpoint; a finished chunk becomes covered.
    next.chunk = None;
    next.cover(ts(0), ts(100));
    next.updated_at = UnixNanos::new(9);
    s.upsert_bars_with_checkpoint(&spy, Timeframe::M1, &[], &next)
        .unwrap();
    assert_eq!(s.checkpoint(&k).unwrap().as_ref(), Some(&next));
    // Re-upserting the same bars changes nothing but the checkpoint.
    let again = s
        .upsert_bars_with_checkpoint(&spy, Timeframe::M1, &[bar(3, 0)], &cp)
        .unwrap();
    assert_eq!(again, upserted(0, 0, 1));
    assert_eq!(s.checkpoint(&k).unwrap().as_ref(), Some(&cp));

    let other = key(DataKind::News, None);
    let mut cp2 = Checkpoint::new(other.clone(), UnixNanos::new(1));
    cp2.cover(ts(0), ts(5));
    cp2.cover(ts(10), ts(15));
    s.save_checkpoint(&cp2).unwrap();
    let all = s.checkpoints().unwrap();
    assert_eq!(
        all.iter().map(|c| c.key.kind).collect::<Vec<_>>(),
        [DataKind::Bars, DataKind::News]
    );
    assert_eq!(all[1], cp2);
}

fn ticks_and_checkpoint_commit_together(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    let k = key(DataKind::Trades, None);
    let mut cp = Checkpoint::new(k.clone(), UnixNanos::new(1));
    cp.chunk = Some(ChunkProgress {
        start: ts(0),
        end: ts(60),
        cursor: Some("c1".into()),
        tick_ts: Some(ts(0)),
        tick_seq: 2,
    });
    s.upsert_trades(
        &spy,
        &[seq(0, trade(0, 1, "1")), seq(1, trade(0, 2, "2"))],
        Some(&cp),
    )
    .unwrap();
    assert_eq!(s.checkpoint(&k).unwrap().as_ref(), Some(&cp));
    let mut next = cp.clone();
    next.chunk.as_mut().unwrap().cursor = Some("c2".into());
    let dup = vec![seq(0, trade(1, 1, "")), seq(0, trade(1, 2, ""))];
    assert!(s.upsert_trades(&spy, &dup, Some(&next)).is_err());
    assert_eq!(s.checkpoint(&k).unwrap().as_ref(), Some(&cp));
    s.upsert_quotes(&spy, &[], Some(&next)).unwrap();
    assert_eq!(s.checkpoint(&k).unwrap().as_ref(), Some(&next));

    let ok = key(DataKind::Options, None);
    let ocp = Checkpoint::new(ok.clone(), UnixNanos::new(3));
    s.upsert_options(&[option("SPY240119C00470000", 0, None)], Some(&ocp))
        .unwrap();
    assert_eq!(s.checkpoint(&ok).unwrap(), Some(ocp));
}

fn run(job: &str, start: i64, errors: u64, error: Option<&str>) -> CollectionRun {
    CollectionRun {
        job: job.into(),
        started_at: ts(start),
        finished_at: ts(start + 1),
        rows_written: 100 + start as u64,
        errors,
        last_error: error.map(str::to_string),
        lag_seconds: Some(start * 10),
        next_run: Some(ts(start + 15)),
    }
}

fn runs_record_list_and_status(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    assert!(s.collection_status().unwrap().is_empty());
    let runs = [
        run("spy-bars", 0, 0, None),
        run("spy-bars", 15, 2, Some("GET http://x: gave up")),
        run("news", 5, 0, None),
        run("spy-bars", 30, 0, None),
    ];
    let ids: Vec<i64> = runs
        .iter()
        .map(|r| s.record_collection_run(r).unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let listed = s.collection_runs(Some("spy-bars"), None).unwrap();
    assert_eq!(
        listed.iter().map(|r| r.run.clone()).collect::<Vec<_>>(),
        vec![runs[3].clone(), runs[1].clone(), runs[0].clone()]
    );
    assert_eq!(listed[0].id, ids[3]);
    assert_eq!(s.collection_runs(None, Some(2)).unwrap().len(), 2);

    let status = s.collection_status().unwrap();
    assert_eq!(status.len(), 2);
    assert_eq!(status[0].job, "news");
    let b = &status[1];
    assert_eq!((b.job.as_str(), b.runs), ("spy-bars", 3));
    assert_eq!(b.last_started_at, ts(30));
    assert_eq!(b.last_finished_at, ts(31));
    assert_eq!((b.last_rows_written, b.last_errors), (130, 0));
    assert_eq!((b.total_rows_written, b.total_errors), (100 + 115 + 130, 2));
    assert_eq!(b.last_success_at, Some(ts(31)));
    assert_eq!(b.last_error.as_deref(), Some("GET http://x: gave up"));
    assert_eq!(b.last_error_at, Some(ts(16)));
    assert_eq!((b.lag_seconds, b.next_run), (Some(300), Some(ts(45))));

    let mut backwards = run("x", 10, 0, None);
    backwards.finished_at = ts(9);
    assert!(matches!(
        s.record_collection_run(&backwards),
        Err(StoreError::Invalid(_))
    ));
}

fn key_rows_and_audit(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    assert_eq!(s.vault_header().unwrap(), None);
    let header = VaultHeaderRow {
        kdf: "argon2id-v19".into(),
        salt: vec![1; 16],
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
        check_nonce: vec![2; 12],
        check_value: vec![3; 35],
        created_at: UnixNanos::new(5),
    };
    s.init_vault_header(&header).unwrap();
    assert_eq!(s.vault_header().unwrap(), Some(header.clone()));
    assert!(matches!(
        s.init_vault_header(&header),
        Err(StoreError::Invalid(_))
    ));
    let row = |provider: &str, name: &str, b: u8| ApiKeyRow {
        provider: provider.into(),
        name: name.into(),
        nonce: vec![b; 12],
        ciphertext: vec![b; 40],
        created_at: UnixNanos::new(10),
        rotated_at: (b > 5).then_some(UnixNanos::new(20)),
    };
    let audit = |at: i64, provider: Option<&str>, action: &str| KeyAuditRow {
        at: UnixNanos::new(at),
        provider: provider.map(str::to_string),
        action: action.into(),
    };
    let alpaca = vec![row("alpaca", "key_id", 1), row("alpaca", "secret_key", 2)];
    s.put_api_keys("alpaca", &alpaca, &audit(1, Some("alpaca"), "set"))
        .unwrap();
    s.put_api_keys(
        "polygon",
        &[row("polygon", "api_key", 3)],
        &audit(2, Some("polygon"), "set"),
    )
    .unwrap();
    let rotated = vec![row("alpaca", "key_id", 7), row("alpaca", "secret_key", 8)];
    s.put_api_keys("alpaca", &rotated, &audit(3, Some("alpaca"), "rotate"))
        .unwrap();
    assert_eq!(s.api_keys(Some("alpaca")).unwrap(), rotated);
    assert_eq!(s.api_keys(None).unwrap().len(), 3);
    assert!(matches!(
        s.put_api_keys("polygon", &alpaca, &audit(4, None, "set")),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        s.delete_api_keys("polygon", &audit(5, Some("polygon"), "delete"))
            .unwrap(),
        1
    );
    s.add_key_audit(&audit(6, None, "list")).unwrap();
    // A bad action is refused by the table, and nothing of that call is kept.
    assert!(
        s.put_api_keys("alpaca", &alpaca, &audit(7, Some("alpaca"), "steal"))
            .is_err()
    );
    assert_eq!(s.api_keys(Some("alpaca")).unwrap(), rotated);
    let log = s.key_audit().unwrap();
    assert_eq!(
        log.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
        ["set", "set", "rotate", "delete", "list"]
    );
    assert_eq!(log[4], audit(6, None, "list"));
}
