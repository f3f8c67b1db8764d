//! Retention ([`crate::RetentionStore`], `ztrade data retain`): rows that cross the role, and
//! what both backends share about deleting a series' rows by time.
//!
//! A delete takes spans of stamps, oldest first, and removes at most a batch of rows in one
//! transaction together with everything derived from them: `series_stats` (rows and range),
//! `series_days` (the dates it touched are deleted or summarised again) and `bar_origins` (a row
//! whose bars are all gone). So a `kill -9` leaves whole batches, the derived tables true after
//! each, and a rerun goes on from the first row left.

use domain::{Symbol, Timeframe, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::Span;

/// What retention deletes from: one series of bars or quote bars, or one symbol's trade or
/// quote ticks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SeriesRef {
    Bars {
        symbol: Symbol,
        timeframe: Timeframe,
    },
    QuoteBars {
        symbol: Symbol,
        timeframe: Timeframe,
    },
    Trades {
        symbol: Symbol,
    },
    Quotes {
        symbol: Symbol,
    },
}

impl SeriesRef {
    pub fn symbol(&self) -> &Symbol {
        match self {
            Self::Bars { symbol, .. }
            | Self::QuoteBars { symbol, .. }
            | Self::Trades { symbol }
            | Self::Quotes { symbol } => symbol,
        }
    }

    /// The timeframe of a bar series; `None` for ticks.
    pub fn timeframe(&self) -> Option<Timeframe> {
        match self {
            Self::Bars { timeframe, .. } | Self::QuoteBars { timeframe, .. } => Some(*timeframe),
            Self::Trades { .. } | Self::Quotes { .. } => None,
        }
    }

    /// The table its rows live in.
    pub fn table(&self) -> &'static str {
        match self {
            Self::Bars { .. } => "bars",
            Self::QuoteBars { .. } => "quote_bars",
            Self::Trades { .. } => "market_trades",
            Self::Quotes { .. } => "market_quotes",
        }
    }

    /// As people read it: `SPY 1m bars`, `SPY trades`.
    pub fn label(&self) -> String {
        match self {
            Self::Bars { symbol, timeframe } => format!("{symbol} {timeframe} bars"),
            Self::QuoteBars { symbol, timeframe } => format!("{symbol} {timeframe} quote bars"),
            Self::Trades { symbol } => format!("{symbol} trades"),
            Self::Quotes { symbol } => format!("{symbol} quotes"),
        }
    }
}

/// Which tick table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TickTable {
    Trades,
    Quotes,
}

/// What one [`crate::RetentionStore::delete_spans`] call removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub rows: u64,
    /// Every row of the spans before this instant is gone (`None`: the call reached no row).
    pub reached: Option<UnixNanos>,
    /// No row of the spans is left.
    pub done: bool,
}

/// A table's size on disk with its indexes, and the rows in it: the basis of the dry run's
/// byte estimate (rows to delete × bytes ÷ rows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TableSize {
    pub bytes: u64,
    pub rows: u64,
}

/// What [`crate::RetentionStore::reclaim`] gave back to the file system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reclaimed {
    /// Bytes the store file shrank by; `None` where the backend keeps freed space for reuse
    /// (PostgreSQL: autovacuum makes it reusable inside the tables).
    pub bytes: Option<u64>,
    /// How, in a sentence (e.g. the one-time VACUUM of a SQLite store created before
    /// incremental vacuum).
    pub how: String,
}

/// Whole chunks dropped from a TimescaleDB hypertable ([`crate::RetentionStore::drop_chunks`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChunkDrop {
    /// The end of the last chunk dropped: no row of the table is left before it.
    pub until: UnixNanos,
    /// Rows dropped per series.
    pub rows: Vec<(SeriesRef, u64)>,
}

/// A stored backtest run as retention sees it: its period and the agent's config snapshot
/// (symbols, timeframe, benchmark, adjustment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunPeriod {
    pub id: i64,
    pub agent_id: String,
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub config: serde_json::Value,
}

/// `spans` (ascending, disjoint) as inclusive `[lo, hi]` stamp pairs, empty ones left out.
pub(crate) fn inclusive(spans: &[Span]) -> Vec<(i64, i64)> {
    spans
        .iter()
        .filter(|s| s.start < s.end)
        .map(|s| (s.start.as_i64(), s.end.as_i64() - 1))
        .collect()
}

/// Checks that `spans` ascend without overlapping.
pub(crate) fn check_spans(spans: &[Span]) -> Result<(), crate::StoreError> {
    for w in spans.windows(2) {
        if w[1].start < w[0].end {
            return Err(crate::StoreError::Invalid(format!(
                "retention spans overlap or are out of order: [{}, {}) then [{}, {})",
                w[0].start, w[0].end, w[1].start, w[1].end
            )));
        }
    }
    Ok(())
}

/// The dates of `tf` a deleted inclusive stamp range touches: its first and last (the dates in
/// between held only deleted rows).
pub(crate) fn edge_dates(
    tf: Timeframe,
    lo: i64,
    hi: i64,
) -> (chrono::NaiveDate, chrono::NaiveDate) {
    use domain::grid::days::date_of;
    (
        date_of(tf, UnixNanos::new(lo)),
        date_of(tf, UnixNanos::new(hi)),
    )
}
