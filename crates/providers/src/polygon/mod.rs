//! Polygon (`https://api.polygon.io`).
//!
//! - [`PolygonConfig`]: base URL (config > `ZTRADE_POLYGON_URL` > default), key, how the key is
//!   sent ([`PolygonAuth`]), transport (5 requests/min by default: the free plan; raise it for
//!   paid plans), invalid-record policy.
//! - [`PolygonClient`]: the [`Provider`] implementation. Endpoints: v2 aggregates, v3 trades and
//!   quotes, v2 reference news, v3 option chain snapshot, v3 reference splits then dividends
//!   (one paged stream). One ticker per request.
//! - `wire` (list bodies, cursors, aggregates, trades, quotes), `news`, `options`, `actions`:
//!   response shapes and their conversion.
//! - Pagination follows `next_url`. The cursor is its path and query (host and `apiKey`
//!   dropped); following it re-bases it on the configured URL and adds the key again, so the key
//!   only ever goes to the configured host. A `next_url` on any origin but the configured one or
//!   Polygon's own (which Polygon names even behind a proxy) is refused as malformed.

mod actions;
pub(crate) mod fuzz;
mod news;
mod options;
mod wire;

use async_trait::async_trait;
use domain::{Bar, NewsArticle, OptionQuote, QuoteTick, Symbol, TradeTick};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use url::Url;
use vault::vars::ZTRADE_POLYGON_URL;
use vault::{CredentialSet, PolygonCredentials};

use crate::actions::{ActionRecord, ActionsRequest};
use crate::error::ProviderError;
use crate::http::{HttpConfig, HttpCore, endpoint, parse_base_url, secret_header};
use crate::page::{Cursor, OnInvalidRecord, Page};
use crate::provider::Provider;
use crate::request::{
    Adjustment, BarsRequest, Limits, NewsRequest, OptionChainRequest, TicksRequest, page_limit,
};

pub const DEFAULT_POLYGON_URL: &str = "https://api.polygon.io";
/// The free plan's budget.
pub const POLYGON_DEFAULT_REQUESTS_PER_MINUTE: u32 = 5;

const LIMITS: Limits = Limits {
    max_symbols_per_request: 1,
    max_bars_per_page: 50_000,
    max_ticks_per_page: 50_000,
    max_news_per_page: 1_000,
    max_options_per_page: 250,
};

/// How the key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolygonAuth {
    /// `?apiKey=…` on every request, `next_url` included.
    #[default]
    QueryParam,
    /// `Authorization: Bearer …`.
    BearerHeader,
}

#[derive(Debug, Clone)]
pub struct PolygonConfig {
    pub base_url: Url,
    pub credentials: PolygonCredentials,
    pub auth: PolygonAuth,
    pub http: HttpConfig,
    pub on_invalid: OnInvalidRecord,
}

impl PolygonConfig {
    pub fn new(credentials: PolygonCredentials) -> Self {
        Self {
            base_url: Url::parse(DEFAULT_POLYGON_URL).expect("valid default"),
            credentials,
            auth: PolygonAuth::QueryParam,
            http: HttpConfig::with_rate(POLYGON_DEFAULT_REQUESTS_PER_MINUTE),
            on_invalid: OnInvalidRecord::Fail,
        }
    }

    /// Key from `POLYGON_API_KEY`, base URL from `ZTRADE_POLYGON_URL`.
    pub fn from_env() -> Result<Self, ProviderError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ProviderError> {
        let creds = CredentialSet::from_lookup(&lookup)?.require_polygon()?;
        let mut c = Self::new(creds);
        if let Some(url) = lookup(ZTRADE_POLYGON_URL).filter(|u| !u.trim().is_empty()) {
            c.base_url = parse_base_url(&url, ZTRADE_POLYGON_URL)?;
        }
        Ok(c)
    }

    pub fn with_base_url(mut self, url: &str) -> Result<Self, ProviderError> {
        self.base_url = parse_base_url(url, "Polygon base URL")?;
        Ok(self)
    }
}

pub struct PolygonClient {
    core: HttpCore,
    base: Url,
    credentials: PolygonCredentials,
    auth: PolygonAuth,
    headers: HeaderMap,
    on_invalid: OnInvalidRecord,
}

impl PolygonClient {
    pub fn new(config: PolygonConfig) -> Result<Self, ProviderError> {
        let key = &config.credentials.api_key;
        let mut headers = HeaderMap::new();
        if config.auth == PolygonAuth::BearerHeader {
            let bearer = format!("Bearer {}", key.expose());
            headers.insert(AUTHORIZATION, secret_header(&bearer, "the Polygon key")?);
        }
        let core = HttpCore::new(
            "polygon",
            &config.http,
            &config.base_url,
            &["apiKey"],
            vec![key.clone()],
        )?;
        Ok(Self {
            core,
            base: config.base_url,
            credentials: config.credentials,
            auth: config.auth,
            headers,
            on_invalid: config.on_invalid,
        })
    }

    pub fn from_env() -> Result<Self, ProviderError> {
        Self::new(PolygonConfig::from_env()?)
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The first page's URL, or the cursor's re-based on our base URL. A cursor must point
    /// below `prefix` (the endpoint it came from), so one kind's cursor cannot fetch another.
    fn page_url(
        &self,
        first: impl FnOnce() -> Url,
        prefix: &[&str],
        cursor: Option<&Cursor>,
    ) -> Result<Url, ProviderError> {
        let mut url = match cursor {
            None => first(),
            Some(c) => {
                let expected = endpoint(&self.base, prefix);
                let base_path = self.base.path().trim_end_matches('/');
                let (path, query) = c.as_str().split_once('?').unwrap_or((c.as_str(), ""));
                let mut u = self.base.clone();
                u.set_path(&format!("{base_path}{path}"));
                u.set_query((!query.is_empty()).then_some(query));
                let inside = u.path() == expected.path()
                    || u.path().starts_with(&format!("{}/", expected.path()));
                if !inside {
                    return Err(ProviderError::InvalidRequest(format!(
                        "cursor {c} does not continue {}",
                        expected.path()
                    )));
                }
                u
            }
        };
        if self.auth == PolygonAuth::QueryParam {
            url.query_pairs_mut()
                .append_pair("apiKey", self.credentials.api_key.expose());
        }
        Ok(url)
    }

    /// A v3 trades or quotes page's URL, checked against the limits, and its ticker.
    fn ticks_url<'r>(
        &self,
        kind: &str,
        req: &'r TicksRequest,
        cursor: Option<&Cursor>,
    ) -> Result<(Url, &'r Symbol), ProviderError> {
        let limit = req.page_size(&LIMITS)?;
        let sym = &req.symbols[0];
        let prefix = ["v3", kind, sym.as_str()];
        let first = || {
            let mut u = endpoint(&self.base, &prefix);
            ticks_query(&mut u, req, limit);
            u
        };
        Ok((self.page_url(first, &prefix, cursor)?, sym))
    }
}

fn ticks_query(url: &mut Url, req: &TicksRequest, limit: u32) {
    url.query_pairs_mut()
        .append_pair("timestamp.gte", &req.start.as_i64().to_string())
        .append_pair("timestamp.lt", &req.end.as_i64().to_string())
        .append_pair("order", req.sort.as_str())
        .append_pair("sort", "timestamp")
        .append_pair("limit", &limit.to_string());
}

/// `[start, end)` as the aggregates path's inclusive `from`/`to`: dates for daily and longer
/// bars, epoch milliseconds otherwise (start rounded up, end down, so nothing outside leaks in).
fn aggs_range(req: &BarsRequest) -> (String, String) {
    let last = req.end.plus(-1);
    if req.timeframe.is_daily_or_longer() {
        (
            req.start.utc_date().to_string(),
            last.utc_date().to_string(),
        )
    } else {
        let from = req.start.as_i64().div_euclid(1_000_000)
            + i64::from(req.start.as_i64().rem_euclid(1_000_000) != 0);
        (
            from.to_string(),
            last.as_i64().div_euclid(1_000_000).to_string(),
        )
    }
}

#[async_trait]
impl Provider for PolygonClient {
    fn name(&self) -> &'static str {
        "polygon"
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
        let adjusted = match req.adjustment {
            Adjustment::Raw => "false",
            Adjustment::Split => "true",
            other => {
                return Err(ProviderError::InvalidRequest(format!(
                    "Polygon adjusts for splits only, not {:?}",
                    other.as_str()
                )));
            }
        };
        let sym = &req.symbols[0];
        let (mult, span) = req.timeframe.polygon();
        let mult = mult.to_string();
        let prefix = ["v2", "aggs", "ticker", sym.as_str(), "range", &mult, span];
        let url = self.page_url(
            || {
                let (from, to) = aggs_range(req);
                let mut segs = prefix.to_vec();
                segs.extend([from.as_str(), to.as_str()]);
                let mut u = endpoint(&self.base, &segs);
                u.query_pairs_mut()
                    .append_pair("adjusted", adjusted)
                    .append_pair("sort", req.sort.as_str())
                    .append_pair("limit", &limit.to_string());
                u
            },
            &prefix,
            cursor,
        )?;
        let fetched = self.core.get(url, &self.headers).await?;
        let daily = req.timeframe.is_daily_or_longer();
        wire::bars_page(&self.core, &fetched, sym, daily, self.on_invalid)
    }

    async fn fetch_trades(
        &self,
        req: &TicksRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<(Symbol, TradeTick)>, ProviderError> {
        let (url, sym) = self.ticks_url("trades", req, cursor)?;
        let fetched = self.core.get(url, &self.headers).await?;
        wire::trades_page(&self.core, &fetched, sym, self.on_invalid)
    }

    async fn fetch_quotes(
        &self,
        req: &TicksRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<(Symbol, QuoteTick)>, ProviderError> {
        let (url, sym) = self.ticks_url("quotes", req, cursor)?;
        let fetched = self.core.get(url, &self.headers).await?;
        wire::quotes_page(&self.core, &fetched, sym, self.on_invalid)
    }

    async fn fetch_news(
        &self,
        req: &NewsRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<NewsArticle>, ProviderError> {
        if req.symbols.len() > LIMITS.max_symbols_per_request {
            return Err(ProviderError::InvalidRequest(format!(
                "Polygon news takes one ticker per request, got {}",
                req.symbols.len()
            )));
        }
        let limit = page_limit(req.limit, LIMITS.max_news_per_page)?;
        let prefix = ["v2", "reference", "news"];
        let url = self.page_url(
            || {
                let mut u = endpoint(&self.base, &prefix);
                let mut q = u.query_pairs_mut();
                if let Some(s) = req.symbols.first() {
                    q.append_pair("ticker", s.as_str());
                }
                if let Some(s) = req.start {
                    q.append_pair("published_utc.gte", &s.to_rfc3339());
                }
                if let Some(e) = req.end {
                    q.append_pair("published_utc.lt", &e.to_rfc3339());
                }
                q.append_pair("order", req.sort.as_str())
                    .append_pair("sort", "published_utc")
                    .append_pair("limit", &limit.to_string());
                drop(q);
                u
            },
            &prefix,
            cursor,
        )?;
        let fetched = self.core.get(url, &self.headers).await?;
        news::news_page(&self.core, &fetched, self.on_invalid)
    }

    async fn fetch_option_chain(
        &self,
        req: &OptionChainRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<OptionQuote>, ProviderError> {
        let limit = page_limit(req.limit, LIMITS.max_options_per_page)?;
        let prefix = ["v3", "snapshot", "options", req.underlying.as_str()];
        let url = self.page_url(
            || {
                let mut u = endpoint(&self.base, &prefix);
                let mut q = u.query_pairs_mut();
                q.extend_pairs(req.filters([
                    "contract_type",
                    "expiration_date.gte",
                    "expiration_date.lte",
                    "strike_price.gte",
                    "strike_price.lte",
                ]));
                q.append_pair("limit", &limit.to_string());
                drop(q);
                u
            },
            &prefix,
            cursor,
        )?;
        let fetched = self.core.get(url, &self.headers).await?;
        options::option_chain_page(&self.core, &fetched, self.on_invalid)
    }

    async fn fetch_actions(
        &self,
        req: &ActionsRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<ActionRecord>, ProviderError> {
        req.check(LIMITS.max_symbols_per_request)?;
        let sym = &req.symbols[0];
        let dividends = actions::on_dividends(cursor);
        let prefix = if dividends {
            actions::DIVIDENDS
        } else {
            actions::SPLITS
        };
        let first = || {
            let mut u = endpoint(&self.base, &actions::SPLITS);
            let query = actions::start("execution_date", sym, req.start, req.end);
            u.query_pairs_mut().extend_pairs(query);
            u
        };
        let url = self.page_url(first, &prefix, cursor)?;
        let fetched = self.core.get(url, &self.headers).await?;
        if dividends {
            return actions::dividends_page(&self.core, &fetched, self.on_invalid);
        }
        let mut page = actions::splits_page(&self.core, &fetched, self.on_invalid)?;
        if page.next.is_none() {
            page.next = Some(actions::dividends_cursor(sym, req.start, req.end));
        }
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Timeframe, UnixNanos};

    #[test]
    fn half_open_window_becomes_inclusive_range() {
        let t = |s| UnixNanos::parse_rfc3339(s).unwrap();
        let mut r = BarsRequest::new(
            vec![Symbol::lit("AAPL")],
            Timeframe::D1,
            t("2005-04-01"),
            t("2005-04-05"),
        );
        assert_eq!(aggs_range(&r), ("2005-04-01".into(), "2005-04-04".into()));
        r.timeframe = Timeframe::M1;
        r.start = t("2024-01-02T14:30:00.0000001Z");
        r.end = t("2024-01-02T15:00:00Z");
        assert_eq!(
            aggs_range(&r),
            ("1704205800001".into(), "1704207599999".into())
        );
    }
}
