//! The tick features of a run (`features: [cvd, obi]`): per symbol, a
//! [`TickTimeline`] of its stored trades and quotes, handed to the engine with the bars
//! ([`backtest::Inputs::tick_features`]), which reads it at each bar's close.
//!
//! The ticks read are those of the run's trading days: from the start of the trading day of the
//! window's start (the CVD counts the day from its start even when the run begins mid-day) to
//! one bar past the window's end (the last bar closes after it). A window bounded on both sides
//! is read one UTC day at a time, so a long run never holds all its ticks at once. A symbol with
//! no ticks in the window gets no timeline: its tick features have no value at any bar.

use backtest::AgentConfig;
use backtest::features::{Feature, TickTimeline, TimelineBuilder};
use domain::calendar::Calendar;
use domain::time::NANOS_PER_DAY;
use domain::{Symbol, Timeframe, UnixNanos};
use store::TickStore;

use crate::AppError;
use crate::time::Window;

/// The timelines of `agent`'s symbols over `w` on `calendar`'s days; none when the agent lists
/// no tick feature, and none for a symbol without ticks in the window.
pub fn timelines(
    store: &(impl TickStore + ?Sized),
    agent: &AgentConfig,
    w: Window,
    calendar: Calendar,
) -> Result<Vec<(Symbol, TickTimeline)>, AppError> {
    if !agent.features.iter().any(Feature::is_tick) {
        return Ok(Vec::new());
    }
    let (from, to) = tick_window(w, agent.timeframe, calendar);
    let mut out = Vec::new();
    for symbol in &agent.symbols {
        let mut b = TimelineBuilder::new(calendar);
        let mut any = false;
        for (start, end) in chunks(from, to) {
            let quotes = store.quotes(symbol, start, end)?;
            let trades = store.trades(symbol, start, end)?;
            any |= !quotes.is_empty() || !trades.is_empty();
            let quotes: Vec<_> = quotes.into_iter().map(|s| s.tick).collect();
            let trades: Vec<_> = trades.into_iter().map(|s| s.tick).collect();
            b.feed(&quotes, &trades);
        }
        if any {
            out.push((symbol.clone(), b.finish()));
        }
    }
    Ok(out)
}

/// `[from, to)` of the ticks a run over `w` reads: from its first trading day's start, to a bar
/// (a month and a day for monthly bars) past its end.
pub fn tick_window(
    w: Window,
    timeframe: Timeframe,
    calendar: Calendar,
) -> (Option<UnixNanos>, Option<UnixNanos>) {
    let from = w.start.map(|s| {
        calendar
            .day_bounds(calendar.trading_date(s))
            .map_or(s, |(day, _)| day.min(s))
    });
    let bar = timeframe.nanos().unwrap_or(32 * NANOS_PER_DAY);
    let to = w
        .end
        .map(|e| UnixNanos::new(e.as_i64().saturating_add(bar)));
    (from, to)
}

/// The window cut into UTC days when both ends are known; whole otherwise.
fn chunks(
    from: Option<UnixNanos>,
    to: Option<UnixNanos>,
) -> Vec<(Option<UnixNanos>, Option<UnixNanos>)> {
    let (Some(from), Some(to)) = (from, to) else {
        return vec![(from, to)];
    };
    let mut out = Vec::new();
    let mut at = from.as_i64();
    while at < to.as_i64() {
        let next = (at.div_euclid(NANOS_PER_DAY) + 1)
            .saturating_mul(NANOS_PER_DAY)
            .min(to.as_i64());
        out.push((Some(UnixNanos::new(at)), Some(UnixNanos::new(next))));
        at = next;
    }
    out
}
