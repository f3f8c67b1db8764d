//! Incremental technical indicators: each `update` is O(1) and allocation-free, so a strategy can
//! feed one close per bar inside the engine's hot loop.
//!
//! - [`sma`]: [`Sma`], a simple moving average kept as an **exact** integer sum of raw
//!   [`domain::Price`] units, so crossovers compare sums without float rounding ([`Sma::cmp_mean`]).
//! - [`sma_pair`]: [`SmaPair`], a fast and a slow SMA over one ring, for crossovers; exactly two
//!   [`Sma`]s, at about half the bookkeeping.
//! - [`ema`]: [`Ema`], exponential moving average seeded TA-Lib's way (SMA of the first `period`).
//! - [`rsi`]: [`Rsi`], Wilder's relative strength index.
//! - [`bollinger`]: [`Bollinger`], middle SMA ± k population standard deviations (exact variance).
//! - [`macd`]: [`Macd`], fast EMA − slow EMA with a signal EMA, aligned like TA-Lib.
//! - [`features`]: the feature store's bar features (session VWAP and bands, EMAs and slope,
//!   relative volume, high/low of day, previous close) and tick features (cumulative volume
//!   delta, book imbalance), each with its warm-up.
//!
//! Conventions follow TA-Lib (seeding, lookback, the first output index) so that values agree with
//! `talib` to 1e-9; `tests/golden.rs` checks that against files written by
//! `scripts/golden/talib_indicators.py`. [`lookback`](Sma::lookback) is the number of inputs consumed
//! before the first output, as TA-Lib's `*_Lookback` functions define it.

pub mod bollinger;
pub mod ema;
pub mod features;
pub mod macd;
pub mod rsi;
pub mod sma;
pub mod sma_pair;

pub use bollinger::{Bands, Bollinger};
pub use ema::Ema;
pub use macd::{Macd, MacdValue};
pub use rsi::Rsi;
pub use sma::Sma;
pub use sma_pair::SmaPair;

use std::fmt;

/// A parameter no indicator can be built with (a zero period, fast ≥ slow, a negative k).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub param: &'static str,
    pub reason: String,
}

impl ParamError {
    pub(crate) fn new(param: &'static str, reason: impl Into<String>) -> Self {
        Self {
            param,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.param, self.reason)
    }
}

impl std::error::Error for ParamError {}

pub(crate) fn check_period(
    param: &'static str,
    period: usize,
    min: usize,
) -> Result<(), ParamError> {
    if period < min || period > 100_000 {
        return Err(ParamError::new(
            param,
            format!("{period} is outside {min}..=100000"),
        ));
    }
    Ok(())
}
