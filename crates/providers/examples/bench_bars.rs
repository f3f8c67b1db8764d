//! Client throughput on Alpaca-shaped pages of 10,000 one-minute bars, served from 127.0.0.1.
//!
//! `cargo run --release -p providers --example bench_bars [PAGES]`
//!
//! Reports bars/s for the full client path (HTTP, rate gate, JSON, exact decimal parse,
//! `Bar::new` validation) next to two baselines from the same run on the same bytes: the HTTP
//! transfer alone, and `serde_json::Value` parsing alone (a generic, f64-based parse).

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use domain::{Symbol, Timeframe, UnixNanos};
use providers::{
    AlpacaClient, AlpacaConfig, AlpacaCredentials, BarsRequest, Cursor, HttpConfig, Provider,
};

const BARS_PER_PAGE: usize = 10_000;

/// Deterministic bars with the decimals real data has (4 on prices, 6 on vwap).
fn page_body() -> String {
    let mut s = String::with_capacity(BARS_PER_PAGE * 130);
    s.push_str(r#"{"bars":{"AAPL":["#);
    let start = UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z").unwrap();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut price: i64 = 1_853_400; // 185.3400 in 1e-4
    for i in 0..BARS_PER_PAGE {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let step = (x % 201) as i64 - 100;
        let open = price;
        let close = (price + step).max(10_000);
        let high = open.max(close) + (x >> 8) as i64 % 50;
        let low = open.min(close) - (x >> 16) as i64 % 50;
        price = close;
        let p = |v: i64| format!("{}.{:04}", v / 10_000, v % 10_000);
        let ts = start.plus(i as i64 * 60_000_000_000).to_rfc3339();
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"c":{},"h":{},"l":{},"n":{},"o":{},"t":"{ts}","v":{},"vw":{}.{:06}}}"#,
            p(close),
            p(high),
            p(low),
            100 + x % 900,
            p(open),
            1_000 + x % 50_000,
            (low + high) / 20_000,
            x % 1_000_000,
        ));
    }
    s.push_str(r#"]},"next_page_token":"QUFQTHxNfDIwMjQtMDEtMDJUMTQ6MzA6MDBa"}"#);
    s
}

async fn serve(State(body): State<Bytes>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], body)
}

fn rate(n: usize, d: Duration) -> String {
    format!(
        "{:>10.0} bars/s ({:.1} ms/page)",
        n as f64 / d.as_secs_f64(),
        d.as_secs_f64() * 1e3 * BARS_PER_PAGE as f64 / n as f64
    )
}

#[tokio::main]
async fn main() {
    let pages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(40);
    let body = Bytes::from(page_body());
    println!(
        "page: {BARS_PER_PAGE} bars, {} bytes; {pages} pages per measurement",
        body.len()
    );
    let app = Router::new().fallback(serve).with_state(body.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut config = AlpacaConfig::new(AlpacaCredentials::new("bench-id", "bench-secret"))
        .with_base_url(&base)
        .unwrap();
    config.http = HttpConfig::with_rate(1_000_000);
    let client = AlpacaClient::new(config).unwrap();
    let req = BarsRequest::new(
        vec![Symbol::lit("AAPL")],
        Timeframe::M1,
        UnixNanos::parse_rfc3339("2024-01-02").unwrap(),
        UnixNanos::parse_rfc3339("2024-02-02").unwrap(),
    );
    let cursor = Cursor::new("QUFQTHxNfDIwMjQtMDEtMDJUMTQ6MzA6MDBa");

    // Warm up connections and allocator.
    for _ in 0..3 {
        client.fetch_bars(&req, Some(&cursor)).await.unwrap();
    }

    // Baseline 1: HTTP transfer only (same server, same bytes, plain reqwest).
    let http = reqwest::Client::new();
    let t0 = Instant::now();
    let mut bytes = 0;
    for _ in 0..pages {
        bytes += http
            .get(format!("{base}/v2/stocks/bars"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len();
    }
    let transfer = t0.elapsed();

    // Baseline 2: generic JSON parse only, no HTTP (numbers become f64).
    let t0 = Instant::now();
    let mut n = 0;
    for _ in 0..pages {
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        n += v["bars"]["AAPL"].as_array().unwrap().len();
    }
    let generic = t0.elapsed();
    assert_eq!(n, pages * BARS_PER_PAGE);

    // The client: one page at a time, as the collector drives it.
    let t0 = Instant::now();
    let mut bars = 0;
    for _ in 0..pages {
        let page = client.fetch_bars(&req, Some(&cursor)).await.unwrap();
        bars += page.items.len();
    }
    let sequential = t0.elapsed();
    assert_eq!(bars, pages * BARS_PER_PAGE);

    // Two pages in flight (one per core).
    let t0 = Instant::now();
    let (a, b) = tokio::join!(
        async {
            let mut n = 0;
            for _ in 0..pages / 2 {
                n += client
                    .fetch_bars(&req, Some(&cursor))
                    .await
                    .unwrap()
                    .items
                    .len();
            }
            n
        },
        async {
            let mut n = 0;
            for _ in 0..pages / 2 {
                n += client
                    .fetch_bars(&req, Some(&cursor))
                    .await
                    .unwrap()
                    .items
                    .len();
            }
            n
        }
    );
    let concurrent = t0.elapsed();

    println!(
        "http transfer only      {}  ({:.0} MB/s)",
        rate(pages * BARS_PER_PAGE, transfer),
        bytes as f64 / transfer.as_secs_f64() / 1e6
    );
    println!(
        "serde_json::Value only  {}",
        rate(pages * BARS_PER_PAGE, generic)
    );
    println!("client, 1 in flight     {}", rate(bars, sequential));
    println!("client, 2 in flight     {}", rate(a + b, concurrent));
    println!(
        "client / (transfer + generic parse) time ratio: {:.2}",
        sequential.as_secs_f64() / (transfer + generic).as_secs_f64()
    );
}
