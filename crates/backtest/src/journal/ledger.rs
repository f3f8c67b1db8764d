//! The trade ledger: round trips (flat → flat on one symbol) built from a journal's fills, each
//! linked to the order that opened it, that order's signal, and the order that closed it.
//!
//! Opening fills (no P&L) start or add to a trip; closing fills add their P&L until the
//! quantity closed equals the quantity opened. Prices are the first entry fill's and the last
//! exit fill's (the engine opens and closes a position in one fill). A trip still open at the
//! end is listed without an exit.

use std::collections::HashMap;

use domain::journal::{Journal, OrderSide, RoundTrip};
use domain::{Action, Money, Quantity, Symbol};

pub fn round_trips(j: &Journal) -> Vec<RoundTrip> {
    let mut open: HashMap<Symbol, (RoundTrip, Quantity)> = HashMap::new();
    let mut done = Vec::new();
    let signal_of = |order: u64| {
        order
            .checked_sub(1)
            .and_then(|k| j.orders.get(k as usize))
            .and_then(|o| o.signal_id)
    };
    for f in &j.fills {
        match f.pnl {
            None => {
                let trip = open.entry(f.symbol.clone()).or_insert_with(|| {
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
                trip.0.quantity = trip
                    .0
                    .quantity
                    .checked_add(f.quantity)
                    .unwrap_or(trip.0.quantity);
                trip.0.fees = trip.0.fees.checked_add(f.fee).unwrap_or(trip.0.fees);
            }
            Some(p) => {
                let Some((trip, closed)) = open.get_mut(&f.symbol) else {
                    continue;
                };
                *closed = closed.checked_add(f.quantity).unwrap_or(*closed);
                trip.fees = trip.fees.checked_add(f.fee).unwrap_or(trip.fees);
                let sum = trip.pnl.unwrap_or(Money::ZERO);
                trip.pnl = Some(sum.checked_add(p).unwrap_or(sum));
                trip.exit_order_id = Some(f.order_id);
                trip.exit_ts = Some(f.ts);
                trip.exit_price = Some(f.price);
                trip.exit_reason = Some(f.reason.clone());
                if *closed >= trip.quantity {
                    let (trip, _) = open.remove(&f.symbol).expect("just found");
                    done.push(trip);
                }
            }
        }
    }
    let mut still_open: Vec<RoundTrip> = open
        .into_values()
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
