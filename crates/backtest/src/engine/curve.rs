//! Timestamp groups: which equity points a run keeps ([`EquityCurve`]) and the per-stamp counts.
//!
//! A group is every bar of the run's timeframe that shares one stamp (one bar with a single
//! symbol). Its point is the book after its last bar, taken when the next group starts or the run
//! ends, so "the last bar of a date" needs no look-ahead: it is the group just before the first
//! one stamped on a later New York date. [`NyDay`] caches that date as a `[start, end)` range, so
//! the time-zone arithmetic runs once per date, not once per bar.

use domain::time::NEW_YORK;
use domain::{Timeframe, UnixNanos};

use super::Engine;
use crate::config::EquityCurve;
use crate::overflow::Overflow;
use crate::result::EquityPoint;

/// The New York calendar day of an instant as `[start, end)` in UTC nanoseconds.
#[derive(Debug, Clone, Copy)]
pub(super) struct NyDay {
    start: UnixNanos,
    end: UnixNanos,
}

impl NyDay {
    /// Contains nothing: the first lookup always rolls.
    pub const NONE: Self = Self {
        start: UnixNanos::MAX,
        end: UnixNanos::MIN,
    };

    /// Contains every instant (but `UnixNanos::MAX`).
    const ALL: Self = Self {
        start: UnixNanos::MIN,
        end: UnixNanos::MAX,
    };

    /// The day containing `t`.
    pub fn of(t: UnixNanos) -> Self {
        let date = t.exchange_date();
        let next = date.succ_opt().expect("date in range");
        let start = UnixNanos::from_local(date.and_hms_opt(0, 0, 0).expect("midnight"), NEW_YORK);
        let end = UnixNanos::from_local(next.and_hms_opt(0, 0, 0).expect("midnight"), NEW_YORK);
        // New York midnight never falls in a DST gap; if a calendar ever said otherwise, contain
        // nothing, so callers recompute at every instant rather than guess.
        match (start, end) {
            (Ok(start), Ok(end)) => Self { start, end },
            _ => Self::NONE,
        }
    }

    #[inline]
    pub fn contains(&self, t: UnixNanos) -> bool {
        self.start <= t && t < self.end
    }
}

/// The group in progress and the points kept so far.
#[derive(Debug)]
pub(super) struct Groups {
    /// Every group is kept (`bar` asked for, or a daily-or-longer timeframe).
    every: bool,
    /// The group in progress will be kept whatever comes next (the first one, or `every`).
    keep_current: bool,
    pub points: Vec<EquityPoint>,
    /// Exchange date of the group in progress; the whole time line when `every`, so that a new
    /// day is never seen.
    day: NyDay,
    pub first: Option<UnixNanos>,
    pub current: Option<UnixNanos>,
}

impl Groups {
    pub fn new(mode: EquityCurve, timeframe: Timeframe) -> Self {
        let every = mode == EquityCurve::Bar || timeframe.is_daily_or_longer();
        Self {
            every,
            keep_current: true,
            points: Vec::new(),
            day: if every { NyDay::ALL } else { NyDay::NONE },
            first: None,
            current: None,
        }
    }

    /// Whether every group becomes a point (so the curve can be sized from the bar count).
    pub fn keeps_every_group(&self) -> bool {
        self.every
    }
}

impl Engine {
    /// Called when a bar stamped `ts` does not belong to the group in progress: closes that
    /// group (counts it, keeps its point if the curve wants it) and opens the next.
    #[inline]
    pub(super) fn next_group(&mut self, ts: UnixNanos) -> Result<(), Overflow> {
        let new_day = !self.groups.day.contains(ts);
        match self.groups.current {
            Some(prev) => {
                self.close_group(prev, self.groups.keep_current || new_day)?;
                self.groups.keep_current = self.groups.every;
            }
            None => self.groups.first = Some(ts),
        }
        if new_day {
            self.groups.day = NyDay::of(ts);
        }
        self.groups.current = Some(ts);
        Ok(())
    }

    /// Counts the group stamped `ts`, whose bars have all been processed, and keeps its point.
    #[inline]
    pub(super) fn close_group(&mut self, ts: UnixNanos, keep: bool) -> Result<(), Overflow> {
        self.counts.stamps += 1;
        self.counts.stamps_in_market += u64::from(self.book.has_positions());
        if keep {
            self.groups.points.push(EquityPoint {
                timestamp: ts,
                equity: self.book.equity()?,
                cash: self.book.cash(),
            });
        }
        Ok(())
    }
}
