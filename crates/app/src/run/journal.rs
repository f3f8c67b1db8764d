//! What `backtest run --journal` kept and what storing it cost ([`JournalSaveReport`]); the
//! rows are stored with the run, in its transaction ([`super::backtest`]).

use domain::journal::Journal;
use serde::Serialize;

/// What `--journal` kept and how long storing it took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct JournalSaveReport {
    pub signals: usize,
    pub vetoes: usize,
    pub orders: usize,
    pub order_events: usize,
    pub fills: usize,
    pub round_trips: usize,
    pub snapshots: usize,
    pub risk_days: usize,
    /// Rows over every table.
    pub rows: usize,
    /// Wall time of storing them: the engine's compact tape turned into rows, then the run's
    /// transaction that writes them with the run; `None` when the run was not stored.
    pub store_seconds: Option<f64>,
}

impl JournalSaveReport {
    pub fn new(j: &Journal) -> Self {
        Self {
            signals: j.signals.len(),
            vetoes: j.vetoes.len(),
            orders: j.orders.len(),
            order_events: j.order_events.len(),
            fills: j.fills.len(),
            round_trips: j.ledger.len(),
            snapshots: j.snapshots.len(),
            risk_days: j.risk_days.len(),
            rows: j.len(),
            store_seconds: None,
        }
    }
}
