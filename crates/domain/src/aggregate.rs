//! Trade ticks → bars: one pass, no IO, ticks in time order.
//!
//! - [`Conditions`]: how a tick's sale conditions decide what it counts in ([`Counts`]).
//! - [`lean_counts`]: the rule table for LEAN/AlgoSeek's hex flag sets (`TradeConditionFlags`).
//! - [`Aggregator`]: push ticks one at a time (pages from a store), [`Aggregator::finish`] gives
//!   the bars and [`AggregateStats`]; [`ticks_to_bars`] does it for a slice.
//!
//! A bar is stamped with the start of its period (`ts` floored to a multiple of the timeframe, in
//! UTC nanoseconds; whole hours in New York are whole hours in UTC). Its open, high, low and close
//! come from the ticks that may set a price, its volume, vwap and trade count from every tick
//! counted in volume. A period whose counted ticks all lack a price-setting condition still gets a
//! bar (its volume is real): its prices then come from those ticks, and
//! [`AggregateStats::volume_only_bars`] counts it. Suspicious ticks count nowhere.

use crate::error::DomainError;
use crate::fixed::{Price, Quantity};
use crate::tick::TradeTick;
use crate::time::UnixNanos;
use crate::{Bar, Timeframe};

/// Which rule table reads the ticks' condition codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conditions {
    /// LEAN/AlgoSeek hex flag sets (`20002000`), read by [`lean_counts`]. A code that is not
    /// hex is an error: it came from another vendor.
    Lean,
    /// Every tick that is not suspicious sets prices and counts in volume, whatever its codes.
    All,
}

impl Conditions {
    /// Every rule table's name, as [`Conditions::name`] writes it and `FromStr` reads it.
    pub const NAMES: [&'static str; 2] = ["lean", "all"];

    /// The name written in `bar_origins.rules` and shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Conditions::Lean => "lean",
            Conditions::All => "all",
        }
    }
}

impl std::str::FromStr for Conditions {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "lean" => Ok(Self::Lean),
            "all" => Ok(Self::All),
            other => Err(format!(
                "unknown conditions {other:?} (expected lean or all)"
            )),
        }
    }
}

/// What one tick counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// May set open, high, low and close.
    pub price: bool,
    /// Counts in volume, vwap and trade count.
    pub volume: bool,
}

const fn bit(n: u32) -> u64 {
    1 << n
}

/// LEAN `TradeConditionFlags` bits whose price was not made by the market at that moment
/// (average price, derivatively priced, prior reference price) or that settle off the regular
/// cycle (cash, next day, seller): counted in volume only.
pub const LEAN_VOLUME_ONLY: u64 = bit(1) | bit(2) | bit(3) | bit(9) | bit(25);

/// LEAN bits that re-report a price whose shares are already on the tape (a market center's
/// official open or close): counted nowhere.
pub const LEAN_NOWHERE: u64 = bit(24) | bit(26);

/// The rule for one LEAN flag set. Every other flag (regular, intermarket sweep, Form T and
/// extended hours, opening/closing/reopening prints, out of sequence, sold last, odd lot, average
/// price, cross, …) sets prices and counts in volume.
///
/// Average price (bit 20) is left price-setting on purpose: LEAN's own minute bars include those
/// prints (three TRF average-price prints on SPY 2013-10-07 set LEAN's open or close up to 95 bps
/// away from the market), and making them volume-only would part from the vendor on those
/// minutes.
pub fn lean_counts(flags: u64) -> Counts {
    if flags & LEAN_NOWHERE != 0 {
        Counts {
            price: false,
            volume: false,
        }
    } else {
        Counts {
            price: flags & LEAN_VOLUME_ONLY == 0,
            volume: true,
        }
    }
}

/// A LEAN `sale_condition` (hex digits, as written) → its flag set.
#[inline]
pub fn parse_lean_flags(code: &str) -> Option<u64> {
    let b = code.as_bytes();
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut v = 0u64;
    for &c in b {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | u64::from(d);
    }
    Some(v)
}

/// What an aggregation saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AggregateStats {
    /// Ticks read.
    pub ticks: u64,
    /// Ticks left out because the vendor marked them suspicious.
    pub suspicious: u64,
    /// Ticks counted in volume but not allowed to set a price.
    pub volume_only: u64,
    /// Ticks counted nowhere because of their conditions.
    pub excluded: u64,
    /// Bars whose prices came from volume-only ticks (their period had no other).
    pub volume_only_bars: u64,
}

/// One period being built.
#[derive(Debug, Clone, Copy)]
struct Open {
    start: i64,
    /// Prices from price-setting ticks: (open, high, low, close).
    priced: Option<[i64; 4]>,
    /// The same from volume-only ticks, the fallback.
    fallback: Option<[i64; 4]>,
    volume: i64,
    notional: i128,
    trades: u64,
}

fn update(slot: &mut Option<[i64; 4]>, p: i64) {
    match slot {
        None => *slot = Some([p, p, p, p]),
        Some(o) => {
            o[1] = o[1].max(p);
            o[2] = o[2].min(p);
            o[3] = p;
        }
    }
}

/// Builds bars from ticks pushed in time order.
#[derive(Debug)]
pub struct Aggregator {
    step: i64,
    rules: Conditions,
    open: Option<Open>,
    last_ts: i64,
    bars: Vec<Bar>,
    stats: AggregateStats,
}

impl Aggregator {
    /// Intraday timeframes only (`1s` … `1h`…): a daily bar needs the session calendar.
    pub fn new(tf: Timeframe, rules: Conditions) -> Result<Self, DomainError> {
        let step = tf
            .nanos()
            .filter(|_| !tf.is_daily_or_longer())
            .ok_or_else(|| {
                DomainError::new(
                    "timeframe",
                    format!("{tf}: bars from ticks are intraday (1s … 1h)"),
                )
            })?;
        Ok(Self {
            step,
            rules,
            open: None,
            last_ts: i64::MIN,
            bars: Vec::new(),
            stats: AggregateStats::default(),
        })
    }

    #[inline]
    fn counts(&self, tick: &TradeTick) -> Result<Counts, DomainError> {
        if self.rules == Conditions::All {
            return Ok(Counts {
                price: true,
                volume: true,
            });
        }
        match tick.conditions.as_slice() {
            [] => Ok(Counts {
                price: true,
                volume: true,
            }),
            [one] => Ok(lean_counts(lean_flags(one, tick.ts)?)),
            many => {
                let mut flags = 0;
                for code in many {
                    flags |= lean_flags(code, tick.ts)?;
                }
                Ok(lean_counts(flags))
            }
        }
    }

    /// Adds one tick. Ticks must come in time order (equal times in any order).
    #[inline]
    pub fn push(&mut self, tick: &TradeTick) -> Result<(), DomainError> {
        let ts = tick.ts.as_i64();
        if ts < self.last_ts {
            return Err(DomainError::new(
                "ts",
                format!(
                    "tick at {} comes after one at {}: ticks must be in time order",
                    tick.ts,
                    UnixNanos::new(self.last_ts)
                ),
            ));
        }
        self.last_ts = ts;
        self.stats.ticks += 1;
        if tick.suspicious {
            self.stats.suspicious += 1;
            return Ok(());
        }
        let counts = self.counts(tick)?;
        if !counts.volume {
            self.stats.excluded += 1;
            return Ok(());
        }
        if !counts.price {
            self.stats.volume_only += 1;
        }
        let open = match &mut self.open {
            // Ticks come in time order, so `ts ≥ o.start`: one subtraction tells whether the
            // tick is still in the open period, with no division.
            Some(o) if (ts.wrapping_sub(o.start) as u64) < self.step as u64 => o,
            slot => {
                let start = ts - ts.rem_euclid(self.step);
                if let Some(done) = slot.take() {
                    self.bars.push(close(done, &mut self.stats)?);
                }
                slot.insert(Open {
                    start,
                    priced: None,
                    fallback: None,
                    volume: 0,
                    notional: 0,
                    trades: 0,
                })
            }
        };
        let p = tick.price.raw();
        let q = tick.size.raw();
        if counts.price {
            update(&mut open.priced, p);
        } else {
            update(&mut open.fallback, p);
        }
        open.volume = open
            .volume
            .checked_add(q)
            .ok_or_else(|| DomainError::new("size", format!("volume overflows at {}", tick.ts)))?;
        open.notional += i128::from(p) * i128::from(q);
        open.trades += 1;
        Ok(())
    }

    /// The bars (in time order) and what was counted.
    pub fn finish(mut self) -> Result<(Vec<Bar>, AggregateStats), DomainError> {
        if let Some(done) = self.open.take() {
            self.bars.push(close(done, &mut self.stats)?);
        }
        Ok((self.bars, self.stats))
    }

    /// Bars completed so far: every period before the one the last tick fell in. The app takes
    /// them to write a batch while the aggregation goes on.
    pub fn take_completed(&mut self) -> Vec<Bar> {
        std::mem::take(&mut self.bars)
    }

    pub fn stats(&self) -> AggregateStats {
        self.stats
    }
}

fn lean_flags(code: &str, ts: UnixNanos) -> Result<u64, DomainError> {
    parse_lean_flags(code).ok_or_else(|| {
        DomainError::new(
            "conditions",
            format!(
                "tick at {ts}: {code:?} is not a LEAN hex condition set (other vendors' ticks \
                 take --conditions all)"
            ),
        )
    })
}

fn close(o: Open, stats: &mut AggregateStats) -> Result<Bar, DomainError> {
    let [open, high, low, close] = match (o.priced, o.fallback) {
        (Some(p), _) => p,
        (None, Some(f)) => {
            stats.volume_only_bars += 1;
            f
        }
        (None, None) => unreachable!("a period opens with a counted tick"),
    };
    // Half away from zero is enough here: prices and sizes are not negative.
    let vwap = (o.volume > 0).then(|| {
        let v = i128::from(o.volume);
        Price::from_raw(((o.notional * 2 + v) / (v * 2)) as i64)
    });
    Bar::new(
        UnixNanos::new(o.start),
        Price::from_raw(open),
        Price::from_raw(high),
        Price::from_raw(low),
        Price::from_raw(close),
        Quantity::from_raw(o.volume),
        vwap,
        Some(o.trades),
    )
}

/// [`Aggregator`] over a slice.
pub fn ticks_to_bars<'a>(
    ticks: impl IntoIterator<Item = &'a TradeTick>,
    tf: Timeframe,
    rules: Conditions,
) -> Result<(Vec<Bar>, AggregateStats), DomainError> {
    let mut agg = Aggregator::new(tf, rules)?;
    for t in ticks {
        agg.push(t)?;
    }
    agg.finish()
}

#[cfg(test)]
mod tests;
