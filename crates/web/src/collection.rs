//! Collection health: `/collection` shows every job with its last and next run, rows, errors
//! and lag (`collector::health::job_health`, what `collect status` prints), the recent failed
//! runs with their messages, and, when `serve --redis` names the scale-out queue, its depth and
//! its workers. The page reloads itself every [`REFRESH_SECONDS`]. `/api/collection` is the
//! same: `jobs` as `collect status --json`, `recent_failures`, `queue`.

use std::time::Duration;

use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use collector::health::JobHealth;
use collector::queue::redis::redact;
use collector::queue::{RedisQueue, RedisQueueConfig, WorkerSeen};
use domain::UnixNanos;
use maud::html;
use serde::Serialize;
use store::StoredCollectionRun;

use crate::error::{ApiError, WebError};
use crate::page::{Nav, page};
use crate::state::AppState;

pub const REFRESH_SECONDS: u32 = 30;
/// Failed runs listed, newest first, from the newest [`SCANNED_RUNS`] runs.
pub const RECENT_FAILURES: usize = 20;
const SCANNED_RUNS: u64 = 1_000;
/// How long the page waits for Redis before saying it is unreachable.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(3);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/collection", get(collection_page))
        .route("/api/collection", get(collection_api))
}

#[derive(Debug, Serialize)]
pub struct Collection {
    pub jobs: Vec<JobHealth>,
    pub recent_failures: Vec<StoredCollectionRun>,
    /// `None` when the dashboard was not given the scale-out queue.
    pub queue: Option<QueueView>,
}

/// The scale-out queue as Redis tells it.
#[derive(Debug, Serialize)]
pub struct QueueView {
    /// Without its password.
    pub url: String,
    pub queue: String,
    /// Runs waiting for a worker.
    pub pending: Option<u64>,
    pub done: Option<u64>,
    pub workers: Vec<WorkerSeen>,
    /// Why the numbers are missing (Redis unreachable).
    pub error: Option<String>,
}

async fn queue_view(config: &RedisQueueConfig, now: UnixNanos) -> QueueView {
    let ask = async {
        let mut q = RedisQueue::connect(config.clone()).await?;
        let pending = q.pending().await?;
        let done = q.done().await?;
        let workers = q.workers(now).await?;
        Ok::<_, collector::queue::QueueError>((pending, done, workers))
    };
    let (pending, done, workers, error) = match tokio::time::timeout(QUEUE_TIMEOUT, ask).await {
        Ok(Ok((p, d, w))) => (Some(p), Some(d), w, None),
        Ok(Err(e)) => (None, None, Vec::new(), Some(e.to_string())),
        Err(_) => (
            None,
            None,
            Vec::new(),
            Some(format!("no answer within {QUEUE_TIMEOUT:?}")),
        ),
    };
    QueueView {
        url: redact(&config.url),
        queue: config.queue.clone(),
        pending,
        done,
        workers,
        error,
    }
}

async fn load(state: &AppState) -> Result<Collection, WebError> {
    let now = state.now();
    let plan = state.plan();
    let (jobs, recent_failures) = state
        .read(move |s| {
            let jobs = collector::health::job_health(s, plan.as_deref(), now)?;
            let failed = s
                .collection_runs(None, Some(SCANNED_RUNS))?
                .into_iter()
                .filter(|r| r.run.errors > 0)
                .take(RECENT_FAILURES)
                .collect();
            Ok((jobs, failed))
        })
        .await?;
    let queue = match state.redis() {
        Some(c) => Some(queue_view(c, now).await),
        None => None,
    };
    Ok(Collection {
        jobs,
        recent_failures,
        queue,
    })
}

async fn collection_api(State(state): State<AppState>) -> Result<Json<Collection>, ApiError> {
    Ok(Json(load(&state).await?))
}

async fn collection_page(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let c = load(&state).await?;
    let time = |t: Option<UnixNanos>| t.map_or("–".to_string(), |t| t.to_rfc3339());
    let secs = |s: Option<i64>| s.map_or("–".to_string(), |s| format!("{s} s"));
    let body = html! {
        h1 { "Collection" }
        p.sub { "Reloads every " (REFRESH_SECONDS) " s · " a href="/api/collection" { "as JSON" } }
        @if c.jobs.is_empty() {
            p.empty { "no collection runs recorded yet (`ztrade collect --config FILE` records them)" }
        } @else {
            table.list.sortable data-table="jobs" {
                thead { tr {
                    th { "job" } th { "runs" } th { "last run" } th { "next run" } th { "rows last" } th { "rows total" }
                    th { "errors last" } th { "errors total" } th { "lag" } th { "last success" } th { "last error" }
                } }
                tbody {
                    @for h in &c.jobs {
                        tr {
                            td { (h.job) } td.num { (h.runs) }
                            td { (time(h.last_run.as_ref().map(|r| r.finished_at))) } td { (time(h.next_run)) }
                            td.num { (h.last_run.as_ref().map_or(0, |r| r.rows_written)) } td.num { (h.rows_written_total) }
                            td.num.err[h.last_run.as_ref().is_some_and(|r| r.errors > 0)] { (h.last_run.as_ref().map_or(0, |r| r.errors)) }
                            td.num { (h.errors_total) } td.num { (secs(h.lag_seconds)) } td { (time(h.last_success_at)) }
                            td { @if let Some(e) = &h.last_error { span.err { (e) } " (" (time(h.last_error_at)) ")" } }
                        }
                    }
                }
            }
        }
        h2 { "Recent failures" }
        @if c.recent_failures.is_empty() { p.empty { "none among the latest runs" } } @else {
            table.list {
                thead { tr { th { "job" } th { "started" } th { "finished" } th { "rows" } th { "errors" } th { "message" } } }
                tbody {
                    @for r in &c.recent_failures {
                        tr {
                            td { (r.run.job) } td { (r.run.started_at.to_rfc3339()) } td { (r.run.finished_at.to_rfc3339()) }
                            td.num { (r.run.rows_written) } td.num { (r.run.errors) }
                            td.err { (r.run.last_error.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
        h2 { "Scale-out queue" }
        @match &c.queue {
            None => p.empty { "Not shown: start `ztrade serve --redis URL` to see the Redis queue's depth and workers. This page shows what the store records." },
            Some(q) => {
                p { "Redis " code { (q.url) } ", queue " code { (q.queue) } }
                @if let Some(e) = &q.error { p.err { "unreachable: " (e) } } @else {
                    dl.header {
                        dt { "waiting" } dd { (q.pending.unwrap_or(0)) " runs" }
                        dt { "done (kept)" } dd { (q.done.unwrap_or(0)) " runs" }
                        dt { "live workers" } dd { (q.workers.iter().filter(|w| w.live).count()) }
                    }
                    @if !q.workers.is_empty() {
                        table.list {
                            thead { tr { th { "worker" } th { "last heartbeat" } th { "state" } } }
                            tbody { @for w in &q.workers { tr {
                                td { (w.name) } td { (w.last_heartbeat.to_rfc3339()) }
                                td { @if w.live { span.ok { "live" } } @else { span.err { "silent" } } }
                            } } }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        "Collection",
        Nav::Collection,
        Some(REFRESH_SECONDS),
        body,
    ))
}
