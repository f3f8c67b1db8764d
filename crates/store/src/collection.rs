//! Rows of the collection tables (migration 0005): ticks with their sequence number, news,
//! backfill checkpoints and the scheduler's run log. Plain values; the backends map them.
//!
//! - [`Seq`]: a trade or quote with its place among the ticks sharing its timestamp.
//! - [`NewsCounts`]: what writing articles ([`domain::NewsArticle`], unique per (provider,
//!   id)) did.
//! - [`CheckpointKey`], [`Checkpoint`], [`Span`], [`ChunkProgress`]: how far a backfill got.
//! - [`CollectionRun`], [`StoredCollectionRun`], [`JobStatus`]: one finished job run, and the
//!   per-job summary `collect status` shows.
//! - [`CollectedSeries`]: rows and range per kind and symbol, for status displays.

use domain::{Symbol, Timeframe, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::{StoreError, UpsertCounts};

/// A tick and its `seq`: 0 for the first tick at its timestamp, 1 for the second, in the order
/// the provider sent them. The tick tables are keyed by (symbol, ts, seq), so re-fetching the
/// same ticks in the same order rewrites the same rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seq<T> {
    pub seq: u32,
    pub tick: T,
}

/// What one [`crate::NewsStore::upsert_news`] call did to each table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsCounts {
    pub news: UpsertCounts,
    pub sentiment: UpsertCounts,
}

/// What a backfill collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataKind {
    Bars,
    Trades,
    Quotes,
    News,
    Options,
}

impl DataKind {
    pub const ALL: [Self; 5] = [
        Self::Bars,
        Self::Trades,
        Self::Quotes,
        Self::News,
        Self::Options,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bars => "bars",
            Self::Trades => "trades",
            Self::Quotes => "quotes",
            Self::News => "news",
            Self::Options => "options",
        }
    }

    pub fn parse(text: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "{text:?} is not a data kind (bars, trades, quotes, news, options)"
                ))
            })
    }
}

impl std::fmt::Display for DataKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One checkpoint per (provider, symbol, kind, timeframe); `timeframe` only for bars.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CheckpointKey {
    pub provider: String,
    pub symbol: Symbol,
    pub kind: DataKind,
    pub timeframe: Option<Timeframe>,
}

/// A half-open time range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: UnixNanos,
    pub end: UnixNanos,
}

/// The chunk a backfill is paging through: `[start, end)` requested, pages up to `cursor`
/// stored. `tick_ts`/`tick_seq` carry the tick numbering across the page boundary: the last
/// stored tick's timestamp and the seq the next tick at that timestamp gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkProgress {
    pub start: UnixNanos,
    pub end: UnixNanos,
    /// The provider's cursor of the next page; `None` before the first page.
    pub cursor: Option<String>,
    pub tick_ts: Option<UnixNanos>,
    pub tick_seq: u32,
}

/// How far a backfill of one key got. Written in the same transaction as the page it follows,
/// so what it says is stored is stored, and nothing after it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub key: CheckpointKey,
    /// Ranges stored completely: sorted, disjoint, never touching (see [`Span`]).
    pub covered: Vec<Span>,
    /// The chunk in progress; `None` between chunks.
    pub chunk: Option<ChunkProgress>,
    /// Rows and pages written under this key, over all runs.
    pub rows: u64,
    pub pages: u64,
    pub updated_at: UnixNanos,
}

impl Checkpoint {
    pub fn new(key: CheckpointKey, at: UnixNanos) -> Self {
        Self {
            key,
            covered: Vec::new(),
            chunk: None,
            rows: 0,
            pages: 0,
            updated_at: at,
        }
    }

    /// Adds `[start, end)` to `covered`, merging ranges that overlap or touch.
    pub fn cover(&mut self, start: UnixNanos, end: UnixNanos) {
        if start >= end {
            return;
        }
        self.covered.push(Span { start, end });
        self.covered.sort();
        let mut merged: Vec<Span> = Vec::with_capacity(self.covered.len());
        for s in self.covered.drain(..) {
            match merged.last_mut() {
                Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        self.covered = merged;
    }

    /// The parts of `[start, end)` not yet covered, in time order.
    pub fn missing(&self, start: UnixNanos, end: UnixNanos) -> Vec<Span> {
        let mut out = Vec::new();
        let mut at = start;
        for c in &self.covered {
            if c.end <= at {
                continue;
            }
            if c.start >= end {
                break;
            }
            if c.start > at {
                out.push(Span {
                    start: at,
                    end: c.start,
                });
            }
            at = at.max(c.end);
        }
        if at < end {
            out.push(Span { start: at, end });
        }
        out
    }
}

/// One finished run of a collection job, as the scheduler records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionRun {
    pub job: String,
    pub started_at: UnixNanos,
    pub finished_at: UnixNanos,
    pub rows_written: u64,
    pub errors: u64,
    /// The last error's message (never a secret: provider errors redact keys).
    pub last_error: Option<String>,
    /// How far the newest stored row trailed the run's due time, in seconds.
    pub lag_seconds: Option<i64>,
    /// When the scheduler will run the job next.
    pub next_run: Option<UnixNanos>,
}

/// A recorded run with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCollectionRun {
    pub id: i64,
    #[serde(flatten)]
    pub run: CollectionRun,
}

/// One job's state for `collect status`: its last run, totals, and its last error and success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStatus {
    pub job: String,
    pub runs: u64,
    pub last_started_at: UnixNanos,
    pub last_finished_at: UnixNanos,
    pub last_rows_written: u64,
    pub last_errors: u64,
    pub total_rows_written: u64,
    pub total_errors: u64,
    /// The newest run with no error.
    pub last_success_at: Option<UnixNanos>,
    /// The newest error message, and when its run finished.
    pub last_error: Option<String>,
    pub last_error_at: Option<UnixNanos>,
    /// Of the last run.
    pub lag_seconds: Option<i64>,
    pub next_run: Option<UnixNanos>,
}

/// Stored rows of one kind for one symbol (the underlying, for options).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectedSeries {
    pub kind: DataKind,
    pub symbol: Symbol,
    pub rows: u64,
    pub first: UnixNanos,
    pub last: UnixNanos,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp() -> Checkpoint {
        Checkpoint::new(
            CheckpointKey {
                provider: "alpaca".into(),
                symbol: Symbol::lit("SPY"),
                kind: DataKind::Bars,
                timeframe: Some(Timeframe::M1),
            },
            UnixNanos::new(0),
        )
    }

    fn spans(v: &[(i64, i64)]) -> Vec<Span> {
        v.iter()
            .map(|&(s, e)| Span {
                start: UnixNanos::new(s),
                end: UnixNanos::new(e),
            })
            .collect()
    }

    #[test]
    fn cover_merges_and_missing_subtracts() {
        let t = UnixNanos::new;
        let mut c = cp();
        assert_eq!(c.missing(t(0), t(10)), spans(&[(0, 10)]));
        c.cover(t(2), t(4));
        c.cover(t(6), t(8));
        c.cover(t(5), t(5));
        assert_eq!(c.covered, spans(&[(2, 4), (6, 8)]));
        assert_eq!(c.missing(t(0), t(10)), spans(&[(0, 2), (4, 6), (8, 10)]));
        assert_eq!(c.missing(t(3), t(7)), spans(&[(4, 6)]));
        assert_eq!(c.missing(t(6), t(8)), spans(&[]));
        c.cover(t(4), t(6));
        assert_eq!(c.covered, spans(&[(2, 8)]));
        c.cover(t(0), t(3));
        c.cover(t(8), t(9));
        assert_eq!(c.covered, spans(&[(0, 9)]));
        assert_eq!(c.missing(t(0), t(10)), spans(&[(9, 10)]));
    }

    #[test]
    fn kinds_round_trip() {
        for k in DataKind::ALL {
            assert_eq!(DataKind::parse(k.as_str()).unwrap(), k);
        }
        assert!(DataKind::parse("candles").is_err());
    }
}
