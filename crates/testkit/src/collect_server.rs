//! A local Alpaca-shaped HTTP server for collection tests (axum on 127.0.0.1:0, own thread).
//!
//! - `GET /v2/stocks/bars`: one synthetic 1-minute bar per symbol for every minute of the
//!   requested window inside an NYSE session, prices derived from (symbol, minute), so every
//!   fetch of a minute returns the same bar; paged by `limit` with an offset `page_token`.
//! - `GET /v1beta1/news`: the articles of [`ARTICLES`] published in the window.
//! - `GET /v1beta1/options/snapshots/AAPL`: the shared Alpaca fixture (one contract); other
//!   underlyings have an empty chain.
//!
//! It records every request, and can hold the first request for one window (`slow`) to keep
//! a worker busy while the test kills it ([`Server::slow_first`]), and never serve chosen
//! minutes ([`Server::hole`]). [`Server::env`] points a client (or the binary) at it.
//! Used by the collector's runner tests and the ztrade collection tests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::UnixNanos;
use domain::calendar::NyseCalendar;
use domain::time::NANOS_PER_MINUTE;

/// (id, created_at, symbols, headline).
pub const ARTICLES: [(&str, &str, &str, &str); 3] = [
    (
        "9001",
        "2024-01-03T20:46:10Z",
        "SPY",
        "Stocks rally as strong earnings beat estimates",
    ),
    (
        "9002",
        "2024-01-03T20:52:00Z",
        "SPY,QQQ",
        "Shares plunge after weak guidance and layoffs",
    ),
    (
        "9003",
        "2024-01-03T20:59:59Z",
        "QQQ",
        "Tech gains extend record winning streak",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub path: String,
    pub symbols: String,
    pub start: String,
    pub end: String,
}

#[derive(Default)]
struct Script {
    seen: Vec<Seen>,
    /// (start, delay): the first bars request starting at `start` waits `delay`.
    slow: Option<(String, Duration)>,
    /// Windows answered so far, by start (to slow only the first).
    answered: HashMap<String, u32>,
    /// (symbol, minute) the provider has no bar for, like a minute without trades.
    holes: Vec<(String, UnixNanos)>,
}

pub struct Server {
    pub base: String,
    script: Arc<Mutex<Script>>,
    _thread: std::thread::JoinHandle<()>,
}

impl Server {
    pub fn start() -> Self {
        let script = Arc::new(Mutex::new(Script::default()));
        let (tx, rx) = std::sync::mpsc::channel();
        let s = script.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = Router::new().fallback(handle).with_state(s);
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        Self {
            base: format!("http://{addr}"),
            script,
            _thread: thread,
        }
    }

    /// Holds the first bars request whose window starts at `start` (RFC 3339) for `delay`.
    pub fn slow_first(&self, start: &str, delay: Duration) {
        self.script.lock().unwrap().slow = Some((start.to_string(), delay));
    }

    /// Never serves `symbol`'s bar at `minute` (RFC 3339).
    pub fn hole(&self, symbol: &str, minute: &str) {
        let t = UnixNanos::parse_rfc3339(minute).unwrap();
        self.script
            .lock()
            .unwrap()
            .holes
            .push((symbol.to_string(), t));
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.script.lock().unwrap().seen.clone()
    }

    pub fn bars_requests_starting(&self, start: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.path == "/v2/stocks/bars" && s.start == start)
            .count()
    }

    /// Environment for a client pointed here.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ZTRADE_ALPACA_DATA_URL", self.base.clone()),
            ("APCA_API_KEY_ID", "PKTESTKEY".into()),
            ("APCA_API_SECRET_KEY", "test-secret".into()),
        ]
    }
}

/// The bar the server serves for (symbol, minute): deterministic, valid OHLC.
pub fn bar_json(symbol: &str, ts: UnixNanos) -> serde_json::Value {
    let minute = ts.as_i64() / NANOS_PER_MINUTE;
    let seed = symbol.bytes().fold(minute as u64, |h, b| {
        h.wrapping_mul(31).wrapping_add(b as u64)
    });
    let base = 40_000 + (seed % 5_000) as i64; // cents
    let (o, c) = (base, base + (seed % 7) as i64 - 3);
    let (h, l) = (o.max(c) + 2, o.min(c) - 2);
    let px = |cents: i64| serde_json::Value::from(cents as f64 / 100.0);
    serde_json::json!({
        "t": ts.to_rfc3339(), "o": px(o), "h": px(h), "l": px(l), "c": px(c),
        "v": 1000 + seed % 900, "n": 10 + seed % 50, "vw": px(base),
    })
}

/// Minutes in `[start, end]` (Alpaca's inclusive end) inside an NYSE session.
pub fn session_minutes(start: UnixNanos, end_inclusive: UnixNanos) -> Vec<UnixNanos> {
    let cal = NyseCalendar;
    let first = (start.as_i64() + NANOS_PER_MINUTE - 1).div_euclid(NANOS_PER_MINUTE);
    let last = end_inclusive.as_i64().div_euclid(NANOS_PER_MINUTE);
    (first..=last)
        .map(|m| UnixNanos::new(m * NANOS_PER_MINUTE))
        .filter(|t| cal.session_at(*t).is_some())
        .collect()
}

async fn handle(State(script): State<Arc<Mutex<Script>>>, req: Request) -> Response {
    let q: HashMap<String, String> = req
        .uri()
        .query()
        .map(|q| url_decode_pairs(q).into_iter().collect())
        .unwrap_or_default();
    let path = req.uri().path().to_string();
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let seen = Seen {
        path: path.clone(),
        symbols: get("symbols"),
        start: get("start"),
        end: get("end"),
    };
    let (delay, holes) = {
        let mut s = script.lock().unwrap();
        s.seen.push(seen.clone());
        let n = {
            let n = s.answered.entry(seen.start.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let delay = match &s.slow {
            Some((start, d)) if path == "/v2/stocks/bars" && *start == seen.start && n == 1 => *d,
            _ => Duration::ZERO,
        };
        (delay, s.holes.clone())
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(underlying) = path.strip_prefix("/v1beta1/options/snapshots/") {
        let body = if underlying == "AAPL" {
            let rel = "alpaca/v1beta1_options_snapshots_AAPL__get_option_chain.json";
            String::from_utf8(crate::fixture(rel)).unwrap()
        } else {
            r#"{"snapshots": {}, "next_page_token": null}"#.to_string()
        };
        return ([("content-type", "application/json")], body).into_response();
    }
    let (Ok(start), Ok(end)) = (
        UnixNanos::parse_rfc3339(&seen.start),
        UnixNanos::parse_rfc3339(&seen.end),
    ) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "bad start/end").into_response();
    };
    let body = match path.as_str() {
        "/v2/stocks/bars" => bars(
            &seen.symbols,
            start,
            end,
            &get("limit"),
            &get("page_token"),
            &holes,
        ),
        "/v1beta1/news" => news(&seen.symbols, start, end),
        _ => return (StatusCode::NOT_FOUND, "unknown endpoint").into_response(),
    };
    ([("content-type", "application/json")], body.to_string()).into_response()
}

fn bars(
    symbols: &str,
    start: UnixNanos,
    end: UnixNanos,
    limit: &str,
    token: &str,
    holes: &[(String, UnixNanos)],
) -> serde_json::Value {
    let limit: usize = limit.parse().unwrap_or(10_000);
    let offset: usize = token.parse().unwrap_or(0);
    let minutes = session_minutes(start, end);
    let rows: Vec<(String, UnixNanos)> = symbols
        .split(',')
        .filter(|s| !s.is_empty())
        .flat_map(|s| minutes.iter().map(move |t| (s.to_string(), *t)))
        .filter(|row| !holes.contains(row))
        .collect();
    let page = rows.iter().skip(offset).take(limit);
    let mut by_symbol = serde_json::Map::new();
    for (s, t) in page {
        by_symbol
            .entry(s.clone())
            .or_insert_with(|| serde_json::Value::Array(vec![]))
            .as_array_mut()
            .unwrap()
            .push(bar_json(s, *t));
    }
    let next = (offset + limit < rows.len()).then(|| (offset + limit).to_string());
    serde_json::json!({ "bars": by_symbol, "next_page_token": next })
}

fn news(symbols: &str, start: UnixNanos, end: UnixNanos) -> serde_json::Value {
    let wanted: Vec<&str> = symbols.split(',').collect();
    let items: Vec<serde_json::Value> = ARTICLES
        .iter()
        .filter(|(_, at, syms, _)| {
            let t = UnixNanos::parse_rfc3339(at).unwrap();
            start <= t && t <= end && syms.split(',').any(|s| wanted.contains(&s))
        })
        .map(|(id, at, syms, headline)| {
            serde_json::json!({
                "id": id.parse::<u64>().unwrap(), "headline": headline, "summary": "",
                "author": "test", "created_at": at, "updated_at": at, "url": "https://example.invalid",
                "source": "test", "symbols": syms.split(',').collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({ "news": items, "next_page_token": null })
}

fn url_decode_pairs(q: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
