//! The trading day a bar belongs to, on its symbol's calendar, and what the day has seen so far.
//!
//! An intraday bar belongs to the trading day containing its open ([`Calendar::trading_date`]:
//! the New York date on `nyse`, the day from 17:00 on `fx`, the UTC date on `crypto`/`none`);
//! the day's bounds and session are cached, so the time-zone arithmetic runs once a day (as the
//! engine's risk tracking does). Only bars opening inside the regular session (every bar on a
//! calendar without sessions) count towards the VWAP, the high and low of day and the close;
//! pre- and after-market bars read the day's values as they stand. A daily (or longer) bar is
//! its own session.

use domain::calendar::{Calendar, Session};
use domain::{Bar, Price, Timeframe, UnixNanos};

/// Where a bar falls: its day's start (for the time of day) and whether it is in the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The trading day's first instant.
    pub day_start: UnixNanos,
    pub in_session: bool,
    /// The bar starts a trading day other than the previous bar's.
    pub new_day: bool,
}

/// Follows bars from day to day on one calendar.
#[derive(Debug, Clone)]
pub struct DayClock {
    calendar: Calendar,
    daily: bool,
    day: (UnixNanos, UnixNanos),
    session: Option<Session>,
}

impl DayClock {
    pub fn new(calendar: Calendar, timeframe: Timeframe) -> Self {
        Self {
            calendar,
            daily: timeframe.is_daily_or_longer(),
            day: (UnixNanos::MAX, UnixNanos::MIN),
            session: None,
        }
    }

    /// The placement of a bar stamped `ts` (its open); bars come in time order.
    pub fn place(&mut self, ts: UnixNanos) -> Placement {
        if self.daily {
            let new_day = self.day.0 != ts;
            self.day = (ts, ts);
            return Placement {
                day_start: ts,
                in_session: true,
                new_day,
            };
        }
        let new_day = !(self.day.0 <= ts && ts < self.day.1);
        if new_day {
            let date = self.calendar.trading_date(ts);
            self.day = self
                .calendar
                .day_bounds(date)
                .unwrap_or((ts, ts.checked_plus(1).unwrap_or(ts)));
            self.session = self.calendar.session(date);
        }
        let in_session =
            !self.calendar.has_sessions() || self.session.is_some_and(|s| s.contains(ts));
        Placement {
            day_start: self.day.0,
            in_session,
            new_day,
        }
    }
}

/// The session's VWAP sums, high, low and last close, and the previous session's close.
#[derive(Debug, Clone, Default)]
pub struct SessionStats {
    /// Σ (high + low + close) × volume, raw units (10⁻⁹ × 10⁻⁸): exact, divided by 3 when read.
    pv3: i128,
    /// Σ volume, raw units.
    volume: i128,
    /// Σ v·p² and Σ v in f64, for the bands' variance only.
    vpp: f64,
    vf: f64,
    overflowed: bool,
    hod: Option<Price>,
    lod: Option<Price>,
    last_close: Option<Price>,
    prev_close: Option<Price>,
}

impl SessionStats {
    /// Starts a new trading day: the last close seen becomes the previous close.
    pub fn roll(&mut self) {
        let prev = self.last_close.or(self.prev_close);
        *self = Self {
            prev_close: prev,
            ..Self::default()
        };
    }

    /// Adds a regular-session bar.
    pub fn add(&mut self, bar: &Bar) {
        let typical3 =
            i128::from(bar.high.raw()) + i128::from(bar.low.raw()) + i128::from(bar.close.raw());
        let v = i128::from(bar.volume.raw());
        // Far beyond any market (a price of 10⁹ times 10¹⁰ shares, hundreds of bars) the sum
        // could leave i128: the VWAP is then absent for the session, never a wrong number.
        match typical3
            .checked_mul(v)
            .and_then(|x| x.checked_add(self.pv3))
        {
            Some(pv3) if !self.overflowed => self.pv3 = pv3,
            _ => self.overflowed = true,
        }
        self.volume = self.volume.saturating_add(v);
        let p = typical3 as f64 / 3.0 / Price::UNIT as f64;
        let vf = bar.volume.to_f64();
        self.vpp += vf * p * p;
        self.vf += vf;
        self.hod = Some(self.hod.map_or(bar.high, |h| h.max(bar.high)));
        self.lod = Some(self.lod.map_or(bar.low, |l| l.min(bar.low)));
        self.last_close = Some(bar.close);
    }

    /// The session VWAP, once the session has traded volume.
    pub fn vwap(&self) -> Option<f64> {
        (self.volume > 0 && !self.overflowed)
            .then(|| self.pv3 as f64 / self.volume as f64 / 3.0 / Price::UNIT as f64)
    }

    /// The volume-weighted standard deviation of the typical price in the session.
    pub fn sigma(&self) -> Option<f64> {
        let vwap = self.vwap()?;
        let var = self.vpp / self.vf - vwap * vwap;
        Some(var.max(0.0).sqrt())
    }

    pub fn hod(&self) -> Option<Price> {
        self.hod
    }

    pub fn lod(&self) -> Option<Price> {
        self.lod
    }

    pub fn prev_close(&self) -> Option<Price> {
        self.prev_close
    }
}
