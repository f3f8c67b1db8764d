//! The apalis worker around a [`JobRunner`], and the run record.
//!
//! Each delivered [`JobSpec`] is run, then recorded as a `collection_runs` row (rows written,
//! errors, lag, next run). A run that fails is recorded with its error and acknowledged: the
//! next run's lookback and the gap check cover what it missed, so retrying it would only add
//! load. Only a failure to *record* makes the handler fail, and then apalis redelivers the run.
//!
//! The queue is apalis's: on Redis a worker heartbeats, holds its runs in an in-flight set, and
//! when it dies the other workers' heartbeats put its runs back on the queue after
//! `heartbeat × missed_heartbeats` (at-least-once delivery); the embedded mode uses apalis's
//! in-memory queue with the same handler.
//!
//! A run that succeeds and carries follow-ups ([`JobSpec::then`]: a bars run's roll-up, then its
//! retention) queues the next one on the queue it came from, after its record: on Redis under
//! its own deterministic id (so a redelivered run queues nothing twice), in the embedded mode on
//! the in-memory queue, counted in [`WorkerStats::queued`] so a draining runtime waits for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use apalis::prelude::{
    BackendExt, BoxDynError, Data, MemoryStorage, WorkerBuilder, WorkerBuilderExt,
};
use async_trait::async_trait;
use store::{CollectionRun, StoreError};
use tokio::sync::Notify;
use tracing::Instrument;

use crate::queue::{JobSpec, MemoryQueue, QueueError, RedisQueue};
use crate::runtime::{Clock, JobSink, Shutdown};
use crate::worker::{JobRunner, StoreHandle};

/// Where a finished run queues its follow-up: the queue it came from.
#[async_trait]
pub trait FollowUps: Send + Sync + 'static {
    /// Queues `run`; false if the queue already held it.
    async fn queue(&self, run: JobSpec) -> Result<bool, QueueError>;
}

#[async_trait]
impl<Q: JobSink + Clone + Sync + 'static> FollowUps for Q {
    async fn queue(&self, run: JobSpec) -> Result<bool, QueueError> {
        Ok(self.clone().enqueue(vec![run]).await? > 0)
    }
}

/// Where finished runs are written.
#[async_trait]
pub trait RunRecorder: Send + Sync + 'static {
    async fn record(&self, run: CollectionRun) -> Result<(), StoreError>;
}

/// Records runs in the store's `collection_runs`.
pub struct StoreRecorder(pub StoreHandle);

#[async_trait]
impl RunRecorder for StoreRecorder {
    async fn record(&self, run: CollectionRun) -> Result<(), StoreError> {
        self.0
            .call(move |st| st.record_collection_run(&run))
            .await?;
        Ok(())
    }
}

/// Counts of finished runs, shared with whoever waits for a queue to drain.
#[derive(Debug, Default)]
pub struct WorkerStats {
    pub ok: AtomicU64,
    pub failed: AtomicU64,
    /// Follow-up runs this worker queued (each before its parent run counts as finished).
    pub queued: AtomicU64,
    changed: Notify,
}

impl WorkerStats {
    pub fn finished(&self) -> u64 {
        self.ok.load(Ordering::SeqCst) + self.failed.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` runs have finished.
    pub async fn wait_for(&self, n: u64) {
        self.wait_until(|s| s.finished() >= n).await
    }

    /// Waits until `n` queued runs and every follow-up they queued have finished.
    pub async fn wait_drained(&self, n: u64) {
        self.wait_until(|s| s.finished() >= n + s.queued.load(Ordering::SeqCst))
            .await
    }

    async fn wait_until(&self, done: impl Fn(&Self) -> bool) {
        loop {
            let notified = self.changed.notified();
            if done(self) {
                return;
            }
            notified.await;
        }
    }
}

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Unique per process (it names the worker's in-flight set in Redis).
    pub name: String,
    /// Runs in progress at once in this process.
    pub concurrency: usize,
    /// How often an idle worker looks for runs.
    pub poll: Duration,
}

struct Ctx {
    runner: Arc<dyn JobRunner>,
    recorder: Arc<dyn RunRecorder>,
    follow: Arc<dyn FollowUps>,
    clock: Clock,
    stats: Arc<WorkerStats>,
}

/// Runs one delivered job and records it.
async fn handle(spec: JobSpec, ctx: Data<Arc<Ctx>>) -> Result<(), BoxDynError> {
    let started = ctx.clock.now();
    let span = tracing::info_span!("run", job = %spec.job, due = %spec.due);
    let result = ctx.runner.run(&spec).instrument(span).await;
    let finished = ctx.clock.now();
    let mut run = CollectionRun {
        job: spec.job.clone(),
        started_at: started,
        finished_at: finished.max(started),
        rows_written: 0,
        errors: 0,
        last_error: None,
        lag_seconds: None,
        next_run: Some(spec.next_due),
    };
    let ok = match &result {
        Ok(r) => {
            run.rows_written = r.rows_written;
            run.errors = r.errors.len() as u64;
            run.last_error = r.errors.last().cloned();
            run.lag_seconds = r.lag_seconds;
            tracing::info!(
                job = %spec.job, due = %spec.due, rows = r.rows_written, unchanged = r.rows_unchanged,
                requests = r.requests, gap_bars = r.gap_bars, gap_bars_left = r.gap_bars_left,
                out_of_range = r.out_of_range, scan_runs = r.scan_runs,
                errors = r.errors.len(), lag_s = ?r.lag_seconds, "run finished"
            );
            true
        }
        Err(e) => {
            run.errors = 1;
            run.last_error = Some(e.to_string());
            tracing::warn!(job = %spec.job, due = %spec.due, "run failed: {e}");
            false
        }
    };
    ctx.recorder.record(run).await.map_err(|e| {
        tracing::error!(job = %spec.job, due = %spec.due, "cannot record the run: {e}");
        Box::new(e) as BoxDynError
    })?;
    if ok && let Some(next) = spec.follow_up() {
        let id = next.id();
        match ctx.follow.queue(next).await {
            Ok(true) => {
                ctx.stats.queued.fetch_add(1, Ordering::SeqCst);
                tracing::info!(job = %spec.job, next = %id, "queued the follow-up");
            }
            Ok(false) => {}
            // The next run of the job queues it again; roll-ups and retention catch up.
            Err(e) => {
                tracing::warn!(job = %spec.job, next = %id, "cannot queue the follow-up: {e}")
            }
        }
    }
    let counter = if ok { &ctx.stats.ok } else { &ctx.stats.failed };
    counter.fetch_add(1, Ordering::SeqCst);
    ctx.stats.changed.notify_waiters();
    Ok(())
}

fn ctx(
    runner: Arc<dyn JobRunner>,
    recorder: Arc<dyn RunRecorder>,
    follow: Arc<dyn FollowUps>,
    clock: Clock,
    stats: Arc<WorkerStats>,
) -> Arc<Ctx> {
    Arc::new(Ctx {
        runner,
        recorder,
        follow,
        clock,
        stats,
    })
}

async fn stopped(shutdown: Shutdown) -> Result<(), std::io::Error> {
    shutdown.wait().await;
    Ok(())
}

/// Takes runs from a Redis queue until `shutdown`; runs in progress then finish and are
/// acknowledged before this returns. Follow-ups go back on the same queue.
pub async fn run_redis_worker(
    queue: &RedisQueue,
    options: &WorkerOptions,
    runner: Arc<dyn JobRunner>,
    recorder: Arc<dyn RunRecorder>,
    clock: Clock,
    stats: Arc<WorkerStats>,
    shutdown: Shutdown,
) -> Result<(), BoxDynError> {
    let storage = queue.storage();
    tracing::info!(worker = %options.name, queue = %storage.get_config().queue.as_ref(), "worker started");
    WorkerBuilder::new(options.name.clone())
        .backend(storage.poll_with_interval(options.poll))
        .catch_panic()
        .concurrency(options.concurrency.max(1))
        .data(ctx(runner, recorder, Arc::new(queue.clone()), clock, stats))
        .build(handle)
        .run_until(stopped(shutdown))
        .await?;
    tracing::info!(worker = %options.name, "worker stopped");
    Ok(())
}

/// The embedded mode's worker: the same handler on apalis's in-process queue, whose sending end
/// `queue` takes the follow-ups.
#[allow(clippy::too_many_arguments)]
pub async fn run_memory_worker(
    storage: MemoryStorage<JobSpec>,
    queue: MemoryQueue,
    options: &WorkerOptions,
    runner: Arc<dyn JobRunner>,
    recorder: Arc<dyn RunRecorder>,
    clock: Clock,
    stats: Arc<WorkerStats>,
    shutdown: Shutdown,
) -> Result<(), BoxDynError> {
    WorkerBuilder::new(options.name.clone())
        .backend(storage)
        .catch_panic()
        .concurrency(options.concurrency.max(1))
        .data(ctx(runner, recorder, Arc::new(queue), clock, stats))
        .build(handle)
        .run_until(stopped(shutdown))
        .await?;
    Ok(())
}
