//! Trading calendars.
//!
//! - [`Calendar`] (`market`): the calendar a symbol is measured against — `nyse`, `fx`
//!   (24/5), `crypto` (24/7) or `none` — with its sessions and trading days. The expected-bar
//!   grid ([`crate::grid`]), roll-ups, the collector's gap check and the engine's session close
//!   take one.
//! - [`NyseCalendar`] (this file): regular sessions 09:30–16:00 America/New_York, full-day
//!   holidays (rule-based, plus the unscheduled closures since 1994), 13:00 early closes, and DST
//!   through the time-zone database. The collection scheduler's market hours ask it directly.
//!
//! Both answer for any date or [`UnixNanos`]: a session the timestamps cannot hold is absent,
//! not a panic.

mod market;
#[cfg(test)]
mod market_tests;

pub use market::Calendar;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

use crate::time::{NEW_YORK, UnixNanos};

/// Closures outside the holiday rules: national days of mourning, 9/11, Hurricane Sandy.
const SPECIAL_CLOSURES: [(i32, u32, u32); 11] = [
    (1994, 4, 27), // Nixon
    (2001, 9, 11), // 9/11
    (2001, 9, 12),
    (2001, 9, 13),
    (2001, 9, 14),
    (2004, 6, 11),  // Reagan
    (2007, 1, 2),   // Ford
    (2012, 10, 29), // Hurricane Sandy
    (2012, 10, 30),
    (2018, 12, 5), // G. H. W. Bush
    (2025, 1, 9),  // Carter
];

/// One regular session in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    pub date: NaiveDate,
    pub open: UnixNanos,
    pub close: UnixNanos,
    pub early_close: bool,
}

impl Session {
    pub fn contains(&self, t: UnixNanos) -> bool {
        self.open <= t && t < self.close
    }
}

/// NYSE rules. Stateless; every answer is computed from the date.
#[derive(Debug, Clone, Copy, Default)]
pub struct NyseCalendar;

impl NyseCalendar {
    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        let y = d.year();
        if SPECIAL_CLOSURES
            .iter()
            .any(|&(sy, sm, sd)| (sy, sm, sd) == (y, d.month(), d.day()))
        {
            return true;
        }
        let mut rules = vec![
            new_years_observed(y),
            nth_weekday(y, 2, Weekday::Mon, 3), // Washington's Birthday
            Some(easter(y) - Duration::days(2)), // Good Friday
            last_weekday(y, 5, Weekday::Mon),   // Memorial Day
            observed(ymd(y, 7, 4)),
            nth_weekday(y, 9, Weekday::Mon, 1),  // Labor Day
            nth_weekday(y, 11, Weekday::Thu, 4), // Thanksgiving
            observed(ymd(y, 12, 25)),
        ];
        if y >= 1998 {
            rules.push(nth_weekday(y, 1, Weekday::Mon, 3)); // Martin Luther King Jr. Day
        }
        if y >= 2022 {
            rules.push(observed(ymd(y, 6, 19))); // Juneteenth
        }
        rules.into_iter().flatten().any(|h| h == d)
    }

    pub fn is_trading_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(d)
    }

    /// 13:00 closes: July 3 (Mon–Thu), the day after Thanksgiving, December 24 (Mon–Thu).
    pub fn is_early_close(&self, d: NaiveDate) -> bool {
        if !self.is_trading_day(d) {
            return false;
        }
        let mon_to_thu = !matches!(d.weekday(), Weekday::Fri | Weekday::Sat | Weekday::Sun);
        let y = d.year();
        let eve = d == ymd(y, 7, 3) || d == ymd(y, 12, 24);
        (eve && mon_to_thu)
            || nth_weekday(y, 11, Weekday::Thu, 4).map(|t| t + Duration::days(1)) == Some(d)
    }

    /// The session of `d`: `None` on a day the market is closed, and on a trading day whose
    /// hours or whose midnight UTC (the key of its daily bar) fall outside what [`UnixNanos`]
    /// holds (1677-09-21 and 2262-04-11), so that any stored time can be asked about and every
    /// session's date converts with [`UnixNanos::from_date`].
    pub fn session(&self, d: NaiveDate) -> Option<Session> {
        if !self.is_trading_day(d) || UnixNanos::try_from_date(d).is_err() {
            return None;
        }
        let early = self.is_early_close(d);
        // NYSE hours never fall in a DST gap; the only failure is a time out of range.
        let at = |h, m| {
            let naive = d.and_time(NaiveTime::from_hms_opt(h, m, 0)?);
            UnixNanos::from_local(naive, NEW_YORK).ok()
        };
        Some(Session {
            date: d,
            open: at(9, 30)?,
            close: if early { at(13, 0)? } else { at(16, 0)? },
            early_close: early,
        })
    }

    /// Sessions with `from ≤ date ≤ to`.
    pub fn sessions(&self, from: NaiveDate, to: NaiveDate) -> Vec<Session> {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter_map(|d| self.session(d))
            .collect()
    }

    /// The session in progress at `t`, if the market is open.
    pub fn session_at(&self, t: UnixNanos) -> Option<Session> {
        self.session(t.exchange_date()).filter(|s| s.contains(t))
    }

    /// The next session whose open is at or after `t`; `None` when no session opens before the
    /// end of the timestamps' range (2262).
    pub fn next_open(&self, t: UnixNanos) -> Option<Session> {
        let last = UnixNanos::MAX.exchange_date();
        t.exchange_date()
            .iter_days()
            .take_while(|d| *d <= last)
            .find_map(|d| self.session(d).filter(|s| s.open >= t))
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Saturday holidays move to Friday, Sunday ones to Monday.
fn observed(d: NaiveDate) -> Option<NaiveDate> {
    Some(match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    })
}

/// NYSE does not move a Saturday New Year's Day back into December.
fn new_years_observed(y: i32) -> Option<NaiveDate> {
    let d = ymd(y, 1, 1);
    match d.weekday() {
        Weekday::Sat => None,
        Weekday::Sun => Some(d + Duration::days(1)),
        _ => Some(d),
    }
}

fn nth_weekday(y: i32, m: u32, wd: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(y, m, wd, n)
}

fn last_weekday(y: i32, m: u32, wd: Weekday) -> Option<NaiveDate> {
    nth_weekday(y, m, wd, 5).or_else(|| nth_weekday(y, m, wd, 4))
}

/// Western Easter Sunday (anonymous Gregorian algorithm).
fn easter(y: i32) -> NaiveDate {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(y, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAL: NyseCalendar = NyseCalendar;

    #[test]
    fn holidays_2024() {
        let expected = [
            (1, 1),
            (1, 15),
            (2, 19),
            (3, 29),
            (5, 27),
            (6, 19),
            (7, 4),
            (9, 2),
            (11, 28),
            (12, 25),
        ];
        let found: Vec<_> = ymd(2024, 1, 1)
            .iter_days()
            .take_while(|d| d.year() == 2024)
            .filter(|d| CAL.is_holiday(*d) && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .map(|d| (d.month(), d.day()))
            .collect();
        assert_eq!(found, expected);
        // 252 trading days in 2024.
        assert_eq!(CAL.sessions(ymd(2024, 1, 1), ymd(2024, 12, 31)).len(), 252);
    }

    #[test]
    fn closures_in_the_data() {
        for (y, m, d) in [
            (2001, 9, 11),
            (2001, 9, 14),
            (2012, 10, 29),
            (2012, 10, 30),
            (2007, 1, 2),
        ] {
            assert!(!CAL.is_trading_day(ymd(y, m, d)), "{y}-{m}-{d}");
        }
        assert!(CAL.is_trading_day(ymd(2001, 9, 17)));
        // 2022-12-26: Christmas on Sunday, observed Monday.
        assert!(!CAL.is_trading_day(ymd(2022, 12, 26)));
        // 2022-01-01 was a Saturday: no Friday holiday on 2021-12-31.
        assert!(CAL.is_trading_day(ymd(2021, 12, 31)));
        // Juneteenth before 2022 was a trading day.
        assert!(CAL.is_trading_day(ymd(2021, 6, 18)));
    }

    #[test]
    fn early_closes_and_dst() {
        let s = CAL.session(ymd(2024, 11, 29)).unwrap();
        assert!(s.early_close);
        assert_eq!(s.close.to_rfc3339(), "2024-11-29T18:00:00Z");
        let s = CAL.session(ymd(2024, 7, 3)).unwrap();
        assert!(s.early_close);
        let s = CAL.session(ymd(2024, 3, 8)).unwrap(); // before DST
        assert_eq!(s.open.to_rfc3339(), "2024-03-08T14:30:00Z");
        let s = CAL.session(ymd(2024, 3, 11)).unwrap(); // after DST
        assert_eq!(s.open.to_rfc3339(), "2024-03-11T13:30:00Z");
    }

    #[test]
    fn next_open_skips_weekends_and_holidays() {
        let fri_after_close = UnixNanos::parse_rfc3339("2024-03-29T21:00:00Z").unwrap(); // Good Friday
        assert_eq!(
            CAL.next_open(fri_after_close).unwrap().date,
            ymd(2024, 4, 1)
        );
        let during = UnixNanos::parse_rfc3339("2024-04-01T15:00:00Z").unwrap();
        assert!(CAL.session_at(during).is_some());
        assert_eq!(easter(2024), ymd(2024, 3, 31));
        assert_eq!(easter(2025), ymd(2025, 4, 20));
    }

    /// Any instant can be asked about: sessions outside the range are absent, not a panic.
    #[test]
    fn total_at_the_edges_of_the_range() {
        for t in [UnixNanos::MIN, UnixNanos::MAX, UnixNanos::new(i64::MIN + 1)] {
            let _ = CAL.session_at(t);
            let _ = CAL.session(t.exchange_date());
        }
        // 1677-09-20 (a Monday) opens before the first representable instant; 1677-09-21
        // opens after it, but its midnight UTC is before it.
        assert_eq!(CAL.session(ymd(1677, 9, 20)), None);
        assert_eq!(CAL.session(ymd(1677, 9, 21)), None);
        assert!(CAL.session(ymd(1677, 9, 22)).is_some());
        assert_eq!(CAL.next_open(UnixNanos::MAX), None);
        let late = UnixNanos::parse_rfc3339("2262-04-09T21:00:00Z").unwrap();
        assert_eq!(CAL.next_open(late).unwrap().date, ymd(2262, 4, 10));
        let sessions = CAL.sessions(
            UnixNanos::MIN.exchange_date(),
            UnixNanos::MAX.exchange_date(),
        );
        assert!(sessions.len() > 140_000);
        assert!(sessions.iter().all(|s| s.open < s.close));
    }
}
