//! Triple-barrier labels (López de Prado, *Advances in Financial Machine Learning*, ch. 3–4) over
//! one symbol's bars. Pure: no IO, no clock; the same inputs give the same labels.
//!
//! - [`params`]: what a label run asks for ([`LabelParams`]): take-profit and stop-loss as a
//!   percent ([`Level::Pct`], as `stop_loss_pct` is in an agent) or as k × σ of past returns
//!   ([`Level::Vol`]), the vertical barrier ([`TimeStop`]: N bars, N minutes, the session close),
//!   the engine's [`IntrabarPolicy`] and the agent's [`Costs`].
//! - [`vol`]: σ of the close-to-close returns up to the signal bar (past data only).
//! - [`touch`]: the first bar that reaches a barrier, on highs and lows, with the engine's rules
//!   for a gap at the open and for a bar that reaches both.
//! - [`label`]: [`label_series`], an entry → a [`Label`]: entry at the next bar's open (slipped),
//!   barriers at exact prices, the exit, the return net of commissions, the label.
//! - [`weights`]: sample weights by uniqueness and by return attribution, from the number of
//!   concurrent labels per bar (a sweep line over the labels' spans).
//!
//! Exact and float: every price (entry, barriers, exit) is a [`domain::Price`] computed with the
//! engine's exact arithmetic, and the P&L is exact [`domain::Money`]. Floats appear only where a
//! statistic needs them: σ, the return (`pnl / notional` as the nearest f64), and the weights.
//! A volatility barrier rounds k × σ to 10⁻⁹ once and then moves the price exactly.

pub mod label;
pub mod params;
pub mod touch;
pub mod vol;
pub mod weights;

#[cfg(test)]
mod tests;

pub use backtest::IntrabarPolicy;
pub use backtest::agent::Costs;
pub use label::{Labelled, Skipped, label_series};
pub use params::{LabelParams, Level, TimeStop};

use domain::calendar::Calendar;
use domain::{Bar, Price, Quantity, Timeframe, UnixNanos};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The side a signal gives, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Long,
    Short,
}

impl Direction {
    /// 1 long, −1 short.
    pub fn sign(self) -> i8 {
        match self {
            Self::Long => 1,
            Self::Short => -1,
        }
    }
    pub fn from_sign(s: i8) -> Option<Self> {
        match s {
            1 => Some(Self::Long),
            -1 => Some(Self::Short),
            _ => None,
        }
    }
}

/// A promoted entry signal: `t0` is the stamp of the bar whose close produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub t0: UnixNanos,
    /// `None` for a side-less signal: labelled −1/0/+1 as a long would be.
    pub side: Option<Direction>,
    /// The quantity the signal traded, for its commissions; [`LabelParams::quantity`] if `None`.
    pub quantity: Option<Quantity>,
}

/// Which barrier ended the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Barrier {
    #[serde(rename = "tp")]
    TakeProfit,
    #[serde(rename = "sl")]
    StopLoss,
    #[serde(rename = "time")]
    Time,
}

impl Barrier {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TakeProfit => "tp",
            Self::StopLoss => "sl",
            Self::Time => "time",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "tp" => Some(Self::TakeProfit),
            "sl" => Some(Self::StopLoss),
            "time" => Some(Self::Time),
            _ => None,
        }
    }
}

/// One symbol's series: its bars in timestamp order, the finer bars `intrabar: finer_bars`
/// resolves from (empty otherwise), and what places a bar in time (its timeframe and calendar:
/// a bar's end, its session).
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    pub bars: &'a [Bar],
    pub finer: &'a [Bar],
    pub timeframe: Timeframe,
    pub calendar: Calendar,
}

/// One labelled entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Label {
    pub id: i64,
    pub t0: UnixNanos,
    pub side: Option<Direction>,
    /// Index of the entry bar and of the exit bar in the series' bars.
    pub entry_index: usize,
    pub exit_index: usize,
    /// The entry bar's stamp; the entry fills at its open, slipped.
    pub entry_time: UnixNanos,
    pub entry_price: Price,
    /// The barrier levels (absent when not asked for).
    pub take_profit: Option<Price>,
    pub stop_loss: Option<Price>,
    /// The stamp of the bar the label ended in (as a fill's timestamp is), and the exit price:
    /// the level reached (the open on a gap through it; the stop slipped), or the last bar's
    /// close slipped on a time exit.
    pub t1: UnixNanos,
    pub exit_price: Price,
    pub barrier: Barrier,
    /// P&L net of both commissions over the entry's notional (`side × (exit − entry) × q − fees`
    /// / `entry × q`), the nearest f64 of the exact ratio.
    pub ret: f64,
    /// +1 take-profit, −1 stop-loss, 0 time (in the signal's direction: a short's take-profit is
    /// +1).
    pub label: i8,
    /// With a side: 1 when the trade made money net of costs (`ret > 0`), else 0 (AFML's
    /// meta-label). `None` for a side-less signal.
    pub meta_label: Option<u8>,
    pub weight_uniqueness: f64,
    pub weight_return: f64,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LabelError {
    /// A parameter that cannot be used (named).
    #[error("{0}")]
    Params(String),
    /// A price or amount that left its fixed-point type (never wrapped or rounded instead).
    #[error("{0}")]
    Overflow(String),
}
