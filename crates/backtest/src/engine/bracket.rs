//! Bracket exits: the stop and take-profit levels set when an entry fills, and the exit when a
//! bar reaches one ([`crate::IntrabarPolicy`] decides a bar that reaches both). A level beyond
//! the largest price is an [`Overflow`] naming the setting.

use domain::{Bar, Price, UnixNanos};

use super::{ActiveBracket, Engine};
use crate::config::IntrabarPolicy;
use crate::models::FillAt;
use crate::order::{Bracket, Offset, OrderKind, OrderRequest, Reason, Side};
use crate::overflow::Overflow;

/// Where a bar fills each bracket leg: (stop, take-profit).
type Legs<'a> = dyn Fn(&Bar) -> (Option<FillAt>, Option<FillAt>) + 'a;

impl ActiveBracket {
    /// The levels of `b` around an entry at `entry`, computed before the entry is booked so that
    /// a level beyond the largest price leaves nothing half done. `source` prefixes the setting
    /// in that error (`risk.` for an agent's own limits).
    pub(super) fn new(
        side: Side,
        entry: Price,
        b: Bracket,
        active_from: UnixNanos,
        source: &str,
    ) -> Result<Self, Overflow> {
        let level = |o: Option<Offset>, toward_loss| match o {
            Some(o) => leg(o, entry, side, toward_loss, source).map(Some),
            None => Ok(None),
        };
        Ok(Self {
            stop: level(b.stop_loss, true)?,
            take_profit: level(b.take_profit, false)?,
            active_from,
        })
    }
}

impl Engine {
    /// Exits the position if `bar` reached a bracket leg; see [`IntrabarPolicy`] for a bar that
    /// reached both.
    pub(super) fn check_bracket(
        &mut self,
        i: usize,
        bar: &Bar,
        open: UnixNanos,
        close: UnixNanos,
    ) -> Result<(), Overflow> {
        let Some(b) = self.symbols[i].bracket else {
            return Ok(());
        };
        let pos = self.book.position(i).qty;
        if b.active_from > open || pos.is_zero() {
            return Ok(());
        }
        let exit = if pos.raw() > 0 { Side::Sell } else { Side::Buy };
        let legs = |bar: &Bar| {
            (
                b.stop
                    .and_then(|p| self.fill_model.fill(exit, OrderKind::Stop(p), bar)),
                b.take_profit
                    .and_then(|p| self.fill_model.fill(exit, OrderKind::Limit(p), bar)),
            )
        };
        let (reason, at) = match legs(bar) {
            (None, None) => return Ok(()),
            (Some(s), None) => (Reason::StopLoss, s),
            (None, Some(t)) => (Reason::TakeProfit, t),
            (Some(s), Some(t)) if s.at_open || t.at_open => {
                if s.at_open {
                    (Reason::StopLoss, s)
                } else {
                    (Reason::TakeProfit, t)
                }
            }
            (Some(s), Some(t)) => {
                self.counts.intrabar_ambiguous += 1;
                match self.cfg.intrabar {
                    IntrabarPolicy::StopFirst => (Reason::StopLoss, s),
                    IntrabarPolicy::TakeProfitFirst => (Reason::TakeProfit, t),
                    IntrabarPolicy::FinerBars => {
                        match self.first_leg_in_finer_bars(i, open, close, &legs) {
                            Some(hit) => hit,
                            None => {
                                self.counts.finer_fallbacks += 1;
                                (Reason::StopLoss, s)
                            }
                        }
                    }
                }
            }
        };
        let price = if reason == Reason::StopLoss {
            self.slippage.apply(exit, at.price)?
        } else {
            at.price
        };
        if self.journal.is_none() {
            return self.book_fill(i, exit, pos.abs(), price, bar.ts, reason);
        }
        // The leg that fired, as an order on the entry that armed it.
        let leg = OrderRequest::close(crate::SymbolId(i as u32)).because(reason);
        let leg = match (reason, b.stop, b.take_profit) {
            (Reason::StopLoss, Some(p), _) => leg.stop(p),
            (_, _, Some(p)) => leg.limit(p),
            _ => leg,
        };
        let id = self.journal_engine_order(OrderRequest { side: exit, ..leg }, bar.ts);
        let before = self.journal_activate(id, open);
        self.book_fill(i, exit, pos.abs(), price, bar.ts, reason)?;
        self.journal_filled(bar.ts, before);
        Ok(())
    }

    /// The first finer bar inside `[open, close)` that reaches a leg decides; a finer bar that
    /// reaches both is still ambiguous, and the stop is taken.
    fn first_leg_in_finer_bars(
        &self,
        i: usize,
        open: UnixNanos,
        close: UnixNanos,
        legs: &Legs<'_>,
    ) -> Option<(Reason, FillAt)> {
        let fine = self.symbols[i]
            .finer
            .iter()
            .filter(|b| b.ts >= open && b.ts < close);
        for fb in fine {
            match legs(fb) {
                (Some(s), _) => return Some((Reason::StopLoss, s)),
                (None, Some(t)) => return Some((Reason::TakeProfit, t)),
                (None, None) => {}
            }
        }
        None
    }
}

/// A bracket leg's level, or the error naming the setting (after `source`) when it lies beyond
/// the largest price.
fn leg(
    o: Offset,
    entry: Price,
    side: Side,
    toward_loss: bool,
    source: &str,
) -> Result<Price, Overflow> {
    o.level(entry, side, toward_loss).ok_or_else(|| {
        let name = if toward_loss {
            "stop_loss"
        } else {
            "take_profit"
        };
        Overflow::price(format_args!(
            "{source}{} from an entry at {entry}",
            o.setting(name)
        ))
    })
}
