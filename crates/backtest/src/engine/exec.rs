//! Orders meet bars: submitting requests, filling working orders, bracket exits, sizing at the
//! fill price, and booking each fill into the portfolio and the trade list.

use domain::{Bar, Money, Price, Quantity, UnixNanos};

use super::{ActiveBracket, Engine, WorkingOrder};
use crate::config::IntrabarPolicy;
use crate::event::SymbolId;
use crate::models::FillAt;
use crate::order::{Bracket, OrderKind, OrderQty, OrderRequest, Reason, Side};
use crate::result::{Action, Fill};
use crate::sizing::{SizingInput, affordable};

/// Where a bar fills each bracket leg: (stop, take-profit).
type Legs<'a> = dyn Fn(&Bar) -> (Option<FillAt>, Option<FillAt>) + 'a;

impl Engine {
    /// Moves the strategy's requests into the working list, decided at `now`.
    pub(super) fn submit(&mut self, now: UnixNanos) {
        let mut out = std::mem::take(&mut self.out);
        for mut req in out.drain(..) {
            if req.symbol.index() >= self.cfg.symbols.len() {
                self.counts.rejected += 1;
                continue;
            }
            if req.kind == OrderKind::Cancel {
                self.working.retain(|w| w.request.symbol != req.symbol);
                continue;
            }
            self.counts.orders += 1;
            let exit_only = req.qty == OrderQty::ClosePosition;
            if self.risk.halted() && !exit_only {
                self.counts.rejected += 1;
                continue;
            }
            if !exit_only && req.bracket.is_none() {
                req.bracket = self.default_bracket;
            }
            self.working.push(WorkingOrder {
                request: req,
                decided_at: now,
            });
        }
        self.out = out;
    }

    /// Queues a market close of every open position (risk rules), dropping other working orders.
    pub(super) fn close_everything(&mut self, now: UnixNanos, reason: Reason) {
        self.working.clear();
        for i in 0..self.cfg.symbols.len() {
            if !self.book.position(i).qty.is_zero() {
                self.counts.orders += 1;
                self.working.push(WorkingOrder {
                    request: OrderRequest::close(SymbolId(i as u32)).because(reason),
                    decided_at: now,
                });
            }
        }
    }

    /// Fills symbol `i`'s working orders that were decided by the time `bar` opened, in the
    /// order they were placed; orders the bar does not reach stay working.
    pub(super) fn fill_working(&mut self, i: usize, bar: &Bar, open: UnixNanos) {
        let mut k = 0;
        while k < self.working.len() {
            let w = self.working[k];
            if w.request.symbol.index() != i || w.decided_at > open {
                k += 1;
                continue;
            }
            let req = w.request;
            let pos = self.book.position(i).qty;
            let side = match req.qty {
                OrderQty::ClosePosition if pos.is_zero() => {
                    self.working.remove(k);
                    continue;
                }
                OrderQty::ClosePosition if pos.raw() > 0 => Side::Sell,
                OrderQty::ClosePosition => Side::Buy,
                _ => req.side,
            };
            let Some(at) = self.fill_model.fill(side, req.kind, bar) else {
                k += 1;
                continue;
            };
            self.working.remove(k);
            let price = match req.kind {
                OrderKind::Limit(_) => at.price,
                _ => self.slippage.apply(side, at.price),
            };
            self.execute(i, side, &req, price, at.at_open, bar.ts, open);
        }
    }

    /// Executes one order at `price`: closes the opposite position first, then opens or adds
    /// what the quantity rule, cash and limits allow.
    #[allow(clippy::too_many_arguments)]
    fn execute(
        &mut self,
        i: usize,
        side: Side,
        req: &OrderRequest,
        price: Price,
        at_open: bool,
        ts: UnixNanos,
        open: UnixNanos,
    ) {
        let pos = self.book.position(i).qty;
        let opposite = match side {
            Side::Buy if pos.raw() < 0 => pos.abs(),
            Side::Sell if pos.raw() > 0 => pos,
            _ => Quantity::ZERO,
        };
        let (close_qty, open_req) = match req.qty {
            OrderQty::ClosePosition => (opposite, None),
            OrderQty::Exact(q) => {
                let c = q.min(opposite);
                (c, Some(q - c).filter(|r| r.raw() > 0))
            }
            OrderQty::Sized => (opposite, Some(Quantity::ZERO)),
        };
        if close_qty.raw() > 0 {
            self.book_fill(i, side, close_qty, price, ts, req.reason);
        }
        let Some(explicit) = open_req else {
            return;
        };
        if side == Side::Sell && !self.cfg.allow_short {
            if req.qty != OrderQty::Sized || close_qty.is_zero() {
                self.counts.rejected += 1;
            }
            return;
        }
        let bracket = req.bracket.filter(|b| !b.is_empty());
        let stop = bracket
            .and_then(|b| b.stop_loss)
            .map(|o| o.level(price, side, true));
        let want = if req.qty == OrderQty::Sized {
            self.sized(side, price, stop)
        } else {
            explicit
        };
        let q = self.cap(i, side, want, price);
        if q.is_zero() {
            self.counts.rejected += 1;
            return;
        }
        self.book_fill(i, side, q, price, ts, req.reason);
        if let Some(b) = bracket {
            self.arm_bracket(i, side, price, b, if at_open { open } else { open.plus(1) });
        }
    }

    fn sized(&self, side: Side, price: Price, stop: Option<Price>) -> Quantity {
        let equity = self.book.equity();
        let input = SizingInput {
            price,
            equity,
            budget: match side {
                Side::Buy => self.book.cash(),
                Side::Sell => equity,
            },
            stop_distance: stop.map(|s| (price - s).abs()),
        };
        self.cfg
            .sizing
            .target(&input, self.cfg.quantity)
            .unwrap_or(Quantity::ZERO)
    }

    /// Caps an opening quantity by the position limit and by what cash (buys) or equity
    /// (shorts, as collateral) can carry including the fee. No margin: cash never goes negative
    /// through an opening fill.
    fn cap(&self, i: usize, side: Side, want: Quantity, price: Price) -> Quantity {
        let mode = self.cfg.quantity;
        let mut q = mode.round_down(want);
        let equity = self.book.equity();
        let held = price.notional(self.book.position(i).qty.abs());
        if let Some(max) = self.cfg.risk.max_position_pct {
            let room = max.of_money(equity) - held;
            q = q.min(room.max_quantity(price, mode.step()));
        }
        let budget = match side {
            Side::Buy => self.book.cash(),
            Side::Sell => equity - held,
        };
        affordable(q, price, budget, self.fees.as_ref(), mode)
    }

    fn arm_bracket(
        &mut self,
        i: usize,
        side: Side,
        entry: Price,
        b: Bracket,
        active_from: UnixNanos,
    ) {
        self.symbols[i].bracket = Some(ActiveBracket {
            stop: b.stop_loss.map(|o| o.level(entry, side, true)),
            take_profit: b.take_profit.map(|o| o.level(entry, side, false)),
            active_from,
        });
    }

    /// Books one fill that does not cross zero.
    pub(super) fn book_fill(
        &mut self,
        i: usize,
        side: Side,
        qty: Quantity,
        price: Price,
        ts: UnixNanos,
        reason: Reason,
    ) {
        let before = self.book.position(i).qty;
        let delta = match side {
            Side::Buy => qty,
            Side::Sell => -qty,
        };
        let fee = self.fees.commission(price, qty);
        let pnl = self.book.apply_fill(i, delta, price, fee);
        let action = match side {
            Side::Buy if before.raw() < 0 => Action::Cover,
            Side::Buy => Action::Buy,
            Side::Sell if before.raw() > 0 => Action::Sell,
            Side::Sell => Action::Short,
        };
        self.counts.fills += 1;
        if let Some(p) = pnl {
            self.counts.closing_fills += 1;
            if p > Money::ZERO {
                self.counts.winning += 1;
            } else if p < Money::ZERO {
                self.counts.losing += 1;
            }
        }
        if self.book.position(i).qty.is_zero() {
            self.symbols[i].bracket = None;
        }
        self.fills.push(Fill {
            timestamp: ts,
            symbol: self.cfg.symbols[i].clone(),
            action,
            quantity: qty,
            price,
            commission: fee,
            pnl,
            reason: reason.as_str().to_owned(),
        });
    }

    /// Exits the position if `bar` reached a bracket leg; see [`IntrabarPolicy`] for a bar that
    /// reached both.
    pub(super) fn check_bracket(&mut self, i: usize, bar: &Bar, open: UnixNanos, close: UnixNanos) {
        let Some(b) = self.symbols[i].bracket else {
            return;
        };
        let pos = self.book.position(i).qty;
        if b.active_from > open || pos.is_zero() {
            return;
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
            (None, None) => return,
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
            self.slippage.apply(exit, at.price)
        } else {
            at.price
        };
        self.book_fill(i, exit, pos.abs(), price, bar.ts, reason);
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
