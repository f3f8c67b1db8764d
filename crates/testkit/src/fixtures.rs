//! What tests read from outside the repository, and time literals.
//!
//! - [`shared_data`], [`fixture_dir`], [`fixture`], [`fixture_json`]: the shared real market
//!   data and provider response bodies (`../shared/{data,fixtures}` beside the repository; see
//!   their READMEs). Never copied into the repository.
//! - [`pg_base_url`], [`redis_url`]: the local services, from `ZTRADE_TEST_PG_URL` and
//!   `ZTRADE_TEST_REDIS_URL`, with the defaults CI and the README use.
//! - [`t`], [`minutes`]: instants from RFC 3339 text (a date alone is midnight UTC).
//! - [`eurusd_hours`]: the real fx series the calendar tests measure.

use std::path::{Path, PathBuf};

use domain::time::NANOS_PER_MINUTE;
use domain::{Bar, Price, Quantity, UnixNanos};

/// The PostgreSQL database tests make their schemas in, unless `ZTRADE_TEST_PG_URL` names one.
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The Redis the scale-out tests queue on, unless `ZTRADE_TEST_REDIS_URL` names one.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379/";

/// The shared folder beside the repository (every crate sits at the same depth, so the path
/// is the same from any of them).
fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Real market data files (`daily/`, `intraday/`, `news/`, …).
pub fn shared_data() -> PathBuf {
    shared().join("data")
}

/// Real provider response bodies (`alpaca/`, `polygon/`).
pub fn fixture_dir() -> PathBuf {
    shared().join("fixtures")
}

/// A fixture body, e.g. `alpaca/v2_stocks_bars__get_bars.json`.
pub fn fixture(rel: &str) -> Vec<u8> {
    let p = fixture_dir().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A fixture body as JSON.
pub fn fixture_json(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&fixture(rel)).unwrap_or_else(|e| panic!("{rel}: not JSON: {e}"))
}

/// `ZTRADE_TEST_PG_URL`, or [`DEFAULT_PG_URL`].
pub fn pg_base_url() -> String {
    std::env::var("ZTRADE_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string())
}

/// `ZTRADE_TEST_REDIS_URL`, or [`DEFAULT_REDIS_URL`].
pub fn redis_url() -> String {
    std::env::var("ZTRADE_TEST_REDIS_URL").unwrap_or_else(|_| DEFAULT_REDIS_URL.to_string())
}

/// The instant `text` names (RFC 3339, or a date for its midnight UTC).
pub fn t(text: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Every minute in `[from, to)`.
pub fn minutes(from: &str, to: &str) -> Vec<UnixNanos> {
    (t(from).as_i64()..t(to).as_i64())
        .step_by(NANOS_PER_MINUTE as usize)
        .map(UnixNanos::new)
        .collect()
}

/// backtesting.py's 5,000 EURUSD hourly bars (`intraday/backtesting_EURUSD_1hour.csv`,
/// 2017-04-19..2018-02-07), whose naive stamps are UTC.
pub fn eurusd_hours() -> Vec<Bar> {
    let path = shared_data().join("intraday/backtesting_EURUSD_1hour.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let p = |s: &str| Price::parse(s).unwrap();
            let v = Quantity::parse(f[5]).unwrap();
            let ts = t(&format!("{}Z", f[0].replace(' ', "T")));
            Bar::new(ts, p(f[1]), p(f[2]), p(f[3]), p(f[4]), v, None, None).unwrap()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_folders_are_found() {
        assert!(
            shared_data().join("README.md").exists(),
            "{:?}",
            shared_data()
        );
        let body = fixture_json("alpaca/v2_stocks_bars__get_bars.json");
        assert!(body["bars"].is_object(), "{body}");
    }

    #[test]
    fn minutes_are_half_open() {
        let m = minutes("2024-01-03T14:30:00Z", "2024-01-03T14:33:00Z");
        assert_eq!(m.len(), 3);
        assert_eq!(m[0], t("2024-01-03T14:30:00Z"));
        assert_eq!(m[2], t("2024-01-03T14:32:00Z"));
        assert_eq!(t("2024-01-03"), t("2024-01-03T00:00:00Z"));
    }
}
