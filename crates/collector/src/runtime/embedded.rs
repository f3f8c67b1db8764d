//! `ztrade collect`: the beat and a worker in one process, on apalis's in-memory queue, with
//! nothing else installed (the store is SQLite by default).
//!
//! With a stop condition (`--until`, `--max-runs`, `--once`) it drains: every run the beat
//! queued, and every follow-up those queued, finishes and is recorded before it returns. On Ctrl-C/SIGTERM it stops queueing,
//! lets runs in progress finish, and drops runs not yet started (the next start's catch-up and
//! the gap check cover them).

use std::sync::Arc;

use apalis::prelude::BoxDynError;
use thiserror::Error;

use crate::queue::{QueueError, memory_queue};
use crate::runtime::beat::{BeatSummary, JobSink, StopAt, latest_runs, run_beat};
use crate::runtime::clock::Clock;
use crate::runtime::shutdown::Shutdown;
use crate::schedule::Plan;
use crate::worker::{JobRunner, RunRecorder, WorkerOptions, WorkerStats, run_memory_worker};

#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    pub clock: Clock,
    /// Nanoseconds: runs due this long before the start are queued at once.
    pub catch_up: i64,
    pub stop: StopAt,
    /// Instead of the schedule: each job's latest run at or before now, then stop.
    pub once: bool,
    pub worker: WorkerOptions,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmbeddedSummary {
    pub beat: BeatSummary,
    /// Runs finished (the beat's and their follow-ups).
    pub ok: u64,
    pub failed: u64,
    /// Follow-up runs queued after others (a bars run's roll-up and retention).
    pub follow_ups: u64,
}

#[derive(Debug, Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error("worker: {0}")]
    Worker(BoxDynError),
}

pub async fn run_embedded(
    plan: &Plan,
    runner: Arc<dyn JobRunner>,
    recorder: Arc<dyn RunRecorder>,
    options: EmbeddedOptions,
    shutdown: Shutdown,
) -> Result<EmbeddedSummary, RuntimeError> {
    let (mut queue, storage) = memory_queue();
    let stats = Arc::new(WorkerStats::default());
    // The worker has its own signal: after a stop condition it must outlive the beat until the
    // queue is drained; a shutdown reaches it through the forwarder below.
    let (stop_worker, worker_shutdown) = Shutdown::new();
    // Joined, not spawned: apalis's panic-catching layer makes the worker future not `Send`.
    let worker = run_memory_worker(
        storage,
        queue.clone(),
        &options.worker,
        runner,
        recorder,
        options.clock,
        stats.clone(),
        worker_shutdown,
    );
    let driver = async {
        let forward = {
            let (shutdown, stop_worker) = (shutdown.clone(), stop_worker.clone());
            tokio::spawn(async move {
                shutdown.wait().await;
                stop_worker.trigger();
            })
        };
        let beat = queue_runs(plan, &options, &mut queue, &shutdown).await;
        if let Ok(b) = &beat {
            tokio::select! {
                _ = stats.wait_drained(b.enqueued) => {}
                _ = shutdown.wait() => {}
            }
        }
        stop_worker.trigger();
        forward.abort();
        beat
    };
    let (worker, beat) = tokio::join!(worker, driver);
    let beat = beat?;
    worker.map_err(RuntimeError::Worker)?;
    Ok(EmbeddedSummary {
        beat,
        ok: stats.ok.load(std::sync::atomic::Ordering::SeqCst),
        failed: stats.failed.load(std::sync::atomic::Ordering::SeqCst),
        follow_ups: stats.queued.load(std::sync::atomic::Ordering::SeqCst),
    })
}

/// The beat, or for `--once` each job's latest run.
async fn queue_runs(
    plan: &Plan,
    options: &EmbeddedOptions,
    queue: &mut dyn JobSink,
    shutdown: &Shutdown,
) -> Result<BeatSummary, RuntimeError> {
    if options.once {
        let runs = latest_runs(plan, options.clock.now());
        let n = runs.len() as u64;
        let last_due = runs.iter().map(|r| r.due).max();
        let enqueued = queue.enqueue(runs).await? as u64;
        return Ok(BeatSummary {
            runs: n,
            enqueued,
            last_due,
        });
    }
    Ok(run_beat(
        plan,
        options.clock,
        options.catch_up,
        options.stop,
        queue,
        shutdown,
    )
    .await?)
}
