//! Bar files in: the CSV layouts users have, plain or gzipped, into validated bars; tick files
//! ([`ticks`]) through the same reader.
//!
//! - [`read_file`] / [`read_from`]: the entry points; [`ReadOptions`] in, [`ReadResult`] out.
//! - `reader`: the read loop, with its limits: lines of at most [`MAX_LINE`] bytes, and a last
//!   line without a newline judged for being cut short (`tail`).
//! - `columns`: header names → field positions (any order, any case, known aliases).
//! - `split`: a line → its fields without per-row allocation.
//! - [`timestamp`]: the timestamp layouts; `zone`: naive times → instants, with a per-day
//!   UTC-offset cache.
//! - `numbers`: exact decimal fields (integer arithmetic; the domain parser for odd text).
//! - `rows`: fields → [`Bar`] / [`QuoteBar`], duplicate and order checks.
//! - [`ticks`]: trade and quote tick files (LEAN and plain layouts) → ticks in time order.
//! - [`options`]: option chain files (yfinance snapshots, LEAN option quote and trade bars) →
//!   option snapshots, with findings.
//! - `fit`: does the file fit the timeframe (supported days, boundaries, bar spacing).
//!
//! Errors always read `FILE:LINE: field: reason`, LINE counting the header as line 1.

mod columns;
mod fit;
mod numbers;
pub mod options;
mod reader;
mod rows;
mod split;
mod tail;
pub mod ticks;
pub mod timestamp;
mod zone;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use domain::{Bar, QuoteBar, Timeframe};
use thiserror::Error;

pub use reader::{MAX_LINE, read_file, read_from};

/// How to read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Daily-or-longer timeframes key each bar by the date written in the file.
    pub timeframe: Timeframe,
    /// The zone of timestamps written without an offset.
    pub tz: Tz,
    /// Keep the valid rows and report the others instead of stopping at the first.
    pub skip_invalid: bool,
    /// Refuse a last line that has no newline and looks cut short (its last field shorter than
    /// every other in that column); off, it is read with a warning.
    pub strict_tail: bool,
    /// Scale each bar by Yahoo's `Adj Close / Close` (open, high, low and close; volume by the
    /// inverse), giving a total-return series; off, an `Adj Close` column is ignored and
    /// [`ReadResult::adj_close_ignored`] says so.
    pub adj_close: bool,
}

impl ReadOptions {
    /// Strict, naive times read in America/New_York.
    pub fn new(timeframe: Timeframe) -> Self {
        Self {
            timeframe,
            tz: domain::time::NEW_YORK,
            skip_invalid: false,
            strict_tail: true,
            adj_close: false,
        }
    }
}

/// What the file held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    Bars(Vec<Bar>),
    QuoteBars(Vec<QuoteBar>),
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Bars(b) => b.len(),
            Rows::QuoteBars(q) => q.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadResult {
    /// In time order, one row per timestamp.
    pub rows: Rows,
    /// Lines left out under `skip_invalid`, in line order.
    pub skipped: Vec<RowError>,
    /// Bytes read from disk (compressed size for `.gz`).
    pub bytes: u64,
    /// Rows that repeated the previous row for the same time exactly, and were dropped.
    pub duplicates: u64,
    /// The file's timestamps went backwards somewhere; rows were sorted.
    pub reordered: bool,
    /// Lines read as they stand but worth a word (a last line without a newline).
    pub warnings: Vec<RowError>,
    /// The file has an `Adj Close` column that was not applied (no `--adj-close`).
    pub adj_close_ignored: bool,
}

/// One bad line: `FILE:LINE: field: reason`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct RowError {
    pub file: PathBuf,
    pub line: u64,
    pub field: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.field,
            self.reason
        )
    }
}

impl RowError {
    pub fn new(
        file: &Path,
        line: u64,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_path_buf(),
            line,
            field: field.into(),
            reason: reason.into(),
        }
    }
}

#[derive(Debug, Error)]
pub enum ImportError {
    /// The file could not be opened or read (or its gzip stream is corrupt).
    #[error("{}: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Not a CSV file (a zip or Parquet file, say).
    #[error("{}: {reason}", file.display())]
    Unsupported { file: PathBuf, reason: String },
    /// A bad header or row.
    #[error(transparent)]
    Invalid(#[from] RowError),
    /// No newline within [`MAX_LINE`] bytes: not a text file, or a broken one. Fatal even when
    /// skipping, since the next row's start cannot be found without reading on unbounded.
    #[error("{}:{line}: line longer than 1 MiB; is this a CSV file?", file.display())]
    LineTooLong { file: PathBuf, line: u64 },
    /// The consumer of a streamed read asked it to stop (it knows why).
    #[error("reading stopped by its consumer")]
    Stopped,
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_adj;
#[cfg(test)]
mod tests_edges;
