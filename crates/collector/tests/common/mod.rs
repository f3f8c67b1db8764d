//! The provider clients backfill tests point at their local servers: fast retries (two), a
//! generous rate, a fixed jitter seed, and keys the tests search output for.
// Each test binary uses part of it.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use collector::worker::Clients;
use providers::{
    AlpacaClient, AlpacaConfig, AlpacaCredentials, HttpConfig, PolygonClient, PolygonConfig,
    PolygonCredentials, RetryPolicy,
};

pub const SECRET: &str = "sim-secret";
pub const POLY_KEY: &str = "poly-secret-key";

pub fn http() -> HttpConfig {
    let mut h = HttpConfig::with_rate(60_000);
    h.timeout = Duration::from_secs(5);
    h.retry = RetryPolicy::fast(2);
    h.jitter_seed = Some(7);
    h
}

/// Alpaca alone, at `base`.
pub fn alpaca(base: &str) -> Clients {
    let mut c = AlpacaConfig::new(AlpacaCredentials::new("PKTEST", SECRET))
        .with_base_url(base)
        .unwrap();
    c.http = http();
    Clients {
        alpaca: Some(Arc::new(AlpacaClient::new(c).unwrap())),
        polygon: None,
    }
}

/// Polygon alone, at `base`.
pub fn polygon(base: &str) -> Clients {
    let mut c = PolygonConfig::new(PolygonCredentials::new(POLY_KEY))
        .with_base_url(base)
        .unwrap();
    c.http = http();
    Clients {
        alpaca: None,
        polygon: Some(Arc::new(PolygonClient::new(c).unwrap())),
    }
}
