//! The day index: one summary per date of a stored series, so that a calendar of sessions, the
//! missing-bar count of `data status`, a daily candle or a benchmark's daily close is read from a
//! few thousand rows instead of millions of bars.
//!
//! - **The date** of a bar is its New York date for intraday bars and its UTC date for daily and
//!   longer ones (they are stamped at midnight UTC of their session date): [`date_of`].
//!   The date is a storage key, the same whatever the symbol's calendar.
//! - **Filled slots** are the expected slots of the series' [`BarGrid`] (its timeframe on its
//!   symbol's calendar) on that date that hold a bar, counted with the grid's own
//!   [`BarGrid::missing`], so the sum over a series' dates is exactly the slots `data status`
//!   sees filled. Bars outside every session are rows, not slots. Without a grid (weeks, months,
//!   the `none` calendar) nothing is filled.
//! - **OHLCV** is the date's first open, highest high, lowest low, last close and summed volume
//!   over every stored bar of the date (pre- and after-hours included): the candle a chart draws
//!   for that date. The volume sum is checked: when it exceeds what a [`Quantity`] holds the
//!   date's volume is `None` (unknown), never a wrong number, and the bars are still stored.
//!
//! The store keeps one [`DaySummary`] per (series, date) in the transaction that writes the
//! bars, computed here from the date's stored rows, so there is one definition.

use std::ops::Range;

use chrono::{Datelike, Days, NaiveDate, NaiveTime};

use super::{BarGrid, GridError};
use crate::bar::Bar;
use crate::error::DomainError;
use crate::fixed::{Price, Quantity};
use crate::time::{NEW_YORK, UnixNanos};
use crate::timeframe::Timeframe;

/// The date a bar of `tf` stamped `t` belongs to.
pub fn date_of(tf: Timeframe, t: UnixNanos) -> NaiveDate {
    if tf.is_daily_or_longer() {
        t.utc_date()
    } else {
        t.exchange_date()
    }
}

/// The stamps `first..=last` whose [`date_of`] is `date`, clamped to the instants a
/// [`UnixNanos`] holds (the dates at either end of its range are cut there); `None` for a date
/// no stamp can fall on.
pub fn date_bounds(tf: Timeframe, date: NaiveDate) -> Option<(UnixNanos, UnixNanos)> {
    let at = |d: NaiveDate| {
        if tf.is_daily_or_longer() {
            UnixNanos::try_from_date(d).ok()
        } else {
            // Midnight exists in New York on every date (its DST changes are at 02:00).
            UnixNanos::from_local(d.and_time(NaiveTime::MIN), NEW_YORK).ok()
        }
    };
    let past = date.year() < 1970;
    let first = match at(date) {
        Some(t) => t,
        None if past => UnixNanos::MIN,
        None => return None,
    };
    let last = match date.checked_add_days(Days::new(1)).and_then(at) {
        Some(t) => t.checked_plus(-1)?,
        None if !past => UnixNanos::MAX,
        None => return None,
    };
    (first <= last).then_some((first, last))
}

/// The date's first open, highest high, lowest low, last close and total volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayOhlcv {
    pub open: Price,
    pub high: Price,
    pub low: Price,
    pub close: Price,
    /// `None` when the sum is beyond what a [`Quantity`] holds.
    pub volume: Option<Quantity>,
}

/// One date of one stored series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySummary {
    pub date: NaiveDate,
    pub rows: u64,
    /// Expected slots of the date that hold a bar; 0 for a timeframe without a grid.
    pub filled: u64,
    pub first: UnixNanos,
    pub last: UnixNanos,
    /// `None` for quote bars.
    pub ohlcv: Option<DayOhlcv>,
}

/// A date's expected slots in `[start, end)` filled by `stamps` (ascending, all on that date).
fn filled(grid: Option<&BarGrid>, stamps: &[UnixNanos]) -> Result<u64, GridError> {
    let (Some(grid), Some(&first), Some(&last)) = (grid, stamps.first(), stamps.last()) else {
        return Ok(0);
    };
    let start = grid.slot_of(first).unwrap_or(first);
    let end = last.checked_plus(1).unwrap_or(UnixNanos::MAX);
    let expected = grid.count(start, end)?;
    Ok(expected - grid.missing(stamps)?)
}

/// `stamps` (ascending) split into runs of one date: each date with the index range of its
/// stamps. One time-zone conversion per date, not per stamp.
pub fn split_by_date(tf: Timeframe, stamps: &[UnixNanos]) -> Vec<(NaiveDate, Range<usize>)> {
    let mut out: Vec<(NaiveDate, Range<usize>)> = Vec::new();
    let mut last = UnixNanos::MIN;
    for (i, &t) in stamps.iter().enumerate() {
        match out.last_mut() {
            Some(run) if t <= last => run.1.end = i + 1,
            _ => {
                let date = date_of(tf, t);
                last = date_bounds(tf, date).map_or(t, |(_, l)| l);
                out.push((date, i..i + 1));
            }
        }
    }
    out
}

/// The summaries of `stamps` (ascending, unique), one per date, with the OHLCV of `bars` when
/// given (the same rows, in the same order).
fn summarize(
    tf: Timeframe,
    grid: Option<&BarGrid>,
    stamps: &[UnixNanos],
    bars: Option<&[Bar]>,
) -> Result<Vec<DaySummary>, DomainError> {
    split_by_date(tf, stamps)
        .into_iter()
        .map(|(date, r)| {
            let day = &stamps[r.clone()];
            Ok(DaySummary {
                date,
                rows: day.len() as u64,
                filled: filled(grid, day)
                    .map_err(|e| DomainError::new("timestamp", e.to_string()))?,
                first: day[0],
                last: day[day.len() - 1],
                ohlcv: bars.and_then(|b| ohlcv(&b[r])),
            })
        })
        .collect()
}

fn ohlcv(bars: &[Bar]) -> Option<DayOhlcv> {
    let (first, last) = (bars.first()?, bars.last()?);
    let mut d = DayOhlcv {
        open: first.open,
        high: first.high,
        low: first.low,
        close: last.close,
        volume: Some(Quantity::ZERO),
    };
    for b in bars {
        d.high = d.high.max(b.high);
        d.low = d.low.min(b.low);
        d.volume = d.volume.and_then(|v| v.checked_add(b.volume));
    }
    Some(d)
}

/// One summary per date of `bars` (ascending by time, unique stamps) of timeframe `tf`, with
/// the slots of `grid` they fill: the series' grid (`BarGrid::new(tf, calendar).ok()`), or
/// `None` when there is none or only the rows and OHLCV are wanted (then nothing is filled).
pub fn summarize_bars(
    tf: Timeframe,
    grid: Option<&BarGrid>,
    bars: &[Bar],
) -> Result<Vec<DaySummary>, DomainError> {
    let stamps: Vec<UnixNanos> = bars.iter().map(|b| b.ts).collect();
    summarize(tf, grid, &stamps, Some(bars))
}

/// [`summarize_bars`] of `stamps` (ascending, unique), without OHLCV (quote bars).
pub fn summarize_stamps(
    tf: Timeframe,
    grid: Option<&BarGrid>,
    stamps: &[UnixNanos],
) -> Result<Vec<DaySummary>, DomainError> {
    summarize(tf, grid, stamps, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    fn nyse(tf: Timeframe) -> Option<BarGrid> {
        BarGrid::new(tf, Calendar::Nyse).ok()
    }

    fn ts(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    fn bar(t: &str, o: i64, h: i64, l: i64, c: i64, v: i64) -> Bar {
        Bar::new(
            ts(t),
            Price::from_int(o),
            Price::from_int(h),
            Price::from_int(l),
            Price::from_int(c),
            Quantity::from_int(v),
            None,
            None,
        )
        .unwrap()
    }

    #[test]
    fn intraday_dates_are_new_york_dates_with_pre_and_after_hours_as_rows_only() {
        // 2024-03-08 (Fri, EST): 08:00 pre-market, 09:30 and 15:59 in session, 19:00 after
        // hours (00:00 UTC on the 9th, still the 8th in New York).
        let bars = [
            bar("2024-03-08T13:00:00Z", 10, 11, 9, 10, 1),
            bar("2024-03-08T14:30:00Z", 10, 15, 10, 14, 2),
            bar("2024-03-08T20:59:00Z", 14, 14, 8, 12, 3),
            bar("2024-03-09T00:00:00Z", 12, 13, 12, 13, 4),
        ];
        let d = summarize_bars(Timeframe::M1, nyse(Timeframe::M1).as_ref(), &bars).unwrap();
        assert_eq!(d.len(), 1);
        let stamps: Vec<UnixNanos> = bars.iter().map(|b| b.ts).collect();
        assert_eq!(split_by_date(Timeframe::M1, &stamps), [(d[0].date, 0..4)]);
        let d = d[0];
        assert_eq!(d.date, NaiveDate::from_ymd_opt(2024, 3, 8).unwrap());
        assert_eq!((d.rows, d.filled), (4, 2));
        assert_eq!((d.first, d.last), (bars[0].ts, bars[3].ts));
        let o = d.ohlcv.unwrap();
        assert_eq!(
            (o.open, o.high, o.low, o.close, o.volume),
            (
                Price::from_int(10),
                Price::from_int(15),
                Price::from_int(8),
                Price::from_int(13),
                Some(Quantity::from_int(10))
            )
        );
        let (lo, hi) = date_bounds(Timeframe::M1, d.date).unwrap();
        assert_eq!(
            (lo, hi.plus(1)),
            (ts("2024-03-08T05:00:00Z"), ts("2024-03-09T05:00:00Z"))
        );
        assert!(bars.iter().all(|b| lo <= b.ts && b.ts <= hi));
    }

    #[test]
    fn filled_slots_add_up_to_the_grids_missing_count() {
        let grid = BarGrid::new(Timeframe::M5, Calendar::Nyse).unwrap();
        let all: Vec<UnixNanos> = grid
            .expected(ts("2024-03-04T00:00:00Z"), ts("2024-03-09T00:00:00Z"))
            .unwrap()
            .enumerate()
            .filter(|(i, _)| i % 7 != 3)
            .map(|(_, s)| s.plus(60_000_000_000))
            .collect();
        let days = summarize_stamps(Timeframe::M5, Some(&grid), &all).unwrap();
        assert_eq!(days.len(), 5);
        let filled: u64 = days.iter().map(|d| d.filled).sum();
        let start = grid.slot_of(all[0]).unwrap();
        let expected = grid
            .expected(start, all[all.len() - 1].plus(1))
            .unwrap()
            .count() as u64;
        assert_eq!(expected - filled, grid.missing(&all).unwrap());
        assert!(days.iter().all(|d| d.ohlcv.is_none()));
    }

    #[test]
    fn daily_bars_take_their_utc_date_and_a_weekly_series_fills_no_slot() {
        let bars = [
            bar("2024-03-08T00:00:00Z", 1, 2, 1, 2, 5),
            bar("2024-03-11T00:00:00Z", 2, 3, 2, 3, 5),
        ];
        let d = summarize_bars(Timeframe::D1, nyse(Timeframe::D1).as_ref(), &bars).unwrap();
        assert_eq!(
            d.iter()
                .map(|d| (d.date.to_string(), d.filled))
                .collect::<Vec<_>>(),
            [("2024-03-08".to_string(), 1), ("2024-03-11".into(), 1)]
        );
        let w = summarize_bars(Timeframe::parse("1w").unwrap(), None, &bars).unwrap();
        assert!(w.iter().all(|d| d.filled == 0 && d.rows == 1));
        assert_eq!(
            date_bounds(Timeframe::D1, d[0].date).unwrap(),
            (bars[0].ts, ts("2024-03-09T00:00:00Z").plus(-1))
        );
    }

    #[test]
    fn the_first_and_last_instants_have_dates_and_summaries() {
        for tf in [Timeframe::M1, Timeframe::D1] {
            let stamps = [UnixNanos::MIN, UnixNanos::MIN.plus(1), UnixNanos::MAX];
            let days = summarize_stamps(tf, nyse(tf).as_ref(), &stamps).unwrap();
            assert_eq!(days.len(), 2, "{tf}");
            assert_eq!((days[0].rows, days[1].rows), (2, 1));
            let (lo, _) = date_bounds(tf, days[0].date).unwrap();
            let (_, hi) = date_bounds(tf, days[1].date).unwrap();
            assert_eq!((lo, hi), (UnixNanos::MIN, UnixNanos::MAX));
        }
    }

    #[test]
    fn a_volume_sum_that_overflows_is_unknown_not_wrong() {
        let mut b = bar("2024-03-08T14:30:00Z", 1, 1, 1, 1, 0);
        b.volume = Quantity::from_raw(i64::MAX);
        let mut c = b;
        c.ts = ts("2024-03-08T14:31:00Z");
        let d = summarize_bars(Timeframe::M1, nyse(Timeframe::M1).as_ref(), &[b, c]).unwrap();
        let o = d[0].ohlcv.unwrap();
        assert_eq!((o.volume, o.high, d[0].rows), (None, b.high, 2));
    }
}
