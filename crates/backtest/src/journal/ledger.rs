//! The trade ledger: round trips (flat → flat on one symbol) built from a journal's fills, each
//! linked to the order that opened it, that order's signal, and the order that closed it.
//!
//! Opening fills (no P&L) start or add to a trip; closing fills add their P&L until the
//! quantity closed equals the quantity opened. Prices are the first entry fill's and the last
//! exit fill's (the engine opens and closes a position in one fill). A trip still open at the
//! end is listed without an exit.
//!
//! [`Ledger`] builds it fill by fill with the symbol's index (the engine's recorder, no map);
//! [`round_trips`] builds it from a finished journal.

use std::collections::HashMap;

use domain::journal::{Journal, JournalFill, OrderSide, RoundTrip};
use domain::{Action, Money, Quantity, Symbol};

pub fn round_trips(j: &Journal) -> Vec<RoundTrip> {
    let mut slots: HashMap<&Symbol, usize> = HashMap::new();
    let mut ledger = Ledger::default();
    for f in &j.fills {
        let next = slots.len();
        let slot = *slots.entry(&f.symbol).or_insert(next);
        ledger.add(slot, f, |order| signal_of(j, order));
    }
    ledger.finish()
}

/// The signal behind order `order` of `j`.
pub(crate) fn signal_of(j: &Journal, order: u64) -> Option<u64> {
    order
        .checked_sub(1)
        .and_then(|k| j.orders.get(k as usize))
        .and_then(|o| o.signal_id)
}

/// Round trips being built: per symbol slot the open trip and the quantity closed so far.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    open: Vec<Option<(RoundTrip, Quantity)>>,
    pub(super) done: Vec<RoundTrip>,
}

impl Ledger {
    /// Adds fill `f` of the symbol in `slot`; `signal_of` names an opening order's signal.
    pub(crate) fn add(
        &mut self,
        slot: usize,
        f: &JournalFill,
        signal_of: impl FnOnce(u64) -> Option<u64>,
    ) {
        if slot >= self.open.len() {
            self.open.resize_with(slot + 1, || None);
        }
        let open = &mut self.open[slot];
        match f.pnl {
            None => {
                let (trip, _) = open.get_or_insert_with(|| {
                    let side = match f.action {
                        Action::Short | Action::Sell => OrderSide::Sell,
                        Action::Buy | Action::Cover => OrderSide::Buy,
                    };
                    let trip = RoundTrip {
                        id: 0,
                        symbol: f.symbol.clone(),
                        side,
                        signal_id: signal_of(f.order_id),
                        entry_order_id: f.order_id,
                        exit_order_id: None,
                        entry_ts: f.ts,
                        exit_ts: None,
                        quantity: Quantity::ZERO,
                        entry_price: f.price,
                        exit_price: None,
                        pnl: None,
                        fees: Money::ZERO,
                        exit_reason: None,
                    };
                    (trip, Quantity::ZERO)
                });
                trip.quantity = trip
                    .quantity
                    .checked_add(f.quantity)
                    .unwrap_or(trip.quantity);
                trip.fees = trip.fees.checked_add(f.fee).unwrap_or(trip.fees);
            }
            Some(p) => {
                let Some((trip, closed)) = open else {
                    return;
                };
                *closed = closed.checked_add(f.quantity).unwrap_or(*closed);
                trip.fees = trip.fees.checked_add(f.fee).unwrap_or(trip.fees);
                let sum = trip.pnl.unwrap_or(Money::ZERO);
                trip.pnl = Some(sum.checked_add(p).unwrap_or(sum));
                trip.exit_order_id = Some(f.order_id);
                trip.exit_ts = Some(f.ts);
                trip.exit_price = Some(f.price);
                trip.exit_reason = Some(f.reason.clone());
                if *closed >= trip.quantity
                    && let Some((trip, _)) = open.take()
                {
                    self.done.push(trip);
                }
            }
        }
    }

    /// The closed trips in the order they closed, then the open ones by entry time and symbol;
    /// ids from 1.
    pub(crate) fn finish(self) -> Vec<RoundTrip> {
        let mut done = self.done;
        let mut still_open: Vec<RoundTrip> = (self.open.into_iter().flatten())
            .map(|(mut t, _)| {
                // An open trip's partial exits are not a closed P&L.
                t.exit_order_id = None;
                t.exit_ts = None;
                t.exit_price = None;
                t.pnl = None;
                t.exit_reason = None;
                t
            })
            .collect();
        still_open.sort_by(|a, b| (a.entry_ts, &a.symbol).cmp(&(b.entry_ts, &b.symbol)));
        done.extend(still_open);
        for (k, t) in done.iter_mut().enumerate() {
            t.id = k as u64 + 1;
        }
        done
    }
}
