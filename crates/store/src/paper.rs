//! Paper-trading sessions (issue 13): the rows [`crate::PaperStore`] writes and reads
//! (`paper_sessions`, `paper_inputs`), their decoding and the checks both backends make.
//!
//! A session records every bar its engine saw, with the wall-clock time the loop received it,
//! so that it can be resumed after a crash (its inputs replayed through the deterministic
//! engine) and replayed offline. Its journal lives in the journal tables under its name.

use std::collections::HashSet;

use domain::calendar::Calendar;
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::decode::Columns;
use crate::rows::{SeriesRow, parse_json, parse_symbol, parse_tf};

domain::text_enum!(
    /// Where a session stands.
    SessionStatus {
        /// Trading (or about to resume).
        Running => "running",
        /// Stopped by the engine or a risk rule; the session row says why.
        Halted => "halted",
        /// Ended by its user.
        Stopped => "stopped",
    }
);

domain::text_enum!(
    /// The broker a session's orders go to.
    PaperBroker {
        /// The engine's own simulated fills.
        Sim => "sim",
        /// Alpaca's paper-trading account.
        AlpacaPaper => "alpaca-paper",
    }
);

/// A session to start (or resume, when one of that name runs the same agent configuration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSession {
    pub name: String,
    pub agent_id: String,
    /// The agent as run.
    pub config: serde_json::Value,
    pub engine_version: String,
    pub broker: PaperBroker,
    pub calendar: Calendar,
    pub timeframe: Timeframe,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRow {
    pub name: String,
    pub agent_id: String,
    pub config: serde_json::Value,
    pub engine_version: String,
    pub broker: PaperBroker,
    pub calendar: Calendar,
    pub timeframe: Timeframe,
    pub status: SessionStatus,
    /// Why it halted; `None` unless set with its status.
    pub halt_reason: Option<String>,
    /// RFC 3339 UTC with microseconds.
    pub created_at: String,
    pub updated_at: String,
}

/// One bar a session's engine saw: its position among the session's inputs, the bar, when the
/// loop received it and whether it came late.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedBar {
    pub seq: u64,
    pub symbol: Symbol,
    pub bar: Bar,
    /// Wall-clock time the loop saw the bar.
    pub received_at: UnixNanos,
    pub late: bool,
}

/// What a session's inputs add up to, without reading them: `paper status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputSummary {
    pub bars: u64,
    pub late: u64,
    /// The latest bar stamp recorded.
    pub last: Option<UnixNanos>,
}

/// An [`InputSummary`] from its row (count, late count, max ts), checked.
pub(crate) fn input_summary(
    count: i64,
    late: i64,
    last: Option<i64>,
) -> Result<InputSummary, StoreError> {
    let n = |v: i64, what: &str| {
        u64::try_from(v).map_err(|_| corrupt(INPUTS, format!("negative {what} {v}")))
    };
    Ok(InputSummary {
        bars: n(count, "count")?,
        late: n(late, "late count")?,
        last: last.map(UnixNanos::new),
    })
}

const SESSIONS: &str = "paper_sessions";
const INPUTS: &str = "paper_inputs";

/// The columns every SELECT of `paper_sessions` reads, in this order (config, created_at and
/// updated_at as text).
pub(crate) const SESSION_COLUMNS: [&str; 11] = [
    "name",
    "agent_id",
    "config",
    "engine_version",
    "broker",
    "calendar",
    "timeframe",
    "status",
    "halt_reason",
    "created_at",
    "updated_at",
];

/// The columns of `paper_inputs` after `session`, in this order: the bar's values are those of
/// the `bars` table ([`SeriesRow`] for [`Bar`]: raw fixed-point integers), `late` an integer.
pub(crate) const INPUT_COLUMNS: [&str; 12] = [
    "seq",
    "symbol",
    "ts",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "vwap",
    "trade_count",
    "received_at",
    "late",
];

fn corrupt(table: &'static str, reason: String) -> StoreError {
    StoreError::Corrupt { table, reason }
}

pub(crate) fn session_row(r: &impl Columns) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        name: r.string(0)?,
        agent_id: r.string(1)?,
        config: parse_json(&r.text(2)?, SESSIONS, "config")?,
        engine_version: r.string(3)?,
        broker: r.text(4)?.parse().map_err(|e| corrupt(SESSIONS, e))?,
        calendar: r
            .text(5)?
            .parse()
            .map_err(|e| corrupt(SESSIONS, format!("{e}")))?,
        timeframe: parse_tf(&r.text(6)?, SESSIONS)?,
        status: r.text(7)?.parse().map_err(|e| corrupt(SESSIONS, e))?,
        halt_reason: r.opt_string(8)?,
        created_at: r.string(9)?,
        updated_at: r.string(10)?,
    })
}

pub(crate) fn input_row(r: &impl Columns) -> Result<RecordedBar, StoreError> {
    let seq = r.int(0)?;
    let values = (3..10)
        .map(|i| r.opt_int(i))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RecordedBar {
        seq: u64::try_from(seq).map_err(|_| corrupt(INPUTS, format!("negative seq {seq}")))?,
        symbol: parse_symbol(&r.text(1)?, INPUTS)?,
        bar: Bar::from_values(r.int(2)?, &values)?,
        received_at: r.nanos(10)?,
        late: r.int(11)? != 0,
    })
}

/// The session found under `new.name` when it runs the same agent configuration (a resume);
/// `StoreError::Invalid` naming the session when it runs another.
pub(crate) fn resume(found: SessionRow, new: &NewSession) -> Result<SessionRow, StoreError> {
    if found.config == new.config {
        Ok(found)
    } else {
        Err(StoreError::Invalid(format!(
            "paper session {:?} exists with a different agent configuration; \
             pick another name or delete it first",
            new.name
        )))
    }
}

/// A batch's values that fit the tables: each seq within i64 and used once, each (symbol, ts)
/// once; the error names the session and the bar.
pub(crate) fn check_batch(session: &str, bars: &[RecordedBar]) -> Result<(), StoreError> {
    let mut seqs = HashSet::with_capacity(bars.len());
    let mut keys = HashSet::with_capacity(bars.len());
    for b in bars {
        if i64::try_from(b.seq).is_err() {
            return Err(StoreError::Invalid(format!(
                "paper session {session:?}: seq {} is beyond i64",
                b.seq
            )));
        }
        if let Some(n) = b.bar.trade_count
            && i64::try_from(n).is_err()
        {
            return Err(StoreError::Invalid(format!(
                "paper session {session:?}: trade count {n} is beyond i64"
            )));
        }
        if !seqs.insert(b.seq) {
            return Err(StoreError::Invalid(format!(
                "paper session {session:?}: seq {} appears twice in the batch; nothing was recorded",
                b.seq
            )));
        }
        if !keys.insert((&b.symbol, b.bar.ts)) {
            return Err(StoreError::Invalid(format!(
                "paper session {session:?}: the {} bar at {} appears twice in the batch; \
                 nothing was recorded",
                b.symbol,
                b.bar.ts.as_i64()
            )));
        }
    }
    Ok(())
}

/// The error for a bar the table already holds: its seq is taken (`seq_taken`) or its
/// (symbol, ts) was recorded before.
pub(crate) fn already_recorded(session: &str, b: &RecordedBar, seq_taken: bool) -> StoreError {
    StoreError::Invalid(if seq_taken {
        format!(
            "paper session {session:?}: seq {} is already recorded; nothing was recorded",
            b.seq
        )
    } else {
        format!(
            "paper session {session:?}: the {} bar at {} is already recorded; nothing was recorded",
            b.symbol,
            b.bar.ts.as_i64()
        )
    })
}

/// `StoreError::NotFound` for session `name`.
pub(crate) fn no_session(name: &str) -> StoreError {
    StoreError::NotFound(format!("no paper session named {name:?}"))
}
