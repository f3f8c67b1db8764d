//! Resumable, idempotent backfill from a provider into the store.
//!
//! - this file: the interface. [`run_backfill`] (or [`run_backfill_with`] on an open
//!   [`StoreHandle`]) takes a [`BackfillSpec`] and returns a [`BackfillReport`] with one
//!   [`SymbolReport`] per symbol; [`ProgressEvent`]s are reported as pages land.
//! - [`plan`]: the requested range minus what the checkpoint says is stored, in chunks, an
//!   interrupted chunk first.
//! - [`symbol`]: one symbol's chunks, page by page: fetch, dedup, write with the checkpoint.
//! - [`pages`]: per kind, a provider page turned into the rows the store takes ([`batch`]);
//!   `judge` keeps the rows the request asked for and refuses a page of none of them.
//! - [`guard`]: the bounds on a chunk's paging (cursors seen, pages without new rows, a page cap).
//! - [`actions`]: splits and dividends, apart from the rest: fetched whole, then stored in one
//!   transaction, with no checkpoint ([`actions::run_actions_backfill`]).
//!
//! How it stays exact:
//! - One request per symbol (Polygon allows no more; for Alpaca it keeps the cursor, the
//!   checkpoint and a failure per symbol). Clients are shared ([`Clients`]: one per provider,
//!   owning its rate budget and retries of 429/5xx/timeouts).
//! - Each page is written in one transaction together with the checkpoint that points after
//!   it (`Store::upsert_*` with a [`store::Checkpoint`]): a process killed at any moment resumes
//!   at the first page not stored. Everything is an upsert on the natural key, so a page written
//!   twice (a rerun over a covered range, a provider repeating rows) stores nothing twice.
//! - Ticks are keyed by (symbol, ts, seq); seq counts ticks sharing a timestamp in provider
//!   order and is carried across pages in the checkpoint, so a re-fetch numbers them the same.
//! - A page that cannot be used (truncated body, invalid row, every row of another symbol or
//!   outside the window) fails its symbol: the checkpoint stays before it, the other symbols go
//!   on, and the next run fetches it again.
//! - Paging that does not end (a cursor seen before in the chunk, [`guard::MAX_IDLE_PAGES`]
//!   pages without a new row, more pages than the range can need) fails its symbol, naming the
//!   request, and the chunk's cursor is dropped so the next run starts that chunk afresh.
//! - Data younger than [`plan::SETTLE_NANOS`] is stored but not marked covered; for bars that is
//!   a bar that had not ended by then, and the covered range stops at its slot of the
//!   expected-bar grid ([`plan::settled_end`]).
//!
//! The store is synchronous; writes go through [`StoreHandle`] on the blocking pool, one page in
//! flight per symbol while the next page is fetched.

pub mod actions;
pub mod batch;
pub mod guard;
mod judge;
pub mod pages;
pub mod plan;
pub mod symbol;

use std::sync::Arc;

use domain::{Symbol, Timeframe, UnixNanos};
use serde::Serialize;
use store::{DataKind, StoreError, UpsertCounts};
use thiserror::Error;
use tokio::sync::mpsc;

use crate::worker::{Clients, JobError, StoreHandle};
use domain::Provider;

/// What to backfill: `kind` (bars at `timeframe`) of `symbols` from `provider` in
/// `[start, end)`. Option chains are a snapshot: they ignore the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackfillSpec {
    pub provider: Provider,
    pub symbols: Vec<Symbol>,
    pub kind: DataKind,
    /// Bars only; ignored for other kinds.
    pub timeframe: Timeframe,
    pub start: UnixNanos,
    pub end: UnixNanos,
    /// The current time, passed in: data younger than 15 minutes is not marked covered, and
    /// checkpoints are stamped with it.
    pub now: UnixNanos,
    /// Chunk length in nanoseconds; `None` picks one per kind ([`plan::default_chunk`]).
    pub chunk: Option<i64>,
    /// Symbols fetched at once (they share the provider's rate budget).
    pub concurrency: usize,
}

impl BackfillSpec {
    pub fn new(
        provider: Provider,
        symbols: Vec<Symbol>,
        kind: DataKind,
        timeframe: Timeframe,
        start: UnixNanos,
        end: UnixNanos,
        now: UnixNanos,
    ) -> Self {
        Self {
            provider,
            symbols,
            kind,
            timeframe,
            start,
            end,
            now,
            chunk: None,
            concurrency: 4,
        }
    }

    fn check(&self) -> Result<(), BackfillError> {
        let bad = |m: String| Err(BackfillError::Spec(m));
        if self.symbols.is_empty() {
            return bad("no symbols given".into());
        }
        if self.kind != DataKind::Options && self.start >= self.end {
            return bad(format!(
                "empty range: start {} is not before end {}",
                self.start, self.end
            ));
        }
        if self.kind == DataKind::Bars && self.timeframe.nanos().is_none_or(|n| n <= 0) {
            return bad(format!("timeframe {} has no fixed length", self.timeframe));
        }
        Ok(())
    }
}

/// A page of one symbol landed in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressEvent {
    pub symbol: Symbol,
    /// Rows the page offered (inserted, updated or unchanged).
    pub rows: u64,
    /// How far this symbol got: the newest timestamp stored so far in `[start, end)`.
    pub position: UnixNanos,
}

/// What happened to one symbol.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SymbolReport {
    pub symbol: String,
    pub rows: UpsertCounts,
    /// News only: the derived per-15-minute sentiment records.
    pub sentiment: UpsertCounts,
    /// Provider pages fetched (and written).
    pub pages: u64,
    pub chunks: u64,
    /// Started from an interrupted chunk's cursor.
    pub resumed: bool,
    /// The checkpoint already covered the range: nothing was fetched.
    pub up_to_date: bool,
    /// Rows dropped because they repeated the previous page (or, within a page, the same bar).
    pub repeated: u64,
    /// Quotes with ask below bid: stored as sent, counted here.
    pub crossed: u64,
    /// Trades the provider marks canceled or corrected: not stored, counted here.
    pub trade_updates: u64,
    /// Rows the provider sent for another symbol or outside the requested window: not stored.
    pub outside: u64,
    /// Chunks restarted because the provider refused a stored cursor.
    pub restarts: u64,
    /// Why the symbol stopped early; empty when it finished.
    pub errors: Vec<String>,
}

impl SymbolReport {
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackfillReport {
    pub provider: Provider,
    pub kind: DataKind,
    pub timeframe: Option<Timeframe>,
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub symbols: Vec<SymbolReport>,
    pub rows: UpsertCounts,
    pub pages: u64,
    /// Symbols that stopped with an error.
    pub failed: usize,
}

/// Failures of the whole run; a failing symbol is in its [`SymbolReport`] instead.
#[derive(Debug, Error)]
pub enum BackfillError {
    #[error("backfill: {0}")]
    Spec(String),
    #[error(transparent)]
    Client(#[from] JobError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Opens (and migrates) the store at `store_url`, then [`run_backfill_with`].
pub async fn run_backfill(
    spec: &BackfillSpec,
    store_url: &str,
    clients: &Clients,
    progress: &(dyn Fn(&ProgressEvent) + Sync),
) -> Result<BackfillReport, BackfillError> {
    let store = StoreHandle::open(store_url).await?;
    let report = run_backfill_with(spec, &store, clients, progress).await;
    // Closing a PostgreSQL connection blocks: do it on the blocking pool.
    let _ = tokio::task::spawn_blocking(move || drop(store)).await;
    report
}

/// Backfills every symbol of `spec`, `spec.concurrency` at a time, and reports per symbol.
pub async fn run_backfill_with(
    spec: &BackfillSpec,
    store: &StoreHandle,
    clients: &Clients,
    progress: &(dyn Fn(&ProgressEvent) + Sync),
) -> Result<BackfillReport, BackfillError> {
    spec.check()?;
    let client = clients.get(spec.provider)?.clone();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ctx = Arc::new(symbol::Ctx {
        spec: spec.clone(),
        client,
        store: store.clone(),
        progress: tx,
    });
    let limit = Arc::new(tokio::sync::Semaphore::new(spec.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, s) in spec.symbols.iter().enumerate() {
        let (ctx, s, limit) = (ctx.clone(), s.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            (i, symbol::backfill_symbol(&ctx, &s).await)
        });
    }
    drop(ctx);
    let mut reports: Vec<Option<SymbolReport>> = vec![None; spec.symbols.len()];
    loop {
        tokio::select! {
            Some(event) = rx.recv() => progress(&event),
            joined = tasks.join_next() => match joined {
                Some(Ok((i, r))) => reports[i] = Some(r),
                Some(Err(e)) => return Err(BackfillError::Spec(format!("symbol task failed: {e}"))),
                None => break,
            },
        }
    }
    while let Ok(event) = rx.try_recv() {
        progress(&event);
    }
    let symbols: Vec<SymbolReport> = reports.into_iter().flatten().collect();
    let mut rows = UpsertCounts::default();
    for s in &symbols {
        rows += s.rows;
    }
    Ok(BackfillReport {
        provider: spec.provider,
        kind: spec.kind,
        timeframe: (spec.kind == DataKind::Bars).then_some(spec.timeframe),
        start: spec.start,
        end: spec.end,
        pages: symbols.iter().map(|s| s.pages).sum(),
        failed: symbols.iter().filter(|s| !s.ok()).count(),
        rows,
        symbols,
    })
}
