//! `next_due` around weekends, holidays, early closes and DST changes. (Gap detection is the
//! expected-bar grid's now; its tests are in `domain::grid`.)

use std::path::PathBuf;

use domain::calendar::NyseCalendar;
use domain::time::NANOS_PER_MINUTE;
use domain::{Symbol, Timeframe, UnixNanos};
use proptest::prelude::*;

use crate::schedule::*;
use domain::Provider;

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn job(every: &str, hours: Hours, task: Task) -> Job {
    Job {
        name: "j".into(),
        provider: Some(Provider::Alpaca),
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
            after: Default::default(),
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
    let o = job("3h", Hours::Market, Task::Options(OptionsRun::default()));
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
        retention: None,
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
