//! The price chart: the run's bars as candles, aggregated to a coarser timeframe when there are
//! more than fit, with every fill marked.

use domain::{Bar, Fill, Timeframe, UnixNanos};
use serde::Serialize;

/// One candle, x in milliseconds (its first bar's stamp), prices as f64 for drawing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Candle {
    pub x: f64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
}

/// A fill on the price chart, with what a hover shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Marker {
    pub x: f64,
    pub price: f64,
    /// `buy`, `sell`, `short` or `cover`.
    pub action: String,
    /// `2024-03-01 15:45 buy 100 @ 412.5 (signal)`, exact as stored.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candles {
    pub symbol: String,
    /// The timeframe drawn, and the stored one when they differ.
    pub timeframe: String,
    pub aggregated_from: Option<String>,
    pub candles: Vec<Candle>,
    pub markers: Vec<Marker>,
}

/// The coarser timeframes tried, in order, until the candles fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Stored,
    Nanos(i64, &'static str),
    /// One candle per exchange date (UTC date for daily bars).
    Day,
    /// One candle per ISO week.
    Week,
}

struct Acc {
    level: Level,
    candles: Vec<Candle>,
    key: Option<i64>,
    full: bool,
}

fn ms(t: UnixNanos) -> f64 {
    t.as_i64().div_euclid(1_000_000) as f64
}

fn key(level: Level, b: &Bar, daily: bool, i: i64) -> i64 {
    let date = || {
        if daily {
            b.ts.utc_date()
        } else {
            b.ts.exchange_date()
        }
    };
    match level {
        Level::Stored => i,
        Level::Nanos(n, _) => b.ts.as_i64().div_euclid(n),
        Level::Day => i64::from(chrono::Datelike::num_days_from_ce(&date())),
        Level::Week => {
            let w = chrono::Datelike::iso_week(&date());
            i64::from(w.year()) * 100 + i64::from(w.week())
        }
    }
}

/// Candles of `bars` (one series in time order), at the stored timeframe if at most `max` fit,
/// else at the first of 5m, 15m, 1h, 1d, 1w (coarser than the stored one) that fits. One pass.
pub fn candles(
    symbol: &str,
    tf: Timeframe,
    bars: impl Iterator<Item = Bar>,
    fills: &[Fill],
    max: usize,
) -> Candles {
    let stored = tf.nanos().unwrap_or(i64::MAX);
    let mut levels = vec![Level::Stored];
    for (n, name) in [
        (300_000_000_000, "5m"),
        (900_000_000_000, "15m"),
        (3_600_000_000_000, "1h"),
    ] {
        if n > stored && !tf.is_daily_or_longer() {
            levels.push(Level::Nanos(n, name));
        }
    }
    if !tf.is_daily_or_longer() {
        levels.push(Level::Day);
    }
    levels.push(Level::Week);
    let daily = tf.is_daily_or_longer();
    let mut accs: Vec<Acc> = levels
        .into_iter()
        .map(|level| Acc {
            level,
            candles: Vec::new(),
            key: None,
            full: false,
        })
        .collect();
    for (i, b) in bars.enumerate() {
        let (o, h, l, c) = (
            b.open.to_f64(),
            b.high.to_f64(),
            b.low.to_f64(),
            b.close.to_f64(),
        );
        for a in accs.iter_mut().filter(|a| !a.full) {
            let k = key(a.level, &b, daily, i as i64);
            match a.candles.last_mut() {
                Some(last) if a.key == Some(k) => {
                    last.high = last.high.max(h);
                    last.low = last.low.min(l);
                    last.close = c;
                }
                _ => {
                    if a.candles.len() == max {
                        a.full = true;
                        a.candles = Vec::new();
                        continue;
                    }
                    a.key = Some(k);
                    a.candles.push(Candle {
                        x: ms(b.ts),
                        open: o,
                        high: h,
                        low: l,
                        close: c,
                    });
                }
            }
        }
    }
    let chosen = accs.iter().position(|a| !a.full).unwrap_or(accs.len() - 1);
    let a = accs.swap_remove(chosen);
    let timeframe = match a.level {
        Level::Stored => tf.to_string(),
        Level::Nanos(_, name) => name.to_string(),
        Level::Day => "1d".into(),
        Level::Week => "1w".into(),
    };
    let markers = fills
        .iter()
        .filter(|f| f.symbol.as_str() == symbol)
        .map(|f| Marker {
            x: ms(f.timestamp),
            price: f.price.to_f64(),
            action: f.action.to_string(),
            label: format!(
                "{} {} {} @ {} ({})",
                crate::views::fmt::stamp(f.timestamp, tf),
                f.action,
                f.quantity,
                f.price,
                f.reason
            ),
        })
        .collect();
    Candles {
        symbol: symbol.to_string(),
        aggregated_from: (a.level != Level::Stored).then(|| tf.to_string()),
        timeframe,
        candles: a.candles,
        markers,
    }
}
