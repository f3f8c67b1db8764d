//! Storing a run's journal next to the run ([`store::JournalStore`]), timed, so `backtest run
//! --journal` can say what keeping every decision cost.

use std::time::Instant;

use backtest::journal::JournalTape;
use domain::journal::Journal;
use serde::Serialize;
use store::{JournalStore, StoreError};

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
    /// Wall time of storing them (turning the engine's compact tape into rows, then writing
    /// them in one transaction), `None` when the run was not stored.
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

/// Stores the rows of `tape` under `run` when the run was stored, waiting out another
/// writer's lock.
pub fn save(
    store: &mut (impl JournalStore + ?Sized),
    run: Option<i64>,
    tape: &JournalTape,
) -> (JournalSaveReport, Option<StoreError>) {
    let started = Instant::now();
    let j = tape.journal();
    let mut report = JournalSaveReport::new(&j);
    let Some(run) = run else {
        return (report, None);
    };
    match store::BusyRetry::default().run(|| store.save_journal(run, &j)) {
        Ok(_) => {
            report.store_seconds = Some(started.elapsed().as_secs_f64());
            (report, None)
        }
        Err(e) => (report, Some(e)),
    }
}
