//! Deleting what the plan says, oldest first: whole TimescaleDB chunks where every series of a
//! hypertable may lose them, then range deletes of at most a batch of rows per transaction,
//! then the space given back ([`store::RetentionStore::reclaim`]).

use domain::UnixNanos;
use store::retain::ChunkDrop;
use store::{SeriesRef, SeriesStatus};

use super::plan::{PlanStore, Planned};
use super::spans::from;
use crate::UpkeepError;

/// Deletes every plan's spans in batches of `batch` rows; returns the chunks dropped.
pub(crate) fn apply<S: PlanStore + ?Sized>(
    store: &mut S,
    plans: &mut [Planned],
    batch: u64,
) -> Result<Vec<ChunkDrop>, UpkeepError> {
    let mut chunks = Vec::new();
    let tables = [(true, store.series()?), (false, store.quote_series()?)];
    for (bars, all) in tables {
        if let Some(drop) = drop_chunks(store, plans, bars, &all)? {
            chunks.push(drop);
        }
    }
    for p in plans.iter_mut() {
        let r = &mut p.report;
        r.rows = 0;
        loop {
            if p.spans.is_empty() {
                break;
            }
            let done = store.delete_spans(&r.series, &p.spans, batch)?;
            r.rows += done.rows;
            r.batches += 1;
            match done.reached {
                Some(t) if !done.done => p.spans = from(&p.spans, t),
                _ => break,
            }
        }
    }
    for c in &chunks {
        for (series, n) in &c.rows {
            if let Some(p) = plans.iter_mut().find(|p| &p.report.series == series) {
                p.report.rows += n;
            }
        }
    }
    Ok(chunks)
}

/// On a TimescaleDB hypertable (bars, or quote bars): the instant before which every series of
/// the table may go (a series without a policy, or whose first rows are kept, holds it at its
/// first stamp), and its whole chunks dropped up to there. `None` on other layouts.
fn drop_chunks<S: PlanStore + ?Sized>(
    store: &mut S,
    plans: &mut [Planned],
    bars: bool,
    all: &[SeriesStatus],
) -> Result<Option<ChunkDrop>, UpkeepError> {
    let of_table = |s: &SeriesRef| matches!(s, SeriesRef::Bars { .. }) == bars;
    let Some(probe) = plans
        .iter()
        .find(|p| of_table(&p.report.series) && !p.spans.is_empty())
        .map(|p| p.report.series.clone())
    else {
        return Ok(None);
    };
    let mut until = UnixNanos::MAX;
    for s in all {
        let series = if bars {
            SeriesRef::Bars {
                symbol: s.symbol.clone(),
                timeframe: s.timeframe,
            }
        } else {
            SeriesRef::QuoteBars {
                symbol: s.symbol.clone(),
                timeframe: s.timeframe,
            }
        };
        let free = plans
            .iter()
            .find(|p| p.report.series == series)
            .and_then(|p| p.spans.first().filter(|f| f.start <= s.first))
            .map_or(s.first, |f| f.end);
        until = until.min(free);
    }
    if until == UnixNanos::MAX || until == UnixNanos::MIN {
        return Ok(None);
    }
    let Some(drop) = store.drop_chunks(&probe, until)? else {
        return Ok(None);
    };
    for p in plans.iter_mut().filter(|p| of_table(&p.report.series)) {
        p.spans = from(&p.spans, drop.until);
    }
    Ok(Some(drop))
}
