//! One series read from the store and checked: bars page by page through a
//! [`BarChecker`] after the coverage of their day index, quote bars through a
//! [`QuoteBarChecker`], ticks one UTC day at a time.

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::grid::days::{DaySummary, date_bounds};
use domain::quality::BarChecker;
use domain::quality::coverage::coverage;
use domain::quality::quotes::{NbboChecker, QuoteBarChecker};
use domain::quality::ticks::TradeChecker;
use domain::time::NANOS_PER_DAY;
use domain::{Timeframe, UnixNanos};
use store::{BarQuery, QualityCheck, SeriesCheck, SeriesKey, SeriesKind, StoreError};

use super::{ValidateRequest, ValidateStore, grid_for};
use crate::UpkeepError;

/// Bars read per page.
const PAGE: usize = 50_000;
/// Bars read before `since` as context: the outlier checks' window and more.
const CONTEXT_ROWS: u64 = 256;

fn timeframe(key: &SeriesKey) -> Result<Timeframe, UpkeepError> {
    key.timeframe.ok_or_else(|| {
        UpkeepError::Stored(format!(
            "{} {}: a bar series without a timeframe",
            key.kind, key.symbol
        ))
    })
}

/// The first instant of `since`, and where to start reading so that [`CONTEXT_ROWS`] rows
/// come before it (from the day index, without reading a bar).
fn start(
    tf: Timeframe,
    days: &[DaySummary],
    since: Option<NaiveDate>,
) -> (Option<UnixNanos>, Option<UnixNanos>) {
    let Some((from, _)) = since.and_then(|s| date_bounds(tf, s)) else {
        return (None, None);
    };
    let mut i = days.partition_point(|d| d.first < from);
    let mut context = 0;
    while i > 0 && context < CONTEXT_ROWS {
        i -= 1;
        context += days[i].rows;
    }
    (
        Some(from),
        days.get(i).map(|d| d.first.min(from)).or(Some(from)),
    )
}

/// A series' check, nothing read or found yet, from `from`.
fn empty(key: &SeriesKey, from: Option<UnixNanos>, req: &ValidateRequest) -> SeriesCheck {
    SeriesCheck {
        check: QualityCheck {
            series: key.clone(),
            checked_at: req.checked_at,
            from,
            rows: 0,
            expected: None,
            filled: None,
        },
        findings: Vec::new(),
    }
}

/// The coverage of a series from its whole day index (`days`), counted from `since`: the start
/// of a bar or quote-bar series' check.
fn covered(
    key: &SeriesKey,
    tf: Timeframe,
    grid: Option<&BarGrid>,
    days: &[DaySummary],
    req: &ValidateRequest,
) -> Result<SeriesCheck, UpkeepError> {
    let mut out = empty(key, start(tf, days, req.since).0, req);
    if let Some(g) = grid {
        let c = coverage(g, days, req.since).map_err(|e| {
            UpkeepError::Stored(format!("{} {tf}: stored {}: {e}", key.symbol, key.kind))
        })?;
        out.check.expected = Some(c.expected);
        out.check.filled = Some(c.filled);
        out.findings = c.findings;
    }
    Ok(out)
}

/// Every page of a series from `q`: `read(q, after, limit)` is the store's keyset page.
fn pages<R>(
    q: &BarQuery,
    read: impl Fn(&BarQuery, Option<UnixNanos>, usize) -> Result<Vec<R>, StoreError>,
    stamp: impl Fn(&R) -> UnixNanos,
    mut push: impl FnMut(&[R]),
) -> Result<(), UpkeepError> {
    let mut after = None;
    loop {
        let page = read(q, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = Some(stamp(last));
        push(&page);
        if page.len() < PAGE {
            return Ok(());
        }
    }
    Ok(())
}

/// The series of `key` from `start` on.
fn query(key: &SeriesKey, tf: Timeframe, start: Option<UnixNanos>) -> BarQuery {
    BarQuery {
        symbol: key.symbol.clone(),
        timeframe: tf,
        start,
        end: None,
    }
}

/// `out` with `more` findings, all in time order.
fn with(mut out: SeriesCheck, more: Vec<domain::quality::Finding>) -> SeriesCheck {
    out.findings.extend(more);
    out.findings.sort_by_key(|f| (f.start, f.kind));
    out
}

/// A bar or quote-bar series: its coverage, then every bar check (bars) or crossed and locked
/// quotes (quote bars).
pub(super) fn bar_series<S: ValidateStore + ?Sized>(
    store: &S,
    key: &SeriesKey,
    calendar: Calendar,
    req: &ValidateRequest,
) -> Result<SeriesCheck, UpkeepError> {
    let tf = timeframe(key)?;
    let quotes = key.kind == SeriesKind::QuoteBars;
    let days = if quotes {
        store.quote_bar_days(&key.symbol, tf, None, None)?
    } else {
        store.bar_days(&key.symbol, tf, None, None)?
    };
    let grid = grid_for(calendar, tf);
    let mut out = covered(key, tf, grid.as_ref(), &days, req)?;
    if quotes {
        let mut checker = QuoteBarChecker::new(tf);
        let read = |q: &BarQuery, after, n| store.quote_bar_page(q, after, n);
        let q = query(key, tf, out.check.from);
        pages(&q, read, |b| b.ts, |p| checker.push(p))?;
        out.check.rows = checker.bars();
        return Ok(with(out, checker.finish()));
    }
    let actions = store.actions(&key.symbol)?;
    let mut checker = BarChecker::new(tf, grid, req.config)
        .with_actions(&actions)
        .report_from(out.check.from.unwrap_or(UnixNanos::MIN));
    let q = query(key, tf, start(tf, &days, req.since).1);
    let read = |q: &BarQuery, after, n| store.bar_page(q, after, n);
    pages(&q, read, |b| b.ts, |p| checker.push(p))?;
    out.check.rows = checker.bars();
    Ok(with(out, checker.finish()))
}

/// A symbol's trades (prices far from their neighbours) or quotes (the NBBO crossed or
/// locked), read one UTC day at a time over `span` (their first and last stamp).
pub(super) fn ticks<S: ValidateStore + ?Sized>(
    store: &S,
    key: &SeriesKey,
    (first, last): (UnixNanos, UnixNanos),
    req: &ValidateRequest,
) -> Result<SeriesCheck, UpkeepError> {
    // Ticks are dated like intraday bars: by their New York date.
    let from = req
        .since
        .and_then(|s| date_bounds(Timeframe::S1, s))
        .map(|(lo, _)| lo);
    let mut t = from.map_or(first, |f| f.max(first));
    let mut trades = TradeChecker::new(req.config);
    let mut nbbo = NbboChecker::new();
    while t <= last {
        let end = UnixNanos::new(
            (t.as_i64().div_euclid(NANOS_PER_DAY) + 1).saturating_mul(NANOS_PER_DAY),
        );
        match key.kind {
            SeriesKind::Trades => {
                let day = store.trades(&key.symbol, Some(t), Some(end))?;
                let ticks: Vec<_> = day.into_iter().map(|s| s.tick).collect();
                trades.push(&ticks);
            }
            _ => {
                let day = store.quotes(&key.symbol, Some(t), Some(end))?;
                let ticks: Vec<_> = day.into_iter().map(|s| s.tick).collect();
                nbbo.push(&ticks);
            }
        }
        if end <= t {
            break;
        }
        t = end;
    }
    let mut out = empty(key, from, req);
    (out.check.rows, out.findings) = match key.kind {
        SeriesKind::Trades => (trades.ticks(), trades.finish()),
        _ => (nbbo.ticks(), nbbo.finish()),
    };
    Ok(out)
}
