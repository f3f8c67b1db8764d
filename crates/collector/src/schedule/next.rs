//! When a job runs next. Pure: the caller passes the time, nothing here reads a clock.
//!
//! Runs fall on wall-clock multiples of the job's interval in New York: 09:30, 09:45, 10:00… for
//! 15 minutes. Intervals that divide an hour are counted from the Unix epoch, which lands on the
//! same minutes in New York (its offsets are whole hours) and keeps a steady beat through the
//! repeated hour in November; longer ones (2h, 3h…) count from local midnight, skipping times
//! that DST removes. Market-hours jobs run only inside a session, `open ≤ t ≤ close`: the run
//! at the close collects the last bar.

use chrono::NaiveTime;
use domain::UnixNanos;
use domain::calendar::NyseCalendar;
use domain::time::{NANOS_PER_HOUR, NEW_YORK};

use crate::schedule::plan::{Hours, Job, Plan, Task};

/// The first run of `job` strictly after `after`.
pub fn next_due(job: &Job, after: UnixNanos) -> UnixNanos {
    let every = job.every.nanos().expect("plan intervals have a length");
    let cal = NyseCalendar;
    let mut t = after;
    loop {
        let cand = next_slot(every, t);
        if job.hours == Hours::Always {
            return cand;
        }
        if let Some(s) = cal.session(cand.exchange_date())
            && s.open <= cand
            && cand <= s.close
        {
            return cand;
        }
        // Jump to just before the next open; the plan's 3h cap guarantees a slot in every session.
        // No session is left only at the end of the timestamps' range (2262): never due.
        let Some(open) = cal.next_open(cand) else {
            return UnixNanos::MAX;
        };
        t = open.open.plus(-1);
    }
}

/// The window a bars run at `due` fetches: `[due − lookback, due)`. `None` for other tasks.
pub fn bars_window(job: &Job, due: UnixNanos) -> Option<(UnixNanos, UnixNanos)> {
    match job.task {
        Task::Bars { lookback, .. } => Some((due.plus(-lookback.nanos()?), due)),
        _ => None,
    }
}

/// The earliest next run over all jobs of `plan` after `after`, with the jobs due then, in
/// plan order. `None` for a plan without jobs.
pub fn next_run(plan: &Plan, after: UnixNanos) -> Option<(UnixNanos, Vec<&Job>)> {
    let dues: Vec<(UnixNanos, &Job)> = plan.jobs.iter().map(|j| (next_due(j, after), j)).collect();
    let first = dues.iter().map(|(t, _)| *t).min()?;
    Some((
        first,
        dues.into_iter()
            .filter(|(t, _)| *t == first)
            .map(|(_, j)| j)
            .collect(),
    ))
}

/// The first multiple of `every` (wall clock, New York) strictly after `t`.
fn next_slot(every: i64, t: UnixNanos) -> UnixNanos {
    if NANOS_PER_HOUR % every == 0 {
        return UnixNanos::new((t.as_i64().div_euclid(every) + 1) * every);
    }
    let per_day = domain::time::NANOS_PER_DAY / every;
    let mut day = t.exchange_date();
    loop {
        for k in 0..per_day {
            let secs = (k * every / 1_000_000_000) as u32;
            let time =
                NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).expect("within a day");
            // A time skipped by spring-forward has no slot that day.
            if let Ok(slot) = UnixNanos::from_local(day.and_time(time), NEW_YORK)
                && slot > t
            {
                return slot;
            }
        }
        day = day.succ_opt().expect("date in range");
    }
}
