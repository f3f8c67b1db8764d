//! Importing a file of trade or quote ticks: [`read`] (every row checked, progress by bytes),
//! then [`store_ticks`] in batches of [`BATCH`] ticks, one transaction each.
//!
//! The key of a tick is (symbol, ts, seq), seq being its place among the file's ticks at that
//! timestamp (0, 1, 2… in file order), as the collector numbers the ticks of a page. Every tick
//! is kept, duplicate timestamps included, and re-importing the same file gives every tick the
//! same key: nothing is duplicated, and the counts say `unchanged`. A file whose ticks at one
//! timestamp come in another order is another file (its rows update the stored ones).
//!
//! A refused file (strict mode) stores nothing, since reading ends before storing starts. A
//! killed import leaves whole batches; running it again completes it.

use std::path::PathBuf;

use domain::calendar::Calendar;
use domain::{Symbol, UnixNanos};
use formats::import::ticks::{TickOptions, TickReadResult, TickRows};
use store::{Seq, SymbolStore, TickStore, UpsertCounts};

use crate::AppError;
use crate::progress::Progress;

/// Ticks per transaction.
pub const BATCH: usize = 250_000;

#[derive(Debug, Clone)]
pub struct TickImportRequest {
    pub file: PathBuf,
    pub symbol: Symbol,
    pub options: TickOptions,
    /// Put the symbol on this calendar first (`--calendar`).
    pub calendar: Option<Calendar>,
}

/// Reads and checks the whole file.
pub fn read(req: &TickImportRequest, progress: &dyn Progress) -> Result<TickReadResult, AppError> {
    let size = super::import::check_file(&req.file)?;
    progress.start(size, &format!("reading {}", req.file.display()));
    let read = formats::import::ticks::read_ticks(&req.file, &req.options, &mut |bytes| {
        progress.set_position(bytes)
    });
    progress.finish();
    Ok(read?)
}

/// Numbers ticks in time order: each gets its place among the ticks at its timestamp.
pub fn sequence<T>(ticks: Vec<T>, ts: impl Fn(&T) -> UnixNanos) -> Vec<Seq<T>> {
    let mut prev = None;
    let mut seq = 0u32;
    ticks
        .into_iter()
        .map(|tick| {
            let at = ts(&tick);
            if prev == Some(at) {
                seq += 1;
            } else {
                prev = Some(at);
                seq = 0;
            }
            Seq { seq, tick }
        })
        .collect()
}

fn store_in_batches<T>(
    rows: &[Seq<T>],
    progress: &dyn Progress,
    mut write: impl FnMut(&[Seq<T>]) -> Result<UpsertCounts, AppError>,
) -> Result<UpsertCounts, AppError> {
    progress.start(rows.len() as u64, "storing ticks");
    let mut counts = UpsertCounts::default();
    for batch in rows.chunks(BATCH) {
        counts += write(batch)?;
        progress.advance(batch.len() as u64);
    }
    progress.finish();
    Ok(counts)
}

/// Stores what [`read`] kept. A file with no row left is an error, and nothing is written.
pub fn store_ticks(
    store: &mut (impl TickStore + SymbolStore + ?Sized),
    req: &TickImportRequest,
    read: TickReadResult,
    progress: &dyn Progress,
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
    let symbol = &req.symbol;
    let mut counts = match read.rows {
        TickRows::Trades(t) => {
            let rows = sequence(t, |t| t.ts);
            store_in_batches(&rows, progress, |b| {
                Ok(store.upsert_trades(symbol, b, None)?)
            })?
        }
        TickRows::Quotes(q) => {
            let rows = sequence(q, |q| q.ts);
            store_in_batches(&rows, progress, |b| {
                Ok(store.upsert_quotes(symbol, b, None)?)
            })?
        }
    };
    counts.skipped = read.skipped.len() as u64;
    Ok(counts)
}
