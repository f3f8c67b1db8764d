//! A bars run: fetch the lookback window, upsert it, then check the stored series against the
//! NYSE calendar and backfill what is missing.
//!
//! The gap check covers `[start − gap_window, start)`: the part of the recent past this run did
//! not just fetch (a bar missing inside the window was just asked for; asking again at once
//! would get the same answer). Each gap is asked for once per process: a gap that survives its
//! backfill is a minute the provider has no bar for (no trades), and [`GapMemo`] keeps the
//! worker from asking every minute. Per symbol, all its gaps go in one request spanning them.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Mutex;

use domain::calendar::NyseCalendar;
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use providers::{BarsRequest, Dedup, Provider as Source};
use store::BarQuery;

use crate::queue::JobSpec;
use crate::schedule::{Gap, expected_bars, missing_bars};
use crate::worker::{JobError, JobReport, StoreHandle};

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

/// Fetches every page of `req`, deduplicating rows repeated across pages.
pub async fn fetch_all_bars(
    client: &dyn Source,
    req: &BarsRequest,
    report: &mut JobReport,
) -> Result<Vec<(Symbol, Bar)>, JobError> {
    let mut out = Vec::new();
    let mut cursor = None;
    let mut dedup = Dedup::new();
    loop {
        let mut page = client.fetch_bars(req, cursor.as_ref()).await?;
        report.requests += 1;
        dedup.apply(&mut page);
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
#[allow(clippy::too_many_arguments)]
pub async fn run_bars(
    client: &dyn Source,
    store: &StoreHandle,
    spec: &JobSpec,
    tf: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
    gap_window: i64,
    memo: &GapMemo,
) -> Result<JobReport, JobError> {
    let mut report = JobReport::default();
    let per_request = client.limits().max_symbols_per_request.max(1);
    let mut fetched: BTreeMap<Symbol, Vec<Bar>> = BTreeMap::new();
    for chunk in spec.symbols.chunks(per_request) {
        let req = BarsRequest::new(chunk.to_vec(), tf, start, end);
        let rows = fetch_all_bars(client, &req, &mut report).await?;
        fetched.extend(store_bars(store, tf, rows, &mut report).await?);
    }
    report.lag_seconds = Some(lag_seconds(&spec.symbols, &fetched, tf, start, end)?);

    if gap_window > 0 {
        let gap_start = start.plus(-gap_window);
        memo.prune(gap_start);
        for symbol in &spec.symbols {
            // One symbol's failure is reported and the others still get their check.
            if let Err(e) = backfill_symbol(
                client,
                store,
                symbol,
                tf,
                gap_start,
                start,
                memo,
                &mut report,
            )
            .await
            {
                tracing::warn!(job = %spec.job, symbol = %symbol, "gap backfill failed: {e}");
                report.errors.push(format!("{symbol}: gap backfill: {e}"));
            }
        }
    }
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
async fn backfill_symbol(
    client: &dyn Source,
    store: &StoreHandle,
    symbol: &Symbol,
    tf: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
    memo: &GapMemo,
    report: &mut JobReport,
) -> Result<(), JobError> {
    let cal = NyseCalendar;
    let have = stored_times(store, symbol, tf, start, end).await?;
    let gaps =
        missing_bars(&cal, tf, start, end, &have).map_err(|e| JobError::Config(e.to_string()))?;
    let missing: u64 = gaps.iter().map(|g| g.bars).sum();
    report.gap_bars += missing;
    let todo: Vec<Gap> = gaps
        .into_iter()
        .filter(|g| memo.first_try(symbol, tf, g))
        .collect();
    let (Some(first), Some(last)) = (todo.first(), todo.last()) else {
        report.gap_bars_left += missing;
        return Ok(());
    };
    tracing::info!(symbol = %symbol, gaps = todo.len(), from = %first.start, to = %last.end, "backfilling gaps");
    let req = BarsRequest::new(vec![symbol.clone()], tf, first.start, last.end);
    let rows = fetch_all_bars(client, &req, report).await?;
    let stored = store_bars(store, tf, rows, report).await?;
    let mut wanted: BTreeSet<UnixNanos> = BTreeSet::new();
    for g in &todo {
        wanted.extend(
            expected_bars(&cal, tf, g.start, g.end).map_err(|e| JobError::Config(e.to_string()))?,
        );
    }
    let filled = stored.get(symbol).map_or(0, |bars| {
        bars.iter().filter(|b| wanted.contains(&b.ts)).count() as u64
    });
    report.gap_bars_left += missing - filled.min(missing);
    Ok(())
}

/// Seconds between the end of the last bar the calendar expects in `[start, end)` and the end
/// of the newest bar fetched, for the slowest symbol; 0 when no bar is expected (before the
/// open) or every symbol is current.
fn lag_seconds(
    symbols: &[Symbol],
    fetched: &BTreeMap<Symbol, Vec<Bar>>,
    tf: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
) -> Result<i64, JobError> {
    let step = tf.nanos().unwrap_or(0);
    let expected = expected_bars(&NyseCalendar, tf, start, end)
        .map_err(|e| JobError::Config(e.to_string()))?;
    let Some(last) = expected.last() else {
        return Ok(0);
    };
    let due_end = last.plus(step);
    let worst = symbols
        .iter()
        .map(|s| {
            let newest = fetched
                .get(s)
                .and_then(|b| b.iter().map(|b| b.ts.plus(step)).max())
                .unwrap_or(start);
            (due_end.as_i64() - newest.as_i64()).max(0)
        })
        .max()
        .unwrap_or(0);
    Ok(worst / 1_000_000_000)
}
