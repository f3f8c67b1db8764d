//! How far a job is behind. Pure: the caller passes the time.
//!
//! A job's lag is measured against its own schedule, not the wall clock: the latest run that
//! should have happened by now ([`prev_due`]) minus the latest run that succeeded. A bars job
//! that collected Friday's close reads 0 all weekend; one whose last success is 10:00 while
//! it is 10:05 reads 5 minutes.

use domain::UnixNanos;
use domain::time::NANOS_PER_DAY;

use crate::schedule::{Job, next_due};

/// The latest run of `job` at or before `now`; `None` only if none exists in the last 32 days.
pub fn prev_due(job: &Job, now: UnixNanos) -> Option<UnixNanos> {
    let every = job.every.nanos()?;
    // Try a short look back first (during a session the answer is within one interval), then
    // wider ones for nights, weekends and holidays.
    for back in [every, NANOS_PER_DAY, 4 * NANOS_PER_DAY, 32 * NANOS_PER_DAY] {
        let mut t = next_due(job, now.plus(-back - 1));
        if t > now {
            continue;
        }
        loop {
            let n = next_due(job, t);
            if n > now {
                return Some(t);
            }
            t = n;
        }
    }
    None
}

/// Nanoseconds between the run that should have happened by `now` and the last successful
/// one; 0 when caught up, `None` when the job never succeeded.
pub fn lag(job: &Job, now: UnixNanos, last_ok_due: Option<UnixNanos>) -> Option<i64> {
    let ok = last_ok_due?;
    let expected = prev_due(job, now)?;
    Some((expected.as_i64() - ok.as_i64()).max(0))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::schedule::{parse_config, resolve};

    fn jobs() -> Vec<Job> {
        let text = r#"
            symbols = ["SPY"]
            [[jobs]]
            kind = "bars"
            provider = "alpaca"
            [[jobs]]
            kind = "news"
            provider = "alpaca"
            [[jobs]]
            kind = "options"
            provider = "alpaca"
            every = "2h"
        "#;
        let file = Path::new("collect.toml");
        resolve(parse_config(text, file).unwrap(), &[], file)
            .unwrap()
            .jobs
    }

    fn t(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn prev_due_in_and_out_of_sessions() {
        let j = jobs();
        let p = |i: usize, s: &str| prev_due(&j[i], t(s)).unwrap().to_rfc3339();
        // In a session: the current minute, inclusive.
        assert_eq!(p(0, "2024-01-03T15:00:00Z"), "2024-01-03T15:00:00Z");
        assert_eq!(p(0, "2024-01-03T15:00:59Z"), "2024-01-03T15:00:00Z");
        // Before Wednesday's open: Tuesday's close. Saturday: Friday's close.
        assert_eq!(p(0, "2024-01-03T14:00:00Z"), "2024-01-02T21:00:00Z");
        assert_eq!(p(0, "2024-01-06T12:00:00Z"), "2024-01-05T21:00:00Z");
        // After New Year's Day (a Monday holiday): the previous Friday's close.
        assert_eq!(p(0, "2024-01-02T14:00:00Z"), "2023-12-29T21:00:00Z");
        // News runs around the clock.
        assert_eq!(p(1, "2024-01-06T12:14:00Z"), "2024-01-06T12:00:00Z");
        // A 2h market job counts from local midnight: 10:00, 12:00, 14:00 New York.
        assert_eq!(p(2, "2024-01-03T20:30:00Z"), "2024-01-03T19:00:00Z");
    }

    #[test]
    fn lag_is_measured_against_the_schedule() {
        let j = &jobs()[0];
        let sat = t("2024-01-06T12:00:00Z");
        assert_eq!(lag(j, sat, Some(t("2024-01-05T21:00:00Z"))), Some(0));
        assert_eq!(
            lag(
                j,
                t("2024-01-03T15:05:10Z"),
                Some(t("2024-01-03T15:00:00Z"))
            ),
            Some(5 * 60_000_000_000)
        );
        assert_eq!(lag(j, sat, None), None);
    }

    proptest! {
        /// prev_due is a run, at or before now, and the next run is after now.
        #[test]
        fn prev_due_brackets_now(secs in 1_700_000_000i64..1_800_000_000) {
            let now = UnixNanos::from_secs(secs);
            for j in jobs() {
                let p = prev_due(&j, now).unwrap();
                prop_assert!(p <= now);
                prop_assert!(next_due(&j, p) > now);
                prop_assert_eq!(next_due(&j, p.plus(-1)), p);
            }
        }
    }
}
