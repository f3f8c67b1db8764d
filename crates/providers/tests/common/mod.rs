//! Clients of the providers under test pointed at a [`Mock`] (testkit's scripted server), with
//! millisecond retry delays; the keys they carry, to search output for; `broker`, the Alpaca
//! paper broker pointed at a local server; and `table`, the fixture-per-case checks.
// Each test binary uses part of it.
#![allow(dead_code, unused_imports)]

pub mod broker;
pub mod table;

use std::time::Duration;

use providers::{
    AlpacaClient, AlpacaConfig, AlpacaCredentials, HttpConfig, PolygonAuth, PolygonClient,
    PolygonConfig, PolygonCredentials, RetryPolicy,
};
pub use testkit::scripted::{Mock, Reply, Seen};
pub use testkit::{fixture, fixture_dir, fixture_json, t};

pub const KEY_ID: &str = "PKTESTKEYID0001";
pub const SECRET: &str = "alpaca-secret-never-logged";
pub const POLY_KEY: &str = "polygon-key-never-logged";

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
