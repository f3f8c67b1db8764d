//! The grid on every calendar: fx weeks across both DST changes, crypto's 24/7 days, `none`
//! without a grid, counting equal to walking, and real EURUSD hourly bars (UTC) measured under
//! `fx` against `nyse`.

use super::*;
use crate::time::{NANOS_PER_HOUR, NANOS_PER_MINUTE};

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn grid(tf: &str, cal: Calendar) -> BarGrid {
    BarGrid::new(Timeframe::parse(tf).unwrap(), cal).unwrap()
}

fn hours(from: &str, n: i64) -> Vec<UnixNanos> {
    (0..n).map(|k| t(from).plus(k * NANOS_PER_HOUR)).collect()
}

#[test]
fn none_has_no_grid_and_every_other_calendar_has() {
    assert_eq!(
        BarGrid::new(Timeframe::H1, Calendar::None),
        Err(GridError::NoCalendar)
    );
    // The timeframe is checked first: a weekly series has no grid on any calendar.
    let w = Timeframe::parse("1w").unwrap();
    assert_eq!(
        BarGrid::new(w, Calendar::None),
        Err(GridError::Timeframe(w))
    );
    for c in [Calendar::Nyse, Calendar::Fx, Calendar::Crypto] {
        assert_eq!(grid("1h", c).calendar(), c);
    }
}

/// One fx week is 120 hourly slots from Sunday 17:00 to Friday 17:00 New York: 21:00 UTC in
/// summer, 22:00 UTC in winter, and the week of a DST change mixes them.
#[test]
fn fx_hours_of_a_week_across_dst() {
    let g = grid("1h", Calendar::Fx);
    let week = |from: &str, to: &str| g.expected(t(from), t(to)).unwrap().collect::<Vec<_>>();
    // Spring forward on Sunday 2024-03-10 at 02:00: the week opens at 17:00 EDT.
    let w = week("2024-03-09T00:00:00Z", "2024-03-17T00:00:00Z");
    assert_eq!(w.len(), 120);
    assert_eq!(w[0], t("2024-03-10T21:00:00Z"));
    assert_eq!(w[119], t("2024-03-15T20:00:00Z"));
    // The week before closed at 17:00 EST.
    let w = week("2024-03-02T00:00:00Z", "2024-03-10T00:00:00Z");
    assert_eq!(
        (w[0], w[119]),
        (t("2024-03-03T22:00:00Z"), t("2024-03-08T21:00:00Z"))
    );
    // Fall back on 2024-11-03: Friday closes at 17:00 EDT, Sunday opens at 17:00 EST.
    let w = week("2024-11-01T00:00:00Z", "2024-11-10T00:00:00Z");
    assert_eq!(w[0], t("2024-11-01T00:00:00Z"));
    assert!(w.contains(&t("2024-11-01T20:00:00Z")));
    assert!(!w.contains(&t("2024-11-01T21:00:00Z")));
    assert!(!w.contains(&t("2024-11-03T21:00:00Z")));
    assert!(w.contains(&t("2024-11-03T22:00:00Z")));
    // A gap from Friday into Monday is one gap: the weekend is not missing.
    let mut stored = hours("2024-03-04T00:00:00Z", 24 * 12);
    stored.retain(|s| !(t("2024-03-08T18:00:00Z") <= *s && *s < t("2024-03-11T03:00:00Z")));
    let gaps = g
        .gaps(
            t("2024-03-04T00:00:00Z"),
            t("2024-03-16T00:00:00Z"),
            &stored,
        )
        .unwrap();
    assert_eq!(
        gaps,
        [Gap {
            start: t("2024-03-08T18:00:00Z"),
            end: t("2024-03-11T03:00:00Z"),
            bars: 4 + 6 // Friday 18:00..22:00 EST, Sunday 21:00 EDT..Monday 03:00 UTC
        }]
    );
}

/// A 4-hour slot that straddles the 22:00 UTC boundary of two winter fx sessions is expected
/// once; the first of a week straddles its open.
#[test]
fn a_slot_shared_by_two_sessions_counts_once() {
    let g = grid("4h", Calendar::Fx);
    let w: Vec<_> = g
        .expected(t("2024-01-06T00:00:00Z"), t("2024-01-13T00:00:00Z"))
        .unwrap()
        .collect();
    // Sunday 20:00 UTC (overlaps the 22:00 open) to Friday 20:00 UTC (overlaps the close).
    assert_eq!(w.len(), 31);
    assert_eq!(w[0], t("2024-01-07T20:00:00Z"));
    assert_eq!(w[30], t("2024-01-12T20:00:00Z"));
    let (a, b) = (t("2024-01-06T00:00:00Z"), t("2024-01-13T00:00:00Z"));
    assert_eq!(g.count(a, b).unwrap(), 31);
}

#[test]
fn daily_slots_per_calendar() {
    let days = |c| -> Vec<String> {
        grid("1d", c)
            .expected(t("2024-03-08T00:00:00Z"), t("2024-03-12T00:00:00Z"))
            .unwrap()
            .map(|s| s.utc_date().to_string())
            .collect()
    };
    // Fx days are labelled by the date they end on: Monday's opened on Sunday evening.
    assert_eq!(days(Calendar::Fx), ["2024-03-08", "2024-03-11"]);
    assert_eq!(days(Calendar::Nyse), ["2024-03-08", "2024-03-11"]);
    assert_eq!(
        days(Calendar::Crypto),
        ["2024-03-08", "2024-03-09", "2024-03-10", "2024-03-11"]
    );
    // An fx daily bar ends at 17:00 New York: by 18:00 on Friday it is settled.
    let fri = t("2024-03-08T23:00:00Z");
    assert_eq!(
        first_unfinished(Timeframe::D1, Calendar::Fx, fri),
        t("2024-03-09T00:00:00Z")
    );
    assert_eq!(
        first_unfinished(Timeframe::D1, Calendar::Crypto, fri),
        t("2024-03-08T00:00:00Z")
    );
    // `none` has no grid, but its bars still end: intraday slots, and 24-hour days.
    assert_eq!(
        first_unfinished(Timeframe::H1, Calendar::None, t("2024-03-08T23:30:00Z")),
        t("2024-03-08T23:00:00Z")
    );
}

#[test]
fn crypto_expects_every_hour_of_every_day() {
    let g = grid("1h", Calendar::Crypto);
    let (a, b) = (t("2024-03-04T00:00:00Z"), t("2024-03-18T00:00:00Z"));
    assert_eq!(g.count(a, b).unwrap(), 14 * 24);
    let mut stored = hours("2024-03-04T00:00:00Z", 14 * 24);
    assert_eq!(g.missing(&stored).unwrap(), 0);
    // A Saturday hour missing is a gap on crypto and nothing on NYSE, which expects no
    // Saturday; NYSE sees 7 of the 24 hours of each of the 10 weekdays.
    stored.retain(|s| *s != t("2024-03-09T12:00:00Z"));
    assert_eq!(g.missing(&stored).unwrap(), 1);
    let nyse = grid("1h", Calendar::Nyse);
    assert_eq!(nyse.missing(&stored).unwrap(), 0);
    assert_eq!(nyse.count(a, b).unwrap(), 10 * 7);
}

/// The per-date arithmetic equals the walk on every calendar, over cuts through weekends,
/// both DST changes and New York midnights.
#[test]
fn counting_equals_walking_on_every_calendar() {
    let cuts = [
        ("2024-03-01T00:00:00Z", "2024-03-20T00:00:00Z"),
        ("2024-03-08T21:31:17Z", "2024-03-11T19:59:59Z"),
        ("2024-10-30T04:00:00Z", "2024-11-06T05:00:00Z"),
        ("2024-11-03T21:00:00Z", "2024-11-03T23:00:00Z"),
        ("2024-12-31T22:00:00Z", "2024-12-31T22:00:00Z"),
    ];
    for cal in [Calendar::Nyse, Calendar::Fx, Calendar::Crypto] {
        for tf in ["1m", "5m", "15m", "1h", "2h", "4h", "8h", "12h", "1d"] {
            let g = grid(tf, cal);
            for (a, b) in cuts {
                let (a, b) = (t(a), t(b));
                let walked: u64 = g.expected(a, b).unwrap().count() as u64;
                assert_eq!(g.count(a, b).unwrap(), walked, "{cal} {tf} {a} {b}");
                let per_date = g.expected_per_date(a, b).unwrap();
                let mut by_date: Vec<(chrono::NaiveDate, u64)> = Vec::new();
                for s in g.expected(a, b).unwrap() {
                    let date = days::date_of(g.timeframe(), s);
                    match by_date.last_mut() {
                        Some(l) if l.0 == date => l.1 += 1,
                        _ => by_date.push((date, 1)),
                    }
                }
                assert_eq!(per_date, by_date, "{cal} {tf} {a} {b}");
            }
        }
    }
}

/// The EURUSD hourly bars of backtesting.py (UTC, 2017-04-19..2018-02-07).
fn eurusd() -> Vec<UnixNanos> {
    let bars = super::rollup_tests::read_lean("intraday/backtesting_EURUSD_1hour.csv");
    bars.iter().map(|b| b.ts).collect()
}

/// Under `fx` the 5,000 EURUSD hours miss exactly the two days the market was shut, Christmas
/// 2017 and New Year's Day 2018 (Sunday 17:00 to Monday 17:00 New York, 24 hours each), and the
/// weekends, across the DST change of 2017-11-05, are not gaps. Under `nyse` the same series looks complete: NYSE expects 7 hours of
/// its weekdays, and both Mondays are NYSE holidays, so the real gaps are invisible, and an hour
/// lost at night would be too.
#[test]
fn real_eurusd_hours_under_fx_and_under_nyse() {
    let stamps = eurusd();
    assert_eq!(stamps.len(), 5000);
    let fx = grid("1h", Calendar::Fx);
    let (first, end) = (stamps[0], stamps[4999].plus(1));
    let gaps = fx.gaps(first, end, &stamps).unwrap();
    assert_eq!(
        gaps,
        [
            Gap {
                start: t("2017-12-24T22:00:00Z"),
                end: t("2017-12-25T22:00:00Z"),
                bars: 24
            },
            Gap {
                start: t("2017-12-31T22:00:00Z"),
                end: t("2018-01-01T22:00:00Z"),
                bars: 24
            },
        ]
    );
    assert_eq!(fx.missing(&stamps).unwrap(), 48);
    // Two bars are stamped 21:00 UTC on a summer Friday, 17:00 New York, after the close: rows
    // outside every session, not slots. Every other bar fills a slot.
    let expected: Vec<UnixNanos> = fx.expected(first, end).unwrap().collect();
    let outside: Vec<String> = stamps
        .iter()
        .filter(|s| expected.binary_search(s).is_err())
        .map(|s| s.to_rfc3339())
        .collect();
    assert_eq!(outside, ["2017-10-06T21:00:00Z", "2017-10-20T21:00:00Z"]);
    assert_eq!(expected.len(), 5000 - 2 + 48);
    let nyse = grid("1h", Calendar::Nyse);
    assert_eq!(nyse.missing(&stamps).unwrap(), 0);
    assert!(nyse.count(first, end).unwrap() < 1500);
    // An hour lost at 03:00 UTC (22:00 in New York) is a gap on fx only.
    let mut lost = stamps.clone();
    lost.retain(|s| *s != t("2017-06-14T03:00:00Z"));
    assert_eq!(fx.missing(&lost).unwrap(), 49);
    assert_eq!(nyse.missing(&lost).unwrap(), 0);
    // Minutes under the same calendar: a week of fx is 7,200 of them.
    let m = grid("1m", Calendar::Fx);
    let week = m
        .count(t("2017-06-10T00:00:00Z"), t("2017-06-17T00:00:00Z"))
        .unwrap();
    assert_eq!(week as i64, 120 * NANOS_PER_HOUR / NANOS_PER_MINUTE);
}
