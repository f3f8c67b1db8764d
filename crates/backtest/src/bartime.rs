//! When a bar's prices became true. A bar is stamped with the start of its period, but its high,
//! low and close are known only at its end, so the feed orders bars by their **close time** and an
//! order decided at that close may fill only on a bar that opens at or after it.
//!
//! Intraday bars span `[ts, ts + timeframe)`. A one-day bar is stamped at midnight UTC of its
//! session date and spans that session on the symbol's calendar: 09:30–16:00 New York on `nyse`
//! (early closes included), 17:00 to 17:00 New York on `fx` (the day before to the date), the
//! UTC day on `crypto`; on a date without a session (a weekend, a holiday, `none`) it spans the
//! UTC day. Weeks are seven days and months run to the first of the next month.

use domain::calendar::Calendar;
use domain::civil::{civil_from_days, days_from_civil};
use domain::time::NANOS_PER_DAY;
use domain::timeframe::TimeUnit;
use domain::{Timeframe, UnixNanos};

/// The instants a bar opened and closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarWindow {
    pub open: UnixNanos,
    pub close: UnixNanos,
}

/// Computes [`BarWindow`]s for one timeframe; intraday is a single addition.
#[derive(Debug, Clone, Copy)]
pub struct WindowRule {
    timeframe: Timeframe,
    calendar: Calendar,
    fixed: Option<i64>,
}

impl WindowRule {
    pub fn new(timeframe: Timeframe, calendar: Calendar) -> Self {
        let fixed = match timeframe.unit {
            TimeUnit::Day if timeframe.amount == 1 => None,
            TimeUnit::Month => None,
            _ => timeframe.nanos(),
        };
        Self {
            timeframe,
            calendar,
            fixed,
        }
    }

    pub fn timeframe(&self) -> Timeframe {
        self.timeframe
    }

    #[inline]
    pub fn window(&self, ts: UnixNanos) -> BarWindow {
        if let Some(n) = self.fixed {
            return BarWindow {
                open: ts,
                close: ts.plus(n),
            };
        }
        self.slow_window(ts)
    }

    fn slow_window(&self, ts: UnixNanos) -> BarWindow {
        match self.timeframe.unit {
            TimeUnit::Month => BarWindow {
                open: ts,
                close: add_months(ts, i64::from(self.timeframe.amount)),
            },
            _ => match self.calendar.session(ts.utc_date()) {
                Some(s) => BarWindow {
                    open: s.open,
                    close: s.close,
                },
                None => BarWindow {
                    open: ts,
                    close: ts.plus(NANOS_PER_DAY),
                },
            },
        }
    }
}

/// Midnight UTC on the first day of the month `months` after the month containing `ts`.
fn add_months(ts: UnixNanos, months: i64) -> UnixNanos {
    let days = ts.as_i64().div_euclid(NANOS_PER_DAY);
    let (y, m, _) = civil_from_days(days);
    let total = y * 12 + i64::from(m - 1) + months;
    // rem_euclid(12) is 0..=11, so the month fits a u32.
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    UnixNanos::new(days_from_civil(ny, nm, 1) * NANOS_PER_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn windows_by_timeframe() {
        let w = WindowRule::new(Timeframe::M1, Calendar::Nyse).window(t("2024-01-02T14:30:00Z"));
        assert_eq!(w.close, t("2024-01-02T14:31:00Z"));
        let d = WindowRule::new(Timeframe::D1, Calendar::Nyse);
        let w = d.window(t("2024-11-29"));
        assert_eq!(
            (w.open, w.close),
            (t("2024-11-29T14:30:00Z"), t("2024-11-29T18:00:00Z"))
        );
        let w = d.window(t("2024-01-06")); // a Saturday: crypto-style UTC day
        assert_eq!(w.close, t("2024-01-07"));
        let m = WindowRule::new(Timeframe::parse("1mo").unwrap(), Calendar::Nyse);
        assert_eq!(m.window(t("2012-01-31")).close, t("2012-02-01"));
        assert_eq!(m.window(t("2012-12-31")).close, t("2013-01-01"));
        assert_eq!(m.window(t("1969-12-15")).close, t("1970-01-01"));
    }

    #[test]
    fn daily_windows_follow_the_calendar() {
        let day = |cal| {
            let w = WindowRule::new(Timeframe::D1, cal).window(t("2024-03-11"));
            (w.open, w.close)
        };
        // Monday's fx day opens on Sunday at 17:00 New York (EDT since 02:00 that morning).
        assert_eq!(
            day(Calendar::Fx),
            (t("2024-03-10T21:00:00Z"), t("2024-03-11T21:00:00Z"))
        );
        assert_eq!(day(Calendar::Crypto), (t("2024-03-11"), t("2024-03-12")));
        assert_eq!(day(Calendar::None), (t("2024-03-11"), t("2024-03-12")));
        assert_eq!(
            day(Calendar::Nyse),
            (t("2024-03-11T13:30:00Z"), t("2024-03-11T20:00:00Z"))
        );
        // A crypto Saturday is a session; an fx Saturday is not, and spans the UTC day.
        let sat = |cal| {
            WindowRule::new(Timeframe::D1, cal)
                .window(t("2024-03-09"))
                .close
        };
        assert_eq!(sat(Calendar::Crypto), t("2024-03-10"));
        assert_eq!(sat(Calendar::Fx), t("2024-03-10"));
    }
}
