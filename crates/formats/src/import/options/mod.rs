//! Option chain files in: one [`OptionQuote`] per row, the layout told by the header.
//!
//! The layouts ([`OptionLayout`]), matched by header names in any order and case:
//! - [`OptionLayout::YfinanceChain`] (`yfinance`): a chain snapshot as yfinance's
//!   `option_chain()` writes it: an unnamed index, `contractSymbol`, `lastTradeDate` (UTC),
//!   `strike`, `lastPrice`, `bid`, `ask`, `volume`, `openInterest`, `impliedVolatility`
//!   (decimal), `contractSize`, `optionType` and columns that are ignored (`change`,
//!   `percentChange`, `inTheMoney`, `currency`, anything a user added). Every row is one
//!   snapshot at the same instant: [`OptionReadOptions::at`], or when absent the latest
//!   `lastTradeDate` in the file (a lower bound of when the chain was taken).
//! - [`OptionLayout::LeanQuoteBars`] (`lean_quote`): LEAN option minute quote bars,
//!   `timestamp_et,underlying,right,style,strike,expiry,bid_open..bid_close,bid_size,
//!   ask_open..ask_close,ask_size`; one snapshot per row at the *end* of the minute (bars are
//!   labelled with their start, and a close is the quote at the end): bid and ask are the
//!   closes, `quoted_at` is the snapshot time.
//! - [`OptionLayout::LeanTradeBars`] (`lean_trade`): LEAN option minute trade bars,
//!   `...,open,high,low,close,volume`; one snapshot per row at the end of the minute, `last` the
//!   close and `last_trade_at` the bar's end.
//!
//! A layout fills only the fields it carries ([`OptionLayout::overlay`] puts them over a stored
//! snapshot, so a trade-bar file does not erase the quotes a quote-bar file stored at the same
//! key). Real oddities that are data, not errors, are counted as [`Findings`]: zero bids and
//! asks, empty fields, crossed quotes, trades long before (or after) the snapshot.
//!
//! - `header`: names → layout and field positions, or an error listing the known layouts.
//! - `cells`: one row's fields → numbers, instants, contracts (`FILE:LINE: field: reason`).
//! - `yfinance`, `lean_quote`, `lean_trade`: one row of each layout → an [`OptionQuote`];
//!   `lean`: the contract columns and bar end the LEAN layouts share.
//! - `findings`: [`Findings`] and what counts as one.
//! - `read`: the read loop, strict or skipping, and the checks over the whole file (one
//!   snapshot per contract and time).

mod cells;
mod findings;
mod header;
mod lean;
mod lean_quote;
mod lean_trade;
mod read;
mod yfinance;

use std::path::Path;
use std::time::Duration;

use chrono_tz::Tz;
use domain::{OptionQuote, Symbol, UnixNanos};

pub use findings::{Finding, FindingKind, Findings};
pub use header::OptionLayout;

use super::{ImportError, RowError};

/// Trades older than this before the snapshot make a [`FindingKind::StaleTrade`] by default.
pub const DEFAULT_STALE_AFTER: Duration = Duration::from_secs(5 * 24 * 60 * 60);

/// The length of the LEAN option bars read: minute files (LEAN's `option/usa/minute/`).
pub const LEAN_BAR: Duration = Duration::from_secs(60);

/// How to read an option chain file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionReadOptions {
    /// The underlying of every contract, in place of the OCC root (or LEAN's `underlying`
    /// column), e.g. for an adjusted contract whose root is `AAPL1`.
    pub underlying: Option<Symbol>,
    /// The snapshot time of a yfinance chain; absent, the latest `lastTradeDate` in the file.
    /// LEAN bars carry their own times and ignore it.
    pub at: Option<UnixNanos>,
    /// Keep the valid rows and report the others instead of stopping at the first.
    pub skip_invalid: bool,
    /// A last trade more than this before the snapshot is a [`FindingKind::StaleTrade`].
    pub stale_after: Duration,
    /// The zone of timestamps written without an offset.
    pub tz: Tz,
}

impl Default for OptionReadOptions {
    /// Strict, no override, stale after [`DEFAULT_STALE_AFTER`], naive times in New York.
    fn default() -> Self {
        Self {
            underlying: None,
            at: None,
            skip_invalid: false,
            stale_after: DEFAULT_STALE_AFTER,
            tz: domain::time::NEW_YORK,
        }
    }
}

/// What reading a file found besides its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionReadReport {
    /// The layout the header told.
    pub layout: OptionLayout,
    /// Rows kept.
    pub rows: u64,
    /// Lines left out under `skip_invalid`, in line order.
    pub skipped: Vec<RowError>,
    /// Real oddities of the kept rows, counted per kind with their first lines.
    pub findings: Findings,
    /// The snapshot time of a yfinance chain (given, or the latest `lastTradeDate`); `None` for
    /// LEAN bars, which carry a time per row.
    pub snapshot_at: Option<UnixNanos>,
    /// Lines read as they stand but worth a word (a last line without a newline).
    pub warnings: Vec<RowError>,
    /// Bytes read from disk (compressed size for `.gz`).
    pub bytes: u64,
}

/// The rows of a file, ordered by (ts, OCC symbol), and the report.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionReadResult {
    pub quotes: Vec<OptionQuote>,
    pub report: OptionReadReport,
}

/// Reads an option chain file (optionally gzipped); the layout is told by its header.
pub fn read_options(
    path: &Path,
    opts: &OptionReadOptions,
) -> Result<OptionReadResult, ImportError> {
    let (mut result, bytes) = super::reader::with_file(path, |reader, _, consumed| {
        read::run(path, reader, consumed, opts)
    })?;
    result.report.bytes = bytes;
    Ok(result)
}

/// [`read_options`] from any reader; `name` is used in error messages.
pub fn read_options_from(
    name: &Path,
    reader: &mut dyn std::io::Read,
    opts: &OptionReadOptions,
) -> Result<OptionReadResult, ImportError> {
    read::run(name, reader, &mut || 0, opts)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_lean;
