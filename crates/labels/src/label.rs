//! An entry → a [`Label`]: entry at the open of the first bar after `t0`, slipped against the
//! trader (the agent's slippage model); barriers at exact prices from that entry price; the
//! first touch ([`crate::touch`]) within the vertical barrier, or a time exit at the last bar's
//! close; the exit slipped as the engine slips it (the stop and a market exit; a take-profit is a
//! limit and is not); both commissions (the agent's fee model, on the entry's quantity, else
//! [`LabelParams::quantity`])
//! taken from the P&L.
//!
//! A side-less entry is labelled as a long would be (+1 the upper barrier, −1 the lower) and has
//! no meta-label. An entry with no bar after `t0`, or a volatility barrier with no σ yet (the
//! warm-up) or σ = 0, is skipped and counted in [`Skipped`].

use backtest::models::FeeModel;
use backtest::{Overflow, Side};
use domain::time::NANOS_PER_MINUTE;
use domain::{Money, Price, Quantity, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::params::{Level, TimeStop};
use crate::touch::{Levels, first_touch};
use crate::{Barrier, Direction, Entry, Label, LabelError, LabelParams, Series, vol, weights};

/// Entries that got no label, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// No bar after `t0` to enter at.
    pub no_next_bar: usize,
    /// A volatility barrier without σ: too few bars before the signal, or σ = 0.
    pub no_sigma: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labelled {
    /// In the order of the entries given.
    pub labels: Vec<Label>,
    pub skipped: Skipped,
}

/// Labels `entries` of one series, with weights computed over this series (return weights not
/// yet normalized: [`weights::normalize_returns`] over every series of a run).
pub fn label_series(
    series: &Series<'_>,
    entries: &[Entry],
    p: &LabelParams,
) -> Result<Labelled, LabelError> {
    p.validate()?;
    let fees = p.costs.fee_model();
    let slip = p.costs.slippage_model();
    let needs_sigma =
        matches!(p.take_profit, Some(Level::Vol(_))) || matches!(p.stop_loss, Some(Level::Vol(_)));
    let bars = series.bars;
    let mut out = Labelled::default();
    let mut day = None;
    // Entries in time order walk the bars once; out of order, a binary search.
    let mut cursor = 0;
    for e in entries {
        let entry_index = if cursor == 0 || bars[cursor - 1].ts <= e.t0 {
            let mut i = cursor;
            while i < bars.len() && bars[i].ts <= e.t0 && i - cursor < 64 {
                i += 1;
            }
            if i < bars.len() && bars[i].ts <= e.t0 {
                i + bars[i..].partition_point(|b| b.ts <= e.t0)
            } else {
                i
            }
        } else {
            bars.partition_point(|b| b.ts <= e.t0)
        };
        cursor = entry_index;
        let Some(bar) = bars.get(entry_index) else {
            out.skipped.no_next_bar += 1;
            continue;
        };
        let sigma = if needs_sigma {
            let s = entry_index
                .checked_sub(1)
                .and_then(|s| vol::sigma(bars, s, p.vol_window));
            match s {
                Some(s) if s > 0.0 => Some(s),
                _ => {
                    out.skipped.no_sigma += 1;
                    continue;
                }
            }
        } else {
            None
        };
        let long = e.side != Some(Direction::Short);
        let (open_side, close_side) = if long {
            (Side::Buy, Side::Sell)
        } else {
            (Side::Sell, Side::Buy)
        };
        let entry_price = slip.apply(open_side, bar.open).map_err(overflow)?;
        let levels = Levels {
            take_profit: level(p.take_profit, entry_price, long, false, sigma)?,
            stop_loss: level(p.stop_loss, entry_price, long, true, sigma)?,
            long,
        };
        let last = vertical(series, entry_index, &p.time, &mut day);
        let (exit_index, barrier, at) =
            match first_touch(series, &levels, entry_index, last, p.intrabar) {
                Some(t) => (t.index, t.barrier, t.price),
                None => (last, Barrier::Time, bars[last].close),
            };
        let exit_price = match barrier {
            Barrier::TakeProfit => at,
            Barrier::StopLoss | Barrier::Time => slip.apply(close_side, at).map_err(overflow)?,
        };
        let q = e.quantity.filter(|q| q.raw() > 0).unwrap_or(p.quantity);
        let ret = net_return(&*fees, q, long, entry_price, exit_price)?;
        out.labels.push(Label {
            id: e.id,
            t0: e.t0,
            side: e.side,
            entry_index,
            exit_index,
            entry_time: bar.ts,
            entry_price,
            take_profit: levels.take_profit,
            stop_loss: levels.stop_loss,
            t1: bars[exit_index].ts,
            exit_price,
            barrier,
            ret,
            label: match barrier {
                Barrier::TakeProfit => 1,
                Barrier::StopLoss => -1,
                Barrier::Time => 0,
            },
            meta_label: e.side.map(|_| u8::from(ret > 0.0)),
            weight_uniqueness: 0.0,
            weight_return: 0.0,
        });
    }
    weights::apply(bars, &mut out.labels);
    Ok(out)
}

/// The level of a barrier: below the entry for a long's stop and a short's take-profit.
fn level(
    l: Option<Level>,
    entry: Price,
    long: bool,
    toward_loss: bool,
    sigma: Option<f64>,
) -> Result<Option<Price>, LabelError> {
    let Some(l) = l else { return Ok(None) };
    let down = long == toward_loss;
    let price = match l {
        Level::Pct(pct) if down => pct.below(entry),
        Level::Pct(pct) => pct.above(entry),
        Level::Vol(k) => {
            // k × σ as a fraction, rounded once to 10⁻⁹; the price then moves exactly.
            let frac = (k * sigma.unwrap_or(0.0) * Price::UNIT as f64).round();
            let raw = (frac.is_finite() && frac < 1e18).then_some(frac as i64);
            let num = raw.and_then(|r| {
                if down {
                    Price::UNIT.checked_sub(r)
                } else {
                    Price::UNIT.checked_add(r)
                }
            });
            num.and_then(|n| entry.checked_mul_ratio(n, Price::UNIT))
        }
    };
    price.map(Some).ok_or_else(|| {
        LabelError::Overflow(format!(
            "a barrier {l:?} from an entry at {entry} leaves the price range"
        ))
    })
}

/// The last bar a label may hold: the earliest vertical barrier, or the series' last bar.
fn vertical(
    series: &Series<'_>,
    entry: usize,
    t: &TimeStop,
    day: &mut Option<(UnixNanos, UnixNanos)>,
) -> usize {
    let bars = series.bars;
    let mut last = bars.len() - 1;
    let before = |until: UnixNanos| entry + bars[entry..].partition_point(|b| b.ts < until) - 1;
    if let Some(n) = t.max_bars {
        last = last.min(entry.saturating_add(n as usize - 1));
    }
    let ts = bars[entry].ts;
    if let Some(m) = t.max_minutes {
        let until = ts
            .checked_plus(i64::from(m) * NANOS_PER_MINUTE)
            .unwrap_or(UnixNanos::MAX);
        last = last.min(before(until).max(entry));
    }
    if t.session_close {
        if series.timeframe.is_daily_or_longer() {
            return entry;
        }
        if let Some(close) = session_close(series, ts, day) {
            last = last.min(before(close).max(entry));
        }
    }
    last
}

/// The close of the session `ts` is in (the end of its trading day outside sessions), cached
/// for the entries of the same day.
fn session_close(
    series: &Series<'_>,
    ts: UnixNanos,
    day: &mut Option<(UnixNanos, UnixNanos)>,
) -> Option<UnixNanos> {
    if let Some((open, close)) = *day
        && open <= ts
        && ts < close
    {
        return Some(close);
    }
    let cal = series.calendar;
    let span = match cal.session_at(ts) {
        Some(s) => Some((s.open, s.close)),
        None => cal.day_bounds(cal.trading_date(ts)),
    };
    *day = span;
    span.map(|(_, close)| close)
}

/// `(side × (exit − entry) × q − both commissions) / (entry × q)`.
fn net_return(
    fees: &dyn FeeModel,
    q: Quantity,
    long: bool,
    entry: Price,
    exit: Price,
) -> Result<f64, LabelError> {
    let (buy, sell) = if long { (entry, exit) } else { (exit, entry) };
    let fee_in = fees.commission(entry, q).map_err(overflow)?;
    let fee_out = fees.commission(exit, q).map_err(overflow)?;
    let pnl = sell
        .notional(q)
        .checked_sub(buy.notional(q))
        .and_then(|g| g.checked_sub(fee_in))
        .and_then(|g| g.checked_sub(fee_out))
        .ok_or_else(|| LabelError::Overflow(format!("the P&L of {q} from {entry} to {exit}")))?;
    let notional = entry.notional(q);
    Ok(if notional == Money::ZERO {
        0.0
    } else {
        pnl.raw() as f64 / notional.raw() as f64
    })
}

fn overflow(e: Overflow) -> LabelError {
    LabelError::Overflow(e.to_string())
}
