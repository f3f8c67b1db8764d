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
//! - [`monthly`]: the year × month table of compounded returns, and calendar-year returns.
//! - [`tearsheet`]: the rest of a quantstats tearsheet as quantstats defines it
//!   ([`extended_metrics`]: probabilistic Sharpe, omega, tail ratio, VaR/CVaR, Kelly, skew,
//!   kurtosis, best/worst day and month); with [`worst_drawdowns`], [`underwater`],
//!   [`yearly_returns`], [`rolling`] and [`histogram`] it feeds an HTML report. docs/METRICS.md
//!   lists where ztrade departs from quantstats.
//! - [`rolling`]: rolling Sharpe, volatility and beta in one O(n) pass.
//! - [`distribution`]: pandas' skew and kurtosis, quantiles, the histogram of returns.
//! - [`normal`]: the standard normal CDF, density and quantile.
//! - [`drift`]: the drift report of a replayed session (decision, data and execution drift,
//!   totals that add up, daily returns correlation, slippage calibration) from its journals.
//! - [`error`]: [`AnalyticsError`], naming the curve, point, trade or field at fault.

pub mod daily;
pub mod distribution;
pub mod drawdown;
pub mod drift;
pub mod error;
pub mod metrics;
pub mod monthly;
pub mod normal;
pub mod rolling;
pub mod stats;
pub mod tearsheet;
pub mod trades;

pub use daily::{DailyCurve, DailyPoint, DateKey};
pub use distribution::{Bin, histogram};
pub use drawdown::{DrawdownEpisode, DrawdownSpan, underwater, worst_drawdowns};
pub use error::AnalyticsError;
pub use metrics::{BenchmarkMetrics, Metrics, MetricsConfig, MetricsInput, compute};
pub use monthly::{YearReturns, yearly_returns};
pub use rolling::{ROLLING_WINDOW, RollingPoint, rolling};
pub use tearsheet::{ExtendedMetrics, extended_metrics};
pub use trades::{BarExposure, ClosedTrade, TradeStats};
