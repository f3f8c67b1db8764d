//! A strategy is a function from what it has seen to order requests (barter style).
//!
//! It is called at each bar's close with a read-only [`Context`]: the position after that bar's
//! fills, cash, equity, marks, its symbols. It has no clock, no database and no future: the
//! engine delivers only data stamped at or before the event, and whatever it asks for fills on a
//! later bar. Requests go into an out-buffer the engine owns and reuses, so a strategy that
//! does nothing allocates nothing.

use std::cell::RefCell;

use domain::{Bar, Money, Price, Quantity, SentimentRecord, Symbol, UnixNanos};

use crate::event::SymbolId;
use crate::features::{Feature, FeatureBook};
use crate::journal::SignalNote;
use crate::order::{OrderRequest, WorkingOrder};
use crate::portfolio::Portfolio;

pub trait Strategy: Send {
    /// At the close of a bar of the run's timeframe.
    fn on_bar(
        &mut self,
        ctx: &Context<'_>,
        symbol: SymbolId,
        bar: &Bar,
        orders: &mut Vec<OrderRequest>,
    );

    /// At the close of a warm-up bar ([`crate::warmup`]): before the run's first traded bar,
    /// to fill indicators. Nothing the strategy asks for here is acted on. The default calls
    /// [`Strategy::on_bar`] and drops its requests; a strategy that remembers what it asked for
    /// (an entry made once) overrides this to only update its indicators.
    fn warm_up(&mut self, ctx: &Context<'_>, symbol: SymbolId, bar: &Bar) {
        let mut dropped = Vec::new();
        self.on_bar(ctx, symbol, bar, &mut dropped);
    }

    /// When a sentiment record about one of the run's symbols arrives. Orders placed here fill
    /// on that symbol's next bar that opens at or after the record.
    fn on_sentiment(
        &mut self,
        _ctx: &Context<'_>,
        _symbol: SymbolId,
        _record: &SentimentRecord,
        _orders: &mut Vec<OrderRequest>,
    ) {
    }

    /// Counters worth reporting with the result (e.g. signals vetoed), as JSON.
    fn diagnostics(&self) -> Option<serde_json::Value> {
        None
    }
}

/// What a strategy may read. Built by the engine for each call; cheap (a few references).
pub struct Context<'a> {
    pub(crate) now: UnixNanos,
    pub(crate) symbols: &'a [Symbol],
    pub(crate) book: &'a Portfolio,
    pub(crate) working: &'a [WorkingOrder],
    pub(crate) allow_short: bool,
    pub(crate) halted: bool,
    /// The agent's features, when it asked for any.
    pub(crate) features: Option<&'a FeatureBook>,
    /// Where [`Context::note`] writes while the engine keeps a journal.
    pub(crate) notes: Option<&'a RefCell<Vec<SignalNote>>>,
}

impl<'a> Context<'a> {
    /// The time of the event being handled (a bar's close, a record's stamp).
    pub fn now(&self) -> UnixNanos {
        self.now
    }

    pub fn symbols(&self) -> &'a [Symbol] {
        self.symbols
    }

    pub fn symbol(&self, id: SymbolId) -> &'a Symbol {
        &self.symbols[id.index()]
    }

    pub fn symbol_id(&self, symbol: &Symbol) -> Option<SymbolId> {
        self.symbols
            .iter()
            .position(|s| s == symbol)
            .map(|i| SymbolId(i as u32))
    }

    /// Signed position (negative when short) after this bar's fills.
    #[inline]
    pub fn position(&self, id: SymbolId) -> Quantity {
        self.book.position(id.index()).qty
    }

    /// The last close seen for `id`.
    pub fn mark(&self, id: SymbolId) -> Option<Price> {
        self.book.position(id.index()).mark
    }

    pub fn cash(&self) -> Money {
        self.book.cash()
    }

    /// Cash plus every position at its mark; `None` when that sum is beyond what [`Money`]
    /// holds (about 1.7e21), which the engine reports as an error when it needs the value.
    pub fn equity(&self) -> Option<Money> {
        self.book.equity().ok()
    }

    /// Whether `id` has orders waiting to fill.
    #[inline]
    pub fn has_working_orders(&self, id: SymbolId) -> bool {
        self.working.iter().any(|w| w.request.symbol == id)
    }

    pub fn allow_short(&self) -> bool {
        self.allow_short
    }

    /// `id`'s value of feature `f` at its latest bar: `None` when the agent did not ask for
    /// `f` (`features: [..]`) or while it warms up.
    #[inline]
    pub fn feature(&self, id: SymbolId, f: Feature) -> Option<f64> {
        self.features?.value(id.index(), f)
    }

    /// True while the engine keeps a journal: a strategy that explains its decisions builds
    /// its [`SignalNote`]s only then, so explaining costs nothing otherwise.
    #[inline]
    pub fn journaling(&self) -> bool {
        self.notes.is_some()
    }

    /// Explains a decision of this call in the journal: matched by the engine to the order the
    /// strategy asked for on the same symbol and side (a promoted signal), or recorded as
    /// blocked (it names a blocked filter) or generated. Nothing happens without a journal.
    pub fn note(&self, note: SignalNote) {
        if let Some(n) = self.notes {
            n.borrow_mut().push(note);
        }
    }

    /// The notes of this call so far, for a strategy that wraps another to amend (a filter
    /// that drops an entry its inner strategy asked for names itself in the entry's note).
    pub fn amend_notes(&self, f: impl FnOnce(&mut Vec<SignalNote>)) {
        if let Some(n) = self.notes {
            f(&mut n.borrow_mut());
        }
    }

    /// True while a risk limit blocks new entries (exits still go through).
    pub fn trading_halted(&self) -> bool {
        self.halted
    }
}
