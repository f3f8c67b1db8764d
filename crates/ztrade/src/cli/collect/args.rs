//! The flags shared by `collect`, `scheduler` and `worker`, and their parsers.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use collector::queue::RedisQueueConfig;
use collector::runtime::StopAt;
use domain::UnixNanos;

pub use crate::cli::flags::{ClockArgs, parse_span, parse_time};
use crate::cli::paper_loop::PaperLoopArgs;
use crate::cli::provider_keys::MasterArgs;

/// When a run of the schedule stops on its own; without any, it runs until Ctrl-C/SIGTERM.
#[derive(Debug, Args, Clone)]
pub struct StopArgs {
    /// Stop before the first run due after TIME (RFC 3339), once the queued runs are done.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<UnixNanos>,
    /// Stop after N runs.
    #[arg(long, value_name = "N")]
    pub max_runs: Option<u64>,
    /// On start, also queue the runs due in this much of the past (a restart catches the run
    /// it missed; a run already queued is not queued again).
    #[arg(long, default_value = "2m", value_name = "DURATION", value_parser = parse_span)]
    pub catch_up: i64,
}

impl StopArgs {
    pub fn stop_at(&self) -> StopAt {
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
    pub concurrency: usize,
    /// After each bars run, check this much history before its window against each symbol's
    /// calendar and backfill missing bars (0 turns the check off).
    #[arg(long, default_value = "1d", value_name = "DURATION", value_parser = parse_span)]
    pub gap_window: i64,
    /// Provider keys: the environment first, then the vault in the store (`ztrade keys`).
    #[command(flatten)]
    pub master: MasterArgs,
}

/// `collect` without a subcommand: the embedded runtime.
#[derive(Debug, Args)]
pub struct EmbeddedArgs {
    /// The collection config (TOML or YAML): symbols, agents_dir, jobs.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run each job once, at its latest due time, and exit (for cron).
    #[arg(long, conflicts_with_all = ["until", "max_runs"])]
    pub once: bool,
    #[command(flatten)]
    pub stop: StopArgs,
    #[command(flatten)]
    pub runner: RunnerArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    /// Also paper-trade this agent (agents/ID.yaml) in the same process, on the bars this
    /// collection writes (see `ztrade paper run`).
    #[arg(long, value_name = "AGENT")]
    pub paper: Option<String>,
    #[command(flatten)]
    pub paper_loop: PaperLoopArgs,
}

/// The Redis queue shared by `scheduler` and `worker`.
#[derive(Debug, Args, Clone)]
pub struct QueueArgs {
    /// Redis URL of the job queue.
    #[arg(long = "redis", env = "ZTRADE_REDIS_URL", default_value = collector::queue::redis::DEFAULT_REDIS_URL, hide_env_values = true, value_name = "URL")]
    pub url: String,
    /// Queue name; every Redis key it uses starts with it.
    #[arg(long, env = "ZTRADE_QUEUE", default_value = collector::queue::redis::DEFAULT_QUEUE, value_name = "NAME")]
    pub queue: String,
    /// Worker heartbeat interval (whole seconds).
    #[arg(long, default_value = "5s", value_name = "DURATION", value_parser = parse_span)]
    pub heartbeat: i64,
    /// Heartbeats a worker may miss before its runs go back on the queue.
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub missed_heartbeats: usize,
}

impl QueueArgs {
    pub fn config(&self) -> RedisQueueConfig {
        RedisQueueConfig {
            url: self.url.clone(),
            queue: self.queue.clone(),
            heartbeat: Duration::from_nanos(self.heartbeat.max(0) as u64),
            missed_heartbeats: self.missed_heartbeats,
            ..RedisQueueConfig::default()
        }
    }
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
