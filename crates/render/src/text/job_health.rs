//! `collect status`: one row per job.

use collector::health::JobHealth;
use domain::UnixNanos;

use crate::{Text, table};

/// Per job: runs, the last run, rows and errors (last/total), lag, how far behind the schedule,
/// the next run and the last error (cut to 100 characters; `--json` has it whole).
pub fn job_health(t: &mut Text, rows: &[JobHealth]) {
    if rows.is_empty() {
        t.line("no collection runs recorded yet");
        return;
    }
    let secs = |s: Option<i64>| s.map_or("-".into(), |s| format!("{s}s"));
    let time = |at: Option<UnixNanos>| at.map_or("-".into(), |at| at.to_rfc3339());
    let table = table(
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
    t.line(table.to_string());
}

/// The first 100 characters of an error, for the table (`--json` has it whole).
fn short(e: &str) -> String {
    match e.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &e[..i]),
        None => e.to_string(),
    }
}
