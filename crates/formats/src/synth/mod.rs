//! Deterministic synthetic market data for `ztrade data seed`, the demo and benchmarks.
//!
//! - [`generate_bars`]: bars of any timeframe on NYSE sessions (holidays, early closes, DST).
//! - [`generate_sentiment`]: news / reddit / sec records mildly predictive of the bars' moves.
//! - [`generate_minute_bars`]: n consecutive one-minute bars, for benchmarks.
//! - `bars`: the day path and intraday bridge; `sentiment`: the records; `profile`: what a
//!   symbol looks like; `rng`: the seeded streams.
//!
//! Same arguments → identical output. Each symbol draws from its own stream keyed by the seed
//! and a stable hash of the symbol, so adding a symbol does not change the others.

mod bars;
mod profile;
mod rng;
mod sentiment;

use chrono::NaiveDate;
use domain::{Bar, Symbol, Timeframe};

pub use profile::{Profile, profile};
pub use sentiment::generate_sentiment;

/// Bars of `timeframe` for the first `days` NYSE sessions on or after `first_date`, stamped at
/// the start of their period (daily and longer: midnight UTC of the first session's date).
/// Intraday bars cover the regular session 09:30–16:00 New York (13:00 on early closes).
pub fn generate_bars(
    symbol: &Symbol,
    first_date: NaiveDate,
    days: usize,
    timeframe: Timeframe,
    seed: u64,
) -> Vec<Bar> {
    let path = bars::day_path(symbol.as_str(), first_date, days, seed);
    bars::bars_for(symbol.as_str(), &path, timeframe, seed)
}

/// The first day of [`generate_minute_bars`].
pub const MINUTE_BARS_START: (i32, u32, u32) = (2015, 1, 2);

/// `n` consecutive one-minute SPY-like bars, every minute of every session from 2015-01-02.
pub fn generate_minute_bars(n: usize, seed: u64) -> Vec<Bar> {
    let (y, m, d) = MINUTE_BARS_START;
    let first = NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    // Every session has at least 210 minutes (early closes), so this many days is enough.
    let days = n / 210 + 1;
    let path = bars::day_path("SPY", first, days, seed);
    let p = profile("SPY");
    let mut out = Vec::with_capacity(n + 390);
    for day in &path {
        if out.len() >= n {
            break;
        }
        bars::day_steps(
            "SPY",
            &p,
            day,
            domain::time::NANOS_PER_MINUTE,
            seed,
            &mut out,
        );
    }
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests;
