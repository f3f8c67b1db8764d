//! One paper session's engine, run forward: opened (or resumed from its record), fed the bars
//! the store holds as they complete, its inputs and journal written as it goes.
//!
//! **Order of writes.** A released batch of bars is recorded (`paper_inputs`, one transaction)
//! before the engine sees it, and the journal is stored after. A loop killed anywhere resumes
//! by replaying its recorded inputs through a new engine, which is deterministic: the engine's
//! state, its orders and their ids come back exactly, no recorded bar is decided again by the
//! live clock and no unrecorded bar was decided.

use std::time::Duration;

use backtest::bartime::WindowRule;
use backtest::{AgentConfig, Engine, Event, JournalConfig, SnapshotCadence};
use domain::UnixNanos;
use domain::journal::Journal;
use serde::{Deserialize, Serialize};
use store::{
    BarQuery, BarStore, NewSession, PaperBroker, PaperStore, RecordedBar, SessionRow,
    SessionStatus, StoreError, SymbolStore,
};

use super::pending::{Pending, Released, Timing};
use crate::AppError;
use crate::run::source::{last_before, run_calendar};

/// What `paper run` asks for.
#[derive(Debug, Clone)]
pub struct PaperSpec {
    pub name: String,
    pub agent: AgentConfig,
    pub broker: PaperBroker,
    pub timing: Timing,
}

/// The session's configuration as stored in `paper_sessions.config`: the agent as run and the
/// session's own settings, so that a resume and a replay run exactly what the session ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionConfig {
    pub agent: AgentConfig,
    /// Bars stamped before this only warmed the strategy up (the session's start).
    pub trading_from: UnixNanos,
    pub grace_ms: u64,
    pub late_after_ms: u64,
}

impl SessionConfig {
    pub fn timing(&self) -> Timing {
        Timing {
            grace: Duration::from_millis(self.grace_ms),
            late_after: Duration::from_millis(self.late_after_ms),
        }
    }

    /// The configuration a stored session row holds.
    pub fn of(row: &SessionRow) -> Result<Self, AppError> {
        serde_json::from_value(row.config.clone()).map_err(|e| {
            AppError::Stored(format!(
                "paper session {:?}: its stored configuration does not read back: {e}",
                row.name
            ))
        })
    }
}

/// The engine a session runs, built the same way live, on resume and in replay.
pub fn session_engine(
    cfg: &SessionConfig,
    calendar: domain::calendar::Calendar,
) -> Result<Engine, AppError> {
    let engine = cfg.agent.engine(calendar)?.with_journal(JournalConfig {
        strategy: cfg.agent.strategy.kind().to_owned(),
        snapshots: SnapshotCadence::SessionClose,
    });
    Ok(engine.trading_from(cfg.trading_from))
}

/// The session's engine fed `inputs` in their recorded order: its state after them.
pub fn engine_over(
    cfg: &SessionConfig,
    calendar: domain::calendar::Calendar,
    inputs: &[RecordedBar],
) -> Result<Engine, AppError> {
    let mut engine = session_engine(cfg, calendar)?;
    for input in inputs {
        feed(&mut engine, cfg, input)?;
    }
    Ok(engine)
}

/// `StoreError::NotFound` for session `name`.
pub fn no_session(name: &str) -> AppError {
    AppError::Store(StoreError::NotFound(format!(
        "no paper session named {name:?}"
    )))
}

/// Feeds `engine` one recorded bar.
pub fn feed(engine: &mut Engine, cfg: &SessionConfig, input: &RecordedBar) -> Result<(), AppError> {
    let symbol = engine.symbol_id(&input.symbol).ok_or_else(|| {
        AppError::Stored(format!(
            "paper session input {} is a {} bar, not one of the agent's symbols",
            input.seq, input.symbol
        ))
    })?;
    engine
        .process(Event::Bar {
            symbol,
            timeframe: cfg.agent.timeframe,
            bar: input.bar,
        })
        .map_err(|source| AppError::Run {
            agent: cfg.agent.id.clone(),
            source,
        })
}

/// The journal so far (empty before the engine's first bar).
pub fn journal_of(engine: &Engine) -> Result<Journal, AppError> {
    Ok(engine
        .journal_so_far()?
        .map(|t| t.journal())
        .unwrap_or_default())
}

/// What one step did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Bars decided in this step.
    pub decided: usize,
    pub late: usize,
    /// Bars seen for a stamp already decided, since the session opened.
    pub missed: u64,
    /// The last bar stamp decided.
    pub last_bar: Option<UnixNanos>,
    /// Orders the engine has made so far.
    pub orders: usize,
    /// Set when the session stopped trading in this step: why.
    pub halted: Option<String>,
}

/// A running session.
pub struct PaperSession {
    pub name: String,
    pub cfg: SessionConfig,
    pub row: SessionRow,
    engine: Engine,
    pending: Pending,
    next_seq: u64,
    /// Bars replayed from the record when the session was opened.
    pub resumed_bars: usize,
    journal: Journal,
    /// With the `sim` broker the engine's journal is the live one, stored at each step; with
    /// another broker the loop's route stores the live journal it builds from the broker's.
    engine_is_live: bool,
}

impl PaperSession {
    /// Starts session `spec.name` at `now`, or resumes it: a session of that name must run the
    /// same agent. A new session records the agent's warm-up bars, the last ones stored before
    /// `now`, as its first inputs; a resumed one replays every recorded input.
    pub fn open(
        store: &mut (impl BarStore + PaperStore + SymbolStore + ?Sized),
        spec: &PaperSpec,
        now: UnixNanos,
    ) -> Result<PaperSession, AppError> {
        spec.agent
            .validate()
            .map_err(|e| AppError::input(format!("agent {}: {e}", spec.agent.id)))?;
        let existing = store.session(&spec.name)?;
        // A session keeps the calendar it started on, as its replay does.
        let calendar = match &existing {
            Some(row) => row.calendar,
            None => {
                let calendars = (spec.agent.symbols.iter())
                    .map(|s| Ok((s.clone(), store.symbol_calendar(s)?)))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                run_calendar(&spec.agent, &calendars)?
            }
        };
        let cfg = match &existing {
            Some(row) => {
                let cfg = SessionConfig::of(row)?;
                if cfg.agent.to_json() != spec.agent.to_json() {
                    return Err(AppError::input(format!(
                        "paper session {:?} runs agent {:?} with another configuration; \
                         pick another --session name or delete it first",
                        spec.name, cfg.agent.id
                    )));
                }
                cfg
            }
            None => SessionConfig {
                agent: spec.agent.clone(),
                trading_from: now,
                grace_ms: millis(spec.timing.grace),
                late_after_ms: millis(spec.timing.late_after),
            },
        };
        let row = store.start_session(&NewSession {
            name: spec.name.clone(),
            agent_id: cfg.agent.id.clone(),
            config: serde_json::to_value(&cfg).map_err(|e| AppError::Stored(e.to_string()))?,
            engine_version: backtest::ENGINE_VERSION.to_owned(),
            broker: spec.broker,
            calendar,
            timeframe: cfg.agent.timeframe,
        })?;
        if row.status != SessionStatus::Running {
            return Err(AppError::input(format!(
                "paper session {:?} is {}{}; start a new one under another --session name",
                spec.name,
                row.status,
                row.halt_reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            )));
        }
        if row.broker != spec.broker {
            return Err(AppError::input(format!(
                "paper session {:?} trades through broker {}, not {}",
                spec.name, row.broker, spec.broker
            )));
        }
        let mut inputs = store.inputs(&spec.name)?;
        if existing.is_none() || inputs.is_empty() {
            let rule = WindowRule::new(cfg.agent.timeframe, calendar);
            inputs = record_warmup(store, &spec.name, &cfg, rule, now)?;
        }
        let engine = engine_over(&cfg, calendar, &inputs)?;
        let released_through = inputs.iter().map(|i| i.bar.ts).max();
        let journal = journal_of(&engine)?;
        let engine_is_live = spec.broker == PaperBroker::Sim;
        if engine_is_live && !inputs.is_empty() {
            store.save_session_journal(&spec.name, &journal)?;
        }
        Ok(PaperSession {
            name: spec.name.clone(),
            pending: Pending::new(
                cfg.agent.symbols.clone(),
                WindowRule::new(cfg.agent.timeframe, calendar),
                cfg.timing(),
                released_through,
            ),
            next_seq: inputs.last().map_or(0, |i| i.seq + 1),
            resumed_bars: if existing.is_some() { inputs.len() } else { 0 },
            cfg,
            row,
            engine,
            journal,
            engine_is_live,
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine's journal after the last step (the live one with the `sim` broker).
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Reads the bars stored after the last decided stamp, releases the groups complete at
    /// `now`, records them, decides them and stores the journal. A halt (a risk limit) sets the
    /// session's status with its reason.
    pub fn step(
        &mut self,
        store: &mut (impl BarStore + PaperStore + ?Sized),
        now: UnixNanos,
    ) -> Result<Step, AppError> {
        let after = self.pending.released_through();
        for symbol in self.cfg.agent.symbols.clone() {
            let query = BarQuery {
                symbol: symbol.clone(),
                timeframe: self.cfg.agent.timeframe,
                start: after.and_then(|t| t.checked_plus(1)),
                end: None,
            };
            for bar in store.bars(query) {
                self.pending.see(&symbol, bar?, now);
            }
        }
        let released = self.pending.release(now);
        let mut step = Step {
            missed: self.pending.missed(),
            last_bar: self.pending.released_through(),
            ..Step::default()
        };
        if released.is_empty() {
            step.orders = self.journal.orders.len();
            return Ok(step);
        }
        let recorded: Vec<RecordedBar> = released
            .into_iter()
            .zip(self.next_seq..)
            .map(|(r, seq): (Released, u64)| RecordedBar {
                seq,
                symbol: r.symbol,
                bar: r.bar,
                received_at: r.received_at,
                late: r.late,
            })
            .collect();
        store.record_inputs(&self.name, &recorded)?;
        self.next_seq += recorded.len() as u64;
        let halted_before = self.engine.halt().is_some();
        for input in &recorded {
            feed(&mut self.engine, &self.cfg, input)?;
        }
        self.journal = journal_of(&self.engine)?;
        if self.engine_is_live {
            store.save_session_journal(&self.name, &self.journal)?;
        }
        step.decided = recorded.len();
        step.late = recorded.iter().filter(|r| r.late).count();
        step.orders = self.journal.orders.len();
        if let (false, Some(h)) = (halted_before, self.engine.halt()) {
            let reason = format!("risk halt: {} at bar {}", h.reason, h.at.as_i64());
            store.set_session_status(&self.name, SessionStatus::Halted, Some(&reason))?;
            step.halted = Some(reason);
        }
        Ok(step)
    }

    /// The session's status as stored now (a `paper stop` from another process shows here).
    pub fn stored_status(
        &self,
        store: &(impl PaperStore + ?Sized),
    ) -> Result<SessionRow, AppError> {
        store
            .session(&self.name)?
            .ok_or_else(|| no_session(&self.name))
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The agent's warm-up: per symbol, the last bars complete before `now` (as many as its
/// strategy and features need, read by [`last_before`]), recorded as the session's first
/// inputs in stamp order.
fn record_warmup(
    store: &mut (impl BarStore + PaperStore + ?Sized),
    name: &str,
    cfg: &SessionConfig,
    rule: WindowRule,
    now: UnixNanos,
) -> Result<Vec<RecordedBar>, AppError> {
    let wanted = cfg.agent.warmup_bars();
    let mut bars: Vec<(UnixNanos, usize, domain::Bar)> = Vec::new();
    for (i, symbol) in cfg.agent.symbols.iter().enumerate() {
        // One more than wanted: the last bar before the start may still be in progress.
        let mut last = last_before(
            store,
            symbol,
            cfg.agent.timeframe,
            cfg.trading_from,
            wanted + 1,
        )?;
        last.retain(|b| rule.window(b.ts).close <= now);
        let extra = last.len().saturating_sub(wanted);
        bars.extend(last.drain(extra..).map(|b| (b.ts, i, b)));
    }
    bars.sort_by_key(|(ts, i, _)| (*ts, *i));
    let recorded: Vec<RecordedBar> = (bars.into_iter().zip(0u64..))
        .map(|((_, i, bar), seq)| RecordedBar {
            seq,
            symbol: cfg.agent.symbols[i].clone(),
            bar,
            received_at: now,
            late: false,
        })
        .collect();
    if !recorded.is_empty() {
        store.record_inputs(name, &recorded)?;
    }
    Ok(recorded)
}
