//! Where a bar's period ends, and the times a stored bar may cover.
//!
//! - [`SUPPORTED_START`], [`SUPPORTED_END`]: bars live in the whole UTC days that nanosecond
//!   timestamps hold, 1677-09-22 to 2262-04-10. Within them a bar's end, its New York exchange
//!   date and that date's session are all representable, so nothing downstream overflows.
//! - [`bar_end`]: the instant a bar's period ends on a calendar, by the rules the backtest's bar
//!   windows use.
//! - [`check_bar_span`]: both ends of a bar inside the supported days, or an error naming
//!   `timestamp`; the importer asks it for every row.

use chrono::{Datelike, Months, NaiveDate};

use crate::calendar::Calendar;
use crate::error::DomainError;
use crate::time::{NANOS_PER_DAY, UnixNanos};
use crate::timeframe::{TimeUnit, Timeframe};

/// The days each side of 1970 that nanoseconds hold whole: `i64::MAX` is 2262-04-11T23:47Z.
const WHOLE_DAYS: i64 = 106_751;

/// 1677-09-22T00:00:00Z, the first instant a bar may start at.
pub const SUPPORTED_START: UnixNanos = UnixNanos::new(-WHOLE_DAYS * NANOS_PER_DAY);
/// 2262-04-11T00:00:00Z, the instant every bar must have ended by.
pub const SUPPORTED_END: UnixNanos = UnixNanos::new(WHOLE_DAYS * NANOS_PER_DAY);

/// The supported days as text, for error messages.
pub const SUPPORTED_DAYS: &str = "1677-09-22..=2262-04-10";

/// The end of the bar of `tf` starting at `start` (exclusive): `start + tf` for a fixed length;
/// a one-day bar, stamped at midnight UTC of its session date, ends at that session's close on
/// `cal` (16:00 New York or the early close on `nyse`, 17:00 New York on `fx`, the next midnight
/// UTC on `crypto`), or after 24 hours on a day without a session; a month bar at midnight UTC
/// on the first of the month `amount` months on. `None` when the end is past what [`UnixNanos`]
/// holds.
pub fn bar_end(tf: Timeframe, cal: Calendar, start: UnixNanos) -> Option<UnixNanos> {
    match tf.unit {
        TimeUnit::Day if tf.amount == 1 => match cal.session(start.utc_date()) {
            Some(s) => Some(s.close),
            None => start.checked_plus(NANOS_PER_DAY),
        },
        TimeUnit::Month => {
            let date = start.utc_date();
            let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)?;
            let next = first.checked_add_months(Months::new(tf.amount))?;
            UnixNanos::try_from_date(next).ok()
        }
        _ => start.checked_plus(tf.nanos()?),
    }
}

/// Checks that the bar of `tf` at `start` begins and ends inside the supported days, on any
/// calendar; returns its latest end (a one-day bar's is the next midnight UTC, which no session
/// closes after). The error names `timestamp`; its reason reads after the timestamp's text.
pub fn check_bar_span(tf: Timeframe, start: UnixNanos) -> Result<UnixNanos, DomainError> {
    if start < SUPPORTED_START || start >= SUPPORTED_END {
        return Err(DomainError::new(
            "timestamp",
            format!("is outside the supported days {SUPPORTED_DAYS}"),
        ));
    }
    // Crypto days end at the next midnight UTC: the latest end of any calendar.
    match bar_end(tf, Calendar::Crypto, start) {
        Some(end) if end <= SUPPORTED_END => Ok(end),
        _ => Err(DomainError::new(
            "timestamp",
            format!("starts a {tf} bar that ends after 2262-04-10, the last supported day"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn the_supported_days_are_whole_and_inside_the_range() {
        assert_eq!(SUPPORTED_START, t("1677-09-22"));
        assert_eq!(SUPPORTED_END, t("2262-04-11"));
        assert!(UnixNanos::MIN < SUPPORTED_START && SUPPORTED_END < UnixNanos::MAX);
    }

    #[test]
    fn ends_by_timeframe() {
        let on =
            |cal, tf: &str, s: &str| bar_end(Timeframe::parse(tf).unwrap(), cal, t(s)).unwrap();
        let end = |tf: &str, s: &str| on(Calendar::Nyse, tf, s);
        assert_eq!(end("1m", "2024-01-02T14:30:00Z"), t("2024-01-02T14:31:00Z"));
        assert_eq!(end("1d", "2024-11-29"), t("2024-11-29T18:00:00Z")); // early close
        assert_eq!(end("1d", "2024-01-06"), t("2024-01-07")); // Saturday: the UTC day
        // An fx day ends at 17:00 New York of its date; a crypto day at the next midnight UTC.
        assert_eq!(
            on(Calendar::Fx, "1d", "2024-11-29"),
            t("2024-11-29T22:00:00Z")
        );
        assert_eq!(
            on(Calendar::Fx, "1d", "2024-07-01"),
            t("2024-07-01T21:00:00Z")
        );
        assert_eq!(on(Calendar::Crypto, "1d", "2024-11-29"), t("2024-11-30"));
        assert_eq!(on(Calendar::None, "1d", "2024-11-29"), t("2024-11-30"));
        assert_eq!(
            on(Calendar::Fx, "1m", "2024-07-01T03:00:00Z"),
            t("2024-07-01T03:01:00Z")
        );
        assert_eq!(end("1w", "2024-01-01"), t("2024-01-08"));
        assert_eq!(end("1mo", "2012-01-31"), t("2012-02-01"));
        assert_eq!(end("2mo", "2012-12-31"), t("2013-02-01"));
        assert_eq!(bar_end(Timeframe::S1, Calendar::Nyse, UnixNanos::MAX), None);
    }

    #[test]
    fn bars_at_either_edge_are_refused() {
        let check = |tf: Timeframe, s: &str| check_bar_span(tf, t(s));
        // The two bars of the report: a start whose exchange date has no representable session,
        // and an end past i64::MAX.
        assert!(check(Timeframe::M1, "1677-09-21T00:13:00Z").is_err());
        assert!(check(Timeframe::S1, "2262-04-11T23:47:16Z").is_err());
        assert_eq!(
            check(Timeframe::H1, "2262-04-10T23:30:00Z")
                .unwrap_err()
                .to_string(),
            "timestamp: starts a 1h bar that ends after 2262-04-10, the last supported day"
        );
        assert!(check(Timeframe::parse("1mo").unwrap(), "2262-04-01").is_err());
        assert!(check(Timeframe::M1, "1677-09-22T00:00:00Z").is_ok());
        assert!(check(Timeframe::S1, "2262-04-10T23:59:59Z").is_ok());
        assert!(check(Timeframe::D1, "2262-04-10").is_ok());
        assert_eq!(
            check_bar_span(Timeframe::M1, UnixNanos::MIN)
                .unwrap_err()
                .field,
            "timestamp"
        );
    }
}
