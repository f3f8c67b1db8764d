//! A broker connection: where a paper or live loop sends orders and reads back what became of
//! them. The loop speaks only this trait, so another broker (Tradier, IB) is a new
//! implementation, not a new loop.
//!
//! - [`Broker`]: submit, look up (by the broker's id or by our `client_order_id`), list open
//!   orders, cancel, read fills and the account.
//! - [`OrderTicket`] ([`OrderKind`], [`Exit`]): what to send, with the `client_order_id` that
//!   makes a submit idempotent across retries and restarts.
//! - [`BrokerOrder`], [`BrokerStatus`] (mapped onto the journal's
//!   [`domain::journal::OrderEventKind`]), [`BrokerFill`], [`BrokerAccount`]: what comes back,
//!   in exact domain values.
//! - [`BrokerError`]: a typed rejection (the broker's own message) apart from transport,
//!   credential and malformed-body failures ([`crate::ProviderError`]).
//!
//! Implementations: [`crate::alpaca::trading::AlpacaTrading`] (Alpaca's Trading API v2, paper
//! by default).

mod error;
mod order;
mod ticket;

use async_trait::async_trait;
use domain::UnixNanos;

pub use error::BrokerError;
pub use order::{BrokerAccount, BrokerFill, BrokerOrder, BrokerStatus, OrderClass};
pub use ticket::{Exit, MAX_CLIENT_ORDER_ID, OrderKind, OrderTicket};

/// One broker account. Object-safe (`async_trait`), so `Box<dyn Broker>` works.
///
/// `submit` is idempotent by `client_order_id`: an implementation retries a submit whose answer
/// was lost only after looking the order up by that id, so an order is never sent twice, and
/// a restarted loop does the same lookup before sending an order it may already have sent.
#[async_trait]
pub trait Broker: Send + Sync {
    /// `alpaca-paper`, …
    fn name(&self) -> &'static str;

    /// `ticket` as this broker receives it (Alpaca: the JSON body of `POST /v2/orders`), for
    /// the journal's `payload`; `None` when the broker has no text form of it.
    fn ticket_payload(&self, ticket: &OrderTicket) -> Option<String> {
        let _ = ticket;
        None
    }

    /// Sends `ticket`, or returns the order the broker already holds under its
    /// `client_order_id`. A refusal is [`BrokerError::Rejected`], never retried.
    async fn submit(&self, ticket: &OrderTicket) -> Result<BrokerOrder, BrokerError>;

    /// The order with the broker's id `id`; `None` when the broker does not know it.
    async fn order(&self, id: &str) -> Result<Option<BrokerOrder>, BrokerError>;

    /// The order submitted under `client_order_id`; `None` when none was accepted.
    async fn order_by_client_id(
        &self,
        client_order_id: &str,
    ) -> Result<Option<BrokerOrder>, BrokerError>;

    /// Orders still working (new, accepted, partially filled, pending …).
    async fn open_orders(&self) -> Result<Vec<BrokerOrder>, BrokerError>;

    /// Asks the broker to cancel order `id`. The cancel is asynchronous at most brokers: read
    /// the order back for its final status. An order that can no longer be canceled (filled)
    /// is [`BrokerError::Rejected`].
    async fn cancel(&self, id: &str) -> Result<(), BrokerError>;

    /// Every fill after `after` (all of the account's when `None`), oldest first, each once.
    async fn fills(&self, after: Option<UnixNanos>) -> Result<Vec<BrokerFill>, BrokerError>;

    async fn account(&self) -> Result<BrokerAccount, BrokerError>;
}
