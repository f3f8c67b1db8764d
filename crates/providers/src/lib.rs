//! Market-data HTTP clients that turn Alpaca and Polygon responses into domain records, one
//! page per call.
//!
//! - [`provider`]: the [`Provider`] trait (bars, trades, quotes, news, option chains) and
//!   [`Limits`].
//! - [`alpaca`], [`polygon`]: one client per provider, configured from arguments or the
//!   environment.
//! - [`request`]: provider-neutral requests; windows are half-open `[start, end)`.
//! - [`page`]: [`Page`], [`Cursor`], [`Issue`] (flagged records), [`Dedup`] (repeated rows).
//! - [`news`]: [`NewsItem`], the one record type defined here rather than in `domain`.
//! - [`credentials`]: keys that never print.
//! - [`http`]: rate limiting (token bucket + server hints), retries with backoff, tracing.
//! - [`error`]: [`ProviderError`], split by what the caller can do.
//! - `parse`: numbers and times read from JSON text, never through f64.
//! - `fuzz` (hidden): the body parsers without a server, for the fuzz targets in `fuzz/`.

pub mod alpaca;
pub mod credentials;
pub mod error;
#[doc(hidden)]
pub mod fuzz;
pub mod http;
pub mod news;
pub mod page;
mod parse;
pub mod polygon;
pub mod provider;
pub mod request;

pub use alpaca::{AlpacaClient, AlpacaConfig};
pub use credentials::{AlpacaCredentials, Credentials, PolygonCredentials, Secret};
pub use error::{GiveUp, ProviderError, RequestInfo, Transient};
pub use http::{HttpConfig, RetryPolicy};
pub use news::{NewsItem, TickerSentiment};
pub use page::{Cursor, Dedup, DedupKey, Issue, OnInvalidRecord, Page};
pub use polygon::{PolygonAuth, PolygonClient, PolygonConfig};
pub use provider::{Limits, Provider};
pub use request::{Adjustment, BarsRequest, NewsRequest, OptionChainRequest, Sort, TicksRequest};
