//! `collect status`: the health of each job, from `collection_runs` (written by the workers).
//!
//! Two lags: `lag_seconds` is the last run's own (how far the newest stored row trailed its
//! due time: a provider that is minutes late shows here); `behind_seconds` needs `--config` and
//! compares the schedule with the runs (the run that should have happened by now minus the
//! newest successful one: a stopped worker shows here, a weekend does not).

use std::path::PathBuf;

use clap::Args;
use collector::runtime::{lag, prev_due};
use collector::schedule::{Job, load_plan, next_due};
use domain::UnixNanos;
use serde::Serialize;
use store::{JobStatus, Store};

use super::ClockArgs;
use crate::cli::GlobalArgs;
use crate::output;

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The collection config: adds jobs that never ran, next runs from the schedule, and how
    /// far each job is behind it.
    #[arg(long, short, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    clock: ClockArgs,
}

#[derive(Debug, Serialize)]
struct LastRun {
    started_at: UnixNanos,
    finished_at: UnixNanos,
    rows_written: u64,
    errors: u64,
}

#[derive(Debug, Serialize)]
struct JobHealth {
    job: String,
    runs: u64,
    last_run: Option<LastRun>,
    next_run: Option<UnixNanos>,
    rows_written_total: u64,
    errors_total: u64,
    last_success_at: Option<UnixNanos>,
    last_error: Option<String>,
    last_error_at: Option<UnixNanos>,
    lag_seconds: Option<i64>,
    behind_seconds: Option<i64>,
}

pub fn run(args: StatusArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let plan = args.config.as_deref().map(load_plan).transpose()?;
    let store = store::open_ready(&g.db_url())?;
    let now = args.clock.clock().now();
    let mut rows: Vec<JobHealth> = store
        .collection_status()?
        .into_iter()
        .map(from_status)
        .collect();
    if let Some(plan) = &plan {
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
            h.behind_seconds = behind(store.as_ref(), job, now)?;
        }
        rows.sort_by(|a, b| a.job.cmp(&b.job));
    }
    if g.json {
        return output::json(&rows);
    }
    if rows.is_empty() {
        println!("no collection runs recorded yet");
        return Ok(());
    }
    let secs = |s: Option<i64>| s.map_or("-".into(), |s| format!("{s}s"));
    let time = |t: Option<UnixNanos>| t.map_or("-".into(), |t| t.to_rfc3339());
    let table = output::table(
        &[
            "job",
            "runs",
            "last run",
            "rows last/total",
            "errors last/total",
            "lag",
            "behind",
            "next run",
            "last error",
        ],
        rows.iter().map(|h| {
            vec![
                h.job.clone(),
                h.runs.to_string(),
                time(h.last_run.as_ref().map(|r| r.finished_at)),
                format!(
                    "{}/{}",
                    h.last_run.as_ref().map_or(0, |r| r.rows_written),
                    h.rows_written_total
                ),
                format!(
                    "{}/{}",
                    h.last_run.as_ref().map_or(0, |r| r.errors),
                    h.errors_total
                ),
                secs(h.lag_seconds),
                secs(h.behind_seconds),
                time(h.next_run),
                h.last_error.as_deref().map(short).unwrap_or_default(),
            ]
        }),
    );
    println!("{table}");
    Ok(())
}

/// The first 100 characters of an error, for the table (`--json` has it whole).
fn short(e: &str) -> String {
    match e.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &e[..i]),
        None => e.to_string(),
    }
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
fn behind(store: &dyn Store, job: &Job, now: UnixNanos) -> anyhow::Result<Option<i64>> {
    let runs = store.collection_runs(Some(&job.name), Some(200))?;
    let last_ok_due = runs
        .iter()
        .filter(|r| r.run.errors == 0)
        .filter_map(|r| r.run.next_run)
        .filter_map(|next| prev_due(job, next.plus(-1)))
        .max();
    Ok(lag(job, now, last_ok_due).map(|n| n / 1_000_000_000))
}
