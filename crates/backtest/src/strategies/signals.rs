//! Turning a view into orders, one rule for every built-in:
//!
//! - bullish: if flat or short, buy (a sized buy covers a short first);
//! - bearish: with `allow_short`, if flat or long, sell short (closing the long first);
//!   without it, close a long;
//! - exits close one side only.
//!
//! Nothing is sent while the symbol still has a working order, so a signal repeated before its
//! fill does not double up.

use crate::event::SymbolId;
use crate::journal::Text;
use crate::order::{OrderRequest, Reason, Side};
use crate::strategy::Context;

/// Whether a bullish (`Buy`) or bearish (`Sell`) view on `s` becomes an order now, by the rule
/// above: what [`bullish`] and [`bearish`] check, and what a strategy asks of an entry its
/// cooldown holds back.
#[inline]
pub fn acts(ctx: &Context<'_>, s: SymbolId, side: Side) -> bool {
    if ctx.has_working_orders(s) {
        return false;
    }
    let pos = ctx.position(s).raw();
    match side {
        Side::Buy => pos <= 0,
        Side::Sell if ctx.allow_short() => pos >= 0,
        Side::Sell => pos > 0,
    }
}

#[inline]
pub fn bullish(ctx: &Context<'_>, s: SymbolId, out: &mut Vec<OrderRequest>) {
    if acts(ctx, s, Side::Buy) {
        out.push(OrderRequest::buy(s));
    }
}

#[inline]
pub fn bearish(ctx: &Context<'_>, s: SymbolId, out: &mut Vec<OrderRequest>) {
    if acts(ctx, s, Side::Sell) {
        out.push(if ctx.allow_short() {
            OrderRequest::sell_short(s)
        } else {
            OrderRequest::close(s)
        });
    }
}

pub fn exit_long(ctx: &Context<'_>, s: SymbolId, out: &mut Vec<OrderRequest>, reason: Reason) {
    if !ctx.has_working_orders(s) && ctx.position(s).raw() > 0 {
        out.push(OrderRequest::close(s).because(reason));
    }
}

pub fn exit_short(ctx: &Context<'_>, s: SymbolId, out: &mut Vec<OrderRequest>, reason: Reason) {
    if !ctx.has_working_orders(s) && ctx.position(s).raw() < 0 {
        out.push(OrderRequest::close(s).because(reason));
    }
}

/// No new entry at the bar a position closes (by a signal or a stop, even one hit in the bar its
/// entry filled) nor in the `bars` bars after it, per symbol: level-based signals (RSI below
/// oversold, a close below the lower band) otherwise re-enter on the bar after every stop-out.
#[derive(Debug, Clone)]
pub struct Cooldown {
    bars: usize,
    /// Per symbol: held a position, or had asked for an entry, at its last bar.
    held: Vec<bool>,
    waiting: Vec<usize>,
}

impl Cooldown {
    pub fn new(bars: usize, symbols: usize) -> Self {
        Self {
            bars,
            held: vec![false; symbols],
            waiting: vec![0; symbols],
        }
    }

    /// At a bar's close, before deciding: whether `s` may not enter at this bar.
    pub fn blocks_entry(&mut self, ctx: &Context<'_>, s: SymbolId) -> bool {
        if self.bars == 0 {
            return false;
        }
        let i = s.index();
        let flat = ctx.position(s).is_zero();
        let pending = ctx.has_working_orders(s);
        if flat && !pending && self.held[i] {
            self.waiting[i] = self.bars + 1;
        }
        self.held[i] = !flat || pending;
        if flat && self.waiting[i] > 0 {
            self.waiting[i] -= 1;
            return true;
        }
        false
    }

    /// The journal's name for it, as a blocked filter.
    pub fn filter(&self) -> Text {
        format!("cooldown: {} bars after the last exit", self.bars).into()
    }

    /// After deciding: an entry asked for counts as held until it fills or is dropped.
    pub fn asked(&mut self, s: SymbolId, asked: bool) {
        if let Some(h) = self.held.get_mut(s.index()) {
            *h |= asked;
        }
    }
}

/// Detects a sign change of `fast − slow`: up when it goes from ≤ 0 to > 0, down when it goes
/// from ≥ 0 to < 0. An exact tie is neither, and the first comparison only primes the state.
#[derive(Debug, Clone, Copy, Default)]
pub struct CrossDetector {
    prev: Option<std::cmp::Ordering>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cross {
    Up,
    Down,
}

impl CrossDetector {
    #[inline]
    pub fn update(&mut self, now: Option<std::cmp::Ordering>) -> Option<Cross> {
        use std::cmp::Ordering::{Greater, Less};
        let now = now?;
        let cross = match self.prev {
            Some(p) if p != Greater && now == Greater => Some(Cross::Up),
            Some(p) if p != Less && now == Less => Some(Cross::Down),
            _ => None,
        };
        self.prev = Some(now);
        cross
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn a_tie_is_neither_side() {
        let mut c = CrossDetector::default();
        let seq = [
            (None, None),
            (Some(Less), None),
            (Some(Equal), None),
            (Some(Greater), Some(Cross::Up)),
            (Some(Greater), None),
            (Some(Equal), None),
            // 0 → positive is a cross up: "from ≤ 0 to > 0" holds bar to bar.
            (Some(Greater), Some(Cross::Up)),
            (Some(Less), Some(Cross::Down)),
            (Some(Greater), Some(Cross::Up)),
        ];
        for (input, want) in seq {
            assert_eq!(c.update(input), want, "{input:?}");
        }
    }
}
