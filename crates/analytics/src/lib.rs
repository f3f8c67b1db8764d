//! Performance metrics of a backtest, defined exactly as empyrical(-reloaded) defines them.
//! Pure functions: no IO, no clock. Definitions and formulas are in this crate's README.md.
//!
//! - [`metrics`]: [`compute`] turns a [`MetricsInput`] (equity curve, closed trades, exposure,
//!   optional benchmark, [`MetricsConfig`]) into one serializable [`Metrics`].
//! - [`daily`]: resampling an equity curve of any frequency to daily values and returns
//!   ([`DailyCurve`], [`DateKey`]), and aligning two return series by date.
//! - [`stats`]: the empyrical functions on a slice of returns (Sharpe, Sortino, CAGR, volatility,
//!   max drawdown, Calmar, alpha/beta).
//! - [`drawdown`]: drawdown in money and the longest peak-to-recovery span.
//! - [`trades`]: [`TradeStats`] of [`ClosedTrade`]s and [`BarExposure`] (time in the market).
//! - [`monthly`]: the year × month table of compounded returns.
//! - [`error`]: [`AnalyticsError`], naming the curve, point, trade or field at fault.

pub mod daily;
pub mod drawdown;
pub mod error;
pub mod metrics;
pub mod monthly;
pub mod stats;
pub mod trades;

pub use daily::{DailyCurve, DailyPoint, DateKey};
pub use drawdown::{DrawdownEpisode, DrawdownSpan};
pub use error::AnalyticsError;
pub use metrics::{BenchmarkMetrics, Metrics, MetricsConfig, MetricsInput, compute};
pub use monthly::YearReturns;
pub use trades::{BarExposure, ClosedTrade, TradeStats};
