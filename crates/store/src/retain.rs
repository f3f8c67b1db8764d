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

/// What deleting the inclusive stamp ranges `emptied` of a `tf` series means for its day index:
/// the day numbers whose rows to drop (the dates strictly inside a range held only deleted rows)
/// and the edge dates to summarise again from the rows left (or drop, when none is left).
pub(crate) fn touched_days(
    tf: Timeframe,
    emptied: &[(i64, i64)],
) -> (Vec<(i64, i64)>, Vec<chrono::NaiveDate>) {
    use domain::grid::days::date_of;
    let mut inner = Vec::new();
    let mut edges = Vec::with_capacity(2 * emptied.len());
    for &(a, b) in emptied {
        let (d0, d1) = (
            date_of(tf, UnixNanos::new(a)),
            date_of(tf, UnixNanos::new(b)),
        );
        let (n0, n1) = (crate::days::day_number(d0), crate::days::day_number(d1));
        if n1 - n0 > 1 {
            inner.push((n0 + 1, n1 - 1));
        }
        edges.extend([d0, d1]);
    }
    edges.dedup();
    (inner, edges)
}

/// Rows deleted from one range, and the first and last stamp among them.
pub(crate) type Gone = Option<(u64, i64, i64)>;

/// Deletes up to `limit` rows from the front of `spans` (ascending, disjoint) with the backend's
/// `nth(x, [lo, hi], n)` (the stamp of the row `n` rows into the range, if any) and `delete(x,
/// [lo, hi])` (what it deleted). Two statements a span. Returns what went and the inclusive
/// ranges of the rows deleted. A batch whose first stamp holds more rows than `limit` (ticks)
/// takes them all, so every call makes progress and no stamp is split.
pub(crate) fn delete_front<X: ?Sized>(
    x: &mut X,
    spans: &[Span],
    limit: u64,
    mut nth: impl FnMut(&mut X, (i64, i64), u64) -> Result<Option<i64>, crate::StoreError>,
    mut delete: impl FnMut(&mut X, (i64, i64)) -> Result<Gone, crate::StoreError>,
) -> Result<(Removed, Vec<(i64, i64)>), crate::StoreError> {
    let mut out = Removed {
        done: true,
        ..Removed::default()
    };
    let mut emptied = Vec::new();
    for (lo, hi) in inclusive(spans) {
        let left = limit.max(1).saturating_sub(out.rows);
        let stop = nth(x, (lo, hi), left)?;
        let mut last = stop.map_or(hi, |s| s - 1);
        let mut gone = if last >= lo {
            delete(x, (lo, last))?
        } else {
            None
        };
        if let (None, Some(s), 0) = (gone, stop, out.rows) {
            // The first stamp holds more rows than the batch.
            last = s;
            gone = delete(x, (lo, s))?;
        }
        if let Some((n, first, end)) = gone {
            out.rows += n;
            emptied.push((first, end));
        }
        if stop.is_some() {
            out.reached = Some(UnixNanos::new(last.saturating_add(1)));
            out.done = false;
            return Ok((out, emptied));
        }
        out.reached = Some(UnixNanos::new(hi.saturating_add(1)));
    }
    Ok((out, emptied))
}

/// The statements retention runs, written once with SQLite's `?N` parameters; PostgreSQL runs
/// the same text with `$N` ([`sql::numbered`]).
pub(crate) mod sql {
    use super::SeriesRef;

    /// `?1` the symbol id, `?2` the timeframe of a bar series (NULL for ticks, so every
    /// statement takes the same parameters).
    fn key(series: &SeriesRef) -> &'static str {
        match series.timeframe() {
            Some(_) => "symbol_id = ?1 AND timeframe = ?2",
            None => "symbol_id = ?1 AND CAST(?2 AS TEXT) IS NULL",
        }
    }

    /// The stamp of the row `?5` rows into `[?3, ?4]`.
    pub fn nth(series: &SeriesRef) -> String {
        format!(
            "SELECT ts FROM {} WHERE {} AND ts BETWEEN ?3 AND ?4 ORDER BY ts LIMIT 1 OFFSET ?5",
            series.table(),
            key(series)
        )
    }

    /// `verb` (`DELETE`, `SELECT count(*)`) over the rows in `[?3, ?4]`.
    pub fn range(verb: &str, series: &SeriesRef) -> String {
        range_of(verb, series, "?3", "?4")
    }

    /// `verb` over the rows between the expressions `lo` and `hi`.
    pub fn range_of(verb: &str, series: &SeriesRef, lo: &str, hi: &str) -> String {
        format!(
            "{verb} FROM {} WHERE {} AND ts BETWEEN {lo} AND {hi}",
            series.table(),
            key(series)
        )
    }

    /// PostgreSQL: the delete, reporting what it took in the same statement.
    pub fn delete_reporting(series: &SeriesRef) -> String {
        format!(
            "WITH gone AS ({} RETURNING ts) SELECT count(*), min(ts), max(ts) FROM gone",
            range("DELETE", series)
        )
    }

    /// The first (`ASC`) or last (`DESC`) stamp of the bar series `?1`, `?2` in `table`.
    pub fn end(table: &str, order: &str) -> String {
        format!(
            "SELECT ts FROM {table} WHERE symbol_id = ?1 AND timeframe = ?2 ORDER BY ts {order} LIMIT 1"
        )
    }

    pub const STATS_UPDATE: &str = "UPDATE series_stats SET rows = rows - ?4, first_ts = ?5, \
        last_ts = ?6 WHERE kind = ?1 AND symbol_id = ?2 AND timeframe = ?3";
    pub const STATS_DELETE: &str =
        "DELETE FROM series_stats WHERE kind = ?1 AND symbol_id = ?2 AND timeframe = ?3";
    pub const DAYS_DELETE: &str = "DELETE FROM series_days \
        WHERE kind = ?1 AND symbol_id = ?2 AND timeframe = ?3 AND day BETWEEN ?4 AND ?5";
    /// The origin rows of bar series `?1`, `?2` overlapping `[?3, ?4]` whose bars are all gone.
    pub const ORIGINS_DELETE: &str = "DELETE FROM bar_origins AS o \
        WHERE o.symbol_id = ?1 AND o.timeframe = ?2 AND o.last_ts >= ?3 AND o.first_ts <= ?4 \
          AND NOT EXISTS (SELECT 1 FROM bars b WHERE b.symbol_id = o.symbol_id \
                          AND b.timeframe = o.timeframe AND b.ts BETWEEN o.first_ts AND o.last_ts)";

    /// PostgreSQL's parameters: `?N` → `$N`.
    pub fn numbered(sql: &str) -> String {
        sql.replace('?', "$")
    }
}
