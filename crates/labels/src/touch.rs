//! The first bar that reaches a horizontal barrier, by the engine's rules
//! (`backtest::models::NextOpen` and the bracket check):
//! - a bar reaches a level above when its open or high is at or above it, one below when its
//!   open or low is at or below it; an open already through the level fills at the open (a gap),
//!   otherwise at the level;
//! - when one bar reaches both, a leg reached at the open wins (the stop if both were);
//!   otherwise [`IntrabarPolicy`] decides: `stop_first`, `take_profit_first`, or `finer_bars`,
//!   the first finer bar inside the coarse bar's span that reaches a leg (the stop when one finer
//!   bar reaches both, and when none does).

use backtest::IntrabarPolicy;
use domain::span::bar_end;
use domain::{Bar, Price, UnixNanos};

use crate::{Barrier, Series};

/// The levels of one label; `long` says which side of the entry the take-profit is on.
#[derive(Debug, Clone, Copy)]
pub struct Levels {
    pub take_profit: Option<Price>,
    pub stop_loss: Option<Price>,
    pub long: bool,
}

/// A barrier reached: in which bar, and at what price before slippage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch {
    pub index: usize,
    pub barrier: Barrier,
    pub price: Price,
}

/// Where a bar reached a level: the price, and whether at the open (a gap).
#[derive(Debug, Clone, Copy)]
struct At {
    price: Price,
    at_open: bool,
}

#[inline]
fn up(bar: &Bar, p: Price) -> Option<At> {
    if bar.open >= p {
        Some(At {
            price: bar.open,
            at_open: true,
        })
    } else if bar.high >= p {
        Some(At {
            price: p,
            at_open: false,
        })
    } else {
        None
    }
}

#[inline]
fn down(bar: &Bar, p: Price) -> Option<At> {
    if bar.open <= p {
        Some(At {
            price: bar.open,
            at_open: true,
        })
    } else if bar.low <= p {
        Some(At {
            price: p,
            at_open: false,
        })
    } else {
        None
    }
}

impl Levels {
    /// (stop-loss, take-profit) as `bar` reaches them, for a long (`LONG`) or a short: a const
    /// parameter, so the scan's inner loop has no branch on the side and no indirect call.
    #[inline(always)]
    fn legs_of<const LONG: bool>(&self, bar: &Bar) -> (Option<At>, Option<At>) {
        let (sl, tp) = (self.stop_loss, self.take_profit);
        if LONG {
            (sl.and_then(|p| down(bar, p)), tp.and_then(|p| up(bar, p)))
        } else {
            (sl.and_then(|p| up(bar, p)), tp.and_then(|p| down(bar, p)))
        }
    }

    fn legs(&self, bar: &Bar) -> (Option<At>, Option<At>) {
        if self.long {
            self.legs_of::<true>(bar)
        } else {
            self.legs_of::<false>(bar)
        }
    }
}

/// The first bar in `bars[from..=last]` that reaches a level of `levels`, or `None`.
pub fn first_touch(
    series: &Series<'_>,
    levels: &Levels,
    from: usize,
    last: usize,
    intrabar: IntrabarPolicy,
) -> Option<Touch> {
    if levels.take_profit.is_none() && levels.stop_loss.is_none() {
        return None;
    }
    if levels.long {
        scan::<true>(series, levels, from, last, intrabar)
    } else {
        scan::<false>(series, levels, from, last, intrabar)
    }
}

fn scan<const LONG: bool>(
    series: &Series<'_>,
    levels: &Levels,
    from: usize,
    last: usize,
    intrabar: IntrabarPolicy,
) -> Option<Touch> {
    for (index, bar) in series.bars.get(from..=last)?.iter().enumerate() {
        let (s, t) = levels.legs_of::<LONG>(bar);
        if s.is_none() && t.is_none() {
            continue;
        }
        let index = from + index;
        let touch = |barrier, at: At| Touch {
            index,
            barrier,
            price: at.price,
        };
        return Some(match (s, t) {
            (Some(s), None) => touch(Barrier::StopLoss, s),
            (None, Some(t)) => touch(Barrier::TakeProfit, t),
            (Some(s), Some(_)) if s.at_open => touch(Barrier::StopLoss, s),
            (Some(_), Some(t)) if t.at_open => touch(Barrier::TakeProfit, t),
            (Some(s), Some(t)) => match intrabar {
                IntrabarPolicy::StopFirst => touch(Barrier::StopLoss, s),
                IntrabarPolicy::TakeProfitFirst => touch(Barrier::TakeProfit, t),
                IntrabarPolicy::FinerBars => finer_first(series, levels, bar.ts)
                    .map(|(b, at)| touch(b, at))
                    .unwrap_or_else(|| touch(Barrier::StopLoss, s)),
            },
            (None, None) => continue,
        });
    }
    None
}

/// The first finer bar inside the coarse bar at `start` that reaches a leg.
fn finer_first(series: &Series<'_>, levels: &Levels, start: UnixNanos) -> Option<(Barrier, At)> {
    let end = bar_end(series.timeframe, series.calendar, start).unwrap_or(UnixNanos::MAX);
    let fine = series.finer;
    let lo = fine.partition_point(|b| b.ts < start);
    let hi = fine.partition_point(|b| b.ts < end);
    for fb in &fine[lo..hi.max(lo)] {
        match levels.legs(fb) {
            (Some(s), _) => return Some((Barrier::StopLoss, s)),
            (None, Some(t)) => return Some((Barrier::TakeProfit, t)),
            (None, None) => {}
        }
    }
    None
}
