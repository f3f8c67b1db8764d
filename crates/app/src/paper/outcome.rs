//! What a run of the paper loop did, and why it ended (the `live` crate's loop returns it;
//! the CLI renders it).

use domain::UnixNanos;
use serde::Serialize;

/// Why the loop ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StopReason {
    /// The clock passed `until`, or `max_bars` were decided: the session stays running.
    Done,
    /// Interrupted (Ctrl-C): the session stays running.
    Interrupted,
    /// `paper stop` or the kill switch: the session is stopped.
    Stopped { reason: String },
    /// A risk limit halted it.
    Halted { reason: String },
}

/// What one run of the loop did.
#[derive(Debug, Clone, Serialize)]
pub struct LoopReport {
    pub session: String,
    /// Bars replayed from the record when it resumed (0 for a new session).
    pub resumed_bars: usize,
    pub steps: u64,
    pub decided: u64,
    pub late: u64,
    /// Bars seen for a stamp already decided.
    pub missed: u64,
    pub last_bar: Option<UnixNanos>,
    pub orders: usize,
    /// Broker syncs that failed (each retried at the next step).
    pub broker_errors: u64,
    pub stop: StopReason,
}
