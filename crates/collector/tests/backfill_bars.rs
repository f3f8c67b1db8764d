//! Backfill of one-minute bars from a local Alpaca-shaped server into SQLite and PostgreSQL:
//! multi-page, two symbols, faults (429, 5xx, timeout, truncated body, empty and repeated pages);
//! the stored bars always equal the served ones, with no gap and no duplicate.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use collector::Provider;
use collector::backfill::{BackfillReport, BackfillSpec, ProgressEvent, run_backfill};
use collector::worker::Clients;
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use providers::{AlpacaClient, AlpacaConfig, AlpacaCredentials, HttpConfig, RetryPolicy};
use store::{BarQuery, CheckpointKey, DataKind, Span, Store};
use testkit::TestDb;
use testkit::alpaca_sim::{Fault, Sim, minute_bars};

testkit::both_backends!(
    async
    two_symbols_multi_page_equal_the_served_rows,
    faults_lose_and_duplicate_nothing,
    a_truncated_body_fails_its_symbol_and_the_rerun_completes_it,
    a_failing_symbol_does_not_stop_the_others,
);

const T0: &str = "2024-01-02T14:30:00Z";

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

pub fn clients(base: &str, timeout: Duration) -> Clients {
    let mut c = AlpacaConfig::new(AlpacaCredentials::new("PKTEST", "sim-secret"))
        .with_base_url(base)
        .unwrap();
    let mut h = HttpConfig::with_rate(60_000);
    h.timeout = timeout;
    h.retry = RetryPolicy::fast(3);
    h.jitter_seed = Some(7);
    h.max_server_pause = Duration::from_secs(3);
    c.http = h;
    Clients {
        alpaca: Some(Arc::new(AlpacaClient::new(c).unwrap())),
        polygon: None,
    }
}

fn spec(symbols: &str, end: &str) -> BackfillSpec {
    let mut s = BackfillSpec::new(
        Provider::Alpaca,
        Symbol::parse_list(symbols).unwrap(),
        DataKind::Bars,
        Timeframe::M1,
        t("2024-01-02"),
        t(end),
        t("2025-01-01"),
    );
    // One-day chunks, so two days of bars take two chunks of several pages each.
    s.chunk = Some(domain::time::NANOS_PER_DAY);
    s
}

fn spy_key() -> CheckpointKey {
    CheckpointKey {
        provider: "alpaca".into(),
        symbol: Symbol::lit("SPY"),
        kind: DataKind::Bars,
        timeframe: Some(Timeframe::M1),
    }
}

fn stored(st: &mut dyn Store, symbol: &str) -> Vec<Bar> {
    let st: &dyn Store = st;
    st.bars(BarQuery {
        symbol: Symbol::lit(symbol),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    })
    .collect::<Result<_, _>>()
    .unwrap()
}

async fn backfill(db: &TestDb, spec: &BackfillSpec, c: &Clients) -> (BackfillReport, u64) {
    let rows = Mutex::new(0u64);
    let progress = |e: &ProgressEvent| *rows.lock().unwrap() += e.rows;
    let report = run_backfill(spec, &db.url, c, &progress).await.unwrap();
    let rows = *rows.lock().unwrap();
    (report, rows)
}

fn sim_two(page: usize) -> (Sim, Vec<Bar>, Vec<Bar>) {
    let (spy_rows, spy) = minute_bars(T0, 2_000, 1);
    let (qqq_rows, qqq) = minute_bars(T0, 1_500, 2);
    let sim = Sim::new()
        .page_size(page)
        .rows("bars", "SPY", spy_rows)
        .rows("bars", "QQQ", qqq_rows);
    (sim, spy, qqq)
}

async fn two_symbols_multi_page_equal_the_served_rows(backend: &'static str) {
    let db = TestDb::of(backend, "two");
    let (sim, spy, qqq) = sim_two(300);
    let (base, sim) = sim.start().await;
    let c = clients(&base, Duration::from_secs(5));
    let s = spec("SPY,QQQ", "2024-01-04");
    let (report, progressed) = backfill(&db, &s, &c).await;
    assert_eq!(report.failed, 0, "{report:#?}");
    db.with(|st| {
        assert_eq!(stored(st, "SPY"), spy);
        assert_eq!(stored(st, "QQQ"), qqq);
    });
    let by = |sym: &str| report.symbols.iter().find(|r| r.symbol == sym).unwrap();
    assert_eq!(by("SPY").rows.inserted, 2_000);
    assert_eq!(by("QQQ").rows.inserted, 1_500);
    assert_eq!(report.rows.inserted, 3_500);
    assert_eq!(progressed, 3_500);
    // Day one holds 570 SPY bars (from 14:30), day two 1,430: 2 + 5 pages of 300 at most.
    assert_eq!(by("SPY").pages, 7);
    assert_eq!(by("SPY").chunks, 2);
    assert_eq!(report.pages, sim.pages("bars"));
    let cp = db.with(|st| st.checkpoint(&spy_key()).unwrap().unwrap());
    assert_eq!(
        cp.covered,
        [Span {
            start: t("2024-01-02"),
            end: t("2024-01-04")
        }]
    );
    assert_eq!((cp.chunk, cp.rows, cp.pages), (None, 2_000, 7));

    // A completed range is a no-op: no request at all.
    let before = sim.requests();
    let (again, _) = backfill(&db, &s, &c).await;
    assert_eq!(sim.requests(), before);
    assert!(again.symbols.iter().all(|r| r.up_to_date && r.pages == 0));
    // A wider range fetches only what is new (here: nothing more exists, one empty page).
    let (wider, _) = backfill(&db, &spec("SPY", "2024-01-05"), &c).await;
    assert_eq!(wider.symbols[0].rows.inserted, 0);
    assert_eq!(wider.symbols[0].pages, 1);
    assert_eq!(db.with(|st| stored(st, "SPY")), spy);
}

async fn faults_lose_and_duplicate_nothing(backend: &'static str) {
    let db = TestDb::of(backend, "faults");
    let (sim, spy, qqq) = sim_two(250);
    let sim = sim
        .fault(2, Fault::Status(429, Some(1)))
        .fault(3, Fault::Status(500, None))
        .fault(4, Fault::Status(503, None))
        .fault(6, Fault::Delay(Duration::from_secs(2)))
        .fault(8, Fault::Empty)
        .fault(10, Fault::Repeat(7))
        .fault(12, Fault::Repeat(250));
    let (base, sim) = sim.start().await;
    let c = clients(&base, Duration::from_millis(500));
    // One symbol at a time, so the faults fall on known requests: SPY day one's second page
    // gets 429, 500 and 503 before it passes, its third times out once, day two's first page
    // comes back empty, its second repeats 7 rows and its fourth the whole third page.
    let mut s = spec("SPY,QQQ", "2024-01-04");
    s.concurrency = 1;
    let (report, _) = backfill(&db, &s, &c).await;
    assert_eq!(report.failed, 0, "{report:#?}");
    db.with(|st| {
        assert_eq!(stored(st, "SPY"), spy);
        assert_eq!(stored(st, "QQQ"), qqq);
    });
    assert_eq!(report.rows.inserted, 3_500);
    assert_eq!((report.rows.updated, report.rows.unchanged), (0, 0));
    let repeated: u64 = report.symbols.iter().map(|r| r.repeated).sum();
    assert_eq!(repeated, 7 + 250, "{report:#?}");
    // 1 empty page; 4 + 1 failed attempts retried.
    assert_eq!(report.pages, sim.pages("bars"));
    assert_eq!(sim.requests(), report.pages + 4);
}

async fn a_truncated_body_fails_its_symbol_and_the_rerun_completes_it(backend: &'static str) {
    let db = TestDb::of(backend, "trunc");
    let (rows, spy) = minute_bars(T0, 2_000, 1);
    // Request 4 is day two's second page (one symbol: requests are in order).
    let sim = Sim::new()
        .page_size(300)
        .rows("bars", "SPY", rows)
        .fault(4, Fault::Truncate);
    let (base, sim) = sim.start().await;
    let c = clients(&base, Duration::from_secs(5));
    let s = spec("SPY", "2024-01-04");
    let (first, _) = backfill(&db, &s, &c).await;
    assert_eq!(first.failed, 1);
    let r = &first.symbols[0];
    assert!(r.errors[0].contains("malformed response"), "{:?}", r.errors);
    assert_eq!((r.pages, r.rows.inserted), (3, 570 + 300));
    let cp = db.with(|st| st.checkpoint(&spy_key()).unwrap().unwrap());
    // Day one is covered; day two stopped after its first page, with the cursor of the second.
    assert_eq!(cp.covered.len(), 1);
    let chunk = cp.chunk.clone().unwrap();
    assert_eq!(chunk.start, t("2024-01-03"));
    assert!(chunk.cursor.is_some());
    assert_eq!(db.with(|st| stored(st, "SPY")), spy[..870]);

    let served = sim.pages("bars");
    let (second, _) = backfill(&db, &s, &c).await;
    assert_eq!(second.failed, 0, "{second:#?}");
    assert!(second.symbols[0].resumed);
    assert_eq!(second.symbols[0].rows.inserted, 2_000 - 870);
    // Resumed at the failed page: 4 pages (the rest of day two), not day two's 5.
    assert_eq!(sim.pages("bars") - served, 4);
    assert!(sim.seen().last().unwrap().contains("page_token="));
    assert_eq!(db.with(|st| stored(st, "SPY")), spy);
}

async fn a_failing_symbol_does_not_stop_the_others(backend: &'static str) {
    let db = TestDb::of(backend, "onefails");
    let (sim, spy, qqq) = sim_two(400);
    let (base, _) = sim.reject("XYZ").start().await;
    let c = clients(&base, Duration::from_secs(5));
    let (report, _) = backfill(&db, &spec("SPY,XYZ,QQQ", "2024-01-04"), &c).await;
    assert_eq!(report.failed, 1);
    let names: Vec<(&str, bool)> = report
        .symbols
        .iter()
        .map(|r| (r.symbol.as_str(), r.ok()))
        .collect();
    assert_eq!(names, [("SPY", true), ("XYZ", false), ("QQQ", true)]);
    let xyz = &report.symbols[1];
    assert!(
        xyz.errors[0].contains("HTTP 422") && xyz.errors[0].contains("invalid symbol"),
        "{:?}",
        xyz.errors
    );
    assert_eq!(xyz.pages, 0);
    db.with(|st| {
        assert_eq!(stored(st, "SPY"), spy);
        assert_eq!(stored(st, "QQQ"), qqq);
        assert!(stored(st, "XYZ").is_empty());
    });
}
