//! Alpaca Market Data (`https://data.alpaca.markets`).
//!
//! - [`AlpacaConfig`]: base URL (config > `ZTRADE_ALPACA_DATA_URL` > default), key pair,
//!   transport ([`HttpConfig`], 200 requests/min by default), invalid-record policy.
//! - [`AlpacaClient`]: the [`Provider`] implementation. Endpoints: v2 stock bars, trades and
//!   quotes (multi-symbol `/v2/stocks/bars?symbols=`, or single-symbol `/v2/stocks/{s}/bars`
//!   when configured); v1beta1 news; v1beta1 option chain snapshots; v1 corporate actions. The
//!   cursor is `next_page_token`.
//! - `wire` (bars, trades, quotes), `news`, `options`, `actions`: response shapes and their
//!   conversion.
//! - [`trading`]: the Trading API (`https://paper-api.alpaca.markets`) as a
//!   [`crate::broker::Broker`], on the same HTTP core and keys.

mod actions;
pub(crate) mod fuzz;
mod news;
mod options;
pub mod trading;
mod wire;

use async_trait::async_trait;
use domain::{Bar, NewsArticle, OptionQuote, QuoteTick, Symbol, TradeTick, UnixNanos};
use reqwest::header::HeaderMap;
use url::Url;
use vault::vars::ZTRADE_ALPACA_DATA_URL;
use vault::{AlpacaCredentials, CredentialSet};

use crate::actions::{ActionRecord, ActionsRequest, MAX_ACTIONS_PER_PAGE};
use crate::error::ProviderError;
use crate::http::{HttpConfig, HttpCore, endpoint, parse_base_url, secret_header};
use crate::page::{Cursor, OnInvalidRecord, Page};
use crate::provider::Provider;
use crate::request::{
    BarsRequest, Limits, NewsRequest, OptionChainRequest, Sort, TicksRequest, page_limit,
};

pub const DEFAULT_ALPACA_DATA_URL: &str = "https://data.alpaca.markets";
/// Alpaca's documented budget on the free plan.
pub const ALPACA_DEFAULT_REQUESTS_PER_MINUTE: u32 = 200;

const LIMITS: Limits = Limits {
    // No documented cap; 100 keeps the URL well under common proxy limits.
    max_symbols_per_request: 100,
    max_bars_per_page: 10_000,
    max_ticks_per_page: 10_000,
    max_news_per_page: 50,
    max_options_per_page: 1_000,
};

#[derive(Debug, Clone)]
pub struct AlpacaConfig {
    pub base_url: Url,
    pub credentials: AlpacaCredentials,
    pub http: HttpConfig,
    pub on_invalid: OnInvalidRecord,
    /// Ask for one symbol's bars, trades and quotes at `/v2/stocks/{symbol}/…` instead of
    /// `/v2/stocks/…?symbols=` (the SDKs' choice, and the default).
    pub single_symbol_endpoint: bool,
}

impl AlpacaConfig {
    /// The default base URL and transport.
    pub fn new(credentials: AlpacaCredentials) -> Self {
        Self {
            base_url: Url::parse(DEFAULT_ALPACA_DATA_URL).expect("valid default"),
            credentials,
            http: HttpConfig::with_rate(ALPACA_DEFAULT_REQUESTS_PER_MINUTE),
            on_invalid: OnInvalidRecord::Fail,
            single_symbol_endpoint: false,
        }
    }

    /// Keys from `APCA_API_KEY_ID`/`APCA_API_SECRET_KEY`, base URL from `ZTRADE_ALPACA_DATA_URL`.
    pub fn from_env() -> Result<Self, ProviderError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ProviderError> {
        let creds = CredentialSet::from_lookup(&lookup)?.require_alpaca()?;
        let mut c = Self::new(creds);
        if let Some(url) = url_override(&lookup, ZTRADE_ALPACA_DATA_URL)? {
            c.base_url = url;
        }
        Ok(c)
    }

    /// Overrides the base URL (wins over the environment).
    pub fn with_base_url(mut self, url: &str) -> Result<Self, ProviderError> {
        self.base_url = parse_base_url(url, "Alpaca base URL")?;
        Ok(self)
    }
}

/// The base URL `var` names in `lookup`, when set and not blank.
pub(crate) fn url_override(
    lookup: &impl Fn(&str) -> Option<String>,
    var: &str,
) -> Result<Option<Url>, ProviderError> {
    (lookup(var).filter(|u| !u.trim().is_empty()))
        .map(|url| parse_base_url(&url, var))
        .transpose()
}

/// The HTTP core and the key headers of an Alpaca API at `base` (market data or trading): the
/// keys go in `APCA-API-*` headers to that host only, and are scrubbed from every error.
pub(crate) fn connection(
    name: &'static str,
    http: &HttpConfig,
    base: &Url,
    c: &AlpacaCredentials,
) -> Result<(HttpCore, HeaderMap), ProviderError> {
    let mut headers = HeaderMap::new();
    for (header, secret) in [
        ("apca-api-key-id", &c.key_id),
        ("apca-api-secret-key", &c.secret_key),
    ] {
        headers.insert(header, secret_header(secret.expose(), header)?);
    }
    let secrets = vec![c.key_id.clone(), c.secret_key.clone()];
    let core = HttpCore::new(name, http, base, &[], secrets)?;
    Ok((core, headers))
}

pub struct AlpacaClient {
    core: HttpCore,
    base: Url,
    headers: HeaderMap,
    on_invalid: OnInvalidRecord,
    single_symbol_endpoint: bool,
}

impl AlpacaClient {
    pub fn new(config: AlpacaConfig) -> Result<Self, ProviderError> {
        let (core, headers) = connection(
            "alpaca",
            &config.http,
            &config.base_url,
            &config.credentials,
        )?;
        Ok(Self {
            core,
            base: config.base_url,
            headers,
            on_invalid: config.on_invalid,
            single_symbol_endpoint: config.single_symbol_endpoint,
        })
    }

    pub fn from_env() -> Result<Self, ProviderError> {
        Self::new(AlpacaConfig::from_env()?)
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The multi-symbol endpoint, or the single-symbol one when configured and possible.
    fn stocks_url(&self, kind: &str, symbols: &[Symbol]) -> (Url, Option<Symbol>) {
        if let ([one], true) = (symbols, self.single_symbol_endpoint) {
            let u = endpoint(&self.base, &["v2", "stocks", one.as_str(), kind]);
            (u, Some(one.clone()))
        } else {
            let mut u = endpoint(&self.base, &["v2", "stocks", kind]);
            u.query_pairs_mut().append_pair("symbols", &join(symbols));
            (u, None)
        }
    }

    /// A trades or quotes page's URL, checked against the limits; the symbol is the
    /// single-symbol endpoint's, if used.
    fn ticks_url(
        &self,
        kind: &str,
        req: &TicksRequest,
        cursor: Option<&Cursor>,
    ) -> Result<(Url, Option<Symbol>), ProviderError> {
        let limit = req.page_size(&LIMITS)?;
        let (mut url, single) = self.stocks_url(kind, &req.symbols);
        let feed = req.feed.as_deref();
        paged_window(&mut url, req.start, req.end, limit, feed, req.sort, cursor);
        Ok((url, single))
    }
}

fn join(symbols: &[Symbol]) -> String {
    symbols
        .iter()
        .map(Symbol::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// The window `[start, end)` as Alpaca's inclusive `start`/`end`, then the paging parameters.
fn paged_window(
    url: &mut Url,
    start: UnixNanos,
    end: UnixNanos,
    limit: u32,
    feed: Option<&str>,
    sort: Sort,
    cursor: Option<&Cursor>,
) {
    url.query_pairs_mut()
        .append_pair("start", &start.to_rfc3339())
        .append_pair("end", &end.plus(-1).to_rfc3339());
    common(url, limit, feed, sort.as_str(), cursor);
}

fn common(url: &mut Url, limit: u32, feed: Option<&str>, sort: &str, cursor: Option<&Cursor>) {
    let mut q = url.query_pairs_mut();
    q.append_pair("limit", &limit.to_string());
    if let Some(f) = feed {
        q.append_pair("feed", f);
    }
    q.append_pair("sort", sort);
    if let Some(c) = cursor {
        q.append_pair("page_token", c.as_str());
    }
}

#[async_trait]
impl Provider for AlpacaClient {
    fn name(&self) -> &'static str {
        "alpaca"
    }

    fn limits(&self) -> Limits {
        LIMITS
    }

    async fn fetch_bars(
        &self,
        req: &BarsRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<(Symbol, Bar)>, ProviderError> {
        let limit = req.page_size(&LIMITS)?;
        let tf = req
            .timeframe
            .alpaca()
            .map_err(|e| ProviderError::InvalidRequest(e.to_string()))?;
        let (mut url, single) = self.stocks_url("bars", &req.symbols);
        url.query_pairs_mut()
            .append_pair("timeframe", &tf)
            .append_pair("adjustment", req.adjustment.as_str());
        let feed = req.feed.as_deref();
        paged_window(&mut url, req.start, req.end, limit, feed, req.sort, cursor);
        let fetched = self.core.get(url, &self.headers).await?;
        let daily = req.timeframe.is_daily_or_longer();
        wire::bars_page(
            &self.core,
            &fetched,
            single.as_ref(),
            daily,
            self.on_invalid,
        )
    }

    async fn fetch_trades(
        &self,
        req: &TicksRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<(Symbol, TradeTick)>, ProviderError> {
        let (url, single) = self.ticks_url("trades", req, cursor)?;
        let fetched = self.core.get(url, &self.headers).await?;
        wire::trades_page(&self.core, &fetched, single.as_ref(), self.on_invalid)
    }

    async fn fetch_quotes(
        &self,
        req: &TicksRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<(Symbol, QuoteTick)>, ProviderError> {
        let (url, single) = self.ticks_url("quotes", req, cursor)?;
        let fetched = self.core.get(url, &self.headers).await?;
        wire::quotes_page(&self.core, &fetched, single.as_ref(), self.on_invalid)
    }

    async fn fetch_news(
        &self,
        req: &NewsRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<NewsArticle>, ProviderError> {
        let limit = page_limit(req.limit, LIMITS.max_news_per_page)?;
        let mut url = endpoint(&self.base, &["v1beta1", "news"]);
        {
            let mut q = url.query_pairs_mut();
            if !req.symbols.is_empty() {
                q.append_pair("symbols", &join(&req.symbols));
            }
            if let Some(s) = req.start {
                q.append_pair("start", &s.to_rfc3339());
            }
            if let Some(e) = req.end {
                q.append_pair("end", &e.plus(-1).to_rfc3339());
            }
            q.append_pair("include_content", "false");
        }
        common(&mut url, limit, None, req.sort.as_str(), cursor);
        let fetched = self.core.get(url, &self.headers).await?;
        news::news_page(&self.core, &fetched, self.on_invalid)
    }

    async fn fetch_option_chain(
        &self,
        req: &OptionChainRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<OptionQuote>, ProviderError> {
        let limit = page_limit(req.limit, LIMITS.max_options_per_page)?;
        let mut url = endpoint(
            &self.base,
            &["v1beta1", "options", "snapshots", req.underlying.as_str()],
        );
        {
            let mut q = url.query_pairs_mut();
            q.extend_pairs(req.filters([
                "type",
                "expiration_date_gte",
                "expiration_date_lte",
                "strike_price_gte",
                "strike_price_lte",
            ]));
            q.append_pair("limit", &limit.to_string());
            if let Some(f) = &req.feed {
                q.append_pair("feed", f);
            }
            if let Some(c) = cursor {
                q.append_pair("page_token", c.as_str());
            }
        }
        let fetched = self.core.get(url, &self.headers).await?;
        options::option_chain_page(&self.core, &fetched, &req.underlying, self.on_invalid)
    }

    /// Every type is asked for, so the kinds left out are counted rather than never seen.
    async fn fetch_actions(
        &self,
        req: &ActionsRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<ActionRecord>, ProviderError> {
        req.check(LIMITS.max_symbols_per_request)?;
        let mut url = endpoint(&self.base, &["v1", "corporate-actions"]);
        url.query_pairs_mut()
            .append_pair("symbols", &join(&req.symbols))
            .append_pair("start", &req.start.to_string())
            .append_pair("end", &req.end.to_string());
        common(&mut url, MAX_ACTIONS_PER_PAGE, None, "asc", cursor);
        let fetched = self.core.get(url, &self.headers).await?;
        actions::actions_page(&self.core, &fetched, self.on_invalid)
    }
}
