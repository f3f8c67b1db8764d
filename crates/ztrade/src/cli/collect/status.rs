//! `collect status`: the health of each job (`collector::health`), as a table or JSON.

use std::path::PathBuf;

use clap::Args;
use collector::schedule::load_plan;
use domain::UnixNanos;

use super::ClockArgs;
use crate::cli::{GlobalArgs, Open};
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

pub fn run(args: StatusArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let plan = args.config.as_deref().map(load_plan).transpose()?;
    let store = g.open(Open::Ready)?;
    let now = args.clock.clock().now();
    let rows = collector::health::job_health(store.as_ref(), plan.as_ref(), now)?;
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
