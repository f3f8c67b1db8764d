//! Backfill against providers that misbehave without end or answer the wrong question: page
//! cursors that cycle (Alpaca tokens, Polygon `next_url`), cursors that bring no new rows, a
//! chunk that never ends, and pages of another symbol or another time. Each ends in an error
//! naming the request after a bounded number of requests; no looping cursor and no wrongly
//! answered range is checkpointed, so a rerun against a correct server fills the range exactly.

mod common;

use collector::Provider;
use collector::backfill::guard::page_cap;
use collector::backfill::{BackfillReport, BackfillSpec, run_backfill};
use collector::worker::Clients;
use common::{POLY_KEY, SECRET, alpaca, polygon};
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use store::{BarQuery, Checkpoint, CheckpointKey, DataKind, Span, Store};
use testkit::TestDb;
use testkit::alpaca_sim::{Row, Sim, minute_bars};
use testkit::hostile::{Hostile, alpaca_bars, polygon_aggs};

testkit::both_backends!(
    async
    cycling_page_tokens_fail_naming_the_request_and_a_rerun_fills_the_range,
    a_page_of_another_symbol_fails_and_leaves_the_range_uncovered,
);

// 900 minutes before midnight: three pages of 300 fill the day's end.
const T0: &str = "2024-01-02T09:00:00Z";

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

/// One day of one-minute bars: one chunk.
fn spec(provider: Provider, symbol: &str) -> BackfillSpec {
    BackfillSpec::new(
        provider,
        vec![Symbol::lit(symbol)],
        DataKind::Bars,
        Timeframe::M1,
        t("2024-01-02"),
        t("2024-01-03"),
        t("2025-01-01"),
    )
}

fn day() -> Span {
    Span {
        start: t("2024-01-02"),
        end: t("2024-01-03"),
    }
}

async fn run(db: &TestDb, spec: &BackfillSpec, c: &Clients) -> BackfillReport {
    run_backfill(spec, &db.url, c, &|_| {}).await.unwrap()
}

fn checkpoint(db: &TestDb, provider: &str, symbol: &str) -> Option<Checkpoint> {
    let key = CheckpointKey {
        provider: provider.into(),
        symbol: Symbol::lit(symbol),
        kind: DataKind::Bars,
        timeframe: Some(Timeframe::M1),
    };
    db.with(|st| st.checkpoint(&key).unwrap())
}

fn stored(db: &TestDb, symbol: &str) -> Vec<Bar> {
    db.with(|st| {
        let st: &dyn Store = st;
        st.bars(BarQuery {
            symbol: Symbol::lit(symbol),
            timeframe: Timeframe::M1,
            start: None,
            end: None,
        })
        .collect::<Result<_, _>>()
        .unwrap()
    })
}

/// 900 bars from 09:00, as JSON rows in three pages of 300, and the bars they become.
fn three_pages() -> (Vec<Vec<String>>, Vec<Row>, Vec<Bar>) {
    let (rows, bars) = minute_bars(T0, 900, 3);
    let pages = rows
        .chunks(300)
        .map(|c| c.iter().map(|r| r.json.clone()).collect())
        .collect();
    (pages, rows, bars)
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The correct server for the same rows, and a rerun against it that must fill the day.
async fn rerun_fills_the_day(db: &TestDb, rows: Vec<Row>, expected: &[Bar]) {
    let (base, _) = Sim::new()
        .page_size(300)
        .rows("bars", "SPY", rows)
        .start()
        .await;
    let again = run(db, &spec(Provider::Alpaca, "SPY"), &alpaca(&base)).await;
    assert_eq!(again.failed, 0, "{again:#?}");
    let r = &again.symbols[0];
    assert!(!r.resumed, "the rerun starts the day afresh: {r:#?}");
    assert_eq!(r.rows.inserted + r.rows.unchanged, 900);
    assert_eq!((r.rows.updated, r.repeated), (0, 0));
    assert_eq!(stored(db, "SPY"), expected);
    let cp = checkpoint(db, "alpaca", "SPY").unwrap();
    assert_eq!((cp.covered, cp.chunk), (vec![day()], None));
}

async fn cycling_page_tokens_fail_naming_the_request_and_a_rerun_fills_the_range(
    backend: &'static str,
) {
    let db = TestDb::of(backend, "cycle");
    let (pages, rows, expected) = three_pages();
    // A → B → A → B …: each page is new, the third names the first cursor again.
    let (base, server) = Hostile::start(move |a| match a.param("page_token") {
        None => alpaca_bars("SPY", &refs(&pages[0]), Some("A")),
        Some("A") => alpaca_bars("SPY", &refs(&pages[1]), Some("B")),
        Some(_) => alpaca_bars("SPY", &refs(&pages[2]), Some("A")),
    })
    .await;
    let report = run(&db, &spec(Provider::Alpaca, "SPY"), &alpaca(&base)).await;
    assert_eq!(report.failed, 1, "{report:#?}");
    assert_eq!(server.requests(), 3, "{:?}", server.seen());
    let err = &report.symbols[0].errors[0];
    assert!(
        err.contains(&format!("GET {base}/v2/stocks/bars?symbols=SPY")),
        "{err}"
    );
    assert!(err.contains("page_token=B"), "{err}");
    assert!(err.contains("\"A\"") && err.contains("loop"), "{err}");
    assert!(!err.contains(SECRET), "{err}");
    // Nothing points into the loop: the day is neither covered nor resumable at A or B.
    let cp = checkpoint(&db, "alpaca", "SPY").unwrap();
    assert!(cp.covered.is_empty(), "{cp:?}");
    assert_eq!(cp.chunk, None, "{cp:?}");
    rerun_fills_the_day(&db, rows, &expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_cursors_without_new_rows_fail_after_a_few_pages() {
    // Empty pages, and pages repeating the first one, each with a cursor never seen before.
    for repeat in [false, true] {
        let db = TestDb::of("sqlite", "idle");
        let (pages, rows, expected) = three_pages();
        let (base, server) = Hostile::start(move |a| {
            let next = format!("t{}", a.n);
            let rows = if a.n == 1 || repeat {
                refs(&pages[0])
            } else {
                vec![]
            };
            alpaca_bars("SPY", &rows, Some(&next))
        })
        .await;
        let report = run(&db, &spec(Provider::Alpaca, "SPY"), &alpaca(&base)).await;
        assert_eq!(report.failed, 1, "{report:#?}");
        let err = &report.symbols[0].errors[0];
        // The first page, then three that add nothing.
        assert_eq!(server.requests(), 4, "{:?}", server.seen());
        assert!(
            err.contains("page_token=t3") && err.contains("no new row"),
            "{err}"
        );
        let cp = checkpoint(&db, "alpaca", "SPY").unwrap();
        assert!(cp.covered.is_empty() && cp.chunk.is_none(), "{cp:?}");
        assert_eq!(stored(&db, "SPY"), expected[..300]);
        rerun_fills_the_day(&db, rows, &expected).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunk_that_never_ends_is_capped() {
    // A full first page, then one new bar per page: every page makes progress, but far more
    // pages than a day of minute bars can need at the page size this server showed.
    let db = TestDb::of("sqlite", "cap");
    let (rows, _) = minute_bars(T0, 900, 5);
    let texts: Vec<String> = rows.iter().map(|r| r.json.clone()).collect();
    let (base, server) = Hostile::start(move |a| {
        let at: usize = a
            .param("page_token")
            .map_or(0, |p| p.trim_start_matches('p').parse().unwrap());
        let to = if at == 0 { 300 } else { at + 1 };
        let next = (to < texts.len()).then(|| format!("p{to}"));
        alpaca_bars("SPY", &refs(&texts[at..to]), next.as_deref())
    })
    .await;
    let report = run(&db, &spec(Provider::Alpaca, "SPY"), &alpaca(&base)).await;
    assert_eq!(report.failed, 1, "{report:#?}");
    let cap = page_cap(DataKind::Bars, Timeframe::M1, day(), 300);
    assert!(cap < 100, "{cap}");
    assert_eq!(server.requests() as u64, cap);
    let err = &report.symbols[0].errors[0];
    assert!(err.contains(&format!("{cap} pages")), "{err}");
    assert!(err.contains("/v2/stocks/bars?symbols=SPY"), "{err}");
    let cp = checkpoint(&db, "alpaca", "SPY").unwrap();
    assert!(cp.covered.is_empty() && cp.chunk.is_none(), "{cp:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_polygon_next_url_cycle_fails_naming_the_request_without_the_key() {
    let db = TestDb::of("sqlite", "polycycle");
    let (pages, _, _) = three_pages();
    let path = "/v2/aggs/ticker/AAPL/range/1/minute/1704153600000/1704239999999";
    let next = move |c: &str| format!("https://api.polygon.io{path}?cursor={c}");
    let (base, server) = Hostile::start(move |a| match a.param("cursor") {
        None => polygon_aggs(&refs(&pages[0]), Some(&next("A"))),
        Some("A") => polygon_aggs(&refs(&pages[1]), Some(&next("B"))),
        Some(_) => polygon_aggs(&refs(&pages[2]), Some(&next("A"))),
    })
    .await;
    let report = run(&db, &spec(Provider::Polygon, "AAPL"), &polygon(&base)).await;
    assert_eq!(report.failed, 1, "{report:#?}");
    assert_eq!(server.requests(), 3, "{:?}", server.seen());
    assert!(server.seen()[0].starts_with(path), "{:?}", server.seen());
    let err = &report.symbols[0].errors[0];
    assert!(err.contains(&format!("GET {base}{path}?cursor=B")), "{err}");
    assert!(err.contains("apiKey=%5Bredacted%5D"), "{err}");
    assert!(!err.contains(POLY_KEY), "{err}");
    let cp = checkpoint(&db, "polygon", "AAPL").unwrap();
    assert!(cp.covered.is_empty() && cp.chunk.is_none(), "{cp:?}");
}

async fn a_page_of_another_symbol_fails_and_leaves_the_range_uncovered(backend: &'static str) {
    let db = TestDb::of(backend, "wrong");
    let (rows, expected) = minute_bars(T0, 900, 3);
    let (aapl, _) = minute_bars(T0, 900, 4);
    let (base, sim) = Sim::new()
        .page_size(300)
        .rows("bars", "AAPL", aapl)
        .answer_as("SPY", "AAPL")
        .start()
        .await;
    let report = run(&db, &spec(Provider::Alpaca, "SPY"), &alpaca(&base)).await;
    assert_eq!(report.failed, 1, "{report:#?}");
    assert_eq!(sim.requests(), 1);
    let r = &report.symbols[0];
    assert!(
        r.errors[0].contains("all 300 rows")
            && r.errors[0].contains("outside the request")
            && r.errors[0].contains("/v2/stocks/bars?symbols=SPY"),
        "{:?}",
        r.errors
    );
    assert_eq!((r.rows.inserted, r.outside), (0, 300));
    assert!(stored(&db, "SPY").is_empty() && stored(&db, "AAPL").is_empty());
    // Not covered: the correct server is asked again, and fills the day.
    assert!(
        checkpoint(&db, "alpaca", "SPY").is_none_or(|cp| cp.covered.is_empty()),
        "the day is marked done"
    );
    rerun_fills_the_day(&db, rows, &expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_outside_the_requested_time_fails() {
    let db = TestDb::of("sqlite", "when");
    // Bars of half a year earlier, for a request of 2024-01-02.
    let (rows, _) = minute_bars("2023-06-01T14:30:00Z", 200, 3);
    let texts: Vec<String> = rows.iter().map(|r| r.json.clone()).collect();
    let (base, _) = Hostile::start(move |_| alpaca_bars("SPY", &refs(&texts), None)).await;
    let report = run(&db, &spec(Provider::Alpaca, "SPY"), &alpaca(&base)).await;
    assert_eq!(report.failed, 1, "{report:#?}");
    let err = &report.symbols[0].errors[0];
    assert!(
        err.contains("all 200 rows") && err.contains("2024-01-02"),
        "{err}"
    );
    assert!(stored(&db, "SPY").is_empty());
    assert!(checkpoint(&db, "alpaca", "SPY").is_none_or(|cp| cp.covered.is_empty()));
}
