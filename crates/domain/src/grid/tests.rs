use chrono::{NaiveDate, NaiveTime};
use proptest::prelude::*;

use super::*;
use crate::calendar::NyseCalendar;
use crate::span::{SUPPORTED_END, SUPPORTED_START};
use crate::time::{NANOS_PER_HOUR, NANOS_PER_MINUTE, NEW_YORK};

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn tf(s: &str) -> Timeframe {
    Timeframe::parse(s).unwrap()
}

fn grid(s: &str) -> BarGrid {
    BarGrid::new(tf(s), Calendar::Nyse).unwrap()
}

/// The slots of the UTC day `date` (every NYSE session lies inside its UTC date).
fn day(g: &str, date: &str) -> Vec<UnixNanos> {
    let start = t(date);
    grid(g)
        .expected(start, start.plus(NANOS_PER_DAY))
        .unwrap()
        .collect()
}

/// `day`, as New York wall-clock times.
fn ny(g: &str, date: &str) -> Vec<String> {
    day(g, date)
        .iter()
        .map(|s| {
            s.to_datetime()
                .with_timezone(&NEW_YORK)
                .format("%H:%M")
                .to_string()
        })
        .collect()
}

fn local(date: &str, hm: &str) -> UnixNanos {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let time = NaiveTime::parse_from_str(hm, "%H:%M").unwrap();
    UnixNanos::from_local(d.and_time(time), NEW_YORK).unwrap()
}

#[test]
fn the_early_close_after_thanksgiving() {
    let d = "2024-11-29";
    assert_eq!(day("1m", d).len(), 210);
    assert_eq!(ny("1m", d).first().unwrap(), "09:30");
    assert_eq!(ny("1m", d).last().unwrap(), "12:59");
    assert_eq!(day("5m", d).len(), 42);
    assert_eq!(ny("5m", d).last().unwrap(), "12:55");
    assert_eq!(day("15m", d).len(), 14);
    assert_eq!(ny("15m", d).last().unwrap(), "12:45");
    assert_eq!(ny("1h", d), ["09:00", "10:00", "11:00", "12:00"]);
    assert_eq!(day("1d", d), [t("2024-11-29")]);
}

#[test]
fn dst_starts_on_2024_03_10() {
    // Friday in EST, Monday in EDT: the same New York hours, an hour apart in UTC.
    for d in ["2024-03-08", "2024-03-11"] {
        assert_eq!(day("1m", d).len(), 390, "{d}");
        assert_eq!(day("5m", d).len(), 78, "{d}");
        assert_eq!(day("15m", d).len(), 26, "{d}");
        assert_eq!(ny("5m", d).first().unwrap(), "09:30");
        assert_eq!(ny("15m", d).last().unwrap(), "15:45");
        let hours = [
            "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00",
        ];
        assert_eq!(ny("1h", d), hours, "{d}");
        assert_eq!(day("1d", d), [t(d)]);
    }
    assert_eq!(day("1m", "2024-03-08")[0], t("2024-03-08T14:30:00Z"));
    assert_eq!(day("1m", "2024-03-11")[0], t("2024-03-11T13:30:00Z"));
    assert_eq!(day("1h", "2024-03-08")[0], t("2024-03-08T14:00:00Z"));
    assert_eq!(day("1h", "2024-03-11")[0], t("2024-03-11T13:00:00Z"));
}

#[test]
fn dst_ends_on_2024_11_03() {
    assert_eq!(day("1h", "2024-11-01")[0], t("2024-11-01T13:00:00Z"));
    assert_eq!(day("1h", "2024-11-04")[0], t("2024-11-04T14:00:00Z"));
    assert_eq!(day("1h", "2024-11-04").len(), 7);
    assert_eq!(day("1m", "2024-11-04")[0], t("2024-11-04T14:30:00Z"));
    assert_eq!(day("15m", "2024-11-04").len(), 26);
    // The weekend of the change holds nothing.
    for tf in ["1m", "5m", "15m", "1h", "1d"] {
        assert!(day(tf, "2024-11-02").is_empty() && day(tf, "2024-11-03").is_empty());
    }
}

#[test]
fn holidays_and_weekends_hold_no_slot() {
    for tf in ["1m", "5m", "15m", "1h", "1d"] {
        for d in [
            "2024-11-28",
            "2024-12-25",
            "2024-03-29",
            "2024-06-19",
            "2024-11-30",
        ] {
            assert!(day(tf, d).is_empty(), "{tf} {d}");
        }
    }
    let days = grid("1d")
        .expected(t("2024-11-27"), t("2024-12-04"))
        .unwrap()
        .map(|s| s.to_rfc3339()[..10].to_string())
        .collect::<Vec<_>>();
    assert_eq!(
        days,
        ["2024-11-27", "2024-11-29", "2024-12-02", "2024-12-03"]
    );
    // The week of Thanksgiving: three full sessions, the holiday and the early close.
    let hours = grid("1h")
        .expected(t("2024-11-25"), t("2024-11-30"))
        .unwrap();
    assert_eq!(hours.count(), 3 * 7 + 4);
}

/// Lengths that do not divide an hour count from the epoch in UTC, as Alpaca's do.
#[test]
fn thirty_minutes_and_several_hours() {
    assert_eq!(day("30m", "2024-07-01").len(), 13);
    assert_eq!(ny("30m", "2024-07-01")[0], "09:30");
    assert_eq!(day("30m", "2024-11-29").len(), 7);
    assert_eq!(ny("2h", "2024-07-01"), ["08:00", "10:00", "12:00", "14:00"]);
    assert_eq!(ny("2h", "2024-01-02"), ["09:00", "11:00", "13:00", "15:00"]);
    assert_eq!(ny("4h", "2024-07-01"), ["08:00", "12:00"]);
    assert_eq!(ny("4h", "2024-01-02"), ["07:00", "11:00", "15:00"]);
    assert_eq!(ny("4h", "2024-11-29"), ["07:00", "11:00"]);
}

#[test]
fn a_complete_hourly_series_as_providers_label_it_misses_nothing() {
    let g = grid("1h");
    let mut series = Vec::new();
    for s in NyseCalendar.sessions(
        NaiveDate::from_ymd_opt(2024, 11, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 12, 3).unwrap(),
    ) {
        // Pre-market from 04:00, after-hours to 19:00: rows, not slots.
        for h in 4..20 {
            series.push(local(&s.date.to_string(), &format!("{h:02}:00")));
        }
    }
    assert_eq!(g.missing(&series), Ok(0));
    let without = |gone: UnixNanos| -> Vec<UnixNanos> {
        series.iter().copied().filter(|t| *t != gone).collect()
    };
    assert_eq!(g.missing(&without(local("2024-11-04", "09:00"))), Ok(1));
    assert_eq!(g.missing(&without(local("2024-11-29", "12:00"))), Ok(1));
    // After the early close: a row, not a slot.
    assert_eq!(g.missing(&without(local("2024-11-29", "13:00"))), Ok(0));
    // Bars labelled at the open instead (09:30, 10:30 …) fill the same slots.
    let at_open: Vec<UnixNanos> = day("1h", "2024-07-01")
        .iter()
        .map(|s| s.plus(30 * NANOS_PER_MINUTE))
        .collect();
    assert_eq!(g.missing(&at_open), Ok(0));
    assert_eq!(g.missing(&[]), Ok(0));
}

#[test]
fn missing_counts_between_the_first_and_the_last_bar() {
    // Fri 2024-03-08 and Mon 03-11 daily: nothing missing; Monday gone: one.
    let g = grid("1d");
    let full = [t("2024-03-08"), t("2024-03-11"), t("2024-03-12")];
    assert_eq!(g.missing(&full), Ok(0));
    assert_eq!(g.missing(&[t("2024-03-08"), t("2024-03-12")]), Ok(1));
    // A series starting mid-session is judged from its first bar.
    let m = grid("1m");
    let late: Vec<UnixNanos> = (0..10)
        .map(|k| t("2024-03-08T15:00:00Z").plus(k * NANOS_PER_MINUTE))
        .collect();
    assert_eq!(m.missing(&late), Ok(0));
    assert!(matches!(
        m.missing(&[late[1], late[0]]),
        Err(GridError::Unsorted { index: 1, .. })
    ));
}

#[test]
fn gaps_are_maximal_runs_that_skip_closed_days() {
    let g = grid("1h");
    // Nothing stored from Wed 2024-11-27 to Mon 12-02: one gap across Thanksgiving.
    let stored = [local("2024-11-26", "15:00"), local("2024-12-02", "13:00")];
    let gaps = g.gaps(t("2024-11-26"), t("2024-12-03"), &stored).unwrap();
    assert_eq!(
        gaps[..2],
        [
            Gap {
                start: local("2024-11-26", "09:00"),
                end: local("2024-11-26", "15:00"),
                bars: 6,
            },
            Gap {
                start: local("2024-11-27", "09:00"),
                end: local("2024-12-02", "13:00"),
                bars: 7 + 4 + 4,
            },
        ]
    );
    // 12-02 after 13:00; the range ends before 12-03's session.
    assert_eq!(
        gaps[2..],
        [Gap {
            start: local("2024-12-02", "14:00"),
            end: local("2024-12-02", "16:00"),
            bars: 2,
        }]
    );
    assert!(matches!(
        g.gaps(t("2024-11-27"), t("2024-11-26"), &[]),
        Err(GridError::Range { .. })
    ));
    assert_eq!(g.gaps(t("2024-11-27"), t("2024-11-27"), &[]), Ok(vec![]));
}

#[test]
fn weeks_months_and_several_days_have_no_grid() {
    for s in ["1w", "1mo", "2d"] {
        assert_eq!(
            BarGrid::new(tf(s), Calendar::Nyse),
            Err(GridError::Timeframe(tf(s)))
        );
    }
    assert!(BarGrid::new(tf("90m"), Calendar::Nyse).is_ok());
}

#[test]
fn where_settled_bars_end() {
    let f = |s: &str, at: &str| first_unfinished(tf(s), Calendar::Nyse, t(at));
    assert_eq!(f("1h", "2024-07-01T15:10:00Z"), t("2024-07-01T15:00:00Z"));
    assert_eq!(f("1h", "2024-07-01T15:00:00Z"), t("2024-07-01T15:00:00Z"));
    assert_eq!(f("1m", "2024-07-01T15:10:30Z"), t("2024-07-01T15:10:00Z"));
    // A daily bar ends at the close (20:00Z in summer, 18:00Z on an early close).
    assert_eq!(f("1d", "2024-07-01T19:59:00Z"), t("2024-07-01"));
    assert_eq!(f("1d", "2024-07-01T20:00:00Z"), t("2024-07-02"));
    assert_eq!(f("1d", "2024-11-29T18:30:00Z"), t("2024-11-30"));
    assert_eq!(f("1d", "2024-11-30T12:00:00Z"), t("2024-11-30"));
    assert_eq!(f("1w", "2024-07-08T00:00:00Z"), t("2024-07-01"));
    assert_eq!(f("1mo", "2024-08-01T00:00:00Z"), t("2024-07-01"));
    for s in ["1s", "1h", "1d", "1w", "1mo"] {
        assert_eq!(
            first_unfinished(tf(s), Calendar::Nyse, UnixNanos::MIN),
            UnixNanos::MIN,
            "{s}"
        );
        let _ = first_unfinished(tf(s), Calendar::Nyse, UnixNanos::MAX);
    }
}

/// Any instant and any timeframe the grid takes: no panic, and only slots a bar can be stored in.
#[test]
fn total_at_the_edges_of_the_range() {
    let edges = [
        UnixNanos::MIN,
        UnixNanos::new(i64::MIN + 1),
        SUPPORTED_START,
        SUPPORTED_END,
        UnixNanos::MAX,
    ];
    let huge = Timeframe::new(2_000_000_000, crate::timeframe::TimeUnit::Second);
    for tf in [
        Timeframe::S1,
        Timeframe::M1,
        Timeframe::H1,
        Timeframe::D1,
        huge,
    ] {
        let g = BarGrid::new(tf, Calendar::Nyse).unwrap();
        for e in edges {
            let _ = g.slot_of(e);
            let _ = first_unfinished(tf, Calendar::Nyse, e);
            let _ = g.gaps(e, e, &[e]);
        }
        let early: Vec<_> = g
            .expected(UnixNanos::MIN, t("1677-09-24"))
            .unwrap()
            .collect();
        let late: Vec<_> = g
            .expected(t("2262-04-09"), UnixNanos::MAX)
            .unwrap()
            .collect();
        for s in early.iter().chain(&late) {
            assert!(
                *s >= SUPPORTED_START && g.slot_end(*s) <= SUPPORTED_END,
                "{tf} {s}"
            );
        }
        if tf != huge {
            assert!(!early.is_empty() && !late.is_empty(), "{tf}");
        }
        if tf == Timeframe::H1 || tf == Timeframe::D1 {
            // Every session there is (smaller timeframes only take longer).
            let _ = g.missing(&[UnixNanos::MIN, UnixNanos::MAX]);
        }
    }
    // 1677-09-22 is the first session a bar can be stored in; 2262-04-11 has a session but its
    // daily bar would end after the last supported day.
    assert_eq!(
        grid("1d")
            .expected(UnixNanos::MIN, t("1677-09-24"))
            .unwrap()
            .next(),
        Some(t("1677-09-22"))
    );
    assert_eq!(
        grid("1d")
            .expected(t("2262-04-09"), UnixNanos::MAX)
            .unwrap()
            .last(),
        Some(t("2262-04-10"))
    );
    // Slots longer than a night would belong to two sessions: each is listed once.
    let g = BarGrid::new(huge, Calendar::Nyse).unwrap();
    let all: Vec<_> = g
        .expected(UnixNanos::MIN, UnixNanos::MAX)
        .unwrap()
        .collect();
    assert!(
        all.windows(2).all(|w| w[0] < w[1]) && all.len() < 10,
        "{all:?}"
    );
    assert_eq!(
        g.missing(&[UnixNanos::MIN, UnixNanos::MAX]),
        Ok(all.len() as u64)
    );
}

/// Whether the slot of `g` at `slot` overlaps a session, asked of the calendar directly.
fn overlaps_a_session(g: &BarGrid, slot: UnixNanos) -> bool {
    if g.timeframe() == Timeframe::D1 {
        return NyseCalendar.session(slot.utc_date()).is_some();
    }
    let end = g.slot_end(slot);
    [slot.exchange_date(), end.plus(-1).exchange_date()]
        .iter()
        .filter_map(|d| NyseCalendar.session(*d))
        .any(|s| slot < s.close && s.open < end)
}

proptest! {
    /// The slots of a range are exactly its aligned slots that overlap a session, ascending; a
    /// series of all of them misses nothing, and without one misses one.
    #[test]
    fn slots_are_the_aligned_ones_that_overlap_a_session(
        minutes in 0i64..(30 * 365 * 24 * 60),
        span_hours in 0i64..(24 * 12),
        which in 0usize..8,
        drop in any::<prop::sample::Index>(),
    ) {
        let name = ["1m", "5m", "15m", "30m", "1h", "2h", "4h", "1d"][which];
        let g = grid(name);
        let step = tf(name).nanos().unwrap();
        let start = t("2000-01-01").plus(minutes * NANOS_PER_MINUTE);
        let end = start.plus(span_hours * NANOS_PER_HOUR);
        let got: Vec<UnixNanos> = g.expected(start, end).unwrap().collect();
        let mut want = Vec::new();
        let mut s = g.slot_of(start).unwrap();
        while s < end {
            if s >= start && overlaps_a_session(&g, s) {
                want.push(s);
            }
            s = s.plus(step);
        }
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(g.missing(&got), Ok(0));
        if got.len() > 2 {
            let mut holed = got.clone();
            holed.remove(1 + drop.index(got.len() - 2));
            prop_assert_eq!(g.missing(&holed), Ok(1));
            prop_assert_eq!(g.gaps(start, end, &holed).unwrap().len(), 1);
        }
    }
}
