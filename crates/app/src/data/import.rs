//! Importing a file of bars or quote bars: [`check_file`] before the store is opened, [`read`]
//! (every row checked, the file checked against the timeframe, progress by bytes), then
//! [`store_rows`] in one transaction. The caller shows the read's warnings and skipped lines
//! between the two, so a file whose every row was skipped still lists them before its error.

use std::path::{Path, PathBuf};

use domain::Symbol;
use domain::calendar::Calendar;
use formats::import::{ReadOptions, ReadResult, Rows};
use store::{BarStore, SymbolStore, UpsertCounts};

use crate::AppError;
use crate::progress::Progress;

#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub file: PathBuf,
    pub symbol: Symbol,
    pub options: ReadOptions,
    /// Put the symbol on this calendar first (`--calendar`).
    pub calendar: Option<Calendar>,
}

/// The file's size in bytes, or an error naming it when it cannot be read.
pub fn check_file(file: &Path) -> Result<u64, AppError> {
    std::fs::metadata(file)
        .map(|m| m.len())
        .map_err(|e| AppError::io(format!("cannot read {}", file.display()), e))
}

/// Reads and checks the whole file.
pub fn read(req: &ImportRequest, progress: &dyn Progress) -> Result<ReadResult, AppError> {
    let size = check_file(&req.file)?;
    progress.start(size, &format!("importing {}", req.file.display()));
    let read = formats::import::read_file(&req.file, &req.options, &mut |bytes| {
        progress.set_position(bytes)
    });
    progress.finish();
    Ok(read?)
}

/// Stores what [`read`] kept. A file with no row left is an error, and nothing is written.
pub fn store_rows(
    store: &mut (impl BarStore + SymbolStore + ?Sized),
    req: &ImportRequest,
    read: &ReadResult,
) -> Result<UpsertCounts, AppError> {
    if read.rows.is_empty() {
        return Err(AppError::input(match read.skipped.len() {
            0 => format!("{}: no data rows after the header", req.file.display()),
            n => format!(
                "{}: all {n} data rows are invalid (listed above); nothing stored",
                req.file.display()
            ),
        }));
    }
    crate::symbols::set_for_import(store, &req.symbol, req.calendar)?;
    let tf = req.options.timeframe;
    let mut counts = match &read.rows {
        Rows::Bars(bars) => store.upsert_bars(&req.symbol, tf, bars)?,
        Rows::QuoteBars(q) => store.upsert_quote_bars(&req.symbol, tf, q)?,
    };
    counts.skipped = read.skipped.len() as u64;
    Ok(counts)
}
