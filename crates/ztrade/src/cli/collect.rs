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

use anyhow::bail;
use clap::{Args, Subcommand};
use collector::Provider;
use collector::runtime::Clock;
use collector::schedule::load_plan;
use collector::service;

use super::paper_loop::run_loop;
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
    // One clock for the collection and the paper loop: a shifted clock is made once.
    let clock = args.clock.clock();
    let runner = runner(g, &args.runner, clock, &plan.providers())?;
    let window = window(&args.stop);
    let embedded = || service::embedded(&plan, &g.db_url(), runner, window, args.once, &mut say);
    let (r, paper) = match &args.paper {
        None => (embedded(), None),
        Some(agent) => {
            // The loop ends when the collection does, after a last look at what it wrote.
            let (g2, agent, loop_args) = (g.clone(), agent.clone(), args.paper_loop.clone());
            let key_file = args.runner.master.key_file.clone();
            let (r, p) = live::beside(
                move |stop| {
                    run_loop(
                        &g2,
                        &agent,
                        &loop_args,
                        key_file.as_deref(),
                        (clock, None),
                        stop,
                    )
                },
                embedded,
            );
            (r, Some(p??))
        }
    };
    let r = r.map_err(anyhow::Error::from_boxed)?;
    match paper {
        None => output::reply(g.json, &r, render::text::embedded),
        Some(p) => {
            let both = serde_json::json!({"collection": r, "paper": p});
            output::reply(g.json, &both, |t, _| {
                render::text::embedded(t, &r);
                render::text::paper_run(t, &p);
            })
        }
    }
}

pub fn scheduler(args: SchedulerArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let plan = load_plan(&args.config)?;
    let clock = args.clock.clock();
    let window = window(&args.stop);
    let s = service::scheduler(&plan, args.queue.config(), clock, window, &mut say)
        .map_err(anyhow::Error::from_boxed)?;
    output::reply(g.json, &s, render::text::scheduler)
}

pub fn worker(args: WorkerArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let name = args.name.unwrap_or_else(collector::worker::default_name);
    // A worker may be handed any job: both providers, each if configured.
    let runner = runner(g, &args.runner, args.clock.clock(), &Provider::ALL)?;
    let w = service::worker(name, &g.db_url(), args.queue.config(), runner, &mut say)
        .map_err(anyhow::Error::from_boxed)?;
    output::reply(g.json, &w, render::text::worker)
}

fn say(line: String) {
    eprintln!("{line}");
}

fn window(stop: &StopArgs) -> service::Window {
    service::Window {
        catch_up: stop.catch_up,
        stop: stop.stop_at(),
    }
}

/// The runner for `providers`, keys from the environment, then the store's vault (which this
/// migrates first).
fn runner(
    g: &GlobalArgs,
    args: &RunnerArgs,
    clock: Clock,
    providers: &[Provider],
) -> anyhow::Result<service::Runner> {
    let mut store = g.open(Open::Migrated)?;
    let lookup = provider_lookup(store.as_mut(), args.master.key_file.as_deref(), providers)?;
    service::Runner::from_lookup(&lookup, args.gap_window, args.concurrency, clock)
        .map_err(anyhow::Error::from_boxed)
}
