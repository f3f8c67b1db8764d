//! Importing a file of trade or quote ticks: [`import`] reads the file on a second thread and
//! stores its rows while reading goes on, in batches of about [`BATCH`], all in one
//! transaction. Parsing one batch overlaps writing the one before, so the import takes about as
//! long as the slower of the two instead of their sum, and memory holds a few batches, not the
//! file.
//!
//! The key of a tick is (symbol, ts, seq), seq being its place among the file's ticks at that
//! timestamp (0, 1, 2… in file order), as the collector numbers the ticks of a page. Every tick
//! is kept, duplicate timestamps included, and re-importing the same file gives every tick the
//! same key: nothing is duplicated, and the counts say `unchanged`. A file whose ticks at one
//! timestamp come in another order is another file (its rows update the stored ones).
//!
//! A refused file (strict mode, a bad row anywhere) stores nothing: the transaction is rolled
//! back. So does a killed import. A file that goes back in time somewhere cannot be numbered
//! as it streams: the rows stored so far are rolled back, and the file is read again whole,
//! sorted (stably: file order within a timestamp) and stored in one transaction.

use std::path::PathBuf;
use std::sync::mpsc;

use domain::calendar::Calendar;
use domain::{QuoteTick, Symbol, TradeTick, UnixNanos};
use formats::import::ImportError;
use formats::import::ticks::{TickKind, TickOptions, TickReadReport, TickRows};
use store::{Seq, StoreError, SymbolStore, TickFeed, TickStore, UpsertCounts};

use crate::AppError;
use crate::progress::Progress;

mod sequence;
pub use sequence::{Sequencer, Unnumbered};

/// Ticks per batch handed from the reader to the store.
pub const BATCH: usize = 65_536;

/// Batches read ahead of the store at most (memory stays at a few batches).
const QUEUE: usize = 2;

#[derive(Debug, Clone)]
pub struct TickImportRequest {
    pub file: PathBuf,
    pub symbol: Symbol,
    pub options: TickOptions,
    /// Put the symbol on this calendar first (`--calendar`).
    pub calendar: Option<Calendar>,
}

/// What an import stored and what reading found.
#[derive(Debug, Clone)]
pub struct TickImport {
    /// `skipped` counts the rows left out under `--skip-invalid`.
    pub counts: UpsertCounts,
    pub read: TickReadReport,
}

/// Imports the file: see the module's comment. `on_read` hears what reading found (rows
/// skipped, warnings) once the file is read, before the outcome; a file with no row left is
/// an error, and nothing is written.
pub fn import(
    store: &mut (impl TickStore + SymbolStore + ?Sized),
    req: &TickImportRequest,
    progress: &dyn Progress,
    on_read: &mut dyn FnMut(&TickReadReport),
) -> Result<TickImport, AppError> {
    let size = super::import::check_file(&req.file)?;
    progress.start(size, &format!("importing {}", req.file.display()));
    let streamed = match req.options.kind {
        TickKind::Trades => stream(store, req, progress, Kind::TRADES, |s, sym, f| {
            s.import_trades(sym, f)
        }),
        TickKind::Quotes => stream(store, req, progress, Kind::QUOTES, |s, sym, f| {
            s.import_quotes(sym, f)
        }),
    };
    progress.finish();
    let (counts, read) = match streamed? {
        Streamed::Stored(counts, read) => (counts, read),
        Streamed::Failed(e, read) => {
            if let Some(read) = &read {
                on_read(read);
            }
            return Err(e);
        }
        Streamed::BackInTime => whole(store, req, progress)?,
    };
    on_read(&read);
    let counts = UpsertCounts {
        skipped: read.skipped.len() as u64,
        ..counts
    };
    crate::symbols::set_for_import(store, &req.symbol, req.calendar)?;
    Ok(TickImport { counts, read })
}

/// How to read one tick type out of [`TickRows`].
struct Kind<T> {
    unpack: fn(TickRows) -> Vec<T>,
    ts: fn(&T) -> UnixNanos,
}

type StoreResult = Result<UpsertCounts, StoreError>;

impl Kind<TradeTick> {
    const TRADES: Self = Self {
        unpack: |rows| match rows {
            TickRows::Trades(t) => t,
            TickRows::Quotes(_) => Vec::new(),
        },
        ts: |t| t.ts,
    };
}

impl Kind<QuoteTick> {
    const QUOTES: Self = Self {
        unpack: |rows| match rows {
            TickRows::Quotes(q) => q,
            TickRows::Trades(_) => Vec::new(),
        },
        ts: |q| q.ts,
    };
}

enum Streamed {
    Stored(UpsertCounts, TickReadReport),
    /// Nothing stored; what reading found, when it got that far.
    Failed(AppError, Option<TickReadReport>),
    /// Nothing stored: the file must be read whole and sorted.
    BackInTime,
}

/// The reader thread's result: its report, or why it stopped.
type ReaderEnd = (Result<TickReadReport, ImportError>, Option<Unnumbered>);

/// Reads on a scoped thread, stores on this one, one transaction; see [`import`].
fn stream<S, T>(
    store: &mut S,
    req: &TickImportRequest,
    progress: &dyn Progress,
    kind: Kind<T>,
    import: impl FnOnce(&mut S, &Symbol, &mut TickFeed<'_, T>) -> StoreResult,
) -> Result<Streamed, AppError>
where
    S: TickStore + ?Sized,
    T: Send,
{
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(Vec<Seq<T>>, u64)>(QUEUE);
        let reader = scope.spawn(move || -> ReaderEnd {
            let mut numbers = Sequencer::default();
            let mut unnumbered = None;
            let report = formats::import::ticks::stream_ticks(
                &req.file,
                &req.options,
                BATCH,
                &mut |rows, bytes| match numbers.number((kind.unpack)(rows), kind.ts) {
                    Ok(rows) => tx.send((rows, bytes)).is_ok(),
                    Err(why) => {
                        unnumbered = Some(why);
                        false
                    }
                },
            );
            (report, unnumbered)
        });
        let mut reader = Some(reader);
        let mut end: Option<ReaderEnd> = None;
        let mut feed = || -> Result<Option<Vec<Seq<T>>>, StoreError> {
            if let Ok((rows, bytes)) = rx.recv() {
                progress.set_position(bytes);
                return Ok(Some(rows));
            }
            // The reader is done: commit only a whole file that kept a row.
            let done = join(reader.take());
            let whole = matches!(&done, (Ok(r), None) if r.kept > 0);
            end = Some(done);
            if whole {
                Ok(None)
            } else {
                Err(StoreError::Stopped(
                    "the file was not read to its end".into(),
                ))
            }
        };
        let stored = import(store, &req.symbol, &mut feed);
        // A reader still running (the store failed) stops at its next batch.
        drop(rx);
        let (read, unnumbered) = end.unwrap_or_else(|| join(reader.take()));
        Ok(match (stored, read, unnumbered) {
            (_, _, Some(Unnumbered::BackInTime)) => Streamed::BackInTime,
            (_, _, Some(Unnumbered::TooMany(at))) => Streamed::Failed(
                AppError::input(format!(
                    "{}: more than {} ticks at {at}",
                    req.file.display(),
                    u32::MAX
                )),
                None,
            ),
            (Ok(counts), Ok(read), None) => Streamed::Stored(counts, read),
            (_, Ok(read), None) if read.kept == 0 => {
                Streamed::Failed(nothing_kept(req, &read), Some(read))
            }
            (Err(e), Ok(read), None) => Streamed::Failed(e.into(), Some(read)),
            (Err(e), Err(ImportError::Stopped), None) => Streamed::Failed(e.into(), None),
            (_, Err(e), None) => Streamed::Failed(e.into(), None),
        })
    })
}

fn join(reader: Option<std::thread::ScopedJoinHandle<'_, ReaderEnd>>) -> ReaderEnd {
    match reader.expect("the reader is joined once").join() {
        Ok(end) => end,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn nothing_kept(req: &TickImportRequest, read: &TickReadReport) -> AppError {
    AppError::input(match read.skipped.len() {
        0 => format!("{}: no data rows after the header", req.file.display()),
        n => format!(
            "{}: all {n} data rows are invalid (listed above); nothing stored",
            req.file.display()
        ),
    })
}

/// The fallback for a file that goes back in time: read whole, sorted, one transaction.
fn whole(
    store: &mut (impl TickStore + ?Sized),
    req: &TickImportRequest,
    progress: &dyn Progress,
) -> Result<(UpsertCounts, TickReadReport), AppError> {
    progress.start(0, "the file goes back in time: reading it whole to sort it");
    let read = formats::import::ticks::read_ticks(&req.file, &req.options, &mut |b| {
        progress.set_position(b)
    })?;
    progress.finish();
    let report = TickReadReport {
        kept: read.rows.len() as u64,
        skipped: read.skipped,
        bytes: read.bytes,
        reordered: read.reordered,
        warnings: read.warnings,
    };
    if report.kept == 0 {
        return Err(nothing_kept(req, &report));
    }
    let mut numbers = Sequencer::default();
    let counts = match read.rows {
        TickRows::Trades(t) => {
            let rows = numbers.number(t, |t| t.ts).map_err(|e| unsorted(req, e))?;
            store.import_trades(&req.symbol, &mut in_batches(rows))?
        }
        TickRows::Quotes(q) => {
            let rows = numbers.number(q, |q| q.ts).map_err(|e| unsorted(req, e))?;
            store.import_quotes(&req.symbol, &mut in_batches(rows))?
        }
    };
    Ok((counts, report))
}

fn unsorted(req: &TickImportRequest, why: Unnumbered) -> AppError {
    AppError::input(format!(
        "{}: cannot number its ticks: {why:?}",
        req.file.display()
    ))
}

/// A feed over rows in memory, [`BATCH`] at a time.
fn in_batches<T>(rows: Vec<Seq<T>>) -> impl FnMut() -> Result<Option<Vec<Seq<T>>>, StoreError> {
    let mut rows = rows.into_iter();
    move || {
        let batch: Vec<Seq<T>> = rows.by_ref().take(BATCH).collect();
        Ok((!batch.is_empty()).then_some(batch))
    }
}
