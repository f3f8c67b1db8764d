//! Time is data: [`UnixNanos`] counts nanoseconds since 1970-01-01T00:00:00Z. Nothing here reads
//! the wall clock; the engine's clock only moves when an event arrives.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

pub const NANOS_PER_SECOND: i64 = 1_000_000_000;
pub const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SECOND;
pub const NANOS_PER_HOUR: i64 = 60 * NANOS_PER_MINUTE;
pub const NANOS_PER_DAY: i64 = 24 * NANOS_PER_HOUR;

/// The exchange's time zone, used to read naive timestamps by default and by the calendar.
pub const NEW_YORK: Tz = chrono_tz::America::New_York;

/// UTC nanoseconds since the Unix epoch. Covers 1677..2262.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixNanos(i64);

impl UnixNanos {
    pub const MIN: Self = Self(i64::MIN);
    pub const MAX: Self = Self(i64::MAX);

    pub const fn new(nanos: i64) -> Self {
        Self(nanos)
    }
    pub const fn as_i64(self) -> i64 {
        self.0
    }
    pub const fn from_secs(s: i64) -> Self {
        Self(s * NANOS_PER_SECOND)
    }
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms * 1_000_000)
    }
    pub fn plus(self, nanos: i64) -> Self {
        Self(self.0 + nanos)
    }
    /// `self + nanos`, or `None` past either end of the range.
    pub fn checked_plus(self, nanos: i64) -> Option<Self> {
        self.0.checked_add(nanos).map(Self)
    }

    pub fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_nanos(self.0)
    }
    pub fn from_datetime<T: TimeZone>(dt: &DateTime<T>) -> Result<Self, DomainError> {
        dt.timestamp_nanos_opt()
            .map(Self)
            .ok_or_else(|| DomainError::new("timestamp", "outside 1677..2262"))
    }

    /// Midnight UTC at the start of `date` (how daily bars keyed by exchange date are stored).
    /// Panics outside 1677-09-22..=2262-04-11; a date read from input or the store goes through
    /// [`UnixNanos::try_from_date`].
    pub fn from_date(date: NaiveDate) -> Self {
        Self::try_from_date(date).expect("date in range")
    }

    /// [`UnixNanos::from_date`], with an error naming `timestamp` for a date whose midnight
    /// nanoseconds cannot hold.
    pub fn try_from_date(date: NaiveDate) -> Result<Self, DomainError> {
        Self::from_datetime(&date.and_time(chrono::NaiveTime::MIN).and_utc())
            .map_err(|_| DomainError::new("timestamp", format!("{date} is outside 1677..2262")))
    }

    /// A wall-clock time in `tz`. In the DST fall-back hour the earlier instant is taken; a time
    /// skipped by spring-forward is an error naming the timestamp.
    pub fn from_local(naive: NaiveDateTime, tz: Tz) -> Result<Self, DomainError> {
        match tz.from_local_datetime(&naive) {
            chrono::LocalResult::Single(dt) | chrono::LocalResult::Ambiguous(dt, _) => {
                Self::from_datetime(&dt)
            }
            chrono::LocalResult::None => Err(DomainError::new(
                "timestamp",
                format!("{naive} does not exist in {tz} (skipped by a DST change)"),
            )),
        }
    }

    /// The UTC calendar date.
    pub fn utc_date(self) -> NaiveDate {
        self.to_datetime().date_naive()
    }

    /// The date in New York (the exchange date of an intraday bar).
    pub fn exchange_date(self) -> NaiveDate {
        self.to_datetime().with_timezone(&NEW_YORK).date_naive()
    }

    /// RFC 3339 in UTC with `Z`; fractional seconds only when present.
    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }

    /// Parses RFC 3339 (`2024-01-02T14:30:00Z`, `…-05:00`, with fractions), or a bare date
    /// (`2024-01-02`, midnight UTC).
    pub fn parse_rfc3339(text: &str) -> Result<Self, DomainError> {
        let t = text.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Self::from_datetime(&dt);
        }
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok(Self::from_date(d));
        }
        Err(DomainError::new(
            "timestamp",
            format!("{t:?} is not an RFC 3339 timestamp or a YYYY-MM-DD date"),
        ))
    }
}

impl fmt::Display for UnixNanos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// JSON form is the RFC 3339 UTC string, so scripts read times without knowing our units.
impl Serialize for UnixNanos {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UnixNanos {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        let t = UnixNanos::parse_rfc3339("2013-10-04T04:06:00-04:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2013-10-04T08:06:00Z");
        let t = UnixNanos::parse_rfc3339("2022-03-09T09:00:00.123456789Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2022-03-09T09:00:00.123456789Z");
        assert_eq!(UnixNanos::parse_rfc3339(&t.to_rfc3339()).unwrap(), t);
        assert_eq!(
            UnixNanos::parse_rfc3339("1970-01-02").unwrap().as_i64(),
            NANOS_PER_DAY
        );
    }

    #[test]
    fn local_times_follow_dst() {
        let d = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let winter = UnixNanos::from_local(d("2024-01-02 09:30"), NEW_YORK).unwrap();
        assert_eq!(winter.to_rfc3339(), "2024-01-02T14:30:00Z");
        let summer = UnixNanos::from_local(d("2024-07-02 09:30"), NEW_YORK).unwrap();
        assert_eq!(summer.to_rfc3339(), "2024-07-02T13:30:00Z");
        let gap = UnixNanos::from_local(d("2024-03-10 02:30"), NEW_YORK).unwrap_err();
        assert_eq!(gap.field, "timestamp");
        assert_eq!(summer.exchange_date().to_string(), "2024-07-02");
    }

    #[test]
    fn rejects_garbage() {
        assert!(UnixNanos::parse_rfc3339("yesterday").is_err());
    }
}
