//! What to fetch: one request type per kind of record, provider-neutral.
//!
//! Time windows are half-open, `start ≤ t < end`, so consecutive chunks never overlap; each
//! client translates that into its API's inclusive bounds. `limit` is rows per page (the
//! provider's maximum when `None`); see [`crate::Limits`].

use chrono::NaiveDate;
use domain::{OptionRight, Price, Symbol, Timeframe, UnixNanos};

use crate::error::ProviderError;

/// What one request may ask of a provider. The collector chunks work to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_symbols_per_request: usize,
    pub max_bars_per_page: u32,
    pub max_ticks_per_page: u32,
    pub max_news_per_page: u32,
    pub max_options_per_page: u32,
}

/// Row order within and across pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Asc,
    Desc,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
}

/// Corporate-action adjustment of bar prices. Polygon offers only `Raw` and `Split`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Adjustment {
    #[default]
    Raw,
    Split,
    Dividend,
    All,
}

impl Adjustment {
    /// Alpaca's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::Split => "split",
            Self::Dividend => "dividend",
            Self::All => "all",
        }
    }
}

/// Bars of `symbols` at `timeframe` in `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarsRequest {
    pub symbols: Vec<Symbol>,
    pub timeframe: Timeframe,
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub limit: Option<u32>,
    pub adjustment: Adjustment,
    /// Alpaca data feed (`sip`, `iex`, `delayed_sip`, …); ignored by Polygon.
    pub feed: Option<String>,
    pub sort: Sort,
}

impl BarsRequest {
    pub fn new(
        symbols: Vec<Symbol>,
        timeframe: Timeframe,
        start: UnixNanos,
        end: UnixNanos,
    ) -> Self {
        Self {
            symbols,
            timeframe,
            start,
            end,
            limit: None,
            adjustment: Adjustment::Raw,
            feed: None,
            sort: Sort::Asc,
        }
    }

    /// [`check_window`] under `limits`, then the page size to send ([`page_limit`]).
    pub(crate) fn page_size(&self, limits: &Limits) -> Result<u32, ProviderError> {
        let max_symbols = limits.max_symbols_per_request;
        check_window(&self.symbols, max_symbols, self.start, self.end)?;
        page_limit(self.limit, limits.max_bars_per_page)
    }
}

/// Trades or quotes of `symbols` in `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicksRequest {
    pub symbols: Vec<Symbol>,
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub limit: Option<u32>,
    pub feed: Option<String>,
    pub sort: Sort,
}

impl TicksRequest {
    pub fn new(symbols: Vec<Symbol>, start: UnixNanos, end: UnixNanos) -> Self {
        Self {
            symbols,
            start,
            end,
            limit: None,
            feed: None,
            sort: Sort::Asc,
        }
    }

    /// [`check_window`] under `limits`, then the page size to send ([`page_limit`]).
    pub(crate) fn page_size(&self, limits: &Limits) -> Result<u32, ProviderError> {
        let max_symbols = limits.max_symbols_per_request;
        check_window(&self.symbols, max_symbols, self.start, self.end)?;
        page_limit(self.limit, limits.max_ticks_per_page)
    }
}

/// News about `symbols` (all news when empty), published in `[start, end)` where given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewsRequest {
    pub symbols: Vec<Symbol>,
    pub start: Option<UnixNanos>,
    pub end: Option<UnixNanos>,
    pub limit: Option<u32>,
    pub sort: Sort,
}

/// A snapshot of the option chain of `underlying`, optionally filtered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionChainRequest {
    pub underlying: Symbol,
    pub right: Option<OptionRight>,
    pub expiry_from: Option<NaiveDate>,
    pub expiry_to: Option<NaiveDate>,
    pub strike_min: Option<Price>,
    pub strike_max: Option<Price>,
    pub limit: Option<u32>,
    /// Alpaca options feed (`opra`, `indicative`); ignored by Polygon.
    pub feed: Option<String>,
}

impl OptionChainRequest {
    pub fn new(underlying: Symbol) -> Self {
        Self {
            underlying,
            right: None,
            expiry_from: None,
            expiry_to: None,
            strike_min: None,
            strike_max: None,
            limit: None,
            feed: None,
        }
    }

    /// The filters that are set, as query pairs. `names` is the provider's spelling of right,
    /// expiry from, expiry to, strike min and strike max, in that order.
    pub(crate) fn filters(
        &self,
        names: [&'static str; 5],
    ) -> impl Iterator<Item = (&'static str, String)> {
        let right = self.right.map(|r| match r {
            OptionRight::Call => "call".to_owned(),
            OptionRight::Put => "put".to_owned(),
        });
        let values = [
            right,
            self.expiry_from.map(|d| d.to_string()),
            self.expiry_to.map(|d| d.to_string()),
            self.strike_min.map(|p| p.to_string()),
            self.strike_max.map(|p| p.to_string()),
        ];
        names
            .into_iter()
            .zip(values)
            .filter_map(|(n, v)| Some((n, v?)))
    }
}

/// Shared checks: a non-empty, bounded symbol list, a non-empty window and a page size the
/// provider accepts. Errors say which bound was broken.
pub(crate) fn check_window(
    symbols: &[Symbol],
    max_symbols: usize,
    start: UnixNanos,
    end: UnixNanos,
) -> Result<(), ProviderError> {
    if symbols.is_empty() {
        return Err(ProviderError::InvalidRequest("no symbol given".into()));
    }
    if symbols.len() > max_symbols {
        return Err(ProviderError::InvalidRequest(format!(
            "{} symbols in one request; this provider takes at most {max_symbols}",
            symbols.len()
        )));
    }
    if start >= end {
        return Err(ProviderError::InvalidRequest(format!(
            "empty window: start {start} is not before end {end}"
        )));
    }
    Ok(())
}

/// The page size to send: `limit`, checked against `1..=max`, or `max`.
pub(crate) fn page_limit(limit: Option<u32>, max: u32) -> Result<u32, ProviderError> {
    match limit {
        None => Ok(max),
        Some(0) => Err(ProviderError::InvalidRequest(
            "limit must be at least 1".into(),
        )),
        Some(n) if n > max => Err(ProviderError::InvalidRequest(format!(
            "limit {n} is above this endpoint's maximum of {max}"
        ))),
        Some(n) => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_and_limit_checks() {
        let s = vec![Symbol::lit("AAPL")];
        let t = UnixNanos::new;
        assert!(check_window(&s, 1, t(0), t(1)).is_ok());
        assert!(check_window(&[], 1, t(0), t(1)).is_err());
        assert!(check_window(&s, 1, t(1), t(1)).is_err());
        let two = vec![Symbol::lit("AAPL"), Symbol::lit("MSFT")];
        let e = check_window(&two, 1, t(0), t(1)).unwrap_err().to_string();
        assert!(e.contains("at most 1"), "{e}");
        assert_eq!(page_limit(None, 10_000).unwrap(), 10_000);
        assert_eq!(page_limit(Some(2), 10_000).unwrap(), 2);
        assert!(page_limit(Some(10_001), 10_000).is_err());
        assert!(page_limit(Some(0), 10_000).is_err());
    }

    #[test]
    fn option_filters_only_the_set_ones_in_order() {
        let mut r = OptionChainRequest::new(Symbol::lit("AAPL"));
        r.right = Some(OptionRight::Put);
        r.expiry_to = NaiveDate::from_ymd_opt(2024, 4, 26);
        r.strike_min = Some(Price::parse_rounded("152.5").unwrap());
        let pairs: Vec<_> = r.filters(["r", "ef", "et", "smin", "smax"]).collect();
        assert_eq!(
            pairs,
            [
                ("r", "put".to_owned()),
                ("et", "2024-04-26".to_owned()),
                ("smin", "152.5".to_owned()),
            ]
        );
        assert_eq!(
            OptionChainRequest::new(Symbol::lit("AAPL"))
                .filters(["a"; 5])
                .count(),
            0
        );
    }
}
