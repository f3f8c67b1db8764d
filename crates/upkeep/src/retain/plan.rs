//! What may go from each series: old enough, held by a coarser series, and read by no stored run.
//!
//! **Rolled up into the next timeframe** means:
//! - **Bars** of a timeframe: every roll-up that reads them (`rollup_checkpoints` from that
//!   timeframe) has passed them, up to the start of the bucket holding its checkpoint (that
//!   bucket may still be in progress, and the next roll-up recomputes it whole from its source
//!   bars); and one of them counted them: a roll-up over extended hours counts every bar, one over
//!   regular hours only the bars overlapping the NYSE session of their date
//!   ([`domain::grid::rollup::Rollup::counted`]), so pre- and after-hours bars stay until an
//!   extended roll-up holds them. Bars no roll-up reads (`1d` with nothing rolled from it) have no
//!   coarser timeframe and are kept.
//! - **Trades** are held by the bars aggregated from them (`bar_origins` of any timeframe of the
//!   symbol): the ticks from each origin row's first bar to the end of its last bar. Ticks outside
//!   every such range (never aggregated) stay.
//! - **Quotes** and **quote bars**: nothing coarser is made from them, so they are kept.
//!
//! A policy with `require_rollup: false` lets old rows go whether or not they are held elsewhere.

use chrono::NaiveDate;
use domain::grid::days::{date_bounds, date_of};
use domain::grid::rollup::{Hours, Rollup};
use domain::{Symbol, Timeframe, UnixNanos};
use serde::Serialize;
use store::retain::TickTable;
use store::{AggregateStore, BarStore, RetentionStore, SeriesRef, Span, SymbolStore};

use super::policy::{Keep, Policies, Policy};
use super::runs::RunGuard;
use super::spans::{before, intersect, merge, subtract};
use crate::UpkeepError;

/// What retention does with one series.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesRetention {
    #[serde(flatten)]
    pub series: SeriesRef,
    pub keep: Keep,
    pub require_rollup: bool,
    /// Rows dated before this date (New York, or UTC for daily bars) are old enough to go.
    pub first_kept: Option<NaiveDate>,
    /// Rows old enough to go.
    pub old_rows: u64,
    /// Rows to delete (dry run), or deleted (`--apply`).
    pub rows: u64,
    /// Their estimated size: rows × the table's bytes per row.
    pub bytes: u64,
    /// Old rows kept because no coarser series holds them.
    pub kept_not_rolled_up: u64,
    /// Old rows kept because a stored run read them (none with `--force`).
    pub kept_for_runs: u64,
    /// Those runs, by id.
    pub runs: Vec<i64>,
    /// How far a coarser series holds this one, or why nothing does.
    pub rolled_up: String,
    /// Transactions written (`--apply`).
    pub batches: u64,
}

/// A series' report with the spans to delete.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub report: SeriesRetention,
    pub spans: Vec<Span>,
}

/// The store roles planning reads.
pub trait PlanStore: BarStore + AggregateStore + RetentionStore + SymbolStore {}
impl<T: BarStore + AggregateStore + RetentionStore + SymbolStore + ?Sized> PlanStore for T {}

/// Every series a policy names (of `symbols`, or all when empty), planned.
pub(crate) fn plan<S: PlanStore + ?Sized>(
    store: &S,
    policies: &Policies,
    symbols: &[Symbol],
    as_of: UnixNanos,
    force: bool,
) -> Result<Vec<Planned>, UpkeepError> {
    let wanted = |s: &Symbol| symbols.is_empty() || symbols.contains(s);
    let guards: Vec<RunGuard> = if force {
        Vec::new()
    } else {
        store.run_periods()?.iter().map(RunGuard::new).collect()
    };
    let bar_series = store.series()?;
    let mut todo: Vec<(SeriesRef, Policy, Option<UnixNanos>)> = Vec::new();
    for (table, policy) in [
        (TickTable::Trades, policies.trades),
        (TickTable::Quotes, policies.quotes),
    ] {
        let Some(policy) = policy else { continue };
        for symbol in store.tick_symbols(table)?.into_iter().filter(wanted) {
            let series = match table {
                TickTable::Trades => SeriesRef::Trades { symbol },
                TickTable::Quotes => SeriesRef::Quotes { symbol },
            };
            let first = store.first_stamp(&series)?;
            todo.push((series, policy, first));
        }
    }
    for s in bar_series.iter().filter(|s| wanted(&s.symbol)) {
        if let Some(p) = policies.bars.get(&s.timeframe) {
            let series = SeriesRef::Bars {
                symbol: s.symbol.clone(),
                timeframe: s.timeframe,
            };
            todo.push((series, *p, Some(s.first)));
        }
    }
    for s in store.quote_series()?.iter().filter(|s| wanted(&s.symbol)) {
        if let Some(p) = policies.quote_bars.get(&s.timeframe) {
            let series = SeriesRef::QuoteBars {
                symbol: s.symbol.clone(),
                timeframe: s.timeframe,
            };
            todo.push((series, *p, Some(s.first)));
        }
    }
    let today = as_of.exchange_date();
    todo.into_iter()
        .map(|(series, policy, first)| {
            one(store, series, policy, first, today, &guards, &bar_series)
        })
        .collect()
}

fn one<S: PlanStore + ?Sized>(
    store: &S,
    series: SeriesRef,
    policy: Policy,
    first: Option<UnixNanos>,
    today: NaiveDate,
    guards: &[RunGuard],
    bar_series: &[store::SeriesStatus],
) -> Result<Planned, UpkeepError> {
    // Ticks are dated by New York date, as intraday bars are.
    let dating = series.timeframe().unwrap_or(Timeframe::M1);
    let first_kept = policy.keep.first_kept(today);
    let old = match first_kept.and_then(|d| date_bounds(dating, d)) {
        Some((cut, _)) => before(cut),
        None => Vec::new(),
    };
    let (held, rolled_up) = if old.is_empty() {
        (Vec::new(), "kept forever".to_string())
    } else if !policy.require_rollup {
        (
            old.clone(),
            "not required (require_rollup: false)".to_string(),
        )
    } else {
        held_elsewhere(store, &series, first, &old, bar_series)?
    };
    let candidates = intersect(&old, &held);
    let mut protected = Vec::new();
    let mut runs = Vec::new();
    for g in guards {
        if let Some(span) = g.protects(&series)
            && !intersect(&candidates, &[span]).is_empty()
        {
            protected.push(span);
            runs.push(g.id);
        }
    }
    let spans = subtract(&candidates, &merge(protected));
    // Each count reads the rows it counts: the same spans are counted once.
    let old_rows = store.count_in(&series, &old)?;
    let candidate_rows = match candidates == old {
        true => old_rows,
        false => store.count_in(&series, &candidates)?,
    };
    let rows = match spans == candidates {
        true => candidate_rows,
        false => store.count_in(&series, &spans)?,
    };
    Ok(Planned {
        report: SeriesRetention {
            series,
            keep: policy.keep,
            require_rollup: policy.require_rollup,
            first_kept,
            old_rows,
            rows,
            bytes: 0,
            kept_not_rolled_up: old_rows.saturating_sub(candidate_rows),
            kept_for_runs: candidate_rows.saturating_sub(rows),
            runs,
            rolled_up,
            batches: 0,
        },
        spans,
    })
}

/// The stamps of `series` a coarser series holds, within `old`, and how far that goes.
fn held_elsewhere<S: PlanStore + ?Sized>(
    store: &S,
    series: &SeriesRef,
    first: Option<UnixNanos>,
    old: &[Span],
    bar_series: &[store::SeriesStatus],
) -> Result<(Vec<Span>, String), UpkeepError> {
    match series {
        SeriesRef::Bars { symbol, timeframe } => rolled_bars(store, symbol, *timeframe, first, old),
        SeriesRef::Trades { symbol } => {
            let mut held = Vec::new();
            for s in bar_series.iter().filter(|s| &s.symbol == symbol) {
                let Some(len) = s.timeframe.nanos() else {
                    continue;
                };
                for o in store.bar_origins(symbol, s.timeframe)? {
                    if o.aggregated_from == "trades" {
                        held.push(Span {
                            start: o.first,
                            end: o.last.checked_plus(len).unwrap_or(UnixNanos::MAX),
                        });
                    }
                }
            }
            let held = merge(held);
            let why = match held.last() {
                Some(last) => format!("aggregated into bars up to {}", last.end),
                None => format!("no bars were aggregated from {symbol} trades"),
            };
            Ok((held, why))
        }
        SeriesRef::Quotes { .. } => Ok((Vec::new(), "nothing is made from quotes".into())),
        SeriesRef::QuoteBars { .. } => {
            Ok((Vec::new(), "nothing is rolled up from quote bars".into()))
        }
    }
}

/// Bars held by the roll-ups that read them (see the module docs).
fn rolled_bars<S: PlanStore + ?Sized>(
    store: &S,
    symbol: &Symbol,
    tf: Timeframe,
    first: Option<UnixNanos>,
    old: &[Span],
) -> Result<(Vec<Span>, String), UpkeepError> {
    let mut limit = UnixNanos::MAX;
    let mut regular: Option<Rollup> = None;
    let mut extended = false;
    let mut targets = Vec::new();
    let calendar = store.symbol_calendar(symbol)?;
    for cp in store.rollups_from(symbol, tf)? {
        let Ok(r) = Rollup::new(tf, cp.to, cp.hours, calendar) else {
            continue;
        };
        limit = limit.min(r.bucket_start(cp.last_source));
        match cp.hours {
            Hours::Extended => extended = true,
            Hours::Regular => regular = Some(r),
        }
        targets.push(cp.to.to_string());
    }
    if targets.is_empty() {
        return Ok((
            Vec::new(),
            format!("no roll-up reads {symbol} {tf} bars: no coarser timeframe"),
        ));
    }
    let to = targets.join(",");
    if extended {
        return Ok((before(limit), format!("rolled up to {to} until {limit}")));
    }
    let Some(r) = regular else {
        return Ok((Vec::new(), String::new()));
    };
    // Regular hours: the counted stamps of each date from the first bar to the old end, or the
    // whole date where the day index shows no row outside them (nothing there to keep), so a
    // series without pre- and after-hours bars is one span, not one per session.
    let old_end = old.last().map_or(UnixNanos::MIN, |s| s.end).min(limit);
    let mut held = Vec::new();
    if let Some(first) = first.filter(|f| *f < old_end) {
        let mut date = date_of(tf, first);
        let last = date_of(tf, old_end.plus(-1));
        let index = store.bar_days(symbol, tf, Some(date), Some(last))?;
        let mut index = index.iter().peekable();
        while date <= last {
            let stored = index.next_if(|d| d.date == date);
            let whole = date_bounds(tf, date).map(|(a, b)| (a, b.checked_plus(1)));
            let span = match (r.counted(date), stored, whole) {
                (Some((a, b)), Some(d), Some((lo, Some(end)))) if a <= d.first && d.last < b => {
                    Some((lo, end))
                }
                (_, None, Some((lo, Some(end)))) => Some((lo, end)),
                (counted, _, _) => counted,
            };
            if let Some((a, b)) = span {
                held.push(Span {
                    start: a,
                    end: b.min(limit),
                });
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
    }
    Ok((
        merge(held),
        format!("rolled up to {to} until {limit}, regular hours only (pre- and after-hours stay)"),
    ))
}
