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
    /// One candle per month; never capped (the coarsest).
    Month,
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
        Level::Month => {
            let d = date();
            i64::from(chrono::Datelike::year(&d)) * 12 + i64::from(chrono::Datelike::month0(&d))
        }
    }
}

/// Candles of `bars` (one series in time order), at the stored timeframe if at most `max` fit,
/// else at the first of 5m, 15m, 1h, 1d, 1w, 1mo (coarser than the stored one) that fits; monthly
/// candles are never capped. One pass.
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
    levels.push(Level::Month);
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
                    if a.candles.len() == max && a.level != Level::Month {
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
        Level::Month => "1mo".into(),
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

#[cfg(test)]
mod tests {
    use domain::{Price, Quantity};

    use super::*;

    fn day(i: i64) -> Bar {
        let p = Price::from_int(100 + i % 10);
        Bar {
            ts: UnixNanos::parse_rfc3339("2000-01-03T00:00:00Z")
                .unwrap()
                .plus(i * 86_400_000_000_000),
            open: p,
            high: p,
            low: p,
            close: p,
            volume: Quantity::from_int(1),
            vwap: None,
            trade_count: None,
        }
    }

    #[test]
    fn each_level_is_tried_until_the_candles_fit_and_months_always_do() {
        let bars = |n| (0..n).map(day);
        let tf = Timeframe::D1;
        let c = candles("X", tf, bars(500), &[], 600);
        assert_eq!((c.timeframe.as_str(), c.candles.len()), ("1d", 500));
        let c = candles("X", tf, bars(3_000), &[], 600);
        assert_eq!((c.timeframe.as_str(), c.candles.len()), ("1w", 429));
        let c = candles("X", tf, bars(7_300), &[], 100);
        assert_eq!(c.timeframe, "1mo");
        assert_eq!(
            c.candles.len(),
            240,
            "20 years of months, over the cap but drawn"
        );
        assert_eq!(c.aggregated_from.as_deref(), Some("1d"));
        assert_eq!(c.candles[0].high, 109.0);
    }
}
