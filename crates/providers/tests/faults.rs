//! What the clients do when the server misbehaves: rate limits, server errors, timeouts,
//! broken bodies, refusals, empty and repeated pages, and records that break invariants.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;
use domain::{Price, Symbol, Timeframe};
use providers::{
    AlpacaClient, BarsRequest, Cursor, Dedup, Issue, OnInvalidRecord, PolygonClient, Provider,
    ProviderError, TicksRequest, Transient,
};

const BARS: &str = "alpaca/v2_stocks_bars__get_bars.json";

fn bars_req() -> BarsRequest {
    BarsRequest::new(
        vec![Symbol::lit("AAPL")],
        Timeframe::D1,
        t("2022-02-01"),
        t("2022-02-03"),
    )
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_succeeds() {
    let mock = Mock::start(vec![
        Reply::status(429, r#"{"message":"too many requests."}"#).header("retry-after", "1"),
        Reply::fixture(BARS),
    ])
    .await;
    let started = Instant::now();
    let page = alpaca(&mock).fetch_bars(&bars_req(), None).await.unwrap();
    let took = started.elapsed();
    assert_eq!(page.items.len(), 2);
    assert_eq!(mock.seen().len(), 2);
    // The millisecond backoff alone would retry at once; Retry-After: 1 holds it a second.
    assert!(took >= Duration::from_secs(1), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn a_500_and_a_503_are_retried() {
    let mock = Mock::start(vec![
        Reply::status(500, "internal"),
        Reply::status(503, "unavailable"),
        Reply::fixture(BARS),
    ])
    .await;
    let page = alpaca(&mock).fetch_bars(&bars_req(), None).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(mock.seen().len(), 3);
}

#[tokio::test]
async fn server_errors_past_the_budget_fail_retryably() {
    let mock = Mock::start(vec![Reply::status(503, "down"); 5]).await;
    let e = alpaca(&mock)
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap_err();
    // fast_http(3): the first attempt and three retries.
    assert_eq!(mock.seen().len(), 4);
    assert!(e.is_retryable());
    match e {
        ProviderError::Unavailable {
            attempts,
            last,
            request,
            why,
        } => {
            assert_eq!(why, providers::GiveUp::Retries);
            assert_eq!(attempts, 4);
            assert_eq!(last, Transient::Status(503));
            assert!(
                request.url.contains("/v2/stocks/bars?symbols=AAPL"),
                "{}",
                request.url
            );
        }
        other => panic!("{other}"),
    }
}

fn slow_client(mock: &Mock, retries: u32) -> AlpacaClient {
    let mut c = alpaca_config(mock);
    c.http.timeout = Duration::from_millis(150);
    c.http.retry.max_retries = retries;
    AlpacaClient::new(c).unwrap()
}

#[tokio::test]
async fn a_timeout_is_retried() {
    let mock = Mock::start(vec![
        Reply::fixture(BARS).after(Duration::from_secs(2)),
        Reply::fixture(BARS),
    ])
    .await;
    let page = slow_client(&mock, 2)
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(mock.seen().len(), 2);
}

#[tokio::test]
async fn repeated_timeouts_end_in_a_bounded_failure() {
    let mock = Mock::start(vec![Reply::fixture(BARS).after(Duration::from_secs(2)); 4]).await;
    let started = Instant::now();
    let e = slow_client(&mock, 2)
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(mock.seen().len(), 3);
    assert!(
        matches!(
            &e,
            ProviderError::Unavailable {
                attempts: 3,
                last: Transient::Timeout,
                ..
            }
        ),
        "{e}"
    );
}

#[tokio::test]
async fn a_truncated_body_is_malformed_with_request_and_excerpt() {
    let body = fixture(BARS);
    let cut = body[..body.len() / 2].to_vec();
    let tail = String::from_utf8(cut[cut.len() - 40..].to_vec()).unwrap();
    let mock = Mock::start(vec![Reply::json(cut)]).await;
    let e = alpaca(&mock)
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap_err();
    assert_eq!(mock.seen().len(), 1, "a broken body is not retried");
    assert!(!e.is_retryable());
    match &e {
        ProviderError::Malformed {
            request,
            reason,
            excerpt,
        } => {
            assert_eq!(request.method, "GET");
            assert!(request.url.starts_with(&mock.base));
            assert!(request.url.contains("timeframe=1Day"), "{}", request.url);
            assert!(reason.contains("EOF"), "{reason}");
            assert!(excerpt.ends_with(&tail), "{excerpt:?}");
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("/v2/stocks/bars?"), "{e}");
}

#[tokio::test]
async fn a_non_json_body_is_malformed() {
    let mock = Mock::start(vec![Reply::json("<html><body>Bad Gateway</body></html>")]).await;
    let e = alpaca(&mock)
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap_err();
    let ProviderError::Malformed { excerpt, .. } = &e else {
        panic!("{e}")
    };
    assert!(excerpt.contains("<html>"), "{excerpt}");
}

#[tokio::test]
async fn refusals_are_mapped_and_not_retried() {
    let mock = Mock::start(vec![
        Reply::status(401, r#"{"message":"unauthorized."}"#),
        Reply::status(403, r#"{"message":"forbidden."}"#),
        Reply::status(404, r#"{"message":"Not Found"}"#),
        Reply::status(422, r#"{"code":42210000,"message":"invalid symbol"}"#),
    ])
    .await;
    let c = alpaca(&mock);
    let r = bars_req();
    let e = c.fetch_bars(&r, None).await.unwrap_err();
    assert!(matches!(&e, ProviderError::Auth { status: 401, .. }), "{e}");
    assert!(e.to_string().contains("unauthorized."), "{e}");
    let e = c.fetch_bars(&r, None).await.unwrap_err();
    assert!(matches!(&e, ProviderError::Auth { status: 403, .. }), "{e}");
    let e = c.fetch_bars(&r, None).await.unwrap_err();
    assert!(matches!(&e, ProviderError::NotFound { .. }), "{e}");
    let e = c.fetch_bars(&r, None).await.unwrap_err();
    assert!(
        matches!(&e, ProviderError::Rejected { status: 422, .. }),
        "{e}"
    );
    assert!(!e.is_retryable());
    assert_eq!(mock.seen().len(), 4, "one request each");
}

#[tokio::test]
async fn empty_results_are_empty_pages() {
    let mock = Mock::start(vec![
        Reply::fixture("alpaca/v2_stocks_bars__get_bars_single_empty_response.json"),
        Reply::fixture("alpaca/v2_stocks_trades_latest__get_latest_trade_multi_not_found.json"),
        Reply::json(r#"{"bars": null, "symbol": "AAPL", "next_page_token": null}"#),
    ])
    .await;
    let c = alpaca(&mock);
    let p = c.fetch_bars(&bars_req(), None).await.unwrap();
    assert!(p.items.is_empty() && p.is_last() && p.issues.is_empty());
    let ticks = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-03-09"), t("2022-03-10"));
    let p = c.fetch_trades(&ticks, None).await.unwrap();
    assert!(p.items.is_empty() && p.is_last());
    let p = c.fetch_bars(&bars_req(), None).await.unwrap();
    assert!(p.items.is_empty() && p.is_last());
}

#[tokio::test]
async fn rows_repeated_from_the_previous_page_are_dropped_and_reported() {
    // Page 2 starts again with page 1's last bar, as a replayed page token would.
    let p1 = fixture_json("alpaca/go_sdk/v2_stocks_bars__GetBars_Asof_1.json");
    let mut p2 = fixture_json("alpaca/go_sdk/v2_stocks_bars__GetBars_Asof_2.json");
    let repeat = p1["bars"]["META"][1].clone();
    p2["bars"]["META"].as_array_mut().unwrap().insert(0, repeat);
    p2["next_page_token"] = serde_json::Value::Null;
    let mock = Mock::start(vec![
        Reply::json(p1.to_string()),
        Reply::json(p2.to_string()),
    ])
    .await;
    let c = alpaca(&mock);
    let mut req = bars_req();
    req.symbols = vec![Symbol::lit("META")];
    let mut dedup = Dedup::new();
    let mut cursor: Option<Cursor> = None;
    let mut all = Vec::new();
    let mut raw_rows = 0;
    loop {
        let mut page = c.fetch_bars(&req, cursor.as_ref()).await.unwrap();
        raw_rows += page.items.len();
        let dropped = dedup.apply(&mut page);
        if cursor.is_some() {
            assert_eq!(dropped, 1);
            assert_eq!(page.issues, [Issue::Repeated { count: 1 }]);
        }
        all.extend(page.items);
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(raw_rows, 5);
    let days: Vec<String> = all
        .iter()
        .map(|(_, b)| b.ts.utc_date().to_string())
        .collect();
    assert_eq!(
        days,
        ["2022-06-08", "2022-06-09", "2022-06-10", "2022-06-13"]
    );
}

#[tokio::test]
async fn a_crossed_quote_is_kept_and_flagged() {
    let mock = Mock::start(vec![Reply::fixture(
        "alpaca/v2_stocks_quotes__get_quotes.json",
    )])
    .await;
    let req = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-03-09"), t("2022-03-10"));
    let page = alpaca(&mock).fetch_quotes(&req, None).await.unwrap();
    assert_eq!(page.items.len(), 2, "crossed quotes stay in the page");
    assert!(page.items.iter().all(|(_, q)| q.is_crossed()));
    assert_eq!(
        page.issues[0],
        Issue::CrossedQuote {
            symbol: Symbol::lit("AAPL"),
            ts: t("2022-03-09T09:00:00.000059Z"),
            bid: Price::lit("159.52"),
            ask: Price::lit("158.65"),
        }
    );
    assert_eq!(page.issues.len(), 2);
}

fn bad_bar_body() -> String {
    let mut b = fixture_json(BARS);
    // Open above high: Bar::new refuses it.
    b["bars"]["AAPL"][1]["o"] = serde_json::json!(180.5);
    b.to_string()
}

#[tokio::test]
async fn an_invalid_record_fails_the_page_naming_it() {
    let mock = Mock::start(vec![Reply::json(bad_bar_body())]).await;
    let e = alpaca(&mock)
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap_err();
    match &e {
        ProviderError::InvalidRecord {
            symbol,
            index,
            source,
            ..
        } => {
            assert_eq!((symbol.as_str(), *index, source.field), ("AAPL", 1, "open"));
        }
        other => panic!("{other}"),
    }
    assert!(
        e.to_string()
            .contains("AAPL record 1: open: open 180.5 is outside"),
        "{e}"
    );
}

#[tokio::test]
async fn an_invalid_record_can_be_skipped_and_reported() {
    let mock = Mock::start(vec![Reply::json(bad_bar_body())]).await;
    let mut config = alpaca_config(&mock);
    config.on_invalid = OnInvalidRecord::SkipAndReport;
    let page = AlpacaClient::new(config)
        .unwrap()
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(matches!(
        &page.issues[..],
        [Issue::Rejected { symbol, position: 1, error }] if symbol == "AAPL" && error.field == "open"
    ));
}

#[tokio::test]
async fn an_exhausted_budget_pauses_until_the_reset() {
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 2;
    let mock = Mock::start(vec![
        Reply::fixture(BARS)
            .header("x-ratelimit-limit", "200")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", reset.to_string()),
        Reply::fixture(BARS),
    ])
    .await;
    let c = alpaca(&mock);
    c.fetch_bars(&bars_req(), None).await.unwrap();
    let started = Instant::now();
    c.fetch_bars(&bars_req(), None).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");
}

#[tokio::test]
async fn converted_prices_are_refused() {
    let mock = Mock::start(vec![Reply::fixture(
        "alpaca/go_sdk/v2_stocks_trades__GetTrades_Currency_1.json",
    )])
    .await;
    let req = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2021-10-13"), t("2021-10-14"));
    let e = alpaca(&mock).fetch_trades(&req, None).await.unwrap_err();
    assert!(e.to_string().contains("prices are in JPY, not USD"), "{e}");
}

#[tokio::test]
async fn polygon_error_status_in_a_200_body_is_an_error() {
    let mock = Mock::start(vec![
        Reply::json(r#"{"status":"NOT_AUTHORIZED","request_id":"x","message":"You are not entitled to this data."}"#),
        Reply::json(r#"{"status":"ERROR","request_id":"y","error":"bad timespan"}"#),
    ])
    .await;
    let c: PolygonClient = polygon(&mock);
    let req = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-03-09"), t("2022-03-10"));
    let e = c.fetch_quotes(&req, None).await.unwrap_err();
    assert!(matches!(&e, ProviderError::Auth { status: 200, .. }), "{e}");
    let e = c.fetch_quotes(&req, None).await.unwrap_err();
    assert!(
        matches!(&e, ProviderError::Rejected { excerpt, .. } if excerpt == "bad timespan"),
        "{e}"
    );
}
