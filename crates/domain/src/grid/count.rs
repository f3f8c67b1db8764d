//! Counting the expected slots of a range without walking them: per session, the multiples of
//! the slot length between the session's first slot and its close, clipped to the range. Twenty
//! years of minutes (two million slots) cost one calendar lookup a date instead of one step a
//! slot. The walk ([`super::Slots`]) stays the definition: ranges where its special cases can
//! apply (slots of 12 hours or more, which can overlap two sessions, and the edges of the
//! supported days) are counted by walking, and the tests hold the two equal.

use chrono::NaiveDate;

use super::days::date_bounds;
use super::slots::session_dates;
use super::{BarGrid, GridError};
use crate::span::{SUPPORTED_END, SUPPORTED_START};
use crate::time::{NANOS_PER_DAY, NANOS_PER_HOUR, UnixNanos};

impl BarGrid {
    /// The part of `[start, end)` where the arithmetic gives what the walk gives: all of it for
    /// slots under 12 hours, less two days at either end of the supported days.
    fn countable(&self, start: UnixNanos, end: UnixNanos) -> Option<(UnixNanos, UnixNanos)> {
        if !self.daily && self.step >= 12 * NANOS_PER_HOUR {
            return None;
        }
        let margin = 2 * NANOS_PER_DAY;
        let a = start.max(UnixNanos::new(SUPPORTED_START.as_i64() + margin));
        let b = end.min(UnixNanos::new(SUPPORTED_END.as_i64() - margin));
        (a < b).then_some((a, b))
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
        let Some((a, b)) = self.countable(start, end) else {
            return Ok(walk_per_date(self, start, end));
        };
        let mut out = walk_per_date(self, start, a);
        for part in [arithmetic_per_date(self, a, b), walk_per_date(self, b, end)] {
            for (date, n) in part {
                match out.last_mut() {
                    Some(last) if last.0 == date => last.1 += n,
                    _ => out.push((date, n)),
                }
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

/// Per session: the multiples of the step from its first slot to its close, inside `[s, e)`,
/// less those an earlier session already counted (back-to-back fx and crypto sessions share the
/// slot that straddles them), each put on its slot's date ([`super::days::date_of`]).
fn arithmetic_per_date(grid: &BarGrid, start: UnixNanos, end: UnixNanos) -> Vec<(NaiveDate, u64)> {
    let (s, e) = (start.as_i64(), end.as_i64());
    let step = grid.step;
    let up = |t: i64| t.div_euclid(step) * step + if t.rem_euclid(step) == 0 { 0 } else { step };
    // The same dates the walk asks the calendar about.
    let (first_day, last_day) = session_dates(grid, start, end);
    let mut out: Vec<(NaiveDate, u64)> = Vec::new();
    let mut add = |date: NaiveDate, n: u64| match out.last_mut() {
        Some(last) if last.0 == date => last.1 += n,
        _ => out.push((date, n)),
    };
    // Slots below this were counted with an earlier session.
    let mut counted = i64::MIN;
    for day in first_day.iter_days().take_while(|d| *d <= last_day) {
        let Some(session) = grid.cal.session(day) else {
            continue;
        };
        let (first, close) = if grid.daily {
            match UnixNanos::try_from_date(day) {
                Ok(midnight) => (midnight.as_i64(), midnight.as_i64() + 1),
                Err(_) => continue,
            }
        } else {
            let open = session.open.as_i64();
            (open.div_euclid(step) * step, session.close.as_i64())
        };
        let mut lo = up(first.max(s).max(counted));
        let hi = close.min(e);
        counted = counted.max(up(close));
        if grid.daily {
            if hi > lo {
                add(day, 1);
            }
            continue;
        }
        // Split at New York midnights, the dates intraday slots are counted on.
        while lo < hi {
            let date = UnixNanos::new(lo).exchange_date();
            let date_end = date_bounds(grid.tf, date)
                .and_then(|(_, last)| last.checked_plus(1))
                .map_or(i64::MAX, UnixNanos::as_i64);
            let cut = hi.min(date_end);
            add(date, ((cut - lo - 1) / step + 1) as u64);
            lo = up(cut);
        }
    }
    out
}

/// By walking the slots: one time-zone conversion per date.
fn walk_per_date(grid: &BarGrid, start: UnixNanos, end: UnixNanos) -> Vec<(NaiveDate, u64)> {
    let tf = grid.timeframe();
    let mut out: Vec<(NaiveDate, u64)> = Vec::new();
    let mut last_of_date = UnixNanos::MIN;
    for slot in super::Slots::new(*grid, start, end) {
        match out.last_mut() {
            Some(last) if slot <= last_of_date => last.1 += 1,
            _ => {
                let date = super::days::date_of(tf, slot);
                last_of_date = super::days::date_bounds(tf, date).map_or(slot, |(_, l)| l);
                out.push((date, 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
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
            let grid = BarGrid::new(Timeframe::parse(tf).unwrap(), Calendar::Nyse).unwrap();
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
    fn the_edges_of_the_supported_days_are_walked_and_joined() {
        for tf in ["1h", "1d"] {
            let grid = BarGrid::new(Timeframe::parse(tf).unwrap(), Calendar::Nyse).unwrap();
            let ten = 10 * NANOS_PER_DAY;
            for (a, b) in [
                (
                    SUPPORTED_START,
                    UnixNanos::new(SUPPORTED_START.as_i64() + ten),
                ),
                (UnixNanos::new(SUPPORTED_END.as_i64() - ten), SUPPORTED_END),
                (
                    UnixNanos::MIN,
                    UnixNanos::new(SUPPORTED_START.as_i64() + ten),
                ),
            ] {
                assert_eq!(
                    grid.expected_per_date(a, b).unwrap(),
                    walk_per_date(&grid, a, b),
                    "{tf} {a} {b}"
                );
            }
        }
    }

    #[test]
    fn years_of_minutes_count_as_the_walk_does() {
        let grid = BarGrid::new(Timeframe::M1, Calendar::Nyse).unwrap();
        let (a, b) = (ts("2021-01-01T00:00:00Z"), ts("2024-01-01T00:00:00Z"));
        assert_eq!(
            grid.count(a, b).unwrap(),
            grid.expected(a, b).unwrap().count() as u64
        );
        assert!(grid.expected_per_date(b, a).is_err());
    }
}
