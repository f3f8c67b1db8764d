//! `next_due` and gap detection around weekends, holidays, early closes and DST changes.

use std::path::PathBuf;

use domain::calendar::NyseCalendar;
use domain::time::NANOS_PER_MINUTE;
use domain::{Symbol, Timeframe, UnixNanos};
use proptest::prelude::*;

use crate::provider::Provider;
use crate::schedule::*;

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn job(every: &str, hours: Hours, task: Task) -> Job {
    Job {
        name: "j".into(),
        provider: Provider::Alpaca,
        every: Timeframe::parse(every).unwrap(),
        hours,
        symbols: vec![Symbol::lit("SPY")],
        task,
    }
}

fn bars(every: &str) -> Job {
    job(
        every,
        Hours::Market,
        Task::Bars {
            timeframe: Timeframe::M1,
            lookback: Timeframe::M15,
        },
    )
}

fn news(every: &str) -> Job {
    job(
        every,
        Hours::Always,
        Task::News {
            sentiment: Some(Timeframe::M15),
        },
    )
}

fn due(j: &Job, after: &str) -> String {
    next_due(j, t(after)).to_rfc3339()
}

#[test]
fn market_jobs_skip_weekends_into_a_dst_change() {
    let j = bars("1m");
    // Friday 2024-03-08, EST: the close (16:00 = 21:00Z) is a run, then Monday after the
    // spring-forward weekend opens at 09:30 EDT = 13:30Z.
    assert_eq!(due(&j, "2024-03-08T20:59:00Z"), "2024-03-08T21:00:00Z");
    assert_eq!(due(&j, "2024-03-08T21:00:00Z"), "2024-03-11T13:30:00Z");
    assert_eq!(due(&j, "2024-03-09T15:00:00Z"), "2024-03-11T13:30:00Z"); // Saturday
    // Fall back: Friday 2024-11-01 closes 20:00Z (EDT), Monday opens 14:30Z (EST).
    assert_eq!(due(&j, "2024-11-01T20:00:00Z"), "2024-11-04T14:30:00Z");
    // Before the open on a trading day.
    assert_eq!(due(&j, "2024-07-01T08:00:00Z"), "2024-07-01T13:30:00Z");
}

#[test]
fn early_close_and_holiday() {
    let j = bars("1m");
    // Day after Thanksgiving 2024 closes 13:00 EST = 18:00Z.
    assert_eq!(due(&j, "2024-11-29T17:59:00Z"), "2024-11-29T18:00:00Z");
    assert_eq!(due(&j, "2024-11-29T18:00:00Z"), "2024-12-02T14:30:00Z");
    // 2024-07-03 closes 13:00 EDT; 07-04 is a holiday; next run is 07-05's open.
    assert_eq!(due(&j, "2024-07-03T17:00:00Z"), "2024-07-05T13:30:00Z");
    // A 3h options job gets 12:00 on the early-close day, 12:00 and 15:00 on a full one.
    let o = job("3h", Hours::Market, Task::Options);
    assert_eq!(due(&o, "2024-11-29T05:00:00Z"), "2024-11-29T17:00:00Z");
    assert_eq!(due(&o, "2024-11-29T17:00:00Z"), "2024-12-02T17:00:00Z");
    assert_eq!(due(&o, "2024-12-02T17:00:00Z"), "2024-12-02T20:00:00Z");
    // Hourly: the first run of the day is 10:00, not the 09:30 open.
    assert_eq!(
        due(&bars("1h"), "2024-07-01T08:00:00Z"),
        "2024-07-01T14:00:00Z"
    );
}

#[test]
fn wall_clock_alignment_and_dst_for_always_jobs() {
    let j = news("15m");
    assert_eq!(due(&j, "2024-07-01T13:31:00Z"), "2024-07-01T13:45:00Z");
    assert_eq!(
        due(&j, "2024-07-01T13:45:00Z"),
        "2024-07-01T14:00:00Z",
        "strictly after"
    );
    // Spring forward: 01:45 EST is followed by 03:00 EDT.
    assert_eq!(due(&j, "2024-03-10T06:45:00Z"), "2024-03-10T07:00:00Z");
    // Fall back: the repeated 01:00 hour runs twice (05:xxZ in EDT, 06:xxZ in EST).
    assert_eq!(due(&j, "2024-11-03T05:50:00Z"), "2024-11-03T06:00:00Z");
    // News runs on weekends and holidays.
    assert_eq!(due(&j, "2024-12-25T12:01:00Z"), "2024-12-25T12:15:00Z");
    // 2h counts from local midnight: 00:00, (02:00 skipped by DST), 04:00 EDT = 08:00Z.
    let two = news("2h");
    assert_eq!(due(&two, "2024-03-10T05:00:00Z"), "2024-03-10T08:00:00Z");
    assert_eq!(due(&two, "2024-07-01T13:31:00Z"), "2024-07-01T14:00:00Z"); // 10:00 EDT
    assert_eq!(due(&two, "2024-01-02T13:31:00Z"), "2024-01-02T15:00:00Z"); // 10:00 EST
}

#[test]
fn bars_window_and_next_run() {
    let j = bars("1m");
    let at = t("2024-07-01T14:00:00Z");
    assert_eq!(bars_window(&j, at), Some((t("2024-07-01T13:45:00Z"), at)));
    assert_eq!(bars_window(&news("15m"), at), None);
    let plan = Plan {
        file: PathBuf::from("c.toml"),
        symbols: vec![],
        jobs: vec![bars("1m"), news("15m")],
    };
    // Saturday: news is next; at 13:44Z on a Monday both fall due at 13:45Z.
    let (when, jobs) = next_run(&plan, t("2024-07-06T10:00:00Z")).unwrap();
    assert_eq!(
        (when.to_rfc3339(), jobs.len()),
        ("2024-07-06T10:15:00Z".to_string(), 1)
    );
    let (when, jobs) = next_run(&plan, t("2024-07-01T13:44:00Z")).unwrap();
    assert_eq!(
        (when.to_rfc3339(), jobs.len()),
        ("2024-07-01T13:45:00Z".to_string(), 2)
    );
}

proptest! {
    /// A market job's next run is after `after`, on the minute, inside a session, and no
    /// earlier in-session minute was skipped.
    #[test]
    fn market_runs_are_in_sessions_and_none_skipped(secs in 1_577_836_800i64..1_830_297_600) {
        let j = bars("5m");
        let cal = NyseCalendar;
        let after = UnixNanos::from_secs(secs);
        let d = next_due(&j, after);
        prop_assert!(d > after);
        prop_assert_eq!(d.as_i64() % (5 * NANOS_PER_MINUTE), 0);
        let s = cal.session(d.exchange_date()).expect("a trading day");
        prop_assert!(s.open <= d && d <= s.close);
        let prev = d.plus(-5 * NANOS_PER_MINUTE);
        let prev_in_session = cal.session(prev.exchange_date()).is_some_and(|s| s.open <= prev && prev <= s.close);
        prop_assert!(prev <= after || !prev_in_session);
    }
}

fn minutes(from: &str, n: i64) -> Vec<UnixNanos> {
    let start = t(from);
    (0..n).map(|k| start.plus(k * NANOS_PER_MINUTE)).collect()
}

#[test]
fn gaps_in_one_session() {
    let cal = NyseCalendar;
    let (start, end) = (t("2024-07-01T00:00:00Z"), t("2024-07-02T00:00:00Z"));
    let mut stored = minutes("2024-07-01T12:00:00Z", 90); // pre-market, ignored
    stored.extend(minutes("2024-07-01T13:30:00Z", 390));
    stored.retain(|s| !(t("2024-07-01T14:00:00Z") <= *s && *s < t("2024-07-01T14:05:00Z")));
    stored.retain(|s| *s != t("2024-07-01T19:59:00Z"));
    let gaps = missing_bars(&cal, Timeframe::M1, start, end, &stored).unwrap();
    assert_eq!(
        gaps,
        [
            Gap {
                start: t("2024-07-01T14:00:00Z"),
                end: t("2024-07-01T14:05:00Z"),
                bars: 5
            },
            Gap {
                start: t("2024-07-01T19:59:00Z"),
                end: t("2024-07-01T20:00:00Z"),
                bars: 1
            },
        ]
    );
}

#[test]
fn gaps_span_weekends_holidays_and_early_closes() {
    let cal = NyseCalendar;
    // Nothing stored for Wed 2024-07-03 (early close) .. Mon 07-08: one gap, holiday skipped.
    let (start, end) = (t("2024-07-03T00:00:00Z"), t("2024-07-09T00:00:00Z"));
    let gaps = missing_bars(&cal, Timeframe::M1, start, end, &[]).unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].start, t("2024-07-03T13:30:00Z"));
    assert_eq!(gaps[0].end, t("2024-07-08T20:00:00Z"));
    assert_eq!(gaps[0].bars, 210 + 390 + 390);
    // A stored Friday splits it in two.
    let stored = minutes("2024-07-05T13:30:00Z", 390);
    let gaps = missing_bars(&cal, Timeframe::M1, start, end, &stored).unwrap();
    assert_eq!(gaps.iter().map(|g| g.bars).collect::<Vec<_>>(), [210, 390]);
    assert_eq!(
        gaps[0].end,
        t("2024-07-03T17:00:00Z"),
        "early close at 13:00 EDT"
    );
}

#[test]
fn expected_bars_follow_dst_and_clock_hours() {
    let cal = NyseCalendar;
    let e = expected_bars(
        &cal,
        Timeframe::M1,
        t("2024-03-08T00:00:00Z"),
        t("2024-03-12T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(e.len(), 780);
    assert_eq!(e[0], t("2024-03-08T14:30:00Z"));
    assert_eq!(e[390], t("2024-03-11T13:30:00Z"));
    let h = expected_bars(
        &cal,
        Timeframe::H1,
        t("2024-07-01T00:00:00Z"),
        t("2024-07-02T00:00:00Z"),
    )
    .unwrap();
    let hours: Vec<_> = h
        .iter()
        .map(|x| x.to_rfc3339()[11..16].to_string())
        .collect();
    assert_eq!(
        hours,
        [
            "13:00", "14:00", "15:00", "16:00", "17:00", "18:00", "19:00"
        ]
    ); // 09:00..15:00 EDT
    let d = expected_bars(
        &cal,
        Timeframe::D1,
        t("2024-12-23T00:00:00Z"),
        t("2024-12-28T00:00:00Z"),
    )
    .unwrap();
    let days: Vec<_> = d.iter().map(|x| x.to_rfc3339()[..10].to_string()).collect();
    assert_eq!(
        days,
        ["2024-12-23", "2024-12-24", "2024-12-26", "2024-12-27"]
    );
    let stored = [t("2024-12-23T00:00:00Z"), t("2024-12-27T00:00:00Z")];
    let gaps = missing_bars(
        &cal,
        Timeframe::D1,
        t("2024-12-23T00:00:00Z"),
        t("2024-12-28T00:00:00Z"),
        &stored,
    )
    .unwrap();
    assert_eq!(
        gaps,
        [Gap {
            start: t("2024-12-24T00:00:00Z"),
            end: t("2024-12-27T00:00:00Z"),
            bars: 2
        }]
    );
}

#[test]
fn bad_gap_inputs() {
    let cal = NyseCalendar;
    let (a, b) = (t("2024-07-01T00:00:00Z"), t("2024-07-02T00:00:00Z"));
    let err = missing_bars(&cal, Timeframe::M1, a, b, &[b, a]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("stored timestamps are not sorted: [1]"),
        "{err}"
    );
    assert!(matches!(
        missing_bars(&cal, Timeframe::M1, b, a, &[]),
        Err(GapError::Range { .. })
    ));
    let week = Timeframe::parse("1w").unwrap();
    assert!(matches!(
        missing_bars(&cal, week, a, b, &[]),
        Err(GapError::Timeframe(_))
    ));
}

/// LEAN's real SPY minute bars (2013-10-04..11, with pre- and after-hours) cover every
/// regular-session minute.
#[test]
fn no_gaps_in_real_lean_minutes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv"
    );
    let mut rdr = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let stored: Vec<UnixNanos> = rdr.records().map(|r| t(&r.unwrap()[0])).collect();
    let (start, end) = (t("2013-10-04T00:00:00Z"), t("2013-10-12T00:00:00Z"));
    let expected = expected_bars(&NyseCalendar, Timeframe::M1, start, end).unwrap();
    assert_eq!((stored.len(), expected.len()), (4839, 6 * 390));
    assert_eq!(
        missing_bars(&NyseCalendar, Timeframe::M1, start, end, &stored).unwrap(),
        []
    );
}

/// DBB, a thinly traded ETF (real minute bars with many gaps, naive UTC stamps): the gaps
/// found must be exactly the in-session minutes the file lacks, counted independently, and
/// each gap must be a maximal run of them.
#[test]
fn gaps_in_real_sparse_minutes() {
    use std::io::Read;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/intraday/watstreet_DBB_1min_2023-07-10_to_2025-07-08.csv.gz"
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}")),
    )
    .read_to_string(&mut text)
    .unwrap();
    let (start, end) = (t("2023-07-10T00:00:00Z"), t("2023-08-01T00:00:00Z"));
    let stored: Vec<UnixNanos> = text
        .lines()
        .skip(1)
        .map(|l| t(&format!("{}Z", l[..19].replace(' ', "T"))))
        .filter(|s| start <= *s && *s < end)
        .collect();
    let expected = expected_bars(&NyseCalendar, Timeframe::M1, start, end).unwrap();
    let lacking: Vec<UnixNanos> = expected
        .iter()
        .copied()
        .filter(|e| stored.binary_search(e).is_err())
        .collect();
    let gaps = missing_bars(&NyseCalendar, Timeframe::M1, start, end, &stored).unwrap();
    let covered: Vec<UnixNanos> = expected
        .iter()
        .copied()
        .filter(|e| gaps.iter().any(|g| g.start <= *e && *e < g.end))
        .collect();
    assert_eq!(covered, lacking);
    assert_eq!(
        gaps.iter().map(|g| g.bars).sum::<u64>(),
        lacking.len() as u64
    );
    for w in gaps.windows(2) {
        // Between two gaps there is at least one stored expected bar.
        assert!(
            expected
                .iter()
                .any(|e| w[0].end <= *e && *e < w[1].start && stored.binary_search(e).is_ok())
        );
    }
    println!(
        "DBB 2023-07-10..31: {} stored, {} expected, {} missing in {} gaps",
        stored.len(),
        expected.len(),
        lacking.len(),
        gaps.len()
    );
    assert!(
        gaps.len() > 100,
        "DBB is sparse; found only {} gaps",
        gaps.len()
    );
}
