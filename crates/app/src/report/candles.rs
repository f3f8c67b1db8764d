//! The price chart: the run's bars as candles, aggregated to a coarser timeframe when there are
//! more than fit, with every fill marked. The level is chosen from the day index of the run's
//! period, so a long run never reads its bars: dates, weeks and months are drawn from the index,
//! and finer levels read only the bars of a period whose candles fit.

use chrono::{Datelike, NaiveDate};
use domain::grid::days::DaySummary;
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
pub enum Level {
    Stored,
    Nanos(i64, &'static str),
    /// One candle per exchange date (UTC date for daily bars).
    Day,
    /// One candle per ISO week.
    Week,
    /// One candle per month; never capped (the coarsest).
    Month,
}

impl Level {
    fn name(self, tf: Timeframe) -> String {
        match self {
            Level::Stored => tf.to_string(),
            Level::Nanos(_, name) => name.to_string(),
            Level::Day => "1d".into(),
            Level::Week => "1w".into(),
            Level::Month => "1mo".into(),
        }
    }

    /// Drawn from the day index rather than from the bars.
    pub fn from_days(self) -> bool {
        matches!(self, Level::Day | Level::Week | Level::Month)
    }
}

fn ms(t: UnixNanos) -> f64 {
    t.as_i64().div_euclid(1_000_000) as f64
}

/// The levels coarser than `tf`, finest first.
fn levels(tf: Timeframe) -> Vec<Level> {
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
    levels
}

fn week_key(date: NaiveDate) -> i64 {
    let w = date.iso_week();
    i64::from(w.year()) * 100 + i64::from(w.week())
}

fn month_key(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

/// At most how many candles `level` draws for the dates of `days`: exact for the stored bars,
/// dates, weeks and months; for 5m/15m/1h the buckets between each date's first and last bar (no
/// more than its rows), which is exact unless a date has a hole as long as the bucket.
fn bound(level: Level, days: &[DaySummary]) -> u64 {
    let distinct = |key: fn(NaiveDate) -> i64| {
        let mut keys: Vec<i64> = days.iter().map(|d| key(d.date)).collect();
        keys.dedup();
        keys.len() as u64
    };
    match level {
        Level::Stored => days.iter().map(|d| d.rows).sum(),
        Level::Nanos(n, _) => days
            .iter()
            .map(|d| {
                let span = d.last.as_i64().div_euclid(n) - d.first.as_i64().div_euclid(n) + 1;
                d.rows.min(u64::try_from(span).unwrap_or(u64::MAX))
            })
            .sum(),
        Level::Day => days.len() as u64,
        Level::Week => distinct(week_key),
        Level::Month => distinct(month_key),
    }
}

/// The finest level whose candles over `days` (the run's period, per date) fit in `max`;
/// months when nothing else does (they are never capped).
pub fn choose(tf: Timeframe, days: &[DaySummary], max: usize) -> Level {
    levels(tf)
        .into_iter()
        .find(|l| *l == Level::Month || bound(*l, days) <= max as u64)
        .unwrap_or(Level::Month)
}

fn merge(candles: &mut Vec<Candle>, last_key: &mut Option<i64>, k: i64, c: Candle) {
    match candles.last_mut() {
        Some(last) if *last_key == Some(k) => {
            last.high = last.high.max(c.high);
            last.low = last.low.min(c.low);
            last.close = c.close;
        }
        _ => {
            *last_key = Some(k);
            candles.push(c);
        }
    }
}

/// Candles of `bars` (one series in time order) at `level` (the stored timeframe or 5m/15m/1h).
pub fn from_bars(level: Level, bars: impl Iterator<Item = Bar>) -> Vec<Candle> {
    let mut out = Vec::new();
    let mut key = None;
    for (i, b) in bars.enumerate() {
        let k = match level {
            Level::Nanos(n, _) => b.ts.as_i64().div_euclid(n),
            _ => i as i64,
        };
        let c = Candle {
            x: ms(b.ts),
            open: b.open.to_f64(),
            high: b.high.to_f64(),
            low: b.low.to_f64(),
            close: b.close.to_f64(),
        };
        merge(&mut out, &mut key, k, c);
    }
    out
}

/// Candles of `days` (the run's period per date, ascending) at a date, week or month level.
pub fn from_days(level: Level, days: &[DaySummary]) -> Vec<Candle> {
    let mut out = Vec::new();
    let mut key = None;
    for (i, d) in days.iter().enumerate() {
        let Some(o) = d.ohlcv else { continue };
        let k = match level {
            Level::Week => week_key(d.date),
            Level::Month => month_key(d.date),
            _ => i as i64,
        };
        let c = Candle {
            x: ms(d.first),
            open: o.open.to_f64(),
            high: o.high.to_f64(),
            low: o.low.to_f64(),
            close: o.close.to_f64(),
        };
        merge(&mut out, &mut key, k, c);
    }
    out
}

/// The price chart of `symbol`: `candles` drawn at `level`, with every fill of the symbol marked.
pub fn chart(
    symbol: &str,
    tf: Timeframe,
    level: Level,
    candles: Vec<Candle>,
    fills: &[Fill],
) -> Candles {
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
        aggregated_from: (level != Level::Stored).then(|| tf.to_string()),
        timeframe: level.name(tf),
        candles,
        markers,
    }
}

#[cfg(test)]
mod tests {
    use domain::grid::days::summarize_bars;
    use domain::{Price, Quantity};

    use super::*;

    fn at(t: &str, i: i64) -> Bar {
        let p = Price::from_int(100 + i % 10);
        Bar {
            ts: UnixNanos::parse_rfc3339(t).unwrap(),
            open: p,
            high: p,
            low: p,
            close: p,
            volume: Quantity::from_int(1),
            vwap: None,
            trade_count: None,
        }
    }

    fn day(i: i64) -> Bar {
        let mut b = at("2000-01-03T00:00:00Z", i);
        b.ts = b.ts.plus(i * 86_400_000_000_000);
        b
    }

    #[test]
    fn each_level_is_tried_until_the_candles_fit_and_months_always_do() {
        let tf = Timeframe::D1;
        let days = |n| summarize_bars(tf, None, &(0..n).map(day).collect::<Vec<_>>()).unwrap();
        let d = days(500);
        assert_eq!(choose(tf, &d, 600), Level::Stored);
        let d = days(3_000);
        assert_eq!(choose(tf, &d, 600), Level::Week);
        assert_eq!(from_days(Level::Week, &d).len(), 429);
        let d = days(7_300);
        assert_eq!(choose(tf, &d, 100), Level::Month);
        let months = from_days(Level::Month, &d);
        assert_eq!(
            months.len(),
            240,
            "20 years of months, over the cap but drawn"
        );
        assert_eq!(months[0].high, 109.0);
        let c = chart("X", tf, Level::Month, months, &[]);
        assert_eq!(
            (c.timeframe.as_str(), c.aggregated_from.as_deref()),
            ("1mo", Some("1d"))
        );
    }

    #[test]
    fn weeks_from_the_index_equal_weeks_from_the_bars() {
        // Minute bars over three weeks, 09:30 to 10:29 New York each weekday.
        let mut bars = Vec::new();
        for d in 0..21 {
            let base = UnixNanos::parse_rfc3339("2024-03-04T14:30:00Z").unwrap();
            let date = base.plus(d * 86_400_000_000_000);
            if matches!(
                date.utc_date().weekday(),
                chrono::Weekday::Sat | chrono::Weekday::Sun
            ) {
                continue;
            }
            for m in 0..60 {
                let mut b = at("2024-03-04T14:30:00Z", d * 60 + m);
                b.ts = date.plus(m * 60_000_000_000);
                b.high = b.high.checked_add(Price::from_int(m % 7)).unwrap();
                bars.push(b);
            }
        }
        let tf = Timeframe::M1;
        let days = summarize_bars(tf, None, &bars).unwrap();
        let hour = Level::Nanos(3_600_000_000_000, "1h");
        assert_eq!(
            bound(hour, &days),
            30,
            "09:00 (from 09:30) and 10:00 on 15 dates"
        );
        assert_eq!(choose(tf, &days, 40), hour);
        assert_eq!(choose(tf, &days, 20), Level::Day);
        assert_eq!(choose(tf, &days, 10), Level::Week);
        assert_eq!(from_bars(hour, bars.iter().copied()).len(), 30);
        // A week by hand from the bars.
        let week: Vec<&Bar> = bars
            .iter()
            .filter(|b| b.ts.utc_date().iso_week().week() == 11)
            .collect();
        let weeks = from_days(Level::Week, &days);
        assert_eq!(weeks.len(), 3);
        let w = weeks[1];
        assert_eq!(w.x, ms(week[0].ts));
        assert_eq!(w.open, week[0].open.to_f64());
        assert_eq!(w.close, week[week.len() - 1].close.to_f64());
        let high = week
            .iter()
            .map(|b| b.high.to_f64())
            .fold(f64::MIN, f64::max);
        assert_eq!(w.high, high);
    }
}
