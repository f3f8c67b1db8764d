//! Bars from stored trades: `ztrade data aggregate`.
//!
//! The ticks are read one UTC day at a time ([`TickStore::trades`]) and pushed through
//! [`domain::aggregate::Aggregator`]; the bars each day completes are written with their
//! `bar_origins` row in one transaction ([`AggregateStore::upsert_aggregated_bars`]), and the
//! last bar when the ticks end. A `kill -9` leaves every day before it whole and nothing of the
//! day being written; a rerun recomputes the range and upserts it (the days already written count
//! as unchanged), so it finishes with the same bars and origin rows as an uninterrupted run.

use domain::aggregate::{AggregateStats, Aggregator, Conditions};
use domain::time::NANOS_PER_DAY;
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use serde::Serialize;
use store::{AggregateStore, BarOrigin, TickStore, UpsertCounts};

use crate::AppError;
use crate::progress::Progress;
use crate::time::Window;

#[derive(Debug, Clone)]
pub struct AggregateRequest {
    pub symbol: Symbol,
    pub timeframe: Timeframe,
    pub conditions: Conditions,
    /// `[start, end)`; both must fall on a bar boundary of the timeframe.
    pub window: Window,
}

/// What `data aggregate` did.
#[derive(Debug, Clone, Serialize)]
pub struct AggregateReport {
    pub symbol: Symbol,
    pub timeframe: Timeframe,
    pub aggregated_from: &'static str,
    pub conditions: Conditions,
    pub window: Window,
    /// The first and last bar written.
    pub first: Option<UnixNanos>,
    pub last: Option<UnixNanos>,
    pub bars: UpsertCounts,
    pub stats: AggregateStats,
    /// Transactions written (one per day with bars, and the last bar).
    pub batches: u64,
}

fn aligned(t: Option<UnixNanos>, step: i64, flag: &str, tf: Timeframe) -> Result<(), AppError> {
    match t {
        Some(t) if t.as_i64().rem_euclid(step) != 0 => Err(AppError::input(format!(
            "{flag} {t} is not on a {tf} boundary: a partial first or last bar would replace a \
             whole one"
        ))),
        _ => Ok(()),
    }
}

/// Aggregates the request's trades into bars and stores them.
pub fn aggregate(
    store: &mut (impl TickStore + AggregateStore + ?Sized),
    req: &AggregateRequest,
    progress: &dyn Progress,
) -> Result<AggregateReport, AppError> {
    let mut agg = Aggregator::new(req.timeframe, req.conditions)
        .map_err(|e| AppError::input(format!("--to: {}", e.reason)))?;
    let step = req
        .timeframe
        .nanos()
        .expect("intraday, checked by the aggregator");
    aligned(req.window.start, step, "--start", req.timeframe)?;
    aligned(req.window.end, step, "--end", req.timeframe)?;
    let Some((first_tick, last_tick)) = store.trade_span(&req.symbol)? else {
        return Err(AppError::NoData(format!(
            "no trades stored for {}; import them with `ztrade data import FILE --kind trades \
             --symbol {}`",
            req.symbol, req.symbol
        )));
    };
    let from = req.window.start.map_or(first_tick, |s| s.max(first_tick));
    let until = req
        .window
        .end
        .map_or(last_tick.as_i64().saturating_add(1), |e| {
            e.as_i64().min(last_tick.as_i64().saturating_add(1))
        });
    let mut report = AggregateReport {
        symbol: req.symbol.clone(),
        timeframe: req.timeframe,
        aggregated_from: "trades",
        conditions: req.conditions,
        window: req.window,
        first: None,
        last: None,
        bars: UpsertCounts::default(),
        stats: AggregateStats::default(),
        batches: 0,
    };
    let day0 = from.as_i64() - from.as_i64().rem_euclid(NANOS_PER_DAY);
    let days = ((until - day0).max(0) as u64).div_ceil(NANOS_PER_DAY as u64);
    progress.start(days, &format!("aggregating {} trades", req.symbol));
    let mut ticks_since = 0u64;
    let mut day = day0;
    while day < until {
        let lo = UnixNanos::new(day.max(from.as_i64()));
        let hi = UnixNanos::new(day.saturating_add(NANOS_PER_DAY).min(until));
        let ticks = store.trades(&req.symbol, Some(lo), Some(hi))?;
        ticks_since += ticks.len() as u64;
        for t in &ticks {
            agg.push(&t.tick)
                .map_err(|e| AppError::Stored(e.to_string()))?;
        }
        drop(ticks);
        let done = agg.take_completed();
        write(store, req, &done, &mut ticks_since, &mut report)?;
        progress.advance(1);
        day = day.saturating_add(NANOS_PER_DAY);
    }
    progress.finish();
    let (rest, stats) = agg.finish().map_err(|e| AppError::Stored(e.to_string()))?;
    write(store, req, &rest, &mut ticks_since, &mut report)?;
    report.stats = stats;
    Ok(report)
}

fn write(
    store: &mut (impl AggregateStore + ?Sized),
    req: &AggregateRequest,
    bars: &[Bar],
    ticks: &mut u64,
    report: &mut AggregateReport,
) -> Result<(), AppError> {
    let (Some(first), Some(last)) = (bars.first(), bars.last()) else {
        return Ok(());
    };
    let origin = BarOrigin {
        first: first.ts,
        last: last.ts,
        aggregated_from: "trades".into(),
        rules: req.conditions.name().into(),
        ticks: std::mem::take(ticks),
        bars: bars.len() as u64,
    };
    report.bars += store.upsert_aggregated_bars(&req.symbol, req.timeframe, bars, &origin)?;
    report.first.get_or_insert(first.ts);
    report.last = Some(last.ts);
    report.batches += 1;
    Ok(())
}
