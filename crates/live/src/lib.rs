//! The paper-trading loop (issue 13): [`run_session`] steps an [`app::paper::PaperSession`]
//! on a clock until it is stopped, halted, killed or told when to end; with a broker other
//! than `sim`, a [`Route`] sends the engine's orders and records what the broker did as the
//! session's journal.
//!
//! - [`run`]: the loop, its options and report; the kill switch (a file) and `paper stop`.
//! - [`start`]: [`start`] (store, broker and loop from a URL: `paper run`) and [`beside`] (the
//!   loop next to the collection: `collect --paper`).
//! - [`route`]: the [`Route`] trait, and [`route::BrokerRoute`] over any
//!   [`providers::broker::Broker`].
//!
//! `app` reads no clock and speaks no HTTP; this crate is where the wall clock (or a test's
//! shifted one) and the broker's runtime come in. It never depends on `collector`: the binary
//! runs both in one process for `ztrade collect --paper`.

pub mod route;
pub mod run;
pub mod start;

use thiserror::Error;

pub use app::paper::{LoopReport, StopReason};
pub use route::Route;
pub use run::{LoopOptions, run_session};
pub use start::{beside, start};

#[derive(Debug, Error)]
pub enum LiveError {
    #[error(transparent)]
    App(#[from] app::AppError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("broker {broker}: {message}")]
    Broker { broker: String, message: String },
    #[error("the paper loop's thread panicked")]
    LoopPanicked,
}
