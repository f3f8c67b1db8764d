//! The data-quality checks of `ztrade data validate`: pure functions from stored rows to
//! [`Finding`]s. No clock (the caller stamps a check), no IO (the caller reads the store).
//!
//! - [`coverage`]: from a series' day index and the expected-bar grid ([`crate::grid`]): its
//!   coverage, runs of missing sessions, sessions with missing bars, rows on dates without a
//!   session.
//! - [`bars`]: one pass over a bar series in time order ([`BarChecker`]): order, two bars in one
//!   slot, bars off the slot boundaries, the OHLC invariants, zero volume in the session, stale
//!   bars, and the outliers of [`outliers`].
//! - [`outliers`]: robust z-scores (median and MAD over a window around each bar) of returns and
//!   of each bar's high and low against its neighbours; a return outlier is a bad print (the
//!   price comes back the next bar), a jump a stored split explains, or a large move that stays.
//! - [`quotes`]: crossed and locked quotes, on quote bars and on the NBBO built from quote ticks.
//! - [`ticks`]: trade prices far from the surrounding trades.
//! - [`robust`]: the median/MAD scale they share.
//!
//! Every finding has a [`Kind`], a [`Severity`], the first and last stamp it concerns, the
//! values observed and a reason in words. What each kind means is in README.md (`data validate`).

pub mod bars;
pub mod coverage;
mod observed;
pub mod outliers;
pub mod quotes;
pub mod robust;
mod runs;
#[cfg(test)]
mod tests;
pub mod ticks;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::time::UnixNanos;

pub use bars::BarChecker;
pub use observed::Observed;

/// How bad a finding is: `--fail-on warn` fails on warnings and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing, not wrong: coverage, a partial session, a split that explains a jump.
    Info,
    /// Probably a problem in the data, or a real event worth a look.
    Warn,
    /// The data is wrong: an inconsistent bar, a bad print, two bars in one slot.
    Error,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warn, Severity::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a severity (info, warn, error)"))
    }
}

/// What a finding is about. The spelling (`as_str`) is what the store and `--json` hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The share of the grid's expected slots that hold a bar (one per series and check).
    Coverage,
    /// A run of sessions without a bar in any of their slots.
    Gap,
    /// One session with some of its expected slots empty.
    PartialSession,
    /// Rows on a date without a session (a weekend, a holiday, a closure).
    OffSession,
    /// Two or more bars in one slot of the grid (e.g. an hourly series labelled both 09:00 and
    /// 09:30).
    Duplicate,
    /// Stamps not strictly increasing in key order (the store's keys make this a corruption).
    OutOfOrder,
    /// Bars not stamped at the start of a slot (they still fill the slot they fall in).
    Misaligned,
    /// A bar that breaks low ≤ open, close ≤ high, or has a price of zero or a negative volume.
    Ohlc,
    /// A return outlier whose price comes back the next bar.
    BadPrint,
    /// A return outlier that a stored split explains.
    SplitJump,
    /// A return outlier that stays: a real crash or rally, or a split that is not stored.
    LargeMove,
    /// A high or low far beyond both neighbours' highs or lows.
    Spike,
    /// The same open, high, low and close for several bars in a row, each with volume.
    Stale,
    /// A run of bars with zero volume inside the regular session.
    ZeroVolume,
    /// A series with no volume at all in the session (an index): zero volume is not checked.
    NoVolume,
    /// Bid above ask.
    Crossed,
    /// Bid equal to ask.
    Locked,
    /// Trade prices far from the surrounding trades.
    TickOutlier,
}

impl Kind {
    pub const ALL: [Kind; 18] = [
        Kind::Coverage,
        Kind::Gap,
        Kind::PartialSession,
        Kind::OffSession,
        Kind::Duplicate,
        Kind::OutOfOrder,
        Kind::Misaligned,
        Kind::Ohlc,
        Kind::BadPrint,
        Kind::SplitJump,
        Kind::LargeMove,
        Kind::Spike,
        Kind::Stale,
        Kind::ZeroVolume,
        Kind::NoVolume,
        Kind::Crossed,
        Kind::Locked,
        Kind::TickOutlier,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Coverage => "coverage",
            Self::Gap => "gap",
            Self::PartialSession => "partial_session",
            Self::OffSession => "off_session",
            Self::Duplicate => "duplicate",
            Self::OutOfOrder => "out_of_order",
            Self::Misaligned => "misaligned",
            Self::Ohlc => "ohlc",
            Self::BadPrint => "bad_print",
            Self::SplitJump => "split_jump",
            Self::LargeMove => "large_move",
            Self::Spike => "spike",
            Self::Stale => "stale",
            Self::ZeroVolume => "zero_volume",
            Self::NoVolume => "no_volume",
            Self::Crossed => "crossed",
            Self::Locked => "locked",
            Self::TickOutlier => "tick_outlier",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a finding kind"))
    }
}

/// One thing found in a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: Kind,
    pub severity: Severity,
    /// The first stamp concerned (a bar's, a tick's, a missing slot's).
    pub start: UnixNanos,
    /// The last stamp concerned, inclusive (`start` for one bar).
    pub end: UnixNanos,
    /// The values seen, named, exact where they are prices.
    pub observed: Observed,
    pub reason: String,
}

impl Finding {
    pub fn new(kind: Kind, severity: Severity, start: UnixNanos, end: UnixNanos) -> Self {
        Self {
            kind,
            severity,
            start,
            end,
            observed: Observed::default(),
            reason: String::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.observed.push(name, value);
        self
    }

    pub fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }
}

/// The thresholds of the checks. [`Config::default`] is what `data validate` uses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// A robust z-score (|x − median| / (1.4826 · MAD)) at or above this is an outlier.
    pub z: f64,
    /// ... and so is only a move of at least this much (natural log, 0.01 ≈ 1%): at the tick
    /// size a one-cent move can be many MADs, and a floor keeps that from being news.
    pub min_move: f64,
    /// This many bars in a row with the same open, high, low and close, each with volume, are
    /// stale.
    pub stale_bars: u32,
    /// A series whose in-session bars have zero volume at least this often reports no volume
    /// (an index) instead of a zero-volume run per session.
    pub no_volume_share: f64,
    /// Trades on each side a tick is compared with.
    pub tick_window: usize,
    /// A trade at least this far (natural log) from the median of its neighbours, and `z`
    /// robust z-scores away, is a tick outlier.
    pub tick_min_move: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            z: 10.0,
            min_move: 0.01,
            stale_bars: 5,
            no_volume_share: 0.95,
            tick_window: 10,
            tick_min_move: 0.005,
        }
    }
}

/// How many findings of each severity: what `data status` shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub error: u64,
    pub warn: u64,
    pub info: u64,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Self {
        let mut c = Self::default();
        for f in findings {
            c.add(f.severity, 1);
        }
        c
    }

    pub fn add(&mut self, severity: Severity, n: u64) {
        match severity {
            Severity::Error => self.error += n,
            Severity::Warn => self.warn += n,
            Severity::Info => self.info += n,
        }
    }

    /// The worst severity counted, if any.
    pub fn worst(&self) -> Option<Severity> {
        if self.error > 0 {
            Some(Severity::Error)
        } else if self.warn > 0 {
            Some(Severity::Warn)
        } else if self.info > 0 {
            Some(Severity::Info)
        } else {
            None
        }
    }

    /// Findings at `severity` or worse.
    pub fn at_least(&self, severity: Severity) -> u64 {
        match severity {
            Severity::Error => self.error,
            Severity::Warn => self.error + self.warn,
            Severity::Info => self.error + self.warn + self.info,
        }
    }
}
