//! Time to expiry. US equity and index options stop trading at 16:00 New York time on their
//! expiry date, so a contract's life ends then; the year fraction is calendar time over 365
//! days (ACT/365), the convention of py_vollib's inputs and of the providers' greeks.

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::America::New_York;
use domain::UnixNanos;

/// Nanoseconds in a 365-day year.
pub const NANOS_PER_YEAR: f64 = 365.0 * 86_400.0 * 1e9;

/// 16:00 New York time on `expiry`, or `None` outside the supported days.
pub fn expiry_instant(expiry: NaiveDate) -> Option<UnixNanos> {
    let close = NaiveTime::from_hms_opt(16, 0, 0)?;
    UnixNanos::from_local(expiry.and_time(close), New_York).ok()
}

/// Years from `at` to the expiry's close: ACT/365, zero or negative once expired.
pub fn years_to_expiry(at: UnixNanos, expiry: NaiveDate) -> Option<f64> {
    let end = expiry_instant(expiry)?;
    Some((end.as_i64() as f64 - at.as_i64() as f64) / NANOS_PER_YEAR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_the_new_york_close() {
        let d = NaiveDate::from_ymd_opt(2023, 9, 1).unwrap();
        // EDT: 16:00 New York is 20:00 UTC.
        assert_eq!(
            expiry_instant(d).unwrap().to_rfc3339(),
            "2023-09-01T20:00:00Z"
        );
        let d = NaiveDate::from_ymd_opt(2024, 1, 19).unwrap();
        assert_eq!(
            expiry_instant(d).unwrap().to_rfc3339(),
            "2024-01-19T21:00:00Z"
        );
        let at = UnixNanos::parse_rfc3339("2024-01-18T21:00:00Z").unwrap();
        let t = years_to_expiry(at, d).unwrap();
        assert!((t - 1.0 / 365.0).abs() < 1e-15);
    }
}
