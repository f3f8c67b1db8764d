//! Which bars are missing. Pure: the caller reads the stored timestamps, this says what to
//! backfill.
//!
//! Expected bars are those starting inside NYSE regular sessions: intraday bars at multiples
//! of the timeframe counted from the Unix epoch (so hourly bars are 09:00…15:00 New York, the
//! 09:00 one covering 09:30–10:00, as Alpaca, Polygon and LEAN label them); daily bars at
//! midnight UTC of each session date (how [`domain::Bar`] stamps them). Stored bars outside
//! sessions (pre-market, after-hours) are ignored. A gap is a maximal run of consecutive
//! expected bars that are all missing, so a missing week is one backfill request, not five.

use domain::calendar::NyseCalendar;
use domain::time::NANOS_PER_DAY;
use domain::{Timeframe, UnixNanos};
use serde::Serialize;
use thiserror::Error;

/// Missing bars `start ≤ ts < end`; `bars` of them are expected there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub bars: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GapError {
    #[error("timeframe: gap detection supports intraday timeframes and 1d, not {0}")]
    Timeframe(Timeframe),
    #[error("range: start {start} is after end {end}")]
    Range { start: UnixNanos, end: UnixNanos },
    #[error("stored timestamps are not sorted: [{index}] {at} comes after {before}")]
    Unsorted {
        index: usize,
        at: UnixNanos,
        before: UnixNanos,
    },
}

/// Bar start times the calendar expects in `[start, end)`, ascending.
pub fn expected_bars(
    cal: &NyseCalendar,
    tf: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
) -> Result<Vec<UnixNanos>, GapError> {
    if start > end {
        return Err(GapError::Range { start, end });
    }
    let daily = tf == Timeframe::D1;
    let step = match tf.nanos() {
        Some(n) if daily || !tf.is_daily_or_longer() => n,
        _ => return Err(GapError::Timeframe(tf)),
    };
    if start == end {
        return Ok(Vec::new());
    }
    // Daily stamps are UTC midnights, intraday ones fall in New York dates: widen by a day each
    // side and let the range filter below cut.
    let from = start.plus(-NANOS_PER_DAY).exchange_date();
    let to = end.plus(NANOS_PER_DAY).exchange_date();
    let mut out = Vec::new();
    for s in cal.sessions(from, to) {
        if daily {
            out.push(UnixNanos::from_date(s.date));
            continue;
        }
        let mut t = s.open.as_i64().div_euclid(step) * step;
        while t < s.close.as_i64() {
            out.push(UnixNanos::new(t));
            t += step;
        }
    }
    out.retain(|t| start <= *t && *t < end);
    Ok(out)
}

/// The ranges of expected bars in `[start, end)` that `stored` (ascending) lacks.
pub fn missing_bars(
    cal: &NyseCalendar,
    tf: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
    stored: &[UnixNanos],
) -> Result<Vec<Gap>, GapError> {
    if let Some(i) = stored.windows(2).position(|w| w[1] < w[0]) {
        return Err(GapError::Unsorted {
            index: i + 1,
            at: stored[i + 1],
            before: stored[i],
        });
    }
    let expected = expected_bars(cal, tf, start, end)?;
    let step = tf.nanos().expect("checked by expected_bars");
    let mut gaps: Vec<Gap> = Vec::new();
    let mut have = stored.iter().peekable();
    let mut open: Option<Gap> = None;
    for t in expected {
        while have.next_if(|s| **s < t).is_some() {}
        if have.next_if(|s| **s == t).is_some() {
            gaps.extend(open.take());
            continue;
        }
        let g = open.get_or_insert(Gap {
            start: t,
            end: t,
            bars: 0,
        });
        g.end = t.plus(step);
        g.bars += 1;
    }
    gaps.extend(open);
    Ok(gaps)
}
