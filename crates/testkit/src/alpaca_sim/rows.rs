//! Datasets for the simulator: generated one-minute bars (with the bars they must become) and
//! rows taken from real Alpaca bodies.

use domain::{Bar, Price, Quantity, UnixNanos};

use super::Row;
use super::serve::nanos;

/// Prices in 1e-4 as Alpaca prints them: no trailing zeros.
fn px(v: i64) -> String {
    let s = format!("{}.{:04}", v / 10_000, v % 10_000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `n` one-minute bars from `t0`, a seeded random walk; the rows to serve and the bars they
/// must become.
pub fn minute_bars(t0: &str, n: usize, seed: u64) -> (Vec<Row>, Vec<Bar>) {
    let start = UnixNanos::parse_rfc3339(t0).unwrap();
    let mut x = seed | 1;
    let mut price: i64 = 1_853_400;
    let mut rows = Vec::with_capacity(n);
    let mut bars = Vec::with_capacity(n);
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let open = price;
        let close = (price + (x % 201) as i64 - 100).max(10_000);
        let high = open.max(close) + (x >> 8) as i64 % 50;
        let low = open.min(close) - (x >> 16) as i64 % 50;
        price = close;
        let volume = 1_000 + (x % 50_000) as i64;
        let count = 100 + x % 900;
        let vwap_micro = (low + high) * 50 + (x % 100) as i64; // 1e-6
        let ts = start.plus(i as i64 * 60_000_000_000);
        rows.push(Row {
            ts: ts.as_i64(),
            json: format!(
                r#"{{"t":"{}","o":{},"h":{},"l":{},"c":{},"v":{volume},"n":{count},"vw":{}.{:06}}}"#,
                ts.to_rfc3339(),
                px(open),
                px(high),
                px(low),
                px(close),
                vwap_micro / 1_000_000,
                vwap_micro % 1_000_000
            ),
            symbols: vec![],
        });
        bars.push(Bar {
            ts,
            open: Price::from_raw(open * 100_000),
            high: Price::from_raw(high * 100_000),
            low: Price::from_raw(low * 100_000),
            close: Price::from_raw(close * 100_000),
            volume: Quantity::from_int(volume),
            vwap: Some(Price::from_raw(vwap_micro * 1_000)),
            trade_count: Some(count),
        });
    }
    (rows, bars)
}

/// The rows of a real Alpaca body (`{"trades"|"quotes": {"AAPL": [...]}}` or `{"news": [...]}`)
/// for the simulator, keyed by `t` / `created_at`.
pub fn rows_of_fixture(body: &serde_json::Value, endpoint: &str) -> Vec<Row> {
    let list: Vec<&serde_json::Value> = if endpoint == "news" {
        body["news"].as_array().unwrap().iter().collect()
    } else {
        body[endpoint]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|v| v.as_array().unwrap())
            .collect()
    };
    list.into_iter()
        .map(|r| {
            let t = if endpoint == "news" {
                r["created_at"].as_str().unwrap()
            } else {
                r["t"].as_str().unwrap()
            };
            Row {
                ts: nanos(t).unwrap(),
                json: r.to_string(),
                symbols: r["symbols"]
                    .as_array()
                    .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}
