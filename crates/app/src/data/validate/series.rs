//! One series read from the store and checked: bars page by page through a
//! [`BarChecker`] after the coverage of their day index, quote bars through a
//! [`QuoteBarChecker`], ticks one UTC day at a time.

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::grid::days::{DaySummary, date_bounds};
use domain::quality::coverage::coverage;
use domain::quality::quotes::{NbboChecker, QuoteBarChecker};
use domain::quality::ticks::TradeChecker;
use domain::quality::{BarChecker, Finding};
use domain::time::NANOS_PER_DAY;
use domain::{Timeframe, UnixNanos};
use store::{BarQuery, SeriesKey, SeriesKind};

use super::{ValidateRequest, ValidateStore, grid_for};
use crate::AppError;

/// Bars read per page.
const PAGE: usize = 50_000;
/// Bars read before `since` as context: the outlier checks' window and more.
const CONTEXT_ROWS: u64 = 256;

/// What one series' check found.
pub(super) struct Checked {
    pub rows: u64,
    /// The first instant reported on; `None`: the whole series.
    pub from: Option<UnixNanos>,
    pub expected: Option<u64>,
    pub filled: Option<u64>,
    pub findings: Vec<Finding>,
}

fn timeframe(key: &SeriesKey) -> Result<Timeframe, AppError> {
    key.timeframe.ok_or_else(|| {
        AppError::Stored(format!(
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

/// Coverage and every bar check of a bar series.
pub(super) fn bars<S: ValidateStore + ?Sized>(
    store: &S,
    key: &SeriesKey,
    calendar: Calendar,
    req: &ValidateRequest,
) -> Result<Checked, AppError> {
    let tf = timeframe(key)?;
    let days = store.bar_days(&key.symbol, tf, None, None)?;
    let grid = grid_for(calendar, tf);
    let (from, read_from) = start(tf, &days, req.since);
    let mut out = Checked {
        rows: 0,
        from,
        expected: None,
        filled: None,
        findings: Vec::new(),
    };
    if let Some(g) = &grid {
        let c = coverage(g, &days, req.since)
            .map_err(|e| AppError::Stored(format!("{} {tf}: stored bars: {e}", key.symbol)))?;
        (out.expected, out.filled, out.findings) = (Some(c.expected), Some(c.filled), c.findings);
    }
    let actions = store.actions(&key.symbol)?;
    let mut checker = BarChecker::new(tf, grid, req.config)
        .with_actions(&actions)
        .report_from(from.unwrap_or(UnixNanos::MIN));
    let q = BarQuery {
        symbol: key.symbol.clone(),
        timeframe: tf,
        start: read_from,
        end: None,
    };
    let mut after = None;
    loop {
        let page = store.bar_page(&q, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = Some(last.ts);
        checker.push(&page);
        if page.len() < PAGE {
            break;
        }
    }
    out.rows = checker.bars();
    out.findings.extend(checker.finish());
    out.findings.sort_by_key(|f| (f.start, f.kind));
    Ok(out)
}

/// Coverage and crossed or locked quotes of a quote-bar series.
pub(super) fn quote_bars<S: ValidateStore + ?Sized>(
    store: &S,
    key: &SeriesKey,
    calendar: Calendar,
    req: &ValidateRequest,
) -> Result<Checked, AppError> {
    let tf = timeframe(key)?;
    let days = store.quote_bar_days(&key.symbol, tf, None, None)?;
    let grid = grid_for(calendar, tf);
    let (from, _) = start(tf, &days, req.since);
    let mut out = Checked {
        rows: 0,
        from,
        expected: None,
        filled: None,
        findings: Vec::new(),
    };
    if let Some(g) = &grid {
        let c = coverage(g, &days, req.since).map_err(|e| {
            AppError::Stored(format!("{} {tf}: stored quote bars: {e}", key.symbol))
        })?;
        (out.expected, out.filled, out.findings) = (Some(c.expected), Some(c.filled), c.findings);
    }
    let mut checker = QuoteBarChecker::new(tf);
    let q = BarQuery {
        symbol: key.symbol.clone(),
        timeframe: tf,
        start: from,
        end: None,
    };
    let mut after = None;
    loop {
        let page = store.quote_bar_page(&q, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = Some(last.ts);
        checker.push(&page);
        if page.len() < PAGE {
            break;
        }
    }
    out.rows = checker.bars();
    out.findings.extend(checker.finish());
    out.findings.sort_by_key(|f| (f.start, f.kind));
    Ok(out)
}

/// A symbol's trades (prices far from their neighbours) or quotes (the NBBO crossed or
/// locked), read one UTC day at a time over `span` (their first and last stamp).
pub(super) fn ticks<S: ValidateStore + ?Sized>(
    store: &S,
    key: &SeriesKey,
    (first, last): (UnixNanos, UnixNanos),
    req: &ValidateRequest,
) -> Result<Checked, AppError> {
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
    let (rows, findings) = match key.kind {
        SeriesKind::Trades => (trades.ticks(), trades.finish()),
        _ => (nbbo.ticks(), nbbo.finish()),
    };
    Ok(Checked {
        rows,
        from,
        expected: None,
        filled: None,
        findings,
    })
}
