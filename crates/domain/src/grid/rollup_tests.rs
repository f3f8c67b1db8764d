//! Roll-ups: exact combining, alignment on clock hours in New York time, regular sessions with
//! early closes and DST, and LEAN's real SPY bars (1-minute rolled to hours and days against
//! LEAN's own hourly and daily files).

use proptest::prelude::*;

use super::rollup::{Hours, Rollup, RollupError, roll};
use crate::bar::Bar;
use crate::calendar::Calendar;
use crate::fixed::{Price, Quantity};
use crate::time::{NANOS_PER_MINUTE, UnixNanos};
use crate::timeframe::Timeframe;

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn bar(ts: UnixNanos, o: i64, h: i64, l: i64, c: i64, v: i64) -> Bar {
    let p = |x: i64| Price::from_raw(x * 10_000_000); // cents
    Bar::new(
        ts,
        p(o),
        p(h),
        p(l),
        p(c),
        Quantity::from_int(v),
        None,
        None,
    )
    .unwrap()
}

/// One bar a minute from `from` (RFC 3339) for `n` minutes, volume 1 each, price = minute index.
fn minutes(from: &str, n: i64) -> Vec<Bar> {
    let start = t(from);
    (0..n)
        .map(|i| {
            let ts = start.plus(i * NANOS_PER_MINUTE);
            bar(ts, 100 + i, 101 + i, 99 + i, 100 + i, 1)
        })
        .collect()
}

fn rollup(from: Timeframe, to: Timeframe, hours: Hours) -> Rollup {
    Rollup::new(from, to, hours, Calendar::Nyse).unwrap()
}

#[test]
fn combining_is_exact() {
    let mut a = bar(t("2024-03-04T14:30:00Z"), 100, 105, 99, 104, 3);
    let mut b = bar(t("2024-03-04T14:31:00Z"), 104, 108, 101, 102, 1);
    a.vwap = Some(Price::lit("101.01"));
    b.vwap = Some(Price::lit("106.000000001"));
    a.trade_count = Some(7);
    b.trade_count = Some(5);
    let r = rollup(Timeframe::M1, Timeframe::M5, Hours::Regular);
    let out = roll(r, &[a, b]).unwrap();
    assert_eq!(out.len(), 1);
    let x = out[0];
    assert_eq!(x.ts, t("2024-03-04T14:30:00Z"));
    assert_eq!(
        (x.open, x.high, x.low, x.close, x.volume),
        (
            Price::lit("1.00"),
            Price::lit("1.08"),
            Price::lit("0.99"),
            Price::lit("1.02"),
            Quantity::from_int(4)
        )
    );
    // (101.01 × 3 + 106.000000001 × 1) / 4 = 102.25750000025 → 102.257500000 (half to even).
    assert_eq!(x.vwap, Some(Price::lit("102.2575")));
    assert_eq!(x.trade_count, Some(12));
    // One part without a vwap or a trade count: the bucket has none.
    b.vwap = None;
    b.trade_count = None;
    let x = roll(r, &[a, b]).unwrap()[0];
    assert_eq!((x.vwap, x.trade_count), (None, None));
}

#[test]
fn overflows_are_errors() {
    let r = rollup(Timeframe::M1, Timeframe::M5, Hours::Extended);
    let mut a = bar(t("2024-03-04T14:30:00Z"), 1, 1, 1, 1, 0);
    let mut b = bar(t("2024-03-04T14:31:00Z"), 1, 1, 1, 1, 0);
    a.volume = Quantity::MAX;
    b.volume = Quantity::from_raw(1);
    let e = roll(r, &[a, b]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the 5m bar at 2024-03-04T14:30:00Z: its volume overflows"
    );
    a.volume = Quantity::from_int(1);
    a.trade_count = Some(u64::MAX);
    b.trade_count = Some(1);
    assert!(matches!(
        roll(r, &[a, b]),
        Err(RollupError::Overflow {
            what: "trade count",
            ..
        })
    ));
    assert!(matches!(
        roll(r, &[b, a]),
        Err(RollupError::Unsorted { .. })
    ));
}

#[test]
fn timeframes_that_cannot_roll() {
    for (from, to) in [
        ("5m", "1m"),
        ("5m", "5m"),
        ("2m", "5m"),
        ("1d", "1w"),
        ("1m", "1w"),
        ("1m", "1mo"),
    ] {
        let (f, g) = (
            Timeframe::parse(from).unwrap(),
            Timeframe::parse(to).unwrap(),
        );
        assert!(
            matches!(
                Rollup::new(f, g, Hours::Regular, Calendar::Nyse),
                Err(RollupError::Timeframes { .. })
            ),
            "{from} -> {to}"
        );
    }
    assert!(Rollup::new(Timeframe::M5, Timeframe::D1, Hours::Regular, Calendar::Nyse).is_ok());
    assert!(Rollup::new(Timeframe::S1, Timeframe::M1, Hours::Regular, Calendar::Nyse).is_ok());
}

/// Buckets sit on clock boundaries in New York time: 5-minute bars from the 09:30 open, hourly
/// bars at 09:00…15:00 with the 09:00 one holding 09:30–10:00 by default and 09:00–10:00 with
/// extended hours.
#[test]
fn alignment_on_new_york_clock_hours() {
    // 2013-10-07 (EDT, UTC−4): minutes 08:00..16:30 New York.
    let bars = minutes("2013-10-07T12:00:00Z", 510);
    let h = roll(rollup(Timeframe::M1, Timeframe::H1, Hours::Regular), &bars).unwrap();
    let stamps: Vec<String> = h.iter().map(|b| b.ts.to_rfc3339()).collect();
    assert_eq!(stamps.len(), 7);
    assert_eq!(stamps[0], "2013-10-07T13:00:00Z"); // 09:00 New York
    assert_eq!(stamps[6], "2013-10-07T19:00:00Z"); // 15:00
    assert_eq!(h[0].volume, Quantity::from_int(30)); // 09:30–10:00
    assert_eq!(h[0].open, bars[90].open); // the 09:30 bar's
    assert_eq!(h[6].close, bars[479].close); // 15:59
    let e = roll(rollup(Timeframe::M1, Timeframe::H1, Hours::Extended), &bars).unwrap();
    assert_eq!(e.len(), 9); // 08:00…16:00
    assert_eq!(e[1].ts, h[0].ts);
    assert_eq!(e[1].volume, Quantity::from_int(60));
    let m5 = roll(rollup(Timeframe::M1, Timeframe::M5, Hours::Regular), &bars).unwrap();
    assert_eq!((m5.len(), m5[0].ts), (78, t("2013-10-07T13:30:00Z")));
}

/// A daily bar is the regular session of its date: 09:30–13:00 on an early close, and 09:30–
/// 16:00 New York on both sides of a DST change (13:30–20:00 UTC before, 14:30–21:00 after).
#[test]
fn daily_bars_follow_early_closes_and_dst() {
    let r = rollup(Timeframe::M1, Timeframe::D1, Hours::Regular);
    // 2013-11-29, the day after Thanksgiving, closes at 13:00 EST: minutes 04:00–20:00.
    let bars = minutes("2013-11-29T09:00:00Z", 960);
    let d = roll(r, &bars).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].ts, t("2013-11-29T00:00:00Z"));
    assert_eq!(d[0].volume, Quantity::from_int(210)); // 09:30–13:00
    assert_eq!(d[0].open, bars[330].open); // 09:30
    assert_eq!(d[0].close, bars[539].close); // 12:59
    let ext = roll(rollup(Timeframe::M1, Timeframe::D1, Hours::Extended), &bars).unwrap();
    assert_eq!(ext[0].volume, Quantity::from_int(960));
    // DST ended on 2013-11-03: Friday 11-01 is EDT, Monday 11-04 EST; the weekend has no
    // session, so its bars make no daily bar.
    let mut bars = minutes("2013-11-01T08:00:00Z", 4 * 24 * 60);
    bars.retain(|b| b.ts < t("2013-11-05T04:00:00Z"));
    let d = roll(r, &bars).unwrap();
    let got: Vec<(String, Quantity)> = d.iter().map(|b| (b.ts.to_rfc3339(), b.volume)).collect();
    assert_eq!(
        got,
        [
            ("2013-11-01T00:00:00Z".to_string(), Quantity::from_int(390)),
            ("2013-11-04T00:00:00Z".to_string(), Quantity::from_int(390)),
        ]
    );
    let first = |day: &str| bars.iter().position(|b| b.ts == t(day)).unwrap();
    assert_eq!(d[0].open, bars[first("2013-11-01T13:30:00Z")].open);
    assert_eq!(d[1].open, bars[first("2013-11-04T14:30:00Z")].open);
    assert_eq!(d[1].close, bars[first("2013-11-04T20:59:00Z")].close);
}

/// A LEAN file's bars, or backtesting.py's EURUSD hours (the same columns after the stamp, a
/// naive stamp in UTC).
pub(super) fn read_lean(rel: &str) -> Vec<Bar> {
    use std::io::Read;
    let path = format!("{}/../../../shared/data/{rel}", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut text = String::new();
    if rel.ends_with(".gz") {
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut text)
            .unwrap();
    } else {
        std::io::BufReader::new(file)
            .read_to_string(&mut text)
            .unwrap();
    }
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let ts = if f[0].len() == 10 {
                t(&format!("{}T00:00:00Z", f[0]))
            } else if f[0].len() == 19 {
                t(&format!("{}Z", f[0].replace(' ', "T")))
            } else {
                t(f[0])
            };
            let p = |s: &str| Price::parse(s).unwrap();
            Bar::new(
                ts,
                p(f[1]),
                p(f[2]),
                p(f[3]),
                p(f[4]),
                Quantity::parse(f[5]).unwrap(),
                None,
                None,
            )
            .unwrap()
        })
        .collect()
}

/// LEAN's SPY minutes of 2013-10-04..11 rolled to hours over the regular session land on
/// LEAN's hourly stamps, 09:00…15:00, with LEAN's volume in every one of the 42 hours (so the
/// 09:00 bar holds 09:30–10:00). LEAN's hourly prices differ from its minutes' by a cent in 21
/// hours; the 09:00 bar of 2013-10-07 is equal in full.
#[test]
fn lean_minutes_roll_to_lean_hours() {
    let minutes = read_lean("intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv");
    let lean: Vec<Bar> = read_lean("intraday/lean_spy_1hour_trade_1998-2021.csv.gz")
        .into_iter()
        .filter(|b| t("2013-10-04T00:00:00Z") <= b.ts && b.ts < t("2013-10-12T00:00:00Z"))
        .collect();
    let ours = roll(
        rollup(Timeframe::M1, Timeframe::H1, Hours::Regular),
        &minutes,
    )
    .unwrap();
    assert_eq!(ours.len(), 42);
    let stamps = |v: &[Bar]| v.iter().map(|b| (b.ts, b.volume)).collect::<Vec<_>>();
    assert_eq!(stamps(&ours), stamps(&lean));
    let nine = t("2013-10-07T13:00:00Z");
    let find = |v: &[Bar]| *v.iter().find(|b| b.ts == nine).unwrap();
    assert_eq!(find(&ours), find(&lean));
    let differ = ours.iter().zip(&lean).filter(|(a, b)| a != b).count();
    assert_eq!(differ, 21);
}

/// The check: LEAN's SPY minutes rolled to days over the regular session equal LEAN's
/// daily bars on 5 of the 6 days. On 2013-10-08 LEAN's daily low is one cent above the
/// minutes' (165.37 against 165.36); everything else of that day agrees.
#[test]
fn lean_minutes_roll_to_lean_days_on_5_of_6() {
    let minutes = read_lean("intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv");
    let lean: Vec<Bar> = read_lean("daily/lean_spy_daily.csv")
        .into_iter()
        .filter(|b| t("2013-10-04T00:00:00Z") <= b.ts && b.ts < t("2013-10-12T00:00:00Z"))
        .collect();
    let ours = roll(
        rollup(Timeframe::M1, Timeframe::D1, Hours::Regular),
        &minutes,
    )
    .unwrap();
    assert_eq!(ours.len(), 6);
    assert_eq!(lean.len(), 6);
    let mut equal = 0;
    for (a, b) in ours.iter().zip(&lean) {
        assert_eq!(a.ts, b.ts);
        if a == b {
            equal += 1;
            continue;
        }
        assert_eq!(a.ts, t("2013-10-08T00:00:00Z"));
        assert_eq!((a.low, b.low), (Price::lit("165.36"), Price::lit("165.37")));
        assert_eq!(Bar { low: b.low, ..*a }, *b, "only the low differs");
    }
    assert_eq!(equal, 5);
}

fn arb_minutes() -> impl Strategy<Value = Vec<Bar>> {
    // Up to three days of minutes around a session, some missing, with vwaps and counts.
    proptest::collection::vec(
        (any::<bool>(), 1i64..500, 1i64..1_000, 1i64..50, 0u64..100),
        1..2000,
    )
    .prop_map(|rows| {
        let start = t("2013-10-04T12:00:00Z");
        let mut price = 10_000i64;
        let mut out = Vec::new();
        for (i, (keep, step, vol, spread, n)) in rows.into_iter().enumerate() {
            price = (price + step - 250).max(100);
            if !keep {
                continue;
            }
            let ts = start.plus(i as i64 * 3 * NANOS_PER_MINUTE);
            let mut b = bar(ts, price, price + spread, price - spread, price, vol);
            b.vwap = Some(Price::from_raw((price + spread / 3) * 10_000_000 + 7));
            b.trade_count = Some(n);
            out.push(b);
        }
        out
    })
}

proptest! {
    /// Rolling in two steps equals rolling in one: 1m→5m→1h = 1m→1h and 1m→15m→1d = 1m→1d,
    /// in both kinds of hours; the vwap, rounded at each step, within one unit of 10⁻⁹.
    #[test]
    fn two_steps_equal_one(bars in arb_minutes(), extended in any::<bool>()) {
        let hours = if extended { Hours::Extended } else { Hours::Regular };
        for (mid, to) in [(Timeframe::M5, Timeframe::H1), (Timeframe::M15, Timeframe::D1)] {
            let once = roll(rollup(Timeframe::M1, to, hours), &bars).unwrap();
            let first = roll(rollup(Timeframe::M1, mid, hours), &bars).unwrap();
            let twice = roll(rollup(mid, to, hours), &first).unwrap();
            prop_assert_eq!(once.len(), twice.len());
            for (a, b) in once.iter().zip(&twice) {
                prop_assert_eq!(Bar { vwap: None, ..*a }, Bar { vwap: None, ..*b });
                match (a.vwap, b.vwap) {
                    (Some(x), Some(y)) => prop_assert!((x.raw() - y.raw()).abs() <= 1),
                    (x, y) => prop_assert_eq!(x, y),
                }
            }
        }
    }
}

/// `Rollup::counted` says exactly which source stamps the roller counts: one bar at each minute
/// (or five) of a date rolls into a bucket iff its stamp is in the span.
#[test]
fn counted_spans_agree_with_the_roller() {
    use chrono::NaiveDate;
    for (date, from, hours) in [
        ("2024-07-02", Timeframe::M1, Hours::Regular),
        ("2024-07-03", Timeframe::M1, Hours::Regular), // 13:00 early close
        ("2024-07-03", Timeframe::M5, Hours::Regular),
        ("2024-03-11", Timeframe::M15, Hours::Regular), // the Monday after DST starts
        ("2024-07-02", Timeframe::M1, Hours::Extended),
    ] {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        for cal in [
            Calendar::Nyse,
            Calendar::Fx,
            Calendar::Crypto,
            Calendar::None,
        ] {
            let r = Rollup::new(from, Timeframe::D1, hours, cal).unwrap();
            let (lo, end) = r.counted(d).unwrap();
            let step = from.nanos().unwrap();
            // From an hour before the trading day to an hour after it.
            let (day_start, _) = cal.day_bounds(d).unwrap();
            let from_ts = day_start.plus(-3_600_000_000_000);
            for k in 0..(26 * 3_600_000_000_000 / step) {
                let ts = from_ts.plus(k * step);
                let rolled = roll(r, &[bar(ts, 1, 1, 1, 1, 1)]).unwrap();
                let counted_here = rolled
                    .first()
                    .is_some_and(|b| b.ts == UnixNanos::try_from_date(d).unwrap());
                assert_eq!(
                    counted_here,
                    lo <= ts && ts < end,
                    "{cal:?} {date} {from} {ts}"
                );
            }
        }
    }
    // Independence Day: no session, nothing counted over regular hours.
    let r = Rollup::new(Timeframe::M1, Timeframe::D1, Hours::Regular, Calendar::Nyse).unwrap();
    assert_eq!(
        r.counted(chrono::NaiveDate::from_ymd_opt(2024, 7, 4).unwrap()),
        None
    );
}
