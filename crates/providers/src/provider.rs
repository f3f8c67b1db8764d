//! The [`Provider`] trait: one page of one kind of record per call.
//!
//! The caller owns pagination: call with `cursor = None`, then with each page's `next` until it
//! is `None`; checkpoint the cursor between calls to resume. A page is fetched whole or not at
//! all (errors carry the request). Object-safe (`async_trait`), so `Box<dyn Provider>` works.

use async_trait::async_trait;
use domain::{Bar, NewsArticle, OptionQuote, QuoteTick, Symbol, TradeTick};

use crate::actions::{ActionRecord, ActionsRequest};
use crate::error::ProviderError;
use crate::page::{Cursor, Page};
use crate::request::{BarsRequest, Limits, NewsRequest, OptionChainRequest, TicksRequest};

#[async_trait]
pub trait Provider: Send + Sync {
    /// `alpaca` or `polygon`.
    fn name(&self) -> &'static str;
    fn limits(&self) -> Limits;

    /// Bars, flattened symbol by symbol, each with its symbol. Daily and longer bars are
    /// stamped at midnight UTC of their exchange date (the domain convention).
    async fn fetch_bars(
        &self,
        req: &BarsRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<(Symbol, Bar)>, ProviderError>;

    /// Trades; trades the provider marks as updated are reported in `issues`, not `items`.
    async fn fetch_trades(
        &self,
        req: &TicksRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<(Symbol, TradeTick)>, ProviderError>;

    /// Quotes; crossed quotes are kept and flagged in `issues`.
    async fn fetch_quotes(
        &self,
        req: &TicksRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<(Symbol, QuoteTick)>, ProviderError>;

    async fn fetch_news(
        &self,
        req: &NewsRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<NewsArticle>, ProviderError>;

    /// Snapshot of an option chain with greeks and IV where the provider has them.
    async fn fetch_option_chain(
        &self,
        req: &OptionChainRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<OptionQuote>, ProviderError>;

    /// Splits and dividends, as [`crate::actions`] maps them; kinds the domain does not model
    /// are in `issues` ([`crate::Issue::UnsupportedAction`]). One paged stream per request,
    /// whatever the provider's endpoints: Polygon's dividends follow its splits.
    async fn fetch_actions(
        &self,
        req: &ActionsRequest,
        cursor: Option<&Cursor>,
    ) -> Result<Page<ActionRecord>, ProviderError>;
}
