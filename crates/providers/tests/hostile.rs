//! Servers that try to get a secret out of the client or to hold it forever: redirects to
//! another origin, a Polygon `next_url` on another origin, a `Retry-After` of days, a server
//! that never answers. Each ends in an error that names the request and the limit, and no
//! secret reaches a second server.

mod common;

use std::time::Duration;

use common::*;
use domain::{Symbol, Timeframe};
use providers::{
    AlpacaClient, BarsRequest, GiveUp, PolygonAuth, PolygonClient, Provider, ProviderError,
    TicksRequest,
};

fn bars_req() -> BarsRequest {
    BarsRequest::new(
        vec![Symbol::lit("AAPL")],
        Timeframe::D1,
        t("2022-02-01"),
        t("2022-02-03"),
    )
}

fn quotes_req() -> TicksRequest {
    TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-05-10"), t("2022-05-11"))
}

/// Everything a second server saw, flattened, to search for a secret.
fn everything(seen: &[Seen]) -> String {
    let mut all = String::new();
    for s in seen {
        all.push_str(&s.path);
        for (k, v) in &s.query {
            all.push_str(&format!(" {k}={v}"));
        }
        for (k, v) in &s.headers {
            all.push_str(&format!(" {k}: {}", String::from_utf8_lossy(v.as_bytes())));
        }
    }
    all
}

#[tokio::test]
async fn an_alpaca_redirect_is_an_error_and_its_target_receives_nothing() {
    let target = Mock::start(vec![Reply::fixture("alpaca/v2_stocks_bars__get_bars.json")]).await;
    let location = format!("{}/v2/stocks/bars?symbols=AAPL", target.base);
    let mock = Mock::start(vec![
        Reply::status(302, "").header("location", location.clone()),
    ])
    .await;
    let e = alpaca(&mock)
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ProviderError::Redirected { status: 302, location: l, .. } if *l == location),
        "{e}"
    );
    let text = e.to_string();
    assert!(text.contains(&location), "{text}");
    assert!(
        text.contains(&format!("GET {}/v2/stocks/bars?", mock.base)),
        "{text}"
    );
    assert!(!e.is_retryable());
    assert_eq!(mock.seen().len(), 1, "a redirect is not retried");
    let leaked = everything(&target.seen());
    assert!(target.seen().is_empty(), "the target was asked: {leaked}");
}

#[tokio::test]
async fn a_polygon_redirect_is_an_error_and_the_key_stays_home() {
    let target = Mock::start(vec![Reply::fixture("polygon/v3_quotes_AAPL.json")]).await;
    // A hostile server can echo the key into the location: the error must not show it.
    let mock = Mock::start(vec![Reply::status(301, "").header(
        "location",
        format!("{}/v3/quotes/AAPL?apiKey={POLY_KEY}", target.base),
    )])
    .await;
    let e = polygon(&mock)
        .fetch_quotes(&quotes_req(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ProviderError::Redirected { status: 301, .. }),
        "{e}"
    );
    let text = e.to_string();
    assert!(!text.contains(POLY_KEY), "{text}");
    assert!(
        text.contains(&format!("{}/v3/quotes/AAPL", target.base)),
        "{text}"
    );
    assert!(target.seen().is_empty(), "{}", everything(&target.seen()));
}

/// A quotes page whose `next_url` is `next`.
fn page_with_next(next: &str) -> Reply {
    let mut body = fixture_json("polygon/v3_quotes_AAPL.json");
    body["next_url"] = serde_json::json!(next);
    Reply::json(body.to_string())
}

#[tokio::test]
async fn a_polygon_next_url_on_another_origin_is_refused() {
    let other = Mock::start(vec![]).await;
    let mock = Mock::start(vec![]).await;
    let port = mock.base.rsplit(':').next().unwrap();
    let foreign = [
        // another port is another server
        format!("{}/v3/quotes/AAPL?cursor=abc", other.base),
        // another scheme on the same host and port
        format!("https://127.0.0.1:{port}/v3/quotes/AAPL?cursor=abc"),
        // another host
        "https://polygon.example.net/v3/quotes/AAPL?cursor=abc".to_owned(),
    ];
    for auth in [PolygonAuth::QueryParam, PolygonAuth::BearerHeader] {
        let client = PolygonClient::new(polygon_config(&mock, auth)).unwrap();
        for next in &foreign {
            mock.push(page_with_next(next));
            let e = client.fetch_quotes(&quotes_req(), None).await.unwrap_err();
            let text = e.to_string();
            assert!(
                matches!(&e, ProviderError::Malformed { .. }) && text.contains(next.as_str()),
                "{text}"
            );
            assert!(text.contains("another origin"), "{text}");
            assert!(!text.contains(POLY_KEY), "{text}");
        }
    }
    assert!(other.seen().is_empty(), "{}", everything(&other.seen()));

    // The configured origin, a relative next_url and Polygon's own host are followed (Polygon
    // names itself in next_url behind a proxy); the cursor is always re-based on our host.
    let client = polygon(&mock);
    for next in [
        format!("{}/v3/quotes/AAPL?cursor=same", mock.base),
        "/v3/quotes/AAPL?cursor=relative".to_owned(),
        "https://api.polygon.io/v3/quotes/AAPL?cursor=polygon".to_owned(),
    ] {
        mock.push(page_with_next(&next));
        let page = client.fetch_quotes(&quotes_req(), None).await.unwrap();
        let cursor = page.next.unwrap();
        assert!(
            cursor.as_str().starts_with("/v3/quotes/AAPL?cursor="),
            "{cursor}"
        );
    }
}

#[tokio::test]
async fn a_garbled_polygon_next_url_is_an_error_not_the_last_page() {
    let mock = Mock::start(vec![page_with_next("http://[::1")]).await;
    let e = polygon(&mock)
        .fetch_quotes(&quotes_req(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ProviderError::Malformed { reason, .. } if reason.contains("next_url")),
        "{e}"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_fails_at_once_naming_both() {
    let mock = Mock::start(vec![
        Reply::status(429, r#"{"message":"too many requests."}"#).header("retry-after", "999999"),
        Reply::fixture("alpaca/v2_stocks_bars__get_bars.json"),
    ])
    .await;
    let mut config = alpaca_config(&mock);
    config.http.retry.max_retry_after = Duration::from_millis(200);
    let e = AlpacaClient::new(config)
        .unwrap()
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap_err();
    assert_eq!(mock.seen().len(), 1, "no retry after a refused wait");
    assert!(
        matches!(
            &e,
            ProviderError::Unavailable {
                attempts: 1,
                why: GiveUp::RetryAfter { .. },
                ..
            }
        ),
        "{e}"
    );
    let text = e.to_string();
    assert!(text.contains("999999 s"), "{text}");
    assert!(
        text.contains("0.2 s") && text.contains("max_retry_after"),
        "{text}"
    );
    assert!(text.contains("/v2/stocks/bars?"), "{text}");
    assert!(e.is_retryable(), "a later run may try again");
}

#[tokio::test]
async fn a_stalled_server_is_given_up_on_at_the_request_deadline() {
    // Every answer takes far longer than the attempt timeout; with 50 retries allowed, only
    // the deadline for the whole request stops the client early.
    let stall =
        Reply::fixture("alpaca/v2_stocks_bars__get_bars.json").after(Duration::from_secs(30));
    let mock = Mock::start(vec![stall; 60]).await;
    let mut config = alpaca_config(&mock);
    config.http.timeout = Duration::from_millis(100);
    config.http.retry.max_retries = 50;
    config.http.max_request_time = Duration::from_millis(350);
    let e = AlpacaClient::new(config)
        .unwrap()
        .fetch_bars(&bars_req(), None)
        .await
        .unwrap_err();
    let ProviderError::Unavailable {
        attempts,
        why,
        last,
        ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(*why, GiveUp::Deadline(Duration::from_millis(350)), "{e}");
    assert_eq!(*last, providers::Transient::Timeout);
    // 350 ms of 100 ms attempts: four at most, however slow the machine.
    assert!((1..=4).contains(attempts), "{e}");
    // The last attempt may time out before the server has read it.
    let seen = mock.seen().len() as u32;
    assert!(
        seen <= *attempts && seen + 1 >= *attempts,
        "{seen} seen, {e}"
    );
    let text = e.to_string();
    assert!(
        text.contains("0.35 s") && text.contains("max_request_time"),
        "{text}"
    );
}
