//! The journal as the engine writes it: one small fixed-size entry per signal, order, order
//! event and fill (48, 64, 24 and 96 bytes instead of the 150–210 of the rows; an order's
//! `submitted` and `accepted` are implied by the order, at its place; a snapshot is 48 bytes,
//! its cash and realized P&L kept once per fill that moved them), with symbols,
//! texts and text lists kept once in tables and named by index. A journal's cost is the memory
//! its records fill (each new page is a fault, each new line a miss), so the engine writes
//! this, and [`JournalTape::journal`] turns it into the [`Journal`] of rows that the store and
//! the views read, with the trade ledger built from its fills.
//!
//! Absent values are sentinels in the entries ([`NONE`]: no price, quantity or latency;
//! [`NONE_MONEY`]: no P&L); index 0 of the list table is the empty list and text index 0 is no
//! text. Nothing here can fail: an index out of its table (never written by the recorder) reads
//! as empty.

use std::sync::Arc;

use domain::journal::*;
use domain::{Action, Money, Price, Quantity, Symbol, UnixNanos};

use super::ledger::Ledger;

/// No price, quantity, slippage or latency.
pub(crate) const NONE: i64 = i64::MIN;
/// No P&L.
pub(crate) const NONE_MONEY: i128 = i128::MIN;

fn some(raw: i64) -> Option<i64> {
    (raw != NONE).then_some(raw)
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SignalEntry {
    pub(crate) ts: UnixNanos,
    /// [`Price`] raw, or [`NONE`].
    pub(crate) reference: i64,
    pub(crate) score: f64,
    pub(crate) passed: u32,
    pub(crate) blocked: u32,
    pub(crate) symbol: u32,
    /// 1 + index into the sessions, 0: none.
    pub(crate) session: u32,
    pub(crate) setup: u16,
    pub(crate) has_score: bool,
    pub(crate) side: OrderSide,
    pub(crate) status: SignalStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OrderEntry {
    pub(crate) ts: UnixNanos,
    /// 0: none (ids start at 1).
    pub(crate) signal: u64,
    pub(crate) parent: u64,
    /// [`Quantity`] raw for an exact quantity, or [`NONE`].
    pub(crate) quantity: i64,
    /// The limit or stop [`Price`] raw, or [`NONE`].
    pub(crate) price: i64,
    /// How many of the tape's events came before it: its `submitted` and `accepted` events
    /// (at its `ts`, every order has both) go there, so the tape does not hold them.
    pub(crate) events_before: usize,
    pub(crate) symbol: u32,
    pub(crate) legs: u32,
    pub(crate) reason: u32,
    pub(crate) side: OrderSide,
    pub(crate) qty_rule: QtyRule,
    pub(crate) order_type: OrderType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EventEntry {
    pub(crate) ts: UnixNanos,
    pub(crate) order: u64,
    pub(crate) reason: u32,
    pub(crate) kind: OrderEventKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FillEntry {
    pub(crate) fee: i128,
    /// [`Money`] raw, or [`NONE_MONEY`].
    pub(crate) pnl: i128,
    pub(crate) ts: UnixNanos,
    pub(crate) order: u64,
    pub(crate) quantity: i64,
    pub(crate) price: i64,
    pub(crate) slippage: i64,
    pub(crate) latency_ns: i64,
    pub(crate) symbol: u32,
    pub(crate) reason: u32,
    pub(crate) action: Action,
}

/// An account snapshot: the values that move at every bar, and the cash and realized P&L
/// (which move only at fills) by index into the tape's books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SnapshotEntry {
    pub(crate) equity: i128,
    pub(crate) unrealized: i128,
    pub(crate) ts: UnixNanos,
    pub(crate) book: u32,
}

/// Everything a run recorded, compact; [`JournalTape::journal`] gives the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalTape {
    pub(crate) symbols: Vec<Symbol>,
    pub(crate) setups: Vec<Arc<str>>,
    pub(crate) sessions: Vec<Arc<str>>,
    pub(crate) texts: Vec<Text>,
    pub(crate) lists: Vec<Texts>,
    pub(crate) signals: Vec<SignalEntry>,
    pub(crate) vetoes: Vec<RiskVeto>,
    pub(crate) orders: Vec<OrderEntry>,
    pub(crate) events: Vec<EventEntry>,
    pub(crate) fills: Vec<FillEntry>,
    pub(crate) snapshots: Vec<SnapshotEntry>,
    /// Cash and realized P&L as the snapshots found them, each pair once in a row.
    pub(crate) books: Vec<(Money, Money)>,
    pub(crate) risk_days: Vec<RiskDay>,
}

impl JournalTape {
    pub(crate) fn new(symbols: Vec<Symbol>) -> Self {
        Self {
            symbols,
            setups: Vec::new(),
            sessions: Vec::new(),
            texts: Vec::new(),
            lists: vec![Arc::from([])],
            signals: Vec::new(),
            vetoes: Vec::new(),
            orders: Vec::new(),
            events: Vec::new(),
            fills: Vec::new(),
            snapshots: Vec::new(),
            books: Vec::new(),
            risk_days: Vec::new(),
        }
    }

    /// Signals, orders, order events and fills recorded.
    pub fn decisions(&self) -> (usize, usize, usize, usize) {
        (
            self.signals.len(),
            self.orders.len(),
            self.events.len() + 2 * self.orders.len(),
            self.fills.len(),
        )
    }

    fn symbol(&self, i: u32) -> Symbol {
        (self.symbols.get(i as usize).cloned()).unwrap_or_else(|| Symbol::lit("?"))
    }

    fn text(&self, i: u32) -> Option<Text> {
        i.checked_sub(1)
            .and_then(|k| self.texts.get(k as usize))
            .cloned()
    }

    fn list(&self, i: u32) -> Texts {
        (self.lists.get(i as usize).cloned()).unwrap_or_else(|| Arc::from([]))
    }

    /// The journal's rows: ids from 1 in the order the engine made them, and the ledger of
    /// round trips built from the fills.
    pub fn journal(&self) -> Journal {
        let signals = self.signals.iter().enumerate();
        let orders = self.orders.iter().enumerate();
        let mut j = Journal {
            signals: signals.map(|(k, s)| self.signal(k, s)).collect(),
            vetoes: self.vetoes.clone(),
            orders: orders.map(|(k, o)| self.order(k, o)).collect(),
            order_events: self.order_events(),
            fills: self.fills.iter().map(|f| self.fill(f)).collect(),
            ledger: Vec::new(),
            snapshots: self.snapshots.iter().map(|s| self.snapshot(s)).collect(),
            risk_days: self.risk_days.clone(),
        };
        let mut ledger = Ledger::default();
        for (f, e) in j.fills.iter().zip(&self.fills) {
            let orders = &self.orders;
            ledger.add(e.symbol as usize, f, |order| {
                let o = orders.get(usize::try_from(order).ok()?.checked_sub(1)?)?;
                (o.signal != 0).then_some(o.signal)
            });
        }
        j.ledger = ledger.finish();
        j
    }

    fn signal(&self, k: usize, s: &SignalEntry) -> SignalRecord {
        SignalRecord {
            id: k as u64 + 1,
            symbol: self.symbol(s.symbol),
            ts: s.ts,
            session: (s.session.checked_sub(1))
                .and_then(|i| self.sessions.get(i as usize))
                .cloned(),
            setup: (self.setups.get(usize::from(s.setup)).cloned())
                .unwrap_or_else(|| Arc::from("")),
            side: s.side,
            score: s.has_score.then_some(s.score),
            reference_price: some(s.reference).map(Price::from_raw),
            features_ref: None,
            filters_passed: self.list(s.passed),
            filters_blocked: self.list(s.blocked),
            status: s.status,
        }
    }

    fn order(&self, k: usize, o: &OrderEntry) -> OrderRecord {
        let price = some(o.price).map(Price::from_raw);
        OrderRecord {
            id: k as u64 + 1,
            signal_id: (o.signal != 0).then_some(o.signal),
            parent_id: (o.parent != 0).then_some(o.parent),
            symbol: self.symbol(o.symbol),
            ts: o.ts,
            side: o.side,
            qty_rule: o.qty_rule,
            quantity: some(o.quantity).map(Quantity::from_raw),
            order_type: o.order_type,
            limit_price: price.filter(|_| o.order_type == OrderType::Limit),
            stop_price: price.filter(|_| o.order_type == OrderType::Stop),
            legs: self.list(o.legs),
            time_in_force: TimeInForce::Gtc,
            reason: self.text(o.reason).unwrap_or_default(),
            payload: None,
        }
    }

    /// The recorded events with each order's `submitted` and `accepted` in their place.
    fn order_events(&self) -> Vec<OrderEvent> {
        let mut out = Vec::with_capacity(self.events.len() + 2 * self.orders.len());
        let mut next = 0;
        for (k, o) in self.orders.iter().enumerate() {
            let upto = o.events_before.clamp(next, self.events.len());
            out.extend(self.events[next..upto].iter().map(|e| self.event(e)));
            next = upto;
            for kind in [OrderEventKind::Submitted, OrderEventKind::Accepted] {
                out.push(OrderEvent {
                    order_id: k as u64 + 1,
                    ts: o.ts,
                    kind,
                    reason: None,
                });
            }
        }
        out.extend(self.events[next..].iter().map(|e| self.event(e)));
        out
    }

    fn snapshot(&self, s: &SnapshotEntry) -> AccountSnapshot {
        let (cash, realized) =
            (self.books.get(s.book as usize).copied()).unwrap_or((Money::ZERO, Money::ZERO));
        AccountSnapshot {
            ts: s.ts,
            cash,
            equity: Money::from_raw(s.equity),
            unrealized: Money::from_raw(s.unrealized),
            realized,
        }
    }

    /// Adds `s`, its cash and realized P&L shared with the snapshot before when unchanged.
    pub(crate) fn push_snapshot(&mut self, s: AccountSnapshot) {
        if self.books.last() != Some(&(s.cash, s.realized)) {
            self.books.push((s.cash, s.realized));
        }
        self.snapshots.push(SnapshotEntry {
            equity: s.equity.raw(),
            unrealized: s.unrealized.raw(),
            ts: s.ts,
            book: u32::try_from(self.books.len() - 1).unwrap_or(u32::MAX),
        });
    }

    fn event(&self, e: &EventEntry) -> OrderEvent {
        OrderEvent {
            order_id: e.order,
            ts: e.ts,
            kind: e.kind,
            reason: self.text(e.reason).map(|t| t.into_owned()),
        }
    }

    fn fill(&self, f: &FillEntry) -> JournalFill {
        JournalFill {
            order_id: f.order,
            ts: f.ts,
            symbol: self.symbol(f.symbol),
            action: f.action,
            quantity: Quantity::from_raw(f.quantity),
            price: Price::from_raw(f.price),
            fee: Money::from_raw(f.fee),
            pnl: (f.pnl != NONE_MONEY).then(|| Money::from_raw(f.pnl)),
            slippage: some(f.slippage).map(Price::from_raw),
            latency_ns: some(f.latency_ns),
            reason: self.text(f.reason).unwrap_or_default(),
        }
    }
}
