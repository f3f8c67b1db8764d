//! Roll-ups: bars of one timeframe combined into bars of a longer one, exactly.
//!
//! - **Buckets.** An intraday target bar is a slot of the target's [`super::BarGrid`]: a multiple of
//!   its length from the epoch, the clock boundaries in New York time on which Alpaca, Polygon
//!   and LEAN label bars (their offsets are whole hours), on every calendar. A daily bar is the
//!   trading day of its source bars on the symbol's [`Calendar`]
//!   ([`Calendar::trading_date`]), stamped at midnight UTC of that date as [`Bar`] keys daily
//!   bars: the New York date on `nyse`; on `fx` the 24 hours from 17:00 New York, labelled by
//!   the date they end on (Sunday evening's bars go into Monday's bar), as fx vendors cut days;
//!   the UTC day on `crypto` and `none`.
//! - **Sessions.** By default ([`Hours::Regular`]) only source bars whose span overlaps the
//!   trading day's session count: on `nyse` the regular session (holidays, 13:00 early closes,
//!   DST), so the hourly bar stamped 09:00 holds 09:30–10:00, as in LEAN's hourly file, and a
//!   daily bar is the session's. An fx or crypto session is its whole trading day, so bars
//!   outside it are the fx weekend's; `none` has no sessions and every bar counts.
//!   [`Hours::Extended`] counts every source bar (pre- and after-hours).
//! - **Combining** ([`Acc`]): the first open, highest high, lowest low, last close; volumes
//!   summed with checked arithmetic (an overflow is an error, never a wrong number); trade
//!   counts summed when every part has one; the vwap is the volume-weighted mean of the parts'
//!   vwaps, `Σ vwap·volume / Σ volume` in exact integers rounded half to even to 10⁻⁹, when every
//!   part has a vwap and the total volume is positive, and `None` otherwise (a part without one
//!   would make it a guess).
//!
//! [`Roller`] walks ascending source bars once and hands out each finished bucket; [`roll`] is
//! the same over a slice.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::slot_len;
use crate::bar::Bar;
use crate::calendar::{Calendar, Session};
use crate::error::DomainError;
use crate::fixed::{Price, Quantity, div_round_half_even};
use crate::time::UnixNanos;
use crate::timeframe::Timeframe;

/// Which source bars a roll-up counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Hours {
    /// Only bars overlapping the session of their trading day (every bar on `none`).
    Regular,
    /// Every bar, pre- and after-hours included.
    Extended,
}

impl Hours {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Regular => "regular",
            Self::Extended => "extended",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RollupError {
    #[error("timeframes: cannot roll {from} up to {to}: {reason}")]
    Timeframes {
        from: Timeframe,
        to: Timeframe,
        reason: &'static str,
    },
    #[error("source bars are not ascending: {at} comes after {before}")]
    Unsorted { at: UnixNanos, before: UnixNanos },
    #[error("the {to} bar at {bucket}: its {what} overflows")]
    Overflow {
        to: Timeframe,
        bucket: UnixNanos,
        what: &'static str,
    },
    #[error("the {to} bar at {bucket}: {source}")]
    Bar {
        to: Timeframe,
        bucket: UnixNanos,
        source: DomainError,
    },
}

/// What to roll: source and target timeframes, the hours counted and the symbol's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rollup {
    from: Timeframe,
    to: Timeframe,
    hours: Hours,
    cal: Calendar,
    /// The target's length; `None` for a daily target.
    to_len: Option<i64>,
    from_len: i64,
}

impl Rollup {
    /// Intraday sources only; the target is `1d` or an intraday timeframe on the grid whose
    /// length is a longer multiple of the source's.
    pub fn new(
        from: Timeframe,
        to: Timeframe,
        hours: Hours,
        cal: Calendar,
    ) -> Result<Self, RollupError> {
        let bad = |reason| RollupError::Timeframes { from, to, reason };
        let from_len = match from.nanos() {
            Some(n) if !from.is_daily_or_longer() => n,
            _ => {
                return Err(bad(
                    "the source must be intraday (seconds, minutes or hours)",
                ));
            }
        };
        let to_len = if to == Timeframe::D1 {
            None
        } else {
            let to_len = slot_len(to).map_err(|_| bad("targets are intraday timeframes and 1d"))?;
            if to_len <= from_len || to_len % from_len != 0 {
                return Err(bad("the target must be a longer multiple of the source"));
            }
            Some(to_len)
        };
        Ok(Self {
            from,
            to,
            hours,
            cal,
            to_len,
            from_len,
        })
    }

    pub fn from(&self) -> Timeframe {
        self.from
    }
    pub fn to(&self) -> Timeframe {
        self.to
    }
    pub fn hours(&self) -> Hours {
        self.hours
    }
    pub fn calendar(&self) -> Calendar {
        self.cal
    }

    /// The first instant of the source bars that can fall in the bucket holding a source bar
    /// stamped `t`: where to read from to recompute that bucket whole.
    pub fn bucket_start(&self, t: UnixNanos) -> UnixNanos {
        match self.to_len {
            Some(len) => slot_start(len, t).unwrap_or(UnixNanos::MIN),
            None => Day::of(self.cal, t).start,
        }
    }

    /// The source stamps this roll-up counts on the trading `date` of its calendar (the New
    /// York date on `nyse`), as `[first, end)`: every stamp of the day with extended hours or a
    /// calendar without sessions; with regular hours those whose bar overlaps the session (the
    /// rule of [`Roller::push`]), `None` on a date without one. Retention reads it to know which
    /// source bars a coarser series holds.
    pub fn counted(&self, date: chrono::NaiveDate) -> Option<(UnixNanos, UnixNanos)> {
        let (lo, hi) = self.cal.day_bounds(date)?;
        if self.hours == Hours::Extended || !self.cal.has_sessions() {
            return Some((lo, hi));
        }
        let s = self.cal.session(date)?;
        let first = s.open.checked_plus(1 - self.from_len).unwrap_or(lo);
        Some((first.max(lo), s.close))
    }
}

/// The start of the `len`-long slot holding `t`; `None` before the first instant.
fn slot_start(len: i64, t: UnixNanos) -> Option<UnixNanos> {
    t.as_i64()
        .div_euclid(len)
        .checked_mul(len)
        .map(UnixNanos::new)
}

/// The trading day a stamp is on, its bounds and its session, kept while bars stay on it, so
/// the time zone is consulted once per day, not per bar.
#[derive(Debug, Clone, Copy)]
struct Day {
    start: UnixNanos,
    end: UnixNanos,
    /// Midnight UTC of the date: a daily bar's stamp.
    key: UnixNanos,
    session: Option<Session>,
}

impl Day {
    fn of(cal: Calendar, t: UnixNanos) -> Self {
        let date = cal.trading_date(t);
        let (start, end) = cal.day_bounds(date).unwrap_or((t, t.plus(1)));
        Self {
            start,
            end,
            key: UnixNanos::try_from_date(date).unwrap_or(UnixNanos::MIN),
            session: cal.session(date),
        }
    }
}

/// One bucket being combined.
#[derive(Debug, Clone, Copy)]
pub struct Acc {
    bucket: UnixNanos,
    open: Price,
    high: Price,
    low: Price,
    close: Price,
    volume: Quantity,
    trade_count: Option<u64>,
    /// Σ vwap·volume in units of 10⁻¹⁷; `None` once a part lacks a vwap.
    vwap_sum: Option<i128>,
}

impl Acc {
    fn new(bucket: UnixNanos, b: &Bar) -> Self {
        Self {
            bucket,
            open: b.open,
            high: b.high,
            low: b.low,
            close: b.close,
            volume: b.volume,
            trade_count: b.trade_count,
            vwap_sum: b
                .vwap
                .map(|v| i128::from(v.raw()) * i128::from(b.volume.raw())),
        }
    }

    fn add(&mut self, b: &Bar, to: Timeframe) -> Result<(), RollupError> {
        self.high = self.high.max(b.high);
        self.low = self.low.min(b.low);
        self.close = b.close;
        self.volume = self
            .volume
            .checked_add(b.volume)
            .ok_or(RollupError::Overflow {
                to,
                bucket: self.bucket,
                what: "volume",
            })?;
        self.trade_count = match (self.trade_count, b.trade_count) {
            (Some(a), Some(n)) => Some(a.checked_add(n).ok_or(RollupError::Overflow {
                to,
                bucket: self.bucket,
                what: "trade count",
            })?),
            _ => None,
        };
        self.vwap_sum = match (self.vwap_sum, b.vwap) {
            // |vwap·volume| < 2^126 and a bucket's volume fits an i64, so the sum cannot
            // overflow an i128 before the volume does; checked all the same.
            (Some(s), Some(v)) => s.checked_add(i128::from(v.raw()) * i128::from(b.volume.raw())),
            _ => None,
        };
        Ok(())
    }

    fn finish(self, to: Timeframe) -> Result<Bar, RollupError> {
        let vwap = match self.vwap_sum {
            Some(s) if self.volume.raw() > 0 => {
                let raw = div_round_half_even(s, i128::from(self.volume.raw()));
                Some(Price::from_raw(i64::try_from(raw).map_err(|_| {
                    RollupError::Overflow {
                        to,
                        bucket: self.bucket,
                        what: "vwap",
                    }
                })?))
            }
            _ => None,
        };
        Bar::new(
            self.bucket,
            self.open,
            self.high,
            self.low,
            self.close,
            self.volume,
            vwap,
            self.trade_count,
        )
        .map_err(|source| RollupError::Bar {
            to,
            bucket: self.bucket,
            source,
        })
    }
}

/// Ascending source bars in, finished target bars out.
#[derive(Debug, Clone)]
pub struct Roller {
    rollup: Rollup,
    day: Option<Day>,
    last: Option<UnixNanos>,
    acc: Option<Acc>,
}

impl Roller {
    pub fn new(rollup: Rollup) -> Self {
        Self {
            rollup,
            day: None,
            last: None,
            acc: None,
        }
    }

    /// The bucket of the source bar stamped `t`, `None` when its hours are not counted.
    fn bucket_of(&mut self, t: UnixNanos) -> Option<UnixNanos> {
        let r = self.rollup;
        let day = match self.day {
            Some(d) if d.start <= t && t < d.end => d,
            _ => *self.day.insert(Day::of(r.cal, t)),
        };
        if r.hours == Hours::Regular && r.cal.has_sessions() {
            let s = day.session?;
            let end = t.checked_plus(r.from_len).unwrap_or(UnixNanos::MAX);
            if t >= s.close || end <= s.open {
                return None;
            }
        }
        match r.to_len {
            Some(len) => slot_start(len, t),
            None => Some(day.key),
        }
    }

    /// Adds a source bar; returns the bucket it finished, if any. Bars must come in ascending
    /// order of their stamps.
    pub fn push(&mut self, bar: &Bar) -> Result<Option<Bar>, RollupError> {
        if let Some(before) = self.last
            && bar.ts <= before
        {
            return Err(RollupError::Unsorted { at: bar.ts, before });
        }
        self.last = Some(bar.ts);
        let Some(bucket) = self.bucket_of(bar.ts) else {
            return Ok(None);
        };
        let to = self.rollup.to;
        match &mut self.acc {
            Some(acc) if acc.bucket == bucket => {
                acc.add(bar, to)?;
                Ok(None)
            }
            slot => {
                let done = slot.replace(Acc::new(bucket, bar));
                done.map(|a| a.finish(to)).transpose()
            }
        }
    }

    /// The bucket in progress, finished as it stands.
    pub fn finish(self) -> Result<Option<Bar>, RollupError> {
        let to = self.rollup.to;
        self.acc.map(|a| a.finish(to)).transpose()
    }

    /// The bucket in progress, if any.
    pub fn pending(&self) -> Option<UnixNanos> {
        self.acc.map(|a| a.bucket)
    }
}

/// `bars` (ascending) rolled up.
pub fn roll(rollup: Rollup, bars: &[Bar]) -> Result<Vec<Bar>, RollupError> {
    let mut roller = Roller::new(rollup);
    let mut out = Vec::new();
    for b in bars {
        out.extend(roller.push(b)?);
    }
    out.extend(roller.finish()?);
    Ok(out)
}
