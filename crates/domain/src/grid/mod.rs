//! The expected-bar grid: the one definition of the bars a series should hold. `data status`
//! counts the empty slots of a stored series on it, the collector's gap check backfills its
//! holes, and a backfill's checkpoint ends what it marks covered on it.
//!
//! - **Sessions**: those of the series' [`Calendar`], which every grid is built with
//!   ([`BarGrid::new`]): NYSE regular sessions (holidays, 13:00 early closes, DST), fx sessions
//!   (24/5, each 17:00 → 17:00 New York), crypto days (24/7, UTC). A symbol on the `none`
//!   calendar has no grid ([`GridError::NoCalendar`]): nothing is expected of it, so its
//!   coverage is not measured and it has no gaps.
//! - **Intraday bars** (seconds, minutes, hours): a bar starts at a multiple of its length from
//!   the Unix epoch, as Alpaca, Polygon and LEAN label bars, and is expected when its span
//!   overlaps a session. New York's offsets are whole hours, so lengths that divide an hour fall
//!   on the same New York minutes all year: 1m, 5m, 15m and 30m bars start at the 09:30 open;
//!   hourly bars are stamped 09:00…15:00 (09:00…12:00 on an early close), the 09:00 one covering
//!   09:30–10:00. Longer bars count from the epoch in UTC, as Alpaca builds them (its 4-hour bars
//!   start at 00:00, 04:00, 08:00… UTC): 2h bars start at 08:00…14:00 New York in summer and
//!   09:00…15:00 in winter (4 a session either way); 4h bars at 08:00 and 12:00 in summer (2),
//!   07:00, 11:00 and 15:00 in winter (3).
//!   The same epoch multiples serve every calendar: an fx or crypto hourly bar starts on the
//!   hour, and a slot that straddles two back-to-back sessions is expected once.
//! - **Daily bars** (`1d`): one per session, stamped at midnight UTC of the session date, as
//!   [`crate::Bar`] keys them: an fx day is labelled by the date it ends on (Monday's opens on
//!   Sunday at 17:00), a crypto day by its UTC date. Weeks, months and several days have no grid
//!   ([`GridError::Timeframe`]).
//! - **Filling**: a stored bar fills the slot its timestamp falls in, so an hourly bar labelled
//!   at the open (09:30, as some exporters do) fills the 09:00 slot. Bars outside every session
//!   (pre-market, after-hours) are rows, not slots.
//! - **Range**: only slots a bar can be stored in count, those inside the supported days
//!   ([`crate::span`]); nothing here panics for any [`UnixNanos`].
//!
//! Questions it answers: [`BarGrid::expected`] (the slots in a range), [`BarGrid::missing`]
//! (empty slots between a series' first and last bar), [`BarGrid::gaps`] (maximal runs of empty
//! slots, what a backfill asks for) and [`first_unfinished`] (where settled bars end).

#[cfg(test)]
mod calendar_tests;
mod count;
pub mod days;
#[cfg(test)]
mod gap_tests;
pub mod rollup;
#[cfg(test)]
mod rollup_calendar_tests;
#[cfg(test)]
mod rollup_tests;
mod slots;
#[cfg(test)]
mod tests;

use serde::Serialize;
use thiserror::Error;

use crate::calendar::Calendar;
use crate::span::bar_end;
use crate::time::{NANOS_PER_DAY, UnixNanos};
use crate::timeframe::{TimeUnit, Timeframe};

pub use slots::Slots;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GridError {
    #[error("timeframe: the expected-bar grid covers intraday timeframes and 1d, not {0}")]
    Timeframe(Timeframe),
    #[error("calendar none: no bar is expected of a symbol on no calendar, so it has no grid")]
    NoCalendar,
    #[error("range: start {start} is after end {end}")]
    Range { start: UnixNanos, end: UnixNanos },
    #[error("stored timestamps are not sorted: [{index}] {at} comes after {before}")]
    Unsorted {
        index: usize,
        at: UnixNanos,
        before: UnixNanos,
    },
}

/// Empty slots `start ≤ ts < end`, `bars` of them: a maximal run, so a missing week is one
/// backfill request, not five.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub bars: u64,
}

/// The slots of one timeframe (intraday or `1d`) on one calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarGrid {
    tf: Timeframe,
    cal: Calendar,
    /// A slot's length: the bar's, a day for `1d`.
    step: i64,
    daily: bool,
}

impl BarGrid {
    /// The grid of `tf` bars on `cal`, the symbol's calendar: [`GridError::Timeframe`] for
    /// weeks and months, [`GridError::NoCalendar`] for [`Calendar::None`].
    pub fn new(tf: Timeframe, cal: Calendar) -> Result<Self, GridError> {
        let step = slot_len(tf)?;
        let daily = tf == Timeframe::D1;
        if !cal.has_sessions() {
            return Err(GridError::NoCalendar);
        }
        Ok(Self {
            tf,
            cal,
            step,
            daily,
        })
    }

    pub fn timeframe(&self) -> Timeframe {
        self.tf
    }

    pub fn calendar(&self) -> Calendar {
        self.cal
    }

    /// The start of the slot `t` falls in; `None` when that is before the first instant.
    pub fn slot_of(&self, t: UnixNanos) -> Option<UnixNanos> {
        let n = t.as_i64().div_euclid(self.step).checked_mul(self.step)?;
        Some(UnixNanos::new(n))
    }

    /// Where the slot starting at `slot` ends. Expected slots end inside the supported days, so
    /// for them the saturation never happens.
    pub fn slot_end(&self, slot: UnixNanos) -> UnixNanos {
        UnixNanos::new(slot.as_i64().saturating_add(self.step))
    }

    /// The expected slots with `start ≤ slot < end`, ascending.
    pub fn expected(&self, start: UnixNanos, end: UnixNanos) -> Result<Slots, GridError> {
        if start > end {
            return Err(GridError::Range { start, end });
        }
        Ok(Slots::new(*self, start, end))
    }

    /// Expected slots from the one holding the first of `stamps` to the one holding the last
    /// that no stamp falls in: what `data status` shows. `stamps` ascending.
    pub fn missing(&self, stamps: &[UnixNanos]) -> Result<u64, GridError> {
        check_sorted(stamps)?;
        let (Some(&first), Some(&last)) = (stamps.first(), stamps.last()) else {
            return Ok(0);
        };
        // A first slot before the range holds no expected slot, so starting at `first` is exact.
        let start = self.slot_of(first).unwrap_or(first);
        let end = last.checked_plus(1).unwrap_or(UnixNanos::MAX);
        let mut filled = Filled::new(self, stamps);
        let empty = self.expected(start, end)?.filter(|s| !filled.holds(*s));
        Ok(empty.count() as u64)
    }

    /// The maximal runs of expected slots in `[start, end)` that no stamp of `stored`
    /// (ascending) falls in: what the collector backfills.
    pub fn gaps(
        &self,
        start: UnixNanos,
        end: UnixNanos,
        stored: &[UnixNanos],
    ) -> Result<Vec<Gap>, GridError> {
        check_sorted(stored)?;
        let mut filled = Filled::new(self, stored);
        let mut gaps = Vec::new();
        let mut open: Option<Gap> = None;
        for slot in self.expected(start, end)? {
            if filled.holds(slot) {
                gaps.extend(open.take());
                continue;
            }
            let g = open.get_or_insert(Gap {
                start: slot,
                end: slot,
                bars: 0,
            });
            g.end = self.slot_end(slot);
            g.bars += 1;
        }
        gaps.extend(open);
        Ok(gaps)
    }
}

/// The earliest start a bar of `tf` on `cal` that has not ended by `at` can have: every bar
/// starting before it has ended. For intraday bars and `1d` that is the slot `at` falls in, or
/// the next one when that slot's bar has already ended (a daily bar ends at its session's close,
/// [`bar_end`]); for weeks and months `at` less the longest such bar, a month counted as 31
/// days. [`UnixNanos::MIN`] when it is before the first instant.
pub fn first_unfinished(tf: Timeframe, cal: Calendar, at: UnixNanos) -> UnixNanos {
    let daily = tf == Timeframe::D1;
    // The grid's slots, epoch multiples whatever the calendar (`none` included).
    if let Ok(step) = slot_len(tf) {
        let Some(slot) = at.as_i64().div_euclid(step).checked_mul(step) else {
            return UnixNanos::MIN;
        };
        let slot = UnixNanos::new(slot);
        if daily && bar_end(tf, cal, slot).is_some_and(|end| end <= at) {
            return slot.checked_plus(NANOS_PER_DAY).unwrap_or(UnixNanos::MAX);
        }
        return slot;
    }
    let longest = match tf.unit {
        TimeUnit::Month => i64::from(tf.amount).checked_mul(31 * NANOS_PER_DAY),
        _ => tf.nanos(),
    };
    longest
        .and_then(|len| at.as_i64().checked_sub(len))
        .map_or(UnixNanos::MIN, UnixNanos::new)
}

/// A slot's length for `tf` on every calendar: the bar's for intraday timeframes, a day for
/// `1d`; weeks, months and several days have no grid.
pub fn slot_len(tf: Timeframe) -> Result<i64, GridError> {
    match tf.nanos() {
        Some(step) if step > 0 && (tf == Timeframe::D1 || !tf.is_daily_or_longer()) => Ok(step),
        _ => Err(GridError::Timeframe(tf)),
    }
}

fn check_sorted(stamps: &[UnixNanos]) -> Result<(), GridError> {
    match stamps.windows(2).position(|w| w[1] < w[0]) {
        Some(i) => Err(GridError::Unsorted {
            index: i + 1,
            at: stamps[i + 1],
            before: stamps[i],
        }),
        None => Ok(()),
    }
}

/// Ascending stamps walked along ascending slots: does a stamp fall in this slot?
struct Filled<'a> {
    grid: &'a BarGrid,
    stamps: &'a [UnixNanos],
    at: usize,
}

impl<'a> Filled<'a> {
    fn new(grid: &'a BarGrid, stamps: &'a [UnixNanos]) -> Self {
        Self {
            grid,
            stamps,
            at: 0,
        }
    }

    fn holds(&mut self, slot: UnixNanos) -> bool {
        while self.stamps.get(self.at).is_some_and(|t| *t < slot) {
            self.at += 1;
        }
        self.stamps
            .get(self.at)
            .is_some_and(|t| *t < self.grid.slot_end(slot))
    }
}
