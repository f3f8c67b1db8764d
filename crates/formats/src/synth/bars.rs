//! Synthetic bars in two layers, so every timeframe tells the same story:
//!
//! 1. The **day path** ([`day_path`]): one open and close per NYSE session, a random walk with
//!    drift, volatility regimes (calm / normal / stressed, Markov-switching), overnight gaps with
//!    occasional jumps, and day volume that rises with volatility and with the size of the move.
//! 2. The **step path** ([`day_steps`]): within each session, a Brownian bridge from the day's
//!    open to its close at one-minute steps (or the bar length, for sub-minute bars), with U-shaped
//!    intraday volatility and volume. Bars of any timeframe are merged from these steps, so 5m
//!    bars aggregate 1m bars and the daily bar aggregates the session.
//!
//! Prices sit on the cent grid; vwap is the volume-weighted typical price at 1/10000.

use chrono::NaiveDate;
use domain::calendar::{NyseCalendar, Session};
use domain::timeframe::TimeUnit;
use domain::{Bar, Price, Quantity, Timeframe, UnixNanos};

use super::profile::{Profile, profile};
use super::rng::Stream;
use domain::civil::days_from_civil;

const CENT: i64 = 10_000_000; // Price raw units per cent
const MINUTE: i64 = 60_000_000_000;

/// One session of the day path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Day {
    pub session: Session,
    pub open: i64,  // cents
    pub close: i64, // cents
    /// Standard deviation of the session's log return.
    pub sigma: f64,
    /// Shares traded in the session.
    pub volume: f64,
}

impl Day {
    /// Open-to-close log return in units of the session's volatility.
    pub fn z(&self) -> f64 {
        (self.close as f64 / self.open as f64).ln() / self.sigma
    }
}

fn cents(dollars: f64) -> i64 {
    ((dollars * 100.0).round() as i64).max(1)
}

/// The first `days` sessions on or after `first_date`.
pub(crate) fn sessions(first_date: NaiveDate, days: usize) -> Vec<Session> {
    let cal = NyseCalendar;
    first_date
        .iter_days()
        .filter_map(|d| cal.session(d))
        .take(days)
        .collect()
}

const REGIME_VOL: [f64; 3] = [0.7, 1.0, 1.9];

pub(crate) fn day_path(symbol: &str, first_date: NaiveDate, days: usize, seed: u64) -> Vec<Day> {
    let p: Profile = profile(symbol);
    let mut rng = Stream::new(seed, symbol, "day", 0);
    let mut regime = 1usize;
    let mut close = cents(p.price);
    let daily_drift = 0.07 / 252.0;
    let mut out = Vec::with_capacity(days);
    for (i, session) in sessions(first_date, days).into_iter().enumerate() {
        // Regimes persist for weeks; stressed spells are shorter than calm ones.
        let stay = [0.985, 0.98, 0.95][regime];
        if !rng.chance(stay) {
            regime = match regime {
                0 => 1,
                2 => 1,
                _ if rng.chance(0.6) => 0,
                _ => 2,
            };
        }
        let sigma = p.vol / 252f64.sqrt() * REGIME_VOL[regime];
        let mut gap = 0.3 * sigma * rng.normal();
        if rng.chance(0.02) {
            // Earnings, macro news: a jump of 1.5%..6% either way.
            gap += rng.range(0.015, 0.06) * if rng.chance(0.5) { 1.0 } else { -1.0 };
        }
        let open = if i == 0 {
            close
        } else {
            cents(close as f64 / 100.0 * gap.exp())
        };
        let ret =
            (daily_drift - 0.5 * sigma * sigma + 0.95 * sigma * rng.normal()).clamp(-0.25, 0.25);
        close = cents(open as f64 / 100.0 * ret.exp());
        let z = ret / sigma;
        let volume = p.volume
            * REGIME_VOL[regime].powf(0.8)
            * (1.0 + 0.25 * z.abs())
            * (0.3 * rng.normal() - 0.045).exp();
        out.push(Day {
            session,
            open,
            close,
            sigma,
            volume,
        });
    }
    out
}

/// Relative intraday volatility and volume at position `x` in 0..1 of the session: high at the
/// open, low at midday, rising into the close.
fn u_shape(x: f64) -> f64 {
    0.55 + 1.6 * (-10.0 * x).exp() + 0.9 * (-14.0 * (1.0 - x)).exp()
}

/// The session as bars of `step` nanoseconds, stamped at their start.
pub(crate) fn day_steps(
    symbol: &str,
    p: &Profile,
    day: &Day,
    step: i64,
    seed: u64,
    out: &mut Vec<Bar>,
) {
    let (start, end) = (day.session.open.as_i64(), day.session.close.as_i64());
    let n = ((end - start + step - 1) / step) as usize;
    let date = &day.session.date;
    let key = days_from_civil(
        i64::from(chrono::Datelike::year(date)),
        chrono::Datelike::month(date),
        chrono::Datelike::day(date),
    ) as u64;
    let mut rng = Stream::new(seed, symbol, "steps", key ^ ((step as u64) << 20));
    let w: Vec<f64> = (0..n)
        .map(|k| {
            let len = (end - (start + k as i64 * step)).min(step) as f64 / step as f64;
            u_shape((k as f64 + 0.5) / n as f64) * len
        })
        .collect();
    let total: f64 = w.iter().sum();
    let scale = day.sigma / total.sqrt();
    // Walk, then pin both ends: B_k = S_k - (W_k / W_n) S_n.
    let mut walk = vec![0.0; n + 1];
    let mut cum = vec![0.0; n + 1];
    for k in 0..n {
        walk[k + 1] = walk[k] + w[k].sqrt() * rng.normal();
        cum[k + 1] = cum[k] + w[k];
    }
    let log_open = (day.open as f64 / 100.0).ln();
    let ret = (day.close as f64 / day.open as f64).ln();
    let price = |k: usize| -> i64 {
        if k == 0 {
            return day.open;
        }
        if k == n {
            return day.close;
        }
        let f = cum[k] / total;
        cents((log_open + f * ret + scale * (walk[k] - f * walk[n])).exp())
    };
    let mut o = day.open;
    for (k, &wk) in w.iter().enumerate() {
        let c = price(k + 1);
        let spread = scale * wk.sqrt() * 0.6;
        let top = o.max(c);
        let bottom = o.min(c);
        let h = top + (rng.normal().abs() * spread * top as f64).round() as i64;
        let l = (bottom - (rng.normal().abs() * spread * bottom as f64).round() as i64).max(1);
        let v = (day.volume * wk / total * (0.35 * rng.normal() - 0.061).exp())
            .round()
            .max(1.0);
        let trades = (v / (p.trade_size * (0.2 * rng.normal()).exp()))
            .round()
            .max(1.0);
        out.push(Bar {
            ts: UnixNanos::new(start + k as i64 * step),
            open: Price::from_raw(o * CENT),
            high: Price::from_raw(h * CENT),
            low: Price::from_raw(l * CENT),
            close: Price::from_raw(c * CENT),
            volume: Quantity::from_int(v as i64),
            // Typical price (O+H+L+C)/4: on the 0.0025 grid, so exact.
            vwap: Some(Price::from_raw((o + h + l + c) * CENT / 4)),
            trade_count: Some(trades as u64),
        });
        o = c;
    }
}

/// One bar from consecutive bars: first open, last close, extremes, summed volume and trades,
/// volume-weighted vwap rounded to 1/10000.
pub(crate) fn merge(ts: UnixNanos, bars: &[Bar]) -> Bar {
    let first = bars[0];
    let mut out = Bar {
        ts,
        close: bars[bars.len() - 1].close,
        ..first
    };
    let (mut pv, mut v) = (0i128, 0i128);
    let mut trades = 0u64;
    for b in bars {
        out.high = out.high.max(b.high);
        out.low = out.low.min(b.low);
        let vol = i128::from(b.volume.raw());
        pv += i128::from(b.vwap.unwrap_or(b.close).raw()) * vol;
        v += vol;
        trades += b.trade_count.unwrap_or(0);
    }
    out.volume = Quantity::from_raw(v as i64);
    out.trade_count = Some(trades);
    let unit = 100_000i128; // 1/10000 in Price raw units
    out.vwap = Some(if v == 0 {
        first.close
    } else {
        let avg = domain::fixed::div_round_half_even(pv, v);
        Price::from_raw((domain::fixed::div_round_half_even(avg, unit) * unit) as i64)
    });
    out
}

/// The step the session is simulated at: one minute when the bar length is whole minutes.
fn step_for(tf_nanos: i64) -> i64 {
    if tf_nanos % MINUTE == 0 {
        MINUTE
    } else {
        tf_nanos
    }
}

/// Bars of `timeframe` for the sessions of `path`.
pub(crate) fn bars_for(symbol: &str, path: &[Day], timeframe: Timeframe, seed: u64) -> Vec<Bar> {
    let p = profile(symbol);
    let mut out = Vec::new();
    let mut steps = Vec::new();
    if !timeframe.is_daily_or_longer() {
        let tf = timeframe
            .nanos()
            .expect("intraday timeframes have a length");
        let step = step_for(tf);
        let per_bar = (tf / step) as usize;
        for day in path {
            steps.clear();
            day_steps(symbol, &p, day, step, seed, &mut steps);
            if per_bar == 1 {
                out.extend_from_slice(&steps);
                continue;
            }
            for chunk in steps.chunks(per_bar) {
                out.push(merge(chunk[0].ts, chunk));
            }
        }
        return out;
    }
    // Daily bars from whole sessions, then grouped into longer periods.
    let mut daily = Vec::with_capacity(path.len());
    for day in path {
        steps.clear();
        day_steps(symbol, &p, day, MINUTE, seed, &mut steps);
        daily.push(merge(UnixNanos::from_date(day.session.date), &steps));
    }
    let period = |d: &Day| -> i64 {
        let date = day_index(d);
        match timeframe.unit {
            TimeUnit::Week => (date + 3).div_euclid(7), // weeks starting Monday (1970-01-05)
            TimeUnit::Month => {
                let (y, m) = (
                    chrono::Datelike::year(&d.session.date),
                    chrono::Datelike::month(&d.session.date),
                );
                i64::from(y) * 12 + i64::from(m)
            }
            _ => date, // days: every session is its own period
        }
    };
    let amount = i64::from(timeframe.amount.max(1));
    let mut start = 0;
    while start < path.len() {
        let group = if timeframe.unit == TimeUnit::Day {
            (start + amount as usize).min(path.len())
        } else {
            let first = period(&path[start]).div_euclid(amount);
            let mut end = start;
            while end < path.len() && period(&path[end]).div_euclid(amount) == first {
                end += 1;
            }
            end
        };
        out.push(merge(daily[start].ts, &daily[start..group]));
        start = group;
    }
    out
}

fn day_index(d: &Day) -> i64 {
    d.session.open.as_i64().div_euclid(86_400_000_000_000)
}
