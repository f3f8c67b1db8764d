//! The engine's side of the journal ([`crate::journal`]): turning it on, and the records each
//! step writes. Every caller checks `self.journal.is_some()` (or matches it) first, so a run
//! without a journal never enters this file.

use domain::journal::{AccountSnapshot, OrderEventKind, SignalStatus, Text};
use domain::{Bar, Price, UnixNanos};

use super::Engine;
use crate::journal::recorder::Recorder;
use crate::journal::{JournalConfig, JournalTape};
use crate::order::{OrderQty, OrderRequest, Side};
use crate::overflow::Overflow;
use crate::portfolio::Portfolio;

impl Engine {
    /// Keeps a journal of the run, returned in [`crate::BacktestResult::journal`].
    pub fn with_journal(mut self, cfg: JournalConfig) -> Self {
        let symbols = self.cfg.symbols.clone();
        self.journal = Some(Box::new(Recorder::new(cfg, self.cfg.calendar, symbols)));
        self
    }

    /// The journal as it stands after the last event, for a loop that runs forward (a paper
    /// session) and stores its record as it goes. Unlike [`Engine::finish`], orders still
    /// working stay open (no `expired` event): the session goes on. `None` without a journal;
    /// an error only when the account no longer fits its types.
    pub fn journal_so_far(&self) -> Result<Option<JournalTape>, crate::EngineError> {
        let Some(j) = self.journal.as_deref() else {
            return Ok(None);
        };
        let end = j
            .last_close
            .or(self.clock.now())
            .unwrap_or(UnixNanos::new(0));
        let snapshot = self.snapshot(end).map_err(|e| self.book_overflow(end, e))?;
        Ok(Some(j.clone().finish(snapshot)))
    }

    /// Why trading stopped (a risk halt), once it has.
    pub fn halt(&self) -> Option<&crate::result::Halt> {
        self.halt.as_ref()
    }

    /// The account now, as a snapshot stamped `ts`.
    fn snapshot(&self, ts: UnixNanos) -> Result<AccountSnapshot, Overflow> {
        snapshot_of(&self.book, ts)
    }

    /// Before a bar's fills: a new trading day closes the last (whose snapshot is the account
    /// as the last bar left it, stamped with that bar's close).
    #[inline]
    pub(super) fn journal_bar_start(&mut self, bar: &Bar, open: UnixNanos) -> Result<(), Overflow> {
        if let Some(j) = self.journal.as_ref().filter(|j| j.rolls(open)) {
            let now = self.snapshot(j.last_close.unwrap_or(open))?;
            let bars = self.counts.bars + self.counts.warmup_bars;
            if let Some(j) = &mut self.journal {
                j.roll(open, bar.ts, now, bars);
            }
        }
        Ok(())
    }

    /// After a bar's marks: the day's drawdown, and a snapshot when the cadence asks. Runs at
    /// every bar of a journaled run, so it is kept inline and lean: one equity, one compare.
    #[inline(always)]
    pub(super) fn journal_marked(&mut self, close: UnixNanos) -> Result<(), Overflow> {
        let book = &self.book;
        let Some(j) = self.journal.as_deref_mut() else {
            return Ok(());
        };
        if book.has_positions() || j.moved {
            j.moved = false;
            j.marked(close, book.equity()?);
        } else {
            j.last_close = Some(close);
        }
        if j.wants_snapshot(close) {
            j.snapshot(snapshot_of(book, close)?);
        }
        Ok(())
    }

    fn mark(&self, i: usize) -> Option<Price> {
        self.book.position(i).mark
    }

    /// Notes no request answered become signals at `now`, priced at their symbol's mark.
    pub(super) fn journal_flush_notes(&mut self, now: UnixNanos) {
        let book = &self.book;
        if let Some(j) = self.journal.as_deref_mut() {
            j.flush_notes(now, |i| book.position(i).mark);
        }
    }

    /// A strategy's request becomes a signal and, unless a risk halt blocks it, an order.
    /// Returns the order id (0 when blocked).
    pub(super) fn journal_submit(
        &mut self,
        req: &OrderRequest,
        now: UnixNanos,
        halted: bool,
    ) -> u64 {
        let i = req.symbol.index();
        let reference = self.mark(i);
        let halt = self.risk.halt_values();
        // A close is recorded with the side that closes the position now: a buy for a short.
        let closing = req.qty == OrderQty::ClosePosition;
        let held = self.book.position(i).qty.raw();
        let req = &match closing && held != 0 {
            true => OrderRequest {
                side: closing_side(held),
                ..*req
            },
            false => *req,
        };
        let Some(j) = &mut self.journal else {
            return 0;
        };
        let note = j.take_note(req.symbol, req.side).or_else(|| {
            closing
                .then(|| j.take_note(req.symbol, req.side.opposite()))
                .flatten()
        });
        let status = if halted {
            SignalStatus::Blocked
        } else {
            SignalStatus::Promoted
        };
        let signal = j.signal(
            req.symbol,
            req.side,
            now,
            reference,
            note,
            req.reason.as_str(),
            status,
        );
        if halted {
            if let Some((rule, observed, limit)) = halt {
                j.block(
                    signal,
                    format!("risk.{rule}: equity {observed} at or below {limit}").into(),
                );
                j.veto(signal, now, rule, observed, limit);
            }
            return 0;
        }
        j.order(req, Some(signal), None, now)
    }

    /// Working orders of symbol `i` (every symbol when `None`) are canceled.
    pub(super) fn journal_cancel(
        &mut self,
        i: Option<usize>,
        now: UnixNanos,
        reason: &'static str,
    ) {
        if let Some(j) = &mut self.journal {
            for w in &self.working {
                if i.is_none_or(|i| w.request.symbol.index() == i) {
                    j.event(w.id, now, OrderEventKind::Canceled, Some(reason.into()));
                }
            }
        }
    }

    /// An order the engine makes itself (risk close, bracket leg, session close). Returns its id.
    pub(super) fn journal_engine_order(&mut self, req: OrderRequest, ts: UnixNanos) -> u64 {
        let Some(j) = &mut self.journal else {
            return 0;
        };
        j.exit_order(req, ts);
        j.active_order
    }

    pub(super) fn journal_event(
        &mut self,
        order: u64,
        ts: UnixNanos,
        kind: OrderEventKind,
        reason: Option<Text>,
    ) {
        if let Some(j) = &mut self.journal {
            j.event(order, ts, kind, reason);
        }
    }

    /// Fills of the active order are booked: `filled`, then no order is active.
    pub(super) fn journal_filled(&mut self, ts: UnixNanos, fills_before: usize) {
        if let Some(j) = &mut self.journal {
            if j.fills() > fills_before {
                j.event(j.active_order, ts, OrderEventKind::Filled, None);
            }
            j.active_order = 0;
        }
    }

    /// `order`'s fills are booked next, in a bar that opened at `at` (or, for a session-close
    /// flatten, at that close): the time their latency is measured to.
    pub(super) fn journal_activate(&mut self, order: u64, at: UnixNanos) -> usize {
        match &mut self.journal {
            Some(j) => {
                j.active_order = order;
                j.fill_at = at;
                j.fills()
            }
            None => 0,
        }
    }

    /// The active order's opening part is refused: an order event, and a veto naming the rule.
    pub(super) fn journal_reject(
        &mut self,
        ts: UnixNanos,
        rule: &'static str,
        values: Option<(domain::Money, domain::Money)>,
    ) {
        if let Some(j) = &mut self.journal {
            let order = j.active_order;
            let reason: Text = match values {
                Some((observed, limit)) => {
                    format!("{rule}: {observed} available, {limit} needed").into()
                }
                None => rule.into(),
            };
            j.event(order, ts, OrderEventKind::Rejected, Some(reason));
            let signal = Some(j.signal_of(order)).filter(|s| *s != 0);
            if let (Some(s), Some((observed, limit))) = (signal, values) {
                j.veto(s, ts, rule, observed, limit);
            }
        }
    }

    pub(super) fn journal_breach(&mut self, daily_loss: bool) {
        if let Some(j) = &mut self.journal {
            j.breach(daily_loss);
        }
    }

    /// Orders still working when the data ends expire; the ledger is built.
    pub(super) fn journal_finish(
        &self,
        mut j: Recorder,
        end: UnixNanos,
    ) -> Result<JournalTape, Overflow> {
        for w in &self.working {
            j.event(
                w.id,
                end,
                OrderEventKind::Expired,
                Some("data ended".into()),
            );
        }
        let last_close = j.last_close.unwrap_or(end);
        Ok(j.finish(self.snapshot(last_close)?))
    }
}

/// `book` now, as a snapshot stamped `ts`.
fn snapshot_of(book: &Portfolio, ts: UnixNanos) -> Result<AccountSnapshot, Overflow> {
    Ok(AccountSnapshot {
        ts,
        cash: book.cash(),
        equity: book.equity()?,
        unrealized: book.unrealized()?,
        realized: book.realized(),
    })
}

/// The side that closes a position of sign `raw`.
pub(super) fn closing_side(raw: i64) -> Side {
    if raw > 0 { Side::Sell } else { Side::Buy }
}
