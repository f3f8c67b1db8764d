//! [`Slots`]: the expected slots of a range, walked session by session without collecting them,
//! so that twenty years of minutes cost no memory.

use chrono::NaiveDate;

use super::BarGrid;
use crate::calendar::Session;
use crate::span::{SUPPORTED_END, SUPPORTED_START};
use crate::time::UnixNanos;

/// The expected slots with `start ≤ slot < end`, ascending and each once (from
/// [`BarGrid::expected`]).
#[derive(Debug, Clone)]
pub struct Slots {
    grid: BarGrid,
    start: i64,
    end: i64,
    /// The next date to ask the calendar about; `None` once the walk is done.
    day: Option<NaiveDate>,
    last_day: NaiveDate,
    /// The current session's next candidate slot and its close (`next ≥ close`: none left).
    next: i64,
    close: i64,
    /// The last slot returned: a slot longer than the night overlaps two sessions.
    prev: Option<i64>,
}

impl Slots {
    pub(super) fn new(grid: BarGrid, start: UnixNanos, end: UnixNanos) -> Self {
        let (first_day, last_day) = session_dates(&grid, start, end);
        Self {
            grid,
            start: start.as_i64(),
            end: end.as_i64(),
            day: (start < end).then_some(first_day),
            last_day,
            next: 0,
            close: 0,
            prev: None,
        }
    }

    /// The first slot of `s` and the end of its slots: every slot starting before the close
    /// overlaps the session. `None` when the first slot is before the first instant.
    fn session(&self, s: &Session) -> Option<(i64, i64)> {
        if self.grid.daily {
            let midnight = UnixNanos::try_from_date(s.date).ok()?.as_i64();
            return Some((midnight, midnight.checked_add(1)?));
        }
        let open = s.open.as_i64();
        let first = open
            .div_euclid(self.grid.step)
            .checked_mul(self.grid.step)?;
        Some((first, s.close.as_i64()))
    }

    /// A bar in this slot can be stored: it starts and ends inside the supported days.
    fn storable(&self, slot: i64) -> bool {
        slot >= SUPPORTED_START.as_i64()
            && slot
                .checked_add(self.grid.step)
                .is_some_and(|end| end <= SUPPORTED_END.as_i64())
    }
}

impl Iterator for Slots {
    type Item = UnixNanos;

    fn next(&mut self) -> Option<UnixNanos> {
        loop {
            while self.next < self.close {
                let slot = self.next;
                self.next = slot.checked_add(self.grid.step).unwrap_or(i64::MAX);
                if slot >= self.end {
                    // Slots only grow from here.
                    self.day = None;
                    self.close = i64::MIN;
                    return None;
                }
                let repeated = self.prev.is_some_and(|p| slot <= p);
                if slot < self.start || repeated || !self.storable(slot) {
                    continue;
                }
                self.prev = Some(slot);
                return Some(UnixNanos::new(slot));
            }
            let day = self.day?;
            self.day = if day < self.last_day {
                day.succ_opt()
            } else {
                None
            };
            if let Some((first, close)) = self.grid.cal.session(day).and_then(|s| self.session(&s))
            {
                (self.next, self.close) = (first, close);
            }
        }
    }
}

/// The session dates whose slots can fall in `[start, end)`. A session's slots start at most
/// one slot before its open, and its date is at most a day from the New York date of any of its
/// instants: a NYSE session is on its New York date, an fx session opens the evening before its
/// date, a crypto day starts on the evening before in New York, and a daily slot is midnight
/// UTC, the evening before in New York. So from the day before `start`'s New York date to the
/// day after that of one slot past `end`.
pub(super) fn session_dates(
    grid: &BarGrid,
    start: UnixNanos,
    end: UnixNanos,
) -> (NaiveDate, NaiveDate) {
    let first = start.exchange_date();
    let last = end
        .checked_plus(grid.step)
        .unwrap_or(UnixNanos::MAX)
        .exchange_date();
    (
        first.pred_opt().unwrap_or(first),
        last.succ_opt().unwrap_or(last),
    )
}
