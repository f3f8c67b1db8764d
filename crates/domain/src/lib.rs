//! The market-data model every other ztrade crate speaks. Plain types, no IO.
//!
//! - [`fixed`]: exact fixed-point [`Price`], [`Quantity`] and [`Money`], parsed from text, never via f64.
//! - [`time`]: [`UnixNanos`], UTC nanoseconds, and the text formats it reads and writes.
//! - [`symbol`], [`timeframe`]: what a series is keyed by.
//! - [`bar`], [`quote_bar`], [`tick`], [`option`], [`sentiment`], [`corporate_action`]: the records, each with a
//!   validating constructor whose error names the field.
//! - [`adjust`]: split and dividend adjustment on read (the multiplicative method, point in
//!   time), exact multipliers, never rewriting a stored bar.
//! - [`aggregate`]: trade ticks → bars (sale-condition rules, vwap, trade count), pure.
//! - [`execution`]: a run's [`Fill`]s and [`EquityPoint`]s, one shape from engine to store to view.
//! - [`news`]: [`NewsArticle`], one article from the provider's page to the store and the scorer.
//! - [`provider`]: [`Provider`], the data vendors an article, a job or an API key belongs to.
//! - [`calendar`]: the NYSE calendar (holidays, early closes, DST) that the grid and the scheduler use.
//! - [`civil`]: integer date arithmetic (days ↔ year, month, day) for the fast paths.
//! - [`grid`]: the expected-bar grid, the one definition of the bars a series should hold: what
//!   `data status` counts as missing and what the collector backfills.
//! - [`quality`]: the data-quality checks of `data validate` (coverage, gaps, order, OHLC,
//!   outliers by robust z-score, stale and zero-volume bars, crossed quotes, far ticks), pure.
//! - [`span`]: where a bar's period ends, and the days a stored bar may cover.
//! - [`error`]: [`DomainError`], one variant per kind of bad value, always naming the field.

pub mod adjust;
pub mod aggregate;
pub mod bar;
pub mod calendar;
pub mod civil;
pub mod corporate_action;
pub mod error;
pub mod execution;
pub mod fixed;
pub mod grid;
pub mod journal;
pub mod news;
pub mod option;
pub mod provider;
pub mod quality;
pub mod quote_bar;
pub mod sentiment;
pub mod span;
pub mod symbol;
mod text_enum;
pub mod tick;
pub mod time;
pub mod timeframe;

pub use adjust::{AdjustError, Adjuster, Adjustment};
pub use bar::Bar;
pub use corporate_action::{CorporateAction, CorporateActionKind};
pub use error::DomainError;
pub use execution::{Action, EquityPoint, Fill};
pub use fixed::{Money, Price, Quantity};
pub use news::{NewsArticle, TickerSentiment};
pub use option::{
    OptionContract, OptionQuote, OptionRight, OptionStyle, STANDARD_MULTIPLIER, occ_symbol,
    parse_occ,
};
pub use provider::{Provider, UnknownProvider};
pub use quote_bar::{Ohlc, QuoteBar};
pub use sentiment::{SentimentLabel, SentimentRecord, SentimentSource};
pub use symbol::Symbol;
pub use tick::{QuoteTick, TradeTick};
pub use time::UnixNanos;
pub use timeframe::Timeframe;
