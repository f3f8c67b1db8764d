//! Where a session's orders go when its broker is not `sim`.
//!
//! The engine decides with its fill model (its book is what the model filled); a route sends
//! each order the engine made to the broker and builds the session's **live** journal: the
//! engine's signals, vetoes and orders, with the broker's order events and fills in place of
//! the model's. `replay` then compares those fills with the model's ([`analytics::drift`]).
//!
//! - [`BrokerRoute`] ([`broker`]): the route over any [`providers::broker::Broker`], on a
//!   runtime of its own so that the loop stays synchronous.
//! - [`ticket`]: an engine order as the ticket sent for it (its `client_order_id`, quantity,
//!   bracket legs).
//! - [`book`]: the live position per symbol, from the broker's fills, and those fills as the
//!   journal's (P&L, slippage, latency).

pub mod book;
pub mod broker;
pub mod ticket;

pub use broker::BrokerRoute;

use domain::UnixNanos;
use domain::journal::Journal;

use crate::LiveError;

/// A session's connection to its broker.
pub trait Route {
    /// Called once as the session opens, with the journal stored for it: the live record so
    /// far (broker events and fills recorded before a restart).
    fn resume(&mut self, stored: &Journal) -> Result<(), LiveError>;

    /// After each step: sends the orders of `engine` (the engine's journal so far) the broker
    /// has not seen, reads back what became of every open one, and returns the live journal to
    /// store, or `None` when nothing changed.
    fn sync(&mut self, engine: &Journal, now: UnixNanos) -> Result<Option<Journal>, LiveError>;

    /// Cancels every order still open at the broker (a stop, a halt, the kill switch); the live
    /// journal to store, or `None` when nothing changed.
    fn cancel_open(&mut self, now: UnixNanos) -> Result<Option<Journal>, LiveError>;
}
