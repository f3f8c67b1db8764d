//! The scheduled runs (bars window, news, option chains) follow provider cursors too: against a
//! provider whose cursors cycle, or keep coming without new rows, a run fails naming the
//! request after a few requests instead of paging forever.

use std::time::Duration;

use collector::Provider;
use collector::queue::{JobSpec, RunTask};
use collector::schedule::OptionsRun;
use collector::worker::bars::fetch_all_bars;
use collector::worker::news::run_news;
use collector::worker::option_chain::run_options;
use collector::worker::{JobReport, StoreHandle};
use domain::{Symbol, Timeframe, UnixNanos};
use providers::{
    AlpacaClient, AlpacaConfig, AlpacaCredentials, BarsRequest, HttpConfig, RetryPolicy,
};
use testkit::TestDb;
use testkit::alpaca_sim::minute_bars;
use testkit::fixture_json;
use testkit::hostile::{Hostile, alpaca_bars};

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn client(base: &str) -> AlpacaClient {
    let mut c = AlpacaConfig::new(AlpacaCredentials::new("PKTEST", "sim-secret"))
        .with_base_url(base)
        .unwrap();
    let mut h = HttpConfig::with_rate(60_000);
    h.timeout = Duration::from_secs(5);
    h.retry = RetryPolicy::fast(2);
    h.jitter_seed = Some(7);
    c.http = h;
    AlpacaClient::new(c).unwrap()
}

fn spec(task: RunTask, symbols: &str) -> JobSpec {
    JobSpec {
        job: "test".into(),
        provider: Some(Provider::Alpaca),
        due: t("2024-08-19"),
        symbols: Symbol::parse_list(symbols).unwrap(),
        task,
        next_due: t("2024-08-20"),
        then: Vec::new(),
    }
}

async fn store() -> (StoreHandle, TestDb) {
    let db = TestDb::sqlite();
    (StoreHandle::open(&db.url).await.unwrap(), db)
}

/// `body` (a fixture) with its `next_page_token` replaced.
fn with_token(body: &serde_json::Value, token: &str) -> String {
    let mut b = body.clone();
    b["next_page_token"] = serde_json::json!(token);
    b.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bars_window_whose_tokens_cycle_fails_naming_the_request() {
    let (rows, _) = minute_bars("2024-01-02T14:30:00Z", 30, 9);
    let texts: Vec<String> = rows.iter().map(|r| r.json.clone()).collect();
    let (base, server) = Hostile::start(move |a| {
        let page = |i: usize| {
            texts[i * 10..(i + 1) * 10]
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        };
        match a.param("page_token") {
            None => alpaca_bars("SPY", &page(0), Some("A")),
            Some("A") => alpaca_bars("SPY", &page(1), Some("B")),
            Some(_) => alpaca_bars("SPY", &page(2), Some("A")),
        }
    })
    .await;
    let req = BarsRequest::new(
        vec![Symbol::lit("SPY")],
        Timeframe::M1,
        t("2024-01-02T14:30:00Z"),
        t("2024-01-02T15:00:00Z"),
    );
    let mut report = JobReport::default();
    let e = fetch_all_bars(&client(&base), &req, &mut report)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(server.requests(), 3, "{:?}", server.seen());
    assert!(e.contains("page_token=B") && e.contains("loops"), "{e}");
    assert!(
        e.contains(&format!("GET {base}/v2/stocks/bars?symbols=SPY")),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_news_run_whose_cursors_bring_nothing_new_fails() {
    let body = fixture_json("alpaca/v1beta1_news__get_news_p1.json");
    let (base, server) = Hostile::start(move |a| with_token(&body, &format!("t{}", a.n))).await;
    let (store, _db) = store().await;
    let task = RunTask::News {
        start: t("2024-08-18"),
        end: t("2024-08-19"),
        sentiment: None,
    };
    let e = run_news(
        &client(&base),
        &store,
        &spec(task, "AAPL"),
        t("2024-08-18"),
        t("2024-08-19"),
        None,
    )
    .await
    .unwrap_err()
    .to_string();
    // One page with the article, then three that repeat it.
    assert_eq!(server.requests(), 4, "{:?}", server.seen());
    assert!(
        e.contains("page_token=t3") && e.contains("no new row"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_option_chain_whose_cursors_cycle_fails() {
    let body = fixture_json("alpaca/v1beta1_options_snapshots_AAPL__get_option_chain.json");
    let (base, server) = Hostile::start(move |a| match a.param("page_token") {
        None | Some("B") => with_token(&body, "A"),
        Some(_) => with_token(&body, "B"),
    })
    .await;
    let (store, _db) = store().await;
    let run = OptionsRun::default();
    let spec = spec(RunTask::Options(run.clone()), "AAPL");
    let e = run_options(&client(&base), &store, &spec, &run)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(server.requests(), 3, "{:?}", server.seen());
    assert!(
        e.contains("AAPL") && e.contains("page_token=B") && e.contains("loops"),
        "{e}"
    );
}
