//! Importing an option chain file: [`read`] (the layout told by the header, every row checked,
//! findings counted), then [`store_rows`] in one `upsert_options` call, one transaction, so a
//! refused file stores nothing. [`import`] does both. The caller shows the read's findings and
//! skipped lines between the two, so a file whose every row was skipped still lists them
//! before its error.
//!
//! **Merging.** A file says only some fields of a snapshot: LEAN trade bars have the last
//! trade and volume but no bid or ask, LEAN quote bars the opposite, and both key their rows
//! by the end of the same minute. Before writing, the snapshots already stored for the file's
//! underlyings over the file's time window are read (`OptionStore::options`), and each row
//! found there is written as the stored one with this layout's fields replaced
//! ([`OptionLayout::overlay`]). So quote bars then trade bars (or the other way round) give
//! snapshots with both, and importing either again changes nothing. A snapshot stored under
//! another underlying for the same OCC symbol is not found, and is replaced whole.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use domain::{OptionQuote, Symbol, UnixNanos};
use formats::import::options::{
    DEFAULT_STALE_AFTER, OptionLayout, OptionReadOptions, OptionReadReport, OptionReadResult,
    read_options,
};
use store::{OptionStore, UpsertCounts};

use crate::AppError;

/// `ztrade options import FILE [--underlying SYM] [--at TIME] [--skip-invalid]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionImportRequest {
    pub file: PathBuf,
    /// The underlying of every contract, in place of the OCC root (`--underlying`).
    pub underlying: Option<Symbol>,
    /// A yfinance chain's snapshot time (`--at`); absent, the latest `lastTradeDate` in the
    /// file. LEAN bars carry their own times.
    pub at: Option<UnixNanos>,
    /// Keep the valid rows and report the others instead of refusing the file.
    pub skip_invalid: bool,
    /// A last trade more than this before the snapshot is a stale-trade finding.
    pub stale_after: Duration,
}

impl OptionImportRequest {
    /// Strict, no override, no `--at`, stale after [`DEFAULT_STALE_AFTER`].
    pub fn new(file: impl Into<PathBuf>) -> Self {
        Self {
            file: file.into(),
            underlying: None,
            at: None,
            skip_invalid: false,
            stale_after: DEFAULT_STALE_AFTER,
        }
    }

    /// How formats reads the file (naive times in New York, as LEAN writes them).
    pub fn read_options(&self) -> OptionReadOptions {
        OptionReadOptions {
            underlying: self.underlying.clone(),
            at: self.at,
            skip_invalid: self.skip_invalid,
            stale_after: self.stale_after,
            ..OptionReadOptions::default()
        }
    }
}

/// What an import stored and what reading found.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionImport {
    /// `skipped` counts the rows left out under `--skip-invalid`.
    pub counts: UpsertCounts,
    pub read: OptionReadReport,
}

/// Reads and checks the whole file.
pub fn read(req: &OptionImportRequest) -> Result<OptionReadResult, AppError> {
    crate::data::import::check_file(&req.file)?;
    Ok(read_options(&req.file, &req.read_options())?)
}

/// Stores what [`read`] kept, merged over the stored snapshots (see the module's comment), in
/// one transaction. A file with no row left is an error, and nothing is written.
pub fn store_rows(
    store: &mut (impl OptionStore + ?Sized),
    req: &OptionImportRequest,
    read: &OptionReadResult,
) -> Result<UpsertCounts, AppError> {
    if read.quotes.is_empty() {
        return Err(AppError::input(match read.report.skipped.len() {
            0 => format!("{}: no data rows after the header", req.file.display()),
            n => format!(
                "{}: all {n} data rows are invalid (listed above); nothing stored",
                req.file.display()
            ),
        }));
    }
    let rows = merged(store, read.report.layout, &read.quotes)?;
    let mut counts = store.upsert_options(&rows, None)?;
    counts.skipped = read.report.skipped.len() as u64;
    Ok(counts)
}

/// [`read`] then [`store_rows`].
pub fn import(
    store: &mut (impl OptionStore + ?Sized),
    req: &OptionImportRequest,
) -> Result<OptionImport, AppError> {
    let read = read(req)?;
    let counts = store_rows(store, req, &read)?;
    Ok(OptionImport {
        counts,
        read: read.report,
    })
}

/// `quotes`, each laid over the snapshot stored at its (contract, time) when there is one.
fn merged(
    store: &(impl OptionStore + ?Sized),
    layout: OptionLayout,
    quotes: &[OptionQuote],
) -> Result<Vec<OptionQuote>, AppError> {
    let mut windows: BTreeMap<&Symbol, (UnixNanos, UnixNanos)> = BTreeMap::new();
    for q in quotes {
        let w = windows
            .entry(&q.contract.underlying)
            .or_insert((q.ts, q.ts));
        w.0 = w.0.min(q.ts);
        w.1 = w.1.max(q.ts);
    }
    let mut stored: HashMap<(Symbol, UnixNanos), OptionQuote> = HashMap::new();
    for (underlying, (first, last)) in windows {
        // The end is exclusive; past the last instant there is nothing to bound.
        let end = last.checked_plus(1);
        for s in store.options(underlying, Some(first), end)? {
            stored.insert((s.contract.occ.clone(), s.ts), s);
        }
    }
    Ok(quotes
        .iter()
        .map(|q| match stored.get(&(q.contract.occ.clone(), q.ts)) {
            Some(s) => layout.overlay(s, q.clone()),
            None => q.clone(),
        })
        .collect())
}

/// An import as `--json` and the terminal show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportSummary {
    pub file: String,
    /// `yfinance`, `lean_quote` or `lean_trade`.
    pub layout: String,
    pub rows: u64,
    /// A yfinance chain's snapshot time (`--at`, or its latest trade).
    pub snapshot_at: Option<UnixNanos>,
    pub counts: UpsertCounts,
    /// Each kind of finding with its count and first lines.
    pub findings: Vec<FindingSummary>,
}

/// One kind of finding in a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingSummary {
    pub kind: String,
    pub count: u64,
    pub lines: Vec<u64>,
}

impl OptionImport {
    /// The summary of this import of `file`.
    pub fn summary(&self, file: &std::path::Path) -> ImportSummary {
        ImportSummary {
            file: file.display().to_string(),
            layout: self.read.layout.name().to_string(),
            rows: self.read.rows,
            snapshot_at: self.read.snapshot_at,
            counts: self.counts,
            findings: self
                .read
                .findings
                .iter()
                .map(|f| FindingSummary {
                    kind: f.kind.name().to_string(),
                    count: f.count,
                    lines: f.lines.clone(),
                })
                .collect(),
        }
    }
}
