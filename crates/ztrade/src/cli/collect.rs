//! Scheduled collection.
//!
//! - `collect --config FILE`: the embedded default, beat and worker in one process.
//! - `collect status`: per job, last run, next run, rows, errors, lag (see [`status`]).
//! - `scheduler --config FILE`: scale-out beat, puts due runs on the Redis queue (run one).
//! - `worker`: scale-out worker, takes runs from the queue into the store (run any number).
//! - [`args`]: the flags they share (queue, stop conditions, runner, clock).
//!
//! The testing aids `--now` and `--clock-speed` shift the runtime's clock so that jobs fall due
//! inside market hours on any day; they change nothing else.

mod args;
mod status;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use collector::Provider;
use collector::queue::RedisQueue;
use collector::runtime::{Clock, EmbeddedOptions, Shutdown, run_beat, run_embedded};
use collector::schedule::{Plan, load_plan};
use collector::worker::{
    Clients, CollectOptions, CollectRunner, StoreHandle, StoreRecorder, WorkerOptions, WorkerStats,
    run_redis_worker,
};

use super::provider_keys::provider_lookup;
use super::{GlobalArgs, Open};
use crate::output;
use args::{ClockArgs, EmbeddedArgs, QueueArgs, RunnerArgs, StopArgs};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CollectArgs {
    #[command(subcommand)]
    command: Option<CollectCommand>,
    #[command(flatten)]
    run: EmbeddedArgs,
}

#[derive(Debug, Subcommand)]
enum CollectCommand {
    /// Per job: last run, next run, rows written, errors and lag, from `collection_runs`.
    Status(status::StatusArgs),
}

#[derive(Debug, Args)]
pub struct SchedulerArgs {
    /// The collection config (TOML or YAML).
    #[arg(long, short, value_name = "FILE")]
    config: PathBuf,
    #[command(flatten)]
    queue: QueueArgs,
    #[command(flatten)]
    stop: StopArgs,
    #[command(flatten)]
    clock: ClockArgs,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    queue: QueueArgs,
    /// This worker's name, unique among the queue's workers (default: host-pid).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    #[command(flatten)]
    runner: RunnerArgs,
    #[command(flatten)]
    clock: ClockArgs,
}

pub fn run(args: CollectArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    match args.command {
        Some(CollectCommand::Status(s)) => status::run(s, g),
        None => embedded(args.run, g),
    }
}

fn embedded(args: EmbeddedArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let Some(config) = &args.config else {
        bail!("collect needs --config FILE (see `ztrade collect --help`)");
    };
    let plan = load_plan(config)?;
    let url = g.db_url();
    let mut providers: Vec<Provider> = plan.jobs.iter().filter_map(|j| j.provider).collect();
    providers.sort();
    providers.dedup();
    let clients = clients(g, &args.runner, &providers)?;
    runtime()?.block_on(async {
        let store = StoreHandle::open(&url).await?;
        let clock = args.clock.clock();
        let runner = collect_runner(&plan, clients, store.clone(), &args.runner, clock);
        let (trigger, shutdown) = Shutdown::new();
        trigger.on_signals();
        eprintln!(
            "collecting {} jobs for {} symbols into {} (Ctrl-C to stop)",
            plan.jobs.len(),
            plan.symbols.len(),
            store.location()
        );
        let options = EmbeddedOptions {
            clock,
            catch_up: args.stop.catch_up,
            stop: args.stop.stop_at(),
            once: args.once,
            worker: WorkerOptions {
                name: format!("embedded-{}", std::process::id()),
                concurrency: args.runner.concurrency,
                poll: Duration::from_millis(200),
            },
        };
        let summary = run_embedded(
            &plan,
            runner,
            Arc::new(StoreRecorder(store)),
            options,
            shutdown,
        )
        .await?;
        let out = serde_json::json!({
            "runs": summary.beat.runs,
            "ok": summary.ok,
            "failed": summary.failed,
            "follow_ups": summary.follow_ups,
            "last_due": summary.beat.last_due,
        });
        let after = match summary.follow_ups {
            0 => String::new(),
            n => format!(" and {n} queued after them"),
        };
        let (runs, ok, failed) = (summary.beat.runs, summary.ok, summary.failed);
        output::reply(g.json, &out, |t, _| {
            t.line(format!("{runs} runs{after}: {ok} ok, {failed} failed"))
        })
    })
}

pub fn scheduler(args: SchedulerArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let plan = load_plan(&args.config)?;
    runtime()?.block_on(async {
        let mut queue = RedisQueue::connect(args.queue.config()).await?;
        let (trigger, shutdown) = Shutdown::new();
        trigger.on_signals();
        eprintln!(
            "scheduling {} jobs onto queue {:?} (Ctrl-C to stop)",
            plan.jobs.len(),
            args.queue.queue
        );
        let housekeeping = tokio::spawn(queue.clone().forget_finished_hourly());
        let s = run_beat(
            &plan,
            args.clock.clock(),
            args.stop.catch_up,
            args.stop.stop_at(),
            &mut queue,
            &shutdown,
        )
        .await;
        housekeeping.abort();
        let s = s?;
        let out =
            serde_json::json!({ "runs": s.runs, "enqueued": s.enqueued, "last_due": s.last_due });
        output::reply(g.json, &out, |t, _| {
            t.line(format!("{} runs due, {} newly queued", s.runs, s.enqueued))
        })
    })
}

pub fn worker(args: WorkerArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let url = g.db_url();
    let name = args
        .name
        .clone()
        .unwrap_or_else(collector::worker::default_name);
    // A worker may be handed any job: both providers, each if configured.
    let clients = clients(g, &args.runner, &Provider::ALL)?;
    runtime()?.block_on(async {
        let queue = RedisQueue::connect(args.queue.config()).await?;
        // Migrated already by the key lookup above. Workers started together on a fresh
        // database may race on that; deployments run `ztrade db migrate` first.
        let store = StoreHandle::open(&url).await?;
        let runner = Arc::new(CollectRunner::new(
            clients,
            store.clone(),
            CollectOptions {
                gap_window: args.runner.gap_window,
                clock: args.clock.clock(),
            },
        ));
        let (trigger, shutdown) = Shutdown::new();
        trigger.on_signals();
        let stats = Arc::new(WorkerStats::default());
        eprintln!(
            "worker {name} taking runs from queue {:?} into {} (Ctrl-C to stop)",
            args.queue.queue,
            store.location()
        );
        let options = WorkerOptions {
            name: name.clone(),
            concurrency: args.runner.concurrency,
            poll: Duration::from_millis(200),
        };
        run_redis_worker(
            &queue,
            &options,
            runner,
            Arc::new(StoreRecorder(store)),
            args.clock.clock(),
            stats.clone(),
            shutdown,
        )
        .await
        .map_err(|e| anyhow::anyhow!("worker {name}: {e}"))?;
        let (ok, failed) = (
            stats.ok.load(std::sync::atomic::Ordering::SeqCst),
            stats.failed.load(std::sync::atomic::Ordering::SeqCst),
        );
        let out = serde_json::json!({ "worker": name, "ok": ok, "failed": failed });
        output::reply(g.json, &out, |t, _| {
            t.line(format!("worker {name}: {ok} runs ok, {failed} failed"))
        })
    })
}

/// Clients for `providers`, keys from the environment, then the store's vault.
fn clients(g: &GlobalArgs, args: &RunnerArgs, providers: &[Provider]) -> anyhow::Result<Clients> {
    let lookup = provider_lookup(
        g.open(Open::Migrated)?.as_mut(),
        args.master.key_file.as_deref(),
        providers,
    )?;
    Ok(Clients::from_lookup(|k| lookup(k))?)
}

/// The real runner, with a warning for jobs whose provider has no keys (they will fail).
fn collect_runner(
    plan: &Plan,
    clients: Clients,
    store: StoreHandle,
    args: &RunnerArgs,
    clock: Clock,
) -> Arc<CollectRunner> {
    for job in &plan.jobs {
        if let Some(Err(e)) = job.provider.map(|p| clients.get(p)) {
            tracing::warn!(job = %job.name, "{e}");
            eprintln!("warning: job {}: {e}", job.name);
        }
    }
    Arc::new(CollectRunner::new(
        clients,
        store,
        CollectOptions {
            gap_window: args.gap_window,
            clock,
        },
    ))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    collector::runtime::start().context("cannot start the async runtime")
}
