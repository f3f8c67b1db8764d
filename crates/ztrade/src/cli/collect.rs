//! Scheduled collection.
//!
//! - `collect --config FILE`: the embedded default, beat and worker in one process.
//! - `collect status`: per job, last run, next run, rows, errors, lag (see [`status`]).
//! - `scheduler --config FILE`: scale-out beat, puts due runs on the Redis queue (run one).
//! - `worker`: scale-out worker, takes runs from the queue into the store (run any number).
//!
//! The testing aids `--now` and `--clock-speed` shift the runtime's clock so that jobs fall due
//! inside market hours on any day; they change nothing else.

mod status;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use collector::Provider;
use collector::queue::{RedisQueue, RedisQueueConfig};
use collector::runtime::{Clock, EmbeddedOptions, Shutdown, StopAt, run_beat, run_embedded};
use collector::schedule::{Plan, load_plan};
use collector::worker::{
    Clients, CollectOptions, CollectRunner, StoreHandle, StoreRecorder, WorkerOptions, WorkerStats,
    run_redis_worker,
};
use domain::{Timeframe, UnixNanos};

use super::GlobalArgs;
use super::keys::{MasterArgs, provider_lookup};
use crate::output;

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

/// The runtime clock's testing aids.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Testing aids")]
pub struct ClockArgs {
    /// Start the runtime clock at this instant (RFC 3339) instead of the system time; it then
    /// advances with real time. For tests and demos outside market hours.
    #[arg(long, env = "ZTRADE_NOW", value_name = "TIME", value_parser = parse_time)]
    now: Option<UnixNanos>,
    /// With --now: simulated seconds per real second.
    #[arg(
        long,
        env = "ZTRADE_CLOCK_SPEED",
        default_value_t = 1,
        value_name = "N",
        requires = "now"
    )]
    clock_speed: u32,
}

impl ClockArgs {
    fn clock(&self) -> Clock {
        match self.now {
            Some(t) => Clock::shifted(t, self.clock_speed),
            None => Clock::System,
        }
    }
}

/// When a run of the schedule stops on its own; without any, it runs until Ctrl-C/SIGTERM.
#[derive(Debug, Args, Clone)]
pub struct StopArgs {
    /// Stop before the first run due after TIME (RFC 3339), once the queued runs are done.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    until: Option<UnixNanos>,
    /// Stop after N runs.
    #[arg(long, value_name = "N")]
    max_runs: Option<u64>,
    /// On start, also queue the runs due in this much of the past (a restart catches the run
    /// it missed; a run already queued is not queued again).
    #[arg(long, default_value = "2m", value_name = "DURATION", value_parser = parse_span)]
    catch_up: i64,
}

impl StopArgs {
    fn stop_at(&self) -> StopAt {
        StopAt {
            until: self.until,
            max_runs: self.max_runs,
        }
    }
}

/// What a worker does with a run.
#[derive(Debug, Args, Clone)]
pub struct RunnerArgs {
    /// Runs in progress at once in this process.
    #[arg(long, default_value_t = 2, value_name = "N")]
    concurrency: usize,
    /// After each bars run, check this much history before its window against the NYSE
    /// calendar and backfill missing bars (0 turns the check off).
    #[arg(long, default_value = "1d", value_name = "DURATION", value_parser = parse_span)]
    gap_window: i64,
    /// Provider keys: the environment first, then the vault in the store (`ztrade keys`).
    #[command(flatten)]
    master: MasterArgs,
}

#[derive(Debug, Args)]
pub struct EmbeddedArgs {
    /// The collection config (TOML or YAML): symbols, agents_dir, jobs.
    #[arg(long, short, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Run each job once, at its latest due time, and exit (for cron).
    #[arg(long, conflicts_with_all = ["until", "max_runs"])]
    once: bool,
    #[command(flatten)]
    stop: StopArgs,
    #[command(flatten)]
    runner: RunnerArgs,
    #[command(flatten)]
    clock: ClockArgs,
}

/// The Redis queue shared by `scheduler` and `worker`.
#[derive(Debug, Args, Clone)]
pub struct QueueArgs {
    /// Redis URL of the job queue.
    #[arg(long = "redis", env = "ZTRADE_REDIS_URL", default_value = collector::queue::redis::DEFAULT_REDIS_URL, hide_env_values = true, value_name = "URL")]
    url: String,
    /// Queue name; every Redis key it uses starts with it.
    #[arg(long, env = "ZTRADE_QUEUE", default_value = collector::queue::redis::DEFAULT_QUEUE, value_name = "NAME")]
    queue: String,
    /// Worker heartbeat interval (whole seconds).
    #[arg(long, default_value = "5s", value_name = "DURATION", value_parser = parse_span)]
    heartbeat: i64,
    /// Heartbeats a worker may miss before its runs go back on the queue.
    #[arg(long, default_value_t = 6, value_name = "N")]
    missed_heartbeats: usize,
}

impl QueueArgs {
    fn config(&self) -> RedisQueueConfig {
        RedisQueueConfig {
            url: self.url.clone(),
            queue: self.queue.clone(),
            heartbeat: Duration::from_nanos(self.heartbeat.max(0) as u64),
            missed_heartbeats: self.missed_heartbeats,
            ..RedisQueueConfig::default()
        }
    }
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
    let mut providers: Vec<Provider> = plan.jobs.iter().map(|j| j.provider).collect();
    providers.sort();
    providers.dedup();
    let clients = clients(&url, &args.runner, &providers)?;
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
            "last_due": summary.beat.last_due,
        });
        if g.json {
            return output::json(&out);
        }
        println!(
            "{} runs: {} ok, {} failed",
            summary.beat.runs, summary.ok, summary.failed
        );
        Ok(())
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
        let housekeeping = tokio::spawn(housekeeping(queue.clone()));
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
        if g.json {
            return output::json(&serde_json::json!({
                "runs": s.runs, "enqueued": s.enqueued, "last_due": s.last_due,
            }));
        }
        println!("{} runs due, {} newly queued", s.runs, s.enqueued);
        Ok(())
    })
}

pub fn worker(args: WorkerArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let url = g.db_url();
    let name = args.name.clone().unwrap_or_else(default_worker_name);
    // A worker may be handed any job: both providers, each if configured.
    let clients = clients(&url, &args.runner, &Provider::ALL)?;
    runtime()?.block_on(async {
        let queue = RedisQueue::connect(args.queue.config()).await?;
        // Workers do not migrate: several starting at once would race; `ztrade db migrate` first.
        let store = {
            let url = url.clone();
            StoreHandle::new(tokio::task::spawn_blocking(move || store::open_ready(&url)).await??)
        };
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
            queue.storage(),
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
        if g.json {
            return output::json(
                &serde_json::json!({ "worker": name, "ok": ok, "failed": failed }),
            );
        }
        println!("worker {name}: {ok} runs ok, {failed} failed");
        Ok(())
    })
}

/// Hourly, forgets queued runs that finished more than a day ago, so Redis does not grow with
/// the schedule.
async fn housekeeping(mut queue: RedisQueue) {
    loop {
        match queue.vacuum(Duration::from_secs(24 * 3600)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(runs = n, "forgot finished runs"),
            Err(e) => tracing::warn!("queue housekeeping: {e}"),
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

/// Clients for `providers`, keys from the environment, then the store's vault.
fn clients(url: &str, args: &RunnerArgs, providers: &[Provider]) -> anyhow::Result<Clients> {
    let lookup = provider_lookup(url, args.master.key_file.as_deref(), providers)?;
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
        if let Err(e) = clients.get(job.provider) {
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
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn default_worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!("{host}-{}", std::process::id())
}

fn parse_time(text: &str) -> Result<UnixNanos, String> {
    UnixNanos::parse_rfc3339(text).map_err(|e| e.to_string())
}

/// `0`, or a length like `30s`, `2m`, `1h`, `1d`, in nanoseconds.
fn parse_span(text: &str) -> Result<i64, String> {
    if text.trim() == "0" {
        return Ok(0);
    }
    Timeframe::parse(text)
        .ok()
        .and_then(Timeframe::nanos)
        .ok_or_else(|| format!("{text:?} is not a duration like 30s, 2m, 1h or 1d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_times_parse() {
        assert_eq!(parse_span("0").unwrap(), 0);
        assert_eq!(parse_span("2m").unwrap(), 120_000_000_000);
        assert_eq!(parse_span("1d").unwrap(), 86_400_000_000_000);
        assert!(parse_span("1mo").unwrap_err().contains("not a duration"));
        assert!(parse_span("soon").is_err());
        assert!(parse_time("2024-01-03T15:00:00Z").is_ok());
        assert!(parse_time("yesterday").is_err());
    }
}
