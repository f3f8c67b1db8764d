//! The drift report of a replayed session: how far what a session did live is from what the
//! engine does over the same inputs, and why. Pure: the caller loads the journals and bars.
//!
//! - [`decision`]: the first diverging signal or order and the count of diverging ones (a bug or
//!   nondeterminism; zero for the `sim` broker).
//! - [`data`]: [`bar_revisions`], the recorded bars against the bars stored now, and the P&L
//!   the revisions explain.
//! - [`execution`]: live fills matched to the model's, slippage per fill, latency and fill-rate
//!   differences, and the P&L they explain.
//! - [`correlation`]: the daily returns correlation of live and replay.
//! - [`calibration`]: a suggested slippage in basis points, overall and by time of day.
//!
//! [`drift_report`] takes a [`DriftInput`] — three journals and the revisions — and returns a
//! [`DriftReport`]. P&L is **realized P&L net of fees**: the sum over a journal's fills of
//! `pnl − fee` ([`realized_pnl`]), exact. [`DriftTotals`] splits it so that two identities hold
//! exactly, by construction:
//!
//! ```text
//! live       = replay + execution + unmatched + residual
//! replay_now = replay + data
//! ```
//!
//! so `live − replay_now = execution + unmatched + residual − data`.

pub mod calibration;
pub mod correlation;
pub mod data;
pub mod decision;
pub mod execution;

use domain::Money;
use domain::journal::{Journal, JournalFill};
use serde::{Deserialize, Serialize};

pub use calibration::{Calibration, SlippageSuggestion, TimeOfDay, calibrate};
pub use correlation::daily_returns_correlation;
pub use data::{BarField, BarRevision, DataDrift, bar_revisions};
pub use decision::{Decision, DecisionDrift, DivergingEvent, decision_drift};
pub use execution::{ExecutionDrift, FillDrift, execution_drift};

/// What a drift report compares.
#[derive(Debug, Clone, Copy)]
pub struct DriftInput<'a> {
    /// The session's journal as recorded live.
    pub live: &'a Journal,
    /// The engine re-run over the session's recorded inputs (the bars it saw), with the fill
    /// model.
    pub replay: &'a Journal,
    /// The engine re-run over the bars stored now for the same minutes, if it was run.
    pub replay_now: Option<&'a Journal>,
    /// Recorded against current bars, from [`bar_revisions`].
    pub revisions: &'a [BarRevision],
}

/// Realized P&L, each a sum of `pnl − fee` over a journal's fills, and its split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftTotals {
    pub live: Money,
    pub replay: Money,
    /// `None` without a replay over the current bars.
    pub replay_now: Option<Money>,
    /// The matched fills' slippage and fee differences ([`ExecutionDrift::pnl`]).
    pub execution: Money,
    /// Fills on one side only ([`ExecutionDrift::unmatched_pnl`]): fill rate, or decisions
    /// that diverged.
    pub unmatched: Money,
    /// `live − replay − execution − unmatched`: by how much the matched fills' realized P&L
    /// differs beyond their own price and fee differences — an entry's slippage whose position
    /// is still open at the end (it is realized when the position closes), a live fill whose
    /// quantity differs from the model's — plus any decision drift the other terms miss. Zero
    /// when every position is closed and matched fills have the model's quantities.
    pub residual: Money,
    /// `replay_now − replay` ([`DataDrift::pnl`]); zero without `replay_now`.
    pub data: Money,
}

impl DriftTotals {
    /// Splits the realized P&L of the three journals; `execution` and `unmatched` come from the
    /// execution drift, `residual` and `data` are what makes the identities hold.
    pub fn new(
        live: Money,
        replay: Money,
        replay_now: Option<Money>,
        execution: Money,
        unmatched: Money,
    ) -> DriftTotals {
        DriftTotals {
            live,
            replay,
            replay_now,
            execution,
            unmatched,
            residual: live - replay - execution - unmatched,
            data: replay_now.map_or(Money::ZERO, |now| now - replay),
        }
    }

    /// `live = replay + execution + unmatched + residual` and `replay_now = replay + data`,
    /// exactly.
    pub fn add_up(&self) -> bool {
        self.live == self.replay + self.execution + self.unmatched + self.residual
            && self.replay_now.unwrap_or(self.replay) == self.replay + self.data
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    pub decision: DecisionDrift,
    pub data: DataDrift,
    pub execution: ExecutionDrift,
    pub totals: DriftTotals,
    /// Daily returns correlation of live and replay; `None` with fewer than two common days
    /// of returns.
    pub daily_returns_correlation: Option<f64>,
    /// From this session's matched fills alone; see [`calibrate`] to pool sessions.
    pub calibration: Calibration,
}

/// Compares live with replay; see the module docs.
pub fn drift_report(input: &DriftInput<'_>) -> DriftReport {
    let execution = execution_drift(input.live, input.replay);
    let totals = DriftTotals::new(
        realized_pnl(input.live),
        realized_pnl(input.replay),
        input.replay_now.map(realized_pnl),
        execution.pnl,
        execution.unmatched_pnl,
    );
    DriftReport {
        decision: decision_drift(input.live, input.replay),
        data: data::data_drift(input.revisions, totals.data),
        calibration: calibrate(&execution.fills),
        execution,
        totals,
        daily_returns_correlation: daily_returns_correlation(input.live, input.replay),
    }
}

/// A journal's realized P&L net of fees: the sum of `pnl − fee` over its fills.
pub fn realized_pnl(j: &Journal) -> Money {
    realized_of(&j.fills)
}

fn realized_of<'a>(fills: impl IntoIterator<Item = &'a JournalFill>) -> Money {
    fills
        .into_iter()
        .map(|f| f.pnl.unwrap_or(Money::ZERO) - f.fee)
        .sum()
}
