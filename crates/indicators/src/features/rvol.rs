//! Relative volume: a bar's volume over the mean volume of the bars at the same time of day
//! (the same offset from the trading day's start) in the last `sessions` sessions that had one.
//! Volumes are summed exactly; the ratio is an f64. No value until `sessions` past bars exist at
//! that time of day, or when their mean is zero.

use std::collections::{HashMap, VecDeque};

use domain::{Quantity, UnixNanos};

#[derive(Debug, Clone)]
pub struct RelativeVolume {
    sessions: usize,
    /// Per offset from the day's start (ns): the last `sessions` volumes (raw) and their sum.
    slots: HashMap<i64, (VecDeque<i64>, i128)>,
}

impl RelativeVolume {
    pub fn new(sessions: u32) -> Self {
        Self {
            sessions: sessions.max(1) as usize,
            slots: HashMap::new(),
        }
    }

    /// The relative volume of a bar stamped `ts` in a day starting at `day_start`, computed
    /// against the past only, then this bar's volume is remembered.
    pub fn update(&mut self, ts: UnixNanos, day_start: UnixNanos, volume: Quantity) -> Option<f64> {
        let offset = ts.as_i64().saturating_sub(day_start.as_i64());
        let (ring, sum) = self
            .slots
            .entry(offset)
            .or_insert_with(|| (VecDeque::with_capacity(self.sessions), 0));
        let value = (ring.len() == self.sessions && *sum > 0)
            .then(|| volume.raw() as f64 * self.sessions as f64 / *sum as f64);
        if ring.len() == self.sessions
            && let Some(old) = ring.pop_front()
        {
            *sum -= i128::from(old);
        }
        ring.push_back(volume.raw());
        *sum += i128::from(volume.raw());
        value
    }
}
