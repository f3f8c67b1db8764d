//! Naive wall-clock times → instants in one time zone, fast.
//!
//! [`LocalZone`] caches the UTC offset per local date, so chrono-tz is asked once per day instead
//! of once per row. A date whose offset changes (a DST switch) goes through
//! [`UnixNanos::from_local`], which takes the earlier instant in the fall-back hour and rejects
//! times skipped by spring-forward.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use domain::UnixNanos;

use domain::civil::civil_from_days;

const NANOS: i64 = 1_000_000_000;

/// Reads naive wall-clock times in one zone, remembering each local date's offset.
pub struct LocalZone {
    tz: Tz,
    day: i64,
    /// Offset east of UTC in seconds for every time of `day`, or `None` when `day` has a DST
    /// change (those rows take the exact, slower path).
    offset: Option<i64>,
}

impl LocalZone {
    pub fn new(tz: Tz) -> Self {
        Self {
            tz,
            day: i64::MIN,
            offset: None,
        }
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// UTC nanoseconds of wall-clock `secs` + `nanos` after local midnight of `days`.
    pub fn instant(&mut self, days: i64, secs: u32, nanos: u32) -> Result<i64, String> {
        if days != self.day {
            self.day = days;
            self.offset = uniform_offset(self.tz, days);
        }
        match self.offset {
            Some(off) => (days * 86_400 + i64::from(secs) - off)
                .checked_mul(NANOS)
                .map(|v| v + i64::from(nanos))
                .ok_or_else(|| "outside the years 1677..2262".to_string()),
            None => {
                let naive = naive_of(days, secs, nanos).ok_or("outside the supported years")?;
                UnixNanos::from_local(naive, self.tz)
                    .map(UnixNanos::as_i64)
                    .map_err(|e| e.reason)
            }
        }
    }
}

fn naive_of(days: i64, secs: u32, nanos: u32) -> Option<NaiveDateTime> {
    let (y, m, d) = civil_from_days(days);
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?.and_hms_nano_opt(
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        nanos,
    )
}

/// The offset if it is the same at the start, middle and end of the local date.
fn uniform_offset(tz: Tz, days: i64) -> Option<i64> {
    use chrono::Offset;
    let mut found = None;
    for secs in [0, 43_200, 86_399] {
        let naive = naive_of(days, secs, 0)?;
        let off = match tz.from_local_datetime(&naive) {
            chrono::LocalResult::Single(dt) => i64::from(dt.offset().fix().local_minus_utc()),
            _ => return None,
        };
        if found.is_some_and(|f| f != off) {
            return None;
        }
        found = Some(off);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use domain::civil::days_from_civil;
    use proptest::prelude::*;

    #[test]
    fn dst_gap_and_overlap() {
        let mut z = LocalZone::new(New_York);
        let d = days_from_civil(2024, 3, 10);
        let e = z.instant(d, 2 * 3600 + 1800, 0).unwrap_err();
        assert!(e.contains("does not exist in America/New_York"), "{e}");
        // Fall back: the earlier instant (EDT) is taken.
        let d = days_from_civil(2024, 11, 3);
        let t = z.instant(d, 3600 + 1800, 0).unwrap();
        assert_eq!(UnixNanos::new(t).to_rfc3339(), "2024-11-03T05:30:00Z");
    }

    proptest! {
        /// The per-day offset cache gives chrono's answer for every minute of every day.
        #[test]
        fn cache_agrees_with_chrono(days in 10_000i64..25_000, mins in proptest::collection::vec(0u32..1440, 1..20)) {
            let mut z = LocalZone::new(New_York);
            for m in mins {
                let naive = naive_of(days, m * 60, 0).unwrap();
                let want = UnixNanos::from_local(naive, New_York).map(UnixNanos::as_i64).ok();
                prop_assert_eq!(z.instant(days, m * 60, 0).ok(), want);
            }
        }

    }
}
