//! Paper trading (issue 13): an agent run forward on the bars the collector stores, with the
//! same engine as a backtest; its record (every input with its receive time, and its journal);
//! its replay and the drift report; the sessions' status; stopping one.
//!
//! - [`pending`]: bars seen and not yet decided, released once per stamp when complete.
//! - [`session`]: [`PaperSession`], opened or resumed from the record, stepped by the loop.
//! - [`replay`]: `ztrade replay SESSION`, live against the engine over the recorded inputs and
//!   over the bars stored now ([`analytics::drift`]).
//! - [`status`]: `ztrade paper status`.
//!
//! The loop that calls [`PaperSession::step`] on a clock, and the broker connection, live in
//! the `live` crate: this one reads no wall clock and speaks no HTTP.

pub mod outcome;
pub mod pending;
pub mod replay;
pub mod session;
pub mod status;

use store::{PaperStore, SessionStatus};

pub use outcome::{LoopReport, StopReason};
pub use pending::Timing;
pub use replay::{ReplayReport, replay};
pub use session::{PaperSession, PaperSpec, SessionConfig, Step};
pub use status::{SessionView, status};

use crate::AppError;

/// Stops session `name` (its loop, if running, ends at its next step): `ztrade paper stop`.
pub fn stop(
    store: &mut (impl PaperStore + ?Sized),
    name: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let reason = reason.unwrap_or("stopped by its user");
    match store.session(name)? {
        Some(_) => Ok(store.set_session_status(name, SessionStatus::Stopped, Some(reason))?),
        None => Err(session::no_session(name)),
    }
}
