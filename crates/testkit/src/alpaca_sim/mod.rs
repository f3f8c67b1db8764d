//! A local Alpaca Market Data server (axum on 127.0.0.1:0) that serves real-shaped pages of a
//! dataset it holds: `/v2/stocks/{bars,trades,quotes}?symbols=S&start&end&limit&page_token` and
//! `/v1beta1/news`, rows cut by the request's window (inclusive end, as Alpaca's) and paged by
//! an opaque `next_page_token`. Faults can be scripted per request number, and every page can
//! be slowed. Rows are rendered to JSON once, so serving a page is a copy.
//!
//! - [`Sim`]: the dataset, page size, faults and delays (a builder), then [`Sim::start`] on the
//!   test's runtime or [`Sim::start_thread`] on its own (for tests that run the binary); what
//!   it saw: requests, whole pages per endpoint, paths, key ids.
//! - [`Row`], [`Fault`]: one served row; one scripted misbehaviour.
//! - [`minute_bars`], [`rows_of_fixture`]: datasets (generated minute bars with the bars they
//!   must become; rows of a real Alpaca body).
//! - `serve`: the request handler (window, paging tokens, faults).
//!
//! Used by the collector's backfill tests, the ztrade CLI tests and the backfill bench.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;

mod rows;
mod serve;

pub use rows::{minute_bars, rows_of_fixture};

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
        let app = Router::new()
            .fallback(serve::handle)
            .with_state(sim.clone());
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
