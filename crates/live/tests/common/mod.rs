//! What the route tests share: the local Trading API's keys, a fast-retrying client of it, and
//! the order events of one order.

#![allow(dead_code)]

use std::time::Duration;

use domain::journal::{Journal, OrderEventKind};
use providers::{AlpacaCredentials, AlpacaTrading, AlpacaTradingConfig, HttpConfig, RetryPolicy};

pub const KEY_ID: &str = "PKTESTKEYID0001";
pub const SECRET: &str = "alpaca-secret-never-logged";

/// A client of the server at `base`: short timeouts, three quick retries, seeded jitter.
pub fn client(base: &str) -> AlpacaTrading {
    let mut c = AlpacaTradingConfig::new(AlpacaCredentials::new(KEY_ID, SECRET))
        .with_base_url(base)
        .unwrap();
    let mut h = HttpConfig::with_rate(60_000);
    h.timeout = Duration::from_secs(5);
    h.retry = RetryPolicy::fast(3);
    h.jitter_seed = Some(7);
    h.max_server_pause = Duration::from_secs(3);
    c.http = h;
    AlpacaTrading::new(c).unwrap()
}

/// The kinds of order `order`'s events, in journal order.
pub fn kinds(j: &Journal, order: u64) -> Vec<OrderEventKind> {
    (j.order_events.iter())
        .filter(|e| e.order_id == order)
        .map(|e| e.kind)
        .collect()
}
