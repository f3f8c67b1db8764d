//! One symbol's backfill: load its checkpoint, plan the chunks, page through each.
//!
//! Per page: fetch (the client retries transient failures), prepare the rows, wait for the
//! previous page's write, then hand the rows and the checkpoint that points past them to the
//! store as one transaction, and fetch the next page while it is written. The checkpoint only moves
//! when its page is stored, so stopping anywhere (an error, `kill -9`) loses nothing and the
//! next run starts at the first page not stored.
//!
//! Paging that does not end ([`PageGuard`]: a cursor seen before, pages without new rows, more
//! pages than the range can need) fails the symbol and drops the chunk's stored cursor, so the
//! next run starts the chunk afresh instead of following the loop again.

use std::sync::Arc;

use domain::calendar::Calendar;
use domain::{Symbol, UnixNanos};
use providers::{Cursor, Provider as Source, ProviderError};
use store::{Checkpoint, CheckpointKey, ChunkProgress, DataKind, Span, StoreError, UpsertCounts};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::backfill::batch::Batch;
use crate::backfill::guard::PageGuard;
use crate::backfill::pages::{Fetcher, PageError};
use crate::backfill::plan::{Chunk, default_chunk, plan_chunks, settled_end};
use crate::backfill::{BackfillSpec, ProgressEvent, SymbolReport};
use crate::news_ingest::{SENTIMENT_INTERVAL, interval_sentiment, touched_range};
use crate::worker::StoreHandle;

pub struct Ctx {
    pub spec: BackfillSpec,
    pub client: Arc<dyn Source>,
    pub store: StoreHandle,
    pub progress: mpsc::UnboundedSender<ProgressEvent>,
}

#[derive(Debug, thiserror::Error)]
enum SymbolError {
    #[error("{0}")]
    Page(#[from] PageError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Paging(String),
    #[error("{0}")]
    Other(String),
}

impl From<ProviderError> for SymbolError {
    fn from(e: ProviderError) -> Self {
        Self::Page(PageError::Provider(e))
    }
}

/// Backfills one symbol; a failure ends up in the report, never in the other symbols.
pub async fn backfill_symbol(ctx: &Ctx, symbol: &Symbol) -> SymbolReport {
    let mut report = SymbolReport {
        symbol: symbol.to_string(),
        ..SymbolReport::default()
    };
    if let Err(e) = run(ctx, symbol, &mut report).await {
        tracing::warn!(symbol = %symbol, kind = %ctx.spec.kind, "backfill stopped: {e}");
        report.errors.push(e.to_string());
    }
    report
}

async fn run(ctx: &Ctx, symbol: &Symbol, report: &mut SymbolReport) -> Result<(), SymbolError> {
    let spec = &ctx.spec;
    let key = CheckpointKey {
        provider: spec.provider.as_str().to_string(),
        symbol: symbol.clone(),
        kind: spec.kind,
        timeframe: (spec.kind == DataKind::Bars).then_some(spec.timeframe),
    };
    let k = key.clone();
    let mut cp = ctx
        .store
        .call(move |st| st.checkpoint(&k))
        .await?
        .unwrap_or_else(|| Checkpoint::new(key, spec.now));
    // Where the symbol's daily bars end, for what counts as settled.
    let s = symbol.clone();
    let calendar = ctx.store.call(move |st| st.symbol_calendar(&s)).await?;
    let chunks = if spec.kind == DataKind::Options {
        // A chain is a snapshot, not a range: take one, resuming an interrupted one.
        vec![Chunk {
            span: Span {
                start: spec.now,
                end: spec.now.plus(1),
            },
            resume: cp.chunk.clone(),
        }]
    } else {
        let len = spec
            .chunk
            .unwrap_or_else(|| default_chunk(spec.kind, spec.timeframe));
        plan_chunks(&cp, spec.start, spec.end, len)
    };
    report.up_to_date = chunks.is_empty();
    report.resumed = chunks.first().is_some_and(|c| c.resume.is_some());
    tracing::info!(symbol = %symbol, kind = %spec.kind, chunks = chunks.len(), resumed = report.resumed, "backfill planned");
    for chunk in chunks {
        report.chunks += 1;
        run_chunk(ctx, (symbol, calendar), &mut cp, chunk, report).await?;
    }
    Ok(())
}

/// A write in flight and what to report when it lands.
struct Pending {
    handle: JoinHandle<Result<(UpsertCounts, UpsertCounts), StoreError>>,
    rows: u64,
    position: Option<UnixNanos>,
}

async fn land(
    ctx: &Ctx,
    symbol: &Symbol,
    p: Pending,
    report: &mut SymbolReport,
) -> Result<(), SymbolError> {
    let (rows, sentiment) = p
        .handle
        .await
        .map_err(|e| SymbolError::Other(format!("store task failed: {e}")))??;
    report.rows += rows;
    report.sentiment += sentiment;
    report.pages += 1;
    let _ = ctx.progress.send(ProgressEvent {
        symbol: symbol.clone(),
        rows: p.rows,
        position: p.position.unwrap_or(ctx.spec.start),
    });
    Ok(())
}

async fn run_chunk(
    ctx: &Ctx,
    (symbol, calendar): (&Symbol, Calendar),
    cp: &mut Checkpoint,
    chunk: Chunk,
    report: &mut SymbolReport,
) -> Result<(), SymbolError> {
    let spec = &ctx.spec;
    let span = chunk.span;
    let fresh = ChunkProgress {
        start: span.start,
        end: span.end,
        cursor: None,
        tick_ts: None,
        tick_seq: 0,
    };
    let mut state = chunk.resume.clone().unwrap_or_else(|| fresh.clone());
    let mut fetcher = resume_fetcher(ctx, symbol, &state).await?;
    let from = state.cursor.clone().map(Cursor::new);
    let mut guard = PageGuard::chunk(spec.kind, spec.timeframe, span, from.as_ref());
    let mut may_restart = state.cursor.is_some();
    let mut pending: Option<Pending> = None;
    loop {
        let cursor = state.cursor.clone().map(Cursor::new);
        let fetched = Fetcher::fetch(
            spec.kind,
            spec.timeframe,
            ctx.client.as_ref(),
            symbol,
            span,
            cursor.as_ref(),
        )
        .await;
        // The page is prepared while the previous one is still being written.
        let prepared = fetched.map(|f| {
            let (next, request) = (f.next().cloned(), f.request().clone());
            let batch = fetcher.prepare(f, symbol, spec.timeframe, span, report);
            (next, request, batch)
        });
        if let Some(p) = pending.take() {
            land(ctx, symbol, p, report).await?;
        }
        let (next, request, batch) = match prepared {
            Ok(p) => p,
            Err(e) if may_restart && refused_cursor(&e) => {
                // A stored cursor can expire; the chunk is re-fetched from its start, which
                // rewrites the same rows.
                tracing::warn!(symbol = %symbol, "provider refused the stored cursor ({e}); restarting the chunk");
                report.restarts += 1;
                may_restart = false;
                state = fresh.clone();
                fetcher = Fetcher::default();
                guard = PageGuard::chunk(spec.kind, spec.timeframe, span, None);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        may_restart = false;
        let mut batch = batch?;
        if let Err(why) = guard.check(&request, &batch, next.as_ref()) {
            forget_cursor(ctx, cp, span).await?;
            return Err(SymbolError::Paging(why));
        }
        // News sentiment reads the stored articles, the previous page's included: after landing.
        if let Batch::News(items, sentiment) = &mut batch {
            *sentiment = news_sentiment(ctx, symbol, items).await?;
        }
        let mut next_cp = cp.clone();
        next_cp.pages += 1;
        next_cp.rows += batch.len() as u64;
        next_cp.updated_at = spec.now;
        state.tick_ts = fetcher.tick_ts;
        state.tick_seq = fetcher.tick_seq;
        let done = match next {
            Some(n) => {
                state.cursor = Some(n.as_str().to_string());
                next_cp.chunk = Some(state.clone());
                false
            }
            None => {
                next_cp.chunk = None;
                if spec.kind != DataKind::Options {
                    next_cp.cover(
                        span.start,
                        settled_end(spec.kind, spec.timeframe, calendar, span.end, spec.now),
                    );
                }
                true
            }
        };
        let rows = batch.len() as u64;
        let position = batch.last_ts().map(|t| t.min(span.end));
        let (s, written) = (symbol.clone(), next_cp.clone());
        let store = ctx.store.clone();
        let handle =
            tokio::spawn(async move { store.call(move |st| batch.write(st, &s, &written)).await });
        *cp = next_cp;
        pending = Some(Pending {
            handle,
            rows,
            position,
        });
        if done {
            land(ctx, symbol, pending.take().expect("just set"), report).await?;
            return Ok(());
        }
    }
}

/// Drops the stored progress of the chunk `span`: its cursors led into a loop, so the next run
/// starts the chunk from its beginning (rewriting the same rows) instead of following them.
async fn forget_cursor(ctx: &Ctx, cp: &mut Checkpoint, span: Span) -> Result<(), SymbolError> {
    let ours = |c: &ChunkProgress| c.start == span.start && c.end == span.end;
    if !cp.chunk.as_ref().is_some_and(ours) {
        return Ok(());
    }
    cp.chunk = None;
    let written = cp.clone();
    ctx.store
        .call(move |st| st.save_checkpoint(&written))
        .await?;
    Ok(())
}

/// The fetcher for a chunk: fresh, or carrying an interrupted chunk's tick numbering with the
/// stored ticks at its last timestamp (so the provider repeating them is caught).
async fn resume_fetcher(
    ctx: &Ctx,
    symbol: &Symbol,
    state: &ChunkProgress,
) -> Result<Fetcher, SymbolError> {
    let Some(at) = state.tick_ts else {
        return Ok(Fetcher::default());
    };
    let (s, kind) = (symbol.clone(), ctx.spec.kind);
    let (trades, quotes) = ctx
        .store
        .call(move |st| {
            let end = Some(at.plus(1));
            Ok(match kind {
                DataKind::Trades => (st.trades(&s, Some(at), end)?, Vec::new()),
                DataKind::Quotes => (Vec::new(), st.quotes(&s, Some(at), end)?),
                _ => (Vec::new(), Vec::new()),
            })
        })
        .await?;
    Ok(Fetcher::resume(
        state.tick_ts,
        state.tick_seq,
        symbol,
        trades.into_iter().map(|t| t.tick).collect(),
        quotes.into_iter().map(|q| q.tick).collect(),
    ))
}

/// The symbol's sentiment for the intervals the page's articles fall in, from every stored
/// article in them plus the page's.
async fn news_sentiment(
    ctx: &Ctx,
    symbol: &Symbol,
    items: &[domain::NewsArticle],
) -> Result<Vec<domain::SentimentRecord>, SymbolError> {
    let Some((lo, hi)) = touched_range(symbol, items, SENTIMENT_INTERVAL) else {
        return Ok(Vec::new());
    };
    let s = symbol.clone();
    let stored = ctx
        .store
        .call(move |st| st.news(&[s], Some(lo), Some(hi)))
        .await?;
    interval_sentiment(symbol, &stored, items, SENTIMENT_INTERVAL)
        .map_err(|e| SymbolError::Other(format!("sentiment: {e}")))
}

/// A cursor the provider will not take (expired, or from another request).
fn refused_cursor(e: &ProviderError) -> bool {
    matches!(
        e,
        ProviderError::Rejected { .. }
            | ProviderError::NotFound { .. }
            | ProviderError::InvalidRequest(_)
    )
}
