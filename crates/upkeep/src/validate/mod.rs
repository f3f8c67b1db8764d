//! The data-quality report (`ztrade data validate`): every stored series (or those asked for)
//! checked with [`domain::quality`], the findings returned and stored.
//!
//! - **What is checked**: bar series (coverage from the day index, then one pass over the bars),
//!   quote-bar series (crossed and locked), a symbol's trades (prices far from their
//!   neighbours) and quotes (the NBBO crossed or locked). [`series`] reads each from the store.
//! - **The grid**: each bar series is measured against the expected-bar grid of its timeframe
//!   on its symbol's calendar, built by [`grid_for`], the one place this use case builds one
//!   (none on the `none` calendar: no coverage, no session checks).
//! - **Clock**: the check is stamped by [`ValidateRequest::checked_at`]: the wall clock for the
//!   CLI (`app::data::validate::request_now`), the job's due time in the collector. The checks never
//!   read one.
//! - **Storage**: all the series of one run are written in one transaction
//!   ([`store::QualityStore::save_quality`]): a run killed at any moment leaves the stored
//!   findings as they were, and a rerun writes them complete. Each series' check replaces its
//!   findings from the first instant it looked at (`--since`) on.
//! - **Context**: with `since`, bars before it are read as context (the previous close, the
//!   scale of the outlier checks) and not reported on.

mod series;

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::quality::{Config, Counts, Finding, Severity};
use domain::{Symbol, Timeframe, UnixNanos};
use serde::Serialize;
use store::{
    ActionStore, BarStore, CollectionStore, DataKind, QualityCheck, QualityStore, SeriesCheck,
    SeriesKey, SeriesKind, TickStore,
};

use crate::UpkeepError;

/// What to check.
#[derive(Debug, Clone)]
pub struct ValidateRequest {
    /// One symbol; every stored one when `None`.
    pub symbol: Option<Symbol>,
    /// One timeframe of bars and quote bars (ticks are then left out); all when `None`.
    pub timeframe: Option<Timeframe>,
    /// Report from this date on (exchange date; earlier bars are read as context only).
    pub since: Option<NaiveDate>,
    /// When the check runs, by the caller's clock; stored with every finding.
    pub checked_at: UnixNanos,
    pub config: Config,
}

/// One checked series: what it looked at, its findings, their coverage and counts.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesReport {
    #[serde(flatten)]
    pub check: QualityCheck,
    /// `filled / expected` in percent.
    pub coverage: Option<f64>,
    pub counts: Counts,
    pub findings: Vec<Finding>,
}

/// Every checked series, in the store's order (bars, quote bars, trades, quotes; by symbol).
#[derive(Debug, Clone, Serialize)]
pub struct ValidateReport {
    pub checked_at: UnixNanos,
    pub since: Option<NaiveDate>,
    pub counts: Counts,
    pub series: Vec<SeriesReport>,
}

impl ValidateReport {
    /// Findings at `severity` or worse: what `--fail-on` counts.
    pub fn at_least(&self, severity: Severity) -> u64 {
        self.counts.at_least(severity)
    }
}

/// The store roles `validate` uses.
pub trait ValidateStore:
    BarStore + TickStore + ActionStore + CollectionStore + QualityStore
{
}
impl<T: BarStore + TickStore + ActionStore + CollectionStore + QualityStore + ?Sized> ValidateStore
    for T
{
}

/// The expected-bar grid of a series on its symbol's calendar: the one place this use case
/// builds one. `None` for timeframes without a grid and for the `none` calendar.
pub fn grid_for(calendar: Calendar, tf: Timeframe) -> Option<BarGrid> {
    BarGrid::new(tf, calendar).ok()
}

/// Checks the series `req` selects, stores the findings in one transaction, and returns them.
pub fn validate<S: ValidateStore + ?Sized>(
    store: &mut S,
    req: &ValidateRequest,
) -> Result<ValidateReport, UpkeepError> {
    let wanted = |s: &Symbol| req.symbol.as_ref().is_none_or(|w| w == s);
    let wanted_tf = |tf: Timeframe| req.timeframe.is_none_or(|w| w == tf);
    // Each series with its symbol's calendar.
    let mut keys: Vec<(SeriesKey, Calendar)> = Vec::new();
    for (kind, list) in [
        (SeriesKind::Bars, store.series()?),
        (SeriesKind::QuoteBars, store.quote_series()?),
    ] {
        keys.extend(
            list.into_iter()
                .filter(|s| wanted(&s.symbol) && wanted_tf(s.timeframe))
                .map(|s| {
                    let key = SeriesKey {
                        kind,
                        symbol: s.symbol,
                        timeframe: Some(s.timeframe),
                    };
                    (key, s.calendar)
                }),
        );
    }
    let mut spans = Vec::new();
    if req.timeframe.is_none() {
        for c in store.collected()? {
            let kind = match c.kind {
                DataKind::Trades => SeriesKind::Trades,
                DataKind::Quotes => SeriesKind::Quotes,
                _ => continue,
            };
            if wanted(&c.symbol) {
                spans.push((c.first, c.last));
                let key = SeriesKey {
                    kind,
                    symbol: c.symbol,
                    timeframe: None,
                };
                keys.push((key, Calendar::default()));
            }
        }
    }
    if keys.is_empty() {
        return Err(UpkeepError::NoData(nothing_stored(req)));
    }
    let mut checks = Vec::with_capacity(keys.len());
    let mut spans = spans.into_iter();
    for (key, calendar) in keys {
        checks.push(match key.kind {
            SeriesKind::Bars | SeriesKind::QuoteBars => {
                series::bar_series(store, &key, calendar, req)?
            }
            SeriesKind::Trades | SeriesKind::Quotes => {
                let span = spans.next().unwrap_or((UnixNanos::MIN, UnixNanos::MIN));
                series::ticks(store, &key, span, req)?
            }
        });
    }
    store.save_quality(&checks)?;
    let reports: Vec<SeriesReport> = checks
        .into_iter()
        .map(|SeriesCheck { check, findings }| SeriesReport {
            coverage: check.coverage(),
            counts: Counts::of(&findings),
            check,
            findings,
        })
        .collect();
    let mut counts = Counts::default();
    for r in &reports {
        counts.error += r.counts.error;
        counts.warn += r.counts.warn;
        counts.info += r.counts.info;
    }
    Ok(ValidateReport {
        checked_at: req.checked_at,
        since: req.since,
        counts,
        series: reports,
    })
}

fn nothing_stored(req: &ValidateRequest) -> String {
    let what = match (&req.symbol, req.timeframe) {
        (Some(s), Some(tf)) => format!("no {tf} bars of {s} are stored"),
        (Some(s), None) => format!("nothing of {s} is stored"),
        (None, Some(tf)) => format!("no {tf} bars are stored"),
        (None, None) => "the store holds no series".to_string(),
    };
    format!("{what}; import or backfill data first (`ztrade data status` lists what is stored)")
}
