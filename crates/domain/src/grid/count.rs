//! Counting the expected slots of a range without walking them: per session, the multiples of
//! the slot length between the session's first slot and its close, clipped to the range. Twenty
//! years of minutes (two million slots) cost one calendar lookup a date instead of one step a
//! slot. The walk ([`super::Slots`]) stays the definition: ranges where its special cases can
//! apply (slots of 12 hours or more, which can overlap two sessions, and the edges of the
//! supported days) are counted by walking, and the tests hold the two equal.

use chrono::NaiveDate;

use super::{BarGrid, GridError};
use crate::calendar::NyseCalendar;
use crate::span::{SUPPORTED_END, SUPPORTED_START};
use crate::time::{NANOS_PER_DAY, NANOS_PER_HOUR, UnixNanos};

impl BarGrid {
    /// Whether the arithmetic gives what the walk gives for `[start, end)`.
    fn countable(&self, start: UnixNanos, end: UnixNanos) -> bool {
        let margin = 2 * NANOS_PER_DAY;
        (self.daily || self.step < 12 * NANOS_PER_HOUR)
            && start.as_i64() >= SUPPORTED_START.as_i64().saturating_add(margin)
            && end.as_i64() <= SUPPORTED_END.as_i64().saturating_sub(margin)
    }

    /// The expected slots in `[start, end)` per session date, ascending, each with at least one.
    pub fn expected_per_date(
        &self,
        start: UnixNanos,
        end: UnixNanos,
    ) -> Result<Vec<(NaiveDate, u64)>, GridError> {
        if start > end {
            return Err(GridError::Range { start, end });
        }
        if !self.countable(start, end) {
            return Ok(walk_per_date(self, start, end));
        }
        let (s, e) = (start.as_i64(), end.as_i64());
        // The same dates the walk asks the calendar about.
        let first_day = start.exchange_date();
        let first_day = first_day.pred_opt().unwrap_or(first_day);
        let last_day = end
            .checked_plus(self.step)
            .unwrap_or(UnixNanos::MAX)
            .exchange_date();
        let mut out = Vec::new();
        for day in first_day.iter_days().take_while(|d| *d <= last_day) {
            let Some(session) = NyseCalendar.session(day) else {
                continue;
            };
            let (first, close) = if self.daily {
                let midnight =
                    UnixNanos::try_from_date(day).map_err(|_| GridError::Range { start, end })?;
                (midnight.as_i64(), midnight.as_i64() + 1)
            } else {
                let open = session.open.as_i64();
                (
                    open.div_euclid(self.step) * self.step,
                    session.close.as_i64(),
                )
            };
            // Multiples of the step in [max(first, s), min(close, e)).
            let lo = first.max(s);
            let lo = lo.div_euclid(self.step) * self.step
                + if lo.rem_euclid(self.step) == 0 {
                    0
                } else {
                    self.step
                };
            let hi = close.min(e);
            if hi > lo {
                let n = (hi - lo - 1) / self.step + 1;
                out.push((day, n as u64));
            }
        }
        Ok(out)
    }

    /// How many slots [`BarGrid::expected`] yields for `[start, end)`.
    pub fn count(&self, start: UnixNanos, end: UnixNanos) -> Result<u64, GridError> {
        Ok(self
            .expected_per_date(start, end)?
            .iter()
            .map(|(_, n)| n)
            .sum())
    }
}

/// By walking the slots: one time-zone conversion per date.
fn walk_per_date(grid: &BarGrid, start: UnixNanos, end: UnixNanos) -> Vec<(NaiveDate, u64)> {
    let tf = grid.timeframe();
    let mut out: Vec<(NaiveDate, u64)> = Vec::new();
    let mut until = UnixNanos::MIN;
    for slot in super::Slots::new(*grid, start, end) {
        match out.last_mut() {
            Some(last) if slot < until => last.1 += 1,
            _ => {
                let date = super::days::date_of(tf, slot);
                until = super::days::date_bounds(tf, date).map_or(UnixNanos::MAX, |(_, hi)| hi);
                out.push((date, 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeframe::Timeframe;

    fn ts(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn counting_equals_walking_for_every_timeframe_and_cut() {
        let tfs = [
            "1s", "1m", "5m", "15m", "30m", "1h", "2h", "4h", "12h", "1d",
        ];
        let cuts = [
            ("2024-03-01T00:00:00Z", "2024-03-20T00:00:00Z"),
            ("2024-03-08T14:31:17Z", "2024-03-11T19:59:59Z"), // mid-session, across a DST change
            ("2024-11-27T15:00:00Z", "2024-12-03T14:30:00Z"), // Thanksgiving and its early close
            ("2024-07-04T00:00:00Z", "2024-07-04T23:00:00Z"), // a holiday alone
            ("2024-01-02T14:30:00Z", "2024-01-02T14:30:00Z"), // empty
        ];
        for tf in tfs {
            let grid = BarGrid::new(Timeframe::parse(tf).unwrap()).unwrap();
            for (a, b) in cuts {
                let (a, b) = (ts(a), ts(b));
                if tf == "1s" && (b.as_i64() - a.as_i64()) > 5 * NANOS_PER_DAY {
                    continue;
                }
                let walked = walk_per_date(&grid, a, b);
                assert_eq!(
                    grid.expected_per_date(a, b).unwrap(),
                    walked,
                    "{tf} {a} {b}"
                );
                let n: u64 = walked.iter().map(|(_, n)| n).sum();
                assert_eq!(grid.count(a, b).unwrap(), n, "{tf}");
                assert_eq!(grid.expected(a, b).unwrap().count() as u64, n, "{tf}");
            }
        }
    }

    #[test]
    fn years_of_minutes_count_as_the_walk_does() {
        let grid = BarGrid::new(Timeframe::M1).unwrap();
        let (a, b) = (ts("2021-01-01T00:00:00Z"), ts("2024-01-01T00:00:00Z"));
        assert_eq!(
            grid.count(a, b).unwrap(),
            grid.expected(a, b).unwrap().count() as u64
        );
        assert!(grid.expected_per_date(b, a).is_err());
    }
}
