//! Risk limits that act on the whole book, and the NYSE session they are measured in.
//!
//! - Max daily loss: equity at the first bar of a session (before its fills) is the day's
//!   baseline; closing at or below `baseline × (1 − pct)` queues a close of everything and blocks
//!   entries until the next session.
//! - Max drawdown: closing at or below `peak × (1 − pct)` (peak of bar-close equity) queues a
//!   close of everything and blocks entries for the rest of the run ([`crate::Halt`]).
//! - Flatten at close: a position still open on the bar that spans the regular close is closed at
//!   that bar's close; working orders fill only on bars that open inside a session, so nothing is
//!   carried overnight. A position met outside the session (the spanning bar was missing) is
//!   closed at that bar's open.
//!
//! Sessions are cached as the New York calendar day containing the bar's open, so the time-zone
//! arithmetic runs once per day, not once per bar.

use domain::calendar::{NyseCalendar, Session};
use domain::{Bar, Money, UnixNanos};

use super::Engine;
use super::curve::NyDay;
use crate::config::EngineConfig;
use crate::order::{Reason, Side};
use crate::result::Halt;

#[derive(Debug, Clone)]
pub struct RiskState {
    sessions: bool,
    limits: bool,
    /// The cached New York calendar day.
    day: NyDay,
    session: Option<Session>,
    day_start_equity: Money,
    peak: Money,
    day_halted: bool,
    run_halted: bool,
}

impl RiskState {
    pub fn new(cfg: &EngineConfig) -> Self {
        let r = &cfg.risk;
        Self {
            sessions: r.flatten_at_close || r.max_daily_loss_pct.is_some(),
            limits: r.max_daily_loss_pct.is_some() || r.max_drawdown_pct.is_some(),
            day: NyDay::NONE,
            session: None,
            day_start_equity: cfg.initial_capital,
            peak: cfg.initial_capital,
            day_halted: false,
            run_halted: false,
        }
    }

    #[inline]
    pub fn tracks_sessions(&self) -> bool {
        self.sessions
    }

    #[inline]
    pub fn has_limits(&self) -> bool {
        self.limits
    }

    /// New entries are blocked.
    #[inline]
    pub fn halted(&self) -> bool {
        self.day_halted || self.run_halted
    }
}

impl Engine {
    /// Moves the cached day forward when `open` leaves it; a new day resets the daily baseline.
    pub(super) fn roll_session(&mut self, open: UnixNanos) {
        let r = &mut self.risk;
        if r.day.contains(open) {
            return;
        }
        r.day = NyDay::of(open);
        r.session = NyseCalendar.session(open.exchange_date());
        r.day_start_equity = self.book.equity();
        r.day_halted = false;
    }

    /// With `flatten_at_close`, orders fill only on bars that open inside a regular session.
    pub(super) fn may_fill(&self, open: UnixNanos) -> bool {
        !self.cfg.risk.flatten_at_close || self.risk.session.is_some_and(|s| s.contains(open))
    }

    pub(super) fn flatten_outside_session(&mut self, i: usize, bar: &Bar, open: UnixNanos) {
        if self.cfg.risk.flatten_at_close && !self.may_fill(open) {
            self.flatten(i, bar.open, bar.ts);
        }
    }

    /// Closes at the close of the bar that spans the session's end (a bar that opened outside
    /// the session was already flattened at its open).
    pub(super) fn flatten_at_close(
        &mut self,
        i: usize,
        bar: &Bar,
        open: UnixNanos,
        close: UnixNanos,
    ) {
        if !self.cfg.risk.flatten_at_close {
            return;
        }
        if let Some(s) = self.risk.session
            && s.contains(open)
            && close >= s.close
        {
            self.flatten(i, bar.close, bar.ts);
        }
    }

    fn flatten(&mut self, i: usize, price: domain::Price, ts: UnixNanos) {
        let q = self.book.position(i).qty;
        if q.is_zero() {
            return;
        }
        let side = if q.raw() > 0 { Side::Sell } else { Side::Buy };
        self.book_fill(i, side, q.abs(), price, ts, Reason::SessionClose);
    }

    /// Daily-loss and drawdown checks at a bar's close.
    pub(super) fn check_limits(&mut self, ts: UnixNanos, close: UnixNanos) {
        let equity = self.book.equity();
        let limits = self.cfg.risk;
        if let Some(dd) = limits.max_drawdown_pct {
            if equity > self.risk.peak {
                self.risk.peak = equity;
            }
            let floor = self.risk.peak - dd.of_money(self.risk.peak);
            if !self.risk.run_halted && equity <= floor {
                self.risk.run_halted = true;
                self.halt = Some(Halt {
                    at: ts,
                    reason: Reason::MaxDrawdown.as_str().to_owned(),
                });
                self.close_everything(close, Reason::MaxDrawdown);
            }
        }
        if let Some(dl) = limits.max_daily_loss_pct {
            let base = self.risk.day_start_equity;
            if !self.risk.halted() && equity <= base - dl.of_money(base) {
                self.risk.day_halted = true;
                self.close_everything(close, Reason::MaxDailyLoss);
            }
        }
    }
}
