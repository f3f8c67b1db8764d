//! The calendars of [`Calendar`]: names, the fx week's edges around both New York DST changes,
//! crypto's UTC days, and properties over random instants (a session holds its instants, fx
//! sessions last 24 hours back to back, `nyse` is [`NyseCalendar`]).

use chrono::{Datelike, NaiveDate, Timelike, Weekday};
use proptest::prelude::*;

use super::{Calendar, NyseCalendar};
use crate::time::{NANOS_PER_DAY, NANOS_PER_HOUR, NEW_YORK, UnixNanos};

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn names_parse_and_print_back() {
    for (c, name) in Calendar::ALL.into_iter().zip(Calendar::NAMES) {
        assert_eq!(c.as_str(), name);
        assert_eq!(c.as_str().parse::<Calendar>().unwrap(), c);
        assert_eq!(c.to_string(), c.as_str());
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Calendar>(&json).unwrap(), c);
    }
    assert_eq!(" FX ".parse::<Calendar>().unwrap(), Calendar::Fx);
    let e = "lse".parse::<Calendar>().unwrap_err();
    assert_eq!(e.field, "calendar");
    assert!(e.to_string().contains("nyse, fx, crypto or none"), "{e}");
    assert_eq!(Calendar::default(), Calendar::Nyse);
}

/// (session date, open, close) in UTC: the fx week around the spring-forward Sunday
/// (2024-03-10, 02:00 New York) and the fall-back one (2024-11-03).
#[test]
fn fx_weeks_open_sunday_17_00_and_close_friday_17_00_new_york_across_dst() {
    let table = [
        // Thursday 17:00 EST to Friday 17:00 EST, the last session before the change.
        ("2024-03-08", "2024-03-07T22:00:00Z", "2024-03-08T22:00:00Z"),
        // Sunday 17:00 EDT (the change was at 02:00 that morning) to Monday 17:00 EDT.
        ("2024-03-11", "2024-03-10T21:00:00Z", "2024-03-11T21:00:00Z"),
        ("2024-03-15", "2024-03-14T21:00:00Z", "2024-03-15T21:00:00Z"),
        // The fall-back week: Friday closes in EDT, Monday opens on Sunday in EST.
        ("2024-11-01", "2024-10-31T21:00:00Z", "2024-11-01T21:00:00Z"),
        ("2024-11-04", "2024-11-03T22:00:00Z", "2024-11-04T22:00:00Z"),
    ];
    for (date, open, close) in table {
        let s = Calendar::Fx.session(d(date)).unwrap();
        assert_eq!((s.open, s.close), (t(open), t(close)), "{date}");
        assert_eq!(s.date, d(date));
        assert!(!s.early_close);
    }
    for weekend in ["2024-03-09", "2024-03-10", "2024-11-02", "2024-11-03"] {
        assert_eq!(Calendar::Fx.session(d(weekend)), None, "{weekend}");
    }
    // The weekend between: 48 hours closed before spring forward shortens it by one.
    let fri = Calendar::Fx.session(d("2024-03-08")).unwrap().close;
    let mon = Calendar::Fx.session(d("2024-03-11")).unwrap().open;
    assert_eq!(mon.as_i64() - fri.as_i64(), 47 * NANOS_PER_HOUR);
    // Five sessions a week, 120 hours.
    let week = Calendar::Fx.sessions(d("2024-03-10"), d("2024-03-16"));
    assert_eq!(week.len(), 5);
    let hours: i64 = week
        .iter()
        .map(|s| s.close.as_i64() - s.open.as_i64())
        .sum();
    assert_eq!(hours, 120 * NANOS_PER_HOUR);
}

#[test]
fn fx_instants_at_the_week_edges() {
    let at = |s: &str| Calendar::Fx.session_at(t(s)).map(|s| s.date);
    assert_eq!(at("2024-03-10T20:59:59Z"), None); // Sunday 16:59:59 EDT
    assert_eq!(at("2024-03-10T21:00:00Z"), Some(d("2024-03-11")));
    assert_eq!(at("2024-03-15T20:59:59Z"), Some(d("2024-03-15")));
    assert_eq!(at("2024-03-15T21:00:00Z"), None); // Friday 17:00 EDT
    assert_eq!(at("2024-03-16T12:00:00Z"), None); // Saturday
    // The day rolls at 17:00 New York, whatever the offset.
    let date = |s: &str| Calendar::Fx.trading_date(t(s));
    assert_eq!(date("2024-03-07T21:59:59Z"), d("2024-03-07"));
    assert_eq!(date("2024-03-07T22:00:00Z"), d("2024-03-08"));
    assert_eq!(date("2024-07-01T20:59:59Z"), d("2024-07-01"));
    assert_eq!(date("2024-07-01T21:00:00Z"), d("2024-07-02"));
    assert_eq!(
        Calendar::Fx.day_bounds(d("2024-03-11")).unwrap(),
        (t("2024-03-10T21:00:00Z"), t("2024-03-11T21:00:00Z"))
    );
}

#[test]
fn crypto_days_are_utc_days_every_day_and_none_has_no_session() {
    for date in ["2024-03-09", "2024-03-10", "2024-12-25"] {
        let s = Calendar::Crypto.session(d(date)).unwrap();
        let midnight = UnixNanos::from_date(d(date));
        assert_eq!((s.open, s.close), (midnight, midnight.plus(NANOS_PER_DAY)));
        assert_eq!(Calendar::None.session(d(date)), None);
    }
    assert_eq!(
        Calendar::Crypto.trading_date(t("2024-03-09T23:59:59Z")),
        d("2024-03-09")
    );
    assert_eq!(
        Calendar::None.trading_date(t("2024-03-10T00:00:00Z")),
        d("2024-03-10")
    );
    assert!(!Calendar::None.has_sessions());
    assert!(Calendar::ALL[..3].iter().all(|c| c.has_sessions()));
}

/// Any instant and any date can be asked about: what the timestamps cannot hold is absent.
#[test]
fn every_calendar_is_total_at_the_edges_of_the_range() {
    for c in Calendar::ALL {
        for at in [UnixNanos::MIN, UnixNanos::MAX, UnixNanos::new(0)] {
            let _ = c.session_at(at);
            let _ = c.day_bounds(c.trading_date(at));
        }
        assert_eq!(c.session(NaiveDate::MAX), None, "{c}");
        assert_eq!(c.session(NaiveDate::MIN), None, "{c}");
        assert_eq!(c.session(d("1677-09-20")), None, "{c}");
    }
    assert!(Calendar::Crypto.session(d("2262-04-10")).is_some());
    assert_eq!(Calendar::Crypto.session(d("2262-04-11")), None);
}

/// Whether the fx market is open at a New York wall-clock time: Sunday from 17:00 to Friday
/// before 17:00.
fn fx_open_at(t: UnixNanos) -> bool {
    let local = t.to_datetime().with_timezone(&NEW_YORK);
    match local.weekday() {
        Weekday::Sat => false,
        Weekday::Sun => local.hour() >= 17,
        Weekday::Fri => local.hour() < 17,
        _ => true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// 1990..2100: a session holds the instants it says it does, on the trading date of each;
    /// the trading day's bounds hold the instant too.
    #[test]
    fn sessions_hold_their_instants(secs in 631_152_000i64..4_102_444_800) {
        let at = UnixNanos::from_secs(secs);
        for c in Calendar::ALL {
            let date = c.trading_date(at);
            let (lo, hi) = c.day_bounds(date).unwrap();
            prop_assert!(lo <= at && at < hi, "{} {}", c, at);
            if let Some(s) = c.session_at(at) {
                prop_assert!(s.contains(at));
                prop_assert_eq!(s.date, date);
            }
        }
        prop_assert_eq!(Calendar::Fx.session_at(at).is_some(), fx_open_at(at), "{}", at);
        prop_assert!(Calendar::Crypto.session_at(at).is_some());
        prop_assert!(Calendar::None.session_at(at).is_none());
        prop_assert_eq!(
            Calendar::Nyse.session_at(at),
            NyseCalendar.session_at(at)
        );
    }

    /// Every fx session lasts 24 hours and opens where the one before it closed, Tuesday to
    /// Friday; Monday's opens 48 hours after Friday's close, less an hour in spring and plus
    /// one in autumn.
    #[test]
    fn fx_sessions_are_24_hours_back_to_back(days in 7_305i64..47_482) {
        let date = NaiveDate::from_num_days_from_ce_opt(719_163 + days as i32).unwrap();
        let Some(s) = Calendar::Fx.session(date) else {
            prop_assert!(matches!(date.weekday(), Weekday::Sat | Weekday::Sun));
            return Ok(());
        };
        prop_assert_eq!(s.close.as_i64() - s.open.as_i64(), 24 * NANOS_PER_HOUR);
        let back = if date.weekday() == Weekday::Mon { 3 } else { 1 };
        let before = Calendar::Fx.session(date - chrono::Days::new(back)).unwrap();
        let closed = s.open.as_i64() - before.close.as_i64();
        if back == 1 {
            prop_assert_eq!(closed, 0);
        } else {
            prop_assert!([47, 48, 49].map(|h| h * NANOS_PER_HOUR).contains(&closed));
        }
    }
}
