//! A local server (axum on 127.0.0.1:0) whose every answer comes from a function of the
//! request: for providers that misbehave without end (cursors that cycle, cursors without rows),
//! which a list of scripted bodies cannot express. It records each request's path and query,
//! and after `GUARD` requests answers 418, so that a client that would loop forever ends (and
//! its test fails on the request count) instead of hanging.
//!
//! - [`Hostile::start`]: serve `answer(&Asked)`; [`Hostile::requests`], [`Hostile::seen`].
//! - [`alpaca_bars`], [`polygon_aggs`]: the bodies such answers are made of.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

/// Requests answered before the loop guard answers 418.
pub const GUARD: usize = 400;

/// One request: its number (1-based), path and query parameters.
pub struct Asked {
    pub n: usize,
    pub path: String,
    pub query: HashMap<String, String>,
}

impl Asked {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }
}

type Answer = dyn Fn(&Asked) -> String + Send + Sync;

pub struct Hostile {
    answer: Box<Answer>,
    seen: Mutex<Vec<String>>,
}

impl Hostile {
    /// Serves `answer(request)` as a 200 JSON body; returns the base URL.
    pub async fn start(
        answer: impl Fn(&Asked) -> String + Send + Sync + 'static,
    ) -> (String, Arc<Hostile>) {
        let h = Arc::new(Hostile {
            answer: Box::new(answer),
            seen: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(handle).with_state(h.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (base, h)
    }

    pub fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    /// Path and query of every request, in order.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

async fn handle(State(h): State<Arc<Hostile>>, req: Request) -> Response {
    let asked = Asked {
        n: 0,
        path: req.uri().path().to_owned(),
        query: req
            .uri()
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default(),
    };
    let n = {
        let mut seen = h.seen.lock().unwrap();
        seen.push(
            req.uri()
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        );
        seen.len()
    };
    let (status, body) = if n > GUARD {
        (418, "loop guard: too many requests".to_owned())
    } else {
        (200, (h.answer)(&Asked { n, ..asked }))
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

/// An Alpaca bars body for `symbol` with `rows` (JSON texts) and the next token.
pub fn alpaca_bars(symbol: &str, rows: &[&str], next: Option<&str>) -> String {
    let next = next.map_or("null".to_owned(), |t| format!("{t:?}"));
    format!(
        r#"{{"bars":{{"{symbol}":[{}]}},"next_page_token":{next}}}"#,
        rows.join(",")
    )
}

/// A Polygon aggregates body from Alpaca bar rows (RFC 3339 `t` becomes epoch milliseconds).
pub fn polygon_aggs(rows: &[&str], next_url: Option<&str>) -> String {
    let results: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let mut v: serde_json::Value = serde_json::from_str(r).unwrap();
            let t = domain::UnixNanos::parse_rfc3339(v["t"].as_str().unwrap()).unwrap();
            v["t"] = serde_json::json!(t.as_i64() / 1_000_000);
            v
        })
        .collect();
    let mut body = serde_json::json!({
        "ticker": "AAPL",
        "status": "OK",
        "resultsCount": results.len(),
        "results": results,
    });
    if let Some(n) = next_url {
        body["next_url"] = serde_json::json!(n);
    }
    body.to_string()
}
