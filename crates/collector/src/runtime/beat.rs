//! The beat: the loop that puts due runs on a queue (Celery beat's job). It asks the pure
//! [`next_run`] what is due after the last instant it handled, sleeps until then by the
//! [`Clock`], and hands the runs to a [`JobSink`]. It never runs a job itself.
//!
//! On start it also enqueues the runs due in the last `catch_up` (a scheduler restarted a few
//! seconds late still emits the run it missed); the runs' deterministic ids make a repeat of an
//! already enqueued run a no-op in the queue.

use async_trait::async_trait;
use domain::UnixNanos;

use crate::queue::{JobSpec, QueueError};
use crate::runtime::clock::Clock;
use crate::runtime::lag::prev_due;
use crate::runtime::shutdown::Shutdown;
use crate::schedule::{Plan, next_run};

/// Where the beat puts runs: a Redis queue, or the embedded in-process one.
#[async_trait]
pub trait JobSink: Send {
    /// Enqueues `runs`; returns how many were new (a run already enqueued is not added again).
    async fn enqueue(&mut self, runs: Vec<JobSpec>) -> Result<usize, QueueError>;
}

/// When the beat stops on its own (besides a shutdown signal).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StopAt {
    /// Stop before the first run due after this instant (by the runtime clock).
    pub until: Option<UnixNanos>,
    /// Stop after this many runs have been enqueued.
    pub max_runs: Option<u64>,
}

/// What the beat did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BeatSummary {
    /// Runs handed to the sink.
    pub runs: u64,
    /// Of those, runs the queue did not already hold.
    pub enqueued: u64,
    /// The last due instant handled.
    pub last_due: Option<UnixNanos>,
}

/// The runs due in `(after, until]`, in time then plan order. Pure.
pub fn due_between(plan: &Plan, after: UnixNanos, until: UnixNanos) -> Vec<JobSpec> {
    let mut out = Vec::new();
    let mut t = after;
    while let Some((due, jobs)) = next_run(plan, t) {
        if due > until {
            break;
        }
        out.extend(jobs.into_iter().map(|j| JobSpec::for_run(j, due)));
        t = due;
    }
    out
}

/// For `--once`: each job's latest run at or before `now` (a market-hours job outside market
/// hours gets the last run of the last session). Pure.
pub fn latest_runs(plan: &Plan, now: UnixNanos) -> Vec<JobSpec> {
    plan.jobs
        .iter()
        .filter_map(|j| prev_due(j, now).map(|due| JobSpec::for_run(j, due)))
        .collect()
}

/// Runs the beat until `stop`, or until `shutdown` fires.
pub async fn run_beat(
    plan: &Plan,
    clock: Clock,
    catch_up: i64,
    stop: StopAt,
    sink: &mut dyn JobSink,
    shutdown: &Shutdown,
) -> Result<BeatSummary, QueueError> {
    let start = clock.now();
    let mut summary = BeatSummary::default();
    // `- 1` so that a run due exactly at `start` is included.
    let mut after = start.plus(-catch_up.max(0) - 1);
    tracing::info!(jobs = plan.jobs.len(), start = %start, "beat started");
    while let Some((due, jobs)) = next_run(plan, after) {
        if stop.until.is_some_and(|u| due > u) {
            break;
        }
        tokio::select! {
            _ = clock.sleep_until(due) => {}
            _ = shutdown.wait() => break,
        }
        let runs: Vec<JobSpec> = jobs.into_iter().map(|j| JobSpec::for_run(j, due)).collect();
        let n = runs.len() as u64;
        let ids: Vec<String> = runs.iter().map(JobSpec::id).collect();
        let new = sink.enqueue(runs).await?;
        tracing::info!(due = %due, runs = ?ids, new, "enqueued");
        summary.runs += n;
        summary.enqueued += new as u64;
        summary.last_due = Some(due);
        after = due;
        if stop.max_runs.is_some_and(|m| summary.runs >= m) {
            break;
        }
    }
    tracing::info!(runs = summary.runs, "beat stopped");
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::schedule::{parse_config, resolve};

    fn plan() -> Plan {
        let text = r#"
            symbols = ["SPY"]
            [[jobs]]
            kind = "bars"
            provider = "alpaca"
            [[jobs]]
            kind = "news"
            provider = "alpaca"
        "#;
        let file = Path::new("collect.toml");
        resolve(parse_config(text, file).unwrap(), &[], file).unwrap()
    }

    fn t(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    #[async_trait]
    impl JobSink for Recorder {
        async fn enqueue(&mut self, runs: Vec<JobSpec>) -> Result<usize, QueueError> {
            let mut seen = self.0.lock().unwrap();
            let before = seen.len();
            for r in runs {
                if !seen.contains(&r.id()) {
                    seen.push(r.id());
                }
            }
            Ok(seen.len() - before)
        }
    }

    #[test]
    fn due_between_interleaves_jobs_by_time() {
        // 15:44–15:46 New York on a Wednesday: bars every minute, news at 15:45.
        let runs = due_between(
            &plan(),
            t("2024-01-03T20:44:00Z"),
            t("2024-01-03T20:46:00Z"),
        );
        let ids: Vec<String> = runs.iter().map(JobSpec::id).collect();
        assert_eq!(
            ids,
            [
                "bars-alpaca@2024-01-03T20:45:00Z",
                "news-alpaca@2024-01-03T20:45:00Z",
                "bars-alpaca@2024-01-03T20:46:00Z",
            ]
        );
        // After the close only news runs.
        let late = due_between(
            &plan(),
            t("2024-01-03T21:00:00Z"),
            t("2024-01-03T22:00:00Z"),
        );
        assert!(late.iter().all(|r| r.job == "news-alpaca"), "{late:?}");
        assert_eq!(late.len(), 4);
    }

    #[test]
    fn latest_runs_outside_market_hours_take_the_last_session() {
        // Saturday: the bars job's latest run is Friday's close, news is the last quarter hour.
        let runs = latest_runs(&plan(), t("2024-01-06T15:07:00Z"));
        let ids: Vec<String> = runs.iter().map(JobSpec::id).collect();
        assert_eq!(
            ids,
            [
                "bars-alpaca@2024-01-05T21:00:00Z",
                "news-alpaca@2024-01-06T15:00:00Z"
            ]
        );
    }

    #[tokio::test]
    async fn beat_runs_on_the_clock_and_stops() {
        // 60× speed from 15:58:59.5 New York: the 15:59 and 16:00 runs come within ~2 s.
        let clock = Clock::shifted(t("2024-01-03T20:58:59.5Z"), 60);
        let rec = Recorder::default();
        let mut sink = rec.clone();
        let stop = StopAt {
            until: Some(t("2024-01-03T21:00:30Z")),
            max_runs: None,
        };
        let (_trigger, shutdown) = Shutdown::new();
        let s = run_beat(&plan(), clock, 0, stop, &mut sink, &shutdown)
            .await
            .unwrap();
        let seen = rec.0.lock().unwrap().clone();
        assert_eq!(
            seen,
            [
                "bars-alpaca@2024-01-03T20:59:00Z",
                "bars-alpaca@2024-01-03T21:00:00Z",
                "news-alpaca@2024-01-03T21:00:00Z",
            ]
        );
        assert_eq!((s.runs, s.enqueued), (3, 3));
        assert!(clock.now() >= t("2024-01-03T21:00:00Z"));
    }

    #[tokio::test]
    async fn catch_up_re_emits_recent_runs_without_duplicates() {
        let rec = Recorder::default();
        let (_trigger, shutdown) = Shutdown::new();
        let stop = StopAt {
            until: None,
            max_runs: Some(2),
        };
        // Two "restarts" at the same instant with a 2-minute catch-up: the second adds nothing.
        let mut total_new = 0;
        for _ in 0..2 {
            let clock = Clock::shifted(t("2024-01-03T20:50:30Z"), 1);
            let mut sink = rec.clone();
            let s = run_beat(&plan(), clock, 120_000_000_000, stop, &mut sink, &shutdown)
                .await
                .unwrap();
            assert_eq!(s.runs, 2);
            total_new += s.enqueued;
        }
        assert_eq!(total_new, 2);
        assert_eq!(
            *rec.0.lock().unwrap(),
            [
                "bars-alpaca@2024-01-03T20:49:00Z",
                "bars-alpaca@2024-01-03T20:50:00Z"
            ]
        );
    }

    #[tokio::test]
    async fn shutdown_interrupts_the_wait() {
        // Saturday: nothing is due for the bars job until Monday; news at the quarter hour.
        let clock = Clock::shifted(t("2024-01-06T15:00:01Z"), 1);
        let (trigger, shutdown) = Shutdown::new();
        let mut sink = Recorder::default();
        let started = std::time::Instant::now();
        let task = tokio::spawn(async move {
            run_beat(&plan(), clock, 0, StopAt::default(), &mut sink, &shutdown).await
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        trigger.trigger();
        let s = task.await.unwrap().unwrap();
        assert_eq!(s.runs, 0);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
