//! A scripted local HTTP server (axum on 127.0.0.1:0) that replays fixture bodies in order and
//! records every request, plus clients pointed at it with millisecond retry delays.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use domain::UnixNanos;
use providers::{
    AlpacaClient, AlpacaConfig, AlpacaCredentials, HttpConfig, PolygonAuth, PolygonClient,
    PolygonConfig, PolygonCredentials, RetryPolicy,
};

pub const KEY_ID: &str = "PKTESTKEYID0001";
pub const SECRET: &str = "alpaca-secret-never-logged";
pub const POLY_KEY: &str = "polygon-key-never-logged";

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

/// A fixture body, e.g. `alpaca/v2_stocks_bars__get_bars.json`.
pub fn fixture(rel: &str) -> Vec<u8> {
    let p = fixture_dir().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn fixture_json(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&fixture(rel)).unwrap()
}

pub fn t(text: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(text).unwrap()
}

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl Into<Vec<u8>>) -> Self {
        Self {
            status: 200,
            headers: vec![],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn fixture(rel: &str) -> Self {
        Self::json(fixture(rel))
    }
    pub fn status(status: u16, body: &str) -> Self {
        Self {
            status,
            ..Self::json(body.as_bytes().to_vec())
        }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn after(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
}

impl Seen {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn param_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.query.iter().map(|(k, _)| k.as_str()).collect();
        v.sort_unstable();
        v
    }
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    seen: Vec<Seen>,
}

pub struct Mock {
    pub base: String,
    script: Arc<Mutex<Script>>,
}

impl Mock {
    pub async fn start(replies: Vec<Reply>) -> Self {
        let script = Arc::new(Mutex::new(Script {
            replies: replies.into(),
            seen: vec![],
        }));
        let app = Router::new().fallback(handle).with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{addr}"),
            script,
        }
    }

    pub fn push(&self, reply: Reply) {
        self.script.lock().unwrap().replies.push_back(reply);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.script.lock().unwrap().seen.clone()
    }
}

async fn handle(State(script): State<Arc<Mutex<Script>>>, req: Request) -> Response {
    let query = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let reply = {
        let mut s = script.lock().unwrap();
        s.seen.push(Seen {
            path: req.uri().path().to_owned(),
            query,
            headers: req.headers().clone(),
        });
        s.replies.pop_front()
    };
    // An unscripted request is a test bug: answer with a status no client retries.
    let reply = reply.unwrap_or_else(|| Reply::status(418, "script exhausted"));
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut resp = Response::new(Body::from(reply.body));
    *resp.status_mut() = StatusCode::from_u16(reply.status).unwrap();
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    for (k, v) in reply.headers {
        resp.headers_mut()
            .insert(k, HeaderValue::from_str(&v).unwrap());
    }
    resp
}

/// Millisecond backoff, a generous budget, a fixed jitter seed.
pub fn fast_http(max_retries: u32) -> HttpConfig {
    let mut h = HttpConfig::with_rate(60_000);
    h.timeout = Duration::from_secs(5);
    h.retry = RetryPolicy::fast(max_retries);
    h.jitter_seed = Some(7);
    h.max_server_pause = Duration::from_secs(3);
    h
}

pub fn alpaca_config(mock: &Mock) -> AlpacaConfig {
    let mut c = AlpacaConfig::new(AlpacaCredentials::new(KEY_ID, SECRET))
        .with_base_url(&mock.base)
        .unwrap();
    c.http = fast_http(3);
    c
}

pub fn alpaca(mock: &Mock) -> AlpacaClient {
    AlpacaClient::new(alpaca_config(mock)).unwrap()
}

pub fn polygon_config(mock: &Mock, auth: PolygonAuth) -> PolygonConfig {
    let mut c = PolygonConfig::new(PolygonCredentials::new(POLY_KEY))
        .with_base_url(&mock.base)
        .unwrap();
    c.auth = auth;
    c.http = fast_http(3);
    c
}

pub fn polygon(mock: &Mock) -> PolygonClient {
    PolygonClient::new(polygon_config(mock, PolygonAuth::QueryParam)).unwrap()
}
pub mod table;
