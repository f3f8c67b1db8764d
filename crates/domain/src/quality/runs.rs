//! Runs of flagged rows within one date (a session), so that a stretch of zero-volume minutes
//! or crossed quotes is one finding, not one per row. A row's date is looked up only when a run
//! starts; later rows are compared with the date's last instant.

use chrono::NaiveDate;

use crate::grid::days::{date_bounds, date_of};
use crate::time::UnixNanos;
use crate::timeframe::Timeframe;

/// One run: its first and last flagged stamp, its date, how many rows, and what the caller
/// gathered over them.
#[derive(Debug, Clone)]
pub(crate) struct Run<T> {
    pub first: UnixNanos,
    pub last: UnixNanos,
    pub date: NaiveDate,
    date_end: UnixNanos,
    pub count: u64,
    pub acc: T,
}

#[derive(Debug)]
pub(crate) struct Runs<T> {
    tf: Timeframe,
    /// An unflagged row ends the run (else only a new date does).
    contiguous: bool,
    open: Option<Run<T>>,
    done: Vec<Run<T>>,
}

impl<T> Runs<T> {
    pub fn new(tf: Timeframe, contiguous: bool) -> Self {
        Self {
            tf,
            contiguous,
            open: None,
            done: Vec::new(),
        }
    }

    /// A flagged row at `ts` (not before the last one): it joins the open run on its date, or
    /// starts one with `init`; `update` then adds it to the run's accumulator.
    pub fn flag(&mut self, ts: UnixNanos, init: impl FnOnce() -> T, update: impl FnOnce(&mut T)) {
        match &mut self.open {
            Some(r) if ts <= r.date_end => {
                r.last = ts;
                r.count += 1;
                update(&mut r.acc);
            }
            _ => {
                self.done.extend(self.open.take());
                let date = date_of(self.tf, ts);
                let date_end = date_bounds(self.tf, date).map_or(ts, |(_, hi)| hi);
                let mut acc = init();
                update(&mut acc);
                self.open = Some(Run {
                    first: ts,
                    last: ts,
                    date,
                    date_end,
                    count: 1,
                    acc,
                });
            }
        }
    }

    /// A row that is not flagged.
    pub fn pass(&mut self) {
        if self.contiguous && self.open.is_some() {
            self.done.extend(self.open.take());
        }
    }

    pub fn finish(mut self) -> Vec<Run<T>> {
        self.done.extend(self.open.take());
        self.done
    }
}
