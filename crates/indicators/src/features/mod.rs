//! Bar and tick features: incremental, from past data only, one update per bar or tick.
//!
//! - this file: [`Feature`] (the names an agent lists, each with its [`Warmup`]) and
//!   [`FeatureSet`] (a validated list, in a fixed order).
//! - [`bars`]: [`BarFeatures`], every bar feature of one symbol, updated at each bar's close.
//! - [`session`]: the trading day on the symbol's calendar: session VWAP and its σ, high and low
//!   of day, previous close.
//! - [`rvol`]: [`RelativeVolume`], volume against the same time of day over past sessions.
//! - [`ticks`]: [`CumulativeDelta`] (trades signed by the quote rule, else the tick rule) and
//!   [`BookImbalance`] (bid against ask size).
//! - [`timeline`]: [`TickTimeline`], both tick features of one symbol as a step function of
//!   time, read at each bar's close ([`Feature::is_tick`]: `cvd`, `obi`).
//!
//! **Exact where it is money, f64 where it is a statistic.** High and low of day and the
//! previous close are [`domain::Price`]s; the VWAP's sums (typical price × volume, volume) are
//! exact `i128`s of raw units and divided once, when read; volume sums of the relative volume
//! are exact too. What is read out is an `f64` (a mean, a ratio, an EMA, a standard deviation),
//! as [`crate::Ema`] and [`crate::Bollinger`] return today. The σ of the VWAP bands is a
//! volume-weighted variance accumulated in f64 (Σv·p² overflows i128 for large volumes).
//!
//! **No look-ahead.** A value stamped at a bar reads that bar and those before it, nothing
//! else; `tests/lookahead.rs` recomputes every feature on data truncated at sampled times and
//! demands the same value, and shows a peeking feature failing the same check.

pub mod bars;
pub mod rvol;
pub mod session;
pub mod ticks;
pub mod timeline;

use std::fmt;

pub use bars::BarFeatures;
pub use rvol::RelativeVolume;
pub use ticks::{BookImbalance, CumulativeDelta, TradeSign};
pub use timeline::{TickTimeline, TickValues, TimelineBuilder};

/// The bands are `vwap ± VWAP_BAND_K · σ`.
pub const VWAP_BAND_K: f64 = 2.0;
/// Relative volume averages the same time of day over this many past sessions.
pub const RVOL_SESSIONS: u32 = 20;

/// One feature an agent may ask for (`features: [vwap, rvol, …]`): a bar feature, or a tick
/// feature read from the symbol's stored trades and quotes ([`Feature::is_tick`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feature {
    /// Session VWAP of the typical price (high + low + close) / 3.
    Vwap,
    /// `vwap + k·σ`, σ the volume-weighted standard deviation of the typical price in the session.
    VwapUpper,
    /// `vwap − k·σ`.
    VwapLower,
    Ema20,
    Ema50,
    /// `ema20` now minus `ema20` at the previous bar (price units per bar).
    Ema20Slope,
    /// Volume over the mean volume of the bars at the same time of day in the last
    /// [`RVOL_SESSIONS`] sessions that had one.
    Rvol,
    /// High of the trading day's regular session so far.
    Hod,
    /// Low of the trading day's regular session so far.
    Lod,
    /// Close of the last regular-session bar of the previous trading day.
    PrevClose,
    /// Cumulative volume delta of the trading day so far, in shares: trades signed by the quote
    /// rule, else the tick rule ([`CumulativeDelta`], [`TickTimeline`]).
    Cvd,
    /// Order-book imbalance of the last quote of the trading day, in [−1, 1]:
    /// (bid size − ask size) / (bid size + ask size) ([`BookImbalance`]).
    Obi,
}

/// What a feature needs before its first value: bars of its own series and whole sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Warmup {
    pub bars: u32,
    pub sessions: u32,
}

impl Feature {
    pub const ALL: [Feature; 12] = [
        Feature::Vwap,
        Feature::VwapUpper,
        Feature::VwapLower,
        Feature::Ema20,
        Feature::Ema50,
        Feature::Ema20Slope,
        Feature::Rvol,
        Feature::Hod,
        Feature::Lod,
        Feature::PrevClose,
        Feature::Cvd,
        Feature::Obi,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Feature::Vwap => "vwap",
            Feature::VwapUpper => "vwap_upper",
            Feature::VwapLower => "vwap_lower",
            Feature::Ema20 => "ema20",
            Feature::Ema50 => "ema50",
            Feature::Ema20Slope => "ema20_slope",
            Feature::Rvol => "rvol",
            Feature::Hod => "hod",
            Feature::Lod => "lod",
            Feature::PrevClose => "prev_close",
            Feature::Cvd => "cvd",
            Feature::Obi => "obi",
        }
    }

    /// Read from stored ticks rather than computed from bars: the caller supplies a
    /// [`TickTimeline`] per symbol and the value at a bar is the timeline's at the bar's close.
    pub fn is_tick(self) -> bool {
        matches!(self, Feature::Cvd | Feature::Obi)
    }

    /// The name list for error messages.
    pub fn names() -> String {
        Feature::ALL.map(Feature::name).join(", ")
    }

    /// Bars (of the session, for the session features) and sessions needed before the first
    /// value; none for a tick feature (its value waits for the day's first tick instead).
    pub fn warmup(self) -> Warmup {
        let bars = |bars| Warmup { bars, sessions: 0 };
        match self {
            Feature::Vwap | Feature::VwapUpper | Feature::VwapLower => bars(1),
            Feature::Hod | Feature::Lod => bars(1),
            Feature::Ema20 => bars(20),
            Feature::Ema50 => bars(50),
            Feature::Ema20Slope => bars(21),
            Feature::Rvol => Warmup {
                bars: 1,
                sessions: RVOL_SESSIONS,
            },
            Feature::PrevClose => Warmup {
                bars: 1,
                sessions: 1,
            },
            Feature::Cvd | Feature::Obi => bars(0),
        }
    }

    /// The parameters fixed in this version, for provenance (`"k=2"`, `"sessions=20"`).
    pub fn params(self) -> String {
        match self {
            Feature::VwapUpper | Feature::VwapLower => format!("k={VWAP_BAND_K}"),
            Feature::Rvol => format!("sessions={RVOL_SESSIONS}"),
            Feature::Ema20Slope => "period=20".into(),
            Feature::Cvd => "sign=quote,tick;reset=day".into(),
            Feature::Obi => "level=top;reset=day".into(),
            _ => String::new(),
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Feature {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Feature::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| format!("unknown feature {s:?} (known: {})", Feature::names()))
    }
}

/// The features of a run, each once, in [`Feature::ALL`]'s order (so values line up with
/// [`FeatureSet::iter`] whatever order the agent wrote them in).
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct FeatureSet(Vec<Feature>);

impl FeatureSet {
    pub fn new(features: impl IntoIterator<Item = Feature>) -> Self {
        let mut v: Vec<Feature> = features.into_iter().collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = Feature> + '_ {
        self.0.iter().copied()
    }

    pub fn as_slice(&self) -> &[Feature] {
        &self.0
    }

    /// Where `f`'s value sits in a row of this set's values.
    #[inline]
    pub fn position(&self, f: Feature) -> Option<usize> {
        self.0.iter().position(|&g| g == f)
    }

    pub fn contains(&self, f: Feature) -> bool {
        self.0.contains(&f)
    }

    /// The most bars any feature needs (what a run's warm-up should show at least).
    pub fn warmup_bars(&self) -> usize {
        self.iter()
            .map(|f| f.warmup().bars as usize)
            .max()
            .unwrap_or(0)
    }
}
