//! The health of each collection job, from `collection_runs` (written by the workers) and,
//! when the plan is given, the schedule: `ztrade collect status`, and later the dashboard.
//!
//! Two lags: `lag_seconds` is the last run's own (how far the newest stored row trailed its
//! due time: a provider that is minutes late shows here); `behind_seconds` needs the plan and
//! compares the schedule with the runs (the run that should have happened by now minus the
//! newest successful one: a stopped worker shows here, a weekend does not).

use domain::UnixNanos;
use serde::Serialize;
use store::{CollectionStore, JobStatus, StoreError};

use crate::runtime::{lag, prev_due};
use crate::schedule::{Job, Plan, next_due};

#[derive(Debug, Serialize)]
pub struct LastRun {
    pub started_at: UnixNanos,
    pub finished_at: UnixNanos,
    pub rows_written: u64,
    pub errors: u64,
}

#[derive(Debug, Serialize)]
pub struct JobHealth {
    pub job: String,
    pub runs: u64,
    pub last_run: Option<LastRun>,
    pub next_run: Option<UnixNanos>,
    pub rows_written_total: u64,
    pub errors_total: u64,
    pub last_success_at: Option<UnixNanos>,
    pub last_error: Option<String>,
    pub last_error_at: Option<UnixNanos>,
    pub lag_seconds: Option<i64>,
    pub behind_seconds: Option<i64>,
}

/// One line per job that has run, plus (with `plan`) the jobs that never ran, with next runs
/// and how far each is behind the schedule at `now`. Ordered by job name.
pub fn job_health(
    store: &dyn CollectionStore,
    plan: Option<&Plan>,
    now: UnixNanos,
) -> Result<Vec<JobHealth>, StoreError> {
    let mut rows: Vec<JobHealth> = store
        .collection_status()?
        .into_iter()
        .map(from_status)
        .collect();
    if let Some(plan) = plan {
        for job in &plan.jobs {
            let i = match rows.iter().position(|r| r.job == job.name) {
                Some(i) => i,
                None => {
                    rows.push(never_ran(&job.name));
                    rows.len() - 1
                }
            };
            let h = &mut rows[i];
            h.next_run = Some(next_due(job, now));
            h.behind_seconds = behind(store, job, now)?;
        }
        rows.sort_by(|a, b| a.job.cmp(&b.job));
    }
    Ok(rows)
}

fn from_status(s: JobStatus) -> JobHealth {
    JobHealth {
        last_run: Some(LastRun {
            started_at: s.last_started_at,
            finished_at: s.last_finished_at,
            rows_written: s.last_rows_written,
            errors: s.last_errors,
        }),
        job: s.job,
        runs: s.runs,
        next_run: s.next_run,
        rows_written_total: s.total_rows_written,
        errors_total: s.total_errors,
        last_success_at: s.last_success_at,
        last_error: s.last_error,
        last_error_at: s.last_error_at,
        lag_seconds: s.lag_seconds,
        behind_seconds: None,
    }
}

fn never_ran(job: &str) -> JobHealth {
    JobHealth {
        job: job.to_string(),
        runs: 0,
        last_run: None,
        next_run: None,
        rows_written_total: 0,
        errors_total: 0,
        last_success_at: None,
        last_error: None,
        last_error_at: None,
        lag_seconds: None,
        behind_seconds: None,
    }
}

/// Seconds from the newest successful run's due time to the run that should have happened by
/// `now`. A run's due time is the slot before the `next_run` it recorded.
fn behind(
    store: &dyn CollectionStore,
    job: &Job,
    now: UnixNanos,
) -> Result<Option<i64>, StoreError> {
    let runs = store.collection_runs(Some(&job.name), Some(200))?;
    let last_ok_due = runs
        .iter()
        .filter(|r| r.run.errors == 0)
        .filter_map(|r| r.run.next_run)
        .filter_map(|next| prev_due(job, next.plus(-1)))
        .max();
    Ok(lag(job, now, last_ok_due).map(|n| n / 1_000_000_000))
}
