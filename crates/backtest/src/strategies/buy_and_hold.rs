//! The benchmark: buy at the first opportunity (sized by the agent's rule) and hold to the end.
//! With several symbols and `all_cash` sizing the first symbol takes all the cash; use
//! `percent_equity` to split it.

use domain::Bar;

use super::notes::note;
use crate::event::SymbolId;
use crate::order::{OrderRequest, Side};
use crate::strategy::{Context, Strategy};

pub struct BuyAndHold {
    entered: Vec<bool>,
}

impl BuyAndHold {
    pub fn new(symbols: usize) -> Self {
        Self {
            entered: vec![false; symbols],
        }
    }
}

impl Strategy for BuyAndHold {
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, _bar: &Bar, out: &mut Vec<OrderRequest>) {
        if !std::mem::replace(&mut self.entered[s.index()], true) {
            out.push(OrderRequest::buy(s));
            if ctx.journaling() {
                let passed = "buy and hold: first tradable bar";
                ctx.note(note(s, Side::Buy, "first_bar", None, passed));
            }
        }
    }

    /// Nothing to fill: the entry waits for the first traded bar.
    fn warm_up(&mut self, _ctx: &Context<'_>, _s: SymbolId, _bar: &Bar) {}
}
