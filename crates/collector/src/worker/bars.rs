//! A bars run: fetch the lookback window, upsert it, then check the stored series against the
//! expected-bar grid ([`domain::grid`]) on each symbol's calendar (read from the store) and
//! backfill what is missing. A symbol on the `none` calendar expects nothing: it has no gap
//! check and no lag.
//!
//! The window is fetched for all the job's symbols at once (up to the provider's per-request
//! limit), so a minute job costs one request however many symbols it has.
//!
//! The gap check covers `[start − gap_window, start)`: the part of the recent past this run did
//! not just fetch (a bar missing inside the window was just asked for; asking again at once
//! would get the same answer). Per symbol, the span from its first gap to its last goes to the
//! backfill engine ([`crate::backfill`]), which skips what its checkpoint already covers. A gap
//! that survives its backfill is a minute the provider has no bar for (no trades): the
//! checkpoint (once the data is settled) and [`GapMemo`] (within the process) keep the worker
//! from asking for it every minute.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use domain::grid::{BarGrid, Gap, GridError};
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use providers::{BarsRequest, Dedup, Provider as Source};
use store::{BarQuery, DataKind, Span};

use crate::backfill::guard::{PageGuard, rows_bound};
use crate::backfill::{BackfillSpec, run_backfill_with};
use crate::queue::JobSpec;
use crate::worker::{Clients, JobError, JobReport, StoreHandle, provider_of};

/// Gaps already backfilled by this process, by (symbol, timeframe, start, end).
#[derive(Debug, Default)]
pub struct GapMemo(Mutex<HashSet<(Symbol, Timeframe, i64, i64)>>);

impl GapMemo {
    /// Marks `gap` tried; false if it already was.
    fn first_try(&self, symbol: &Symbol, tf: Timeframe, gap: &Gap) -> bool {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        set.insert((symbol.clone(), tf, gap.start.as_i64(), gap.end.as_i64()))
    }

    /// Forgets gaps that ended before `before` (they are out of every later check).
    fn prune(&self, before: UnixNanos) {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        set.retain(|k| k.3 >= before.as_i64());
    }
}

/// Fetches every page of `req`, deduplicating rows repeated across pages; paging that does
/// not end ([`PageGuard`]) fails the run.
pub async fn fetch_all_bars(
    client: &dyn Source,
    req: &BarsRequest,
    report: &mut JobReport,
) -> Result<Vec<(Symbol, Bar)>, JobError> {
    let mut out = Vec::new();
    let mut cursor = None;
    let mut dedup = Dedup::new();
    let mut keys = HashSet::new();
    let span = Span {
        start: req.start,
        end: req.end,
    };
    let rows = rows_bound(DataKind::Bars, req.timeframe, span);
    let mut guard = PageGuard::new(rows.saturating_mul(req.symbols.len() as u64), None);
    loop {
        let mut page = client.fetch_bars(req, cursor.as_ref()).await?;
        report.requests += 1;
        dedup.apply(&mut page);
        let fresh = page
            .items
            .iter()
            .filter(|(s, b)| keys.insert((s.clone(), b.ts)))
            .count();
        guard
            .check_rows(&page.request, page.items.len(), fresh, page.next.as_ref())
            .map_err(JobError::Failed)?;
        out.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

/// Upserts fetched bars per symbol (one transaction each); returns the bars by symbol.
async fn store_bars(
    store: &StoreHandle,
    tf: Timeframe,
    rows: Vec<(Symbol, Bar)>,
    report: &mut JobReport,
) -> Result<BTreeMap<Symbol, Vec<Bar>>, JobError> {
    let mut by_symbol: BTreeMap<Symbol, BTreeMap<UnixNanos, Bar>> = BTreeMap::new();
    for (s, b) in rows {
        by_symbol.entry(s).or_default().insert(b.ts, b);
    }
    let mut out = BTreeMap::new();
    for (symbol, bars) in by_symbol {
        let bars: Vec<Bar> = bars.into_values().collect();
        let (s, b) = (symbol.clone(), bars.clone());
        let counts = store.call(move |st| st.upsert_bars(&s, tf, &b)).await?;
        report.add_counts(counts);
        out.insert(symbol, bars);
    }
    Ok(out)
}

/// Stored bar times of one series in `[start, end)`, ascending.
async fn stored_times(
    store: &StoreHandle,
    symbol: &Symbol,
    tf: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
) -> Result<Vec<UnixNanos>, JobError> {
    let q = BarQuery {
        symbol: symbol.clone(),
        timeframe: tf,
        start: Some(start),
        end: Some(end),
    };
    Ok(store
        .call(move |st| {
            let mut out = Vec::new();
            let mut after = None;
            loop {
                let page = st.bar_page(&q, after, 10_000)?;
                let Some(last) = page.last() else {
                    return Ok(out);
                };
                after = Some(last.ts);
                out.extend(page.iter().map(|b| b.ts));
            }
        })
        .await?)
}

/// Runs a bars job: window, gap check, backfill.
pub async fn run_bars(
    clients: &Clients,
    store: &StoreHandle,
    spec: &JobSpec,
    window: (Timeframe, UnixNanos, UnixNanos),
    gaps: &GapCheck<'_>,
) -> Result<JobReport, JobError> {
    let (tf, start, end) = window;
    let client = clients.get(provider_of(spec)?)?.as_ref();
    let mut report = JobReport::default();
    let per_request = client.limits().max_symbols_per_request.max(1);
    let mut fetched: BTreeMap<Symbol, Vec<Bar>> = BTreeMap::new();
    for chunk in spec.symbols.chunks(per_request) {
        let req = BarsRequest::new(chunk.to_vec(), tf, start, end);
        let rows = fetch_all_bars(client, &req, &mut report).await?;
        fetched.extend(store_bars(store, tf, rows, &mut report).await?);
    }
    let mut grids = Vec::with_capacity(spec.symbols.len());
    for symbol in &spec.symbols {
        grids.push((symbol.clone(), grid_of(store, symbol, tf).await?));
    }
    report.lag_seconds = Some(lag_seconds(&grids, &fetched, tf, start, end)?);

    if gaps.window > 0 {
        let gap_start = start.plus(-gaps.window);
        gaps.memo.prune(gap_start);
        for (symbol, grid) in &grids {
            let Some(grid) = grid else { continue };
            let range = (gap_start, start);
            // One symbol's failure is reported and the others still get their check.
            if let Err(e) = fill_gaps(
                clients,
                store,
                spec,
                (symbol, grid),
                range,
                gaps,
                &mut report,
            )
            .await
            {
                tracing::warn!(job = %spec.job, symbol = %symbol, "gap check failed: {e}");
                report.errors.push(format!("{symbol}: gap check: {e}"));
            }
        }
    }
    Ok(report)
}

/// The gap check of a bars run: how far back, the process's memo, and the time for the
/// backfill's checkpoints.
pub struct GapCheck<'a> {
    pub window: i64,
    pub memo: &'a GapMemo,
    pub now: UnixNanos,
}

/// The grid of `symbol`'s `tf` bars on its stored calendar; `None` on the `none` calendar.
async fn grid_of(
    store: &StoreHandle,
    symbol: &Symbol,
    tf: Timeframe,
) -> Result<Option<BarGrid>, JobError> {
    let s = symbol.clone();
    let calendar = store.call(move |st| st.symbol_calendar(&s)).await?;
    match BarGrid::new(tf, calendar) {
        Ok(grid) => Ok(Some(grid)),
        Err(GridError::NoCalendar) => Ok(None),
        Err(e) => Err(JobError::Config(e.to_string())),
    }
}

async fn fill_gaps(
    clients: &Clients,
    store: &StoreHandle,
    spec: &JobSpec,
    (symbol, grid): (&Symbol, &BarGrid),
    (start, end): (UnixNanos, UnixNanos),
    check: &GapCheck<'_>,
    report: &mut JobReport,
) -> Result<(), JobError> {
    let tf = grid.timeframe();
    let have = stored_times(store, symbol, tf, start, end).await?;
    let gaps = grid.gaps(start, end, &have)?;
    let missing: u64 = gaps.iter().map(|g| g.bars).sum();
    report.gap_bars += missing;
    let todo: Vec<&Gap> = gaps
        .iter()
        .filter(|g| check.memo.first_try(symbol, tf, g))
        .collect();
    let (Some(first), Some(last)) = (todo.first(), todo.last()) else {
        report.gap_bars_left += missing;
        return Ok(());
    };
    tracing::info!(symbol = %symbol, gaps = todo.len(), bars = missing, from = %first.start, to = %last.end, "backfilling gaps");
    let mut bf = BackfillSpec::new(
        provider_of(spec)?,
        vec![symbol.clone()],
        DataKind::Bars,
        tf,
        first.start,
        last.end,
        check.now,
    );
    bf.concurrency = 1;
    let done = run_backfill_with(&bf, store, clients, &|_| {})
        .await
        .map_err(|e| JobError::Failed(format!("gap backfill: {e}")))?;
    report.requests += done.pages;
    report.add_counts(done.rows);
    if let Some(e) = done.symbols.iter().flat_map(|s| &s.errors).next() {
        report.errors.push(format!("{symbol}: gap backfill: {e}"));
    }
    let have = stored_times(store, symbol, tf, start, end).await?;
    let left: u64 = grid.gaps(start, end, &have)?.iter().map(|g| g.bars).sum();
    report.gap_bars_left += left;
    Ok(())
}

/// Seconds between the end of the last bar a symbol's grid expects in `[start, end)` and the
/// end of the newest bar fetched for it, for the slowest symbol; 0 when no bar is expected
/// (before the open, or the `none` calendar) or every symbol is current.
fn lag_seconds(
    grids: &[(Symbol, Option<BarGrid>)],
    fetched: &BTreeMap<Symbol, Vec<Bar>>,
    tf: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
) -> Result<i64, JobError> {
    let step = tf.nanos().unwrap_or(0);
    let mut worst = 0;
    for (s, grid) in grids {
        let Some(grid) = grid else { continue };
        let expected = grid
            .expected(start, end)
            .map_err(|e| JobError::Config(e.to_string()))?;
        let Some(last) = expected.last() else {
            continue;
        };
        let due_end = grid.slot_end(last);
        let newest = fetched
            .get(s)
            .and_then(|b| b.iter().map(|b| b.ts.plus(step)).max())
            .unwrap_or(start);
        worst = worst.max((due_end.as_i64() - newest.as_i64()).max(0));
    }
    Ok(worst / 1_000_000_000)
}
