//! `ztrade replay SESSION`: the engine re-run over what a session saw, and the drift report
//! ([`analytics::drift`]) of live against it.
//!
//! Three journals are compared:
//! - **live**: the session's journal as stored (its broker's order events and fills);
//! - **replay**: a new engine, built from the session's recorded configuration, fed its
//!   recorded inputs in their recorded order, filling with the agent's fill model;
//! - **replay now**: the same engine fed the bars stored *now* for the session's symbols over
//!   the same span (vendor revisions, late bars, gaps filled later), so that the P&L those
//!   revisions explain is `replay_now − replay`.

use analytics::drift::{DriftInput, DriftReport, bar_revisions, drift_report};
use domain::journal::Journal;
use domain::{Bar, Symbol, UnixNanos};
use serde::Serialize;
use store::{BarQuery, BarStore, PaperBroker, PaperStore, RecordedBar, SessionStatus};

use super::session::{SessionConfig, engine_over, journal_of, no_session};
use crate::AppError;

/// The replay of one session.
#[derive(Debug, Clone, Serialize)]
pub struct ReplayReport {
    pub session: String,
    pub agent_id: String,
    pub broker: PaperBroker,
    pub status: SessionStatus,
    pub engine_version: String,
    /// The engine version replaying it; a different one can explain decision drift.
    pub replay_engine_version: String,
    /// Bars the session's engine saw, and how many came late.
    pub inputs: usize,
    pub late_inputs: usize,
    pub first_bar: Option<UnixNanos>,
    pub last_bar: Option<UnixNanos>,
    /// Rows of each journal.
    pub live_rows: usize,
    pub replay_rows: usize,
    pub drift: DriftReport,
}

/// Replays session `name` and compares it with its live journal.
pub fn replay(
    store: &(impl BarStore + PaperStore + ?Sized),
    name: &str,
) -> Result<ReplayReport, AppError> {
    let row = store.session(name)?.ok_or_else(|| no_session(name))?;
    let cfg = SessionConfig::of(&row)?;
    let inputs = store.inputs(name)?;
    let replay = run_over(&cfg, row.calendar, &inputs)?;
    let recorded: Vec<(Symbol, Bar)> = inputs.iter().map(|i| (i.symbol.clone(), i.bar)).collect();
    let current = bars_now(store, &cfg, &inputs)?;
    let now_inputs: Vec<RecordedBar> = current
        .iter()
        .zip(0u64..)
        .map(|((symbol, bar), seq)| RecordedBar {
            seq,
            symbol: symbol.clone(),
            bar: *bar,
            received_at: bar.ts,
            late: false,
        })
        .collect();
    let replay_now = run_over(&cfg, row.calendar, &now_inputs)?;
    let revisions = bar_revisions(&recorded, &current);
    let live = store.session_journal(name)?;
    let drift = drift_report(&DriftInput {
        live: &live,
        replay: &replay,
        replay_now: Some(&replay_now),
        revisions: &revisions,
    });
    Ok(ReplayReport {
        session: row.name.clone(),
        agent_id: row.agent_id.clone(),
        broker: row.broker,
        status: row.status,
        engine_version: row.engine_version.clone(),
        replay_engine_version: backtest::ENGINE_VERSION.to_owned(),
        inputs: inputs.len(),
        late_inputs: inputs.iter().filter(|i| i.late).count(),
        first_bar: inputs.iter().map(|i| i.bar.ts).min(),
        last_bar: inputs.iter().map(|i| i.bar.ts).max(),
        live_rows: live.len(),
        replay_rows: replay.len(),
        drift,
    })
}

/// A new engine of the session fed `inputs` in order; its journal.
pub fn run_over(
    cfg: &SessionConfig,
    calendar: domain::calendar::Calendar,
    inputs: &[RecordedBar],
) -> Result<Journal, AppError> {
    journal_of(&engine_over(cfg, calendar, inputs)?)
}

/// The bars stored now for the session's symbols from its first recorded bar to its last, in
/// the order the session would have decided them (stamp, then the agent's symbol order).
fn bars_now(
    store: &(impl BarStore + ?Sized),
    cfg: &SessionConfig,
    inputs: &[RecordedBar],
) -> Result<Vec<(Symbol, Bar)>, AppError> {
    let (Some(first), Some(last)) = (
        inputs.iter().map(|i| i.bar.ts).min(),
        inputs.iter().map(|i| i.bar.ts).max(),
    ) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(UnixNanos, usize, Symbol, Bar)> = Vec::new();
    for (i, symbol) in cfg.agent.symbols.iter().enumerate() {
        let query = BarQuery {
            symbol: symbol.clone(),
            timeframe: cfg.agent.timeframe,
            start: Some(first),
            end: last.checked_plus(1),
        };
        for bar in store.bars(query) {
            let bar = bar?;
            out.push((bar.ts, i, symbol.clone(), bar));
        }
    }
    out.sort_by_key(|(ts, i, _, _)| (*ts, *i));
    Ok(out.into_iter().map(|(_, _, s, b)| (s, b)).collect())
}
