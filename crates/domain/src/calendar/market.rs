//! [`Calendar`]: the calendar a symbol is measured against, stored with the symbol and chosen
//! with `data import --calendar` or `symbols set --calendar`.
//!
//! | calendar | sessions | a session's date | a trading day |
//! |---|---|---|---|
//! | `nyse` (default) | 09:30–16:00 New York, holidays, 13:00 early closes ([`NyseCalendar`]) | its New York date | the New York date |
//! | `fx` | 24/5: Sunday 17:00 to Friday 17:00 New York, one session a weekday | the date it ends on | 17:00 → 17:00 New York |
//! | `crypto` | 24/7: every UTC day | its UTC date | the UTC day |
//! | `none` | none: no bar is expected | — | the UTC day |
//!
//! A trading day ([`Calendar::trading_date`], [`Calendar::day_bounds`]) is what a daily roll-up
//! combines and what the engine's daily-loss baseline resets on; a session is the part of it the
//! market is open ([`Calendar::session`]). The fx week opens at 17:00 New York on Sunday, after
//! the DST change at 2 a.m., so every fx session lasts exactly 24 hours. FX has no holidays here:
//! a venue's Christmas or New Year closure is a real gap in its bars, and reported as one.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeDelta, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{NyseCalendar, Session};
use crate::error::DomainError;
use crate::time::{NEW_YORK, UnixNanos};

/// Which market hours a symbol keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Calendar {
    /// NYSE regular sessions: US equities and ETFs.
    #[default]
    Nyse,
    /// Currencies: 24 hours a day, Sunday 17:00 to Friday 17:00 New York.
    Fx,
    /// Crypto: 24 hours a day, every day, days in UTC.
    Crypto,
    /// No calendar: nothing is expected, so coverage is not measured and no gap is reported.
    None,
}

/// The New York time an fx day ends (and the next begins).
const FX_ROLL_HOUR: u32 = 17;

impl Calendar {
    pub const ALL: [Calendar; 4] = [Self::Nyse, Self::Fx, Self::Crypto, Self::None];
    /// Their names, as [`Calendar::as_str`] writes and [`std::str::FromStr`] reads them.
    pub const NAMES: [&'static str; 4] = ["nyse", "fx", "crypto", "none"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nyse => "nyse",
            Self::Fx => "fx",
            Self::Crypto => "crypto",
            Self::None => "none",
        }
    }

    /// One line for people: what the calendar expects.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Nyse => "NYSE sessions 09:30-16:00 New York, holidays and early closes",
            Self::Fx => "24/5: Sunday 17:00 to Friday 17:00 New York, days end at 17:00",
            Self::Crypto => "24/7, days in UTC",
            Self::None => "no sessions: coverage is not measured",
        }
    }

    /// Whether any bar is expected: false only for [`Calendar::None`].
    pub fn has_sessions(self) -> bool {
        self != Self::None
    }

    /// The session whose date is `d`, if the market opens that day and every instant of it
    /// (and midnight UTC of `d`, its daily bar's key) fits a [`UnixNanos`].
    pub fn session(self, d: NaiveDate) -> Option<Session> {
        match self {
            Self::Nyse => NyseCalendar.session(d),
            Self::Fx if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) => None,
            Self::Fx | Self::Crypto => {
                let (open, close) = self.day_bounds(d)?;
                UnixNanos::try_from_date(d).ok()?;
                Some(Session {
                    date: d,
                    open,
                    close,
                    early_close: false,
                })
            }
            Self::None => None,
        }
    }

    /// Sessions with `from ≤ date ≤ to`.
    pub fn sessions(self, from: NaiveDate, to: NaiveDate) -> Vec<Session> {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter_map(|d| self.session(d))
            .collect()
    }

    /// The session in progress at `t`, if the market is open.
    pub fn session_at(self, t: UnixNanos) -> Option<Session> {
        self.session(self.trading_date(t)).filter(|s| s.contains(t))
    }

    /// The trading day `t` falls in: the New York date (`nyse`), the date of the next 17:00 New
    /// York (`fx`), the UTC date (`crypto`, `none`).
    pub fn trading_date(self, t: UnixNanos) -> NaiveDate {
        match self {
            Self::Nyse => t.exchange_date(),
            Self::Fx => {
                let local = t.to_datetime().with_timezone(&NEW_YORK).naive_local();
                // 17:00 local and after belong to the next day; whole hours keep DST out of it.
                let shift = TimeDelta::hours(i64::from(24 - FX_ROLL_HOUR));
                local
                    .checked_add_signed(shift)
                    .map_or(local.date(), |l| l.date())
            }
            Self::Crypto | Self::None => t.utc_date(),
        }
    }

    /// `[start, end)` of the trading day `date`; `None` when either end is past what a
    /// [`UnixNanos`] holds.
    pub fn day_bounds(self, date: NaiveDate) -> Option<(UnixNanos, UnixNanos)> {
        let next = date.checked_add_days(Days::new(1))?;
        let at = |d: NaiveDate, h: u32| match self {
            Self::Nyse | Self::Fx => {
                UnixNanos::from_local(d.and_time(NaiveTime::from_hms_opt(h, 0, 0)?), NEW_YORK).ok()
            }
            Self::Crypto | Self::None => UnixNanos::try_from_date(d).ok(),
        };
        match self {
            Self::Fx => Some((at(date.pred_opt()?, FX_ROLL_HOUR)?, at(date, FX_ROLL_HOUR)?)),
            // Midnight exists in New York on every date (its DST changes are at 02:00).
            _ => Some((at(date, 0)?, at(next, 0)?)),
        }
    }
}

impl fmt::Display for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Calendar {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == t)
            .ok_or_else(|| {
                DomainError::new(
                    "calendar",
                    format!("{s:?} is not a calendar (nyse, fx, crypto or none)"),
                )
            })
    }
}

impl Serialize for Calendar {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Calendar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
