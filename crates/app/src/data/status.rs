//! Per stored series: its symbol's calendar, rows, first, last and missing bars on the
//! expected-bar grid of that calendar.
//!
//! "Missing" counts the slots of [`domain::grid`] between the series' first and last bar that
//! no bar falls in: for daily bars the sessions without a bar, for intraday bars the slots of
//! the timeframe that overlap a session (on `nyse` hourly bars stamped 09:00…15:00 New York,
//! early closes and DST included; on `fx` every hour from Sunday 17:00 to Friday 17:00 New
//! York; on `crypto` every hour), the same slots the collector backfills. Bars outside the
//! sessions are stored and counted as rows but fill no slot. A symbol on the `none` calendar has
//! no expectation: its missing count is not measured (`None`), like a weekly series'.
//!
//! "Quality" is the series' latest `data validate` ([`super::validate`]): its stored findings
//! counted by severity, or nothing when it was never checked.

use domain::calendar::Calendar;
use domain::grid::days::DaySummary;
use domain::grid::{BarGrid, GridError};
use domain::{Timeframe, UnixNanos};
use serde::Serialize;
use store::{BarStore, QualityStore, QualitySummary, SeriesKind, SeriesStatus};

use crate::AppError;

/// One series as `data status` shows it.
#[derive(Debug, Serialize)]
pub struct SeriesRow {
    /// `bars`, or `quotes` for quote bars (bid and ask OHLC).
    pub kind: &'static str,
    pub symbol: String,
    pub timeframe: String,
    /// The symbol's calendar, which the grid of `missing` follows.
    pub calendar: Calendar,
    pub rows: u64,
    pub first: String,
    pub last: String,
    /// `None` without an expected-bar grid: weeks, months, several days, or the `none` calendar.
    pub missing: Option<u64>,
    /// The latest quality check; `None` when the series was never checked.
    pub quality: Option<QualityCell>,
}

/// A series' latest quality check: when, and its stored findings by severity.
#[derive(Debug, Clone, Serialize)]
pub struct QualityCell {
    pub checked_at: String,
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    /// Expected-bar coverage in percent, when the series has a grid.
    pub coverage: Option<f64>,
}

impl QualityCell {
    pub fn of(q: &QualitySummary) -> Self {
        Self {
            checked_at: q.check.checked_at.to_rfc3339(),
            errors: q.counts.error,
            warnings: q.counts.warn,
            infos: q.counts.info,
            coverage: q.check.coverage(),
        }
    }
}

/// Every stored series, ordered by symbol and timeframe.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct StatusReport {
    pub series: Vec<SeriesRow>,
}

pub fn status<S: BarStore + QualityStore + ?Sized>(store: &S) -> Result<StatusReport, AppError> {
    status_of(store, |_| true)
}

/// [`status`] of the series `keep` selects.
pub fn status_of(
    store: &(impl BarStore + QualityStore + ?Sized),
    keep: impl Fn(&SeriesStatus) -> bool,
) -> Result<StatusReport, AppError> {
    let checks = store.quality_summaries()?;
    let quality = |kind: SeriesKind, s: &SeriesStatus| {
        checks
            .iter()
            .find(|q| {
                let k = &q.check.series;
                k.kind == kind && k.symbol == s.symbol && k.timeframe == Some(s.timeframe)
            })
            .map(QualityCell::of)
    };
    let mut series = Vec::new();
    for s in store.series()?.into_iter().filter(&keep) {
        let days = store.bar_days(&s.symbol, s.timeframe, None, None)?;
        let missing = missing_indexed(s.timeframe, s.calendar, &days).map_err(|e| {
            AppError::Stored(format!("{} {}: stored bars: {e}", s.symbol, s.timeframe))
        })?;
        let mut r = row("bars", &s, missing);
        r.quality = quality(SeriesKind::Bars, &s);
        series.push(r);
    }
    for s in store.quote_series()?.into_iter().filter(&keep) {
        let days = store.quote_bar_days(&s.symbol, s.timeframe, None, None)?;
        let missing = missing_indexed(s.timeframe, s.calendar, &days).map_err(|e| {
            AppError::Stored(format!(
                "{} {}: stored quote bars: {e}",
                s.symbol, s.timeframe
            ))
        })?;
        let mut r = row("quotes", &s, missing);
        r.quality = quality(SeriesKind::QuoteBars, &s);
        series.push(r);
    }
    Ok(StatusReport { series })
}

/// [`missing`] from a series' day index (`BarStore::bar_days`, ascending, kept on the symbol's
/// calendar `cal`): the expected slots from the one holding its first bar to its last bar, less
/// the slots its dates fill.
pub fn missing_indexed(
    tf: Timeframe,
    cal: Calendar,
    days: &[DaySummary],
) -> Result<Option<u64>, GridError> {
    let grid = match BarGrid::new(tf, cal) {
        Ok(grid) => grid,
        Err(GridError::Timeframe(_) | GridError::NoCalendar) => return Ok(None),
        Err(e) => return Err(e),
    };
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Some(0));
    };
    let start = grid.slot_of(first.first).unwrap_or(first.first);
    let end = last.last.checked_plus(1).unwrap_or(UnixNanos::MAX);
    let expected = grid.count(start, end)?;
    let filled: u64 = days.iter().map(|d| d.filled).sum();
    Ok(Some(expected.saturating_sub(filled)))
}

/// The `data status` row of a stored series with `missing` empty slots (the dashboard's too).
pub fn row(kind: &'static str, s: &SeriesStatus, missing: Option<u64>) -> SeriesRow {
    let daily = s.timeframe.is_daily_or_longer();
    let show = |t: UnixNanos| {
        if daily {
            t.utc_date().to_string()
        } else {
            t.to_rfc3339()
        }
    };
    SeriesRow {
        kind,
        symbol: s.symbol.to_string(),
        timeframe: s.timeframe.to_string(),
        calendar: s.calendar,
        rows: s.rows,
        first: show(s.first),
        last: show(s.last),
        missing,
        quality: None,
    }
}

/// Empty slots of the grid of `tf` on `cal` from the first stamp's to the last's; `None`
/// without a grid (weeks, months, the `none` calendar). `stamps` ascending, as the store returns
/// them.
pub fn missing(
    tf: Timeframe,
    cal: Calendar,
    stamps: &[UnixNanos],
) -> Result<Option<u64>, GridError> {
    match BarGrid::new(tf, cal) {
        Ok(grid) => grid.missing(stamps).map(Some),
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    /// `missing` from the stamps, checked equal to `missing_indexed` from their day index, on
    /// `cal`.
    fn missing_on(
        cal: Calendar,
        tf: Timeframe,
        stamps: &[UnixNanos],
    ) -> Result<Option<u64>, GridError> {
        let direct = super::missing(tf, cal, stamps)?;
        let grid = BarGrid::new(tf, cal).ok();
        let days = domain::grid::days::summarize_stamps(tf, grid.as_ref(), stamps).unwrap();
        assert_eq!(missing_indexed(tf, cal, &days)?, direct, "{tf}");
        Ok(direct)
    }

    fn missing(tf: Timeframe, stamps: &[UnixNanos]) -> Result<Option<u64>, GridError> {
        missing_on(Calendar::Nyse, tf, stamps)
    }

    /// A week of every hour: complete on crypto, complete on fx but for the weekend hours it
    /// does not expect, not measured on `none`; on NYSE 7 hours of 5 days are the only slots.
    #[test]
    fn the_same_hours_on_every_calendar() {
        let h = 3_600_000_000_000;
        let start = ts("2024-03-04T00:00:00Z").as_i64(); // a Monday
        let mut week: Vec<UnixNanos> = (0..7 * 24).map(|k| UnixNanos::new(start + k * h)).collect();
        for cal in [Calendar::Crypto, Calendar::Fx, Calendar::Nyse] {
            assert_eq!(
                missing_on(cal, Timeframe::H1, &week).unwrap(),
                Some(0),
                "{cal}"
            );
        }
        assert_eq!(
            missing_on(Calendar::None, Timeframe::H1, &week).unwrap(),
            None
        );
        // Wednesday 03:00 UTC lost: a gap on fx and crypto, outside NYSE's hours.
        week.retain(|t| *t != ts("2024-03-06T03:00:00Z"));
        for (cal, n) in [
            (Calendar::Crypto, 1),
            (Calendar::Fx, 1),
            (Calendar::Nyse, 0),
        ] {
            assert_eq!(
                missing_on(cal, Timeframe::H1, &week).unwrap(),
                Some(n),
                "{cal}"
            );
        }
    }

    #[test]
    fn daily_gap_over_a_weekend_is_not_missing() {
        // Fri 2024-03-08 and Mon 2024-03-11: nothing missing; drop Monday and keep Tuesday: one.
        let full = [ts("2024-03-08"), ts("2024-03-11"), ts("2024-03-12")];
        assert_eq!(missing(Timeframe::D1, &full).unwrap(), Some(0));
        let gap = [ts("2024-03-08"), ts("2024-03-12")];
        assert_eq!(missing(Timeframe::D1, &gap).unwrap(), Some(1));
    }

    #[test]
    fn minute_gaps_count_within_sessions_only() {
        // 2024-11-29 is an early close (13:00): 210 one-minute slots.
        let open = ts("2024-11-29T14:30:00Z").as_i64();
        let all: Vec<_> = (0..210)
            .map(|k| UnixNanos::new(open + k * 60_000_000_000))
            .collect();
        assert_eq!(missing(Timeframe::M1, &all).unwrap(), Some(0));
        let mut holes = all.clone();
        holes.remove(100);
        holes.remove(50);
        assert_eq!(missing(Timeframe::M1, &holes).unwrap(), Some(2));
        // An after-hours bar adds a row but no slot.
        let mut late = all.clone();
        late.push(ts("2024-11-29T20:00:00Z"));
        assert_eq!(missing(Timeframe::M1, &late).unwrap(), Some(0));
        assert_eq!(
            missing(Timeframe::parse("1mo").unwrap(), &all).unwrap(),
            None
        );
    }
}
