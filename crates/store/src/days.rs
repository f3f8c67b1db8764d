//! Backend-neutral pieces of the day index (`series_days`, see migration 0008): which dates a
//! batch touches, which of them must be re-read from the table, and the stored row of a
//! [`DaySummary`]. The summaries themselves come from `domain::grid::days`, the one definition,
//! with the series' grid on its symbol's calendar (`symbols.calendar`, migration 0012), which
//! each write reads in its transaction ([`grid`]).

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::grid::days::{DayOhlcv, DaySummary, date_bounds, split_by_date};
use domain::{Bar, Price, Quantity, QuoteBar, Timeframe, UnixNanos};

use crate::StoreError;
use crate::rows::{SeriesRow, i64_to_count};

const TABLE: &str = "series_days";

/// The grid a series' index counts filled slots on: its timeframe on its symbol's calendar;
/// `None` without one (weeks, months, the `none` calendar).
pub(crate) fn grid(tf: Timeframe, cal: Calendar) -> Option<BarGrid> {
    BarGrid::new(tf, cal).ok()
}

/// A stored `symbols.calendar`; refuses text the schema's check should have kept out.
pub(crate) fn parse_calendar(text: &str) -> Result<Calendar, StoreError> {
    text.parse().map_err(|e| StoreError::Corrupt {
        table: "symbols",
        reason: format!("{e}"),
    })
}

/// The dates of a [`SeriesRow`] summarised per date, filling the slots of `grid`.
pub(crate) trait DayRows: SeriesRow {
    fn summarize(
        tf: Timeframe,
        grid: Option<&BarGrid>,
        rows: &[Self],
    ) -> Result<Vec<DaySummary>, StoreError>;
}

impl DayRows for Bar {
    fn summarize(
        tf: Timeframe,
        grid: Option<&BarGrid>,
        rows: &[Self],
    ) -> Result<Vec<DaySummary>, StoreError> {
        domain::grid::days::summarize_bars(tf, grid, rows)
            .map_err(|e| StoreError::Invalid(e.to_string()))
    }
}

impl DayRows for QuoteBar {
    fn summarize(
        tf: Timeframe,
        grid: Option<&BarGrid>,
        rows: &[Self],
    ) -> Result<Vec<DaySummary>, StoreError> {
        let stamps: Vec<UnixNanos> = rows.iter().map(|r| r.ts).collect();
        domain::grid::days::summarize_stamps(tf, grid, &stamps)
            .map_err(|e| StoreError::Invalid(e.to_string()))
    }
}

/// What a written batch (ascending) means for the index: the summaries of the dates only this
/// batch holds rows on, and the dates to re-read from the table because they may hold other rows.
pub(crate) struct Touched {
    pub from_batch: Vec<DaySummary>,
    pub reread: Vec<NaiveDate>,
}

/// `fresh`: the batch's time range held no row before it was written (a plain insert). Then a
/// date strictly between the batch's first and last date held nothing else and is summarised
/// from the batch; the first and last dates may hold older rows outside the range and are
/// re-read. After an upsert every touched date is re-read (an update may have lowered a high).
pub(crate) fn touched<R: DayRows>(
    tf: Timeframe,
    grid: Option<&BarGrid>,
    rows: &[R],
    fresh: bool,
) -> Result<Touched, StoreError> {
    let stamps: Vec<UnixNanos> = rows.iter().map(SeriesRow::ts).collect();
    let dates = split_by_date(tf, &stamps);
    if !fresh {
        return Ok(Touched {
            from_batch: Vec::new(),
            reread: dates.into_iter().map(|(d, _)| d).collect(),
        });
    }
    let (Some((d0, r0)), Some((d1, r1))) = (dates.first(), dates.last()) else {
        return Ok(Touched {
            from_batch: Vec::new(),
            reread: Vec::new(),
        });
    };
    let inner = if r0.end < r1.start {
        &rows[r0.end..r1.start]
    } else {
        &[]
    };
    let mut reread = vec![*d0];
    if d1 != d0 {
        reread.push(*d1);
    }
    Ok(Touched {
        from_batch: R::summarize(tf, grid, inner)?,
        reread,
    })
}

/// `[lo, hi]` inclusive stamps of `date`.
pub(crate) fn bounds(tf: Timeframe, date: NaiveDate) -> Result<(i64, i64), StoreError> {
    let (lo, hi) = date_bounds(tf, date)
        .ok_or_else(|| StoreError::Invalid(format!("{date} is outside the supported days")))?;
    Ok((lo.as_i64(), hi.as_i64()))
}

pub(crate) fn day_number(date: NaiveDate) -> i64 {
    (date - NaiveDate::default()).num_days()
}

/// The stored columns of a summary after (kind, symbol_id, timeframe): day, rows, filled,
/// first_ts, last_ts, open, high, low, close, volume.
pub(crate) fn columns(d: &DaySummary) -> Result<[Option<i64>; 10], StoreError> {
    let count = |v: u64, f: &str| crate::rows::count_to_i64(v, f);
    let o = d.ohlcv;
    Ok([
        Some(day_number(d.date)),
        Some(count(d.rows, "rows")?),
        Some(count(d.filled, "filled")?),
        Some(d.first.as_i64()),
        Some(d.last.as_i64()),
        o.map(|o| o.open.raw()),
        o.map(|o| o.high.raw()),
        o.map(|o| o.low.raw()),
        o.map(|o| o.close.raw()),
        o.and_then(|o| o.volume.map(Quantity::raw)),
    ])
}

/// A stored row back, from the columns of [`columns`] in order; refuses a corrupt one.
pub(crate) fn from_columns(v: &[Option<i64>; 10]) -> Result<DaySummary, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        table: TABLE,
        reason,
    };
    let req = |i: usize| v[i].ok_or_else(|| corrupt(format!("NULL column {i}")));
    let day = req(0)?;
    let date = NaiveDate::default()
        .checked_add_signed(
            chrono::TimeDelta::try_days(day).ok_or_else(|| corrupt(format!("day {day}")))?,
        )
        .ok_or_else(|| corrupt(format!("day {day} is out of range")))?;
    // A NULL volume beside prices: the date's volume sum is beyond what a Quantity holds.
    let ohlcv = match (v[5], v[6], v[7], v[8], v[9]) {
        (Some(o), Some(h), Some(l), Some(c), vol) => Some(DayOhlcv {
            open: Price::from_raw(o),
            high: Price::from_raw(h),
            low: Price::from_raw(l),
            close: Price::from_raw(c),
            volume: vol.map(Quantity::from_raw),
        }),
        (None, None, None, None, None) => None,
        _ => return Err(corrupt(format!("{date}: OHLCV partly NULL"))),
    };
    Ok(DaySummary {
        date,
        rows: i64_to_count(req(1)?, TABLE, "rows")?,
        filled: i64_to_count(req(2)?, TABLE, "filled")?,
        first: UnixNanos::new(req(3)?),
        last: UnixNanos::new(req(4)?),
        ohlcv,
    })
}

/// Rows per page when building the index of a whole series.
pub(crate) const REBUILD_PAGE: usize = 100_000;

/// Builds the index of a whole series from its rows, read in pages by `read(x, after)` (the rows
/// after `after`, `page` of them but on the last page), each complete date handed to
/// `save(x, summary)`. The last date of a page may go on in the next one, so its rows are carried
/// over.
pub(crate) fn rebuild<R: DayRows, X: ?Sized>(
    x: &mut X,
    tf: Timeframe,
    grid: Option<&BarGrid>,
    page: usize,
    mut read: impl FnMut(&mut X, Option<UnixNanos>) -> Result<Vec<R>, StoreError>,
    mut save: impl FnMut(&mut X, &DaySummary) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut carry: Vec<R> = Vec::new();
    let mut after = None;
    loop {
        let rows = read(x, after)?;
        let done = rows.len() < page;
        after = rows.last().map(R::ts);
        carry.extend(rows);
        let mut days = R::summarize(tf, grid, &carry)?;
        let last = if done { None } else { days.pop() };
        for d in &days {
            save(x, d)?;
        }
        match last {
            Some(d) => carry.retain(|r| r.ts() >= d.first),
            None => carry.clear(),
        }
        if done {
            return Ok(());
        }
    }
}

/// `[lo, hi]` day numbers of an optional date range (inclusive both ends).
pub(crate) fn day_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (i64, i64) {
    (
        from.map_or(i64::MIN, day_number),
        to.map_or(i64::MAX, day_number),
    )
}

#[cfg(test)]
mod tests {
    use domain::grid::days::summarize_bars;
    use domain::{Bar, Price, Quantity, Timeframe, UnixNanos};

    use super::*;

    #[test]
    fn a_rebuild_in_pages_carries_a_date_over_the_page_break() {
        let t0 = UnixNanos::parse_rfc3339("2024-03-04T14:30:00Z").unwrap();
        let bars: Vec<Bar> = (0..50)
            .map(|i| {
                let p = Price::from_int(100 + i % 7);
                Bar {
                    // Ten bars a date over five dates.
                    ts: t0.plus((i / 10) * 86_400_000_000_000 + (i % 10) * 60_000_000_000),
                    open: p,
                    high: p,
                    low: p,
                    close: p,
                    volume: Quantity::from_int(i + 1),
                    vwap: None,
                    trade_count: None,
                }
            })
            .collect();
        let nyse = grid(Timeframe::M1, Calendar::Nyse);
        for page in [1, 7, 10, 49, 50, 51] {
            let mut saved: Vec<DaySummary> = Vec::new();
            rebuild::<Bar, Vec<DaySummary>>(
                &mut saved,
                Timeframe::M1,
                nyse.as_ref(),
                page,
                |_, after| {
                    Ok(bars
                        .iter()
                        .filter(|b| after.is_none_or(|a| b.ts > a))
                        .take(page)
                        .copied()
                        .collect())
                },
                |out, d| {
                    out.push(*d);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(
                saved,
                summarize_bars(Timeframe::M1, nyse.as_ref(), &bars).unwrap(),
                "page {page}"
            );
        }
    }
}
