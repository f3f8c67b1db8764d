//! Adjustment on read, for every reader of bars (`data export`, a run's [`crate::run::Source`]):
//! the symbol's stored actions and the daily closes its dividends need, turned into a
//! [`domain::Adjuster`] and applied to a bar stream. Stored bars are never rewritten.

use chrono::NaiveDate;
use domain::adjust::{Adjuster, Adjustment};
use domain::{Bar, CorporateActionKind, Symbol, Timeframe, UnixNanos};
use store::{ActionStore, BarQuery, BarStore, StoreError};
use xxhash_rust::xxh3::Xxh3;

use crate::AppError;

/// What to adjust for: which actions, and up to which ex-date (`None`: all stored).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdjustSpec {
    pub adjustment: Adjustment,
    pub as_of: Option<NaiveDate>,
}

impl AdjustSpec {
    /// `--adjust` and `--as-of` as a user gives them: a date needs an adjustment to limit.
    pub fn checked(adjustment: Adjustment, as_of: Option<NaiveDate>) -> Result<Self, AppError> {
        if adjustment.is_raw() && as_of.is_some() {
            return Err(AppError::input(
                "--as-of needs --adjust split or --adjust all",
            ));
        }
        Ok(Self { adjustment, as_of })
    }
}

/// An adjuster for one series, with the digest of what it counts (the adjustment, the as-of
/// date and every counted action), for a run's data fingerprint.
pub struct SeriesAdjuster {
    pub adjuster: Adjuster,
    pub digest: u128,
}

/// The adjuster for `symbol`'s `timeframe` bars; `None` for `raw`. A dividend's factor reads
/// the last stored daily (`1d`) close before its ex-date.
pub fn adjuster(
    store: &(impl BarStore + ActionStore + ?Sized),
    symbol: &Symbol,
    timeframe: Timeframe,
    spec: AdjustSpec,
) -> Result<Option<SeriesAdjuster>, AppError> {
    if spec.adjustment.is_raw() {
        return Ok(None);
    }
    let counted: Vec<_> = store
        .actions(symbol)?
        .into_iter()
        .filter(|a| spec.adjustment.covers(&a.kind) && spec.as_of.is_none_or(|d| a.ex_date <= d))
        .collect();
    let last_dividend = counted
        .iter()
        .filter(|a| matches!(a.kind, CorporateActionKind::CashDividend { .. }))
        .map(|a| a.ex_date)
        .max();
    let closes = match last_dividend {
        Some(last) => daily_closes(store, symbol, last)?,
        None => Vec::new(),
    };
    let adjuster = Adjuster::new(&counted, spec.adjustment, spec.as_of, timeframe, &closes)
        .map_err(|e| AppError::Stored(e.to_string()))?;
    let mut h = Xxh3::new();
    h.update(spec.adjustment.as_str().as_bytes());
    h.update(
        spec.as_of
            .map(|d| d.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    for a in &counted {
        h.update(a.ex_date.to_string().as_bytes());
        let (kind, x, y) = match a.kind {
            CorporateActionKind::Split { from, to } => (0u8, i64::from(from), i64::from(to)),
            CorporateActionKind::CashDividend { amount } => (1u8, amount.raw(), 0),
        };
        h.update(&[kind]);
        h.update(&x.to_le_bytes());
        h.update(&y.to_le_bytes());
    }
    Ok(Some(SeriesAdjuster {
        adjuster,
        digest: h.digest128(),
    }))
}

/// The stored daily closes of `symbol` before `until`, in date order.
fn daily_closes(
    store: &(impl BarStore + ?Sized),
    symbol: &Symbol,
    until: NaiveDate,
) -> Result<Vec<(NaiveDate, domain::Price)>, AppError> {
    let q = BarQuery {
        symbol: symbol.clone(),
        timeframe: Timeframe::D1,
        start: None,
        end: Some(UnixNanos::from_date(until)),
    };
    store
        .bars(q)
        .map(|b| b.map(|b| (b.ts.utc_date(), b.close)))
        .collect::<Result<_, _>>()
        .map_err(AppError::from)
}

/// `bars` adjusted; a bar that cannot be (a dividend without a prior close, an overflow) ends
/// the stream with an error naming it.
pub fn adjusted<'a>(
    bars: impl Iterator<Item = Result<Bar, StoreError>> + 'a,
    adjuster: Adjuster,
) -> impl Iterator<Item = Result<Bar, StoreError>> + 'a {
    bars.map(move |b| {
        b.and_then(|b| {
            adjuster
                .bar(&b)
                .map_err(|e| StoreError::Invalid(format!("adjusting: {e}")))
        })
    })
}

/// The date of `t`, as the adjuster dates a bar of `timeframe` stamped then.
pub fn bar_date(t: UnixNanos, timeframe: Timeframe) -> NaiveDate {
    if timeframe.is_daily_or_longer() {
        t.utc_date()
    } else {
        t.exchange_date()
    }
}

/// The as-of date of a run reading `symbol`'s `timeframe` bars before `end`: the date of the
/// last stored bar it can read (of the last instant before `end` when the series goes on), so
/// the last bar a run sees is priced as traded. `None` (every action) when nothing is stored.
pub fn run_as_of(
    store: &(impl BarStore + ?Sized),
    symbol: &Symbol,
    timeframe: Timeframe,
    end: Option<UnixNanos>,
) -> Result<Option<NaiveDate>, AppError> {
    let last = store
        .series()?
        .into_iter()
        .find(|x| &x.symbol == symbol && x.timeframe == timeframe)
        .map(|x| x.last);
    let before_end = end
        .and_then(|e| e.as_i64().checked_sub(1))
        .map(UnixNanos::new);
    let t = match (last, before_end) {
        (Some(l), Some(e)) => Some(l.min(e)),
        (l, e) => l.or(e),
    };
    Ok(t.map(|t| bar_date(t, timeframe)))
}
