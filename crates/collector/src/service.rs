//! The three ways to run collection, each a blocking call that starts the async runtime, opens
//! what it needs, stops on Ctrl-C/SIGTERM (runs in progress finish first) and returns what it
//! did: [`embedded`] (`ztrade collect`: beat and worker in one process), [`scheduler`] (the
//! scale-out beat onto Redis) and [`worker`] (a scale-out worker from Redis into the store).
//! The caller (the binary) parses flags, builds the provider clients and renders the report;
//! `announce` gets one line for the user once the service is up. [`backfill`]: `data backfill`
//! as one blocking call.

pub mod backfill;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use domain::UnixNanos;
use serde::Serialize;

use crate::queue::{RedisQueue, RedisQueueConfig};
use crate::runtime::{Clock, EmbeddedOptions, Shutdown, StopAt, run_beat, run_embedded};
use crate::schedule::Plan;
use crate::worker::{
    Clients, CollectOptions, CollectRunner, StoreHandle, StoreRecorder, WorkerOptions, WorkerStats,
    run_redis_worker,
};

pub type ServiceError = Box<dyn std::error::Error + Send + Sync>;

/// How runs are executed: the provider clients, the gap-check window, parallel runs, the clock.
pub struct Runner {
    pub clients: Clients,
    pub gap_window: i64,
    pub concurrency: usize,
    pub clock: Clock,
}

impl Runner {
    /// The clients of every provider whose keys `lookup` finds (the environment, then the
    /// vault), with the gap-check window, parallel runs and the clock.
    pub fn from_lookup(
        lookup: &dyn Fn(&str) -> Option<String>,
        gap_window: i64,
        concurrency: usize,
        clock: Clock,
    ) -> Result<Runner, ServiceError> {
        Ok(Runner {
            clients: Clients::from_lookup(lookup)?,
            gap_window,
            concurrency,
            clock,
        })
    }

    fn options(&self, name: String) -> WorkerOptions {
        WorkerOptions {
            name,
            concurrency: self.concurrency,
            poll: Duration::from_millis(200),
        }
    }

    fn collect(self, store: StoreHandle) -> Arc<CollectRunner> {
        let options = CollectOptions {
            gap_window: self.gap_window,
            clock: self.clock,
        };
        Arc::new(CollectRunner::new(self.clients, store, options))
    }
}

/// When the beat starts and stops: runs due up to `catch_up` nanoseconds ago are run first.
#[derive(Debug, Clone)]
pub struct Window {
    pub catch_up: i64,
    pub stop: StopAt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EmbeddedReport {
    pub runs: u64,
    pub ok: u64,
    pub failed: u64,
    /// Runs queued after others (a bars run's roll-up, validation and retention).
    pub follow_ups: u64,
    pub last_due: Option<UnixNanos>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SchedulerReport {
    pub runs: u64,
    pub enqueued: u64,
    pub last_due: Option<UnixNanos>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerReport {
    pub worker: String,
    pub ok: u64,
    pub failed: u64,
}

fn runtime() -> Result<tokio::runtime::Runtime, ServiceError> {
    crate::runtime::start().map_err(|e| format!("cannot start the async runtime: {e}").into())
}

/// Beat and worker in one process on the in-memory queue, into the store at `db_url`; `once`
/// runs each job's latest due run and stops. Jobs whose provider has no keys are warned about
/// (through `announce`) and will fail.
pub fn embedded(
    plan: &Plan,
    db_url: &str,
    runner: Runner,
    window: Window,
    once: bool,
    announce: &mut dyn FnMut(String),
) -> Result<EmbeddedReport, ServiceError> {
    for job in &plan.jobs {
        if let Some(Err(e)) = job.provider.map(|p| runner.clients.get(p)) {
            tracing::warn!(job = %job.name, "{e}");
            announce(format!("warning: job {}: {e}", job.name));
        }
    }
    runtime()?.block_on(async {
        let store = StoreHandle::open(db_url).await?;
        let (clock, worker) = (
            runner.clock,
            runner.options(format!("embedded-{}", std::process::id())),
        );
        let collect = runner.collect(store.clone());
        let (trigger, shutdown) = Shutdown::new();
        trigger.on_signals();
        announce(format!(
            "collecting {} jobs for {} symbols into {} (Ctrl-C to stop)",
            plan.jobs.len(),
            plan.symbols.len(),
            store.location()
        ));
        let options = EmbeddedOptions {
            clock,
            catch_up: window.catch_up,
            stop: window.stop,
            once,
            worker,
        };
        let recorder = Arc::new(StoreRecorder(store));
        let s = run_embedded(plan, collect, recorder, options, shutdown).await?;
        Ok(EmbeddedReport {
            runs: s.beat.runs,
            ok: s.ok,
            failed: s.failed,
            follow_ups: s.follow_ups,
            last_due: s.beat.last_due,
        })
    })
}

/// The scale-out beat: puts due runs on the Redis queue (run one per queue).
pub fn scheduler(
    plan: &Plan,
    queue: RedisQueueConfig,
    clock: Clock,
    window: Window,
    announce: &mut dyn FnMut(String),
) -> Result<SchedulerReport, ServiceError> {
    runtime()?.block_on(async {
        let name = queue.queue.clone();
        let mut queue = RedisQueue::connect(queue).await?;
        let (trigger, shutdown) = Shutdown::new();
        trigger.on_signals();
        announce(format!(
            "scheduling {} jobs onto queue {name:?} (Ctrl-C to stop)",
            plan.jobs.len()
        ));
        let housekeeping = tokio::spawn(queue.clone().forget_finished_hourly());
        let (catch_up, stop) = (window.catch_up, window.stop);
        let s = run_beat(plan, clock, catch_up, stop, &mut queue, &shutdown).await;
        housekeeping.abort();
        let s = s?;
        Ok(SchedulerReport {
            runs: s.runs,
            enqueued: s.enqueued,
            last_due: s.last_due,
        })
    })
}

/// A scale-out worker: takes runs from the Redis queue into the store at `db_url` (migrated
/// already: deployments run `ztrade db migrate` first).
pub fn worker(
    name: String,
    db_url: &str,
    queue: RedisQueueConfig,
    runner: Runner,
    announce: &mut dyn FnMut(String),
) -> Result<WorkerReport, ServiceError> {
    runtime()?.block_on(async {
        let queue_name = queue.queue.clone();
        let queue = RedisQueue::connect(queue).await?;
        let store = StoreHandle::open(db_url).await?;
        let (clock, options) = (runner.clock, runner.options(name.clone()));
        let collect = runner.collect(store.clone());
        let (trigger, shutdown) = Shutdown::new();
        trigger.on_signals();
        let stats = Arc::new(WorkerStats::default());
        announce(format!(
            "worker {name} taking runs from queue {queue_name:?} into {} (Ctrl-C to stop)",
            store.location()
        ));
        let recorder = Arc::new(StoreRecorder(store));
        run_redis_worker(
            &queue,
            &options,
            collect,
            recorder,
            clock,
            stats.clone(),
            shutdown,
        )
        .await
        .map_err(|e| format!("worker {name}: {e}"))?;
        Ok(WorkerReport {
            worker: name,
            ok: stats.ok.load(Ordering::SeqCst),
            failed: stats.failed.load(Ordering::SeqCst),
        })
    })
}
