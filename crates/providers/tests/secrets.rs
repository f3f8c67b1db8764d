//! Keys never reach a log line, an error, a cursor or a `Debug` print, even at TRACE level and
//! through retries, refusals and network failures. One test in this binary: it owns the
//! process's global tracing subscriber.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use domain::{Symbol, Timeframe};
use providers::{BarsRequest, PolygonAuth, PolygonClient, PolygonConfig, Provider, TicksRequest};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    for secret in [KEY_ID, SECRET, POLY_KEY] {
        assert!(!text.contains(secret), "{what} leaks {secret}:\n{text}");
    }
}

#[tokio::test]
async fn no_secret_in_logs_errors_or_cursors() {
    // The global default (not a scoped one): callsite interest is cached process-wide, and a
    // scoped subscriber can miss events whose interest another thread cached first.
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let mut errors = Vec::new();
    // Alpaca: a retried 500, then a refusal that echoes the key back.
    let mock = Mock::start(vec![
        Reply::status(500, "boom"),
        Reply::status(401, &format!(r#"{{"message":"bad key {KEY_ID}"}}"#)),
    ])
    .await;
    let req = BarsRequest::new(
        vec![Symbol::lit("AAPL")],
        Timeframe::D1,
        t("2022-02-01"),
        t("2022-02-03"),
    );
    errors.push(alpaca(&mock).fetch_bars(&req, None).await.unwrap_err());
    for s in mock.seen() {
        assert_eq!(
            s.header("apca-api-secret-key"),
            Some(SECRET),
            "the key is sent"
        );
    }

    // Polygon: the key rides in the query; a retried 503, a page with next_url, a broken body.
    let mock = Mock::start(vec![
        Reply::status(503, "busy"),
        Reply::fixture("polygon/v3_quotes_AAPL.json"),
        Reply::json(r#"{"results": [{"sip_timestamp": "#),
    ])
    .await;
    let poly = polygon(&mock);
    let ticks = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-05-10"), t("2022-05-11"));
    let page = poly.fetch_quotes(&ticks, None).await.unwrap();
    let cursor = page.next.unwrap();
    assert_clean("cursor", cursor.as_str());
    errors.push(poly.fetch_quotes(&ticks, Some(&cursor)).await.unwrap_err());
    assert_eq!(
        mock.seen()[2].param("apiKey"),
        Some(POLY_KEY),
        "the key is sent"
    );

    // Polygon against a closed port: reqwest's message names the URL, key included.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut config = polygon_config(&mock, PolygonAuth::QueryParam)
        .with_base_url(&dead)
        .unwrap();
    config.http.retry.max_retries = 1;
    errors.push(
        PolygonClient::new(config)
            .unwrap()
            .fetch_quotes(&ticks, None)
            .await
            .unwrap_err(),
    );

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("http_get"), "{logs}");
    assert!(logs.contains("apiKey=%5Bredacted%5D"), "{logs}");
    assert_clean("logs", &logs);
    assert_eq!(errors.len(), 3);
    for e in &errors {
        assert_clean("error", &e.to_string());
        assert_clean("error debug", &format!("{e:?}"));
    }
    assert!(
        errors[0].to_string().contains("bad key [redacted]"),
        "{}",
        errors[0]
    );
    assert!(errors[2].is_retryable(), "{}", errors[2]);

    let pconf =
        PolygonConfig::from_lookup(|k| (k == "POLYGON_API_KEY").then(|| POLY_KEY.into())).unwrap();
    assert_clean("polygon config", &format!("{pconf:?}"));
    let aconf = alpaca_config(&mock);
    assert_clean("alpaca config", &format!("{aconf:?}"));
}
