//! [`BrokerRoute`]: a session's orders sent to a [`Broker`], and what the broker did recorded.
//!
//! Each [`Route::sync`], in this order:
//! 1. every order sent and not final is read back; a new state is an order event;
//! 2. the broker's fills since the last read are booked ([`super::book`]) under the engine's
//!    order id, each once (by the broker's fill id);
//! 3. every engine order not yet sent is sent ([`super::ticket`]), after a lookup by its
//!    `client_order_id` when it may have been sent before (a restart, a failed attempt).
//!
//! **Nothing twice, nothing lost.** What was recorded lives in the route until the loop
//! stores the journal it returns; a transport error ends the sync with
//! [`LiveError::Broker`] and the next sync (or the next start, after [`Route::resume`]) does
//! the rest: an order is looked up before it is sent again, and fills already in the stored
//! journal are counted off per order before new ones are booked.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use domain::journal::{Journal, JournalFill, OrderEvent, OrderEventKind, OrderRecord, QtyRule};
use domain::{Price, Quantity, UnixNanos};
use providers::broker::{Broker, BrokerError, BrokerOrder, OrderTicket};
use tokio::runtime::Runtime;

use super::Route;
use super::book::{Book, Execution};
use super::ticket;
use crate::LiveError;

/// An order the broker holds for us.
#[derive(Debug, Clone)]
struct Held {
    broker_id: String,
    /// No more events or fills can come.
    done: bool,
}

/// The route over a [`Broker`]; see the module docs.
pub struct BrokerRoute {
    broker: Box<dyn Broker>,
    runtime: Runtime,
    session: String,
    /// Engine order id → the broker's order.
    held: HashMap<u64, Held>,
    /// Broker order id (entries and their legs) → engine order id.
    by_broker_id: HashMap<String, u64>,
    /// Engine orders settled without a broker order (refused, nothing to close, …).
    settled: HashSet<u64>,
    /// Engine orders to look up by `client_order_id` before sending: everything after a
    /// resume, and any whose submit failed.
    look_up_first: bool,
    tried: HashSet<u64>,
    last_kind: HashMap<u64, OrderEventKind>,
    events: Vec<OrderEvent>,
    fills: Vec<JournalFill>,
    book: Book,
    /// Broker fill ids booked in this process.
    seen_fills: HashSet<String>,
    /// Fills per engine order already in the stored journal, not yet matched to the broker's.
    recorded: HashMap<u64, usize>,
    /// Read fills after this broker time (`None`: all).
    fills_after: Option<UnixNanos>,
    payloads: HashMap<u64, Arc<str>>,
    /// Set when something new is recorded; cleared when a journal is returned.
    dirty: bool,
    /// The engine's journal at the last sync: what a cancel between syncs builds on, and what
    /// tells whether the engine's part changed.
    engine: Option<Journal>,
}

impl BrokerRoute {
    /// A route for session `session` over `broker`, with a current-thread runtime of its own.
    pub fn new(broker: Box<dyn Broker>, session: &str) -> Result<Self, LiveError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LiveError::Broker {
                broker: broker.name().to_owned(),
                message: format!("cannot start its runtime: {e}"),
            })?;
        Ok(Self {
            broker,
            runtime,
            session: session.to_owned(),
            held: HashMap::new(),
            by_broker_id: HashMap::new(),
            settled: HashSet::new(),
            look_up_first: false,
            tried: HashSet::new(),
            last_kind: HashMap::new(),
            events: vec![],
            fills: vec![],
            book: Book::default(),
            seen_fills: HashSet::new(),
            recorded: HashMap::new(),
            fills_after: None,
            payloads: HashMap::new(),
            dirty: false,
            engine: None,
        })
    }

    /// Back to a route that has recorded nothing.
    fn forget(&mut self) {
        self.held.clear();
        self.by_broker_id.clear();
        self.settled.clear();
        self.look_up_first = false;
        self.tried.clear();
        self.last_kind.clear();
        self.events.clear();
        self.fills.clear();
        self.book = Book::default();
        self.seen_fills.clear();
        self.recorded.clear();
        self.fills_after = None;
        self.payloads.clear();
        self.dirty = false;
        self.engine = None;
    }

    fn err(&self, e: BrokerError) -> LiveError {
        LiveError::Broker {
            broker: self.broker.name().to_owned(),
            message: e.to_string(),
        }
    }

    fn event(
        &mut self,
        order_id: u64,
        ts: UnixNanos,
        kind: OrderEventKind,
        reason: Option<String>,
    ) {
        self.events.push(OrderEvent {
            order_id,
            ts,
            kind,
            reason,
        });
        self.last_kind.insert(order_id, kind);
        self.dirty = true;
    }

    /// Records `o`'s state for engine order `id` when it is news.
    fn observe(&mut self, id: u64, o: &BrokerOrder) {
        self.by_broker_id.insert(o.id.clone(), id);
        for leg in &o.legs {
            self.by_broker_id.insert(leg.id.clone(), id);
        }
        if !self.last_kind.contains_key(&id) {
            let at = o.submitted_at.unwrap_or(o.created_at);
            self.event(id, at, OrderEventKind::Submitted, None);
        }
        if let Some(kind) = o.status.journal_kind()
            && self.last_kind.get(&id) != Some(&kind)
        {
            self.event(id, o.updated_at.max(o.created_at), kind, None);
        }
        self.held.insert(
            id,
            Held {
                broker_id: o.id.clone(),
                done: o.status.is_final() && o.legs.iter().all(|l| l.status.is_final()),
            },
        );
    }

    /// Our orders the broker holds that are not final, by engine order id: (id, broker id).
    fn not_final(&self) -> Vec<(u64, String)> {
        let mut open: Vec<(u64, String)> = (self.held.iter())
            .filter(|(_, h)| !h.done)
            .map(|(id, h)| (*id, h.broker_id.clone()))
            .collect();
        open.sort();
        open
    }

    /// Step 1: reads back every order not final.
    fn poll_open(&mut self) -> Result<(), LiveError> {
        let open = self.not_final();
        for (id, broker_id) in open {
            let found = self.runtime.block_on(self.broker.order(&broker_id));
            match found.map_err(|e| self.err(e))? {
                Some(o) => self.observe(id, &o),
                None => {
                    return Err(self.err(BrokerError::InvalidTicket(format!(
                        "the broker no longer knows order {broker_id} (engine order {id})"
                    ))));
                }
            }
        }
        Ok(())
    }

    /// Step 2: books the broker's new fills of our orders.
    fn read_fills(&mut self, engine: &Journal) -> Result<(), LiveError> {
        let after = self.fills_after;
        let fills = self.runtime.block_on(self.broker.fills(after));
        let fills = fills.map_err(|e| self.err(e))?;
        for f in fills {
            // Read again from just before the latest fill, so that a fill stamped the same
            // instant and reported later is not skipped; its id keeps it from counting twice.
            let before = UnixNanos::new(f.ts.as_i64().saturating_sub(1));
            self.fills_after = Some(self.fills_after.map_or(before, |a| a.max(before)));
            if self.seen_fills.contains(&f.id) {
                continue;
            }
            let Some(&order_id) = self.by_broker_id.get(&f.order_id) else {
                continue; // another session's, or the account's own
            };
            self.seen_fills.insert(f.id.clone());
            if let Some(n) = self.recorded.get_mut(&order_id).filter(|n| **n > 0) {
                *n -= 1; // in the stored journal already
                continue;
            }
            let order = engine_order(engine, order_id);
            let signal = order
                .and_then(|o| o.signal_id)
                .and_then(|s| engine.signals.iter().find(|r| r.id == s));
            let booked = self.book.book(&Execution {
                order_id,
                symbol: &f.symbol,
                side: f.side,
                qty: f.qty,
                price: f.price,
                ts: f.ts,
                reference: signal.and_then(|s| s.reference_price),
                signal_ts: signal.map(|s| s.ts),
                reason: order.map_or("broker".into(), |o| o.reason.clone()),
            });
            let booked = booked.map_err(|m| self.err(BrokerError::InvalidTicket(m)))?;
            self.fills.extend(booked);
            self.dirty = true;
        }
        Ok(())
    }

    /// Step 3: sends the engine's orders the broker has not seen.
    fn send_new(&mut self, engine: &Journal, now: UnixNanos) -> Result<(), LiveError> {
        for order in &engine.orders {
            let id = order.id;
            if self.held.contains_key(&id) || self.settled.contains(&id) {
                continue;
            }
            let reference = reference_price(engine, order);
            let parent = order.parent_id.and_then(|p| engine_order(engine, p));
            let parent_ref = parent.and_then(|p| reference_price(engine, p));
            if ticket::is_broker_leg(order, parent, parent_ref) {
                // The broker works this exit as a leg of its entry; its fills come under the
                // entry's legs.
                self.settled.insert(id);
                continue;
            }
            if self.tried.contains(&id) && self.adopt(id)? {
                continue;
            }
            let qty = match self.quantity(engine, order) {
                Ok(Some(q)) => q,
                Ok(None) => continue, // not sized yet
                Err(why) => {
                    self.event(id, now, OrderEventKind::Rejected, Some(why));
                    self.settled.insert(id);
                    continue;
                }
            };
            let t = match ticket::ticket(&self.session, order, qty, reference) {
                Ok(t) => t,
                Err(why) => {
                    self.event(id, now, OrderEventKind::Rejected, Some(why));
                    self.settled.insert(id);
                    continue;
                }
            };
            if let Some(p) = self.broker.ticket_payload(&t) {
                self.payloads.insert(id, p.into());
            }
            if let Some(parent) = order.parent_id {
                self.cancel_legs_of(parent)?;
            }
            self.submit(id, &t, now)?;
        }
        Ok(())
    }

    /// Looks engine order `id` up by its `client_order_id`; true when the broker holds it (now
    /// recorded) or it was refused before (settled, never resent).
    fn adopt(&mut self, id: u64) -> Result<bool, LiveError> {
        let cid = ticket::client_order_id(&self.session, id);
        let found = self.runtime.block_on(self.broker.order_by_client_id(&cid));
        if let Some(o) = found.map_err(|e| self.err(e))? {
            self.observe(id, &o);
            return Ok(true);
        }
        if matches!(self.last_kind.get(&id), Some(OrderEventKind::Rejected)) {
            self.settled.insert(id);
            return Ok(true);
        }
        Ok(false)
    }

    fn submit(&mut self, id: u64, t: &OrderTicket, now: UnixNanos) -> Result<(), LiveError> {
        self.tried.insert(id);
        let sent = self.runtime.block_on(self.broker.submit(t));
        match sent {
            Ok(o) => {
                self.observe(id, &o);
                Ok(())
            }
            Err(BrokerError::Rejected { message, .. }) => {
                self.event(id, now, OrderEventKind::Rejected, Some(message));
                self.settled.insert(id);
                Ok(())
            }
            Err(BrokerError::InvalidTicket(why)) => {
                self.event(id, now, OrderEventKind::Rejected, Some(why));
                self.settled.insert(id);
                Ok(())
            }
            Err(e) => Err(self.err(e)),
        }
    }

    /// Before an exit of entry `parent` is sent: the broker's open legs of that entry are
    /// canceled, or they would hold the shares the exit sells (and fire after it).
    fn cancel_legs_of(&mut self, parent: u64) -> Result<(), LiveError> {
        let Some(h) = self.held.get(&parent).cloned() else {
            return Ok(());
        };
        let order = self.runtime.block_on(self.broker.order(&h.broker_id));
        let Some(order) = order.map_err(|e| self.err(e))? else {
            return Ok(());
        };
        for leg in order.legs.iter().filter(|l| !l.status.is_final()) {
            match self.runtime.block_on(self.broker.cancel(&leg.id)) {
                // Gone already, or filled: its fill is read with the others.
                Ok(()) | Err(BrokerError::Rejected { .. }) => {}
                Err(BrokerError::Provider(providers::ProviderError::NotFound { .. })) => {}
                Err(e) => return Err(self.err(e)),
            }
        }
        Ok(())
    }

    /// The quantity to send for `order`: its own, the live position for a close, or for a
    /// sized entry the quantity the engine's model filled (the engine sizes at its fill; the
    /// journal keeps no size before). `Ok(None)`: not known yet.
    fn quantity(&self, engine: &Journal, order: &OrderRecord) -> Result<Option<Quantity>, String> {
        match order.qty_rule {
            QtyRule::Exact => order
                .quantity
                .map(Some)
                .ok_or_else(|| "an exact order without its quantity".to_owned()),
            QtyRule::Close => {
                let pos = self.book.position(&order.symbol).qty;
                let wants_buy = order.side == domain::journal::OrderSide::Buy;
                if pos.is_zero() || wants_buy != pos.is_negative() {
                    return Err(format!(
                        "no live {} position in {} to close",
                        if wants_buy { "short" } else { "long" },
                        order.symbol
                    ));
                }
                Ok(Some(pos.abs()))
            }
            QtyRule::Sized => {
                let filled = engine
                    .fills
                    .iter()
                    .filter(|f| f.order_id == order.id)
                    .try_fold(Quantity::ZERO, |a, f| a.checked_add(f.quantity));
                let filled = filled.ok_or("the engine's sized quantity overflows")?;
                let done = engine.order_events.iter().any(|e| {
                    e.order_id == order.id
                        && matches!(
                            e.kind,
                            OrderEventKind::Filled
                                | OrderEventKind::Canceled
                                | OrderEventKind::Expired
                                | OrderEventKind::Rejected
                        )
                });
                match (done, filled.is_zero()) {
                    (false, _) => Ok(None),
                    (true, false) => Ok(Some(filled)),
                    (true, true) => {
                        Err("the engine settled it unfilled, before it was sized".into())
                    }
                }
            }
        }
    }

    /// The live journal: the engine's decisions with the broker's events and fills.
    fn journal(&self, engine: &Journal) -> Journal {
        let mut orders = engine.orders.clone();
        for o in &mut orders {
            if let Some(p) = self.payloads.get(&o.id) {
                o.payload = Some(p.clone());
            }
        }
        let mut j = Journal {
            signals: engine.signals.clone(),
            vetoes: engine.vetoes.clone(),
            orders,
            order_events: self.events.clone(),
            fills: self.fills.clone(),
            ledger: vec![],
            snapshots: engine.snapshots.clone(),
            risk_days: engine.risk_days.clone(),
        };
        j.ledger = backtest::journal::ledger::round_trips(&j);
        j
    }

    /// The journal when anything changed since the last one returned.
    fn changed(&mut self, engine: &Journal) -> Option<Journal> {
        if !self.dirty && self.engine.as_ref() == Some(engine) {
            return None;
        }
        self.dirty = false;
        self.engine = Some(engine.clone());
        Some(self.journal(engine))
    }
}

fn engine_order(engine: &Journal, id: u64) -> Option<&OrderRecord> {
    // Ids are 1.. in order; fall back to a search for a journal that is not.
    id.checked_sub(1)
        .and_then(|k| engine.orders.get(k as usize))
        .filter(|o| o.id == id)
        .or_else(|| engine.orders.iter().find(|o| o.id == id))
}

fn reference_price(engine: &Journal, order: &OrderRecord) -> Option<Price> {
    let s = order.signal_id?;
    engine.signals.iter().find(|r| r.id == s)?.reference_price
}

impl Route for BrokerRoute {
    fn resume(&mut self, stored: &Journal) -> Result<(), LiveError> {
        // From the record alone: a route resumed again holds nothing of its earlier life.
        self.forget();
        for e in &stored.order_events {
            self.last_kind.insert(e.order_id, e.kind);
        }
        for f in &stored.fills {
            *self.recorded.entry(f.order_id).or_default() += 1;
            self.book
                .rebook(f)
                .map_err(|m| self.err(BrokerError::InvalidTicket(m)))?;
        }
        for o in &stored.orders {
            if let Some(p) = &o.payload {
                self.payloads.insert(o.id, p.clone());
            }
        }
        // Fills cannot precede the first order the broker accepted.
        self.fills_after = stored
            .order_events
            .iter()
            .map(|e| e.ts)
            .min()
            .map(|t| UnixNanos::new(t.as_i64().saturating_sub(1)));
        self.events = stored.order_events.clone();
        self.fills = stored.fills.clone();
        // Even with nothing stored: a loop killed between a submit and the store's write left
        // no trace of the order but at the broker.
        self.look_up_first = true;
        Ok(())
    }

    fn sync(&mut self, engine: &Journal, now: UnixNanos) -> Result<Option<Journal>, LiveError> {
        if self.look_up_first {
            // After a restart, every order is looked up by its `client_order_id` first, so
            // that none is sent twice and the broker ids are known before the fills are read.
            for o in &engine.orders {
                if !self.held.contains_key(&o.id) && !self.settled.contains(&o.id) {
                    self.adopt(o.id)?;
                }
            }
            self.look_up_first = false;
        }
        self.poll_open()?;
        self.read_fills(engine)?;
        self.send_new(engine, now)?;
        Ok(self.changed(engine))
    }

    fn cancel_open(&mut self, _now: UnixNanos) -> Result<Option<Journal>, LiveError> {
        let open = self.not_final();
        for (_, broker_id) in &open {
            match self.runtime.block_on(self.broker.cancel(broker_id)) {
                // Filled meanwhile: the read-back below records it.
                Ok(()) | Err(BrokerError::Rejected { .. }) => {}
                Err(e) => return Err(self.err(e)),
            }
        }
        self.poll_open()?;
        let engine = self.engine.clone().unwrap_or_default();
        self.read_fills(&engine)?;
        if !self.dirty {
            return Ok(None);
        }
        self.dirty = false;
        Ok(Some(self.journal(&engine)))
    }
}
