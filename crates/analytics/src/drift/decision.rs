//! Decision drift: did the same inputs give the same signals and orders?
//!
//! Signals and orders are each sorted by `(ts, symbol)` (stable, so the engine's order breaks
//! ties) and walked with two cursors, the way a merge walks two sorted lists:
//! - a live and a replay record at the same `(ts, symbol)` are a **pair**; the pair diverges when
//!   what was decided differs (a signal's setup, side or status; an order's side, type, quantity
//!   rule, quantity, limit or stop);
//! - a record whose `(ts, symbol)` the other side has not reached is **one-sided**, and diverges.
//!
//! Ids are not compared: they are per run, so one extra signal would shift every later id. An
//! order's `reason`, `payload` and time in force are not compared either: a broker may restate
//! them, and they are not a decision. Identical journals therefore give exactly zero.

use std::cmp::Ordering;
use std::sync::Arc;

use domain::journal::{
    Journal, OrderRecord, OrderSide, OrderType, QtyRule, SignalRecord, SignalStatus,
};
use domain::{Price, Quantity, Symbol, UnixNanos};
use serde::{Deserialize, Serialize};

/// What one side decided at a diverging event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    Signal {
        id: u64,
        symbol: Symbol,
        setup: Arc<str>,
        side: OrderSide,
        status: SignalStatus,
    },
    Order {
        id: u64,
        symbol: Symbol,
        side: OrderSide,
        order_type: OrderType,
        qty_rule: QtyRule,
        quantity: Option<Quantity>,
        limit_price: Option<Price>,
        stop_price: Option<Price>,
    },
}

/// The earliest event where live and replay part: `None` on a side means that side has no
/// such event at that time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DivergingEvent {
    pub ts: UnixNanos,
    pub live: Option<Decision>,
    pub replay: Option<Decision>,
}

/// Decision drift between two journals; all zero and `first` `None` when they agree.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionDrift {
    /// The earliest diverging signal or order (a signal before an order at the same time).
    pub first: Option<DivergingEvent>,
    /// Signal pairs that differ plus signals on one side only.
    pub diverging_signals: usize,
    /// Order pairs that differ plus orders on one side only.
    pub diverging_orders: usize,
}

impl DecisionDrift {
    pub fn is_zero(&self) -> bool {
        self.first.is_none() && self.diverging_signals == 0 && self.diverging_orders == 0
    }
}

/// Compares the signals and orders of `live` and `replay`; see the module docs.
pub fn decision_drift(live: &Journal, replay: &Journal) -> DecisionDrift {
    let signals = walk(
        &live.signals,
        &replay.signals,
        |s| (s.ts, &s.symbol),
        signal,
    );
    let orders = walk(&live.orders, &replay.orders, |o| (o.ts, &o.symbol), order);
    let first = match (signals.first, orders.first) {
        (Some(s), Some(o)) => Some(if o.ts < s.ts { o } else { s }),
        (s, o) => s.or(o),
    };
    DecisionDrift {
        first,
        diverging_signals: signals.count,
        diverging_orders: orders.count,
    }
}

fn signal(s: &SignalRecord) -> Decision {
    Decision::Signal {
        id: s.id,
        symbol: s.symbol.clone(),
        setup: s.setup.clone(),
        side: s.side,
        status: s.status,
    }
}

fn order(o: &OrderRecord) -> Decision {
    Decision::Order {
        id: o.id,
        symbol: o.symbol.clone(),
        side: o.side,
        order_type: o.order_type,
        qty_rule: o.qty_rule,
        quantity: o.quantity,
        limit_price: o.limit_price,
        stop_price: o.stop_price,
    }
}

/// Two decisions are the same when everything but the id is.
fn same(a: &Decision, b: &Decision) -> bool {
    let strip = |d: &Decision| {
        let mut d = d.clone();
        match &mut d {
            Decision::Signal { id, .. } | Decision::Order { id, .. } => *id = 0,
        }
        d
    };
    strip(a) == strip(b)
}

struct Walk {
    first: Option<DivergingEvent>,
    count: usize,
}

fn walk<T>(
    live: &[T],
    replay: &[T],
    key: impl Fn(&T) -> (UnixNanos, &Symbol),
    view: impl Fn(&T) -> Decision,
) -> Walk {
    let mut a: Vec<&T> = live.iter().collect();
    let mut b: Vec<&T> = replay.iter().collect();
    a.sort_by(|x, y| key(x).cmp(&key(y)));
    b.sort_by(|x, y| key(x).cmp(&key(y)));
    let mut out = Walk {
        first: None,
        count: 0,
    };
    let mut note = |ts, live: Option<Decision>, replay: Option<Decision>| {
        out.count += 1;
        if out.first.is_none() {
            out.first = Some(DivergingEvent { ts, live, replay });
        }
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => key(x).cmp(&key(y)),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                note(key(a[i]).0, Some(view(a[i])), None);
                i += 1;
            }
            Ordering::Greater => {
                note(key(b[j]).0, None, Some(view(b[j])));
                j += 1;
            }
            Ordering::Equal => {
                let (x, y) = (view(a[i]), view(b[j]));
                if !same(&x, &y) {
                    note(key(a[i]).0, Some(x), Some(y));
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}
