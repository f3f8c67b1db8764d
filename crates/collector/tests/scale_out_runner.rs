//! The real runner against a local Alpaca-shaped server and a SQLite store: a bars run stores
//! its window and backfills the gaps the NYSE calendar finds before it, once; a news run
//! stores articles and their per-interval sentiment; runs repeated store nothing twice.

use std::path::Path;

use collector::queue::JobSpec;
use collector::runtime::Clock;
use collector::schedule::{Plan, parse_config, resolve};
use collector::worker::{Clients, CollectOptions, CollectRunner, JobRunner, StoreHandle};
use domain::time::NANOS_PER_MINUTE;
use domain::{Symbol, Timeframe, UnixNanos};
use store::BarQuery;
use testkit::TestDb;
use testkit::collect_server::Server;
use testkit::fixtures::{minutes, t};

fn plan() -> Plan {
    let text = r#"
        symbols = ["SPY", "QQQ"]
        [[jobs]]
        kind = "bars"
        provider = "alpaca"
        lookback = "5m"
        [[jobs]]
        kind = "news"
        provider = "alpaca"
        [[jobs]]
        kind = "options"
        provider = "alpaca"
        every = "30m"
        symbols = ["AAPL", "MSFT"]
    "#;
    let file = Path::new("collect.toml");
    resolve(parse_config(text, file).unwrap(), &[], file).unwrap()
}

async fn runner(server: &Server, gap_window: i64) -> (CollectRunner, StoreHandle, TestDb) {
    let db = TestDb::sqlite();
    let store = StoreHandle::open(&db.url).await.unwrap();
    let env = server.env();
    let clients = Clients::from_lookup(|k| {
        env.iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    let options = CollectOptions {
        gap_window,
        clock: Clock::System,
    };
    (
        CollectRunner::new(clients, store.clone(), options),
        store,
        db,
    )
}

async fn stored(store: &StoreHandle, symbol: &str, from: &str, to: &str) -> Vec<UnixNanos> {
    let q = BarQuery {
        symbol: Symbol::lit(symbol),
        timeframe: Timeframe::M1,
        start: Some(t(from)),
        end: Some(t(to)),
    };
    store
        .call(move |st| {
            let mut out = Vec::new();
            let mut after = None;
            loop {
                let page = st.bar_page(&q, after, 1000)?;
                let Some(last) = page.last() else {
                    return Ok(out);
                };
                after = Some(last.ts);
                out.extend(page.iter().map(|b| b.ts));
            }
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bars_run_stores_its_window_and_backfills_gaps_once() {
    let server = Server::start();
    // A minute without trades: the provider never has a bar for it.
    server.hole("SPY", "2024-01-03T14:40:00Z");
    let (runner, store, _db) = runner(&server, 30 * NANOS_PER_MINUTE).await;
    let bars = &plan().jobs[0];

    // 10:00 New York: window 09:55–10:00, gap check 09:25–09:55, which the calendar cuts at the
    // 09:30 open.
    let due = t("2024-01-03T15:00:00Z");
    let r = runner.run(&JobSpec::for_run(bars, due)).await.unwrap();
    assert_eq!(r.errors, Vec::<String>::new());
    // Window: 5 bars × 2 symbols; gaps: 25 × 2 minus SPY's hole.
    assert_eq!(r.rows_written, 10 + 49, "{r:?}");
    assert_eq!((r.gap_bars, r.gap_bars_left), (50, 1));
    assert_eq!(r.lag_seconds, Some(0));
    let mut want = minutes("2024-01-03T14:30:00Z", "2024-01-03T15:00:00Z");
    assert_eq!(
        stored(&store, "QQQ", "2024-01-03", "2024-01-04").await,
        want
    );
    want.retain(|m| *m != t("2024-01-03T14:40:00Z"));
    assert_eq!(
        stored(&store, "SPY", "2024-01-03", "2024-01-04").await,
        want
    );
    // One window request for both symbols, one backfill request per symbol.
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0].symbols, "SPY,QQQ");

    // The same run again (a redelivery): nothing new is written, and the hole the provider
    // cannot fill is not asked for again.
    let again = runner.run(&JobSpec::for_run(bars, due)).await.unwrap();
    assert_eq!((again.rows_written, again.rows_unchanged), (0, 10));
    assert_eq!((again.gap_bars, again.gap_bars_left), (1, 1));
    assert_eq!(server.seen().len(), 4);
    // The next minute's run: one request, one new minute per symbol; the hole is still known.
    let next = runner
        .run(&JobSpec::for_run(bars, t("2024-01-03T15:01:00Z")))
        .await
        .unwrap();
    assert_eq!((next.rows_written, next.gap_bars_left), (2, 1));
    assert_eq!(server.seen().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_run_of_a_session_has_nothing_before_the_open_to_fill() {
    let server = Server::start();
    let (runner, store, _db) = runner(&server, 60 * NANOS_PER_MINUTE).await;
    let bars = &plan().jobs[0];
    // 09:33 New York: window 09:28–09:33 holds three session minutes; 08:28–09:28 none.
    let r = runner
        .run(&JobSpec::for_run(bars, t("2024-01-03T14:33:00Z")))
        .await
        .unwrap();
    assert_eq!((r.rows_written, r.gap_bars), (6, 0));
    assert_eq!(r.requests, 1);
    assert_eq!(
        stored(&store, "SPY", "2024-01-03", "2024-01-04").await,
        minutes("2024-01-03T14:30:00Z", "2024-01-03T14:33:00Z")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_news_run_stores_articles_and_sentiment() {
    let server = Server::start();
    let (runner, store, _db) = runner(&server, 0).await;
    let news = &plan().jobs[1];
    // 16:00 New York: the 15:45–16:00 quarter hour holds all three articles.
    let spec = JobSpec::for_run(news, t("2024-01-03T21:00:00Z"));
    let r = runner.run(&spec).await.unwrap();
    // Three articles, and one 16:00 record each for SPY and QQQ.
    assert_eq!(r.rows_written, 5, "{r:?}");
    let records = store
        .call(|st| st.sentiment(&[], None, None))
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    for rec in &records {
        assert_eq!(rec.ts, t("2024-01-03T21:00:00Z"));
        assert_eq!(rec.metadata["count"], 2, "{rec:?}");
    }
    let spy = records.iter().find(|r| r.symbol.as_str() == "SPY").unwrap();
    assert_eq!(
        spy.metadata["items"],
        serde_json::json!(["alpaca/9001", "alpaca/9002"])
    );
    let articles = store.call(|st| st.news(&[], None, None)).await.unwrap();
    let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["9001", "9002", "9003"]);
    // Redelivered: nothing changes.
    let again = runner.run(&spec).await.unwrap();
    assert_eq!((again.rows_written, again.rows_unchanged), (0, 5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_options_run_stores_each_chain_snapshot() {
    let server = Server::start();
    let (runner, store, _db) = runner(&server, 0).await;
    let options = &plan().jobs[2];
    let spec = JobSpec::for_run(options, t("2024-04-25T20:00:00Z"));
    let r = runner.run(&spec).await.unwrap();
    // AAPL's chain has one contract; MSFT's is empty.
    assert_eq!((r.rows_written, r.requests), (1, 2), "{r:?}");
    let stored = store
        .call(|st| st.options(&Symbol::lit("AAPL"), None, None))
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].contract.occ.as_str(), "AAPL240503P00155000");
    let again = runner.run(&spec).await.unwrap();
    assert_eq!((again.rows_written, again.rows_unchanged), (0, 1));
}

/// The gap check asks each symbol's stored calendar. At 22:00 New York on a Wednesday an fx
/// symbol expects the half hour before its window (this equities feed has none: asked for once,
/// left missing) and its window's five minutes (the lag); a NYSE symbol expects nothing at night;
/// a symbol on `none` is never checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gap_check_follows_each_symbols_calendar() {
    use domain::calendar::Calendar;
    let server = Server::start();
    let (runner, store, _db) = runner(&server, 30 * NANOS_PER_MINUTE).await;
    let set = |symbol: &'static str, cal| {
        let store = store.clone();
        async move {
            store
                .call(move |st| st.set_symbol_calendar(&Symbol::lit(symbol), cal))
                .await
                .unwrap()
        }
    };
    set("SPY", Calendar::Fx).await;
    set("QQQ", Calendar::None).await;
    let bars = &plan().jobs[0];
    let due = t("2024-01-04T03:00:00Z");
    let r = runner.run(&JobSpec::for_run(bars, due)).await.unwrap();
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!(r.rows_written, 0);
    assert_eq!((r.gap_bars, r.gap_bars_left), (30, 30));
    assert_eq!(r.lag_seconds, Some(5 * 60));
    // The window for both symbols, and one backfill, for SPY.
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[1].symbols, "SPY");

    set("SPY", Calendar::Nyse).await;
    let r = runner.run(&JobSpec::for_run(bars, due)).await.unwrap();
    assert_eq!((r.gap_bars, r.lag_seconds), (0, Some(0)));
    assert_eq!(server.seen().len(), 3);
}
