//! A local Alpaca Market Data server (axum on 127.0.0.1:0) that serves real-shaped pages of a
//! dataset it holds: `/v2/stocks/{bars,trades,quotes}?symbols=S&start&end&limit&page_token` and
//! `/v1beta1/news`, rows cut by the request's window (inclusive end, as Alpaca's) and paged by
//! an opaque `next_page_token`. Faults can be scripted per request number, and every page can
//! be slowed. Rows are rendered to JSON once, so serving a page is a copy.
//!
//! Shared by the collector's backfill tests, the ztrade CLI tests and the backfill bench
//! (`#[path]`-included; each uses part of it).
#![allow(dead_code, unused_imports)]

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use domain::UnixNanos;

#[path = "sim_rows.rs"]
mod sim_rows;
pub use sim_rows::{minute_bars, rows_of_fixture};

/// One row: its timestamp and its JSON text as Alpaca sends it.
#[derive(Clone, Debug)]
pub struct Row {
    pub ts: i64,
    pub json: String,
    /// News: the tickers it is about (rows of other kinds belong to one symbol).
    pub symbols: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum Fault {
    /// An error status, with `Retry-After` seconds when given.
    Status(u16, Option<u32>),
    /// The normal page, after this long (longer than the client's timeout: a timeout).
    Delay(Duration),
    /// The first half of the normal body.
    Truncate,
    /// No rows, and a next token that resumes at the same place.
    Empty,
    /// The page starts this many rows early, repeating the end of the previous page.
    Repeat(usize),
}

pub struct Sim {
    /// (endpoint, symbol) → rows in time order. Endpoint: bars, trades, quotes, news.
    data: HashMap<(String, String), Vec<Row>>,
    page_size: usize,
    page_delay: Duration,
    faults: Mutex<BTreeMap<u64, Fault>>,
    requests: AtomicU64,
    /// Pages served whole (no fault), per endpoint.
    pages: Mutex<HashMap<String, u64>>,
    seen: Mutex<Vec<String>>,
    /// The `apca-api-key-id` header of each request.
    key_ids: Mutex<Vec<String>>,
    /// Symbols answered with 422, as Alpaca answers an invalid one.
    rejected: Vec<String>,
    /// Requested symbol → the symbol whose rows are served instead (a wrong answer).
    answer_as: HashMap<String, String>,
}

impl Default for Sim {
    fn default() -> Self {
        Self::new()
    }
}

impl Sim {
    pub fn new() -> Self {
        Self {
            data: HashMap::new(),
            page_size: 10_000,
            page_delay: Duration::ZERO,
            faults: Mutex::new(BTreeMap::new()),
            requests: AtomicU64::new(0),
            pages: Mutex::new(HashMap::new()),
            seen: Mutex::new(Vec::new()),
            key_ids: Mutex::new(Vec::new()),
            rejected: Vec::new(),
            answer_as: HashMap::new(),
        }
    }

    /// Requests for `requested` are answered with `served`'s rows, under `served`'s name.
    pub fn answer_as(mut self, requested: &str, served: &str) -> Self {
        self.answer_as
            .insert(requested.to_string(), served.to_string());
        self
    }

    /// Requests for `symbol` get HTTP 422 `invalid symbol`.
    pub fn reject(mut self, symbol: &str) -> Self {
        self.rejected.push(symbol.to_string());
        self
    }

    /// Rows per page at most (the request's `limit` can lower it).
    pub fn page_size(mut self, n: usize) -> Self {
        self.page_size = n.max(1);
        self
    }

    pub fn page_delay(mut self, d: Duration) -> Self {
        self.page_delay = d;
        self
    }

    pub fn rows(mut self, endpoint: &str, symbol: &str, mut rows: Vec<Row>) -> Self {
        rows.sort_by_key(|r| r.ts);
        self.data
            .insert((endpoint.to_string(), symbol.to_string()), rows);
        self
    }

    /// News rows, served to a request for any of the tickers each names.
    pub fn news(mut self, rows: Vec<Row>) -> Self {
        for r in &rows {
            for s in &r.symbols {
                let list = self.data.entry(("news".into(), s.clone())).or_default();
                list.push(r.clone());
                list.sort_by_key(|r| r.ts);
            }
        }
        self
    }

    /// Request number `n` (1-based, over all endpoints) gets `fault` instead.
    pub fn fault(self, n: u64, fault: Fault) -> Self {
        self.faults.lock().unwrap().insert(n, fault);
        self
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    pub fn pages(&self, endpoint: &str) -> u64 {
        self.pages
            .lock()
            .unwrap()
            .get(endpoint)
            .copied()
            .unwrap_or(0)
    }

    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    pub fn key_ids(&self) -> Vec<String> {
        self.key_ids.lock().unwrap().clone()
    }

    /// Serves on a task of the current runtime; returns the base URL.
    pub async fn start(self) -> (String, Arc<Sim>) {
        let sim = Arc::new(self);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(handle).with_state(sim.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (base, sim)
    }

    /// Serves from a thread with its own runtime (for tests that run the binary).
    pub fn start_thread(self) -> (String, Arc<Sim>) {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                tx.send(self.start().await).unwrap();
                std::future::pending::<()>().await;
            });
        });
        rx.recv().unwrap()
    }
}

fn token(symbol: &str, index: usize, salt: &str) -> String {
    let plain = format!("{symbol}|{index}|{salt}");
    plain.bytes().map(|b| format!("{b:02x}")).collect()
}

fn untoken(text: &str) -> Option<usize> {
    let bytes: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect();
    let plain = String::from_utf8(bytes?).ok()?;
    plain.split('|').nth(1)?.parse().ok()
}

pub(crate) fn nanos(text: &str) -> Option<i64> {
    UnixNanos::parse_rfc3339(text).ok().map(UnixNanos::as_i64)
}

fn reply(status: u16, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

async fn handle(State(sim): State<Arc<Sim>>, req: Request) -> Response {
    let n = sim.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let path = req.uri().path().to_string();
    let query: HashMap<String, String> = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    sim.seen.lock().unwrap().push(
        req.uri()
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let key_id = req
        .headers()
        .get("apca-api-key-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    sim.key_ids.lock().unwrap().push(key_id);
    let endpoint = match path.as_str() {
        "/v2/stocks/bars" => "bars",
        "/v2/stocks/trades" => "trades",
        "/v2/stocks/quotes" => "quotes",
        "/v1beta1/news" => "news",
        _ => return reply(404, r#"{"message":"Not Found"}"#),
    };
    let fault = sim.faults.lock().unwrap().remove(&n);
    match &fault {
        Some(Fault::Status(code, retry)) => {
            let mut r = reply(*code, format!(r#"{{"message":"injected {code}"}}"#));
            if let Some(s) = retry {
                r.headers_mut().insert(
                    "retry-after",
                    HeaderValue::from_str(&s.to_string()).unwrap(),
                );
            }
            return r;
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(*d).await,
        _ => {}
    }
    if !sim.page_delay.is_zero() {
        tokio::time::sleep(sim.page_delay).await;
    }
    let requested = query.get("symbols").cloned().unwrap_or_default();
    let symbol = sim
        .answer_as
        .get(&requested)
        .cloned()
        .unwrap_or_else(|| requested.clone());
    if sim.rejected.contains(&requested) {
        return reply(
            422,
            format!(r#"{{"code":42210000,"message":"invalid symbol: {symbol}"}}"#),
        );
    }
    if endpoint != "news" && symbol.contains(',') {
        return reply(
            400,
            r#"{"message":"this simulator serves one symbol per request"}"#,
        );
    }
    let lo = query
        .get("start")
        .and_then(|s| nanos(s))
        .unwrap_or(i64::MIN);
    let hi = query.get("end").and_then(|s| nanos(s)).unwrap_or(i64::MAX);
    let limit: usize = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(sim.page_size);
    let empty = Vec::new();
    let rows = sim
        .data
        .get(&(endpoint.to_string(), symbol.clone()))
        .unwrap_or(&empty);
    // Rows in the window: [first, last) of the symbol's vector.
    let first = rows.partition_point(|r| r.ts < lo);
    let last = rows.partition_point(|r| r.ts <= hi);
    let mut at = match query.get("page_token") {
        Some(t) => match untoken(t) {
            Some(i) => i.clamp(first, last),
            None => return reply(400, r#"{"message":"invalid page token"}"#),
        },
        None => first,
    };
    let size = limit.min(sim.page_size).max(1);
    let (from, to, next) = match fault {
        Some(Fault::Empty) => (at, at, (at < last).then(|| token(&symbol, at, "empty"))),
        Some(Fault::Repeat(k)) => {
            let to = (at + size).min(last);
            at = at.saturating_sub(k).max(first);
            (at, to, (to < last).then(|| token(&symbol, to, "")))
        }
        _ => {
            let to = (at + size).min(last);
            (at, to, (to < last).then(|| token(&symbol, to, "")))
        }
    };
    let mut body = String::with_capacity((to - from) * 140 + 200);
    let list: Vec<&str> = rows[from..to].iter().map(|r| r.json.as_str()).collect();
    if endpoint == "news" {
        body.push_str(r#"{"news":["#);
    } else {
        body.push_str(&format!(r#"{{"{endpoint}":{{"{symbol}":["#));
    }
    body.push_str(&list.join(","));
    body.push_str(if endpoint == "news" { "]" } else { "]}" });
    match next {
        Some(t) => body.push_str(&format!(r#","next_page_token":"{t}"}}"#)),
        None => body.push_str(r#","next_page_token":null}"#),
    }
    if matches!(fault, Some(Fault::Truncate)) {
        body.truncate(body.len() / 2);
    } else {
        *sim.pages
            .lock()
            .unwrap()
            .entry(endpoint.into())
            .or_default() += 1;
    }
    reply(200, body)
}
