//! Risk limits that act on the whole book, and the session of the run's calendar they are
//! measured in ([`domain::calendar::Calendar`]: NYSE's regular session, the fx day from 17:00 New
//! York, the crypto UTC day).
//!
//! - Max daily loss: equity at the first bar of a trading day (before its fills) is the day's
//!   baseline; closing at or below `baseline × (1 − pct)` queues a close of everything and blocks
//!   entries until the next trading day.
//! - Max drawdown: closing at or below `peak × (1 − pct)` (peak of bar-close equity) queues a
//!   close of everything and blocks entries for the rest of the run ([`crate::Halt`]).
//! - Flatten at close: a position still open on the bar that spans the regular close is closed at
//!   that bar's close; working orders fill only on bars that open inside a session, so nothing is
//!   carried overnight. A position met outside the session (the spanning bar was missing) is
//!   closed at that bar's open.
//!
//! Sessions are cached with the trading day containing the bar's open (the New York date on
//! `nyse`), so the time-zone arithmetic runs once per day, not once per bar.

use domain::calendar::{Calendar, Session};
use domain::{Bar, Money, UnixNanos};

use super::Engine;
use crate::config::EngineConfig;
use crate::order::{OrderRequest, Reason, Side};
use crate::overflow::{Overflow, sub};
use crate::result::Halt;

#[derive(Debug, Clone)]
pub struct RiskState {
    sessions: bool,
    limits: bool,
    calendar: Calendar,
    /// The cached trading day, `[start, end)`.
    day: (UnixNanos, UnixNanos),
    session: Option<Session>,
    day_start_equity: Money,
    peak: Money,
    day_halted: bool,
    run_halted: bool,
    /// Equity and the floor it fell to when the last halt began, for the journal's vetoes.
    halt_values: (Money, Money),
}

impl RiskState {
    pub fn new(cfg: &EngineConfig) -> Self {
        let r = &cfg.risk;
        Self {
            sessions: r.flatten_at_close || r.max_daily_loss_pct.is_some(),
            limits: r.max_daily_loss_pct.is_some() || r.max_drawdown_pct.is_some(),
            calendar: cfg.calendar,
            // Contains nothing: the first bar rolls.
            day: (UnixNanos::MAX, UnixNanos::MIN),
            session: None,
            day_start_equity: cfg.initial_capital,
            peak: cfg.initial_capital,
            day_halted: false,
            run_halted: false,
            halt_values: (Money::ZERO, Money::ZERO),
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

    /// The halt in force (`max_drawdown` or `max_daily_loss`) with the equity and floor that
    /// began it.
    pub(super) fn halt_values(&self) -> Option<(&'static str, Money, Money)> {
        let (observed, limit) = self.halt_values;
        if self.run_halted {
            Some(("max_drawdown", observed, limit))
        } else if self.day_halted {
            Some(("max_daily_loss", observed, limit))
        } else {
            None
        }
    }

    /// New entries are blocked.
    #[inline]
    pub fn halted(&self) -> bool {
        self.day_halted || self.run_halted
    }
}

impl Engine {
    /// Moves the cached day forward when `open` leaves it; a new day resets the daily baseline.
    pub(super) fn roll_session(&mut self, open: UnixNanos) -> Result<(), Overflow> {
        let r = &mut self.risk;
        if r.day.0 <= open && open < r.day.1 {
            return Ok(());
        }
        let date = r.calendar.trading_date(open);
        // At the ends of the timestamps' range a day that cannot be held covers the bar alone.
        r.day = r
            .calendar
            .day_bounds(date)
            .unwrap_or((open, open.checked_plus(1).unwrap_or(open)));
        r.session = r.calendar.session(date);
        r.day_start_equity = self.book.equity()?;
        r.day_halted = false;
        Ok(())
    }

    /// With `flatten_at_close`, orders fill only on bars that open inside a regular session.
    pub(super) fn may_fill(&self, open: UnixNanos) -> bool {
        !self.cfg.risk.flatten_at_close || self.risk.session.is_some_and(|s| s.contains(open))
    }

    pub(super) fn flatten_outside_session(
        &mut self,
        i: usize,
        bar: &Bar,
        open: UnixNanos,
    ) -> Result<(), Overflow> {
        if self.cfg.risk.flatten_at_close && !self.may_fill(open) {
            self.flatten(i, bar.open, bar.ts, open)?;
        }
        Ok(())
    }

    /// Closes at the close of the bar that spans the session's end (a bar that opened outside
    /// the session was already flattened at its open).
    pub(super) fn flatten_at_close(
        &mut self,
        i: usize,
        bar: &Bar,
        open: UnixNanos,
        close: UnixNanos,
    ) -> Result<(), Overflow> {
        if !self.cfg.risk.flatten_at_close {
            return Ok(());
        }
        if let Some(s) = self.risk.session
            && s.contains(open)
            && close >= s.close
        {
            self.flatten(i, bar.close, bar.ts, close)?;
        }
        Ok(())
    }

    /// Closes symbol `i` at `price`; `at` is when (a bar's open, or the session's close).
    fn flatten(
        &mut self,
        i: usize,
        price: domain::Price,
        ts: UnixNanos,
        at: UnixNanos,
    ) -> Result<(), Overflow> {
        let q = self.book.position(i).qty;
        if q.is_zero() {
            return Ok(());
        }
        let side = if q.raw() > 0 { Side::Sell } else { Side::Buy };
        if self.journal.is_none() {
            // The book never holds i64::MIN, so every position has a magnitude.
            return self.book_fill(i, side, q.abs(), price, ts, Reason::SessionClose);
        }
        let mut req = OrderRequest::close(crate::SymbolId(i as u32)).because(Reason::SessionClose);
        req.side = side;
        let id = self.journal_engine_order(req, ts);
        let before = self.journal_activate(id, at);
        self.book_fill(i, side, q.abs(), price, ts, Reason::SessionClose)?;
        self.journal_filled(ts, before);
        Ok(())
    }

    /// Daily-loss and drawdown checks at a bar's close. Percentages below 100 of an amount
    /// always fit; the checks are kept for custom configurations.
    pub(super) fn check_limits(&mut self, ts: UnixNanos, close: UnixNanos) -> Result<(), Overflow> {
        let equity = self.book.equity()?;
        let limits = self.cfg.risk;
        let share = |pct: crate::Pct, of: Money, field: &str| {
            pct.of_money(of)
                .ok_or_else(|| Overflow::money(format_args!("risk.{field}: {pct} of {of}")))
        };
        if let Some(dd) = limits.max_drawdown_pct {
            if equity > self.risk.peak {
                self.risk.peak = equity;
            }
            let peak = self.risk.peak;
            let floor = sub(peak, share(dd, peak, "max_drawdown_pct")?, "drawdown floor")?;
            if !self.risk.run_halted && equity <= floor {
                self.risk.run_halted = true;
                self.risk.halt_values = (equity, floor);
                self.journal_breach(false);
                self.halt = Some(Halt {
                    at: ts,
                    reason: Reason::MaxDrawdown.as_str().to_owned(),
                });
                self.close_everything(close, Reason::MaxDrawdown);
            }
        }
        if let Some(dl) = limits.max_daily_loss_pct
            && !self.risk.halted()
        {
            let base = self.risk.day_start_equity;
            let floor = sub(base, share(dl, base, "max_daily_loss_pct")?, "daily floor")?;
            if equity <= floor {
                self.risk.day_halted = true;
                self.risk.halt_values = (equity, floor);
                self.journal_breach(true);
                self.close_everything(close, Reason::MaxDailyLoss);
            }
        }
        Ok(())
    }
}
