//! Market-data HTTP clients that turn Alpaca and Polygon responses into domain records, one
//! page per call.
//!
//! - [`provider`]: the [`Provider`] trait (bars, trades, quotes, news, option chains,
//!   corporate actions).
//! - [`actions`]: splits and dividends as providers send them, mapped onto the domain's.
//! - [`alpaca`], [`polygon`]: one client per provider, configured from arguments or the
//!   environment.
//! - [`broker`]: the [`Broker`] trait (submit, look up, cancel, fills, account) for paper and
//!   live trading; [`AlpacaTrading`] implements it over Alpaca's Trading API v2.
//! - [`request`]: provider-neutral requests, windows half-open `[start, end)`, and the
//!   [`Limits`] a provider puts on them.
//! - [`page`]: [`Page`], [`Cursor`], [`Issue`] (flagged records), [`Dedup`] (repeated rows).
//! - `news`: an article's tickers, as both parsers read them; articles are
//!   [`domain::NewsArticle`].
//! - Keys come from the `vault` crate ([`AlpacaCredentials`], [`PolygonCredentials`], re-exported
//!   because the configs take them); they never print.
//! - [`http`]: rate limiting (token bucket + server hints), retries with backoff, tracing.
//! - [`error`]: [`ProviderError`], split by what the caller can do.
//! - `parse`: numbers and times read from JSON text, never through f64.
//! - `fuzz` (hidden): the body parsers without a server, for the fuzz targets in `fuzz/`.

pub mod actions;
pub mod alpaca;
pub mod broker;
pub mod error;
#[doc(hidden)]
pub mod fuzz;
pub mod http;
mod news;
pub mod page;
mod parse;
pub mod polygon;
pub mod provider;
pub mod request;

pub use actions::{ActionRecord, ActionsRequest};
pub use alpaca::trading::{AlpacaTrading, AlpacaTradingConfig};
pub use alpaca::{AlpacaClient, AlpacaConfig};
pub use broker::{
    Broker, BrokerAccount, BrokerError, BrokerFill, BrokerOrder, BrokerStatus, Exit, OrderKind,
    OrderTicket,
};
pub use error::{GiveUp, ProviderError, RequestInfo, Transient};
pub use http::{HttpConfig, RetryPolicy};
pub use page::{Cursor, Dedup, DedupKey, Issue, OnInvalidRecord, Page};
pub use polygon::{PolygonAuth, PolygonClient, PolygonConfig};
pub use provider::Provider;
pub use request::{
    Adjustment, BarsRequest, Limits, NewsRequest, OptionChainRequest, Sort, TicksRequest,
};
pub use vault::{AlpacaCredentials, PolygonCredentials};
