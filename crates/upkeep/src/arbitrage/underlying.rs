//! The underlying's tradable quote at a snapshot time, for conversions and reversals: the
//! close of the one-minute quote bar ending at or just before it (bars are stamped with their
//! start), else the last quote tick at or before it, no older than `max_age`.

use domain::time::NANOS_PER_MINUTE;
use domain::{Symbol, Timeframe, UnixNanos};
use options::scan::{Tradable, book};
use store::{BarQuery, BarStore, StoreError, TickStore};

/// The stock's quote at `at`, or `None` when nothing two-sided and uncrossed is recent enough.
pub fn stock_quote(
    store: &(impl BarStore + TickStore + ?Sized),
    symbol: &Symbol,
    at: UnixNanos,
    max_age: i64,
) -> Result<Option<Tradable>, StoreError> {
    let oldest = at.as_i64().saturating_sub(max_age);
    // Bars closing in [oldest, at]: starting in [oldest − 1 min, at − 1 min].
    let query = BarQuery {
        symbol: symbol.clone(),
        timeframe: Timeframe::M1,
        start: Some(UnixNanos::new(oldest.saturating_sub(NANOS_PER_MINUTE))),
        end: Some(UnixNanos::new(
            at.as_i64()
                .saturating_sub(NANOS_PER_MINUTE)
                .saturating_add(1),
        )),
    };
    let bars = store.quote_bar_page(&query, None, 1_000)?;
    if let Some(bar) = bars.last() {
        let close = bar.ts.checked_plus(NANOS_PER_MINUTE).unwrap_or(bar.ts);
        if let Ok(t) = book::tradable(
            symbol,
            bar.bid.map(|o| o.close),
            bar.ask.map(|o| o.close),
            (Some(bar.bid_size), Some(bar.ask_size)),
            close,
        ) {
            return Ok(Some(t));
        }
    }
    let end = Some(UnixNanos::new(at.as_i64().saturating_add(1)));
    let ticks = store.quotes(symbol, Some(UnixNanos::new(oldest)), end)?;
    Ok(ticks.last().and_then(|q| {
        let q = &q.tick;
        book::tradable(
            symbol,
            Some(q.bid),
            Some(q.ask),
            (Some(q.bid_size), Some(q.ask_size)),
            q.ts,
        )
        .ok()
    }))
}
