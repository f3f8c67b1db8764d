//! How complete each session of a series is, on the expected-bar grid of its symbol's calendar
//! (`domain::grid`, the one definition `data status` and the collector use): per date, the slots
//! expected, the slots a bar fills, and the rows stored. The range is the one `data status` counts missing bars on,
//! from the slot of the first bar to the last bar, so the days' missing slots add up to its
//! `missing`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::grid::days::DaySummary;
use domain::grid::{BarGrid, GridError};
use domain::{Timeframe, UnixNanos};
use serde::Serialize;

/// What a calendar cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    /// Every expected slot holds a bar.
    Complete,
    Partial,
    /// Expected slots, none filled.
    Missing,
    /// Rows on a date the grid expects none on (a weekend, a holiday, a timeframe without a
    /// grid, such as weeks, or a symbol on the `none` calendar).
    Extra,
}

/// One date of a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    pub expected: u64,
    pub filled: u64,
    pub rows: u64,
    pub state: DayState,
}

pub use domain::grid::days::date_of;

fn state(expected: u64, filled: u64) -> DayState {
    match (expected, filled) {
        (0, _) => DayState::Extra,
        (e, f) if f >= e => DayState::Complete,
        (_, 0) => DayState::Missing,
        _ => DayState::Partial,
    }
}

/// Every date from the series' first bar to its last that has a session or a row, ascending,
/// from the series' day index (`BarStore::bar_days`): the stored rows and filled slots per date,
/// and the expected slots from the grid of `tf` on `cal`, counted per date without reading a bar.
pub fn days(tf: Timeframe, cal: Calendar, index: &[DaySummary]) -> Result<Vec<Day>, GridError> {
    let mut by_date: BTreeMap<NaiveDate, [u64; 3]> = BTreeMap::new();
    for d in index {
        by_date.insert(d.date, [0, d.filled, d.rows]);
    }
    if let (Ok(grid), Some(first), Some(last)) =
        (BarGrid::new(tf, cal), index.first(), index.last())
    {
        let start = grid.slot_of(first.first).unwrap_or(first.first);
        let end = last.last.checked_plus(1).unwrap_or(UnixNanos::MAX);
        for (date, n) in grid.expected_per_date(start, end)? {
            by_date.entry(date).or_default()[0] = n;
        }
    }
    Ok(by_date
        .into_iter()
        .map(|(date, [expected, filled, rows])| Day {
            date,
            expected,
            filled,
            rows,
            state: state(expected, filled),
        })
        .collect())
}

/// The slots of `date` in `[start, end)` (from the slot `start` falls in) and the ones of them
/// no stamp fills, for one day's page, on the grid of `tf` on `cal`; `None` without a grid.
pub fn slots(
    tf: Timeframe,
    cal: Calendar,
    date: NaiveDate,
    start: UnixNanos,
    end: UnixNanos,
    stamps: &[UnixNanos],
) -> Result<Option<(u64, Vec<UnixNanos>)>, GridError> {
    let Ok(grid) = BarGrid::new(tf, cal) else {
        return Ok(None);
    };
    let start = grid.slot_of(start).unwrap_or(start);
    let on_date = |s: &UnixNanos| date_of(tf, *s) == date;
    let expected = grid.expected(start, end)?.filter(on_date).count() as u64;
    let mut missing = Vec::new();
    for gap in grid.gaps(start, end, stamps)? {
        missing.extend(grid.expected(gap.start, gap.end)?.filter(on_date));
    }
    Ok(Some((expected, missing)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    const NYSE: Calendar = Calendar::Nyse;

    fn index(tf: Timeframe, stamps: &[UnixNanos]) -> Vec<DaySummary> {
        let grid = BarGrid::new(tf, NYSE).ok();
        domain::grid::days::summarize_stamps(tf, grid.as_ref(), stamps).unwrap()
    }

    #[test]
    fn sessions_are_complete_partial_or_missing_and_add_up_to_data_status() {
        // Hourly bars, 2024-03-04 (Mon) whole, Tue half, Wed none, Thu whole, Fri none; a bar on
        // Saturday.
        let grid = BarGrid::new(Timeframe::H1, NYSE).unwrap();
        let day = |d: &str| {
            grid.expected(ts(&format!("{d}T00:00:00Z")), ts(&format!("{d}T23:59:59Z")))
                .unwrap()
                .collect::<Vec<_>>()
        };
        let mut stamps = day("2024-03-04");
        stamps.extend(day("2024-03-05").into_iter().take(3));
        stamps.extend(day("2024-03-07"));
        stamps.push(ts("2024-03-09T15:00:00Z"));
        let d = days(Timeframe::H1, NYSE, &index(Timeframe::H1, &stamps)).unwrap();
        let states: Vec<_> = d.iter().map(|d| (d.date.to_string(), d.state)).collect();
        assert_eq!(
            states,
            [
                ("2024-03-04".to_string(), DayState::Complete),
                ("2024-03-05".into(), DayState::Partial),
                ("2024-03-06".into(), DayState::Missing),
                ("2024-03-07".into(), DayState::Complete),
                ("2024-03-08".into(), DayState::Missing),
                ("2024-03-09".into(), DayState::Extra),
            ]
        );
        assert_eq!((d[0].expected, d[0].filled, d[0].rows), (7, 7, 7));
        assert_eq!((d[1].expected, d[1].filled), (7, 3));
        let missing: u64 = d.iter().map(|d| d.expected - d.filled).sum();
        assert_eq!(
            Some(missing),
            app::data::status::missing(Timeframe::H1, NYSE, &stamps).unwrap()
        );
    }

    #[test]
    fn daily_bars_and_timeframes_without_a_grid() {
        // Fri 2024-03-08, then Tue: Monday is missing, the weekend is not.
        let stamps = [ts("2024-03-08"), ts("2024-03-12")];
        let d = days(Timeframe::D1, NYSE, &index(Timeframe::D1, &stamps)).unwrap();
        let states: Vec<_> = d.iter().map(|d| d.state).collect();
        assert_eq!(
            states,
            [DayState::Complete, DayState::Missing, DayState::Complete]
        );
        let w = Timeframe::parse("1w").unwrap();
        let weekly = days(w, NYSE, &index(w, &stamps)).unwrap();
        assert!(
            weekly
                .iter()
                .all(|d| d.state == DayState::Extra && d.rows == 1)
        );
        let monday = ts("2024-03-11").utc_date();
        let weeks = Timeframe::parse("1w").unwrap();
        assert_eq!(
            slots(weeks, NYSE, monday, stamps[0], stamps[1], &stamps).unwrap(),
            None
        );
        let (expected, missing) = slots(
            Timeframe::D1,
            NYSE,
            monday,
            stamps[0],
            stamps[1].plus(1),
            &stamps,
        )
        .unwrap()
        .unwrap();
        assert_eq!((expected, missing), (1, vec![ts("2024-03-11")]));
        // On `none` nothing is expected: the rows are extra, and a day has no slots.
        let none = days(
            Timeframe::D1,
            Calendar::None,
            &index(Timeframe::D1, &stamps),
        )
        .unwrap();
        assert!(none.iter().all(|d| d.state == DayState::Extra));
        let day = slots(
            Timeframe::D1,
            Calendar::None,
            monday,
            stamps[0],
            stamps[1],
            &stamps,
        );
        assert_eq!(day.unwrap(), None);
        // On crypto the weekend is expected too: Saturday to Monday are missing.
        let crypto = days(
            Timeframe::D1,
            Calendar::Crypto,
            &index(Timeframe::D1, &stamps),
        )
        .unwrap();
        assert_eq!(
            crypto
                .iter()
                .filter(|d| d.state == DayState::Missing)
                .count(),
            3
        );
    }
}
