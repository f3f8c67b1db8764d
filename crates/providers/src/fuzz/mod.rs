//! The response-body parsers without a server, for the fuzz targets in `fuzz/` at the
//! repository root: the code a fetched page goes through, fed arbitrary bytes. Not part of the
//! API; nothing else calls it.
//!
//! - this file: [`alpaca`] and [`polygon`], one body of one [`Endpoint`] through a client's
//!   parser (`crate::alpaca::fuzz`, `crate::polygon::fuzz`).
//! - `endpoint`: [`Endpoint`], in a file of its own so the providers' dispatchers need not
//!   import this one (which imports them).

pub(crate) mod endpoint;

use crate::error::{ProviderError, RequestInfo};
use crate::http::{Fetched, HttpConfig, HttpCore};
pub use crate::page::OnInvalidRecord;

pub use endpoint::Endpoint;

/// Parses `body` as Alpaca's answer from `endpoint`; returns how many records the page held.
pub fn alpaca(
    endpoint: Endpoint,
    body: &[u8],
    policy: OnInvalidRecord,
) -> Result<usize, ProviderError> {
    ALPACA.with(|core| {
        let core = core
            .as_ref()
            .map_err(|e| ProviderError::Config(e.to_string()))?;
        crate::alpaca::fuzz::page(core, &fetched(body), endpoint, policy)
    })
}

/// Parses `body` as Polygon's answer from `endpoint`; returns how many records the page held.
pub fn polygon(
    endpoint: Endpoint,
    body: &[u8],
    policy: OnInvalidRecord,
) -> Result<usize, ProviderError> {
    POLYGON.with(|core| {
        let core = core
            .as_ref()
            .map_err(|e| ProviderError::Config(e.to_string()))?;
        crate::polygon::fuzz::page(core, &fetched(body), endpoint, policy)
    })
}

// Built once per thread: a client per call would dominate the time of a fuzz run.
thread_local! {
    static ALPACA: Result<HttpCore, ProviderError> = core("alpaca");
    static POLYGON: Result<HttpCore, ProviderError> = core("polygon");
}

fn core(provider: &'static str) -> Result<HttpCore, ProviderError> {
    let base = url::Url::parse("http://fuzz.invalid/").expect("a valid URL");
    HttpCore::new(
        provider,
        &HttpConfig::with_rate(200),
        &base,
        &[],
        Vec::new(),
    )
}

fn fetched(body: &[u8]) -> Fetched {
    Fetched {
        request: RequestInfo {
            method: "GET",
            url: "http://fuzz.invalid/".into(),
        },
        body: body.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A daily bar whose exchange date has no representable midnight (1677-09-20 in New York)
    /// is a bad record, not a panic.
    #[test]
    fn a_daily_bar_at_the_edge_of_time_is_an_error() {
        let alpaca_body = br#"{"bars":[{"t":"1677-09-21T00:13:00Z","o":1,"h":1,"l":1,"c":1,"v":1}],"symbol":"AAPL"}"#;
        let polygon_body =
            br#"{"status":"OK","results":[{"t":-9223372036000,"o":1,"h":1,"l":1,"c":1,"v":1}]}"#;
        let daily = Endpoint::Bars { daily: true };
        for result in [
            alpaca(daily, alpaca_body, OnInvalidRecord::Fail),
            polygon(daily, polygon_body, OnInvalidRecord::Fail),
        ] {
            let e = result.unwrap_err().to_string();
            assert!(e.contains("1677-09-20 is outside"), "{e}");
        }
        let skipped = alpaca(daily, alpaca_body, OnInvalidRecord::SkipAndReport).unwrap();
        assert_eq!(skipped, 0);
        // The same bars, intraday, are in range.
        let minute = Endpoint::Bars { daily: false };
        assert_eq!(
            alpaca(minute, alpaca_body, OnInvalidRecord::Fail).unwrap(),
            1
        );
    }
}
