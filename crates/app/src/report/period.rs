//! A series over a run's period, per date, from the store's day index: the dates strictly inside
//! the period come from the index as stored; the first and last dates, which the period may cut,
//! are summarised from their bars inside it, on the grid of the series' calendar as the index
//! is. So a run over years of minutes reads a few thousand index rows and the bars of two dates.

use domain::grid::BarGrid;
use domain::grid::days::{DaySummary, date_bounds, date_of, summarize_bars};
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use store::{BarQuery, BarStore};

use crate::error::AppError;

fn bars_in<S: BarStore + ?Sized>(
    store: &S,
    symbol: &Symbol,
    tf: Timeframe,
    start: UnixNanos,
    end: Option<UnixNanos>,
) -> Result<Vec<Bar>, AppError> {
    let q = BarQuery {
        symbol: symbol.clone(),
        timeframe: tf,
        start: Some(start),
        end,
    };
    Ok(store.bars(q).collect::<Result<Vec<_>, _>>()?)
}

/// The summaries of `symbol`'s `tf` bars with `start ≤ ts ≤ last`, one per date, ascending.
pub fn period_days<S: BarStore + ?Sized>(
    store: &S,
    symbol: &Symbol,
    tf: Timeframe,
    start: UnixNanos,
    last: UnixNanos,
) -> Result<Vec<DaySummary>, AppError> {
    if start > last {
        return Ok(Vec::new());
    }
    let end = last.checked_plus(1);
    let stored = (store.series()?.into_iter()).find(|s| &s.symbol == symbol && s.timeframe == tf);
    // A series not stored has no bars to fill anything.
    let grid = stored.and_then(|s| BarGrid::new(tf, s.calendar).ok());
    let summarize = |bars: &[Bar]| {
        summarize_bars(tf, grid.as_ref(), bars)
            .map_err(|e| AppError::Stored(format!("{symbol} {tf}: {e}")))
    };
    let (d0, d1) = (date_of(tf, start), date_of(tf, last));
    let outside = || AppError::input(format!("{start}..{last} is outside the supported days"));
    let (_, first_last) = date_bounds(tf, d0).ok_or_else(outside)?;
    if d0 == d1 {
        return summarize(&bars_in(store, symbol, tf, start, end)?);
    }
    let (last_start, _) = date_bounds(tf, d1).ok_or_else(outside)?;
    let mut out = summarize(&bars_in(
        store,
        symbol,
        tf,
        start,
        first_last.checked_plus(1),
    )?)?;
    let inner = (d0.succ_opt(), d1.pred_opt());
    if let (Some(a), Some(b)) = inner
        && a <= b
    {
        out.extend(store.bar_days(symbol, tf, Some(a), Some(b))?);
    }
    out.extend(summarize(&bars_in(store, symbol, tf, last_start, end)?)?);
    Ok(out)
}
