//! Orders meet bars: submitting requests, filling working orders, sizing at the fill price, and
//! booking each fill into the portfolio and the trade list (bracket exits are in `bracket`).
//! Each step that computes a price, quantity or amount returns `Result<_, Overflow>`.

use domain::{Bar, Money, Price, Quantity, UnixNanos};

use super::{ActiveBracket, Engine};
use crate::event::SymbolId;
use crate::order::WorkingOrder;
use crate::order::{OrderKind, OrderQty, OrderRequest, Reason, Side};
use crate::overflow::{Overflow, sub};
use crate::result::{Action, Fill};
use crate::sizing::{SizingInput, affordable};
use domain::journal::OrderEventKind;

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
                if self.journal.is_some() {
                    self.journal_cancel(Some(req.symbol.index()), now, "canceled by the strategy");
                }
                self.working.retain(|w| w.request.symbol != req.symbol);
                continue;
            }
            self.counts.orders += 1;
            let exit_only = req.qty == OrderQty::ClosePosition;
            let halted = self.risk.halted() && !exit_only;
            if !exit_only && req.bracket.is_none() {
                req.bracket = self.default_bracket;
            }
            let id = if self.journal.is_some() {
                self.journal_submit(&req, now, halted)
            } else {
                0
            };
            if halted {
                self.counts.rejected += 1;
                continue;
            }
            self.working.push(WorkingOrder {
                request: req,
                decided_at: now,
                id,
            });
        }
        self.out = out;
    }

    /// Queues a market close of every open position (risk rules), dropping other working orders.
    pub(super) fn close_everything(&mut self, now: UnixNanos, reason: Reason) {
        if self.journal.is_some() {
            self.journal_cancel(None, now, reason.as_str());
        }
        self.working.clear();
        for i in 0..self.cfg.symbols.len() {
            let pos = self.book.position(i).qty;
            if !pos.is_zero() {
                self.counts.orders += 1;
                let mut request = OrderRequest::close(SymbolId(i as u32)).because(reason);
                request.side = super::journaling::closing_side(pos.raw());
                let id = if self.journal.is_some() {
                    let id = self.journal_engine_order(request, now);
                    self.journal_activate(0, now);
                    id
                } else {
                    0
                };
                self.working.push(WorkingOrder {
                    request,
                    decided_at: now,
                    id,
                });
            }
        }
    }

    /// Fills symbol `i`'s working orders that were decided by the time `bar` opened, in the
    /// order they were placed; orders the bar does not reach stay working.
    pub(super) fn fill_working(
        &mut self,
        i: usize,
        bar: &Bar,
        open: UnixNanos,
    ) -> Result<(), Overflow> {
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
                    if self.journal.is_some() {
                        let reason = Some("no position to close".into());
                        self.journal_event(w.id, open, OrderEventKind::Canceled, reason);
                    }
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
                _ => self.slippage.apply(side, at.price)?,
            };
            if self.journal.is_some() {
                let before = self.journal_activate(w.id, open);
                self.execute(i, side, &req, price, at.at_open, bar.ts, open)?;
                self.journal_filled(bar.ts, before);
            } else {
                self.execute(i, side, &req, price, at.at_open, bar.ts, open)?;
            }
        }
        Ok(())
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
    ) -> Result<(), Overflow> {
        let pos = self.book.position(i).qty;
        // The book never holds i64::MIN, so every position has a magnitude.
        let opposite = match side {
            Side::Buy if pos.raw() < 0 => pos.abs(),
            Side::Sell if pos.raw() > 0 => pos,
            _ => Quantity::ZERO,
        };
        let (close_qty, open_req) = match req.qty {
            OrderQty::ClosePosition => (opposite, None),
            OrderQty::Exact(q) => {
                let c = q.min(opposite);
                (c, q.checked_sub(c).filter(|r| r.raw() > 0))
            }
            OrderQty::Sized => (opposite, Some(Quantity::ZERO)),
        };
        if close_qty.raw() > 0 {
            self.book_fill(i, side, close_qty, price, ts, req.reason)?;
        }
        let Some(explicit) = open_req else {
            return Ok(());
        };
        if side == Side::Sell && !self.cfg.allow_short {
            if req.qty != OrderQty::Sized || close_qty.is_zero() {
                self.counts.rejected += 1;
                if self.journal.is_some() {
                    self.journal_reject(ts, "allow_short", None);
                }
            }
            return Ok(());
        }
        let armed = match req.bracket.filter(|b| !b.is_empty()) {
            Some(b) => {
                // The agent's `risk` block, or a bracket the strategy set on the order.
                let source = if req.bracket == self.default_bracket {
                    "risk."
                } else {
                    "the order's bracket "
                };
                let from = if at_open { open } else { open.plus(1) };
                Some(ActiveBracket::new(side, price, b, from, source)?)
            }
            None => None,
        };
        let stop = armed.and_then(|a| a.stop);
        let want = if req.qty == OrderQty::Sized {
            self.sized(side, price, stop)?
        } else {
            explicit
        };
        let q = self.cap(i, side, want, price)?;
        if q.is_zero() {
            self.counts.rejected += 1;
            if self.journal.is_some() {
                self.journal_sized_to_zero(i, side, want, price, ts)?;
            }
            return Ok(());
        }
        self.book_fill(i, side, q, price, ts, req.reason)?;
        if armed.is_some() {
            self.symbols[i].bracket = armed;
        }
        Ok(())
    }

    fn sized(&self, side: Side, price: Price, stop: Option<Price>) -> Result<Quantity, Overflow> {
        let equity = self.book.equity()?;
        let stop_distance = match stop {
            Some(s) => Some(
                price
                    .checked_sub(s)
                    .and_then(Price::checked_abs)
                    .ok_or_else(|| {
                        Overflow::price(format_args!("the stop distance {price} − {s}"))
                    })?,
            ),
            None => None,
        };
        let input = SizingInput {
            price,
            equity,
            budget: match side {
                Side::Buy => self.book.cash(),
                Side::Sell => equity,
            },
            stop_distance,
        };
        Ok(self
            .cfg
            .sizing
            .target(&input, self.cfg.quantity)?
            .unwrap_or(Quantity::ZERO))
    }

    /// Caps an opening quantity by the position limit and by what cash (buys) or equity
    /// (shorts, as collateral) can carry including the fee. No margin: cash never goes negative
    /// through an opening fill.
    fn cap(
        &self,
        i: usize,
        side: Side,
        want: Quantity,
        price: Price,
    ) -> Result<Quantity, Overflow> {
        let mode = self.cfg.quantity;
        let mut q = mode.round_down(want);
        let equity = self.book.equity()?;
        let held = price.notional(self.book.position(i).qty).abs();
        if let Some(max) = self.cfg.risk.max_position_pct {
            let limit = max.of_money(equity).ok_or_else(|| {
                Overflow::money(format_args!(
                    "risk.max_position_pct: {max} of equity {equity}"
                ))
            })?;
            let room = sub(limit, held, "room under risk.max_position_pct")?;
            // Room for more than Quantity holds is no limit on `q`.
            if let Some(fit) = room.checked_max_quantity(price, mode.step()) {
                q = q.min(fit);
            }
        }
        let budget = match side {
            Side::Buy => self.book.cash(),
            Side::Sell => sub(equity, held, "collateral for a short")?,
        };
        affordable(q, price, budget, self.fees.as_ref(), mode)
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
    ) -> Result<(), Overflow> {
        let before = self.book.position(i).qty;
        let stop = self.symbols[i].bracket.and_then(|b| b.stop);
        // `qty` is positive and at most i64::MAX, so its negation fits.
        let delta = match side {
            Side::Buy => qty,
            Side::Sell => -qty,
        };
        let fee = self.fees.commission(price, qty)?;
        let pnl = self.book.apply_fill(i, delta, price, fee)?;
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
        if let Some(j) = &mut self.journal {
            let flat = self.book.position(i).qty.is_zero();
            j.fill(
                i,
                action,
                qty,
                price,
                fee,
                pnl,
                ts,
                reason.as_str(),
                stop,
                flat,
            );
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
        Ok(())
    }

    /// Why an opening quantity came to zero: cash (or collateral) or the position limit.
    #[cold]
    fn journal_sized_to_zero(
        &mut self,
        i: usize,
        side: Side,
        want: Quantity,
        price: Price,
        ts: UnixNanos,
    ) -> Result<(), Overflow> {
        let mode = self.cfg.quantity;
        let equity = self.book.equity()?;
        let held = price.notional(self.book.position(i).qty).abs();
        let budget = match side {
            Side::Buy => self.book.cash(),
            Side::Sell => sub(equity, held, "collateral for a short")?,
        };
        let need = price.notional(mode.round_down(want).max(mode.step()));
        let by_cash = affordable(
            mode.round_down(want),
            price,
            budget,
            self.fees.as_ref(),
            mode,
        )?;
        let rule = if by_cash.is_zero() || want.is_zero() {
            "buying_power"
        } else {
            "max_position"
        };
        let values = match (rule, self.cfg.risk.max_position_pct) {
            ("max_position", Some(max)) => (held, max.of_money(equity).unwrap_or(equity)),
            _ => (budget, need),
        };
        self.journal_reject(ts, rule, Some(values));
        Ok(())
    }
}
