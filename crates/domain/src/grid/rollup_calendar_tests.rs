//! Roll-ups on the fx, crypto and `none` calendars: what a daily bar is on each (17:00 → 17:00
//! New York labelled by its end date, the UTC day, every bar), and real EURUSD hours rolled to
//! fx days.

use super::rollup::{Hours, Rollup, roll};
use super::rollup_tests::read_lean;
use crate::bar::Bar;
use crate::calendar::Calendar;
use crate::fixed::{Price, Quantity};
use crate::time::{NANOS_PER_HOUR, UnixNanos};
use crate::timeframe::Timeframe;

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

/// `n` hourly bars from `from`, the k-th with open k, close k + 1 and volume 1.
fn hours(from: &str, n: i64) -> Vec<Bar> {
    (0..n)
        .map(|k| {
            let p = Price::from_int;
            let ts = t(from).plus(k * NANOS_PER_HOUR);
            Bar::new(
                ts,
                p(k),
                p(k + 1),
                p(k),
                p(k + 1),
                Quantity::from_int(1),
                None,
                None,
            )
            .unwrap()
        })
        .collect()
}

fn days(cal: Calendar, hours_counted: Hours, bars: &[Bar]) -> Vec<(String, i64)> {
    let r = Rollup::new(Timeframe::H1, Timeframe::D1, hours_counted, cal).unwrap();
    roll(r, bars)
        .unwrap()
        .iter()
        .map(|b| {
            let v = b.volume.raw() / Quantity::from_int(1).raw();
            (b.ts.utc_date().to_string(), v)
        })
        .collect()
}

/// Saturday 2024-03-09 00:00 UTC to Sunday 2024-03-17 00:00 UTC, every hour (a 24/7 feed).
fn a_week_of_hours() -> Vec<Bar> {
    hours("2024-03-09T00:00:00Z", 8 * 24)
}

#[test]
fn an_fx_day_runs_17_00_to_17_00_new_york_and_is_labelled_by_its_end() {
    let bars = a_week_of_hours();
    // Monday's day opened on Sunday at 17:00 EDT (21:00 UTC), after the spring-forward change;
    // the weekend's bars are outside every session.
    assert_eq!(
        days(Calendar::Fx, Hours::Regular, &bars),
        [
            ("2024-03-11".to_string(), 24),
            ("2024-03-12".into(), 24),
            ("2024-03-13".into(), 24),
            ("2024-03-14".into(), 24),
            ("2024-03-15".into(), 24),
        ]
    );
    let r = Rollup::new(Timeframe::H1, Timeframe::D1, Hours::Regular, Calendar::Fx).unwrap();
    let monday = roll(r, &bars).unwrap()[0];
    let first = bars
        .iter()
        .position(|b| b.ts == t("2024-03-10T21:00:00Z"))
        .unwrap();
    assert_eq!(monday.open, bars[first].open);
    assert_eq!(monday.close, bars[first + 23].close);
    // Where to reread from to recompute Monday: Sunday 17:00 New York.
    assert_eq!(
        r.bucket_start(t("2024-03-11T12:00:00Z")),
        t("2024-03-10T21:00:00Z")
    );
    // Extended hours keep the weekend's bars, in days of their own.
    let ext = days(Calendar::Fx, Hours::Extended, &bars);
    assert_eq!(ext.first(), Some(&("2024-03-09".to_string(), 22)));
    assert_eq!(ext.iter().map(|d| d.1).sum::<i64>(), 8 * 24);
}

#[test]
fn a_crypto_day_is_the_utc_day_and_none_counts_every_bar() {
    let bars = a_week_of_hours();
    let utc_days: Vec<(String, i64)> = (9..17).map(|d| (format!("2024-03-{d:02}"), 24)).collect();
    assert_eq!(days(Calendar::Crypto, Hours::Regular, &bars), utc_days);
    // No sessions: the regular hours are every hour, in UTC days.
    assert_eq!(days(Calendar::None, Hours::Regular, &bars), utc_days);
    // NYSE, for contrast: 09:30–16:00 New York of five weekdays.
    let nyse = days(Calendar::Nyse, Hours::Regular, &bars);
    assert_eq!(nyse.len(), 5);
    assert!(nyse.iter().all(|d| d.1 == 7), "{nyse:?}");
    // Intraday buckets sit on the same clock boundaries on every calendar.
    let r = Rollup::new(
        Timeframe::H1,
        Timeframe::parse("4h").unwrap(),
        Hours::Regular,
        Calendar::Crypto,
    )
    .unwrap();
    let four = roll(r, &bars).unwrap();
    assert_eq!(four.len(), 8 * 6);
    assert!(
        four.iter()
            .all(|b| b.ts.as_i64() % (4 * NANOS_PER_HOUR) == 0)
    );
}

/// backtesting.py's EURUSD hours (UTC) rolled to fx days: 24 hours a day, Monday's from Sunday
/// evening, no bar for Christmas 2017 or New Year's Day 2018, and the two bars stamped 17:00
/// New York on a Friday left out as after the close.
#[test]
fn real_eurusd_hours_roll_to_fx_days() {
    let bars = read_lean("intraday/backtesting_EURUSD_1hour.csv");
    let r = Rollup::new(Timeframe::H1, Timeframe::D1, Hours::Regular, Calendar::Fx).unwrap();
    let daily = roll(r, &bars).unwrap();
    let dates: Vec<String> = daily.iter().map(|b| b.ts.utc_date().to_string()).collect();
    assert!(!dates.contains(&"2017-12-25".to_string()));
    assert!(!dates.contains(&"2018-01-01".to_string()));
    assert!(dates.contains(&"2017-12-26".to_string()));
    assert!(!dates.iter().any(|d| d == "2017-10-07" || d == "2017-10-21"));
    // Every whole day holds its 24 hours (the first and last days of the file are cut).
    let hours_of = |b: &Bar| {
        let (lo, hi) = Calendar::Fx.day_bounds(b.ts.utc_date()).unwrap();
        bars.iter().filter(|h| lo <= h.ts && h.ts < hi).count()
    };
    let whole = &daily[1..daily.len() - 1];
    assert!(whole.iter().all(|b| hours_of(b) == 24));
    let volume: i64 = whole.iter().map(|b| b.volume.raw()).sum();
    let inside: i64 = bars
        .iter()
        .filter(|h| Calendar::Fx.session_at(h.ts).is_some())
        .filter(|h| {
            whole
                .iter()
                .any(|b| b.ts.utc_date() == Calendar::Fx.trading_date(h.ts))
        })
        .map(|h| h.volume.raw())
        .sum();
    assert_eq!(volume, inside);
    // 12 hours of the first day (from 09:00 UTC), 18 of the last (to 15:00 UTC), 207 whole.
    assert_eq!(
        (hours_of(&daily[0]), hours_of(&daily[daily.len() - 1])),
        (12, 18)
    );
    assert_eq!(whole.len(), (5000 - 2 - 12 - 18) / 24);
    assert_eq!(whole.len(), 207);
}
